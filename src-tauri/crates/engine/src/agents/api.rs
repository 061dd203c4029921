//! The api agent (`docs/engine.md`, "Agents"): a real HTTP request.
//!
//! Settings come from the step's resolved inputs, falling back to the agent's `config` (the
//! seed's API Caller keeps only its policy in `config` and takes `url` and `method` from the
//! step): `url`, `method` (GET), `headers`, `query` (or `queryParams`), `body` (objects are sent
//! as JSON), `contentType`, `auth` (`{type: none|bearer|basic|api_key, token, username,
//! password, apiKey, apiKeyHeader}`), `timeoutMs` (or `requestTimeoutMs`; 30 s), `retryCount`
//! (or `retryPolicy.maxRetries`; 0), `retryDelayMs` (or `retryPolicy.backoffMs`; 1 s, times the
//! attempt number), `retryOnStatusCodes` (429, 500, 502, 503, 504), `followRedirects` (true),
//! `responseType` (json, falling back to text; or text).
//!
//! Redirects (up to 10) are followed here, not by reqwest, so that the step's headers — its
//! `auth` and any custom credential such as `X-Auth-Token` — go only to the origin (scheme,
//! host, port) of the step's url: a hop to another origin gets only the plain headers of
//! [`CROSS_ORIGIN_HEADERS`]. 301, 302 and 303 turn a request other than GET or HEAD into a GET
//! without a body; 307 and 308 keep both. A redirect to anything but http or https is not
//! followed (the 3xx is the result). The timeout covers every hop.
//!
//! Network errors and the listed statuses are retried; a non-2xx status that is not retried
//! (or whose retries ran out) is still a result. Output: `{statusCode, statusText, headers,
//! data, requestUrl, responseTimeMs, retryCount}`; its main value is the body, and `response`
//! is `{status, headers, body}`.

use super::{AgentCtx, AgentError, Main, Produced};
use serde_json::{json, Map, Value as Json};
use std::time::{Duration, Instant};
use turbocat_domain::{Agent, WorkflowStep};

/// A response body larger than this is refused (the output would not fit a run anyway).
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// Redirects followed at most.
pub const MAX_REDIRECTS: usize = 10;

/// The step's headers that are sent on after a redirect to another origin; the others (auth,
/// custom credentials) go only to the origin of the step's url.
pub const CROSS_ORIGIN_HEADERS: &[&str] =
    &["accept", "accept-language", "cache-control", "content-language", "content-type", "user-agent"];

/// The HTTP clients of the engine: one following redirects (up to 10; the llm agent's), one
/// not (the api agent's, which follows redirects itself).
#[derive(Clone)]
pub struct HttpClients {
    follow: reqwest::Client,
    manual: reqwest::Client,
}

impl HttpClients {
    pub fn new() -> Result<HttpClients, String> {
        // reqwest is built without a built-in crypto provider; ring is ours. Installing twice is
        // harmless (the second call reports the first is there).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let build = |policy| {
            reqwest::Client::builder()
                .redirect(policy)
                .user_agent(concat!("turbocat-desktop/", env!("CARGO_PKG_VERSION")))
                .connect_timeout(Duration::from_secs(30))
                .build()
                .map_err(|e| format!("cannot set up the HTTP client: {e}"))
        };
        Ok(HttpClients {
            follow: build(reqwest::redirect::Policy::limited(10))?,
            manual: build(reqwest::redirect::Policy::none())?,
        })
    }

    /// The client that follows redirects (the llm agent's).
    pub(crate) fn client(&self) -> &reqwest::Client {
        &self.follow
    }
}

fn setting<'a>(inputs: &'a Json, config: &'a Json, keys: &[&str]) -> Option<&'a Json> {
    keys.iter()
        .find_map(|k| inputs.get(*k).filter(|v| !v.is_null()))
        .or_else(|| keys.iter().find_map(|k| config.get(*k).filter(|v| !v.is_null())))
}

fn as_u64(v: Option<&Json>) -> Option<u64> {
    match v? {
        Json::Number(n) => n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64),
        Json::String(s) => s.trim().parse::<f64>().ok().filter(|f| *f >= 0.0).map(|f| f as u64),
        _ => None,
    }
}

fn text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

