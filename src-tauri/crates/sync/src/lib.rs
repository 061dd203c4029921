//! Optional sync with a hosted Turbocat project's Postgres (docs/sync.md). No Tauri.
//!
//! The connection ([`config`]: URLs, Prisma parameters, pooler mode, TLS), [`connect`], the
//! schema choice ([`detect_schema`]), bootstrapping an empty schema ([`init`]), the compatibility
//! check ([`check()`]), and the sync itself: [`Session`] (push, pull, reconcile) over the local
//! change capture in [`local`], with values carried as [`codec`] says. Every statement goes
//! through the unnamed-statement paths (`query_typed`, `batch_execute`), which also work through
//! a transaction-mode pooler.

pub mod check;
pub mod codec;
pub mod config;
pub mod local;
pub mod schema;
pub mod secret;
pub mod service;
pub mod session;

pub use check::{check, Finding, FindingKind, Report};
pub use config::{split_password, PoolerMode, SyncConfig, TlsMode, Urls};
pub use local::{Conflict, LocalStatus, SavedConnection};
pub use service::SyncService;
pub use session::{Direction, Options, Outcome, Phase, Progress, Pulled, Pushed, Session};
/// The client crate, for callers that run their own statements (tests, later sync code).
pub use tokio_postgres;

use std::sync::Arc;
use tokio_postgres::types::Type;
use tokio_postgres::Client;

/// A sync failure, worded for the user.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The connection settings are not usable.
    #[error("{0}")]
    Config(String),
    /// The far server could not be reached or refused the login.
    #[error("cannot connect to {target}: {message}")]
    Connect { target: String, message: String },
    /// TLS could not be set up (a CA file that cannot be read, no trusted roots).
    #[error("TLS: {0}")]
    Tls(String),
    /// The far database is not in a state this operation accepts (init on a non-empty schema).
    #[error("{0}")]
    Refused(String),
    /// A statement failed on the far side.
    #[error("the far database answered: {0}")]
    Db(String),
    /// The far schema does not fit what the app writes: nothing was written.
    #[error("the far schema \"{}\" is not compatible with Turbocat sync ({} problem(s)); nothing was written", .0.schema, .0.problems.len())]
    Incompatible(Box<Report>),
    /// The local database could not be read or written.
    #[error("local database: {0}")]
    Local(String),
    /// The OS keychain could not keep or give the password.
    #[error("{0}")]
    Keychain(String),
    /// A failure of the local side with its own code (the store's, the secret box's), kept as
    /// it is rather than worded again.
    #[error("{}", .0.message)]
    Domain(turbocat_domain::Error),
}

