//! The workflow language, pure: `{{ path }}` templates ([`template`]), condition expressions
//! ([`expr`]), the size and depth bounds of values ([`bounds`]) and the checks of a step set
//! before it is saved or run ([`plan`]: graph, references, declared inputs), and the typed
//! shapes of a step's config and a workflow's definition ([`config`]). The services run
//! the checks when a workflow is validated, created, updated or imported; the engine runs them
//! again before a run and resolves templates and expressions with the same code.

pub mod bounds;
pub mod config;
pub mod expr;
pub mod plan;
pub mod template;
