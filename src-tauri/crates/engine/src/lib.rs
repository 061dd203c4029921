//! The workflow engine (`spec/engine.md`): runs workflows for real, offline, with no Tauri.
//!
//! - [`runner`]: the [`Engine`] handle (start, cancel, events), the scheduler and step kinds.
//! - [`events`]: the typed [`RunEvent`] stream.
//! - [`plan`]: the checks made before any row is written (graph, references, inputs).
//! - [`template`] and [`expr`]: `{{ path }}` templating and condition expressions.
//! - [`agents`]: the agent kinds.
//! - [`bounds`]: the size and depth limits of what a run holds and writes.
//! - [`schedule`]: cron schedules (and catch-up of a missed run) over an [`Engine`].

pub mod agents;
pub mod bounds;
pub mod events;
pub mod expr;
pub mod plan;
pub mod runner;
pub mod schedule;
pub mod template;

pub use events::RunEvent;
pub use runner::{bounded, Engine, EngineConfig, RunHandle, RunRequest};