struct Request {
    url: reqwest::Url,
    method: reqwest::Method,
    headers: Vec<(String, String)>,
    body: Option<(Vec<u8>, Option<String>)>,
    timeout: Duration,
    retries: u32,
    delay_ms: u64,
    retry_on: Vec<u16>,
    follow: bool,
    as_text: bool,
}

fn build(inputs: &Json, config: &Json) -> Result<Request, AgentError> {
    let bad = |m: String| AgentError::Permanent(m);
    let raw_url = setting(inputs, config, &["url"]).map(text).ok_or_else(|| bad("The api agent needs a url".into()))?;
    let mut url = reqwest::Url::parse(raw_url.trim()).map_err(|e| bad(format!("Invalid url {raw_url:?}: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad(format!("Invalid url {raw_url:?}: only http and https are supported")));
    }
    if let Some(Json::Object(q)) = setting(inputs, config, &["query", "queryParams"]) {
        let mut pairs = url.query_pairs_mut();
        for (k, v) in q {
            match v {
                Json::Array(items) => items.iter().for_each(|i| {
                    pairs.append_pair(k, &text(i));
                }),
                Json::Null => {}
                other => {
                    pairs.append_pair(k, &text(other));
                }
            }
        }
    }
    let method_text = setting(inputs, config, &["method"]).map(text).unwrap_or_else(|| "GET".into()).to_uppercase();
    let method = match method_text.as_str() {
        "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS" => {
            reqwest::Method::from_bytes(method_text.as_bytes()).map_err(|e| bad(e.to_string()))?
        }
        other => return Err(bad(format!("Invalid HTTP method {other:?}"))),
    };
    let mut headers: Vec<(String, String)> = Vec::new();
    if let Some(Json::Object(h)) = setting(inputs, config, &["headers"]) {
        headers.extend(h.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), text(v))));
    }
    if let Some(auth) = setting(inputs, config, &["auth"]).and_then(Json::as_object) {
        let field = |k: &str| auth.get(k).filter(|v| !v.is_null()).map(text);
        match auth.get("type").and_then(Json::as_str).unwrap_or("none").to_ascii_lowercase().as_str() {
            "none" | "" => {}
            "bearer" => {
                let token = field("token").ok_or_else(|| bad("Bearer auth needs auth.token".into()))?;
                headers.push(("Authorization".into(), format!("Bearer {token}")));
            }
            "basic" => {
                let user = field("username").ok_or_else(|| bad("Basic auth needs auth.username".into()))?;
                let pass = field("password").unwrap_or_default();
                headers.push(("Authorization".into(), basic(&user, &pass)));
            }
            "api_key" | "apikey" => {
                let key = field("apiKey")
                    .or_else(|| field("key"))
                    .ok_or_else(|| bad("API key auth needs auth.apiKey".into()))?;
                headers.push((field("apiKeyHeader").unwrap_or_else(|| "X-API-Key".into()), key));
            }
            other => return Err(bad(format!("Unknown auth type {other:?} (expected none, bearer, basic or api_key)"))),
        }
    }
    let content_type = setting(inputs, config, &["contentType"]).map(text);
    let body = match setting(inputs, config, &["body"]) {
        None => None,
        Some(_) if method == reqwest::Method::GET || method == reqwest::Method::HEAD => None,
        Some(Json::String(s)) => Some((s.clone().into_bytes(), content_type.clone())),
        Some(v) => {
            Some((v.to_string().into_bytes(), Some(content_type.clone().unwrap_or_else(|| "application/json".into()))))
        }
    };
    let policy = config.get("retryPolicy").cloned().unwrap_or(Json::Null);
    let retries = as_u64(setting(inputs, config, &["retryCount", "retries", "maxRetries"]))
        .or_else(|| as_u64(policy.get("maxRetries")))
        .unwrap_or(0)
        .min(10) as u32;
    let delay_ms = as_u64(setting(inputs, config, &["retryDelayMs"]))
        .or_else(|| as_u64(policy.get("backoffMs")))
        .unwrap_or(1000)
        .min(300_000);
    let retry_on = match setting(inputs, config, &["retryOnStatusCodes"]) {
        Some(Json::Array(a)) => a.iter().filter_map(|v| as_u64(Some(v))).map(|c| c as u16).collect(),
        _ => vec![429, 500, 502, 503, 504],
    };
    let timeout = Duration::from_millis(
        as_u64(setting(inputs, config, &["timeoutMs", "requestTimeoutMs", "timeout"])).unwrap_or(30_000).max(1),
    );
    let follow = setting(inputs, config, &["followRedirects"]).and_then(Json::as_bool).unwrap_or(true);
    let as_text = setting(inputs, config, &["responseType"])
        .and_then(Json::as_str)
        .is_some_and(|t| t.eq_ignore_ascii_case("text"));
    Ok(Request { url, method, headers, body, timeout, retries, delay_ms, retry_on, follow, as_text })
}

