//! Executions: create (only an active workflow with steps), get with step counts, list, logs,
//! cancel (`docs/rules.md`, "Executions"). Running them is the engine's work; this module holds the
//! rows and the rules every caller shares.

use crate::access;
use crate::list::ListParams;
use crate::{now, Actor};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value as Json};
use turbocat_domain::{
    new_id, Error, Execution, ExecutionLog, ExecutionStatus, LogLevel, Page, Result, StepStatus, TriggerType, Uuid,
    Workflow, WorkflowStatus,
};
use turbocat_store::queries::{self, uuid_value, Filter};
use turbocat_store::row;

pub struct Executions<'a>(pub(crate) Actor<'a>);

#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, optional_fields)]
pub struct CreateExecution {
    pub workflow_id: Uuid,
    pub trigger_type: Option<TriggerType>,
    pub trigger_data: Option<Json>,
    pub input_data: Option<Json>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, optional_fields)]
pub struct ExecutionQuery {
    #[serde(flatten)]
    pub list: ListParams,
    pub workflow_id: Option<Uuid>,
    pub status: Option<ExecutionStatus>,
    pub trigger_type: Option<TriggerType>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, optional_fields)]
pub struct LogQuery {
    pub level: Option<LogLevel>,
    pub step_key: Option<String>,
    /// `asc` (default: oldest first) or `desc`.
    pub sort_order: Option<String>,
    pub page: Option<u32>,
    pub page_size: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StepCounts {
    pub total: i64,
    pub pending: i64,
    pub running: i64,
    pub completed: i64,
    pub failed: i64,
    pub skipped: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExecutionDetail {
    #[serde(flatten)]
    pub execution: Execution,
    pub workflow_name: String,
    pub step_counts: StepCounts,
}

pub const SORTABLE: &[&str] = &["created_at", "updated_at", "started_at", "completed_at", "duration_ms", "status"];

/// Workflow counters after a finished execution, in the caller's transaction (`docs/rules.md`,
/// "Counters"). Only completed and failed/timed-out runs count as successes or failures.
pub(crate) fn count_finished(conn: &rusqlite::Connection, e: &Execution) -> Result<()> {
    let Some(mut w) = row::get::<Workflow>(conn, e.workflow_id)? else { return Ok(()) };
    let duration = e.duration_ms.unwrap_or(0);
    w.avg_execution_time_ms = ((w.avg_execution_time_ms as f64 * w.total_executions as f64 + duration as f64)
        / (w.total_executions + 1) as f64)
        .round() as i64;
    w.total_executions += 1;
    match e.status {
        ExecutionStatus::Completed => w.successful_executions += 1,
        ExecutionStatus::Failed | ExecutionStatus::Timeout => w.failed_executions += 1,
        _ => {}
    }
    w.last_execution_at = e.completed_at;
    w.updated_at = now();
    row::update(conn, &w)?;
    Ok(())
}

impl Executions<'_> {
    pub fn create(&self, input: CreateExecution) -> Result<Execution> {
        self.0.store().write(|tx| self.create_in(tx, input))
    }

    /// Create inside the caller's transaction (the engine's start adds its own writes).
    pub(crate) fn create_in(&self, tx: &rusqlite::Connection, input: CreateExecution) -> Result<Execution> {
        if let Some(v) = &input.input_data {
            if !v.is_object() {
                return Err(Error::validation_field("inputData", "inputData must be an object"));
            }
        }
        {
            let w = access::visible::<Workflow>(tx, self.0.user_id, input.workflow_id)?;
            if w.status != WorkflowStatus::Active {
                return Err(Error::bad_request(format!(
                    "Cannot execute workflow in \"{}\" status. Workflow must be ACTIVE.",
                    w.status
                )));
            }
            // A workflow with no steps runs, and completes at once with an empty output
            // (docs/rules.md; the hosted service refused it, its clients expect it to run).
            let steps = queries::steps_of(tx, w.id)?;
            let t = now();
            let e = Execution {
                id: new_id(),
                workflow_id: w.id,
                user_id: self.0.user_id,
                status: ExecutionStatus::Pending,
                trigger_type: input.trigger_type.unwrap_or(TriggerType::Manual),
                trigger_data: input.trigger_data.unwrap_or_else(|| json!({})),
                started_at: None,
                completed_at: None,
                duration_ms: None,
                input_data: input.input_data.unwrap_or_else(|| json!({})),
                output_data: json!({}),
                steps_completed: 0,
                steps_failed: 0,
                steps_total: steps.len() as i64,
                error_message: None,
                error_stack: None,
                created_at: t,
                updated_at: t,
            };
            row::insert(tx, &e)?;
            self.0.audit_row(
                tx,
                "workflow.execute",
                "execution",
                Some(e.id),
                json!({ "after": { "workflowId": w.id, "triggerType": e.trigger_type, "status": e.status } }),
            )?;
            Ok(e)
        }
    }

    pub fn get(&self, id: Uuid) -> Result<ExecutionDetail> {
        self.0.store().read(|c| {
            let execution = access::visible_execution(c, self.0.user_id, id)?;
            let workflow_name = row::get::<Workflow>(c, execution.workflow_id)?.map(|w| w.name).unwrap_or_default();
            // The latest status of each step, from its log rows.
            let mut counts = StepCounts { total: execution.steps_total, ..Default::default() };
            let mut seen = 0;
            for (status, n) in turbocat_store::queries::lookups::step_status_counts(c, id)? {
                seen += n;
                match status.parse::<StepStatus>()? {
                    StepStatus::Pending => counts.pending += n,
                    StepStatus::Running => counts.running += n,
                    StepStatus::Completed => counts.completed += n,
                    StepStatus::Failed => counts.failed += n,
                    StepStatus::Skipped => counts.skipped += n,
                }
            }
            counts.pending += (counts.total - seen).max(0);
            Ok(ExecutionDetail { execution, workflow_name, step_counts: counts })
        })
    }

    pub fn list(&self, q: &ExecutionQuery) -> Result<Page<Execution>> {
        let r = q.list.resolve(SORTABLE, "created_at")?;
        let mut f = Filter::new();
        f.eq("user_id", uuid_value(self.0.user_id));
        if let Some(w) = q.workflow_id {
            f.eq("workflow_id", uuid_value(w));
        }
        if let Some(s) = q.status {
            f.eq("status", s.as_str());
        }
        if let Some(t) = q.trigger_type {
            f.eq("trigger_type", t.as_str());
        }
        if let Some(s) = q.list.search_term() {
            f.search(&["error_message"], s);
        }
        r.fetch::<Execution>(self.0.store(), &f)
    }

    /// Logs of an execution, oldest first by default; filters by level and step key.
    pub fn logs(&self, id: Uuid, q: &LogQuery) -> Result<Page<ExecutionLog>> {
        let params = ListParams {
            page: q.page,
            page_size: Some(q.page_size.unwrap_or(100)),
            sort_by: None,
            sort_order: Some(q.sort_order.clone().unwrap_or_else(|| "asc".into())),
            ..Default::default()
        };
        let r = params.resolve(&["created_at"], "created_at")?;
        let mut f = Filter::new();
        f.eq("execution_id", uuid_value(id));
        if let Some(l) = q.level {
            f.eq("level", l.as_str());
        }
        if let Some(k) = &q.step_key {
            f.eq("step_key", k.as_str());
        }
        // Ties in time are broken by step key, then id (UUIDv7: insertion order).
        let dir = if r.order.ends_with("ASC") { "ASC" } else { "DESC" };
        let order = format!("{}, step_key {dir}, id {dir}", r.order);
        self.0.store().read(|c| {
            access::visible_execution(c, self.0.user_id, id)?;
            let (items, total) = queries::page::<ExecutionLog>(c, &f, &order, r.page_size, r.offset())?;
            Ok(Page::new(items, total, r.page, r.page_size))
        })
    }

    /// Appends log rows of a run in one transaction (no audit row: logs are the run's output,
    /// not a user's change). The bulk path of the engine.
    pub fn append_logs(&self, logs: &[ExecutionLog]) -> Result<usize> {
        self.0.store().write(|tx| Ok(row::insert_many(tx, logs.iter())?))
    }

    /// Cancels a pending or running execution (`docs/rules.md`).
    pub fn cancel(&self, id: Uuid) -> Result<Execution> {
        self.0.store().write(|tx| {
            let before = access::visible_execution(tx, self.0.user_id, id)?;
            if before.user_id != self.0.user_id {
                return Err(Error::forbidden("This execution belongs to another user"));
            }
            if before.status.is_terminal() {
                return Err(Error::bad_request(format!(
                    "Cannot cancel execution in \"{}\" status. Execution must be PENDING or RUNNING.",
                    before.status
                )));
            }
            let t = now();
            let mut e = before.clone();
            e.status = ExecutionStatus::Cancelled;
            e.completed_at = Some(t);
            e.duration_ms = Some(e.started_at.map(|s| (t.millis() - s.millis()).max(0)).unwrap_or(0));
            e.updated_at = t;
            row::update(tx, &e)?;
            let log = ExecutionLog {
                id: new_id(),
                execution_id: id,
                workflow_step_id: None,
                level: LogLevel::Warn,
                message: "Execution cancelled by user".into(),
                metadata: json!({}),
                step_key: None,
                step_status: None,
                step_started_at: None,
                step_completed_at: None,
                step_duration_ms: None,
                created_at: t,
            };
            row::insert(tx, &log)?;
            count_finished(tx, &e)?;
            self.0.audit_row(tx, "execution.cancel", "execution", Some(id), crate::changes(&before, &e))?;
            Ok(e)
        })
    }
}
