//! The store's open and migrate: from an empty file, from the previous schema, and every
//! refusal (newer schema, checksum drift, foreign file, failed migration, corrupt restore).

use crate::support::*;
use rusqlite::Connection;
use std::path::Path;
use turbocat_store::{maintenance, migrate, MigrationState, Store, StoreError};

/// Everything that makes up the file's content, for before/after comparisons.
fn fingerprint(path: &Path) -> Vec<String> {
    let c = Connection::open(path).unwrap();
    let mut out: Vec<String> = {
        let mut s = c
            .prepare("SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master ORDER BY name")
            .unwrap();
        s.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect()
    };
    let tables: Vec<String> = {
        let mut s = c.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").unwrap();
        s.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect()
    };
    for t in tables {
        let mut s = c.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = s.column_count();
        let rows = s
            .query_map([], |r| Ok((0..n).map(|i| format!("{:?}", r.get_ref(i).unwrap())).collect::<Vec<_>>().join("|")))
            .unwrap();
        for r in rows {
            out.push(format!("{t}: {}", r.unwrap()));
        }
    }
    out
}

pub(crate) fn v1_file(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("old.sqlite");
    let mut c = Connection::open(&path).unwrap();
    c.execute_batch("PRAGMA foreign_keys = ON").unwrap();
    migrate::migrate_to_version(&mut c, 1).unwrap();
    c.execute_batch(
        "INSERT INTO users (id, email, updated_at) VALUES ('00000000-0000-4000-8000-00000000aaaa', 'old@example.com', '2026-01-01T00:00:00.000Z');
         INSERT INTO agents (id, name, type, user_id, tags, updated_at) VALUES
           ('00000000-0000-4000-8000-00000000bbbb', 'Old agent', 'code', '00000000-0000-4000-8000-00000000aaaa', '[\"x\"]', '2026-01-01T00:00:00.000Z');",
    )
    .unwrap();
    path
}

#[test]
fn opens_an_empty_file_creating_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a").join("b").join("t.sqlite");
    let store = Store::open(&path).unwrap();
    assert_eq!(store.migration.applied, vec!["V1__init", "V2__local_settings", "V3__sync", "V4__owner_list_indexes"]);
    assert!(store.migration.backup.is_none(), "an empty file needs no backup");
    let (mode, fk, tables): (String, i64, i64) = store
        .read(|c| {
            Ok((
                c.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap(),
                c.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap(),
                c.query_row(
                    &format!(
                        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('{}')",
                        turbocat_store::catalog::names().collect::<Vec<_>>().join("','")
                    ),
                    [],
                    |r| r.get(0),
                )
                .unwrap(),
            ))
        })
        .unwrap();
    assert_eq!((mode.as_str(), fk, tables), ("wal", 1, 10));
    let st = maintenance::inspect(&path).unwrap();
    assert!(st.is_up_to_date());
    assert!(st.entries.iter().all(|e| e.state == MigrationState::Applied));
    // Reopening applies nothing.
    drop(store);
    assert!(Store::open(&path).unwrap().migration.applied.is_empty());
}

#[test]
fn every_hosted_column_exists_with_its_constraints() {
    let env = Env::empty();
    let cols = |t: &str| -> Vec<String> {
        env.svc
            .store()
            .read(|c| {
                let mut s = c.prepare(&format!("SELECT name FROM pragma_table_info('{t}')")).unwrap();
                Ok(s.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect())
            })
            .unwrap()
    };
    assert_eq!(cols("users").len(), 14);
    assert_eq!(cols("agents").len(), 24);
    assert_eq!(cols("workflows").len(), 22);
    assert_eq!(cols("workflow_steps").len(), 17);
    assert_eq!(cols("executions").len(), 18);
    assert_eq!(cols("execution_logs").len(), 12);
    assert_eq!(cols("templates").len(), 16);
    assert_eq!(cols("deployments").len(), 23);
    assert_eq!(cols("api_keys").len(), 14);
    assert_eq!(cols("audit_logs").len(), 10);
    // CHECKs reject a bad enum value, a bad boolean and bad JSON; the FK rejects an orphan.
    let me = env.svc.current_user_id().to_string();
    let attempt = |sql: String| {
        env.svc.store().write(|tx| Ok(tx.execute_batch(&sql).map_err(turbocat_store::StoreError::from)?))
    };
    for bad in [
        format!("INSERT INTO agents (id, name, type, user_id, updated_at) VALUES ('a1', 'n', 'robot', '{me}', 'x')"),
        format!("INSERT INTO agents (id, name, type, user_id, is_public, updated_at) VALUES ('a2', 'n', 'code', '{me}', 2, 'x')"),
        format!("INSERT INTO agents (id, name, type, user_id, config, updated_at) VALUES ('a3', 'n', 'code', '{me}', '{{nope', 'x')"),
        "INSERT INTO agents (id, name, type, user_id, updated_at) VALUES ('a4', 'n', 'code', 'nobody', 'x')".to_string(),
        "INSERT INTO templates (id, name, category, type, template_data, rating_average, updated_at) VALUES ('t', 'n', 'c', 'agent', '{}', 1000, 'x')".to_string(),
    ] {
        assert!(attempt(bad.clone()).is_err(), "accepted: {bad}");
    }
    // ON DELETE actions match the hosted schema: deleting a user cascades to its agents.
    attempt(format!("DELETE FROM users WHERE id = '{me}'")).unwrap();
    assert_eq!(env.count("agents"), 0);
}

