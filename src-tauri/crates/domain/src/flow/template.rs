//! Templating (`docs/engine.md`, "Inputs, outputs and templating"): `{{ path }}` references in
//! step inputs, configs and outputs mappings, resolved against a [`Scope`].
//!
//! - A string that is exactly one template yields the referenced value with its type; templates
//!   inside a longer string are replaced by their text (strings as they are, other values as JSON).
//! - Paths are dot-separated; `items.0.name` and `items[0].name` index arrays; `length` reads the
//!   length of an array or a string (an object's own `length` field wins).
//! - `<step>.output.<path>` is accepted for `<step>.<path>`.
//! - An unresolvable reference is an error naming it.
//! - [`resolve_in`] resolves within a [`Budget`]: the text and depth of what it makes are
//!   measured as it goes, before a referenced value is copied, so a template that doubles a
//!   value at each step fails at the limit instead of filling the memory.

use crate::flow::bounds::{self, Meter, Over};
use serde_json::{Map, Value as Json};
use std::borrow::Cow;

static NULL: Json = Json::Null;

/// What a root name of a path stands for.
pub enum Root<'a> {
    /// A value: the workflow inputs, the metadata, a finished step's output, a loop item…
    Value(&'a Json),
    /// A step output that was made, whose `<step>.output.<path>` form is accepted.
    Step(&'a Json),
    /// A step that was skipped or failed: every path under it reads as null.
    Absent,
    /// An object made of these fields (an api agent's `response`, whose fields are parts of
    /// the step's output): read without copying the whole.
    View(&'a [(&'a str, &'a Json)]),
}

/// The names a template can start with.
pub trait Scope {
    fn root(&self, name: &str) -> Option<Root<'_>>;
}

/// A scope made of a few named values (tests, loop items, outputs mappings).
#[derive(Default)]
pub struct MapScope<'a> {
    pub values: Vec<(&'a str, Root<'a>)>,
}

impl Scope for MapScope<'_> {
    fn root(&self, name: &str) -> Option<Root<'_>> {
        self.values.iter().find(|(n, _)| *n == name).map(|(_, r)| match r {
            Root::Value(v) => Root::Value(v),
            Root::Step(v) => Root::Step(v),
            Root::Absent => Root::Absent,
            Root::View(f) => Root::View(f),
        })
    }
}

/// Two scopes: names of the first hide those of the second.
pub struct Layered<'a, A: Scope + ?Sized, B: Scope + ?Sized>(pub &'a A, pub &'a B);

impl<A: Scope + ?Sized, B: Scope + ?Sized> Scope for Layered<'_, A, B> {
    fn root(&self, name: &str) -> Option<Root<'_>> {
        self.0.root(name).or_else(|| self.1.root(name))
    }
}

/// A scope whose roots are the fields of an object (an outputs mapping reads the step's own
/// output fields by name).
pub struct FieldsScope<'a>(pub &'a Json);

impl Scope for FieldsScope<'_> {
    fn root(&self, name: &str) -> Option<Root<'_>> {
        self.0.as_object().and_then(|m| m.get(name)).map(Root::Value)
    }
}

