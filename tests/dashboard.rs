//! The Dashboard's numbers through the stats service: counts that follow writes, runs per day
//! with the empty days present, success rate and average duration per day and over the range,
//! the range and the caller's time zone, recent runs and the top lists.

use crate::support::*;
use serde_json::json;
use turbocat_domain::{
    new_id, Agent, ErrorCode, Execution, ExecutionStatus, Timestamp, TriggerType, Uuid, WorkflowStatus,
};
use turbocat_services::api_keys::CreateApiKey;
use turbocat_services::deployments::CreateDeployment;
use turbocat_services::executions::CreateExecution;
use turbocat_services::seed::{seed_id, ADMIN_ID};
use turbocat_services::stats::{DashboardStats, StatsQuery};
use turbocat_services::workflows::UpdateWorkflow;
use turbocat_store::row;

const PIPELINE: u64 = 0x2001;
const GENERATOR: u64 = 0x2002;

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// A run of a seeded workflow created at `created`, finished with `status` after `ms`.
fn run(workflow: u64, created: &str, status: ExecutionStatus, ms: Option<i64>) -> Execution {
    let t = at(created);
    Execution {
        id: new_id(),
        workflow_id: seed_id(workflow),
        user_id: ADMIN_ID,
        status,
        trigger_type: TriggerType::Manual,
        trigger_data: json!({}),
        started_at: ms.map(|_| t),
        completed_at: ms.map(|d| t.add_millis(d)),
        duration_ms: ms,
        input_data: json!({}),
        output_data: json!({}),
        steps_completed: 0,
        steps_failed: 0,
        steps_total: 3,
        error_message: None,
        error_stack: None,
        created_at: t,
        updated_at: t,
    }
}

/// Stores runs as the engine will: rows in the executions table, in one transaction.
fn insert(env: &Env, runs: &[Execution]) {
    env.svc.store().write(|tx| Ok(row::insert_many(tx, runs.iter())?)).unwrap();
}

fn stats(env: &Env, days: u32, now: &str) -> DashboardStats {
    env.svc.stats().dashboard_as_of(&StatsQuery { days: Some(days), ..Default::default() }, at(now)).unwrap()
}

fn day<'a>(s: &'a DashboardStats, d: &str) -> &'a turbocat_services::stats::DayStats {
    s.days.iter().find(|x| x.day == d).unwrap_or_else(|| panic!("no bucket for {d}"))
}

#[test]
fn counts_of_a_first_start_and_an_empty_history() {
    let env = Env::seeded();
    let s = env.svc.stats().dashboard(&StatsQuery::default()).unwrap();
    let c = &s.counts;
    assert_eq!((c.agents, c.workflows, c.templates), (5, 2, 6));
    assert_eq!((c.executions, c.deployments, c.active_deployments, c.api_keys), (0, 0, 0, 0));
    assert!(s.recent.is_empty() && s.top_workflows.is_empty() && s.top_agents.is_empty());
    assert_eq!(s.days.len(), 30, "the default range is 30 days");
    assert!(s.days.iter().all(|d| d.runs == 0 && d.success_rate.is_none() && d.avg_duration_ms.is_none()));
    assert_eq!(s.days.last().unwrap().day, s.as_of.to_string()[..10], "the range ends today");
    assert_eq!((s.totals.runs, s.totals.success_rate, s.totals.avg_duration_ms), (0, None, None));

    let empty = Env::empty();
    let c = empty.svc.stats().dashboard(&StatsQuery::default()).unwrap().counts;
    assert_eq!((c.agents, c.workflows, c.templates), (0, 0, 0));
}

