//! `/api/v1/executions/{id}` (with its workflow and step counts), its logs, and cancel (scopes
//! `executions:read`, `executions:write`).

use super::{Auth, Ctx, ExecutionsRead, ExecutionsWrite, ListQuery};
use crate::http::{ok, paged, path_id, resource, ApiResult, OptionalBody};
use crate::AppState;
use axum::extract::{Path, Query};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value as Json};
use std::collections::HashMap;
use std::sync::Arc;
use turbocat_services::executions::LogQuery;

pub(super) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/v1/executions/{id}", get(one))
        .route("/api/v1/executions/{id}/logs", get(logs))
        .route("/api/v1/executions/{id}/cancel", post(cancel))
}

async fn one(cx: Ctx, Auth(a, _): Auth<ExecutionsRead>, Path(id): Path<String>) -> ApiResult {
    let id = path_id(&id)?;
    cx.answer(
        &a,
        move |s| {
            let d = s.executions().get(id)?;
            // The workflow row alone (not its steps): `find` of an id is its visible row.
            let w = s.workflows().find(&d.execution.workflow_id.to_string()).ok();
            Ok((d, w))
        },
        |(d, w)| {
            let mut execution = serde_json::to_value(&d.execution).unwrap_or(Json::Null);
            let workflow = match w {
                Some(w) => json!({ "id": w.id, "name": w.name, "status": w.status, "version": w.version }),
                None => json!({ "id": d.execution.workflow_id, "name": d.workflow_name }),
            };
            let c = &d.step_counts;
            let counts = json!({
                "total": c.total, "completed": c.completed, "failed": c.failed,
                "pending": (c.total - c.completed - c.failed).max(0),
                "running": c.running, "skipped": c.skipped,
            });
            if let Json::Object(m) = &mut execution {
                m.insert("workflow".into(), workflow);
                m.insert("stepCounts".into(), counts);
            }
            ok(resource("execution", &execution))
        },
    )
    .await
}

async fn logs(
    cx: Ctx,
    Auth(a, _): Auth<ExecutionsRead>,
    Path(id): Path<String>,
    Query(raw): Query<HashMap<String, String>>,
) -> ApiResult {
    let id = path_id(&id)?;
    let q = ListQuery::new(raw);
    let p = q.params(&[])?;
    let query = LogQuery {
        level: q.value("level")?,
        step_key: q.raw.get("stepKey").cloned(),
        sort_order: p.sort_order,
        page: p.page,
        page_size: p.page_size,
    };
    cx.answer(&a, move |s| s.executions().logs(id, &query), |p| ok(paged("logs", &p))).await
}

async fn cancel(
    cx: Ctx,
    Auth(a, _): Auth<ExecutionsWrite>,
    Path(id): Path<String>,
    _body: OptionalBody<Json>,
) -> ApiResult {
    let id = path_id(&id)?;
    let engine = cx.st.engine.clone();
    let r = cx.answer(&a, move |s| s.executions().cancel(id), |e| ok(resource("execution", &e))).await;
    // A run of this engine stops at once (a run elsewhere notices the row at its next poll).
    engine.cancel(id);
    r
}
