//! Workflows and their steps: create with steps, get with steps, list, update with a step diff,
//! soft delete, graph validation (`docs/rules.md`, "Workflows"). A workflow and its steps
//! are always written in one transaction, and the graph checks always run on the whole
//! resulting step set, never on the changed steps alone.

use crate::access;
use crate::list::{nullable, ListParams};
use crate::{changes, now, snapshot, Actor};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value as Json};
use std::collections::HashMap;
use turbocat_domain::{
    flow::plan, new_id, validate::Checker, Agent, Error, ErrorHandling, Page, Result, Uuid, Workflow, WorkflowStatus,
    WorkflowStep, WorkflowStepType,
};
use turbocat_store::queries::{self, Filter};
use turbocat_store::row;

pub struct Workflows<'a>(pub(crate) Actor<'a>);

pub const MAX_STEPS: usize = 100;

#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, optional_fields)]
pub struct StepInput {
    /// Kept when given (import, sync); a new UUIDv7 otherwise.
    pub id: Option<Uuid>,
    pub step_key: String,
    pub step_name: String,
    pub step_type: Option<WorkflowStepType>,
    pub position: Option<i64>,
    pub agent_id: Option<Uuid>,
    pub config: Option<Json>,
    pub inputs: Option<Json>,
    pub outputs: Option<Json>,
    pub depends_on: Option<Vec<String>>,
    pub retry_count: Option<i64>,
    pub retry_delay_ms: Option<i64>,
    pub timeout_ms: Option<i64>,
    pub on_error: Option<ErrorHandling>,
}

/// A change to an existing step, named by its key. `newKey` renames it; dependants that named
/// the old key are not rewritten (the graph check then reports them), so renames are explicit.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, optional_fields)]
pub struct StepChange {
    pub step_key: String,
    pub new_key: Option<String>,
    pub step_name: Option<String>,
    pub step_type: Option<WorkflowStepType>,
    pub position: Option<i64>,
    #[serde(deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<Option<Uuid>>,
    pub config: Option<Json>,
    pub inputs: Option<Json>,
    pub outputs: Option<Json>,
    pub depends_on: Option<Vec<String>>,
    pub retry_count: Option<i64>,
    pub retry_delay_ms: Option<i64>,
    pub timeout_ms: Option<i64>,
    pub on_error: Option<ErrorHandling>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, optional_fields)]
pub struct StepDiff {
    pub add: Vec<StepInput>,
    pub change: Vec<StepChange>,
    /// Step keys to delete (hard delete: steps have no deleted_at).
    pub delete: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, optional_fields)]
pub struct CreateWorkflow {
    pub id: Option<Uuid>,
    pub name: String,
    pub description: Option<String>,
    pub status: Option<WorkflowStatus>,
    pub definition: Option<Json>,
    pub trigger_config: Option<Json>,
    pub schedule_enabled: Option<bool>,
    pub schedule_cron: Option<String>,
    pub schedule_timezone: Option<String>,
    pub tags: Option<Vec<String>>,
    pub is_public: Option<bool>,
    pub steps: Vec<StepInput>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, optional_fields)]
pub struct UpdateWorkflow {
    pub name: Option<String>,
    #[serde(deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    pub description: Option<Option<String>>,
    pub status: Option<WorkflowStatus>,
    pub definition: Option<Json>,
    pub trigger_config: Option<Json>,
    pub schedule_enabled: Option<bool>,
    #[serde(deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    pub schedule_cron: Option<Option<String>>,
    pub schedule_timezone: Option<String>,
    pub tags: Option<Vec<String>>,
    pub is_public: Option<bool>,
    /// The whole desired step set (what a canvas saves): diffed by step key against the stored
    /// steps, so unchanged steps keep their ids.
    pub steps: Option<Vec<StepInput>>,
    /// Explicit step changes.
    pub step_changes: Option<StepDiff>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, optional_fields)]
