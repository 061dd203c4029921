//! The Dashboard's numbers in one read: counts of what the user sees, the latest runs, runs per
//! day over a range (success rate, average duration), and the busiest workflows and agents.
//! Everything is an SQL aggregate in one snapshot; nothing loads whole tables into memory.
//!
//! Speed on large tables: the per-day and top-workflow queries walk the `executions.created_at`
//! index over the range only. Their `user_id` condition is written `+user_id` so that SQLite
//! does not prefer the `user_id` index instead: every local run belongs to the local profile,
//! so that index narrows nothing and would scan the whole table (a unit test checks the plan).

use crate::Actor;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use turbocat_domain::{validate::Checker, ExecutionStatus, Result, Timestamp, TriggerType, Uuid};
use turbocat_store::queries::{ts_value, uuid_value};
use turbocat_store::StoreError;

pub struct Stats<'a>(pub(crate) Actor<'a>);

const DAY_MS: i64 = 86_400_000;
/// How many runs "recent executions" holds.
pub const RECENT_LIMIT: usize = 10;
/// How many entries each "top" list holds.
pub const TOP_LIMIT: usize = 5;
pub const DEFAULT_DAYS: u32 = 30;
pub const MAX_DAYS: u32 = 366;

#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, optional_fields)]
pub struct StatsQuery {
    /// How many days the charts cover, today included: 1–366 (default 30).
    pub days: Option<u32>,
    /// The caller's offset from UTC in minutes (UTC+2 is 120), so that days start at the
    /// caller's midnight; -840–840 (default 0, UTC days).
    pub utc_offset_minutes: Option<i32>,
}

/// How many rows the user sees on each page (the lists' own visibility rules).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct EntityCounts {
    /// Own and public agents, not deleted.
    pub agents: i64,
    /// Own and public workflows, not deleted.
    pub workflows: i64,
    /// Official, public and own templates, not deleted.
    pub templates: i64,
    /// Every run of the user, whatever its status.
    pub executions: i64,
    /// Own deployments, not deleted.
    pub deployments: i64,
    /// Own deployments that are up: running, starting or in maintenance.
    pub active_deployments: i64,
    /// Own API keys that are active and not expired.
    pub api_keys: i64,
}

/// One of the latest runs, with its workflow's name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RecentExecution {
    pub id: Uuid,
    pub workflow_id: Uuid,
    /// Empty when the workflow row is gone.
    pub workflow_name: String,
    pub status: ExecutionStatus,
    pub trigger_type: TriggerType,
    pub created_at: Timestamp,
    pub duration_ms: Option<i64>,
}

/// The runs created on one day (the caller's day, see [`StatsQuery::utc_offset_minutes`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DayStats {
    /// `YYYY-MM-DD`.
    pub day: String,
    /// Every run created that day, finished or not.
    pub runs: i64,
    pub completed: i64,
    /// Failed or timed out.
    pub failed: i64,
    pub cancelled: i64,
    /// completed / (completed + failed), 0–1; null on a day with neither (a gap in the chart).
    pub success_rate: Option<f64>,
    /// The mean duration of the completed and failed runs, rounded; null when there are none.
    pub avg_duration_ms: Option<i64>,
}

/// The whole range in one line, with the same definitions as [`DayStats`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RangeTotals {
    pub runs: i64,
    pub completed: i64,
    pub failed: i64,
    pub cancelled: i64,
    pub success_rate: Option<f64>,
    pub avg_duration_ms: Option<i64>,
}

/// A workflow or agent with how often it ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TopEntry {
    pub id: Uuid,
    pub name: String,
    pub runs: i64,
    pub successful: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DashboardStats {
    pub counts: EntityCounts,
    /// The latest runs, newest first (at most ten), whatever the range.
    pub recent: Vec<RecentExecution>,
    /// Every day of the range, oldest first; days without runs are present with zeros.
    pub days: Vec<DayStats>,
    pub totals: RangeTotals,
    /// Workflows with the most runs created in the range, most first.
    pub top_workflows: Vec<TopEntry>,
    /// Agents with the most step runs ever (their counters), most first.
    pub top_agents: Vec<TopEntry>,
    /// When the numbers were taken.
    pub as_of: Timestamp,
}

