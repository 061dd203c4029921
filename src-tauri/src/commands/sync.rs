//! Commands of the Settings page's sync section (../shared/spec/sync.md): the far connection
//! (saved in the database without its password, which goes to the OS keychain), testing it
//! (the compatibility check), creating the tables in an empty far database, "Sync now" with its
//! progress as the `sync-progress` event, the local status, conflicts and restoring them, and
//! the background sync every N minutes.
//!
//! A sync runs on a thread of its own with a single-threaded tokio runtime: its SQLite work then
//! stays off the main thread and off Tauri's tokio workers, and one long transfer never holds
//! up other commands. Only one sync runs at a time.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter, Manager, State};
use turbocat_domain::{Error, ErrorCode};
use turbocat_services::Services;
use turbocat_sync::{
    local, secret, session, split_password, Conflict, LocalStatus, Outcome, PoolerMode, Progress,
    Report as CompatibilityReport, SavedConnection, SyncConfig, TlsMode,
};

use super::with_services;
use crate::{CommandResult, Database};

/// The Tauri event carrying a [`Progress`] of the sync in flight (at most ten a second).
pub const SYNC_PROGRESS: &str = "sync-progress";
/// The Tauri event carrying the [`LastSync`] of every finished sync, manual or in the background.
pub const SYNC_FINISHED: &str = "sync-finished";

const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// Managed as Tauri state.
#[derive(Default)]
pub struct SyncRunner {
    running: AtomicBool,
    /// A password the keychain could not keep: `(account, password)`, for this run of the app.
    memory_password: Mutex<Option<(String, String)>>,
    last: Mutex<Option<LastSync>>,
    /// Bumped whenever the background schedule changes; an older loop sees it and ends.
    schedule: AtomicU64,
}

/// How the last sync of this app run ended.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LastSync {
    pub finished_at: String,
    /// True for a background sync (every N minutes), false for "Sync now".
    pub background: bool,
    pub outcome: Option<Outcome>,
    pub error: Option<Error>,
}

/// Where the password of the saved connection is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum PasswordStore {
    /// In the OS keychain.
    Keychain,
    /// Only in this app's memory, because the keychain could not keep it: typed again after a restart.
    Memory,
    /// No password saved (a server that needs none, or not entered yet).
    None,
}

#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SyncSettings {
    pub connection: Option<SavedConnection>,
    pub password: PasswordStore,
    /// Why the keychain could not be used, when it could not.
    pub keychain_error: Option<String>,
    pub status: LocalStatus,
    pub running: bool,
    pub last: Option<LastSync>,
}

/// The connection form: what "Test connection" tries and "Save" keeps.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SyncConnectionInput {
    /// A `postgresql://` URL as the hosted project's DATABASE_URL / DIRECT_URL; a password in
    /// it is moved to the keychain.
    pub url: String,
    /// A new password; `None` (or empty) keeps the saved one.
    #[ts(optional)]
    pub password: Option<String>,
    /// Remove the saved password.
    #[serde(default)]
    #[ts(optional)]
    pub forget_password: Option<bool>,
    /// `public` or `backend`; `None` detects it.
    #[ts(optional)]
    pub schema: Option<String>,
    #[ts(optional)]
    pub every_minutes: Option<u32>,
}

/// What "Test connection" found.
#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SyncTest {
    /// The URL as connected, password masked.
    pub target: String,
    pub pooler: PoolerMode,
    pub tls: TlsMode,
    /// URL parameters that were dropped (Prisma's own).
    pub stripped: Vec<String>,
    /// The far schema has none of the ten tables: "Create the tables" can set it up.
    pub empty: bool,
    pub report: CompatibilityReport,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl SyncRunner {
    fn memory_password(&self, account: &str) -> Option<String> {
        lock(&self.memory_password).as_ref().filter(|(a, _)| a == account).map(|(_, p)| p.clone())
    }
}

/// The saved connection with its password: the keychain's, else the one kept in memory.
fn saved_config(services: &Services, runner: &SyncRunner) -> Result<SyncConfig, Error> {
    let mut cfg = session::saved_config(services.store())?.ok_or_else(|| {
        Error::validation_field("url", "No far database is set up yet: enter its connection and save it first")
    })?;
    if !cfg.has_password() {
        if let Some(p) = runner.memory_password(&secret::account(&cfg)) {
            cfg.set_password(&p);
        }
    }
    Ok(cfg)
}

