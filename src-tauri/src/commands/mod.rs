//! The commands the UI may invoke, one file per area. Each is async and thin: it moves its
//! arguments onto a blocking thread, calls one service function and returns what it returns.

pub mod account;
pub mod agents;
pub mod dashboard;
pub mod data;
pub mod deployments;
pub mod executions;
pub mod runs;
pub mod settings;
pub mod startup;
pub mod sync;
pub mod templates;
pub mod workflows;

use std::sync::Arc;

use turbocat_domain::Error;
use turbocat_services::Services;

use crate::{CommandResult, Database};

/// Runs `work` against the services on tokio's blocking pool. SQLite calls block, and a
/// blocked main thread freezes the window while a blocked tokio worker stalls every other
/// command, so no command touches the database anywhere else.
pub(crate) async fn with_services<T, F>(database: &Arc<Database>, work: F) -> CommandResult<T>
where
    T: Send + 'static,
    F: FnOnce(&Services) -> Result<T, Error> + Send + 'static,
{
    let database = Arc::clone(database);
    let outcome = tauri::async_runtime::spawn_blocking(move || work(&*database.services()?)).await?;
    Ok(outcome?)
}
