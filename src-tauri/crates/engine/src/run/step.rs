//! One step's work: its inputs resolved (an agent step may take values out of upstream outputs
//! only it still reads instead of copying them), its attempts with the step's timeout and retry
//! policy, the step kinds (agent, condition, loop, parallel, wait), and its outputs mapping.

use super::context::{Run, StepEnd, StepScope};
use crate::agents::{self, AgentError, Produced};
use crate::bounds::{self, Over, MAX_DEPTH, MAX_ERROR_BYTES};
use crate::events::RunEvent;
use crate::expr;
use crate::template::{self, Budget};
use serde_json::{json, Map, Value as Json};
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinSet;
use turbocat_domain::flow::config::{whole_number, Condition};
use turbocat_domain::{ErrorHandling, LogLevel, StepStatus, Timestamp, WorkflowStep, WorkflowStepType};

/// How a step ended.
pub(crate) struct StepDone {
    pub idx: usize,
    pub status: StepStatus,
    pub output: Option<Arc<Json>>,
    pub condition: Option<bool>,
    pub error: Option<String>,
    pub duration_ms: i64,
}

impl StepDone {
    pub fn failed(idx: usize, error: String, duration_ms: i64) -> StepDone {
        StepDone { idx, status: StepStatus::Failed, output: None, condition: None, error: Some(error), duration_ms }
    }
}

/// Runs step `i` to its end, with the scope of what it reads.
pub(crate) async fn exec_step(run: Arc<Run>, i: usize, scope: Arc<StepScope>) -> StepDone {
    let step = &run.steps[i];
    let key = step.step_key.clone();
    let started = Timestamp::now();
    let fail = |error: String, attempts: u32| {
        let row = run.end_step(i, Some(started), StepEnd::Failed { error, attempts: Some(attempts) });
        let d = row.step_duration_ms.unwrap_or(0);
        let error = row.metadata["error"].as_str().unwrap_or_default().to_string();
        run.log(row);
        StepDone::failed(i, error, d)
    };
    // Loop inputs are resolved per item. The resolution is bounded as it goes: a template can
    // copy a large output many times over.
    let mut scope = scope;
    let resolved = if step.step_type == WorkflowStepType::Loop {
        Ok(step.inputs.clone())
    } else if step.step_type == WorkflowStepType::Agent {
        resolve_taking(step, &mut scope, &mut run.inputs_budget())
    } else {
        template::resolve_in(&step.inputs, &*scope, &mut run.inputs_budget())
    };
    let inputs = match resolved {
        Ok(v) => v,
        Err(e) => {
            run.log(run.step_log(
                i,
                LogLevel::Info,
                StepStatus::Running,
                format!("Step \"{key}\" started"),
                json!({ "inputs": run.bounded(&step.inputs) }),
                started,
                None,
            ));
            return fail(e, 1);
        }
    };
    let shown = run.bounded(&inputs);
    run.log(run.step_log(
        i,
        LogLevel::Info,
        StepStatus::Running,
        format!("Step \"{key}\" started"),
        json!({ "inputs": shown }),
        started,
        None,
    ));
    run.emit(RunEvent::StepStarted { execution_id: run.exec_id, step_key: key.clone(), inputs: shown });
    let attempts = if step.on_error == ErrorHandling::Retry { 1 + step.retry_count.max(0) as u32 } else { 1 };
    let per_attempt = Duration::from_millis(step.timeout_ms.max(1) as u64);
    let mut attempt = 1;
    // An agent step with no agent passes its inputs through: moved, not copied (it cannot
    // fail, so no attempt needs them again).
    let pass_through = step.step_type == WorkflowStepType::Agent && step.agent_id.is_none();
    let mut inputs = Some(inputs);
    let produced = loop {
        if pass_through {
            break Ok(Produced::plain(inputs.take().unwrap_or_default()));
        }
        // The last attempt takes the inputs; an earlier one gets a copy (a retry needs them).
        let this_attempt = if attempt >= attempts { inputs.take() } else { inputs.clone() };
        let Some(this_attempt) = this_attempt else { break Err("the step's inputs are gone".to_string()) };
        let r = match tokio::time::timeout(per_attempt, attempt_once(&run, i, &scope, this_attempt, started)).await {
            Ok(r) => r,
            Err(_) => Err(AgentError::Retryable(format!("Timed out after {} ms", step.timeout_ms))),
        };
        match r {
            Ok(p) => break Ok(p),
            Err(AgentError::Retryable(e)) if attempt < attempts => {
                let e = bounds::cut_string(e, MAX_ERROR_BYTES);
                let delay = step.retry_delay_ms.max(0) as u64 * u64::from(attempt);
                run.log(run.step_log(
                    i,
                    LogLevel::Warn,
                    StepStatus::Running,
                    format!("Step \"{key}\" attempt {attempt} of {attempts} failed: {e}; retrying in {delay} ms"),
                    json!({ "attempt": attempt, "error": e, "delayMs": delay }),
                    started,
                    None,
                ));
                run.emit(RunEvent::StepRetry {
                    execution_id: run.exec_id,
                    step_key: key.clone(),
                    attempt,
                    delay_ms: delay,
                    error: e,
                });
                tokio::time::sleep(Duration::from_millis(delay)).await;
                attempt += 1;
            }
            Err(e) => break Err(e.into_message()),
        }
    };
    let produced = match produced {
        Ok(p) => p,
        Err(e) => return fail(e, attempt),
    };
    let condition = (step.step_type == WorkflowStepType::Condition).then(|| expr::truthy(produced.result()));
    let limit = run.cfg.value_limit;
    let output = match step.outputs.as_object() {
        Some(m) if !m.is_empty() => {
            // What the agent made is mapped, then dropped: only its size matters here.
            if let Err(o) = bounds::measure(&produced.output, limit, usize::MAX) {
                return fail(over_message("its output", o, limit), attempt);
            }
            let mut budget = Budget::new("its mapped output", limit, MAX_DEPTH);
            match map_outputs(m, produced, &scope, &mut budget) {
                Ok(o) => o,
                Err(e) => return fail(format!("outputs mapping: {e}"), attempt),
            }
        }
        _ => {
            if let Err(o) = bounds::measure(&produced.output, limit, MAX_DEPTH) {
                return fail(over_message("its output", o, limit), attempt);
            }
            produced.output
        }
    };
    let row = run.end_step(i, Some(started), StepEnd::Completed { output: &output, attempts: attempt });
    let d = row.step_duration_ms.unwrap_or(0);
    run.log(row);
    StepDone {
        idx: i,
        status: StepStatus::Completed,
        output: Some(Arc::new(output)),
        condition,
        error: None,
        duration_ms: d,
    }
}

