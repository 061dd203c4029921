//! The typed shapes of what a workflow stores as JSON for the engine: a step's `config`
//! ([`StepConfig`]: a condition's test, a loop's items and concurrency, a wait's time, the
//! `when` of a step after a condition) and the workflow's `definition` ([`WorkflowDefinition`]:
//! declared inputs and outputs, canvas positions, time limit). The columns stay JSON, as on the
//! hosted side, and keep keys these types do not name; [`StepConfig::read`] and
//! [`WorkflowDefinition::read`] are the one reading of them, for the checks on save
//! ([`crate::flow::plan::check`]), the engine and, through ts-rs, the UI.

use crate::flow::template;
use crate::validate::Checker;
use crate::WorkflowStepType;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use std::collections::BTreeMap;

/// A loop runs at most this many items at once.
pub const MAX_LOOP_CONCURRENCY: u64 = 100;

/// A condition step's test: an expression over the step's scope (docs/engine.md,
/// "Conditions"), or a constant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(untagged)]
#[ts(export)]
pub enum Condition {
    Constant(bool),
    Expression(String),
}

/// The keys of a step's `config` the engine reads, by step kind. Stored as JSON; other keys are
/// kept as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, optional_fields)]
pub struct StepConfig {
    /// CONDITION steps: what the step tests; its output is `{"result": bool}`.
    pub condition: Option<Condition>,
    /// LOOP steps: the items, an array or a template yielding one.
    pub items: Option<Json>,
    /// LOOP steps: how many items run at once (1 to [`MAX_LOOP_CONCURRENCY`], default 1).
    pub concurrency: Option<u32>,
    /// WAIT steps: how long, in milliseconds, a number or a template yielding one. Also read
    /// as `durationMs`.
    #[ts(optional, type = "number | string")]
    pub wait_ms: Option<Json>,
    /// Steps after a condition: the condition value the step runs on (default true).
    pub when: Option<bool>,
}

impl StepConfig {
    /// Reads a step's `config` for a step of kind `kind`. A key of another kind is not read. A
    /// problem goes to `c` under `steps.<step_key>.config.<key>`, and the key then reads as
    /// absent.
    pub fn read(config: &Json, kind: WorkflowStepType, step_key: &str, c: &mut Checker) -> StepConfig {
        let mut out = StepConfig::default();
        let Some(m) = config.as_object() else { return out };
        let mut bad = |key: &str, what: &str| {
            c.fail(&format!("steps.{step_key}.config.{key}"), format!("Step \"{step_key}\": config.{key} {what}"))
        };
        match m.get("when") {
            None | Some(Json::Null) => {}
            Some(Json::Bool(b)) => out.when = Some(*b),
            // Written as text by older versions.
            Some(Json::String(s)) if s.trim().eq_ignore_ascii_case("false") => out.when = Some(false),
            Some(Json::String(s)) if s.trim().eq_ignore_ascii_case("true") => out.when = Some(true),
            Some(_) => bad("when", "must be true or false"),
        }
        match kind {
            WorkflowStepType::Condition => match m.get("condition") {
                Some(Json::String(s)) => out.condition = Some(Condition::Expression(s.clone())),
                Some(Json::Bool(b)) => out.condition = Some(Condition::Constant(*b)),
                None | Some(Json::Null) => {}
                Some(_) => bad("condition", "must be an expression (text) or true or false"),
            },
            WorkflowStepType::Loop => {
                match m.get("items") {
                    None | Some(Json::Null) => {}
                    Some(v @ (Json::String(_) | Json::Array(_))) => out.items = Some(v.clone()),
                    Some(_) => bad("items", "must be an array or a template yielding one"),
                }
                match m.get("concurrency") {
                    None | Some(Json::Null) => {}
                    Some(v) => match whole_number(v) {
                        Some(n) if (1..=MAX_LOOP_CONCURRENCY).contains(&n) => out.concurrency = Some(n as u32),
                        _ => bad("concurrency", &format!("must be a whole number from 1 to {MAX_LOOP_CONCURRENCY}")),
                    },
                }
            }
            WorkflowStepType::Wait => {
                let (key, v) = match (m.get("waitMs"), m.get("durationMs")) {
                    (Some(v), _) if !v.is_null() => ("waitMs", v),
                    (_, Some(v)) if !v.is_null() => ("durationMs", v),
                    _ => return out,
                };
                match v {
                    Json::String(s) if template::has_ref(s) => out.wait_ms = Some(v.clone()),
                    _ if whole_number(v).is_some() => out.wait_ms = Some(v.clone()),
                    _ => bad(key, "must be a number of milliseconds or a template yielding one"),
                }
            }
            WorkflowStepType::Agent | WorkflowStepType::Parallel => {}
        }
        out
    }

