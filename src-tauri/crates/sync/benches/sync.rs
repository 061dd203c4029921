//! Sync benchmarks against a private Postgres 15 that the bench starts itself
//! (tests/support/postgres.rs), each beside its baseline in the same run:
//! - the initial push of a real local SQLite file (execution_logs, agents and their parent rows)
//!   into an empty far database made by `turbocat_sync::init`, through `Session::open` + `push`,
//!   beside a binary COPY of the same rows (typed values already in memory) into another database
//!   made the same way;
//! - the first sync after that upload (the pull that follows it);
//! - an incremental sync of 10 agents edited through the services (`Session::open` + `pull` +
//!   `push`, as `turbocat sync` does) in a fully synced database, at the full size and at a tenth
//!   of it, with its open / pull / push breakdown; the same sync with the id-set reconciliation
//!   separately.
//!
//! Run: `cargo bench -p turbocat-sync --bench sync` (`BENCH_SYNC_LOGS`, `BENCH_SYNC_AGENTS` change
//! the full size; `BENCH_SYNC_REPS` the incremental repetitions, `BENCH_SYNC_ROUNDS` the push and
//! COPY rounds).

// The tests' private Postgres (`postgres.rs` starts it with the helpers of `daemon.rs`, which it
// reaches as `super::daemon`: here, the bench's root).
#[allow(dead_code)]
#[path = "../../../../tests/support/daemon.rs"]
mod daemon;
#[allow(dead_code)]
#[path = "../../../../tests/support/postgres.rs"]
mod postgres;

use bytes::BytesMut;
use serde_json::{json, Value as Json};
use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::{to_sql_checked, IsNull, Kind as PgKind, ToSql, Type};
use turbocat_domain::*;
use turbocat_services::agents::UpdateAgent;
use turbocat_services::{OpenOptions, Services};
use turbocat_store::row;
use turbocat_sync::codec::{Kind, SyncTable};
use turbocat_sync::{connect, init, Options, Phase, Pulled, Pushed, Session, SyncConfig};

const DAY_MS: i64 = 86_400_000;
/// Log rows per execution, written 1 ms apart (an engine run writes its rows in a burst).
const LOGS_PER_RUN: usize = 1000;
/// Runs start a minute apart; agents were made half a second apart.
const RUN_EVERY_MS: i64 = 60_000;
const AGENT_EVERY_MS: i64 = 500;
/// Rows edited before each incremental sync.
const EDITED: usize = 10;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.replace('_', "").parse().ok()).unwrap_or(default)
}

/// The rows of one local database, as typed domain values.
struct Data {
    user: User,
    workflow: Workflow,
    executions: Vec<Execution>,
    agents: Vec<Agent>,
    logs: Vec<ExecutionLog>,
}

impl Data {
    fn rows(&self) -> usize {
        2 + self.executions.len() + self.agents.len() + self.logs.len()
    }
}

