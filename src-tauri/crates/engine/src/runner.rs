//! The runner: an [`Engine`] starts runs, cancels them and streams their [`RunEvent`]s.
//!
//! A run is one tokio task (the scheduler) that launches ready steps as tasks of a `JoinSet`,
//! at most `concurrency` at once, and waits on whichever comes first: a step ending, the cancel
//! token, the workflow's time limit, or a poll that notices the execution was ended from
//! outside (the executions service's cancel, from this process or another). Ending a run
//! drops every running step's future, which stops its sleeps and HTTP calls at once; each
//! attempt of a step is likewise a future dropped by `tokio::time::timeout`.
//!
//! SQLite is only touched on the blocking pool (`spawn_blocking`), through the services layer.
//! Step log rows go to a recorder task that writes them in batches; the final status, counters
//! and last rows are one transaction (`Runs::finish`).

use crate::agents::{self, AgentCtx, AgentEnv, AgentError, Produced};
use crate::bounds::{self, Over, MAX_DEPTH, MAX_ERROR_BYTES, MAX_ERROR_STACK_BYTES};
use crate::events::RunEvent;
use crate::expr;
use crate::handle::{blocking, Host, RunHandle, RunRequest};
use crate::plan::{self, Graph};
use crate::template::{self, Budget, Root, Scope};
use serde_json::{json, Map, Value as Json};
use std::collections::{BTreeSet, HashMap};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{broadcast, mpsc, oneshot};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use turbocat_domain::{
    new_id, Agent, Error, ErrorHandling, Execution, ExecutionLog, ExecutionStatus, LogLevel, Result, StepStatus,
    Timestamp, TriggerType, Uuid, Workflow, WorkflowStep, WorkflowStepType,
};
use turbocat_services::runs::{run_log, AgentUse, FinishRun, StartRun};
use turbocat_services::Services;

/// The engine's settings.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Independent ready steps run at once up to this many (docs/engine.md: default 4).
    pub concurrency: usize,
    /// A run's global time limit (default 30 minutes); a workflow may set its own in
    /// `definition.timeoutMs`.
    pub time_limit: Duration,
    /// A step output larger than this (as JSON text) is logged as a preview.
    pub log_output_limit: usize,
    /// A step output larger than this is kept in `output_data` as a preview.
    pub output_limit: usize,
    /// `output_data` as a whole stays under this; later outputs become previews.
    pub total_output_limit: usize,
    /// A step's resolved inputs, and its output, may hold at most this much in memory (as JSON
    /// text, measured as they are made): beyond it the step fails. Their nesting is at most
    /// [`bounds::MAX_DEPTH`] levels.
    pub value_limit: usize,
    /// A run's input (`input_data`) is at most this large as JSON text.
    pub input_limit: usize,
    /// How often a run checks whether its execution was ended from outside.
    pub poll_interval: Duration,
    /// How deep workflow agents may nest child executions (docs/engine.md: default 5); a child
    /// beyond it is refused before its execution is created.
    pub max_depth: usize,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            concurrency: 4,
            time_limit: Duration::from_secs(30 * 60),
            log_output_limit: 16 * 1024,
            output_limit: 1024 * 1024,
            total_output_limit: 16 * 1024 * 1024,
            value_limit: 64 * 1024 * 1024,
            input_limit: 16 * 1024 * 1024,
            poll_interval: Duration::from_millis(250),
            max_depth: 5,
        }
    }
}

/// The engine: cheap to clone, shared by every front end.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

struct Inner {
    services: Arc<Services>,
    config: EngineConfig,
    active: Mutex<HashMap<Uuid, CancellationToken>>,
    events: broadcast::Sender<RunEvent>,
    env: AgentEnv,
    recovered: Vec<Uuid>,
}

impl Engine {
    /// Opens the engine over the services and marks runs that a stopped process left pending
    /// or running as failed ([`turbocat_services::runs::INTERRUPTED`]).
    pub async fn open(services: Arc<Services>, config: EngineConfig) -> Result<Engine> {
        let env = AgentEnv::new().map_err(Error::internal)?;
        let recovered = blocking(&services, |s| s.runs().recover_interrupted()).await?;
        let (events, _) = broadcast::channel(1024);
        Ok(Engine {
            inner: Arc::new(Inner { services, config, active: Mutex::new(HashMap::new()), events, env, recovered }),
        })
    }

    pub fn services(&self) -> &Arc<Services> {
        &self.inner.services
    }

    pub fn config(&self) -> &EngineConfig {
        &self.inner.config
    }

    /// The executions marked interrupted when the engine opened.
    pub fn recovered(&self) -> &[Uuid] {
        &self.inner.recovered
    }

    /// Every run's events (a slow reader may miss some: it then gets `Lagged`); a run's own
    /// handle has a lossless stream.
    pub fn subscribe(&self) -> broadcast::Receiver<RunEvent> {
        self.inner.events.subscribe()
    }

    /// Executions running in this engine now.
    pub fn running(&self) -> Vec<Uuid> {
        self.inner.active.lock().unwrap_or_else(|p| p.into_inner()).keys().copied().collect()
    }

    /// Cancels a run of this engine; false when it is not running here.
    pub fn cancel(&self, execution_id: Uuid) -> bool {
        match self.inner.active.lock().unwrap_or_else(|p| p.into_inner()).get(&execution_id) {
            Some(t) => {
                t.cancel();
                true
            }
            None => false,
        }
    }

    /// Checks the workflow (graph, references, inputs) and creates its pending execution, then
    /// starts the run. Nothing is written when a check fails.
    pub async fn start(&self, req: RunRequest) -> Result<RunHandle> {
        self.start_nested(req, Arc::new(Vec::new())).await
    }

    /// [`Engine::start`] for a run nested under `parents` (the workflows above it, root first:
    /// a workflow agent's child). A run deeper than [`EngineConfig::max_depth`] is refused
    /// before anything is written.
    pub(crate) async fn start_nested(&self, req: RunRequest, parents: Arc<Vec<(Uuid, String)>>) -> Result<RunHandle> {
        self.start_with(req, parents, None).await
    }

    /// Runs a finished execution again (`docs/engine.md`, "Triggers") as a new execution of the
    /// same workflow with the same `input_data`, trigger `manual`, and
    /// `trigger_data: {"rerunOf": <original id>, "fromFailedStep": bool}`. With
    /// `from_failed_step` (an execution that did not complete), the steps that completed in
    /// the original are not run again: each is recorded as completed with its original output
    /// (`metadata.reusedFrom`), as long as every step it depends on was reused too (a condition
    /// step is always evaluated again, over the reused outputs). A step whose output was kept
    /// only as a truncated preview runs again.
    pub async fn rerun(&self, execution_id: Uuid, from_failed_step: bool) -> Result<RunHandle> {
        let src = blocking(&self.inner.services, move |s| s.runs().rerun_source(execution_id)).await?;
        let orig = src.execution;
        if from_failed_step && orig.status == ExecutionStatus::Completed {
            return Err(Error::bad_request(
                "This execution completed: there is no failed step to re-run from; re-run it whole instead",
            ));
        }
        let req = RunRequest {
            workflow_id: orig.workflow_id,
            input: orig.input_data.clone(),
            trigger_type: TriggerType::Manual,
            trigger_data: json!({ "rerunOf": orig.id, "fromFailedStep": from_failed_step }),
        };
        let reuse = from_failed_step.then(|| Reuse { from: orig.id, outputs: src.completed.into_iter().collect() });
        self.start_with(req, Arc::new(Vec::new()), reuse).await
    }

