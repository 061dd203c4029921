//! What the workflow engine records (`docs/engine.md`, "What is recorded"): the plan it reads,
//! the execution row through pending → running → terminal, step logs, and the final status with
//! the counters of the workflow and of each agent that ran a step, in one transaction. Also the
//! recovery at open: runs left pending or running by a process that is gone are marked failed
//! with [`INTERRUPTED`].
//!
//! Each run's owning process is kept in the local `app_settings` table (`run_owners`), written
//! with the execution row and removed with its final status, so a second process on the same
//! file (the CLI beside the app) never marks a live run as interrupted.

use crate::executions::{count_finished, CreateExecution};
use crate::{now, Actor};
use serde_json::{json, Map, Value as Json};
use turbocat_domain::{
    new_id, Agent, Error, Execution, ExecutionLog, ExecutionStatus, LogLevel, Result, StepStatus, TriggerType, Uuid,
    Workflow, WorkflowStep,
};
use turbocat_store::queries::{self, settings, uuid_value, Filter};
use turbocat_store::row;

pub struct Runs<'a>(pub(crate) Actor<'a>);

/// The message of a run that the app's stopping cut short.
pub const INTERRUPTED: &str = "Interrupted: the app stopped during this run";

const OWNERS_KEY: &str = "run_owners";

/// What a run needs to know before it starts: the workflow, its steps, the agents they use.
#[derive(Debug, Clone)]
pub struct RunPlan {
    pub workflow: Workflow,
    pub steps: Vec<WorkflowStep>,
    /// The agents the steps name, visible and not deleted (a step whose agent is missing is
    /// reported when it runs).
    pub agents: Vec<Agent>,
}

#[derive(Debug, Clone, Default)]
pub struct StartRun {
    pub workflow_id: Uuid,
    pub trigger_type: Option<TriggerType>,
    pub trigger_data: Option<Json>,
    /// Already checked against the declared inputs, defaults filled.
    pub input_data: Json,
}

/// A finished execution to run again: the row and the steps that completed in it with their
/// kept outputs (step key, output), in the order they completed.
#[derive(Debug, Clone)]
pub struct RerunSource {
    pub execution: Execution,
    pub completed: Vec<(String, Json)>,
}

/// An enabled schedule, as the engine's scheduler reads it. `catch_up` is the workflow's
/// `trigger_config.catchUp` (default false): run once at start when a run was missed while the
/// app was closed.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleEntry {
    pub workflow_id: Uuid,
    pub cron: String,
    pub timezone: String,
    pub catch_up: bool,
    /// The latest scheduled execution of the workflow, if any.
    pub last_scheduled_at: Option<turbocat_domain::Timestamp>,
    pub created_at: turbocat_domain::Timestamp,
}

/// One agent's part in a finished run: a step it ran, how long, and whether it succeeded.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentUse {
    pub agent_id: Uuid,
    pub duration_ms: i64,
    pub succeeded: bool,
}

#[derive(Debug, Clone)]
pub struct FinishRun {
    pub execution_id: Uuid,
    /// A terminal status.
    pub status: ExecutionStatus,
    pub output_data: Json,
    pub error_message: Option<String>,
    pub error_stack: Option<String>,
    pub steps_completed: i64,
    pub steps_failed: i64,
    pub agents: Vec<AgentUse>,
    /// Log rows written in the same transaction (the last step rows, the closing line).
    pub logs: Vec<ExecutionLog>,
    /// A user's cancel: adds the `Execution cancelled by user` line and an audit row.
    pub cancelled_by_user: bool,
}

