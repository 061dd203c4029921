//! Export and import of agents, workflows (with their steps) and templates as one JSON bundle.
//! Import checks everything first, then writes everything in one transaction, or nothing.

use crate::access;
use crate::agents::{self, CreateAgent};
use crate::templates;
use crate::workflows::{self, validate_steps, CreateWorkflow, WorkflowWithSteps};
use crate::{now, Actor};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{HashMap, HashSet};
use turbocat_domain::{validate::Checker, Agent, Error, ErrorCode, FieldError, Result, Template, Timestamp, Uuid};
use turbocat_store::queries::{self, lookups, uuid_value, Filter};
use turbocat_store::row::{self, Table};

pub const FORMAT: &str = "turbocat-bundle";
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Bundle {
    pub format: String,
    pub version: u32,
    pub exported_at: Timestamp,
    #[serde(default)]
    pub agents: Vec<Agent>,
    #[serde(default)]
    pub workflows: Vec<WorkflowWithSteps>,
    #[serde(default)]
    pub templates: Vec<Template>,
}

/// What to export; empty lists with `all` false export nothing of that kind.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, optional_fields)]
pub struct ExportSelection {
    /// Everything the current user owns.
    pub all: bool,
    pub agent_ids: Vec<Uuid>,
    pub workflow_ids: Vec<Uuid>,
    pub template_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, optional_fields)]
pub struct ImportOptions {
    /// Give every imported row a new id (references inside the bundle follow), instead of
    /// keeping ids and replacing rows that already exist.
    pub as_copies: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportReport {
    pub agents_created: usize,
    pub agents_replaced: usize,
    pub workflows_created: usize,
    pub workflows_replaced: usize,
    pub steps_written: usize,
    pub templates_created: usize,
    pub templates_replaced: usize,
}

impl Actor<'_> {
    pub fn export(&self, sel: &ExportSelection) -> Result<Bundle> {
        let me = self.current_user_id();
        let (agent_ids, workflow_ids, template_ids) = if sel.all {
            self.store().read(|c| -> Result<_> {
                let ids = |table: &str, owner: &str| -> Result<Vec<Uuid>> {
                    lookups::owned_ids(c, table, owner, me)?.iter().map(|s| turbocat_domain::parse_id(s)).collect()
                };
                Ok((ids("agents", "user_id")?, ids("workflows", "user_id")?, ids("templates", "user_id")?))
            })?
        } else {
            (sel.agent_ids.clone(), sel.workflow_ids.clone(), sel.template_ids.clone())
        };
        Ok(Bundle {
            format: FORMAT.into(),
            version: VERSION,
            exported_at: now(),
            agents: agent_ids.into_iter().map(|id| self.agents().get(id)).collect::<Result<_>>()?,
            workflows: workflow_ids.into_iter().map(|id| self.workflows().get(id)).collect::<Result<_>>()?,
            templates: template_ids.into_iter().map(|id| self.templates().get(id)).collect::<Result<_>>()?,
        })
    }

    /// Parses and imports a bundle given as JSON text.
    pub fn import_json(&self, text: &str, opts: &ImportOptions) -> Result<ImportReport> {
        let bundle: Bundle = serde_json::from_str(text)
            .map_err(|e| Error::validation(format!("This file is not a valid Turbocat bundle: {e}")))?;
        self.import(bundle, opts)
    }

