//! The Data browser's backend (like Prisma Studio): what the ten tables hold, any table's rows
//! filtered, sorted and paged, and a row's related rows through the foreign keys. It writes no
//! SQL of its own: an edit ([`Data::update`]) is handed to the table's area service, so every
//! rule and the audit log apply to it, and a table without an update service is read-only.

use crate::agents::UpdateAgent;
use crate::deployments::UpdateDeployment;
use crate::list::ListParams;
use crate::users::UpdateProfile;
use crate::workflows::{StepChange, StepDiff, UpdateWorkflow};
use crate::Actor;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};
use turbocat_domain::validate::Checker;
use turbocat_domain::*;
use turbocat_store::queries::{Filter, SqlValue};
use turbocat_store::rusqlite::types::Value;
use turbocat_store::{catalog, Table};

pub struct Data<'a>(pub(crate) Actor<'a>);

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
    /// The columns (API names) an edit may change, through the table's service; empty when
    /// the table is read-only.
    pub editable: Vec<String>,
    /// What editing this table means or why it is read-only, for people.
    pub edit_note: String,
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

/// The ten tables' names, for a message.
fn table_names() -> String {
    catalog::names().collect::<Vec<_>>().join(", ")
}

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
                Err(Error::validation_field("table", format!("Unknown table {other:?}; tables: {}", table_names())))
            }
        }
    };
}

/// A snake_case column name as the JSON field the front ends see (`created_at` → `createdAt`).
pub fn camel(column: &str) -> String {
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
            references: catalog::foreign_keys().find(|fk| fk.0 == T::NAME && fk.1 == *c).map(|fk| fk.2.to_string()),
        })
        .collect()
}

fn has_deleted_at<T: Table>() -> bool {
    T::COLUMNS.contains(&"deleted_at")
}

impl Data<'_> {
    pub fn tables(&self) -> Result<Vec<DataTable>> {
        catalog::names().map(|name| with_table!(name, T => self.describe::<T>())).collect()
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
            editable: editing(T::NAME).columns.iter().map(|c| c.0.to_string()).collect(),
            edit_note: editing(T::NAME).note.to_string(),
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
        for (table, column, parent) in catalog::foreign_keys() {
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

/// How a table is edited from the browser: the columns (API name, whether it may be set to
/// null) and a note for people. Each editable table has an area service that applies the edit.
struct Editing {
    columns: &'static [(&'static str, bool)],
    note: &'static str,
}

fn editing(table: &str) -> Editing {
    let (columns, note): (&'static [(&'static str, bool)], &'static str) = match table {
        "users" => (
            &[("email", false), ("fullName", true), ("avatarUrl", true), ("preferences", false)],
            "Only your own profile (the local user) can be edited; other users arrive by sync.",
        ),
        "agents" => (
            &[
                ("name", false),
                ("description", true),
                ("status", false),
                ("config", false),
                ("capabilities", false),
                ("parameters", false),
                ("maxExecutionTime", false),
                ("maxMemoryMb", false),
                ("maxConcurrentExecutions", false),
                ("tags", false),
                ("isPublic", false),
            ],
            "Edits go through the agent rules, as on the Agents page; the type never changes.",
        ),
        "workflows" => (
            &[
                ("name", false),
                ("description", true),
                ("status", false),
                ("definition", false),
                ("triggerConfig", false),
                ("scheduleEnabled", false),
                ("scheduleCron", true),
                ("scheduleTimezone", false),
                ("tags", false),
                ("isPublic", false),
            ],
            "Edits go through the workflow rules; edit its steps in the workflow_steps table or on the canvas.",
        ),
        "workflow_steps" => (
            &[
                ("stepName", false),
                ("stepType", false),
                ("position", false),
                ("agentId", true),
                ("config", false),
                ("inputs", false),
                ("outputs", false),
                ("dependsOn", false),
                ("retryCount", false),
                ("retryDelayMs", false),
                ("timeoutMs", false),
                ("onError", false),
            ],
            "A step is changed as part of its workflow, so the whole graph is checked again.",
        ),
        "deployments" => (
            &[
                ("name", false),
                ("description", true),
                ("environment", false),
                ("config", false),
                ("allocatedMemoryMb", false),
                ("allocatedCpuShares", false),
            ],
            "Start and stop on the Deployments page; variable values are never shown or edited here.",
        ),
        "api_keys" => (
            &[("isActive", false)],
            "A key can only be revoked here (isActive to false); create keys on the API Keys page.",
        ),
        "executions" => (&[], "Read-only: executions are written by runs; cancel a run on the Executions page."),
        "execution_logs" => (&[], "Read-only: logs are written by runs and never edited."),
        "templates" => {
            (&[], "Read-only: templates have no edit service; rate them or save new ones on the Templates page.")
        }
        "audit_logs" => (&[], "Read-only: the audit log is append-only."),
        _ => (&[], ""),
    };
    Editing { columns, note }
}

/// Reads an edit into the service's input type, naming each field whose value has the wrong
/// kind (serde alone would only say "invalid type" for the whole object).
fn parse_input<T: DeserializeOwned>(fields: &Map<String, Json>) -> Result<T> {
    let mut c = Checker::new();
    for (k, v) in fields {
        let one = Map::from_iter([(k.clone(), v.clone())]);
        if let Err(e) = serde_json::from_value::<T>(Json::Object(one)) {
            c.fail(k, format!("{k}: {e}"));
        }
    }
    c.finish()?;
    serde_json::from_value(Json::Object(fields.clone())).map_err(|e| Error::validation(e.to_string()))
}

