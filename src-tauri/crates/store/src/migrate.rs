//! Schema versioning with refinery. Before any migration runs we read refinery's history table
//! ourselves and compare it with the migrations built into this binary, so that a database from
//! a newer build, or one whose applied migration differs from ours, is refused with a message
//! that says what to do, instead of being touched.

use crate::error::{StoreError, StoreResult};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use std::path::{Path, PathBuf};

mod embedded {
    refinery::embed_migrations!("../../../migrations/sqlite");
}

pub const HISTORY_TABLE: &str = "refinery_schema_history";

/// The migrations built into this binary, in version order.
pub fn embedded_migrations() -> Vec<refinery::Migration> {
    let mut m = embedded::migrations::runner().get_migrations().clone();
    m.sort_by_key(|m| m.version());
    m
}

pub fn latest_version() -> i32 {
    embedded_migrations().last().map(|m| m.version()).unwrap_or(0)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MigrationState {
    Applied,
    Pending,
    /// Applied, but with a different checksum than the embedded migration.
    Divergent,
    /// Applied by another build; this binary does not have it.
    Unknown,
}

#[derive(Debug, Clone, Serialize)]
pub struct MigrationEntry {
    pub version: i32,
    pub name: String,
    pub state: MigrationState,
    pub applied_on: Option<String>,
    pub checksum: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applied_checksum: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MigrationStatus {
    pub entries: Vec<MigrationEntry>,
    /// Version of the last applied migration (0 for an empty database).
    pub current_version: i32,
    pub latest_version: i32,
    /// Why this build must not touch the file, if it must not.
    pub refused: Option<String>,
    /// The file has tables but no migration history: not a Turbocat database.
    pub foreign: bool,
}

impl MigrationStatus {
    pub fn pending(&self) -> impl Iterator<Item = &MigrationEntry> {
        self.entries.iter().filter(|e| e.state == MigrationState::Pending)
    }
    pub fn is_up_to_date(&self) -> bool {
        self.refused.is_none() && self.pending().next().is_none()
    }
}

/// What an open did to the schema.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MigrationOutcome {
    pub applied: Vec<String>,
    pub backup: Option<PathBuf>,
}

fn applied_rows(conn: &Connection) -> StoreResult<Vec<(i32, String, String, String)>> {
    let exists: Option<String> = conn
        .query_row("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?1", [HISTORY_TABLE], |r| r.get(0))
        .optional()?;
    if exists.is_none() {
        return Ok(Vec::new());
    }
    let mut stmt =
        conn.prepare(&format!("SELECT version, name, applied_on, checksum FROM {HISTORY_TABLE} ORDER BY version"))?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i32>(0)?,
            r.get::<_, Option<String>>(1)?.unwrap_or_default(),
            r.get::<_, Option<String>>(2)?.unwrap_or_default(),
            r.get::<_, Option<String>>(3)?.unwrap_or_default(),
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Compares the file's history with the embedded migrations. Reads only.
pub fn status(conn: &Connection) -> StoreResult<MigrationStatus> {
    let embedded = embedded_migrations();
    let applied = applied_rows(conn)?;
    let user_tables: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> ?1",
        [HISTORY_TABLE],
        |r| r.get(0),
    )?;
    let mut entries = Vec::new();
    for m in &embedded {
        let checksum = m.checksum().to_string();
        let entry = match applied.iter().find(|a| a.0 == m.version()) {
            Some(a) if a.3 == checksum && a.1 == m.name() => MigrationEntry {
                version: m.version(),
                name: m.name().to_string(),
                state: MigrationState::Applied,
                applied_on: Some(a.2.clone()),
                checksum,
                applied_checksum: None,
            },
            Some(a) => MigrationEntry {
                version: m.version(),
                name: m.name().to_string(),
                state: MigrationState::Divergent,
                applied_on: Some(a.2.clone()),
                checksum,
                applied_checksum: Some(a.3.clone()),
            },
            None => MigrationEntry {
                version: m.version(),
                name: m.name().to_string(),
                state: MigrationState::Pending,
                applied_on: None,
                checksum,
                applied_checksum: None,
            },
        };
        entries.push(entry);
    }
    for a in applied.iter().filter(|a| !embedded.iter().any(|m| m.version() == a.0)) {
        entries.push(MigrationEntry {
            version: a.0,
            name: a.1.clone(),
            state: MigrationState::Unknown,
            applied_on: Some(a.2.clone()),
            checksum: a.3.clone(),
            applied_checksum: Some(a.3.clone()),
        });
    }
    let latest = embedded.last().map(|m| m.version()).unwrap_or(0);
    let current = applied.last().map(|a| a.0).unwrap_or(0);
    let foreign = applied.is_empty() && user_tables > 0;
    let refused = if foreign {
        Some(
            "This file is not a Turbocat database (it has tables but no migration history). \
             Choose another file with --db or TURBOCAT_DB, or move this one away."
                .to_string(),
        )
    } else if let Some(u) = entries.iter().find(|e| e.state == MigrationState::Unknown) {
        Some(format!(
            "This database was migrated by a newer version of Turbocat (it has schema version {} \"{}\"; \
             this build knows versions up to {latest}). Nothing was changed. Install the newer version of Turbocat, \
             or restore a backup made by this version with `turbocat db restore FILE`.",
            u.version, u.name
        ))
    } else {
        entries.iter().find(|e| e.state == MigrationState::Divergent).map(|d| {
            format!(
                "Migration V{}__{} recorded in this database differs from the one built into this version of \
             Turbocat (checksum {} in the file, {} here): the file was made by a different build. Nothing was \
             changed. Open it with the build that made it, or restore a backup made by this version with \
             `turbocat db restore FILE`.",
                d.version,
                d.name,
                d.applied_checksum.as_deref().unwrap_or("?"),
                d.checksum
            )
        })
    };
    Ok(MigrationStatus { entries, current_version: current, latest_version: latest, refused, foreign })
}

/// True when the file holds anything at all (a backup of an empty file would be noise).
fn has_content(conn: &Connection) -> StoreResult<bool> {
    let n: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
    Ok(n > 0)
}

/// Where automatic and manual backups go by default: a `backups` folder beside the database.
pub fn backup_dir(db_path: &Path) -> PathBuf {
    db_path.parent().map(Path::to_path_buf).unwrap_or_default().join("backups")
}

/// A file name that says what the backup is and sorts by time.
pub fn backup_file_name(db_path: &Path, reason: &str) -> PathBuf {
    let stem = db_path.file_stem().and_then(|s| s.to_str()).unwrap_or("turbocat");
    let stamp = turbocat_domain::Timestamp::now().to_string().replace([':', '.'], "-");
    backup_dir(db_path).join(format!("{stem}-{stamp}-{reason}.sqlite"))
}

/// The lock that lets one process at a time migrate a file: `<database>.lock` beside it, held
/// with an OS file lock (released by the OS if the process dies). The file itself stays.
struct MigrationLock {
    _held: std::fs::File,
}

impl MigrationLock {
    /// Waits until no other process is migrating `db_path`.
    fn take(db_path: &Path) -> StoreResult<MigrationLock> {
        let path = PathBuf::from(format!("{}.lock", db_path.display()));
        let mut o = std::fs::OpenOptions::new();
        o.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
        let file = o.open(&path).map_err(|e| StoreError::io(format!("cannot open {}", path.display()), e))?;
        file.lock().map_err(|e| StoreError::io(format!("cannot lock {}", path.display()), e))?;
        Ok(MigrationLock { _held: file })
    }
}

/// Applies pending migrations in one transaction, after a backup of a non-empty file, and
/// records the migration in the audit log. Refuses a file this build must not touch. Two
/// processes opening the same older (or new) file at once take turns: the second waits for the
/// first, then finds the schema up to date.
pub fn migrate(conn: &mut Connection, path: &Path) -> StoreResult<MigrationOutcome> {
    let st = status(conn)?;
    if let Some(why) = st.refused {
        return Err(StoreError::Refused(why));
    }
    if st.pending().next().is_none() {
        return Ok(MigrationOutcome::default());
    }
    let _lock = MigrationLock::take(path)?;
    // The connection policy (WAL) is set under the lock too: switching a new file's journal
    // mode while another process migrates it can fail at once with "database is locked".
    crate::apply_pragmas(conn)?;
    // Read again under the lock: another process may have migrated meanwhile.
    let st = status(conn)?;
    if let Some(why) = st.refused {
        return Err(StoreError::Refused(why));
    }
    if st.pending().next().is_none() {
        return Ok(MigrationOutcome::default());
    }
    let backup = if has_content(conn)? {
        let dest = backup_file_name(path, &format!("before-v{}", st.latest_version));
        crate::backup::backup(path, &dest, &crate::backup::no_progress)?;
        Some(dest)
    } else {
        None
    };
    let applied = apply_pending(conn, &st, backup.as_deref())?;
    Ok(MigrationOutcome { applied, backup })
}

/// Runs the pending migrations of `st` on `conn` (grouped: all or none) and writes the
/// `db.migrate` audit row; `backup` is named in the error and the audit row.
pub(crate) fn apply_pending(
    conn: &mut Connection,
    st: &MigrationStatus,
    backup: Option<&Path>,
) -> StoreResult<Vec<String>> {
    let pending: Vec<String> = st.pending().map(|e| format!("V{}__{}", e.version, e.name)).collect();
    if pending.is_empty() {
        return Ok(pending);
    }
    // Grouped: every pending migration and its history row in one transaction, so a failure
    // leaves the file exactly as it was.
    embedded::migrations::runner()
        .set_grouped(true)
        .set_abort_divergent(true)
        .set_abort_missing(true)
        .run(conn)
        .map_err(|e| {
            StoreError::Migration(format!(
                "{}. The database was left unchanged{}.",
                migration_error(&e),
                backup
                    .map(|b| format!("; a backup taken before the attempt is at {}", b.display()))
                    .unwrap_or_default()
            ))
        })?;
    crate::queries::audit::record_system(
        conn,
        "db.migrate",
        serde_json::json!({ "from": st.current_version, "to": st.latest_version, "applied": pending }),
        serde_json::json!({ "backup": backup.map(|b| b.display().to_string()) }),
    )?;
    Ok(pending)
}

/// refinery's error without the migration's SQL, which it quotes whole (hundreds of lines).
fn migration_error(e: &refinery::Error) -> String {
    let first_line = |s: &str| {
        let line = s.lines().next().unwrap_or_default().trim();
        match line.char_indices().nth(200) {
            Some((i, _)) => format!("{}…", &line[..i]),
            None => line.to_string(),
        }
    };
    match e.kind() {
        refinery::error::Kind::Connection(what, cause) => {
            format!("{} ({})", first_line(what), first_line(&cause.to_string()))
        }
        other => first_line(&other.to_string()),
    }
}

/// Migrates only up to `version`: used by tests to make a file of an earlier schema.
#[doc(hidden)]
pub fn migrate_to_version(conn: &mut Connection, version: i32) -> StoreResult<()> {
    embedded::migrations::runner()
        .set_grouped(true)
        .set_target(refinery::Target::Version(version))
        .run(conn)
        .map_err(|e| StoreError::Migration(e.to_string()))?;
    Ok(())
}