/// One piece of a template string.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece<'a> {
    Text(&'a str),
    /// The trimmed text between `{{` and `}}`.
    Ref(&'a str),
}

/// Splits a string into text and references. An unclosed `{{` is text.
pub fn pieces(s: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open + 2..].find("}}") else { break };
        if open > 0 {
            out.push(Piece::Text(&rest[..open]));
        }
        out.push(Piece::Ref(rest[open + 2..open + 2 + close].trim()));
        rest = &rest[open + 2 + close + 2..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}

/// The reference of a string that is exactly one template (surrounding blanks allowed).
pub fn whole_ref(s: &str) -> Option<&str> {
    let t = s.trim();
    if !t.starts_with("{{") || !t.ends_with("}}") || t.len() < 4 {
        return None;
    }
    let inner = &t[2..t.len() - 2];
    if inner.contains("{{") || inner.contains("}}") {
        return None;
    }
    Some(inner.trim())
}

/// Whether a string holds any template.
pub fn has_ref(s: &str) -> bool {
    pieces(s).iter().any(|p| matches!(p, Piece::Ref(_)))
}

/// Splits a path into segments: `a.b[0].c` and `a.b.0.c` are both `[a, b, 0, c]`.
pub fn segments(path: &str) -> Result<Vec<&str>, String> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let mut p = part.trim();
        // Bracket indexes: name[0][1]
        let first_bracket = p.find('[');
        match first_bracket {
            None => {
                if p.is_empty() {
                    return Err(format!("Invalid reference {{{{{path}}}}}: empty path segment"));
                }
                out.push(p);
            }
            Some(i) => {
                if i > 0 {
                    out.push(&p[..i]);
                }
                p = &p[i..];
                while let Some(rest) = p.strip_prefix('[') {
                    let Some(end) = rest.find(']') else {
                        return Err(format!("Invalid reference {{{{{path}}}}}: unclosed ["));
                    };
                    let idx = rest[..end].trim().trim_matches(|c| c == '"' || c == '\'');
                    if idx.is_empty() {
                        return Err(format!("Invalid reference {{{{{path}}}}}: empty index"));
                    }
                    out.push(idx);
                    p = &rest[end + 1..];
                }
                if !p.is_empty() {
                    return Err(format!("Invalid reference {{{{{path}}}}}: unexpected {p:?}"));
                }
            }
        }
    }
    if out.is_empty() {
        return Err("Invalid reference {{}}: empty".into());
    }
    Ok(out)
}

/// The root name of a reference (its first segment), when it parses.
pub fn root_of(path: &str) -> Option<&str> {
    segments(path).ok().and_then(|s| s.first().copied())
}

fn walk<'v>(path: &str, mut v: Cow<'v, Json>, segs: &[&str], start: usize) -> Result<Cow<'v, Json>, String> {
    for (i, seg) in segs.iter().enumerate().skip(start) {
        let next: Option<Cow<'v, Json>> = match v {
            Cow::Borrowed(b) => step_into(b, seg).map(|r| match r {
                Stepped::Child(c) => Cow::Borrowed(c),
                Stepped::Length(n) => Cow::Owned(Json::from(n)),
            }),
            Cow::Owned(ref o) => step_into(o, seg).map(|r| match r {
                Stepped::Child(c) => Cow::Owned(c.clone()),
                Stepped::Length(n) => Cow::Owned(Json::from(n)),
            }),
        };
        match next {
            Some(n) => v = n,
            None => {
                let at = segs[..i].join(".");
                return Err(match &*v {
                    Json::Null => format!("Unresolvable reference {{{{{path}}}}}: {at} is null"),
                    Json::Array(a) => {
                        format!("Unresolvable reference {{{{{path}}}}}: {at} has {} items, no item {seg:?}", a.len())
                    }
                    Json::Object(_) => format!("Unresolvable reference {{{{{path}}}}}: {at} has no field {seg:?}"),
                    other => format!("Unresolvable reference {{{{{path}}}}}: {at} is a {}, not an object", kind(other)),
                });
            }
        }
    }
    Ok(v)
}

enum Stepped<'a> {
    Child(&'a Json),
    Length(usize),
}

fn step_into<'a>(v: &'a Json, seg: &str) -> Option<Stepped<'a>> {
    match v {
        Json::Object(m) => m.get(seg).map(Stepped::Child),
        Json::Array(a) => {
            if seg == "length" {
                Some(Stepped::Length(a.len()))
            } else {
                seg.parse::<usize>().ok().and_then(|i| a.get(i)).map(Stepped::Child)
            }
        }
        Json::String(s) if seg == "length" => Some(Stepped::Length(s.chars().count())),
        _ => None,
    }
}

