//! The step outputs a run holds ([`Outputs`]), and the execution's `output_data` made of them.
//!
//! An output is held whole while a step that names it has not ended (or a declared workflow
//! output's template names it); then only what `output_data` keeps of it is held, so a long
//! chain of large outputs does not keep every one of them in memory. An output that only the
//! step about to run still reads goes to that step's scope alone, so the step can take from it
//! instead of copying (see `step::resolve_taking`).

use super::context::{Run, StepScope};
use crate::bounds::{self, MAX_DEPTH};
use crate::template::{self, Budget};
use serde_json::{json, Map, Value as Json};
use std::collections::HashMap;
use std::sync::Arc;
use turbocat_domain::WorkflowStepType;

/// A value kept only as big as `output_data` can show it (`EngineConfig::output_limit`): the
/// value itself when it is that small, else the start of its text and its length.
enum Kept {
    Whole(Json),
    Preview { text: String, bytes: usize },
}

impl Kept {
    fn of(v: &Json, limit: usize) -> Kept {
        match bounds::measure(v, limit, MAX_DEPTH) {
            Ok(_) => Kept::Whole(v.clone()),
            Err(_) => {
                let (text, bytes) = bounds::preview_text(v, limit);
                Kept::Preview { text, bytes }
            }
        }
    }

    /// What [`bounds::bounded_sized`] gives for the original value, for a limit no larger than
    /// the one it was kept with.
    fn bounded_sized(&self, limit: usize) -> (Json, usize) {
        match self {
            Kept::Whole(v) => bounds::bounded_sized(v, limit),
            Kept::Preview { text, bytes } => {
                let preview = bounds::cut_at(text, limit).to_string();
                let len = preview.len();
                (json!({ "truncated": true, "bytes": bytes, "preview": preview }), len)
            }
        }
    }
}

/// What is left of a step's output once no step will read it again: what `output_data` shows
/// of it, and of its fields that declared workflow outputs may take by name.
struct Retired {
    whole: Kept,
    fields: HashMap<String, Kept>,
}

/// The outputs of a run's steps, by step index.
pub(crate) struct Outputs {
    held: Vec<Option<Arc<Json>>>,
    retired: Vec<Option<Retired>>,
    /// How many steps that name each output have not ended.
    readers_left: Vec<usize>,
    whole_to_the_end: Vec<bool>,
    /// Declared workflow output names that may be taken from a step output's field.
    names: Vec<String>,
}

impl Outputs {
    pub fn new(run: &Run) -> Outputs {
        let n = run.steps.len();
        let mut readers_left = vec![0; n];
        for refs in &run.graph.step_refs {
            for &j in refs {
                readers_left[j] += 1;
            }
        }
        let mut whole_to_the_end = vec![false; n];
        let decl = run.definition.outputs.as_ref();
        for value in decl.into_iter().flat_map(|d| d.values()).filter_map(|o| o.value.as_ref()) {
            for r in template::references(&Json::String(value.clone())) {
                if let Some(&j) = template::root_of(&r).and_then(|k| run.graph.index.get(k)) {
                    whole_to_the_end[j] = true;
                }
            }
        }
        let names = decl.map(|d| d.keys().cloned().collect()).unwrap_or_default();
        Outputs { held: vec![None; n], retired: (0..n).map(|_| None).collect(), readers_left, whole_to_the_end, names }
    }

    /// Step `i` ended with `output` (None when it failed or was skipped): the outputs only it
    /// still read, and its own when no step reads it, are retired.
    pub fn ended(&mut self, run: &Run, i: usize, output: Option<Arc<Json>>) {
        self.held[i] = output;
        for &j in &run.graph.step_refs[i] {
            self.readers_left[j] = self.readers_left[j].saturating_sub(1);
            self.retire(run, j);
        }
        self.retire(run, i);
    }

