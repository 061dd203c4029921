//! The data agent (`docs/engine.md`, "Agents"): the thirteen operations of the hosted DATA
//! agent — filter, map, reduce, sort, group, flatten, unique, pick, omit, merge, join, aggregate,
//! transform — as one operation (`operation` + `operationConfig`) or a `pipeline` of
//! `{operation, config}`. The configuration is the agent's `config`; a step's own `config` may
//! override `operation`, `operationConfig`, `pipeline` and `inputField`.
//!
//! The data is the step input named by `inputField` (default `data`), else the first of
//! `data`, `items`, `input` present, else the whole inputs object. With no operation the data
//! passes through. Output: `{result, inputCount, outputCount, operationsPerformed}`.
//!
//! The work runs on the blocking pool, so the step's timeout and the run's end are not held up
//! by it: when the step's future is dropped, a stop flag is set, which the operations' loops
//! check ([`Guard`]), and the thread ends soon after. A join whose output would pass the
//! engine's value limit (`EngineConfig::value_limit`) fails as it is being made.

use super::{AgentCtx, AgentError, Produced, StopOnDrop};
use crate::bounds::{self, MAX_DEPTH};
use crate::expr::{json_eq, truthy};
use crate::template::{as_text, kind};
use serde_json::{json, Map, Value as Json};
use std::cmp::Ordering;
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};
use std::sync::Arc;
use turbocat_domain::{Agent, WorkflowStep};

/// What bounds the operations: a stop flag (the step ended) and the size limit of what they
/// make (as JSON text).
#[derive(Clone)]
pub struct Guard {
    stop: Arc<AtomicBool>,
    limit: usize,
}

const STOPPED: &str = "The data operation was stopped (the step ended)";

impl Guard {
    /// A guard that never stops and has no size limit.
    pub fn unlimited() -> Guard {
        Guard { stop: Arc::default(), limit: usize::MAX }
    }

    pub fn new(stop: Arc<AtomicBool>, limit: usize) -> Guard {
        Guard { stop, limit }
    }

    fn stopped(&self) -> bool {
        self.stop.load(AtomicOrdering::Relaxed)
    }

    fn check(&self) -> Result<(), String> {
        if self.stopped() {
            Err(STOPPED.into())
        } else {
            Ok(())
        }
    }
}

/// The data agent as a step: its work on the blocking pool, stopped when the step's future is
/// dropped (timeout, cancel, the run's end).
pub async fn run(cx: &AgentCtx<'_>, agent: &Agent, step: &WorkflowStep, inputs: Json) -> Result<Produced, AgentError> {
    let (agent_config, step_config) = (agent.config.clone(), step.config.clone());
    let stop = Arc::new(AtomicBool::new(false));
    let _stop_on_drop = StopOnDrop(stop.clone());
    let guard = Guard::new(stop, cx.value_limit);
    let output = tokio::task::spawn_blocking(move || apply_with(&agent_config, &step_config, inputs, &guard))
        .await
        .map_err(|e| AgentError::Retryable(format!("the data operation's task failed: {e}")))??;
    Ok(Produced::field(output, "result"))
}

pub const OPERATIONS: &[&str] = &[
    "filter",
    "map",
    "reduce",
    "sort",
    "group",
    "flatten",
    "unique",
    "pick",
    "omit",
    "merge",
    "join",
    "aggregate",
    "transform",
];

/// The data agent's operation: `agent_config` then `step_config` overrides, on the resolved
/// inputs.
pub fn apply(agent_config: &Json, step_config: &Json, inputs: &Json) -> Result<Json, String> {
    apply_with(agent_config, step_config, inputs.clone(), &Guard::unlimited())
}