/// A local database of `n_logs` execution_logs and `n_agents` agents, with the parent rows they
/// need (the local profile, one workflow, one execution per 1,000 logs). Every stamp is at least
/// a day old, so the pull's look-back window before "now" holds none of them.
fn make_local(dir: &std::path::Path, name: &str, n_logs: usize, n_agents: usize) -> (Services, Data) {
    let svc = Services::open(&dir.join(name), OpenOptions { seed_on_first_start: false }).unwrap();
    let me = svc.current_user_id();
    let base = Timestamp::now().add_millis(-2 * DAY_MS);
    svc.store()
        .write(|tx| {
            tx.execute(
                "UPDATE users SET created_at = ?1, updated_at = ?1 WHERE id = ?2",
                [base.to_string(), row::id_text(&me)],
            )
            .map_err(turbocat_store::StoreError::from)?;
            Ok(())
        })
        .unwrap();
    let user: User = svc.store().read(|c| Ok(row::get(c, me)?.expect("profile"))).unwrap();
    let workflow = Workflow {
        id: new_id(),
        name: "bench".into(),
        description: Some("sync benchmark".into()),
        user_id: me,
        status: WorkflowStatus::Active,
        version: 1,
        parent_id: None,
        definition: json!({}),
        trigger_config: json!({}),
        schedule_enabled: false,
        schedule_cron: None,
        schedule_timezone: "UTC".into(),
        total_executions: 0,
        successful_executions: 0,
        failed_executions: 0,
        avg_execution_time_ms: 0,
        last_execution_at: None,
        tags: Some(vec![]),
        is_public: false,
        created_at: base,
        updated_at: base,
        deleted_at: None,
    };
    let runs = n_logs.div_ceil(LOGS_PER_RUN).max(1);
    let executions: Vec<Execution> = (0..runs)
        .map(|i| {
            let at = base.add_millis(i as i64 * RUN_EVERY_MS);
            Execution {
                id: new_id(),
                workflow_id: workflow.id,
                user_id: me,
                status: ExecutionStatus::Completed,
                trigger_type: TriggerType::Manual,
                trigger_data: json!({}),
                started_at: Some(at),
                completed_at: Some(at.add_millis(LOGS_PER_RUN as i64)),
                duration_ms: Some(LOGS_PER_RUN as i64),
                input_data: json!({"n": i}),
                output_data: json!({"ok": true}),
                steps_completed: 1,
                steps_failed: 0,
                steps_total: 1,
                error_message: None,
                error_stack: None,
                created_at: at,
                updated_at: at.add_millis(LOGS_PER_RUN as i64),
            }
        })
        .collect();
    let statuses = [AgentStatus::Draft, AgentStatus::Active, AgentStatus::Inactive, AgentStatus::Archived];
    let agents: Vec<Agent> = (0..n_agents)
        .map(|i| {
            let at = base.add_millis(i as i64 * AGENT_EVERY_MS);
            Agent {
                id: new_id(),
                name: format!("Agent {i}"),
                description: Some("A benchmark agent".into()),
                agent_type: AgentType::Data,
                status: statuses[i % 4],
                version: 1,
                parent_id: None,
                user_id: me,
                config: json!({"operations": ["map"]}),
                capabilities: json!([]),
                parameters: json!({}),
                max_execution_time: Some(300),
                max_memory_mb: Some(512),
                max_concurrent_executions: Some(1),
                total_executions: 0,
                successful_executions: 0,
                failed_executions: 0,
                avg_execution_time_ms: 0,
                tags: Some(vec!["bench".into()]),
                is_public: false,
                is_template: false,
                created_at: at,
                updated_at: at,
                deleted_at: None,
            }
        })
        .collect();
    let logs: Vec<ExecutionLog> = (0..n_logs)
        .map(|i| {
            let run = &executions[i / LOGS_PER_RUN];
            let at = run.created_at.add_millis((i % LOGS_PER_RUN) as i64);
            ExecutionLog {
                id: new_id(),
                execution_id: run.id,
                workflow_step_id: None,
                level: LogLevel::Info,
                message: format!("step a completed item {i}"),
                metadata: json!({"attempt": 1, "index": i}),
                step_key: Some("a".into()),
                step_status: Some(StepStatus::Completed),
                step_started_at: Some(at),
                step_completed_at: Some(at.add_millis(1)),
                step_duration_ms: Some(1),
                created_at: at,
            }
        })
        .collect();
    svc.store()
        .write(|tx| {
            row::insert(tx, &workflow)?;
            row::insert_many(tx, executions.iter())?;
            row::insert_many(tx, agents.iter())?;
            row::insert_many(tx, logs.iter())?;
            Ok(())
        })
        .unwrap();
    (svc, Data { user, workflow, executions, agents, logs })
}

/// A new far database with the ten tables (`sync init`) in `public`.
fn far_db() -> String {
    let url = postgres::database();
    postgres::block_on(async {
        let mut c = connect(&SyncConfig::parse(&url).unwrap()).await.unwrap();
        init(&mut c, "public").await.unwrap();
    });
    url
}

fn drop_db(url: &str) {
    let name = url.rsplit('/').next().unwrap().to_string();
    let admin = postgres::server().url("postgres");
    postgres::block_on(async {
        let c = connect(&SyncConfig::parse(&admin).unwrap()).await.unwrap();
        c.batch_execute(&format!("DROP DATABASE \"{name}\" WITH (FORCE)")).await.unwrap();
    });
}

