//! The crash test: a child process writing in a loop is killed with SIGKILL; the file then
//! passes integrity_check and holds every write whose transaction had returned, each with its
//! audit row (nothing half-written is visible).
//!
//! The child is this same test binary, re-run on the ignored test `crash_child_writer`.

use rusqlite::Connection;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use turbocat_domain::AgentType;
use turbocat_services::agents::CreateAgent;
use turbocat_services::{OpenOptions, Services};

const DB_ENV: &str = "TURBOCAT_CRASH_TEST_DB";

#[test]
#[ignore = "run by writes_that_returned_survive_sigkill as its child process"]
fn crash_child_writer() {
    let Ok(path) = std::env::var(DB_ENV) else { return };
    let svc = Services::open(path.as_ref(), OpenOptions { seed_on_first_start: false }).unwrap();
    let mut out = std::io::stdout().lock();
    for i in 0.. {
        let a = svc
            .agents()
            .create(CreateAgent {
                name: format!("crash {i}"),
                agent_type: Some(AgentType::Data),
                description: Some("x".repeat(500)),
                ..Default::default()
            })
            .unwrap();
        // Printed only after the transaction returned: the parent checks each of these.
        writeln!(out, "committed {}", a.id).unwrap();
        out.flush().unwrap();
    }
}

#[test]
fn writes_that_returned_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.sqlite");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["crash::crash_child_writer", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
        .env(DB_ENV, &db)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut committed = Vec::new();
    let start = Instant::now();
    while committed.len() < 300 && start.elapsed() < Duration::from_secs(60) {
        match lines.next() {
            Some(Ok(l)) if l.starts_with("committed ") => committed.push(l["committed ".len()..].to_string()),
            Some(_) => {}
            None => break,
        }
    }
    child.kill().unwrap(); // SIGKILL on Unix: no destructor, no rollback, no checkpoint.
    child.wait().unwrap();
    // Lines already in the pipe were also committed before the kill.
    for l in lines.map_while(Result::ok) {
        if let Some(id) = l.strip_prefix("committed ") {
            committed.push(id.to_string());
        }
    }
    assert!(committed.len() >= 300, "the child wrote only {} rows", committed.len());

    let c = Connection::open(&db).unwrap();
    let check: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
    for id in &committed {
        let n: i64 = c.query_row("SELECT count(*) FROM agents WHERE id = ?1", [id], |r| r.get(0)).unwrap();
        assert_eq!(n, 1, "agent {id} was committed but is gone");
    }
    // Every agent that exists came with its audit row, and no audit row without its agent.
    let orphans: i64 = c
        .query_row(
            "SELECT (SELECT count(*) FROM agents a WHERE NOT EXISTS (SELECT 1 FROM audit_logs l WHERE l.resource_id = a.id AND l.action = 'agent.create'))
                  + (SELECT count(*) FROM audit_logs l WHERE l.action = 'agent.create' AND NOT EXISTS (SELECT 1 FROM agents a WHERE a.id = l.resource_id))",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(orphans, 0);
    // And the services open it normally afterwards.
    let svc = Services::open(&db, OpenOptions::default()).unwrap();
    assert!(svc.agents().list(&Default::default()).unwrap().total >= committed.len() as u64);
}
