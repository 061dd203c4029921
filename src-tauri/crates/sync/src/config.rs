//! The far connection: a `postgres://` URL as the hosted backend has it (`DATABASE_URL`,
//! `DIRECT_URL`, from the environment or a `.env` file), with Prisma's own parameters stripped
//! (tokio-postgres rejects unknown ones), the schema taken from Prisma's `schema=`, the pooler
//! mode detected, and the TLS policy decided from the host.

use crate::{Error, Result};
use std::net::IpAddr;
use std::path::{Path, PathBuf};

/// URL parameters tokio-postgres understands; they are passed on.
const PASSED: &[&str] = &[
    "user",
    "password",
    "dbname",
    "options",
    "application_name",
    "host",
    "hostaddr",
    "port",
    "connect_timeout",
    "tcp_user_timeout",
    "keepalives",
    "keepalives_idle",
    "keepalives_interval",
    "keepalives_retries",
    "target_session_attrs",
    "channel_binding",
    "load_balance_hosts",
];

/// How the far side pools connections (docs/sync.md: Supabase's pooler runs session mode on 5432 and
/// transaction mode on 6543). In transaction mode no named prepared statements and no COPY.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum PoolerMode {
    Session,
    Transaction,
}

/// Whether the connection is encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum TlsMode {
    /// Plain TCP or a unix socket: only for loopback hosts.
    Off,
    /// TLS with certificate and host name verification (always for a non-loopback host).
    Verify,
}

/// A parsed far connection.
#[derive(Debug, Clone)]
pub struct SyncConfig {
    /// What tokio-postgres connects with (Prisma parameters removed).
    pub pg: tokio_postgres::Config,
    /// `schema=` of the URL, if any (otherwise detected: `public` or `backend`).
    pub schema: Option<String>,
    pub pooler: PoolerMode,
    pub tls: TlsMode,
    /// `sslrootcert=`: a PEM file of extra trusted CA certificates (for a self-signed server).
    pub ca_file: Option<PathBuf>,
    /// The parameters removed from the URL (names only), for the report.
    pub stripped: Vec<String>,
    /// The URL without its password, for messages and logs.
    pub redacted: String,
}

impl SyncConfig {
    /// Parses a `postgres://` or `postgresql://` URL.
    pub fn parse(url: &str) -> Result<SyncConfig> {
        let mut u = url::Url::parse(url.trim()).map_err(|e| Error::Config(format!("not a valid URL: {e}")))?;
        if !matches!(u.scheme(), "postgres" | "postgresql") {
            return Err(Error::Config(format!(
                "the URL must start with postgres:// or postgresql://, not {}://",
                u.scheme()
            )));
        }
        let mut schema = None;
        let mut pgbouncer = false;
        let mut sslmode: Option<String> = None;
        let mut ca_file = None;
        let mut stripped = Vec::new();
        let mut kept: Vec<(String, String)> = Vec::new();
        for (k, v) in u.query_pairs() {
            let (k, v) = (k.into_owned(), v.into_owned());
            match k.as_str() {
                "schema" => {
                    schema = Some(v).filter(|s| !s.is_empty());
                    stripped.push(k);
                }
                "pgbouncer" => {
                    pgbouncer = v.eq_ignore_ascii_case("true") || v == "1";
                    stripped.push(k);
                }
                "sslmode" => sslmode = Some(v.to_ascii_lowercase()),
                "sslrootcert" => ca_file = Some(PathBuf::from(v)),
                name if PASSED.contains(&name) => kept.push((k, v)),
                _ => stripped.push(k),
            }
        }
        u.set_query(None);
        let host_is_loopback = is_loopback(u.host_str().unwrap_or(""));
        let mut clean = u.clone();
        if !kept.is_empty() {
            clean.query_pairs_mut().extend_pairs(kept.iter());
        }
        let mut pg: tokio_postgres::Config =
            clean.as_str().parse().map_err(|e| Error::Config(format!("the connection URL is not usable: {e}")))?;
        // A `host=` parameter (e.g. a unix socket folder) overrides the URL's host.
        let loopback = host_is_loopback
            && pg.get_hosts().iter().all(|h| match h {
                tokio_postgres::config::Host::Tcp(name) => is_loopback(name),
                #[cfg(unix)]
                tokio_postgres::config::Host::Unix(_) => true,
            });
        let tls = match (loopback, sslmode.as_deref()) {
            (_, Some("disable")) if !loopback => {
                return Err(Error::Config(
                    "sslmode=disable is refused for a host that is not this machine: the connection \
                     must be encrypted"
                        .into(),
                ))
            }
            (true, None | Some("disable" | "allow" | "prefer")) => TlsMode::Off,
            _ => TlsMode::Verify,
        };
        pg.ssl_mode(match tls {
            TlsMode::Off => tokio_postgres::config::SslMode::Disable,
            TlsMode::Verify => tokio_postgres::config::SslMode::Require,
        });
        let port = pg.get_ports().first().copied().unwrap_or(5432);
        let pooler = if pgbouncer || port == 6543 { PoolerMode::Transaction } else { PoolerMode::Session };
        if u.password().is_some() {
            let _ = u.set_password(Some("****"));
        }
        Ok(SyncConfig { pg, schema, pooler, tls, ca_file, stripped, redacted: u.to_string() })
    }
}

