//! The Data browser's backend (like Prisma Studio): what the ten tables hold, any table's rows
//! filtered, sorted and paged, and a row's related rows through the foreign keys. Read-only:
//! edits go through the area services, so every rule and the audit log apply to them.

use crate::list::ListParams;
use crate::Services;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use turbocat_domain::*;
use turbocat_store::queries::{Filter, SqlValue};
use turbocat_store::rusqlite::types::Value;
use turbocat_store::Table;

pub struct Data<'a>(pub(crate) &'a Services);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DataColumn {
    /// The API (camelCase) name, as in the rows.
    pub name: String,
    /// The column in the table (snake_case), for filters and sorting.
    pub column: String,
    /// uuid, text, int, boolean, timestamp, json, list, enum or decimal.
    pub kind: String,
    pub nullable: bool,
    /// For enum columns: the values, as the API spells them.
    pub values: Option<Vec<String>>,
    /// For foreign keys: the table they point to.
    pub references: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DataTable {
    pub name: String,
    pub columns: Vec<DataColumn>,
    pub soft_delete: bool,
    /// Rows not soft-deleted.
    pub row_count: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum FilterOp {
    Eq,
    Neq,
    Contains,
    Gt,
    Gte,
    Lt,
    Lte,
    IsNull,
    NotNull,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DataFilter {
    /// Column name, in either spelling (`userId` or `user_id`).
    pub column: String,
    pub op: FilterOp,
    #[serde(default)]
    pub value: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, optional_fields)]
pub struct DataQuery {
    pub table: String,
    pub filters: Vec<DataFilter>,
    /// Show soft-deleted rows too.
    pub include_deleted: bool,
    #[serde(flatten)]
    pub list: ListParams,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RelatedRows {
    pub table: String,
    /// The foreign-key column that links them (in the related table for children, in the row's
    /// own table for parents).
    pub column: String,
    /// `parent`: the row points to these; `child`: these point to the row.
    pub direction: String,
    pub total: u64,
    /// At most 50, newest first.
    pub rows: Vec<Json>,
}

pub const TABLES: [&str; 10] = [
    "users",
    "agents",
    "workflows",
    "workflow_steps",
    "executions",
    "execution_logs",
    "templates",
    "deployments",
    "api_keys",
    "audit_logs",
];

/// Every foreign key: (table, column, referenced table).
pub const FOREIGN_KEYS: [(&str, &str, &str); 16] = [
    ("agents", "parent_id", "agents"),
    ("agents", "user_id", "users"),
    ("workflows", "user_id", "users"),
    ("workflows", "parent_id", "workflows"),
    ("workflow_steps", "workflow_id", "workflows"),
    ("workflow_steps", "agent_id", "agents"),
    ("executions", "workflow_id", "workflows"),
    ("executions", "user_id", "users"),
    ("execution_logs", "execution_id", "executions"),
    ("execution_logs", "workflow_step_id", "workflow_steps"),
    ("templates", "user_id", "users"),
    ("deployments", "user_id", "users"),
    ("deployments", "workflow_id", "workflows"),
    ("deployments", "agent_id", "agents"),
    ("api_keys", "user_id", "users"),
    ("audit_logs", "user_id", "users"),
];

/// Runs `$body` with `$t` bound to the model type of the table named `$name`.
macro_rules! with_table {
    ($name:expr, $t:ident => $body:expr) => {
        match $name {
            "users" => {
                type $t = User;
                $body
            }
            "agents" => {
                type $t = Agent;
                $body
            }
            "workflows" => {
                type $t = Workflow;
                $body
            }
            "workflow_steps" => {
                type $t = WorkflowStep;
                $body
            }
            "executions" => {
                type $t = Execution;
                $body
            }
            "execution_logs" => {
                type $t = ExecutionLog;
                $body
            }
            "templates" => {
                type $t = Template;
                $body
            }
            "deployments" => {
                type $t = Deployment;
                $body
            }
            "api_keys" => {
                type $t = ApiKey;
                $body
            }
            "audit_logs" => {
                type $t = AuditLog;
                $body
            }
            other => {
                Err(Error::validation_field("table", format!("Unknown table {other:?}; tables: {}", TABLES.join(", "))))
            }
        }
    };
}

fn camel(column: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in column.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn enum_values(table: &str, column: &str) -> Option<Vec<String>> {
    fn up<E: Copy + std::fmt::Display>(all: &[E]) -> Vec<String> {
        all.iter().map(|v| v.to_string()).collect()
    }
    Some(match (table, column) {
        ("users", "role") => up(UserRole::ALL),
        ("agents", "type") => up(AgentType::ALL),
        ("agents", "status") => up(AgentStatus::ALL),
        ("workflows", "status") => up(WorkflowStatus::ALL),
        ("workflow_steps", "step_type") => up(WorkflowStepType::ALL),
        ("workflow_steps", "on_error") => up(ErrorHandling::ALL),
        ("executions", "status") => up(ExecutionStatus::ALL),
        ("executions", "trigger_type") => up(TriggerType::ALL),
        ("execution_logs", "level") => up(LogLevel::ALL),
        ("execution_logs", "step_status") => up(StepStatus::ALL),
        ("templates", "type") => up(TemplateType::ALL),
        ("deployments", "environment") => up(Environment::ALL),
        ("deployments", "status") => up(DeploymentStatus::ALL),
        ("deployments", "health_status") => up(HealthStatus::ALL),
        _ => return None,
    })
}

/// The browser's view of a column kind.
fn kind_name(kind: &str) -> &'static str {
    match kind.trim_start_matches("opt_") {
        "uuid" => "uuid",
        "int" => "int",
        "boolean" => "boolean",
        "ts" => "timestamp",
        "json" => "json",
        "list" => "list",
        "enumv" => "enum",
        "hundredths" => "decimal",
        _ => "text",
    }
}

/// Columns the browser never shows or filters on: secrets of the hosted side.
const HIDDEN: [(&str, &str); 3] =
    [("users", "password_hash"), ("deployments", "api_key_hash"), ("api_keys", "key_hash")];

fn columns_of<T: Table>() -> Vec<DataColumn> {
    T::COLUMNS
        .iter()
        .zip(T::KINDS)
        .filter(|(c, _)| !HIDDEN.contains(&(T::NAME, **c)))
        .map(|(c, k)| DataColumn {
            name: camel(c),
            column: c.to_string(),
            kind: kind_name(k).to_string(),
            nullable: k.starts_with("opt_") || *k == "list",
            values: enum_values(T::NAME, c),
            references: FOREIGN_KEYS.iter().find(|fk| fk.0 == T::NAME && fk.1 == *c).map(|fk| fk.2.to_string()),
        })
        .collect()
}

fn has_deleted_at<T: Table>() -> bool {
    T::COLUMNS.contains(&"deleted_at")
}

impl Data<'_> {
    pub fn tables(&self) -> Result<Vec<DataTable>> {
        TABLES.iter().map(|name| with_table!(*name, T => self.describe::<T>())).collect()
    }

    fn describe<T: Table>(&self) -> Result<DataTable> {
        let mut f = Filter::new();
        if has_deleted_at::<T>() {
            f.not_deleted();
        }
        let (_, row_count) = self.0.store().page::<T>(&f, "rowid DESC", 0, 0)?;
        Ok(DataTable {
            name: T::NAME.to_string(),
            columns: columns_of::<T>(),
            soft_delete: has_deleted_at::<T>(),
            row_count,
        })
    }

    /// Rows of one table as the API shows them (secrets left out, deployment variables masked).
    pub fn rows(&self, q: &DataQuery) -> Result<Page<Json>> {
        with_table!(q.table.as_str(), T => self.rows_of::<T>(q))
    }

    fn rows_of<T: Table + Serialize>(&self, q: &DataQuery) -> Result<Page<Json>> {
        let columns = columns_of::<T>();
        let sortable: Vec<&str> = columns.iter().map(|c| c.column.as_str()).collect();
        let default_sort = if T::COLUMNS.contains(&"created_at") { "created_at" } else { "id" };
        let r = q.list.resolve(&sortable, default_sort)?;
        let mut f = Filter::new();
        if has_deleted_at::<T>() && !q.include_deleted {
            f.not_deleted();
        }
        for (i, filter) in q.filters.iter().enumerate() {
            let col =
                columns.iter().find(|c| c.column == filter.column || c.name == filter.column).ok_or_else(|| {
                    Error::validation_field(
                        &format!("filters[{i}].column"),
                        format!("No column {:?} in {}", filter.column, T::NAME),
                    )
                })?;
            apply_filter(&mut f, col, filter, i)?;
        }
        if let Some(s) = q.list.search_term() {
            let text: Vec<&str> = columns.iter().filter(|c| c.kind == "text").map(|c| c.column.as_str()).collect();
            if !text.is_empty() {
                f.search(&text, s);
            }
        }
        let page: Page<T> = r.fetch::<T>(self.0.store(), &f)?;
        let items = page.items.into_iter().map(|row| self.to_json(T::NAME, row)).collect::<Result<Vec<_>>>()?;
        Ok(Page { items, total: page.total, page: page.page, page_size: page.page_size, total_pages: page.total_pages })
    }

    fn to_json<T: Serialize>(&self, table: &str, row: T) -> Result<Json> {
        let mut v = serde_json::to_value(row)?;
        if table == "deployments" {
            let d: Deployment = serde_json::from_value(v)?;
            v = serde_json::to_value(crate::deployments::masked(&self.0.secrets, d))?;
        }
        Ok(v)
    }

    /// The rows this row points to (parents) and the rows that point to it (children).
    pub fn related(&self, table: &str, id: Uuid) -> Result<Vec<RelatedRows>> {
        with_table!(table, T => self.related_of::<T>(id))
    }

    fn related_of<T: Table + Serialize>(&self, id: Uuid) -> Result<Vec<RelatedRows>> {
        let row = self
            .0
            .store()
            .read(|c| Ok(turbocat_store::row::get::<T>(c, id)?))?
            .ok_or_else(|| Error::not_found("Row"))?;
        let own = serde_json::to_value(&row)?;
        let mut out = Vec::new();
        for (table, column, parent) in FOREIGN_KEYS {
            if table == T::NAME {
                let Some(pid) = own.get(camel(column)).and_then(Json::as_str).and_then(|s| s.parse::<Uuid>().ok())
                else {
                    continue;
                };
                out.push(self.group(parent, "id", pid, column, "parent")?);
            }
            if parent == T::NAME {
                out.push(self.group(table, column, id, column, "child")?);
            }
        }
        Ok(out)
    }

    fn group(&self, table: &str, match_column: &str, id: Uuid, fk: &str, direction: &str) -> Result<RelatedRows> {
        let mut q = DataQuery {
            table: table.to_string(),
            filters: vec![DataFilter {
                column: match_column.to_string(),
                op: FilterOp::Eq,
                value: Some(id.to_string()),
            }],
            include_deleted: true,
            list: ListParams { page_size: Some(50), ..Default::default() },
        };
        q.list.sort_by = None;
        let page = self.rows(&q)?;
        Ok(RelatedRows {
            table: table.to_string(),
            column: fk.to_string(),
            direction: direction.to_string(),
            total: page.total,
            rows: page.items,
        })
    }
}

/// Adds one browser filter; the value is converted to how the column stores it.
fn apply_filter(f: &mut Filter, col: &DataColumn, filter: &DataFilter, i: usize) -> Result<()> {
    let c = col.column.as_str();
    let need = || {
        filter
            .value
            .clone()
            .ok_or_else(|| Error::validation_field(&format!("filters[{i}].value"), "This filter needs a value"))
    };
    let stored = |raw: String| -> Result<Value> {
        Ok(match col.kind.as_str() {
            "int" | "decimal" => Value::Integer(raw.trim().parse::<i64>().map_err(|_| {
                Error::validation_field(&format!("filters[{i}].value"), format!("{raw:?} is not a whole number"))
            })?),
            "boolean" => {
                Value::Integer(matches!(raw.trim().to_ascii_lowercase().as_str(), "true" | "1" | "yes") as i64)
            }
            "enum" | "uuid" => Value::Text(raw.trim().to_ascii_lowercase()),
            _ => Value::Text(raw),
        })
    };
    match filter.op {
        FilterOp::IsNull => {
            f.and(&format!("{c} IS NULL"), []);
        }
        FilterOp::NotNull => {
            f.and(&format!("{c} IS NOT NULL"), []);
        }
        FilterOp::Contains => {
            f.search(&[c], &need()?);
        }
        op => {
            let sql_op = match op {
                FilterOp::Eq => "=",
                FilterOp::Neq => "<>",
                FilterOp::Gt => ">",
                FilterOp::Gte => ">=",
                FilterOp::Lt => "<",
                _ => "<=",
            };
            let v = stored(need()?)?;
            f.and(&format!("{c} {sql_op} ?"), [v.into_value()]);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::camel;

    #[test]
    fn camel_case_names() {
        assert_eq!(camel("avg_execution_time_ms"), "avgExecutionTimeMs");
        assert_eq!(camel("id"), "id");
    }
}