/// The JSON kind of a value, for messages.
pub fn kind(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "boolean",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

/// Reads one reference (the text between the braces).
pub fn lookup<'s, S: Scope + ?Sized>(scope: &'s S, path: &str) -> Result<Cow<'s, Json>, String> {
    let segs = segments(path)?;
    let root = segs[0];
    match scope.root(root) {
        None => Err(format!("Unresolvable reference {{{{{path}}}}}: unknown name {root:?}")),
        Some(Root::Absent) => Ok(Cow::Borrowed(&NULL)),
        Some(Root::Value(v)) => walk(path, Cow::Borrowed(v), &segs, 1),
        Some(Root::Step(v)) => {
            // `<step>.output.<path>` is accepted too, unless the output has its own `output`.
            let skip = segs.get(1) == Some(&"output") && v.as_object().is_none_or(|m| !m.contains_key("output"));
            walk(path, Cow::Borrowed(v), &segs, if skip { 2 } else { 1 })
        }
        Some(Root::View(fields)) => match segs.get(1) {
            None => Ok(Cow::Owned(Json::Object(fields.iter().map(|(k, v)| (k.to_string(), (*v).clone())).collect()))),
            Some(seg) => match fields.iter().find(|(k, _)| k == seg) {
                Some((_, v)) => walk(path, Cow::Borrowed(*v), &segs, 2),
                None => Err(format!("Unresolvable reference {{{{{path}}}}}: {root} has no field {seg:?}")),
            },
        },
    }
}

