//! Sync as a service of its own, for every front end (the desktop app's Settings page, the
//! CLI): the saved connection and its password policy, testing a connection, single flight (one
//! sync at a time), the last outcome, and the background schedule's interval and generation.
//! Tauri-free; the shell adds only events and the thread a sync runs on.
//!
//! The password policy: a saved connection's URL is kept without its password
//! (`app_settings.sync.connection`); the password goes to the OS keychain, and when no keychain
//! answers it is kept in this service's memory until the process ends. A password typed in
//! the URL wins over the form's password field, which wins over the saved one.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use serde::{Deserialize, Serialize};
use turbocat_domain::{Error, ErrorCode};
use turbocat_store::Store;

use crate::check::FindingKind;
use crate::codec::SyncTable;
use crate::{
    local, secret, session, split_password, LocalStatus, Outcome, PoolerMode, Report, SavedConnection, SyncConfig,
    TlsMode,
};

/// How the last sync of this process ended.
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
    /// Only in this process's memory, because the keychain could not keep it: typed again after a restart.
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
#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
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
    pub report: Report,
}

/// One process's sync state; the app keeps one for its run, the CLI one per command.
#[derive(Default)]
pub struct SyncService {
    running: AtomicBool,
    /// A password the keychain could not keep: `(account, password)`, for this process.
    memory_password: Mutex<Option<(String, String)>>,
    last: Mutex<Option<LastSync>>,
    /// Bumped whenever the background schedule changes; an older loop sees it and ends.
    schedule: AtomicU64,
}

/// The one sync in flight; dropping it lets the next one start.
pub struct Flight<'a>(&'a SyncService);

