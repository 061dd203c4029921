//! Schedules through the services and the engine: which workflows are scheduled (enabled, a
//! cron, active), their catch-up setting (`trigger_config.catchUp`) and last scheduled run, and
//! a due run recorded with trigger `scheduled`. The timing itself is tested with a controllable
//! clock in the engine crate (`schedule.rs`).

use crate::engine::{engine, pass};
use crate::support::*;
use serde_json::json;
use turbocat_domain::{ExecutionStatus, Timestamp, TriggerType, WorkflowStatus};
use turbocat_engine::schedule::Scheduler;
use turbocat_services::workflows::CreateWorkflow;

fn scheduled(
    env: &Env,
    name: &str,
    enabled: bool,
    status: WorkflowStatus,
    catch_up: Option<bool>,
) -> turbocat_domain::Uuid {
    env.svc
        .workflows()
        .create(CreateWorkflow {
            name: name.into(),
            status: Some(status),
            schedule_enabled: Some(enabled),
            schedule_cron: Some("*/5 * * * *".into()),
            schedule_timezone: Some("Europe/Paris".into()),
            trigger_config: catch_up.map(|c| json!({ "catchUp": c })),
            steps: vec![pass("only", &[], json!({"at": "{{metadata.triggerType}}"}))],
            ..Default::default()
        })
        .unwrap()
        .workflow
        .id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enabled_schedules_run_as_scheduled_executions() {
    let env = Env::empty();
    let on = scheduled(&env, "On", true, WorkflowStatus::Active, Some(true));
    let _off = scheduled(&env, "Off", false, WorkflowStatus::Active, None);
    let _draft = scheduled(&env, "Draft", true, WorkflowStatus::Draft, None);
    let plain = scheduled(&env, "Plain", true, WorkflowStatus::Active, None);
    let entries = env.svc.runs().schedules().unwrap();
    assert_eq!(entries.iter().map(|e| e.workflow_id).collect::<Vec<_>>(), vec![on, plain]);
    assert!(entries[0].catch_up && !entries[1].catch_up, "catchUp defaults to false");
    assert_eq!((entries[0].cron.as_str(), entries[0].timezone.as_str()), ("*/5 * * * *", "Europe/Paris"));
    assert_eq!(entries[0].last_scheduled_at, None);

    // Ten minutes after creation, only the workflow that asks to catch up gets one run.
    let later = Timestamp::from_millis(entries[0].created_at.millis() + 10 * 60_000);
    let due = Scheduler::new(later).catch_up(&entries, later);
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].workflow_id, on);
    let e = engine(&env).await;
    let x = e.start(due[0].request()).await.unwrap().wait().await.unwrap();
    assert_eq!(x.status, ExecutionStatus::Completed);
    assert_eq!(x.trigger_type, TriggerType::Scheduled);
    assert_eq!(x.trigger_data["catchUp"], json!(true));
    assert_eq!(x.output_data["only"]["at"].as_str().map(str::to_lowercase).as_deref(), Some("scheduled"));
    // The run counts as the schedule's last one: nothing more to catch up then.
    let entries = env.svc.runs().schedules().unwrap();
    assert_eq!(entries[0].last_scheduled_at, Some(x.created_at));
    assert!(Scheduler::new(x.created_at).catch_up(&entries, x.created_at).is_empty());
}
