//! The `turbocat` command line through its real entry point (`turbocat_cli::run`, which the
//! binary calls with its arguments): exit codes a script can use, and each db command.

use rusqlite::Connection;
use std::path::Path;
use turbocat_cli::{run, EXIT_FAILED, EXIT_NOT_UP_TO_DATE, EXIT_OK, EXIT_REFUSED, EXIT_USAGE};

/// `turbocat --db DB ARGS…` in-process; its exit code.
pub fn tc(db: &Path, args: &[&str]) -> u8 {
    let mut all = vec!["turbocat".to_string(), "--db".to_string(), db.display().to_string()];
    all.extend(args.iter().map(|s| s.to_string()));
    run(all.into_iter().map(Into::into))
}

/// The first column of the first row of `sql`, on a connection of its own.
pub fn count(db: &Path, sql: &str) -> i64 {
    Connection::open(db).unwrap().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn status_migrate_and_their_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli").join("t.sqlite");
    assert_eq!(tc(&db, &["db", "status"]), EXIT_NOT_UP_TO_DATE);
    assert!(!db.exists(), "status never creates the file");
    assert_eq!(tc(&db, &["db", "status", "--json"]), EXIT_NOT_UP_TO_DATE);
    assert_eq!(tc(&db, &["db", "migrate"]), EXIT_OK);
    assert_eq!(tc(&db, &["db", "status"]), EXIT_OK);
    assert_eq!(tc(&db, &["db", "validate"]), EXIT_OK);
    Connection::open(&db)
        .unwrap()
        .execute_batch("INSERT INTO refinery_schema_history VALUES (9, 'later', '2030-01-01T00:00:00Z', '1')")
        .unwrap();
    assert_eq!(tc(&db, &["db", "status"]), EXIT_REFUSED);
    assert_eq!(tc(&db, &["db", "migrate"]), EXIT_REFUSED);
    assert_eq!(tc(&db, &["db", "seed"]), EXIT_REFUSED);
    assert_eq!(tc(&db, &["db", "frobnicate"]), EXIT_USAGE);
}

#[test]
fn seed_reset_backup_restore() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.sqlite");
    assert_eq!(tc(&db, &["db", "seed"]), EXIT_OK);
    assert_eq!(tc(&db, &["db", "seed"]), EXIT_OK);
    assert_eq!(count(&db, "SELECT count(*) FROM agents"), 5);
    assert_eq!(
        count(&db, "SELECT count(*) FROM audit_logs WHERE action = 'db.seed'"),
        1,
        "the second seed wrote nothing"
    );

    let backup = dir.path().join("manual.sqlite");
    assert_eq!(tc(&db, &["db", "backup", backup.to_str().unwrap()]), EXIT_OK);
    assert_eq!(tc(&db, &["db", "backup", backup.to_str().unwrap()]), EXIT_REFUSED, "a backup never overwrites a file");
    Connection::open(&db).unwrap().execute_batch("DELETE FROM templates").unwrap();

    // Reset needs --yes, and without it changes nothing.
    assert_eq!(tc(&db, &["db", "reset"]), EXIT_USAGE);
    assert_eq!(count(&db, "SELECT count(*) FROM templates"), 0);
    assert_eq!(tc(&db, &["db", "reset", "--yes"]), EXIT_OK);
    assert_eq!(count(&db, "SELECT count(*) FROM templates"), 6);
    assert_eq!(count(&db, "SELECT count(*) FROM audit_logs WHERE action = 'db.seed'"), 1);
    let backups: Vec<String> = std::fs::read_dir(dir.path().join("backups"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(backups.iter().any(|b| b.ends_with("-before-reset.sqlite")), "{backups:?}");

    // Restore: a garbage file is refused; the manual backup comes back.
    let junk = dir.path().join("junk.sqlite");
    std::fs::write(&junk, b"not a database at all, just some bytes that are long enough to look like one").unwrap();
    assert_eq!(tc(&db, &["db", "restore", junk.to_str().unwrap()]), EXIT_REFUSED);
    assert_eq!(count(&db, "SELECT count(*) FROM templates"), 6);
    Connection::open(&db).unwrap().execute_batch("DELETE FROM workflows").unwrap();
    assert_eq!(tc(&db, &["db", "restore", backup.to_str().unwrap()]), EXIT_OK);
    assert_eq!(count(&db, "SELECT count(*) FROM workflows"), 2);
    assert_eq!(count(&db, "SELECT count(*) FROM audit_logs WHERE action = 'db.restore'"), 1);
}

#[test]
fn validate_exits_non_zero_on_bad_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.sqlite");
    assert_eq!(tc(&db, &["db", "seed"]), EXIT_OK);
    Connection::open(&db)
        .unwrap()
        .execute_batch("PRAGMA ignore_check_constraints = ON; UPDATE workflows SET definition = 'nope'")
        .unwrap();
    assert_eq!(tc(&db, &["db", "validate", "--json"]), EXIT_NOT_UP_TO_DATE);
    assert_eq!(tc(&dir.path().join("missing.sqlite"), &["db", "validate"]), EXIT_REFUSED);
}

#[test]
fn export_and_import_files() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.sqlite");
    let b = dir.path().join("b.sqlite");
    let file = dir.path().join("bundle.json");
    assert_eq!(tc(&a, &["db", "seed"]), EXIT_OK);
    let pipeline = "00000000-0000-4000-8000-000000002001";
    assert_eq!(
        tc(
            &a,
            &[
                "export",
                "--workflow",
                pipeline,
                "--agent",
                "00000000-0000-4000-8000-000000001002",
                "--agent",
                "00000000-0000-4000-8000-000000001003",
                "-o",
                file.to_str().unwrap()
            ]
        ),
        EXIT_OK
    );
    assert_eq!(tc(&a, &["export", "--workflow", "nope"]), EXIT_FAILED);
    assert_eq!(tc(&b, &["db", "migrate"]), EXIT_OK);
    assert_eq!(tc(&b, &["import", file.to_str().unwrap()]), EXIT_OK);
    assert_eq!(count(&b, "SELECT count(*) FROM workflow_steps"), 3);
    assert_eq!(count(&b, "SELECT count(*) FROM agents"), 2);
    std::fs::write(&file, "{ not json").unwrap();
    assert_eq!(tc(&b, &["import", file.to_str().unwrap()]), EXIT_FAILED);
}