/// Why a step's value is out of bounds, for its error message.
fn over_message(what: &str, o: Over, limit: usize) -> String {
    match o {
        Over::Size => format!(
            "{what} is larger than {} of JSON text, the limit of a step's inputs and output",
            bounds::size_text(limit)
        ),
        Over::Depth => format!(
            "{what} nests arrays and objects deeper than {MAX_DEPTH} levels, the limit of a step's inputs and output"
        ),
    }
}

/// Applies a step's outputs mapping to what its agent produced. A value a whole template names
/// in the agent's output (`{"data": "{{response.body}}"}`, `{"rows": "{{result}}"}`) is moved
/// out of it, not copied, unless another whole template of the mapping names an overlapping
/// path; the other entries are resolved first, while the output is whole.
fn map_outputs(
    mapping: &Map<String, Json>,
    mut produced: Produced,
    scope: &StepScope,
    budget: &mut Budget,
) -> std::result::Result<Json, String> {
    let mut moves: Vec<(&String, String)> = mapping
        .iter()
        .filter_map(|(k, v)| Some((k, pointer_into(&produced, template::whole_ref(v.as_str()?)?)?)))
        .collect();
    let overlaps = |a: &str, b: &str| a == b || a.starts_with(&format!("{b}/")) || b.starts_with(&format!("{a}/"));
    let kept: Vec<bool> = moves.iter().map(|(k, p)| !moves.iter().any(|(k2, p2)| k2 != k && overlaps(p, p2))).collect();
    let mut kept = kept.into_iter();
    moves.retain(|_| kept.next().unwrap_or(false));
    let rest: Map<String, Json> = mapping
        .iter()
        .map(|(k, v)| (k.clone(), if moves.iter().any(|(m, _)| *m == k) { Json::Null } else { v.clone() }))
        .collect();
    let view =
        template::Produced { output: &produced.output, result: produced.result(), response: produced.response() };
    let mut out = match template::apply_outputs(&Json::Object(rest), &view, scope, budget)? {
        Some(Json::Object(m)) => m,
        _ => Map::new(),
    };
    for (k, ptr) in moves {
        let v = produced.output.pointer_mut(&ptr).map(std::mem::take).unwrap_or_default();
        budget.add(&v, 1)?;
        out.insert(k.clone(), v);
    }
    Ok(Json::Object(out))
}