    pub fn import(&self, mut b: Bundle, opts: &ImportOptions) -> Result<ImportReport> {
        if b.format != FORMAT || b.version != VERSION {
            return Err(Error::validation(format!(
                "Unsupported bundle (format {:?} version {}; this build reads {FORMAT:?} version {VERSION})",
                b.format, b.version
            )));
        }
        let me = self.current_user_id();
        if opts.as_copies {
            remap_ids(&mut b);
        }
        // 1. Check every row with the checks of create, collecting every problem with its place
        //    in the bundle; names are trimmed as create trims them.
        let mut problems = check_rows(&mut b, me);
        let bundle_agents: HashSet<Uuid> = b.agents.iter().map(|a| a.id).collect();
        // 2. Write everything in one transaction; any failure rolls all of it back.
        let t = now();
        self.store().write(|tx| {
            // The checks that need this database run in the writing transaction, before its
            // first write: a step's agent that is not in the bundle must be here, usable.
            for (i, w) in b.workflows.iter().enumerate() {
                for (j, s) in w.steps.iter().enumerate() {
                    let Some(aid) = s.agent_id else { continue };
                    if !bundle_agents.contains(&aid) && !row::get::<Agent>(tx, aid)?.is_some_and(|a| access::can_see(&a, me)) {
                        problems.push(FieldError {
                            field: format!("workflows[{i}].steps[{j}].agentId"),
                            message: format!(
                                "Step \"{}\" of workflow \"{}\" uses agent {aid}, which is neither in the bundle nor in this database (or is deleted there)",
                                s.step_key, w.workflow.name
                            ),
                        });
                    }
                }
            }
            if !problems.is_empty() {
                return Err(refusal(problems));
            }
            let mut report = ImportReport::default();
            for a in &b.agents {
                let mut a = a.clone();
                a.user_id = me;
                a.updated_at = t;
                if a.parent_id.is_some_and(|p| !bundle_agents.contains(&p) && row::get::<Agent>(tx, p).ok().flatten().is_none()) {
                    a.parent_id = None;
                }
                // Counters are this database's history of runs: a replaced row keeps its own.
                if let Some(old) = row::get::<Agent>(tx, a.id)? {
                    (a.total_executions, a.successful_executions, a.failed_executions, a.avg_execution_time_ms) =
                        (old.total_executions, old.successful_executions, old.failed_executions, old.avg_execution_time_ms);
                } else {
                    (a.total_executions, a.successful_executions, a.failed_executions, a.avg_execution_time_ms) = (0, 0, 0, 0);
                }
                if upsert_owned(tx, &a, me, "agents")? {
                    report.agents_replaced += 1;
                } else {
                    report.agents_created += 1;
                }
            }
            for w in &b.workflows {
                let mut wf = w.workflow.clone();
                wf.user_id = me;
                wf.updated_at = t;
                match row::get::<turbocat_domain::Workflow>(tx, wf.id)? {
                    Some(old) => {
                        (wf.total_executions, wf.successful_executions, wf.failed_executions, wf.avg_execution_time_ms) =
                            (old.total_executions, old.successful_executions, old.failed_executions, old.avg_execution_time_ms);
                        wf.last_execution_at = old.last_execution_at;
                    }
                    None => {
                        (wf.total_executions, wf.successful_executions, wf.failed_executions, wf.avg_execution_time_ms) = (0, 0, 0, 0);
                        wf.last_execution_at = None;
                    }
                }
                if wf.parent_id.is_some() && row::get::<turbocat_domain::Workflow>(tx, wf.parent_id.unwrap_or_default())?.is_none() {
                    wf.parent_id = None;
                }
                let replaced = upsert_owned(tx, &wf, me, "workflows")?;
                if replaced {
                    report.workflows_replaced += 1;
                    let mut f = Filter::new();
                    f.eq("workflow_id", uuid_value(wf.id));
                    for old in queries::all::<turbocat_domain::WorkflowStep>(tx, &f, "position")? {
                        row::delete::<turbocat_domain::WorkflowStep>(tx, old.id)?;
                    }
                } else {
                    report.workflows_created += 1;
                }
                for s in &w.steps {
                    if row::get::<turbocat_domain::WorkflowStep>(tx, s.id)?.is_some() {
                        return Err(Error::conflict(format!("Step id {} already belongs to another workflow", s.id)));
                    }
                    row::insert(tx, s)?;
                    report.steps_written += 1;
                }
            }
            for tpl in &b.templates {
                let mut tpl = tpl.clone();
                tpl.user_id = Some(me);
                // Only the seed (or the hosted project) makes official templates; an import
                // keeps the flag only on a row that is official already.
                let old = row::get::<Template>(tx, tpl.id)?;
                tpl.is_official = old.as_ref().is_some_and(|o| o.is_official);
                if let Some(old) = old {
                    (tpl.usage_count, tpl.rating_average, tpl.rating_count) = (old.usage_count, old.rating_average, old.rating_count);
                }
                tpl.updated_at = t;
                if upsert_owned(tx, &tpl, me, "templates")? {
                    report.templates_replaced += 1;
                } else {
                    report.templates_created += 1;
                }
            }
            self.audit_row(
                tx,
                "bundle.import",
                "bundle",
                None,
                json!({
                    "report": report,
                    "agents": b.agents.iter().map(|a| a.id.to_string()).collect::<Vec<_>>(),
                    "workflows": b.workflows.iter().map(|w| w.workflow.id.to_string()).collect::<Vec<_>>(),
                    "templates": b.templates.iter().map(|t| t.id.to_string()).collect::<Vec<_>>(),
                }),
            )?;
            Ok(report)
        })
    }
}