/// The text a value takes inside a longer string.
pub fn as_text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A bound on what a resolution makes: its size as JSON text and its nesting depth (both
/// approximately: text spliced into a longer string is counted as it is, before escaping).
pub struct Budget {
    meter: Meter,
    /// What is resolved, for messages: "its resolved inputs".
    what: &'static str,
}

impl Budget {
    pub fn new(what: &'static str, limit: usize, max_depth: usize) -> Budget {
        Budget { meter: Meter::new(limit, max_depth), what }
    }

    /// No bound (tests, small configuration values).
    pub fn unlimited() -> Budget {
        Budget::new("the value", usize::MAX, usize::MAX)
    }

    /// The bytes counted so far.
    pub fn used(&self) -> usize {
        self.meter.bytes
    }

    fn over(&self, o: Over) -> String {
        match o {
            Over::Size => format!(
                "{} would be larger than {} of JSON text, the limit of a step's inputs and output",
                self.what,
                bounds::size_text(self.meter.limit)
            ),
            Over::Depth => format!(
                "{} would nest arrays and objects deeper than {} levels, the limit of a step's inputs and output",
                self.what, self.meter.max_depth
            ),
        }
    }

    /// Counts `v`, nested `depth` levels down in what is resolved.
    pub fn add(&mut self, v: &Json, depth: usize) -> Result<(), String> {
        self.meter.add(v, depth).map_err(|o| self.over(o))
    }

    fn add_bytes(&mut self, n: usize) -> Result<(), String> {
        self.meter.bytes = self.meter.bytes.saturating_add(n);
        if self.meter.bytes > self.meter.limit {
            return Err(self.over(Over::Size));
        }
        Ok(())
    }

    fn enter(&self, depth: usize) -> Result<(), String> {
        if depth + 1 > self.meter.max_depth {
            return Err(self.over(Over::Depth));
        }
        Ok(())
    }
}

/// Resolves one string: a whole template keeps the value's type; otherwise text.
pub fn resolve_str<S: Scope + ?Sized>(s: &str, scope: &S) -> Result<Json, String> {
    str_in(s, scope, &mut Budget::unlimited(), 0)
}

fn str_in<S: Scope + ?Sized>(s: &str, scope: &S, b: &mut Budget, depth: usize) -> Result<Json, String> {
    if let Some(r) = whole_ref(s) {
        let v = lookup(scope, r)?;
        b.add(&v, depth)?;
        return Ok(v.into_owned());
    }
    let ps = pieces(s);
    if !ps.iter().any(|p| matches!(p, Piece::Ref(_))) {
        b.add_bytes(s.len() + 2)?;
        return Ok(Json::String(s.to_string()));
    }
    let mut out = String::with_capacity(s.len());
    b.add_bytes(2)?;
    for p in ps {
        match p {
            Piece::Text(t) => {
                b.add_bytes(t.len())?;
                out.push_str(t);
            }
            Piece::Ref(r) => {
                let v = lookup(scope, r)?;
                match v.as_ref() {
                    Json::String(t) => {
                        b.add_bytes(t.len())?;
                        out.push_str(t);
                    }
                    other => {
                        // Measured before it is written out as text.
                        b.add(other, depth)?;
                        out.push_str(&other.to_string());
                    }
                }
            }
        }
    }
    Ok(Json::String(out))
}

/// Resolves every string of a JSON value, recursively (object keys are left as they are).
pub fn resolve<S: Scope + ?Sized>(v: &Json, scope: &S) -> Result<Json, String> {
    resolve_in(v, scope, &mut Budget::unlimited())
}

/// [`resolve`] within a budget: fails as soon as what it makes would pass the budget's limits.
pub fn resolve_in<S: Scope + ?Sized>(v: &Json, scope: &S, b: &mut Budget) -> Result<Json, String> {
    value_in(v, scope, b, 0)
}

fn value_in<S: Scope + ?Sized>(v: &Json, scope: &S, b: &mut Budget, depth: usize) -> Result<Json, String> {
    match v {
        Json::String(s) => str_in(s, scope, b, depth),
        Json::Array(a) => {
            b.enter(depth)?;
            b.add_bytes(2 + a.len().saturating_sub(1))?;
            a.iter().map(|x| value_in(x, scope, b, depth + 1)).collect::<Result<Vec<_>, _>>().map(Json::Array)
        }
        Json::Object(m) => {
            b.enter(depth)?;
            b.add_bytes(2 + m.len().saturating_sub(1))?;
            let mut out = Map::with_capacity(m.len());
            for (k, x) in m {
                b.add_bytes(k.len() + 3)?;
                out.insert(k.clone(), value_in(x, scope, b, depth + 1)?);
            }
            Ok(Json::Object(out))
        }
        other => {
            b.add(other, depth)?;
            Ok(other.clone())
        }
    }
}

/// Every reference in a JSON value's strings, in document order.
pub fn references(v: &Json) -> Vec<String> {
    let mut out = Vec::new();
    collect_refs(v, &mut out);
    out
}

fn collect_refs(v: &Json, out: &mut Vec<String>) {
    match v {
        Json::String(s) => {
            for p in pieces(s) {
                if let Piece::Ref(r) = p {
                    out.push(r.to_string());
                }
            }
        }
        Json::Array(a) => a.iter().for_each(|x| collect_refs(x, out)),
        Json::Object(m) => m.values().for_each(|x| collect_refs(x, out)),
        _ => {}
    }
}

/// What an outputs mapping can name beside the regular scope: the step's whole `output`, its
/// main value `result`, and an api agent's `response` (`{status, headers, body}`, made of the
/// output's `statusCode`, `headers` and `data`), then the output's own fields.
pub struct Produced<'a> {
    pub output: &'a Json,
    pub result: &'a Json,
    pub response: Option<[(&'static str, &'a Json); 3]>,
}

impl Scope for Produced<'_> {
    fn root(&self, name: &str) -> Option<Root<'_>> {
        match name {
            "output" => Some(Root::Value(self.output)),
            "result" => Some(Root::Value(self.result)),
            "response" => self.response.as_ref().map(|r| Root::View(&r[..])),
            _ => self.output.as_object().and_then(|m| m.get(name)).map(Root::Value),
        }
    }
}

