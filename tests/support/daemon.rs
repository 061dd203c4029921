//! What the test servers (the Postgres of `postgres.rs`, a TLS Postgres in `tls.rs`, PgBouncer in
//! `pgbouncer.rs`) share: run as the `postgres` account when we are root (neither runs as root),
//! a private folder under /tmp, a child process that dies with the test binary however it ends
//! (PR_SET_PDEATHSIG = SIGKILL, forked from a thread that lives as long as the process, so even
//! `kill -9` of the binary takes it down), and at a normal exit a clean stop and the folder
//! removed (an `atexit` handler). Folders of killed runs are removed by the next run.

use std::os::unix::fs::chown;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};

struct Running {
    child: Child,
    dir: PathBuf,
    /// What asks this daemon to stop (SIGINT: Postgres's fast shutdown; SIGTERM: PgBouncer's
    /// immediate shutdown).
    stop_signal: libc::c_int,
}

/// Every daemon started here, stopped in reverse order at exit.
static RUNNING: Mutex<Vec<Running>> = Mutex::new(Vec::new());
static AT_EXIT: Once = Once::new();

/// uid and gid of the `postgres` account when running as root, else `None` (run as ourselves).
pub fn postgres_account() -> Result<Option<(u32, u32)>, String> {
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
        .ok_or_else(|| "running as root and there is no `postgres` account to run the test servers as".into())
}

/// A new folder `<prefix><our pid>-XXXX` (under /tmp as root: TMPDIR may be under /root, which
/// the `postgres` account cannot reach), owned by `owner`. Folders with this prefix whose test
/// process is gone are removed first.
pub fn private_dir(prefix: &str, owner: Option<(u32, u32)>) -> Result<PathBuf, String> {
    let base = if owner.is_some() { PathBuf::from("/tmp") } else { std::env::temp_dir() };
    remove_stale_folders(&base, prefix);
    let dir = tempfile::Builder::new()
        .prefix(&format!("{prefix}{}-", std::process::id()))
        .tempdir_in(&base)
        .map_err(|e| e.to_string())?
        .keep();
    give(&dir, owner)?;
    Ok(dir)
}

/// Hands a file or folder to `owner` (when running as root).
pub fn give(path: &Path, owner: Option<(u32, u32)>) -> Result<(), String> {
    match owner {
        Some((uid, gid)) => chown(path, Some(uid), Some(gid)).map_err(|e| format!("chown {}: {e}", path.display())),
        None => Ok(()),
    }
}

/// A command run as `user`, in `cwd`, with a neutral environment for Postgres tools.
pub fn command(bin: &Path, user: Option<(u32, u32)>, cwd: &Path) -> Command {
    let mut c = Command::new(bin);
    c.current_dir(cwd).env_remove("PGDATA").env("LC_ALL", "C").stdin(Stdio::null());
    if let Some((uid, gid)) = user {
        c.uid(uid).gid(gid);
    }
    c
}

/// Runs a short command to its end; its output in the error when it fails.
pub fn run(mut cmd: Command, what: &str) -> Result<(), String> {
    let out = cmd.output().map_err(|e| format!("{what}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// Starts a daemon that dies with this process; `dir` is removed when it is stopped at exit.
/// Its output goes to `log`. Returns its pid.
pub fn spawn_tied(
    mut cmd: Command,
    log: &Path,
    dir: PathBuf,
    stop_signal: libc::c_int,
    name: &str,
) -> Result<u32, String> {
    let out = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
    cmd.stdout(out.try_clone().map_err(|e| e.to_string())?).stderr(out);
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
        .name(format!("test-{name}"))
        .spawn(move || {
            let _ = tx.send(cmd.spawn());
            loop {
                std::thread::park();
            }
        })
        .map_err(|e| e.to_string())?;
    let child = rx.recv().map_err(|e| e.to_string())?.map_err(|e| format!("{name}: {e}"))?;
    let pid = child.id();
    RUNNING.lock().unwrap().push(Running { child, dir, stop_signal });
    // SAFETY: registering a plain extern "C" function, once.
    AT_EXIT.call_once(|| unsafe {
        libc::atexit(stop_at_exit);
    });
    Ok(pid)
}

/// The exit status of a daemon started here, once it has ended.
pub fn exited(pid: u32) -> Option<ExitStatus> {
    let mut running = RUNNING.lock().unwrap();
    running.iter_mut().find(|r| r.child.id() == pid).and_then(|r| r.child.try_wait().ok().flatten())
}

/// Waits until `ready()` holds; fails with the log when the daemon ends first or after 60 s.
pub fn wait_ready(pid: u32, log: &Path, name: &str, mut ready: impl FnMut() -> bool) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = exited(pid) {
            let log = std::fs::read_to_string(log).unwrap_or_default();
            return Err(format!("{name} exited ({status}): {log}"));
        }
        if ready() {
            return Ok(());
        }
        if Instant::now() > deadline {
            let log = std::fs::read_to_string(log).unwrap_or_default();
            return Err(format!("{name} did not become ready within 60 s: {log}"));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).map_err(|e| e.to_string())
}

extern "C" fn stop_at_exit() {
    let Ok(mut running) = RUNNING.lock() else { return };
    let mut all = std::mem::take(&mut *running);
    all.reverse();
    for r in &all {
        // SAFETY: signalling our own child.
        unsafe { libc::kill(r.child.id() as libc::pid_t, r.stop_signal) };
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    for mut r in all {
        while Instant::now() < deadline {
            if let Ok(Some(_)) = r.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = r.child.kill();
        let _ = r.child.wait();
        let _ = std::fs::remove_dir_all(&r.dir);
    }
}

/// Folders `<prefix><pid>-*` of test processes that no longer exist (killed: no exit handler ran).
fn remove_stale_folders(base: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(base) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix(prefix).and_then(|rest| rest.split('-').next()?.parse::<libc::pid_t>().ok())
        else {
            continue;
        };
        // SAFETY: signal 0 only checks that the process exists.
        let gone =
            unsafe { libc::kill(pid, 0) } != 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH);
        if gone {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}