/// Adds a check's failure to the bundle's problems, each field prefixed with the item's place.
fn collect(problems: &mut Vec<FieldError>, at: &str, r: Result<()>) {
    if let Err(e) = r {
        if e.fields.is_empty() {
            problems.push(FieldError { field: at.to_string(), message: e.message });
        } else {
            problems.extend(
                e.fields.into_iter().map(|f| FieldError { field: format!("{at}.{}", f.field), message: f.message }),
            );
        }
    }
}

/// The one VALIDATION_ERROR of a refused bundle: every problem, each with its field. A problem
/// about several fields (the edges of a cycle) is in the message once, with its first field.
fn refusal(problems: Vec<FieldError>) -> Error {
    let mut seen = std::collections::HashSet::new();
    let distinct: Vec<String> = problems
        .iter()
        .filter(|p| seen.insert(p.message.as_str()))
        .map(|p| format!("{}: {}", p.field, p.message))
        .collect();
    let message = format!(
        "The bundle was not imported ({} problem{}): {}",
        distinct.len(),
        if distinct.len() == 1 { "" } else { "s" },
        distinct.join("; ")
    );
    Error { code: ErrorCode::ValidationError, message, fields: problems }
}

/// Checks every bundled row with the services' own create checks (agents, workflows with their
/// steps, templates) and the bundle's own rules (ids once each, steps of their workflow, a
/// step's agent in the bundle not deleted). Trims names as create does and makes the rows the
/// current user's, as they will be written. Needs no database.
fn check_rows(b: &mut Bundle, me: Uuid) -> Vec<FieldError> {
    let mut problems: Vec<FieldError> = Vec::new();
    for (i, a) in b.agents.iter_mut().enumerate() {
        let mut c = Checker::new();
        a.name = agents::check_create(
            &mut c,
            &CreateAgent {
                name: a.name.clone(),
                description: a.description.clone(),
                agent_type: Some(a.agent_type),
                status: Some(a.status),
                config: Some(a.config.clone()),
                capabilities: Some(a.capabilities.clone()),
                parameters: Some(a.parameters.clone()),
                max_execution_time: a.max_execution_time,
                max_memory_mb: a.max_memory_mb,
                max_concurrent_executions: a.max_concurrent_executions,
                tags: a.tags.clone(),
                is_public: Some(a.is_public),
            },
        );
        a.user_id = me;
        collect(&mut problems, &format!("agents[{i}]"), c.finish());
    }
    let bundle_agents: HashMap<Uuid, &Agent> = b.agents.iter().map(|a| (a.id, a)).collect();
    for (i, w) in b.workflows.iter_mut().enumerate() {
        let at = format!("workflows[{i}]");
        let wf = &mut w.workflow;
        let mut c = Checker::new();
        let (name, _) = workflows::check_create(
            &mut c,
            &CreateWorkflow {
                name: wf.name.clone(),
                description: wf.description.clone(),
                definition: Some(wf.definition.clone()),
                trigger_config: Some(wf.trigger_config.clone()),
                schedule_cron: wf.schedule_cron.clone(),
                schedule_timezone: Some(wf.schedule_timezone.clone()),
                tags: wf.tags.clone(),
                ..Default::default()
            },
        );
        wf.name = name;
        wf.user_id = me;
        for (j, s) in w.steps.iter_mut().enumerate() {
            if s.workflow_id != wf.id {
                c.fail(&format!("steps[{j}].workflowId"), "Every step must belong to its workflow");
            }
            // As create makes its steps: key and name trimmed.
            s.step_key = s.step_key.trim().to_string();
            s.step_name = s.step_name.trim().to_string();
            if let Some(a) = s.agent_id.and_then(|aid| bundle_agents.get(&aid)) {
                if !access::can_see(*a, me) {
                    c.fail(
                        &format!("steps[{j}].agentId"),
                        format!("Step \"{}\" uses agent {}, which is deleted in the bundle", s.step_key, a.id),
                    );
                }
            }
        }
        collect(&mut problems, &at, c.finish());
        collect(&mut problems, &at, validate_steps(&w.steps, &wf.definition));
    }
    for (i, t) in b.templates.iter_mut().enumerate() {
        let mut c = Checker::new();
        (t.name, t.category) =
            templates::check_fields(&mut c, &t.name, &t.category, t.description.as_deref(), t.tags.as_deref());
        templates::check_rating(&mut c, t.rating_average, t.rating_count);
        collect(&mut problems, &format!("templates[{i}]"), c.finish());
    }
    for (kind, ids) in [
        ("agents", b.agents.iter().map(|a| a.id).collect::<Vec<_>>()),
        ("workflows", b.workflows.iter().map(|w| w.workflow.id).collect()),
        ("templates", b.templates.iter().map(|t| t.id).collect()),
    ] {
        let mut seen = HashSet::new();
        for id in ids {
            if !seen.insert(id) {
                problems
                    .push(FieldError { field: kind.into(), message: format!("Id {id} appears twice in the bundle") });
            }
        }
    }
    problems
}

