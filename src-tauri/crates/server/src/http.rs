//! The hosted API's conventions (`docs/local-api.md`, "Envelopes and errors"): the success and
//! error envelopes with the request id, status codes by error code, JSON bodies with the hosted
//! messages, path ids, and paged lists with both spellings of `hasPrevPage`.

use axum::body::Bytes;
use axum::extract::{FromRequest, OriginalUri, Request};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map, Value as Json};
use turbocat_domain::{Error, ErrorCode, Page, Timestamp, Uuid};

tokio::task_local! {
    /// The request id of the request being answered (set by `guard::request_id`).
    pub(crate) static REQUEST_ID: String;
}

/// The current request's id ("" outside a request).
pub(crate) fn request_id() -> String {
    REQUEST_ID.try_with(String::clone).unwrap_or_default()
}

fn meta() -> Json {
    json!({ "timestamp": Timestamp::now(), "requestId": request_id() })
}

/// A success envelope: `{success, data, meta: {timestamp, requestId}, requestId}`.
pub(crate) fn envelope_body(data: Json) -> Json {
    json!({ "success": true, "data": data, "meta": meta(), "requestId": request_id() })
}

pub(crate) fn envelope(status: StatusCode, data: Json) -> Response {
    (status, axum::Json(envelope_body(data))).into_response()
}

pub(crate) fn ok(data: Json) -> Response {
    envelope(StatusCode::OK, data)
}

pub(crate) fn created(data: Json) -> Response {
    envelope(StatusCode::CREATED, data)
}

pub(crate) fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

/// A single resource, flat and nested under `name` (`{...agent, agent: {...agent}}`), so that
/// clients reading `data.id` and clients reading `data.agent.id` both work.
pub(crate) fn resource(name: &str, value: &impl Serialize) -> Json {
    let v = serde_json::to_value(value).unwrap_or(Json::Null);
    let mut out = match &v {
        Json::Object(m) => m.clone(),
        _ => Map::new(),
    };
    out.insert(name.to_string(), v);
    Json::Object(out)
}

/// A page of a list: `{<name>: [...], pagination: {...}}`.
pub(crate) fn paged<T: Serialize>(name: &str, page: &Page<T>) -> Json {
    let has_prev = page.page > 1;
    json!({
        name: page.items,
        "pagination": {
            "page": page.page,
            "pageSize": page.page_size,
            "totalItems": page.total,
            "totalPages": page.total_pages,
            "hasNextPage": page.page < page.total_pages,
            "hasPrevPage": has_prev,
            "hasPreviousPage": has_prev,
        }
    })
}

/// An error answer: the hosted code, status and message, with field details and headers.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub details: Vec<Json>,
    pub headers: Vec<(HeaderName, String)>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into(), details: Vec::new(), headers: Vec::new() }
    }
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "BAD_REQUEST", message)
    }
    pub fn validation(details: Vec<Json>) -> ApiError {
        ApiError { details, ..ApiError::new(StatusCode::BAD_REQUEST, "VALIDATION_ERROR", "Validation failed") }
    }
    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", message)
    }
    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "FORBIDDEN", message)
    }
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "NOT_FOUND", message)
    }
    pub fn header(mut self, name: HeaderName, value: impl ToString) -> ApiError {
        self.headers.push((name, value.to_string()));
        self
    }
}

