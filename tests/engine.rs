//! The workflow engine end to end: real SQLite files, real timers, and (for api agents and the
//! seed's Data Pipeline) a real HTTP server on 127.0.0.1 started by the test. Each step type and
//! error policy, cancel and timeouts, recording, recovery of interrupted runs, and a property
//! test over random DAGs.

use crate::support::*;
use proptest::prelude::*;
use serde_json::{json, Value as Json};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use turbocat_domain::{
    AgentType, ErrorCode, ErrorHandling, Execution, ExecutionLog, ExecutionStatus, LogLevel, StepStatus, Uuid,
    WorkflowStatus, WorkflowStepType,
};
use turbocat_engine::{Engine, EngineConfig, RunEvent, RunHandle, RunRequest};
use turbocat_services::agents::CreateAgent;
use turbocat_services::executions::{CreateExecution, LogQuery};
use turbocat_services::runs::INTERRUPTED;
use turbocat_services::workflows::{CreateWorkflow, StepInput};

// ---------------------------------------------------------------------------------------------
// helpers

pub fn st(key: &str, ty: WorkflowStepType, deps: &[&str]) -> StepInput {
    StepInput {
        step_key: key.into(),
        step_name: format!("Step {key}"),
        step_type: Some(ty),
        depends_on: Some(deps.iter().map(|s| s.to_string()).collect()),
        ..Default::default()
    }
}

/// An agent step with no agent: passes its inputs through.
pub fn pass(key: &str, deps: &[&str], inputs: Json) -> StepInput {
    StepInput { inputs: Some(inputs), ..st(key, WorkflowStepType::Agent, deps) }
}

pub fn wait(key: &str, deps: &[&str], ms: u64) -> StepInput {
    StepInput {
        config: Some(json!({ "waitMs": ms })),
        timeout_ms: Some(120_000),
        ..st(key, WorkflowStepType::Wait, deps)
    }
}

pub fn agent(env: &Env, name: &str, ty: AgentType, config: Json) -> Uuid {
    env.svc
        .agents()
        .create(CreateAgent { name: name.into(), agent_type: Some(ty), config: Some(config), ..Default::default() })
        .unwrap()
        .id
}

/// An active workflow with these steps and this definition.
pub fn workflow(env: &Env, name: &str, definition: Json, steps: Vec<StepInput>) -> Uuid {
    env.svc
        .workflows()
        .create(CreateWorkflow {
            name: name.into(),
            status: Some(WorkflowStatus::Active),
            definition: Some(definition),
            steps,
            ..Default::default()
        })
        .unwrap()
        .workflow
        .id
}

pub async fn engine_with(env: &Env, config: EngineConfig) -> Engine {
    Engine::open(Arc::new(env.reopen()), config).await.unwrap()
}

pub async fn engine(env: &Env) -> Engine {
    engine_with(env, EngineConfig::default()).await
}

/// Runs to the end, collecting every event of the run.
pub async fn run_all(engine: &Engine, wf: Uuid, input: Json) -> (Execution, Vec<RunEvent>) {
    let mut h = engine.start(RunRequest::manual(wf, input)).await.unwrap();
    let mut events = Vec::new();
    while let Some(e) = h.next_event().await {
        let last = matches!(e, RunEvent::RunFinished { .. });
        events.push(e);
        if last {
            break;
        }
    }
    (h.wait().await.unwrap(), events)
}

pub fn logs(env: &Env, id: Uuid) -> Vec<ExecutionLog> {
    env.svc.executions().logs(id, &LogQuery { page_size: Some(100), ..Default::default() }).unwrap().items
}

/// The last status of each step, from its log rows.
pub fn step_statuses(env: &Env, id: Uuid) -> HashMap<String, StepStatus> {
    let mut out = HashMap::new();
    for l in logs(env, id) {
        if let (Some(k), Some(s)) = (l.step_key, l.step_status) {
            out.insert(k, s);
        }
    }
    out
}

fn status_of(env: &Env, id: Uuid, key: &str) -> StepStatus {
    step_statuses(env, id).get(key).copied().unwrap_or_else(|| panic!("no log of step {key}"))
}

/// Waits for the first event matching `f`.
async fn until(h: &mut RunHandle, f: impl Fn(&RunEvent) -> bool) -> RunEvent {
    tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            let e = h.next_event().await.expect("the run ended first");
            if f(&e) {
                return e;
            }
        }
    })
    .await
    .expect("no such event within 20 s")
}

fn started(key: &str) -> impl Fn(&RunEvent) -> bool + '_ {
    move |e| matches!(e, RunEvent::StepStarted { step_key, .. } if step_key == key)
}

/// The most steps running at once, from the event stream.
fn max_running(events: &[RunEvent]) -> usize {
    let (mut now, mut max) = (0usize, 0usize);
    for e in events {
        match e {
            RunEvent::StepStarted { .. } => {
                now += 1;
                max = max.max(now);
            }
            RunEvent::StepFinished { status: StepStatus::Completed | StepStatus::Failed, .. } => now -= 1,
            _ => {}
        }
    }
    max
}

