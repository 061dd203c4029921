//! Templates: list (visibility, filters, default sort by usage), categories, get, instantiate
//! agent and workflow templates (with their steps), save an agent or workflow as a template,
//! rate (`docs/rules.md`, "Templates").

use crate::access;
use crate::agents::CreateAgent;
use crate::list::ListParams;
use crate::workflows::{CreateWorkflow, StepInput, WorkflowWithSteps};
use crate::{now, snapshot, Actor};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value as Json};
use turbocat_domain::{
    new_id, validate::Checker, Agent, AgentType, Error, Hundredths, Page, Result, Template, TemplateType, Uuid,
    WorkflowStepType,
};
use turbocat_store::queries::Filter;
use turbocat_store::row;

pub struct Templates<'a>(pub(crate) Actor<'a>);

#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, optional_fields)]
pub struct TemplateQuery {
    #[serde(flatten)]
    pub list: ListParams,
    pub category: Option<String>,
    #[serde(rename = "type")]
    pub template_type: Option<TemplateType>,
    pub is_official: Option<bool>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, optional_fields)]
pub struct Instantiate {
    pub name: Option<String>,
    pub description: Option<String>,
    /// Merged over the template's config (agent templates).
    pub config: Option<Json>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum Instantiated {
    Agent(Agent),
    Workflow(WorkflowWithSteps),
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, optional_fields)]
pub struct SaveAsTemplate {
    pub name: Option<String>,
    pub description: Option<String>,
    pub category: String,
    pub tags: Option<Vec<String>>,
    pub is_public: Option<bool>,
}

pub const SORTABLE: &[&str] =
    &["usage_count", "rating_average", "rating_count", "created_at", "updated_at", "name", "category"];

fn obj(v: Option<&Json>) -> Map<String, Json> {
    v.and_then(Json::as_object).cloned().unwrap_or_default()
}

/// The lowest and highest rating a user can give (`rate`).
pub const RATINGS: std::ops::RangeInclusive<i64> = 1..=5;

/// A template's own fields as a save checks them, into the caller's checker; returns the name
/// and category as stored (trimmed). The bundle import checks every bundled template with it too.
pub(crate) fn check_fields(
    c: &mut Checker,
    name: &str,
    category: &str,
    description: Option<&str>,
    tags: Option<&[String]>,
) -> (String, String) {
    let name = c.name("name", name, 255);
    let category = c.name("category", category, 100);
    c.description(description);
    if let Some(t) = tags {
        c.tags(t);
    }
    (name, category)
}

/// The rating columns as [`Templates::rate`] keeps them: no ratings and an average of 0, or
/// an average within [`RATINGS`] (a row that did not come from `rate`, e.g. a bundle's).
pub(crate) fn check_rating(c: &mut Checker, average: Hundredths, count: i64) {
    if count < 0 {
        c.fail("ratingCount", "ratingCount must be 0 or more");
    }
    let (lo, hi) = (RATINGS.start() * 100, RATINGS.end() * 100);
    if average.0 != 0 && !(lo..=hi).contains(&average.0) {
        c.fail(
            "ratingAverage",
            format!("ratingAverage must be 0 or between {} and {} (got {average})", Hundredths(lo), Hundredths(hi)),
        );
    }
}

/// The steps of a workflow template: full step objects (as saved by [`Templates::save_workflow`])
/// or the hosted seed's short form `{key, type, agentType}` under `definition.steps`. Steps
/// without `dependsOn` depend on the one before, as a pipeline's listed order says.
fn template_steps(data: &Json) -> Result<Vec<StepInput>> {
    let raw = data
        .get("steps")
        .or_else(|| data.pointer("/definition/steps"))
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default();
    let mut out: Vec<StepInput> = Vec::new();
    for (i, s) in raw.iter().enumerate() {
        let key = s
            .get("stepKey")
            .or_else(|| s.get("key"))
            .and_then(Json::as_str)
            .ok_or_else(|| Error::bad_request(format!("Template step {i} has no key")))?
            .to_string();
        let step_type = match s.get("stepType").or_else(|| s.get("type")).and_then(Json::as_str) {
            Some(t) => t.parse::<WorkflowStepType>()?,
            None => WorkflowStepType::Agent,
        };
        let depends_on = match s.get("dependsOn").and_then(Json::as_array) {
            Some(d) => d.iter().filter_map(|k| k.as_str().map(String::from)).collect(),
            None => out.last().map(|p| vec![p.step_key.clone()]).unwrap_or_default(),
        };
        let mut config = obj(s.get("config"));
        if let Some(at) = s.get("agentType") {
            config.entry("agentType").or_insert(at.clone());
        }
        let int = |k: &str| s.get(k).and_then(Json::as_i64);
        out.push(StepInput {
            id: None,
            step_name: s
                .get("stepName")
                .or_else(|| s.get("name"))
                .and_then(Json::as_str)
                .map(String::from)
                .unwrap_or_else(|| key.replace(['_', '-'], " ")),
            step_key: key,
            step_type: Some(step_type),
            position: Some(i as i64),
            agent_id: s.get("agentId").and_then(Json::as_str).and_then(|a| a.parse().ok()),
            config: Some(Json::Object(config)),
            inputs: s.get("inputs").cloned(),
            outputs: s.get("outputs").cloned(),
            depends_on: Some(depends_on),
            retry_count: int("retryCount"),
            retry_delay_ms: int("retryDelayMs"),
            timeout_ms: int("timeoutMs"),
            on_error: s.get("onError").and_then(Json::as_str).map(str::parse).transpose()?,
        });
    }
    Ok(out)
}