pub struct WorkflowQuery {
    #[serde(flatten)]
    pub list: ListParams,
    pub status: Option<WorkflowStatus>,
    pub is_public: Option<bool>,
    pub schedule_enabled: Option<bool>,
    pub mine: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WorkflowWithSteps {
    #[serde(flatten)]
    pub workflow: Workflow,
    pub steps: Vec<WorkflowStep>,
}

pub const SORTABLE: &[&str] =
    &["created_at", "updated_at", "name", "status", "version", "total_executions", "last_execution_at"];

fn check_step_fields(c: &mut Checker, at: &str, s: &WorkflowStep) {
    c.step_key(&format!("{at}.stepKey"), &s.step_key);
    c.name(&format!("{at}.stepName"), &s.step_name, 255);
    if s.position < 0 {
        c.fail(&format!("{at}.position"), "position must be 0 or more");
    }
    for (k, v) in [("config", &s.config), ("inputs", &s.inputs), ("outputs", &s.outputs)] {
        c.object(&format!("{at}.{k}"), v);
    }
    let deps = s.deps();
    if deps.len() > 50 {
        c.fail(&format!("{at}.dependsOn"), "A step may depend on at most 50 steps");
    }
    if deps.iter().any(|d| d.is_empty() || d.len() > 100) {
        c.fail(&format!("{at}.dependsOn"), "Each dependency must be a step key of 1-100 characters");
    }
    c.range(&format!("{at}.retryCount"), s.retry_count, 0, 10);
    c.range(&format!("{at}.retryDelayMs"), s.retry_delay_ms, 0, 300_000);
    c.range(&format!("{at}.timeoutMs"), s.timeout_ms, 1000, 3_600_000);
}

fn new_step(workflow_id: Uuid, s: StepInput, index: usize, c: &mut Checker) -> WorkflowStep {
    let t = now();
    if s.step_type.is_none() {
        c.fail(&format!("steps[{index}].stepType"), "stepType is required");
    }
    WorkflowStep {
        id: s.id.unwrap_or_else(new_id),
        workflow_id,
        agent_id: s.agent_id,
        step_key: s.step_key.trim().to_string(),
        step_name: s.step_name.trim().to_string(),
        step_type: s.step_type.unwrap_or(WorkflowStepType::Agent),
        position: s.position.unwrap_or(index as i64),
        config: s.config.unwrap_or_else(|| json!({})),
        inputs: s.inputs.unwrap_or_else(|| json!({})),
        outputs: s.outputs.unwrap_or_else(|| json!({})),
        depends_on: Some(s.depends_on.unwrap_or_default()),
        retry_count: s.retry_count.unwrap_or(0),
        retry_delay_ms: s.retry_delay_ms.unwrap_or(1000),
        timeout_ms: s.timeout_ms.unwrap_or(30_000),
        on_error: s.on_error.unwrap_or(ErrorHandling::Fail),
        created_at: t,
        updated_at: t,
    }
}

/// Field checks of every step and the step limit, into the caller's checker.
fn check_steps(c: &mut Checker, steps: &[WorkflowStep]) {
    if steps.len() > MAX_STEPS {
        c.fail("steps", format!("A workflow can have at most {MAX_STEPS} steps (got {})", steps.len()));
    }
    for (i, s) in steps.iter().enumerate() {
        check_step_fields(c, &format!("steps[{i}]"), s);
    }
}

/// Field checks of every step, the step limit, then the graph checks in rule order, then the
/// references (`docs/engine.md`): every `{{…}}` names a workflow input, an upstream step or a
/// loop's item, and every condition parses.
pub fn validate_steps(steps: &[WorkflowStep], definition: &Json) -> Result<()> {
    let mut c = Checker::new();
    check_steps(&mut c, steps);
    c.finish()?;
    plan::check(steps, definition)
}

/// The workflow's own field checks of a create (its steps apart), into the caller's checker;
/// returns the name as stored (trimmed) and the time zone. The bundle import checks every
/// bundled workflow with it too.
pub(crate) fn check_create(c: &mut Checker, input: &CreateWorkflow) -> (String, String) {
    let name = c.name("name", &input.name, 255);
    c.description(input.description.as_deref());
    let tz = input.schedule_timezone.clone().unwrap_or_else(|| "UTC".into());
    c.schedule(input.schedule_cron.as_deref(), &tz);
    if let Some(t) = &input.tags {
        c.tags(t);
    }
    for (k, v) in [("definition", &input.definition), ("triggerConfig", &input.trigger_config)] {
        if let Some(v) = v {
            c.object(k, v);
        }
    }
    (name, tz)
}

/// Agent steps' agents must exist, be visible and not deleted (an agent step may have none).
fn check_step_agents(conn: &rusqlite::Connection, me: Uuid, steps: &[WorkflowStep]) -> Result<()> {
    for s in steps {
        if let Some(aid) = s.agent_id {
            if !row::get::<Agent>(conn, aid)?.is_some_and(|a| access::can_see(&a, me)) {
                return Err(Error::validation_field(
                    &format!("steps.{}.agentId", s.step_key),
                    format!("Step \"{}\" uses agent {aid}, which does not exist or was deleted", s.step_key),
                ));
            }
        }
    }
    Ok(())
}

/// Applies an explicit diff to the stored steps; returns the resulting set.
fn apply_diff(workflow_id: Uuid, stored: &[WorkflowStep], diff: StepDiff, c: &mut Checker) -> Vec<WorkflowStep> {
    let mut steps: Vec<WorkflowStep> = stored.to_vec();
    for key in &diff.delete {
        if !steps.iter().any(|s| &s.step_key == key) {
            c.fail("stepChanges.delete", format!("No step with key \"{key}\" to delete"));
        }
        steps.retain(|s| &s.step_key != key);
    }
    let t = now();
    for ch in diff.change {
        let Some(s) = steps.iter_mut().find(|s| s.step_key == ch.step_key) else {
            c.fail("stepChanges.change", format!("No step with key \"{}\" to change", ch.step_key));
            continue;
        };
        if let Some(v) = ch.new_key {
            s.step_key = v.trim().to_string();
        }
        if let Some(v) = ch.step_name {
            s.step_name = v.trim().to_string();
        }
        if let Some(v) = ch.step_type {
            s.step_type = v;
        }
        if let Some(v) = ch.position {
            s.position = v;
        }
        if let Some(v) = ch.agent_id {
            s.agent_id = v;
        }
        if let Some(v) = ch.config {
            s.config = v;
        }
        if let Some(v) = ch.inputs {
            s.inputs = v;
        }
        if let Some(v) = ch.outputs {
            s.outputs = v;
        }
        if let Some(v) = ch.depends_on {
            s.depends_on = Some(v);
        }
        if let Some(v) = ch.retry_count {
            s.retry_count = v;
        }
        if let Some(v) = ch.retry_delay_ms {
            s.retry_delay_ms = v;
        }
        if let Some(v) = ch.timeout_ms {
            s.timeout_ms = v;
        }
        if let Some(v) = ch.on_error {
            s.on_error = v;
        }
        s.updated_at = t;
    }
    let base = steps.len();
    for (i, s) in diff.add.into_iter().enumerate() {
        steps.push(new_step(workflow_id, s, base + i, c));
    }
    steps
}

/// Turns a desired full step set into the resulting rows, keeping ids (and created_at) of
/// steps whose key already exists.
fn replace_steps(
    workflow_id: Uuid,
    stored: &[WorkflowStep],
    wanted: Vec<StepInput>,
    c: &mut Checker,
) -> Vec<WorkflowStep> {
    let by_key: HashMap<&str, &WorkflowStep> = stored.iter().map(|s| (s.step_key.as_str(), s)).collect();
    wanted
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let mut step = new_step(workflow_id, s, i, c);
            if let Some(old) = by_key.get(step.step_key.as_str()) {
                step.id = old.id;
                step.created_at = old.created_at;
                let mut probe = step.clone();
                probe.updated_at = old.updated_at;
                if &probe == *old {
                    step.updated_at = old.updated_at;
                }
            }
            step
        })
        .collect()
}

