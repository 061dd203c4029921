//! Shared set-up: a fresh database in a temporary folder, opened through the services.

#![allow(dead_code)]

pub mod daemon;
pub mod pgbouncer;
pub mod postgres;
pub mod tls;

use std::path::PathBuf;
use tempfile::TempDir;
use turbocat_domain::{Error, ErrorCode, Result};
use turbocat_services::{OpenOptions, Services};

pub struct Env {
    pub dir: TempDir,
    pub svc: Services,
}

impl Env {
    /// A new database with the demo seed, as the desktop app's first start makes it.
    pub fn seeded() -> Env {
        Self::open(true)
    }

    /// A new database with only the local profile.
    pub fn empty() -> Env {
        Self::open(false)
    }

    fn open(seed: bool) -> Env {
        let dir = tempfile::tempdir().expect("temp dir");
        let svc =
            Services::open(&dir.path().join("db").join("turbocat.sqlite"), OpenOptions { seed_on_first_start: seed })
                .expect("open services");
        Env { dir, svc }
    }

    pub fn path(&self) -> PathBuf {
        self.svc.store().path().to_path_buf()
    }

    /// Opens a second handle on the same file (what a restart, or the CLI beside the app, sees).
    pub fn reopen(&self) -> Services {
        Services::open(&self.path(), OpenOptions::default()).expect("reopen")
    }

    pub fn count(&self, table: &str) -> i64 {
        self.svc
            .store()
            .read(|c| Ok(c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()))
            .unwrap()
    }

    pub fn audit_actions(&self) -> Vec<String> {
        self.svc
            .store()
            .read(|c| {
                let mut s = c.prepare("SELECT action FROM audit_logs ORDER BY created_at, rowid").unwrap();
                Ok(s.query_map([], |r| r.get::<_, String>(0)).unwrap().map(|r| r.unwrap()).collect())
            })
            .unwrap()
    }
}

/// The error of a call that must fail.
pub fn err<T: std::fmt::Debug>(r: Result<T>) -> Error {
    r.expect_err("expected an error")
}

/// Asserts the code and the exact message of a failure.
pub fn assert_err<T: std::fmt::Debug>(r: Result<T>, code: ErrorCode, message: &str) {
    let e = err(r);
    assert_eq!(e.code, code, "{e:?}");
    assert_eq!(e.message, message, "{e:?}");
}

pub fn json_of<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap()
}
