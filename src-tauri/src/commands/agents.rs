//! Commands of the Agents page: list, get, create, update, delete, duplicate as a new version,
//! and the versions of an agent's family.

use std::sync::Arc;

use tauri::State;
use turbocat_domain::{Agent, Page, Uuid};
use turbocat_services::agents::{AgentQuery, CreateAgent, UpdateAgent};

use super::with_services;
use crate::{CommandResult, Database};

/// One page of agents matching `query`; a missing query means the first page, unfiltered.
#[tauri::command]
pub async fn agents_list(database: State<'_, Arc<Database>>, query: Option<AgentQuery>) -> CommandResult<Page<Agent>> {
    let query = query.unwrap_or_default();
    with_services(&database, move |services| services.agents().list(&query)).await
}

#[tauri::command]
pub async fn agents_get(database: State<'_, Arc<Database>>, id: Uuid) -> CommandResult<Agent> {
    with_services(&database, move |services| services.agents().get(id)).await
}

#[tauri::command]
pub async fn agents_create(database: State<'_, Arc<Database>>, input: CreateAgent) -> CommandResult<Agent> {
    with_services(&database, move |services| services.agents().create(input)).await
}

#[tauri::command]
pub async fn agents_update(database: State<'_, Arc<Database>>, id: Uuid, input: UpdateAgent) -> CommandResult<Agent> {
    with_services(&database, move |services| services.agents().update(id, input)).await
}

/// Soft delete (the row keeps its history; lists no longer show it).
#[tauri::command]
pub async fn agents_delete(database: State<'_, Arc<Database>>, id: Uuid) -> CommandResult<()> {
    with_services(&database, move |services| services.agents().delete(id)).await
}

/// A new draft version of the agent's family (name given, or "Copy of <name>").
#[tauri::command]
pub async fn agents_duplicate(
    database: State<'_, Arc<Database>>,
    id: Uuid,
    name: Option<String>,
) -> CommandResult<Agent> {
    with_services(&database, move |services| services.agents().duplicate(id, name)).await
}

/// Every version of the agent's family, deleted ones too, highest version first.
#[tauri::command]
pub async fn agents_versions(database: State<'_, Arc<Database>>, id: Uuid) -> CommandResult<Vec<Agent>> {
    with_services(&database, move |services| services.agents().versions(id)).await
}
