//! The engine's workflow, llm and code agents, end to end: child executions and the depth
//! limit; an OpenAI-compatible chat-completions server on 127.0.0.1 started by the test; the
//! JavaScript sandbox's time and memory limits and its closed doors.

use crate::engine::*;
use crate::support::*;
use serde_json::{json, Value as Json};
use std::time::{Duration, Instant};
use turbocat_domain::{AgentType, ExecutionStatus, StepStatus, TriggerType, Uuid, WorkflowStepType};
use turbocat_engine::{EngineConfig, RunEvent, RunRequest};
use turbocat_services::workflows::StepInput;

fn agent_step(key: &str, deps: &[&str], agent: Uuid, inputs: Json) -> StepInput {
    StepInput { agent_id: Some(agent), inputs: Some(inputs), ..st(key, WorkflowStepType::Agent, deps) }
}

fn executions_of(env: &Env, wf: Uuid) -> Vec<turbocat_domain::Execution> {
    let all = env
        .svc
        .executions()
        .list(&turbocat_services::executions::ExecutionQuery { workflow_id: Some(wf), ..Default::default() })
        .unwrap();
    all.items
}

// ---------------------------------------------------------------------------------------------
// workflow agent

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workflow_agent_runs_a_child_execution_and_returns_its_output() {
    let env = Env::empty();
    let child = workflow(
        &env,
        "Child",
        json!({"inputs": {"x": {"type": "number", "required": true}, "unit": {"type": "string", "default": "kg"}},
               "outputs": {"answer": {"value": "{{double.y}}"}}}),
        vec![
            pass(
                "echo",
                &[],
                json!({"got": "{{inputs.x}}", "unit": "{{inputs.unit}}", "how": "{{metadata.triggerType}}"}),
            ),
            StepInput {
                inputs: Some(json!({"y": "{{echo.got}} {{echo.unit}}"})),
                ..st("double", WorkflowStepType::Agent, &["echo"])
            },
        ],
    );
    let caller = agent(&env, "Call child", AgentType::Workflow, json!({"workflowId": child.to_string()}));
    let parent = workflow(
        &env,
        "Parent",
        json!({"inputs": {"n": {"required": true}}}),
        vec![
            pass("prep", &[], json!({"n": "{{inputs.n}}"})),
            StepInput {
                outputs: Some(json!({"answer": "{{result.answer}}", "echoed": "{{output.echo.got}}"})),
                ..agent_step("call", &["prep"], caller, json!({"x": "{{prep.n}}"}))
            },
            pass("after", &["call"], json!({"text": "child said {{call.answer}}"})),
        ],
    );
    let e = engine(&env).await;
    let (x, _) = run_all(&e, parent, json!({"n": 7})).await;
    assert_eq!(x.status, ExecutionStatus::Completed, "{:?}", x.error_message);
    assert_eq!(x.output_data["call"], json!({"answer": "7 kg", "echoed": 7}));
    assert_eq!(x.output_data["after"], json!({"text": "child said 7 kg"}));

    // The child is an execution of its own, linked to its parent, with its own logs and counters.
    let kids = executions_of(&env, child);
    assert_eq!(kids.len(), 1);
    let kid = &kids[0];
    assert_eq!(kid.status, ExecutionStatus::Completed);
    assert_eq!(kid.trigger_type, TriggerType::Event);
    assert_eq!(kid.trigger_data["parentExecutionId"], json!(x.id.to_string()));
    assert_eq!(
        (kid.trigger_data["parentStepKey"].clone(), kid.trigger_data["depth"].clone()),
        (json!("call"), json!(1))
    );
    assert_eq!(kid.input_data, json!({"x": 7, "unit": "kg"}), "mapped inputs, defaults filled");
    assert_eq!(kid.output_data["echo"]["how"], json!("EVENT"));
    assert_eq!(kid.output_data["answer"], json!("7 kg"));
    let parent_logs = logs(&env, x.id);
    assert!(
        parent_logs
            .iter()
            .any(|l| l.step_key.as_deref() == Some("call")
                && l.metadata["childExecutionId"] == json!(kid.id.to_string())),
        "the parent step logs its child's id"
    );
    assert_eq!(logs(&env, kid.id).last().unwrap().message, "Workflow execution completed");
    let c = env.svc.workflows().get(child).unwrap().workflow;
    assert_eq!((c.total_executions, c.successful_executions), (1, 1));
    let a = env.svc.agents().get(caller).unwrap();
    assert_eq!((a.total_executions, a.successful_executions), (1, 1));

    // A child whose inputs do not fit is refused before its execution exists.
    let (x, _) = run_all(&e, parent, json!({"n": "seven"})).await;
    assert_eq!(x.status, ExecutionStatus::Failed);
    let msg = x.error_message.unwrap();
    assert!(msg.contains("Child workflow") && msg.contains("Input \"x\" must be a number"), "{msg}");
    assert_eq!(executions_of(&env, child).len(), 1);

    // A workflow agent with nothing to run says how to set it.
    let lost = agent(&env, "Lost", AgentType::Workflow, json!({}));
    let wf = workflow(&env, "Lost caller", json!({}), vec![agent_step("call", &[], lost, json!({}))]);
    let (x, _) = run_all(&e, wf, json!({})).await;
    assert!(x.error_message.unwrap().contains("set config.workflowId"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recursion_beyond_the_depth_limit_stops_with_a_clear_error() {
    let env = Env::empty();
    // The agent names the workflow that uses it: each run starts another, until the limit.
    let again = agent(&env, "Again", AgentType::Workflow, json!({"workflowId": "Recursive"}));
    let wf = workflow(
        &env,
        "Recursive",
        json!({}),
        vec![pass("start", &[], json!({})), agent_step("again", &["start"], again, json!({}))],
    );
    let e = engine(&env).await;
    let t = Instant::now();
    let (x, _) = run_all(&e, wf, json!({})).await;
    assert!(t.elapsed() < Duration::from_secs(20));
    assert_eq!(x.status, ExecutionStatus::Failed);
    let msg = x.error_message.unwrap();
    assert!(msg.starts_with("Step \"again\" failed: Workflow depth limit reached: \"Recursive\" → "), "{msg}");
    assert!(
        msg.ends_with("would nest child workflows 6 deep, and the limit is 5 (the workflow calls itself)"),
        "{msg}"
    );
    assert_eq!(msg.matches("\"Recursive\"").count(), 7, "the chain: the root, five children, the refused one: {msg}");
    // The root and five children ran, all failed with the same message; the sixth never existed.
    let runs = executions_of(&env, wf);
    assert_eq!(runs.len(), 6);
    assert!(runs.iter().all(|r| r.status == ExecutionStatus::Failed
        && r.error_message.as_deref().is_some_and(|m| m.contains("Workflow depth limit reached"))));
    let mut depths: Vec<i64> = runs.iter().map(|r| r.trigger_data["depth"].as_i64().unwrap_or(0)).collect();
    depths.sort();
    assert_eq!(depths, [0, 1, 2, 3, 4, 5]);

    // A smaller limit is a setting.
    let e2 = engine_with(&env, EngineConfig { max_depth: 1, ..Default::default() }).await;
    let (x, _) = run_all(&e2, wf, json!({})).await;
    assert!(x.error_message.unwrap().contains("the limit is 1"));
    assert_eq!(executions_of(&env, wf).len(), 6 + 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_a_parent_cancels_its_child() {
    let env = Env::empty();
    let child = workflow(&env, "Slow child", json!({}), vec![wait("nap", &[], 60_000)]);
    let caller = agent(&env, "Call slow", AgentType::Workflow, json!({"workflowId": "Slow child"}));
    let parent = workflow(&env, "Waiting parent", json!({}), vec![agent_step("call", &[], caller, json!({}))]);
    let e = engine(&env).await;
    let mut all = e.subscribe();
    let h = e.start(RunRequest::manual(parent, json!({}))).await.unwrap();
    // Wait until the child's wait step runs.
    tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            if let Ok(RunEvent::StepStarted { step_key, .. }) = all.recv().await {
                if step_key == "nap" {
                    break;
                }
            }
        }
    })
    .await
    .expect("the child's wait started");
    let t = Instant::now();
    h.cancel();
    let x = h.wait().await.unwrap();
    assert_eq!(x.status, ExecutionStatus::Cancelled);
    // The child ends cancelled too, at once.
    let kid = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let k = executions_of(&env, child).remove(0);
            if k.status.is_terminal() {
                return k;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the child ended");
    assert!(t.elapsed() < Duration::from_secs(5));
    assert_eq!(kid.status, ExecutionStatus::Cancelled);
    assert_eq!(step_statuses(&env, kid.id)["nap"], StepStatus::Skipped);
}

// ---------------------------------------------------------------------------------------------
// llm agent against an OpenAI-compatible server on 127.0.0.1

/// A chat-completions answer in the OpenAI format.
fn completion(content: &str) -> Json {
    json!({
        "id": "chatcmpl-1", "object": "chat.completion", "model": "test-model",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17}
    })
}

fn body_of(hit: &Hit) -> Json {
    serde_json::from_str(&hit.body).unwrap_or(Json::Null)
}

fn point_llm_at(env: &Env, server: &TestServer) {
    env.svc
        .llm_settings()
        .set(turbocat_services::llm_settings::LlmSettings {
            base_url: Some(server.url("/v1/")),
            model: Some("test-model".into()),
            api_key_env: None,
        })
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_llm_step_calls_an_openai_compatible_server() {
    let server = TestServer::start(|_, hit| {
        if hit.path != "/v1/chat/completions" || hit.method != "POST" {
            return Reply::Json(404, json!({"error": {"message": "no such route"}}));
        }
        let b = body_of(hit);
        if b["response_format"]["type"] == "json_object" {
            Reply::Json(200, completion("```json\n{\"mood\": \"happy\", \"score\": 9}\n```"))
        } else {
            Reply::Json(200, completion("Cats sleep a lot."))
        }
    });
    let env = Env::empty();
    let writer = agent(
        &env,
        "Writer",
        AgentType::Llm,
        json!({"model": "gpt-4o-mini", "systemPrompt": "You are terse.", "promptTemplate": "Tell {{who}} about {{topic}}.",
               "temperature": 0.2, "maxTokens": 64}),
    );
    let judge = agent(
        &env,
        "Judge",
        AgentType::Llm,
        json!({"responseFormat": "json", "messages": [{"role": "user", "content": "Rate this."}]}),
    );
    let wf = workflow(
        &env,
        "Ask",
        json!({}),
        vec![
            StepInput {
                outputs: Some(json!({"text": "{{result}}", "tokens": "{{output.usage.totalTokens}}"})),
                ..agent_step("write", &[], writer, json!({"who": "Ann", "topic": "cats"}))
            },
            agent_step("judge", &["write"], judge, json!({"prompt": "{{write.text}}"})),
        ],
    );
    let e = engine(&env).await;

    // Not configured: the step says how to configure it, and is not retried.
    let (x, _) = run_all(&e, wf, json!({})).await;
    assert_eq!(x.status, ExecutionStatus::Failed);
    let msg = x.error_message.unwrap();
    assert!(msg.contains("no LLM endpoint is configured") && msg.contains("turbocat settings llm --base-url"), "{msg}");
    assert!(server.hits().is_empty());

    point_llm_at(&env, &server);
    let (x, _) = run_all(&e, wf, json!({})).await;
    assert_eq!(x.status, ExecutionStatus::Completed, "{:?}", x.error_message);
    assert_eq!(x.output_data["write"], json!({"text": "Cats sleep a lot.", "tokens": 17}));
    assert_eq!(
        x.output_data["judge"],
        json!({"content": "```json\n{\"mood\": \"happy\", \"score\": 9}\n```", "parsedJson": {"mood": "happy", "score": 9},
               "model": "test-model", "finishReason": "stop",
               "usage": {"promptTokens": 12, "completionTokens": 5, "totalTokens": 17}})
    );
    let hits = server.hits();
    assert_eq!(hits.len(), 2);
    let asked = body_of(&hits[0]);
    assert_eq!(asked["model"], "test-model", "the settings' model");
    assert_eq!((asked["temperature"].clone(), asked["max_tokens"].clone()), (json!(0.2), json!(64)));
    assert_eq!(
        asked["messages"],
        json!([{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Tell Ann about cats."}])
    );
    assert_eq!(hits[0].headers.get("content-type").map(String::as_str), Some("application/json"));
    let judged = body_of(&hits[1]);
    assert_eq!(judged["response_format"], json!({"type": "json_object"}));
    assert_eq!(
        judged["messages"],
        json!([{"role": "user", "content": "Rate this."}, {"role": "user", "content": "Cats sleep a lot."}])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn llm_refusals_are_retried_or_reported() {
    // 503 twice, then an answer; a 400 with the OpenAI error format; a server that is gone.
    let server = TestServer::start(|n, hit| {
        let b = body_of(hit);
        match b["messages"][0]["content"].as_str().unwrap_or("") {
            "flaky" if n < 2 => Reply::Json(503, json!({"error": {"message": "loading model"}})),
            "flaky" => Reply::Json(200, completion("finally")),
            _ => Reply::Json(400, json!({"error": {"message": "model 'test-model' not found, try pulling it first"}})),
        }
    });
    let env = Env::empty();
    point_llm_at(&env, &server);
    let llm = agent(&env, "Model", AgentType::Llm, json!({}));
    let step = |key: &str, prompt: &str| StepInput {
        on_error: Some(turbocat_domain::ErrorHandling::Retry),
        retry_count: Some(2),
        retry_delay_ms: Some(10),
        ..agent_step(key, &[], llm, json!({"prompt": prompt}))
    };
    let flaky = workflow(&env, "Flaky", json!({}), vec![step("ask", "flaky")]);
    let refused = workflow(&env, "Refused", json!({}), vec![step("ask", "other")]);
    let e = engine(&env).await;
    let (x, _) = run_all(&e, flaky, json!({})).await;
    assert_eq!(x.status, ExecutionStatus::Completed, "{:?}", x.error_message);
    assert_eq!(x.output_data["ask"]["content"], "finally");
    assert_eq!(server.hits().len(), 3);
    let (x, _) = run_all(&e, refused, json!({})).await;
    assert_eq!(x.status, ExecutionStatus::Failed);
    let msg = x.error_message.unwrap();
    assert!(msg.contains("answered 400: model 'test-model' not found, try pulling it first"), "{msg}");
    assert_eq!(server.hits().len(), 4, "a 400 is not retried");

    // Nothing listening: a clear network error (retried, then reported).
    let gone = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = gone.local_addr().unwrap().port();
    drop(gone);
    env.svc
        .llm_settings()
        .set(turbocat_services::llm_settings::LlmSettings {
            base_url: Some(format!("http://127.0.0.1:{port}/v1")),
            model: Some("m".into()),
            api_key_env: None,
        })
        .unwrap();
    let (x, _) = run_all(&e, flaky, json!({})).await;
    let msg = x.error_message.unwrap();
    assert!(
        msg.contains(&format!("Cannot reach the LLM endpoint http://127.0.0.1:{port}/v1/chat/completions")),
        "{msg}"
    );
    // Settings are checked.
    let bad = env.svc.llm_settings().set(turbocat_services::llm_settings::LlmSettings {
        base_url: Some("localhost:11434".into()),
        ..Default::default()
    });
    assert_eq!(bad.unwrap_err().fields[0].field, "baseUrl");
}

/// The seed's LLM Summarizer and Email Sender agents in one workflow, run by the desktop
/// binary's command line (`turbocat-desktop run …`) in a child process whose environment holds
/// the key.
#[test]
fn the_seed_llm_summarizer_and_email_sender_run_through_the_command_line() {
    let llm = TestServer::start(|_, hit| {
        if hit.path == "/v1/chat/completions" {
            Reply::Json(200, completion("A calm summary of the article."))
        } else {
            Reply::Json(404, json!({}))
        }
    });
    let mail = TestServer::start(|_, hit| {
        if hit.path == "/send" && hit.method == "POST" {
            Reply::Json(202, json!({"id": "m-1", "sentAt": "2026-11-25T09:00:00.000Z"}))
        } else {
            Reply::Json(404, json!({}))
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("seeded.sqlite");
    let tc = |args: &[&str], key: Option<&str>| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_turbocat-desktop"));
        c.arg("--db").arg(&db).args(args);
        for v in ["TURBOCAT_LLM_BASE_URL", "TURBOCAT_LLM_MODEL", "TURBOCAT_LLM_API_KEY", "OPENAI_API_KEY"] {
            c.env_remove(v);
        }
        if let Some(k) = key {
            c.env("TURBOCAT_LLM_API_KEY", k);
        }
        let out = c.output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    assert_eq!(tc(&["db", "seed"], None).0, Some(0));
    let svc = turbocat_services::Services::open(&db, Default::default()).unwrap();
    let (summarizer, sender) = (turbocat_services::seed::seed_id(0x1004), turbocat_services::seed::seed_id(0x1005));
    assert_eq!(svc.agents().get(summarizer).unwrap().name, "LLM Summarizer");
    assert_eq!(svc.agents().get(sender).unwrap().name, "Email Sender");
    svc.workflows()
        .create(turbocat_services::workflows::CreateWorkflow {
            name: "Summarize and notify".into(),
            status: Some(turbocat_domain::WorkflowStatus::Active),
            definition: Some(json!({
                "inputs": {"text": {"type": "string", "required": true}, "notifyEmail": {"type": "string", "required": true},
                           "mailUrl": {"type": "string", "required": true}},
                "outputs": {"summary": {"type": "string"}, "sentAt": {"type": "datetime"}}})),
            steps: vec![
                StepInput {
                    outputs: Some(json!({"summary": "{{result}}"})),
                    ..agent_step("summarize", &[], summarizer, json!({"text": "{{inputs.text}}", "style": "detailed", "maxLength": 1000}))
                },
                StepInput {
                    outputs: Some(json!({"sentAt": "{{result.sentAt}}"})),
                    ..agent_step("notify", &["summarize"], sender, json!({
                        "url": "{{inputs.mailUrl}}", "method": "POST",
                        "body": {"to": "{{inputs.notifyEmail}}", "subject": "Content Summary", "body": "{{summarize.summary}}"}}))
                },
            ],
            ..Default::default()
        })
        .unwrap();
    drop(svc);
    let input =
        json!({"text": "A long article about calm.", "notifyEmail": "a@example.com", "mailUrl": mail.url("/send")})
            .to_string();

    // Before the endpoint is set, the run fails saying how to set it.
    let (code, out, _) = tc(&["run", "Summarize and notify", "--input", &input], None);
    assert_eq!(code, Some(i32::from(turbocat_cli::EXIT_RUN_NOT_COMPLETED)));
    assert!(out.contains("no LLM endpoint is configured"), "{out}");

    let (code, out, _) = tc(&["settings", "llm", "--base-url", &llm.url("/v1"), "--model", "test-model"], None);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains(&format!("In use: {} with model test-model", llm.url("/v1"))), "{out}");
    let (code, out, err) = tc(&["run", "Summarize and notify", "--input", &input], Some("sk-test"));
    assert_eq!(code, Some(0), "{out}\n{err}");
    assert!(err.contains("summarize: completed") && err.contains("notify: completed"), "{err}");

    let svc = turbocat_services::Services::open(&db, Default::default()).unwrap();
    let x = svc.executions().list(&Default::default()).unwrap().items.remove(0);
    assert_eq!(x.status, ExecutionStatus::Completed, "{:?}", x.error_message);
    assert_eq!(x.output_data["summarize"], json!({"summary": "A calm summary of the article."}));
    assert_eq!(x.output_data["notify"], json!({"sentAt": "2026-11-25T09:00:00.000Z"}));
    assert_eq!(
        (x.output_data["summary"].clone(), x.output_data["sentAt"].clone()),
        (json!("A calm summary of the article."), json!("2026-11-25T09:00:00.000Z")),
        "declared outputs"
    );
    // The model call: the key from the environment, the settings' model, the seed agent's
    // description as the system prompt and its parameters as the user message.
    let hit = llm.hits().pop().unwrap();
    assert_eq!(hit.headers.get("authorization").map(String::as_str), Some("Bearer sk-test"));
    let asked = body_of(&hit);
    assert_eq!((asked["model"].clone(), asked["max_tokens"].clone()), (json!("test-model"), json!(2000)));
    assert_eq!(
        asked["messages"][0],
        json!({"role": "system", "content": "Uses AI to summarize and analyze text content"})
    );
    let user = asked["messages"][1]["content"].as_str().unwrap();
    assert!(user.contains("text: A long article about calm.") && user.contains("style: detailed"), "{user}");
    let sent = body_of(&mail.hits().pop().unwrap());
    assert_eq!(
        sent,
        json!({"to": "a@example.com", "subject": "Content Summary", "body": "A calm summary of the article."})
    );
}

// ---------------------------------------------------------------------------------------------
// code agent: JavaScript in the QuickJS sandbox

fn code_agent(env: &Env, name: &str, config: Json, max_seconds: Option<i64>, max_mb: Option<i64>) -> Uuid {
    env.svc
        .agents()
        .create(turbocat_services::agents::CreateAgent {
            name: name.into(),
            agent_type: Some(AgentType::Code),
            config: Some(config),
            max_execution_time: max_seconds,
            max_memory_mb: max_mb,
            ..Default::default()
        })
        .unwrap()
        .id
}

/// Waits until no sandbox thread runs: a stopped script's thread really ends.
async fn sandboxes_end() {
    let t = Instant::now();
    while turbocat_engine::agents::code::sandboxes_running() > 0 {
        assert!(t.elapsed() < Duration::from_secs(10), "a sandbox thread still runs");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_steps_run_javascript_with_inputs_console_and_entry_functions() {
    let env = Env::empty();
    let total = code_agent(
        &env,
        "Totals",
        json!({"runtime": "nodejs", "code": "console.log('rows:', inputs.rows.length);\nreturn { total: inputs.rows.reduce((s, r) => s + r.n, 0), first: inputs.rows[0] }"}),
        None,
        None,
    );
    let shout = code_agent(
        &env,
        "Shout",
        json!({"entryFunction": "shout", "code": "function shout(i) { console.warn('loud'); return i.text.toUpperCase() + '!' }"}),
        None,
        None,
    );
    let wf = workflow(
        &env,
        "Scripts",
        json!({"inputs": {"words": {"type": "array"}}}),
        vec![
            agent_step("sum", &[], total, json!({"rows": [{"n": 1}, {"n": 41}]})),
            StepInput {
                outputs: Some(json!({"said": "{{result}}"})),
                ..agent_step("shout", &["sum"], shout, json!({"text": "total {{sum.result.total}}"}))
            },
            StepInput {
                agent_id: Some(shout),
                config: Some(json!({"items": "{{inputs.words}}", "concurrency": 2})),
                inputs: Some(json!({"text": "{{item}}"})),
                ..st("each", WorkflowStepType::Loop, &["sum"])
            },
        ],
    );
    let e = engine(&env).await;
    let (x, _) = run_all(&e, wf, json!({"words": ["a", "b", "c"]})).await;
    assert_eq!(x.status, ExecutionStatus::Completed, "{:?}", x.error_message);
    assert_eq!(x.output_data["sum"]["result"], json!({"total": 42, "first": {"n": 1}}));
    assert!(x.output_data["sum"]["durationMs"].is_u64());
    assert_eq!(x.output_data["shout"], json!({"said": "TOTAL 42!"}));
    let each: Vec<Json> =
        x.output_data["each"]["items"].as_array().unwrap().iter().map(|o| o["result"].clone()).collect();
    assert_eq!(each, [json!("A!"), json!("B!"), json!("C!")]);
    // Console lines are log rows of their step, at their level.
    let l = logs(&env, x.id);
    let line = l.iter().find(|r| r.message == "rows: 2").expect("the console line");
    assert_eq!((line.step_key.as_deref(), line.level), (Some("sum"), turbocat_domain::LogLevel::Info));
    assert_eq!(line.metadata, json!({"console": true}));
    assert!(l.iter().any(|r| r.message == "loud" && r.level == turbocat_domain::LogLevel::Warn));
    sandboxes_end().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_runaway_loop_is_stopped_by_the_time_limit() {
    let env = Env::empty();
    // Catching the interruption does not help: it cannot be caught.
    let spin = json!({"code": "while (true) { try { while (true) {} } catch (e) {} }"});
    // The agent's limit (1 s) is lower than the step's timeout (30 s).
    let by_agent = code_agent(&env, "Spinner", spin.clone(), Some(1), None);
    let wf = workflow(&env, "Spin", json!({}), vec![agent_step("spin", &[], by_agent, json!({}))]);
    let e = engine(&env).await;
    let t = Instant::now();
    let (x, _) = run_all(&e, wf, json!({})).await;
    assert!(t.elapsed() < Duration::from_secs(5), "stopped at 1 s, not at the step's 30 s");
    assert_eq!(x.status, ExecutionStatus::Failed);
    let msg = x.error_message.unwrap();
    assert!(
        msg.contains("stopped at its time limit of 1000 ms (the lower of the agent's max execution time, 1 s, and the step's timeout, 30000 ms)"),
        "{msg}"
    );
    sandboxes_end().await;

    // The step's timeout (1 s) is lower than the agent's (300 s).
    let by_step = code_agent(&env, "Spinner 2", spin, None, None);
    let wf = workflow(
        &env,
        "Spin 2",
        json!({}),
        vec![StepInput { timeout_ms: Some(1000), ..agent_step("spin", &[], by_step, json!({})) }],
    );
    let t = Instant::now();
    let (x, _) = run_all(&e, wf, json!({})).await;
    assert!(t.elapsed() < Duration::from_secs(5));
    let msg = x.error_message.unwrap();
    assert!(msg.contains("1000 ms"), "{msg}");
    sandboxes_end().await;

    // A cancel stops a running script too.
    let mut h = e.start(RunRequest::manual(wf, json!({}))).await.unwrap();
    loop {
        if let Some(RunEvent::StepStarted { .. }) = h.next_event().await {
            break;
        }
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(turbocat_engine::agents::code::sandboxes_running() >= 1, "the script runs");
    h.cancel();
    assert_eq!(h.wait().await.unwrap().status, ExecutionStatus::Cancelled);
    sandboxes_end().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_memory_hungry_script_is_stopped_at_its_limit() {
    let env = Env::empty();
    let hog = code_agent(
        &env,
        "Hog",
        json!({"code": "const keep = []; for (;;) keep.push(new Array(10000).fill(keep.length))"}),
        None,
        Some(16),
    );
    // The same script within a larger limit, but a smaller job: it completes.
    let fine = code_agent(
        &env,
        "Fine",
        json!({"code": "const keep = []; for (let i = 0; i < 100; i++) keep.push(new Array(10000).fill(i)); return keep.length"}),
        None,
        Some(64),
    );
    let wf = workflow(
        &env,
        "Hungry",
        json!({}),
        vec![
            StepInput {
                on_error: Some(turbocat_domain::ErrorHandling::Continue),
                ..agent_step("hog", &[], hog, json!({}))
            },
            agent_step("fine", &[], fine, json!({})),
        ],
    );
    let e = engine(&env).await;
    let t = Instant::now();
    let (x, _) = run_all(&e, wf, json!({})).await;
    assert!(t.elapsed() < Duration::from_secs(20));
    assert_eq!(x.status, ExecutionStatus::Failed);
    let msg = x.error_message.unwrap();
    assert!(msg.contains("The script was stopped at its memory limit of 16 MB (the agent's max_memory_mb)"), "{msg}");
    assert_eq!(x.output_data["fine"]["result"], json!(100));
    assert_eq!(step_statuses(&env, x.id)["fine"], StepStatus::Completed);
    sandboxes_end().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_escapes_fail() {
    let env = Env::empty();
    let e = engine(&env).await;
    for (i, (code, expect)) in [
        ("return require('child_process').execSync('id').toString()", "ReferenceError: require is not defined"),
        ("return process.env.HOME", "ReferenceError: process is not defined"),
        ("return fetch('http://127.0.0.1:9/').then(r => r.text())", "ReferenceError: fetch is not defined"),
        ("return import('std').then(std => std.loadFile('/etc/passwd'))", "could not load module 'std'"),
        ("return import('os').then(os => os.exec(['id']))", "could not load module 'os'"),
        ("return this.constructor.constructor('return process')().exit(1)", "ReferenceError: process is not defined"),
    ]
    .into_iter()
    .enumerate()
    {
        let a = code_agent(&env, &format!("Escape {i}"), json!({ "code": code }), None, None);
        let wf = workflow(&env, &format!("Escape {i}"), json!({}), vec![agent_step("try", &[], a, json!({}))]);
        let (x, _) = run_all(&e, wf, json!({})).await;
        assert_eq!(x.status, ExecutionStatus::Failed, "{code}");
        let msg = x.error_message.unwrap();
        assert!(msg.starts_with("Step \"try\" failed: ") && msg.contains(expect), "{code}: {msg}");
    }
    // A module import is not even valid code.
    let a = code_agent(
        &env,
        "Importer",
        json!({"code": "import fs from 'fs'\nreturn fs.readFileSync('/etc/passwd')"}),
        None,
        None,
    );
    let wf = workflow(&env, "Importer", json!({}), vec![agent_step("try", &[], a, json!({}))]);
    let (x, _) = run_all(&e, wf, json!({})).await;
    assert!(x.error_message.unwrap().contains("SyntaxError"));
    sandboxes_end().await;
}
