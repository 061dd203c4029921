//! Commands of the Settings page and of file transfers: where the database is, backup now,
//! restore from a file, and export/import of bundles, all through native file dialogs.

use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;
use tauri::{AppHandle, State};
use turbocat_domain::Error;
use turbocat_services::bundle::{ExportSelection, ImportOptions, ImportReport};
use turbocat_store::{maintenance, migrate};

use super::with_services;
use crate::dialogs::{self, Dialog};
use crate::{CommandResult, Database};

#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SettingsInfo {
    pub database_path: PathBuf,
    pub backups_dir: PathBuf,
    pub schema_version: i32,
}

#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RestoreOutcome {
    pub restored_from: PathBuf,
    /// Where the content before the restore was saved.
    pub previous_backup: PathBuf,
}

#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExportOutcome {
    pub path: PathBuf,
    pub agents: usize,
    pub workflows: usize,
    pub templates: usize,
}

#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportOutcome {
    pub path: PathBuf,
    pub report: ImportReport,
}

const SQLITE: (&str, &[&str]) = ("SQLite database", &["sqlite", "db"]);
const BUNDLE: (&str, &[&str]) = ("Turbocat bundle", &["json"]);

#[tauri::command]
pub async fn settings_get(database: State<'_, Arc<Database>>) -> CommandResult<SettingsInfo> {
    let path = database.path().to_path_buf();
    with_services(&database, move |services| {
        let schema_version = maintenance::inspect(services.store().path())?.current_version;
        Ok(SettingsInfo { backups_dir: migrate::backup_dir(&path), database_path: path, schema_version })
    })
    .await
}

/// Backs the database up to a file the user picks; `null` when they cancel.
#[tauri::command]
pub async fn db_backup(app: AppHandle, database: State<'_, Arc<Database>>) -> CommandResult<Option<PathBuf>> {
    let suggested = migrate::backup_file_name(database.path(), "manual");
    let dialog = Dialog {
        title: "Back up the database",
        file_name: suggested.file_name().map(|n| n.to_string_lossy().into_owned()),
        directory: suggested.parent().map(PathBuf::from),
        filter: SQLITE,
    };
    let Some(dest) = dialogs::save(&app, dialog).await? else { return Ok(None) };
    with_services(&database, move |services| {
        services.store().with_writer(|conn| maintenance::backup_connection(conn, &dest))?;
        Ok(Some(dest))
    })
    .await
}

/// Replaces the database with a file the user picks, after checking it and backing up the
/// current content; `null` when they cancel.
#[tauri::command]
pub async fn db_restore(app: AppHandle, database: State<'_, Arc<Database>>) -> CommandResult<Option<RestoreOutcome>> {
    let dialog = Dialog {
        title: "Restore the database from a backup",
        file_name: None,
        directory: Some(migrate::backup_dir(database.path())),
        filter: SQLITE,
    };
    let Some(source) = dialogs::open(&app, dialog).await? else { return Ok(None) };
    let outcome = with_services(&database, move |services| {
        let previous_backup = maintenance::restore(services.store(), &source)?;
        Ok(RestoreOutcome { restored_from: source, previous_backup })
    })
    .await?;
    database.reopen_later();
    Ok(Some(outcome))
}

/// Writes a bundle of the selection to a file the user picks; `null` when they cancel.
#[tauri::command]
pub async fn bundle_export(
    app: AppHandle,
    database: State<'_, Arc<Database>>,
    selection: ExportSelection,
) -> CommandResult<Option<ExportOutcome>> {
    let dialog = Dialog {
        title: "Export to a file",
        file_name: Some("turbocat-export.json".into()),
        directory: None,
        filter: BUNDLE,
    };
    let Some(path) = dialogs::save(&app, dialog).await? else { return Ok(None) };
    with_services(&database, move |services| {
        let bundle = services.export(&selection)?;
        let text = serde_json::to_string_pretty(&bundle)?;
        std::fs::write(&path, text + "\n")
            .map_err(|e| Error::internal(format!("cannot write {}: {e}", path.display())))?;
        Ok(Some(ExportOutcome {
            path,
            agents: bundle.agents.len(),
            workflows: bundle.workflows.len(),
            templates: bundle.templates.len(),
        }))
    })
    .await
}

/// Imports a bundle file the user picks (checked whole, then written all or nothing); `null`
/// when they cancel.
#[tauri::command]
pub async fn bundle_import(
    app: AppHandle,
    database: State<'_, Arc<Database>>,
    options: Option<ImportOptions>,
) -> CommandResult<Option<ImportOutcome>> {
    let dialog = Dialog { title: "Import from a file", file_name: None, directory: None, filter: BUNDLE };
    let Some(path) = dialogs::open(&app, dialog).await? else { return Ok(None) };
    let options = options.unwrap_or_default();
    with_services(&database, move |services| {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Error::validation(format!("cannot read {}: {e}", path.display())))?;
        let report = services.import_json(&text, &options)?;
        Ok(Some(ImportOutcome { path, report }))
    })
    .await
}