impl Templates<'_> {
    pub fn list(&self, q: &TemplateQuery) -> Result<Page<Template>> {
        let r = q.list.resolve(SORTABLE, "usage_count")?;
        let mut f = Filter::new();
        f.not_deleted();
        access::filter::<Template>(&mut f, self.0.user_id, false);
        if let Some(c) = &q.category {
            f.eq("category", c.as_str());
        }
        if let Some(t) = q.template_type {
            f.eq("type", t.as_str());
        }
        if let Some(o) = q.is_official {
            f.eq("is_official", o as i64);
        }
        q.list.search_and_tags(&mut f, &["name", "description"]);
        r.fetch::<Template>(self.0.store(), &f)
    }

    /// The distinct categories of visible templates, ascending.
    pub fn categories(&self) -> Result<Vec<String>> {
        let mut f = Filter::new();
        f.not_deleted();
        access::filter::<Template>(&mut f, self.0.user_id, false);
        self.0.store().read(|c| Ok(turbocat_store::queries::lookups::template_categories(c, &f)?))
    }

    pub fn get(&self, id: Uuid) -> Result<Template> {
        self.0.store().read(|c| access::visible::<Template>(c, self.0.user_id, id))
    }

    /// Makes a new draft agent or workflow from a template and counts the use, in one
    /// transaction: the new rows, the usage count and both audit rows commit together.
    pub fn instantiate(&self, id: Uuid, input: Instantiate) -> Result<Instantiated> {
        self.0.store().write(|tx| {
            let t = access::visible::<Template>(tx, self.0.user_id, id)?;
            let data = &t.template_data;
            let out = match t.template_type {
                TemplateType::Step => {
                    return Err(Error::bad_request("Cannot instantiate template of type \"step\" directly"));
                }
                TemplateType::Agent => {
                    let agent_type: AgentType = data
                        .get("type")
                        .and_then(Json::as_str)
                        .ok_or_else(|| Error::bad_request("This agent template does not say which agent type it makes"))?
                        .parse()?;
                    let mut config = obj(data.get("config"));
                    config.extend(obj(input.config.as_ref()));
                    let name = input
                        .name
                        .or_else(|| data.get("name").and_then(Json::as_str).map(String::from))
                        .unwrap_or_else(|| format!("{} Agent", t.name));
                    let agent = self.0.agents().create_in(
                        tx,
                        CreateAgent {
                            name,
                            description: input.description.or_else(|| t.description.clone()),
                            agent_type: Some(agent_type),
                            config: Some(Json::Object(config)),
                            capabilities: data.get("capabilities").cloned(),
                            parameters: data.get("parameters").cloned(),
                            tags: t.tags.clone(),
                            ..Default::default()
                        },
                    )?;
                    Instantiated::Agent(agent)
                }
                TemplateType::Workflow => {
                    let mut definition = obj(data.get("definition"));
                    definition.remove("steps");
                    if let Some(inputs) = data.get("inputs") {
                        definition.entry("inputs").or_insert(inputs.clone());
                    }
                    let wf = self.0.workflows().create_in(
                        tx,
                        CreateWorkflow {
                            name: input
                                .name
                                .or_else(|| data.get("name").and_then(Json::as_str).map(String::from))
                                .unwrap_or_else(|| t.name.clone()),
                            description: input.description.or_else(|| t.description.clone()),
                            definition: Some(Json::Object(definition)),
                            trigger_config: data.get("triggerConfig").cloned(),
                            tags: t.tags.clone(),
                            steps: template_steps(data)?,
                            ..Default::default()
                        },
                    )?;
                    Instantiated::Workflow(wf)
                }
            };
            let made = match &out {
                Instantiated::Agent(a) => a.id,
                Instantiated::Workflow(w) => w.workflow.id,
            };
            turbocat_store::queries::lookups::template_used(tx, id, now())?;
            self.0.audit_row(
                tx,
                "template.instantiate",
                "template",
                Some(id),
                json!({ "usageCount": { "before": t.usage_count, "after": t.usage_count + 1 }, "created": made.to_string() }),
            )?;
            Ok(out)
        })
    }

    fn insert(&self, tpl: Template) -> Result<Template> {
        self.0.store().write(|tx| {
            row::insert(tx, &tpl)?;
            self.0.audit_row(tx, "template.create", "template", Some(tpl.id), snapshot(&tpl, "after"))?;
            Ok(tpl)
        })
    }

    fn new_template(&self, input: &SaveAsTemplate, name: String, ty: TemplateType, data: Json) -> Result<Template> {
        let mut c = Checker::new();
        let (name, category) = check_fields(
            &mut c,
            input.name.as_deref().unwrap_or(&name),
            &input.category,
            input.description.as_deref(),
            input.tags.as_deref(),
        );
        c.finish()?;
        let t = now();
        Ok(Template {
            id: new_id(),
            name,
            description: input.description.clone(),
            category,
            template_type: ty,
            user_id: Some(self.0.user_id),
            template_data: data,
            tags: Some(input.tags.clone().unwrap_or_default()),
            is_official: false,
            is_public: input.is_public.unwrap_or(false),
            usage_count: 0,
            rating_average: Hundredths(0),
            rating_count: 0,
            created_at: t,
            updated_at: t,
            deleted_at: None,
        })
    }

    pub fn save_agent(&self, agent_id: Uuid, input: SaveAsTemplate) -> Result<Template> {
        let a = self.0.agents().get(agent_id)?;
        let data = json!({
            "type": a.agent_type, "name": a.name, "config": a.config,
            "parameters": a.parameters, "capabilities": a.capabilities,
        });
        let tpl = self.new_template(&input, a.name.clone(), TemplateType::Agent, data)?;
        self.insert(tpl)
    }

    pub fn save_workflow(&self, workflow_id: Uuid, input: SaveAsTemplate) -> Result<Template> {
        let w = self.0.workflows().get(workflow_id)?;
        let steps: Vec<Json> = w
            .steps
            .iter()
            .map(|s| {
                json!({
                    "stepKey": s.step_key, "stepName": s.step_name, "stepType": s.step_type,
                    "agentId": s.agent_id, "config": s.config, "inputs": s.inputs, "outputs": s.outputs,
                    "dependsOn": s.deps(), "retryCount": s.retry_count, "retryDelayMs": s.retry_delay_ms,
                    "timeoutMs": s.timeout_ms, "onError": s.on_error,
                })
            })
            .collect();
        let data = json!({
            "name": w.workflow.name, "definition": w.workflow.definition,
            "triggerConfig": w.workflow.trigger_config, "steps": steps,
        });
        let tpl = self.new_template(&input, w.workflow.name.clone(), TemplateType::Workflow, data)?;
        self.insert(tpl)
    }

    /// A rating of 1–5; the average is kept to two decimals (rounded half up).
    pub fn rate(&self, id: Uuid, rating: i64) -> Result<Template> {
        if !RATINGS.contains(&rating) {
            return Err(Error::validation_field("rating", "rating must be between 1 and 5"));
        }
        self.0.store().write(|tx| {
            let before = access::visible::<Template>(tx, self.0.user_id, id)?;
            let mut t = before.clone();
            // In hundredths: (avg*count + rating*100) / (count+1), rounded half up.
            let sum = before.rating_average.0 * before.rating_count + rating * 100;
            let n = before.rating_count + 1;
            t.rating_average = Hundredths((sum * 2 + n) / (2 * n));
            t.rating_count = n;
            t.updated_at = now();
            row::update(tx, &t)?;
            self.0.audit_row(tx, "template.rate", "template", Some(id), crate::changes(&before, &t))?;
            Ok(t)
        })
    }
}
