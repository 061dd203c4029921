//! The ten tables' column lists (one declaration each) and the queries shared by every table:
//! filtered, sorted, paged lists. Per-table queries that need more live in their own module.

pub mod audit;
pub mod lookups;
pub mod settings;

use crate::error::StoreResult;
use crate::row::{columns, Table};
use crate::table;
use rusqlite::types::Value;
use rusqlite::Connection;
use turbocat_domain::*;

table!(User, "users", [
    id: uuid, email: text, password_hash: opt_text, full_name: opt_text, avatar_url: opt_text,
    role: enumv, is_active: boolean, email_verified: boolean, email_verified_at: opt_ts,
    last_login_at: opt_ts, preferences: json, created_at: ts, updated_at: ts, deleted_at: opt_ts,
]);

table!(Agent, "agents", [
    id: uuid, name: text, description: opt_text, agent_type as "type": enumv, status: enumv,
    version: int, parent_id: opt_uuid, user_id: uuid, config: json, capabilities: json,
    parameters: json, max_execution_time: opt_int, max_memory_mb: opt_int,
    max_concurrent_executions: opt_int, total_executions: int, successful_executions: int,
    failed_executions: int, avg_execution_time_ms: int, tags: list, is_public: boolean,
    is_template: boolean, created_at: ts, updated_at: ts, deleted_at: opt_ts,
]);

table!(Workflow, "workflows", [
    id: uuid, name: text, description: opt_text, user_id: uuid, status: enumv, version: int,
    parent_id: opt_uuid, definition: json, trigger_config: json, schedule_enabled: boolean,
    schedule_cron: opt_text, schedule_timezone: text, total_executions: int,
    successful_executions: int, failed_executions: int, avg_execution_time_ms: int,
    last_execution_at: opt_ts, tags: list, is_public: boolean, created_at: ts, updated_at: ts,
    deleted_at: opt_ts,
]);

table!(WorkflowStep, "workflow_steps", [
    id: uuid, workflow_id: uuid, agent_id: opt_uuid, step_key: text, step_name: text,
    step_type: enumv, position: int, config: json, inputs: json, outputs: json, depends_on: list,
    retry_count: int, retry_delay_ms: int, timeout_ms: int, on_error: enumv, created_at: ts,
    updated_at: ts,
]);

table!(Execution, "executions", [
    id: uuid, workflow_id: uuid, user_id: uuid, status: enumv, trigger_type: enumv,
    trigger_data: json, started_at: opt_ts, completed_at: opt_ts, duration_ms: opt_int,
    input_data: json, output_data: json, steps_completed: int, steps_failed: int,
    steps_total: int, error_message: opt_text, error_stack: opt_text, created_at: ts,
    updated_at: ts,
]);

table!(ExecutionLog, "execution_logs", [
    id: uuid, execution_id: uuid, workflow_step_id: opt_uuid, level: enumv, message: text,
    metadata: json, step_key: opt_text, step_status: opt_enumv, step_started_at: opt_ts,
    step_completed_at: opt_ts, step_duration_ms: opt_int, created_at: ts,
]);

table!(Template, "templates", [
    id: uuid, name: text, description: opt_text, category: text, template_type as "type": enumv,
    user_id: opt_uuid, template_data: json, tags: list, is_official: boolean, is_public: boolean,
    usage_count: int, rating_average: hundredths, rating_count: int, created_at: ts,
    updated_at: ts, deleted_at: opt_ts,
]);

table!(Deployment, "deployments", [
    id: uuid, name: text, description: opt_text, user_id: uuid, workflow_id: opt_uuid,
    agent_id: opt_uuid, environment: enumv, status: enumv, config: json, environment_vars: json,
    endpoint_url: opt_text, api_key_hash: opt_text, allocated_memory_mb: int,
    allocated_cpu_shares: int, deployed_at: opt_ts, last_health_check_at: opt_ts,
    health_status: enumv, total_requests: int, total_errors: int, avg_response_time_ms: int,
    created_at: ts, updated_at: ts, deleted_at: opt_ts,
]);

table!(ApiKey, "api_keys", [
    id: uuid, user_id: uuid, name: text, key_hash: text, key_prefix: text, scopes: list,
    is_active: boolean, expires_at: opt_ts, last_used_at: opt_ts, usage_count: int,
    rate_limit_per_minute: int, created_at: ts, updated_at: ts, deleted_at: opt_ts,
]);

table!(AuditLog, "audit_logs", [
    id: uuid, user_id: opt_uuid, action: text, resource_type: text, resource_id: opt_uuid,
    changes: json, metadata: json, ip_address: opt_text, user_agent: opt_text, created_at: ts,
]);

