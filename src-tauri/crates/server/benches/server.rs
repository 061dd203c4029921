//! The local server's cost, each beside its baselines in the same run (BENCHMARKS.md, "Local
//! server"): `GET /api/v1/agents?pageSize=20` over 100,000 agents and `POST /api/v1/agents`,
//! with 1, 4 and 16 concurrent keep-alive clients, against (a) the same service call made
//! directly, without HTTP, from as many tasks, and (b) a bare axum handler on the same machine
//! answering the same bytes; and the API-key check alone. Loopback only, a bounded number of
//! requests per line.

use axum::routing::get;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use turbocat_domain::{new_id, Agent, AgentStatus, AgentType, Timestamp};
use turbocat_engine::{Engine, EngineConfig};
use turbocat_server::{Server, ServerConfig};
use turbocat_services::agents::{AgentQuery, CreateAgent};
use turbocat_services::api_keys::CreateApiKey;
use turbocat_services::{ListParams, OpenOptions, Services};
use turbocat_store::row;

const AGENTS: usize = 100_000;
/// Requests per line (split over the clients).
const REQUESTS: usize = 4_000;

fn seed(svc: &Services) {
    let me = svc.current_user_id();
    let base = Timestamp::now().add_millis(-(AGENTS as i64) * 1000);
    let agents: Vec<Agent> = (0..AGENTS)
        .map(|i| Agent {
            id: new_id(),
            name: format!("Agent {i}"),
            description: Some("A benchmark agent".into()),
            agent_type: AgentType::Data,
            status: AgentStatus::Active,
            version: 1,
            parent_id: None,
            user_id: me,
            config: json!({"operations": ["map"]}),
            capabilities: json!([]),
            parameters: json!({}),
            max_execution_time: Some(300),
            max_memory_mb: Some(512),
            max_concurrent_executions: Some(1),
            total_executions: 0,
            successful_executions: 0,
            failed_executions: 0,
            avg_execution_time_ms: 0,
            tags: Some(vec!["bench".into()]),
            is_public: false,
            is_template: false,
            created_at: base.add_millis(i as i64 * 1000),
            updated_at: base.add_millis(i as i64 * 1000),
            deleted_at: None,
        })
        .collect();
    svc.store().write(|tx| Ok(row::insert_many(tx, agents.iter())?)).unwrap();
}

struct Line {
    rps: f64,
    p50: f64,
    p99: f64,
}

fn summarize(mut samples: Vec<Duration>, wall: Duration) -> Line {
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 * q) as usize).min(samples.len() - 1)].as_secs_f64() * 1000.0;
    Line { rps: samples.len() as f64 / wall.as_secs_f64(), p50: at(0.50), p99: at(0.99) }
}

/// `REQUESTS` requests from `clients` keep-alive clients, each waiting for its answer before
/// sending the next.
async fn http_load(url: &str, key: &str, clients: usize, post: bool) -> Line {
    let per = REQUESTS / clients;
    let t = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (url, key) = (url.to_string(), key.to_string());
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::builder().pool_max_idle_per_host(1).build().unwrap();
            let mut samples = Vec::with_capacity(per);
            for i in 0..per {
                let t = Instant::now();
                let r = if post {
                    http.post(format!("{url}/api/v1/agents"))
                        .header("X-API-Key", &key)
                        .header("Content-Type", "application/json")
                        .body(json!({"name": format!("b{c}-{i}"), "type": "DATA"}).to_string())
                        .send()
                        .await
                } else {
                    http.get(format!("{url}/api/v1/agents?pageSize=20")).header("X-API-Key", &key).send().await
                }
                .unwrap();
                assert!(r.status().is_success(), "{}", r.status());
                r.bytes().await.unwrap();
                samples.push(t.elapsed());
            }
            samples
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    summarize(all, t.elapsed())
}