/// Inserts the row, or replaces it when the current user owns a row with that id. Returns
/// whether it replaced. A row of another user under the same id is a CONFLICT.
fn upsert_owned<T: Table>(tx: &rusqlite::Connection, r: &T, me: Uuid, table: &str) -> Result<bool> {
    let owner = lookups::owner_of(tx, table, r.id())?;
    match owner {
        None => {
            row::insert(tx, r)?;
            Ok(false)
        }
        Some(Some(o)) if o == me.to_string() => {
            row::update(tx, r)?;
            Ok(true)
        }
        Some(_) => {
            Err(Error::conflict(format!("{table} row {} belongs to another user; import it as a copy instead", r.id())))
        }
    }
}

fn fresh(map: &mut HashMap<Uuid, Uuid>, old: Uuid) -> Uuid {
    *map.entry(old).or_insert_with(turbocat_domain::new_id)
}

/// New ids for every row; references inside the bundle (step → agent, step → workflow,
/// agent → parent) follow.
fn remap_ids(b: &mut Bundle) {
    let mut map: HashMap<Uuid, Uuid> = HashMap::new();
    for a in &mut b.agents {
        a.id = fresh(&mut map, a.id);
    }
    for a in &mut b.agents {
        a.parent_id = a.parent_id.map(|p| fresh(&mut map, p));
    }
    for w in &mut b.workflows {
        w.workflow.id = fresh(&mut map, w.workflow.id);
        w.workflow.parent_id = None;
        for s in &mut w.steps {
            s.id = fresh(&mut map, s.id);
            s.workflow_id = w.workflow.id;
        }
    }
    let agent_ids: HashSet<Uuid> = b.agents.iter().map(|a| a.id).collect();
    for w in &mut b.workflows {
        for s in &mut w.steps {
            // Only agents that came with the bundle were renamed; others keep their id.
            if let Some(a) = s.agent_id {
                if let Some(new) = map.get(&a).filter(|n| agent_ids.contains(n)) {
                    s.agent_id = Some(*new);
                }
            }
        }
    }
    for t in &mut b.templates {
        t.id = fresh(&mut map, t.id);
    }
}