/// Writes the difference between the stored and the resulting steps; returns a summary
/// `{added, changed, deleted}` of step keys for the audit row.
fn write_steps(tx: &rusqlite::Connection, stored: &[WorkflowStep], result: &[WorkflowStep]) -> Result<Json> {
    let (mut added, mut changed, mut deleted) = (vec![], vec![], vec![]);
    // Deletes first, so a key freed by one step can be taken by another.
    for old in stored {
        if !result.iter().any(|s| s.id == old.id) {
            row::delete::<WorkflowStep>(tx, old.id)?;
            deleted.push(old.step_key.clone());
        }
    }
    for s in result {
        match stored.iter().find(|o| o.id == s.id) {
            Some(old) if old == s => {}
            Some(_) => {
                row::update(tx, s)?;
                changed.push(s.step_key.clone());
            }
            None => {
                row::insert(tx, s)?;
                added.push(s.step_key.clone());
            }
        }
    }
    Ok(json!({ "added": added, "changed": changed, "deleted": deleted }))
}

impl Workflows<'_> {
    /// Validates a step set as the designer would save it, without writing: the same checks as
    /// create and update, with the same messages.
    /// `definition` is the workflow's, for its declared inputs (none: any input is accepted).
    pub fn validate(&self, steps: Vec<StepInput>, definition: Option<Json>) -> Result<()> {
        let mut c = Checker::new();
        let rows: Vec<WorkflowStep> =
            steps.into_iter().enumerate().map(|(i, s)| new_step(Uuid::nil(), s, i, &mut c)).collect();
        check_steps(&mut c, &rows);
        let definition = definition.unwrap_or_else(|| json!({}));
        c.object("definition", &definition);
        c.finish()?;
        plan::check(&rows, &definition)?;
        self.0.store().read(|conn| check_step_agents(conn, self.0.user_id, &rows))
    }

    pub fn create(&self, input: CreateWorkflow) -> Result<WorkflowWithSteps> {
        self.0.store().write(|tx| self.create_in(tx, input))
    }

    /// Create inside the caller's transaction (template instantiation adds its own writes).
    pub(crate) fn create_in(&self, tx: &rusqlite::Connection, input: CreateWorkflow) -> Result<WorkflowWithSteps> {
        let mut c = Checker::new();
        let (name, tz) = check_create(&mut c, &input);
        let id = input.id.unwrap_or_else(new_id);
        let steps: Vec<WorkflowStep> =
            input.steps.into_iter().enumerate().map(|(i, s)| new_step(id, s, i, &mut c)).collect();
        check_steps(&mut c, &steps);
        c.finish()?;
        plan::check(&steps, input.definition.as_ref().unwrap_or(&json!({})))?;
        let t = now();
        let wf = Workflow {
            id,
            name,
            description: input.description,
            user_id: self.0.user_id,
            status: input.status.unwrap_or(WorkflowStatus::Draft),
            version: 1,
            parent_id: None,
            definition: input.definition.unwrap_or_else(|| json!({})),
            trigger_config: input.trigger_config.unwrap_or_else(|| json!({})),
            schedule_enabled: input.schedule_enabled.unwrap_or(false),
            schedule_cron: input.schedule_cron,
            schedule_timezone: tz,
            total_executions: 0,
            successful_executions: 0,
            failed_executions: 0,
            avg_execution_time_ms: 0,
            last_execution_at: None,
            tags: Some(input.tags.unwrap_or_default()),
            is_public: input.is_public.unwrap_or(false),
            created_at: t,
            updated_at: t,
            deleted_at: None,
        };
        check_step_agents(tx, self.0.user_id, &steps)?;
        row::insert(tx, &wf)?;
        row::insert_many(tx, steps.iter())?;
        let out = WorkflowWithSteps { workflow: wf, steps };
        self.0.audit_row(tx, "workflow.create", "workflow", Some(id), snapshot(&out, "after"))?;
        Ok(out)
    }

    pub fn get(&self, id: Uuid) -> Result<WorkflowWithSteps> {
        self.0.store().read(|c| {
            let workflow = access::visible::<Workflow>(c, self.0.user_id, id)?;
            let steps = queries::steps_of(c, id)?;
            Ok(WorkflowWithSteps { workflow, steps })
        })
    }

    /// Finds a visible workflow by id or, failing that, by exact name (for the CLI).
    pub fn find(&self, id_or_name: &str) -> Result<Workflow> {
        if let Ok(id) = id_or_name.parse::<Uuid>() {
            return self.0.store().read(|c| access::visible::<Workflow>(c, self.0.user_id, id));
        }
        self.0.store().read(|c| {
            let mut f = Filter::new();
            f.not_deleted().eq("name", id_or_name);
            access::filter::<Workflow>(&mut f, self.0.user_id, false);
            let mut found = queries::all::<Workflow>(c, &f, "created_at ASC")?;
            match found.len() {
                0 => Err(Error::not_found(&format!("Workflow \"{id_or_name}\""))),
                1 => Ok(found.remove(0)),
                n => Err(Error::bad_request(format!("{n} workflows are named \"{id_or_name}\"; use the id instead"))),
            }
        })
    }

    pub fn list(&self, q: &WorkflowQuery) -> Result<Page<Workflow>> {
        let r = q.list.resolve(SORTABLE, "created_at")?;
        let mut f = Filter::new();
        f.not_deleted();
        if let Some(s) = q.status {
            f.eq("status", s.as_str());
        }
        if let Some(p) = q.is_public {
            f.eq("is_public", p as i64);
        }
        if let Some(p) = q.schedule_enabled {
            f.eq("schedule_enabled", p as i64);
        }
        access::filter::<Workflow>(&mut f, self.0.user_id, q.mine == Some(true));
        q.list.search_and_tags(&mut f, &["name", "description"]);
        r.fetch::<Workflow>(self.0.store(), &f)
    }

    pub fn update(&self, id: Uuid, input: UpdateWorkflow) -> Result<WorkflowWithSteps> {
        let empty = input.name.is_none()
            && input.description.is_none()
            && input.status.is_none()
            && input.definition.is_none()
            && input.trigger_config.is_none()
            && input.schedule_enabled.is_none()
            && input.schedule_cron.is_none()
            && input.schedule_timezone.is_none()
            && input.tags.is_none()
            && input.is_public.is_none()
            && input.steps.is_none()
            && input.step_changes.is_none();
        if empty {
            return Err(Error::validation("No fields to update"));
        }
        if input.steps.is_some() && input.step_changes.is_some() {
            return Err(Error::validation("Give either steps (the whole set) or stepChanges, not both"));
        }
        self.0.store().write(|tx| {
            let before = access::owned::<Workflow>(tx, self.0.user_id, id)?;
            let stored = queries::steps_of(tx, id)?;
            let mut c = Checker::new();
            let mut w = before.clone();
            if let Some(n) = &input.name {
                w.name = c.name("name", n, 255);
            }
            if let Some(d) = input.description {
                c.description(d.as_deref());
                w.description = d;
            }
            if let Some(s) = input.status {
                w.status = s;
            }
            if let Some(v) = input.definition {
                c.object("definition", &v);
                w.definition = v;
            }
            if let Some(v) = input.trigger_config {
                c.object("triggerConfig", &v);
                w.trigger_config = v;
            }
            if let Some(v) = input.schedule_enabled {
                w.schedule_enabled = v;
            }
            if let Some(v) = input.schedule_cron {
                w.schedule_cron = v;
            }
            if let Some(v) = input.schedule_timezone {
                w.schedule_timezone = v;
            }
            c.schedule(w.schedule_cron.as_deref(), &w.schedule_timezone);
            if let Some(t) = input.tags {
                c.tags(&t);
                w.tags = Some(t);
            }
            if let Some(v) = input.is_public {
                w.is_public = v;
            }
            let result = match (input.steps, input.step_changes) {
                (Some(all), _) => Some(replace_steps(id, &stored, all, &mut c)),
                (_, Some(diff)) => Some(apply_diff(id, &stored, diff, &mut c)),
                _ => None,
            };
            if let Some(result) = &result {
                check_steps(&mut c, result);
            }
            c.finish()?;
            let mut step_summary = Json::Null;
            if result.is_some() || w.definition != before.definition {
                plan::check(result.as_ref().unwrap_or(&stored), &w.definition)?;
            }
            if let Some(result) = &result {
                check_step_agents(tx, self.0.user_id, result)?;
                step_summary = write_steps(tx, &stored, result)?;
            }
            w.updated_at = now();
            row::update(tx, &w)?;
            let mut ch = changes(&before, &w);
            if !step_summary.is_null() {
                ch["steps"] = step_summary;
            }
            self.0.audit_row(tx, "workflow.update", "workflow", Some(id), ch)?;
            let steps = match result {
                Some(_) => queries::steps_of(tx, id)?,
                None => stored,
            };
            Ok(WorkflowWithSteps { workflow: w, steps })
        })
    }

    pub fn delete(&self, id: Uuid) -> Result<()> {
        self.0.store().write(|tx| {
            let before = access::owned::<Workflow>(tx, self.0.user_id, id)?;
            let mut w = before.clone();
            let t = now();
            w.deleted_at = Some(t);
            w.updated_at = t;
            row::update(tx, &w)?;
            self.0.audit_row(tx, "workflow.delete", "workflow", Some(id), changes(&before, &w))
        })
    }

    /// Executions of a workflow, newest first.
    pub fn executions(
        &self,
        id: Uuid,
        q: &crate::executions::ExecutionQuery,
    ) -> Result<Page<turbocat_domain::Execution>> {
        self.get(id)?;
        let mut q = q.clone();
        q.workflow_id = Some(id);
        self.0.executions().list(&q)
    }
}
