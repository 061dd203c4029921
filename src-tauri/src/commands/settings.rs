//! Commands of the Settings page and of file transfers: where the database is, the settings
//! kept beside it (the first-start seed), showing its folder, backup now, restore from a file,
//! and export/import of bundles, all through native file dialogs.

use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;
use tauri::{AppHandle, State};
use turbocat_domain::Error;
use turbocat_services::bundle::{ExportSelection, ImportOptions, ImportReport};
use turbocat_store::{maintenance, migrate};

use super::with_services;
use crate::app_settings::{self, AppSettings};
use crate::dialogs::{self, Dialog};
use crate::{CommandResult, Database};

#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SettingsInfo {
    pub database_path: PathBuf,
    pub backups_dir: PathBuf,
    pub schema_version: i32,
    /// The file beside the database that holds the settings below.
    pub settings_file: PathBuf,
    /// Seed the demo content when the database file is new (the setting as stored).
    pub seed_demo_on_first_start: bool,
    /// What `TURBOCAT_NO_SEED` decides when it is set (true: seed); it overrides the setting.
    pub seed_env_override: Option<bool>,
}

#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RestoreOutcome {
    pub restored_from: PathBuf,
    /// Where the content before the restore was saved (none when the database was empty).
    pub previous_backup: Option<PathBuf>,
    /// The migrations the restored content needed to reach this version's schema.
    pub migrated: Vec<String>,
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
        settings_info(path, schema_version)
    })
    .await
}

fn settings_info(path: PathBuf, schema_version: i32) -> Result<SettingsInfo, Error> {
    let settings = app_settings::load(&path)?;
    Ok(SettingsInfo {
        backups_dir: migrate::backup_dir(&path),
        settings_file: app_settings::path_for(&path),
        seed_demo_on_first_start: settings.seed_demo_on_first_start,
        seed_env_override: app_settings::seed_override(app_settings::no_seed_env().as_deref()),
        database_path: path,
        schema_version,
    })
}

/// Turns the first-start demo seed on or off. It takes effect the next time the app starts on
/// a new (empty) database file; a database that already has content is never seeded again.
#[tauri::command]
pub async fn settings_set_seed(database: State<'_, Arc<Database>>, enabled: bool) -> CommandResult<SettingsInfo> {
    let path = database.path().to_path_buf();
    with_services(&database, move |services| {
        let mut settings = app_settings::load(&path).unwrap_or_else(|_| AppSettings::default());
        settings.seed_demo_on_first_start = enabled;
        app_settings::save(&path, &settings)?;
        let schema_version = maintenance::inspect(services.store().path())?.current_version;
        settings_info(path, schema_version)
    })
    .await
}

/// Shows the database file in the system's file manager (its folder, where the manager cannot
/// select a file).
#[tauri::command]
pub async fn settings_reveal(database: State<'_, Arc<Database>>) -> CommandResult<()> {
    let path = database.path().to_path_buf();
    tauri::async_runtime::spawn_blocking(move || reveal(&path)).await??;
    Ok(())
}

fn reveal(file: &std::path::Path) -> Result<(), Error> {
    let folder = file.parent().unwrap_or(file);
    let mut command = if cfg!(target_os = "macos") {
        let mut c = std::process::Command::new("open");
        c.arg("-R").arg(file);
        c
    } else if cfg!(target_os = "windows") {
        let mut c = std::process::Command::new("explorer");
        c.arg(format!("/select,{}", file.display()));
        c
    } else {
        let mut c = std::process::Command::new("xdg-open");
        c.arg(folder);
        c
    };
    let mut child = command.spawn().map_err(|e| {
        Error::internal(format!("Cannot open the file manager ({e}); the folder is {}", folder.display()))
    })?;
    // Reaped in the background, so a slow file manager never holds the command.
    std::thread::spawn(move || child.wait());
    Ok(())
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
        // A snapshot read beside the app's own writes (which go on meanwhile).
        turbocat_store::backup::backup(services.store().path(), &dest, &turbocat_store::backup::no_progress)?;
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
        let out = maintenance::restore(services.store(), &source)?;
        Ok(RestoreOutcome { restored_from: source, previous_backup: out.backup, migrated: out.migrated })
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
