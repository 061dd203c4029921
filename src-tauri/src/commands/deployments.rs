//! Commands of the Deployments page: list, get, create, update, start/stop per the state
//! machine, delete. Environment variables only ever come back masked.

use std::sync::Arc;

use tauri::State;
use turbocat_domain::{Deployment, Page, Uuid};
use turbocat_services::deployments::{CreateDeployment, DeploymentQuery, UpdateDeployment};

use super::with_services;
use crate::{CommandResult, Database};

#[tauri::command]
pub async fn deployments_list(
    database: State<'_, Arc<Database>>,
    query: Option<DeploymentQuery>,
) -> CommandResult<Page<Deployment>> {
    let query = query.unwrap_or_default();
    with_services(&database, move |services| services.deployments().list(&query)).await
}

#[tauri::command]
pub async fn deployments_get(database: State<'_, Arc<Database>>, id: Uuid) -> CommandResult<Deployment> {
    with_services(&database, move |services| services.deployments().get(id)).await
}

#[tauri::command]
pub async fn deployments_create(
    database: State<'_, Arc<Database>>,
    input: CreateDeployment,
) -> CommandResult<Deployment> {
    with_services(&database, move |services| services.deployments().create(input)).await
}

#[tauri::command]
pub async fn deployments_update(
    database: State<'_, Arc<Database>>,
    id: Uuid,
    input: UpdateDeployment,
) -> CommandResult<Deployment> {
    with_services(&database, move |services| services.deployments().update(id, input)).await
}

/// stopped|failed → starting → running. Nothing needs booting on this machine, so the
/// deployment comes up at once; both transitions are recorded (and audited).
#[tauri::command]
pub async fn deployments_start(database: State<'_, Arc<Database>>, id: Uuid) -> CommandResult<Deployment> {
    with_services(&database, move |services| {
        services.deployments().start(id)?;
        services.deployments().mark_running(id)
    })
    .await
}

/// running|starting|maintenance → stopping → stopped, both recorded.
#[tauri::command]
pub async fn deployments_stop(database: State<'_, Arc<Database>>, id: Uuid) -> CommandResult<Deployment> {
    with_services(&database, move |services| {
        services.deployments().stop(id)?;
        services.deployments().mark_stopped(id)
    })
    .await
}

#[tauri::command]
pub async fn deployments_delete(database: State<'_, Arc<Database>>, id: Uuid) -> CommandResult<()> {
    with_services(&database, move |services| services.deployments().delete(id)).await
}
