//! What the app writes on the far side: the ten tables' columns with their types and
//! nullability, and the enums' labels (docs/schema.md). The compatibility check compares the
//! far catalog with this; `migrations/postgres/V1__init.sql` creates exactly this (a test checks
//! that a fresh init reports nothing).

/// The DDL `sync init` runs (with search_path set to the chosen schema).
pub const INIT_SQL: &str = include_str!("../../../../migrations/postgres/V1__init.sql");

/// What `sync init` adds to the hosted schema: an index per table on the column its pull
/// cursor walks, so an incremental pull reads only what changed (the hosted Prisma schema has
/// none on `updated_at`; the compatibility check suggests them for an existing project).
pub const PULL_INDEXES_SQL: &str = include_str!("../../../../migrations/postgres/V2__pull_indexes.sql");

/// One table per line: `table: column type[!], …` where `!` means NOT NULL. Types are spelled
/// as [`normalize_type`] spells the catalog's: `uuid`, `text`, `int`, `bool`, `jsonb`,
/// `varchar(n)`, `timestamp(3)`, `decimal(p,s)`, `text[]`, or an enum's type name.
const TABLES: &str = "\
users: id uuid!, email varchar(255)!, password_hash varchar(255), full_name varchar(255), avatar_url text, \
role UserRole!, is_active bool!, email_verified bool!, email_verified_at timestamp(3), \
last_login_at timestamp(3), preferences jsonb!, created_at timestamp(3)!, updated_at timestamp(3)!, \
deleted_at timestamp(3)
agents: id uuid!, name varchar(255)!, description text, type AgentType!, status AgentStatus!, \
version int!, parent_id uuid, user_id uuid!, config jsonb!, capabilities jsonb!, parameters jsonb!, \
max_execution_time int, max_memory_mb int, max_concurrent_executions int, total_executions int!, \
successful_executions int!, failed_executions int!, avg_execution_time_ms int!, tags text[], \
is_public bool!, is_template bool!, created_at timestamp(3)!, updated_at timestamp(3)!, deleted_at timestamp(3)
workflows: id uuid!, name varchar(255)!, description text, user_id uuid!, status WorkflowStatus!, \
version int!, parent_id uuid, definition jsonb!, trigger_config jsonb!, schedule_enabled bool!, \
schedule_cron varchar(100), schedule_timezone varchar(50)!, total_executions int!, \
successful_executions int!, failed_executions int!, avg_execution_time_ms int!, \
last_execution_at timestamp(3), tags text[], is_public bool!, created_at timestamp(3)!, \
updated_at timestamp(3)!, deleted_at timestamp(3)
workflow_steps: id uuid!, workflow_id uuid!, agent_id uuid, step_key varchar(100)!, \
step_name varchar(255)!, step_type WorkflowStepType!, position int!, config jsonb!, inputs jsonb!, \
outputs jsonb!, depends_on text[], retry_count int!, retry_delay_ms int!, timeout_ms int!, \
on_error ErrorHandling!, created_at timestamp(3)!, updated_at timestamp(3)!
executions: id uuid!, workflow_id uuid!, user_id uuid!, status ExecutionStatus!, \
trigger_type TriggerType!, trigger_data jsonb!, started_at timestamp(3), completed_at timestamp(3), \
duration_ms int, input_data jsonb!, output_data jsonb!, steps_completed int!, steps_failed int!, \
steps_total int!, error_message text, error_stack text, created_at timestamp(3)!, updated_at timestamp(3)!
execution_logs: id uuid!, execution_id uuid!, workflow_step_id uuid, level LogLevel!, message text!, \
metadata jsonb!, step_key varchar(100), step_status StepStatus, step_started_at timestamp(3), \
step_completed_at timestamp(3), step_duration_ms int, created_at timestamp(3)!
templates: id uuid!, name varchar(255)!, description text, category varchar(100)!, type TemplateType!, \
user_id uuid, template_data jsonb!, tags text[], is_official bool!, is_public bool!, usage_count int!, \
rating_average decimal(3,2)!, rating_count int!, created_at timestamp(3)!, updated_at timestamp(3)!, \
deleted_at timestamp(3)
deployments: id uuid!, name varchar(255)!, description text, user_id uuid!, workflow_id uuid, \
agent_id uuid, environment Environment!, status DeploymentStatus!, config jsonb!, \
environment_vars jsonb!, endpoint_url text, api_key_hash varchar(255), allocated_memory_mb int!, \
allocated_cpu_shares int!, deployed_at timestamp(3), last_health_check_at timestamp(3), \
health_status HealthStatus!, total_requests int!, total_errors int!, avg_response_time_ms int!, \
created_at timestamp(3)!, updated_at timestamp(3)!, deleted_at timestamp(3)
api_keys: id uuid!, user_id uuid!, name varchar(255)!, key_hash varchar(255)!, key_prefix varchar(20)!, \
scopes text[], is_active bool!, expires_at timestamp(3), last_used_at timestamp(3), usage_count int!, \
rate_limit_per_minute int!, created_at timestamp(3)!, updated_at timestamp(3)!, deleted_at timestamp(3)
audit_logs: id uuid!, user_id uuid, action varchar(100)!, resource_type varchar(50)!, resource_id uuid, \
changes jsonb!, metadata jsonb!, ip_address text, user_agent text, created_at timestamp(3)!";

