//! `/api/v1/templates`: list and get (anonymous callers see public and official templates
//! only), categories, and instantiate into a draft agent or workflow (scopes `templates:read`,
//! `templates:write`).

use super::{Auth, Ctx, ListQuery, MaybeAuth, TemplatesRead, TemplatesWrite};
use crate::http::{created, ok, paged, path_id, resource, ApiResult, Body};
use crate::AppState;
use axum::extract::{Path, Query};
use axum::routing::{get, post};
use axum::Router;
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;
use turbocat_services::templates::{Instantiate, Instantiated, TemplateQuery, SORTABLE};

pub(super) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/v1/templates", get(list))
        .route("/api/v1/templates/categories", get(categories))
        .route("/api/v1/templates/{id}", get(one))
        .route("/api/v1/templates/{id}/instantiate", post(instantiate))
}

async fn list(
    cx: Ctx,
    MaybeAuth(a, _): MaybeAuth<TemplatesRead>,
    Query(raw): Query<HashMap<String, String>>,
) -> ApiResult {
    let q = ListQuery::new(raw);
    let mut list = q.params(SORTABLE)?;
    // The hosted sort names for the default order and the ratings.
    list.sort_by = match q.raw.get("sortBy").map(String::as_str) {
        Some("popular") => Some("usage_count".into()),
        Some("rating") => Some("rating_average".into()),
        _ => list.sort_by,
    };
    let query = TemplateQuery {
        list,
        category: q.raw.get("category").cloned(),
        template_type: q.value("type")?,
        is_official: q.flag("isOfficial"),
    };
    cx.answer(&a, move |s| s.templates().list(&query), |p| ok(paged("templates", &p))).await
}

async fn categories(cx: Ctx, MaybeAuth(a, _): MaybeAuth<TemplatesRead>) -> ApiResult {
    cx.answer(&a, move |s| s.templates().categories(), |c| ok(json!({ "categories": c }))).await
}

async fn one(cx: Ctx, MaybeAuth(a, _): MaybeAuth<TemplatesRead>, Path(id): Path<String>) -> ApiResult {
    let id = path_id(&id)?;
    cx.answer(&a, move |s| s.templates().get(id), |t| ok(resource("template", &t))).await
}

async fn instantiate(
    cx: Ctx,
    Auth(a, _): Auth<TemplatesWrite>,
    Path(id): Path<String>,
    Body(input): Body<Instantiate>,
) -> ApiResult {
    let id = path_id(&id)?;
    cx.answer(
        &a,
        move |s| s.templates().instantiate(id, input),
        |made| {
            created(match made {
                Instantiated::Agent(agent) => {
                    let mut d = resource("agent", &agent);
                    d["resourceType"] = json!("agent");
                    d
                }
                Instantiated::Workflow(workflow) => {
                    let mut d = resource("workflow", &workflow);
                    d["resourceType"] = json!("workflow");
                    d
                }
            })
        },
    )
    .await
}
