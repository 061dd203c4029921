//! Invariants of ARCHITECTURE.md, checked on the sources:
//! - SQL against the local file lives in `store`, and beside it only in the places named there
//!   (sync, which moves rows as stored; the Dashboard's aggregate read model; the benchmarks'
//!   raw baselines).
//! - The contract between the shell and the UI: every command the shell registers
//!   (`generate_handler!` in src-tauri/src/lib.rs) is called by the UI's real backend
//!   (ui/src/ipc/tauri.ts), every command the UI or an end-to-end test calls is registered, and
//!   each call passes exactly the arguments the `#[tauri::command]` function takes (Tauri's
//!   camelCase names), so a renamed or added parameter fails here instead of in the window.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The text from `open` (just past it) to its matching `close`, nesting counted.
fn balanced(s: &str, open: char, close: char) -> &str {
    let mut depth = 1;
    for (i, c) in s.char_indices() {
        if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
            if depth == 0 {
                return &s[..i];
            }
        }
    }
    panic!("no closing {close:?} in {s:.80}")
}

/// Splits on commas outside any brackets.
fn top_level(s: &str) -> Vec<&str> {
    let (mut depth, mut start, mut out) = (0i32, 0, Vec::new());
    for (i, c) in s.char_indices() {
        match c {
            '(' | '[' | '{' | '<' => depth += 1,
            ')' | ']' | '}' | '>' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out.into_iter().map(str::trim).filter(|p| !p.is_empty()).collect()
}

/// Registered command names.
fn registered() -> BTreeSet<String> {
    let lib = read("src-tauri/src/lib.rs");
    let at = lib.find("generate_handler![").expect("generate_handler! in lib.rs") + "generate_handler![".len();
    top_level(balanced(&lib[at..], '[', ']'))
        .into_iter()
        .map(|path| path.rsplit("::").next().unwrap().to_string())
        .collect()
}

/// Each `#[tauri::command]` function's arguments as the UI names them (what Tauri injects —
/// state, the app handle, the window — left out).
fn command_args() -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(root().join("src-tauri/src/commands")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for chunk in text.split("#[tauri::command]").skip(1) {
            let at = chunk.find("fn ").expect("a command function") + 3;
            let open = at + chunk[at..].find('(').unwrap();
            let name = chunk[at..open].trim().to_string();
            let args = top_level(balanced(&chunk[open + 1..], '(', ')'))
                .into_iter()
                .filter_map(|p| {
                    let (arg, ty) = p.split_once(':')?;
                    let injected = ["State<", "AppHandle", "tauri::", "Window", "WebviewWindow"];
                    (!injected.iter().any(|t| ty.trim().starts_with(t)))
                        .then(|| turbocat_services::data::camel(arg.trim().trim_start_matches("mut ")))
                })
                .collect();
            out.insert(name, args);
        }
    }
    out
}

/// Each `call('name', { … })` of the UI's backend, with the keys of its argument object.
fn ui_calls() -> BTreeMap<String, BTreeSet<String>> {
    let ts = read("ui/src/ipc/tauri.ts");
    let mut out = BTreeMap::new();
    for chunk in ts.split("call(").skip(1) {
        let Some(rest) = chunk.strip_prefix('\'') else { continue };
        let name = &rest[..rest.find('\'').unwrap()];
        let after = &rest[name.len() + 1..];
        let brace = after.find('{').expect("an argument object");
        let keys = top_level(balanced(&after[brace + 1..], '{', '}'))
            .into_iter()
            .map(|p| p.split(':').next().unwrap().trim().to_string())
            .collect();
        assert!(out.insert(name.to_string(), keys).is_none(), "{name} is called twice in tauri.ts");
    }
    out
}

/// Command names the end-to-end tests call through Tauri's IPC.
fn e2e_calls() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for dir in ["tests/e2e/specs", "tests/e2e/support"] {
        for entry in std::fs::read_dir(root().join(dir)).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for chunk in text.split("invoke('").skip(1) {
                out.insert(chunk[..chunk.find('\'').unwrap()].to_string());
            }
        }
    }
    out
}

#[test]
fn the_ui_and_the_shell_agree_on_every_command_and_argument() {
    let registered = registered();
    let args = command_args();
    let ui = ui_calls();
    assert!(registered.len() > 50 && ui.len() > 50, "the sources were not read: {registered:?} {ui:?}");
    let defined: BTreeSet<String> = args.keys().cloned().collect();
    assert_eq!(registered, defined, "registered commands and #[tauri::command] functions differ");
    let called: BTreeSet<String> = ui.keys().cloned().collect();
    assert_eq!(
        registered.difference(&called).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "registered but never called by the UI"
    );
    assert_eq!(called.difference(&registered).collect::<Vec<_>>(), Vec::<&String>::new(), "called but not registered");
    for (name, keys) in &ui {
        assert_eq!(keys, &args[name], "the arguments of {name}: UI (left) and command (right)");
    }
    let e2e = e2e_calls();
    assert!(!e2e.is_empty());
    assert_eq!(
        e2e.difference(&registered).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "e2e tests call unknown commands"
    );
}

/// Where SQL may be written besides `store` (ARCHITECTURE.md, "Invariants").
const SQL_HOMES: [&str; 4] =
    ["src-tauri/crates/store/", "src-tauri/crates/sync/", "src-tauri/crates/services/src/stats.rs", "/benches/"];

/// What marks a line as SQL: a statement call of rusqlite, or a statement's first word opening
/// a string.
const SQL_MARKS: [&str; 17] = [
    ".prepare(",
    ".prepare_cached(",
    ".execute(",
    ".execute_batch(",
    ".query_row(",
    ".query_map(",
    ".transaction(",
    ".transaction_with_behavior(",
    "\"SELECT ",
    "\"UPDATE ",
    "\"INSERT ",
    "\"DELETE ",
    "\"CREATE ",
    "\"DROP ",
    "\"PRAGMA ",
    "\"BEGIN",
    "\"VACUUM ",
];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn sql_lives_in_store_and_the_places_named_beside_it() {
    let mut files = Vec::new();
    rust_files(&root().join("src-tauri"), &mut files);
    assert!(files.len() > 50, "the sources were not found: {} files", files.len());
    let mut found = Vec::new();
    for path in files {
        let rel = path.strip_prefix(root()).unwrap().to_string_lossy().replace('\\', "/");
        if SQL_HOMES.iter().any(|home| rel.contains(home)) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            if SQL_MARKS.iter().any(|m| line.contains(m)) {
                found.push(format!("{rel}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "SQL outside store (move it to turbocat_store::queries):\n{}", found.join("\n"));
}
