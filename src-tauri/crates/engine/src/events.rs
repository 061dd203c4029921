//! The typed events of a run, in the order they happen. The desktop shell forwards them to the
//! UI; the CLI prints them as progress.

use serde::Serialize;
use serde_json::Value as Json;
use turbocat_domain::{ExecutionStatus, StepStatus, Uuid};

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(tag = "type", rename_all = "camelCase", rename_all_fields = "camelCase")]
#[ts(export)]
pub enum RunEvent {
    /// The execution is running (its row says so).
    RunStarted {
        execution_id: Uuid,
        workflow_id: Uuid,
        workflow_name: String,
        #[ts(type = "number")]
        steps_total: usize,
    },
    /// A step began, with its resolved inputs (bounded like its log row).
    StepStarted { execution_id: Uuid, step_key: String, inputs: Json },
    /// An attempt failed and the step will try again after `delay_ms`.
    StepRetry { execution_id: Uuid, step_key: String, attempt: u32, delay_ms: u64, error: String },
    /// A step ended: completed, failed or skipped (`reason` says why it was skipped).
    StepFinished {
        execution_id: Uuid,
        step_key: String,
        status: StepStatus,
        duration_ms: i64,
        error: Option<String>,
        reason: Option<String>,
    },
    /// The run ended; its row holds the final status.
    RunFinished { execution_id: Uuid, status: ExecutionStatus, duration_ms: i64, error: Option<String> },
}

impl RunEvent {
    pub fn execution_id(&self) -> Uuid {
        match self {
            RunEvent::RunStarted { execution_id, .. }
            | RunEvent::StepStarted { execution_id, .. }
            | RunEvent::StepRetry { execution_id, .. }
            | RunEvent::StepFinished { execution_id, .. }
            | RunEvent::RunFinished { execution_id, .. } => *execution_id,
        }
    }
}