/// Resolves an agent step's inputs. A value that a top-level whole template names
/// (`{"data": "{{fetch.data}}"}`) in an upstream output that only this step's scope holds is
/// moved out of it, not copied, unless another such template names an overlapping path or the
/// step's outputs mapping names that step; the other entries are resolved first.
fn resolve_taking(
    step: &WorkflowStep,
    scope: &mut Arc<StepScope>,
    budget: &mut Budget,
) -> std::result::Result<Json, String> {
    let Some(inputs) = step.inputs.as_object() else { return template::resolve_in(&step.inputs, &**scope, budget) };
    let mapped_refs = template::references(&step.outputs);
    let named_by_mapping = |key: &str| mapped_refs.iter().any(|r| template::root_of(r) == Some(key));
    let Some(sc) = Arc::get_mut(scope) else { return template::resolve_in(&step.inputs, &**scope, budget) };
    let mut moves: Vec<(&String, usize, String)> = Vec::new();
    for (k, v) in inputs {
        let Some(r) = v.as_str().and_then(template::whole_ref) else { continue };
        let Ok(segs) = template::segments(r) else { continue };
        let Some(at) = sc.steps.iter().position(|(key, _)| key == segs[0]) else { continue };
        let Some(out) = sc.steps[at].1.as_mut().filter(|_| !named_by_mapping(segs[0])) else { continue };
        let Some(out) = Arc::get_mut(out) else { continue };
        // `<step>.output.<path>` reads `<path>` unless the output has its own `output`.
        let skip = segs.get(1) == Some(&"output") && out.as_object().is_none_or(|m| !m.contains_key("output"));
        if let Some(ptr) = pointer_in(out, String::new(), &segs[if skip { 2 } else { 1 }..]) {
            moves.push((k, at, ptr));
        }
    }
    let overlaps = |a: &(&String, usize, String), b: &(&String, usize, String)| {
        a.1 == b.1 && (a.2 == b.2 || a.2.starts_with(&format!("{}/", b.2)) || b.2.starts_with(&format!("{}/", a.2)))
    };
    let alone: Vec<bool> = moves.iter().map(|a| !moves.iter().any(|b| b.0 != a.0 && overlaps(a, b))).collect();
    let mut alone = alone.into_iter();
    moves.retain(|_| alone.next().unwrap_or(false));
    let rest: Map<String, Json> = inputs
        .iter()
        .map(|(k, v)| (k.clone(), if moves.iter().any(|m| m.0 == k) { Json::Null } else { v.clone() }))
        .collect();
    let mut out = match template::resolve_in(&Json::Object(rest), &*sc, budget)? {
        Json::Object(m) => m,
        _ => Map::new(),
    };
    for (k, at, ptr) in moves {
        let v = sc.steps[at]
            .1
            .as_mut()
            .and_then(Arc::get_mut)
            .and_then(|o| o.pointer_mut(&ptr))
            .map(std::mem::take)
            .unwrap_or_default();
        budget.add(&v, 1)?;
        out.insert(k.clone(), v);
    }
    Ok(Json::Object(out))
}

/// The JSON pointer, below `ptr` in `at`, of the value the path segments `segs` name, when it
/// is there (not a computed one such as `.length`).
fn pointer_in(mut at: &Json, mut ptr: String, segs: &[&str]) -> Option<String> {
    for seg in segs {
        at = match at {
            Json::Object(m) if *seg != "length" => m.get(*seg)?,
            Json::Array(a) => a.get(seg.parse::<usize>().ok()?)?,
            _ => return None,
        };
        ptr.push('/');
        ptr.push_str(&seg.replace('~', "~0").replace('/', "~1"));
    }
    Some(ptr)
}

/// The JSON pointer, in an agent's output, of what the reference `r` of an outputs mapping
/// names, when it names a value that is there (not a computed one such as `.length`).
fn pointer_into(produced: &Produced, r: &str) -> Option<String> {
    let segs = template::segments(r).ok()?;
    let (ptr, rest) = match segs[0] {
        "output" => (String::new(), &segs[1..]),
        "result" => match produced.main {
            agents::Main::Output => (String::new(), &segs[1..]),
            agents::Main::Field(f) => (format!("/{f}"), &segs[1..]),
        },
        "response" if produced.http => {
            let field = match *segs.get(1)? {
                "body" => "data",
                "status" => "statusCode",
                "headers" => "headers",
                _ => return None,
            };
            (format!("/{field}"), &segs[2..])
        }
        "response" => return None,
        name => {
            produced.output.as_object()?.get(name)?;
            (format!("/{}", name.replace('~', "~0").replace('/', "~1")), &segs[1..])
        }
    };
    let at = produced.output.pointer(&ptr)?;
    pointer_in(at, ptr, rest)
}

