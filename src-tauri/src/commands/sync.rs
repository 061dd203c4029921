//! Commands of the Settings page's sync section (docs/sync.md): thin wrappers over
//! `turbocat_sync::service::SyncService` — the saved connection and its password policy,
//! testing it, creating the tables in an empty far database, "Sync now", conflicts and restoring
//! them — plus what only the shell has: the `sync-progress` and `sync-finished` events and the
//! background loop every N minutes.
//!
//! A sync runs on a thread of its own with a single-threaded tokio runtime: its SQLite work then
//! stays off the main thread and off Tauri's tokio workers, and one long transfer never holds
//! up other commands. The service lets only one run at a time.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tauri::{AppHandle, Emitter, Manager, State};
use turbocat_domain::Error;
use turbocat_sync::service::{SyncConnectionInput, SyncService, SyncSettings, SyncTest};
use turbocat_sync::{session, Conflict, Direction, Outcome, Progress};

use super::with_services;
use crate::{CommandResult, Database};

/// The Tauri event carrying a [`Progress`] of the sync in flight (at most ten a second).
pub const SYNC_PROGRESS: &str = "sync-progress";
/// The Tauri event carrying the `LastSync` of every finished sync, manual or in the background.
pub const SYNC_FINISHED: &str = "sync-finished";

const PROGRESS_EVERY: Duration = Duration::from_millis(100);

#[tauri::command]
pub async fn sync_settings_get(
    database: State<'_, Arc<Database>>,
    service: State<'_, Arc<SyncService>>,
) -> CommandResult<SyncSettings> {
    let service = Arc::clone(&service);
    with_services(&database, move |services| service.settings(services.store())).await
}

/// Saves the connection and its password (keychain, else memory), and restarts the
/// background schedule.
#[tauri::command]
pub async fn sync_settings_save(
    app: AppHandle,
    database: State<'_, Arc<Database>>,
    service: State<'_, Arc<SyncService>>,
    input: SyncConnectionInput,
) -> CommandResult<SyncSettings> {
    let s = Arc::clone(&service);
    let out = with_services(&database, move |services| s.save(services.store(), &input)).await?;
    schedule(app, Arc::clone(&service), Arc::clone(&database));
    Ok(out)
}

/// Forgets the connection and its password; what was synced stays.
#[tauri::command]
pub async fn sync_disconnect(
    database: State<'_, Arc<Database>>,
    service: State<'_, Arc<SyncService>>,
) -> CommandResult<SyncSettings> {
    let s = Arc::clone(&service);
    with_services(&database, move |services| s.disconnect(services.store())).await
}

/// Connects with the form's values (saved or not) and runs the compatibility check; writes
/// nothing anywhere.
#[tauri::command]
pub async fn sync_test(service: State<'_, Arc<SyncService>>, input: SyncConnectionInput) -> CommandResult<SyncTest> {
    // The saved password is read from the keychain, which may block: not on a tokio worker.
    let s = Arc::clone(&service);
    let cfg = tauri::async_runtime::spawn_blocking(move || s.form_config(&input)).await??;
    on_own_thread(move || async move { turbocat_sync::service::test(&cfg).await }).await
}

/// Creates the ten tables in the saved connection's schema, which must be empty (`sync init`).
#[tauri::command]
pub async fn sync_init(
    database: State<'_, Arc<Database>>,
    service: State<'_, Arc<SyncService>>,
) -> CommandResult<SyncTest> {
    let s = Arc::clone(&service);
    let cfg = with_services(&database, move |services| s.saved_config(services.store())).await?;
    on_own_thread(move || async move { turbocat_sync::service::init(&cfg).await }).await
}

/// Pulls then pushes with the saved connection, sending `sync-progress` events meanwhile.
#[tauri::command]
pub async fn sync_now(
    app: AppHandle,
    database: State<'_, Arc<Database>>,
    service: State<'_, Arc<SyncService>>,
) -> CommandResult<Outcome> {
    run(app, Arc::clone(&database), Arc::clone(&service), false).await
}

