//! Agent kinds (`spec/engine.md`, "Agents"). Each returns what it produced: the step's output
//! object, its main value (`result` in an outputs mapping) and, for an api agent, the response
//! as `{status, headers, body}` (`response`).

pub mod api;
pub mod code;
pub mod data;
pub mod llm;
pub mod workflow;

use crate::Engine;
use serde_json::Value as Json;
use std::sync::Arc;
use std::time::Duration;
use turbocat_domain::{Agent, AgentType, LogLevel, Uuid, WorkflowStep};

/// What an agent produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Produced {
    pub output: Json,
    /// The main value: a data agent's `result`, an api agent's body, a code agent's return
    /// value, an llm agent's content, a child workflow's output.
    pub result: Json,
    pub response: Option<Json>,
}

impl Produced {
    /// An output whose main value is itself (pass-through, parallel, …).
    pub fn plain(output: Json) -> Produced {
        Produced { result: output.clone(), output, response: None }
    }
}

/// Why an agent failed. A permanent failure (a configuration the agent cannot run) is not
/// retried by the step's retry policy; anything else is.
#[derive(Debug, Clone, PartialEq)]
pub enum AgentError {
    Retryable(String),
    Permanent(String),
}

impl AgentError {
    pub fn message(&self) -> &str {
        match self {
            AgentError::Retryable(m) | AgentError::Permanent(m) => m,
        }
    }
    pub fn into_message(self) -> String {
        match self {
            AgentError::Retryable(m) | AgentError::Permanent(m) => m,
        }
    }
}

impl From<String> for AgentError {
    fn from(m: String) -> Self {
        AgentError::Retryable(m)
    }
}

impl From<&str> for AgentError {
    fn from(m: &str) -> Self {
        AgentError::Retryable(m.to_string())
    }
}

/// What agents may use beyond their inputs.
#[derive(Clone)]
pub struct AgentEnv {
    pub http: api::HttpClients,
}

impl AgentEnv {
    pub fn new() -> Result<AgentEnv, String> {
        Ok(AgentEnv { http: api::HttpClients::new()? })
    }
}

/// Where an agent runs: its run and step, and what it may use.
pub struct AgentCtx<'a> {
    pub env: &'a AgentEnv,
    /// Starts a workflow agent's child run.
    pub engine: &'a Engine,
    pub execution_id: Uuid,
    pub step_key: &'a str,
    /// The workflows from the root run down to this one (id, name).
    pub lineage: &'a Arc<Vec<(Uuid, String)>>,
    /// The step's per-attempt timeout (a code agent's time limit is at most this).
    pub timeout: Duration,
    /// Writes a log row of the step (status running): console output, a child's id, …
    pub log: &'a (dyn Fn(LogLevel, String, Json) + Send + Sync),
}

/// Runs one agent on resolved inputs.
pub async fn run(cx: &AgentCtx<'_>, agent: &Agent, step: &WorkflowStep, inputs: Json) -> Result<Produced, AgentError> {
    let env = cx.env;
    match agent.agent_type {
        AgentType::Data => {
            let output = data::run(&agent.config, &step.config, &inputs)?;
            let result = output.get("result").cloned().unwrap_or(Json::Null);
            Ok(Produced { output, result, response: None })
        }
        AgentType::Code => code::run(cx, agent, step, inputs).await,
        AgentType::Api => api::run(&env.http, &agent.config, &inputs).await,
        AgentType::Llm => llm::run(cx, agent, &inputs).await,
        AgentType::Workflow => workflow::run(cx, agent, step, inputs).await,
    }
}
