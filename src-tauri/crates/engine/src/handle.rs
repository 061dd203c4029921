//! The engine's boundary with the agents and the front ends: what a run is asked for
//! ([`RunRequest`]), a started run ([`RunHandle`]), and [`Host`], what an agent may ask of the
//! engine that runs it — the services and a child run — so that agents never name the engine.

use crate::events::RunEvent;
use serde_json::{json, Value as Json};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use turbocat_domain::{Error, Execution, Result, TriggerType, Uuid};
use turbocat_services::Services;

/// What to run.
#[derive(Debug, Clone)]
pub struct RunRequest {
    pub workflow_id: Uuid,
    /// The execution's `input_data`: an object (or null for none).
    pub input: Json,
    pub trigger_type: TriggerType,
    pub trigger_data: Json,
    /// Whom the run is for (the local server's caller); None: the local profile.
    pub as_user: Option<Uuid>,
}

impl RunRequest {
    pub fn manual(workflow_id: Uuid, input: Json) -> RunRequest {
        RunRequest { workflow_id, input, trigger_type: TriggerType::Manual, trigger_data: json!({}), as_user: None }
    }
}

/// What an agent may use of the engine running it (the engine implements it).
pub trait Host: Send + Sync {
    fn services(&self) -> &Arc<Services>;
    /// Starts a child run (a workflow agent's) below the run whose workflows are `lineage`,
    /// root first; refused beyond the engine's depth limit.
    fn start_child(
        &self,
        req: RunRequest,
        lineage: Arc<Vec<(Uuid, String)>>,
    ) -> Pin<Box<dyn Future<Output = Result<RunHandle>> + Send + '_>>;
}

/// Runs `f` with the services on the blocking pool.
pub(crate) async fn blocking<T: Send + 'static>(
    svc: &Arc<Services>,
    f: impl FnOnce(&Services) -> Result<T> + Send + 'static,
) -> Result<T> {
    let s = svc.clone();
    tokio::task::spawn_blocking(move || f(&s))
        .await
        .map_err(|e| Error::internal(format!("a background task failed: {e}")))?
}

/// A started run.
pub struct RunHandle {
    pub execution_id: Uuid,
    pub(crate) events: Option<mpsc::UnboundedReceiver<RunEvent>>,
    pub(crate) cancel: CancellationToken,
    pub(crate) task: tokio::task::JoinHandle<Result<Execution>>,
}

impl RunHandle {
    /// Cancels the run: running steps and sleeps stop at once; the execution ends cancelled.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// A token that cancels this run (for a Ctrl-C handler or a UI button).
    pub fn canceller(&self) -> CancellationToken {
        self.cancel.clone()
    }

    /// The next event of this run; None after `RunFinished`.
    pub async fn next_event(&mut self) -> Option<RunEvent> {
        self.events.as_mut()?.recv().await
    }

    /// This run's events, to read elsewhere.
    pub fn take_events(&mut self) -> Option<mpsc::UnboundedReceiver<RunEvent>> {
        self.events.take()
    }

    /// Waits for the end of the run; the execution row as finished.
    pub async fn wait(self) -> Result<Execution> {
        self.task.await.map_err(|e| Error::internal(format!("the run task failed: {e}")))?
    }
}
