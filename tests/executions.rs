//! Executions through the service API: who may run, step counts, logs (order and filters),
//! cancel and its message, workflow counters, and the audit log's filters.

use crate::support::*;
use crate::workflows::{create, step};
use serde_json::json;
use turbocat_domain::{
    new_id, ErrorCode, ExecutionLog, ExecutionStatus, LogLevel, StepStatus, Timestamp, WorkflowStatus,
};
use turbocat_services::audit::AuditQuery;
use turbocat_services::executions::{CreateExecution, ExecutionQuery, LogQuery};
use turbocat_services::seed::seed_id;
use turbocat_services::workflows::UpdateWorkflow;

fn log(exec: turbocat_domain::Uuid, key: &str, status: StepStatus, level: LogLevel, at: i64) -> ExecutionLog {
    ExecutionLog {
        id: new_id(),
        execution_id: exec,
        workflow_step_id: None,
        level,
        message: format!("{key} {status}"),
        metadata: json!({"n": at}),
        step_key: Some(key.into()),
        step_status: Some(status),
        step_started_at: Some(Timestamp::from_millis(at)),
        step_completed_at: None,
        step_duration_ms: None,
        created_at: Timestamp::from_millis(1_767_225_600_000 + at),
    }
}

#[test]
fn only_an_active_workflow_can_run_with_steps_or_none() {
    let env = Env::empty();
    let w = create(&env, "Draft flow", vec![step("a", &[])]);
    let run = |id| env.svc.executions().create(CreateExecution { workflow_id: id, ..Default::default() });
    assert_err(
        run(w.workflow.id),
        ErrorCode::BadRequest,
        "Cannot execute workflow in \"DRAFT\" status. Workflow must be ACTIVE.",
    );
    let empty = create(&env, "Empty", vec![]);
    env.svc
        .workflows()
        .update(empty.workflow.id, UpdateWorkflow { status: Some(WorkflowStatus::Active), ..Default::default() })
        .unwrap();
    // A workflow with no steps runs (and completes at once: tests/server.rs).
    let e = run(empty.workflow.id).unwrap();
    assert_eq!((e.status, e.steps_total), (ExecutionStatus::Pending, 0));
    assert_err(run(new_id()), ErrorCode::NotFound, "Workflow not found");
    env.svc
        .workflows()
        .update(w.workflow.id, UpdateWorkflow { status: Some(WorkflowStatus::Active), ..Default::default() })
        .unwrap();
    let e = run(w.workflow.id).unwrap();
    assert_eq!((e.status, e.steps_total, e.input_data.clone()), (ExecutionStatus::Pending, 1, json!({})));
    assert_eq!(env.count("executions"), 2);
}

#[test]
fn step_counts_logs_and_cancel() {
    let env = Env::seeded();
    let wf = seed_id(0x2001);
    let e = env
        .svc
        .executions()
        .create(CreateExecution {
            workflow_id: wf,
            input_data: Some(json!({"apiUrl": "http://x"})),
            ..Default::default()
        })
        .unwrap();
    let logs = vec![
        log(e.id, "fetch_data", StepStatus::Running, LogLevel::Info, 1),
        log(e.id, "fetch_data", StepStatus::Completed, LogLevel::Info, 2),
        log(e.id, "transform_data", StepStatus::Running, LogLevel::Info, 3),
        log(e.id, "transform_data", StepStatus::Failed, LogLevel::Error, 4),
    ];
    assert_eq!(env.svc.executions().append_logs(&logs).unwrap(), 4);
    let d = env.svc.executions().get(e.id).unwrap();
    assert_eq!(d.workflow_name, "Data Pipeline");
    assert_eq!(
        (d.step_counts.total, d.step_counts.completed, d.step_counts.failed, d.step_counts.pending),
        (3, 1, 1, 1)
    );

    let page = env.svc.executions().logs(e.id, &LogQuery::default()).unwrap();
    assert_eq!(
        page.items.iter().map(|l| l.metadata["n"].as_i64().unwrap()).collect::<Vec<_>>(),
        [1, 2, 3, 4],
        "oldest first"
    );
    let errors =
        env.svc.executions().logs(e.id, &LogQuery { level: Some(LogLevel::Error), ..Default::default() }).unwrap();
    assert_eq!(errors.total, 1);
    let fetch = env
        .svc
        .executions()
        .logs(e.id, &LogQuery { step_key: Some("fetch_data".into()), ..Default::default() })
        .unwrap();
    assert_eq!(fetch.total, 2);

    let c = env.svc.executions().cancel(e.id).unwrap();
    assert_eq!(c.status, ExecutionStatus::Cancelled);
    assert!(c.completed_at.is_some() && c.duration_ms.is_some());
    let warn =
        env.svc.executions().logs(e.id, &LogQuery { level: Some(LogLevel::Warn), ..Default::default() }).unwrap();
    assert_eq!(warn.items[0].message, "Execution cancelled by user");
    assert_err(
        env.svc.executions().cancel(e.id),
        ErrorCode::BadRequest,
        "Cannot cancel execution in \"CANCELLED\" status. Execution must be PENDING or RUNNING.",
    );
    let w = env.svc.workflows().get(wf).unwrap().workflow;
    assert_eq!((w.total_executions, w.successful_executions, w.failed_executions), (1, 0, 0));
    assert_eq!(w.last_execution_at, c.completed_at);

    let listed = env.svc.workflows().executions(wf, &ExecutionQuery::default()).unwrap();
    assert_eq!(listed.total, 1);
    let none = env
        .svc
        .executions()
        .list(&ExecutionQuery { status: Some(ExecutionStatus::Running), ..Default::default() })
        .unwrap();
    assert_eq!(none.total, 0);
    let actions = env.audit_actions();
    assert!(actions.ends_with(&["workflow.execute".into(), "execution.cancel".into()]), "{actions:?}");
}

