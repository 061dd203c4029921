//! The store under concurrency and hostile files, through the command line and the store's
//! entry points: a restore or a backup beside a process that keeps committing, several processes
//! opening one file at once, files that must be refused without being touched, and restore
//! sources that must be refused, or restored, without being changed.

use crate::cli::{count, tc};
use crate::migrations::v1_file;
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use turbocat_cli::{EXIT_NOT_UP_TO_DATE, EXIT_OK, EXIT_REFUSED};
use turbocat_store::{backup, maintenance, Store};

/// Every file in `dir` whose name contains `part`.
fn files_with(dir: &Path, part: &str) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else { return Vec::new() };
    rd.map(|e| e.unwrap().path()).filter(|p| p.file_name().unwrap().to_string_lossy().contains(part)).collect()
}

/// The length and a hash of a file and of its `-wal` and `-journal`, when they exist (the
/// `-shm` is a scratch index that every reader may rebuild; it holds no content).
fn bytes_of(path: &Path) -> Vec<Option<(usize, u64)>> {
    use std::hash::{Hash, Hasher};
    ["", "-wal", "-journal"]
        .iter()
        .map(|s| {
            let b = std::fs::read(format!("{}{s}", path.display())).ok()?;
            let mut h = std::collections::hash_map::DefaultHasher::new();
            b.hash(&mut h);
            Some((b.len(), h.finish()))
        })
        .collect()
}

/// A seeded database with about `mb` MB of filler rows, so a copy of it takes a while.
fn big_database(dir: &Path, mb: usize) -> PathBuf {
    let db = dir.join("db.sqlite");
    assert_eq!(tc(&db, &["db", "seed"]), EXIT_OK);
    Connection::open(&db)
        .unwrap()
        .execute_batch(&format!(
            "CREATE TABLE filler (x BLOB);
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {})
             INSERT INTO filler SELECT randomblob(1000) FROM n;",
            mb * 1000
        ))
        .unwrap();
    db
}

/// Commits one app_settings row per transaction as fast as it can, until stopped; returns the
/// keys whose commit returned success.
fn writer(db: PathBuf, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<Vec<String>> {
    std::thread::spawn(move || {
        let c = Connection::open(&db).unwrap();
        c.busy_timeout(Duration::from_secs(120)).unwrap();
        let mut committed = Vec::new();
        let mut n = 0;
        while !stop.load(Ordering::Relaxed) {
            n += 1;
            let key = format!("writer-{n}");
            if c.execute("INSERT INTO app_settings (key, value) VALUES (?1, '1')", [&key]).is_ok() {
                committed.push(key);
            }
        }
        committed
    })
}

fn keys(db: &Path) -> Vec<String> {
    let c = Connection::open(db).unwrap();
    let mut q = c.prepare("SELECT key FROM app_settings WHERE key LIKE 'writer-%'").unwrap();
    q.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect()
}

#[test]
fn a_restore_beside_a_writer_loses_no_committed_write() {
    let dir = tempfile::tempdir().unwrap();
    let db = big_database(dir.path(), 20);
    let source = dir.path().join("source.sqlite");
    assert_eq!(tc(&db, &["db", "backup", source.to_str().unwrap()]), EXIT_OK);
    let stop = Arc::new(AtomicBool::new(false));
    let w = writer(db.clone(), stop.clone());
    for _ in 0..3 {
        std::thread::sleep(Duration::from_millis(150));
        assert_eq!(tc(&db, &["db", "restore", source.to_str().unwrap()]), EXIT_OK);
    }
    std::thread::sleep(Duration::from_millis(150));
    stop.store(true, Ordering::Relaxed);
    let committed = w.join().unwrap();
    assert!(committed.len() > 10, "the writer committed only {} rows", committed.len());
    // Each committed write is in the final file, or in the backup of the restore that replaced it.
    let mut kept: std::collections::HashSet<String> = keys(&db).into_iter().collect();
    let backups = files_with(&dir.path().join("backups"), "before-restore");
    assert_eq!(backups.len(), 3, "{backups:?}");
    for b in &backups {
        kept.extend(keys(b));
    }
    let lost: Vec<_> = committed.iter().filter(|k| !kept.contains(*k)).collect();
    assert!(lost.is_empty(), "{} of {} committed writes lost, e.g. {:?}", lost.len(), committed.len(), &lost[..1]);
    assert_eq!(count(&db, "SELECT count(*) FROM audit_logs WHERE action = 'db.restore'"), 1, "the last restore's row");
    assert_eq!(tc(&db, &["db", "validate"]), EXIT_OK);
}

#[test]
fn a_backup_beside_a_writer_finishes_whole() {
    let dir = tempfile::tempdir().unwrap();
    let db = big_database(dir.path(), 20);
    let stop = Arc::new(AtomicBool::new(false));
    let w = writer(db.clone(), stop.clone());
    std::thread::sleep(Duration::from_millis(200));
    let out = dir.path().join("out.sqlite");
    let (tx, rx) = std::sync::mpsc::channel();
    let (db2, out2) = (db.clone(), out.clone());
    std::thread::spawn(move || tx.send(tc(&db2, &["db", "backup", out2.to_str().unwrap()])));
    // The online backup API restarts at every commit beside it and never ends here; a snapshot
    // read does. The bound only keeps a regression from hanging the suite.
    let code = rx.recv_timeout(Duration::from_secs(120));
    stop.store(true, Ordering::Relaxed);
    let committed = w.join().unwrap();
    assert_eq!(code, Ok(EXIT_OK), "the backup did not finish beside {} commits", committed.len());
    assert!(committed.len() > 10, "the writer committed only {} rows", committed.len());
    assert_eq!(count(&out, "SELECT count(*) FROM filler"), 20_000);
    let c = Connection::open(&out).unwrap();
    assert_eq!(c.query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0)).unwrap(), "ok");
    // Nothing half-written is left beside it.
    assert!(files_with(dir.path(), "partial").is_empty());
}

