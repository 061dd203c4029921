//! Agents: create, get, list, update, soft delete, duplicate-as-version, versions
//! (`docs/rules.md`, "Agents").

use crate::access;
use crate::list::{nullable, ListParams};
use crate::{changes, not_found, now, snapshot, Actor};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value as Json};
use turbocat_domain::{new_id, validate::Checker, Agent, AgentStatus, AgentType, Error, Page, Result, Uuid};
use turbocat_store::queries::{self, lookups, uuid_value, Filter};
use turbocat_store::row;

pub struct Agents<'a>(pub(crate) Actor<'a>);

#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, optional_fields)]
pub struct CreateAgent {
    pub name: String,
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub agent_type: Option<AgentType>,
    pub status: Option<AgentStatus>,
    pub config: Option<Json>,
    pub capabilities: Option<Json>,
    pub parameters: Option<Json>,
    pub max_execution_time: Option<i64>,
    pub max_memory_mb: Option<i64>,
    pub max_concurrent_executions: Option<i64>,
    pub tags: Option<Vec<String>>,
    pub is_public: Option<bool>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, optional_fields)]
pub struct UpdateAgent {
    pub name: Option<String>,
    #[serde(deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    pub description: Option<Option<String>>,
    /// Accepted only when equal to the current type: the type never changes.
    #[serde(rename = "type")]
    pub agent_type: Option<AgentType>,
    pub status: Option<AgentStatus>,
    pub config: Option<Json>,
    pub capabilities: Option<Json>,
    pub parameters: Option<Json>,
    pub max_execution_time: Option<i64>,
    pub max_memory_mb: Option<i64>,
    pub max_concurrent_executions: Option<i64>,
    pub tags: Option<Vec<String>>,
    pub is_public: Option<bool>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, optional_fields)]
pub struct AgentQuery {
    #[serde(flatten)]
    pub list: ListParams,
    #[serde(rename = "type")]
    pub agent_type: Option<AgentType>,
    pub status: Option<AgentStatus>,
    pub is_public: Option<bool>,
    /// Only the current user's agents (default: also public agents of others).
    pub mine: Option<bool>,
}

pub const SORTABLE: &[&str] =
    &["created_at", "updated_at", "name", "status", "type", "version", "total_executions", "successful_executions"];

fn check_limits(c: &mut Checker, exec: Option<i64>, mem: Option<i64>, conc: Option<i64>) {
    if let Some(v) = exec {
        c.range("maxExecutionTime", v, 1, 3600);
    }
    if let Some(v) = mem {
        c.range("maxMemoryMb", v, 1, 8192);
    }
    if let Some(v) = conc {
        c.range("maxConcurrentExecutions", v, 1, 100);
    }
}

/// The field checks of a create, into the caller's checker; returns the name as stored
/// (trimmed). The bundle import checks every bundled agent with it too.
pub(crate) fn check_create(c: &mut Checker, input: &CreateAgent) -> String {
    let name = c.name("name", &input.name, 255);
    c.description(input.description.as_deref());
    if input.agent_type.is_none() {
        c.fail("type", "type is required");
    }
    check_limits(c, input.max_execution_time, input.max_memory_mb, input.max_concurrent_executions);
    check_shapes(
        c,
        input.tags.as_deref(),
        input.config.as_ref(),
        input.capabilities.as_ref(),
        input.parameters.as_ref(),
    );
    name
}

/// Tags, and the JSON kinds of the config, capabilities and parameters given (create and update).
fn check_shapes(
    c: &mut Checker,
    tags: Option<&[String]>,
    config: Option<&Json>,
    capabilities: Option<&Json>,
    parameters: Option<&Json>,
) {
    if let Some(t) = tags {
        c.tags(t);
    }
    if let Some(v) = config {
        c.object("config", v);
    }
    if let Some(v) = capabilities {
        c.array("capabilities", v);
    }
    if let Some(v) = parameters {
        c.object("parameters", v);
    }
}

