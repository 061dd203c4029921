//! Commands of the Agents page.

use std::sync::Arc;

use tauri::State;
use turbocat_domain::{Agent, Page};
use turbocat_services::agents::AgentQuery;

use super::with_services;
use crate::{CommandResult, Database};

/// One page of agents matching `query`; a missing query means the first page, unfiltered.
#[tauri::command]
pub async fn agents_list(database: State<'_, Arc<Database>>, query: Option<AgentQuery>) -> CommandResult<Page<Agent>> {
    let query = query.unwrap_or_default();
    with_services(&database, move |services| services.agents().list(&query)).await
}
