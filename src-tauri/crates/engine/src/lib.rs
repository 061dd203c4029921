//! The workflow engine (`docs/engine.md`): runs workflows for real, offline, with no Tauri.
//!
//! - [`runner`]: the [`Engine`] (check and start runs, cancel, events, settings).
//! - `run`: one run in parts: its context and recorder, the step scheduler, a step's work
//!   (the step kinds), the outputs it holds.
//! - [`events`]: the typed [`RunEvent`] stream.
//! - [`plan`], [`template`], [`expr`], [`bounds`]: the workflow language, from
//!   `turbocat_domain::flow` (checks before any row is written, `{{ path }}` templating,
//!   condition expressions, the size and depth limits of what a run holds and writes).
//! - [`agents`]: the agent kinds.
//! - [`schedule`]: cron schedules (and catch-up of a missed run) over an [`Engine`].

pub mod agents;
pub mod events;
pub mod handle;
mod run;
pub mod runner;
pub mod schedule;

// The workflow language lives in the domain, so the services check what the engine runs.
pub use turbocat_domain::flow::{bounds, expr, plan, template};

pub use events::RunEvent;
pub use handle::{Host, RunHandle, RunRequest};
pub use runner::{bounded, Engine, EngineConfig};