/// A sync failure as the app and the CLI's `--json` report it: settings that do not work are
/// the user's to fix (VALIDATION_ERROR on the URL, BAD_REQUEST when the server cannot be
/// reached), a far side in a state the operation refuses is a CONFLICT, the rest INTERNAL.
impl From<Error> for turbocat_domain::Error {
    fn from(e: Error) -> Self {
        use turbocat_domain::ErrorCode;
        let message = e.to_string();
        match e {
            Error::Config(_) => turbocat_domain::Error::validation_field("url", message),
            Error::Connect { .. } | Error::Tls(_) | Error::Keychain(_) => {
                turbocat_domain::Error::new(ErrorCode::BadRequest, message)
            }
            Error::Refused(_) | Error::Incompatible(_) => turbocat_domain::Error::new(ErrorCode::Conflict, message),
            Error::Db(_) | Error::Local(_) => turbocat_domain::Error::new(ErrorCode::Internal, message),
            Error::Domain(e) => e,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<tokio_postgres::Error> for Error {
    fn from(e: tokio_postgres::Error) -> Self {
        Error::Db(match e.as_db_error() {
            Some(db) => format!("{} ({})", db.message(), db.code().code()),
            None => e.to_string(),
        })
    }
}

/// Opens one connection; its driver runs on the current tokio runtime until the client is dropped.
pub async fn connect(cfg: &SyncConfig) -> Result<Client> {
    let fail = |e: tokio_postgres::Error| {
        let message = match e.as_db_error() {
            Some(db) => db.message().to_string(),
            None => {
                // The cause chain says what happened (refused, TLS, DNS, ...).
                let mut m = e.to_string();
                let mut src = std::error::Error::source(&e);
                while let Some(s) = src {
                    m.push_str(": ");
                    m.push_str(&s.to_string());
                    src = s.source();
                }
                m
            }
        };
        Error::Connect { target: cfg.redacted.clone(), message }
    };
    match cfg.tls {
        TlsMode::Off => {
            let (client, conn) = cfg.pg.connect(tokio_postgres::NoTls).await.map_err(fail)?;
            tokio::spawn(conn);
            Ok(client)
        }
        TlsMode::Verify => {
            let tls = tokio_postgres_rustls::MakeRustlsConnect::new(tls_config(cfg)?);
            let (client, conn) = cfg.pg.connect(tls).await.map_err(fail)?;
            tokio::spawn(conn);
            Ok(client)
        }
    }
}

/// rustls with the OS's trusted roots plus the URL's `sslrootcert` file; certificate and host
/// name verification are rustls's defaults (never disabled).
fn tls_config(cfg: &SyncConfig) -> Result<rustls::ClientConfig> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::CertificateDer;
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(cert);
    }
    if let Some(path) = &cfg.ca_file {
        let pem = std::fs::read(path).map_err(|e| Error::Tls(format!("cannot read {}: {e}", path.display())))?;
        let mut n = 0;
        for cert in CertificateDer::pem_slice_iter(&pem) {
            let cert = cert.map_err(|e| Error::Tls(format!("{}: {e}", path.display())))?;
            roots.add(cert).map_err(|e| Error::Tls(format!("{}: {e}", path.display())))?;
            n += 1;
        }
        if n == 0 {
            return Err(Error::Tls(format!("{} holds no PEM certificate", path.display())));
        }
    }
    if roots.is_empty() {
        return Err(Error::Tls(
            "no trusted certificate authorities: install the OS CA certificates or give sslrootcert=".into(),
        ));
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Tls(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

/// The schema to use: the URL's `schema=` when given; otherwise `backend` when it holds the
/// `users` table and `public` does not; otherwise `public` (docs/schema.md).
pub async fn detect_schema(client: &Client, cfg: &SyncConfig) -> Result<String> {
    if let Some(s) = &cfg.schema {
        return Ok(s.clone());
    }
    let rows = client
        .query_typed(
            "SELECT n.nspname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relname = 'users' AND c.relkind IN ('r','p') AND n.nspname IN ('public','backend')",
            &[],
        )
        .await?;
    let has = |s: &str| rows.iter().any(|r| r.get::<_, String>(0) == s);
    Ok(if has("backend") && !has("public") { "backend" } else { "public" }.to_string())
}

/// Creates the ten tables (with their enums, keys, foreign keys and indexes) in `schema`, which
/// must hold no table, view or type yet (it is created when missing). One transaction: on any
/// failure nothing is left behind.
pub async fn init(client: &mut Client, schema: &str) -> Result<()> {
    let tx = client.transaction().await?;
    let existing = tx
        .query_typed(
            "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = $1 AND c.relkind IN ('r','p','v','m','f') \
             UNION ALL SELECT t.typname::text FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
             WHERE n.nspname = $1 AND t.typtype = 'e' ORDER BY 1",
            &[(&schema, Type::TEXT)],
        )
        .await?;
    if !existing.is_empty() {
        let names: Vec<String> = existing.iter().take(5).map(|r| r.get(0)).collect();
        return Err(Error::Refused(format!(
            "schema \"{schema}\" is not empty ({} object(s), e.g. {}): `sync init` only creates the tables in \
             an empty schema. Use `turbocat sync check` to see whether the existing tables fit.",
            existing.len(),
            names.join(", ")
        )));
    }
    let ident = quote_ident(schema);
    tx.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {ident}; SET LOCAL search_path TO {ident};")).await?;
    tx.batch_execute(schema::INIT_SQL).await?;
    tx.batch_execute(schema::PULL_INDEXES_SQL).await?;
    tx.commit().await?;
    Ok(())
}

/// `"name"` with inner quotes doubled.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod error_tests {
    use super::Error;
    use turbocat_domain::ErrorCode;

    #[test]
    fn a_local_failure_keeps_its_code_and_message() {
        let refused = turbocat_store::StoreError::Refused("This database was made by a newer build".into());
        let back: turbocat_domain::Error = Error::from(refused).into();
        assert_eq!(
            (back.code, back.message.as_str()),
            (ErrorCode::BadRequest, "This database was made by a newer build")
        );
        let field = turbocat_domain::Error::validation_field("id", "Invalid id format");
        let back: turbocat_domain::Error = Error::from(field.clone()).into();
        assert_eq!(back, field);
    }
}
