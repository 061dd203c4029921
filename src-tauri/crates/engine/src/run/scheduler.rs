//! The step scheduler: one tokio task per run that starts ready steps as tasks of a `JoinSet`,
//! at most `concurrency` at once, and waits on whichever comes first: a step ending, the cancel
//! token, the workflow's time limit, or a poll that notices the execution was ended from
//! outside (the executions service's cancel, from this process or another). Ending a run drops
//! every running step's future, which stops its sleeps and HTTP calls at once.

use super::context::{Run, StepEnd};
use super::outputs::Outputs;
use super::step::{exec_step, StepDone};
use crate::bounds::{self, MAX_ERROR_BYTES, MAX_ERROR_STACK_BYTES};
use crate::events::RunEvent;
use crate::handle::blocking;
use serde_json::{json, Value as Json};
use std::collections::{BTreeSet, HashMap};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Instant;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use turbocat_domain::{
    ErrorHandling, Execution, ExecutionLog, ExecutionStatus, LogLevel, Result, StepStatus, Timestamp, WorkflowStepType,
};
use turbocat_services::runs::{run_log, AgentUse, FinishRun};

#[derive(Clone, Copy, PartialEq)]
enum St {
    Waiting,
    Running,
    Done(StepStatus),
}

/// Why a run ended before all its steps did.
enum End {
    Cancelled,
    Timeout,
    /// Ended from outside (the executions service's cancel): the row's status.
    External(ExecutionStatus),
    /// A step with on_error fail failed.
    Stopped(String),
}

/// [`run`] as a boxed `Send` future: a run's steps may start child runs (workflow agents), and
/// the box ends that cycle of future types.
pub(crate) fn run_boxed(
    run: Arc<Run>,
    cancel: CancellationToken,
) -> Pin<Box<dyn Future<Output = Result<Execution>> + Send>> {
    Box::pin(self::run(run, cancel))
}

