//! The workflow engine in the desktop shell: one [`Engine`] over the open services, opened at
//! start (which marks runs a stopped app left running as interrupted and starts the cron
//! scheduler) or by the first command that needs it, and opened again when the database is
//! (after a restore). Every run's events go to the UI as the `run-event` Tauri event.
//!
//! Commands: start a run of a workflow, re-run an execution (whole or from its failed step).
//! Both return the new execution at once, while it runs. Cancel is `executions_cancel`
//! (executions.rs), which also cancels the run here directly.

use std::sync::Arc;

use serde_json::Value as Json;
use tauri::{AppHandle, Emitter, State};
use tokio::sync::broadcast::error::RecvError;
use turbocat_domain::{Execution, Uuid};
use turbocat_engine::{Engine, EngineConfig, RunEvent, RunRequest};
use turbocat_services::Services;

use super::with_services;
use crate::{CommandResult, Database};

/// The Tauri event that carries each [`RunEvent`] to the UI.
pub const RUN_EVENT: &str = "run-event";

/// Managed as Tauri state: the engine of the services currently open, once opened.
#[derive(Default)]
pub struct Runner {
    slot: tokio::sync::Mutex<Option<Opened>>,
}

struct Opened {
    services: Arc<Services>,
    engine: Engine,
    scheduler: tokio::task::JoinHandle<()>,
}

impl Runner {
    /// The engine over the database's current services, opening it (and its scheduler and
    /// event forwarding) when there is none yet or the database was opened again.
    pub async fn engine(&self, database: &Arc<Database>, app: &AppHandle) -> CommandResult<Engine> {
        let db = Arc::clone(database);
        let services = tauri::async_runtime::spawn_blocking(move || db.services()).await??;
        let mut slot = self.slot.lock().await;
        if let Some(o) = slot.as_ref() {
            if Arc::ptr_eq(&o.services, &services) {
                return Ok(o.engine.clone());
            }
        }
        if let Some(old) = slot.take() {
            old.scheduler.abort();
        }
        let engine = Engine::open(Arc::clone(&services), EngineConfig::default()).await?;
        forward(app.clone(), engine.subscribe());
        let scheduler = turbocat_engine::schedule::spawn(engine.clone());
        *slot = Some(Opened { services, engine: engine.clone(), scheduler });
        Ok(engine)
    }

    /// Cancels a run of the current engine at once; false when it is not running here.
    pub async fn cancel(&self, id: Uuid) -> bool {
        self.slot.lock().await.as_ref().is_some_and(|o| o.engine.cancel(id))
    }
}

/// Opens the engine in the background at start (the interrupted runs are marked and the
/// schedules start without waiting for a command).
pub fn open_at_start(app: AppHandle, runner: Arc<Runner>, database: Arc<Database>) {
    tauri::async_runtime::spawn(async move {
        // On failure the first command that needs the engine tries again and reports it.
        let _ = runner.engine(&database, &app).await;
    });
}

fn forward(app: AppHandle, mut events: tokio::sync::broadcast::Receiver<RunEvent>) {
    tauri::async_runtime::spawn(async move {
        loop {
            match events.recv().await {
                Ok(e) => {
                    let _ = app.emit(RUN_EVENT, &e);
                }
                // A slow window missed some: the page also reloads on `db-changed`.
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => break,
            }
        }
    });
}

async fn execution(database: &Arc<Database>, id: Uuid) -> CommandResult<Execution> {
    with_services(database, move |s| s.executions().get(id).map(|d| d.execution)).await
}

/// Starts a manual run of a workflow with `input` (checked against its declared inputs);
/// returns the new execution while it runs.
#[tauri::command]
pub async fn executions_run(
    app: AppHandle,
    database: State<'_, Arc<Database>>,
    runner: State<'_, Arc<Runner>>,
    workflow_id: Uuid,
    input: Option<Json>,
) -> CommandResult<Execution> {
    let engine = runner.engine(&database, &app).await?;
    let input = input.unwrap_or_else(|| Json::Object(Default::default()));
    let handle = engine.start(RunRequest::manual(workflow_id, input)).await?;
    execution(&database, handle.execution_id).await
}

/// Runs a finished execution again with the same input, whole or (`from_failed_step`) from
/// its failed step with the earlier steps' outputs reused; returns the new execution, whose
/// `triggerData.rerunOf` names the original.
#[tauri::command]
pub async fn executions_rerun(
    app: AppHandle,
    database: State<'_, Arc<Database>>,
    runner: State<'_, Arc<Runner>>,
    id: Uuid,
    from_failed_step: Option<bool>,
) -> CommandResult<Execution> {
    let engine = runner.engine(&database, &app).await?;
    let handle = engine.rerun(id, from_failed_step.unwrap_or(false)).await?;
    execution(&database, handle.execution_id).await
}