    async fn start_with(
        &self,
        req: RunRequest,
        parents: Arc<Vec<(Uuid, String)>>,
        reuse: Option<Reuse>,
    ) -> Result<RunHandle> {
        let svc = self.inner.services.clone();
        let max_depth = self.inner.config.max_depth;
        let input_limit = self.inner.config.input_limit;
        let above = parents.clone();
        let (plan, mut execution) = blocking(&svc, move |s| {
            check_input(&req.input, input_limit)?;
            let plan = s.runs().plan(req.workflow_id)?;
            if above.len() > max_depth {
                return Err(Error::bad_request(agents::workflow::depth_message(
                    &above,
                    plan.workflow.id,
                    &plan.workflow.name,
                    max_depth,
                )));
            }
            plan::check(&plan.steps, &plan.workflow.definition)?;
            let input = plan::apply_inputs(&plan.workflow.definition, req.input)?;
            let e = s.runs().create(StartRun {
                workflow_id: req.workflow_id,
                trigger_type: Some(req.trigger_type),
                trigger_data: Some(req.trigger_data),
                input_data: input,
            })?;
            Ok((plan, e))
        })
        .await?;
        let mut lineage = (*parents).clone();
        lineage.push((plan.workflow.id, plan.workflow.name.clone()));
        let cancel = CancellationToken::new();
        self.inner.active.lock().unwrap_or_else(|p| p.into_inner()).insert(execution.id, cancel.clone());
        let (tx, rx) = mpsc::unbounded_channel();
        let (rec_tx, rec_rx) = mpsc::unbounded_channel();
        let graph = Graph::new(&plan.steps);
        let time_limit = plan
            .workflow
            .definition
            .get("timeoutMs")
            .and_then(Json::as_u64)
            .filter(|ms| *ms > 0)
            .map(Duration::from_millis)
            .unwrap_or(self.inner.config.time_limit);
        let metadata = json!({
            "executionId": execution.id,
            "workflowId": plan.workflow.id,
            "workflowName": plan.workflow.name,
            "triggerType": execution.trigger_type,
            "userId": execution.user_id,
            "startedAt": Timestamp::now(),
        });
        let run = Arc::new(Run {
            svc: svc.clone(),
            cfg: self.inner.config.clone(),
            exec_id: execution.id,
            // Taken, not copied: the row is not used for its input again.
            inputs: Arc::new(std::mem::take(&mut execution.input_data)),
            metadata: Arc::new(metadata),
            workflow: plan.workflow,
            agents: plan.agents.into_iter().map(|a| (a.id, a)).collect(),
            steps: plan.steps,
            graph,
            run_events: tx,
            all_events: self.inner.events.clone(),
            logs: rec_tx,
            env: self.inner.env.clone(),
            time_limit,
            last_stamp: std::sync::atomic::AtomicI64::new(0),
            engine: self.clone(),
            lineage: Arc::new(lineage),
            reuse,
        });
        tokio::spawn(recorder(svc, rec_rx));
        let inner = self.inner.clone();
        let token = cancel.clone();
        let id = execution.id;
        let task = tokio::spawn(async move {
            let out = boxed_schedule(run, token).await;
            inner.active.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
            out
        });
        Ok(RunHandle { execution_id: id, events: Some(rx), cancel, task })
    }

    /// Starts a run and waits for its end.
    pub async fn run(&self, req: RunRequest) -> Result<Execution> {
        self.start(req).await?.wait().await
    }
}

impl Host for Engine {
    fn services(&self) -> &Arc<Services> {
        Engine::services(self)
    }

    fn start_child(
        &self,
        req: RunRequest,
        lineage: Arc<Vec<(Uuid, String)>>,
    ) -> Pin<Box<dyn Future<Output = Result<RunHandle>> + Send + '_>> {
        Box::pin(self.start_nested(req, lineage))
    }
}

// ---------------------------------------------------------------------------------------------
// The run

struct Run {
    svc: Arc<Services>,
    cfg: EngineConfig,
    exec_id: Uuid,
    workflow: Workflow,
    steps: Vec<WorkflowStep>,
    agents: HashMap<Uuid, Agent>,
    graph: Graph,
    inputs: Arc<Json>,
    metadata: Arc<Json>,
    run_events: mpsc::UnboundedSender<RunEvent>,
    all_events: broadcast::Sender<RunEvent>,
    logs: mpsc::UnboundedSender<Rec>,
    env: AgentEnv,
    time_limit: Duration,
    /// The latest `created_at` of the run's log rows (ms).
    last_stamp: std::sync::atomic::AtomicI64,
    /// For workflow agents: the engine that starts their child runs.
    engine: Engine,
    /// The workflows from the root run down to this one (id, name).
    lineage: Arc<Vec<(Uuid, String)>>,
    /// A re-run from a failed step: the outputs it reuses.
    reuse: Option<Reuse>,
}

/// The outputs a re-run from a failed step reuses: by step key, from execution `from`.
struct Reuse {
    from: Uuid,
    outputs: HashMap<String, Json>,
}

enum Rec {
    Log(ExecutionLog),
    Flush(oneshot::Sender<Option<Error>>),
}

/// Writes log rows in batches, in order; a flush answers once every row sent before it is
/// written (with the first write error, if any).
async fn recorder(svc: Arc<Services>, mut rx: mpsc::UnboundedReceiver<Rec>) {
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
}

impl Run {
    fn emit(&self, e: RunEvent) {
        let _ = self.all_events.send(e.clone());
        let _ = self.run_events.send(e);
    }

    fn log(&self, l: ExecutionLog) {
        let _ = self.logs.send(Rec::Log(l));
    }

    async fn flush(&self) -> Option<Error> {
        let (tx, rx) = oneshot::channel();
        if self.logs.send(Rec::Flush(tx)).is_err() {
            return Some(Error::internal("the log recorder stopped"));
        }
        rx.await.unwrap_or_else(|_| Some(Error::internal("the log recorder stopped")))
    }

    /// The time of a new log row (`at`, or now), remembered so the closing line can come last.
    fn stamp(&self, at: Option<Timestamp>) -> Timestamp {
        let t = at.unwrap_or_else(Timestamp::now);
        self.last_stamp.fetch_max(t.millis(), std::sync::atomic::Ordering::Relaxed);
        t
    }

    fn bounded(&self, v: &Json) -> Json {
        bounds::bounded(v, self.cfg.log_output_limit)
    }