/// One attempt of a step's work.
async fn attempt_once(
    run: &Arc<Run>,
    i: usize,
    scope: &Arc<StepScope>,
    inputs: Json,
    started: Timestamp,
) -> std::result::Result<Produced, AgentError> {
    let step = &run.steps[i];
    match step.step_type {
        WorkflowStepType::Agent => match step.agent_id {
            // The inputs were measured as they were resolved.
            None => Ok(Produced::plain(inputs)),
            Some(id) => {
                let agent = run
                    .agents
                    .get(&id)
                    .ok_or_else(|| AgentError::Permanent(format!("Agent {id} does not exist or was deleted")))?;
                run.call_agent(i, started, agent, inputs).await
            }
        },
        WorkflowStepType::Condition => {
            let value = match &run.configs[i].condition {
                Some(Condition::Expression(src)) => expr::evaluate(src, &**scope)?,
                Some(Condition::Constant(b)) => *b,
                None => return Err("A condition step needs config.condition".into()),
            };
            Ok(Produced::field(json!({ "result": value }), "result"))
        }
        WorkflowStepType::Parallel => Ok(Produced::plain(json!({}))),
        WorkflowStepType::Wait => {
            let raw = run.configs[i].wait_ms.clone().unwrap_or(json!(0));
            let v = template::resolve_in(&raw, &**scope, &mut run.inputs_budget())?;
            let ms = whole_number(&v)
                .ok_or_else(|| format!("A wait step needs config.waitMs as a number of milliseconds (got {v})"))?;
            tokio::time::sleep(Duration::from_millis(ms)).await;
            Ok(Produced::plain(json!({ "waitedMs": ms })))
        }
        WorkflowStepType::Loop => run_loop(run, i, scope, started).await.map_err(AgentError::from),
    }
}

/// A loop step: its agent (or a pass-through) once per item of `config.items`, with the step
/// inputs plus `item` and `index`, `config.concurrency` at a time (default 1).
async fn run_loop(
    run: &Arc<Run>,
    i: usize,
    scope: &Arc<StepScope>,
    started: Timestamp,
) -> std::result::Result<Produced, String> {
    let step = &run.steps[i];
    let cfg = &run.configs[i];
    let raw = cfg.items.as_ref().ok_or("A loop step needs config.items (a template yielding an array)")?;
    let items = match template::resolve_in(raw, &**scope, &mut run.inputs_budget())? {
        Json::Array(a) => a,
        other => return Err(format!("config.items must be an array (got {})", template::kind(&other))),
    };
    let concurrency = cfg.loop_concurrency();
    let count = items.len();
    let mut results = vec![Json::Null; count];
    let mut failures = Vec::new();
    let mut set: JoinSet<(usize, std::result::Result<Json, String>)> = JoinSet::new();
    let mut items = items.into_iter().enumerate();
    loop {
        while set.len() < concurrency {
            let Some((index, item)) = items.next() else { break };
            let (run, scope) = (run.clone(), scope.clone());
            set.spawn(async move {
                let out = loop_item(&run, i, &scope, item, index, started).await;
                (index, out)
            });
        }
        let Some(joined) = set.join_next().await else { break };
        let (index, out) = joined.map_err(|e| format!("a loop item's task failed: {e}"))?;
        match out {
            Ok(v) => results[index] = v,
            Err(e) if step.on_error == ErrorHandling::Continue => {
                failures.push(json!({ "index": index, "error": bounds::cut_string(e, MAX_ERROR_BYTES) }))
            }
            Err(e) => return Err(format!("item {index} failed: {e}")),
        }
    }
    let mut output = Map::new();
    output.insert("items".into(), Json::Array(results));
    output.insert("count".into(), json!(count));
    if !failures.is_empty() {
        output.insert("errors".into(), Json::Array(failures));
    }
    Ok(Produced::field(Json::Object(output), "items"))
}

async fn loop_item(
    run: &Arc<Run>,
    i: usize,
    scope: &StepScope,
    item: Json,
    index: usize,
    started: Timestamp,
) -> std::result::Result<Json, String> {
    let step = &run.steps[i];
    let item_scope = StepScope {
        inputs: scope.inputs.clone(),
        metadata: scope.metadata.clone(),
        steps: scope.steps.clone(),
        extra: vec![("item", item.clone()), ("index", json!(index))],
    };
    let mut inputs = template::resolve_in(&step.inputs, &item_scope, &mut run.inputs_budget())?;
    if let Json::Object(m) = &mut inputs {
        m.entry("item").or_insert(item);
        m.entry("index").or_insert(json!(index));
    }
    match step.agent_id {
        None => Ok(inputs),
        Some(id) => {
            let agent = run.agents.get(&id).ok_or_else(|| format!("Agent {id} does not exist or was deleted"))?;
            run.call_agent(i, started, agent, inputs).await.map(|p| p.output).map_err(AgentError::into_message)
        }
    }
}