// ---------------------------------------------------------------------------------------------
// checks before any row

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cycle_is_refused_before_any_row_is_written() {
    let env = Env::empty();
    let wf = workflow(&env, "Loopy", json!({}), vec![pass("a", &[], json!({})), pass("b", &["a"], json!({}))]);
    // The services never store a cycle; an old or synced file can hold one.
    rusqlite::Connection::open(env.path())
        .unwrap()
        .execute("UPDATE workflow_steps SET depends_on = '[\"b\"]' WHERE step_key = 'a'", [])
        .unwrap();
    let e = engine(&env).await;
    let (execs, audits, logs) = (env.count("executions"), env.count("audit_logs"), env.count("execution_logs"));
    let err = e.start(RunRequest::manual(wf, json!({}))).await.err().expect("refused");
    assert_eq!(err.code, ErrorCode::BadRequest);
    assert_eq!(err.message, "Cycle detected in workflow: a -> b -> a");
    assert_eq!(
        (env.count("executions"), env.count("audit_logs"), env.count("execution_logs")),
        (execs, audits, logs),
        "nothing written"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_references_and_inputs_are_refused_before_any_row() {
    let env = Env::empty();
    let def = json!({"inputs": {"url": {"type": "string", "required": true}}});
    let wf = workflow(
        &env,
        "Refs",
        def.clone(),
        vec![pass("a", &[], json!({"u": "{{inputs.url}}"})), pass("b", &["a"], json!({"x": "{{a.u}}"}))],
    );
    // The services refuse such a step set on save; a stored one (from an older build, or
    // synced) is refused again before a run.
    env.svc
        .store()
        .with_writer(|c| Ok(c.execute_batch("UPDATE workflow_steps SET depends_on = '[]' WHERE step_key = 'b'")?))
        .unwrap();
    let e = engine(&env).await;
    let err = e.start(RunRequest::manual(wf, json!({"url": "x"}))).await.err().unwrap();
    assert_eq!(err.code, ErrorCode::ValidationError);
    assert!(err.message.contains("not one of its upstream dependencies"), "{}", err.message);
    let ok = workflow(&env, "Inputs", def, vec![pass("a", &[], json!({"u": "{{inputs.url}}"}))]);
    let err = e.start(RunRequest::manual(ok, json!({}))).await.err().unwrap();
    assert_eq!((err.code, err.message.as_str()), (ErrorCode::ValidationError, "Input \"url\" is required"));
    assert_eq!(err.fields[0].field, "inputData.url");
    assert_eq!(env.count("executions"), 0);
}

// ---------------------------------------------------------------------------------------------
// order, recording, counters

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_diamond_runs_in_order_and_is_recorded() {
    let env = Env::empty();
    let sum = agent(
        &env,
        "Summer",
        AgentType::Data,
        json!({"pipeline": [{"operation": "map", "config": {"expression": "n"}}, {"operation": "reduce", "config": {"operation": "sum"}}]}),
    );
    let def = json!({
        "inputs": {"rows": {"type": "array", "required": true}, "label": {"type": "string", "default": "total"}},
        "outputs": {"total": {"type": "number"}, "label": {"type": "string", "value": "{{inputs.label}}"}}
    });
    let wf = workflow(
        &env,
        "Diamond",
        def,
        vec![
            pass("start", &[], json!({"rows": "{{inputs.rows}}", "at": "{{metadata.executionId}}"})),
            StepInput {
                agent_id: Some(sum),
                inputs: Some(json!({"data": "{{start.rows}}"})),
                outputs: Some(json!({"total": "{{result}}", "ops": "{{output.operationsPerformed.length}}"})),
                ..st("sum", WorkflowStepType::Agent, &["start"])
            },
            pass("count", &["start"], json!({"n": "{{start.output.rows.length}}"})),
            pass("report", &["sum", "count"], json!({"text": "{{sum.total}} over {{count.n}} rows"})),
        ],
    );
    let e = engine(&env).await;
    let rows = json!([{"n": 1}, {"n": 2}, {"n": 39}]);
    let (x, events) = run_all(&e, wf, json!({"rows": rows})).await;
    assert_eq!(x.status, ExecutionStatus::Completed, "{:?}", x.error_message);
    assert_eq!((x.steps_total, x.steps_completed, x.steps_failed), (4, 4, 0));
    assert!(x.started_at.is_some() && x.completed_at.is_some() && x.duration_ms.is_some());
    assert_eq!(x.input_data, json!({"rows": rows, "label": "total"}), "defaults filled");
    let out = &x.output_data;
    assert_eq!(out["sum"], json!({"total": 42, "ops": 2}));
    assert_eq!(out["count"], json!({"n": 3}));
    assert_eq!(out["report"], json!({"text": "42 over 3 rows"}));
    assert_eq!(out["start"]["at"], json!(x.id.to_string()));
    assert_eq!((out["total"].clone(), out["label"].clone()), (json!(42), json!("total")), "declared outputs");

    // Events: started first, finished last; every step starts before it finishes, and after
    // its dependencies finished.
    assert!(matches!(events.first(), Some(RunEvent::RunStarted { steps_total: 4, .. })));
    assert!(matches!(events.last(), Some(RunEvent::RunFinished { status: ExecutionStatus::Completed, .. })));
    let pos = |want: &dyn Fn(&RunEvent) -> bool| events.iter().position(want).unwrap();
    let fin =
        |k: &'static str| move |e: &RunEvent| matches!(e, RunEvent::StepFinished { step_key, .. } if step_key == k);
    let sta =
        |k: &'static str| move |e: &RunEvent| matches!(e, RunEvent::StepStarted { step_key, .. } if step_key == k);
    assert!(pos(&fin("sum")) < pos(&sta("report")) && pos(&fin("count")) < pos(&sta("report")));
    assert!(pos(&fin("start")) < pos(&sta("sum")));

    // Logs: the opening line, started + completed per step with times, the closing line.
    let l = logs(&env, x.id);
    assert_eq!(l.first().unwrap().message, "Workflow execution started");
    assert_eq!(l.last().unwrap().message, "Workflow execution completed");
    let sum_rows: Vec<&ExecutionLog> = l.iter().filter(|r| r.step_key.as_deref() == Some("sum")).collect();
    assert_eq!(sum_rows.len(), 2);
    assert_eq!(sum_rows[0].step_status, Some(StepStatus::Running));
    assert_eq!(sum_rows[0].metadata["inputs"], json!({"data": rows}), "resolved inputs");
    assert_eq!(sum_rows[1].step_status, Some(StepStatus::Completed));
    assert_eq!(sum_rows[1].metadata["output"], json!({"total": 42, "ops": 2}));
    for r in l.iter().filter(|r| r.step_status.is_some_and(|s| s != StepStatus::Running)) {
        assert!(r.step_started_at.is_some() && r.step_completed_at.is_some() && r.step_duration_ms.is_some());
    }
    // The execution's step counts read from the logs.
    let d = env.svc.executions().get(x.id).unwrap();
    assert_eq!((d.step_counts.completed, d.step_counts.pending), (4, 0));

    // Counters of the workflow and of the agent, in the same transaction as the final status.
    let w = env.svc.workflows().get(wf).unwrap().workflow;
    assert_eq!((w.total_executions, w.successful_executions, w.failed_executions), (1, 1, 0));
    assert_eq!(w.last_execution_at, x.completed_at);
    let a = env.svc.agents().get(sum).unwrap();
    assert_eq!((a.total_executions, a.successful_executions), (1, 1));
    assert!(env.audit_actions().contains(&"workflow.execute".to_string()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn independent_steps_run_up_to_the_concurrency_limit() {
    let env = Env::empty();
    let steps: Vec<StepInput> = (0..8).map(|i| wait(&format!("w{i}"), &[], 250)).collect();
    let wf = workflow(&env, "Eight waits", json!({}), steps);
    let e = engine(&env).await;
    let t = Instant::now();
    let (x, events) = run_all(&e, wf, json!({})).await;
    assert_eq!(x.status, ExecutionStatus::Completed);
    assert_eq!(max_running(&events), 4, "the default limit is 4");
    assert!(t.elapsed() >= Duration::from_millis(500), "two waves of 250 ms");
    let e8 = engine_with(&env, EngineConfig { concurrency: 8, ..Default::default() }).await;
    let (_, events) = run_all(&e8, wf, json!({})).await;
    assert_eq!(max_running(&events), 8);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_fans_out_its_dependants() {
    let env = Env::empty();
    let wf = workflow(
        &env,
        "Fan",
        json!({}),
        vec![
            pass("seed", &[], json!({"v": 1})),
            st("fan", WorkflowStepType::Parallel, &["seed"]),
            wait("a", &["fan"], 200),
            wait("b", &["fan"], 200),
            wait("c", &["fan"], 200),
            pass("join", &["a", "b", "c", "fan"], json!({"fan": "{{fan}}", "v": "{{seed.v}}"})),
        ],
    );
    let e = engine(&env).await;
    let (x, events) = run_all(&e, wf, json!({})).await;
    assert_eq!(x.status, ExecutionStatus::Completed);
    assert_eq!(max_running(&events), 3);
    assert_eq!(x.output_data["fan"], json!({}));
    assert_eq!(x.output_data["join"], json!({"fan": {}, "v": 1}));
    assert_eq!(x.output_data["a"], json!({"waitedMs": 200}));
}

// ---------------------------------------------------------------------------------------------
// step kinds

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_condition_skips_a_branch_and_its_dependants() {
    let env = Env::empty();
    let def = json!({"inputs": {"n": {"type": "number", "required": true}}});
    let branch = |key: &str, deps: &[&str], when: Option<bool>| StepInput {
        config: Some(when.map(|w| json!({ "when": w })).unwrap_or(json!({}))),
        ..pass(key, deps, json!({"k": key}))
    };
    let wf = workflow(
        &env,
        "Branches",
        def,
        vec![
            pass("fetch", &[], json!({"statusCode": 200})),
            StepInput {
                config: Some(json!({"condition": "inputs.n > 0 && fetch.statusCode == 200"})),
                ..st("check", WorkflowStepType::Condition, &["fetch"])
            },
            branch("yes", &["check"], None),
            branch("yes2", &["yes"], None),
            branch("no", &["check"], Some(false)),
            branch("no2", &["no"], None),
            branch("no3", &["no2"], None),
            pass("merge", &["yes2", "no3"], json!({"yes": "{{yes2.k}}", "no": "{{no3.k}}"})),
        ],
    );
    let e = engine(&env).await;
    let (x, _) = run_all(&e, wf, json!({"n": 5})).await;
    assert_eq!(x.status, ExecutionStatus::Completed, "{:?}", x.error_message);
    let s = step_statuses(&env, x.id);
    assert_eq!(x.output_data["check"], json!({"result": true}));
    for k in ["yes", "yes2", "merge"] {
        assert_eq!(s[k], StepStatus::Completed, "{k}");
    }
    for k in ["no", "no2", "no3"] {
        assert_eq!(s[k], StepStatus::Skipped, "{k}");
    }
    assert_eq!(x.output_data["merge"], json!({"yes": "yes2", "no": null}), "a skipped step reads as null");
    let why = logs(&env, x.id).into_iter().find(|l| l.step_key.as_deref() == Some("no")).unwrap();
    assert!(why.message.contains("condition \"check\" is true"), "{}", why.message);

    let (x, _) = run_all(&e, wf, json!({"n": 0})).await;
    let s = step_statuses(&env, x.id);
    assert_eq!(
        (s["yes"], s["yes2"], s["no"], s["no3"]),
        (StepStatus::Skipped, StepStatus::Skipped, StepStatus::Completed, StepStatus::Completed)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_loop_over_a_thousand_items() {
    let env = Env::empty();
    let doubler = agent(
        &env,
        "Doubler",
        AgentType::Data,
        json!({"operation": "transform", "operationConfig": {"expression": "v"}}),
    );
    let def = json!({"inputs": {"list": {"type": "array", "required": true}}});
    let wf = workflow(
        &env,
        "Loops",
        def,
        vec![
            StepInput {
                config: Some(json!({"items": "{{inputs.list}}", "concurrency": 8})),
                inputs: Some(json!({"label": "item {{index}}", "value": "{{item}}"})),
                outputs: Some(json!({"n": "{{count}}", "last": "{{result.999.label}}"})),
                ..st("each", WorkflowStepType::Loop, &[])
            },
            StepInput {
                agent_id: Some(doubler),
                config: Some(json!({"items": [{"v": 1}, {"v": 2}]})),
                inputs: Some(json!({"data": "{{item}}"})),
                ..st("agented", WorkflowStepType::Loop, &["each"])
            },
        ],
    );
    let list: Vec<i64> = (0..1000).collect();
    let e = engine(&env).await;
    let (x, _) = run_all(&e, wf, json!({"list": list})).await;
    assert_eq!(x.status, ExecutionStatus::Completed, "{:?}", x.error_message);
    assert_eq!(x.output_data["each"], json!({"n": 1000, "last": "item 999"}));
    assert_eq!(x.output_data["agented"]["count"], json!(2));
    assert_eq!(x.output_data["agented"]["items"][1]["result"], json!(2));
    let a = env.svc.agents().get(doubler).unwrap();
    assert_eq!(a.total_executions, 1, "one step ran the agent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_agents_and_pass_through_steps() {
    let env = Env::empty();
    let filter = agent(
        &env,
        "Adults",
        AgentType::Data,
        json!({"operation": "filter", "operationConfig": {"conditions": [{"field": "age", "operator": "gte", "value": 18}]}}),
    );
    let def = json!({"inputs": {"people": {"type": "array", "required": true}}});
    let wf = workflow(
        &env,
        "Data",
        def,
        vec![
            StepInput {
                agent_id: Some(filter),
                inputs: Some(json!({"data": "{{inputs.people}}"})),
                ..st("adults", WorkflowStepType::Agent, &[])
            },
            pass("save", &["adults"], json!({"names": "{{adults.result}}", "n": "{{adults.outputCount}}"})),
            StepInput {
                agent_id: Some(filter),
                inputs: Some(json!({"data": {"not": "an array"}})),
                on_error: Some(ErrorHandling::Continue),
                ..st("bad", WorkflowStepType::Agent, &[])
            },
        ],
    );
    let e = engine(&env).await;
    let people = json!([{"name": "a", "age": 30}, {"name": "b", "age": 9}]);
    let (x, _) = run_all(&e, wf, json!({"people": people})).await;
    assert_eq!(x.output_data["adults"]["result"], json!([{"name": "a", "age": 30}]));
    assert_eq!(x.output_data["adults"]["inputCount"], json!(2));
    assert_eq!(x.output_data["save"], json!({"names": [{"name": "a", "age": 30}], "n": 1}));
    assert_eq!(x.status, ExecutionStatus::Failed, "a step failed (on_error continue lets the run go on)");
    assert_eq!(
        x.error_message.as_deref(),
        Some("Step \"bad\" failed: Filter operation requires an array input (got object)")
    );
    assert_eq!((x.steps_completed, x.steps_failed), (2, 1));
    let a = env.svc.agents().get(filter).unwrap();
    assert_eq!((a.total_executions, a.successful_executions, a.failed_executions), (2, 1, 1));
}

// ---------------------------------------------------------------------------------------------
// errors, retries, timeouts, cancel

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_error_fail_stops_the_run_and_continue_goes_on() {
    let env = Env::empty();
    let bad = |key: &str, deps: &[&str], policy: ErrorHandling| StepInput {
        on_error: Some(policy),
        ..pass(key, deps, json!({"x": "{{inputs.missing.deep}}"}))
    };
    let def = json!({"inputs": {"missing": {"type": "object"}}});
    // continue: the run goes on; dependants are skipped unless they are `continue` themselves.
    let wf = workflow(
        &env,
        "Continue",
        def.clone(),
        vec![
            bad("a", &[], ErrorHandling::Continue),
            pass("needs_a", &["a"], json!({})),
            StepInput { on_error: Some(ErrorHandling::Continue), ..pass("tolerant", &["a"], json!({"a": "{{a}}"})) },
            pass("other", &[], json!({"ok": true})),
        ],
    );
    let e = engine(&env).await;
    let (x, _) = run_all(&e, wf, json!({"missing": {}})).await;
    let s = step_statuses(&env, x.id);
    assert_eq!(
        (s["a"], s["needs_a"], s["tolerant"], s["other"]),
        (StepStatus::Failed, StepStatus::Skipped, StepStatus::Completed, StepStatus::Completed)
    );
    assert_eq!(x.status, ExecutionStatus::Failed);
    let msg = x.error_message.unwrap();
    assert!(msg.starts_with("Step \"a\" failed: Unresolvable reference {{inputs.missing.deep}}"), "{msg}");
    assert_eq!(x.output_data["tolerant"], json!({"a": null}));

    // fail: the run stops; running steps stop and the rest are logged skipped.
    let wf = workflow(
        &env,
        "Fail",
        def,
        vec![
            wait("slow", &[], 30_000),
            StepInput { timeout_ms: Some(5000), ..wait("quick", &[], 50) },
            bad("boom", &["quick"], ErrorHandling::Fail),
            pass("after", &["boom"], json!({})),
        ],
    );
    let t = Instant::now();
    let (x, _) = run_all(&e, wf, json!({"missing": {}})).await;
    assert!(t.elapsed() < Duration::from_secs(15), "the 30 s wait was stopped");
    assert_eq!(x.status, ExecutionStatus::Failed);
    let s = step_statuses(&env, x.id);
    assert_eq!(
        (s["quick"], s["boom"], s["slow"], s["after"]),
        (StepStatus::Completed, StepStatus::Failed, StepStatus::Skipped, StepStatus::Skipped)
    );
    assert_eq!((x.steps_completed, x.steps_failed), (1, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exhausted_retries_wait_linearly_then_go_on() {
    let env = Env::empty();
    let sorter =
        agent(&env, "Sorter", AgentType::Data, json!({"operation": "sort", "operationConfig": {"field": "a"}}));
    let wf = workflow(
        &env,
        "Retries",
        json!({}),
        vec![
            StepInput {
                agent_id: Some(sorter),
                inputs: Some(json!({"data": {"a": 1}})),
                on_error: Some(ErrorHandling::Retry),
                retry_count: Some(2),
                retry_delay_ms: Some(150),
                ..st("flaky", WorkflowStepType::Agent, &[])
            },
            pass("next", &["flaky"], json!({})),
            pass("free", &[], json!({})),
        ],
    );
    let e = engine(&env).await;
    let t = Instant::now();
    let (x, events) = run_all(&e, wf, json!({})).await;
    assert!(t.elapsed() >= Duration::from_millis(450), "150 ms then 300 ms");
    let retries: Vec<(u32, u64)> = events
        .iter()
        .filter_map(|e| match e {
            RunEvent::StepRetry { attempt, delay_ms, .. } => Some((*attempt, *delay_ms)),
            _ => None,
        })
        .collect();
    assert_eq!(retries, [(1, 150), (2, 300)]);
    let warns: Vec<ExecutionLog> = logs(&env, x.id).into_iter().filter(|l| l.level == LogLevel::Warn).collect();
    assert_eq!(warns.len(), 2);
    assert!(warns[0].message.contains("attempt 1 of 3 failed"), "{}", warns[0].message);
    let s = step_statuses(&env, x.id);
    assert_eq!((s["flaky"], s["next"], s["free"]), (StepStatus::Failed, StepStatus::Skipped, StepStatus::Completed));
    assert_eq!(x.status, ExecutionStatus::Failed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_step_timeout_stops_the_work_and_the_time_limit_ends_the_run() {
    let env = Env::empty();
    let wf =
        workflow(&env, "Slow step", json!({}), vec![StepInput { timeout_ms: Some(1000), ..wait("nap", &[], 20_000) }]);
    let e = engine(&env).await;
    let t = Instant::now();
    let (x, _) = run_all(&e, wf, json!({})).await;
    assert!(t.elapsed() < Duration::from_secs(10));
    assert_eq!(x.status, ExecutionStatus::Failed);
    assert_eq!(x.error_message.as_deref(), Some("Step \"nap\" failed: Timed out after 1000 ms"));

    let wf = workflow(
        &env,
        "Slow run",
        json!({"timeoutMs": 300}),
        vec![pass("quick", &[], json!({})), wait("nap", &["quick"], 20_000), pass("never", &["nap"], json!({}))],
    );
    let t = Instant::now();
    let (x, events) = run_all(&e, wf, json!({})).await;
    assert!(t.elapsed() < Duration::from_secs(10));
    assert_eq!(x.status, ExecutionStatus::Timeout);
    assert!(x.error_message.unwrap().contains("time limit of 300 ms"));
    let s = step_statuses(&env, x.id);
    assert_eq!((s["quick"], s["nap"], s["never"]), (StepStatus::Completed, StepStatus::Failed, StepStatus::Skipped));
    assert!(matches!(events.last(), Some(RunEvent::RunFinished { status: ExecutionStatus::Timeout, .. })));
    let w = env.svc.workflows().get(wf).unwrap().workflow;
    assert_eq!(w.failed_executions, 1, "a timeout counts as a failure");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_during_a_wait_ends_the_run_at_once() {
    let env = Env::empty();
    let wf = workflow(&env, "Sleepy", json!({}), vec![wait("nap", &[], 60_000), pass("after", &["nap"], json!({}))]);
    let e = engine(&env).await;
    let mut h = e.start(RunRequest::manual(wf, json!({}))).await.unwrap();
    until(&mut h, started("nap")).await;
    assert_eq!(e.running(), [h.execution_id]);
    let t = Instant::now();
    assert!(e.cancel(h.execution_id));
    let x = h.wait().await.unwrap();
    assert!(t.elapsed() < Duration::from_secs(5), "at once, not after the wait");
    assert_eq!(x.status, ExecutionStatus::Cancelled);
    assert!(e.running().is_empty());
    let l = logs(&env, x.id);
    assert!(l.iter().any(|r| r.level == LogLevel::Warn && r.message == "Execution cancelled by user"));
    let s = step_statuses(&env, x.id);
    assert_eq!((s["nap"], s["after"]), (StepStatus::Skipped, StepStatus::Skipped));
    assert!(env.audit_actions().ends_with(&["execution.cancel".to_string()]));
    let w = env.svc.workflows().get(wf).unwrap().workflow;
    assert_eq!((w.total_executions, w.successful_executions, w.failed_executions), (1, 0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_through_the_executions_service_reaches_the_engine() {
    let env = Env::empty();
    let wf = workflow(&env, "Sleepy", json!({}), vec![wait("nap", &[], 60_000)]);
    let e = engine(&env).await;
    let mut h = e.start(RunRequest::manual(wf, json!({}))).await.unwrap();
    until(&mut h, started("nap")).await;
    let t = Instant::now();
    env.svc.executions().cancel(h.execution_id).unwrap();
    let x = h.wait().await.unwrap();
    assert!(t.elapsed() < Duration::from_secs(5));
    assert_eq!(x.status, ExecutionStatus::Cancelled, "stays cancelled");
    let w = env.svc.workflows().get(wf).unwrap().workflow;
    assert_eq!(w.total_executions, 1, "counted once");
    assert_eq!(status_of(&env, x.id, "nap"), StepStatus::Skipped);
}

// ---------------------------------------------------------------------------------------------
// recording limits and recovery

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_outputs_are_bounded() {
    let env = Env::empty();
    let def = json!({"inputs": {"blob": {"type": "string"}}});
    let wf = workflow(&env, "Big", def, vec![pass("big", &[], json!({"blob": "{{inputs.blob}}"}))]);
    let e = engine_with(&env, EngineConfig { log_output_limit: 1000, output_limit: 5000, ..Default::default() }).await;
    let (x, _) = run_all(&e, wf, json!({"blob": "x".repeat(20_000)})).await;
    assert_eq!(x.status, ExecutionStatus::Completed);
    assert_eq!(x.output_data["big"]["truncated"], json!(true));
    assert_eq!(x.output_data["big"]["preview"].as_str().unwrap().len(), 5000);
    let done = logs(&env, x.id).into_iter().find(|l| l.step_status == Some(StepStatus::Completed)).unwrap();
    assert_eq!(done.metadata["output"]["preview"].as_str().unwrap().len(), 1000);
    assert!(done.metadata["output"]["bytes"].as_u64().unwrap() > 20_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_left_running_are_marked_interrupted_at_open() {
    let env = Env::empty();
    let wf = workflow(&env, "Cut short", json!({}), vec![pass("a", &[], json!({})), pass("b", &["a"], json!({}))]);
    let e = engine(&env).await;
    // A run some process began and never finished (no owner recorded: that process is gone).
    let x = env.svc.executions().create(CreateExecution { workflow_id: wf, ..Default::default() }).unwrap();
    let opening = turbocat_services::runs::run_log(x.id, LogLevel::Info, "Workflow execution started", json!({}));
    env.svc.runs().begin(x.id, opening).unwrap();
    let step_a = env.svc.workflows().get(wf).unwrap().steps[0].clone();
    let t = turbocat_domain::Timestamp::now();
    env.svc
        .runs()
        .append_logs(&[ExecutionLog {
            id: turbocat_domain::new_id(),
            execution_id: x.id,
            workflow_step_id: Some(step_a.id),
            level: LogLevel::Info,
            message: "Step \"a\" started".into(),
            metadata: json!({}),
            step_key: Some("a".into()),
            step_status: Some(StepStatus::Running),
            step_started_at: Some(t),
            step_completed_at: None,
            step_duration_ms: None,
            created_at: t,
        }])
        .unwrap();
    // A run this process owns is alive and left alone.
    let mut live = e.start(RunRequest::manual(wf, json!({}))).await.unwrap();
    let _ = live.next_event().await;

    let e2 = engine(&env).await;
    assert_eq!(e2.recovered(), [x.id]);
    let got = env.svc.executions().get(x.id).unwrap();
    assert_eq!(got.execution.status, ExecutionStatus::Failed);
    assert_eq!(got.execution.error_message.as_deref(), Some(INTERRUPTED));
    assert_eq!(got.step_counts.failed, 1, "the step left running is closed as failed");
    assert!(logs(&env, x.id).iter().any(|l| l.message == INTERRUPTED && l.level == LogLevel::Error));
    assert!(env.audit_actions().contains(&"execution.interrupt".to_string()));
    let live = live.wait().await.unwrap();
    assert_eq!(live.status, ExecutionStatus::Completed);
    let w = env.svc.workflows().get(wf).unwrap().workflow;
    assert_eq!((w.total_executions, w.successful_executions, w.failed_executions), (2, 1, 1));
    // Nothing left to recover.
    assert!(engine(&env).await.recovered().is_empty());
}

// ---------------------------------------------------------------------------------------------
// property: random DAGs

/// A random DAG: step i depends on some steps before it.
fn dag() -> impl Strategy<Value = Vec<Vec<usize>>> {
    (1usize..30).prop_flat_map(|n| {
        proptest::collection::vec(proptest::collection::vec(any::<prop::sample::Index>(), 0..4), n).prop_map(|deps| {
            deps.into_iter()
                .enumerate()
                .map(|(i, ds)| {
                    let mut v: Vec<usize> = if i == 0 { vec![] } else { ds.iter().map(|d| d.index(i)).collect() };
                    v.sort_unstable();
                    v.dedup();
                    v
                })
                .collect()
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]
    #[test]
    fn random_dags_run_every_step_once_after_its_dependencies(deps in dag(), concurrency in 1usize..6) {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let env = Env::empty();
        let steps: Vec<StepInput> = deps
            .iter()
            .enumerate()
            .map(|(i, ds)| {
                let names: Vec<String> = ds.iter().map(|d| format!("s{d}")).collect();
                let refs: serde_json::Map<String, Json> =
                    ds.iter().map(|d| (format!("s{d}"), json!(format!("{{{{s{d}.me}}}}")))).collect();
                StepInput {
                    inputs: Some(json!({"me": i, "deps": refs})),
                    depends_on: Some(names),
                    ..st(&format!("s{i}"), WorkflowStepType::Agent, &[])
                }
            })
            .collect();
        let wf = workflow(&env, "Random", json!({}), steps);
        let (x, events) = rt.block_on(async {
            let e = engine_with(&env, EngineConfig { concurrency, ..Default::default() }).await;
            run_all(&e, wf, json!({})).await
        });
        prop_assert_eq!(x.status, ExecutionStatus::Completed);
        prop_assert_eq!(x.steps_completed as usize, deps.len());
        let mut started_at = HashMap::new();
        let mut finished_at = HashMap::new();
        for (p, e) in events.iter().enumerate() {
            match e {
                RunEvent::StepStarted { step_key, .. } => prop_assert!(started_at.insert(step_key.clone(), p).is_none(), "started twice"),
                RunEvent::StepFinished { step_key, .. } => prop_assert!(finished_at.insert(step_key.clone(), p).is_none(), "finished twice"),
                _ => {}
            }
        }
        prop_assert_eq!(started_at.len(), deps.len());
        prop_assert_eq!(finished_at.len(), deps.len());
        prop_assert!(max_running(&events) <= concurrency);
        for (i, ds) in deps.iter().enumerate() {
            let me = format!("s{i}");
            for d in ds {
                prop_assert!(finished_at[&format!("s{d}")] < started_at[&me], "s{} before s{}", d, i);
                prop_assert_eq!(&x.output_data[&me]["deps"][format!("s{d}")], &json!(d));
            }
        }
        let completed_rows = logs(&env, x.id).iter().filter(|l| l.step_status == Some(StepStatus::Completed)).count();
        prop_assert_eq!(completed_rows, deps.len());
    }
}

// ---------------------------------------------------------------------------------------------
// api agents against a real HTTP server on 127.0.0.1

/// One request as the test server saw it.
#[derive(Debug, Clone)]
pub struct Hit {
    pub at: Instant,
    pub method: String,
    pub path: String,
    pub headers: HashMap<String, String>,
    pub body: String,
}

/// What the test server does with a request.
pub enum Reply {
    Json(u16, Json),
    Text(u16, &'static str),
    /// Close the connection without a response (a network error for the client).
    Drop,
    /// Never answer (until the client gives up).
    Hang,
    /// A JSON answer with extra headers (a redirect's `Location`).
    WithHeaders(u16, Vec<(String, String)>, Json),
}

/// A tiny HTTP/1.1 server on 127.0.0.1 (or another loopback address): each connection gets the
/// handler's reply to its one request (the handler sees the hit number, from 0, and the request).
pub struct TestServer {
    pub port: u16,
    pub hits: Arc<std::sync::Mutex<Vec<Hit>>>,
}

impl TestServer {
    pub fn start(handler: impl Fn(usize, &Hit) -> Reply + Send + Sync + 'static) -> TestServer {
        Self::start_on("127.0.0.1", handler)
    }

    /// On `ip` (a loopback address: 127.0.0.2 is another origin than 127.0.0.1).
    pub fn start_on(ip: &str, handler: impl Fn(usize, &Hit) -> Reply + Send + Sync + 'static) -> TestServer {
        use std::io::{BufRead, BufReader, Read, Write};
        let listener = std::net::TcpListener::bind((ip, 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let hits: Arc<std::sync::Mutex<Vec<Hit>>> = Arc::default();
        let (h2, handler) = (hits.clone(), Arc::new(handler));
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { continue };
                let (hits, handler) = (h2.clone(), handler.clone());
                std::thread::spawn(move || {
                    let mut r = BufReader::new(conn.try_clone().unwrap());
                    let mut line = String::new();
                    if r.read_line(&mut line).is_err() || line.is_empty() {
                        return;
                    }
                    let mut parts = line.split_whitespace();
                    let (method, path) =
                        (parts.next().unwrap_or("").to_string(), parts.next().unwrap_or("").to_string());
                    let mut headers = HashMap::new();
                    loop {
                        let mut h = String::new();
                        if r.read_line(&mut h).is_err() || h.trim().is_empty() {
                            break;
                        }
                        if let Some((k, v)) = h.split_once(':') {
                            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
                        }
                    }
                    let len: usize = headers.get("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
                    let mut body = vec![0; len];
                    let _ = r.read_exact(&mut body);
                    let hit =
                        Hit { at: Instant::now(), method, path, headers, body: String::from_utf8_lossy(&body).into() };
                    let n = {
                        let mut all = hits.lock().unwrap();
                        all.push(hit.clone());
                        all.len() - 1
                    };
                    let mut extra = String::new();
                    let (status, ctype, text) = match handler(n, &hit) {
                        Reply::Json(s, v) => (s, "application/json", v.to_string()),
                        Reply::Text(s, t) => (s, "text/plain", t.to_string()),
                        Reply::WithHeaders(s, headers, v) => {
                            for (k, v) in headers {
                                extra.push_str(&format!("{k}: {v}\r\n"));
                            }
                            (s, "application/json", v.to_string())
                        }
                        Reply::Drop => {
                            let _ = conn.shutdown(std::net::Shutdown::Both);
                            return;
                        }
                        Reply::Hang => {
                            std::thread::sleep(Duration::from_secs(60));
                            return;
                        }
                    };
                    let _ = write!(
                        conn,
                        "HTTP/1.1 {status} X\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nX-Test: yes\r\n{extra}Connection: close\r\n\r\n{text}",
                        text.len()
                    );
                });
            }
        });
        TestServer { port, hits }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }
}

fn api_step(key: &str, deps: &[&str], agent: Uuid, inputs: Json) -> StepInput {
    StepInput { agent_id: Some(agent), inputs: Some(inputs), ..st(key, WorkflowStepType::Agent, deps) }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_agents_make_real_requests_with_auth() {
    let server = TestServer::start(|_, hit| {
        if hit.path.starts_with("/missing") {
            return Reply::Json(404, json!({"error": "no such thing"}));
        }
        if hit.path.starts_with("/text") {
            return Reply::Text(200, "plain words");
        }
        Reply::Json(
            200,
            json!({"method": hit.method, "path": hit.path, "auth": hit.headers.get("authorization"),
                   "key": hit.headers.get("x-key"), "type": hit.headers.get("content-type"), "body": hit.body}),
        )
    });
    let env = Env::empty();
    let caller = agent(&env, "Caller", AgentType::Api, json!({"headers": {"X-From": "config"}}));
    let keyed = agent(
        &env,
        "Keyed",
        AgentType::Api,
        json!({"auth": {"type": "api_key", "apiKey": "k-1", "apiKeyHeader": "X-Key"}}),
    );
    let def = json!({"inputs": {"base": {"type": "string", "required": true}}});
    let wf = workflow(
        &env,
        "Calls",
        def,
        vec![
            StepInput {
                outputs: Some(
                    json!({"echo": "{{response.body}}", "status": "{{response.status}}", "h": "{{response.headers.x-test}}"}),
                ),
                ..api_step(
                    "get",
                    &[],
                    caller,
                    json!({"url": "{{inputs.base}}/items", "query": {"page": 2}, "auth": {"type": "bearer", "token": "t0k"}}),
                )
            },
            api_step(
                "post",
                &["get"],
                caller,
                json!({"url": "{{inputs.base}}/items", "method": "POST",
                "auth": {"type": "basic", "username": "u", "password": "p"}, "body": {"from": "{{get.status}}"}}),
            ),
            api_step("key", &[], keyed, json!({"url": "{{inputs.base}}/k"})),
            api_step("missing", &[], caller, json!({"url": "{{inputs.base}}/missing"})),
            api_step("text", &[], caller, json!({"url": "{{inputs.base}}/text", "responseType": "text"})),
        ],
    );
    let e = engine(&env).await;
    let (x, _) = run_all(&e, wf, json!({"base": server.url("")})).await;
    assert_eq!(x.status, ExecutionStatus::Completed, "{:?}", x.error_message);
    let o = &x.output_data;
    assert_eq!(o["get"]["echo"]["path"], json!("/items?page=2"));
    assert_eq!(o["get"]["echo"]["auth"], json!("Bearer t0k"));
    assert_eq!((o["get"]["status"].clone(), o["get"]["h"].clone()), (json!(200), json!("yes")));
    assert_eq!(o["post"]["statusCode"], json!(200));
    assert_eq!(o["post"]["data"]["method"], json!("POST"));
    assert_eq!(o["post"]["data"]["auth"], json!("Basic dTpw"));
    assert_eq!(o["post"]["data"]["type"], json!("application/json"));
    assert_eq!(o["post"]["data"]["body"], json!("{\"from\":200}"));
    assert_eq!(o["post"]["requestUrl"], json!(server.url("/items")));
    assert_eq!(o["key"]["data"]["key"], json!("k-1"));
    assert_eq!(o["missing"]["statusCode"], json!(404), "a 404 is a result, not an error");
    assert_eq!(o["missing"]["data"], json!({"error": "no such thing"}));
    assert_eq!(o["text"]["data"], json!("plain words"));
    assert_eq!(o["text"]["retryCount"], json!(0));
    assert!(o["post"]["responseTimeMs"].is_u64());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_agent_retries_5xx_with_linear_back_off() {
    let server =
        TestServer::start(|n, _| if n < 2 { Reply::Json(503, json!({})) } else { Reply::Json(200, json!([1, 2])) });
    let env = Env::empty();
    let caller = agent(&env, "Retrier", AgentType::Api, json!({"retryCount": 3, "retryDelayMs": 100}));
    let wf =
        workflow(&env, "Flaky API", json!({}), vec![api_step("call", &[], caller, json!({"url": server.url("/x")}))]);
    let e = engine(&env).await;
    let (x, _) = run_all(&e, wf, json!({})).await;
    assert_eq!(x.status, ExecutionStatus::Completed);
    assert_eq!(
        (x.output_data["call"]["retryCount"].clone(), x.output_data["call"]["data"].clone()),
        (json!(2), json!([1, 2]))
    );
    let hits = server.hits();
    assert_eq!(hits.len(), 3);
    assert!(hits[1].at - hits[0].at >= Duration::from_millis(100));
    assert!(hits[2].at - hits[1].at >= Duration::from_millis(200));
    // Out of retries, a 5xx is still a result.
    let server = TestServer::start(|_, _| Reply::Json(500, json!({"down": true})));
    let wf = workflow(
        &env,
        "Down",
        json!({}),
        vec![api_step("call", &[], caller, json!({"url": server.url("/x"), "retryDelayMs": 10}))],
    );
    let (x, _) = run_all(&e, wf, json!({})).await;
    assert_eq!(x.status, ExecutionStatus::Completed);
    assert_eq!(
        (x.output_data["call"]["statusCode"].clone(), x.output_data["call"]["retryCount"].clone()),
        (json!(500), json!(3))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_step_retry_succeeds_on_the_third_attempt_with_the_right_delays() {
    // The first two connections are closed without an answer: network errors.
    let server = TestServer::start(|n, _| if n < 2 { Reply::Drop } else { Reply::Json(200, json!({"ok": true})) });
    let env = Env::empty();
    let caller = agent(&env, "Once", AgentType::Api, json!({}));
    let wf = workflow(
        &env,
        "Step retries",
        json!({}),
        vec![StepInput {
            on_error: Some(ErrorHandling::Retry),
            retry_count: Some(3),
            retry_delay_ms: Some(200),
            ..api_step("call", &[], caller, json!({"url": server.url("/x")}))
        }],
    );
    let e = engine(&env).await;
    let (x, events) = run_all(&e, wf, json!({})).await;
    assert_eq!(x.status, ExecutionStatus::Completed, "{:?}", x.error_message);
    assert_eq!(x.output_data["call"]["data"], json!({"ok": true}));
    let retries: Vec<(u32, u64)> = events
        .iter()
        .filter_map(|e| match e {
            RunEvent::StepRetry { attempt, delay_ms, .. } => Some((*attempt, *delay_ms)),
            _ => None,
        })
        .collect();
    assert_eq!(retries, [(1, 200), (2, 400)], "retry_delay_ms × attempt number");
    let hits = server.hits();
    assert_eq!(hits.len(), 3);
    assert!(hits[1].at - hits[0].at >= Duration::from_millis(200));
    assert!(hits[2].at - hits[1].at >= Duration::from_millis(400));
    let l = logs(&env, x.id);
    let done = l.iter().find(|r| r.step_status == Some(StepStatus::Completed)).unwrap();
    assert_eq!(done.metadata["attempts"], json!(3));
    assert_eq!(l.iter().filter(|r| r.level == LogLevel::Warn).count(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_during_an_http_call_and_request_timeouts() {
    let server = TestServer::start(|_, _| Reply::Hang);
    let env = Env::empty();
    let caller = agent(&env, "Patient", AgentType::Api, json!({"timeoutMs": 60_000}));
    let wf = workflow(
        &env,
        "Hanging",
        json!({}),
        vec![StepInput {
            timeout_ms: Some(120_000),
            ..api_step("call", &[], caller, json!({"url": server.url("/slow")}))
        }],
    );
    let e = engine(&env).await;
    let mut h = e.start(RunRequest::manual(wf, json!({}))).await.unwrap();
    until(&mut h, started("call")).await;
    let t = Instant::now();
    while server.hits().is_empty() && t.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(server.hits().len(), 1, "the request is in flight");
    let t = Instant::now();
    h.cancel();
    let x = h.wait().await.unwrap();
    assert!(t.elapsed() < Duration::from_secs(5), "at once");
    assert_eq!(x.status, ExecutionStatus::Cancelled);

    // The agent's own request timeout.
    let wf = workflow(
        &env,
        "Timing out",
        json!({}),
        vec![api_step("call", &[], caller, json!({"url": server.url("/slow"), "timeoutMs": 300}))],
    );
    let t = Instant::now();
    let (x, _) = run_all(&e, wf, json!({})).await;
    assert!(t.elapsed() < Duration::from_secs(10));
    assert_eq!(x.status, ExecutionStatus::Failed);
    let msg = x.error_message.unwrap();
    assert!(msg.contains("timed out"), "{msg}");
}

// ---------------------------------------------------------------------------------------------
// the seed, through the command line

fn tc(db: &std::path::Path, args: &[&str]) -> u8 {
    let mut all = vec!["turbocat".to_string(), "--db".to_string(), db.display().to_string()];
    all.extend(args.iter().map(|s| s.to_string()));
    turbocat_cli::run(all.into_iter().map(Into::into))
}

fn latest_execution(db: &std::path::Path) -> Execution {
    let svc = turbocat_services::Services::open(db, Default::default()).unwrap();
    let page = svc.executions().list(&Default::default()).unwrap();
    page.items.into_iter().next().expect("an execution")
}

#[test]
fn the_seed_data_pipeline_runs_end_to_end_through_the_cli() {
    let records = json!([{"id": 1, "name": "alpha"}, {"id": 2, "name": "beta"}, {"id": 3, "name": "gamma"}]);
    let served = records.clone();
    let server = TestServer::start(move |_, hit| {
        if hit.path == "/x.json" {
            Reply::Json(200, served.clone())
        } else {
            Reply::Json(404, json!({}))
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("seeded.sqlite");
    assert_eq!(tc(&db, &["db", "seed"]), turbocat_cli::EXIT_OK);
    let input = json!({ "apiUrl": server.url("/x.json") }).to_string();
    assert_eq!(tc(&db, &["run", "Data Pipeline", "--input", &input]), turbocat_cli::EXIT_OK);
    let x = latest_execution(&db);
    assert_eq!(x.status, ExecutionStatus::Completed, "{:?}", x.error_message);
    assert_eq!((x.steps_completed, x.steps_failed), (3, 0));
    let o = &x.output_data;
    assert_eq!(o["fetch_data"], json!({ "data": records }));
    assert_eq!(o["transform_data"], json!({ "processedData": records, "recordCount": 3 }));
    assert_eq!(o["save_data"], json!({ "data": records }));
    assert_eq!((o["processedData"].clone(), o["recordCount"].clone()), (records.clone(), json!(3)), "declared outputs");
    assert_eq!(x.input_data, json!({ "apiUrl": server.url("/x.json"), "outputFormat": "json" }));
    // --json and an input file work too.
    let file = dir.path().join("input.json");
    std::fs::write(&file, &input).unwrap();
    assert_eq!(
        tc(&db, &["run", "Data Pipeline", "--input", &format!("@{}", file.display()), "--json"]),
        turbocat_cli::EXIT_OK
    );
    // A missing required input is refused before anything runs.
    assert_eq!(tc(&db, &["run", "Data Pipeline"]), turbocat_cli::EXIT_FAILED);
    assert_eq!(tc(&db, &["run", "Data Pipeline", "--input", "[1]"]), turbocat_cli::EXIT_USAGE);
    assert_eq!(tc(&db, &["run", "No such workflow"]), turbocat_cli::EXIT_FAILED);
    let svc = turbocat_services::Services::open(&db, Default::default()).unwrap();
    assert_eq!(svc.executions().list(&Default::default()).unwrap().total, 2);
}

#[test]
fn the_seed_content_generator_fails_at_its_first_step() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("seeded.sqlite");
    assert_eq!(tc(&db, &["db", "seed"]), turbocat_cli::EXIT_OK);
    let input = json!({"sourceUrl": "http://127.0.0.1:9/", "notifyEmail": "a@example.com"}).to_string();
    assert_eq!(tc(&db, &["run", "Content Generator", "--input", &input]), turbocat_cli::EXIT_RUN_NOT_COMPLETED);
    let x = latest_execution(&db);
    assert_eq!(x.status, ExecutionStatus::Failed);
    let msg = x.error_message.unwrap();
    assert!(msg.starts_with("Step \"fetch_content\" failed: Agent \"Web Scraper\" has no code to run"), "{msg}");
}

const CTRL_C_DB: &str = "TURBOCAT_ENGINE_CTRL_C_DB";

#[test]
#[ignore = "run by ctrl_c_cancels_a_cli_run as its child process"]
fn ctrl_c_child() {
    let Ok(db) = std::env::var(CTRL_C_DB) else { return };
    let code = tc(db.as_ref(), &["run", "Sleepy CLI"]);
    println!("exit {code}");
}

/// Starts `turbocat run "Sleepy CLI"` on the env's file in a child process (this test binary
/// re-run on `ctrl_c_child`) and returns once its wait step has started.
fn sleepy_cli_child(env: &Env) -> std::process::Child {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    workflow(env, "Sleepy CLI", json!({}), vec![wait("nap", &[], 60_000)]);
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["engine::ctrl_c_child", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
        .env(CTRL_C_DB, env.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(|l| l.ok()) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let line = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())).expect("the run started");
        if line.contains("nap: started") {
            break;
        }
    }
    child
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_killed_mid_way_is_marked_interrupted_at_the_next_open() {
    let env = Env::empty();
    let mut child = sleepy_cli_child(&env);
    // Its "started" row is written by the run's recorder shortly after the event.
    let t = Instant::now();
    while t.elapsed() < Duration::from_secs(20) {
        let x = latest_execution(&env.path());
        if step_statuses(&env, x.id).get("nap") == Some(&StepStatus::Running) {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL: no destructor, no final status
    child.wait().unwrap();
    let x = latest_execution(&env.path());
    assert_eq!(x.status, ExecutionStatus::Running, "left running");
    let e = engine(&env).await;
    assert_eq!(e.recovered(), [x.id]);
    let d = env.svc.executions().get(x.id).unwrap();
    assert_eq!(d.execution.status, ExecutionStatus::Failed);
    assert_eq!(d.execution.error_message.as_deref(), Some(INTERRUPTED));
    assert_eq!(status_of(&env, x.id, "nap"), StepStatus::Failed);
    assert_eq!(env.svc.workflows().find("Sleepy CLI").unwrap().failed_executions, 1);
}

#[test]
fn ctrl_c_cancels_a_cli_run() {
    use std::io::Read;
    use std::process::Command;
    let env = Env::empty();
    let mut child = sleepy_cli_child(&env);
    let t = Instant::now();
    let ok = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap().success();
    assert!(ok);
    let status = child.wait().unwrap();
    assert!(t.elapsed() < Duration::from_secs(20), "cancelled at once, not after the wait");
    assert!(status.success(), "the child test itself passes");
    let mut out = String::new();
    child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    assert!(out.contains(&format!("exit {}", turbocat_cli::EXIT_RUN_NOT_COMPLETED)), "{out}");
    let x = latest_execution(&env.path());
    assert_eq!(x.status, ExecutionStatus::Cancelled);
    assert!(logs(&env, x.id).iter().any(|l| l.message == "Execution cancelled by user"));
}
