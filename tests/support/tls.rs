//! A second private Postgres that only accepts TLS (`ssl = on`, `hostssl` lines only in
//! pg_hba.conf, trust auth), for the sync tests of certificate verification. Its certificate is
//! made at start with the `openssl` command line: a throw-away CA ([`TlsServer::ca_file`], what a
//! URL's `sslrootcert=` names) and a server certificate it signed for `localhost` and
//! `127.0.0.1` (subjectAltName DNS:localhost, IP:127.0.0.1) and nothing else.
//!
//! Started once per test-binary run (the first test that asks) and gone when the binary ends,
//! however it ends (`daemon.rs`); as root, initdb and postgres run as the `postgres` account.

use super::daemon;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub struct TlsServer {
    pub port: u16,
    /// How long certificates, initdb and start took.
    pub started_in: Duration,
    dir: PathBuf,
}

static SERVER: OnceLock<TlsServer> = OnceLock::new();

/// The TLS server of this test run, started on first use.
pub fn tls_server() -> &'static TlsServer {
    SERVER.get_or_init(|| start().unwrap_or_else(|e| panic!("cannot start the TLS test Postgres: {e}")))
}

impl TlsServer {
    /// `postgres://postgres@<host>:<port>/postgres` plus `?<params>` when not empty.
    pub fn url(&self, host: &str, params: &str) -> String {
        let q = if params.is_empty() { String::new() } else { format!("?{params}") };
        format!("postgres://postgres@{host}:{}/postgres{q}", self.port)
    }

    /// The PEM of the CA that signed the server's certificate.
    pub fn ca_file(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

fn openssl(dir: &Path, args: &[&str]) -> Result<(), String> {
    let mut cmd = std::process::Command::new("openssl");
    cmd.current_dir(dir).args(args).stdin(std::process::Stdio::null());
    daemon::run(cmd, &format!("openssl {}", args.first().unwrap_or(&""))).map_err(|e| {
        if e.contains("No such file") {
            format!("{e} (the `openssl` command line is needed: apt-get install openssl)")
        } else {
            e
        }
    })
}

/// ca.pem/ca.key (a CA) and server.pem/server.key (signed by it, for localhost and 127.0.0.1).
/// P-256 keys: a few milliseconds.
fn make_certificates(dir: &Path) -> Result<(), String> {
    let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    let mut ca = vec!["req", "-x509", "-new"];
    ca.extend(ec);
    ca.extend([
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "30",
        "-subj",
        "/CN=Turbocat test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    openssl(dir, &ca)?;
    let mut csr = vec!["req", "-new"];
    csr.extend(ec);
    csr.extend(["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"]);
    openssl(dir, &csr)?;
    std::fs::write(
        dir.join("server.ext"),
        "subjectAltName = DNS:localhost, IP:127.0.0.1\n\
         basicConstraints = critical, CA:FALSE\n\
         keyUsage = critical, digitalSignature\n\
         extendedKeyUsage = serverAuth\n",
    )
    .map_err(|e| e.to_string())?;
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "30",
            "-extfile",
            "server.ext",
        ],
    )
}

fn start() -> Result<TlsServer, String> {
    let t0 = Instant::now();
    let bin = super::postgres::bin_dir()?;
    let user = daemon::postgres_account()?;
    let dir = daemon::private_dir("turbocat-pgtls-", user)?;
    make_certificates(&dir)?;
    // Postgres refuses a key file others can read; it must belong to the server's account.
    {
        use std::os::unix::fs::PermissionsExt;
        let key = dir.join("server.key");
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).map_err(|e| e.to_string())?;
        daemon::give(&key, user)?;
        daemon::give(&dir.join("server.pem"), user)?;
    }
    let data = dir.join("data");
    let mut initdb = daemon::command(&bin.join("initdb"), user, &dir);
    initdb.arg("-D").arg(&data).args(["-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
    daemon::run(initdb, "initdb")?;
    // TLS or nothing: a plain connection finds no pg_hba.conf line.
    std::fs::write(
        data.join("pg_hba.conf"),
        "local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostssl all all ::1/128 trust\n",
    )
    .map_err(|e| e.to_string())?;
    daemon::give(&data.join("pg_hba.conf"), user)?;
    let port = daemon::free_port()?;
    let mut cmd = daemon::command(&bin.join("postgres"), user, &dir);
    cmd.arg("-D").arg(&data).arg("-p").arg(port.to_string()).arg("-k").arg(&dir);
    let cert = format!("ssl_cert_file={}", dir.join("server.pem").display());
    let key = format!("ssl_key_file={}", dir.join("server.key").display());
    for opt in [
        "listen_addresses=127.0.0.1",
        "ssl=on",
        &cert,
        &key,
        "fsync=off",
        "synchronous_commit=off",
        "full_page_writes=off",
        "max_connections=20",
        "shared_buffers=16MB",
        "idle_session_timeout=600000",
    ] {
        cmd.arg("-c").arg(opt);
    }
    let log = dir.join("postgres.log");
    // SIGINT: fast shutdown.
    let pid = daemon::spawn_tied(cmd, &log, dir.clone(), libc::SIGINT, "postgres-tls")?;
    // Ready when postmaster.pid says so (its 8th line) and the port answers.
    let pid_file = data.join("postmaster.pid");
    daemon::wait_ready(pid, &log, "postgres (TLS)", || {
        std::fs::read_to_string(&pid_file).map(|s| s.lines().nth(7).map(str::trim) == Some("ready")).unwrap_or(false)
            && std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    })?;
    Ok(TlsServer { port, started_in: t0.elapsed(), dir })
}
