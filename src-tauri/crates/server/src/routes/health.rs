//! `/health`, `/health/live`, `/health/ready` (no auth), and `GET /api/v1`.

use super::Ctx;
use crate::http::{envelope_body, ok};
use crate::AppState;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use std::sync::Arc;
use std::time::Instant;
use turbocat_domain::Timestamp;

pub(super) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/health", get(health))
        .route("/health/live", get(live))
        .route("/health/ready", get(ready))
        .route("/api/v1", get(api_root))
        .route("/api/v1/", get(api_root))
}

/// Whether the database answers, and how fast.
async fn database(cx: &Ctx) -> (bool, u128, Option<String>) {
    let svc = cx.st.svc.clone();
    let t = Instant::now();
    // `data_version` reads the file's change counter: an answer of the database itself.
    let r = tokio::task::spawn_blocking(move || svc.store().data_version().map(|_| ())).await;
    let took = t.elapsed().as_millis();
    match r {
        Ok(Ok(())) => (true, took, None),
        Ok(Err(e)) => (false, took, Some(e.to_string())),
        Err(e) => (false, took, Some(e.to_string())),
    }
}

fn uptime_text(ms: u128) -> String {
    let s = ms / 1000;
    match (s / 3600, (s / 60) % 60, s % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, s) => format!("{m}m {s}s"),
        (h, m, s) => format!("{h}h {m}m {s}s"),
    }
}

async fn health(cx: Ctx) -> Response {
    let (up, took, error) = database(&cx).await;
    let uptime = cx.st.started.elapsed().as_millis();
    let mut db =
        json!({ "status": if up { "healthy" } else { "unhealthy" }, "configured": true, "responseTimeMs": took });
    if let Some(e) = error {
        db["error"] = json!(e);
    }
    let status = if up { "healthy" } else { "unhealthy" };
    let mut body = envelope_body(json!({
        "status": status,
        "version": env!("CARGO_PKG_VERSION"),
        "uptime": uptime,
        "uptimeFormatted": uptime_text(uptime),
        "timestamp": Timestamp::now(),
        "services": { "database": db },
        "environment": "desktop",
    }));
    // The envelope plus a top-level `status`, which Turbocat's clients read.
    body["status"] = json!(status);
    (if up { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE }, Json(body)).into_response()
}

async fn live() -> Response {
    Json(json!({ "status": "ok", "timestamp": Timestamp::now() })).into_response()
}

async fn ready(cx: Ctx) -> Response {
    match database(&cx).await {
        (true, _, _) => Json(json!({ "status": "ready", "timestamp": Timestamp::now() })).into_response(),
        (false, _, e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({
                "status": "not_ready",
                "reason": e.unwrap_or_else(|| "Database unavailable".into()),
                "timestamp": Timestamp::now(),
            })),
        )
            .into_response(),
    }
}

async fn api_root() -> Response {
    ok(json!({ "name": "Turbocat API", "version": "v1", "documentation": "/api/v1/docs" }))
}
