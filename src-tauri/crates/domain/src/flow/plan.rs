//! The plan of a run, made before any row is written: the graph checks of docs/rules.md (a cycle is
//! refused here), the static reference check of docs/engine.md, the declared inputs with their
//! defaults, and the step graph as indexes for the scheduler.

use crate::flow::config::{Condition, StepConfig, WorkflowDefinition};
use crate::flow::expr;
use crate::flow::template::{self, root_of};
use crate::{graph, validate::Checker, Error, Result, WorkflowStep, WorkflowStepType};
use serde_json::{Map, Value as Json};
use std::collections::HashMap;

/// Names a template can start with besides step keys.
pub const INPUTS: &str = "inputs";
pub const METADATA: &str = "metadata";

/// The step graph as indexes.
#[derive(Debug, Clone)]
pub struct Graph {
    /// Dependencies of each step (indexes).
    pub deps: Vec<Vec<usize>>,
    /// Steps that depend on each step.
    pub dependants: Vec<Vec<usize>>,
    /// Step keys a step's templates name (only those that are steps), for its scope.
    pub step_refs: Vec<Vec<usize>>,
    pub index: HashMap<String, usize>,
}

impl Graph {
    /// Builds the graph of steps that passed [`graph::validate`].
    pub fn new(steps: &[WorkflowStep]) -> Graph {
        let configs: Vec<StepConfig> = steps.iter().map(|s| StepConfig::of(&s.config, s.step_type)).collect();
        Graph::with_configs(steps, &configs)
    }

    /// [`Graph::new`] with the steps' configs read already (by index).
    pub fn with_configs(steps: &[WorkflowStep], configs: &[StepConfig]) -> Graph {
        let index: HashMap<String, usize> = steps.iter().enumerate().map(|(i, s)| (s.step_key.clone(), i)).collect();
        let deps: Vec<Vec<usize>> =
            steps.iter().map(|s| s.deps().iter().filter_map(|d| index.get(d).copied()).collect()).collect();
        let mut dependants = vec![Vec::new(); steps.len()];
        for (i, ds) in deps.iter().enumerate() {
            for &d in ds {
                dependants[d].push(i);
            }
        }
        let step_refs = steps
            .iter()
            .zip(configs)
            .map(|(s, cfg)| {
                let (mut refs, after) = before_and_after(s, cfg);
                refs.extend(after);
                let mut refs: Vec<usize> =
                    refs.iter().filter_map(|r| root_of(r)).filter_map(|k| index.get(k).copied()).collect();
                refs.sort_unstable();
                refs.dedup();
                refs
            })
            .collect();
        Graph { deps, dependants, step_refs, index }
    }

    /// Answers "is `j` upstream of `i`" (a transitive dependency) for the reference check.
    pub fn reach(&self) -> Reach<'_> {
        Reach::new(self)
    }
}

/// Reachability queries over the dependency graph, without a set of ancestors per step (which
/// grows with the square of a long chain). Each query is a search backwards from `i` over its
/// dependencies, pruned to the steps between `j` and `i` in a topological order (a step before
/// `j` in that order cannot have `j` upstream). A direct dependency, the common case, is
/// answered without a search.
pub struct Reach<'a> {
    deps: &'a [Vec<usize>],
    /// Each step's position in a topological order.
    pos: Vec<usize>,
    /// Steps seen by the current search (`mark[k] == stamp`).
    mark: Vec<u32>,
    stamp: u32,
    stack: Vec<usize>,
}

