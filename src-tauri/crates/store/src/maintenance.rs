//! Restore and validation of the database file: the work behind `turbocat db restore` (and
//! Settings → Restore in the app) and `db validate`. Copies of the file are in [`crate::backup`].
//!
//! A restore never loses a write committed beside it, and never leaves a half-restored file:
//!
//! 1. The source is copied (`VACUUM INTO`, read-only: the source is never changed) to a staging
//!    file beside the database, which is brought up to this build's schema and must pass
//!    `integrity_check`, `foreign_key_check` and the JSON check, or nothing is changed.
//! 2. One `BEGIN IMMEDIATE` transaction on the database then holds its write lock while the
//!    before-restore backup is taken (a snapshot of exactly what is being replaced), the tables
//!    are dropped and recreated from the staged copy, and the `db.restore` audit row is written.
//!    A writer beside it waits for the commit (its write lands in the restored file) or has
//!    committed before the lock (its write is in the backup). The staged copy is read with SQL,
//!    so a source with another page size restores too.

use crate::backup::{self, Partial};
use crate::error::{StoreError, StoreResult};
use crate::migrate;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a restore waits for other writers to finish before it gives up.
const RESTORE_WAIT: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Serialize)]
pub struct ValidationReport {
    pub migrations_well_formed: bool,
    pub migration_problems: Vec<String>,
    pub integrity: Vec<String>,
    pub foreign_key_violations: Vec<String>,
    pub invalid_json: Vec<String>,
    pub schema: migrate::MigrationStatus,
}

impl ValidationReport {
    pub fn is_ok(&self) -> bool {
        self.migrations_well_formed
            && self.integrity == ["ok"]
            && self.foreign_key_violations.is_empty()
            && self.invalid_json.is_empty()
            && self.schema.is_up_to_date()
    }
}

/// Checks that the embedded migrations are well formed: versions 1..n without gaps, names
/// in refinery's `V<n>__<words>` form, and non-empty SQL.
pub fn check_embedded_migrations() -> Vec<String> {
    let mut problems = Vec::new();
    for (i, m) in migrate::embedded_migrations().iter().enumerate() {
        let expected = i as i32 + 1;
        if m.version() != expected {
            problems.push(format!("migration V{}__{} should have version {expected}", m.version(), m.name()));
        }
        if m.name().is_empty() || !m.name().chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            problems.push(format!("migration V{}__{} has a name refinery may skip", m.version(), m.name()));
        }
        if m.sql().is_none_or(|s| s.trim().is_empty()) {
            problems.push(format!("migration V{}__{} has no SQL", m.version(), m.name()));
        }
    }
    problems
}

fn existing_tables(conn: &Connection) -> StoreResult<Vec<String>> {
    let mut stmt = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table'")?;
    let names = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
    Ok(names)
}