impl SyncConfig {
    /// `user@host:port/database`: which far login this is, for people (no password) and as
    /// the name of its keychain entry.
    pub fn login(&self) -> String {
        let host = match self.pg.get_hosts().first() {
            Some(tokio_postgres::config::Host::Tcp(h)) => h.clone(),
            #[cfg(unix)]
            Some(tokio_postgres::config::Host::Unix(p)) => p.display().to_string(),
            None => "localhost".into(),
        };
        format!(
            "{}@{}:{}/{}",
            self.pg.get_user().unwrap_or_default(),
            host,
            self.pg.get_ports().first().copied().unwrap_or(5432),
            self.pg.get_dbname().unwrap_or_default()
        )
    }

    /// Whether the connection has a password (from the URL or [`SyncConfig::set_password`]).
    pub fn has_password(&self) -> bool {
        self.pg.get_password().is_some_and(|p| !p.is_empty())
    }

    /// Logs in with `password` (kept out of the URL, e.g. from the OS keychain).
    pub fn set_password(&mut self, password: &str) {
        self.pg.password(password);
    }
}

/// Splits a connection URL into the URL without its password (what may be stored and shown)
/// and the password, percent-decoded, if it had one.
pub fn split_password(url: &str) -> Result<(String, Option<String>)> {
    let mut u = url::Url::parse(url.trim()).map_err(|e| Error::Config(format!("not a valid URL: {e}")))?;
    let password = u
        .password()
        .map(|p| percent_encoding::percent_decode_str(p).decode_utf8_lossy().into_owned())
        .filter(|p| !p.is_empty());
    if u.password().is_some() {
        let _ = u.set_password(None);
    }
    Ok((u.to_string(), password))
}

fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost") || h.parse::<IpAddr>().map(|ip| ip.is_loopback()).unwrap_or(false)
}

/// The two URLs of a hosted backend: `DATABASE_URL` (often the pooler) and `DIRECT_URL` (the
/// database itself, which Prisma uses for migrations).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Urls {
    pub database_url: Option<String>,
    pub direct_url: Option<String>,
}

impl Urls {
    /// The process environment first, then a `.env` file (when given and present) for what the
    /// environment lacks.
    pub fn discover(dotenv: Option<&Path>) -> Result<Urls> {
        let file = match dotenv {
            Some(p) if p.exists() => {
                let text = std::fs::read_to_string(p)
                    .map_err(|e| Error::Config(format!("cannot read {}: {e}", p.display())))?;
                parse_dotenv(&text)
            }
            _ => Vec::new(),
        };
        let pick = |name: &str| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.is_empty())
                .or_else(|| file.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
        };
        Ok(Urls { database_url: pick("DATABASE_URL"), direct_url: pick("DIRECT_URL") })
    }

    /// The URL for schema work (init, check): `DIRECT_URL` when set, else `DATABASE_URL`.
    pub fn for_schema_work(&self) -> Result<&str> {
        self.direct_url.as_deref().or(self.database_url.as_deref()).ok_or_else(|| {
            Error::Config(
                "no far database: set DATABASE_URL (and DIRECT_URL) in the environment or a .env file, \
                 or pass --url"
                    .into(),
            )
        })
    }
}