/// [`apply`] on inputs it owns (the data is taken out of them, not copied), within a guard.
pub fn apply_with(agent_config: &Json, step_config: &Json, inputs: Json, guard: &Guard) -> Result<Json, String> {
    let pick = |k: &str| step_config.get(k).or_else(|| agent_config.get(k)).filter(|v| !v.is_null());
    let input_field = pick("inputField").and_then(Json::as_str).unwrap_or("data");
    let present = |k: &str| inputs.get(k).is_some_and(|v| !v.is_null());
    let field = [input_field, "data", "items", "input"].into_iter().find(|k| present(k)).map(str::to_string);
    let mut data = match (field, inputs) {
        (Some(f), Json::Object(mut m)) => m.remove(&f).unwrap_or(Json::Null),
        (_, whole) => whole,
    };
    let input_count = count_items(&data);
    let mut performed = Vec::new();
    let empty = json!({});
    match (pick("pipeline"), pick("operation")) {
        (Some(Json::Array(steps)), _) if !steps.is_empty() => {
            for (i, s) in steps.iter().enumerate() {
                let op = s.get("operation").and_then(Json::as_str).ok_or_else(|| {
                    format!("Data pipeline step {} has no operation (expected one of {})", i + 1, OPERATIONS.join(", "))
                })?;
                data = operation_with(op, data, s.get("config").unwrap_or(&empty), guard)
                    .map_err(|e| format!("Data pipeline step {} ({op}): {e}", i + 1))?;
                performed.push(op.to_string());
            }
        }
        (_, Some(Json::String(op))) => {
            data = operation_with(op, data, pick("operationConfig").unwrap_or(&empty), guard)?;
            performed.push(op.clone());
        }
        (_, Some(other)) => return Err(format!("Data agent operation must be a string (got {})", kind(other))),
        _ => {}
    }
    let output_count = count_items(&data);
    // Built by moving the result in (`json!` would copy it).
    let mut out = Map::new();
    out.insert("result".into(), data);
    out.insert("inputCount".into(), json!(input_count));
    out.insert("outputCount".into(), json!(output_count));
    out.insert("operationsPerformed".into(), json!(performed));
    Ok(Json::Object(out))
}

fn count_items(v: &Json) -> usize {
    match v {
        Json::Array(a) => a.len(),
        Json::Object(m) => m.len(),
        _ => 1,
    }
}

fn array(op: &str, data: Json) -> Result<Vec<Json>, String> {
    match data {
        Json::Array(a) => Ok(a),
        other => Err(format!(
            "{}{} operation requires an array input (got {})",
            op[..1].to_uppercase(),
            &op[1..],
            kind(&other)
        )),
    }
}

/// One operation on the data.
pub fn operation(op: &str, data: Json, cfg: &Json) -> Result<Json, String> {
    operation_with(op, data, cfg, &Guard::unlimited())
}

/// One operation on the data, within a guard.
pub fn operation_with(op: &str, data: Json, cfg: &Json, g: &Guard) -> Result<Json, String> {
    g.check()?;
    match op {
        "filter" => filter(array(op, data)?, cfg, g),
        "map" => map(array(op, data)?, cfg, g),
        "reduce" => reduce(array(op, data)?, cfg),
        "sort" => sort(array(op, data)?, cfg, g),
        "group" => group(array(op, data)?, field_of(cfg, "Group")?, g)
            .map(|g| Json::Object(g.into_iter().map(|(k, v)| (k, Json::Array(v))).collect())),
        "flatten" => Ok(flatten(data, cfg)),
        "unique" => Ok(unique(data, cfg)),
        "pick" => Ok(each_object(data, |m| pick(m, &str_list(cfg, "fields")))),
        "omit" => Ok(each_object(data, |m| omit(m, &str_list(cfg, "fields")))),
        "merge" => Ok(merge(data, cfg)),
        "join" => join(array(op, data)?, cfg, g),
        "aggregate" => aggregate(array(op, data)?, cfg, g),
        "transform" => Ok(transform(data, cfg)),
        other => Err(format!("Unknown data operation \"{other}\" (expected one of {})", OPERATIONS.join(", "))),
    }
}