impl<'a> Reach<'a> {
    fn new(g: &'a Graph) -> Reach<'a> {
        let n = g.deps.len();
        // Kahn's algorithm over the indexes (the graph passed graph::validate, so it is a DAG).
        let mut pending: Vec<usize> = g.deps.iter().map(Vec::len).collect();
        let mut queue: std::collections::VecDeque<usize> = (0..n).filter(|&i| pending[i] == 0).collect();
        let mut pos = vec![usize::MAX; n];
        let mut next = 0;
        while let Some(i) = queue.pop_front() {
            pos[i] = next;
            next += 1;
            for &k in &g.dependants[i] {
                pending[k] -= 1;
                if pending[k] == 0 {
                    queue.push_back(k);
                }
            }
        }
        Reach { deps: &g.deps, pos, mark: vec![0; n], stamp: 0, stack: Vec::new() }
    }

    /// Whether `j` is a transitive dependency of `i`.
    pub fn upstream(&mut self, i: usize, j: usize) -> bool {
        if i == j || self.pos[j] >= self.pos[i] {
            return false;
        }
        if self.deps[i].contains(&j) {
            return true;
        }
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.mark.fill(0);
            self.stamp = 1;
        }
        let floor = self.pos[j];
        self.stack.clear();
        self.stack.push(i);
        while let Some(k) = self.stack.pop() {
            for &d in &self.deps[k] {
                if d == j {
                    return true;
                }
                if self.pos[d] > floor && self.mark[d] != self.stamp {
                    self.mark[d] = self.stamp;
                    self.stack.push(d);
                }
            }
        }
        false
    }
}

/// The references of a step that are read before it runs (inputs and config), and those of
/// its outputs mapping, which may also name what the step produced.
fn before_and_after(s: &WorkflowStep, cfg: &StepConfig) -> (Vec<String>, Vec<String>) {
    let mut before = template::references(&s.inputs);
    if let Some(Condition::Expression(c)) = &cfg.condition {
        if let Ok(e) = expr::parse(c) {
            expr::references(&e, &mut before);
        }
    }
    for v in cfg.templates() {
        before.extend(template::references(v));
    }
    (before, template::references(&s.outputs))
}

/// The static reference check (docs/engine.md): a template naming an unknown step, a step that is
/// not an upstream dependency, or an unknown workflow input is a validation error. Also checks
/// that condition expressions parse. Run on a graph that passed [`graph::validate`], with
/// configs that [`StepConfig::read`] accepted.
fn check_references(steps: &[WorkflowStep], configs: &[StepConfig], definition: &WorkflowDefinition) -> Result<()> {
    let g = Graph::with_configs(steps, configs);
    let mut reach = g.reach();
    let mut c = Checker::new();
    let declared_inputs = definition.inputs.as_ref();
    for (i, s) in steps.iter().enumerate() {
        let field = format!("steps.{}", s.step_key);
        let cfg = &configs[i];
        if s.step_type == WorkflowStepType::Condition {
            match &cfg.condition {
                Some(Condition::Expression(src)) => {
                    if let Err(e) = expr::parse(src) {
                        c.fail(&format!("{field}.config.condition"), format!("Step \"{}\": {e}", s.step_key));
                    }
                }
                Some(Condition::Constant(_)) => {}
                None => c.fail(
                    &format!("{field}.config.condition"),
                    format!("Condition step \"{}\" needs config.condition", s.step_key),
                ),
            }
        }
        let (before, after) = before_and_after(s, cfg);
        let is_loop = s.step_type == WorkflowStepType::Loop;
        for (refs, in_mapping) in [(before, false), (after, true)] {
            for r in refs {
                let segs = match template::segments(&r) {
                    Ok(segs) => segs,
                    Err(e) => {
                        c.fail(&field, format!("Step \"{}\": {e}", s.step_key));
                        continue;
                    }
                };
                let root = segs[0];
                match root {
                    INPUTS => {
                        if let (Some(name), Some(decl)) = (segs.get(1), declared_inputs) {
                            if !decl.contains_key(*name) {
                                c.fail(
                                    &field,
                                    format!(
                                        "Step \"{}\" references unknown workflow input \"{name}\" in {{{{{r}}}}}",
                                        s.step_key
                                    ),
                                );
                            }
                        }
                    }
                    METADATA => {}
                    "item" | "index" if is_loop && !in_mapping => {}
                    _ => match g.index.get(root) {
                        Some(&j) if j == i => {
                            if !in_mapping {
                                c.fail(&field, format!("Step \"{}\" references itself in {{{{{r}}}}}", s.step_key));
                            }
                        }
                        Some(&j) => {
                            if !reach.upstream(i, j) {
                                c.fail(
                                    &field,
                                    format!(
                                        "Step \"{}\" references step \"{root}\", which is not one of its upstream dependencies, in {{{{{r}}}}}",
                                        s.step_key
                                    ),
                                );
                            }
                        }
                        // In an outputs mapping other names are the step's own output fields.
                        None if in_mapping => {}
                        None => c.fail(
                            &field,
                            format!("Step \"{}\" references unknown step \"{root}\" in {{{{{r}}}}}", s.step_key),
                        ),
                    },
                }
            }
        }
    }
    c.finish()
}