#[test]
fn audit_log_filters_by_action_resource_and_time() {
    let env = Env::seeded();
    // Millisecond stamps: keep t0 clear of the rows written just before and just after it.
    std::thread::sleep(std::time::Duration::from_millis(5));
    let t0 = Timestamp::now();
    std::thread::sleep(std::time::Duration::from_millis(5));
    let w = create(&env, "Audited", vec![step("a", &[])]);
    env.svc
        .workflows()
        .update(w.workflow.id, UpdateWorkflow { name: Some("Audited 2".into()), ..Default::default() })
        .unwrap();
    let q = |q: AuditQuery| env.svc.audit().list(&q).unwrap();
    assert_eq!(q(AuditQuery { action: Some("db.seed".into()), ..Default::default() }).total, 1);
    assert_eq!(q(AuditQuery { action: Some("workflow.".into()), ..Default::default() }).total, 2);
    let by_resource = q(AuditQuery {
        resource_type: Some("workflow".into()),
        resource_id: Some(w.workflow.id),
        ..Default::default()
    });
    assert_eq!(
        by_resource.items.iter().map(|a| a.action.as_str()).collect::<Vec<_>>(),
        ["workflow.update", "workflow.create"]
    );
    assert_eq!(by_resource.items[0].user_id, Some(env.svc.current_user_id()));
    assert_eq!(q(AuditQuery { from: Some(t0), ..Default::default() }).total, 2);
    assert_eq!(q(AuditQuery { to: Some(t0), ..Default::default() }).total, 2, "the migration and the seed came before");
}

#[test]
fn users_profile_and_preferences() {
    let env = Env::empty();
    let me = env.svc.users().profile().unwrap();
    assert_eq!((me.email.as_str(), me.full_name.as_deref()), ("me@turbocat.local", Some("Local User")));
    assert_err(env.svc.users().update_profile(Default::default()), ErrorCode::ValidationError, "No fields to update");
    let e = err(env.svc.users().update_profile(turbocat_services::users::UpdateProfile {
        email: Some("not-an-email".into()),
        ..Default::default()
    }));
    assert_eq!(e.fields[0].field, "email");
    let u = env
        .svc
        .users()
        .update_profile(turbocat_services::users::UpdateProfile {
            email: Some(" Ada@Example.com ".into()),
            full_name: Some(Some("Ada".into())),
            ..Default::default()
        })
        .unwrap();
    assert_eq!((u.email.as_str(), u.full_name.as_deref()), ("ada@example.com", Some("Ada")));
    let prefs = env.svc.users().update_preferences(json!({"theme": "dark", "seedDemo": false})).unwrap();
    assert_eq!(prefs, json!({"theme": "dark", "seedDemo": false}));
    let prefs = env.svc.users().update_preferences(json!({"seedDemo": null})).unwrap();
    assert_eq!(prefs, json!({"theme": "dark"}));
    assert!(env.svc.users().update_preferences(json!([1])).is_err());
    // The profile is the same user after a restart.
    assert_eq!(env.reopen().current_user_id(), me.id);
}