#[test]
fn migrates_a_file_of_the_previous_schema_after_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    let path = v1_file(dir.path());
    assert_eq!(maintenance::inspect(&path).unwrap().pending().count(), 3);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.migration.applied, vec!["V2__local_settings", "V3__sync", "V4__owner_list_indexes"]);
    let backup = store.migration.backup.clone().expect("a backup of the non-empty file");
    // The backup is the file as it was: schema version 1, with its rows.
    let st = maintenance::inspect(&backup).unwrap();
    assert_eq!((st.current_version, st.pending().count()), (1, 3));
    let name: String =
        Connection::open(&backup).unwrap().query_row("SELECT name FROM agents", [], |r| r.get(0)).unwrap();
    assert_eq!(name, "Old agent");
    // The data survived, and the migration is in the audit log.
    let (agent, audit): (String, String) = store
        .read(|c| {
            Ok((
                c.query_row("SELECT name FROM agents", [], |r| r.get(0)).unwrap(),
                c.query_row("SELECT changes FROM audit_logs WHERE action = 'db.migrate'", [], |r| r.get(0)).unwrap(),
            ))
        })
        .unwrap();
    assert_eq!(agent, "Old agent");
    assert!(audit.contains("\"from\":1") && audit.contains("\"to\":4"), "{audit}");
}

#[test]
fn a_failed_migration_leaves_the_file_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = v1_file(dir.path());
    // V2 cannot create a table that already exists, so its grouped transaction fails.
    Connection::open(&path).unwrap().execute_batch("CREATE TABLE app_settings (x INTEGER)").unwrap();
    let before = fingerprint(&path);
    let e = Store::open(&path).unwrap_err();
    assert!(matches!(e, StoreError::Migration(_)), "{e}");
    assert!(e.to_string().contains("left unchanged"), "{e}");
    assert_eq!(fingerprint(&path), before, "the file changed");
    // The backup taken before the attempt is there.
    assert_eq!(std::fs::read_dir(dir.path().join("backups")).unwrap().count(), 1);
}

#[test]
fn a_database_from_a_newer_build_is_refused_untouched() {
    let env = Env::empty();
    let path = env.path();
    drop(env.svc);
    Connection::open(&path)
        .unwrap()
        .execute_batch(
            "INSERT INTO refinery_schema_history VALUES (99, 'future_feature', '2030-01-01T00:00:00Z', '42')",
        )
        .unwrap();
    let before = fingerprint(&path);
    let e = Store::open(&path).unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, StoreError::Refused(_)), "{msg}");
    assert!(
        msg.contains("newer version of Turbocat") && msg.contains("version 99") && msg.contains("turbocat db restore"),
        "{msg}"
    );
    assert_eq!(fingerprint(&path), before);
    let st = maintenance::inspect(&path).unwrap();
    assert!(!st.is_up_to_date());
    assert!(st.entries.iter().any(|e| e.state == MigrationState::Unknown && e.version == 99));
}