#[test]
fn processes_opening_one_new_or_older_file_at_once_all_succeed() {
    for older in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let path = if older { v1_file(dir.path()) } else { dir.path().join("new.sqlite") };
        let gate = Arc::new(std::sync::Barrier::new(4));
        let opened: Vec<_> = (0..4)
            .map(|_| {
                let (path, gate) = (path.clone(), gate.clone());
                std::thread::spawn(move || {
                    gate.wait();
                    Store::open(&path).map(|s| s.migration.applied.len())
                })
            })
            .collect();
        let applied: Vec<usize> = opened.into_iter().map(|h| h.join().unwrap().expect("every open succeeds")).collect();
        assert_eq!(applied.iter().filter(|n| **n > 0).count(), 1, "one process migrated: {applied:?}");
        let backups = files_with(&dir.path().join("backups"), "before-v");
        assert_eq!(backups.len(), usize::from(older), "{backups:?}");
    }
}

#[test]
fn a_refused_or_mistyped_database_path_is_not_touched() {
    let dir = tempfile::tempdir().unwrap();
    // Another application's SQLite file, in rollback-journal mode.
    let foreign = dir.path().join("foreign.sqlite");
    Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('x');")
        .unwrap();
    let before = bytes_of(&foreign);
    for (args, code) in [
        (&["export"][..], EXIT_REFUSED),
        (&["db", "migrate"], EXIT_REFUSED),
        (&["run", "x"], EXIT_REFUSED),
        (&["db", "validate"], EXIT_NOT_UP_TO_DATE),
    ] {
        assert_eq!(tc(&foreign, args), code, "{args:?}");
        assert_eq!(bytes_of(&foreign), before, "{args:?} changed the file");
    }
    // A typo: nothing is created, and the message says how to create a database.
    let typo = dir.path().join("nonexist").join("x").join("typo.sqlite");
    std::fs::write(dir.path().join("b.json"), "{}").unwrap();
    let bundle = dir.path().join("b.json").display().to_string();
    for args in [&["export"][..], &["import", &bundle], &["settings", "llm"], &["sync", "status"], &["run", "x"]] {
        assert_eq!(tc(&typo, args), EXIT_REFUSED, "{args:?}");
    }
    assert!(!dir.path().join("nonexist").exists());
    // A folder.
    assert_eq!(tc(dir.path(), &["db", "status"]), EXIT_REFUSED);
    assert_eq!(tc(dir.path(), &["export"]), EXIT_REFUSED);
    // A database this build creates is its owner's only.
    let mine = dir.path().join("mine.sqlite");
    assert_eq!(tc(&mine, &["db", "migrate"]), EXIT_OK);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&mine).unwrap().permissions().mode() & 0o777, 0o600);
        let b = dir.path().join("b.sqlite");
        assert_eq!(tc(&mine, &["db", "backup", b.to_str().unwrap()]), EXIT_OK);
        assert_eq!(std::fs::metadata(&b).unwrap().permissions().mode() & 0o777, 0o600);
    }
}

