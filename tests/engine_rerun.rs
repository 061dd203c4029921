//! Re-run (`docs/engine.md`, "Triggers"): a finished execution run again with the same input, and
//! from its failed step with the outputs of the steps before it reused — through the engine and
//! through `turbocat run --rerun`.

use crate::engine::{engine, logs, pass, run_all, step_statuses, workflow};
use crate::support::*;
use serde_json::json;
use turbocat_domain::{ErrorCode, ExecutionStatus, StepStatus, TriggerType};
use turbocat_engine::RunEvent;
use turbocat_services::workflows::StepInput;

/// "a" and "c" record the execution they ran in; "b", after both, fails (an unresolvable
/// reference). "b" waits for "c" too: were "c" independent, "b" could fail while "c" was still
/// running, which stops "c" (on_error stop), and the test would depend on the scheduler.
fn failing_workflow(env: &Env) -> turbocat_domain::Uuid {
    workflow(
        env,
        "Rerun me",
        json!({"inputs": {"missing": {"type": "object"}}}),
        vec![
            pass("a", &[], json!({"ranIn": "{{metadata.executionId}}", "n": 1})),
            pass("b", &["a", "c"], json!({"x": "{{inputs.missing.deep}}", "a": "{{a.n}}"})),
            pass("c", &[], json!({"ranIn": "{{metadata.executionId}}"})),
        ],
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rerun_from_the_failed_step_reuses_earlier_outputs() {
    let env = Env::empty();
    let wf = failing_workflow(&env);
    let e = engine(&env).await;
    let (orig, _) = run_all(&e, wf, json!({"missing": {}})).await;
    assert_eq!(orig.status, ExecutionStatus::Failed);

    let mut h = e.rerun(orig.id, true).await.unwrap();
    let mut events = Vec::new();
    while let Some(ev) = h.next_event().await {
        let last = matches!(ev, RunEvent::RunFinished { .. });
        events.push(ev);
        if last {
            break;
        }
    }
    let x = h.wait().await.unwrap();
    assert_ne!(x.id, orig.id, "a new execution");
    assert_eq!(x.workflow_id, wf);
    assert_eq!(x.input_data, orig.input_data);
    assert_eq!(x.trigger_type, TriggerType::Manual);
    assert_eq!(x.trigger_data, json!({"rerunOf": orig.id, "fromFailedStep": true}));
    assert_eq!(x.status, ExecutionStatus::Failed, "b fails again");
    // a and c were not run again: their outputs name the original execution.
    assert_eq!(x.output_data["a"]["ranIn"], json!(orig.id.to_string()));
    assert_eq!(x.output_data["c"]["ranIn"], json!(orig.id.to_string()));
    let s = step_statuses(&env, x.id);
    assert_eq!((s["a"], s["b"], s["c"]), (StepStatus::Completed, StepStatus::Failed, StepStatus::Completed));
    assert_eq!((x.steps_completed, x.steps_failed), (2, 1));
    let reused: Vec<_> = logs(&env, x.id)
        .into_iter()
        .filter(|l| l.metadata.get("reusedFrom") == Some(&json!(orig.id.to_string())))
        .filter_map(|l| l.step_key)
        .collect();
    assert_eq!(reused.len(), 2, "{reused:?}");
    assert!(!events.iter().any(|ev| matches!(ev, RunEvent::StepStarted { step_key, .. } if step_key != "b")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rerun_runs_every_step_again_with_the_same_input() {
    let env = Env::empty();
    let wf = workflow(
        &env,
        "Again",
        json!({"inputs": {"who": {"type": "string", "default": "world"}}}),
        vec![
            pass("a", &[], json!({"ranIn": "{{metadata.executionId}}", "who": "{{inputs.who}}"})),
            StepInput { ..pass("b", &["a"], json!({"hello": "{{a.who}}"})) },
        ],
    );
    let e = engine(&env).await;
    let (orig, _) = run_all(&e, wf, json!({"who": "Ada"})).await;
    assert_eq!(orig.status, ExecutionStatus::Completed);
    let x = e.rerun(orig.id, false).await.unwrap().wait().await.unwrap();
    assert_eq!(x.status, ExecutionStatus::Completed);
    assert_eq!(x.input_data, json!({"who": "Ada"}));
    assert_eq!(x.trigger_data, json!({"rerunOf": orig.id, "fromFailedStep": false}));
    assert_eq!(x.output_data["a"]["ranIn"], json!(x.id.to_string()), "ran again");
    assert_eq!(x.output_data["b"], json!({"hello": "Ada"}));
    // A completed execution has no failed step to re-run from; an unknown one is not found.
    let err = e.rerun(orig.id, true).await.err().unwrap();
    assert_eq!(err.code, ErrorCode::BadRequest);
    let err = e.rerun(turbocat_domain::new_id(), false).await.err().unwrap();
    assert_eq!(err.code, ErrorCode::NotFound);
    assert_eq!(env.svc.workflows().get(wf).unwrap().workflow.total_executions, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unfinished_execution_cannot_be_rerun() {
    let env = Env::empty();
    let wf = workflow(&env, "Slow", json!({}), vec![crate::engine::wait("w", &[], 30_000)]);
    let e = engine(&env).await;
    let h = e.start(turbocat_engine::RunRequest::manual(wf, json!({}))).await.unwrap();
    let err = e.rerun(h.execution_id, false).await.err().unwrap();
    assert_eq!(err.code, ErrorCode::BadRequest);
    assert!(err.message.contains("has not finished"), "{}", err.message);
    h.cancel();
    let x = h.wait().await.unwrap();
    assert_eq!(x.status, ExecutionStatus::Cancelled);
    // A cancelled run can be re-run from where it stopped.
    let again = e.rerun(x.id, true).await.unwrap();
    again.cancel();
    assert_eq!(again.wait().await.unwrap().status, ExecutionStatus::Cancelled);
}

#[test]
fn the_cli_reruns_an_execution() {
    let env = Env::empty();
    let wf = failing_workflow(&env);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let orig = rt.block_on(async {
        let e = engine(&env).await;
        run_all(&e, wf, json!({"missing": {}})).await.0
    });
    drop(rt);
    let db = env.path();
    let tc = |args: &[&str]| {
        let mut all = vec!["turbocat".to_string(), "--db".to_string(), db.display().to_string()];
        all.extend(args.iter().map(|s| s.to_string()));
        turbocat_cli::run(all.into_iter().map(Into::into))
    };
    let id = orig.id.to_string();
    assert_eq!(tc(&["run", "--rerun", &id, "--from-failed", "--json"]), turbocat_cli::EXIT_RUN_NOT_COMPLETED);
    assert_eq!(tc(&["run", "--rerun", &id]), turbocat_cli::EXIT_RUN_NOT_COMPLETED);
    assert_eq!(tc(&["run", "--rerun", "not-an-id"]), turbocat_cli::EXIT_USAGE);
    assert_eq!(tc(&["run", "--from-failed"]), turbocat_cli::EXIT_USAGE);
    let svc = env.reopen();
    let all = svc.executions().list(&Default::default()).unwrap().items;
    assert_eq!(all.len(), 3);
    let reruns: Vec<_> = all.iter().filter(|x| x.trigger_data.get("rerunOf") == Some(&json!(id))).collect();
    assert_eq!(reruns.len(), 2);
    let from_failed = reruns.iter().find(|x| x.trigger_data["fromFailedStep"] == json!(true)).unwrap();
    assert_eq!(from_failed.output_data["a"]["ranIn"], json!(id));
}
