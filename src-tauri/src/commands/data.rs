//! Commands of the Data page: the ten tables, any table's rows, a row's related rows, and an
//! edit of a row, which the services hand to that table's own service (rules and audit apply).

use std::sync::Arc;

use serde_json::Value as Json;
use tauri::State;
use turbocat_domain::{Page, Uuid};
use turbocat_services::data::{DataQuery, DataTable, RelatedRows};

use super::with_services;
use crate::{CommandResult, Database};

#[tauri::command]
pub async fn data_tables(database: State<'_, Arc<Database>>) -> CommandResult<Vec<DataTable>> {
    with_services(&database, move |services| services.data().tables()).await
}

#[tauri::command]
pub async fn data_rows(database: State<'_, Arc<Database>>, query: DataQuery) -> CommandResult<Page<Json>> {
    with_services(&database, move |services| services.data().rows(&query)).await
}

#[tauri::command]
pub async fn data_related(
    database: State<'_, Arc<Database>>,
    table: String,
    id: Uuid,
) -> CommandResult<Vec<RelatedRows>> {
    with_services(&database, move |services| services.data().related(&table, id)).await
}

/// Changes some columns of a row through its table's service; returns the row as shown.
#[tauri::command]
pub async fn data_update(
    database: State<'_, Arc<Database>>,
    table: String,
    id: Uuid,
    patch: Json,
) -> CommandResult<Json> {
    with_services(&database, move |services| services.data().update(&table, id, patch)).await
}
