//! Schedules (`docs/engine.md`, "Triggers"): enabled cron workflows run on time, in their time
//! zone, while the app runs, as executions with trigger `scheduled`.
//!
//! [`Scheduler`] is the pure part, driven by the times it is given (tests use a controllable
//! clock): [`Scheduler::catch_up`] says which schedules missed a run while the app was closed
//! and ask to catch up (the workflow's `trigger_config.catchUp`, default false: a missed run is
//! run once at start, however many were missed); [`Scheduler::tick`] says which schedules came
//! due since the last tick (each at most once per tick). [`spawn`] runs it over an [`Engine`]
//! with the system clock, reading the schedules again on every tick so edits apply at once.

use crate::handle::{blocking, RunRequest};
use crate::runner::Engine;
use serde_json::json;
use std::time::Duration;
use turbocat_domain::validate::next_runs;
use turbocat_domain::{Timestamp, TriggerType, Uuid};
use turbocat_services::runs::ScheduleEntry;

/// A run a schedule asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct Due {
    pub workflow_id: Uuid,
    /// The scheduled time it stands for.
    pub scheduled_for: Timestamp,
    /// A run missed while the app was closed.
    pub catch_up: bool,
}

impl Due {
    pub fn request(&self) -> RunRequest {
        RunRequest {
            workflow_id: self.workflow_id,
            input: json!({}),
            trigger_type: TriggerType::Scheduled,
            trigger_data: json!({ "scheduledFor": self.scheduled_for, "catchUp": self.catch_up }),
            as_user: None,
        }
    }
}

/// The first run time of `e` strictly after `after`; None when its cron or zone is invalid.
fn next_after(e: &ScheduleEntry, after: Timestamp) -> Option<Timestamp> {
    next_runs(&e.cron, &e.timezone, after, 1).ok()?.into_iter().next()
}

/// The scheduler's state: the time up to which runs were considered.
#[derive(Debug, Clone)]
pub struct Scheduler {
    since: Timestamp,
}

impl Scheduler {
    /// A scheduler started at `now`: runs after `now` are its business.
    pub fn new(now: Timestamp) -> Scheduler {
        Scheduler { since: now }
    }

    /// At start (`now`): for each schedule that asks to catch up, the latest run time it missed
    /// since its last scheduled execution (or since the workflow was created), if any.
    pub fn catch_up(&self, entries: &[ScheduleEntry], now: Timestamp) -> Vec<Due> {
        entries
            .iter()
            .filter(|e| e.catch_up)
            .filter_map(|e| {
                let from = e.last_scheduled_at.unwrap_or(e.created_at);
                let mut missed = next_after(e, from).filter(|t| t.millis() <= now.millis())?;
                // The latest missed time (bounded: a minutely cron closed for a year stops early).
                for _ in 0..10_000 {
                    match next_after(e, missed) {
                        Some(t) if t.millis() <= now.millis() => missed = t,
                        _ => break,
                    }
                }
                Some(Due { workflow_id: e.workflow_id, scheduled_for: missed, catch_up: true })
            })
            .collect()
    }

    /// The schedules with a run time in (last tick, `now`]; then `now` becomes the last tick.
    pub fn tick(&mut self, entries: &[ScheduleEntry], now: Timestamp) -> Vec<Due> {
        if now.millis() <= self.since.millis() {
            return Vec::new();
        }
        let since = self.since;
        self.since = now;
        entries
            .iter()
            .filter_map(|e| {
                let t = next_after(e, since).filter(|t| t.millis() <= now.millis())?;
                Some(Due { workflow_id: e.workflow_id, scheduled_for: t, catch_up: false })
            })
            .collect()
    }

    /// How long to sleep before the next tick: until the earliest next run, at least 200 ms and
    /// at most `max` (so edits of schedules are seen).
    pub fn sleep_for(&self, entries: &[ScheduleEntry], now: Timestamp, max: Duration) -> Duration {
        let earliest = entries.iter().filter_map(|e| next_after(e, self.since)).map(|t| t.millis()).min();
        let ms = earliest.map(|t| (t - now.millis()).max(0) as u64).unwrap_or(u64::MAX);
        Duration::from_millis(ms).clamp(Duration::from_millis(200), max.max(Duration::from_millis(200)))
    }
}

/// Starts the scheduler over `engine` with the system clock: catch-up runs first, then each
/// run on time. A run that cannot start (its workflow changed, say) is reported on standard
/// error and the schedule goes on. The task ends when the returned handle is aborted.
pub fn spawn(engine: Engine) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let svc = engine.services().clone();
        let load = || {
            let svc = svc.clone();
            async move { blocking(&svc, |s| s.runs().schedules()).await.unwrap_or_default() }
        };
        let mut sched = Scheduler::new(Timestamp::now());
        let entries = load().await;
        for due in sched.catch_up(&entries, Timestamp::now()) {
            start(&engine, &due).await;
        }
        loop {
            let entries = load().await;
            tokio::time::sleep(sched.sleep_for(&entries, Timestamp::now(), Duration::from_secs(30))).await;
            let entries = load().await;
            for due in sched.tick(&entries, Timestamp::now()) {
                start(&engine, &due).await;
            }
        }
    })
}