#[test]
fn counts_follow_writes() {
    let env = Env::seeded();
    let counts = || env.svc.stats().dashboard(&StatsQuery::default()).unwrap().counts;
    let d = env
        .svc
        .deployments()
        .create(CreateDeployment { name: "Edge".into(), agent_id: Some(seed_id(0x1001)), ..Default::default() })
        .unwrap();
    assert_eq!((counts().deployments, counts().active_deployments), (1, 0));
    env.svc.deployments().start(d.id).unwrap();
    assert_eq!(counts().active_deployments, 1, "starting counts as up");
    env.svc.deployments().mark_running(d.id).unwrap();
    assert_eq!(counts().active_deployments, 1);
    env.svc.deployments().stop(d.id).unwrap();
    env.svc.deployments().mark_stopped(d.id).unwrap();
    assert_eq!((counts().deployments, counts().active_deployments), (1, 0));
    env.svc.deployments().delete(d.id).unwrap();
    assert_eq!(counts().deployments, 0);

    let k = env.svc.api_keys().create(CreateApiKey { name: "CI".into(), ..Default::default() }).unwrap();
    assert_eq!(counts().api_keys, 1);
    env.svc.api_keys().revoke(k.api_key.id).unwrap();
    assert_eq!(counts().api_keys, 0, "a revoked key is not counted");

    env.svc.agents().delete(seed_id(0x1001)).unwrap();
    assert_eq!(counts().agents, 4);

    // A run made through the service API counts at once, and is the latest run.
    env.svc
        .workflows()
        .update(seed_id(PIPELINE), UpdateWorkflow { status: Some(WorkflowStatus::Active), ..Default::default() })
        .unwrap();
    let e =
        env.svc.executions().create(CreateExecution { workflow_id: seed_id(PIPELINE), ..Default::default() }).unwrap();
    env.svc.executions().cancel(e.id).unwrap();
    let s = env.svc.stats().dashboard(&StatsQuery::default()).unwrap();
    assert_eq!(s.counts.executions, 1);
    assert_eq!(s.recent[0].id, e.id);
    assert_eq!((s.recent[0].workflow_name.as_str(), s.recent[0].status), ("Data Pipeline", ExecutionStatus::Cancelled));
    let today = s.days.last().unwrap();
    assert_eq!(
        (today.runs, today.cancelled, today.success_rate),
        (1, 1, None),
        "a cancelled run is no success or failure"
    );
}