    /// The scope of step `i`, about to run: the inputs, the metadata and the outputs of the
    /// steps it names. An agent step that is the last reader of an output gets it alone (what
    /// the execution keeps of it is kept aside first).
    pub fn scope_for(&mut self, run: &Run, i: usize) -> Arc<StepScope> {
        let last_reader = run.steps[i].step_type == WorkflowStepType::Agent;
        if last_reader {
            for &j in &run.graph.step_refs[i] {
                if self.readers_left[j] == 1 && !self.whole_to_the_end[j] {
                    if let Some(o) = &self.held[j] {
                        self.retired[j] = Some(self.kept_of(run, o));
                    }
                }
            }
        }
        let scope = Arc::new(StepScope {
            inputs: run.inputs.clone(),
            metadata: run.metadata.clone(),
            steps: run.graph.step_refs[i]
                .iter()
                .map(|&j| (run.steps[j].step_key.clone(), self.held[j].clone()))
                .collect(),
            extra: Vec::new(),
        });
        for &j in &run.graph.step_refs[i] {
            if self.retired[j].is_some() {
                self.held[j] = None;
            }
        }
        scope
    }

    fn kept_of(&self, run: &Run, o: &Json) -> Retired {
        let limit = run.cfg.output_limit;
        let fields =
            self.names.iter().filter_map(|name| o.get(name).map(|v| (name.clone(), Kept::of(v, limit)))).collect();
        Retired { whole: Kept::of(o, limit), fields }
    }

    fn retire(&mut self, run: &Run, j: usize) {
        if self.readers_left[j] > 0 || self.whole_to_the_end[j] {
            return;
        }
        if self.retired[j].is_some() {
            // Handed over to its last reader's scope.
            self.held[j] = None;
            return;
        }
        let Some(o) = self.held[j].take() else { return };
        self.retired[j] = Some(self.kept_of(run, &o));
    }

    /// The execution's `output_data`: every step's output by step key (bounded), then the
    /// declared workflow outputs (`definition.outputs`) that can be read and do not share a
    /// step's key: a declaration with a `value` template is resolved against every step;
    /// otherwise the newest step output (in dependency order) holding a field of that name
    /// gives it.
    pub fn output_data(&self, run: &Run) -> Json {
        let mut out = Map::new();
        let mut budget = run.cfg.total_output_limit;
        for (i, s) in run.steps.iter().enumerate() {
            let limit = run.cfg.output_limit.min(budget);
            let bounded = match (&self.held[i], &self.retired[i]) {
                (Some(o), _) => bounds::bounded_sized(o, limit),
                (None, Some(r)) => r.whole.bounded_sized(limit),
                (None, None) => continue,
            };
            let (v, len) = bounded;
            budget = budget.saturating_sub(len.min(limit));
            out.insert(s.step_key.clone(), v);
        }
        let Some(decl) = &run.definition.outputs else { return Json::Object(out) };
        let scope = StepScope {
            inputs: run.inputs.clone(),
            metadata: run.metadata.clone(),
            steps: run.steps.iter().enumerate().map(|(i, s)| (s.step_key.clone(), self.held[i].clone())).collect(),
            extra: Vec::new(),
        };
        let order = turbocat_domain::graph::topological_order(&run.steps);
        for (name, spec) in decl {
            if out.contains_key(name) {
                continue;
            }
            // Previews are made from the values where they are (a whole template or a field of
            // an output is not copied first).
            let limit = run.cfg.output_limit.min(budget.max(1));
            let from_template =
                spec.value.as_deref().filter(|s| template::has_ref(s)).and_then(|t| match template::whole_ref(t) {
                    Some(r) => template::lookup(&scope, r).ok().map(|v| bounds::bounded(&v, limit)),
                    None => {
                        let mut b = Budget::new("the workflow output", run.cfg.value_limit, MAX_DEPTH);
                        let v = template::resolve_in(&Json::String(t.to_string()), &scope, &mut b).ok()?;
                        Some(bounds::bounded(&v, limit))
                    }
                });
            let found = from_template.or_else(|| {
                order.iter().rev().find_map(|&i| match (&self.held[i], &self.retired[i]) {
                    (Some(o), _) => o.get(name).map(|v| bounds::bounded(v, limit)),
                    (None, Some(r)) => r.fields.get(name).map(|k| k.bounded_sized(limit).0),
                    (None, None) => None,
                })
            });
            if let Some(v) = found {
                out.insert(name.clone(), v);
            }
        }
        Json::Object(out)
    }
}
