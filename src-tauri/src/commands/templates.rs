//! Commands of the Templates gallery: list, categories, get, instantiate, save an agent or a
//! workflow as a template, rate.

use std::sync::Arc;

use tauri::State;
use turbocat_domain::{Page, Template, Uuid};
use turbocat_services::templates::{Instantiate, Instantiated, SaveAsTemplate, TemplateQuery};

use super::with_services;
use crate::{CommandResult, Database};

#[tauri::command]
pub async fn templates_list(
    database: State<'_, Arc<Database>>,
    query: Option<TemplateQuery>,
) -> CommandResult<Page<Template>> {
    let query = query.unwrap_or_default();
    with_services(&database, move |services| services.templates().list(&query)).await
}

#[tauri::command]
pub async fn templates_categories(database: State<'_, Arc<Database>>) -> CommandResult<Vec<String>> {
    with_services(&database, move |services| services.templates().categories()).await
}

#[tauri::command]
pub async fn templates_get(database: State<'_, Arc<Database>>, id: Uuid) -> CommandResult<Template> {
    with_services(&database, move |services| services.templates().get(id)).await
}

#[tauri::command]
pub async fn templates_instantiate(
    database: State<'_, Arc<Database>>,
    id: Uuid,
    input: Option<Instantiate>,
) -> CommandResult<Instantiated> {
    let input = input.unwrap_or_default();
    with_services(&database, move |services| services.templates().instantiate(id, input)).await
}

#[tauri::command]
pub async fn templates_save_agent(
    database: State<'_, Arc<Database>>,
    agent_id: Uuid,
    input: SaveAsTemplate,
) -> CommandResult<Template> {
    with_services(&database, move |services| services.templates().save_agent(agent_id, input)).await
}

#[tauri::command]
pub async fn templates_save_workflow(
    database: State<'_, Arc<Database>>,
    workflow_id: Uuid,
    input: SaveAsTemplate,
) -> CommandResult<Template> {
    with_services(&database, move |services| services.templates().save_workflow(workflow_id, input)).await
}

#[tauri::command]
pub async fn templates_rate(database: State<'_, Arc<Database>>, id: Uuid, rating: i64) -> CommandResult<Template> {
    with_services(&database, move |services| services.templates().rate(id, rating)).await
}
