//! `/api/v1/workflows`: list, create, get, update (with the hosted step diff), delete, execute
//! (a real run on the engine) and the workflow's executions (scopes `workflows:read`,
//! `workflows:write`, `workflows:execute`).

use super::{Auth, Ctx, ListQuery, WorkflowsExecute, WorkflowsRead, WorkflowsWrite};
use crate::http::{created, no_content, ok, paged, path_id, resource, ApiError, ApiResult, Body};
use crate::AppState;
use axum::extract::{Path, Query};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::{json, Value as Json};
use std::collections::HashMap;
use std::sync::Arc;
use turbocat_domain::{TriggerType, Uuid, WorkflowStep};
use turbocat_engine::RunRequest;
use turbocat_services::executions::ExecutionQuery;
use turbocat_services::workflows::{CreateWorkflow, StepInput, UpdateWorkflow, WorkflowQuery, SORTABLE};

pub(super) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/v1/workflows", get(list).post(create))
        .route("/api/v1/workflows/{id}", get(one).patch(update).delete(remove))
        .route("/api/v1/workflows/{id}/execute", post(execute))
        .route("/api/v1/workflows/{id}/executions", get(executions))
}

async fn list(cx: Ctx, Auth(a, _): Auth<WorkflowsRead>, Query(raw): Query<HashMap<String, String>>) -> ApiResult {
    let q = ListQuery::new(raw);
    let query = WorkflowQuery {
        list: q.params(SORTABLE)?,
        status: q.value("status")?,
        is_public: q.flag("isPublic"),
        schedule_enabled: q.flag("scheduleEnabled"),
        mine: Some(true),
    };
    cx.answer(&a, move |s| s.workflows().list(&query), |p| ok(paged("workflows", &p))).await
}

async fn create(cx: Ctx, Auth(a, _): Auth<WorkflowsWrite>, Body(mut input): Body<CreateWorkflow>) -> ApiResult {
    // As hosted: `status` is not accepted on create; a new workflow is a draft.
    input.status = None;
    cx.answer(&a, move |s| s.workflows().create(input), |v| created(resource("workflow", &v))).await
}

async fn one(cx: Ctx, Auth(a, _): Auth<WorkflowsRead>, Path(id): Path<String>) -> ApiResult {
    let id = path_id(&id)?;
    cx.answer(&a, move |s| s.workflows().get(id), |v| ok(resource("workflow", &v))).await
}

/// A hosted PATCH: the workflow's fields, and `steps` as a diff: an entry with `id` and
/// `_delete: true` is deleted, one with `id` replaces that step, one without is added; steps
/// not listed are kept.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Patch {
    #[serde(flatten)]
    fields: UpdateWorkflow,
    steps: Option<Vec<PatchStep>>,
}

#[derive(Deserialize)]
struct PatchStep {
    #[serde(flatten)]
    step: StepInput,
    #[serde(rename = "_delete", default)]
    delete: bool,
}

/// The whole step set a hosted diff leads to, in position order.
fn merged(current: &[WorkflowStep], diff: Vec<PatchStep>) -> Vec<StepInput> {
    let mut kept: Vec<StepInput> = current.iter().map(stored_input).collect();
    let mut added = Vec::new();
    for p in diff {
        match p.step.id {
            Some(id) if p.delete => kept.retain(|s| s.id != Some(id)),
            Some(id) => match kept.iter_mut().find(|s| s.id == Some(id)) {
                Some(s) => *s = p.step,
                None => added.push(p.step),
            },
            None if p.delete => {}
            None => added.push(p.step),
        }
    }
    kept.extend(added);
    kept.sort_by_key(|s| s.position.unwrap_or(i64::MAX));
    kept
}

fn stored_input(s: &WorkflowStep) -> StepInput {
    StepInput {
        id: Some(s.id),
        step_key: s.step_key.clone(),
        step_name: s.step_name.clone(),
        step_type: Some(s.step_type),
        position: Some(s.position),
        agent_id: s.agent_id,
        config: Some(s.config.clone()),
        inputs: Some(s.inputs.clone()),
        outputs: Some(s.outputs.clone()),
        depends_on: s.depends_on.clone(),
        retry_count: Some(s.retry_count),
        retry_delay_ms: Some(s.retry_delay_ms),
        timeout_ms: Some(s.timeout_ms),
        on_error: Some(s.on_error),
    }
}

async fn update(
    cx: Ctx,
    Auth(a, _): Auth<WorkflowsWrite>,
    Path(id): Path<String>,
    Body(patch): Body<Patch>,
) -> ApiResult {
    let id = path_id(&id)?;
    let Patch { mut fields, steps } = patch;
    cx.answer(
        &a,
        move |s| {
            if let Some(diff) = steps {
                let current = s.workflows().get(id)?;
                fields.steps = Some(merged(&current.steps, diff));
            }
            s.workflows().update(id, fields)
        },
        |v| ok(resource("workflow", &v)),
    )
    .await
}

async fn remove(cx: Ctx, Auth(a, _): Auth<WorkflowsWrite>, Path(id): Path<String>) -> ApiResult {
    let id = path_id(&id)?;
    cx.answer(&a, move |s| s.workflows().delete(id), |()| no_content()).await
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct Execute {
    trigger_type: Option<TriggerType>,
    trigger_data: Option<Json>,
    input_data: Option<Json>,
}

/// Starts a real run on the engine (the same engine and recording as the app's Run button) and
/// answers at once with the pending execution; the run goes on after the answer.
async fn execute(
    cx: Ctx,
    Auth(a, _): Auth<WorkflowsExecute>,
    Path(id): Path<String>,
    Body(input): Body<Execute>,
) -> ApiResult {
    let id = path_id(&id)?;
    let req = RunRequest {
        workflow_id: id,
        input: input.input_data.unwrap_or_else(|| json!({})),
        trigger_type: input.trigger_type.unwrap_or(TriggerType::Manual),
        trigger_data: input.trigger_data.unwrap_or_else(|| json!({})),
        as_user: Some(a.user_id),
    };
    let handle = cx.st.engine.start(req).await.map_err(ApiError::from)?;
    let execution_id: Uuid = handle.execution_id;
    // The run belongs to the engine now; the handle's events are not read here.
    drop(handle);
    cx.answer(&a, move |s| s.executions().get(execution_id), |d| created(resource("execution", &d.execution))).await
}

async fn executions(
    cx: Ctx,
    Auth(a, _): Auth<WorkflowsRead>,
    Path(id): Path<String>,
    Query(raw): Query<HashMap<String, String>>,
) -> ApiResult {
    let id = path_id(&id)?;
    let q = ListQuery::new(raw);
    let query = ExecutionQuery {
        list: q.params(turbocat_services::executions::SORTABLE)?,
        workflow_id: Some(id),
        status: q.value("status")?,
        trigger_type: None,
    };
    cx.answer(&a, move |s| s.workflows().executions(id, &query), |p| ok(paged("executions", &p))).await
}