async fn start(engine: &Engine, due: &Due) {
    if let Err(e) = engine.start(due.request()).await {
        eprintln!("turbocat: the scheduled run of workflow {} could not start: {}", due.workflow_id, e.message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        Timestamp::from_millis(chrono_like(s))
    }

    /// Milliseconds of an RFC 3339 UTC time.
    fn chrono_like(s: &str) -> i64 {
        // YYYY-MM-DDTHH:MM:SSZ
        let p = |a: usize, b: usize| s[a..b].parse::<i64>().unwrap();
        let (y, m, d, hh, mm, ss) = (p(0, 4), p(5, 7), p(8, 10), p(11, 13), p(14, 16), p(17, 19));
        // Days from civil (Howard Hinnant).
        let y2 = if m <= 2 { y - 1 } else { y };
        let era = y2.div_euclid(400);
        let yoe = y2 - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        ((days * 24 + hh) * 60 + mm) * 60_000 + ss * 1000
    }

    fn entry(cron: &str, tz: &str, catch_up: bool, last: Option<&str>) -> ScheduleEntry {
        ScheduleEntry {
            workflow_id: Uuid::from_u128(1),
            cron: cron.into(),
            timezone: tz.into(),
            catch_up,
            last_scheduled_at: last.map(at),
            created_at: at("2026-01-01T00:00:00Z"),
        }
    }

    #[test]
    fn runs_come_due_once_at_their_time() {
        let e = [entry("0 9 * * *", "UTC", false, None)];
        let mut s = Scheduler::new(at("2026-03-01T08:59:00Z"));
        assert!(s.tick(&e, at("2026-03-01T08:59:59Z")).is_empty(), "not yet");
        let due = s.tick(&e, at("2026-03-01T09:00:00Z"));
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].scheduled_for, at("2026-03-01T09:00:00Z"));
        assert!(!due[0].catch_up);
        assert!(s.tick(&e, at("2026-03-01T09:00:01Z")).is_empty(), "not twice");
        assert!(s.tick(&e, at("2026-03-02T08:59:00Z")).is_empty());
        assert_eq!(s.tick(&e, at("2026-03-02T09:00:30Z")).len(), 1, "the next day");
        // A clock that goes back does nothing.
        assert!(s.tick(&e, at("2026-03-01T00:00:00Z")).is_empty());
    }

    #[test]
    fn the_time_zone_decides_the_hour() {
        // 09:00 in New York (EST, UTC-5, in January) is 14:00 UTC.
        let e = [entry("0 9 * * *", "America/New_York", false, None)];
        let mut s = Scheduler::new(at("2026-01-10T08:00:00Z"));
        assert!(s.tick(&e, at("2026-01-10T13:59:00Z")).is_empty());
        assert_eq!(s.tick(&e, at("2026-01-10T14:00:05Z"))[0].scheduled_for, at("2026-01-10T14:00:00Z"));
    }

    #[test]
    fn a_missed_run_is_caught_up_once_when_asked() {
        let now = at("2026-03-05T12:00:00Z");
        let s = Scheduler::new(now);
        // Last ran on the 1st at 09:00; missed the 2nd..5th: one catch-up, for the latest.
        let e = [entry("0 9 * * *", "UTC", true, Some("2026-03-01T09:00:00Z"))];
        let due = s.catch_up(&e, now);
        assert_eq!(
            due,
            vec![Due { workflow_id: Uuid::from_u128(1), scheduled_for: at("2026-03-05T09:00:00Z"), catch_up: true }]
        );
        assert_eq!(due[0].request().trigger_type, TriggerType::Scheduled);
        // Not asked: nothing; nothing missed: nothing.
        assert!(s.catch_up(&[entry("0 9 * * *", "UTC", false, Some("2026-03-01T09:00:00Z"))], now).is_empty());
        assert!(s.catch_up(&[entry("0 9 * * *", "UTC", true, Some("2026-03-05T09:00:00Z"))], now).is_empty());
        // Never ran: counted from the workflow's creation.
        assert_eq!(s.catch_up(&[entry("0 9 * * *", "UTC", true, None)], now).len(), 1);
        // An invalid schedule never comes due.
        assert!(s.catch_up(&[entry("nonsense", "UTC", true, None)], now).is_empty());
    }

    #[test]
    fn sleeps_until_the_next_run_within_bounds() {
        let now = at("2026-03-01T08:59:00Z");
        let s = Scheduler::new(now);
        let max = Duration::from_secs(30);
        assert_eq!(s.sleep_for(&[entry("0 9 * * *", "UTC", false, None)], now, max), max);
        assert_eq!(s.sleep_for(&[], now, max), max);
        let soon = at("2026-03-01T08:59:50Z");
        assert_eq!(s.sleep_for(&[entry("0 9 * * *", "UTC", false, None)], soon, max), Duration::from_secs(10));
    }
}
