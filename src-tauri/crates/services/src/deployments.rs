//! Deployments: create (exactly one target), update, the state machine, soft delete;
//! environment variables sealed at rest and masked on read (`docs/rules.md`, "Deployments").

use crate::access;
use crate::list::{nullable, ListParams};
use crate::secrets::{mask, SecretBox};
use crate::{changes, not_found, now, snapshot, Actor};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value as Json};
use std::collections::BTreeMap;
use turbocat_domain::{
    new_id, validate::Checker, Deployment, DeploymentStatus, Environment, Error, HealthStatus, Page, Result, Uuid,
};
use turbocat_store::queries::{lookups, uuid_value, Filter};
use turbocat_store::row;

pub struct Deployments<'a>(pub(crate) Actor<'a>);

#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, optional_fields)]
pub struct CreateDeployment {
    pub name: String,
    pub description: Option<String>,
    pub workflow_id: Option<Uuid>,
    pub agent_id: Option<Uuid>,
    pub environment: Option<Environment>,
    pub config: Option<Json>,
    pub environment_vars: Option<BTreeMap<String, String>>,
    pub allocated_memory_mb: Option<i64>,
    pub allocated_cpu_shares: Option<i64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, optional_fields)]
pub struct UpdateDeployment {
    pub name: Option<String>,
    #[serde(deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    pub description: Option<Option<String>>,
    pub environment: Option<Environment>,
    pub config: Option<Json>,
    /// Sets these variables; a variable set to null is removed; others are kept.
    pub environment_vars: Option<BTreeMap<String, Option<String>>>,
    pub allocated_memory_mb: Option<i64>,
    pub allocated_cpu_shares: Option<i64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, optional_fields)]
pub struct DeploymentQuery {
    #[serde(flatten)]
    pub list: ListParams,
    pub status: Option<DeploymentStatus>,
    pub environment: Option<Environment>,
    pub workflow_id: Option<Uuid>,
    pub agent_id: Option<Uuid>,
}

const SORTABLE: &[&str] = &["created_at", "updated_at", "name", "status", "environment", "deployed_at"];

fn check_resources(c: &mut Checker, mem: Option<i64>, cpu: Option<i64>) {
    if let Some(v) = mem {
        c.range("allocatedMemoryMb", v, 1, 8192);
    }
    if let Some(v) = cpu {
        c.range("allocatedCpuShares", v, 1, 4096);
    }
}

fn check_vars<'a>(c: &mut Checker, names: impl Iterator<Item = &'a String>) {
    for n in names {
        if n.is_empty() || !n.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_') {
            c.fail("environmentVars", format!("Invalid variable name {n:?}: use letters, digits and _"));
        }
    }
}

/// The row as callers see it: every variable masked.
pub(crate) fn masked(secrets: &SecretBox, mut d: Deployment) -> Deployment {
    if let Json::Object(vars) = &mut d.environment_vars {
        for v in vars.values_mut() {
            let plain =
                v.as_str().map(|s| secrets.open_sealed(s).unwrap_or_else(|_| String::new())).unwrap_or_default();
            *v = Json::String(mask(&plain));
        }
    }
    d
}

/// Seals the environment variables stored in plain text (by a build before sync sealed what it
/// pulled): in the caller's transaction, with the outbox triggers silenced, because the values
/// a push sends do not change (it opens them) and the rows' `updated_at` stays. Reads every
/// deployment with variables; writes only the rows that had a plain value.
pub(crate) fn seal_plain_vars(tx: &rusqlite::Connection, secrets: &SecretBox) -> Result<()> {
    let mut sealed = Vec::new();
    for (id, text) in lookups::deployments_with_vars(tx)? {
        let mut vars: Json = serde_json::from_str(&text).unwrap_or(Json::Null);
        if secrets.seal_vars(&mut vars) {
            sealed.push((id, vars.to_string()));
        }
    }
    if !sealed.is_empty() {
        lookups::repair_deployment_vars(tx, &sealed)?;
    }
    Ok(())
}

/// Audit form of a deployment: variable names only, never values.
fn audit_view(d: &Deployment) -> Json {
    let mut v = serde_json::to_value(d).unwrap_or(Json::Null);
    if let Some(vars) = d.environment_vars.as_object() {
        v["environmentVars"] = Json::Array(vars.keys().map(|k| Json::String(k.clone())).collect());
    }
    v
}

