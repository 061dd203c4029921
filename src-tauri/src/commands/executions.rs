//! Commands of the Executions pages: create (a pending run of an active workflow with steps;
//! the engine picks it up once it exists), history, one execution with its step counts, its
//! logs, cancel.

use std::sync::Arc;

use tauri::State;
use turbocat_domain::{Execution, ExecutionLog, Page, Uuid};
use turbocat_services::executions::{CreateExecution, ExecutionDetail, ExecutionQuery, LogQuery};

use super::with_services;
use crate::{CommandResult, Database};

#[tauri::command]
pub async fn executions_create(database: State<'_, Arc<Database>>, input: CreateExecution) -> CommandResult<Execution> {
    with_services(&database, move |services| services.executions().create(input)).await
}

#[tauri::command]
pub async fn executions_list(
    database: State<'_, Arc<Database>>,
    query: Option<ExecutionQuery>,
) -> CommandResult<Page<Execution>> {
    let query = query.unwrap_or_default();
    with_services(&database, move |services| services.executions().list(&query)).await
}

#[tauri::command]
pub async fn executions_get(database: State<'_, Arc<Database>>, id: Uuid) -> CommandResult<ExecutionDetail> {
    with_services(&database, move |services| services.executions().get(id)).await
}

#[tauri::command]
pub async fn executions_logs(
    database: State<'_, Arc<Database>>,
    id: Uuid,
    query: Option<LogQuery>,
) -> CommandResult<Page<ExecutionLog>> {
    let query = query.unwrap_or_default();
    with_services(&database, move |services| services.executions().logs(id, &query)).await
}

/// Cancels an execution: its row ends cancelled now, and a run of this app's engine stops at
/// once (its steps' work is dropped) rather than at its next look at the row.
#[tauri::command]
pub async fn executions_cancel(
    database: State<'_, Arc<Database>>,
    runner: State<'_, Arc<super::runs::Runner>>,
    id: Uuid,
) -> CommandResult<Execution> {
    let cancelled = with_services(&database, move |services| services.executions().cancel(id)).await?;
    runner.cancel(id).await;
    Ok(cancelled)
}