/// The enums' stored labels.
pub const ENUMS: &[(&str, &[&str])] = &[
    ("UserRole", &["admin", "user", "agent"]),
    ("AgentType", &["code", "api", "llm", "data", "workflow"]),
    ("AgentStatus", &["draft", "active", "inactive", "archived"]),
    ("WorkflowStatus", &["draft", "active", "inactive", "archived"]),
    ("WorkflowStepType", &["agent", "condition", "loop", "parallel", "wait"]),
    ("ErrorHandling", &["fail", "continue", "retry"]),
    ("ExecutionStatus", &["pending", "running", "completed", "failed", "cancelled", "timeout"]),
    ("TriggerType", &["manual", "scheduled", "api", "webhook", "event"]),
    ("LogLevel", &["debug", "info", "warn", "error", "fatal"]),
    ("StepStatus", &["pending", "running", "completed", "failed", "skipped"]),
    ("TemplateType", &["agent", "workflow", "step"]),
    ("Environment", &["development", "staging", "production"]),
    ("DeploymentStatus", &["stopped", "starting", "running", "stopping", "failed", "maintenance"]),
    ("HealthStatus", &["unknown", "healthy", "unhealthy", "degraded"]),
];

/// A column the app writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub ty: &'static str,
    pub not_null: bool,
}

/// A table the app writes, in parent-first order.
#[derive(Debug, Clone)]
pub struct Table {
    pub name: &'static str,
    pub columns: Vec<Column>,
}

/// The ten tables, parsed from [`TABLES`].
pub fn tables() -> Vec<Table> {
    TABLES
        .lines()
        .map(|line| {
            let (name, cols) = line.split_once(": ").expect("table line");
            let columns = cols
                .split(", ")
                .map(|c| {
                    let (n, t) = c.trim().split_once(' ').expect("column");
                    let (ty, not_null) = match t.strip_suffix('!') {
                        Some(t) => (t, true),
                        None => (t, false),
                    };
                    Column { name: n, ty, not_null }
                })
                .collect();
            Table { name, columns }
        })
        .collect()
}

/// The labels of one of the app's enums.
pub fn enum_labels(name: &str) -> Option<&'static [&'static str]> {
    ENUMS.iter().find(|(n, _)| *n == name).map(|(_, l)| *l)
}

/// The catalog's `format_type` spelling, shortened to the spelling of [`TABLES`].
pub fn normalize_type(pg: &str) -> String {
    let s = pg.trim();
    if let Some(rest) = s.strip_prefix("character varying") {
        return format!("varchar{rest}");
    }
    if let Some(rest) = s.strip_prefix("numeric") {
        return format!("decimal{rest}");
    }
    if let Some(p) = s.strip_prefix("timestamp").and_then(|r| r.strip_suffix(" without time zone")) {
        return format!("timestamp{p}");
    }
    match s {
        "integer" => "int".into(),
        "boolean" => "bool".into(),
        "integer[]" => "int[]".into(),
        other => other.trim_matches('"').to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_tables_every_enum_known() {
        let t = tables();
        assert_eq!(t.len(), 10);
        let cols: usize = t.iter().map(|t| t.columns.len()).sum();
        assert_eq!(cols, 14 + 24 + 22 + 17 + 18 + 12 + 16 + 23 + 14 + 10);
        for c in t.iter().flat_map(|t| &t.columns) {
            let base = c.ty.split('(').next().unwrap();
            let known = ["uuid", "text", "int", "bool", "jsonb", "varchar", "timestamp", "decimal", "text[]"];
            assert!(known.contains(&base) || enum_labels(base).is_some(), "{}: {}", c.name, c.ty);
        }
        // Every table has an id and created_at; every enum is used.
        for e in ENUMS {
            assert!(t.iter().flat_map(|t| &t.columns).any(|c| c.ty == e.0), "{} unused", e.0);
        }
    }

    #[test]
    fn catalog_spellings() {
        assert_eq!(normalize_type("character varying(255)"), "varchar(255)");
        assert_eq!(normalize_type("timestamp(3) without time zone"), "timestamp(3)");
        assert_eq!(normalize_type("timestamp(6) with time zone"), "timestamp(6) with time zone");
        assert_eq!(normalize_type("numeric(3,2)"), "decimal(3,2)");
        assert_eq!(normalize_type("integer"), "int");
        assert_eq!(normalize_type("text[]"), "text[]");
    }
}
