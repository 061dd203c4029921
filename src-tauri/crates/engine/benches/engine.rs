//! Engine benchmarks, each beside its physical baseline in the same run:
//! - engine overhead per step: a 10,000-step DAG of no-op data steps (4 wide, each step naming
//!   a step of the layer before in its inputs), logs persisted, run to the end; against the
//!   time of writing the same log rows (read back from the run) through the store, in batches
//!   of the recorder's largest size, into another execution of the same file;
//! - the static check of that DAG alone (graph checks + reference check);
//! - a 1,000-item loop (concurrency 1 and 10) and a 100-wide parallel fan-out (concurrency 4,
//!   the default, and 100): throughput.
//!
//! Run: `cargo bench -p turbocat-engine --bench engine` (`BENCH_STEPS=N` changes the DAG size).
//! Each run is the best of three; every database is a real file with the app's pragmas.

use serde_json::{json, Value as Json};
use std::sync::Arc;
use std::time::{Duration, Instant};
use turbocat_domain::*;
use turbocat_engine::{plan, Engine, EngineConfig, RunRequest};
use turbocat_services::agents::CreateAgent;
use turbocat_services::executions::CreateExecution;
use turbocat_services::workflows::{CreateWorkflow, StepInput};
use turbocat_services::{OpenOptions, Services};
use turbocat_store::queries::{self, uuid_value, Filter};
use turbocat_store::row;

const ROUNDS: usize = 3;

fn open(dir: &std::path::Path, name: &str) -> Arc<Services> {
    Arc::new(Services::open(&dir.join(name), OpenOptions { seed_on_first_start: false }).unwrap())
}

fn noop_agent(svc: &Services) -> Uuid {
    svc.agents()
        .create(CreateAgent {
            name: "No-op".into(),
            agent_type: Some(AgentType::Data),
            config: Some(json!({})),
            ..Default::default()
        })
        .unwrap()
        .id
}

fn step(
    wf: Uuid,
    agent: Option<Uuid>,
    key: String,
    ty: WorkflowStepType,
    deps: Vec<String>,
    inputs: Json,
) -> WorkflowStep {
    let t = Timestamp::now();
    WorkflowStep {
        id: new_id(),
        workflow_id: wf,
        agent_id: agent,
        step_name: key.clone(),
        step_key: key,
        step_type: ty,
        position: 0,
        config: json!({}),
        inputs,
        outputs: json!({}),
        depends_on: Some(deps),
        retry_count: 0,
        retry_delay_ms: 1000,
        timeout_ms: 30_000,
        on_error: ErrorHandling::Fail,
        created_at: t,
        updated_at: t,
    }
}

/// An active workflow with these steps. The services allow 100 steps (docs/rules.md); larger graphs
/// (an import, a synced file) are written straight through the store, as they would arrive.
fn workflow_with(svc: &Services, name: &str, steps: impl FnOnce(Uuid) -> Vec<WorkflowStep>) -> Uuid {
    let w = svc
        .workflows()
        .create(CreateWorkflow {
            name: name.into(),
            status: Some(WorkflowStatus::Active),
            steps: vec![StepInput {
                step_key: "placeholder".into(),
                step_name: "placeholder".into(),
                step_type: Some(WorkflowStepType::Agent),
                ..Default::default()
            }],
            ..Default::default()
        })
        .unwrap()
        .workflow;
    let rows = steps(w.id);
    svc.store()
        .write(|tx| {
            tx.execute("DELETE FROM workflow_steps WHERE workflow_id = ?1", [uuid_value(w.id)])
                .map_err(|e| Error::internal(e.to_string()))?;
            for (i, mut s) in rows.into_iter().enumerate() {
                s.position = i as i64;
                row::insert(tx, &s)?;
            }
            Ok(())
        })
        .unwrap();
    w.id
}

/// Runs to the end (reading the run's events as a front end does); the wall time.
async fn timed_run(engine: &Engine, wf: Uuid, input: Json) -> (Execution, Duration) {
    let t = Instant::now();
    let mut h = engine.start(RunRequest::manual(wf, input)).await.unwrap();
    let mut events = h.take_events().unwrap();
    let drain = tokio::spawn(async move {
        let mut n = 0usize;
        while events.recv().await.is_some() {
            n += 1;
        }
        n
    });
    let x = h.wait().await.unwrap();
    let took = t.elapsed();
    drain.await.unwrap();
    assert_eq!(x.status, ExecutionStatus::Completed, "{:?}", x.error_message);
    (x, took)
}

fn log_rows(svc: &Services, exec: Uuid) -> Vec<ExecutionLog> {
    svc.store()
        .read(|c| {
            let mut f = Filter::new();
            f.eq("execution_id", uuid_value(exec));
            Ok(queries::all::<ExecutionLog>(c, &f, "created_at ASC, id ASC")?)
        })
        .unwrap()
}

/// Writes copies of `rows` (new ids) into a fresh execution of `wf` through the store, in
/// batches of the recorder's largest size; the wall time.
fn write_logs(svc: &Services, wf: Uuid, rows: &[ExecutionLog]) -> Duration {
    let exec = svc.executions().create(CreateExecution { workflow_id: wf, ..Default::default() }).unwrap().id;
    let copies: Vec<ExecutionLog> =
        rows.iter().map(|r| ExecutionLog { id: new_id(), execution_id: exec, ..r.clone() }).collect();
    let t = Instant::now();
    for batch in copies.chunks(5000) {
        svc.runs().append_logs(batch).unwrap();
    }
    t.elapsed()
}