fn basic(user: &str, pass: &str) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = format!("{user}:{pass}").into_bytes();
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n =
            (u32::from(c[0]) << 16) | (u32::from(*c.get(1).unwrap_or(&0)) << 8) | u32::from(*c.get(2).unwrap_or(&0));
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if c.len() > 1 { T[(n >> 6) as usize & 63] as char } else { '=' });
        out.push(if c.len() > 2 { T[n as usize & 63] as char } else { '=' });
    }
    format!("Basic {out}")
}

/// One response, read whole (bounded).
struct Response {
    status: u16,
    status_text: String,
    headers: Map<String, Json>,
    body: Vec<u8>,
}

async fn send(clients: &HttpClients, r: &Request) -> Result<Response, String> {
    let deadline = Instant::now() + r.timeout;
    let home = r.url.origin();
    let (mut url, mut method, mut body) = (r.url.clone(), r.method.clone(), r.body.as_ref());
    let mut hops = 0;
    let mut resp = loop {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err("The request timed out".into());
        }
        let at_home = url.origin() == home;
        let mut b = clients.manual.request(method.clone(), url.clone()).timeout(remaining);
        let mut typed = false;
        for (k, v) in &r.headers {
            let name = k.to_ascii_lowercase();
            if at_home || CROSS_ORIGIN_HEADERS.contains(&name.as_str()) {
                typed |= name == "content-type";
                b = b.header(k.as_str(), v.as_str());
            }
        }
        if let Some((bytes, ct)) = body {
            if let (Some(ct), false) = (ct, typed) {
                b = b.header("Content-Type", ct.as_str());
            }
            b = b.body(bytes.clone());
        }
        let resp = b.send().await.map_err(describe)?;
        let status = resp.status().as_u16();
        if !r.follow || !matches!(status, 301 | 302 | 303 | 307 | 308) {
            break resp;
        }
        let next = resp
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .and_then(|l| url.join(l).ok())
            .filter(|u| matches!(u.scheme(), "http" | "https"));
        let Some(next) = next else { break resp };
        hops += 1;
        if hops > MAX_REDIRECTS {
            return Err(format!("too many redirects (more than {MAX_REDIRECTS}), the last to {}", redacted(&next)));
        }
        if status <= 303 && method != reqwest::Method::GET && method != reqwest::Method::HEAD {
            method = reqwest::Method::GET;
            body = None;
        }
        url = next;
    };
    let status = resp.status();
    let mut headers = Map::new();
    for (k, v) in resp.headers() {
        let v = String::from_utf8_lossy(v.as_bytes()).into_owned();
        match headers.get_mut(k.as_str()) {
            Some(Json::String(prev)) => {
                prev.push_str(", ");
                prev.push_str(&v);
            }
            _ => {
                headers.insert(k.as_str().to_string(), Json::String(v));
            }
        }
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(describe)? {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(format!("The response body is larger than {} MiB", MAX_BODY_BYTES / (1024 * 1024)));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Response {
        status: status.as_u16(),
        status_text: status.canonical_reason().unwrap_or("").to_string(),
        headers,
        body,
    })
}

pub(crate) fn describe(e: reqwest::Error) -> String {
    use std::error::Error as _;
    // The message names the url, with any password in it: name it without.
    let url = e.url().map(redacted);
    let e = e.without_url();
    let mut msg = if e.is_timeout() { "The request timed out".to_string() } else { e.to_string() };
    if let Some(u) = url {
        msg.push_str(&format!(" ({u})"));
    }
    let mut src = e.source();
    while let Some(s) = src {
        let t = s.to_string();
        if !msg.contains(&t) {
            msg.push_str(": ");
            msg.push_str(&t);
        }
        src = s.source();
    }
    msg
}