/// `db validate`: migrations, integrity, foreign keys and every JSON column.
pub fn validate(conn: &Connection) -> StoreResult<ValidationReport> {
    let migration_problems = check_embedded_migrations();
    let integrity = {
        let mut stmt = conn.prepare("PRAGMA integrity_check")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
        rows
    };
    let foreign_key_violations = {
        let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
        let rows = stmt
            .query_map([], |r| {
                Ok(format!(
                    "{} row {} points to a missing {} row",
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<i64>>(1)?.map(|v| v.to_string()).unwrap_or_default(),
                    r.get::<_, String>(2)?
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows
    };
    let tables = existing_tables(conn)?;
    let mut invalid_json = Vec::new();
    for (table, column) in crate::catalog::json_columns().filter(|(t, _)| tables.iter().any(|n| n == t)) {
        let mut stmt = conn.prepare(&format!(
            "SELECT {id} FROM {table} WHERE {column} IS NOT NULL AND NOT json_valid({column}) LIMIT 20",
            id = if table == "app_settings" { "key" } else { "id" }
        ))?;
        for id in stmt.query_map([], |r| r.get::<_, String>(0))? {
            invalid_json.push(format!("{table}.{column} of row {} is not valid JSON", id?));
        }
    }
    Ok(ValidationReport {
        migrations_well_formed: migration_problems.is_empty(),
        migration_problems,
        integrity,
        foreign_key_violations,
        invalid_json,
        schema: migrate::status(conn)?,
    })
}

/// Checks a file before it may replace the database: a readable SQLite file (opened read-only,
/// so it is not changed) that passes integrity_check and whose schema history this build
/// accepts. [`restore_into`] checks its foreign keys and JSON too, once it is migrated.
pub fn verify_restore_source(path: &Path) -> StoreResult<migrate::MigrationStatus> {
    let refuse = |why: String| {
        StoreError::Refused(format!("Cannot restore from {}: {why}. Nothing was changed.", path.display()))
    };
    if !path.is_file() {
        return Err(refuse("no such file".into()));
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| refuse(format!("cannot open it ({e})")))?;
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| refuse(format!("it is not a readable SQLite database ({e})")))?;
    if check != "ok" {
        return Err(refuse(format!("it fails the integrity check ({check})")));
    }
    let st = migrate::status(&conn).map_err(|e| refuse(e.to_string()))?;
    if let Some(why) = &st.refused {
        return Err(refuse(why.clone()));
    }
    if st.current_version == 0 {
        return Err(refuse("it is not a Turbocat database (no migration history)".into()));
    }
    Ok(st)
}

/// What a restore did.
#[derive(Debug, Clone, Serialize)]
pub struct RestoreOutcome {
    /// The backup of what was replaced (none when the database was empty or new).
    pub backup: Option<PathBuf>,
    /// The migrations the restored content needed to reach this build's schema.
    pub migrated: Vec<String>,
}

/// The source, copied beside the database, migrated and checked: what will be restored.
fn stage(db_path: &Path, source: &Path) -> StoreResult<Partial> {
    let refuse = |why: String| {
        StoreError::Refused(format!("Cannot restore from {}: {why}. Nothing was changed.", source.display()))
    };
    let dir = match db_path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(d) => d.to_path_buf(),
        None => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(|e| StoreError::io(format!("cannot create {}", dir.display()), e))?;
    backup::sweep_stale_partials(&dir);
    let name = db_path.file_name().and_then(|n| n.to_str()).unwrap_or("turbocat.sqlite");
    let staged = Partial::create(&dir, &format!("{name}.restore"))?;
    {
        let src = backup::open_read_only(source)?;
        backup::copy_into(&src, staged.path(), &backup::no_progress)?;
    }
    let mut conn = Connection::open(staged.path())?;
    // A rollback journal: no `-wal` beside the staged file to outlive it.
    conn.execute_batch("PRAGMA journal_mode = DELETE")?;
    let st = migrate::status(&conn)?;
    migrate::apply_pending(&mut conn, &st, None)?;
    let report = validate(&conn)?;
    let mut problems: Vec<String> = report.integrity.iter().filter(|l| *l != "ok").cloned().collect();
    problems.extend(report.foreign_key_violations.iter().take(5).cloned());
    problems.extend(report.invalid_json.iter().take(5).cloned());
    if !problems.is_empty() {
        return Err(refuse(format!("it is not valid: {}", problems.join("; "))));
    }
    drop(conn);
    Ok(staged)
}

/// Replaces the content of the database at `db_path` (created if missing) with `source`, after
/// checking it; see the module's documentation for how nothing committed is lost. Works on its
/// own connection, so that a file this build refuses to open (say, one from a newer build) can
/// still be replaced by a good backup.
pub fn restore_into(db_path: &Path, source: &Path) -> StoreResult<RestoreOutcome> {
    restore_via(db_path, source, |staged| {
        crate::check_is_database_path(db_path)?;
        let new = !db_path.exists();
        let mut conn = Connection::open(db_path)?;
        if new {
            crate::make_private(db_path);
        }
        replace_content(&mut conn, db_path, staged, source)
    })
}

/// Restore for an open store (the desktop app): through its writer connection, so the app's
/// own writes queue behind it.
pub fn restore(store: &crate::Store, source: &Path) -> StoreResult<RestoreOutcome> {
    restore_via(store.path(), source, |staged| {
        store.drop_readers();
        store.with_writer(|conn| {
            let out = replace_content(conn, store.path(), staged, source);
            crate::apply_pragmas(conn)?;
            out
        })
    })
}

/// The one path of both restores: check and stage the source (step 1), then `replace` the
/// content from the staged copy on the caller's connection (step 2), the staged copy removed
/// after it.
fn restore_via(
    db_path: &Path,
    source: &Path,
    replace: impl FnOnce(&Path) -> StoreResult<RestoreOutcome>,
) -> StoreResult<RestoreOutcome> {
    verify_restore_source(source)?;
    let before = inspect(source)?;
    let staged = stage(db_path, source)?;
    let outcome = replace(staged.path());
    drop(staged);
    let mut outcome = outcome?;
    outcome.migrated = before.pending().map(|e| format!("V{}__{}", e.version, e.name)).collect();
    Ok(outcome)
}

/// Step 2 of a restore: under one write transaction, back up, replace every table, audit.
fn replace_content(conn: &mut Connection, db_path: &Path, staged: &Path, source: &Path) -> StoreResult<RestoreOutcome> {
    // Outside a transaction: the pragma is a no-op inside one. The copied rows are checked
    // already; the tables are recreated in any order.
    conn.execute_batch("PRAGMA foreign_keys = OFF")?;
    conn.busy_timeout(RESTORE_WAIT)?;
    let staged_text = staged.to_str().ok_or_else(|| StoreError::Refused("the database path is not UTF-8".into()))?;
    conn.execute("ATTACH DATABASE ?1 AS restore_source", [staged_text])?;
    let out = replace_attached(conn, db_path, source);
    let _ = conn.execute_batch("DETACH DATABASE restore_source");
    let _ = conn.execute_batch("PRAGMA foreign_keys = ON");
    conn.busy_timeout(crate::BUSY_TIMEOUT)?;
    out
}

fn replace_attached(conn: &mut Connection, db_path: &Path, source: &Path) -> StoreResult<RestoreOutcome> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(|e| match e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::DatabaseBusy => {
            StoreError::Refused(format!(
                "{} is busy: another process kept writing to it for {} s. Nothing was changed; try again.",
                db_path.display(),
                RESTORE_WAIT.as_secs()
            ))
        }
        e => e.into(),
    })?;
    // The write lock is held from here to the commit: the backup is exactly what is replaced.
    let has_content: i64 = tx.query_row("SELECT count(*) FROM main.sqlite_master", [], |r| r.get(0))?;
    let backup = if has_content > 0 {
        let dest = migrate::backup_file_name(db_path, "before-restore");
        backup::backup(db_path, &dest, &backup::no_progress)?;
        Some(dest)
    } else {
        None
    };
    let objects = |schema: &str, kind: &str| -> StoreResult<Vec<(String, Option<String>)>> {
        let mut q = tx.prepare(&format!(
            "SELECT name, sql FROM {schema}.sqlite_master WHERE type = ?1 AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
        ))?;
        let rows = q.query_map([kind], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    };
    let quote = |name: &str| format!("\"{}\"", name.replace('"', "\"\""));
    for kind in ["view", "trigger", "table"] {
        for (name, _) in objects("main", kind)? {
            tx.execute_batch(&format!("DROP {} IF EXISTS main.{}", kind.to_uppercase(), quote(&name)))?;
        }
    }
    for (name, sql) in objects("restore_source", "table")? {
        let Some(sql) = sql else { continue };
        tx.execute_batch(&sql)?;
        tx.execute_batch(&format!("INSERT INTO main.{n} SELECT * FROM restore_source.{n}", n = quote(&name)))?;
    }
    // Indexes, then triggers and views: after the rows, so no trigger fires on the copy.
    for kind in ["index", "trigger", "view"] {
        for (_, sql) in objects("restore_source", kind)? {
            if let Some(sql) = sql {
                tx.execute_batch(&sql)?;
            }
        }
    }
    let has_sequence: bool = tx.query_row(
        "SELECT count(*) > 0 FROM restore_source.sqlite_master WHERE name = 'sqlite_sequence'",
        [],
        |r| r.get(0),
    )?;
    if has_sequence {
        tx.execute_batch(
            "DELETE FROM main.sqlite_sequence; INSERT INTO main.sqlite_sequence SELECT * FROM restore_source.sqlite_sequence;",
        )?;
    }
    let user_version: i64 = tx.query_row("PRAGMA restore_source.user_version", [], |r| r.get(0))?;
    tx.execute_batch(&format!("PRAGMA main.user_version = {user_version}"))?;
    // In the same transaction: a restore is never committed without its audit row.
    crate::queries::audit::record_system(
        &tx,
        "db.restore",
        serde_json::json!({ "source": source.display().to_string() }),
        serde_json::json!({ "backup": backup.as_ref().map(|b| b.display().to_string()) }),
    )?;
    tx.commit()?;
    Ok(RestoreOutcome { backup, migrated: Vec::new() })
}

/// Opens the file at `path` for maintenance without migrating it or changing its journal mode
/// (it must exist).
pub fn open_raw(path: &Path) -> StoreResult<Connection> {
    crate::check_is_database_path(path)?;
    if !path.is_file() {
        return Err(StoreError::Refused(format!("No database at {}", path.display())));
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    conn.busy_timeout(crate::BUSY_TIMEOUT)?;
    conn.execute_batch("PRAGMA foreign_keys = ON")?;
    Ok(conn)
}

/// Opens the file at `path` read-only (it must exist): for `db validate`.
pub fn open_read_only(path: &Path) -> StoreResult<Connection> {
    backup::open_read_only(path)
}

/// The migration status of the file at `path`, read-only; a missing file has every migration
/// pending.
pub fn inspect(path: &Path) -> StoreResult<migrate::MigrationStatus> {
    crate::check_is_database_path(path)?;
    if !path.exists() {
        let conn = Connection::open_in_memory()?;
        return migrate::status(&conn);
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    migrate::status(&conn)
}