/// `KEY=VALUE` lines of a `.env` file: `#` comments, optional `export `, single or double quotes.
pub fn parse_dotenv(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((k, v)) = line.split_once('=') else { continue };
        let v = v.trim();
        let v = if v.len() >= 2
            && ((v.starts_with('"') && v.ends_with('"')) || (v.starts_with('\'') && v.ends_with('\'')))
        {
            v[1..v.len() - 1].to_string()
        } else {
            // An unquoted value ends at a ` #` comment.
            v.split(" #").next().unwrap_or("").trim().to_string()
        };
        out.push((k.trim().to_string(), v));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio_postgres::config::Host;

    #[test]
    fn the_password_is_split_off_decoded() {
        let (url, pw) =
            split_password("postgresql://app:p%40ss%2Bw+rd@db.example.com:5432/postgres?sslmode=require").unwrap();
        assert_eq!(url, "postgresql://app@db.example.com:5432/postgres?sslmode=require");
        assert_eq!(pw.as_deref(), Some("p@ss+w+rd"));
        let (url, pw) = split_password("postgres://app@localhost/db").unwrap();
        assert_eq!((url.as_str(), pw), ("postgres://app@localhost/db", None));
        let mut cfg = SyncConfig::parse(&url).unwrap();
        assert_eq!(cfg.login(), "app@localhost:5432/db");
        assert!(!cfg.has_password());
        cfg.set_password("secret");
        assert!(cfg.has_password());
        assert!(split_password("not a url").is_err());
    }

    #[test]
    fn supabase_transaction_pooler_url_is_stripped_and_detected() {
        let c = SyncConfig::parse(
            "postgresql://postgres.abc:s3cret@aws-0-eu-west-1.pooler.supabase.com:6543/postgres\
             ?pgbouncer=true&connection_limit=1&pool_timeout=20&schema=backend",
        )
        .unwrap();
        assert_eq!(c.pooler, PoolerMode::Transaction);
        assert_eq!(c.tls, TlsMode::Verify);
        assert_eq!(c.schema.as_deref(), Some("backend"));
        assert_eq!(c.stripped, vec!["pgbouncer", "connection_limit", "pool_timeout", "schema"]);
        assert_eq!(c.pg.get_user(), Some("postgres.abc"));
        assert_eq!(c.pg.get_password(), Some(&b"s3cret"[..]));
        assert_eq!(c.pg.get_dbname(), Some("postgres"));
        assert_eq!(c.pg.get_ports(), &[6543]);
        assert_eq!(c.pg.get_ssl_mode(), tokio_postgres::config::SslMode::Require);
        assert!(!c.redacted.contains("s3cret"), "{}", c.redacted);
        assert!(c.redacted.contains("****"));
    }

    #[test]
    fn session_pooler_and_pgbouncer_flag() {
        let c = SyncConfig::parse("postgres://u:p@db.example.com:5432/postgres").unwrap();
        assert_eq!(c.pooler, PoolerMode::Session);
        assert!(c.stripped.is_empty());
        assert_eq!(c.schema, None);
        let c = SyncConfig::parse("postgres://u:p@db.example.com:5432/postgres?pgbouncer=true").unwrap();
        assert_eq!(c.pooler, PoolerMode::Transaction);
        let c = SyncConfig::parse("postgres://u:p@db.example.com:6543/postgres?pgbouncer=false").unwrap();
        assert_eq!(c.pooler, PoolerMode::Transaction, "port 6543 is the transaction pooler");
    }

    #[test]
    fn libpq_parameters_are_kept_and_prisma_ones_dropped() {
        let c = SyncConfig::parse(
            "postgres://u:p@db.example.com/app?application_name=tc&connect_timeout=10\
             &statement_cache_size=0&socket_timeout=5&sslaccept=strict&sslrootcert=/etc/ca.pem",
        )
        .unwrap();
        assert_eq!(c.pg.get_application_name(), Some("tc"));
        assert_eq!(c.pg.get_connect_timeout(), Some(&std::time::Duration::from_secs(10)));
        assert_eq!(c.stripped, vec!["statement_cache_size", "socket_timeout", "sslaccept"]);
        assert_eq!(c.ca_file, Some(PathBuf::from("/etc/ca.pem")));
    }

    #[test]
    fn tls_policy_by_host() {
        for url in ["postgres://u@127.0.0.1:5432/d", "postgres://u@localhost/d", "postgres://u@[::1]:5433/d"] {
            assert_eq!(SyncConfig::parse(url).unwrap().tls, TlsMode::Off, "{url}");
        }
        let c = SyncConfig::parse("postgres://u@127.0.0.1/d?sslmode=require").unwrap();
        assert_eq!(c.tls, TlsMode::Verify);
        let c = SyncConfig::parse("postgres://u@db.example.com/d?sslmode=prefer").unwrap();
        assert_eq!(c.tls, TlsMode::Verify, "a remote host is always verified");
        let e = SyncConfig::parse("postgres://u@db.example.com/d?sslmode=disable").unwrap_err();
        assert!(e.to_string().contains("encrypted"), "{e}");
        // A unix socket folder is local.
        let c = SyncConfig::parse("postgres://u@localhost/d?host=/tmp/pg").unwrap();
        assert_eq!(c.tls, TlsMode::Off);
        assert!(c.pg.get_hosts().iter().any(|h| matches!(h, Host::Unix(_))));
    }

    #[test]
    fn bad_urls_are_refused_with_a_reason() {
        assert!(SyncConfig::parse("mysql://u@h/d").unwrap_err().to_string().contains("postgres://"));
        assert!(SyncConfig::parse("not a url").is_err());
    }

    #[test]
    fn dotenv_lines() {
        let v = parse_dotenv(
            "# comment\nDATABASE_URL=\"postgres://a@h:6543/d?pgbouncer=true\"\nexport DIRECT_URL='postgres://a@h/d'\n\
             OTHER=x # trailing\n\nBROKEN\n",
        );
        assert_eq!(
            v,
            vec![
                ("DATABASE_URL".into(), "postgres://a@h:6543/d?pgbouncer=true".into()),
                ("DIRECT_URL".into(), "postgres://a@h/d".into()),
                ("OTHER".into(), "x".into()),
            ]
        );
    }

    #[test]
    fn schema_work_prefers_the_direct_url() {
        let u = Urls { database_url: Some("a".into()), direct_url: Some("b".into()) };
        assert_eq!(u.for_schema_work().unwrap(), "b");
        let u = Urls { database_url: Some("a".into()), direct_url: None };
        assert_eq!(u.for_schema_work().unwrap(), "a");
        assert!(Urls::default().for_schema_work().unwrap_err().to_string().contains("DATABASE_URL"));
    }
}
