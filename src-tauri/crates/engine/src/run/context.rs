//! A run's context ([`Run`]): what every part of a run reads, its log recorder, a step's
//! template scope, and [`Run::end_step`], the one path that ends a step.

use crate::agents::{self, AgentCtx, AgentEnv, AgentError, Produced};
use crate::bounds::{self, MAX_DEPTH, MAX_ERROR_BYTES};
use crate::events::RunEvent;
use crate::handle::{blocking, Host};
use crate::plan::{self, Graph};
use crate::template::{Budget, Root, Scope};
use crate::EngineConfig;
use serde_json::{json, Value as Json};
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc, oneshot};
use turbocat_domain::flow::config::{StepConfig, WorkflowDefinition};
use turbocat_domain::{
    new_id, Agent, Error, ExecutionLog, LogLevel, StepStatus, Timestamp, Uuid, Workflow, WorkflowStep,
};
use turbocat_services::Services;

/// Everything a run reads, shared by its scheduler and its step tasks.
pub(crate) struct Run {
    pub svc: Arc<Services>,
    pub cfg: EngineConfig,
    pub exec_id: Uuid,
    /// Whom the run is for; None: the local profile.
    pub as_user: Option<Uuid>,
    pub workflow: Workflow,
    /// The workflow's `definition`, read.
    pub definition: WorkflowDefinition,
    pub steps: Vec<WorkflowStep>,
    /// Each step's `config`, read (by index, as `steps`).
    pub configs: Vec<StepConfig>,
    pub agents: HashMap<Uuid, Agent>,
    pub graph: Graph,
    pub inputs: Arc<Json>,
    pub metadata: Arc<Json>,
    pub run_events: mpsc::UnboundedSender<RunEvent>,
    pub all_events: broadcast::Sender<RunEvent>,
    pub logs: mpsc::UnboundedSender<Rec>,
    pub env: AgentEnv,
    pub time_limit: Duration,
    /// The latest `created_at` of the run's log rows (ms).
    pub last_stamp: AtomicI64,
    /// For workflow agents: what starts their child runs.
    pub host: Arc<dyn Host>,
    /// The workflows from the root run down to this one (id, name).
    pub lineage: Arc<Vec<(Uuid, String)>>,
    /// A re-run from a failed step: the outputs it reuses.
    pub reuse: Option<Reuse>,
}

/// The outputs a re-run from a failed step reuses: by step key, from execution `from`.
pub(crate) struct Reuse {
    pub from: Uuid,
    pub outputs: HashMap<String, Json>,
}

/// A message to the log recorder.
pub(crate) enum Rec {
    Log(ExecutionLog),
    Flush(oneshot::Sender<Option<Error>>),
}

/// Starts a run's log recorder: it writes log rows in batches, in order; a flush answers once
/// every row sent before it is written (with the first write error, if any).
pub(crate) fn recorder(svc: Arc<Services>) -> mpsc::UnboundedSender<Rec> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Rec>();
    tokio::spawn(async move {
        let mut failed: Option<Error> = None;
        while let Some(first) = rx.recv().await {
            let mut batch = Vec::new();
            let mut flushes = Vec::new();
            let mut take = |m: Rec, batch: &mut Vec<ExecutionLog>| match m {
                Rec::Log(l) => batch.push(l),
                Rec::Flush(f) => flushes.push(f),
            };
            take(first, &mut batch);
            while batch.len() < 5000 {
                match rx.try_recv() {
                    Ok(m) => take(m, &mut batch),
                    Err(_) => break,
                }
            }
            if !batch.is_empty() {
                if let Err(e) = blocking(&svc, move |s| s.runs().append_logs(&batch)).await {
                    failed.get_or_insert(e);
                }
            }
            for f in flushes {
                let _ = f.send(failed.clone());
            }
        }
    });
    tx
}

/// How a step ended, for [`Run::end_step`].
pub(crate) enum StepEnd<'a> {
    Completed {
        output: &'a Json,
        attempts: u32,
    },
    /// A re-run from a failed step took its output from the original execution.
    Reused {
        output: &'a Json,
        from: Uuid,
    },
    /// `attempts` is None when the step never ran (stopped by the run's end, or its task failed).
    Failed {
        error: String,
        attempts: Option<u32>,
    },
    Skipped {
        reason: String,
    },
}

impl Run {
    pub fn emit(&self, e: RunEvent) {
        let _ = self.all_events.send(e.clone());
        let _ = self.run_events.send(e);
    }

    pub fn log(&self, l: ExecutionLog) {
        let _ = self.logs.send(Rec::Log(l));
    }

    pub async fn flush(&self) -> Option<Error> {
        let (tx, rx) = oneshot::channel();
        if self.logs.send(Rec::Flush(tx)).is_err() {
            return Some(Error::internal("the log recorder stopped"));
        }
        rx.await.unwrap_or_else(|_| Some(Error::internal("the log recorder stopped")))
    }

    /// The time of a new log row (`at`, or now), remembered so the closing line can come last.
    fn stamp(&self, at: Option<Timestamp>) -> Timestamp {
        let t = at.unwrap_or_else(Timestamp::now);
        self.last_stamp.fetch_max(t.millis(), Ordering::Relaxed);
        t
    }

    /// The newest `created_at` of the run's rows so far (ms).
    pub fn last_stamp(&self) -> i64 {
        self.last_stamp.load(Ordering::Relaxed)
    }