fn optional_text(c: &mut Checker, field: &str, v: &Json) -> Option<Option<String>> {
    match v {
        Json::Null => Some(None),
        Json::String(s) => Some(Some(s.clone())),
        _ => {
            c.fail(field, format!("{field} must be text or null"));
            None
        }
    }
}

impl Data<'_> {
    /// Changes some columns of one row through the table's service (its rules, its audit row)
    /// and returns the row as the browser shows it. `patch` maps API column names to new values;
    /// only the columns of [`DataTable::editable`] are accepted.
    pub fn update(&self, table: &str, id: Uuid, patch: Json) -> Result<Json> {
        if catalog::table(table).is_none() {
            return Err(Error::validation_field(
                "table",
                format!("Unknown table {table:?}; tables: {}", table_names()),
            ));
        }
        let edit = editing(table);
        if edit.columns.is_empty() {
            return Err(Error::bad_request(format!("The {table} table cannot be edited. {}", edit.note)));
        }
        let Json::Object(fields) = patch else {
            return Err(Error::validation("The changes must be an object of column names and values"));
        };
        if fields.is_empty() {
            return Err(Error::validation("No fields to update"));
        }
        let mut c = Checker::new();
        for (k, v) in &fields {
            match edit.columns.iter().find(|col| col.0 == k) {
                None => c.fail(k, format!("{k} cannot be edited in the {table} table")),
                Some((_, false)) if v.is_null() => c.fail(k, format!("{k} cannot be empty")),
                Some(_) => {}
            }
        }
        c.finish()?;
        let s = self.0;
        match table {
            "agents" => {
                s.agents().update(id, parse_input::<UpdateAgent>(&fields)?)?;
            }
            "workflows" => {
                s.workflows().update(id, parse_input::<UpdateWorkflow>(&fields)?)?;
            }
            "workflow_steps" => {
                let step = s
                    .store()
                    .read(|conn| Ok(turbocat_store::row::get::<WorkflowStep>(conn, id)?))?
                    .ok_or_else(|| Error::not_found("Workflow step"))?;
                let mut change = fields.clone();
                change.insert("stepKey".into(), Json::String(step.step_key.clone()));
                let change: StepChange = parse_input(&change)?;
                let diff = StepDiff { change: vec![change], ..Default::default() };
                s.workflows()
                    .update(step.workflow_id, UpdateWorkflow { step_changes: Some(diff), ..Default::default() })?;
            }
            "deployments" => {
                s.deployments().update(id, parse_input::<UpdateDeployment>(&fields)?)?;
            }
            "users" => self.update_user(id, fields)?,
            "api_keys" => match fields.get("isActive") {
                Some(Json::Bool(false)) => {
                    s.api_keys().revoke(id)?;
                }
                _ => {
                    return Err(Error::validation_field(
                        "isActive",
                        "A key can only be revoked (isActive false); create a new key on the API Keys page",
                    ))
                }
            },
            _ => unreachable!("every table with editable columns is routed above"),
        }
        self.row(table, id)
    }

    /// The local profile's columns through `update_profile`, its preferences (replaced whole
    /// here: keys left out are removed) through `update_preferences`.
    fn update_user(&self, id: Uuid, mut fields: Map<String, Json>) -> Result<()> {
        let users = self.0.users();
        if id != self.0.current_user_id() {
            // Another user's row (from sync): there is no service that edits it.
            users.get(id)?;
            return Err(Error::forbidden("Only your own profile can be edited"));
        }
        let mut c = Checker::new();
        let preferences = match fields.remove("preferences") {
            None => None,
            Some(Json::Object(new)) => {
                let current = users.preferences()?;
                let mut patch = new.clone();
                for key in current.as_object().into_iter().flat_map(|o| o.keys()) {
                    if !new.contains_key(key) {
                        patch.insert(key.clone(), Json::Null);
                    }
                }
                Some(patch)
            }
            Some(_) => {
                c.fail("preferences", "preferences must be an object");
                None
            }
        };
        let mut profile = UpdateProfile::default();
        for (k, v) in &fields {
            match k.as_str() {
                "email" => match v.as_str() {
                    Some(e) => profile.email = Some(e.to_string()),
                    None => c.fail("email", "email must be text"),
                },
                "fullName" => profile.full_name = optional_text(&mut c, k, v),
                _ => profile.avatar_url = optional_text(&mut c, k, v),
            }
        }
        c.finish()?;
        // Checked whole before either write, so only a storage failure can split them.
        if !fields.is_empty() {
            users.update_profile(profile)?;
        }
        if let Some(patch) = preferences.filter(|p| !p.is_empty()) {
            users.update_preferences(Json::Object(patch))?;
        }
        Ok(())
    }

    /// One row by id as the browser shows it, deleted or not.
    pub fn row(&self, table: &str, id: Uuid) -> Result<Json> {
        let q = DataQuery {
            table: table.to_string(),
            filters: vec![DataFilter { column: "id".into(), op: FilterOp::Eq, value: Some(id.to_string()) }],
            include_deleted: true,
            list: ListParams { page_size: Some(1), ..Default::default() },
        };
        self.rows(&q)?.items.into_iter().next().ok_or_else(|| Error::not_found("Row"))
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