#[test]
fn runs_per_day_with_empty_days_success_rate_and_duration() {
    let env = Env::seeded();
    insert(
        &env,
        &[
            // Today (the 10th): 2 completed, 1 failed, 1 cancelled, 1 still pending.
            run(PIPELINE, "2026-03-10T08:00:00.000Z", ExecutionStatus::Completed, Some(1000)),
            run(PIPELINE, "2026-03-10T09:00:00.000Z", ExecutionStatus::Completed, Some(3000)),
            run(GENERATOR, "2026-03-10T10:00:00.000Z", ExecutionStatus::Failed, Some(2000)),
            run(GENERATOR, "2026-03-10T11:00:00.000Z", ExecutionStatus::Cancelled, Some(99_000)),
            run(PIPELINE, "2026-03-10T11:30:00.000Z", ExecutionStatus::Pending, None),
            // The 8th: one timeout, which is a failure. The 9th has nothing.
            run(PIPELINE, "2026-03-08T23:59:59.999Z", ExecutionStatus::Timeout, Some(500)),
            // 38 days back: inside 90 days, outside 30.
            run(GENERATOR, "2026-01-31T12:00:00.000Z", ExecutionStatus::Completed, Some(10_000)),
            // After the day of the range: in no chart, but in the counts and the recent list.
            run(GENERATOR, "2026-03-11T00:00:00.000Z", ExecutionStatus::Completed, Some(7)),
        ],
    );
    let s = stats(&env, 30, "2026-03-10T12:00:00.000Z");
    assert_eq!(s.days.len(), 30);
    assert_eq!((s.days[0].day.as_str(), s.days[29].day.as_str()), ("2026-02-09", "2026-03-10"));
    assert!(s.days.windows(2).all(|w| w[0].day < w[1].day), "oldest first, one per day");

    let today = day(&s, "2026-03-10");
    assert_eq!((today.runs, today.completed, today.failed, today.cancelled), (5, 2, 1, 1));
    assert_eq!(today.success_rate, Some(2.0 / 3.0));
    assert_eq!(today.avg_duration_ms, Some(2000), "completed and failed runs only");

    let gap = day(&s, "2026-03-09");
    assert_eq!((gap.runs, gap.success_rate, gap.avg_duration_ms), (0, None, None));

    let eighth = day(&s, "2026-03-08");
    assert_eq!((eighth.runs, eighth.failed, eighth.success_rate, eighth.avg_duration_ms), (1, 1, Some(0.0), Some(500)));

    assert_eq!(s.days.iter().filter(|d| d.runs > 0).count(), 2);
    let t = &s.totals;
    assert_eq!((t.runs, t.completed, t.failed, t.cancelled), (6, 2, 2, 1));
    assert_eq!(t.success_rate, Some(0.5));
    assert_eq!(t.avg_duration_ms, Some(1625), "(1000 + 3000 + 2000 + 500) / 4, rounded");

    assert_eq!(s.counts.executions, 8, "counts are of all time");
    assert_eq!(s.recent.len(), 8);
    assert_eq!(s.recent[0].created_at, at("2026-03-11T00:00:00.000Z"), "newest first");
    assert_eq!(s.recent[1].workflow_name, "Data Pipeline");
    assert!(s.recent.windows(2).all(|w| w[0].created_at >= w[1].created_at));

    let top: Vec<_> = s.top_workflows.iter().map(|w| (w.name.as_str(), w.runs, w.successful)).collect();
    assert_eq!(top, [("Data Pipeline", 4, 2), ("Content Generator", 2, 0)]);

    // A shorter range and a longer one.
    let week = stats(&env, 7, "2026-03-10T12:00:00.000Z");
    assert_eq!((week.days.len(), week.days[0].day.as_str()), (7, "2026-03-04"));
    assert_eq!(week.totals.runs, 6);
    let quarter = stats(&env, 90, "2026-03-10T12:00:00.000Z");
    assert_eq!(quarter.days.len(), 90);
    assert_eq!(quarter.totals.runs, 7);
    assert_eq!(day(&quarter, "2026-01-31").avg_duration_ms, Some(10_000));
    assert_eq!(quarter.top_workflows[0].runs, 4);
    assert_eq!(quarter.top_workflows[1].runs, 3);
    let one = stats(&env, 1, "2026-03-10T00:00:00.000Z");
    assert_eq!((one.days.len(), one.totals.runs), (1, 5));
}

#[test]
fn days_start_at_the_callers_midnight() {
    let env = Env::seeded();
    insert(
        &env,
        &[
            run(PIPELINE, "2026-03-09T21:59:59.999Z", ExecutionStatus::Completed, Some(10)),
            run(PIPELINE, "2026-03-09T22:00:00.000Z", ExecutionStatus::Completed, Some(20)),
        ],
    );
    let now = at("2026-03-10T12:00:00.000Z");
    let q = |offset| StatsQuery { days: Some(2), utc_offset_minutes: Some(offset) };
    let utc = env.svc.stats().dashboard_as_of(&q(0), now).unwrap();
    assert_eq!((day(&utc, "2026-03-09").runs, day(&utc, "2026-03-10").runs), (2, 0));
    // At UTC+2 the second run happened at midnight of the 10th.
    let plus2 = env.svc.stats().dashboard_as_of(&q(120), now).unwrap();
    assert_eq!((day(&plus2, "2026-03-09").runs, day(&plus2, "2026-03-10").runs), (1, 1));
    assert_eq!(day(&plus2, "2026-03-10").avg_duration_ms, Some(20));
    // At UTC-5 both ran in the afternoon of the 9th.
    let minus5 = env.svc.stats().dashboard_as_of(&q(-300), now).unwrap();
    assert_eq!(day(&minus5, "2026-03-09").runs, 2);
}