/// Runs a planned execution from its start row to its final one.
async fn run(run: Arc<Run>, cancel: CancellationToken) -> Result<Execution> {
    let t0 = Instant::now();
    let id = run.exec_id;
    let opening = run_log(
        id,
        LogLevel::Info,
        "Workflow execution started",
        json!({ "workflowId": run.workflow.id, "workflowName": run.workflow.name, "stepsTotal": run.steps.len() }),
    );
    if let Err(e) = blocking(&run.svc, move |s| s.runs().begin(id, opening)).await {
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
    run.emit(RunEvent::RunStarted {
        execution_id: id,
        workflow_id: run.workflow.id,
        workflow_name: run.workflow.name.clone(),
        steps_total: run.steps.len(),
    });
    let mut s = StepScheduler::new(run.clone());
    let end = s.drive(&cancel).await;
    let last_rows = s.stop(end.as_ref()).await;
    let finish = s.finish(end, t0, last_rows).await;
    let status = finish.status;
    let result = blocking(&run.svc, move |s| s.runs().finish(finish)).await;
    run.emit(match &result {
        Ok(e) => RunEvent::RunFinished {
            execution_id: e.id,
            status: e.status,
            duration_ms: e.duration_ms.unwrap_or(0),
            error: e.error_message.clone(),
        },
        Err(e) => RunEvent::RunFinished {
            execution_id: id,
            status,
            duration_ms: t0.elapsed().as_millis() as i64,
            error: Some(e.message.clone()),
        },
    });
    result
}

/// The state of a run's steps while it runs.
struct StepScheduler {
    run: Arc<Run>,
    st: Vec<St>,
    /// Dependencies of each step that have not ended.
    pending: Vec<usize>,
    ready: BTreeSet<usize>,
    outputs: Outputs,
    conditions: Vec<Option<bool>>,
    durations: Vec<i64>,
    errors: Vec<(usize, String)>,
    reused: Vec<bool>,
    joins: JoinSet<StepDone>,
    task_steps: HashMap<tokio::task::Id, usize>,
}

impl StepScheduler {
    fn new(run: Arc<Run>) -> StepScheduler {
        let n = run.steps.len();
        let pending: Vec<usize> = run.graph.deps.iter().map(Vec::len).collect();
        StepScheduler {
            st: vec![St::Waiting; n],
            ready: (0..n).filter(|&i| pending[i] == 0).collect(),
            pending,
            outputs: Outputs::new(&run),
            conditions: vec![None; n],
            durations: vec![0; n],
            errors: Vec::new(),
            reused: vec![false; n],
            joins: JoinSet::new(),
            task_steps: HashMap::new(),
            run,
        }
    }

    /// Runs steps until all ended, or the run ends first (the reason).
    async fn drive(&mut self, cancel: &CancellationToken) -> Option<End> {
        let run = self.run.clone();
        let deadline = tokio::time::Instant::now() + run.time_limit;
        let mut poll = tokio::time::interval(run.cfg.poll_interval);
        poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            self.launch();
            if self.joins.is_empty() {
                return None;
            }
            tokio::select! {
                biased;
                _ = cancel.cancelled() => return Some(End::Cancelled),
                _ = tokio::time::sleep_until(deadline) => return Some(End::Timeout),
                Some(joined) = self.joins.join_next_with_id() => {
                    let done = match joined {
                        Ok((tid, d)) => {
                            self.task_steps.remove(&tid);
                            d
                        }
                        Err(e) => {
                            let i = self.task_steps.remove(&e.id()).unwrap_or(0);
                            let error = format!("the step's task failed: {e}");
                            run.log(run.end_step(i, None, StepEnd::Failed { error: error.clone(), attempts: None }));
                            StepDone::failed(i, error, 0)
                        }
                    };
                    if let Some(end) = self.ended(done) {
                        return Some(end);
                    }
                }
                _ = poll.tick() => {
                    let id = run.exec_id;
                    if let Ok(s) = blocking(&run.svc, move |s| s.runs().status(id)).await {
                        if s.is_terminal() {
                            return Some(End::External(s));
                        }
                    }
                }
            }
        }
    }

    /// Starts ready steps up to the concurrency limit; a step that is reused or skipped ends
    /// at once, and releases its dependants.
    fn launch(&mut self) {
        let run = self.run.clone();
        let limit = run.cfg.concurrency.max(1);
        while self.joins.len() < limit {
            let Some(i) = self.ready.pop_first() else { break };
            if let Some(out) = self.reusable(i) {
                let from = run.reuse.as_ref().map(|r| r.from).unwrap_or_default();
                run.log(run.end_step(i, None, StepEnd::Reused { output: &out, from }));
                self.st[i] = St::Done(StepStatus::Completed);
                self.reused[i] = true;
                self.release(i, Some(Arc::new(out)));
                continue;
            }
            if let Some(reason) = self.skip_reason(i) {
                run.log(run.end_step(i, None, StepEnd::Skipped { reason }));
                self.st[i] = St::Done(StepStatus::Skipped);
                self.release(i, None);
                continue;
            }
            self.st[i] = St::Running;
            let scope = self.outputs.scope_for(&run, i);
            let h = self.joins.spawn(exec_step(run.clone(), i, scope));
            self.task_steps.insert(h.id(), i);
        }
    }

    /// Why step `i` does not run: a dependency failed (and the step does not continue on
    /// error), all of them were skipped, or a condition it follows went the other way.
    fn skip_reason(&self, i: usize) -> Option<String> {
        let run = &self.run;
        let deps = &run.graph.deps[i];
        if let Some(&d) = deps
            .iter()
            .find(|&&d| self.st[d] == St::Done(StepStatus::Failed) && run.steps[i].on_error != ErrorHandling::Continue)
        {
            return Some(format!("its dependency \"{}\" failed", run.key(d)));
        }
        if !deps.is_empty() && deps.iter().all(|&d| self.st[d] == St::Done(StepStatus::Skipped)) {
            return Some("all of its dependencies were skipped".to_string());
        }
        let want = run.configs[i].when();
        let d = deps.iter().find(|&&d| self.conditions[d].is_some_and(|c| c != want))?;
        Some(format!(
            "condition \"{}\" is {} and the step runs when it is {want}",
            run.key(*d),
            self.conditions[*d].unwrap_or_default()
        ))
    }

    /// The original output step `i` reuses in a re-run from a failed step: it completed there,
    /// its output was kept, it is not a condition, and each step it depends on was reused or is
    /// a condition evaluated again in this run.
    fn reusable(&self, i: usize) -> Option<Json> {
        let run = &self.run;
        let r = run.reuse.as_ref()?;
        let step = &run.steps[i];
        if step.step_type == WorkflowStepType::Condition {
            return None;
        }
        let deps_ok = run.graph.deps[i].iter().all(|&d| {
            self.reused[d]
                || (run.steps[d].step_type == WorkflowStepType::Condition
                    && self.st[d] == St::Done(StepStatus::Completed))
        });
        if !deps_ok {
            return None;
        }
        r.outputs.get(&step.step_key).cloned()
    }

    /// Step `i` ended with `output`: its dependants whose every dependency ended are ready.
    fn release(&mut self, i: usize, output: Option<Arc<Json>>) {
        for &d in &self.run.graph.dependants[i] {
            self.pending[d] -= 1;
            if self.pending[d] == 0 {
                self.ready.insert(d);
            }
        }
        self.outputs.ended(&self.run, i, output);
    }

    /// A step task ended; the run ends with it when it failed and fails the workflow.
    fn ended(&mut self, done: StepDone) -> Option<End> {
        let i = done.idx;
        self.st[i] = St::Done(done.status);
        self.durations[i] = done.duration_ms;
        self.conditions[i] = done.condition;
        if let Some(e) = done.error {
            self.errors.push((i, e));
            if self.run.steps[i].on_error == ErrorHandling::Fail {
                return Some(End::Stopped(self.run.key(i).to_string()));
            }
        }
        self.release(i, done.output);
        None
    }

    /// Stops whatever still runs, then ends every step that did not end: the rows, written
    /// with the run's final row.
    async fn stop(&mut self, end: Option<&End>) -> Vec<ExecutionLog> {
        self.joins.shutdown().await;
        let Some(end) = end else { return Vec::new() };
        let run = self.run.clone();
        let (running_failed, why) = match end {
            End::Cancelled | End::External(_) => (false, "the execution was cancelled".to_string()),
            End::Timeout => {
                (true, format!("the workflow's time limit of {} ms was reached", run.time_limit.as_millis()))
            }
            End::Stopped(k) => (false, format!("step \"{k}\" failed")),
        };
        let mut rows = Vec::new();
        for i in 0..run.steps.len() {
            let row = match self.st[i] {
                St::Running if running_failed => {
                    let error = format!("Stopped: {why}");
                    self.errors.push((i, error.clone()));
                    self.st[i] = St::Done(StepStatus::Failed);
                    run.end_step(i, None, StepEnd::Failed { error, attempts: None })
                }
                St::Running | St::Waiting => {
                    let reason =
                        if self.st[i] == St::Running { format!("stopped: {why}") } else { format!("not run: {why}") };
                    self.st[i] = St::Done(StepStatus::Skipped);
                    run.end_step(i, None, StepEnd::Skipped { reason })
                }
                St::Done(_) => continue,
            };
            rows.push(row);
        }
        rows
    }

    /// The final row of the run: status, error, counters, output, agent use, and the last log
    /// rows (those of [`StepScheduler::stop`], then the closing line).
    async fn finish(&self, end: Option<End>, t0: Instant, mut last_rows: Vec<ExecutionLog>) -> FinishRun {
        let run = &self.run;
        let count = |s: StepStatus| self.st.iter().filter(|x| **x == St::Done(s)).count();
        let (completed, failed, skipped) =
            (count(StepStatus::Completed), count(StepStatus::Failed), count(StepStatus::Skipped));
        let step_error = |(i, e): &(usize, String)| format!("Step \"{}\" failed: {e}", run.key(*i));
        let (status, error_message) = match &end {
            Some(End::Cancelled) => (ExecutionStatus::Cancelled, None),
            Some(End::External(s)) => (*s, None),
            Some(End::Timeout) => (
                ExecutionStatus::Timeout,
                Some(format!(
                    "Execution timed out: the workflow's time limit of {} ms was reached",
                    run.time_limit.as_millis()
                )),
            ),
            Some(End::Stopped(_)) => (ExecutionStatus::Failed, self.errors.first().map(step_error)),
            None if failed > 0 => (ExecutionStatus::Failed, self.errors.first().map(step_error)),
            None => (ExecutionStatus::Completed, None),
        };
        let error_stack = (self.errors.len() > 1).then(|| {
            // Each message is bounded already; so many steps may fail that the whole is bounded too.
            let mut stack = String::new();
            for (n, e) in self.errors.iter().enumerate() {
                if stack.len() > MAX_ERROR_STACK_BYTES {
                    stack.push_str(&format!("\n… and {} more failed steps", self.errors.len() - n));
                    break;
                }
                if n > 0 {
                    stack.push('\n');
                }
                stack.push_str(&step_error(e));
            }
            bounds::cut_string(stack, MAX_ERROR_STACK_BYTES + MAX_ERROR_BYTES)
        });
        let mut closing = run_log(
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
        // The closing line sorts after every row of the run (rows of one millisecond sort by
        // step key, and the closing line has none).
        let last = run.last_stamp();
        if closing.created_at.millis() <= last {
            closing.created_at = Timestamp::from_millis(last + 1);
        }
        last_rows.push(closing);
        let agents: Vec<AgentUse> = (0..run.steps.len())
            .filter(|&i| matches!(self.st[i], St::Done(StepStatus::Completed | StepStatus::Failed)) && !self.reused[i])
            .filter(|&i| matches!(run.steps[i].step_type, WorkflowStepType::Agent | WorkflowStepType::Loop))
            .filter_map(|i| {
                let a = run.steps[i].agent_id.filter(|a| run.agents.contains_key(a))?;
                Some(AgentUse {
                    agent_id: a,
                    duration_ms: self.durations[i],
                    succeeded: self.st[i] == St::Done(StepStatus::Completed),
                })
            })
            .collect();
        let log_error = run.flush().await;
        FinishRun {
            execution_id: run.exec_id,
            status,
            output_data: self.outputs.output_data(run),
            error_message,
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
        }
    }
}