    /// [`StepConfig::read`] of a config that passed the checks on save: problems are dropped.
    pub fn of(config: &Json, kind: WorkflowStepType) -> StepConfig {
        StepConfig::read(config, kind, "", &mut Checker::new())
    }

    /// The condition value a step after a condition runs on.
    pub fn when(&self) -> bool {
        self.when.unwrap_or(true)
    }

    /// A loop's concurrency.
    pub fn loop_concurrency(&self) -> usize {
        self.concurrency.unwrap_or(1).max(1) as usize
    }

    /// The templates the step reads before it runs, beyond its inputs (a loop's items, a
    /// wait's time; a condition's expression is read by [`crate::flow::expr`]).
    pub fn templates(&self) -> impl Iterator<Item = &Json> {
        self.items.iter().chain(self.wait_ms.iter())
    }
}

/// A whole, non-negative number, or text holding one (`"250"`): a count or a time.
pub fn whole_number(v: &Json) -> Option<u64> {
    let f = match v {
        Json::Number(n) => n.as_f64()?,
        Json::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    (f.is_finite() && f >= 0.0).then_some(f as u64)
}

/// The type of a declared workflow input; an unknown name accepts anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputType {
    String,
    Number,
    Integer,
    Boolean,
    Object,
    Array,
    Any,
}

impl InputType {
    /// Read case-insensitively; `date` and `datetime` are text.
    pub fn parse(s: &str) -> InputType {
        match s.trim().to_ascii_lowercase().as_str() {
            "string" | "datetime" | "date" => InputType::String,
            "number" => InputType::Number,
            "integer" => InputType::Integer,
            "boolean" => InputType::Boolean,
            "object" => InputType::Object,
            "array" => InputType::Array,
            _ => InputType::Any,
        }
    }

    pub fn accepts(self, v: &Json) -> bool {
        match self {
            InputType::String => v.is_string(),
            InputType::Number => v.is_number(),
            InputType::Integer => v.is_i64() || v.is_u64(),
            InputType::Boolean => v.is_boolean(),
            InputType::Object => v.is_object(),
            InputType::Array => v.is_array(),
            InputType::Any => true,
        }
    }
}

/// A declared workflow input (`definition.inputs.<name>`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export, optional_fields)]
pub struct InputDecl {
    /// `string`, `number`, `integer`, `boolean`, `object`, `array` (or `date`, `datetime`: text);
    /// anything else, or none, accepts any value.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// A run without it (and without a default) is refused.
    pub required: Option<bool>,
    /// What a run without it gets.
    pub default: Option<Json>,
    pub description: Option<String>,
}

impl InputDecl {
    pub fn input_type(&self) -> InputType {
        self.kind.as_deref().map_or(InputType::Any, InputType::parse)
    }

    /// What the error message calls the type.
    pub fn type_name(&self) -> String {
        self.kind.as_deref().unwrap_or("any").trim().to_ascii_lowercase()
    }
}

/// A declared workflow output (`definition.outputs.<name>`): a `value` template resolved over
/// every step's output, or else the newest step output with a field of that name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export, optional_fields)]
pub struct OutputDecl {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub value: Option<String>,
    pub description: Option<String>,
}

/// A node's place on the canvas (`definition.layout.<stepKey>`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Position {
    pub x: f64,
    pub y: f64,
}