#[test]
fn a_changed_migration_checksum_is_refused() {
    let env = Env::empty();
    let path = env.path();
    drop(env.svc);
    Connection::open(&path)
        .unwrap()
        .execute_batch("UPDATE refinery_schema_history SET checksum = '123' WHERE version = 1")
        .unwrap();
    let e = Store::open(&path).unwrap_err();
    assert!(e.to_string().contains("V1__init recorded in this database differs"), "{e}");
    assert_eq!(maintenance::inspect(&path).unwrap().entries[0].state, MigrationState::Divergent);
}

#[test]
fn a_file_that_is_not_a_turbocat_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.sqlite");
    Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine')")
        .unwrap();
    let e = Store::open(&path).unwrap_err();
    assert!(e.to_string().contains("not a Turbocat database"), "{e}");
    let body: String = Connection::open(&path).unwrap().query_row("SELECT body FROM notes", [], |r| r.get(0)).unwrap();
    assert_eq!(body, "mine");
}

#[test]
fn validate_finds_bad_json_and_broken_foreign_keys() {
    let env = Env::seeded();
    let conn = maintenance::open_raw(&env.path()).unwrap();
    assert!(maintenance::validate(&conn).unwrap().is_ok());
    conn.execute_batch(
        "PRAGMA ignore_check_constraints = ON;
         UPDATE agents SET config = '{broken' WHERE name = 'Web Scraper';
         PRAGMA ignore_check_constraints = OFF;
         PRAGMA foreign_keys = OFF;
         UPDATE workflow_steps SET workflow_id = '00000000-0000-4000-8000-00000000ffff' WHERE step_key = 'notify';
         PRAGMA foreign_keys = ON;",
    )
    .unwrap();
    let report = maintenance::validate(&conn).unwrap();
    assert!(!report.is_ok());
    assert_eq!(report.invalid_json.len(), 1, "{:?}", report.invalid_json);
    assert!(report.invalid_json[0].starts_with("agents.config of row 00000000-0000-4000-8000-000000001001"));
    assert_eq!(report.foreign_key_violations.len(), 1, "{:?}", report.foreign_key_violations);
    assert!(report.migrations_well_formed);
}

#[test]
fn restore_refuses_a_corrupt_file_and_restores_a_good_one() {
    let env = Env::seeded();
    let path = env.path();
    let good = env.dir.path().join("good.sqlite");
    turbocat_store::backup::backup(&path, &good, &turbocat_store::backup::no_progress).unwrap();
    // A change after the backup, which the restore will undo.
    env.svc
        .agents()
        .create(turbocat_services::agents::CreateAgent {
            name: "After backup".into(),
            agent_type: Some(turbocat_domain::AgentType::Data),
            ..Default::default()
        })
        .unwrap();
    // Corrupt copy: keep the SQLite header, scramble the pages after it.
    let corrupt = env.dir.path().join("corrupt.sqlite");
    let mut bytes = std::fs::read(&good).unwrap();
    for b in bytes.iter_mut().skip(4096).take(40_000) {
        *b = b.wrapping_mul(31).wrapping_add(7);
    }
    std::fs::write(&corrupt, &bytes).unwrap();
    let before = fingerprint(&path);
    let e = maintenance::restore(env.svc.store(), &corrupt).unwrap_err();
    assert!(e.to_string().starts_with("Cannot restore from"), "{e}");
    assert!(e.to_string().contains("Nothing was changed"), "{e}");
    assert_eq!(fingerprint(&path), before);
    // Not a file at all, and not a Turbocat database: refused too.
    assert!(maintenance::restore(env.svc.store(), &env.dir.path().join("missing.sqlite")).is_err());
    // The good backup restores; the current content was backed up first.
    let saved = maintenance::restore(env.svc.store(), &good).unwrap().backup.expect("a backup of the replaced content");
    let names = |p: &Path| -> Vec<String> {
        let c = Connection::open(p).unwrap();
        let mut s = c.prepare("SELECT name FROM agents ORDER BY name").unwrap();
        s.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect()
    };
    assert!(!names(&path).contains(&"After backup".to_string()));
    assert!(names(&saved).contains(&"After backup".to_string()));
    let restored_audit: i64 = Connection::open(&path)
        .unwrap()
        .query_row("SELECT count(*) FROM audit_logs WHERE action = 'db.restore'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(restored_audit, 1);
    // The services keep working on the restored content.
    assert_eq!(env.svc.agents().list(&Default::default()).unwrap().total, 5);
}