/// Checks an execution's input against the declared inputs and fills defaults: a missing
/// required input, or a value of the wrong type, is a validation error naming the input.
pub fn apply_inputs(definition: &WorkflowDefinition, input: Json) -> Result<Json> {
    let mut input = match input {
        Json::Object(m) => m,
        Json::Null => Map::new(),
        _ => return Err(Error::validation_field("inputData", "inputData must be an object")),
    };
    let Some(decl) = &definition.inputs else { return Ok(Json::Object(input)) };
    let mut c = Checker::new();
    for (name, spec) in decl {
        let field = format!("inputData.{name}");
        match input.get(name) {
            None | Some(Json::Null) => {
                if let Some(d) = &spec.default {
                    input.insert(name.clone(), d.clone());
                } else if spec.required.unwrap_or(false) {
                    c.fail(&field, format!("Input \"{name}\" is required"));
                }
            }
            Some(v) => {
                if !spec.input_type().accepts(v) {
                    c.fail(
                        &field,
                        format!("Input \"{name}\" must be a {} (got {})", spec.type_name(), template::kind(v)),
                    );
                }
            }
        }
    }
    c.finish()?;
    Ok(Json::Object(input))
}

/// Every check of a step set and its workflow's `definition` before it is saved or run: the
/// shapes of the definition and of each step's config ([`crate::flow::config`]), then the graph
/// checks of docs/rules.md, then the static reference check.
pub fn check(steps: &[WorkflowStep], definition: &Json) -> Result<()> {
    let mut c = Checker::new();
    let definition = WorkflowDefinition::read(definition, &mut c);
    let configs: Vec<StepConfig> =
        steps.iter().map(|s| StepConfig::read(&s.config, s.step_type, &s.step_key, &mut c)).collect();
    c.finish()?;
    graph::validate(steps)?;
    check_references(steps, &configs, &definition)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ErrorHandling, Timestamp, Uuid};
    use serde_json::json;

    pub fn step(key: &str, deps: &[&str], inputs: Json) -> WorkflowStep {
        WorkflowStep {
            id: Uuid::nil(),
            workflow_id: Uuid::nil(),
            agent_id: None,
            step_key: key.into(),
            step_name: key.into(),
            step_type: WorkflowStepType::Agent,
            position: 0,
            config: json!({}),
            inputs,
            outputs: json!({}),
            depends_on: Some(deps.iter().map(|s| s.to_string()).collect()),
            retry_count: 0,
            retry_delay_ms: 1000,
            timeout_ms: 30000,
            on_error: ErrorHandling::Fail,
            created_at: Timestamp::from_millis(0),
            updated_at: Timestamp::from_millis(0),
        }
    }

    #[test]
    fn references_must_name_inputs_and_upstream_steps() {
        let def = json!({"inputs": {"url": {"type": "string"}}});
        let ok = vec![
            step("a", &[], json!({"u": "{{inputs.url}}", "m": "{{metadata.executionId}}"})),
            step("b", &["a"], json!({"x": "{{a.data}}"})),
            step("c", &["b"], json!({"x": "{{a.output.data}} and {{b}}"})),
        ];
        check(&ok, &def).unwrap();
        let bad = vec![
            step("a", &[], json!({"u": "{{inputs.nope}}"})),
            step("b", &[], json!({"x": "{{a.data}}"})),
            step("c", &["a"], json!({"x": ["{{zz.data}}"]})),
        ];
        let e = check(&bad, &def).unwrap_err();
        let msgs: Vec<&str> = e.fields.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(msgs.len(), 3, "{msgs:?}");
        assert!(msgs[0].contains("unknown workflow input \"nope\""), "{msgs:?}");
        assert!(msgs[1].contains("not one of its upstream dependencies"), "{msgs:?}");
        assert!(msgs[2].contains("unknown step \"zz\""), "{msgs:?}");
        assert_eq!(e.fields[2].field, "steps.c");
    }

    #[test]
    fn mappings_loops_and_conditions() {
        let mut l = step("l", &[], json!({"v": "{{item.name}}", "i": "{{index}}"}));
        l.step_type = WorkflowStepType::Loop;
        l.config = json!({"items": "{{inputs.list}}"});
        l.outputs = json!({"n": "{{result.length}}", "c": "{{count}}"});
        let mut c = step("c", &["l"], json!({}));
        c.step_type = WorkflowStepType::Condition;
        c.config = json!({"condition": "l.count > 0 && {{ inputs.list.length }} > 1"});
        check(&[l.clone(), c.clone()], &json!({"inputs": {"list": {"type": "array"}}})).unwrap();
        c.config = json!({"condition": "l.count >"});
        assert!(check(&[l, c], &json!({})).is_err());
    }

    proptest::proptest! {
        /// Reach answers as the full sets of ancestors do, on random DAGs (step i depends on
        /// some earlier steps, listed in a shuffled order).
        #[test]
        fn reach_agrees_with_ancestor_sets(
            edges in proptest::collection::vec(proptest::collection::vec(0usize..1000, 0..4), 1..40),
            rotate in 0usize..40,
        ) {
            let n = edges.len();
            let order: Vec<usize> = (0..n).map(|k| (k + rotate) % n).collect();
            let key = |i: usize| format!("s{}", order[i]);
            let steps: Vec<WorkflowStep> = (0..n)
                .map(|i| {
                    let mut deps: Vec<String> = edges[i].iter().filter(|_| i > 0).map(|&d| key(d % i.max(1))).collect();
                    deps.sort();
                    deps.dedup();
                    let refs: Vec<&str> = deps.iter().map(String::as_str).collect();
                    step(&key(i), &refs, json!({}))
                })
                .collect();
            let g = Graph::new(&steps);
            let mut anc: Vec<std::collections::HashSet<usize>> = vec![Default::default(); n];
            for i in 0..n {
                // Steps are listed after their dependencies here, so one pass suffices.
                for &d in &g.deps[i] {
                    anc[i].insert(d);
                    let up: Vec<usize> = anc[d].iter().copied().collect();
                    anc[i].extend(up);
                }
            }
            let mut reach = g.reach();
            for (i, up) in anc.iter().enumerate() {
                for j in 0..n {
                    proptest::prop_assert_eq!(reach.upstream(i, j), up.contains(&j), "{} -> {}", i, j);
                }
            }
        }
    }

    #[test]
    fn inputs_defaults_and_types() {
        let def = WorkflowDefinition::of(
            &json!({"inputs": {"apiUrl": {"type": "string", "required": true}, "fmt": {"type": "string", "default": "json"}, "n": {"type": "number"}}}),
        );
        assert_eq!(apply_inputs(&def, json!({"apiUrl": "x"})).unwrap(), json!({"apiUrl": "x", "fmt": "json"}));
        let e = apply_inputs(&def, json!({"n": "3"})).unwrap_err();
        assert_eq!(e.fields.len(), 2);
        assert_eq!(e.fields[0].message, "Input \"apiUrl\" is required");
        assert!(e.fields[1].message.contains("must be a number"));
        assert!(apply_inputs(&def, json!([1])).is_err());
        assert_eq!(apply_inputs(&WorkflowDefinition::default(), Json::Null).unwrap(), json!({}));
    }
}