impl Drop for Flight<'_> {
    fn drop(&mut self) {
        self.0.running.store(false, Ordering::SeqCst);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl SyncService {
    fn memory_password(&self, account: &str) -> Option<String> {
        lock(&self.memory_password).as_ref().filter(|(a, _)| a == account).map(|(_, p)| p.clone())
    }

    /// The saved connection with its password (the keychain's, else the one kept in memory);
    /// `None` when no connection is saved.
    pub fn saved(&self, store: &Store) -> Result<Option<SyncConfig>, Error> {
        let Some(mut cfg) = session::saved_config(store)? else { return Ok(None) };
        if !cfg.has_password() {
            if let Some(p) = self.memory_password(&secret::account(&cfg)) {
                cfg.set_password(&p);
            }
        }
        Ok(Some(cfg))
    }

    /// [`SyncService::saved`], required.
    pub fn saved_config(&self, store: &Store) -> Result<SyncConfig, Error> {
        self.saved(store)?.ok_or_else(|| {
            Error::validation_field("url", "No far database is set up yet: enter its connection and save it first")
        })
    }

    /// The form's connection: its URL (a password in it wins), else its password field, else
    /// the password saved for the same login.
    pub fn form_config(&self, input: &SyncConnectionInput) -> Result<SyncConfig, Error> {
        let (url, url_password) = split_password(&input.url)?;
        let mut cfg = SyncConfig::parse(&url)?;
        cfg.schema = input.schema.clone().filter(|s| !s.is_empty()).or(cfg.schema);
        let account = secret::account(&cfg);
        let typed = url_password.or_else(|| input.password.clone().filter(|p| !p.is_empty()));
        let password = match typed {
            Some(p) => Some(p),
            None if input.forget_password == Some(true) => None,
            None => secret::load(&account).ok().flatten().or_else(|| self.memory_password(&account)),
        };
        if let Some(p) = password {
            cfg.set_password(&p);
        }
        Ok(cfg)
    }

    pub fn settings(&self, store: &Store) -> Result<SyncSettings, Error> {
        let connection = local::read(store, local::saved_connection)?;
        let (password, keychain_error) = match &connection {
            None => (PasswordStore::None, None),
            Some(c) => {
                let account = secret::account(&SyncConfig::parse(&c.url)?);
                let fallback =
                    if self.memory_password(&account).is_some() { PasswordStore::Memory } else { PasswordStore::None };
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
            status: session::status(store)?,
            running: self.running.load(Ordering::SeqCst),
            last: lock(&self.last).clone(),
        })
    }

    /// Saves the connection (the URL without its password) and its password in the keychain —
    /// or, when the keychain cannot keep it, in memory until the process ends. The caller
    /// restarts its background schedule.
    pub fn save(&self, store: &Store, input: &SyncConnectionInput) -> Result<SyncSettings, Error> {
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
            *lock(&self.memory_password) = None;
        }
        if let Some(p) = password {
            match secret::save(&account, &p) {
                Ok(()) => *lock(&self.memory_password) = None,
                // The keychain is missing or locked: keep it for this process and say so.
                Err(_) => *lock(&self.memory_password) = Some((account, p)),
            }
        }
        local::save_connection(store, &SavedConnection { url, schema, every_minutes: input.every_minutes })?;
        self.settings(store)
    }

    /// Forgets the connection and its password, and ends the background schedule. What was
    /// synced stays; a later connection to the same far database carries on from there.
    pub fn disconnect(&self, store: &Store) -> Result<SyncSettings, Error> {
        if let Some(c) = local::read(store, local::saved_connection)? {
            let account = secret::account(&SyncConfig::parse(&c.url)?);
            // A keychain that cannot be reached holds nothing of ours to remove.
            let _ = secret::forget(&account);
        }
        *lock(&self.memory_password) = None;
        local::clear_connection(store)?;
        self.schedule.fetch_add(1, Ordering::SeqCst);
        self.settings(store)
    }

    /// Starts the one sync in flight, or refuses while another runs.
    pub fn start(&self) -> Result<Flight<'_>, Error> {
        if self.running.swap(true, Ordering::SeqCst) {
            return Err(Error::new(ErrorCode::Conflict, "A sync is already running; wait for it to finish"));
        }
        Ok(Flight(self))
    }

    pub fn is_running(&self) -> bool {
        self.running.load(Ordering::SeqCst)
    }

    /// Keeps how a sync ended, and returns it for the caller to announce.
    pub fn finished(&self, background: bool, out: &Result<Outcome, Error>) -> LastSync {
        let last = LastSync {
            finished_at: turbocat_domain::Timestamp::now().to_string(),
            background,
            outcome: out.as_ref().ok().cloned(),
            error: out.as_ref().err().cloned(),
        };
        *lock(&self.last) = Some(last.clone());
        last
    }

    /// A new background schedule: the generation a loop runs under; starting another (or a
    /// disconnect) ends the loops of older generations.
    pub fn new_schedule(&self) -> u64 {
        self.schedule.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// Whether the loop of `generation` is still the current one.
    pub fn is_current_schedule(&self, generation: u64) -> bool {
        self.schedule.load(Ordering::SeqCst) == generation
    }

    /// How often the saved connection asks to sync in the background, in minutes (`None`: only
    /// on demand, or no connection).
    pub fn every_minutes(store: &Store) -> Option<u32> {
        local::read(store, local::saved_connection).ok().flatten()?.every_minutes
    }
}

/// Connects with `cfg` and runs the compatibility check on `schema` (detected when `None`);
/// writes nothing anywhere.
pub async fn test(cfg: &SyncConfig) -> Result<SyncTest, Error> {
    let client = crate::connect(cfg).await?;
    let schema = crate::detect_schema(&client, cfg).await?;
    test_report(&client, cfg, &schema).await
}

/// Creates the ten tables in `cfg`'s schema (`public` when none is named), which must be
/// empty, and reports on the result.
pub async fn init(cfg: &SyncConfig) -> Result<SyncTest, Error> {
    let mut client = crate::connect(cfg).await?;
    let schema = cfg.schema.clone().unwrap_or_else(|| "public".into());
    crate::init(&mut client, &schema).await?;
    test_report(&client, cfg, &schema).await
}

async fn test_report(client: &tokio_postgres::Client, cfg: &SyncConfig, schema: &str) -> Result<SyncTest, Error> {
    let report = crate::check(client, schema).await?;
    let missing = report.problems.iter().filter(|f| f.kind == FindingKind::MissingTable).count();
    Ok(SyncTest {
        target: cfg.redacted.clone(),
        pooler: cfg.pooler,
        tls: cfg.tls,
        stripped: cfg.stripped.clone(),
        empty: missing == SyncTable::all().len(),
        report,
    })
}