fn runtime() -> tokio::runtime::Runtime {
    // As the CLI's `turbocat sync`: a current-thread runtime, SQLite work inline.
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

// ---------------------------------------------------------------------------------------------
// Binary COPY baseline

/// A typed far value for binary COPY.
#[derive(Debug)]
enum V {
    Null,
    Uuid(Uuid),
    Text(String),
    Int(i32),
    Bool(bool),
    Json(Json),
    Ts(SystemTime),
    TextArray(Vec<String>),
    Enum(&'static str),
}

impl ToSql for V {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            V::Null => Ok(IsNull::Yes),
            V::Uuid(v) => v.to_sql(ty, out),
            V::Text(v) => v.to_sql(ty, out),
            V::Int(v) => v.to_sql(ty, out),
            V::Bool(v) => v.to_sql(ty, out),
            V::Json(v) => v.to_sql(ty, out),
            V::Ts(v) => v.to_sql(ty, out),
            V::TextArray(v) => v.to_sql(ty, out),
            // An enum's binary form is its label.
            V::Enum(v) => {
                out.extend_from_slice(v.as_bytes());
                Ok(IsNull::No)
            }
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

fn ts(t: Timestamp) -> V {
    V::Ts(UNIX_EPOCH + Duration::from_millis(t.millis() as u64))
}
fn opt_ts(t: Option<Timestamp>) -> V {
    t.map(ts).unwrap_or(V::Null)
}
fn opt_text(s: &Option<String>) -> V {
    s.clone().map(V::Text).unwrap_or(V::Null)
}
fn opt_int(n: Option<i64>) -> V {
    n.map(|n| V::Int(n as i32)).unwrap_or(V::Null)
}
fn int(n: i64) -> V {
    V::Int(n as i32)
}
fn opt_list(l: &Option<Vec<String>>) -> V {
    l.clone().map(V::TextArray).unwrap_or(V::Null)
}

/// One far table's rows in sync's column order: every column the push sends, so both paths
/// write the same values.
struct CopyTable {
    table: SyncTable,
    rows: Vec<Vec<V>>,
}

fn copy_tables(d: &Data) -> Vec<CopyTable> {
    let all = SyncTable::all();
    let table = |name: &str| all.iter().find(|t| t.name == name).unwrap().clone();
    let build = |name: &str, n: usize, value: &dyn Fn(usize, &str) -> V| {
        let t = table(name);
        let rows = (0..n).map(|i| t.cols.iter().map(|c| value(i, c.name)).collect()).collect();
        CopyTable { table: t, rows }
    };
    let u = &d.user;
    let users = build("users", 1, &|_, c| match c {
        "id" => V::Uuid(u.id),
        "email" => V::Text(u.email.clone()),
        "password_hash" => opt_text(&u.password_hash),
        "full_name" => opt_text(&u.full_name),
        "avatar_url" => opt_text(&u.avatar_url),
        "role" => V::Enum(u.role.as_str()),
        "is_active" => V::Bool(u.is_active),
        "email_verified" => V::Bool(u.email_verified),
        "email_verified_at" => opt_ts(u.email_verified_at),
        "last_login_at" => opt_ts(u.last_login_at),
        "preferences" => V::Json(u.preferences.clone()),
        "created_at" => ts(u.created_at),
        "updated_at" => ts(u.updated_at),
        "deleted_at" => opt_ts(u.deleted_at),
        other => panic!("users.{other}"),
    });
    let w = &d.workflow;
    let workflows = build("workflows", 1, &|_, c| match c {
        "id" => V::Uuid(w.id),
        "name" => V::Text(w.name.clone()),
        "description" => opt_text(&w.description),
        "user_id" => V::Uuid(w.user_id),
        "status" => V::Enum(w.status.as_str()),
        "version" => int(w.version),
        "parent_id" => w.parent_id.map(V::Uuid).unwrap_or(V::Null),
        "definition" => V::Json(w.definition.clone()),
        "trigger_config" => V::Json(w.trigger_config.clone()),
        "schedule_enabled" => V::Bool(w.schedule_enabled),
        "schedule_cron" => opt_text(&w.schedule_cron),
        "schedule_timezone" => V::Text(w.schedule_timezone.clone()),
        "total_executions" => int(w.total_executions),
        "successful_executions" => int(w.successful_executions),
        "failed_executions" => int(w.failed_executions),
        "avg_execution_time_ms" => int(w.avg_execution_time_ms),
        "last_execution_at" => opt_ts(w.last_execution_at),
        "tags" => opt_list(&w.tags),
        "is_public" => V::Bool(w.is_public),
        "created_at" => ts(w.created_at),
        "updated_at" => ts(w.updated_at),
        "deleted_at" => opt_ts(w.deleted_at),
        other => panic!("workflows.{other}"),
    });
    let executions = build("executions", d.executions.len(), &|i, c| {
        let e = &d.executions[i];
        match c {
            "id" => V::Uuid(e.id),
            "workflow_id" => V::Uuid(e.workflow_id),
            "user_id" => V::Uuid(e.user_id),
            "status" => V::Enum(e.status.as_str()),
            "trigger_type" => V::Enum(e.trigger_type.as_str()),
            "trigger_data" => V::Json(e.trigger_data.clone()),
            "started_at" => opt_ts(e.started_at),
            "completed_at" => opt_ts(e.completed_at),
            "duration_ms" => opt_int(e.duration_ms),
            "input_data" => V::Json(e.input_data.clone()),
            "output_data" => V::Json(e.output_data.clone()),
            "steps_completed" => int(e.steps_completed),
            "steps_failed" => int(e.steps_failed),
            "steps_total" => int(e.steps_total),
            "error_message" => opt_text(&e.error_message),
            "error_stack" => opt_text(&e.error_stack),
            "created_at" => ts(e.created_at),
            "updated_at" => ts(e.updated_at),
            other => panic!("executions.{other}"),
        }
    });
    let agents = build("agents", d.agents.len(), &|i, c| {
        let a = &d.agents[i];
        match c {
            "id" => V::Uuid(a.id),
            "name" => V::Text(a.name.clone()),
            "description" => opt_text(&a.description),
            "type" => V::Enum(a.agent_type.as_str()),
            "status" => V::Enum(a.status.as_str()),
            "version" => int(a.version),
            "parent_id" => a.parent_id.map(V::Uuid).unwrap_or(V::Null),
            "user_id" => V::Uuid(a.user_id),
            "config" => V::Json(a.config.clone()),
            "capabilities" => V::Json(a.capabilities.clone()),
            "parameters" => V::Json(a.parameters.clone()),
            "max_execution_time" => opt_int(a.max_execution_time),
            "max_memory_mb" => opt_int(a.max_memory_mb),
            "max_concurrent_executions" => opt_int(a.max_concurrent_executions),
            "total_executions" => int(a.total_executions),
            "successful_executions" => int(a.successful_executions),
            "failed_executions" => int(a.failed_executions),
            "avg_execution_time_ms" => int(a.avg_execution_time_ms),
            "tags" => opt_list(&a.tags),
            "is_public" => V::Bool(a.is_public),
            "is_template" => V::Bool(a.is_template),
            "created_at" => ts(a.created_at),
            "updated_at" => ts(a.updated_at),
            "deleted_at" => opt_ts(a.deleted_at),
            other => panic!("agents.{other}"),
        }
    });
    let logs = build("execution_logs", d.logs.len(), &|i, c| {
        let l = &d.logs[i];
        match c {
            "id" => V::Uuid(l.id),
            "execution_id" => V::Uuid(l.execution_id),
            "workflow_step_id" => l.workflow_step_id.map(V::Uuid).unwrap_or(V::Null),
            "level" => V::Enum(l.level.as_str()),
            "message" => V::Text(l.message.clone()),
            "metadata" => V::Json(l.metadata.clone()),
            "step_key" => opt_text(&l.step_key),
            "step_status" => l.step_status.map(|s| V::Enum(s.as_str())).unwrap_or(V::Null),
            "step_started_at" => opt_ts(l.step_started_at),
            "step_completed_at" => opt_ts(l.step_completed_at),
            "step_duration_ms" => opt_int(l.step_duration_ms),
            "created_at" => ts(l.created_at),
            other => panic!("execution_logs.{other}"),
        }
    });
    // Parents first, as the foreign keys need.
    vec![users, workflows, executions, agents, logs]
}

/// Rows and time per table.
type PerTable = Vec<(&'static str, u64, Duration)>;

/// Binary COPY of every table into the far database at `url`; the time per table.
async fn copy_all(url: &str, tables: &[CopyTable]) -> PerTable {
    let client = connect(&SyncConfig::parse(url).unwrap()).await.unwrap();
    let enums: BTreeMap<String, Type> = client
        .query(
            "SELECT t.oid, t.typname::text FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
             WHERE n.nspname = 'public' AND t.typtype = 'e'",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let name: String = r.get(1);
            (name.clone(), Type::new(name, r.get(0), PgKind::Enum(vec![]), "public".into()))
        })
        .collect();
    let mut out = Vec::new();
    for ct in tables {
        let t = &ct.table;
        let types: Vec<Type> = t
            .cols
            .iter()
            .map(|c| match c.kind {
                Kind::Uuid => Type::UUID,
                Kind::Text => Type::TEXT,
                Kind::Int => Type::INT4,
                Kind::Bool => Type::BOOL,
                Kind::Json => Type::JSONB,
                Kind::Timestamp => Type::TIMESTAMP,
                Kind::TextArray => Type::TEXT_ARRAY,
                Kind::Hundredths => Type::NUMERIC,
                Kind::Enum(name) => enums[name].clone(),
            })
            .collect();
        let started = Instant::now();
        let sink = client
            .copy_in(&format!("COPY public.\"{}\" ({}) FROM STDIN (FORMAT binary)", t.name, t.col_list()))
            .await
            .unwrap();
        let writer = BinaryCopyInWriter::new(sink, &types);
        let mut writer = std::pin::pin!(writer);
        let mut refs: Vec<&(dyn ToSql + Sync)> = Vec::with_capacity(types.len());
        for r in &ct.rows {
            refs.clear();
            refs.extend(r.iter().map(|v| v as &(dyn ToSql + Sync)));
            writer.as_mut().write(&refs).await.unwrap();
        }
        let n = writer.finish().await.unwrap();
        out.push((t.name, n, started.elapsed()));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Push and sync through the real session

/// Time spent per table, from the progress callbacks (each report closes a batch).
#[derive(Default)]
struct Spans {
    last: Option<Instant>,
    per_table: BTreeMap<(&'static str, &'static str), Duration>,
}

impl Spans {
    fn start(&mut self) {
        self.last = Some(Instant::now());
    }
    fn on(&mut self, phase: Phase, table: &'static str) {
        let now = Instant::now();
        let phase = match phase {
            Phase::Push => "push",
            Phase::Pull => "pull",
            Phase::Reconcile => "reconcile",
        };
        *self.per_table.entry((phase, table)).or_default() += now - self.last.unwrap_or(now);
        self.last = Some(now);
    }
}

struct PushRun {
    open: Duration,
    total: Duration,
    pushed: Pushed,
    spans: Spans,
}

/// The push's options: the defaults, or `BENCH_SYNC_BATCH` rows per batch and
/// `BENCH_SYNC_COPY_MIN` (the batch size from which a session connection uses COPY).
fn push_options() -> Options {
    let d = Options::default();
    Options {
        batch: env_usize("BENCH_SYNC_BATCH", d.batch),
        copy_min_rows: env_usize("BENCH_SYNC_COPY_MIN", d.copy_min_rows),
        ..d
    }
}

/// `Session::open` + `push` into the far database at `url`.
fn push_once(svc: &Services, url: &str) -> PushRun {
    let cfg = SyncConfig::parse(url).unwrap();
    runtime().block_on(async {
        let mut spans = Spans::default();
        let started = Instant::now();
        let mut s = Session::open(&cfg, svc.store(), push_options()).await.unwrap();
        let open = started.elapsed();
        spans.start();
        let pushed = s.push(&mut |p| spans.on(p.phase, p.table)).await.unwrap();
        PushRun { open, total: started.elapsed(), pushed, spans }
    })
}

struct SyncRun {
    open: Duration,
    pull: Duration,
    push: Duration,
    status: Duration,
    pulled: Pulled,
    pushed: Pushed,
}

impl SyncRun {
    fn total(&self) -> Duration {
        self.open + self.pull + self.push + self.status
    }
    /// Far rows the pull read (written or found unchanged).
    fn pulled_rows(&self) -> u64 {
        self.pulled.rows.values().sum::<u64>() + self.pulled.unchanged
    }
}

/// `Session::open` + `pull` + `push` + the local status, as `turbocat sync` runs them.
fn sync_once(svc: &Services, url: &str, reconcile: bool) -> SyncRun {
    let cfg = SyncConfig::parse(url).unwrap();
    runtime().block_on(async {
        let t = Instant::now();
        let mut s = Session::open(&cfg, svc.store(), Options { reconcile, ..Options::default() }).await.unwrap();
        let open = t.elapsed();
        let t = Instant::now();
        let pulled = s.pull(&mut |_| {}).await.unwrap();
        let pull = t.elapsed();
        let t = Instant::now();
        let pushed = s.push(&mut |_| {}).await.unwrap();
        let push = t.elapsed();
        // The local status the CLI and the app report after a sync (`session::run`).
        let t = Instant::now();
        turbocat_sync::session::status(svc.store()).unwrap();
        let status = t.elapsed();
        SyncRun { open, pull, push, status, pulled, pushed }
    })
}

fn edit_agents(svc: &Services, ids: &[Uuid], round: usize) {
    for (k, id) in ids.iter().enumerate() {
        svc.agents()
            .update(*id, UpdateAgent { description: Some(Some(format!("edit {round}.{k}"))), ..Default::default() })
            .unwrap();
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn pct(samples: &[f64], q: f64) -> f64 {
    let mut s = samples.to_vec();
    s.sort_by(|a, b| a.partial_cmp(b).unwrap());
    s[((s.len() as f64 * q) as usize).min(s.len() - 1)]
}

fn rate(rows: u64, d: Duration) -> f64 {
    rows as f64 / d.as_secs_f64()
}

/// Initial push vs binary COPY, best of `rounds` each; returns the far database of the last push
/// (kept for the incremental measurements).
fn initial_push(svc: &Services, data: &Data, rounds: usize) -> String {
    let tables = copy_tables(data);
    let copy_rows: u64 = tables.iter().map(|t| t.rows.len() as u64).sum();
    let mut best_push: Option<PushRun> = None;
    let mut best_copy: Option<(Duration, PerTable)> = None;
    let mut keep = String::new();
    for round in 0..rounds {
        // A new far database is a new target: the whole file is pending again.
        let url = far_db();
        let run = push_once(svc, &url);
        if best_push.as_ref().is_none_or(|b| run.total < b.total) {
            best_push = Some(run);
        }
        if round + 1 < rounds {
            drop_db(&url);
        } else {
            keep = url;
        }
        let url = far_db();
        let per_table = postgres::block_on(copy_all(&url, &tables));
        let total: Duration = per_table.iter().map(|(_, _, d)| *d).sum();
        assert_eq!(per_table.iter().map(|(_, n, _)| n).sum::<u64>(), copy_rows);
        if best_copy.as_ref().is_none_or(|(b, _)| total < *b) {
            best_copy = Some((total, per_table));
        }
        drop_db(&url);
    }
    let push = best_push.unwrap();
    let (copy, copy_tables) = best_copy.unwrap();
    let pushed_rows: u64 = push.pushed.rows.values().sum();
    let per = |name: &str| push.pushed.rows.get(name).copied().unwrap_or(0);
    assert_eq!(per("execution_logs"), data.logs.len() as u64);
    assert_eq!(per("agents"), data.agents.len() as u64);
    let push_span = |name: &'static str| push.spans.per_table.get(&("push", name)).copied().unwrap_or_default();
    let copy_span = |name: &str| copy_tables.iter().find(|(t, _, _)| *t == name).unwrap();
    println!(
        "| initial push of {pushed_rows} rows ({} execution_logs, {} agents, {} parents{}), Session::open + push | {:.2} s | {:.0} rows/s (open {:.0} ms) |",
        data.logs.len(),
        data.agents.len(),
        data.executions.len() + 2,
        match pushed_rows as usize - data.rows() {
            0 => String::new(),
            n => format!(", {n} audit_logs"),
        },
        push.total.as_secs_f64(),
        rate(pushed_rows, push.total),
        ms(push.open)
    );
    println!(
        "| binary COPY of the same {copy_rows} rows, typed values in memory | {:.2} s | {:.0} rows/s |",
        copy.as_secs_f64(),
        rate(copy_rows, copy)
    );
    println!("| push / COPY | {:.0}% | | goal >= 60% |", 100.0 * rate(pushed_rows, push.total) / rate(copy_rows, copy));
    for name in ["execution_logs", "agents"] {
        let (_, n, d) = copy_span(name);
        let p = push_span(name);
        println!(
            "| … {name} alone: push {:.2} s ({:.0} rows/s), COPY {:.2} s ({:.0} rows/s) | {:.0}% | | |",
            p.as_secs_f64(),
            rate(per(name), p),
            d.as_secs_f64(),
            rate(*n, *d),
            100.0 * rate(per(name), p) / rate(*n, *d)
        );
    }
    keep
}

/// The sync after the upload, then `reps` incremental syncs of 10 edited agents, then a few
/// with the id-set reconciliation.
fn incremental(svc: &Services, data: &Data, url: &str, reps: usize) {
    let size = data.rows();
    let catch_up = sync_once(svc, url, false);
    println!(
        "| first sync after the upload, {size} rows | {:.2} s | pulled back {} rows (open {:.0} ms, pull {:.2} s, push {:.0} ms){} |",
        catch_up.total().as_secs_f64(),
        catch_up.pulled_rows(),
        ms(catch_up.open),
        catch_up.pull.as_secs_f64(),
        ms(catch_up.push),
        if catch_up.pulled.reconciled { ", with the id-set reconciliation" } else { "" }
    );
    let ids: Vec<Uuid> = data.agents.iter().take(EDITED).map(|a| a.id).collect();
    // Warm-up: the look-back window then holds what a steady state holds.
    for w in 0..3 {
        edit_agents(svc, &ids, 1000 + w);
        sync_once(svc, url, false);
    }
    let mut total = Vec::new();
    let (mut open, mut pull, mut push, mut status, mut read) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut reconciled = 0;
    for r in 0..reps {
        edit_agents(svc, &ids, r);
        let run = sync_once(svc, url, false);
        assert_eq!(run.pushed.rows.get("agents").copied(), Some(EDITED as u64), "{:?}", run.pushed);
        assert_eq!(run.pushed.conflicts + run.pulled.conflicts, 0);
        reconciled += run.pulled.reconciled as usize;
        total.push(ms(run.total()));
        open.push(ms(run.open));
        pull.push(ms(run.pull));
        push.push(ms(run.push));
        status.push(ms(run.status));
        read.push(run.pulled_rows() as f64);
    }
    println!(
        "| incremental sync of {EDITED} edited agents, {size} rows (open + pull + push + status), {reps} runs | p50 {:.1} ms | p95 {:.1} ms; p50 open {:.1} / pull {:.1} / push {:.1} / status {:.1} ms; pull re-read {:.0} rows (p50){} | goal <= 100 ms |",
        pct(&total, 0.5),
        pct(&total, 0.95),
        pct(&open, 0.5),
        pct(&pull, 0.5),
        pct(&push, 0.5),
        pct(&status, 0.5),
        pct(&read, 0.5),
        if reconciled > 0 { format!("; {reconciled} run(s) reconciled") } else { String::new() }
    );
    let mut rec = Vec::new();
    let mut rec_pull = Vec::new();
    for r in 0..3 {
        edit_agents(svc, &ids, 2000 + r);
        let run = sync_once(svc, url, true);
        assert!(run.pulled.reconciled);
        rec.push(ms(run.total()));
        rec_pull.push(ms(run.pull));
    }
    println!(
        "| same sync with the id-set reconciliation (every 10 min, or `--reconcile`), {size} rows, 3 runs | p50 {:.1} ms | pull {:.1} ms (p50) | |",
        pct(&rec, 0.5),
        pct(&rec_pull, 0.5)
    );
}

fn main() {
    let n_logs = env_usize("BENCH_SYNC_LOGS", 1_000_000);
    let n_agents = env_usize("BENCH_SYNC_AGENTS", 100_000);
    let reps = env_usize("BENCH_SYNC_REPS", 20).max(1);
    let rounds = env_usize("BENCH_SYNC_ROUNDS", 2).max(1);
    let server = postgres::server();
    eprintln!("Postgres on port {} (started in {:.1} s)", server.port, server.started_in.as_secs_f64());
    let dir = tempfile::tempdir().unwrap();

    let t = Instant::now();
    let (svc, data) = make_local(dir.path(), "full.sqlite", n_logs, n_agents);
    eprintln!("local file of {} rows made in {:.1} s", data.rows(), t.elapsed().as_secs_f64());

    println!("| measurement | result | rate / detail | goal |");
    println!("|---|---|---|---|");
    let url = initial_push(&svc, &data, rounds);
    incremental(&svc, &data, &url, reps);
    drop(svc);
    drop(data);
    drop_db(&url);

    // A tenth of the size: the incremental sync should not depend on it.
    let (svc, data) = make_local(dir.path(), "small.sqlite", n_logs / 10, n_agents / 10);
    let url = far_db();
    sync_once(&svc, &url, false);
    incremental(&svc, &data, &url, reps);
}
