//! The `turbocat` command line: the database work the hosted project does with Prisma
//! (migrate, status, validate, reset, seed, backup, restore) and bundle export/import, over
//! the same store and services as the desktop app, and `run` (a workflow, headless, through the
//! engine), and `settings llm` (the LLM endpoint), and `sync init`/`sync check` (the far Postgres),
//! and `serve` (the local server) with `keys` (its API keys).
//!
//! Exit codes, for scripts: 0 success; 1 the command failed (the message says why); 2 bad
//! usage; 3 `db status`/`db validate` found the database not up to date or not valid;
//! 4 the database was refused (made by a newer build, or a changed migration); 5 `run` ran the
//! workflow but it did not complete (failed, timed out or cancelled). `sync check` exits 3 when
//! the far schema is not compatible, `sync init` 4 when the far schema is not empty.

use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use turbocat_domain::{Error, ErrorCode};
use turbocat_services::bundle::{ExportSelection, ImportOptions};
use turbocat_services::{OpenOptions, Services};
use turbocat_store::{maintenance, migrate, MigrationState, Store, StoreError};

/// `println!` without the panic when stdout is a closed pipe (`turbocat db status | head`).
macro_rules! outln {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

pub const EXIT_OK: u8 = 0;
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_NOT_UP_TO_DATE: u8 = 3;
pub const EXIT_REFUSED: u8 = 4;
pub const EXIT_RUN_NOT_COMPLETED: u8 = 5;

mod keys;
mod run;
mod serve;
mod settings;
mod sync;

#[derive(Parser, Debug)]
#[command(
    name = "turbocat",
    version,
    about = "Turbocat Desktop's command line: database, import and export, running workflows"
)]
pub struct Cli {
    /// The database file (default: the desktop app's file in the OS app-data folder).
    #[arg(long, global = true, env = "TURBOCAT_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Database tasks: migrate, status, validate, reset, seed, backup, restore.
    #[command(subcommand)]
    Db(DbCommand),
    /// Export agents, workflows (with steps) and templates as one JSON bundle.
    Export(ExportArgs),
    /// Import a JSON bundle: everything is checked first, then written all or nothing.
    Import(ImportArgs),
    /// Run a workflow by id or name; Ctrl-C cancels it. Exit 5 when it did not complete.
    Run(run::RunArgs),
    /// Local settings: the LLM endpoint the llm agent calls.
    #[command(subcommand)]
    Settings(settings::SettingsCommand),
    /// Sync with a hosted project's Postgres: pull then push; or init, check, push, pull,
    /// status, conflicts, restore.
    Sync(sync::SyncArgs),
    /// The local server: the hosted Turbocat REST API on this machine, until Ctrl-C.
    Serve(serve::ServeArgs),
    /// API keys for the local server: create (printed once), list, revoke.
    #[command(subcommand)]
    Keys(keys::KeysCommand),
}

#[derive(Subcommand, Debug)]
pub enum DbCommand {
    /// Apply pending migrations (a backup of a non-empty file is taken first).
    Migrate,
    /// Show applied, pending and divergent migrations; exit 3 when not up to date.
    Status,
    /// Check migrations, integrity, foreign keys and every JSON column; exit 3 on a problem.
    Validate,
    /// Back up, drop, migrate and seed the database. Needs --yes.
    Reset {
        #[arg(long)]
        yes: bool,
    },
    /// Write the demo seed (idempotent: a second run changes nothing).
    Seed,
    /// Online backup to FILE (default: the backups folder beside the database).
    Backup { file: Option<PathBuf> },
    /// Replace the database with FILE, after checking it and backing up the current one.
    Restore { file: PathBuf },
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// Export everything the current user owns.
    #[arg(long)]
    pub all: bool,
    #[arg(long = "agent", value_name = "ID")]
    pub agents: Vec<String>,
    #[arg(long = "workflow", value_name = "ID")]
    pub workflows: Vec<String>,
    #[arg(long = "template", value_name = "ID")]
    pub templates: Vec<String>,
    /// Write to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    pub file: PathBuf,
    /// Give imported rows new ids instead of replacing rows with the same ids.
    #[arg(long)]
    pub as_copies: bool,
}

