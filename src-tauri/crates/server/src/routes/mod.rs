//! The routes (`docs/local-api.md`, "Routes"), one module per area, and what their handlers
//! share: [`Ctx`] (the state), the callers ([`Auth`], [`MaybeAuth`]) and the hosted list query.

mod agents;
mod executions;
mod health;
mod templates;
mod users;
mod workflows;

use crate::auth::{self, Authed};
use crate::http::{ApiError, ApiResult};
use crate::AppState;
use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::Router;
use serde::de::DeserializeOwned;
use serde_json::{json, Value as Json};
use std::collections::HashMap;
use std::marker::PhantomData;
use std::net::SocketAddr;
use std::sync::Arc;
use turbocat_services::ListParams;

pub(crate) fn all() -> Router<Arc<AppState>> {
    Router::new()
        .merge(health::routes())
        .merge(agents::routes())
        .merge(workflows::routes())
        .merge(executions::routes())
        .merge(templates::routes())
        .merge(users::routes())
}

/// What a handler needs besides its path and body: the server's state.
pub(crate) struct Ctx {
    pub st: Arc<AppState>,
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx
where
    Arc<AppState>: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(_parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Ok(Ctx { st: Arc::from_ref(state) })
    }
}

/// The caller of a request for `scope`; with `anonymous_ok`, a request without credentials is
/// nobody (who sees only what is public) instead of a 401.
async fn caller<St: Send + Sync>(
    parts: &Parts,
    state: &St,
    scope: &'static str,
    anonymous_ok: bool,
) -> Result<Authed, ApiError>
where
    Arc<AppState>: FromRef<St>,
{
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0)
        .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)));
    if anonymous_ok && !auth::has_credentials(&parts.headers) {
        return Ok(Authed::anonymous(peer, &parts.headers));
    }
    auth::authenticate(&Arc::from_ref(state), &parts.headers, peer, scope).await
}

/// The scope a route needs of an API key.
pub(crate) trait Scope: Send + Sync + 'static {
    const NAME: &'static str;
}

macro_rules! scopes {
    ($($marker:ident = $name:literal),* $(,)?) => {
        $(
            pub(crate) struct $marker;
            impl Scope for $marker {
                const NAME: &'static str = $name;
            }
        )*
    };
}

scopes!(
    TemplatesRead = "templates:read",
    TemplatesWrite = "templates:write",
    UsersRead = "users:read",
    UsersWrite = "users:write",
    AgentsRead = "agents:read",
    AgentsWrite = "agents:write",
    WorkflowsRead = "workflows:read",
    WorkflowsWrite = "workflows:write",
    WorkflowsExecute = "workflows:execute",
    ExecutionsRead = "executions:read",
    ExecutionsWrite = "executions:write",
);

/// An authenticated caller with scope `S`: an extractor that runs before the path and body are
/// read, so an unauthenticated request gets 401 whatever it sent.
pub(crate) struct Auth<S>(pub Authed, pub PhantomData<S>);

impl<S: Scope, St: Send + Sync> FromRequestParts<St> for Auth<S>
where
    Arc<AppState>: FromRef<St>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &St) -> Result<Self, ApiError> {
        Ok(Auth(caller(parts, state, S::NAME, false).await?, PhantomData))
    }
}

/// [`Auth`] where a caller may also be anonymous (the hosted `optionalAuth`): no credentials at
/// all read as nobody, who sees only what is public; credentials that fail are still 401.
pub(crate) struct MaybeAuth<S>(pub Authed, pub PhantomData<S>);

impl<S: Scope, St: Send + Sync> FromRequestParts<St> for MaybeAuth<S>
where
    Arc<AppState>: FromRef<St>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &St) -> Result<Self, ApiError> {
        Ok(MaybeAuth(caller(parts, state, S::NAME, true).await?, PhantomData))
    }
}

impl Ctx {
    /// Runs a service call as the caller and answers with `ok`; the key's rate headers on it.
    pub async fn answer<T: Send + 'static>(
        &self,
        a: &Authed,
        call: impl FnOnce(turbocat_services::Actor<'_>) -> turbocat_domain::Result<T> + Send + 'static,
        respond: impl FnOnce(T) -> axum::response::Response,
    ) -> ApiResult {
        let v = a.run(&self.st.svc, call).await?;
        Ok(a.finish(respond(v)))
    }
}

/// The hosted list query: `page`, `pageSize` (numbers), `sortBy` (an unknown one falls back to
/// the default, as hosted; `created`/`updated` are `createdAt`/`updatedAt`), `sortOrder`,
/// `search`, `tags` (a comma list), and the route's own filters, read from `raw`.
pub(crate) struct ListQuery {
    pub raw: HashMap<String, String>,
}

impl ListQuery {
    pub fn new(raw: HashMap<String, String>) -> ListQuery {
        ListQuery { raw }
    }

    pub fn params(&self, sortable: &[&str]) -> Result<ListParams, ApiError> {
        let number = |k: &str| -> Result<Option<u32>, ApiError> {
            match self.raw.get(k) {
                None => Ok(None),
                Some(v) => v.trim().parse::<u32>().map(Some).map_err(|_| {
                    ApiError::validation(vec![json!({
                        "field": k,
                        "message": format!("Invalid input: expected number, received {v:?}"),
                        "code": "invalid_type",
                    })])
                }),
            }
        };
        let sort_by = self.raw.get("sortBy").map(|s| match s.as_str() {
            "created" => "created_at".to_string(),
            "updated" => "updated_at".to_string(),
            s => turbocat_services::list::snake(s),
        });
        Ok(ListParams {
            page: number("page")?,
            page_size: number("pageSize")?,
            sort_by: sort_by.filter(|s| sortable.contains(&s.as_str())),
            sort_order: self.raw.get("sortOrder").cloned(),
            search: self.raw.get("search").cloned(),
            tags: self
                .raw
                .get("tags")
                .map(|t| t.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()),
        })
    }

    /// `"true"` or `"false"`; anything else is ignored, as hosted.
    pub fn flag(&self, k: &str) -> Option<bool> {
        match self.raw.get(k).map(String::as_str) {
            Some("true") => Some(true),
            Some("false") => Some(false),
            _ => None,
        }
    }

    /// An UPPERCASE enum value, or 400 naming the field.
    pub fn value<T: DeserializeOwned>(&self, k: &str) -> Result<Option<T>, ApiError> {
        let Some(v) = self.raw.get(k) else { return Ok(None) };
        serde_json::from_value(Json::String(v.clone())).map(Some).map_err(|_| {
            ApiError::validation(vec![json!({
                "field": k,
                "message": format!("Invalid option: {v:?} is not one of the values of {k}"),
                "code": "invalid_value",
            })])
        })
    }
}