#[tauri::command]
pub async fn sync_conflicts(database: State<'_, Arc<Database>>, all: bool) -> CommandResult<Vec<Conflict>> {
    with_services(&database, move |services| Ok(session::conflicts(services.store(), all)?)).await
}

/// Puts the losing version of a conflict back as a new local edit; the next sync pushes it.
#[tauri::command]
pub async fn sync_restore(database: State<'_, Arc<Database>>, id: i64) -> CommandResult<Conflict> {
    with_services(&database, move |services| Ok(session::restore(services.store(), id)?)).await
}

/// Runs `work`'s future to completion on a new thread with its own single-threaded runtime.
async fn on_own_thread<T, F, Fut>(work: F) -> CommandResult<T>
where
    T: Send + 'static,
    F: FnOnce() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<T, Error>>,
{
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("sync".into())
        .spawn(move || {
            let out = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| Error::internal(format!("cannot start the sync runtime: {e}")))
                .and_then(|rt| rt.block_on(work()));
            let _ = tx.send(out);
        })
        .map_err(|e| Error::internal(format!("cannot start the sync thread: {e}")))?;
    let out = rx.await.map_err(|_| Error::internal("the sync thread stopped without an answer"))?;
    Ok(out?)
}

/// One sync, unless one is already running; its end is kept and sent as `sync-finished`.
async fn run(
    app: AppHandle,
    database: Arc<Database>,
    service: Arc<SyncService>,
    background: bool,
) -> CommandResult<Outcome> {
    let flight = service.start()?;
    let emitter = app.clone();
    let s = Arc::clone(&service);
    let out: Result<Outcome, Error> = on_own_thread(move || async move {
        let services = database.services()?;
        let cfg = s.saved_config(services.store())?;
        let mut last: Option<(Instant, String)> = None;
        let mut on_progress = |p: Progress| {
            let key = format!("{:?}{}", p.phase, p.table);
            let due = match &last {
                Some((at, k)) => *k != key || at.elapsed() >= PROGRESS_EVERY || p.total == Some(p.rows),
                None => true,
            };
            if due {
                let _ = emitter.emit(SYNC_PROGRESS, &p);
                last = Some((Instant::now(), key));
            }
        };
        Ok(session::run(&cfg, services.store(), turbocat_sync::Options::default(), Direction::Both, &mut on_progress)
            .await?)
    })
    .await
    .map_err(|e| e.inner().clone());
    drop(flight);
    let _ = app.emit(SYNC_FINISHED, &service.finished(background, &out));
    Ok(out?)
}

/// (Re)starts the background sync: every `every_minutes` of the saved connection, while the
/// app runs. A far side that cannot be reached (offline) is tried again at the next tick; the
/// failure is shown as the last sync.
pub fn schedule(app: AppHandle, service: Arc<SyncService>, database: Arc<Database>) {
    let generation = service.new_schedule();
    tauri::async_runtime::spawn(async move {
        loop {
            let db = Arc::clone(&database);
            let every = tauri::async_runtime::spawn_blocking(move || {
                db.services().ok().and_then(|services| SyncService::every_minutes(services.store()))
            })
            .await
            .ok()
            .flatten();
            let Some(minutes) = every else { return };
            tokio::time::sleep(Duration::from_secs(u64::from(minutes) * 60)).await;
            if !service.is_current_schedule(generation) {
                return;
            }
            if !service.is_running() {
                let _ = run(app.clone(), Arc::clone(&database), Arc::clone(&service), true).await;
            }
        }
    });
}

/// Starts the background schedule when the app starts (if a connection asks for one).
pub fn schedule_at_start(app: &AppHandle) {
    let service = Arc::clone(&*app.state::<Arc<SyncService>>());
    let database = Arc::clone(&*app.state::<Arc<Database>>());
    schedule(app.clone(), service, database);
}
