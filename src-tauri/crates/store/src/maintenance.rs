//! Backup, restore and validation of the database file: the work behind `turbocat db backup`,
//! `db restore` and `db validate`, and the automatic backup before a migration.

use crate::error::{StoreError, StoreResult};
use crate::migrate;
use rusqlite::{Connection, OpenFlags, MAIN_DB};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Every JSON column of the store (including the `TEXT[]` lists kept as JSON arrays).
pub const JSON_COLUMNS: &[(&str, &str)] = &[
    ("users", "preferences"),
    ("agents", "config"),
    ("agents", "capabilities"),
    ("agents", "parameters"),
    ("agents", "tags"),
    ("workflows", "definition"),
    ("workflows", "trigger_config"),
    ("workflows", "tags"),
    ("workflow_steps", "config"),
    ("workflow_steps", "inputs"),
    ("workflow_steps", "outputs"),
    ("workflow_steps", "depends_on"),
    ("executions", "trigger_data"),
    ("executions", "input_data"),
    ("executions", "output_data"),
    ("execution_logs", "metadata"),
    ("templates", "template_data"),
    ("templates", "tags"),
    ("deployments", "config"),
    ("deployments", "environment_vars"),
    ("api_keys", "scopes"),
    ("audit_logs", "changes"),
    ("audit_logs", "metadata"),
    ("app_settings", "value"),
];

/// Online backup of an open connection into a new file. Written under a temporary name and
/// renamed, so a crash never leaves a half-written file under the final name.
pub fn backup_connection(conn: &Connection, dest: &Path) -> StoreResult<()> {
    if dest.exists() {
        return Err(StoreError::Refused(format!(
            "{} already exists; choose another file name (backups never overwrite a file)",
            dest.display()
        )));
    }
    if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::io(format!("cannot create {}", dir.display()), e))?;
    }
    let tmp = dest.with_extension("partial");
    let _ = std::fs::remove_file(&tmp);
    conn.backup(MAIN_DB, &tmp, None::<fn(rusqlite::backup::Progress)>)?;
    std::fs::rename(&tmp, dest).map_err(|e| StoreError::io(format!("cannot write {}", dest.display()), e))?;
    Ok(())
}

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
    for (table, column) in JSON_COLUMNS.iter().filter(|(t, _)| tables.iter().any(|n| n == t)) {
        let mut stmt = conn.prepare(&format!(
            "SELECT {id} FROM {table} WHERE {column} IS NOT NULL AND NOT json_valid({column}) LIMIT 20",
            id = if *table == "app_settings" { "key" } else { "id" }
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

/// Checks a file before it may replace the database: a readable SQLite file that passes
/// integrity_check and whose schema history this build accepts.
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

/// Replaces the content of the database behind `conn` with `source`, after verifying it and
/// backing up the current content; then brings the restored schema up to date and records the
/// restore in the audit log. Works on a raw connection, so that a file this build refuses to
/// open (say, one from a newer build) can still be replaced by a good backup.
pub fn restore_into(conn: &mut Connection, db_path: &Path, source: &Path) -> StoreResult<PathBuf> {
    verify_restore_source(source)?;
    let backup = migrate::backup_file_name(db_path, "before-restore");
    backup_connection(conn, &backup)?;
    conn.restore(MAIN_DB, source, None::<fn(rusqlite::backup::Progress)>)?;
    crate::apply_pragmas(conn)?;
    migrate::migrate(conn, db_path)?;
    crate::queries::audit::record_system(
        conn,
        "db.restore",
        serde_json::json!({ "source": source.display().to_string() }),
        serde_json::json!({ "backup": backup.display().to_string() }),
    )?;
    Ok(backup)
}

/// Restore for an open store (the desktop app): idle readers are dropped first.
pub fn restore(store: &crate::Store, source: &Path) -> StoreResult<PathBuf> {
    verify_restore_source(source)?;
    store.drop_readers();
    store.with_writer(|conn| restore_into(conn, store.path(), source))
}

/// Opens the file at `path` for maintenance without migrating it (it must exist).
pub fn open_raw(path: &Path) -> StoreResult<Connection> {
    if !path.is_file() {
        return Err(StoreError::Refused(format!("No database at {}", path.display())));
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    crate::apply_pragmas(&conn)?;
    Ok(conn)
}

/// The migration status of the file at `path`, read-only; a missing file has every migration
/// pending.
pub fn inspect(path: &Path) -> StoreResult<migrate::MigrationStatus> {
    if !path.exists() {
        let conn = Connection::open_in_memory()?;
        return migrate::status(&conn);
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    migrate::status(&conn)
}