/// Applies a step's `outputs` mapping within a budget: when it is a non-empty object, the
/// mapped object, which becomes the step's output; otherwise None (the output stays as it is).
pub fn apply_outputs<S: Scope + ?Sized>(
    mapping: &Json,
    produced: &Produced<'_>,
    scope: &S,
    budget: &mut Budget,
) -> Result<Option<Json>, String> {
    match mapping.as_object() {
        Some(m) if !m.is_empty() => resolve_in(mapping, &Layered(produced, scope), budget).map(Some),
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn scope<'a>(inputs: &'a Json, fetch: &'a Json) -> MapScope<'a> {
        MapScope { values: vec![("inputs", Root::Value(inputs)), ("fetch", Root::Step(fetch)), ("gone", Root::Absent)] }
    }

    #[test]
    fn whole_templates_keep_their_type() {
        let inputs = json!({"count": 3, "name": "x", "flag": true});
        let fetch = json!({"data": [{"name": "a"}, {"name": "b"}], "status": 200});
        let s = scope(&inputs, &fetch);
        assert_eq!(resolve_str("{{inputs.count}}", &s).unwrap(), json!(3));
        assert_eq!(resolve_str("  {{ fetch.data }} ", &s).unwrap(), fetch["data"]);
        assert_eq!(resolve_str("{{fetch.data.1.name}}", &s).unwrap(), json!("b"));
        assert_eq!(resolve_str("{{fetch.data[0].name}}", &s).unwrap(), json!("a"));
        assert_eq!(resolve_str("{{fetch.output.status}}", &s).unwrap(), json!(200));
        assert_eq!(resolve_str("{{fetch.data.length}}", &s).unwrap(), json!(2));
        assert_eq!(resolve_str("{{inputs.name.length}}", &s).unwrap(), json!(1));
        assert_eq!(resolve_str("{{gone.anything.at.all}}", &s).unwrap(), Json::Null);
        assert_eq!(resolve_str("{{inputs}}", &s).unwrap(), inputs);
    }

    #[test]
    fn templates_in_text_become_text() {
        let inputs = json!({"count": 3, "name": "x", "o": {"a": 1}});
        let fetch = json!({});
        let s = scope(&inputs, &fetch);
        assert_eq!(resolve_str("n={{inputs.count}}, {{inputs.name}}!", &s).unwrap(), json!("n=3, x!"));
        assert_eq!(resolve_str("o={{inputs.o}}", &s).unwrap(), json!("o={\"a\":1}"));
        assert_eq!(resolve_str("no template {{ here", &s).unwrap(), json!("no template {{ here"));
        assert_eq!(
            resolve(&json!({"a": ["{{inputs.count}}", 2], "b": null}), &s).unwrap(),
            json!({"a": [3, 2], "b": null})
        );
    }

    #[test]
    fn unresolvable_references_name_themselves() {
        let inputs = json!({"count": 3});
        let fetch = json!({"data": [1]});
        let s = scope(&inputs, &fetch);
        let e = resolve_str("{{fetch.data.5}}", &s).unwrap_err();
        assert!(e.contains("{{fetch.data.5}}") && e.contains("1 items"), "{e}");
        let e = resolve_str("x {{nope.a}}", &s).unwrap_err();
        assert!(e.contains("{{nope.a}}") && e.contains("unknown name \"nope\""), "{e}");
        let e = resolve_str("{{inputs.count.x}}", &s).unwrap_err();
        assert!(e.contains("is a number"), "{e}");
        assert!(resolve_str("{{inputs..x}}", &s).is_err());
    }

    #[test]
    fn outputs_mappings_as_the_seed_writes_them() {
        let body = json!([{"id": 1}, {"id": 2}, {"id": 3}]);
        let output = json!({"statusCode": 200, "data": body});
        let response = json!({"status": 200, "headers": {}, "body": body});
        let headers = json!({});
        let p = Produced {
            output: &output,
            result: &output["data"],
            response: Some([("status", &response["status"]), ("headers", &headers), ("body", &output["data"])]),
        };
        let empty = MapScope::default();
        let map = |m: Json| apply_outputs(&m, &p, &empty, &mut Budget::unlimited()).unwrap().unwrap();
        assert_eq!(map(json!({"data": "{{response.body}}"})), json!({"data": body}));
        assert_eq!(map(json!({"r": "{{response}}", "n": "{{response.body.length}}"})), json!({"r": response, "n": 3}));
        assert_eq!(
            map(json!({"processedData": "{{result}}", "recordCount": "{{result.length}}"})),
            json!({"processedData": body, "recordCount": 3})
        );
        assert_eq!(
            map(json!({"code": "{{output.statusCode}}", "s": "{{statusCode}}"})),
            json!({"code": 200, "s": 200})
        );
        assert_eq!(apply_outputs(&json!({}), &p, &empty, &mut Budget::unlimited()).unwrap(), None);
        assert!(apply_outputs(&json!({"x": "{{response.nope}}"}), &p, &empty, &mut Budget::unlimited())
            .unwrap_err()
            .contains("has no field \"nope\""));
    }

    #[test]
    fn budgets_stop_a_resolution_before_it_copies_too_much() {
        let prev = json!({"blob": "x".repeat(1000), "n": [1, 2, 3]});
        let s = MapScope { values: vec![("prev", Root::Step(&prev))] };
        let two = json!({"a": "{{prev}}", "b": "{{prev}}"});
        let ok = resolve_in(&two, &s, &mut Budget::new("its resolved inputs", 4000, 10)).unwrap();
        assert_eq!(ok, json!({"a": prev, "b": prev}));
        let mut b = Budget::new("its resolved inputs", 2000, 10);
        let e = resolve_in(&two, &s, &mut b).unwrap_err();
        assert!(e.starts_with("its resolved inputs would be larger than 2000 bytes of JSON text"), "{e}");
        assert!(b.used() <= 2000 + prev.to_string().len(), "stopped at the second copy");
        let e = resolve_in(&json!("{{prev.n}} {{prev.n}}"), &s, &mut Budget::new("it", 10, 10)).unwrap_err();
        assert!(e.contains("larger than 10 bytes"), "{e}");
        // {"w": {"v": prev}} nests four levels: two of the template, prev and its array.
        let e = resolve_in(&json!({"w": {"v": "{{prev}}"}}), &s, &mut Budget::new("it", 1 << 20, 3)).unwrap_err();
        assert!(e.starts_with("it would nest arrays and objects deeper than 3 levels"), "{e}");
        assert!(resolve_in(&json!({"w": "{{prev}}"}), &s, &mut Budget::new("it", 1 << 20, 3)).is_ok());
    }

    fn arb_json() -> impl Strategy<Value = Json> {
        let leaf = prop_oneof![
            Just(Json::Null),
            any::<bool>().prop_map(Json::from),
            any::<i32>().prop_map(Json::from),
            "[a-z {}.]{0,12}".prop_map(Json::from),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Json::Array),
                proptest::collection::btree_map("[a-z]{1,4}", inner, 0..4)
                    .prop_map(|m| Json::Object(m.into_iter().collect())),
            ]
        })
    }

    /// Every path that exists in a value, as `a.0.b`.
    fn paths(v: &Json, prefix: &str, out: &mut Vec<(String, Json)>) {
        out.push((prefix.to_string(), v.clone()));
        match v {
            Json::Object(m) => {
                for (k, x) in m {
                    if k != "output" && k != "length" {
                        paths(x, &format!("{prefix}.{k}"), out);
                    }
                }
            }
            Json::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    paths(x, &format!("{prefix}.{i}"), out);
                }
            }
            _ => {}
        }
    }

    proptest! {
        /// Any path that exists reads back its value, with its type, as a whole template.
        #[test]
        fn every_existing_path_reads_back(v in arb_json()) {
            let s = MapScope { values: vec![("s", Root::Step(&v))] };
            let mut all = Vec::new();
            paths(&v, "s", &mut all);
            for (p, expected) in all {
                let got = resolve_str(&format!("{{{{{p}}}}}"), &s).unwrap();
                prop_assert_eq!(&got, &expected);
                if let Json::Array(a) = &expected {
                    prop_assert_eq!(resolve_str(&format!("{{{{{p}.length}}}}"), &s).unwrap(), Json::from(a.len()));
                }
            }
        }

        /// Strings without templates resolve to themselves, whatever they hold.
        #[test]
        fn plain_strings_are_unchanged(text in "[^{}]{0,40}") {
            let s = MapScope::default();
            prop_assert_eq!(resolve_str(&text, &s).unwrap(), Json::String(text.clone()));
        }
    }
}