/// A failure with the exit code it maps to.
struct Failure {
    code: u8,
    error: Error,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure { code: EXIT_FAILED, error }
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        let code = if matches!(e, StoreError::Refused(_)) { EXIT_REFUSED } else { EXIT_FAILED };
        Failure { code, error: e.into() }
    }
}

type CliResult = Result<u8, Failure>;

/// Parses `args` and runs the command; returns the process exit code.
pub fn run<I: IntoIterator<Item = OsString>>(args: I) -> u8 {
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
        }
    };
    let json = cli.json;
    match execute(cli) {
        Ok(code) => code,
        Err(f) => {
            if json {
                outln!("{}", serde_json::to_string_pretty(&json!({ "error": f.error })).unwrap_or_default());
            } else {
                eprintln!("error [{}]: {}", f.error.code.as_str(), f.error.message);
            }
            f.code
        }
    }
}

fn db_path(cli: &Cli) -> PathBuf {
    cli.db.clone().unwrap_or_else(turbocat_store::default_db_path)
}

/// Opens the services on a database that must exist: only `db migrate`, `db seed`,
/// `db reset` and `db restore` create one, so that a typo in `--db` is an error instead of a
/// new, empty database (and an export of nothing, with success).
fn open_services(path: &Path) -> Result<Services, Failure> {
    require_database(path)?;
    open_services_seeding(path, false)
}

/// Refuses (exit 4) a path with no database file, saying how to make one.
fn require_database(path: &Path) -> Result<(), Failure> {
    if path.is_dir() {
        return Err(StoreError::Refused(format!(
            "{} is a folder, not a database file; give the path of a file with --db or TURBOCAT_DB",
            path.display()
        ))
        .into());
    }
    if !path.exists() {
        return Err(StoreError::Refused(format!(
            "No database at {}. Check the path given with --db or TURBOCAT_DB; to create a new database there, \
             run `turbocat --db {} db migrate` (empty) or `db seed` (with the demo content).",
            path.display(),
            path.display()
        ))
        .into());
    }
    Ok(())
}

