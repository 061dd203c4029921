//! `turbocat sync …`: the far database of a hosted Turbocat project (docs/sync.md).
//! `init`, `check`, `push`, `pull`, plain `sync` (pull, then push), `status`, `conflicts` and
//! `restore`. The connection is `--url`, else `DIRECT_URL` or `DATABASE_URL` from the
//! environment or the `.env` file (`--env-file`, default `./.env`). Long transfers draw a
//! progress bar (rows, rate) on a terminal's stderr.
//! Exit codes: `init` 0 created, 4 refused (the schema is not empty); `check`, `push`, `pull` and
//! `sync` 3 when the far schema is not compatible (the report says what to fix; nothing is
//! written); `restore` 4 when there is no such open conflict; 2 no or unusable connection
//! settings; 1 anything else (cannot connect, TLS, the server's errors).

use crate::{
    open_services, print_json, CliResult, Failure, EXIT_FAILED, EXIT_NOT_UP_TO_DATE, EXIT_OK, EXIT_REFUSED, EXIT_USAGE,
};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use turbocat_domain::{Error, ErrorCode};
use turbocat_sync::{Direction, SyncConfig, SyncService, Urls};

/// `turbocat sync [OPTIONS]` pulls then pushes; the subcommands do one part.
#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SyncArgs {
    #[command(subcommand)]
    pub command: Option<SyncCommand>,
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Subcommand, Debug)]
pub enum SyncCommand {
    /// Create the ten tables in an empty far schema (refused when it holds anything).
    Init(FarArgs),
    /// Compare the far schema with what Turbocat writes; exit 3 when it is not compatible.
    Check(FarArgs),
    /// Send local changes to the far database (last writer wins; losers kept as conflicts).
    Push(RunArgs),
    /// Bring far changes into the local database.
    Pull(RunArgs),
    /// Last push and pull, pending changes, open conflicts (local; no connection needed).
    Status,
    /// The local versions that lost to a newer far version.
    Conflicts {
        /// Include conflicts already restored.
        #[arg(long)]
        all: bool,
    },
    /// Put a conflict's local version back (it is pushed, as the newest, by the next sync).
    Restore { id: i64 },
}

#[derive(Args, Debug)]
pub struct RunArgs {
    #[command(flatten)]
    pub far: FarArgs,
    /// Compare id sets now to find far deletes (otherwise at most every 10 minutes).
    #[arg(long)]
    pub reconcile: bool,
    /// Rows per far statement.
    #[arg(long, default_value_t = 5000, value_parser = clap::value_parser!(u32).range(1..=10000))]
    pub batch: u32,
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
        turbocat_sync::Error::Incompatible(ref r) => {
            let _ = write!(std::io::stderr().lock(), "{}", r.to_text());
            EXIT_NOT_UP_TO_DATE
        }
        _ => EXIT_FAILED,
    };
    Failure { code, error: e.into() }
}

