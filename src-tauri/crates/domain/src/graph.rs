//! Graph checks of a workflow's steps (`docs/rules.md`, "Graph checks"), in the stated order
//! and with the stated messages. Edges point from a step to the steps it depends on.

use crate::error::{Error, FieldError, Result};
use std::collections::HashMap;

/// The graph view of a step: its key and the keys it depends on.
pub trait StepNode {
    fn key(&self) -> &str;
    fn depends_on(&self) -> &[String];
}

impl StepNode for crate::models::WorkflowStep {
    fn key(&self) -> &str {
        &self.step_key
    }
    fn depends_on(&self) -> &[String] {
        self.deps()
    }
}

impl StepNode for (String, Vec<String>) {
    fn key(&self) -> &str {
        &self.0
    }
    fn depends_on(&self) -> &[String] {
        &self.1
    }
}

/// Runs the four checks in order; the first failure is a BAD_REQUEST with its message, and
/// with fields that name the steps and dependencies it is about, so a front end can place it
/// without reading the message: `steps.<key>.stepKey` (a duplicate), `steps.<key>.dependsOn`
/// (a missing step), `steps.<key>.dependsOn.<dependency>` (a self-dependency, and each edge of
/// a cycle), every field with the whole message.
pub fn validate<N: StepNode>(steps: &[N]) -> Result<()> {
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(steps.len());
    for (i, s) in steps.iter().enumerate() {
        if index.insert(s.key(), i).is_some() {
            let fields = [format!("steps.{}.stepKey", s.key())];
            return Err(refused(format!("Duplicate step key: \"{}\"", s.key()), fields));
        }
    }
    for s in steps {
        for d in s.depends_on() {
            if !index.contains_key(d.as_str()) {
                let fields = [format!("steps.{}.dependsOn", s.key())];
                return Err(refused(format!("Step \"{}\" depends on non-existent step \"{}\"", s.key(), d), fields));
            }
        }
    }
    for s in steps {
        if s.depends_on().iter().any(|d| d == s.key()) {
            let fields = [format!("steps.{0}.dependsOn.{0}", s.key())];
            return Err(refused(format!("Step \"{}\" cannot depend on itself", s.key()), fields));
        }
    }
    if let Some(path) = find_cycle(steps, &index) {
        let fields = path.windows(2).map(|w| format!("steps.{}.dependsOn.{}", w[0], w[1]));
        return Err(refused(format!("Cycle detected in workflow: {}", path.join(" -> ")), fields));
    }
    Ok(())
}

fn refused(message: String, fields: impl IntoIterator<Item = String>) -> Error {
    let fields = fields.into_iter().map(|field| FieldError { field, message: message.clone() }).collect();
    Error { fields, ..Error::bad_request(message) }
}

#[derive(Clone, Copy, PartialEq)]
enum Mark {
    New,
    OnPath,
    Done,
}

/// Depth-first search without recursion (100 steps is the service limit, but imports and
/// property tests may hand us deeper chains). Returns the cycle as keys, ending with the first.
fn find_cycle<N: StepNode>(steps: &[N], index: &HashMap<&str, usize>) -> Option<Vec<String>> {
    let mut mark = vec![Mark::New; steps.len()];
    for root in 0..steps.len() {
        if mark[root] != Mark::New {
            continue;
        }
        // Each frame: node and the position of the next dependency to visit.
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        mark[root] = Mark::OnPath;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            let deps = steps[node].depends_on();
            if *next < deps.len() {
                let dep = index[deps[*next].as_str()];
                *next += 1;
                match mark[dep] {
                    Mark::New => {
                        mark[dep] = Mark::OnPath;
                        stack.push((dep, 0));
                    }
                    Mark::OnPath => {
                        let start = stack.iter().position(|&(n, _)| n == dep).unwrap_or(0);
                        let mut path: Vec<String> =
                            stack[start..].iter().map(|&(n, _)| steps[n].key().to_string()).collect();
                        path.push(steps[dep].key().to_string());
                        return Some(path);
                    }
                    Mark::Done => {}
                }
            } else {
                mark[node] = Mark::Done;
                stack.pop();
            }
        }
    }
    None
}