/// The services' coded errors as the hosted API answers them: a validation error's fields
/// become `details`, a refused rate limit is 429.
impl From<Error> for ApiError {
    fn from(e: Error) -> ApiError {
        let (status, code) = match e.code {
            ErrorCode::ValidationError => (StatusCode::BAD_REQUEST, "VALIDATION_ERROR"),
            ErrorCode::BadRequest => (StatusCode::BAD_REQUEST, "BAD_REQUEST"),
            ErrorCode::NotFound => (StatusCode::NOT_FOUND, "NOT_FOUND"),
            ErrorCode::Forbidden => (StatusCode::FORBIDDEN, "FORBIDDEN"),
            ErrorCode::Conflict => (StatusCode::CONFLICT, "CONFLICT"),
            ErrorCode::RateLimited => (StatusCode::TOO_MANY_REQUESTS, "TOO_MANY_REQUESTS"),
            ErrorCode::Internal => (StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_ERROR"),
        };
        let details = e.fields.iter().map(|f| json!({ "field": f.field, "message": f.message })).collect();
        ApiError { status, code, message: e.message, details, headers: Vec::new() }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut error = json!({ "code": self.code, "message": self.message });
        if !self.details.is_empty() {
            error["details"] = Json::Array(self.details);
        }
        let body = json!({ "success": false, "error": error, "meta": meta(), "requestId": request_id() });
        let mut r = (self.status, axum::Json(body)).into_response();
        for (name, value) in self.headers {
            if let Ok(v) = HeaderValue::from_str(&value) {
                r.headers_mut().insert(name, v);
            }
        }
        r
    }
}

pub(crate) type ApiResult = Result<Response, ApiError>;

/// The 404 of a path no route serves: `Cannot GET /path`.
pub(crate) async fn unknown_route(method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::not_found(format!("Cannot {method} {}", uri.path()))
}

/// A JSON object body, read with the hosted messages: none → 400 `VALIDATION_ERROR` (expected
/// object), not JSON → 400 `Invalid JSON in request body`, over the limit → 413, a field of the
/// wrong type → 400 `VALIDATION_ERROR` naming it. Unknown fields are dropped.
pub(crate) struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let v = json_object(req, state).await?.ok_or_else(|| {
            ApiError::validation(vec![json!({
                "field": "",
                "message": "Invalid input: expected object, received undefined",
                "code": "invalid_type",
            })])
        })?;
        typed(v).map(Body)
    }
}

/// A body that may be absent (logout, cancel, start, stop): absent reads as `{}`.
pub(crate) struct OptionalBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for OptionalBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let v = json_object(req, state).await?.unwrap_or_else(|| json!({}));
        typed(v).map(OptionalBody)
    }
}

/// The body as a JSON object; None when there is none.
async fn json_object<S: Send + Sync>(req: Request, state: &S) -> Result<Option<Json>, ApiError> {
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            format!("Request body is larger than {} MiB", crate::BODY_LIMIT / (1024 * 1024)),
        )
    };
    // A declared length over the limit is refused before a byte of the body is read.
    let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > crate::BODY_LIMIT as u64) {
        return Err(too_large());
    }
    let bytes = Bytes::from_request(req, state).await.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            ApiError::bad_request(format!("Cannot read the request body: {r}"))
        }
    })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let v: Json = serde_json::from_slice(&bytes).map_err(|_| ApiError::bad_request("Invalid JSON in request body"))?;
    if !v.is_object() {
        return Err(ApiError::validation(vec![json!({
            "field": "",
            "message": format!("Invalid input: expected object, received {}", turbocat_domain::flow::template::kind(&v)),
            "code": "invalid_type",
        })]));
    }
    Ok(Some(v))
}

fn typed<T: DeserializeOwned>(v: Json) -> Result<T, ApiError> {
    serde_json::from_value(v).map_err(|e| {
        let message = e.to_string();
        // A missing field is named in backticks ("missing field `name`").
        let field = message.split('`').nth(1).filter(|_| message.starts_with("missing field")).unwrap_or("");
        ApiError::validation(vec![json!({ "field": field, "message": message, "code": "invalid_type" })])
    })
}

/// A path id: a UUID in the hosted form (8-4-4-4-12 hex), else 400 `Invalid id format`.
pub(crate) fn path_id(s: &str) -> Result<Uuid, ApiError> {
    let shape = s.len() == 36
        && s.char_indices().all(|(i, c)| if matches!(i, 8 | 13 | 18 | 23) { c == '-' } else { c.is_ascii_hexdigit() });
    shape.then(|| s.parse().ok()).flatten().ok_or_else(|| ApiError::bad_request("Invalid id format"))
}