/// The per-day aggregate: one row per day that has runs. `?4` is an SQLite date modifier that
/// shifts UTC to the caller's clock (`+120 minutes`).
const DAYS_SQL: &str = "SELECT strftime('%Y-%m-%d', created_at, ?4) AS day,
        count(*),
        sum(status = 'completed'),
        sum(status IN ('failed', 'timeout')),
        sum(status = 'cancelled'),
        sum(CASE WHEN status IN ('completed', 'failed', 'timeout') THEN duration_ms END),
        count(CASE WHEN status IN ('completed', 'failed', 'timeout') THEN duration_ms END)
    FROM executions
    WHERE +user_id = ?1 AND created_at >= ?2 AND created_at < ?3
    GROUP BY day";

const TOP_WORKFLOWS_SQL: &str = "SELECT t.workflow_id, coalesce(w.name, ''), t.runs, t.ok FROM (
        SELECT workflow_id, count(*) AS runs, sum(status = 'completed') AS ok
        FROM executions
        WHERE +user_id = ?1 AND created_at >= ?2 AND created_at < ?3
        GROUP BY workflow_id ORDER BY runs DESC LIMIT ?4
    ) t LEFT JOIN workflows w ON w.id = t.workflow_id
    ORDER BY t.runs DESC, w.name ASC";

const TOP_AGENTS_SQL: &str = "SELECT id, name, total_executions, successful_executions FROM agents
    WHERE deleted_at IS NULL AND (user_id = ?1 OR is_public = 1) AND total_executions > 0
    ORDER BY total_executions DESC, name ASC LIMIT ?2";

const RECENT_SQL: &str = "SELECT e.id, e.workflow_id, coalesce(w.name, ''), e.status, e.trigger_type,
        e.created_at, e.duration_ms
    FROM executions e LEFT JOIN workflows w ON w.id = e.workflow_id
    WHERE +e.user_id = ?1
    ORDER BY e.created_at DESC, e.id DESC LIMIT ?2";

const COUNTS_SQL: &str = "SELECT
    (SELECT count(*) FROM agents WHERE deleted_at IS NULL AND (user_id = ?1 OR is_public = 1)),
    (SELECT count(*) FROM workflows WHERE deleted_at IS NULL AND (user_id = ?1 OR is_public = 1)),
    (SELECT count(*) FROM templates
        WHERE deleted_at IS NULL AND (is_official = 1 OR is_public = 1 OR user_id = ?1)),
    (SELECT count(*) FROM executions WHERE user_id = ?1),
    (SELECT count(*) FROM deployments WHERE deleted_at IS NULL AND user_id = ?1),
    (SELECT count(*) FROM deployments WHERE deleted_at IS NULL AND user_id = ?1
        AND status IN ('running', 'starting', 'maintenance')),
    (SELECT count(*) FROM api_keys WHERE deleted_at IS NULL AND user_id = ?1 AND is_active = 1
        AND (expires_at IS NULL OR expires_at > ?2))";

/// The range in UTC and its day labels.
struct Range {
    start: Timestamp,
    end: Timestamp,
    labels: Vec<String>,
    modifier: String,
}

fn range(days: u32, offset_minutes: i32, now: Timestamp) -> Range {
    let offset_ms = i64::from(offset_minutes) * 60_000;
    let local_today = (now.millis() + offset_ms).div_euclid(DAY_MS) * DAY_MS;
    let local_start = local_today - i64::from(days - 1) * DAY_MS;
    let labels = (0..i64::from(days))
        .map(|i| {
            let mut s = Timestamp::from_millis(local_start + i * DAY_MS).to_string();
            s.truncate(10);
            s
        })
        .collect();
    Range {
        start: Timestamp::from_millis(local_start - offset_ms),
        end: Timestamp::from_millis(local_today + DAY_MS - offset_ms),
        labels,
        modifier: format!("{offset_minutes:+} minutes"),
    }
}

/// completed / (completed + failed), or None when nothing finished either way.
fn rate(completed: i64, failed: i64) -> Option<f64> {
    let finished = completed + failed;
    (finished > 0).then(|| completed as f64 / finished as f64)
}

fn mean(sum: i64, n: i64) -> Option<i64> {
    (n > 0).then(|| (sum as f64 / n as f64).round() as i64)
}

