//! A private Postgres for the sync tests: `initdb` into a temporary folder, a free port on
//! 127.0.0.1, the unix socket in the same folder, fsync off. Started once per test-binary run
//! (the first test that asks) and gone when the binary ends: a normal exit stops it (an `atexit`
//! handler: fast shutdown, then the folder is removed), and any other end kills it (the server
//! is started with PR_SET_PDEATHSIG = SIGKILL from a thread that lives as long as the process).
//! Run as root, `initdb` and `postgres` run as the `postgres` account (initdb refuses root).
//! Each test gets its own database ([`database`]).
//!
//! The binaries come from /usr/lib/postgresql/<version>/bin (15 preferred), or
//! `TURBOCAT_PG_BIN`; `scripts/setup.sh` installs Debian's `postgresql`.

use std::os::unix::fs::chown;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

pub struct Server {
    pub port: u16,
    /// How long initdb plus start took.
    pub started_in: Duration,
    dir: PathBuf,
}

static SERVER: OnceLock<Server> = OnceLock::new();
/// The postmaster and its folder, taken by the exit handler.
static RUNNING: Mutex<Option<(Child, PathBuf)>> = Mutex::new(None);
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

fn bin_dir() -> Result<PathBuf, String> {
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
fn run_as() -> Result<Option<(u32, u32)>, String> {
    // SAFETY: getuid has no preconditions.
    if unsafe { libc::getuid() } != 0 {
        return Ok(None);
    }
    let passwd = std::fs::read_to_string("/etc/passwd").map_err(|e| e.to_string())?;
    passwd
        .lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .find(|f| f.first() == Some(&"postgres") && f.len() > 3)
        .map(|f| Some((f[2].parse().unwrap_or(0), f[3].parse().unwrap_or(0))))
        .ok_or_else(|| "running as root and there is no `postgres` account to run Postgres as".into())
}

fn command(bin: &Path, user: Option<(u32, u32)>, cwd: &Path) -> Command {
    let mut c = Command::new(bin);
    c.current_dir(cwd).env_remove("PGDATA").env("LC_ALL", "C");
    if let Some((uid, gid)) = user {
        c.uid(uid).gid(gid);
    }
    c
}

fn start() -> Result<Server, String> {
    let t0 = Instant::now();
    let bin = bin_dir()?;
    let user = run_as()?;
    // As root, a folder the `postgres` account can reach (TMPDIR may be under /root).
    let base = if user.is_some() { PathBuf::from("/tmp") } else { std::env::temp_dir() };
    remove_stale_folders(&base);
    let dir = tempfile::Builder::new().prefix("turbocat-pg-").tempdir_in(&base).map_err(|e| e.to_string())?.keep();
    let data = dir.join("data");
    if let Some((uid, gid)) = user {
        chown(&dir, Some(uid), Some(gid)).map_err(|e| format!("chown {}: {e}", dir.display()))?;
    }
    let out = command(&bin.join("initdb"), user, &dir)
        .args(["-D"])
        .arg(&data)
        .args(["-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("initdb: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "initdb failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let port =
        std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(|e| e.to_string())?.port();
    let log = std::fs::File::create(dir.join("postgres.log")).map_err(|e| e.to_string())?;
    let mut cmd = command(&bin.join("postgres"), user, &dir);
    cmd.arg("-D").arg(&data).arg("-p").arg(port.to_string()).arg("-k").arg(&dir);
    for opt in [
        "listen_addresses=127.0.0.1",
        "fsync=off",
        "synchronous_commit=off",
        "full_page_writes=off",
        "max_connections=100",
        "shared_buffers=64MB",
        // Even if the kill below were missed, a forgotten server holds no idle session forever.
        "idle_session_timeout=600000",
    ] {
        cmd.arg("-c").arg(opt);
    }
    cmd.stdin(Stdio::null()).stdout(log.try_clone().map_err(|e| e.to_string())?).stderr(log);
    // SAFETY: prctl is async-signal-safe; it runs in the child between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    // The parent-death signal fires when the *thread* that forked ends: fork from a thread that
    // never ends (libtest's test threads do).
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("test-postgres".into())
        .spawn(move || {
            let _ = tx.send(cmd.spawn());
            loop {
                std::thread::park();
            }
        })
        .map_err(|e| e.to_string())?;
    let child = rx.recv().map_err(|e| e.to_string())?.map_err(|e| format!("postgres: {e}"))?;
    *RUNNING.lock().unwrap() = Some((child, dir.clone()));
    // SAFETY: registering a plain extern "C" function.
    unsafe { libc::atexit(stop_at_exit) };

    // Ready when postmaster.pid says so (its 8th line) and a connection succeeds.
    let pid_file = data.join("postmaster.pid");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some((child, _)) = RUNNING.lock().unwrap().as_mut() {
            if let Ok(Some(status)) = child.try_wait() {
                let log = std::fs::read_to_string(dir.join("postgres.log")).unwrap_or_default();
                return Err(format!("postgres exited ({status}): {log}"));
            }
        }
        let ready = std::fs::read_to_string(&pid_file)
            .map(|s| s.lines().nth(7).map(str::trim) == Some("ready"))
            .unwrap_or(false);
        if ready && std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        if Instant::now() > deadline {
            return Err("postgres did not become ready within 60 s".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(Server { port, started_in: t0.elapsed(), dir })
}

extern "C" fn stop_at_exit() {
    let Ok(mut running) = RUNNING.lock() else { return };
    let Some((mut child, dir)) = running.take() else { return };
    // SIGINT = fast shutdown: sessions are ended, no checkpoint wait beyond a quick one.
    // SAFETY: signalling our own child.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(dir);
}

/// Folders of earlier runs that were killed (an exit handler cannot run then): no live server
/// and older than a minute (so a concurrent run's folder during initdb is left alone).
fn remove_stale_folders(base: &Path) {
    let Ok(entries) = std::fs::read_dir(base) else { return };
    for e in entries.flatten() {
        if !e.file_name().to_string_lossy().starts_with("turbocat-pg-") {
            continue;
        }
        let old =
            e.metadata().and_then(|m| m.modified()).map(|t| t.elapsed().unwrap_or_default() > Duration::from_secs(60));
        let pid = std::fs::read_to_string(e.path().join("data/postmaster.pid"))
            .ok()
            .and_then(|s| s.lines().next().and_then(|l| l.trim().parse::<libc::pid_t>().ok()));
        // SAFETY: signal 0 only checks that the process exists.
        let alive = pid.is_some_and(|p| unsafe { libc::kill(p, 0) } == 0);
        if old.unwrap_or(false) && !alive {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}