/// The keys of a workflow's `definition` the app reads. Stored as JSON; other keys (version, a
/// hosted project's own) are kept as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, optional_fields)]
pub struct WorkflowDefinition {
    /// Declared inputs by name: checked and defaulted when a run starts.
    pub inputs: Option<BTreeMap<String, InputDecl>>,
    /// Declared outputs by name: added to the execution's `output_data`.
    pub outputs: Option<BTreeMap<String, OutputDecl>>,
    /// Canvas positions by step key, written by the builder.
    pub layout: Option<BTreeMap<String, Position>>,
    /// The workflow's own time limit for a run, in milliseconds.
    pub timeout_ms: Option<u64>,
}

impl WorkflowDefinition {
    /// Reads a workflow's `definition`. A problem goes to `c` under `definition.<key>…`, and
    /// what it names then reads as absent.
    pub fn read(definition: &Json, c: &mut Checker) -> WorkflowDefinition {
        let mut out = WorkflowDefinition::default();
        let Some(m) = definition.as_object() else { return out };
        if let Some(v) = m.get("inputs").filter(|v| !v.is_null()) {
            out.inputs = Some(decls(v, "inputs", c, |name, spec, c| {
                let field = format!("definition.inputs.{name}");
                let mut d = InputDecl::default();
                let spec = spec.as_object()?;
                d.kind = text(spec.get("type"), &format!("{field}.type"), c);
                d.description = text(spec.get("description"), &format!("{field}.description"), c);
                d.default = spec.get("default").filter(|v| !v.is_null()).cloned();
                match spec.get("required") {
                    None | Some(Json::Null) => {}
                    Some(Json::Bool(b)) => d.required = Some(*b),
                    Some(_) => c.fail(
                        &format!("{field}.required"),
                        format!("Input \"{name}\": required must be true or false"),
                    ),
                }
                if let Some(dv) = &d.default {
                    if !d.input_type().accepts(dv) {
                        c.fail(
                            &format!("{field}.default"),
                            format!(
                                "Input \"{name}\": its default must be a {} (got {})",
                                d.type_name(),
                                template::kind(dv)
                            ),
                        );
                    }
                }
                Some(d)
            }));
        }
        if let Some(v) = m.get("outputs").filter(|v| !v.is_null()) {
            out.outputs = Some(decls(v, "outputs", c, |name, spec, c| {
                let field = format!("definition.outputs.{name}");
                let spec = spec.as_object()?;
                Some(OutputDecl {
                    kind: text(spec.get("type"), &format!("{field}.type"), c),
                    value: text(spec.get("value"), &format!("{field}.value"), c),
                    description: text(spec.get("description"), &format!("{field}.description"), c),
                })
            }));
        }
        if let Some(v) = m.get("layout").filter(|v| !v.is_null()) {
            // Positions are the canvas's: one it cannot read is placed again, never refused.
            out.layout = v.as_object().map(|m| {
                m.iter()
                    .filter_map(|(k, p)| {
                        let (x, y) = (p.get("x")?.as_f64()?, p.get("y")?.as_f64()?);
                        Some((k.clone(), Position { x, y }))
                    })
                    .collect()
            });
        }
        match m.get("timeoutMs") {
            None | Some(Json::Null) => {}
            Some(v) => match v.as_u64() {
                Some(ms) => out.timeout_ms = (ms > 0).then_some(ms),
                None => c.fail("definition.timeoutMs", "definition.timeoutMs must be a whole number of milliseconds"),
            },
        }
        out
    }

    /// [`WorkflowDefinition::read`] of a definition that passed the checks on save.
    pub fn of(definition: &Json) -> WorkflowDefinition {
        WorkflowDefinition::read(definition, &mut Checker::new())
    }
}

/// The declarations of `definition.<what>`: an object of objects.
fn decls<T>(
    v: &Json,
    what: &str,
    c: &mut Checker,
    mut each: impl FnMut(&str, &Json, &mut Checker) -> Option<T>,
) -> BTreeMap<String, T> {
    let Some(m) = v.as_object() else {
        c.fail(&format!("definition.{what}"), format!("definition.{what} must be an object of declarations by name"));
        return BTreeMap::new();
    };
    let mut out = BTreeMap::new();
    for (name, spec) in m {
        match each(name, spec, c) {
            Some(d) => {
                out.insert(name.clone(), d);
            }
            None => c.fail(
                &format!("definition.{what}.{name}"),
                format!("definition.{what}.{name} must be an object (type, description, …)"),
            ),
        }
    }
    out
}