fn sql_err(e: rusqlite::Error) -> turbocat_domain::Error {
    StoreError::from(e).into()
}

fn parse_enum<E: std::str::FromStr>(text: String, idx: usize) -> rusqlite::Result<E> {
    text.parse().map_err(|_| rusqlite::Error::InvalidColumnType(idx, text, rusqlite::types::Type::Text))
}

fn parse_uuid(text: String, idx: usize) -> rusqlite::Result<Uuid> {
    text.parse().map_err(|_| rusqlite::Error::InvalidColumnType(idx, text, rusqlite::types::Type::Text))
}

fn top(conn: &Connection, sql: &str, args: &[&dyn rusqlite::ToSql]) -> rusqlite::Result<Vec<TopEntry>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(args, |r| {
        Ok(TopEntry {
            id: parse_uuid(r.get(0)?, 0)?,
            name: r.get(1)?,
            runs: r.get(2)?,
            successful: r.get::<_, Option<i64>>(3)?.unwrap_or(0),
        })
    })?;
    rows.collect()
}

impl Stats<'_> {
    /// The Dashboard's numbers as of now.
    pub fn dashboard(&self, q: &StatsQuery) -> Result<DashboardStats> {
        self.dashboard_as_of(q, crate::now())
    }

    /// The Dashboard's numbers as if it were `now` (the range ends with `now`'s day); runs
    /// created after that day are left out of the charts.
    pub fn dashboard_as_of(&self, q: &StatsQuery, now: Timestamp) -> Result<DashboardStats> {
        let mut c = Checker::new();
        let days = q.days.unwrap_or(DEFAULT_DAYS);
        c.range("days", i64::from(days), 1, i64::from(MAX_DAYS));
        let offset = q.utc_offset_minutes.unwrap_or(0);
        c.range("utcOffsetMinutes", i64::from(offset), -840, 840);
        c.finish()?;
        let r = range(days, offset, now);
        let me = uuid_value(self.0.user_id);
        let (start, end) = (ts_value(r.start), ts_value(r.end));

        self.0.store().read(|conn| {
            let counts = conn
                .prepare_cached(COUNTS_SQL)
                .and_then(|mut s| {
                    s.query_row(params![me, ts_value(now)], |x| {
                        Ok(EntityCounts {
                            agents: x.get(0)?,
                            workflows: x.get(1)?,
                            templates: x.get(2)?,
                            executions: x.get(3)?,
                            deployments: x.get(4)?,
                            active_deployments: x.get(5)?,
                            api_keys: x.get(6)?,
                        })
                    })
                })
                .map_err(sql_err)?;

            let recent = conn
                .prepare_cached(RECENT_SQL)
                .and_then(|mut s| {
                    let rows = s.query_map(params![me, RECENT_LIMIT as i64], |x| {
                        Ok(RecentExecution {
                            id: parse_uuid(x.get(0)?, 0)?,
                            workflow_id: parse_uuid(x.get(1)?, 1)?,
                            workflow_name: x.get(2)?,
                            status: parse_enum(x.get(3)?, 3)?,
                            trigger_type: parse_enum(x.get(4)?, 4)?,
                            created_at: parse_enum(x.get(5)?, 5)?,
                            duration_ms: x.get(6)?,
                        })
                    })?;
                    rows.collect::<rusqlite::Result<Vec<_>>>()
                })
                .map_err(sql_err)?;

            // (runs, completed, failed, cancelled, duration sum, durations counted) per day.
            let mut by_day = std::collections::HashMap::<String, [i64; 6]>::new();
            {
                let mut s = conn.prepare_cached(DAYS_SQL).map_err(sql_err)?;
                let rows = s
                    .query_map(params![me, start, end, r.modifier], |x| {
                        let mut v = [0i64; 6];
                        for (i, slot) in v.iter_mut().enumerate() {
                            *slot = x.get::<_, Option<i64>>(i + 1)?.unwrap_or(0);
                        }
                        Ok((x.get::<_, String>(0)?, v))
                    })
                    .map_err(sql_err)?;
                for row in rows {
                    let (day, v) = row.map_err(sql_err)?;
                    by_day.insert(day, v);
                }
            }
            let mut sum = [0i64; 6];
            let days: Vec<DayStats> = r
                .labels
                .iter()
                .map(|day| {
                    let v = by_day.get(day).copied().unwrap_or_default();
                    for (t, x) in sum.iter_mut().zip(v) {
                        *t += x;
                    }
                    DayStats {
                        day: day.clone(),
                        runs: v[0],
                        completed: v[1],
                        failed: v[2],
                        cancelled: v[3],
                        success_rate: rate(v[1], v[2]),
                        avg_duration_ms: mean(v[4], v[5]),
                    }
                })
                .collect();
            let totals = RangeTotals {
                runs: sum[0],
                completed: sum[1],
                failed: sum[2],
                cancelled: sum[3],
                success_rate: rate(sum[1], sum[2]),
                avg_duration_ms: mean(sum[4], sum[5]),
            };

            let top_workflows =
                top(conn, TOP_WORKFLOWS_SQL, &[&me, &start, &end, &(TOP_LIMIT as i64)]).map_err(sql_err)?;
            let top_agents = top(conn, TOP_AGENTS_SQL, &[&me, &(TOP_LIMIT as i64)]).map_err(sql_err)?;

            Ok(DashboardStats { counts, recent, days, totals, top_workflows, top_agents, as_of: now })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn the_range_ends_with_the_callers_today() {
        let r = range(3, 0, at("2026-03-10T23:30:00.000Z"));
        assert_eq!(r.labels, ["2026-03-08", "2026-03-09", "2026-03-10"]);
        assert_eq!(
            (r.start.to_string(), r.end.to_string()),
            ("2026-03-08T00:00:00.000Z".into(), "2026-03-11T00:00:00.000Z".into())
        );
        assert_eq!(r.modifier, "+0 minutes");
        // 23:30 UTC is already the 11th at UTC+2, whose days start at 22:00 UTC.
        let r = range(2, 120, at("2026-03-10T23:30:00.000Z"));
        assert_eq!(r.labels, ["2026-03-10", "2026-03-11"]);
        assert_eq!(r.start.to_string(), "2026-03-09T22:00:00.000Z");
        assert_eq!(r.modifier, "+120 minutes");
        let r = range(1, -300, at("2026-03-10T02:00:00.000Z"));
        assert_eq!(r.labels, ["2026-03-09"]);
        assert_eq!(
            (r.start.to_string(), r.end.to_string()),
            ("2026-03-09T05:00:00.000Z".into(), "2026-03-10T05:00:00.000Z".into())
        );
        assert_eq!(r.modifier, "-300 minutes");
    }

    #[test]
    fn rates_and_means_are_empty_without_finished_runs() {
        assert_eq!(rate(0, 0), None);
        assert_eq!(rate(3, 1), Some(0.75));
        assert_eq!(mean(0, 0), None);
        assert_eq!(mean(5, 2), Some(3));
    }

    /// The range queries must walk the created_at index, never the whole table.
    #[test]
    fn range_queries_use_the_created_at_index() {
        let dir = tempfile::tempdir().unwrap();
        let svc =
            crate::Services::open(&dir.path().join("t.sqlite"), crate::OpenOptions { seed_on_first_start: false })
                .unwrap();
        let plan = |sql: &str, n: usize| -> String {
            svc.store()
                .read(|c| {
                    let mut s = c.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).map_err(sql_err)?;
                    let args: Vec<String> = (0..n).map(|_| "x".to_string()).collect();
                    let rows = s
                        .query_map(rusqlite::params_from_iter(args.iter()), |r| r.get::<_, String>(3))
                        .map_err(sql_err)?;
                    Ok(rows.collect::<rusqlite::Result<Vec<_>>>().map_err(sql_err)?.join("\n"))
                })
                .unwrap()
        };
        for (sql, n) in [(DAYS_SQL, 4), (TOP_WORKFLOWS_SQL, 4)] {
            let p = plan(sql, n);
            assert!(p.contains("executions_created_at_idx (created_at>? AND created_at<?)"), "{p}");
        }
        // The latest runs: the index in order, stopping after ten.
        let p = plan(RECENT_SQL, 2);
        assert!(p.contains("SCAN e USING INDEX executions_created_at_idx"), "{p}");
    }
}