    /// Runs step `i`'s agent on resolved inputs. What the agent reports on the way (a code
    /// agent's console, a child execution's id) becomes running rows of the step.
    async fn call_agent(
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
            host: &self.engine,
            execution_id: self.exec_id,
            step_key: &step.step_key,
            lineage: &self.lineage,
            timeout: Duration::from_millis(step.timeout_ms.max(1) as u64),
            value_limit: self.cfg.value_limit,
            log: &log,
        };
        agents::run(&cx, agent, step, inputs).await
    }

    #[allow(clippy::too_many_arguments)]
    fn step_log(
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

    /// The bound of a resolution of a step's inputs (or its config's templates).
    fn inputs_budget(&self) -> Budget {
        Budget::new("its resolved inputs", self.cfg.value_limit, MAX_DEPTH)
    }

    /// The scope of a step: the inputs, the metadata and the outputs of the steps it names.
    fn scope_for(&self, i: usize, outputs: &[Option<Arc<Json>>]) -> Arc<StepScope> {
        Arc::new(StepScope {
            inputs: self.inputs.clone(),
            metadata: self.metadata.clone(),
            steps: self.graph.step_refs[i]
                .iter()
                .map(|&j| (self.steps[j].step_key.clone(), outputs[j].clone()))
                .collect(),
            extra: Vec::new(),
        })
    }
}

/// JSON bounded in size and depth: small values as they are, large ones as a preview of their
/// text ([`bounds::bounded`]).
pub fn bounded(v: &Json, limit: usize) -> Json {
    bounds::bounded(v, limit)
}

/// A run's input: an object (or null) of at most `limit` bytes as JSON text, nested at most
/// [`MAX_DEPTH`] levels, so that its `input_data` can be stored and read back.
fn check_input(input: &Json, limit: usize) -> Result<()> {
    match bounds::measure(input, limit, MAX_DEPTH) {
        Ok(_) => Ok(()),
        Err(Over::Size) => Err(Error::validation_field(
            "inputData",
            format!(
                "The run's input is larger than {} of JSON text, the limit of a run's input",
                bounds::size_text(limit)
            ),
        )),
        Err(Over::Depth) => Err(Error::validation_field(
            "inputData",
            format!(
                "The run's input nests arrays and objects deeper than {MAX_DEPTH} levels, the limit of a run's input"
            ),
        )),
    }
}

/// Why a step's value is out of bounds, for its error message.
fn over_message(what: &str, o: Over, limit: usize) -> String {
    match o {
        Over::Size => format!(
            "{what} is larger than {} of JSON text, the limit of a step's inputs and output",
            bounds::size_text(limit)
        ),
        Over::Depth => format!(
            "{what} nests arrays and objects deeper than {MAX_DEPTH} levels, the limit of a step's inputs and output"
        ),
    }
}

