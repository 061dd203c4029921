//! The local SQLite store. One file, opened with a fixed connection policy, migrated by
//! refinery, read through a small pool and written through a single writer. Only this crate
//! knows SQL; callers above use the typed table modules and the transaction helpers.

pub mod error;
pub mod maintenance;
pub mod migrate;
pub mod queries;
pub mod row;

pub use error::{StoreError, StoreResult};
pub use migrate::{MigrationState, MigrationStatus};
pub use row::Table;
pub use rusqlite;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};
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
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA foreign_keys = ON;
         PRAGMA synchronous = NORMAL;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -16000;",
    )?;
    Ok(())
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
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::io(format!("cannot create {}", dir.display()), e))?;
        }
        let mut conn = Connection::open(&path)?;
        apply_pragmas(&conn)?;
        let migration = migrate::migrate(&mut conn, &path)?;
        Ok(Store { path, writer: Mutex::new(conn), readers: Mutex::new(Vec::new()), migration })
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