#[test]
fn restore_refuses_invalid_content_and_takes_another_page_size() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite");
    assert_eq!(tc(&db, &["db", "seed"]), EXIT_OK);
    let make = |name: &str, sql: &str| {
        let p = dir.path().join(name);
        assert_eq!(tc(&db, &["db", "backup", p.to_str().unwrap()]), EXIT_OK);
        Connection::open(&p).unwrap().execute_batch(sql).unwrap();
        p
    };
    let fk = make(
        "fk.sqlite",
        "PRAGMA foreign_keys = OFF; UPDATE agents SET user_id = '00000000-0000-4000-8000-00000000ffff';",
    );
    let json = make(
        "json.sqlite",
        "PRAGMA ignore_check_constraints = ON; UPDATE agents SET config = '{broken' WHERE rowid = (SELECT min(rowid) FROM agents);",
    );
    // A valid file with 1 KiB pages (ours has 4 KiB).
    let small = make("small.sqlite", "PRAGMA journal_mode = DELETE; PRAGMA page_size = 1024; VACUUM;");
    assert_eq!(count(&small, "PRAGMA page_size"), 1024);
    Connection::open(&db).unwrap().execute_batch("DELETE FROM templates").unwrap();
    let before = bytes_of(&db);
    for (bad, why) in [(&fk, "points to a missing"), (&json, "is not valid JSON")] {
        let e = maintenance::restore_into(&db, bad).unwrap_err().to_string();
        assert!(e.contains(why) && e.contains("Nothing was changed"), "{e}");
        assert_eq!(tc(&db, &["db", "restore", bad.to_str().unwrap()]), EXIT_REFUSED);
    }
    assert_eq!(bytes_of(&db), before, "a refused restore changed the database");
    assert!(files_with(dir.path(), "partial").is_empty());
    // The file with 1 KiB pages restores.
    assert_eq!(tc(&db, &["db", "restore", small.to_str().unwrap()]), EXIT_OK);
    assert_eq!(count(&db, "SELECT count(*) FROM templates"), 6);
    assert_eq!(tc(&db, &["db", "validate"]), EXIT_OK);
}

#[test]
fn restore_leaves_its_source_and_its_wal_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite");
    assert_eq!(tc(&db, &["db", "seed"]), EXIT_OK);
    // A source whose last write is still in its -wal: copied while a connection holds it open.
    let live = dir.path().join("live.sqlite");
    assert_eq!(tc(&db, &["db", "backup", live.to_str().unwrap()]), EXIT_OK);
    let holder = Connection::open(&live).unwrap();
    holder.execute_batch("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0; DELETE FROM templates;").unwrap();
    let source = dir.path().join("source.sqlite");
    for s in ["", "-wal", "-shm"] {
        std::fs::copy(format!("{}{s}", live.display()), format!("{}{s}", source.display())).unwrap();
    }
    drop(holder);
    let before = bytes_of(&source);
    assert!(before[1].is_some_and(|w| w.0 > 0), "the source has a -wal");
    assert_eq!(tc(&db, &["db", "restore", source.to_str().unwrap()]), EXIT_OK);
    assert_eq!(bytes_of(&source), before, "the restore changed its source");
    assert_eq!(count(&db, "SELECT count(*) FROM templates"), 0, "the -wal's write was restored");
}

#[test]
fn restore_of_an_older_schema_migrates_it_and_reports_it() {
    let dir = tempfile::tempdir().unwrap();
    let old = v1_file(dir.path());
    let db = dir.path().join("db.sqlite");
    assert_eq!(tc(&db, &["db", "seed"]), EXIT_OK);
    let out = maintenance::restore_into(&db, &old).unwrap();
    assert_eq!(out.migrated, vec!["V2__local_settings", "V3__sync", "V4__owner_list_indexes"]);
    assert!(out.backup.is_some());
    assert_eq!(count(&db, "SELECT count(*) FROM agents"), 1);
    assert_eq!(maintenance::inspect(&old).unwrap().current_version, 1, "the source is still V1");
    Store::open(&db).unwrap();
    // A restore into a path with no database yet needs no backup.
    let fresh = dir.path().join("fresh").join("db.sqlite");
    let out = maintenance::restore_into(&fresh, &old).unwrap();
    assert!(out.backup.is_none());
    assert_eq!(count(&fresh, "SELECT count(*) FROM agents"), 1);
}

#[test]
fn a_backup_sweeps_abandoned_partials_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite");
    assert_eq!(tc(&db, &["db", "migrate"]), EXIT_OK);
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let stale = out.join(".report.sqlite.99-1.turbocat-partial");
    let notes = out.join("report.partial");
    std::fs::write(&stale, b"half a backup").unwrap();
    std::fs::write(&notes, b"my notes").unwrap();
    let progress = Mutex::new(0u64);
    backup::backup(&db, &out.join("report.sqlite"), &|p| *progress.lock().unwrap() = p.written).unwrap();
    assert!(*progress.lock().unwrap() > 0);
    assert!(!stale.exists(), "the abandoned partial is removed");
    assert_eq!(std::fs::read(&notes).unwrap(), b"my notes", "a file of the user's is kept");
}