/// A url as it may be shown, logged and stored: a password in it replaced by `***`.
pub(crate) fn redacted(url: &reqwest::Url) -> String {
    let mut u = url.clone();
    if u.password().is_some() {
        let _ = u.set_password(Some("***"));
    }
    u.to_string()
}

/// Runs the api agent: one HTTP request from its config and the step's inputs.
pub async fn run(cx: &AgentCtx<'_>, agent: &Agent, _step: &WorkflowStep, inputs: Json) -> Result<Produced, AgentError> {
    let clients = &cx.env.http;
    let r = build(&inputs, &agent.config)?;
    let mut retry = 0u32;
    let (resp, took) = loop {
        let t = Instant::now();
        match send(clients, &r).await {
            Ok(resp) if retry < r.retries && r.retry_on.contains(&resp.status) => {}
            Ok(resp) => break (resp, t.elapsed()),
            Err(e) if retry < r.retries => {
                let _ = e;
            }
            Err(e) => {
                let tries = if retry > 0 { format!(" (after {retry} retries)") } else { String::new() };
                return Err(AgentError::Retryable(format!("{} {} failed{tries}: {e}", r.method, r.url)));
            }
        }
        retry += 1;
        tokio::time::sleep(Duration::from_millis(r.delay_ms * u64::from(retry))).await;
    };
    let Response { status, status_text, headers, body } = resp;
    let text = |body: Vec<u8>| match String::from_utf8(body) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    let data = if body.is_empty() {
        Json::Null
    } else if r.as_text {
        Json::String(text(body))
    } else {
        serde_json::from_slice(&body).unwrap_or_else(|_| Json::String(text(body)))
    };
    // Built by moving the body in (`json!` would copy it); `result` and `response` are read
    // from the output, not copied (`Produced`).
    let mut output = Map::new();
    output.insert("statusCode".into(), json!(status));
    output.insert("statusText".into(), Json::String(status_text));
    output.insert("headers".into(), Json::Object(headers));
    output.insert("data".into(), data);
    output.insert("requestUrl".into(), json!(redacted(&r.url)));
    output.insert("responseTimeMs".into(), json!(took.as_millis() as u64));
    output.insert("retryCount".into(), json!(retry));
    Ok(Produced { output: Json::Object(output), main: Main::Field("data"), http: true })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_from_inputs_and_config() {
        let cfg = json!({"retryPolicy": {"maxRetries": 3, "backoffMs": 1000}, "headers": {"X-A": "1"}});
        let r = build(
            &json!({"url": "http://h/x?a=1", "method": "post", "query": {"b": 2, "c": ["x", "y"]}, "body": {"k": 1}}),
            &cfg,
        )
        .unwrap();
        assert_eq!(r.url.as_str(), "http://h/x?a=1&b=2&c=x&c=y");
        assert_eq!((r.method.as_str(), r.retries, r.delay_ms), ("POST", 3, 1000));
        assert_eq!(r.headers, [("X-A".to_string(), "1".to_string())]);
        assert_eq!(r.body, Some((b"{\"k\":1}".to_vec(), Some("application/json".into()))));
        let u = reqwest::Url::parse("https://me:s3cret@h/p?q=1").unwrap();
        assert_eq!(redacted(&u), "https://me:***@h/p?q=1");
        assert_eq!(redacted(&reqwest::Url::parse("https://h/p").unwrap()), "https://h/p");
        let auth = |a: Json| build(&json!({"url": "https://h", "auth": a}), &json!({})).map(|r| r.headers);
        assert_eq!(auth(json!({"type": "bearer", "token": "t"})).unwrap()[0].1, "Bearer t");
        assert_eq!(
            auth(json!({"type": "basic", "username": "Aladdin", "password": "open sesame"})).unwrap()[0].1,
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        assert_eq!(
            auth(json!({"type": "api_key", "apiKey": "k", "apiKeyHeader": "X-Key"})).unwrap()[0],
            ("X-Key".to_string(), "k".to_string())
        );
        assert!(matches!(auth(json!({"type": "magic"})), Err(AgentError::Permanent(_))));
        assert!(matches!(build(&json!({"url": "ftp://h"}), &json!({})), Err(AgentError::Permanent(_))));
        assert!(matches!(build(&json!({}), &json!({})), Err(AgentError::Permanent(_))));
        let get = build(&json!({"url": "http://h", "body": "x"}), &json!({})).unwrap();
        assert!(get.body.is_none(), "GET sends no body");
    }
}
