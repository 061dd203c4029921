//! Commands of the API Keys and Audit Log pages and of the local profile.

use std::sync::Arc;

use serde_json::Value as Json;
use tauri::State;
use turbocat_domain::{ApiKey, AuditLog, Page, User, Uuid};
use turbocat_services::api_keys::{CreateApiKey, CreatedApiKey};
use turbocat_services::audit::AuditQuery;
use turbocat_services::users::UpdateProfile;
use turbocat_services::ListParams;

use super::with_services;
use crate::{CommandResult, Database};

#[tauri::command]
pub async fn api_keys_list(
    database: State<'_, Arc<Database>>,
    query: Option<ListParams>,
) -> CommandResult<Page<ApiKey>> {
    let query = query.unwrap_or_default();
    with_services(&database, move |services| services.api_keys().list(&query)).await
}

/// Returns the plain key this once; it is never stored or shown again.
#[tauri::command]
pub async fn api_keys_create(database: State<'_, Arc<Database>>, input: CreateApiKey) -> CommandResult<CreatedApiKey> {
    with_services(&database, move |services| services.api_keys().create(input)).await
}

#[tauri::command]
pub async fn api_keys_revoke(database: State<'_, Arc<Database>>, id: Uuid) -> CommandResult<ApiKey> {
    with_services(&database, move |services| services.api_keys().revoke(id)).await
}

#[tauri::command]
pub async fn audit_list(
    database: State<'_, Arc<Database>>,
    query: Option<AuditQuery>,
) -> CommandResult<Page<AuditLog>> {
    let query = query.unwrap_or_default();
    with_services(&database, move |services| services.audit().list(&query)).await
}

#[tauri::command]
pub async fn profile_get(database: State<'_, Arc<Database>>) -> CommandResult<User> {
    with_services(&database, move |services| services.users().profile()).await
}

#[tauri::command]
pub async fn profile_update(database: State<'_, Arc<Database>>, input: UpdateProfile) -> CommandResult<User> {
    with_services(&database, move |services| services.users().update_profile(input)).await
}

/// Merges `patch` into the profile's preferences (a key set to null is removed).
#[tauri::command]
pub async fn preferences_update(database: State<'_, Arc<Database>>, patch: Json) -> CommandResult<Json> {
    with_services(&database, move |services| services.users().update_preferences(patch)).await
}
