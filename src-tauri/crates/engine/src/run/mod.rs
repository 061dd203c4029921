//! One run of a workflow, in parts:
//!
//! - [`context`]: what every part of a run reads ([`Run`]: the workflow, its steps and their
//!   typed configs, the graph, the agents, the limits), the log recorder that writes step rows
//!   in batches, a step's template scope, and [`Run::end_step`], the one path that ends a step
//!   (its closing row and its event).
//! - [`scheduler`]: the [`StepScheduler`], which starts ready steps as tasks, at most
//!   `concurrency` at once, skips or reuses the ones that should not run, and ends the run
//!   (cancel, time limit, a failed step, or an end from outside) with its final row.
//! - [`step`]: one step's work: inputs, attempts and retries, the step kinds (agent, condition,
//!   loop, parallel, wait) and the outputs mapping.
//! - [`outputs`]: the step outputs a run holds while later steps read them, and the execution's
//!   `output_data`.

pub(crate) mod context;
pub(crate) mod outputs;
pub(crate) mod scheduler;
pub(crate) mod step;

pub(crate) use context::{Reuse, Run};
pub(crate) use scheduler::run_boxed;
