//! Who is calling (`docs/local-api.md`, "Who is calling"): an API key, sent as `X-API-Key` or
//! `Authorization: Bearer tc_…`, checked by the API keys service with the scope the route
//! needs and the key's per-minute rate limit. The request then runs as the key's user
//! ([`turbocat_services::Services::acting_as`]), with the caller's IP and user agent in every
//! audit row it writes.

use crate::http::ApiError;
use crate::AppState;
use axum::http::{header, HeaderMap, HeaderName, StatusCode};
use axum::response::Response;
use std::net::SocketAddr;
use std::sync::Arc;
use turbocat_domain::{Error, Timestamp, Uuid};
use turbocat_services::api_keys::KeyRefusal;
use turbocat_services::{Actor, Caller, Services};

/// An authenticated request.
pub(crate) struct Authed {
    pub user_id: Uuid,
    pub caller: Caller,
    /// The key's rate window: limit, remaining, reset.
    rate: Option<(i64, i64, Timestamp)>,
}

const LIMIT: HeaderName = HeaderName::from_static("x-ratelimit-limit");
const REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");
const RESET: HeaderName = HeaderName::from_static("x-ratelimit-reset");

/// The presented API key: `X-API-Key`, or a Bearer token that is one of our keys.
fn presented_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    if let Some(k) = headers.get("x-api-key").and_then(|v| v.to_str().ok()) {
        return Ok(Some(k.trim().to_string()));
    }
    let Some(auth) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) else { return Ok(None) };
    let token = auth.strip_prefix("Bearer ").unwrap_or(auth).trim();
    if token.starts_with("tc_") {
        return Ok(Some(token.to_string()));
    }
    // A JWT: this build's server authenticates API keys only.
    Err(ApiError::unauthorized("Invalid access token format"))
}

/// Whether the request carries credentials of any kind.
pub(crate) fn has_credentials(headers: &HeaderMap) -> bool {
    headers.contains_key("x-api-key") || headers.contains_key(header::AUTHORIZATION)
}

/// Authenticates the request for `scope` (`agents:read`, `workflows:execute`, …).
pub(crate) async fn authenticate(
    st: &Arc<AppState>,
    headers: &HeaderMap,
    peer: SocketAddr,
    scope: &'static str,
) -> Result<Authed, ApiError> {
    let key = presented_key(headers)?.ok_or_else(|| {
        ApiError::unauthorized(
            "Authentication required. Please provide a valid API key in the X-API-Key header (or as a Bearer token).",
        )
    })?;
    let svc = st.svc.clone();
    let checked = tokio::task::spawn_blocking(move || svc.api_keys().authorize(Some(&key), Some(scope)))
        .await
        .map_err(|e| ApiError::from(Error::internal(format!("the key check's task failed: {e}"))))?;
    let used = checked.map_err(|r| match r {
        KeyRefusal::NotAuthenticated(m) => ApiError::unauthorized(m),
        KeyRefusal::NoScope(m) => ApiError::forbidden(m),
        KeyRefusal::RateLimited { message, limit, reset_at } => {
            let secs = ((reset_at.millis() - Timestamp::now().millis()).max(0) + 999) / 1000;
            ApiError::new(StatusCode::TOO_MANY_REQUESTS, "TOO_MANY_REQUESTS", message)
                .header(LIMIT, limit)
                .header(REMAINING, 0)
                .header(RESET, reset_at.millis() / 1000)
                .header(header::RETRY_AFTER, secs.max(1))
        }
        KeyRefusal::Failed(e) => e.into(),
    })?;
    let user_agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_string);
    Ok(Authed {
        user_id: used.key.user_id,
        caller: Caller { ip_address: Some(peer.ip().to_string()), user_agent },
        rate: Some((used.limit, used.remaining, used.reset_at)),
    })
}

impl Authed {
    /// Nobody: a caller without credentials on a route that allows it. The nil id owns no
    /// row, so the services show such a caller only what is public or official.
    pub fn anonymous(peer: SocketAddr, headers: &HeaderMap) -> Authed {
        let user_agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_string);
        Authed {
            user_id: Uuid::nil(),
            caller: Caller { ip_address: Some(peer.ip().to_string()), user_agent },
            rate: None,
        }
    }

    /// Runs `f` on the blocking pool with the services acting as this caller.
    pub async fn run<T: Send + 'static>(
        &self,
        svc: &Arc<Services>,
        f: impl FnOnce(Actor<'_>) -> turbocat_domain::Result<T> + Send + 'static,
    ) -> Result<T, ApiError> {
        let (svc, user, caller) = (svc.clone(), self.user_id, self.caller.clone());
        tokio::task::spawn_blocking(move || f(svc.acting_as(user, Some(&caller))))
            .await
            .map_err(|e| ApiError::from(Error::internal(format!("the request's task failed: {e}"))))?
            .map_err(ApiError::from)
    }

    /// The answer with the key's rate headers.
    pub fn finish(&self, mut r: Response) -> Response {
        if let Some((limit, remaining, reset)) = self.rate {
            let h = r.headers_mut();
            for (name, v) in [(LIMIT, limit), (REMAINING, remaining), (RESET, reset.millis() / 1000)] {
                if let Ok(v) = v.to_string().parse() {
                    h.insert(name, v);
                }
            }
        }
        r
    }
}