fn dag(rt: &tokio::runtime::Runtime, n: usize) {
    const WIDTH: usize = 4;
    let dir = tempfile::tempdir().unwrap();
    let svc = open(dir.path(), "dag.sqlite");
    let noop = noop_agent(&svc);
    let key = |i: usize| format!("s{i}");
    let wf = workflow_with(&svc, "DAG", |wf| {
        (0..n)
            .map(|i| {
                let layer = i / WIDTH;
                let deps: Vec<String> =
                    if layer == 0 { vec![] } else { ((layer - 1) * WIDTH..layer * WIDTH).map(key).collect() };
                let inputs = match deps.first() {
                    Some(d) => json!({"data": [i], "after": format!("{{{{{d}.outputCount}}}}")}),
                    None => json!({"data": [i]}),
                };
                step(wf, Some(noop), key(i), WorkflowStepType::Agent, deps, inputs)
            })
            .collect()
    });

    // The static check alone.
    let plan_rows = svc.runs().plan(wf).unwrap();
    let mut check_best = Duration::MAX;
    for _ in 0..ROUNDS {
        let t = Instant::now();
        plan::check(&plan_rows.steps, &plan_rows.workflow.definition).unwrap();
        check_best = check_best.min(t.elapsed());
    }

    let engine = rt.block_on(Engine::open(svc.clone(), EngineConfig::default())).unwrap();
    let mut best: Option<(Duration, Duration, usize)> = None;
    for _ in 0..ROUNDS {
        let (x, run) = rt.block_on(timed_run(&engine, wf, json!({})));
        assert_eq!(x.steps_completed as usize, n);
        let rows = log_rows(&svc, x.id);
        assert_eq!(rows.len(), 2 * n + 2, "started + completed per step, opening and closing lines");
        let logs = write_logs(&svc, wf, &rows);
        if best.is_none_or(|(r, l, _)| run.saturating_sub(logs) < r.saturating_sub(l)) {
            best = Some((run, logs, rows.len()));
        }
    }
    let (run, logs, rows) = best.unwrap();
    let per = |d: Duration| d.as_secs_f64() * 1e6 / n as f64;
    let overhead = run.saturating_sub(logs);
    println!(
        "| static check of {n} steps (graph + references) | {:.1} ms | {:.2} µs/step |",
        ms(check_best),
        per(check_best)
    );
    println!("| run of {n} no-op data steps, logs persisted | {:.1} ms | {:.1} µs/step |", ms(run), per(run));
    println!("| writing the same {rows} log rows through the store | {:.1} ms | {:.1} µs/step |", ms(logs), per(logs));
    println!(
        "| engine overhead beyond the log writes | {:.1} ms | {:.1} µs/step | goal <= 50 µs/step |",
        ms(overhead),
        per(overhead)
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn best_of(rt: &tokio::runtime::Runtime, engine: &Engine, wf: Uuid, input: &Json) -> Duration {
    (0..ROUNDS).map(|_| rt.block_on(timed_run(engine, wf, input.clone())).1).min().unwrap()
}

fn loop_and_fan_out(rt: &tokio::runtime::Runtime) {
    let dir = tempfile::tempdir().unwrap();
    let svc = open(dir.path(), "loop.sqlite");
    let noop = noop_agent(&svc);
    let items: Vec<Json> = (0..1000).map(|i| json!({"id": i, "name": format!("item {i}")})).collect();
    let input = json!({ "items": items });
    for concurrency in [1, 10] {
        let wf = workflow_with(&svc, &format!("Loop {concurrency}"), |wf| {
            let mut s = step(
                wf,
                Some(noop),
                "each".into(),
                WorkflowStepType::Loop,
                vec![],
                json!({"data": "{{item}}", "at": "{{index}}"}),
            );
            s.config = json!({"items": "{{inputs.items}}", "concurrency": concurrency});
            vec![s]
        });
        let engine = rt.block_on(Engine::open(svc.clone(), EngineConfig::default())).unwrap();
        let t = best_of(rt, &engine, wf, &input);
        println!(
            "| loop over 1000 items, no-op data agent, concurrency {concurrency} | {:.1} ms | {:.0} items/s |",
            ms(t),
            1000.0 / t.as_secs_f64()
        );
    }

    let wf = workflow_with(&svc, "Fan-out", |wf| {
        let mut steps = vec![step(wf, None, "fan".into(), WorkflowStepType::Parallel, vec![], json!({}))];
        for i in 0..100 {
            steps.push(step(
                wf,
                Some(noop),
                format!("b{i}"),
                WorkflowStepType::Agent,
                vec!["fan".into()],
                json!({"data": [i]}),
            ));
        }
        steps.push(step(
            wf,
            None,
            "join".into(),
            WorkflowStepType::Agent,
            (0..100).map(|i| format!("b{i}")).collect(),
            json!({}),
        ));
        steps
    });
    for concurrency in [4, 100] {
        let engine =
            rt.block_on(Engine::open(svc.clone(), EngineConfig { concurrency, ..Default::default() })).unwrap();
        let t = best_of(rt, &engine, wf, &json!({}));
        println!(
            "| parallel fan-out to 100 no-op data steps and a join (102 steps), concurrency {concurrency} | {:.1} ms | {:.0} steps/s |",
            ms(t),
            102.0 / t.as_secs_f64()
        );
    }
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is expected.
    let n: usize = std::env::var("BENCH_STEPS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    println!("| measurement | result | rate / detail | goal |");
    println!("|---|---|---|---|");
    dag(&rt, n);
    loop_and_fan_out(&rt);
}
