//! `turbocat sync init` and `turbocat sync check [--json]`: the far database of a hosted
//! Turbocat project (../shared/spec/sync.md). The connection is `--url`, else `DIRECT_URL` or
//! `DATABASE_URL` from the environment or the `.env` file (`--env-file`, default `./.env`).
//! Exit codes: `init` 0 created, 4 refused (the schema is not empty); `check` 0 compatible,
//! 3 not compatible (the report says what to fix); 2 no or unusable connection settings;
//! 1 anything else (cannot connect, TLS, the server's errors).

use crate::{print_json, CliResult, Failure, EXIT_FAILED, EXIT_NOT_UP_TO_DATE, EXIT_OK, EXIT_REFUSED, EXIT_USAGE};
use clap::{Args, Subcommand};
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;
use turbocat_domain::{Error, ErrorCode};
use turbocat_sync::{SyncConfig, Urls};

#[derive(Subcommand, Debug)]
pub enum SyncCommand {
    /// Create the ten tables in an empty far schema (refused when it holds anything).
    Init(FarArgs),
    /// Compare the far schema with what Turbocat writes; exit 3 when it is not compatible.
    Check(FarArgs),
}

#[derive(Args, Debug)]
pub struct FarArgs {
    /// The far database URL (default: DIRECT_URL, else DATABASE_URL, from the environment or
    /// the .env file). Prisma's parameters (pgbouncer, connection_limit, schema…) are accepted.
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// The schema: `public` or `backend` (default: the URL's `schema=`, else detected).
    #[arg(long, value_name = "NAME")]
    pub schema: Option<String>,
    /// The .env file read for DATABASE_URL / DIRECT_URL when the environment lacks them.
    #[arg(long, value_name = "PATH", default_value = ".env")]
    pub env_file: PathBuf,
}

fn failure(e: turbocat_sync::Error) -> Failure {
    let code = match e {
        turbocat_sync::Error::Config(_) => EXIT_USAGE,
        turbocat_sync::Error::Refused(_) => EXIT_REFUSED,
        _ => EXIT_FAILED,
    };
    let ecode = match e {
        turbocat_sync::Error::Config(_) | turbocat_sync::Error::Refused(_) => ErrorCode::BadRequest,
        _ => ErrorCode::Internal,
    };
    Failure { code, error: Error::new(ecode, e.to_string()) }
}

fn config(a: &FarArgs) -> Result<SyncConfig, Failure> {
    let url = match &a.url {
        Some(u) => u.clone(),
        None => {
            Urls::discover(Some(&a.env_file)).and_then(|u| u.for_schema_work().map(str::to_string)).map_err(failure)?
        }
    };
    let mut cfg = SyncConfig::parse(&url).map_err(failure)?;
    if a.schema.is_some() {
        cfg.schema = a.schema.clone();
    }
    Ok(cfg)
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure { code: EXIT_FAILED, error: Error::internal(e.to_string()) })
}

pub(crate) fn sync(cmd: SyncCommand, json: bool) -> CliResult {
    match cmd {
        SyncCommand::Init(a) => {
            let cfg = config(&a)?;
            let schema = cfg.schema.clone().unwrap_or_else(|| "public".into());
            runtime()?.block_on(async {
                let mut client = turbocat_sync::connect(&cfg).await.map_err(failure)?;
                turbocat_sync::init(&mut client, &schema).await.map_err(failure)
            })?;
            if json {
                print_json(&json!({ "schema": schema, "created": true, "tables": 10 }));
            } else {
                let _ = writeln!(
                    std::io::stdout().lock(),
                    "Created the ten Turbocat tables in schema \"{schema}\" of {}.",
                    cfg.redacted
                );
            }
            Ok(EXIT_OK)
        }
        SyncCommand::Check(a) => {
            let cfg = config(&a)?;
            let report = runtime()?.block_on(async {
                let client = turbocat_sync::connect(&cfg).await.map_err(failure)?;
                let schema = turbocat_sync::detect_schema(&client, &cfg).await.map_err(failure)?;
                turbocat_sync::check(&client, &schema).await.map_err(failure)
            })?;
            if json {
                print_json(&json!({
                    "schema": report.schema,
                    "compatible": report.compatible,
                    "pooler": cfg.pooler,
                    "tls": cfg.tls,
                    "strippedParameters": cfg.stripped,
                    "problems": report.problems,
                    "warnings": report.warnings,
                }));
            } else {
                let _ = write!(std::io::stdout().lock(), "{}", report.to_text());
            }
            Ok(if report.compatible { EXIT_OK } else { EXIT_NOT_UP_TO_DATE })
        }
    }
}
