//! The runner: an [`Engine`] checks and starts runs, cancels them and streams their
//! [`RunEvent`]s. A started run is the step scheduler of [`crate::run`], one tokio task.
//!
//! SQLite is only touched on the blocking pool (`spawn_blocking`), through the services layer.
//! Step log rows go to a recorder task that writes them in batches; the final status, counters
//! and last rows are one transaction (`Runs::finish`).

use crate::agents::{self, AgentEnv};
use crate::bounds::{self, Over, MAX_DEPTH};
use crate::events::RunEvent;
use crate::handle::{blocking, Host, RunHandle, RunRequest};
use crate::plan::{self, Graph};
use crate::run::{self, Reuse, Run};
use serde_json::{json, Value as Json};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};
use tokio_util::sync::CancellationToken;
use turbocat_domain::flow::config::{StepConfig, WorkflowDefinition};
use turbocat_domain::{Error, Execution, ExecutionStatus, Result, Timestamp, TriggerType, Uuid};
use turbocat_services::runs::StartRun;
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
            as_user: None,
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
        let as_user = req.as_user;
        let (plan, definition, mut execution) = blocking(&svc, move |s| {
            let s = match req.as_user {
                Some(user) => s.acting_as(user, None),
                None => s.local(),
            };
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
            let definition = WorkflowDefinition::of(&plan.workflow.definition);
            let input = plan::apply_inputs(&definition, req.input)?;
            let e = s.runs().create(StartRun {
                workflow_id: req.workflow_id,
                trigger_type: Some(req.trigger_type),
                trigger_data: Some(req.trigger_data),
                input_data: input,
            })?;
            Ok((plan, definition, e))
        })
        .await?;
        let mut lineage = (*parents).clone();
        lineage.push((plan.workflow.id, plan.workflow.name.clone()));
        let cancel = CancellationToken::new();
        self.inner.active.lock().unwrap_or_else(|p| p.into_inner()).insert(execution.id, cancel.clone());
        let (tx, rx) = mpsc::unbounded_channel();
        let configs: Vec<StepConfig> = plan.steps.iter().map(|s| StepConfig::of(&s.config, s.step_type)).collect();
        let graph = Graph::with_configs(&plan.steps, &configs);
        let time_limit = definition.timeout_ms.map(Duration::from_millis).unwrap_or(self.inner.config.time_limit);
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
            as_user,
            // Taken, not copied: the row is not used for its input again.
            inputs: Arc::new(std::mem::take(&mut execution.input_data)),
            metadata: Arc::new(metadata),
            workflow: plan.workflow,
            definition,
            agents: plan.agents.into_iter().map(|a| (a.id, a)).collect(),
            configs,
            steps: plan.steps,
            graph,
            run_events: tx,
            all_events: self.inner.events.clone(),
            logs: run::context::recorder(svc),
            env: self.inner.env.clone(),
            time_limit,
            last_stamp: std::sync::atomic::AtomicI64::new(0),
            host: Arc::new(self.clone()),
            lineage: Arc::new(lineage),
            reuse,
        });
        let inner = self.inner.clone();
        let token = cancel.clone();
        let id = execution.id;
        let task = tokio::spawn(async move {
            let out = run::run_boxed(run, token).await;
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