#[test]
fn the_range_and_offset_are_checked() {
    let env = Env::empty();
    for q in [
        StatsQuery { days: Some(0), ..Default::default() },
        StatsQuery { days: Some(367), ..Default::default() },
        StatsQuery { utc_offset_minutes: Some(900), ..Default::default() },
    ] {
        let e = err(env.svc.stats().dashboard(&q));
        assert_eq!(e.code, ErrorCode::ValidationError, "{e:?}");
    }
    let e = err(env.svc.stats().dashboard(&StatsQuery { days: Some(0), ..Default::default() }));
    assert_eq!(e.fields[0].message, "days must be between 1 and 366");
}

#[test]
fn recent_holds_the_ten_latest_and_top_agents_come_from_their_counters() {
    let env = Env::seeded();
    let runs: Vec<Execution> = (0..15)
        .map(|i| run(PIPELINE, &format!("2026-03-10T10:{i:02}:00.000Z"), ExecutionStatus::Completed, Some(i)))
        .collect();
    insert(&env, &runs);
    let s = stats(&env, 30, "2026-03-10T12:00:00.000Z");
    let ids: Vec<Uuid> = s.recent.iter().map(|r| r.id).collect();
    let latest: Vec<Uuid> = runs.iter().rev().take(10).map(|r| r.id).collect();
    assert_eq!(ids, latest);

    env.svc
        .store()
        .write(|tx| {
            for (n, total, ok) in [(0x1001, 7, 6), (0x1003, 12, 12), (0x1005, 3, 1)] {
                let mut a: Agent = row::get(tx, seed_id(n))?.unwrap();
                a.total_executions = total;
                a.successful_executions = ok;
                row::update(tx, &a)?;
            }
            Ok(())
        })
        .unwrap();
    let s = stats(&env, 30, "2026-03-10T12:00:00.000Z");
    let top: Vec<_> = s.top_agents.iter().map(|a| (a.id, a.runs, a.successful)).collect();
    assert_eq!(top, [(seed_id(0x1003), 12, 12), (seed_id(0x1001), 7, 6), (seed_id(0x1005), 3, 1)]);
    env.svc.agents().delete(seed_id(0x1003)).unwrap();
    let s = stats(&env, 30, "2026-03-10T12:00:00.000Z");
    assert_eq!(s.top_agents.len(), 2, "a deleted agent leaves the list");
}

#[test]
fn many_runs_over_many_days_add_up() {
    let env = Env::seeded();
    // 20,000 runs, one every 9 minutes back from the 10th: about 125 days.
    let end = at("2026-03-10T23:59:00.000Z").millis();
    let runs: Vec<Execution> = (0..20_000i64)
        .map(|i| {
            let t = Timestamp::from_millis(end - i * 9 * 60_000).to_string();
            let status = if i % 4 == 0 { ExecutionStatus::Failed } else { ExecutionStatus::Completed };
            run(if i % 3 == 0 { GENERATOR } else { PIPELINE }, &t, status, Some(100 + i % 7))
        })
        .collect();
    insert(&env, &runs);
    let s = stats(&env, 90, "2026-03-10T12:00:00.000Z");
    let start = at("2025-12-11T00:00:00.000Z");
    let expected = runs.iter().filter(|r| r.created_at >= start).count() as i64;
    assert_eq!(s.totals.runs, expected);
    assert_eq!(s.days.iter().map(|d| d.runs).sum::<i64>(), expected);
    assert!(s.days.iter().all(|d| d.runs == 160), "160 runs every full day");
    let failed = runs.iter().filter(|r| r.created_at >= start && r.status == ExecutionStatus::Failed).count() as i64;
    assert_eq!(s.totals.failed, failed);
    assert_eq!(s.counts.executions, 20_000);
    assert_eq!(s.top_workflows.iter().map(|w| w.runs).sum::<i64>(), expected);
}