fn text(v: Option<&Json>, field: &str, c: &mut Checker) -> Option<String> {
    match v {
        None | Some(Json::Null) => None,
        Some(Json::String(s)) => Some(s.clone()),
        Some(_) => {
            c.fail(field, format!("{field} must be text"));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(kind: WorkflowStepType, config: Json) -> (StepConfig, Vec<String>) {
        let mut c = Checker::new();
        let s = StepConfig::read(&config, kind, "s", &mut c);
        let fields = match c.finish() {
            Ok(()) => vec![],
            Err(e) => e.fields.into_iter().map(|f| f.field).collect(),
        };
        (s, fields)
    }

    #[test]
    fn step_config_reads_each_kind_and_names_the_bad_key() {
        let (s, bad) = read(WorkflowStepType::Condition, json!({"condition": "a.x > 1", "when": "false"}));
        assert_eq!((s.condition, s.when, bad.len()), (Some(Condition::Expression("a.x > 1".into())), Some(false), 0));
        let (s, bad) = read(WorkflowStepType::Loop, json!({"items": "{{a.rows}}", "concurrency": "3"}));
        assert_eq!((s.loop_concurrency(), s.items, bad.len()), (3, Some(json!("{{a.rows}}")), 0));
        let (s, bad) = read(WorkflowStepType::Wait, json!({"durationMs": 250}));
        assert_eq!((s.wait_ms, bad.len()), (Some(json!(250)), 0));
        // Keys of another kind are not read.
        let (s, bad) = read(WorkflowStepType::Agent, json!({"condition": 5, "items": 1}));
        assert_eq!((s, bad.len()), (StepConfig::default(), 0));
        let (_, bad) = read(WorkflowStepType::Loop, json!({"items": 5, "concurrency": 0, "when": 1}));
        assert_eq!(bad, ["steps.s.config.when", "steps.s.config.items", "steps.s.config.concurrency"]);
        let (_, bad) = read(WorkflowStepType::Wait, json!({"waitMs": "soon"}));
        assert_eq!(bad, ["steps.s.config.waitMs"]);
        let (s, bad) = read(WorkflowStepType::Wait, json!({"waitMs": "{{inputs.ms}}"}));
        assert_eq!((s.wait_ms, bad.len()), (Some(json!("{{inputs.ms}}")), 0));
    }

    #[test]
    fn definition_reads_declarations_and_names_the_bad_one() {
        let d = WorkflowDefinition::of(&json!({
            "version": 2,
            "inputs": {"url": {"type": "string", "required": true}, "n": {"type": "Integer", "default": 3}},
            "outputs": {"total": {"value": "{{sum.result}}"}},
            "layout": {"a": {"x": 1.5, "y": 2}, "b": {"x": "left"}},
            "timeoutMs": 5000
        }));
        let inputs = d.inputs.unwrap();
        assert_eq!(inputs["url"].required, Some(true));
        assert_eq!(inputs["n"].input_type(), InputType::Integer);
        assert_eq!(d.outputs.unwrap()["total"].value.as_deref(), Some("{{sum.result}}"));
        // A position the canvas cannot read is dropped, not refused.
        assert_eq!(d.layout.unwrap().len(), 1);
        assert_eq!(d.timeout_ms, Some(5000));

        let mut c = Checker::new();
        WorkflowDefinition::read(
            &json!({"inputs": {"n": {"type": "number", "default": "x", "required": "yes"}, "m": 3}, "outputs": [], "timeoutMs": -1}),
            &mut c,
        );
        let fields: Vec<String> = c.finish().unwrap_err().fields.into_iter().map(|f| f.field).collect();
        assert_eq!(
            fields,
            [
                "definition.inputs.m",
                "definition.inputs.n.required",
                "definition.inputs.n.default",
                "definition.outputs",
                "definition.timeoutMs"
            ]
        );
    }
}
