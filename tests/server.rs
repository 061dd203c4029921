//! The local server (docs/local-api.md) over real HTTP on 127.0.0.1: each test starts a
//! server on a free port over its own database, and talks to it with an HTTP client as a
//! hosted-project script would.

use crate::cli::tc;
use crate::support::*;
use serde_json::{json, Value as Json};
use std::sync::Arc;
use std::time::{Duration, Instant};
use turbocat_engine::{Engine, EngineConfig};
use turbocat_server::{Server, ServerConfig};
use turbocat_services::api_keys::CreateApiKey;

/// A running server over a fresh database, and a key of the local profile.
struct Api {
    env: Env,
    url: String,
    key: String,
    http: reqwest::Client,
    rt: tokio::runtime::Runtime,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Json,
}

impl Api {
    fn start(env: Env, scopes: &[&str]) -> Api {
        let key = env
            .svc
            .api_keys()
            .create(CreateApiKey {
                name: "Test".into(),
                scopes: Some(scopes.iter().map(|s| s.to_string()).collect()),
                rate_limit_per_minute: Some(10_000),
                ..Default::default()
            })
            .unwrap()
            .key;
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let svc = Arc::new(env.reopen());
        let url = rt.block_on(async move {
            let engine = Engine::open(svc, EngineConfig::default()).await.unwrap();
            let cfg = ServerConfig { port: 0, ..Default::default() };
            let server = Server::bind(cfg, engine).await.unwrap();
            let url = server.url();
            tokio::spawn(server.serve(async {
                let _ = rx.await;
            }));
            url
        });
        Api { env, url, key, http: reqwest::Client::new(), rt, stop: Some(tx) }
    }

