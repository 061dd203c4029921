//! The Turbocat desktop shell: starts Tauri, decides which database file to use, hands the
//! services to the commands, and nothing more. The work itself lives in the Tauri-free crates
//! under src-tauri/crates/.

pub mod app_settings;
mod commands;
mod database;
mod dialogs;
mod error;
mod events;
pub mod rendering;

use std::path::PathBuf;
use std::sync::Arc;

use tauri::Manager;

pub use app_settings::NO_SEED_ENV;
pub use database::Database;
pub use error::{CommandError, CommandResult};

/// Chooses another database file than the one in the app-data folder (tests, demos).
pub const DB_ENV: &str = "TURBOCAT_DB";
/// The database file name inside the OS app-data folder.
const DB_FILE_NAME: &str = "turbocat.sqlite";

/// Whether the arguments ask for the command line (`turbocat-desktop db status`, …) rather than
/// the window, so an installed app also serves as the `turbocat` CLI.
pub fn is_cli_invocation(args: &[std::ffi::OsString]) -> bool {
    const CLI_WORDS: [&str; 13] = [
        "db",
        "export",
        "import",
        "run",
        "settings",
        "sync",
        "serve",
        "keys",
        "--db",
        "--json",
        "--help",
        "-h",
        "--version",
    ];
    args.get(1).and_then(|a| a.to_str()).is_some_and(|a| CLI_WORDS.contains(&a))
}

/// Builds and runs the app until its last window closes.
pub fn run() {
    let result = tauri::Builder::default()
        .setup(|app| {
            let path = match env_path(DB_ENV) {
                Some(path) => path,
                None => app.path().app_data_dir()?.join(DB_FILE_NAME),
            };
            // Whether a new file gets the demo content: the settings file beside it, unless
            // TURBOCAT_NO_SEED says otherwise (app_settings.rs).
            let database = Arc::new(Database::at(path, app_settings::no_seed_env().as_deref()));
            // Opening migrates (after a backup) and may seed, which can take a while on a big
            // file; it must not hold up the main thread, which draws the window. Commands that
            // arrive before it is done wait for it on their own blocking thread.
            let warm = Arc::clone(&database);
            tauri::async_runtime::spawn_blocking(move || {
                // On failure the next command opens again and hands the error, with its code,
                // to the UI, which shows it; there is nothing more to do with it here.
                let _ = warm.services();
            });
            events::watch(app.handle().clone(), Arc::clone(&database));
            // The engine opens in the background: it marks interrupted runs and starts the
            // schedules (commands/runs.rs).
            let runner = Arc::new(commands::runs::Runner::default());
            commands::runs::open_at_start(app.handle().clone(), Arc::clone(&runner), Arc::clone(&database));
            app.manage(runner);
            app.manage(database);
            // Sync with a hosted project: the background schedule, if a saved connection asks.
            app.manage(Arc::new(turbocat_sync::service::SyncService::default()));
            commands::sync::schedule_at_start(app.handle());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::agents::agents_list,
            commands::agents::agents_get,
            commands::agents::agents_create,
            commands::agents::agents_update,
            commands::agents::agents_delete,
            commands::agents::agents_duplicate,
            commands::agents::agents_versions,
            commands::workflows::workflows_list,
            commands::workflows::workflows_get,
            commands::workflows::workflows_create,
            commands::workflows::workflows_update,
            commands::workflows::workflows_delete,
            commands::workflows::workflows_validate,
            commands::workflows::workflows_executions,
            commands::workflows::workflows_next_runs,
            commands::templates::templates_list,
            commands::templates::templates_categories,
            commands::templates::templates_get,
            commands::templates::templates_instantiate,
            commands::templates::templates_save_agent,
            commands::templates::templates_save_workflow,
            commands::templates::templates_rate,
            commands::executions::executions_create,
            commands::executions::executions_list,
            commands::executions::executions_get,
            commands::executions::executions_logs,
            commands::executions::executions_cancel,
            commands::runs::executions_run,
            commands::runs::executions_rerun,
            commands::deployments::deployments_list,
            commands::deployments::deployments_get,
            commands::deployments::deployments_create,
            commands::deployments::deployments_update,
            commands::deployments::deployments_start,
            commands::deployments::deployments_stop,
            commands::deployments::deployments_delete,
            commands::dashboard::dashboard_stats,
            commands::account::api_keys_list,
            commands::account::api_keys_create,
            commands::account::api_keys_revoke,
            commands::account::audit_list,
            commands::account::profile_get,
            commands::account::profile_update,
            commands::account::preferences_update,
            commands::data::data_tables,
            commands::data::data_rows,
            commands::data::data_related,
            commands::data::data_update,
            commands::settings::settings_get,
            commands::settings::settings_set_seed,
            commands::settings::settings_reveal,
            commands::settings::db_backup,
            commands::settings::db_restore,
            commands::settings::bundle_export,
            commands::settings::bundle_import,
            commands::startup::startup_painted,
            commands::sync::sync_settings_get,
            commands::sync::sync_settings_save,
            commands::sync::sync_disconnect,
            commands::sync::sync_test,
            commands::sync::sync_init,
            commands::sync::sync_now,
            commands::sync::sync_conflicts,
            commands::sync::sync_restore,
        ])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        // Tauri could not start at all (no display, no WebKitGTK): say why and fail.
        eprintln!("turbocat-desktop: {error}");
        std::process::exit(1);
    }
}

/// A path from the environment; an empty value counts as unset.
fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::is_cli_invocation;

    #[test]
    fn cli_words_select_the_command_line() {
        let args = |a: &[&str]| a.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        assert!(is_cli_invocation(&args(&["turbocat-desktop", "db", "status"])));
        assert!(is_cli_invocation(&args(&["turbocat-desktop", "--db", "x.sqlite", "export"])));
        assert!(is_cli_invocation(&args(&["turbocat-desktop", "run", "Data Pipeline", "--input", "{}"])));
        assert!(is_cli_invocation(&args(&["turbocat-desktop", "settings", "llm"])));
        assert!(is_cli_invocation(&args(&["turbocat-desktop", "sync", "check", "--json"])));
        assert!(!is_cli_invocation(&args(&["turbocat-desktop"])));
        assert!(!is_cli_invocation(&args(&["turbocat-desktop", "--some-webkit-flag"])));
    }
}
