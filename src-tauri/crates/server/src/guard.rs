//! What every request passes before its route (`docs/local-api.md`, "Who may talk to it"): its
//! request id; the Host check (a name that is not this machine's loopback is refused with 421,
//! which stops DNS rebinding); the Origin check (a browser page of another origin is refused);
//! and CORS headers for the allowed origins.

use crate::http::{ApiError, REQUEST_ID};
use crate::{AppState, ServerConfig};
use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use tower_http::cors::{AllowOrigin, CorsLayer};

pub(crate) const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The browser origins every server allows (the hosted defaults).
const DEFAULT_ORIGINS: [&str; 2] = ["http://localhost:3000", "http://localhost:3001"];

/// Reuses the caller's `X-Request-ID` (when it is a sane token) or makes one; the id is in the
/// envelope of the answer and in its `x-request-id` header.
pub(crate) async fn request_id(req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get(&REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 200 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let mut r = REQUEST_ID.scope(id.clone(), next.run(req)).await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        r.headers_mut().insert(REQUEST_ID_HEADER, v);
    }
    r
}

/// Refuses a request whose Host is not this server's loopback name (unless remote access is
/// on), or whose browser Origin is not allowed.
pub(crate) async fn host_and_origin(State(st): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    if !st.cfg.allow_remote {
        let host = req.headers().get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
        if !loopback_host(host, st.addr.port()) {
            return ApiError::new(
                StatusCode::MISDIRECTED_REQUEST,
                "MISDIRECTED_REQUEST",
                format!("This server answers only for localhost, 127.0.0.1 or [::1] on port {}", st.addr.port()),
            )
            .into_response();
        }
    }
    if let Some(origin) = req.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        if !allowed_origin(&st.cfg, origin) {
            return ApiError::forbidden(format!("Origin {origin} is not allowed (add it with --cors-origin)"))
                .into_response();
        }
    }
    next.run(req).await
}

/// `localhost`, `127.0.0.1` or `[::1]`, with this server's port or none.
fn loopback_host(host: &str, port: u16) -> bool {
    let (name, p) = match host.rsplit_once(':') {
        Some((n, p)) if !n.is_empty() && !p.contains(']') => (n, Some(p)),
        _ => (host, None),
    };
    let name_ok = name.eq_ignore_ascii_case("localhost") || name == "127.0.0.1" || name == "[::1]";
    name_ok && p.is_none_or(|p| p.parse::<u16>() == Ok(port))
}

fn allowed_origin(cfg: &ServerConfig, origin: &str) -> bool {
    DEFAULT_ORIGINS.contains(&origin) || cfg.cors_origins.iter().any(|o| o.trim_end_matches('/') == origin)
}

/// CORS for the allowed origins, as the hosted server answers it: credentials, its methods,
/// allowed and exposed headers, a day's preflight cache.
pub(crate) fn cors(cfg: &ServerConfig) -> CorsLayer {
    let origins: Vec<HeaderValue> = DEFAULT_ORIGINS
        .iter()
        .map(|o| o.to_string())
        .chain(cfg.cors_origins.iter().map(|o| o.trim_end_matches('/').to_string()))
        .filter_map(|o| HeaderValue::from_str(&o).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_credentials(true)
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE, Method::OPTIONS])
        .allow_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            REQUEST_ID_HEADER,
            HeaderName::from_static("x-api-key"),
        ])
        .expose_headers([
            REQUEST_ID_HEADER,
            HeaderName::from_static("x-ratelimit-limit"),
            HeaderName::from_static("x-ratelimit-remaining"),
        ])
        .max_age(std::time::Duration::from_secs(86_400))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_names_on_this_port() {
        for ok in ["localhost:3001", "127.0.0.1:3001", "[::1]:3001", "LOCALHOST", "127.0.0.1"] {
            assert!(loopback_host(ok, 3001), "{ok}");
        }
        for bad in ["evil.example:3001", "127.0.0.1:3002", "localhost.evil.example", "", "[::1]:80", "10.0.0.1:3001"] {
            assert!(!loopback_host(bad, 3001), "{bad}");
        }
    }
}
