//! `/api/v1/agents`: list, create, get, update, delete, duplicate, versions (scopes
//! `agents:read`, `agents:write`).

use super::{AgentsRead, AgentsWrite, Auth, Ctx, ListQuery};
use crate::http::{created, no_content, ok, paged, path_id, resource, ApiResult, Body};
use crate::AppState;
use axum::extract::{Path, Query};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;
use turbocat_services::agents::{AgentQuery, CreateAgent, UpdateAgent, SORTABLE};

pub(super) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/v1/agents", get(list).post(create))
        .route("/api/v1/agents/{id}", get(one).patch(update).delete(remove))
        .route("/api/v1/agents/{id}/duplicate", post(duplicate))
        .route("/api/v1/agents/{id}/versions", get(versions))
}

async fn list(cx: Ctx, Auth(a, _): Auth<AgentsRead>, Query(raw): Query<HashMap<String, String>>) -> ApiResult {
    let q = ListQuery::new(raw);
    let query = AgentQuery {
        list: q.params(SORTABLE)?,
        agent_type: q.value("type")?,
        status: q.value("status")?,
        is_public: q.flag("isPublic"),
        // As hosted: a caller lists their own agents.
        mine: Some(true),
    };
    cx.answer(&a, move |s| s.agents().list(&query), |p| ok(paged("agents", &p))).await
}

async fn create(cx: Ctx, Auth(a, _): Auth<AgentsWrite>, Body(input): Body<CreateAgent>) -> ApiResult {
    cx.answer(&a, move |s| s.agents().create(input), |v| created(resource("agent", &v))).await
}

async fn one(cx: Ctx, Auth(a, _): Auth<AgentsRead>, Path(id): Path<String>) -> ApiResult {
    let id = path_id(&id)?;
    cx.answer(&a, move |s| s.agents().get(id), |v| ok(resource("agent", &v))).await
}

async fn update(
    cx: Ctx,
    Auth(a, _): Auth<AgentsWrite>,
    Path(id): Path<String>,
    Body(input): Body<UpdateAgent>,
) -> ApiResult {
    let id = path_id(&id)?;
    cx.answer(&a, move |s| s.agents().update(id, input), |v| ok(resource("agent", &v))).await
}

async fn remove(cx: Ctx, Auth(a, _): Auth<AgentsWrite>, Path(id): Path<String>) -> ApiResult {
    let id = path_id(&id)?;
    cx.answer(&a, move |s| s.agents().delete(id), |()| no_content()).await
}

#[derive(Deserialize, Default)]
struct Duplicate {
    name: Option<String>,
}

async fn duplicate(
    cx: Ctx,
    Auth(a, _): Auth<AgentsWrite>,
    Path(id): Path<String>,
    Body(input): Body<Duplicate>,
) -> ApiResult {
    let id = path_id(&id)?;
    cx.answer(&a, move |s| s.agents().duplicate(id, input.name), |v| created(resource("agent", &v))).await
}

async fn versions(cx: Ctx, Auth(a, _): Auth<AgentsRead>, Path(id): Path<String>) -> ApiResult {
    let id = path_id(&id)?;
    cx.answer(
        &a,
        move |s| s.agents().versions(id),
        |vs| {
            let versions: Vec<_> = vs
                .iter()
                .map(|v| {
                    json!({
                        "id": v.id, "name": v.name, "version": v.version, "status": v.status,
                        "createdAt": v.created_at, "updatedAt": v.updated_at,
                    })
                })
                .collect();
            ok(json!({ "versions": versions }))
        },
    )
    .await
}