impl Deployments<'_> {
    pub fn create(&self, input: CreateDeployment) -> Result<Deployment> {
        let mut c = Checker::new();
        let name = c.name("name", &input.name, 255);
        c.description(input.description.as_deref());
        check_resources(&mut c, input.allocated_memory_mb, input.allocated_cpu_shares);
        if let Some(v) = &input.environment_vars {
            check_vars(&mut c, v.keys());
        }
        match (input.workflow_id, input.agent_id) {
            (None, None) => c.fail("workflowId", "Either workflowId or agentId must be provided"),
            (Some(_), Some(_)) => c.fail("agentId", "Cannot deploy both a workflow and an agent. Provide only one."),
            _ => {}
        }
        c.finish()?;
        let me = self.0.user_id;
        let sealed: Map<String, Json> = input
            .environment_vars
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| (k, Json::String(self.0.secrets.seal(&v))))
            .collect();
        let t = now();
        let d = Deployment {
            id: new_id(),
            name,
            description: input.description,
            user_id: me,
            workflow_id: input.workflow_id,
            agent_id: input.agent_id,
            environment: input.environment.unwrap_or(Environment::Production),
            status: DeploymentStatus::Stopped,
            config: input.config.unwrap_or_else(|| json!({})),
            environment_vars: Json::Object(sealed),
            endpoint_url: None,
            api_key_hash: None,
            allocated_memory_mb: input.allocated_memory_mb.unwrap_or(512),
            allocated_cpu_shares: input.allocated_cpu_shares.unwrap_or(1024),
            deployed_at: None,
            last_health_check_at: None,
            health_status: HealthStatus::Unknown,
            total_requests: 0,
            total_errors: 0,
            avg_response_time_ms: 0,
            created_at: t,
            updated_at: t,
            deleted_at: None,
        };
        self.0.store().write(|tx| {
            if let Some(w) = d.workflow_id {
                access::visible::<turbocat_domain::Workflow>(tx, me, w)?;
            }
            if let Some(a) = d.agent_id {
                access::visible::<turbocat_domain::Agent>(tx, me, a)?;
            }
            row::insert(tx, &d)?;
            self.0.audit_row(tx, "deployment.create", "deployment", Some(d.id), json!({ "after": audit_view(&d) }))?;
            Ok(())
        })?;
        Ok(masked(&self.0.secrets, d))
    }

    pub fn get(&self, id: Uuid) -> Result<Deployment> {
        let d = self.0.store().read(|c| access::owned::<Deployment>(c, self.0.user_id, id))?;
        Ok(masked(&self.0.secrets, d))
    }

    /// The plain value of one variable, for the runtime that needs it (never for display).
    pub fn reveal_var(&self, id: Uuid, name: &str) -> Result<String> {
        let d = self.0.store().read(|c| access::owned::<Deployment>(c, self.0.user_id, id))?;
        let sealed = d.environment_vars.get(name).and_then(Json::as_str).ok_or_else(|| not_found("Variable"))?;
        self.0.secrets.open_sealed(sealed)
    }

    pub fn list(&self, q: &DeploymentQuery) -> Result<Page<Deployment>> {
        let r = q.list.resolve(SORTABLE, "created_at")?;
        let mut f = Filter::new();
        f.not_deleted().eq("user_id", uuid_value(self.0.user_id));
        if let Some(s) = q.status {
            f.eq("status", s.as_str());
        }
        if let Some(e) = q.environment {
            f.eq("environment", e.as_str());
        }
        if let Some(w) = q.workflow_id {
            f.eq("workflow_id", uuid_value(w));
        }
        if let Some(a) = q.agent_id {
            f.eq("agent_id", uuid_value(a));
        }
        if let Some(s) = q.list.search_term() {
            f.search(&["name", "description"], s);
        }
        let (items, total) = self.0.store().page::<Deployment>(&f, &r.order, r.page_size, r.offset())?;
        let items = items.into_iter().map(|d| masked(&self.0.secrets, d)).collect();
        Ok(Page::new(items, total, r.page, r.page_size))
    }

    pub fn update(&self, id: Uuid, input: UpdateDeployment) -> Result<Deployment> {
        if input.name.is_none()
            && input.description.is_none()
            && input.environment.is_none()
            && input.config.is_none()
            && input.environment_vars.is_none()
            && input.allocated_memory_mb.is_none()
            && input.allocated_cpu_shares.is_none()
        {
            return Err(Error::validation("No fields to update"));
        }
        let mut c = Checker::new();
        let name = input.name.as_deref().map(|n| c.name("name", n, 255));
        if let Some(d) = &input.description {
            c.description(d.as_deref());
        }
        check_resources(&mut c, input.allocated_memory_mb, input.allocated_cpu_shares);
        if let Some(v) = &input.environment_vars {
            check_vars(&mut c, v.keys());
        }
        c.finish()?;
        let d = self.0.store().write(|tx| {
            let before = access::owned::<Deployment>(tx, self.0.user_id, id)?;
            let mut d = before.clone();
            if let Some(n) = name {
                d.name = n;
            }
            if let Some(v) = input.description {
                d.description = v;
            }
            if let Some(v) = input.environment {
                d.environment = v;
            }
            if let Some(v) = input.config {
                d.config = v;
            }
            if let Some(v) = input.allocated_memory_mb {
                d.allocated_memory_mb = v;
            }
            if let Some(v) = input.allocated_cpu_shares {
                d.allocated_cpu_shares = v;
            }
            let mut changed_vars = Vec::new();
            if let (Some(vars), Json::Object(stored)) = (input.environment_vars, &mut d.environment_vars) {
                for (k, v) in vars {
                    match v {
                        Some(v) => stored.insert(k.clone(), Json::String(self.0.secrets.seal(&v))),
                        None => stored.remove(&k),
                    };
                    changed_vars.push(k);
                }
            }
            d.updated_at = now();
            row::update(tx, &d)?;
            let mut ch = changes(&audit_view(&before), &audit_view(&d));
            if !changed_vars.is_empty() {
                ch["environmentVarsChanged"] = json!(changed_vars);
            }
            self.0.audit_row(tx, "deployment.update", "deployment", Some(id), ch)?;
            Ok(d)
        })?;
        Ok(masked(&self.0.secrets, d))
    }

    fn transition(
        &self,
        id: Uuid,
        action: &str,
        audit_action: &str,
        allowed: &[DeploymentStatus],
        to: DeploymentStatus,
    ) -> Result<Deployment> {
        let d = self.0.store().write(|tx| {
            let before = access::owned::<Deployment>(tx, self.0.user_id, id)?;
            if !allowed.contains(&before.status) {
                let names: Vec<String> = allowed.iter().map(|s| s.to_string()).collect();
                return Err(Error::bad_request(format!(
                    "Cannot {action} deployment in \"{}\" status. Deployment must be {}.",
                    before.status,
                    names.join(" or ")
                )));
            }
            let mut d = before.clone();
            let t = now();
            d.status = to;
            match to {
                DeploymentStatus::Running => {
                    d.deployed_at = Some(t);
                    d.health_status = HealthStatus::Healthy;
                    d.last_health_check_at = Some(t);
                }
                DeploymentStatus::Stopped => d.health_status = HealthStatus::Unknown,
                _ => {}
            }
            d.updated_at = t;
            row::update(tx, &d)?;
            self.0.audit_row(
                tx,
                audit_action,
                "deployment",
                Some(id),
                changes(&audit_view(&before), &audit_view(&d)),
            )?;
            Ok(d)
        })?;
        Ok(masked(&self.0.secrets, d))
    }

    /// stopped|failed → starting.
    pub fn start(&self, id: Uuid) -> Result<Deployment> {
        self.transition(
            id,
            "start",
            "deployment.start",
            &[DeploymentStatus::Stopped, DeploymentStatus::Failed],
            DeploymentStatus::Starting,
        )
    }
    /// starting → running (healthy): the local runtime reports it came up.
    pub fn mark_running(&self, id: Uuid) -> Result<Deployment> {
        self.transition(
            id,
            "mark running",
            "deployment.running",
            &[DeploymentStatus::Starting],
            DeploymentStatus::Running,
        )
    }
    /// running|starting|maintenance → stopping.
    pub fn stop(&self, id: Uuid) -> Result<Deployment> {
        self.transition(
            id,
            "stop",
            "deployment.stop",
            &[DeploymentStatus::Running, DeploymentStatus::Starting, DeploymentStatus::Maintenance],
            DeploymentStatus::Stopping,
        )
    }
    /// stopping → stopped.
    pub fn mark_stopped(&self, id: Uuid) -> Result<Deployment> {
        self.transition(
            id,
            "mark stopped",
            "deployment.stopped",
            &[DeploymentStatus::Stopping],
            DeploymentStatus::Stopped,
        )
    }

    /// Soft delete; a deployment that is up is stopped first (stopping → stopped, audited).
    pub fn delete(&self, id: Uuid) -> Result<()> {
        let d = self.get(id)?;
        if matches!(d.status, DeploymentStatus::Running | DeploymentStatus::Starting | DeploymentStatus::Maintenance) {
            self.stop(id)?;
        }
        if matches!(self.get(id)?.status, DeploymentStatus::Stopping) {
            self.mark_stopped(id)?;
        }
        self.0.store().write(|tx| {
            let before = access::owned::<Deployment>(tx, self.0.user_id, id)?;
            let mut d = before.clone();
            let t = now();
            d.deleted_at = Some(t);
            d.updated_at = t;
            row::update(tx, &d)?;
            self.0.audit_row(tx, "deployment.delete", "deployment", Some(id), snapshot(&audit_view(&before), "before"))
        })
    }
}