/// A value a [`Filter`] can bind.
pub trait SqlValue {
    fn into_value(self) -> Value;
}

impl SqlValue for Value {
    fn into_value(self) -> Value {
        self
    }
}

impl SqlValue for &str {
    fn into_value(self) -> Value {
        Value::Text(self.to_string())
    }
}

impl SqlValue for i64 {
    fn into_value(self) -> Value {
        Value::Integer(self)
    }
}

/// A WHERE clause built from parts, with its parameters. Column names come from the callers'
/// whitelists, never from user input; values are always bound.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    clauses: Vec<String>,
    params: Vec<Value>,
}

impl Filter {
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds a raw condition whose `?` placeholders take `params` in order.
    pub fn and(&mut self, sql: &str, params: impl IntoIterator<Item = Value>) -> &mut Self {
        self.clauses.push(format!("({sql})"));
        self.params.extend(params);
        self
    }
    pub fn eq(&mut self, column: &str, value: impl SqlValue) -> &mut Self {
        self.and(&format!("{column} = ?"), [value.into_value()])
    }
    pub fn not_deleted(&mut self) -> &mut Self {
        self.and("deleted_at IS NULL", [])
    }
    /// Case-insensitive substring match on any of the columns.
    pub fn search(&mut self, columns: &[&str], term: &str) -> &mut Self {
        let escaped = term.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        let sql: Vec<String> = columns.iter().map(|c| format!("lower({c}) LIKE ? ESCAPE '\\'")).collect();
        self.and(&sql.join(" OR "), columns.iter().map(|_| Value::Text(pattern.clone())))
    }
    /// Rows whose JSON-array column holds any of the values.
    pub fn any_of(&mut self, column: &str, values: &[String]) -> &mut Self {
        if values.is_empty() {
            return self;
        }
        let marks = vec!["?"; values.len()].join(", ");
        self.and(
            &format!("EXISTS (SELECT 1 FROM json_each({column}) WHERE json_each.value IN ({marks}))"),
            values.iter().map(|v| Value::Text(v.clone())),
        )
    }
    pub fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.clauses.join(" AND "))
        }
    }
    pub fn params(&self) -> &[Value] {
        &self.params
    }
}

pub fn uuid_value(id: Uuid) -> Value {
    Value::Text(crate::row::id_text(&id))
}

pub fn ts_value(t: Timestamp) -> Value {
    Value::Text(t.to_string())
}

/// The number of rows matching the filter.
pub fn count<T: Table>(conn: &Connection, filter: &Filter) -> StoreResult<u64> {
    let mut stmt = conn.prepare_cached(&format!("SELECT count(*) FROM {} {}", T::NAME, filter.sql()))?;
    let n: i64 = stmt.query_row(rusqlite::params_from_iter(filter.params()), |r| r.get(0))?;
    Ok(n as u64)
}

/// One page of rows. `order` is a whitelisted `column ASC|DESC`; the id breaks ties so pages
/// never overlap.
pub fn rows<T: Table>(conn: &Connection, filter: &Filter, order: &str, limit: u32, offset: u64) -> StoreResult<Vec<T>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {} FROM {} {} ORDER BY {order}, id DESC LIMIT {limit} OFFSET {offset}",
        columns::<T>(),
        T::NAME,
        filter.sql()
    ))?;
    let rows = stmt.query_map(rusqlite::params_from_iter(filter.params()), |r| T::from_row(r))?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// One page of rows and the total count of the filter, in the caller's snapshot.
pub fn page<T: Table>(
    conn: &Connection,
    filter: &Filter,
    order: &str,
    limit: u32,
    offset: u64,
) -> StoreResult<(Vec<T>, u64)> {
    Ok((rows::<T>(conn, filter, order, limit, offset)?, count::<T>(conn, filter)?))
}

/// Every row matching the filter, in the given order (no paging).
pub fn all<T: Table>(conn: &Connection, filter: &Filter, order: &str) -> StoreResult<Vec<T>> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {} FROM {} {} ORDER BY {order}", columns::<T>(), T::NAME, filter.sql()))?;
    let rows = stmt.query_map(rusqlite::params_from_iter(filter.params()), |r| T::from_row(r))?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Steps of a workflow in display order.
pub fn steps_of(conn: &Connection, workflow_id: Uuid) -> StoreResult<Vec<WorkflowStep>> {
    let mut f = Filter::new();
    f.eq("workflow_id", uuid_value(workflow_id));
    all::<WorkflowStep>(conn, &f, "position ASC, step_key ASC")
}