/// Keys in an order where every step comes after its dependencies (Kahn's algorithm, ties in
/// input order). Call only on a graph that passed [`validate`].
pub fn topological_order<N: StepNode>(steps: &[N]) -> Vec<usize> {
    let index: HashMap<&str, usize> = steps.iter().enumerate().map(|(i, s)| (s.key(), i)).collect();
    let mut pending: Vec<usize> = steps.iter().map(|s| s.depends_on().len()).collect();
    let mut dependants: Vec<Vec<usize>> = vec![Vec::new(); steps.len()];
    for (i, s) in steps.iter().enumerate() {
        for d in s.depends_on() {
            if let Some(&j) = index.get(d.as_str()) {
                dependants[j].push(i);
            }
        }
    }
    let mut ready: std::collections::VecDeque<usize> = (0..steps.len()).filter(|&i| pending[i] == 0).collect();
    let mut order = Vec::with_capacity(steps.len());
    while let Some(i) = ready.pop_front() {
        order.push(i);
        for &k in &dependants[i] {
            pending[k] -= 1;
            if pending[k] == 0 {
                ready.push_back(k);
            }
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn g(spec: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
        spec.iter().map(|(k, d)| (k.to_string(), d.iter().map(|s| s.to_string()).collect())).collect()
    }

    fn msg(spec: &[(&str, &[&str])]) -> String {
        validate(&g(spec)).unwrap_err().message
    }

    #[test]
    fn messages_in_rule_order() {
        assert_eq!(msg(&[("a", &[]), ("a", &["zz"])]), "Duplicate step key: \"a\"");
        assert_eq!(msg(&[("a", &["a"]), ("b", &["zz"])]), "Step \"b\" depends on non-existent step \"zz\"");
        assert_eq!(msg(&[("a", &["a"])]), "Step \"a\" cannot depend on itself");
        assert_eq!(msg(&[("a", &["b"]), ("b", &["a"])]), "Cycle detected in workflow: a -> b -> a");
        assert_eq!(
            msg(&[("x", &[]), ("a", &["x", "c"]), ("b", &["a"]), ("c", &["b"])]),
            "Cycle detected in workflow: a -> c -> b -> a"
        );
        assert!(validate(&g(&[("a", &[]), ("b", &["a"]), ("c", &["a", "b"])])).is_ok());
    }

    #[test]
    fn fields_name_the_steps_and_edges() {
        let fields = |spec: &[(&str, &[&str])]| -> Vec<String> {
            let e = validate(&g(spec)).unwrap_err();
            assert!(e.fields.iter().all(|f| f.message == e.message));
            e.fields.into_iter().map(|f| f.field).collect()
        };
        assert_eq!(fields(&[("a", &[]), ("a", &[])]), ["steps.a.stepKey"]);
        assert_eq!(fields(&[("a", &["zz"])]), ["steps.a.dependsOn"]);
        assert_eq!(fields(&[("a", &["a"])]), ["steps.a.dependsOn.a"]);
        assert_eq!(
            fields(&[("x", &[]), ("a", &["x", "c"]), ("b", &["a"]), ("c", &["b"])]),
            ["steps.a.dependsOn.c", "steps.c.dependsOn.b", "steps.b.dependsOn.a"]
        );
    }

    /// A random DAG: step i may depend only on steps with a smaller index.
    fn dag() -> impl Strategy<Value = Vec<(String, Vec<String>)>> {
        (2usize..40).prop_flat_map(|n| {
            proptest::collection::vec(proptest::collection::vec(any::<prop::sample::Index>(), 0..4), n).prop_map(
                move |deps| {
                    deps.into_iter()
                        .enumerate()
                        .map(|(i, ds)| {
                            let mut keys: Vec<String> =
                                if i == 0 { vec![] } else { ds.iter().map(|d| format!("s{}", d.index(i))).collect() };
                            keys.sort();
                            keys.dedup();
                            (format!("s{i}"), keys)
                        })
                        .collect()
                },
            )
        })
    }

    /// Walks the reported path and checks each hop is a real edge and it closes on itself.
    fn assert_real_cycle(steps: &[(String, Vec<String>)], message: &str) {
        let path = message.strip_prefix("Cycle detected in workflow: ").expect(message);
        let keys: Vec<&str> = path.split(" -> ").collect();
        assert!(keys.len() >= 3, "{message}");
        assert_eq!(keys.first(), keys.last(), "{message}");
        for w in keys.windows(2) {
            let from = steps.iter().find(|s| s.0 == w[0]).unwrap();
            assert!(from.1.iter().any(|d| d == w[1]), "{} does not depend on {} in {message}", w[0], w[1]);
        }
    }

    proptest! {
        #[test]
        fn random_dags_pass(steps in dag()) {
            prop_assert!(validate(&steps).is_ok());
            let order = topological_order(&steps);
            prop_assert_eq!(order.len(), steps.len());
            let pos: HashMap<&str, usize> = order.iter().enumerate().map(|(p, &i)| (steps[i].0.as_str(), p)).collect();
            for s in &steps {
                for d in &s.1 {
                    prop_assert!(pos[d.as_str()] < pos[s.0.as_str()]);
                }
            }
        }

        #[test]
        fn any_back_edge_is_a_cycle_with_a_real_path(steps in dag(), a in any::<prop::sample::Index>(), b in any::<prop::sample::Index>()) {
            // Find a pair (lo, hi) where hi reaches lo through dependencies, then add lo -> hi.
            let n = steps.len();
            let hi = a.index(n);
            let mut reach = vec![false; n];
            let mut stack = vec![hi];
            while let Some(i) = stack.pop() {
                for d in &steps[i].1 {
                    let j: usize = d[1..].parse().unwrap();
                    if !reach[j] { reach[j] = true; stack.push(j); }
                }
            }
            let reachable: Vec<usize> = (0..n).filter(|&j| reach[j]).collect();
            prop_assume!(!reachable.is_empty());
            let lo = reachable[b.index(reachable.len())];
            let mut steps = steps;
            steps[lo].1.push(format!("s{hi}"));
            let err = validate(&steps).unwrap_err();
            prop_assert!(err.message.starts_with("Cycle detected in workflow: "), "{}", err.message);
            assert_real_cycle(&steps, &err.message);
        }
    }
}