/// A value at a dot path (`a.b.0`), or None when absent (JavaScript's undefined).
pub fn get_path<'a>(v: &'a Json, path: &str) -> Option<&'a Json> {
    let mut cur = v;
    for seg in path.split('.') {
        cur = match cur {
            Json::Object(m) => m.get(seg)?,
            Json::Array(a) => a.get(seg.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

fn field_of<'a>(cfg: &'a Json, op: &str) -> Result<&'a str, String> {
    cfg.get("field")
        .and_then(Json::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| format!("{op} operation requires a field"))
}

fn str_list(cfg: &Json, key: &str) -> Vec<String> {
    match cfg.get(key) {
        Some(Json::Array(a)) => a.iter().filter_map(Json::as_str).map(String::from).collect(),
        Some(Json::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

fn num(v: &Json) -> Option<f64> {
    v.as_f64()
}

fn number(f: f64) -> Json {
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        Json::from(f as i64)
    } else {
        serde_json::Number::from_f64(f).map(Json::Number).unwrap_or(Json::Null)
    }
}

fn ordered(a: &Json, b: &Json) -> Option<Ordering> {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Json::String(x), Json::String(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// filter

fn filter(items: Vec<Json>, cfg: &Json, g: &Guard) -> Result<Json, String> {
    let conditions = match cfg.get("conditions") {
        Some(Json::Array(c)) if !c.is_empty() => c,
        _ => return Ok(Json::Array(items)),
    };
    let any = cfg.get("logic").and_then(Json::as_str).is_some_and(|l| l.eq_ignore_ascii_case("or"));
    // Compile each condition once (regexes especially).
    let mut compiled = Vec::with_capacity(conditions.len());
    for (i, c) in conditions.iter().enumerate() {
        let field = c.get("field").and_then(Json::as_str).unwrap_or("").to_string();
        let op = c.get("operator").and_then(Json::as_str).unwrap_or("eq").to_string();
        let value = c.get("value").cloned().unwrap_or(Json::Null);
        let re = if op == "regex" {
            Some(
                regex::Regex::new(&as_text(&value))
                    .map_err(|e| format!("Filter condition {}: invalid regex: {e}", i + 1))?,
            )
        } else {
            None
        };
        if ![
            "eq",
            "neq",
            "gt",
            "gte",
            "lt",
            "lte",
            "in",
            "nin",
            "contains",
            "startsWith",
            "endsWith",
            "exists",
            "regex",
        ]
        .contains(&op.as_str())
        {
            return Err(format!("Filter condition {}: unknown operator \"{op}\"", i + 1));
        }
        compiled.push((field, op, value, re));
    }
    let test = |item: &Json, (field, op, want, re): &(String, String, Json, Option<regex::Regex>)| -> bool {
        let v = get_path(item, field);
        match op.as_str() {
            "eq" => v.is_some_and(|v| json_eq(v, want)),
            "neq" => !v.is_some_and(|v| json_eq(v, want)),
            "gt" => v.and_then(|v| ordered(v, want)) == Some(Ordering::Greater),
            "gte" => matches!(v.and_then(|v| ordered(v, want)), Some(Ordering::Greater | Ordering::Equal)),
            "lt" => v.and_then(|v| ordered(v, want)) == Some(Ordering::Less),
            "lte" => matches!(v.and_then(|v| ordered(v, want)), Some(Ordering::Less | Ordering::Equal)),
            "in" => want.as_array().is_some_and(|a| v.is_some_and(|v| a.iter().any(|x| json_eq(x, v)))),
            "nin" => want.as_array().is_some_and(|a| !v.is_some_and(|v| a.iter().any(|x| json_eq(x, v)))),
            "contains" => match v {
                Some(Json::String(s)) => s.contains(&as_text(want)),
                Some(Json::Array(a)) => a.iter().any(|x| json_eq(x, want)),
                _ => false,
            },
            "startsWith" => v.and_then(Json::as_str).is_some_and(|s| s.starts_with(&as_text(want))),
            "endsWith" => v.and_then(Json::as_str).is_some_and(|s| s.ends_with(&as_text(want))),
            "exists" => v.is_some() == (want.is_null() || truthy(want)),
            "regex" => v.and_then(Json::as_str).is_some_and(|s| re.as_ref().is_some_and(|r| r.is_match(s))),
            _ => false,
        }
    };
    let mut out = Vec::new();
    for item in items {
        g.check()?;
        let keep = if any { compiled.iter().any(|c| test(&item, c)) } else { compiled.iter().all(|c| test(&item, c)) };
        if keep {
            out.push(item);
        }
    }
    Ok(Json::Array(out))
}

// ---------------------------------------------------------------------------------------------
// map, transform

fn map(items: Vec<Json>, cfg: &Json, g: &Guard) -> Result<Json, String> {
    if let Some(expr) = cfg.get("expression").and_then(Json::as_str) {
        let mut out = Vec::with_capacity(items.len());
        for i in &items {
            g.check()?;
            out.push(get_path(i, expr).cloned().unwrap_or(Json::Null));
        }
        return Ok(Json::Array(out));
    }
    if let Some(fields) = cfg.get("fields").and_then(Json::as_object) {
        // A field may copy a large part of each item, more than once: the result is measured.
        let mut size = Size::new("Map", g.limit);
        let mut rows = Vec::with_capacity(items.len());
        for item in &items {
            g.check()?;
            let mut out = Map::new();
            for (new_key, old) in fields {
                let v = old.as_str().and_then(|p| get_path(item, p)).cloned().unwrap_or(Json::Null);
                out.insert(new_key.clone(), v);
            }
            let row = Json::Object(out);
            size.add(&row, rows.len())?;
            rows.push(row);
        }
        return Ok(Json::Array(rows));
    }
    Ok(Json::Array(items))
}

/// The size of an operation's output as it is made, against the guard's limit.
struct Size {
    op: &'static str,
    bytes: usize,
    limit: usize,
}

impl Size {
    fn new(op: &'static str, limit: usize) -> Size {
        Size { op, bytes: 2, limit }
    }

    /// Adds one more item (`made` items are already in).
    fn add(&mut self, item: &Json, made: usize) -> Result<(), String> {
        let room = self.limit.saturating_sub(self.bytes);
        match bounds::measure(item, room, MAX_DEPTH) {
            Ok(n) if n < room => {
                self.bytes += n + 1;
                Ok(())
            }
            _ => Err(format!(
                "{} output would be larger than {} of JSON text, the limit of a step's output (after {made} items); \
                 narrow the data first (filter, or join on a more selective key)",
                self.op,
                bounds::size_text(self.limit)
            )),
        }
    }
}

fn transform(data: Json, cfg: &Json) -> Json {
    let Some(expr) = cfg.get("expression").and_then(Json::as_str).filter(|s| !s.is_empty()) else { return data };
    match data {
        Json::Array(a) => Json::Array(a.iter().map(|i| get_path(i, expr).cloned().unwrap_or(Json::Null)).collect()),
        other => get_path(&other, expr).cloned().unwrap_or(Json::Null),
    }
}

// ---------------------------------------------------------------------------------------------
// reduce, aggregate

fn aggregate_values(op: &str, values: &[&Json]) -> Result<Json, String> {
    let nums: Vec<f64> = values.iter().filter_map(|v| num(v)).collect();
    Ok(match op {
        "sum" => number(nums.iter().sum()),
        "avg" => {
            if nums.is_empty() {
                json!(0)
            } else {
                number(nums.iter().sum::<f64>() / nums.len() as f64)
            }
        }
        "min" => nums.iter().copied().reduce(f64::min).map(number).unwrap_or(Json::Null),
        "max" => nums.iter().copied().reduce(f64::max).map(number).unwrap_or(Json::Null),
        "count" => json!(values.len()),
        "first" => values.first().map(|v| (*v).clone()).unwrap_or(Json::Null),
        "last" => values.last().map(|v| (*v).clone()).unwrap_or(Json::Null),
        other => {
            return Err(format!("Unknown aggregation \"{other}\" (expected sum, avg, min, max, count, first or last)"))
        }
    })
}

fn reduce(items: Vec<Json>, cfg: &Json) -> Result<Json, String> {
    let op = cfg.get("operation").and_then(Json::as_str);
    if let (Some(op), Some(field)) = (op, cfg.get("field").and_then(Json::as_str)) {
        if op == "first" || op == "last" {
            let v = if op == "first" { items.first() } else { items.last() };
            return Ok(v.cloned().unwrap_or(Json::Null));
        }
        let values: Vec<&Json> = items.iter().filter_map(|i| get_path(i, field)).filter(|v| !v.is_null()).collect();
        return aggregate_values(op, &values);
    }
    if let Some(op) = op {
        // No field: the values are the items themselves.
        let values: Vec<&Json> = items.iter().filter(|v| !v.is_null()).collect();
        return aggregate_values(op, &values);
    }
    if let Some(init) = cfg.get("initialValue") {
        let mut acc = init.clone();
        for item in items {
            acc = match (acc, item) {
                (Json::Array(mut a), item) => {
                    a.push(item);
                    Json::Array(a)
                }
                (Json::Object(mut a), Json::Object(b)) => {
                    a.extend(b);
                    Json::Object(a)
                }
                (_, item) => item,
            };
        }
        return Ok(acc);
    }
    Ok(Json::Array(items))
}

fn aggregate(items: Vec<Json>, cfg: &Json, g: &Guard) -> Result<Json, String> {
    let aggs = match cfg.get("aggregations") {
        Some(Json::Array(a)) if !a.is_empty() => a,
        _ => return Err("Aggregate operation requires aggregations".into()),
    };
    let apply = |group: &[Json]| -> Result<Map<String, Json>, String> {
        let mut out = Map::new();
        for a in aggs {
            let field = a.get("field").and_then(Json::as_str).unwrap_or("");
            let op = a.get("operation").and_then(Json::as_str).unwrap_or("count");
            let alias =
                a.get("alias").and_then(Json::as_str).map(String::from).unwrap_or_else(|| format!("{op}_{field}"));
            let values: Vec<&Json> = group.iter().filter_map(|i| get_path(i, field)).filter(|v| !v.is_null()).collect();
            out.insert(alias, aggregate_values(op, &values)?);
        }
        Ok(out)
    };
    match cfg.get("groupBy").and_then(Json::as_str).filter(|s| !s.is_empty()) {
        Some(by) => {
            let mut rows = Vec::new();
            for (key, group) in group(items, by, g)? {
                g.check()?;
                let mut m = apply(&group)?;
                m.insert(by.to_string(), Json::String(key));
                rows.push(Json::Object(m));
            }
            Ok(Json::Array(rows))
        }
        None => Ok(Json::Object(apply(&items)?)),
    }
}

// ---------------------------------------------------------------------------------------------
// sort, group, flatten, unique

fn sort(mut items: Vec<Json>, cfg: &Json, g: &Guard) -> Result<Json, String> {
    let mut specs: Vec<(String, bool)> = Vec::new();
    let spec = |s: &Json| -> Option<(String, bool)> {
        let f = s.get("field").and_then(Json::as_str)?;
        let desc = s.get("direction").and_then(Json::as_str).is_some_and(|d| d.eq_ignore_ascii_case("desc"));
        Some((f.to_string(), desc))
    };
    match cfg.get("by") {
        Some(Json::Array(a)) => specs.extend(a.iter().filter_map(spec)),
        Some(s @ Json::Object(_)) => specs.extend(spec(s)),
        _ => {
            if cfg.get("field").is_some() {
                specs.extend(spec(cfg));
            }
        }
    }
    if specs.is_empty() {
        return Ok(Json::Array(items));
    }
    // A comparator cannot fail: once stopped, every pair is equal, which ends the sort quickly.
    let mut compared = 0u32;
    let mut stopped = false;
    items.sort_by(|a, b| {
        compared = compared.wrapping_add(1);
        if compared & 1023 == 0 && !stopped {
            stopped = g.stopped();
        }
        if stopped {
            return Ordering::Equal;
        }
        for (field, desc) in &specs {
            let (x, y) = (get_path(a, field).filter(|v| !v.is_null()), get_path(b, field).filter(|v| !v.is_null()));
            let c = match (x, y) {
                (None, None) => Ordering::Equal,
                (None, _) => return Ordering::Greater, // missing values last, either direction
                (_, None) => return Ordering::Less,
                (Some(x), Some(y)) => ordered(x, y).unwrap_or_else(|| as_text(x).cmp(&as_text(y))),
            };
            if c != Ordering::Equal {
                return if *desc { c.reverse() } else { c };
            }
        }
        Ordering::Equal
    });
    if stopped {
        return Err(STOPPED.into());
    }
    Ok(Json::Array(items))
}

/// Items grouped by the text of a field, groups in first-seen order.
fn group(items: Vec<Json>, field: &str, g: &Guard) -> Result<Vec<(String, Vec<Json>)>, String> {
    let mut groups: Vec<(String, Vec<Json>)> = Vec::new();
    let mut at: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for item in items {
        g.check()?;
        let key = match get_path(&item, field) {
            None => "undefined".to_string(),
            Some(v) => as_text(v),
        };
        match at.get(&key) {
            Some(&i) => groups[i].1.push(item),
            None => {
                at.insert(key.clone(), groups.len());
                groups.push((key, vec![item]));
            }
        }
    }
    Ok(groups)
}

fn flatten(data: Json, cfg: &Json) -> Json {
    let depth = cfg.get("depth").and_then(Json::as_u64).unwrap_or(1);
    fn flat(items: Vec<Json>, depth: u64, out: &mut Vec<Json>) {
        for i in items {
            match i {
                Json::Array(inner) if depth > 0 => flat(inner, depth - 1, out),
                other => out.push(other),
            }
        }
    }
    match data {
        Json::Array(a) => {
            let mut out = Vec::new();
            flat(a, depth, &mut out);
            Json::Array(out)
        }
        other => other,
    }
}

fn unique(data: Json, cfg: &Json) -> Json {
    let Json::Array(items) = data else { return data };
    let field = cfg.get("field").and_then(Json::as_str);
    let mut seen = std::collections::HashSet::new();
    Json::Array(
        items
            .into_iter()
            .filter(|item| {
                let key = match field {
                    Some(f) => get_path(item, f).map(|v| v.to_string()).unwrap_or_else(|| "undefined".into()),
                    None => item.to_string(),
                };
                seen.insert(key)
            })
            .collect(),
    )
}

// ---------------------------------------------------------------------------------------------
// pick, omit, merge, join

fn each_object(data: Json, f: impl Fn(&Map<String, Json>) -> Map<String, Json>) -> Json {
    let one = |v: &Json| Json::Object(v.as_object().map(&f).unwrap_or_default());
    match &data {
        Json::Array(a) => Json::Array(a.iter().map(one).collect()),
        Json::Object(_) => one(&data),
        _ => json!({}),
    }
}

fn pick(m: &Map<String, Json>, fields: &[String]) -> Map<String, Json> {
    if fields.is_empty() {
        return m.clone();
    }
    let whole = Json::Object(m.clone());
    let mut out = Map::new();
    for f in fields {
        if let Some(v) = get_path(&whole, f) {
            out.insert(f.clone(), v.clone());
        }
    }
    out
}

fn omit(m: &Map<String, Json>, fields: &[String]) -> Map<String, Json> {
    let mut out = m.clone();
    for f in fields {
        out.remove(f);
    }
    out
}

fn deep_merge(mut target: Map<String, Json>, source: &Map<String, Json>) -> Map<String, Json> {
    for (k, v) in source {
        match (target.get_mut(k), v) {
            (Some(Json::Object(t)), Json::Object(s)) => {
                let merged = deep_merge(std::mem::take(t), s);
                *t = merged;
            }
            _ => {
                target.insert(k.clone(), v.clone());
            }
        }
    }
    target
}

fn merge(data: Json, cfg: &Json) -> Json {
    let source = cfg.get("source").unwrap_or(&Json::Null);
    let deep = cfg.get("strategy").and_then(Json::as_str) == Some("deep");
    match (data, source) {
        (Json::Array(mut a), Json::Array(b)) => {
            a.extend(b.iter().cloned());
            Json::Array(a)
        }
        (Json::Object(a), Json::Object(b)) => {
            if deep {
                Json::Object(deep_merge(a, b))
            } else {
                let mut a = a;
                a.extend(b.iter().map(|(k, v)| (k.clone(), v.clone())));
                Json::Object(a)
            }
        }
        (data, _) => data,
    }
}

fn join(left: Vec<Json>, cfg: &Json, g: &Guard) -> Result<Json, String> {
    let right = cfg.get("with").and_then(Json::as_array).ok_or("Join operation requires a \"with\" array")?;
    let on = cfg.get("on").and_then(Json::as_str).ok_or("Join operation requires \"on\" (the field to join on)")?;
    let right_on = cfg.get("rightOn").and_then(Json::as_str).unwrap_or(on);
    let ty = cfg.get("type").and_then(Json::as_str).unwrap_or("inner");
    if !["inner", "left", "right", "full"].contains(&ty) {
        return Err(format!("Unknown join type \"{ty}\" (expected inner, left, right or full)"));
    }
    let key = |v: &Json, f: &str| get_path(v, f).map(as_text).unwrap_or_else(|| "undefined".into());
    let mut by_key: std::collections::HashMap<String, Vec<&Json>> = std::collections::HashMap::new();
    for r in right {
        by_key.entry(key(r, right_on)).or_default().push(r);
    }
    let obj = |v: &Json| v.as_object().cloned().unwrap_or_default();
    // Each output row is measured as it is made: a join on a key most rows share is the
    // product of both sides.
    let mut size = Size::new("Join", g.limit);
    let mut out = Vec::new();
    let mut push = |row: Json, out: &mut Vec<Json>| -> Result<(), String> {
        g.check()?;
        size.add(&row, out.len())?;
        out.push(row);
        Ok(())
    };
    let mut left_keys = std::collections::HashSet::new();
    for l in &left {
        let k = key(l, on);
        match by_key.get(&k) {
            Some(rs) => {
                for r in rs {
                    let mut m = obj(l);
                    m.extend(obj(r));
                    push(Json::Object(m), &mut out)?;
                }
            }
            None if ty == "left" || ty == "full" => push(Json::Object(obj(l)), &mut out)?,
            None => {}
        }
        left_keys.insert(k);
    }
    if ty == "right" || ty == "full" {
        for r in right {
            if !left_keys.contains(&key(r, right_on)) {
                push(Json::Object(obj(r)), &mut out)?;
            }
        }
    }
    Ok(Json::Array(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people() -> Json {
        json!([
            {"name": "ada", "age": 36, "team": "a", "tags": ["x"]},
            {"name": "bob", "age": 25, "team": "b"},
            {"name": "cy", "age": 41, "team": "a", "email": "cy@example.com"},
        ])
    }

    fn op(o: &str, cfg: Json) -> Json {
        operation(o, people(), &cfg).unwrap_or_else(|e| panic!("{o}: {e}"))
    }

    fn names(v: &Json) -> Vec<&str> {
        v.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect()
    }

    #[test]
    fn filter_operators() {
        let f = |field: &str, operator: &str, value: Json| {
            names(&op("filter", json!({"conditions": [{"field": field, "operator": operator, "value": value}]})))
                .join(",")
        };
        assert_eq!(f("team", "eq", json!("a")), "ada,cy");
        assert_eq!(f("team", "neq", json!("a")), "bob");
        assert_eq!(f("age", "gt", json!(36)), "cy");
        assert_eq!(f("age", "gte", json!(36)), "ada,cy");
        assert_eq!(f("age", "lt", json!(36)), "bob");
        assert_eq!(f("age", "lte", json!(36)), "ada,bob");
        assert_eq!(f("name", "in", json!(["bob", "cy"])), "bob,cy");
        assert_eq!(f("name", "nin", json!(["bob", "cy"])), "ada");
        assert_eq!(f("name", "contains", json!("d")), "ada");
        assert_eq!(f("name", "startsWith", json!("b")), "bob");
        assert_eq!(f("name", "endsWith", json!("y")), "cy");
        assert_eq!(f("email", "exists", json!(true)), "cy");
        assert_eq!(f("email", "exists", json!(false)), "ada,bob");
        assert_eq!(f("name", "regex", json!("^[ab]")), "ada,bob");
        let or = op(
            "filter",
            json!({"logic": "or", "conditions": [
                {"field": "age", "operator": "lt", "value": 30}, {"field": "name", "operator": "eq", "value": "cy"}]}),
        );
        assert_eq!(names(&or), ["bob", "cy"]);
        let and = op(
            "filter",
            json!({"conditions": [
                {"field": "team", "operator": "eq", "value": "a"}, {"field": "age", "operator": "gt", "value": 40}]}),
        );
        assert_eq!(names(&and), ["cy"]);
        assert!(operation(
            "filter",
            people(),
            &json!({"conditions": [{"field": "a", "operator": "regex", "value": "("}]})
        )
        .unwrap_err()
        .contains("invalid regex"));
    }

    #[test]
    fn the_other_twelve() {
        assert_eq!(op("map", json!({"fields": {"who": "name", "t": "team"}}))[1], json!({"who": "bob", "t": "b"}));
        assert_eq!(op("map", json!({"expression": "age"})), json!([36, 25, 41]));
        assert_eq!(op("reduce", json!({"operation": "sum", "field": "age"})), json!(102));
        assert_eq!(op("reduce", json!({"operation": "avg", "field": "age"})), json!(34));
        assert_eq!(op("reduce", json!({"operation": "min", "field": "age"})), json!(25));
        assert_eq!(op("reduce", json!({"operation": "max", "field": "age"})), json!(41));
        assert_eq!(op("reduce", json!({"operation": "count", "field": "email"})), json!(1));
        assert_eq!(op("reduce", json!({"operation": "first", "field": "x"}))["name"], "ada");
        assert_eq!(op("reduce", json!({"operation": "last", "field": "x"}))["name"], "cy");
        assert_eq!(names(&op("sort", json!({"field": "age", "direction": "desc"}))), ["cy", "ada", "bob"]);
        assert_eq!(
            names(&op(
                "sort",
                json!({"by": [{"field": "team", "direction": "asc"}, {"field": "age", "direction": "desc"}]})
            )),
            ["cy", "ada", "bob"]
        );
        let g = op("group", json!({"field": "team"}));
        assert_eq!((g["a"].as_array().unwrap().len(), g["b"].as_array().unwrap().len()), (2, 1));
        assert_eq!(operation("flatten", json!([[1, [2]], 3]), &json!({})).unwrap(), json!([1, [2], 3]));
        assert_eq!(operation("flatten", json!([[1, [2]], 3]), &json!({"depth": 2})).unwrap(), json!([1, 2, 3]));
        assert_eq!(operation("unique", json!([1, 2, 1, "1"]), &json!({})).unwrap(), json!([1, 2, "1"]));
        assert_eq!(names(&op("unique", json!({"field": "team"}))), ["ada", "bob"]);
        assert_eq!(op("pick", json!({"fields": ["name", "tags.0"]}))[0], json!({"name": "ada", "tags.0": "x"}));
        assert_eq!(op("omit", json!({"fields": ["age", "team", "tags"]}))[0], json!({"name": "ada"}));
        assert_eq!(
            operation("merge", json!({"a": {"x": 1, "y": 2}}), &json!({"source": {"a": {"y": 3}}, "strategy": "deep"}))
                .unwrap(),
            json!({"a": {"x": 1, "y": 3}})
        );
        assert_eq!(
            operation("merge", json!({"a": {"x": 1}}), &json!({"source": {"a": {"y": 3}}})).unwrap(),
            json!({"a": {"y": 3}})
        );
        assert_eq!(operation("merge", json!([1]), &json!({"source": [2]})).unwrap(), json!([1, 2]));
        let teams = json!([{"team": "a", "lead": "ada"}, {"team": "c", "lead": "zed"}]);
        let j = |ty: &str| op("join", json!({"with": teams, "on": "team", "type": ty})).as_array().unwrap().len();
        assert_eq!((j("inner"), j("left"), j("right"), j("full")), (2, 3, 3, 4));
        assert_eq!(op("join", json!({"with": teams, "on": "team"}))[0]["lead"], "ada");
        let agg = op(
            "aggregate",
            json!({"groupBy": "team", "aggregations": [{"field": "age", "operation": "avg", "alias": "avgAge"}, {"field": "name", "operation": "count"}]}),
        );
        assert_eq!(
            agg,
            json!([{"team": "a", "avgAge": 38.5, "count_name": 2}, {"team": "b", "avgAge": 25, "count_name": 1}])
        );
        assert_eq!(
            op("aggregate", json!({"aggregations": [{"field": "age", "operation": "sum"}]})),
            json!({"sum_age": 102})
        );
        assert_eq!(op("transform", json!({"expression": "name"})), json!(["ada", "bob", "cy"]));
        assert_eq!(operation("transform", json!({"a": {"b": 1}}), &json!({"expression": "a.b"})).unwrap(), json!(1));
    }

    #[test]
    fn guards_stop_operations_and_bound_what_they_make() {
        let rows = |n: usize, f: &str| Json::Array((0..n).map(|i| json!({"k": 1, f: i})).collect());
        let cfg = json!({"with": rows(100, "b"), "on": "k"});
        let small = Guard::new(Arc::default(), 10_000);
        let e = operation_with("join", rows(100, "a"), &cfg, &small).unwrap_err();
        assert!(e.starts_with("Join output would be larger than 10000 bytes of JSON text"), "{e}");
        let big = Guard::new(Arc::default(), 1 << 20);
        assert_eq!(operation_with("join", rows(100, "a"), &cfg, &big).unwrap().as_array().unwrap().len(), 10_000);
        let e = operation_with("map", rows(100, "a"), &json!({"fields": {"x": "a", "y": "k"}}), &small);
        assert!(e.is_ok(), "{e:?}");
        let stopped = Guard::new(Arc::new(AtomicBool::new(true)), usize::MAX);
        for op in ["join", "filter", "sort", "group", "map"] {
            let cfg = json!({"with": rows(10, "b"), "on": "k", "field": "a", "expression": "a",
                             "conditions": [{"field": "a", "operator": "gt", "value": 1}]});
            assert_eq!(operation_with(op, rows(5000, "a"), &cfg, &stopped).unwrap_err(), STOPPED, "{op}");
        }
        // Inputs are taken, not copied: the data moves into the result.
        let out = apply_with(&json!({}), &json!({}), json!({"data": [1, 2], "other": 3}), &big).unwrap();
        assert_eq!((out["result"].clone(), out["inputCount"].clone()), (json!([1, 2]), json!(2)));
    }

    #[test]
    fn single_pipeline_and_pass_through() {
        let inputs = json!({"data": people()});
        let out = apply(&json!({"operation": "filter", "operationConfig": {"conditions": [{"field": "team", "operator": "eq", "value": "a"}]}}), &json!({}), &inputs).unwrap();
        assert_eq!((out["inputCount"].clone(), out["outputCount"].clone()), (json!(3), json!(2)));
        assert_eq!(out["operationsPerformed"], json!(["filter"]));
        let out = apply(
            &json!({"pipeline": [
                {"operation": "filter", "config": {"conditions": [{"field": "age", "operator": "gt", "value": 30}]}},
                {"operation": "sort", "config": {"field": "age", "direction": "desc"}},
                {"operation": "map", "config": {"expression": "name"}}]}),
            &json!({}),
            &inputs,
        )
        .unwrap();
        assert_eq!(out["result"], json!(["cy", "ada"]));
        assert_eq!(out["operationsPerformed"], json!(["filter", "sort", "map"]));
        // The seed's Data Transformer lists its operations but configures none: a pass-through.
        let seed = json!({"operations": ["map", "filter"], "outputFormats": ["json"]});
        let out = apply(&seed, &json!({}), &json!({"input": [1, 2, 3], "outputFormat": "json"})).unwrap();
        assert_eq!((out["result"].clone(), out["outputCount"].clone()), (json!([1, 2, 3]), json!(3)));
        // A step's config overrides the agent's.
        let out = apply(
            &seed,
            &json!({"operation": "reduce", "operationConfig": {"operation": "sum"}}),
            &json!({"items": [1, 2]}),
        )
        .unwrap();
        assert_eq!(out["result"], json!(3));
        let e = apply(
            &json!({"operation": "sort", "operationConfig": {"field": "a"}}),
            &json!({}),
            &json!({"data": {"a": 1}}),
        )
        .unwrap_err();
        assert_eq!(e, "Sort operation requires an array input (got object)");
        assert!(apply(&json!({"operation": "explode"}), &json!({}), &inputs)
            .unwrap_err()
            .contains("Unknown data operation"));
    }
}
