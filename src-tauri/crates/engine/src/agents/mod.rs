//! Agent kinds (`docs/engine.md`, "Agents"). Each returns what it produced: the step's output
//! object, its main value (`result` in an outputs mapping) and, for an api agent, the response
//! as `{status, headers, body}` (`response`).

pub mod api;
pub mod code;
pub mod data;
pub mod llm;
pub mod workflow;

use crate::handle::Host;
use serde_json::Value as Json;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use turbocat_domain::{Agent, AgentType, LogLevel, Uuid, WorkflowStep};

/// What an agent produced: its output and where, in it, its main value is (no copy of it).
#[derive(Debug, Clone, PartialEq)]
pub struct Produced {
    pub output: Json,
    /// The main value: a data agent's `result`, an api agent's body, a code agent's return
    /// value, an llm agent's content, a child workflow's output.
    pub main: Main,
    /// An api agent's: `response` is `{status, headers, body}`, the output's `statusCode`,
    /// `headers` and `data`.
    pub http: bool,
}

/// Where a [`Produced`]'s main value is.
#[derive(Debug, Clone, PartialEq)]
pub enum Main {
    /// The whole output.
    Output,
    /// A field of the output.
    Field(&'static str),
}

static NULL: Json = Json::Null;

impl Produced {
    /// An output whose main value is itself (pass-through, parallel, …).
    pub fn plain(output: Json) -> Produced {
        Produced { output, main: Main::Output, http: false }
    }

    /// An output whose main value is its field `field`.
    pub fn field(output: Json, field: &'static str) -> Produced {
        Produced { output, main: Main::Field(field), http: false }
    }

    /// The main value (`result` in an outputs mapping).
    pub fn result(&self) -> &Json {
        match self.main {
            Main::Output => &self.output,
            Main::Field(f) => self.output.get(f).unwrap_or(&NULL),
        }
    }

    /// An api agent's `response` (`{status, headers, body}`) as parts of the output.
    pub fn response(&self) -> Option<[(&'static str, &Json); 3]> {
        let part = |k: &str| self.output.get(k).unwrap_or(&NULL);
        self.http.then(|| [("status", part("statusCode")), ("headers", part("headers")), ("body", part("data"))])
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
    /// The services, and a workflow agent's child run.
    pub host: &'a dyn Host,
    pub execution_id: Uuid,
    /// Whom the run is for (a child run is for the same user); None: the local profile.
    pub as_user: Option<Uuid>,
    pub step_key: &'a str,
    /// The workflows from the root run down to this one (id, name).
    pub lineage: &'a Arc<Vec<(Uuid, String)>>,
    /// The step's per-attempt timeout (a code agent's time limit is at most this).
    pub timeout: Duration,
    /// The most a step's output may hold, as JSON text (`EngineConfig::value_limit`).
    pub value_limit: usize,
    /// Writes a log row of the step (status running): console output, a child's id, …
    pub log: &'a (dyn Fn(LogLevel, String, Json) + Send + Sync),
}

/// Sets a stop flag when dropped: the step ended (cancelled, timed out) before the work that
/// runs off the async runtime (a script's thread, a data operation on the blocking pool).
pub(crate) struct StopOnDrop(pub(crate) Arc<AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Runs one agent on resolved inputs. Every kind has this signature: its module's `run`.
pub async fn run(cx: &AgentCtx<'_>, agent: &Agent, step: &WorkflowStep, inputs: Json) -> Result<Produced, AgentError> {
    match agent.agent_type {
        AgentType::Data => data::run(cx, agent, step, inputs).await,
        AgentType::Code => code::run(cx, agent, step, inputs).await,
        AgentType::Api => api::run(cx, agent, step, inputs).await,
        AgentType::Llm => llm::run(cx, agent, step, inputs).await,
        AgentType::Workflow => workflow::run(cx, agent, step, inputs).await,
    }
}
