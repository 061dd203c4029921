//! Robustness of runs (issue 14, probe defects D3–D10), each through a real entry point — the
//! engine's run API or the `turbocat` command line — on real SQLite files, with real HTTP
//! servers on loopback addresses and real child processes:
//!
//! - D3: a microtask loop stops at the code agent's time limit, and its thread ends.
//! - D4: a template that doubles a value at each step fails at the value limit (no OOM).
//! - D5: a value nested too deep fails its step; every execution the run writes reads back.
//! - D6: a data agent's join ends at its step's timeout and at the workflow's time limit; a
//!   join whose output would pass the value limit fails as it is made.
//! - D7: a huge error message is stored cut, with a marker.
//! - D8: an api agent's credentials do not follow a redirect to another origin.
//! - D9: an `--input` over the limit is refused before anything is written.
//! - D10: `turbocat run` with a closed stderr still ends its run.

use crate::engine::*;
use crate::support::*;
use serde_json::{json, Value as Json};
use std::path::Path;
use std::time::{Duration, Instant};
use turbocat_domain::{AgentType, ErrorCode, ExecutionStatus, StepStatus, Uuid, WorkflowStepType};
use turbocat_engine::{EngineConfig, RunRequest};
use turbocat_services::workflows::StepInput;

fn agent_step(key: &str, deps: &[&str], agent: Uuid, inputs: Json) -> StepInput {
    StepInput { agent_id: Some(agent), inputs: Some(inputs), ..st(key, WorkflowStepType::Agent, deps) }
}

/// A chain of pass-through steps `s0 … s{n-1}`: `s0`'s inputs are `first`, each later step's
/// are `each` with `PREV` replaced by the step before it.
fn chain(n: usize, first: Json, each: &str) -> Vec<StepInput> {
    (0..n)
        .map(|i| {
            let key = format!("s{i}");
            if i == 0 {
                pass(&key, &[], first.clone())
            } else {
                let prev = format!("s{}", i - 1);
                let inputs: Json = serde_json::from_str(&each.replace("PREV", &prev)).unwrap();
                pass(&key, &[prev.as_str()], inputs)
            }
        })
        .collect()
}

/// `turbocat --db DB ARGS…` in this process, off the test's runtime (the CLI starts its own).
async fn tc(db: &Path, args: &[&str]) -> u8 {
    let mut all = vec!["turbocat".to_string(), "--db".to_string(), db.display().to_string()];
    all.extend(args.iter().map(|s| s.to_string()));
    tokio::task::spawn_blocking(move || turbocat_cli::run(all.into_iter().map(Into::into))).await.unwrap()
}

// ---------------------------------------------------------------------------------------------
// D3: the promise job loop