/// The form's connection: its URL (a password in it wins), else its password field, else the
/// password saved for the same login.
fn form_config(runner: &SyncRunner, input: &SyncConnectionInput) -> Result<SyncConfig, Error> {
    let (url, url_password) = split_password(&input.url)?;
    let mut cfg = SyncConfig::parse(&url)?;
    cfg.schema = input.schema.clone().filter(|s| !s.is_empty()).or(cfg.schema);
    let account = secret::account(&cfg);
    let typed = url_password.or_else(|| input.password.clone().filter(|p| !p.is_empty()));
    let password = match typed {
        Some(p) => Some(p),
        None if input.forget_password == Some(true) => None,
        None => secret::load(&account).ok().flatten().or_else(|| runner.memory_password(&account)),
    };
    if let Some(p) = password {
        cfg.set_password(&p);
    }
    Ok(cfg)
}

fn settings(services: &Services, runner: &SyncRunner) -> Result<SyncSettings, Error> {
    let connection = local::read(services.store(), local::saved_connection)?;
    let (password, keychain_error) = match &connection {
        None => (PasswordStore::None, None),
        Some(c) => {
            let account = secret::account(&SyncConfig::parse(&c.url)?);
            let fallback =
                if runner.memory_password(&account).is_some() { PasswordStore::Memory } else { PasswordStore::None };
            match secret::load(&account) {
                Ok(Some(_)) => (PasswordStore::Keychain, None),
                Ok(None) => (fallback, None),
                Err(e) => (fallback, Some(e.to_string())),
            }
        }
    };
    Ok(SyncSettings {
        connection,
        password,
        keychain_error,
        status: session::status(services.store())?,
        running: runner.running.load(Ordering::SeqCst),
        last: lock(&runner.last).clone(),
    })
}

#[tauri::command]
pub async fn sync_settings_get(
    database: State<'_, Arc<Database>>,
    runner: State<'_, Arc<SyncRunner>>,
) -> CommandResult<SyncSettings> {
    let runner = Arc::clone(&runner);
    with_services(&database, move |services| settings(services, &runner)).await
}

/// Saves the connection (the URL without its password) and its password in the keychain — or,
/// when the keychain cannot keep it, in memory until the app closes — and restarts the
/// background schedule.
#[tauri::command]
pub async fn sync_settings_save(
    app: AppHandle,
    database: State<'_, Arc<Database>>,
    runner: State<'_, Arc<SyncRunner>>,
    input: SyncConnectionInput,
) -> CommandResult<SyncSettings> {
    let r = Arc::clone(&runner);
    let out = with_services(&database, move |services| {
        let (url, url_password) = split_password(&input.url)?;
        let cfg = SyncConfig::parse(&url)?;
        let schema = input.schema.clone().map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        if let Some(s) = &schema {
            if !matches!(s.as_str(), "public" | "backend")
                && s.chars().any(|c| !(c.is_ascii_alphanumeric() || c == '_'))
            {
                return Err(Error::validation_field("schema", "A schema name has only letters, digits and _"));
            }
        }
        if input.every_minutes.is_some_and(|m| !(1..=1440).contains(&m)) {
            return Err(Error::validation_field("everyMinutes", "Sync every 1 to 1440 minutes, or only on demand"));
        }
        let account = secret::account(&cfg);
        let password = url_password.or_else(|| input.password.clone().filter(|p| !p.is_empty()));
        if input.forget_password == Some(true) {
            secret::forget(&account)?;
            *lock(&r.memory_password) = None;
        }
        if let Some(p) = password {
            match secret::save(&account, &p) {
                Ok(()) => *lock(&r.memory_password) = None,
                // The keychain is missing or locked: keep it for this run of the app and say so.
                Err(_) => *lock(&r.memory_password) = Some((account, p)),
            }
        }
        local::save_connection(services.store(), &SavedConnection { url, schema, every_minutes: input.every_minutes })?;
        settings(services, &r)
    })
    .await?;
    schedule(app, Arc::clone(&runner), Arc::clone(&database));
    Ok(out)
}

/// Forgets the connection and its password. What was synced stays; a later connection to the
/// same far database carries on from where this one stopped.
#[tauri::command]
pub async fn sync_disconnect(
    database: State<'_, Arc<Database>>,
    runner: State<'_, Arc<SyncRunner>>,
) -> CommandResult<SyncSettings> {
    let r = Arc::clone(&runner);
    let out = with_services(&database, move |services| {
        if let Some(c) = local::read(services.store(), local::saved_connection)? {
            let account = secret::account(&SyncConfig::parse(&c.url)?);
            // A keychain that cannot be reached holds nothing of ours to remove.
            let _ = secret::forget(&account);
        }
        *lock(&r.memory_password) = None;
        local::clear_connection(services.store())?;
        settings(services, &r)
    })
    .await?;
    runner.schedule.fetch_add(1, Ordering::SeqCst);
    Ok(out)
}

