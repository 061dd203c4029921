//! The local SQLite store. One file, opened with a fixed connection policy, migrated by
//! refinery, read through a small pool and written through a single writer. Only this crate
//! knows SQL; callers above use the typed table modules and the transaction helpers.

pub mod backup;
pub mod catalog;
pub mod error;
pub mod maintenance;
pub mod migrate;
pub mod queries;
pub mod row;
pub mod secrets;

pub use error::{StoreError, StoreResult};
pub use migrate::{MigrationState, MigrationStatus};
pub use row::Table;
pub use rusqlite;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// The default database file, in the OS app-data folder: the same path the desktop app uses
/// (Tauri's `app_data_dir` for the identifier `dev.turbocat.desktop`).
pub fn default_db_path() -> PathBuf {
    dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join("dev.turbocat.desktop").join("turbocat.sqlite")
}

/// The connection policy, written down once: WAL so readers never block the writer,
/// foreign keys enforced, a busy timeout so the CLI and the app can share the file, and
/// synchronous=NORMAL, which in WAL mode keeps every committed transaction across an
/// application crash (only an OS crash or power loss can drop the last commits).
pub(crate) fn apply_pragmas(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA foreign_keys = ON;
         PRAGMA synchronous = NORMAL;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -16000;",
    )?;
    Ok(())
}

/// How long a connection waits for another one's write lock before it gives up.
pub(crate) const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Refuses a path that names a folder (SQLite would say "disk I/O error").
pub(crate) fn check_is_database_path(path: &Path) -> StoreResult<()> {
    if path.is_dir() {
        return Err(StoreError::Refused(format!(
            "{} is a folder, not a database file; give the path of a file with --db or TURBOCAT_DB",
            path.display()
        )));
    }
    Ok(())
}

/// Makes a file this build created readable by its owner only: the database holds the users'
/// data (its secrets are sealed, the rest is not). SQLite gives the `-wal` and `-shm` files the
/// database's mode.
pub(crate) fn make_private(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
    #[cfg(not(unix))]
    let _ = path;
}

const MAX_IDLE_READERS: usize = 4;

/// An open, migrated database. `Send + Sync`: share it in an `Arc`.
///
/// Writes go through one connection behind a mutex, because SQLite allows one writer at a
/// time anyway and a single writer turns lock contention into orderly queueing. Reads use their
/// own connections (WAL lets them run beside the writer); idle ones are kept for reuse.
pub struct Store {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    /// A connection that only answers `PRAGMA data_version`, whose value changes whenever any
    /// other connection commits: our writer, or another process (the CLI beside the app).
    watch: Mutex<Connection>,
    /// Totals of list filters, valid for one data_version (see [`Store::page`]).
    counts: Mutex<HashMap<String, (i64, u64)>>,
    /// What the open did to the schema, for the caller to report.
    pub migration: migrate::MigrationOutcome,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Opens (creating the folder and file if needed) and migrates. A database from a newer
    /// build or with a changed migration is refused; pending migrations run in one transaction
    /// after a backup of a non-empty file.
    pub fn open(path: impl AsRef<Path>) -> StoreResult<Store> {
        let path = path.as_ref().to_path_buf();
        check_is_database_path(&path)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::io(format!("cannot create {}", dir.display()), e))?;
        }
        let new = !path.exists();
        let mut conn = Connection::open(&path)?;
        if new {
            make_private(&path);
        }
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // A file this build refuses (another application's database, a newer schema) is left
        // exactly as it is: the refusal comes before any pragma that would change it.
        if let Some(why) = migrate::status(&conn)?.refused {
            return Err(StoreError::Refused(why));
        }
        let migration = migrate::migrate(&mut conn, &path)?;
        apply_pragmas(&conn)?;
        let watch =
            Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        Ok(Store {
            path,
            writer: Mutex::new(conn),
            readers: Mutex::new(Vec::new()),
            watch: Mutex::new(watch),
            counts: Mutex::new(HashMap::new()),
            migration,
        })
    }

    /// A value that changes whenever anything commits to the file, from this process or
    /// another. Cheap (no I/O beyond the WAL index): poll it to notice outside changes.
    pub fn data_version(&self) -> StoreResult<i64> {
        let watch = self.watch.lock().unwrap_or_else(|p| p.into_inner());
        Ok(watch.query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    /// One page of a filtered list and the filter's total. Counting every matching row costs
    /// O(matches) (milliseconds over 100k rows) while the page itself is an index range, so
    /// totals are cached per filter until the next commit anywhere changes `data_version`.
    pub fn page<T: Table>(
        &self,
        filter: &queries::Filter,
        order: &str,
        limit: u32,
        offset: u64,
    ) -> turbocat_domain::Result<(Vec<T>, u64)> {
        const MAX_CACHED: usize = 256;
        let version = self.data_version()?;
        let key = format!("{}\u{0}{}\u{0}{:?}", T::NAME, filter.sql(), filter.params());
        let cached =
            self.counts.lock().unwrap_or_else(|p| p.into_inner()).get(&key).filter(|c| c.0 == version).map(|c| c.1);
        let (items, total) = self.read(|c| {
            let items = queries::rows::<T>(c, filter, order, limit, offset)?;
            let total = match cached {
                Some(n) => n,
                None => queries::count::<T>(c, filter)?,
            };
            Ok((items, total))
        })?;
        if cached.is_none() {
            let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
            if counts.len() >= MAX_CACHED {
                counts.clear();
            }
            counts.insert(key, (version, total));
        }
        Ok((items, total))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock_writer(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves no half transaction behind (the transaction
        // rolls back on drop), so the connection is still good: recover it from poisoning.
        self.writer.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` in one write transaction (BEGIN IMMEDIATE, so it never fails half-way on a
    /// lock upgrade); commits when `f` returns Ok, rolls back otherwise.
    pub fn write<T>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> turbocat_domain::Result<T>,
    ) -> turbocat_domain::Result<T> {
        let mut conn = self.lock_writer();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(StoreError::from)?;
        let out = f(&tx)?;
        tx.commit().map_err(StoreError::from)?;
        Ok(out)
    }

    /// Runs `f` with the writer connection outside any transaction: for backup and restore.
    pub fn with_writer<T>(&self, f: impl FnOnce(&mut Connection) -> StoreResult<T>) -> StoreResult<T> {
        f(&mut self.lock_writer())
    }

    /// Runs `f` on a reader connection, inside a read transaction so that it sees one snapshot.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> turbocat_domain::Result<T>) -> turbocat_domain::Result<T> {
        let conn = match self.readers.lock().unwrap_or_else(|p| p.into_inner()).pop() {
            Some(c) => c,
            None => self.open_reader()?,
        };
        conn.execute_batch("BEGIN").map_err(StoreError::from)?;
        let out = f(&conn);
        let _ = conn.execute_batch("COMMIT");
        let mut idle = self.readers.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < MAX_IDLE_READERS {
            idle.push(conn);
        }
        out
    }

    fn open_reader(&self) -> StoreResult<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
        )?;
        apply_pragmas(&conn)?;
        Ok(conn)
    }

    /// Drops idle readers, e.g. before a restore replaces the file's content.
    pub fn drop_readers(&self) {
        self.readers.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}