    fn send(
        &self,
        method: &str,
        path: &str,
        key: Option<&str>,
        body: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Answer {
        let mut r = self.http.request(method.parse().unwrap(), format!("{}{path}", self.url));
        if let Some(k) = key {
            r = r.header("X-API-Key", k);
        }
        if let Some(b) = body {
            r = r.header("Content-Type", "application/json").body(b.to_string());
        }
        for (k, v) in headers {
            r = r.header(*k, *v);
        }
        self.rt.block_on(async move {
            let resp = r.send().await.expect("the server answers");
            let status = resp.status().as_u16();
            let headers = resp.headers().clone();
            let bytes = resp.bytes().await.unwrap();
            let body = if bytes.is_empty() { Json::Null } else { serde_json::from_slice(&bytes).expect("a JSON body") };
            Answer { status, headers, body }
        })
    }

    fn get(&self, path: &str) -> Answer {
        self.send("GET", path, Some(&self.key.clone()), None, &[])
    }

    fn post(&self, path: &str, body: Json) -> Answer {
        self.send("POST", path, Some(&self.key.clone()), Some(&body.to_string()), &[])
    }

    fn patch(&self, path: &str, body: Json) -> Answer {
        self.send("PATCH", path, Some(&self.key.clone()), Some(&body.to_string()), &[])
    }
}

impl Drop for Api {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

fn code(a: &Answer) -> &str {
    a.body["error"]["code"].as_str().unwrap_or("")
}

fn message(a: &Answer) -> &str {
    a.body["error"]["message"].as_str().unwrap_or("")
}

#[test]
fn health_the_api_root_and_refusals_with_the_hosted_envelopes() {
    let api = Api::start(Env::empty(), &["*"]);
    let live = api.send("GET", "/health/live", None, None, &[]);
    assert_eq!((live.status, live.body["status"].as_str()), (200, Some("ok")));
    let health = api.send("GET", "/health", None, None, &[("X-Request-ID", "trace-1")]);
    assert_eq!(health.status, 200);
    assert_eq!(health.body["status"], "healthy");
    assert_eq!(health.body["data"]["services"]["database"]["status"], "healthy");
    assert_eq!(
        (health.body["requestId"].as_str(), health.body["meta"]["requestId"].as_str()),
        (Some("trace-1"), Some("trace-1"))
    );
    assert_eq!(health.headers["x-request-id"], "trace-1", "the caller's request id is reused");
    assert_eq!(api.send("GET", "/health/ready", None, None, &[]).body["status"], "ready");
    let root = api.send("GET", "/api/v1", None, None, &[]);
    assert_eq!(root.body["data"]["name"], "Turbocat API");

    let unknown = api.send("GET", "/api/v1/nothing-here", None, None, &[]);
    assert_eq!(
        (unknown.status, code(&unknown), message(&unknown)),
        (404, "NOT_FOUND", "Cannot GET /api/v1/nothing-here")
    );
    assert!(unknown.body["requestId"].as_str().is_some_and(|r| r.len() == 36), "a new request id: {}", unknown.body);

    // Who may talk to it: a foreign Host (DNS rebinding) and a foreign browser Origin.
    let rebound = api.send("GET", "/health/live", None, None, &[("Host", "evil.example:3001")]);
    assert_eq!((rebound.status, code(&rebound)), (421, "MISDIRECTED_REQUEST"));
    let cross = api.send("GET", "/api/v1", None, None, &[("Origin", "https://evil.example")]);
    assert_eq!(cross.status, 403);
    let allowed = api.send("GET", "/api/v1", None, None, &[("Origin", "http://localhost:3000")]);
    assert_eq!(allowed.status, 200);
    assert_eq!(allowed.headers["access-control-allow-origin"], "http://localhost:3000");

    // Authentication: none, an unknown key, a JWT this build does not take.
    let none = api.send("GET", "/api/v1/agents", None, None, &[]);
    assert_eq!((none.status, code(&none)), (401, "UNAUTHORIZED"));
    let wrong = api.send("GET", "/api/v1/agents", Some("tc_wrong"), None, &[]);
    assert_eq!((wrong.status, message(&wrong)), (401, "Invalid API key"));
    let jwt = api.send("GET", "/api/v1/agents", None, None, &[("Authorization", "Bearer a.b.c")]);
    assert_eq!((jwt.status, message(&jwt)), (401, "Invalid access token format"));
}

#[test]
fn bad_input_gets_a_clear_error_and_writes_nothing() {
    let api = Api::start(Env::empty(), &["*"]);
    let before = (api.env.count("agents"), api.env.count("audit_logs"));
    let key = api.key.clone();
    let bad_id = api.get("/api/v1/agents/not-a-uuid");
    assert_eq!((bad_id.status, message(&bad_id)), (400, "Invalid id format"));
    let not_json = api.send("POST", "/api/v1/agents", Some(&key), Some("{name: oops"), &[]);
    assert_eq!((not_json.status, message(&not_json)), (400, "Invalid JSON in request body"));
    let no_body = api.send("POST", "/api/v1/agents", Some(&key), None, &[]);
    assert_eq!((no_body.status, code(&no_body)), (400, "VALIDATION_ERROR"));
    assert_eq!(no_body.body["error"]["details"][0]["message"], "Invalid input: expected object, received undefined");
    let wrong_type = api.post("/api/v1/agents", json!({"name": 5, "type": "CODE"}));
    assert_eq!((wrong_type.status, code(&wrong_type)), (400, "VALIDATION_ERROR"));
    let long_name = api.post("/api/v1/agents", json!({"name": "x".repeat(10_000), "type": "CODE"}));
    assert_eq!((long_name.status, code(&long_name)), (400, "VALIDATION_ERROR"));
    assert_eq!(long_name.body["error"]["details"][0]["field"], "name", "{}", long_name.body);
    // A body over 10 MiB is refused from its Content-Length, before it is read: the request is
    // written by hand, head only, so the client never races the refusal while sending.
    let addr = api.url.trim_start_matches("http://").to_string();
    let mut tcp = std::net::TcpStream::connect(&addr).unwrap();
    let head = format!(
        "POST /api/v1/agents HTTP/1.1\r\nHost: {addr}\r\nX-API-Key: {key}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        11 * 1024 * 1024
    );
    std::io::Write::write_all(&mut tcp, head.as_bytes()).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut answer = vec![0u8; 4096];
    let n = std::io::Read::read(&mut tcp, &mut answer).unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("PAYLOAD_TOO_LARGE"), "{answer}");
    let page_size = api.get("/api/v1/agents?pageSize=101");
    assert_eq!((page_size.status, code(&page_size)), (400, "VALIDATION_ERROR"));
    assert_eq!((api.env.count("agents"), api.env.count("audit_logs")), before, "nothing was written");
}

#[test]
fn api_keys_authenticate_with_their_scopes_and_rate_limit() {
    let api = Api::start(Env::empty(), &["agents:read"]);
    let read = api.get("/api/v1/agents");
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(read.headers["x-ratelimit-limit"], "10000");
    assert_eq!(read.headers["x-ratelimit-remaining"], "9999");
    let write = api.post("/api/v1/agents", json!({"name": "Nope", "type": "CODE"}));
    assert_eq!((write.status, message(&write)), (403, "API key does not grant the scope \"agents:write\""));
    assert_eq!(api.env.count("agents"), 0);

    let keys = api.env.svc.api_keys();
    let limited = keys
        .create(CreateApiKey {
            name: "Two a minute".into(),
            scopes: Some(vec!["*".into()]),
            rate_limit_per_minute: Some(2),
            ..Default::default()
        })
        .unwrap();
    // Stay inside one minute window.
    let into_minute = turbocat_domain::Timestamp::now().millis() % 60_000;
    if into_minute > 55_000 {
        std::thread::sleep(Duration::from_millis((60_000 - into_minute + 50) as u64));
    }
    for _ in 0..2 {
        assert_eq!(api.send("GET", "/api/v1/agents", Some(&limited.key), None, &[]).status, 200);
    }
    let over = api.send("GET", "/api/v1/agents", Some(&limited.key), None, &[]);
    assert_eq!((over.status, code(&over)), (429, "TOO_MANY_REQUESTS"));
    assert!(over.headers.contains_key("retry-after"));
    assert_eq!(over.headers["x-ratelimit-remaining"], "0");

    keys.revoke(limited.api_key.id).unwrap();
    let revoked = api.send("GET", "/api/v1/agents", Some(&limited.key), None, &[]);
    assert_eq!((revoked.status, message(&revoked)), (401, "API key has been revoked"));
    // Uses are written at most a second apart (docs/rules.md): both are in the row soon after.
    let t = Instant::now();
    loop {
        let used =
            keys.list(&Default::default()).unwrap().items.into_iter().find(|k| k.id == limited.api_key.id).unwrap();
        if used.usage_count == 2 {
            break;
        }
        assert!(
            used.usage_count < 2 && t.elapsed() < Duration::from_secs(5),
            "accepted calls are counted: {}",
            used.usage_count
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn agents_through_http_as_the_key_user_with_the_caller_in_the_audit_rows() {
    let api = Api::start(Env::empty(), &["agents"]);
    let made =
        api.post("/api/v1/agents", json!({"name": "  Fetcher ", "type": "API", "tags": ["a"], "unknownField": 1}));
    assert_eq!(made.status, 201, "{}", made.body);
    let d = &made.body["data"];
    assert_eq!(
        (d["name"].as_str(), d["agent"]["name"].as_str()),
        (Some("Fetcher"), Some("Fetcher")),
        "flat and nested"
    );
    assert_eq!((d["type"].as_str(), d["status"].as_str()), (Some("API"), Some("DRAFT")), "UPPERCASE enums");
    let id = d["id"].as_str().unwrap().to_string();

    let got = api.get(&format!("/api/v1/agents/{id}"));
    assert_eq!(got.body["data"]["agent"]["id"], id.as_str());
    let listed = api.get("/api/v1/agents?pageSize=1&sortBy=nonsense");
    assert_eq!(listed.status, 200, "an unknown sortBy falls back to the default, as hosted");
    let p = &listed.body["data"]["pagination"];
    assert_eq!(
        (p["totalItems"].as_u64(), p["hasPrevPage"].as_bool(), p["hasPreviousPage"].as_bool()),
        (Some(1), Some(false), Some(false))
    );

    let empty = api.patch(&format!("/api/v1/agents/{id}"), json!({}));
    assert_eq!(empty.status, 400);
    let renamed = api.patch(&format!("/api/v1/agents/{id}"), json!({"name": "Fetcher 2", "status": "ACTIVE"}));
    assert_eq!((renamed.status, renamed.body["data"]["status"].as_str()), (200, Some("ACTIVE")));
    let copy = api.post(&format!("/api/v1/agents/{id}/duplicate"), json!({}));
    assert_eq!((copy.status, copy.body["data"]["name"].as_str()), (201, Some("Copy of Fetcher 2")));
    let versions = api.get(&format!("/api/v1/agents/{id}/versions"));
    assert_eq!(versions.body["data"]["versions"].as_array().map(Vec::len), Some(2));

    let gone = api.send("DELETE", &format!("/api/v1/agents/{id}"), Some(&api.key.clone()), None, &[]);
    assert_eq!((gone.status, gone.body.clone()), (204, Json::Null));
    let missing = api.get(&format!("/api/v1/agents/{id}"));
    assert_eq!((missing.status, message(&missing)), (404, "Agent not found"));

    // Every write is audited as the key's user, with the caller's IP and user agent.
    let rows = api
        .env
        .svc
        .audit()
        .list(&Default::default())
        .unwrap()
        .items
        .into_iter()
        .filter(|r| r.action.starts_with("agent."))
        .collect::<Vec<_>>();
    assert_eq!(rows.len(), 4, "create, update, duplicate, delete: {rows:?}");
    assert!(rows
        .iter()
        .all(|r| r.ip_address.as_deref() == Some("127.0.0.1") && r.user_id == Some(api.env.svc.current_user_id())));
    assert!(
        rows.iter().all(|r| r.user_agent.as_deref().is_none_or(|u| !u.starts_with("turbocat-desktop"))),
        "{rows:?}"
    );
}

/// Polls an execution until it has ended.
fn finished(api: &Api, id: &str) -> Json {
    let t = Instant::now();
    loop {
        let e = api.get(&format!("/api/v1/executions/{id}"));
        assert_eq!(e.status, 200, "{}", e.body);
        let status = e.body["data"]["status"].as_str().unwrap_or("").to_string();
        if !matches!(status.as_str(), "PENDING" | "RUNNING") {
            return e.body["data"].clone();
        }
        assert!(t.elapsed() < Duration::from_secs(20), "the run ends: {}", e.body);
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn execute_runs_the_workflow_for_real_and_cancel_stops_it() {
    let api = Api::start(Env::empty(), &["*"]);
    let made = api.post(
        "/api/v1/workflows",
        json!({"name": "Waits", "status": "ACTIVE", "steps": [
            {"stepKey": "pause", "stepName": "Pause", "stepType": "WAIT", "position": 0, "config": {"waitMs": 100}},
            {"stepKey": "echo", "stepName": "Echo", "stepType": "AGENT", "position": 1, "dependsOn": ["pause"], "inputs": {"waited": "{{pause.waitedMs}}"}}
        ]}),
    );
    assert_eq!(made.status, 201, "{}", made.body);
    assert_eq!(made.body["data"]["status"], "DRAFT", "status is not taken on create, as hosted");
    let id = made.body["data"]["id"].as_str().unwrap().to_string();
    let draft = api.post(&format!("/api/v1/workflows/{id}/execute"), json!({}));
    assert_eq!(
        (draft.status, message(&draft)),
        (400, "Cannot execute workflow in \"DRAFT\" status. Workflow must be ACTIVE.")
    );
    assert_eq!(api.patch(&format!("/api/v1/workflows/{id}"), json!({"status": "ACTIVE"})).status, 200);

    let started = api.post(&format!("/api/v1/workflows/{id}/execute"), json!({"inputData": {}}));
    assert_eq!(started.status, 201, "{}", started.body);
    let e = &started.body["data"];
    assert!(matches!(e["status"].as_str(), Some("PENDING" | "RUNNING")), "answers at once: {e}");
    let eid = e["execution"]["id"].as_str().unwrap().to_string();
    let done = finished(&api, &eid);
    assert_eq!(done["status"], "COMPLETED", "{done}");
    assert_eq!(done["outputData"]["echo"], json!({"waited": 100}));
    assert_eq!(done["stepCounts"]["completed"], 2);
    assert_eq!(done["workflow"]["name"], "Waits");
    let logs = api.get(&format!("/api/v1/executions/{eid}/logs?pageSize=100"));
    let steps: Vec<&str> =
        logs.body["data"]["logs"].as_array().unwrap().iter().filter_map(|l| l["stepKey"].as_str()).collect();
    assert!(steps.contains(&"pause") && steps.contains(&"echo"), "real step logs: {steps:?}");
    let history = api.get(&format!("/api/v1/workflows/{id}/executions"));
    assert_eq!(history.body["data"]["pagination"]["totalItems"], 1);

    // A long wait, cancelled while it waits.
    let slow = api.post(
        "/api/v1/workflows",
        json!({"name": "Slow", "steps": [{"stepKey": "long", "stepName": "Long", "stepType": "WAIT", "position": 0, "config": {"waitMs": 60000}}]}),
    );
    let sid = slow.body["data"]["id"].as_str().unwrap().to_string();
    api.patch(&format!("/api/v1/workflows/{sid}"), json!({"status": "ACTIVE"}));
    let run = api.post(&format!("/api/v1/workflows/{sid}/execute"), json!({}));
    let rid = run.body["data"]["id"].as_str().unwrap().to_string();
    std::thread::sleep(Duration::from_millis(200));
    let t = Instant::now();
    let cancelled = api.post(&format!("/api/v1/executions/{rid}/cancel"), json!({}));
    assert_eq!(
        (cancelled.status, cancelled.body["data"]["status"].as_str()),
        (200, Some("CANCELLED")),
        "{}",
        cancelled.body
    );
    let end = finished(&api, &rid);
    assert_eq!(end["status"], "CANCELLED");
    assert!(t.elapsed() < Duration::from_secs(5), "the wait stopped at once");
    let again = api.post(&format!("/api/v1/executions/{rid}/cancel"), json!({}));
    assert_eq!(again.status, 400);

    // A workflow with no steps completes at once.
    let empty = api.post("/api/v1/workflows", json!({"name": "Empty"}));
    let emid = empty.body["data"]["id"].as_str().unwrap().to_string();
    api.patch(&format!("/api/v1/workflows/{emid}"), json!({"status": "ACTIVE"}));
    let run = api.post(&format!("/api/v1/workflows/{emid}/execute"), json!({}));
    assert_eq!(run.status, 201, "{}", run.body);
    assert_eq!(finished(&api, run.body["data"]["id"].as_str().unwrap())["status"], "COMPLETED");
}

#[test]
fn a_hosted_step_diff_updates_deletes_and_adds_steps() {
    let api = Api::start(Env::empty(), &["*"]);
    let made = api.post(
        "/api/v1/workflows",
        json!({"name": "Diff", "steps": [
            {"stepKey": "a", "stepName": "A", "stepType": "AGENT", "position": 0},
            {"stepKey": "b", "stepName": "B", "stepType": "AGENT", "position": 1, "dependsOn": ["a"]}
        ]}),
    );
    let id = made.body["data"]["id"].as_str().unwrap().to_string();
    let steps = made.body["data"]["steps"].as_array().unwrap().clone();
    let (a, b) = (steps[0]["id"].as_str().unwrap(), steps[1]["id"].as_str().unwrap());
    let patched = api.patch(
        &format!("/api/v1/workflows/{id}"),
        json!({"steps": [
            {"id": b, "_delete": true, "stepKey": "b", "stepName": "B", "stepType": "AGENT", "position": 1},
            {"id": a, "stepKey": "a", "stepName": "A renamed", "stepType": "AGENT", "position": 0},
            {"stepKey": "c", "stepName": "C", "stepType": "AGENT", "position": 2, "dependsOn": ["a"]}
        ]}),
    );
    assert_eq!(patched.status, 200, "{}", patched.body);
    let names: Vec<&str> =
        patched.body["data"]["steps"].as_array().unwrap().iter().filter_map(|s| s["stepName"].as_str()).collect();
    assert_eq!(names, ["A renamed", "C"]);
    let cycle = api.patch(
        &format!("/api/v1/workflows/{id}"),
        json!({"steps": [{"id": a, "stepKey": "a", "stepName": "A", "stepType": "AGENT", "position": 0, "dependsOn": ["c"]}]}),
    );
    assert_eq!((cycle.status, message(&cycle)), (400, "Cycle detected in workflow: a -> c -> a"));
}

#[test]
fn turbocat_serve_runs_until_sigterm_and_keys_are_made_headless() {
    let env = Env::empty();
    let db = env.path();
    drop(env.svc);
    let dir = env.dir;
    // `keys create --json` prints the key once.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_turbocat-desktop"))
        .args(["--db", db.to_str().unwrap(), "keys", "create", "--name", "ci", "--scopes", "agents:read", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let made: Json = serde_json::from_slice(&out.stdout).unwrap();
    let key = made["key"].as_str().unwrap().to_string();
    assert!(key.starts_with("tc_"));
    assert_eq!(tc(&db, &["keys", "list"]), 0);

    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_turbocat-desktop"))
        .args(["--db", db.to_str().unwrap(), "serve", "--port", "0", "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.take().unwrap()), &mut line).unwrap();
    let listening: Json = serde_json::from_str(&line).expect("the first line says where it listens");
    let url = listening["url"].as_str().unwrap().to_string();
    assert!(url.starts_with("http://127.0.0.1:"));
    let server_file = dir.path().join("db").join("server.json");
    let file: Json = serde_json::from_str(&std::fs::read_to_string(&server_file).unwrap()).unwrap();
    assert_eq!(file["url"], url.as_str());

    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let http = reqwest::Client::new();
    let status = rt.block_on(async {
        http.get(format!("{url}/api/v1/agents")).header("X-API-Key", &key).send().await.unwrap().status().as_u16()
    });
    assert_eq!(status, 200);

    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let exit = child.wait().unwrap();
    assert!(exit.success(), "a clean stop: {exit:?}");
    assert!(!server_file.exists(), "server.json is removed on a clean stop");
    let refused = rt.block_on(async { http.get(format!("{url}/health/live")).send().await });
    assert!(refused.is_err(), "nothing listens after the stop");
}

/// 32 clients creating and listing agents at once for a bounded time: no 5xx, every accepted
/// create is one row (none lost, none duplicated), and the lists are consistent pages.
#[test]
fn concurrent_clients_lose_nothing_and_get_no_server_errors() {
    let api = Api::start(Env::empty(), &["agents"]);
    let (url, key) = (api.url.clone(), api.key.clone());
    let until = Instant::now() + Duration::from_secs(10);
    let results = api.rt.block_on(async move {
        let http = reqwest::Client::new();
        let mut tasks = Vec::new();
        for client in 0..32 {
            let (http, url, key) = (http.clone(), url.clone(), key.clone());
            tasks.push(tokio::spawn(async move {
                let (mut made, mut statuses) = (Vec::new(), Vec::new());
                let mut n = 0;
                while Instant::now() < until {
                    n += 1;
                    let create = http
                        .post(format!("{url}/api/v1/agents"))
                        .header("X-API-Key", &key)
                        .header("Content-Type", "application/json")
                        .body(json!({"name": format!("c{client}-{n}"), "type": "DATA"}).to_string())
                        .send()
                        .await
                        .unwrap();
                    statuses.push(create.status().as_u16());
                    if create.status() == 201 {
                        let body: Json = serde_json::from_slice(&create.bytes().await.unwrap()).unwrap();
                        made.push(body["data"]["id"].as_str().unwrap().to_string());
                    }
                    let list = http
                        .get(format!("{url}/api/v1/agents?pageSize=20"))
                        .header("X-API-Key", &key)
                        .send()
                        .await
                        .unwrap();
                    statuses.push(list.status().as_u16());
                }
                (made, statuses)
            }));
        }
        let mut all = Vec::new();
        for t in tasks {
            all.push(t.await.unwrap());
        }
        all
    });
    let statuses: Vec<u16> = results.iter().flat_map(|(_, s)| s.iter().copied()).collect();
    assert!(
        statuses.iter().all(|s| *s < 500),
        "no server errors: {:?}",
        statuses.iter().filter(|s| **s >= 500).count()
    );
    let made: Vec<&String> = results.iter().flat_map(|(m, _)| m.iter()).collect();
    let unique: std::collections::BTreeSet<&&String> = made.iter().collect();
    assert_eq!(unique.len(), made.len(), "no id answered twice");
    assert!(made.len() >= 32, "every client made agents ({})", made.len());
    assert_eq!(api.env.count("agents") as usize, made.len(), "every accepted create is one row, none lost");
}

#[test]
fn templates_for_anyone_and_instantiate_and_the_callers_profile() {
    let api = Api::start(Env::seeded(), &["templates", "users", "workflows:read"]);
    // Anonymous: the public and official templates.
    let anon = api.send("GET", "/api/v1/templates?pageSize=100", None, None, &[]);
    assert_eq!(anon.status, 200, "{}", anon.body);
    let total = anon.body["data"]["pagination"]["totalItems"].as_u64().unwrap();
    assert_eq!(total, 6, "the seed's six templates are official");
    let first = &anon.body["data"]["templates"][0];
    assert!(first["ratingAverage"].is_string(), "Decimal columns as strings, as hosted: {first}");
    let cats = api.send("GET", "/api/v1/templates/categories", None, None, &[]);
    assert!(cats.body["data"]["categories"].as_array().is_some_and(|c| !c.is_empty()));
    let bad_key = api.send("GET", "/api/v1/templates", Some("tc_wrong"), None, &[]);
    assert_eq!(bad_key.status, 401, "credentials that fail are refused, not ignored");
    let no_key = api.send(
        "POST",
        &format!("/api/v1/templates/{}/instantiate", first["id"].as_str().unwrap()),
        None,
        Some("{}"),
        &[],
    );
    assert_eq!(no_key.status, 401);

    let wf_template = anon.body["data"]["templates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["type"] == "WORKFLOW")
        .expect("a workflow template")
        .clone();
    let made = api.post(
        &format!("/api/v1/templates/{}/instantiate", wf_template["id"].as_str().unwrap()),
        json!({"name": "From a template"}),
    );
    assert_eq!(made.status, 201, "{}", made.body);
    assert_eq!(
        (made.body["data"]["resourceType"].as_str(), made.body["data"]["workflow"]["name"].as_str()),
        (Some("workflow"), Some("From a template"))
    );
    let wid = made.body["data"]["id"].as_str().unwrap();
    assert_eq!(api.get(&format!("/api/v1/workflows/{wid}")).body["data"]["status"], "DRAFT");

    let me = api.get("/api/v1/users/me");
    assert_eq!(me.status, 200);
    assert_eq!(me.body["data"]["user"]["id"], api.env.svc.current_user_id().to_string());
    assert!(me.body["data"].get("passwordHash").is_none(), "never a password hash");
    let renamed = api.patch("/api/v1/users/me", json!({"fullName": "API User", "preferences": {"theme": "dark"}}));
    assert_eq!(
        (renamed.status, renamed.body["data"]["fullName"].as_str()),
        (200, Some("API User")),
        "{}",
        renamed.body
    );
    assert_eq!(renamed.body["data"]["preferences"]["theme"], "dark");
    assert_eq!(api.patch("/api/v1/users/me", json!({})).status, 400, "No fields to update");
}

/// Each request runs as its key's user: another user's private agent and workflow are 404 to
/// them, their lists hold only their own rows, and what they create is theirs.
#[test]
fn another_users_rows_are_not_found_and_writes_belong_to_the_caller() {
    let api = Api::start(Env::empty(), &["*"]);
    let other = turbocat_domain::new_id();
    let t = turbocat_domain::Timestamp::now();
    api.env
        .svc
        .store()
        .write(|tx| {
            turbocat_store::row::insert(
                tx,
                &turbocat_domain::User {
                    id: other,
                    email: "other@example.com".into(),
                    password_hash: None,
                    full_name: Some("Other".into()),
                    avatar_url: None,
                    role: turbocat_domain::UserRole::User,
                    is_active: true,
                    email_verified: false,
                    email_verified_at: None,
                    last_login_at: None,
                    preferences: json!({}),
                    created_at: t,
                    updated_at: t,
                    deleted_at: None,
                },
            )?;
            Ok(())
        })
        .unwrap();
    let theirs = api
        .env
        .svc
        .acting_as(other, None)
        .api_keys()
        .create(CreateApiKey { name: "Other's".into(), scopes: Some(vec!["*".into()]), ..Default::default() })
        .unwrap()
        .key;
    let mine = api.post("/api/v1/agents", json!({"name": "Private", "type": "CODE"}));
    let mine_id = mine.body["data"]["id"].as_str().unwrap().to_string();
    let wf = api.post("/api/v1/workflows", json!({"name": "Private flow"}));
    let wf_id = wf.body["data"]["id"].as_str().unwrap().to_string();

    let as_other = |method: &str, path: &str, body: Option<Json>| {
        api.send(method, path, Some(&theirs), body.map(|b| b.to_string()).as_deref(), &[])
    };
    assert_eq!(as_other("GET", &format!("/api/v1/agents/{mine_id}"), None).status, 404);
    assert_eq!(as_other("PATCH", &format!("/api/v1/agents/{mine_id}"), Some(json!({"name": "Taken"}))).status, 404);
    assert_eq!(as_other("DELETE", &format!("/api/v1/agents/{mine_id}"), None).status, 404);
    assert_eq!(as_other("GET", &format!("/api/v1/workflows/{wf_id}"), None).status, 404);
    assert_eq!(as_other("GET", "/api/v1/agents", None).body["data"]["pagination"]["totalItems"], 0);
    let made = as_other("POST", "/api/v1/agents", Some(json!({"name": "Theirs", "type": "DATA"})));
    assert_eq!((made.status, made.body["data"]["userId"].as_str()), (201, Some(other.to_string().as_str())));
    let me = as_other("GET", "/api/v1/users/me", None);
    assert_eq!(me.body["data"]["email"], "other@example.com");
    // And the first user's list did not gain the other's agent.
    assert_eq!(api.get("/api/v1/agents").body["data"]["pagination"]["totalItems"], 1);
    assert_eq!(api.get(&format!("/api/v1/agents/{mine_id}")).body["data"]["name"], "Private");
}
