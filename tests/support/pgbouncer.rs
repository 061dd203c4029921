//! A PgBouncer in TRANSACTION pool mode in front of the test Postgres (`postgres.rs`), as
//! Supabase's pooler on port 6543: started once per test-binary run (the first test that asks),
//! on a free port of 127.0.0.1, with its config in a temporary folder, and gone when the binary
//! ends however it ends (`daemon.rs`). Run as root, it runs as the `postgres` account (PgBouncer
//! refuses root).
//!
//! Every database of the server is reachable through it (a `*` entry), each with its own pool of
//! [`POOL_SIZE`] server connections: a test's database (`postgres::database()`) has a pool no
//! other test uses. Authentication is `trust`, as the server's (initdb `--auth=trust`); the admin
//! console is the `pgbouncer` database, for user `postgres`.
//!
//! The binary is /usr/sbin/pgbouncer (Debian's `pgbouncer`, installed by `scripts/setup.sh`), or
//! `TURBOCAT_PGBOUNCER`.

use super::daemon;
use super::postgres;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Server connections per (database, user) pool.
pub const POOL_SIZE: u32 = 4;

pub struct Bouncer {
    pub port: u16,
    /// How long the start took (the Postgres server's start not included).
    pub started_in: Duration,
    dir: PathBuf,
}

static BOUNCER: OnceLock<Bouncer> = OnceLock::new();

/// The PgBouncer of this test run, started on first use (after the test Postgres).
pub fn bouncer() -> &'static Bouncer {
    BOUNCER.get_or_init(|| start().unwrap_or_else(|e| panic!("cannot start the test PgBouncer: {e}")))
}

/// The URL that reaches the same database as `database_url` (a URL of the test Postgres, e.g.
/// from `postgres::database()`) through PgBouncer, with `pgbouncer=true` as Prisma's URLs have
/// it (so `SyncConfig` reports the transaction pooler). Other query parameters are kept.
pub fn bounced(database_url: &str) -> String {
    let b = bouncer();
    let (scheme, rest) = database_url.split_once("://").expect("a postgres:// URL");
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let user = authority.rsplit_once('@').map(|(u, _)| format!("{u}@")).unwrap_or_default();
    let (db, query) = path.split_once('?').unwrap_or((path, ""));
    let query = if query.is_empty() { String::new() } else { format!("{query}&") };
    format!("{scheme}://{user}127.0.0.1:{}/{db}?{query}pgbouncer=true", b.port)
}

impl Bouncer {
    /// The admin console (`SHOW POOLS`, `SHOW CONFIG`, ...: simple queries only).
    pub fn admin_url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/pgbouncer", self.port)
    }

    /// Its folder: pgbouncer.ini, userlist.txt, pgbouncer.log.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

fn binary() -> Result<PathBuf, String> {
    let bin = std::env::var_os("TURBOCAT_PGBOUNCER").map(PathBuf::from).unwrap_or_else(|| "/usr/sbin/pgbouncer".into());
    if bin.exists() {
        Ok(bin)
    } else {
        Err(format!("no {}: run scripts/setup.sh (it installs Debian's pgbouncer)", bin.display()))
    }
}

fn start() -> Result<Bouncer, String> {
    let pg = postgres::server();
    let t0 = Instant::now();
    let bin = binary()?;
    let user = daemon::postgres_account()?;
    let dir = daemon::private_dir("turbocat-pgbouncer-", user)?;
    let port = daemon::free_port()?;
    let userlist = dir.join("userlist.txt");
    std::fs::write(&userlist, "\"postgres\" \"\"\n").map_err(|e| e.to_string())?;
    let ini = dir.join("pgbouncer.ini");
    let config = format!(
        "[databases]\n\
         * = host=127.0.0.1 port={server_port}\n\
         \n\
         [pgbouncer]\n\
         listen_addr = 127.0.0.1\n\
         listen_port = {port}\n\
         unix_socket_dir =\n\
         pool_mode = transaction\n\
         auth_type = trust\n\
         auth_file = {userlist}\n\
         admin_users = postgres\n\
         max_client_conn = 200\n\
         default_pool_size = {POOL_SIZE}\n\
         min_pool_size = 0\n\
         reserve_pool_size = 0\n\
         ; idle server connections of finished tests' pools do not pile up on the server\n\
         server_idle_timeout = 10\n\
         server_login_retry = 1\n\
         ; startup parameters some clients send that PgBouncer would refuse\n\
         ignore_startup_parameters = extra_float_digits,options\n\
         log_connections = 0\n\
         log_disconnections = 0\n\
         logfile = {log}\n",
        server_port = pg.port,
        userlist = userlist.display(),
        log = dir.join("pgbouncer.log").display(),
    );
    std::fs::write(&ini, config).map_err(|e| e.to_string())?;
    for f in [&userlist, &ini] {
        daemon::give(f, user)?;
    }
    let mut cmd = daemon::command(&bin, user, &dir);
    cmd.arg(&ini);
    let out = dir.join("stdout.log");
    // SIGTERM: immediate shutdown (SIGINT would wait for the clients).
    let pid = daemon::spawn_tied(cmd, &out, dir.clone(), libc::SIGTERM, "pgbouncer")?;
    daemon::wait_ready(pid, &out, "pgbouncer", || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok())?;
    Ok(Bouncer { port, started_in: t0.elapsed(), dir })
}
