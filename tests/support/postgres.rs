//! A private Postgres for the sync tests: `initdb` into a temporary folder, a free port on
//! 127.0.0.1, the unix socket in the same folder, fsync off. Started once per test-binary run
//! (the first test that asks) and gone when the binary ends, as every test server of
//! `daemon.rs`: a normal exit stops it (fast shutdown, then the folder is removed), any other end
//! kills it. Run as root, `initdb` and `postgres` run as the `postgres` account (initdb refuses
//! root). Each test gets its own database ([`database`]).
//!
//! The binaries come from /usr/lib/postgresql/<version>/bin (15 preferred), or
//! `TURBOCAT_PG_BIN`; `scripts/setup.sh` installs Debian's `postgresql`.

use super::daemon;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub struct Server {
    pub port: u16,
    /// How long initdb plus start took.
    pub started_in: Duration,
    dir: PathBuf,
}

static SERVER: OnceLock<Server> = OnceLock::new();
static NEXT_DB: AtomicU32 = AtomicU32::new(0);

/// The server of this test run, started on first use.
pub fn server() -> &'static Server {
    SERVER.get_or_init(|| start().unwrap_or_else(|e| panic!("cannot start the test Postgres: {e}")))
}

/// A new empty database on the test server; returns its URL (user `postgres`, trust auth).
pub fn database() -> String {
    let s = server();
    let name = format!("t{}_{}", std::process::id(), NEXT_DB.fetch_add(1, Ordering::Relaxed));
    block_on(async {
        let admin = s.url("postgres");
        let cfg = turbocat_sync::SyncConfig::parse(&admin).unwrap();
        let client = turbocat_sync::connect(&cfg).await.expect("connect to the test Postgres");
        client.batch_execute(&format!("CREATE DATABASE \"{name}\"")).await.expect("create database");
    });
    s.url(&name)
}

/// Runs a future on a fresh single-threaded runtime (the tests are plain `#[test]`s).
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime").block_on(f)
}

impl Server {
    pub fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// Where the Postgres binaries are: `TURBOCAT_PG_BIN`, else /usr/lib/postgresql/15/bin, else
/// the newest version there.
pub fn bin_dir() -> Result<PathBuf, String> {
    if let Ok(p) = std::env::var("TURBOCAT_PG_BIN") {
        return Ok(PathBuf::from(p));
    }
    let preferred = PathBuf::from("/usr/lib/postgresql/15/bin");
    if preferred.join("initdb").exists() {
        return Ok(preferred);
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .map_err(|_| "no /usr/lib/postgresql: run scripts/setup.sh (it installs Debian's postgresql)".to_string())?
        .filter_map(|e| e.ok())
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, p): &(u32, PathBuf)| p.join("initdb").exists())
        .collect();
    found.sort();
    found.pop().map(|(_, p)| p).ok_or_else(|| "no Postgres binaries: run scripts/setup.sh".into())
}

/// uid and gid of the `postgres` account, when running as root.
fn start() -> Result<Server, String> {
    let t0 = Instant::now();
    let bin = bin_dir()?;
    let user = daemon::postgres_account()?;
    let dir = daemon::private_dir("turbocat-pg-", user)?;
    let data = dir.join("data");
    let mut initdb = daemon::command(&bin.join("initdb"), user, &dir);
    initdb.arg("-D").arg(&data).args(["-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
    daemon::run(initdb, "initdb")?;
    let port = daemon::free_port()?;
    let mut cmd = daemon::command(&bin.join("postgres"), user, &dir);
    cmd.arg("-D").arg(&data).arg("-p").arg(port.to_string()).arg("-k").arg(&dir);
    for opt in [
        "listen_addresses=127.0.0.1",
        "fsync=off",
        "synchronous_commit=off",
        "full_page_writes=off",
        "max_connections=100",
        "shared_buffers=64MB",
        // Even if the kill at exit were missed, a forgotten server holds no idle session forever.
        "idle_session_timeout=600000",
    ] {
        cmd.arg("-c").arg(opt);
    }
    let log = dir.join("postgres.log");
    // SIGINT: fast shutdown.
    let pid = daemon::spawn_tied(cmd, &log, dir.clone(), libc::SIGINT, "postgres")?;
    // Ready when postmaster.pid says so (its 8th line) and a connection succeeds.
    let pid_file = data.join("postmaster.pid");
    daemon::wait_ready(pid, &log, "postgres", || {
        std::fs::read_to_string(&pid_file).map(|s| s.lines().nth(7).map(str::trim) == Some("ready")).unwrap_or(false)
            && std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    })?;
    Ok(Server { port, started_in: t0.elapsed(), dir })
}