/// Threads of this process named as the code agent names its sandbox threads.
fn js_threads() -> usize {
    std::fs::read_dir("/proc/self/task")
        .map(|d| {
            d.filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
                .filter(|c| c.trim() == "turbocat-js")
                .count()
        })
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_microtask_loop_stops_at_the_time_limit_and_its_thread_ends() {
    let env = Env::empty();
    let looper = env
        .svc
        .agents()
        .create(turbocat_services::agents::CreateAgent {
            name: "Microtasks".into(),
            agent_type: Some(AgentType::Code),
            config: Some(
                json!({"code": "function f() { Promise.resolve().then(f) } f(); return new Promise(() => {})"}),
            ),
            max_execution_time: Some(2),
            ..Default::default()
        })
        .unwrap()
        .id;
    // The step's own timeout is far above the agent's 2 s: the agent's limit must stop it.
    let wf = workflow(
        &env,
        "Microtask loop",
        json!({}),
        vec![StepInput { timeout_ms: Some(20_000), ..agent_step("spin", &[], looper, json!({})) }],
    );
    let e = engine(&env).await;
    let (x, _) = run_all(&e, wf, json!({})).await;
    assert_eq!(x.status, ExecutionStatus::Failed);
    let msg = x.error_message.unwrap();
    assert!(
        msg.starts_with("Step \"spin\" failed: The script was stopped at its time limit of 2000 ms"),
        "stopped by the agent's limit, not the step's 20 s timeout: {msg}"
    );
    // The script's thread ends (other tests' scripts are short: the counts reach zero).
    let t = Instant::now();
    loop {
        if turbocat_engine::agents::code::sandboxes_running() == 0 && js_threads() == 0 {
            break;
        }
        assert!(t.elapsed() < Duration::from_secs(15), "a JavaScript thread still runs after its step ended");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

// ---------------------------------------------------------------------------------------------
// D4: values bounded in memory

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_doubling_template_fails_at_the_value_limit() {
    let env = Env::empty();
    // Each step holds its predecessor twice: 100 bytes × 2^26 if nothing stopped it.
    let wf = workflow(
        &env,
        "Doubling",
        json!({"inputs": {"seed": {"type": "string"}}}),
        chain(26, json!({"a": "{{inputs.seed}}", "b": "{{inputs.seed}}"}), r#"{"a": "{{PREV}}", "b": "{{PREV}}"}"#),
    );
    let e = engine(&env).await;
    let (x, _) = run_all(&e, wf, json!({"seed": "x".repeat(100)})).await;
    assert_eq!(x.status, ExecutionStatus::Failed, "{:?}", x.error_message);
    assert!(x.completed_at.is_some());
    let msg = x.error_message.unwrap();
    let limit = EngineConfig::default().value_limit;
    assert_eq!(limit, 64 << 20);
    let failed = (1..26)
        .find(|i| {
            msg.starts_with(&format!(
                "Step \"s{i}\" failed: its resolved inputs would be larger than 64 MiB of JSON text"
            ))
        })
        .unwrap_or_else(|| panic!("{msg}"));
    // 100 bytes doubled: the step whose inputs pass 64 MiB is about the twentieth.
    assert!((17..=21).contains(&failed), "{msg}");
    let statuses = step_statuses(&env, x.id);
    assert_eq!(statuses[&format!("s{failed}")], StepStatus::Failed);
    assert_eq!(statuses["s25"], StepStatus::Skipped);
    // The row reads back, and no run is left running.
    let back = env.svc.executions().get(x.id).unwrap().execution;
    assert_eq!(back.status, ExecutionStatus::Failed);
    assert!(e.running().is_empty());
}

// ---------------------------------------------------------------------------------------------
// D5: nesting depth bounded where it is written

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_too_deeply_nested_value_fails_its_step_and_every_execution_reads_back() {
    let env = Env::empty();
    let each = r#"{"w": {"v": "{{PREV}}"}}"#;
    // 98 steps, two levels each: deeper than serde_json reads back (128), if written.
    let deep = workflow(&env, "Nesting", json!({}), chain(98, json!({"w": {"v": 1}}), each));
    // 45 steps stay within the limit (100 levels), stored with their wrappers, and complete.
    let fine = workflow(&env, "Nesting within", json!({}), chain(45, json!({"w": {"v": 1}}), each));
    let e = engine(&env).await;

    let (x, _) = run_all(&e, fine, json!({})).await;
    assert_eq!(x.status, ExecutionStatus::Completed, "{:?}", x.error_message);
    let back = env.svc.executions().get(x.id).unwrap().execution;
    assert!(back.output_data["s44"]["w"]["v"]["w"]["v"]["w"]["v"].is_object());

    let (x, _) = run_all(&e, deep, json!({})).await;
    assert_eq!(x.status, ExecutionStatus::Failed);
    let msg = x.error_message.clone().unwrap();
    assert!(msg.contains("failed: its resolved inputs would nest arrays and objects deeper than 100 levels"), "{msg}");
    // s49 nests 100 levels; s50 would nest 102.
    assert!(msg.starts_with("Step \"s50\" failed: "), "{msg}");
    // Every reader of the row works: get, list, logs, and a re-run through the command line.
    let back = env.svc.executions().get(x.id).unwrap().execution;
    assert_eq!((back.status, back.steps_failed), (ExecutionStatus::Failed, 1));
    assert!(back.output_data["s49"].is_object());
    assert!(!logs(&env, x.id).is_empty());
    drop(e);
    let code = tc(&env.path(), &["run", "--rerun", &x.id.to_string(), "--json"]).await;
    assert_eq!(code, turbocat_cli::EXIT_RUN_NOT_COMPLETED, "the re-run ran (and failed the same way)");
    let all = env
        .svc
        .executions()
        .list(&turbocat_services::executions::ExecutionQuery { workflow_id: Some(deep), ..Default::default() })
        .unwrap()
        .items;
    assert_eq!(all.len(), 2);
    for r in all {
        assert_eq!(env.svc.executions().get(r.id).unwrap().execution.status, ExecutionStatus::Failed);
    }
}

// ---------------------------------------------------------------------------------------------
// D6: data agent work stops at the step's timeout and the workflow's limit

/// A data agent joining its input (`rows` rows) with `rows` rows of its config, all on one key.
fn cartesian_join(env: &Env, rows: usize) -> (Uuid, Json) {
    let with: Vec<Json> = (0..rows).map(|j| json!({"k": 1, "b": j})).collect();
    let joiner = agent(
        env,
        &format!("Cartesian {rows}"),
        AgentType::Data,
        json!({"operation": "join", "operationConfig": {"with": with, "on": "k"}}),
    );
    let data: Vec<Json> = (0..rows).map(|i| json!({"k": 1, "a": i})).collect();
    (joiner, json!({ "data": data }))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cartesian_join_ends_at_its_step_timeout_and_at_the_workflow_limit() {
    let env = Env::empty();
    let (joiner, input) = cartesian_join(&env, 1200);
    let wf = workflow(
        &env,
        "Cartesian",
        json!({"inputs": {"data": {"type": "array"}}}),
        vec![StepInput {
            timeout_ms: Some(1000),
            ..agent_step("join", &[], joiner, json!({"data": "{{inputs.data}}"}))
        }],
    );
    let e = engine(&env).await;
    let t = Instant::now();
    let (x, _) = run_all(&e, wf, input.clone()).await;
    assert_eq!(x.status, ExecutionStatus::Failed, "the 1.44 million rows are not made within 1 s");
    assert_eq!(x.error_message.as_deref(), Some("Step \"join\" failed: Timed out after 1000 ms"));
    assert!(t.elapsed() < Duration::from_secs(8), "the run ended at the step's timeout: {:?}", t.elapsed());

    // The workflow's own limit (2 s) ends a run whose step may take a minute.
    let wf = workflow(
        &env,
        "Cartesian within 2 s",
        json!({"inputs": {"data": {"type": "array"}}, "timeoutMs": 2000}),
        vec![StepInput {
            timeout_ms: Some(60_000),
            ..agent_step("join", &[], joiner, json!({"data": "{{inputs.data}}"}))
        }],
    );
    let (x, _) = run_all(&e, wf, input).await;
    assert_eq!(x.status, ExecutionStatus::Timeout);
    let took = x.duration_ms.unwrap();
    assert!(took < 8000, "the time limit was honoured while the join ran: {took} ms");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_join_larger_than_the_value_limit_fails_as_it_is_made() {
    let env = Env::empty();
    // 300 × 300 rows of about 30 bytes: 2.7 MB, over a 1 MiB limit.
    let (joiner, input) = cartesian_join(&env, 300);
    let wf = workflow(
        &env,
        "Big join",
        json!({"inputs": {"data": {"type": "array"}}}),
        vec![agent_step("join", &[], joiner, json!({"data": "{{inputs.data}}"}))],
    );
    let e = engine_with(&env, EngineConfig { value_limit: 1 << 20, ..Default::default() }).await;
    let (x, _) = run_all(&e, wf, input).await;
    assert_eq!(x.status, ExecutionStatus::Failed);
    let msg = x.error_message.unwrap();
    assert!(
        msg.starts_with(
            "Step \"join\" failed: Join output would be larger than 1 MiB of JSON text, the limit of a step's output (after "
        ),
        "{msg}"
    );
}

// ---------------------------------------------------------------------------------------------
// D7: error messages bounded

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_error_message_is_stored_cut() {
    let env = Env::empty();
    let thrower =
        agent(&env, "Thrower", AgentType::Code, json!({"code": "throw new Error('E'.repeat(50 * 1024 * 1024))"}));
    let wf = workflow(
        &env,
        "Throws",
        json!({}),
        vec![
            StepInput {
                on_error: Some(turbocat_domain::ErrorHandling::Continue),
                ..agent_step("a", &[], thrower, json!({}))
            },
            StepInput {
                on_error: Some(turbocat_domain::ErrorHandling::Continue),
                ..agent_step("b", &["a"], thrower, json!({}))
            },
        ],
    );
    let e = engine(&env).await;
    let (x, _) = run_all(&e, wf, json!({})).await;
    assert_eq!(x.status, ExecutionStatus::Failed);
    let msg = x.error_message.clone().unwrap();
    assert!(msg.starts_with("Step \"a\" failed: Error: EEEE"), "{}", &msg[..100]);
    assert!(msg.len() < 10_000 && msg.contains("… [cut: 5242"), "{} bytes", msg.len());
    let stack = x.error_stack.clone().unwrap();
    assert!(stack.len() < 20_000 && stack.contains("Step \"b\" failed: Error: EEEE"), "{} bytes", stack.len());
    // What is stored: the row's message and stack, the failed log rows' message and metadata.
    let c = rusqlite::Connection::open(env.path()).unwrap();
    let q = |sql: &str| -> i64 { c.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert!(q("SELECT max(length(error_message) + length(error_stack)) FROM executions") < 30_000);
    assert!(q("SELECT max(length(message) + length(metadata)) FROM execution_logs") < 20_000);
    assert!(q("SELECT sum(length(message) + length(metadata)) FROM execution_logs") < 100_000);
    let failed = logs(&env, x.id).into_iter().filter(|l| l.step_status == Some(StepStatus::Failed)).count();
    assert_eq!(failed, 2);
}

// ---------------------------------------------------------------------------------------------
// D8: credentials and redirects

/// A test server on `ip` answering `(status, extra headers, JSON body)`.
fn redirecting(
    ip: &str,
    handler: impl Fn(&Hit) -> (u16, Vec<(String, String)>, Json) + Send + Sync + 'static,
) -> TestServer {
    TestServer::start_on(ip, move |_, h| {
        let (status, headers, body) = handler(h);
        Reply::WithHeaders(status, headers, body)
    })
}

/// The requests a test server saw for `path`.
fn hits_at(server: &TestServer, path: &str) -> Vec<Hit> {
    server.hits().into_iter().filter(|h| h.path == path).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_credentials_do_not_follow_a_redirect_to_another_origin() {
    // 127.0.0.2 is loopback too on Linux: another host, so another origin.
    let other = redirecting("127.0.0.2", |h| (200, vec![], json!({"landed": h.path})));
    let other_url = format!("http://127.0.0.2:{}/landed", other.port);
    let first = redirecting("127.0.0.1", move |h| {
        let to = |l: &str| (302, vec![("Location".to_string(), l.to_string())], json!({}));
        match h.path.as_str() {
            "/to-other" => to(&other_url),
            "/same" => to("/here"),
            "/keep" => (307, vec![("Location".to_string(), "/here".to_string())], json!({})),
            _ => (200, vec![], json!({"here": h.path, "method": h.method, "body": h.body})),
        }
    });
    let base = format!("http://127.0.0.1:{}", first.port);
    let env = Env::empty();
    let caller = agent(&env, "Caller", AgentType::Api, json!({}));
    let secrets = json!({"X-Auth-Token": "CUSTOM-SECRET-789", "Accept": "application/json"});
    let wf = workflow(
        &env,
        "Redirects",
        json!({}),
        vec![
            agent_step(
                "key",
                &[],
                caller,
                json!({"url": format!("{base}/to-other"), "headers": secrets,
                       "auth": {"type": "api_key", "apiKey": "APIKEY-SECRET-456"}}),
            ),
            agent_step(
                "bearer",
                &["key"],
                caller,
                json!({"url": format!("{base}/to-other"), "auth": {"type": "bearer", "token": "BEARER-SECRET-123"}}),
            ),
            agent_step(
                "same",
                &["bearer"],
                caller,
                json!({"url": format!("{base}/same"), "headers": secrets,
                       "auth": {"type": "api_key", "apiKey": "APIKEY-SECRET-456"}}),
            ),
            agent_step(
                "post",
                &["same"],
                caller,
                json!({"url": format!("{base}/keep"), "method": "POST", "body": {"n": 1},
                       "auth": {"type": "bearer", "token": "BEARER-SECRET-123"}}),
            ),
        ],
    );
    let e = engine(&env).await;
    let (x, _) = run_all(&e, wf, json!({})).await;
    assert_eq!(x.status, ExecutionStatus::Completed, "{:?}", x.error_message);
    assert_eq!(x.output_data["key"]["data"], json!({"landed": "/landed"}), "the redirect was followed");
    assert_eq!(x.output_data["key"]["statusCode"], json!(200));

    // The other origin got neither the agent's auth nor the custom credential header.
    let landed = hits_at(&other, "/landed");
    assert_eq!(landed.len(), 2);
    for h in &landed {
        for secret in ["x-api-key", "x-auth-token", "authorization", "cookie"] {
            assert!(!h.headers.contains_key(secret), "{secret} reached the other origin: {:?}", h.headers);
        }
    }
    assert_eq!(landed[0].headers.get("accept").map(String::as_str), Some("application/json"), "plain headers go on");

    // Same origin: the credentials follow; a 307 keeps the method and the body.
    let here = hits_at(&first, "/here");
    assert_eq!(here.len(), 2);
    assert_eq!(here[0].headers.get("x-api-key").map(String::as_str), Some("APIKEY-SECRET-456"));
    assert_eq!(here[0].headers.get("x-auth-token").map(String::as_str), Some("CUSTOM-SECRET-789"));
    assert_eq!(here[1].headers.get("authorization").map(String::as_str), Some("Bearer BEARER-SECRET-123"));
    assert_eq!((here[1].method.as_str(), here[1].body.as_str()), ("POST", "{\"n\":1}"));
}

// ---------------------------------------------------------------------------------------------
// D9: the run's input bounded

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_input_over_the_limit_is_refused_before_anything_is_written() {
    let env = Env::empty();
    let wf = workflow(&env, "Echo", json!({}), vec![pass("echo", &[], json!({"n": "{{inputs.blob.length}}"}))]);
    let limit = EngineConfig::default().input_limit;
    assert_eq!(limit, 16 << 20);
    let big = json!({ "blob": "x".repeat(limit) });

    // The engine's API: a validation error naming the field, no execution.
    let e = engine(&env).await;
    let err = e.start(RunRequest::manual(wf, big.clone())).await.err().expect("refused");
    assert_eq!(err.code, ErrorCode::ValidationError);
    assert_eq!(err.message, "The run's input is larger than 16 MiB of JSON text, the limit of a run's input");
    assert_eq!(err.fields[0].field, "inputData");
    drop(e);

    // The command line: refused as a usage error before the file is read whole.
    let file = env.dir.path().join("big.json");
    std::fs::write(&file, big.to_string()).unwrap();
    let at = format!("@{}", file.display());
    assert_eq!(tc(&env.path(), &["run", "Echo", "--input", &at, "--json"]).await, turbocat_cli::EXIT_USAGE);
    assert_eq!(env.count("executions"), 0, "nothing was written");
    // An input within the limit runs.
    std::fs::write(&file, json!({"blob": "x".repeat(1000)}).to_string()).unwrap();
    assert_eq!(tc(&env.path(), &["run", "Echo", "--input", &at, "--json"]).await, turbocat_cli::EXIT_OK);
    assert_eq!(env.count("executions"), 1);
}

// ---------------------------------------------------------------------------------------------
// D10: a closed stderr

#[test]
fn a_closed_stderr_does_not_stop_a_cli_run() {
    let env = Env::empty();
    workflow(
        &env,
        "Chatty",
        json!({}),
        vec![pass("a", &[], json!({"x": 1})), wait("nap", &["a"], 200), pass("b", &["nap"], json!({"y": "{{a.x}}"}))],
    );
    // A pipe whose read end is closed before the child writes: every write to stderr fails
    // with EPIPE (`… 2>&1 | head` once head has quit).
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_turbocat-desktop"))
        .arg("--db")
        .arg(env.path())
        .args(["run", "Chatty"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(writer)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("completed in"), "{stdout}");
    let all = env.svc.executions().list(&Default::default()).unwrap().items;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].status, ExecutionStatus::Completed, "not left running");
    assert_eq!(all[0].steps_completed, 3);
}

// ---------------------------------------------------------------------------------------------
// D9: outputs moved to their last reader, not copied; output_data the same as if copied

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn values_moved_to_their_last_reader_read_as_if_copied() {
    let env = Env::empty();
    let items = json!([{"n": 1, "s": "a"}, {"n": 2, "s": "b"}, {"n": 3, "s": "c"}]);
    let mut s4 = pass("s4", &["s2", "s3"], json!({"v": "{{s2.x}}"}));
    s4.outputs = Some(json!({"out": "{{v}}", "again": "{{s2.y}}", "count": "{{v.length}}"}));
    let wf = workflow(
        &env,
        "Moves",
        json!({
            "inputs": {"items": {"type": "array"}},
            "outputs": {"meta": {"type": "string"}, "total": {"type": "number", "value": "{{s1.n}}"}}
        }),
        vec![
            pass("s0", &[], json!({"data": "{{inputs.items}}", "meta": "m"})),
            // The last reader of s0: `a` is moved, after `n` and `first` read s0 whole.
            pass(
                "s1",
                &["s0"],
                json!({"a": "{{s0.data}}", "n": "{{s0.data.length}}", "first": "{{s0.output.data.0}}"}),
            ),
            // Two templates naming one path: both get it.
            pass("s2", &["s1"], json!({"x": "{{s1.a}}", "y": "{{s1.a}}"})),
            // s1 has two readers: neither takes from it while the other may still read it.
            pass("s3", &["s1"], json!({"z": "{{s1.a}}"})),
            s4,
        ],
    );
    // A small output limit: every step's entry in output_data is a preview of its text.
    for output_limit in [1 << 20, 40] {
        let e = engine_with(&env, EngineConfig { output_limit, ..Default::default() }).await;
        let (x, _) = run_all(&e, wf, json!({"items": items})).await;
        assert_eq!(x.status, ExecutionStatus::Completed, "{:?}", x.error_message);
        let expected = json!({
            "s0": {"data": items, "meta": "m"},
            "s1": {"a": items, "n": 3, "first": items[0]},
            "s2": {"x": items, "y": items},
            "s3": {"z": items},
            "s4": {"out": items, "again": items, "count": 3},
        });
        let out = x.output_data.as_object().unwrap();
        for (k, v) in expected.as_object().unwrap() {
            assert_eq!(out[k], turbocat_engine::bounded(v, output_limit), "{k} with output_limit {output_limit}");
        }
        assert_eq!(out["meta"], json!("m"), "a declared output taken by name from a step no longer held");
        assert_eq!(out["total"], json!(3));
    }
}