impl Agents<'_> {
    pub fn create(&self, input: CreateAgent) -> Result<Agent> {
        self.0.store().write(|tx| self.create_in(tx, input))
    }

    /// Create inside the caller's transaction (template instantiation adds its own writes).
    pub(crate) fn create_in(&self, tx: &rusqlite::Connection, input: CreateAgent) -> Result<Agent> {
        let mut c = Checker::new();
        let name = check_create(&mut c, &input);
        c.finish()?;
        let t = now();
        let agent = Agent {
            id: new_id(),
            name,
            description: input.description,
            agent_type: input.agent_type.unwrap_or(AgentType::Code),
            status: input.status.unwrap_or(AgentStatus::Draft),
            version: 1,
            parent_id: None,
            user_id: self.0.user_id,
            config: input.config.unwrap_or_else(|| json!({})),
            capabilities: input.capabilities.unwrap_or_else(|| json!([])),
            parameters: input.parameters.unwrap_or_else(|| json!({})),
            max_execution_time: Some(input.max_execution_time.unwrap_or(300)),
            max_memory_mb: Some(input.max_memory_mb.unwrap_or(512)),
            max_concurrent_executions: Some(input.max_concurrent_executions.unwrap_or(1)),
            total_executions: 0,
            successful_executions: 0,
            failed_executions: 0,
            avg_execution_time_ms: 0,
            tags: Some(input.tags.unwrap_or_default()),
            is_public: input.is_public.unwrap_or(false),
            is_template: false,
            created_at: t,
            updated_at: t,
            deleted_at: None,
        };
        row::insert(tx, &agent)?;
        self.0.audit_row(tx, "agent.create", "agent", Some(agent.id), snapshot(&agent, "after"))?;
        Ok(agent)
    }

    pub fn get(&self, id: Uuid) -> Result<Agent> {
        self.0.store().read(|c| access::visible::<Agent>(c, self.0.user_id, id))
    }

    pub fn list(&self, q: &AgentQuery) -> Result<Page<Agent>> {
        let r = q.list.resolve(SORTABLE, "created_at")?;
        let mut f = Filter::new();
        f.not_deleted();
        if let Some(s) = q.status {
            f.eq("status", s.as_str());
        }
        if let Some(t) = q.agent_type {
            f.eq("type", t.as_str());
        }
        if let Some(p) = q.is_public {
            f.eq("is_public", p as i64);
        }
        access::filter::<Agent>(&mut f, self.0.user_id, q.mine == Some(true));
        q.list.search_and_tags(&mut f, &["name", "description"]);
        r.fetch::<Agent>(self.0.store(), &f)
    }

    pub fn update(&self, id: Uuid, input: UpdateAgent) -> Result<Agent> {
        let empty = input.name.is_none()
            && input.description.is_none()
            && input.agent_type.is_none()
            && input.status.is_none()
            && input.config.is_none()
            && input.capabilities.is_none()
            && input.parameters.is_none()
            && input.max_execution_time.is_none()
            && input.max_memory_mb.is_none()
            && input.max_concurrent_executions.is_none()
            && input.tags.is_none()
            && input.is_public.is_none();
        if empty {
            return Err(Error::validation("No fields to update"));
        }
        let mut c = Checker::new();
        let name = input.name.as_deref().map(|n| c.name("name", n, 255));
        if let Some(d) = &input.description {
            c.description(d.as_deref());
        }
        check_limits(&mut c, input.max_execution_time, input.max_memory_mb, input.max_concurrent_executions);
        check_shapes(
            &mut c,
            input.tags.as_deref(),
            input.config.as_ref(),
            input.capabilities.as_ref(),
            input.parameters.as_ref(),
        );
        c.finish()?;
        self.0.store().write(|tx| {
            let before = access::owned::<Agent>(tx, self.0.user_id, id)?;
            if input.agent_type.is_some_and(|t| t != before.agent_type) {
                return Err(Error::validation_field("type", "The type of an agent cannot be changed after creation"));
            }
            let mut a = before.clone();
            if let Some(n) = name {
                a.name = n;
            }
            if let Some(d) = input.description {
                a.description = d;
            }
            if let Some(s) = input.status {
                a.status = s;
            }
            if let Some(v) = input.config {
                a.config = v;
            }
            if let Some(v) = input.capabilities {
                a.capabilities = v;
            }
            if let Some(v) = input.parameters {
                a.parameters = v;
            }
            if let Some(v) = input.max_execution_time {
                a.max_execution_time = Some(v);
            }
            if let Some(v) = input.max_memory_mb {
                a.max_memory_mb = Some(v);
            }
            if let Some(v) = input.max_concurrent_executions {
                a.max_concurrent_executions = Some(v);
            }
            if let Some(v) = input.tags {
                a.tags = Some(v);
            }
            if let Some(v) = input.is_public {
                a.is_public = v;
            }
            a.updated_at = now();
            row::update(tx, &a)?;
            self.0.audit_row(tx, "agent.update", "agent", Some(a.id), changes(&before, &a))?;
            Ok(a)
        })
    }

    /// Soft delete: sets deleted_at and updated_at.
    pub fn delete(&self, id: Uuid) -> Result<()> {
        self.0.store().write(|tx| {
            let before = access::owned::<Agent>(tx, self.0.user_id, id)?;
            let mut a = before.clone();
            let t = now();
            a.deleted_at = Some(t);
            a.updated_at = t;
            row::update(tx, &a)?;
            self.0.audit_row(tx, "agent.delete", "agent", Some(id), changes(&before, &a))
        })
    }

    /// A new version of the agent's family: a draft copy with zeroed counters.
    pub fn duplicate(&self, id: Uuid, name: Option<String>) -> Result<Agent> {
        let mut c = Checker::new();
        let name = name.map(|n| c.name("name", &n, 255));
        c.finish()?;
        self.0.store().write(|tx| {
            let src = access::visible::<Agent>(tx, self.0.user_id, id)?;
            let root = src.parent_id.unwrap_or(src.id);
            let max_version = lookups::agent_max_version(tx, root)?.unwrap_or(src.version);
            let t = now();
            let copy = Agent {
                id: new_id(),
                name: name.unwrap_or_else(|| {
                    let n = format!("Copy of {}", src.name);
                    n.chars().take(255).collect()
                }),
                status: AgentStatus::Draft,
                version: max_version + 1,
                parent_id: Some(root),
                user_id: self.0.user_id,
                total_executions: 0,
                successful_executions: 0,
                failed_executions: 0,
                avg_execution_time_ms: 0,
                is_public: false,
                is_template: false,
                created_at: t,
                updated_at: t,
                deleted_at: None,
                ..src
            };
            row::insert(tx, &copy)?;
            self.0.audit_row(
                tx,
                "agent.duplicate",
                "agent",
                Some(copy.id),
                json!({ "after": copy, "source": id.to_string() }),
            )?;
            Ok(copy)
        })
    }

    /// Every row of the agent's family, deleted ones too, highest version first.
    pub fn versions(&self, id: Uuid) -> Result<Vec<Agent>> {
        self.0.store().read(|c| {
            let a = row::get::<Agent>(c, id)?
                .filter(|a| access::readable(a, self.0.user_id))
                .ok_or_else(|| not_found("Agent"))?;
            let root = a.parent_id.unwrap_or(a.id);
            let mut f = Filter::new();
            f.and("id = ? OR parent_id = ?", [uuid_value(root), uuid_value(root)]);
            Ok(queries::all::<Agent>(c, &f, "version DESC, created_at DESC")?)
        })
    }
}