/// The far connection: `--url`, else DIRECT_URL / DATABASE_URL (environment, then the .env
/// file), else the connection saved on the app's Settings page (password from the keychain).
fn config(a: &FarArgs, db: &Path) -> Result<SyncConfig, Failure> {
    let url = match &a.url {
        Some(u) => Some(u.clone()),
        None => Urls::discover(Some(&a.env_file)).map_err(failure)?.for_schema_work().ok().map(str::to_string),
    };
    let mut cfg = match url {
        Some(url) => SyncConfig::parse(&url).map_err(failure)?,
        None => {
            // The app's password policy (keychain; a password only in the app's memory is not
            // reachable from here).
            let saved = if db.exists() {
                SyncService::default().saved(open_services(db)?.store()).map_err(|error| {
                    let code = if error.code == ErrorCode::ValidationError { EXIT_USAGE } else { EXIT_FAILED };
                    Failure { code, error }
                })?
            } else {
                None
            };
            saved.ok_or_else(|| {
                failure(turbocat_sync::Error::Config(
                    "no far database: pass --url, set DATABASE_URL (and DIRECT_URL) in the environment or a .env \
                     file, or save a connection on the app's Settings page"
                        .into(),
                ))
            })?
        }
    };
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

pub(crate) fn sync(args: SyncArgs, db: &Path, json: bool) -> CliResult {
    let cmd = match args.command {
        Some(c) => c,
        None => return transfer(args.run, db, json, Direction::Both),
    };
    match cmd {
        SyncCommand::Push(a) => transfer(a, db, json, Direction::PushOnly),
        SyncCommand::Pull(a) => transfer(a, db, json, Direction::PullOnly),
        SyncCommand::Status => {
            let services = open_services(db)?;
            let st = turbocat_sync::session::status(services.store()).map_err(failure)?;
            if json {
                print_json(&st);
            } else {
                let mut out = std::io::stdout().lock();
                let _ =
                    writeln!(out, "Far database: {}", st.state.target.as_deref().unwrap_or("none yet (never synced)"));
                let _ = writeln!(out, "Last push:    {}", st.state.last_push_at.as_deref().unwrap_or("never"));
                let _ = writeln!(out, "Last pull:    {}", st.state.last_pull_at.as_deref().unwrap_or("never"));
                let _ = writeln!(out, "Pending:      {} change(s){}", st.pending_total, per_table(&st.pending));
                let _ = writeln!(
                    out,
                    "Conflicts:    {}{}",
                    st.conflicts,
                    if st.conflicts > 0 { " (see `turbocat sync conflicts`)" } else { "" }
                );
            }
            Ok(EXIT_OK)
        }
        SyncCommand::Conflicts { all } => {
            let services = open_services(db)?;
            let list = turbocat_sync::session::conflicts(services.store(), all).map_err(failure)?;
            if json {
                print_json(&list);
            } else if list.is_empty() {
                outln!("No conflicts.");
            } else {
                for c in &list {
                    outln!(
                        "#{:<5} {} {}: {} (found by {} at {}){}",
                        c.id,
                        c.table,
                        c.row_id,
                        if c.loser == "far" {
                            format!(
                                "the far version of {} was overwritten by yours of {}",
                                c.far_updated_at.as_deref().unwrap_or("?"),
                                c.local_updated_at.as_deref().unwrap_or("?")
                            )
                        } else {
                            format!(
                                "your version of {} lost to the far one of {}",
                                c.local_updated_at.as_deref().unwrap_or("?"),
                                c.far_updated_at.as_deref().unwrap_or("?")
                            )
                        },
                        c.detected_by,
                        c.detected_at,
                        c.restored_at.as_deref().map(|r| format!(", restored at {r}")).unwrap_or_default()
                    );
                }
                outln!("Restore one with `turbocat sync restore <#>`.");
            }
            Ok(EXIT_OK)
        }
        SyncCommand::Restore { id } => {
            let services = open_services(db)?;
            let c = turbocat_sync::session::restore(services.store(), id).map_err(failure)?;
            if json {
                print_json(&c);
            } else {
                outln!("Restored your version of {} {}; the next sync pushes it.", c.table, c.row_id);
            }
            Ok(EXIT_OK)
        }
        SyncCommand::Init(a) => {
            let cfg = config(&a, db)?;
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
            let cfg = config(&a, db)?;
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

/// ` (agents 3, workflows 1)`, or nothing.
fn per_table(rows: &BTreeMap<String, u64>) -> String {
    if rows.is_empty() {
        return String::new();
    }
    format!(" ({})", rows.iter().map(|(t, n)| format!("{t} {n}")).collect::<Vec<_>>().join(", "))
}

/// Pull then push (either may be off): one session, one compatibility check.
fn transfer(a: RunArgs, db: &Path, json: bool, direction: Direction) -> CliResult {
    let cfg = config(&a.far, db)?;
    let services = open_services(db)?;
    let opts = turbocat_sync::Options { batch: a.batch as usize, reconcile: a.reconcile, ..Default::default() };
    let bar = ProgressBar::new_spinner();
    if json {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    bar.set_style(
        ProgressStyle::with_template("{spinner} {prefix:>4} {msg:<16} {bar:30} {pos}/{len} rows, {per_sec}, {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    let mut current = String::new();
    let mut on_progress = |p: turbocat_sync::Progress| {
        let key = format!("{:?}{}", p.phase, p.table);
        if key != current {
            current = key;
            bar.reset();
            bar.set_prefix(format!("{:?}", p.phase).to_lowercase());
            bar.set_message(p.table);
        }
        bar.set_length(p.total.unwrap_or(p.rows));
        bar.set_position(p.rows);
    };
    let outcome = runtime()?
        .block_on(turbocat_sync::session::run(&cfg, services.store(), opts, direction, &mut on_progress))
        .map_err(failure)?;
    bar.finish_and_clear();
    if json {
        print_json(&outcome);
        return Ok(EXIT_OK);
    }
    for w in &outcome.warnings {
        outln!("note: {}", w.message);
    }
    if let Some(p) = &outcome.pulled {
        outln!(
            "Pulled {} row(s){}; {} conflict(s){}.",
            p.rows.values().sum::<u64>(),
            per_table(&p.rows),
            p.conflicts,
            if p.reconciled { format!("; {} removed (deleted on the far side)", p.removed) } else { String::new() }
        );
    }
    if let Some(p) = &outcome.pushed {
        outln!(
            "Pushed {} row(s){}; {} deleted; {} conflict(s){}.",
            p.rows.values().sum::<u64>(),
            per_table(&p.rows),
            p.deleted,
            p.conflicts,
            if p.skipped > 0 { format!("; {} change(s) of other users not sent", p.skipped) } else { String::new() }
        );
    }
    if outcome.conflicts > 0 {
        outln!("{} open conflict(s): `turbocat sync conflicts` lists them.", outcome.conflicts);
    }
    outln!("Done in {:.1} s.", outcome.seconds);
    Ok(EXIT_OK)
}