    pub fn bounded(&self, v: &Json) -> Json {
        bounds::bounded(v, self.cfg.log_output_limit)
    }

    pub fn key(&self, i: usize) -> &str {
        &self.steps[i].step_key
    }

    /// Runs step `i`'s agent on resolved inputs. What the agent reports on the way (a code
    /// agent's console, a child execution's id) becomes running rows of the step.
    pub async fn call_agent(
        &self,
        i: usize,
        started: Timestamp,
        agent: &Agent,
        inputs: Json,
    ) -> std::result::Result<Produced, AgentError> {
        let step = &self.steps[i];
        let log = |level: LogLevel, message: String, metadata: Json| {
            self.log(self.step_log(i, level, StepStatus::Running, message, metadata, started, None))
        };
        let cx = AgentCtx {
            env: &self.env,
            host: &*self.host,
            execution_id: self.exec_id,
            as_user: self.as_user,
            step_key: &step.step_key,
            lineage: &self.lineage,
            timeout: Duration::from_millis(step.timeout_ms.max(1) as u64),
            value_limit: self.cfg.value_limit,
            log: &log,
        };
        agents::run(&cx, agent, step, inputs).await
    }

    /// A log row of step `i`; `completed` for its closing row.
    #[allow(clippy::too_many_arguments)]
    pub fn step_log(
        &self,
        i: usize,
        level: LogLevel,
        status: StepStatus,
        message: String,
        metadata: Json,
        started: Timestamp,
        completed: Option<Timestamp>,
    ) -> ExecutionLog {
        let s = &self.steps[i];
        ExecutionLog {
            id: new_id(),
            execution_id: self.exec_id,
            workflow_step_id: Some(s.id),
            level,
            message,
            metadata,
            step_key: Some(s.step_key.clone()),
            step_status: Some(status),
            step_started_at: Some(started),
            step_completed_at: completed,
            step_duration_ms: completed.map(|c| (c.millis() - started.millis()).max(0)),
            created_at: self.stamp(completed),
        }
    }

    /// Ends step `i` (started at `started`, or now for a step that never ran): its
    /// `StepFinished` event, and its closing log row, which the caller writes (through the
    /// recorder, or with the run's last rows).
    pub fn end_step(&self, i: usize, started: Option<Timestamp>, end: StepEnd<'_>) -> ExecutionLog {
        let key = self.key(i);
        let now = Timestamp::now();
        let started = started.unwrap_or(now);
        let (status, level, message, metadata, error, reason) = match end {
            StepEnd::Completed { output, attempts } => (
                StepStatus::Completed,
                LogLevel::Info,
                format!("Step \"{key}\" completed"),
                json!({ "output": self.bounded(output), "attempts": attempts }),
                None,
                None,
            ),
            StepEnd::Reused { output, from } => (
                StepStatus::Completed,
                LogLevel::Info,
                format!("Step \"{key}\" completed (output reused from execution {from})"),
                json!({ "output": self.bounded(output), "reusedFrom": from }),
                None,
                None,
            ),
            StepEnd::Failed { error, attempts } => {
                // Bounded: a script can throw a message of any length.
                let error = bounds::cut_string(error, MAX_ERROR_BYTES);
                let metadata = match attempts {
                    Some(a) => json!({ "error": error, "attempts": a }),
                    None => json!({ "error": error }),
                };
                (
                    StepStatus::Failed,
                    LogLevel::Error,
                    format!("Step \"{key}\" failed: {error}"),
                    metadata,
                    Some(error),
                    None,
                )
            }
            StepEnd::Skipped { reason } => (
                StepStatus::Skipped,
                LogLevel::Info,
                format!("Step \"{key}\" skipped: {reason}"),
                json!({ "reason": reason }),
                None,
                Some(reason),
            ),
        };
        let row = self.step_log(i, level, status, message, metadata, started, Some(now));
        self.emit(RunEvent::StepFinished {
            execution_id: self.exec_id,
            step_key: key.to_string(),
            status,
            duration_ms: row.step_duration_ms.unwrap_or(0),
            error,
            reason,
        });
        row
    }

    /// The bound of a resolution of a step's inputs (or its config's templates).
    pub fn inputs_budget(&self) -> Budget {
        Budget::new("its resolved inputs", self.cfg.value_limit, MAX_DEPTH)
    }
}

/// What a step's templates can read.
pub(crate) struct StepScope {
    pub inputs: Arc<Json>,
    pub metadata: Arc<Json>,
    /// The steps it names: None when skipped or failed.
    pub steps: Vec<(String, Option<Arc<Json>>)>,
    /// Loop items: `item`, `index`.
    pub extra: Vec<(&'static str, Json)>,
}

impl Scope for StepScope {
    fn root(&self, name: &str) -> Option<Root<'_>> {
        if let Some((_, v)) = self.extra.iter().find(|(n, _)| *n == name) {
            return Some(Root::Value(v));
        }
        match name {
            plan::INPUTS => Some(Root::Value(&self.inputs)),
            plan::METADATA => Some(Root::Value(&self.metadata)),
            _ => self.steps.iter().find(|(k, _)| k == name).map(|(_, o)| match o {
                Some(v) => Root::Step(v),
                None => Root::Absent,
            }),
        }
    }
}