/// What a step's templates can read.
struct StepScope {
    inputs: Arc<Json>,
    metadata: Arc<Json>,
    /// The steps it names: None when skipped or failed.
    steps: Vec<(String, Option<Arc<Json>>)>,
    /// Loop items: `item`, `index`.
    extra: Vec<(&'static str, Json)>,
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

/// How a step ended.
struct StepDone {
    idx: usize,
    status: StepStatus,
    output: Option<Arc<Json>>,
    condition: Option<bool>,
    error: Option<String>,
    duration_ms: i64,
}

#[derive(Clone, Copy, PartialEq)]
enum St {
    Waiting,
    Running,
    Done(StepStatus),
}

enum End {
    Cancelled,
    Timeout,
    /// Ended from outside (the executions service's cancel): the row's status.
    External(ExecutionStatus),
    /// A step with on_error fail failed.
    Stopped(String),
}

fn when_of(step: &WorkflowStep) -> bool {
    match step.config.get("when") {
        Some(Json::Bool(b)) => *b,
        Some(Json::String(s)) => !s.trim().eq_ignore_ascii_case("false"),
        _ => true,
    }
}

/// [`schedule`] as a boxed `Send` future: a run's steps may start child runs (workflow agents),
/// and the box ends that cycle of future types.
fn boxed_schedule(
    run: Arc<Run>,
    cancel: CancellationToken,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Execution>> + Send>> {
    Box::pin(schedule(run, cancel))
}

async fn schedule(run: Arc<Run>, cancel: CancellationToken) -> Result<Execution> {
    let n = run.steps.len();
    let t0 = Instant::now();
    let opening = run_log(
        run.exec_id,
        LogLevel::Info,
        "Workflow execution started",
        json!({ "workflowId": run.workflow.id, "workflowName": run.workflow.name, "stepsTotal": n }),
    );
    let id = run.exec_id;
    match blocking(&run.svc, move |s| s.runs().begin(id, opening)).await {
        Ok(_) => {}
        Err(e) => {
            // Ended from outside before it began (a cancel of the pending execution).
            let row = blocking(&run.svc, move |s| s.executions().get(id)).await?.execution;
            if row.status.is_terminal() {
                run.emit(RunEvent::RunFinished {
                    execution_id: id,
                    status: row.status,
                    duration_ms: row.duration_ms.unwrap_or(0),
                    error: row.error_message.clone(),
                });
                return Ok(row);
            }
            return Err(e);
        }
    }
    run.emit(RunEvent::RunStarted {
        execution_id: id,
        workflow_id: run.workflow.id,
        workflow_name: run.workflow.name.clone(),
        steps_total: n,
    });

    let mut st = vec![St::Waiting; n];
    let mut pending: Vec<usize> = run.graph.deps.iter().map(Vec::len).collect();
    let mut outputs: Vec<Option<Arc<Json>>> = vec![None; n];
    let mut conditions: Vec<Option<bool>> = vec![None; n];
    let mut durations: Vec<i64> = vec![0; n];
    let mut errors: Vec<(usize, String)> = Vec::new();
    let mut reused = vec![false; n];
    let mut retired: Vec<Option<Retired>> = (0..n).map(|_| None).collect();
    let mut readers = Readers::new(&run);
    let mut ready: BTreeSet<usize> = (0..n).filter(|&i| pending[i] == 0).collect();
    let mut joins: JoinSet<StepDone> = JoinSet::new();
    let mut task_steps: HashMap<tokio::task::Id, usize> = HashMap::new();
    let deadline = tokio::time::Instant::now() + run.time_limit;
    let mut poll = tokio::time::interval(run.cfg.poll_interval);
    poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let limit = run.cfg.concurrency.max(1);
    let mut end: Option<End> = None;

    let release = |i: usize, pending: &mut Vec<usize>, ready: &mut BTreeSet<usize>| {
        for &d in &run.graph.dependants[i] {
            pending[d] -= 1;
            if pending[d] == 0 {
                ready.insert(d);
            }
        }
    };

    'run: loop {
        while joins.len() < limit {
            let Some(i) = ready.pop_first() else { break };
            let step = &run.steps[i];
            let deps = &run.graph.deps[i];
            if let Some(out) = reusable(&run, i, &reused, &st) {
                reuse_step(&run, i, &out);
                st[i] = St::Done(StepStatus::Completed);
                outputs[i] = Some(Arc::new(out));
                reused[i] = true;
                release(i, &mut pending, &mut ready);
                readers.ended(&run, i, &mut outputs, &mut retired);
                continue;
            }
            let mut reason = None;
            if let Some(&d) = deps
                .iter()
                .find(|&&d| st[d] == St::Done(StepStatus::Failed) && step.on_error != ErrorHandling::Continue)
            {
                reason = Some(format!("its dependency \"{}\" failed", run.steps[d].step_key));
            } else if !deps.is_empty() && deps.iter().all(|&d| st[d] == St::Done(StepStatus::Skipped)) {
                reason = Some("all of its dependencies were skipped".to_string());
            } else {
                let want = when_of(step);
                if let Some(&d) = deps.iter().find(|&&d| conditions[d].is_some_and(|c| c != want)) {
                    reason = Some(format!(
                        "condition \"{}\" is {} and the step runs when it is {want}",
                        run.steps[d].step_key,
                        conditions[d].unwrap_or_default()
                    ));
                }
            }
            if let Some(reason) = reason {
                skip(&run, i, &reason);
                st[i] = St::Done(StepStatus::Skipped);
                release(i, &mut pending, &mut ready);
                readers.ended(&run, i, &mut outputs, &mut retired);
                continue;
            }
            st[i] = St::Running;
            // An output that only this step still reads goes to its scope alone (what the
            // execution keeps of it is kept aside first), so the step can take from it.
            readers.hand_over(&run, i, &mut outputs, &mut retired);
            let scope = run.scope_for(i, &outputs);
            for &j in &run.graph.step_refs[i] {
                if retired[j].is_some() {
                    outputs[j] = None;
                }
            }
            let h = joins.spawn(exec_step(run.clone(), i, scope));
            task_steps.insert(h.id(), i);
        }
        if joins.is_empty() {
            break;
        }
        tokio::select! {
            biased;
            _ = cancel.cancelled() => {
                end = Some(End::Cancelled);
                break 'run;
            }
            _ = tokio::time::sleep_until(deadline) => {
                end = Some(End::Timeout);
                break 'run;
            }
            Some(joined) = joins.join_next_with_id() => {
                let done = match joined {
                    Ok((tid, d)) => {
                        task_steps.remove(&tid);
                        d
                    }
                    Err(e) => {
                        let i = task_steps.remove(&e.id()).unwrap_or(0);
                        let msg = format!("the step's task failed: {e}");
                        let now = Timestamp::now();
                        run.log(run.step_log(i, LogLevel::Error, StepStatus::Failed,
                            format!("Step \"{}\" failed: {msg}", run.steps[i].step_key), json!({"error": msg}), now, Some(now)));
                        StepDone { idx: i, status: StepStatus::Failed, output: None, condition: None, error: Some(msg), duration_ms: 0 }
                    }
                };
                let i = done.idx;
                st[i] = St::Done(done.status);
                durations[i] = done.duration_ms;
                outputs[i] = done.output;
                conditions[i] = done.condition;
                if let Some(e) = done.error {
                    errors.push((i, e.clone()));
                    if run.steps[i].on_error == ErrorHandling::Fail {
                        end = Some(End::Stopped(run.steps[i].step_key.clone()));
                        break 'run;
                    }
                }
                release(i, &mut pending, &mut ready);
                readers.ended(&run, i, &mut outputs, &mut retired);
            }
            _ = poll.tick() => {
                let id = run.exec_id;
                if let Ok(s) = blocking(&run.svc, move |s| s.runs().status(id)).await {
                    if s.is_terminal() {
                        end = Some(End::External(s));
                        break 'run;
                    }
                }
            }
        }
    }

    // Stop whatever still runs, then account for every step that did not end.
    joins.shutdown().await;
    let time_limit_ms = run.time_limit.as_millis() as i64;
    let mut last_rows = Vec::new();
    if let Some(end) = &end {
        let (running_failed, why) = match end {
            End::Cancelled | End::External(_) => (false, "the execution was cancelled".to_string()),
            End::Timeout => (true, format!("the workflow's time limit of {time_limit_ms} ms was reached")),
            End::Stopped(k) => (false, format!("step \"{k}\" failed")),
        };
        let now = Timestamp::now();
        #[allow(clippy::needless_range_loop)] // `i` names the step in the rows and events too
        for i in 0..n {
            match st[i] {
                St::Running if running_failed => {
                    let msg = format!("Stopped: {why}");
                    errors.push((i, msg.clone()));
                    st[i] = St::Done(StepStatus::Failed);
                    last_rows.push(run.step_log(
                        i,
                        LogLevel::Error,
                        StepStatus::Failed,
                        format!("Step \"{}\" failed: {msg}", run.steps[i].step_key),
                        json!({ "error": msg }),
                        now,
                        Some(now),
                    ));
                    emit_finished(&run, i, StepStatus::Failed, 0, Some(msg), None);
                }
                St::Running | St::Waiting => {
                    let reason =
                        if st[i] == St::Running { format!("stopped: {why}") } else { format!("not run: {why}") };
                    st[i] = St::Done(StepStatus::Skipped);
                    last_rows.push(run.step_log(
                        i,
                        LogLevel::Info,
                        StepStatus::Skipped,
                        format!("Step \"{}\" skipped: {reason}", run.steps[i].step_key),
                        json!({ "reason": reason }),
                        now,
                        Some(now),
                    ));
                    emit_finished(&run, i, StepStatus::Skipped, 0, None, Some(reason));
                }
                St::Done(_) => {}
            }
        }
    }

    let count = |s: StepStatus| st.iter().filter(|x| **x == St::Done(s)).count();
    let (completed, failed, skipped) =
        (count(StepStatus::Completed), count(StepStatus::Failed), count(StepStatus::Skipped));
    let step_error = |(i, e): &(usize, String)| format!("Step \"{}\" failed: {e}", run.steps[*i].step_key);
    let (status, error_message) = match &end {
        Some(End::Cancelled) => (ExecutionStatus::Cancelled, None),
        Some(End::External(s)) => (*s, None),
        Some(End::Timeout) => (
            ExecutionStatus::Timeout,
            Some(format!("Execution timed out: the workflow's time limit of {time_limit_ms} ms was reached")),
        ),
        Some(End::Stopped(_)) => (ExecutionStatus::Failed, errors.first().map(step_error)),
        None if failed > 0 => (ExecutionStatus::Failed, errors.first().map(step_error)),
        None => (ExecutionStatus::Completed, None),
    };
    let error_stack = (errors.len() > 1).then(|| {
        // Each message is bounded already; so many steps may fail that the whole is bounded too.
        let mut stack = String::new();
        for (n, e) in errors.iter().enumerate() {
            if stack.len() > MAX_ERROR_STACK_BYTES {
                stack.push_str(&format!("\n… and {} more failed steps", errors.len() - n));
                break;
            }
            if n > 0 {
                stack.push('\n');
            }
            stack.push_str(&step_error(e));
        }
        bounds::cut_string(stack, MAX_ERROR_STACK_BYTES + MAX_ERROR_BYTES)
    });
    let output_data = output_data(&run, &outputs, &retired);
    let closing = run_log(
        run.exec_id,
        match status {
            ExecutionStatus::Completed => LogLevel::Info,
            ExecutionStatus::Cancelled => LogLevel::Warn,
            _ => LogLevel::Error,
        },
        format!("Workflow execution {}", status.as_str()),
        json!({
            "durationMs": t0.elapsed().as_millis() as i64,
            "stepsCompleted": completed,
            "stepsFailed": failed,
            "stepsSkipped": skipped,
        }),
    );
    // The closing line sorts after every row of the run (rows of one millisecond sort by step
    // key, and the closing line has none).
    let mut closing = closing;
    let last = run.last_stamp.load(std::sync::atomic::Ordering::Relaxed);
    if closing.created_at.millis() <= last {
        closing.created_at = Timestamp::from_millis(last + 1);
    }
    last_rows.push(closing);
    let agents: Vec<AgentUse> = (0..n)
        .filter(|&i| matches!(st[i], St::Done(StepStatus::Completed | StepStatus::Failed)) && !reused[i])
        .filter(|&i| matches!(run.steps[i].step_type, WorkflowStepType::Agent | WorkflowStepType::Loop))
        .filter_map(|i| {
            let a = run.steps[i].agent_id.filter(|a| run.agents.contains_key(a))?;
            Some(AgentUse {
                agent_id: a,
                duration_ms: durations[i],
                succeeded: st[i] == St::Done(StepStatus::Completed),
            })
        })
        .collect();
    let log_error = run.flush().await;
    let finish = FinishRun {
        execution_id: run.exec_id,
        status,
        output_data,
        error_message: error_message.clone(),
        error_stack: match (error_stack, log_error) {
            (s, None) => s,
            (s, Some(e)) => Some(format!(
                "{}Some log rows could not be written: {}",
                s.map(|s| s + "\n").unwrap_or_default(),
                e.message
            )),
        },
        steps_completed: completed as i64,
        steps_failed: failed as i64,
        agents,
        logs: last_rows,
        cancelled_by_user: matches!(end, Some(End::Cancelled)),
    };
    let result = blocking(&run.svc, move |s| s.runs().finish(finish)).await;
    match &result {
        Ok(e) => run.emit(RunEvent::RunFinished {
            execution_id: e.id,
            status: e.status,
            duration_ms: e.duration_ms.unwrap_or(0),
            error: e.error_message.clone(),
        }),
        Err(e) => run.emit(RunEvent::RunFinished {
            execution_id: run.exec_id,
            status,
            duration_ms: t0.elapsed().as_millis() as i64,
            error: Some(e.message.clone()),
        }),
    }
    result
}

fn emit_finished(
    run: &Run,
    i: usize,
    status: StepStatus,
    duration_ms: i64,
    error: Option<String>,
    reason: Option<String>,
) {
    run.emit(RunEvent::StepFinished {
        execution_id: run.exec_id,
        step_key: run.steps[i].step_key.clone(),
        status,
        duration_ms,
        error,
        reason,
    });
}

/// The original output step `i` reuses in a re-run from a failed step: it completed there,
/// its output was kept, it is not a condition, and each step it depends on was reused or is a
/// condition evaluated again in this run.
fn reusable(run: &Run, i: usize, reused: &[bool], st: &[St]) -> Option<Json> {
    let r = run.reuse.as_ref()?;
    let step = &run.steps[i];
    if step.step_type == WorkflowStepType::Condition {
        return None;
    }
    let deps_ok = run.graph.deps[i].iter().all(|&d| {
        reused[d] || (run.steps[d].step_type == WorkflowStepType::Condition && st[d] == St::Done(StepStatus::Completed))
    });
    if !deps_ok {
        return None;
    }
    r.outputs.get(&step.step_key).cloned()
}

fn reuse_step(run: &Run, i: usize, output: &Json) {
    let from = run.reuse.as_ref().map(|r| r.from);
    let now = Timestamp::now();
    run.log(run.step_log(
        i,
        LogLevel::Info,
        StepStatus::Completed,
        format!(
            "Step \"{}\" completed (output reused from execution {})",
            run.steps[i].step_key,
            from.unwrap_or_default()
        ),
        json!({ "output": run.bounded(output), "reusedFrom": from }),
        now,
        Some(now),
    ));
    emit_finished(run, i, StepStatus::Completed, 0, None, None);
}

fn skip(run: &Run, i: usize, reason: &str) {
    let now = Timestamp::now();
    run.log(run.step_log(
        i,
        LogLevel::Info,
        StepStatus::Skipped,
        format!("Step \"{}\" skipped: {reason}", run.steps[i].step_key),
        json!({ "reason": reason }),
        now,
        Some(now),
    ));
    emit_finished(run, i, StepStatus::Skipped, 0, None, Some(reason.to_string()));
}

/// Every step's output by step key (bounded), then the declared workflow outputs
/// (`definition.outputs`) that can be read and do not share a step's key: a declaration with a
/// `value` template is resolved against every step; otherwise the newest step output (in
/// dependency order) holding a field of that name gives it.
fn output_data(run: &Run, outputs: &[Option<Arc<Json>>], retired: &[Option<Retired>]) -> Json {
    let mut out = Map::new();
    let mut budget = run.cfg.total_output_limit;
    for (i, s) in run.steps.iter().enumerate() {
        let limit = run.cfg.output_limit.min(budget);
        let bounded = match (&outputs[i], &retired[i]) {
            (Some(o), _) => bounds::bounded_sized(o, limit),
            (None, Some(r)) => r.whole.bounded_sized(limit),
            (None, None) => continue,
        };
        let (v, len) = bounded;
        budget = budget.saturating_sub(len.min(limit));
        out.insert(s.step_key.clone(), v);
    }
    if let Some(decl) = run.workflow.definition.get("outputs").and_then(Json::as_object) {
        let scope = StepScope {
            inputs: run.inputs.clone(),
            metadata: run.metadata.clone(),
            steps: run.steps.iter().enumerate().map(|(i, s)| (s.step_key.clone(), outputs[i].clone())).collect(),
            extra: Vec::new(),
        };
        let order = turbocat_domain::graph::topological_order(&run.steps);
        for (name, spec) in decl {
            if out.contains_key(name) {
                continue;
            }
            // Previews are made from the values where they are (a whole template or a field of
            // an output is not copied first).
            let limit = run.cfg.output_limit.min(budget.max(1));
            let from_template =
                spec.get("value").and_then(Json::as_str).filter(|s| template::has_ref(s)).and_then(|t| {
                    match template::whole_ref(t) {
                        Some(r) => template::lookup(&scope, r).ok().map(|v| bounds::bounded(&v, limit)),
                        None => {
                            let mut b = Budget::new("the workflow output", run.cfg.value_limit, MAX_DEPTH);
                            let v = template::resolve_in(&Json::String(t.to_string()), &scope, &mut b).ok()?;
                            Some(bounds::bounded(&v, limit))
                        }
                    }
                });
            let found = from_template.or_else(|| {
                order.iter().rev().find_map(|&i| match (&outputs[i], &retired[i]) {
                    (Some(o), _) => o.get(name).map(|v| bounds::bounded(v, limit)),
                    (None, Some(r)) => r.fields.get(name).map(|k| k.bounded_sized(limit).0),
                    (None, None) => None,
                })
            });
            if let Some(v) = found {
                out.insert(name.clone(), v);
            }
        }
    }
    Json::Object(out)
}

/// A value kept only as big as `output_data` can show it (`EngineConfig::output_limit`): the
/// value itself when it is that small, else the start of its text and its length.
enum Kept {
    Whole(Json),
    Preview { text: String, bytes: usize },
}

impl Kept {
    fn of(v: &Json, limit: usize) -> Kept {
        match bounds::measure(v, limit, MAX_DEPTH) {
            Ok(_) => Kept::Whole(v.clone()),
            Err(_) => {
                let (text, bytes) = bounds::preview_text(v, limit);
                Kept::Preview { text, bytes }
            }
        }
    }

    /// What [`bounds::bounded_sized`] gives for the original value, for a limit no larger than
    /// the one it was kept with.
    fn bounded_sized(&self, limit: usize) -> (Json, usize) {
        match self {
            Kept::Whole(v) => bounds::bounded_sized(v, limit),
            Kept::Preview { text, bytes } => {
                let preview = bounds::cut_at(text, limit).to_string();
                let len = preview.len();
                (json!({ "truncated": true, "bytes": bytes, "preview": preview }), len)
            }
        }
    }
}

/// What is left of a step's output once no step will read it again: what `output_data` shows
/// of it, and of its fields that declared workflow outputs may take by name.
struct Retired {
    whole: Kept,
    fields: HashMap<String, Kept>,
}

/// Which step outputs later steps will still read. An output is held whole while a step that
/// names it has not ended (or a workflow output's template names it); then only what the
/// execution's `output_data` keeps of it is held, so a long chain of large outputs does not
/// keep every one of them in memory.
struct Readers {
    left: Vec<usize>,
    whole_to_the_end: Vec<bool>,
    /// Declared workflow output names that may be taken from a step output's field.
    names: Vec<String>,
}

impl Readers {
    fn new(run: &Run) -> Readers {
        let n = run.steps.len();
        let mut left = vec![0; n];
        for refs in &run.graph.step_refs {
            for &j in refs {
                left[j] += 1;
            }
        }
        let mut whole_to_the_end = vec![false; n];
        let decl = run.workflow.definition.get("outputs").and_then(Json::as_object);
        for spec in decl.into_iter().flat_map(|d| d.values()) {
            for r in template::references(spec) {
                if let Some(&j) = template::root_of(&r).and_then(|k| run.graph.index.get(k)) {
                    whole_to_the_end[j] = true;
                }
            }
        }
        let names = decl.map(|d| d.keys().cloned().collect()).unwrap_or_default();
        Readers { left, whole_to_the_end, names }
    }

    /// Step `i` ended: the outputs only it still read, and its own when no step reads it, are
    /// retired.
    fn ended(&mut self, run: &Run, i: usize, outputs: &mut [Option<Arc<Json>>], retired: &mut [Option<Retired>]) {
        for &j in &run.graph.step_refs[i] {
            self.left[j] = self.left[j].saturating_sub(1);
            self.retire(run, j, outputs, retired);
        }
        self.retire(run, i, outputs, retired);
    }

    /// Step `i` is about to run: an output it is the last reader of is retired now, and the
    /// whole value is held by `i`'s scope alone (see [`resolve_taking`]).
    fn hand_over(&self, run: &Run, i: usize, outputs: &mut [Option<Arc<Json>>], retired: &mut [Option<Retired>]) {
        if run.steps[i].step_type != WorkflowStepType::Agent {
            return;
        }
        for &j in &run.graph.step_refs[i] {
            if self.left[j] == 1 && !self.whole_to_the_end[j] {
                if let Some(o) = &outputs[j] {
                    retired[j] = Some(self.kept_of(run, o));
                }
            }
        }
    }

    fn kept_of(&self, run: &Run, o: &Json) -> Retired {
        let limit = run.cfg.output_limit;
        let fields =
            self.names.iter().filter_map(|name| o.get(name).map(|v| (name.clone(), Kept::of(v, limit)))).collect();
        Retired { whole: Kept::of(o, limit), fields }
    }

    fn retire(&self, run: &Run, j: usize, outputs: &mut [Option<Arc<Json>>], retired: &mut [Option<Retired>]) {
        if self.left[j] > 0 || self.whole_to_the_end[j] {
            return;
        }
        if retired[j].is_some() {
            // Handed over to its last reader's scope.
            outputs[j] = None;
            return;
        }
        let Some(o) = outputs[j].take() else { return };
        retired[j] = Some(self.kept_of(run, &o));
    }
}

async fn exec_step(run: Arc<Run>, i: usize, scope: Arc<StepScope>) -> StepDone {
    let step = &run.steps[i];
    let key = step.step_key.clone();
    let started = Timestamp::now();
    let fail = |msg: String, attempts: u32| {
        // Bounded: a script can throw a message of any length.
        let msg = bounds::cut_string(msg, MAX_ERROR_BYTES);
        let now = Timestamp::now();
        run.log(run.step_log(
            i,
            LogLevel::Error,
            StepStatus::Failed,
            format!("Step \"{key}\" failed: {msg}"),
            json!({ "error": msg, "attempts": attempts }),
            started,
            Some(now),
        ));
        let d = (now.millis() - started.millis()).max(0);
        emit_finished(&run, i, StepStatus::Failed, d, Some(msg.clone()), None);
        StepDone { idx: i, status: StepStatus::Failed, output: None, condition: None, error: Some(msg), duration_ms: d }
    };
    // Loop inputs are resolved per item. The resolution is bounded as it goes: a template can
    // copy a large output many times over.
    let mut scope = scope;
    let resolved = if step.step_type == WorkflowStepType::Loop {
        Ok(step.inputs.clone())
    } else if step.step_type == WorkflowStepType::Agent {
        resolve_taking(step, &mut scope, &mut run.inputs_budget())
    } else {
        template::resolve_in(&step.inputs, &*scope, &mut run.inputs_budget())
    };
    let inputs = match resolved {
        Ok(v) => v,
        Err(e) => {
            run.log(run.step_log(
                i,
                LogLevel::Info,
                StepStatus::Running,
                format!("Step \"{key}\" started"),
                json!({ "inputs": run.bounded(&step.inputs) }),
                started,
                None,
            ));
            return fail(e, 1);
        }
    };
    let shown = run.bounded(&inputs);
    run.log(run.step_log(
        i,
        LogLevel::Info,
        StepStatus::Running,
        format!("Step \"{key}\" started"),
        json!({ "inputs": shown }),
        started,
        None,
    ));
    run.emit(RunEvent::StepStarted { execution_id: run.exec_id, step_key: key.clone(), inputs: shown });
    let attempts = if step.on_error == ErrorHandling::Retry { 1 + step.retry_count.max(0) as u32 } else { 1 };
    let per_attempt = Duration::from_millis(step.timeout_ms.max(1) as u64);
    let mut attempt = 1;
    // An agent step with no agent passes its inputs through: moved, not copied (it cannot
    // fail, so no attempt needs them again).
    let pass_through = step.step_type == WorkflowStepType::Agent && step.agent_id.is_none();
    let mut inputs = Some(inputs);
    let produced = loop {
        if pass_through {
            break Ok(Produced::plain(inputs.take().unwrap_or_default()));
        }
        // The last attempt takes the inputs; an earlier one gets a copy (a retry needs them).
        let this_attempt = if attempt >= attempts { inputs.take() } else { inputs.clone() };
        let Some(this_attempt) = this_attempt else { break Err("the step's inputs are gone".to_string()) };
        let r = match tokio::time::timeout(per_attempt, attempt_once(&run, i, &scope, this_attempt, started)).await {
            Ok(r) => r,
            Err(_) => Err(AgentError::Retryable(format!("Timed out after {} ms", step.timeout_ms))),
        };
        match r {
            Ok(p) => break Ok(p),
            Err(AgentError::Retryable(e)) if attempt < attempts => {
                let e = bounds::cut_string(e, MAX_ERROR_BYTES);
                let delay = step.retry_delay_ms.max(0) as u64 * u64::from(attempt);
                run.log(run.step_log(
                    i,
                    LogLevel::Warn,
                    StepStatus::Running,
                    format!("Step \"{key}\" attempt {attempt} of {attempts} failed: {e}; retrying in {delay} ms"),
                    json!({ "attempt": attempt, "error": e, "delayMs": delay }),
                    started,
                    None,
                ));
                run.emit(RunEvent::StepRetry {
                    execution_id: run.exec_id,
                    step_key: key.clone(),
                    attempt,
                    delay_ms: delay,
                    error: e,
                });
                tokio::time::sleep(Duration::from_millis(delay)).await;
                attempt += 1;
            }
            Err(e) => break Err(e.into_message()),
        }
    };
    let produced = match produced {
        Ok(p) => p,
        Err(e) => return fail(e, attempt),
    };
    let condition = (step.step_type == WorkflowStepType::Condition).then(|| expr::truthy(produced.result()));
    let limit = run.cfg.value_limit;
    let output = match step.outputs.as_object() {
        Some(m) if !m.is_empty() => {
            // What the agent made is mapped, then dropped: only its size matters here.
            if let Err(o) = bounds::measure(&produced.output, limit, usize::MAX) {
                return fail(over_message("its output", o, limit), attempt);
            }
            let mut budget = Budget::new("its mapped output", limit, MAX_DEPTH);
            match map_outputs(m, produced, &scope, &mut budget) {
                Ok(o) => o,
                Err(e) => return fail(format!("outputs mapping: {e}"), attempt),
            }
        }
        _ => {
            if let Err(o) = bounds::measure(&produced.output, limit, MAX_DEPTH) {
                return fail(over_message("its output", o, limit), attempt);
            }
            produced.output
        }
    };
    let now = Timestamp::now();
    let d = (now.millis() - started.millis()).max(0);
    run.log(run.step_log(
        i,
        LogLevel::Info,
        StepStatus::Completed,
        format!("Step \"{key}\" completed"),
        json!({ "output": run.bounded(&output), "attempts": attempt }),
        started,
        Some(now),
    ));
    emit_finished(&run, i, StepStatus::Completed, d, None, None);
    StepDone {
        idx: i,
        status: StepStatus::Completed,
        output: Some(Arc::new(output)),
        condition,
        error: None,
        duration_ms: d,
    }
}

/// Applies a step's outputs mapping to what its agent produced. A value a whole template names
/// in the agent's output (`{"data": "{{response.body}}"}`, `{"rows": "{{result}}"}`) is moved
/// out of it, not copied, unless another whole template of the mapping names an overlapping
/// path; the other entries are resolved first, while the output is whole.
fn map_outputs(
    mapping: &Map<String, Json>,
    mut produced: Produced,
    scope: &StepScope,
    budget: &mut Budget,
) -> std::result::Result<Json, String> {
    let mut moves: Vec<(&String, String)> = mapping
        .iter()
        .filter_map(|(k, v)| Some((k, pointer_into(&produced, template::whole_ref(v.as_str()?)?)?)))
        .collect();
    let overlaps = |a: &str, b: &str| a == b || a.starts_with(&format!("{b}/")) || b.starts_with(&format!("{a}/"));
    let kept: Vec<bool> = moves.iter().map(|(k, p)| !moves.iter().any(|(k2, p2)| k2 != k && overlaps(p, p2))).collect();
    let mut kept = kept.into_iter();
    moves.retain(|_| kept.next().unwrap_or(false));
    let rest: Map<String, Json> = mapping
        .iter()
        .map(|(k, v)| (k.clone(), if moves.iter().any(|(m, _)| *m == k) { Json::Null } else { v.clone() }))
        .collect();
    let view =
        template::Produced { output: &produced.output, result: produced.result(), response: produced.response() };
    let mut out = match template::apply_outputs(&Json::Object(rest), &view, scope, budget)? {
        Some(Json::Object(m)) => m,
        _ => Map::new(),
    };
    for (k, ptr) in moves {
        let v = produced.output.pointer_mut(&ptr).map(std::mem::take).unwrap_or_default();
        budget.add(&v, 1)?;
        out.insert(k.clone(), v);
    }
    Ok(Json::Object(out))
}

/// Resolves an agent step's inputs. A value that a top-level whole template names
/// (`{"data": "{{fetch.data}}"}`) in an upstream output that only this step's scope holds is
/// moved out of it, not copied, unless another such template names an overlapping path or the
/// step's outputs mapping names that step; the other entries are resolved first.
fn resolve_taking(
    step: &WorkflowStep,
    scope: &mut Arc<StepScope>,
    budget: &mut Budget,
) -> std::result::Result<Json, String> {
    let Some(inputs) = step.inputs.as_object() else { return template::resolve_in(&step.inputs, &**scope, budget) };
    let mapped_refs = template::references(&step.outputs);
    let named_by_mapping = |key: &str| mapped_refs.iter().any(|r| template::root_of(r) == Some(key));
    let Some(sc) = Arc::get_mut(scope) else { return template::resolve_in(&step.inputs, &**scope, budget) };
    let mut moves: Vec<(&String, usize, String)> = Vec::new();
    for (k, v) in inputs {
        let Some(r) = v.as_str().and_then(template::whole_ref) else { continue };
        let Ok(segs) = template::segments(r) else { continue };
        let Some(at) = sc.steps.iter().position(|(key, _)| key == segs[0]) else { continue };
        let Some(out) = sc.steps[at].1.as_mut().filter(|_| !named_by_mapping(segs[0])) else { continue };
        let Some(out) = Arc::get_mut(out) else { continue };
        // `<step>.output.<path>` reads `<path>` unless the output has its own `output`.
        let skip = segs.get(1) == Some(&"output") && out.as_object().is_none_or(|m| !m.contains_key("output"));
        if let Some(ptr) = pointer_in(out, String::new(), &segs[if skip { 2 } else { 1 }..]) {
            moves.push((k, at, ptr));
        }
    }
    let overlaps = |a: &(&String, usize, String), b: &(&String, usize, String)| {
        a.1 == b.1 && (a.2 == b.2 || a.2.starts_with(&format!("{}/", b.2)) || b.2.starts_with(&format!("{}/", a.2)))
    };
    let alone: Vec<bool> = moves.iter().map(|a| !moves.iter().any(|b| b.0 != a.0 && overlaps(a, b))).collect();
    let mut alone = alone.into_iter();
    moves.retain(|_| alone.next().unwrap_or(false));
    let rest: Map<String, Json> = inputs
        .iter()
        .map(|(k, v)| (k.clone(), if moves.iter().any(|m| m.0 == k) { Json::Null } else { v.clone() }))
        .collect();
    let mut out = match template::resolve_in(&Json::Object(rest), &*sc, budget)? {
        Json::Object(m) => m,
        _ => Map::new(),
    };
    for (k, at, ptr) in moves {
        let v = sc.steps[at]
            .1
            .as_mut()
            .and_then(Arc::get_mut)
            .and_then(|o| o.pointer_mut(&ptr))
            .map(std::mem::take)
            .unwrap_or_default();
        budget.add(&v, 1)?;
        out.insert(k.clone(), v);
    }
    Ok(Json::Object(out))
}

/// The JSON pointer, below `ptr` in `at`, of the value the path segments `segs` name, when it
/// is there (not a computed one such as `.length`).
fn pointer_in(mut at: &Json, mut ptr: String, segs: &[&str]) -> Option<String> {
    for seg in segs {
        at = match at {
            Json::Object(m) if *seg != "length" => m.get(*seg)?,
            Json::Array(a) => a.get(seg.parse::<usize>().ok()?)?,
            _ => return None,
        };
        ptr.push('/');
        ptr.push_str(&seg.replace('~', "~0").replace('/', "~1"));
    }
    Some(ptr)
}

/// The JSON pointer, in an agent's output, of what the reference `r` of an outputs mapping
/// names, when it names a value that is there (not a computed one such as `.length`).
fn pointer_into(produced: &Produced, r: &str) -> Option<String> {
    let segs = template::segments(r).ok()?;
    let (ptr, rest) = match segs[0] {
        "output" => (String::new(), &segs[1..]),
        "result" => match produced.main {
            agents::Main::Output => (String::new(), &segs[1..]),
            agents::Main::Field(f) => (format!("/{f}"), &segs[1..]),
        },
        "response" if produced.http => {
            let field = match *segs.get(1)? {
                "body" => "data",
                "status" => "statusCode",
                "headers" => "headers",
                _ => return None,
            };
            (format!("/{field}"), &segs[2..])
        }
        "response" => return None,
        name => {
            produced.output.as_object()?.get(name)?;
            (format!("/{}", name.replace('~', "~0").replace('/', "~1")), &segs[1..])
        }
    };
    let at = produced.output.pointer(&ptr)?;
    pointer_in(at, ptr, rest)
}

fn number_of(v: &Json) -> Option<u64> {
    match v {
        Json::Number(n) => n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64),
        Json::String(s) => s.trim().parse::<f64>().ok().filter(|f| *f >= 0.0).map(|f| f as u64),
        _ => None,
    }
}

/// One attempt of a step's work.
async fn attempt_once(
    run: &Arc<Run>,
    i: usize,
    scope: &Arc<StepScope>,
    inputs: Json,
    started: Timestamp,
) -> std::result::Result<Produced, AgentError> {
    let step = &run.steps[i];
    match step.step_type {
        WorkflowStepType::Agent => match step.agent_id {
            // The inputs were measured as they were resolved.
            None => Ok(Produced::plain(inputs)),
            Some(id) => {
                let agent = run
                    .agents
                    .get(&id)
                    .ok_or_else(|| AgentError::Permanent(format!("Agent {id} does not exist or was deleted")))?;
                run.call_agent(i, started, agent, inputs).await
            }
        },
        WorkflowStepType::Condition => {
            let value = match step.config.get("condition") {
                Some(Json::String(src)) => expr::evaluate(src, &**scope)?,
                Some(Json::Bool(b)) => *b,
                _ => return Err("A condition step needs config.condition".into()),
            };
            Ok(Produced::field(json!({ "result": value }), "result"))
        }
        WorkflowStepType::Parallel => Ok(Produced::plain(json!({}))),
        WorkflowStepType::Wait => {
            let raw = step.config.get("waitMs").or_else(|| step.config.get("durationMs")).cloned().unwrap_or(json!(0));
            let v = template::resolve_in(&raw, &**scope, &mut run.inputs_budget())?;
            let ms = number_of(&v)
                .ok_or_else(|| format!("A wait step needs config.waitMs as a number of milliseconds (got {v})"))?;
            tokio::time::sleep(Duration::from_millis(ms)).await;
            Ok(Produced::plain(json!({ "waitedMs": ms })))
        }
        WorkflowStepType::Loop => run_loop(run, i, scope, started).await.map_err(AgentError::from),
    }
}

/// A loop step: its agent (or a pass-through) once per item of `config.items`, with the step
/// inputs plus `item` and `index`, `config.concurrency` at a time (default 1).
async fn run_loop(
    run: &Arc<Run>,
    i: usize,
    scope: &Arc<StepScope>,
    started: Timestamp,
) -> std::result::Result<Produced, String> {
    let step = &run.steps[i];
    let raw = step.config.get("items").ok_or("A loop step needs config.items (a template yielding an array)")?;
    let items = match template::resolve_in(raw, &**scope, &mut run.inputs_budget())? {
        Json::Array(a) => a,
        other => return Err(format!("config.items must be an array (got {})", template::kind(&other))),
    };
    let concurrency = step.config.get("concurrency").and_then(number_of).unwrap_or(1).clamp(1, 100) as usize;
    let count = items.len();
    let mut results = vec![Json::Null; count];
    let mut failures = Vec::new();
    let mut set: JoinSet<(usize, std::result::Result<Json, String>)> = JoinSet::new();
    let mut items = items.into_iter().enumerate();
    loop {
        while set.len() < concurrency {
            let Some((index, item)) = items.next() else { break };
            let (run, scope) = (run.clone(), scope.clone());
            set.spawn(async move {
                let out = loop_item(&run, i, &scope, item, index, started).await;
                (index, out)
            });
        }
        let Some(joined) = set.join_next().await else { break };
        let (index, out) = joined.map_err(|e| format!("a loop item's task failed: {e}"))?;
        match out {
            Ok(v) => results[index] = v,
            Err(e) if step.on_error == ErrorHandling::Continue => {
                failures.push(json!({ "index": index, "error": bounds::cut_string(e, MAX_ERROR_BYTES) }))
            }
            Err(e) => return Err(format!("item {index} failed: {e}")),
        }
    }
    let mut output = Map::new();
    output.insert("items".into(), Json::Array(results));
    output.insert("count".into(), json!(count));
    if !failures.is_empty() {
        output.insert("errors".into(), Json::Array(failures));
    }
    Ok(Produced::field(Json::Object(output), "items"))
}

async fn loop_item(
    run: &Arc<Run>,
    i: usize,
    scope: &StepScope,
    item: Json,
    index: usize,
    started: Timestamp,
) -> std::result::Result<Json, String> {
    let step = &run.steps[i];
    let item_scope = StepScope {
        inputs: scope.inputs.clone(),
        metadata: scope.metadata.clone(),
        steps: scope.steps.clone(),
        extra: vec![("item", item.clone()), ("index", json!(index))],
    };
    let mut inputs = template::resolve_in(&step.inputs, &item_scope, &mut run.inputs_budget())?;
    if let Json::Object(m) = &mut inputs {
        m.entry("item").or_insert(item);
        m.entry("index").or_insert(json!(index));
    }
    match step.agent_id {
        None => Ok(inputs),
        Some(id) => {
            let agent = run.agents.get(&id).ok_or_else(|| format!("Agent {id} does not exist or was deleted"))?;
            run.call_agent(i, started, agent, inputs).await.map(|p| p.output).map_err(AgentError::into_message)
        }
    }
}