/// Whether a process is still running. Our own process always is.
fn process_alive(pid: u64) -> bool {
    if pid == u64::from(std::process::id()) {
        return true;
    }
    #[cfg(target_os = "linux")]
    {
        std::path::Path::new(&format!("/proc/{pid}")).exists()
    }
    #[cfg(all(unix, not(target_os = "linux")))]
    {
        std::process::Command::new("kill")
            .args(["-0", &pid.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    }
    #[cfg(not(unix))]
    {
        false
    }
}

fn owners(conn: &rusqlite::Connection) -> Result<Map<String, Json>> {
    Ok(settings::get(conn, OWNERS_KEY)?.and_then(|v| v.as_object().cloned()).unwrap_or_default())
}

fn set_owners(conn: &rusqlite::Connection, m: Map<String, Json>) -> Result<()> {
    settings::set(conn, OWNERS_KEY, &Json::Object(m))?;
    Ok(())
}

fn remove_owner(conn: &rusqlite::Connection, id: Uuid) -> Result<()> {
    let mut m = owners(conn)?;
    if m.remove(&id.to_string()).is_some() {
        set_owners(conn, m)?;
    }
    Ok(())
}

/// A log row of the run as a whole (no step).
pub fn run_log(execution_id: Uuid, level: LogLevel, message: impl Into<String>, metadata: Json) -> ExecutionLog {
    ExecutionLog {
        id: new_id(),
        execution_id,
        workflow_step_id: None,
        level,
        message: message.into(),
        metadata,
        step_key: None,
        step_status: None,
        step_started_at: None,
        step_completed_at: None,
        step_duration_ms: None,
        created_at: now(),
    }
}

/// Agent counters after the steps they ran (`docs/rules.md`, "Counters"), in the caller's
/// transaction: each use in turn, as if counted one by one, but each agent read and written
/// once (a run of 10,000 steps of one agent is one update, not 10,000).
fn count_agents(conn: &rusqlite::Connection, uses: &[AgentUse], at: turbocat_domain::Timestamp) -> Result<()> {
    // Each agent's uses, agents in the order they first appear.
    let mut groups: Vec<(Uuid, Vec<&AgentUse>)> = Vec::new();
    let mut at_group: std::collections::HashMap<Uuid, usize> = std::collections::HashMap::new();
    for u in uses {
        let g = *at_group.entry(u.agent_id).or_insert_with(|| {
            groups.push((u.agent_id, Vec::new()));
            groups.len() - 1
        });
        groups[g].1.push(u);
    }
    for (id, group) in groups {
        let Some(mut a) = row::get::<Agent>(conn, id)? else { continue };
        for u in group {
            a.avg_execution_time_ms = ((a.avg_execution_time_ms as f64 * a.total_executions as f64
                + u.duration_ms as f64)
                / (a.total_executions + 1) as f64)
                .round() as i64;
            a.total_executions += 1;
            if u.succeeded {
                a.successful_executions += 1;
            } else {
                a.failed_executions += 1;
            }
        }
        a.updated_at = at;
        row::update(conn, &a)?;
    }
    Ok(())
}

impl Runs<'_> {
    /// The workflow (visible to the current user), its steps and their agents, in one snapshot.
    pub fn plan(&self, workflow_id: Uuid) -> Result<RunPlan> {
        let me = self.0.user_id;
        self.0.store().read(|c| {
            let workflow = crate::access::visible::<turbocat_domain::Workflow>(c, me, workflow_id)?;
            let steps = queries::steps_of(c, workflow_id)?;
            let mut agents: Vec<Agent> = Vec::new();
            for id in steps.iter().filter_map(|s| s.agent_id) {
                if agents.iter().any(|a| a.id == id) {
                    continue;
                }
                if let Some(a) = row::get::<Agent>(c, id)? {
                    if crate::access::can_see(&a, me) {
                        agents.push(a);
                    }
                }
            }
            Ok(RunPlan { workflow, steps, agents })
        })
    }

    /// Creates the pending execution (the rules of `executions().create`, with its audit row) and
    /// records this process as its owner, in one transaction.
    pub fn create(&self, s: StartRun) -> Result<Execution> {
        self.0.store().write(|tx| {
            let e = self.0.executions().create_in(
                tx,
                CreateExecution {
                    workflow_id: s.workflow_id,
                    trigger_type: s.trigger_type,
                    trigger_data: s.trigger_data,
                    input_data: Some(s.input_data),
                },
            )?;
            let mut m = owners(tx)?;
            m.insert(e.id.to_string(), json!({ "pid": std::process::id() }));
            set_owners(tx, m)?;
            Ok(e)
        })
    }

    /// pending → running, with started_at and the opening log line.
    pub fn begin(&self, id: Uuid, opening: ExecutionLog) -> Result<Execution> {
        self.0.store().write(|tx| {
            let mut e = row::get::<Execution>(tx, id)?.ok_or_else(|| Error::not_found("Execution"))?;
            if e.status != ExecutionStatus::Pending {
                return Err(Error::bad_request(format!("Cannot start execution in \"{}\" status", e.status)));
            }
            let t = now();
            e.status = ExecutionStatus::Running;
            e.started_at = Some(t);
            e.updated_at = t;
            row::update(tx, &e)?;
            row::insert(tx, &opening)?;
            Ok(e)
        })
    }

    /// Appends step log rows in one transaction.
    pub fn append_logs(&self, logs: &[ExecutionLog]) -> Result<usize> {
        self.0.executions().append_logs(logs)
    }

    /// The stored status of an execution (a cancel from another process shows here).
    pub fn status(&self, id: Uuid) -> Result<ExecutionStatus> {
        // The status column only: a run polls it every 250 ms, and its input_data can be MBs.
        self.0.store().read(|c| {
            let s = turbocat_store::queries::lookups::execution_status(c, id)?;
            let s = s.ok_or_else(|| Error::not_found("Execution"))?;
            s.parse().map_err(|_| Error::internal(format!("unknown execution status {s:?}")))
        })
    }

    /// The final status, output, counters of the workflow and of each agent that ran a step,
    /// and the last log rows, in one transaction. When the execution was already ended from
    /// outside (the executions service's cancel), its status, time and workflow counters stay
    /// as that cancel wrote them; the run's output, step counts, logs and agent counters are
    /// still recorded.
    pub fn finish(&self, f: FinishRun) -> Result<Execution> {
        if !f.status.is_terminal() {
            return Err(Error::internal(format!("finish with a non-terminal status {}", f.status)));
        }
        self.0.store().write(|tx| {
            let before = row::get::<Execution>(tx, f.execution_id)?.ok_or_else(|| Error::not_found("Execution"))?;
            let t = now();
            let mut e = before.clone();
            e.output_data = f.output_data;
            e.steps_completed = f.steps_completed;
            e.steps_failed = f.steps_failed;
            e.updated_at = t;
            let already_ended = before.status.is_terminal();
            if !already_ended {
                e.status = f.status;
                e.completed_at = Some(t);
                e.duration_ms = Some(e.started_at.map(|s| (t.millis() - s.millis()).max(0)).unwrap_or(0));
                e.error_message = f.error_message;
                e.error_stack = f.error_stack;
            }
            row::update(tx, &e)?;
            row::insert_many(tx, f.logs.iter())?;
            if !already_ended {
                if f.cancelled_by_user {
                    row::insert(tx, &run_log(e.id, LogLevel::Warn, "Execution cancelled by user", json!({})))?;
                    self.0.audit_row(tx, "execution.cancel", "execution", Some(e.id), crate::changes(&before, &e))?;
                }
                count_finished(tx, &e)?;
            }
            count_agents(tx, &f.agents, t)?;
            remove_owner(tx, e.id)?;
            Ok(e)
        })
    }

    /// What a re-run of execution `id` needs (`docs/engine.md`, "Triggers"): the original row
    /// (visible to the current user, finished) and the steps that completed in it, each with its
    /// output from `output_data` when it was kept whole (not a truncated preview).
    pub fn rerun_source(&self, id: Uuid) -> Result<RerunSource> {
        let me = self.0.user_id;
        self.0.store().read(|c| {
            let e = row::get::<Execution>(c, id)?
                .filter(|e| crate::access::readable(e, me))
                .ok_or_else(|| Error::not_found("Execution"))?;
            if !e.status.is_terminal() {
                return Err(Error::bad_request(format!(
                    "Cannot re-run execution in \"{}\" status: it has not finished",
                    e.status
                )));
            }
            let mut f = Filter::new();
            f.eq("execution_id", uuid_value(id));
            f.and("step_key IS NOT NULL AND step_status IS NOT NULL", []);
            let logs = queries::all::<ExecutionLog>(c, &f, "created_at ASC, id ASC")?;
            let mut latest: Vec<(String, StepStatus)> = Vec::new();
            for l in logs {
                let (Some(k), Some(s)) = (l.step_key, l.step_status) else { continue };
                match latest.iter_mut().find(|x| x.0 == k) {
                    Some(x) => x.1 = s,
                    None => latest.push((k, s)),
                }
            }
            let completed = latest
                .into_iter()
                .filter(|(_, s)| *s == StepStatus::Completed)
                .filter_map(|(k, _)| {
                    let out = e.output_data.get(&k)?;
                    let truncated =
                        out.get("truncated").and_then(Json::as_bool) == Some(true) && out.get("preview").is_some();
                    (!truncated).then(|| (k, out.clone()))
                })
                .collect();
            Ok(RerunSource { execution: e, completed })
        })
    }

    /// The current user's enabled schedules (`schedule_enabled`, a cron set, the workflow active
    /// and not deleted), each with the time of its workflow's latest scheduled execution.
    pub fn schedules(&self) -> Result<Vec<ScheduleEntry>> {
        let me = self.0.user_id;
        self.0.store().read(|c| {
            let mut f = Filter::new();
            f.eq("user_id", uuid_value(me));
            f.and(
                "schedule_enabled = 1 AND schedule_cron IS NOT NULL AND deleted_at IS NULL AND status = 'active'",
                [],
            );
            let wfs = queries::all::<Workflow>(c, &f, "created_at ASC")?;
            let mut out = Vec::with_capacity(wfs.len());
            for w in wfs {
                let mut ef = Filter::new();
                ef.eq("workflow_id", uuid_value(w.id));
                ef.and("trigger_type = 'scheduled'", []);
                let last = queries::all::<Execution>(c, &ef, "created_at DESC LIMIT 1")?
                    .into_iter()
                    .next()
                    .map(|e| e.created_at);
                out.push(ScheduleEntry {
                    workflow_id: w.id,
                    cron: w.schedule_cron.clone().unwrap_or_default(),
                    timezone: w.schedule_timezone.clone(),
                    catch_up: w.trigger_config.get("catchUp").and_then(Json::as_bool).unwrap_or(false),
                    last_scheduled_at: last,
                    created_at: w.created_at,
                });
            }
            Ok(out)
        })
    }

    /// Marks every execution left pending or running by a process that is gone as failed with
    /// [`INTERRUPTED`], closes its steps left running, and counts it; one transaction. Returns
    /// the ids it marked.
    pub fn recover_interrupted(&self) -> Result<Vec<Uuid>> {
        self.0.store().write(|tx| {
            let mut f = Filter::new();
            f.and("status IN ('pending', 'running')", []);
            let open = queries::all::<Execution>(tx, &f, "created_at ASC")?;
            let mut owners = owners(tx)?;
            let mut marked = Vec::new();
            for before in open {
                let alive = owners
                    .get(&before.id.to_string())
                    .and_then(|o| o.get("pid"))
                    .and_then(Json::as_u64)
                    .is_some_and(process_alive);
                if alive {
                    continue;
                }
                let t = now();
                let mut e = before.clone();
                e.status = ExecutionStatus::Failed;
                e.completed_at = Some(t);
                e.duration_ms = Some(e.started_at.map(|s| (t.millis() - s.millis()).max(0)).unwrap_or(0));
                e.error_message = Some(INTERRUPTED.to_string());
                e.updated_at = t;
                for (key, step_id, started) in steps_left_running(tx, e.id)? {
                    e.steps_failed += 1;
                    row::insert(
                        tx,
                        &ExecutionLog {
                            id: new_id(),
                            execution_id: e.id,
                            workflow_step_id: step_id,
                            level: LogLevel::Error,
                            message: format!("Step \"{key}\" failed: {INTERRUPTED}"),
                            metadata: json!({ "error": INTERRUPTED }),
                            step_key: Some(key),
                            step_status: Some(StepStatus::Failed),
                            step_started_at: started,
                            step_completed_at: Some(t),
                            step_duration_ms: started.map(|s| (t.millis() - s.millis()).max(0)),
                            created_at: t,
                        },
                    )?;
                }
                row::update(tx, &e)?;
                row::insert(tx, &run_log(e.id, LogLevel::Error, INTERRUPTED, json!({})))?;
                count_finished(tx, &e)?;
                self.0.audit_row(tx, "execution.interrupt", "execution", Some(e.id), crate::changes(&before, &e))?;
                owners.remove(&e.id.to_string());
                marked.push(e.id);
            }
            // Drop owners of runs that are no longer open.
            let still_open: Vec<String> = owners.keys().cloned().collect();
            for k in still_open {
                let open = match k.parse::<Uuid>() {
                    Ok(id) => row::get::<Execution>(tx, id)?.is_some_and(|e| !e.status.is_terminal()),
                    Err(_) => false,
                };
                if !open {
                    owners.remove(&k);
                }
            }
            set_owners(tx, owners)?;
            Ok(marked)
        })
    }
}

/// A step left running: its key, step id and start.
type OpenStep = (String, Option<Uuid>, Option<turbocat_domain::Timestamp>);

/// Steps of an execution whose latest log row says running.
fn steps_left_running(conn: &rusqlite::Connection, id: Uuid) -> Result<Vec<OpenStep>> {
    let mut f = Filter::new();
    f.eq("execution_id", uuid_value(id));
    f.and("step_key IS NOT NULL AND step_status IS NOT NULL", []);
    let logs = queries::all::<ExecutionLog>(conn, &f, "created_at ASC, id ASC")?;
    let mut latest: Vec<(String, StepStatus, Option<Uuid>, Option<turbocat_domain::Timestamp>)> = Vec::new();
    for l in logs {
        let (Some(k), Some(s)) = (l.step_key, l.step_status) else { continue };
        match latest.iter_mut().find(|x| x.0 == k) {
            Some(x) => {
                x.1 = s;
                x.2 = l.workflow_step_id.or(x.2);
                x.3 = l.step_started_at.or(x.3);
            }
            None => latest.push((k, s, l.workflow_step_id, l.step_started_at)),
        }
    }
    Ok(latest.into_iter().filter(|x| x.1 == StepStatus::Running).map(|x| (x.0, x.2, x.3)).collect())
}
