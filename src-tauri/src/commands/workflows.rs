//! Commands of the Workflows pages: list, get with steps, create, update (fields and a step set
//! or step diff), delete, validate a step set without saving, and a workflow's executions.

use std::sync::Arc;

use tauri::State;
use turbocat_domain::{Execution, Page, Uuid, Workflow};
use turbocat_services::executions::ExecutionQuery;
use turbocat_services::workflows::{CreateWorkflow, StepInput, UpdateWorkflow, WorkflowQuery, WorkflowWithSteps};

use super::with_services;
use crate::{CommandResult, Database};

#[tauri::command]
pub async fn workflows_list(
    database: State<'_, Arc<Database>>,
    query: Option<WorkflowQuery>,
) -> CommandResult<Page<Workflow>> {
    let query = query.unwrap_or_default();
    with_services(&database, move |services| services.workflows().list(&query)).await
}

#[tauri::command]
pub async fn workflows_get(database: State<'_, Arc<Database>>, id: Uuid) -> CommandResult<WorkflowWithSteps> {
    with_services(&database, move |services| services.workflows().get(id)).await
}

#[tauri::command]
pub async fn workflows_create(
    database: State<'_, Arc<Database>>,
    input: CreateWorkflow,
) -> CommandResult<WorkflowWithSteps> {
    with_services(&database, move |services| services.workflows().create(input)).await
}

#[tauri::command]
pub async fn workflows_update(
    database: State<'_, Arc<Database>>,
    id: Uuid,
    input: UpdateWorkflow,
) -> CommandResult<WorkflowWithSteps> {
    with_services(&database, move |services| services.workflows().update(id, input)).await
}

#[tauri::command]
pub async fn workflows_delete(database: State<'_, Arc<Database>>, id: Uuid) -> CommandResult<()> {
    with_services(&database, move |services| services.workflows().delete(id)).await
}

/// The graph and field checks of a save, without saving: the canvas validates as you edit.
#[tauri::command]
pub async fn workflows_validate(database: State<'_, Arc<Database>>, steps: Vec<StepInput>) -> CommandResult<()> {
    with_services(&database, move |services| services.workflows().validate(steps)).await
}

#[tauri::command]
pub async fn workflows_executions(
    database: State<'_, Arc<Database>>,
    id: Uuid,
    query: Option<ExecutionQuery>,
) -> CommandResult<Page<Execution>> {
    let query = query.unwrap_or_default();
    with_services(&database, move |services| services.workflows().executions(id, &query)).await
}