/// Connects with the form's values (saved or not) and runs the compatibility check; writes
/// nothing anywhere.
#[tauri::command]
pub async fn sync_test(runner: State<'_, Arc<SyncRunner>>, input: SyncConnectionInput) -> CommandResult<SyncTest> {
    // The saved password is read from the keychain, which may block: not on a tokio worker.
    let r = Arc::clone(&runner);
    let cfg = tauri::async_runtime::spawn_blocking(move || form_config(&r, &input)).await??;
    on_own_thread(move || async move {
        let client = turbocat_sync::connect(&cfg).await?;
        let schema = turbocat_sync::detect_schema(&client, &cfg).await?;
        test_report(&client, &cfg, &schema).await
    })
    .await
}

async fn test_report(
    client: &turbocat_sync::tokio_postgres::Client,
    cfg: &SyncConfig,
    schema: &str,
) -> Result<SyncTest, Error> {
    let report = turbocat_sync::check(client, schema).await?;
    let missing = report.problems.iter().filter(|f| f.kind == turbocat_sync::FindingKind::MissingTable).count();
    Ok(SyncTest {
        target: cfg.redacted.clone(),
        pooler: cfg.pooler,
        tls: cfg.tls,
        stripped: cfg.stripped.clone(),
        empty: missing == turbocat_sync::codec::SyncTable::all().len(),
        report,
    })
}

/// Creates the ten tables in the saved connection's schema, which must be empty (`sync init`).
#[tauri::command]
pub async fn sync_init(
    database: State<'_, Arc<Database>>,
    runner: State<'_, Arc<SyncRunner>>,
) -> CommandResult<SyncTest> {
    let r = Arc::clone(&runner);
    let cfg = with_services(&database, move |services| saved_config(services, &r)).await?;
    on_own_thread(move || async move {
        let mut client = turbocat_sync::connect(&cfg).await?;
        let schema = cfg.schema.clone().unwrap_or_else(|| "public".into());
        turbocat_sync::init(&mut client, &schema).await?;
        test_report(&client, &cfg, &schema).await
    })
    .await
}

/// Pulls then pushes with the saved connection, sending `sync-progress` events meanwhile.
#[tauri::command]
pub async fn sync_now(
    app: AppHandle,
    database: State<'_, Arc<Database>>,
    runner: State<'_, Arc<SyncRunner>>,
) -> CommandResult<Outcome> {
    run(app, Arc::clone(&database), Arc::clone(&runner), false).await
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
    runner: Arc<SyncRunner>,
    background: bool,
) -> CommandResult<Outcome> {
    if runner.running.swap(true, Ordering::SeqCst) {
        return Err(Error::new(ErrorCode::Conflict, "A sync is already running; wait for it to finish").into());
    }
    let emitter = app.clone();
    let r = Arc::clone(&runner);
    let out = on_own_thread(move || async move {
        let services = database.services()?;
        let cfg = saved_config(&services, &r)?;
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
        Ok(session::run(&cfg, services.store(), turbocat_sync::Options::default(), true, true, &mut on_progress)
            .await?)
    })
    .await;
    runner.running.store(false, Ordering::SeqCst);
    let finished = LastSync {
        finished_at: turbocat_domain::Timestamp::now().to_string(),
        background,
        outcome: out.as_ref().ok().cloned(),
        error: out.as_ref().err().map(|e| e.inner().clone()),
    };
    *lock(&runner.last) = Some(finished.clone());
    let _ = app.emit(SYNC_FINISHED, &finished);
    out
}

/// (Re)starts the background sync: every `every_minutes` of the saved connection, while the
/// app runs. A far side that cannot be reached (offline) is tried again at the next tick; the
/// failure is shown as the last sync.
pub fn schedule(app: AppHandle, runner: Arc<SyncRunner>, database: Arc<Database>) {
    let generation = runner.schedule.fetch_add(1, Ordering::SeqCst) + 1;
    tauri::async_runtime::spawn(async move {
        loop {
            let db = Arc::clone(&database);
            let every = tauri::async_runtime::spawn_blocking(move || {
                let services = db.services().ok()?;
                local::read(services.store(), local::saved_connection).ok().flatten()?.every_minutes
            })
            .await
            .ok()
            .flatten();
            let Some(minutes) = every else { return };
            tokio::time::sleep(Duration::from_secs(u64::from(minutes) * 60)).await;
            if runner.schedule.load(Ordering::SeqCst) != generation {
                return;
            }
            if !runner.running.load(Ordering::SeqCst) {
                let _ = run(app.clone(), Arc::clone(&database), Arc::clone(&runner), true).await;
            }
        }
    });
}

/// Starts the background schedule when the app starts (if a connection asks for one).
pub fn schedule_at_start(app: &AppHandle) {
    let runner = Arc::clone(&*app.state::<Arc<SyncRunner>>());
    let database = Arc::clone(&*app.state::<Arc<Database>>());
    schedule(app.clone(), runner, database);
}
