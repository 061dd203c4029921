//! The workflow agent (`docs/engine.md`, "Agents"): runs another workflow as a child execution
//! and returns its output.
//!
//! - The child is `config.workflowId` of the agent (or, failing that, of the step): an id, or
//!   the exact name of a workflow the user can see.
//! - Its input is the step's resolved inputs (the step's `inputs` templates map the parent's
//!   values onto the child's declared inputs), over the agent's `config.inputs` as defaults. It
//!   is checked against the child's declared inputs like any run's.
//! - The child is an execution of its own (trigger `event`, `trigger_data` naming the parent
//!   execution, step and depth), with its own logs and counters; the parent step logs its id.
//! - The step waits for the child's end. Its output, and its main value (`result`), is the
//!   child's `output_data`. A child that did not complete fails the step with the child's
//!   error. Cancelling the parent, or the step's timeout, cancels the child.
//! - Nesting is limited ([`crate::EngineConfig::max_depth`], default 5): a child deeper than that
//!   is refused before its execution is created, with [`DEPTH_LIMIT`] and the chain of workflows
//!   in the message; a parent whose child failed that way reports the same message.

use super::{AgentCtx, AgentError, Produced};
use crate::handle::blocking;
use crate::handle::RunRequest;
use serde_json::{json, Value as Json};
use std::sync::Arc;
use turbocat_domain::{Agent, ExecutionStatus, LogLevel, TriggerType, Uuid, WorkflowStep};

/// The start of the message of a child refused for nesting too deep.
pub const DEPTH_LIMIT: &str = "Workflow depth limit reached";

/// The message of a run refused for nesting too deep: `above` are the workflows above it (root
/// first), `id` and `name` the refused one.
pub fn depth_message(above: &[(Uuid, String)], id: Uuid, name: &str, max_depth: usize) -> String {
    let chain: Vec<String> =
        above.iter().map(|(_, n)| n.as_str()).chain(std::iter::once(name)).map(|n| format!("\"{n}\"")).collect();
    let recursion = if above.iter().any(|(a, _)| *a == id) { " (the workflow calls itself)" } else { "" };
    format!(
        "{DEPTH_LIMIT}: {} would nest child workflows {} deep, and the limit is {max_depth}{recursion}",
        chain.join(" → "),
        above.len()
    )
}

fn target(agent: &Agent, step: &WorkflowStep) -> Option<String> {
    [&agent.config, &step.config]
        .iter()
        .find_map(|c| c.get("workflowId").and_then(Json::as_str).map(str::trim).filter(|s| !s.is_empty()))
        .map(str::to_string)
}

pub async fn run(cx: &AgentCtx<'_>, agent: &Agent, step: &WorkflowStep, inputs: Json) -> Result<Produced, AgentError> {
    let perm = AgentError::Permanent;
    let Some(target) = target(agent, step) else {
        return Err(perm(format!(
            "Agent \"{}\" is a workflow agent with no workflow to run: set config.workflowId to a workflow's id or name",
            agent.name
        )));
    };
    let workflow_id = match target.parse::<Uuid>() {
        Ok(id) => id,
        Err(_) => {
            let name = target.clone();
            blocking(cx.host.services(), move |s| s.workflows().find(&name))
                .await
                .map_err(|e| perm(format!("Child workflow not started: {}", e.message)))?
                .id
        }
    };
    let mut input = match agent.config.get("inputs") {
        Some(Json::Object(defaults)) => defaults.clone(),
        _ => Default::default(),
    };
    match inputs {
        Json::Object(m) => input.extend(m),
        Json::Null => {}
        other => return Err(perm(format!("A workflow agent's inputs must be an object (got {other})"))),
    }
    let parent = cx.lineage.last().map(|(id, _)| *id);
    let req = RunRequest {
        workflow_id,
        input: Json::Object(input),
        trigger_type: TriggerType::Event,
        trigger_data: json!({
            "parentExecutionId": cx.execution_id,
            "parentWorkflowId": parent,
            "parentStepKey": cx.step_key,
            "depth": cx.lineage.len(),
        }),
        as_user: cx.as_user,
    };
    let mut handle = cx.host.start_child(req, Arc::clone(cx.lineage)).await.map_err(|e| {
        if e.message.starts_with(DEPTH_LIMIT) {
            perm(e.message)
        } else {
            perm(format!("Child workflow {target} not started: {}", e.message))
        }
    })?;
    // The child's own event stream is not read here (the engine's broadcast carries its
    // events); dropping it keeps them from piling up.
    drop(handle.take_events());
    let child = handle.execution_id;
    (cx.log)(
        LogLevel::Info,
        format!("Step \"{}\" started child execution {child}", cx.step_key),
        json!({ "childExecutionId": child, "workflowId": workflow_id }),
    );
    // Dropping this step's future (the parent cancelled, the step timed out) cancels the child.
    let guard = handle.canceller().drop_guard();
    let finished = handle.wait().await.map_err(|e| AgentError::Retryable(e.message))?;
    guard.disarm();
    match finished.status {
        ExecutionStatus::Completed => Ok(Produced::plain(finished.output_data)),
        status => {
            let why = finished.error_message.unwrap_or_else(|| format!("it ended {}", status.as_str()));
            // A depth refusal deep down is reported as it is, not wrapped once per level.
            match why.find(DEPTH_LIMIT) {
                Some(at) => Err(perm(why[at..].to_string())),
                None => Err(AgentError::Retryable(format!(
                    "Child execution {child} of workflow {target} {}: {why}",
                    status.as_str()
                ))),
            }
        }
    }
}