/// Makes a backup of `path` into `dest`, with a progress bar on a terminal (not with --json).
fn backup_with_progress(path: &Path, dest: &Path, json: bool) -> Result<u64, Failure> {
    let bar = ProgressBar::new(0);
    if json {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    bar.set_style(
        ProgressStyle::with_template("backup {bar:30} {bytes}/{total_bytes}, {bytes_per_sec}, {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let out = turbocat_store::backup::backup(path, dest, &|p| {
        bar.set_length(p.total);
        bar.set_position(p.written);
    });
    bar.finish_and_clear();
    Ok(out?)
}

/// Opens the services; a database this build refuses (a BAD_REQUEST from the store's open)
/// exits with [`EXIT_REFUSED`].
fn open_services_seeding(path: &Path, seed_on_first_start: bool) -> Result<Services, Failure> {
    Services::open(path, OpenOptions { seed_on_first_start }).map_err(|e| {
        let code = if e.code == ErrorCode::BadRequest { EXIT_REFUSED } else { EXIT_FAILED };
        Failure { code, error: e }
    })
}

fn print_json(v: &impl serde::Serialize) {
    outln!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
}

fn execute(cli: Cli) -> CliResult {
    let path = db_path(&cli);
    let json = cli.json;
    match cli.command {
        Command::Db(cmd) => db(cmd, &path, json),
        Command::Export(args) => export(args, &path, json),
        Command::Import(args) => import(args, &path, json),
        Command::Run(args) => run::run_workflow(args, &path, json),
        Command::Settings(cmd) => settings::settings(cmd, &path, json),
        Command::Sync(args) => sync::sync(args, &path, json),
        Command::Serve(args) => serve::serve(args, &path, json),
        Command::Keys(cmd) => keys::keys(cmd, &path, json),
    }
}

fn db(cmd: DbCommand, path: &Path, json: bool) -> CliResult {
    match cmd {
        DbCommand::Migrate => {
            let store = Store::open(path)?;
            let out = &store.migration;
            if json {
                print_json(&json!({ "database": path, "applied": out.applied, "backup": out.backup }));
            } else if out.applied.is_empty() {
                outln!("{}: already up to date (schema version {}).", path.display(), migrate::latest_version());
            } else {
                outln!("{}: applied {}.", path.display(), out.applied.join(", "));
                if let Some(b) = &out.backup {
                    outln!("Backup taken before migrating: {}", b.display());
                }
            }
            Ok(EXIT_OK)
        }
        DbCommand::Status => {
            let st = maintenance::inspect(path)?;
            if json {
                print_json(&json!({
                    "database": path, "exists": path.exists(), "upToDate": st.is_up_to_date(),
                    "currentVersion": st.current_version, "latestVersion": st.latest_version,
                    "refused": st.refused, "migrations": st.entries,
                }));
            } else {
                outln!("Database: {}{}", path.display(), if path.exists() { "" } else { " (does not exist yet)" });
                for e in &st.entries {
                    let state = match e.state {
                        MigrationState::Applied => "applied",
                        MigrationState::Pending => "pending",
                        MigrationState::Divergent => "DIVERGENT",
                        MigrationState::Unknown => "UNKNOWN (newer build)",
                    };
                    outln!(
                        "  V{}__{:<24} {state}{}",
                        e.version,
                        e.name,
                        e.applied_on.as_deref().map(|a| format!("  ({a})")).unwrap_or_default()
                    );
                }
                match (&st.refused, st.is_up_to_date()) {
                    (Some(why), _) => outln!("Refused: {why}"),
                    (None, true) => outln!("Up to date (schema version {}).", st.current_version),
                    (None, false) => outln!("Not up to date: run `turbocat db migrate`."),
                }
            }
            Ok(if st.refused.is_some() {
                EXIT_REFUSED
            } else if st.is_up_to_date() {
                EXIT_OK
            } else {
                EXIT_NOT_UP_TO_DATE
            })
        }
        DbCommand::Validate => {
            let conn = maintenance::open_read_only(path)?;
            let report = maintenance::validate(&conn)?;
            if json {
                print_json(&json!({ "ok": report.is_ok(), "report": report }));
            } else {
                let mark = |ok: bool| if ok { "ok" } else { "FAILED" };
                outln!("Embedded migrations well formed: {}", mark(report.migrations_well_formed));
                for p in &report.migration_problems {
                    outln!("  {p}");
                }
                outln!("Schema up to date:                {}", mark(report.schema.is_up_to_date()));
                outln!("Integrity check:                  {}", report.integrity.join("; "));
                outln!("Foreign keys:                     {}", mark(report.foreign_key_violations.is_empty()));
                for v in &report.foreign_key_violations {
                    outln!("  {v}");
                }
                outln!("JSON columns:                     {}", mark(report.invalid_json.is_empty()));
                for v in &report.invalid_json {
                    outln!("  {v}");
                }
                outln!(
                    "{}",
                    if report.is_ok() { "The database is valid." } else { "The database has problems (see above)." }
                );
            }
            Ok(if report.is_ok() { EXIT_OK } else { EXIT_NOT_UP_TO_DATE })
        }
        DbCommand::Reset { yes } => {
            if !yes {
                return Err(Failure {
                    code: EXIT_USAGE,
                    error: Error::bad_request(format!(
                        "`db reset` deletes every row of {} and re-creates it with the demo seed. \
                         Run it again with --yes to confirm (a backup is taken first).",
                        path.display()
                    )),
                });
            }
            let mut backup = None;
            if path.exists() {
                let dest = migrate::backup_file_name(path, "before-reset");
                backup_with_progress(path, &dest, json)?;
                backup = Some(dest);
                for suffix in ["", "-wal", "-shm"] {
                    let f = PathBuf::from(format!("{}{suffix}", path.display()));
                    if f.exists() {
                        std::fs::remove_file(&f)
                            .map_err(|e| Error::internal(format!("cannot remove {}: {e}", f.display())))?;
                    }
                }
            }
            let services = open_services_seeding(path, true)?;
            let counts = services.store().read(|c| {
                let n = |t: &str| turbocat_store::queries::lookups::count_all(c, t);
                Ok((n("users")?, n("agents")?, n("workflows")?, n("workflow_steps")?, n("templates")?))
            })?;
            let (u, a, w, s, t) = (counts.0, counts.1, counts.2, counts.3, counts.4);
            if json {
                print_json(
                    &json!({ "database": path, "backup": backup, "seeded": {"users": u, "agents": a, "workflows": w, "workflowSteps": s, "templates": t} }),
                );
            } else {
                if let Some(b) = &backup {
                    outln!("Backup of the old database: {}", b.display());
                }
                outln!("Reset {}: {u} users, {a} agents, {w} workflows, {s} steps, {t} templates.", path.display());
            }
            Ok(EXIT_OK)
        }
        DbCommand::Seed => {
            // On a new database the first open seeds (and makes the seed's admin the local
            // profile, as the desktop app does); otherwise seed what is missing.
            let services = open_services_seeding(path, true)?;
            let report = match services.first_start_seed.clone() {
                Some(r) => r,
                None => services.seed()?,
            };
            if json {
                print_json(&report);
            } else if report.total() == 0 {
                outln!("The seed is already present; nothing changed.");
            } else {
                outln!(
                    "Seeded {} users, {} agents, {} workflows, {} steps, {} templates.",
                    report.users,
                    report.agents,
                    report.workflows,
                    report.workflow_steps,
                    report.templates
                );
            }
            Ok(EXIT_OK)
        }
        DbCommand::Backup { file } => {
            let dest = file.unwrap_or_else(|| migrate::backup_file_name(path, "manual"));
            let size = backup_with_progress(path, &dest, json)?;
            if json {
                print_json(&json!({ "backup": dest, "bytes": size }));
            } else {
                outln!("Backed up {} to {} ({size} bytes).", path.display(), dest.display());
            }
            Ok(EXIT_OK)
        }
        DbCommand::Restore { file } => {
            let out = maintenance::restore_into(path, &file)?;
            if json {
                print_json(
                    &json!({ "restored": file, "database": path, "backup": out.backup, "migrated": out.migrated }),
                );
            } else {
                outln!("Restored {} from {}.", path.display(), file.display());
                if !out.migrated.is_empty() {
                    outln!("Its schema was brought up to date: {}.", out.migrated.join(", "));
                }
                match &out.backup {
                    Some(b) => outln!("The previous content was backed up to {}", b.display()),
                    None => outln!("The database was empty before; no backup was needed."),
                }
            }
            Ok(EXIT_OK)
        }
    }
}

fn parse_ids(ids: &[String]) -> Result<Vec<turbocat_domain::Uuid>, Failure> {
    Ok(ids.iter().map(|s| turbocat_domain::parse_id(s)).collect::<Result<_, _>>()?)
}

fn export(args: ExportArgs, path: &Path, json: bool) -> CliResult {
    let services = open_services(path)?;
    let sel = ExportSelection {
        all: args.all || (args.agents.is_empty() && args.workflows.is_empty() && args.templates.is_empty()),
        agent_ids: parse_ids(&args.agents)?,
        workflow_ids: parse_ids(&args.workflows)?,
        template_ids: parse_ids(&args.templates)?,
    };
    let bundle = services.export(&sel)?;
    let text = serde_json::to_string_pretty(&bundle).map_err(Error::from)?;
    match &args.out {
        Some(out) => {
            std::fs::write(out, text + "\n")
                .map_err(|e| Error::internal(format!("cannot write {}: {e}", out.display())))?;
            let summary = json!({ "file": out, "agents": bundle.agents.len(), "workflows": bundle.workflows.len(), "templates": bundle.templates.len() });
            if json {
                print_json(&summary);
            } else {
                outln!(
                    "Exported {} agents, {} workflows and {} templates to {}.",
                    bundle.agents.len(),
                    bundle.workflows.len(),
                    bundle.templates.len(),
                    out.display()
                );
            }
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            let _ = writeln!(stdout, "{text}");
        }
    }
    Ok(EXIT_OK)
}

fn import(args: ImportArgs, path: &Path, json: bool) -> CliResult {
    let text = std::fs::read_to_string(&args.file)
        .map_err(|e| Error::validation(format!("cannot read {}: {e}", args.file.display())))?;
    let services = open_services(path)?;
    let report = services.import_json(&text, &ImportOptions { as_copies: args.as_copies })?;
    if json {
        print_json(&report);
    } else {
        outln!(
            "Imported {} agents ({} replaced), {} workflows ({} replaced) with {} steps, {} templates ({} replaced).",
            report.agents_created + report.agents_replaced,
            report.agents_replaced,
            report.workflows_created + report.workflows_replaced,
            report.workflows_replaced,
            report.steps_written,
            report.templates_created + report.templates_replaced,
            report.templates_replaced
        );
    }
    Ok(EXIT_OK)
}