/// The same service calls, from `clients` tasks, on the blocking pool as the server makes
/// them, with the answer serialized: everything but HTTP.
async fn direct_load(svc: &Arc<Services>, clients: usize, post: bool) -> Line {
    let per = REQUESTS / clients;
    let t = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let svc = svc.clone();
        tasks.push(tokio::spawn(async move {
            let mut samples = Vec::with_capacity(per);
            for i in 0..per {
                let t = Instant::now();
                let s = svc.clone();
                tokio::task::spawn_blocking(move || {
                    let me = s.current_user_id();
                    let body = if post {
                        let a = s
                            .acting_as(me, None)
                            .agents()
                            .create(CreateAgent {
                                name: format!("d{c}-{i}"),
                                agent_type: Some(AgentType::Data),
                                ..Default::default()
                            })
                            .unwrap();
                        serde_json::to_vec(&json!({"success": true, "data": a})).unwrap()
                    } else {
                        let q = AgentQuery {
                            list: ListParams { page_size: Some(20), ..Default::default() },
                            mine: Some(true),
                            ..Default::default()
                        };
                        let p = s.acting_as(me, None).agents().list(&q).unwrap();
                        serde_json::to_vec(&json!({"success": true, "data": {"agents": p.items}})).unwrap()
                    };
                    std::hint::black_box(body);
                })
                .await
                .unwrap();
                samples.push(t.elapsed());
            }
            samples
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    summarize(all, t.elapsed())
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("server.sqlite");
    let svc = Services::open(&path, OpenOptions { seed_on_first_start: false }).unwrap();
    seed(&svc);
    let key = svc
        .api_keys()
        .create(CreateApiKey {
            name: "bench".into(),
            scopes: Some(vec!["*".into()]),
            rate_limit_per_minute: Some(100_000),
            ..Default::default()
        })
        .unwrap()
        .key;
    let svc = Arc::new(svc);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async move {
        let engine = Engine::open(svc.clone(), EngineConfig::default()).await.unwrap();
        let server = Server::bind(ServerConfig { port: 0, ..Default::default() }, engine).await.unwrap();
        let url = server.url();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(server.serve(async {
            let _ = stopped.await;
        }));
        // (b): a bare handler answering the bytes of one real list answer.
        let http = reqwest::Client::new();
        let bytes = http
            .get(format!("{url}/api/v1/agents?pageSize=20"))
            .header("X-API-Key", &key)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let bare = axum::Router::new().route(
            "/api/v1/agents",
            get(move || {
                let b = bytes.clone();
                async move { ([("content-type", "application/json")], b) }
            })
            .post(|| async { ([("content-type", "application/json")], "{}") }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let bare_url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, bare).await.unwrap() });

        // Warm up both servers and the page cache.
        http_load(&url, &key, 4, false).await;
        http_load(&bare_url, &key, 4, false).await;

        println!("| measurement | clients | server req/s | p50 | p99 | direct call (a) req/s, p50, p99 | bare axum (b) req/s, p50, p99 | server / (b) throughput |");
        println!("|---|---|---|---|---|---|---|---|");
        for (what, post) in [("GET /api/v1/agents?pageSize=20, 100k agents", false), ("POST /api/v1/agents", true)] {
            for clients in [1, 4, 16] {
                let s = http_load(&url, &key, clients, post).await;
                let a = direct_load(&svc, clients, post).await;
                let b = http_load(&bare_url, &key, clients, post).await;
                println!(
                    "| {what} | {clients} | {:.0} | {:.3} ms | {:.3} ms | {:.0}, {:.3} ms, {:.3} ms | {:.0}, {:.3} ms, {:.3} ms | {:.0}% |",
                    s.rps, s.p50, s.p99, a.rps, a.p50, a.p99, b.rps, b.p50, b.p99, 100.0 * s.rps / b.rps
                );
            }
        }
        // The API-key check alone (a hash, a lookup, the rate window, the use counted).
        let n = 2000;
        let s = svc.clone();
        let k = key.clone();
        let took = tokio::task::spawn_blocking(move || {
            let t = Instant::now();
            for _ in 0..n {
                s.api_keys().authorize(Some(&k), Some("agents:read")).unwrap();
            }
            t.elapsed()
        })
        .await
        .unwrap();
        println!("| API-key check (authorize: lookup, rate window, use counted), {n} calls | | {:.1} µs per check | | | | | |", took.as_secs_f64() * 1e6 / n as f64);
        let _ = stop.send(());
    });
}
