//! The code agent (`docs/engine.md`, "Agents"): the agent's JavaScript (`config.code`, or
//! `script`/`source`) run in an embedded QuickJS sandbox (rquickjs).
//!
//! - Nothing but the language: QuickJS's standard objects (JSON, Math, Date, RegExp, Promise,
//!   typed arrays, …) and a `console`. No `require`, no modules (no loader is installed, and
//!   quickjs-libc's `std`/`os` are not built in), no `fetch`, no `process`, no timers: no file,
//!   network or process access.
//! - A memory limit: the agent's `max_memory_mb` (default 512) on QuickJS's heap; a script
//!   that needs more stops with a message naming the limit.
//! - A time limit: the lower of the agent's `max_execution_time` (seconds, default 300) and the
//!   step's timeout, enforced by QuickJS's interrupt handler, which also stops the script
//!   when the step is cancelled or its future dropped (a run's cancel or time limit). The
//!   script runs on a thread of its own, so a busy script never holds up the run's scheduler.
//! - The code is the body of a function of `inputs` (the step's resolved inputs): its return
//!   value is the result (a promise is awaited). With `entryFunction` (agent config, or the
//!   step's), the code defines that function (or puts it on `module.exports`/`exports`) and
//!   it is called with `inputs`. Without either, a function in `module.exports` is called.
//!   The result must be JSON (undefined is null).
//! - `console.log/info/debug/warn/error` lines become log rows of the step (bounded: 1,000
//!   lines, 8 KiB a line).
//!
//! Output: `{result, durationMs}`; its main value (`result`) is the return value.

use super::{AgentCtx, AgentError, Produced, StopOnDrop};
use rquickjs::context::EvalOptions;
use rquickjs::{Context, Ctx, Function, Object, Promise, Runtime, Value};
use serde_json::{json, Value as Json};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use turbocat_domain::{Agent, LogLevel, WorkflowStep};

/// Console lines kept per script run, and the size of one line.
pub const MAX_CONSOLE_LINES: usize = 1000;
pub const MAX_CONSOLE_LINE: usize = 8 * 1024;

/// The native stack of a sandbox thread, and how much of it QuickJS may use (deep recursion
/// is a RangeError, not a crash).
const THREAD_STACK: usize = 16 * 1024 * 1024;
const JS_STACK: usize = 4 * 1024 * 1024;

static RUNNING: AtomicUsize = AtomicUsize::new(0);

/// Sandbox threads running now (tests check that a stopped script's thread really ends).
pub fn sandboxes_running() -> usize {
    RUNNING.load(Ordering::SeqCst)
}

/// The limits of one script run.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub memory_bytes: usize,
    pub time: Duration,
}

/// Why a script did not produce a result.
#[derive(Debug, Clone, PartialEq)]
pub enum ScriptError {
    /// The code does not parse, or names an entry function it lacks: retrying cannot help.
    Invalid(String),
    /// An uncaught exception, a rejected promise, a result that is not JSON.
    Thrown(String),
    TimeLimit,
    MemoryLimit,
    Stopped,
}

/// What a script run produced.
#[derive(Debug)]
pub struct Outcome {
    pub result: Result<Json, ScriptError>,
    pub console: Vec<(LogLevel, String)>,
    /// Console lines beyond [`MAX_CONSOLE_LINES`].
    pub dropped: usize,
    pub elapsed: Duration,
}

#[derive(Default)]
struct Console {
    lines: Vec<(LogLevel, String)>,
    dropped: usize,
}

#[derive(Clone, Copy, PartialEq)]
enum Why {
    Time,
    Stop,
}

const PRELUDE: &str = r#"(function (send) {
  const text = (v) => {
    if (typeof v === 'string') return v;
    if (v instanceof Error) return String(v.stack ? v.name + ': ' + v.message + '\n' + v.stack : v);
    try { const s = JSON.stringify(v); return s === undefined ? String(v) : s; } catch (e) { return String(v); }
  };
  const line = (level) => (...args) => { send(level, args.map(text).join(' ')); };
  globalThis.console = Object.freeze({
    log: line('info'), info: line('info'), debug: line('debug'), warn: line('warn'), error: line('error'),
  });
})"#;

fn is_identifier(s: &str) -> bool {
    let mut cs = s.chars();
    cs.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && cs.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// The text of a thrown value: `Name: message` and the stack, or the value as text.
fn thrown_text<'js>(ctx: &Ctx<'js>, v: Value<'js>) -> String {
    if let Some(o) = v.as_object() {
        let name: Option<String> = o.get("name").ok();
        let message: Option<String> = o.get("message").ok();
        let stack: Option<String> = o.get("stack").ok();
        if name.is_some() || message.is_some() {
            let mut t = format!("{}: {}", name.unwrap_or_else(|| "Error".into()), message.unwrap_or_default());
            if let Some(s) = stack.map(|s| s.trim_end().to_string()).filter(|s| !s.is_empty()) {
                t.push('\n');
                t.push_str(&s);
            }
            return t;
        }
    }
    match ctx.json_stringify(v.clone()) {
        Ok(Some(s)) => s.to_string().unwrap_or_default(),
        _ => format!("{v:?}"),
    }
}

/// Runs a script to its end on the current thread. `stop` ends it early (checked by the
/// interrupt handler); the deadline is `limits.time` from now.
pub fn run_script(source: &str, entry: Option<&str>, inputs: &Json, limits: Limits, stop: Arc<AtomicBool>) -> Outcome {
    let started = Instant::now();
    let console = Rc::new(RefCell::new(Console::default()));
    let fired: Rc<Cell<Option<Why>>> = Rc::new(Cell::new(None));
    let result = (|| -> Result<Json, ScriptError> {
        let internal = |e: rquickjs::Error| ScriptError::Thrown(format!("the sandbox failed: {e}"));
        let rt = Runtime::new().map_err(internal)?;
        rt.set_memory_limit(limits.memory_bytes);
        rt.set_max_stack_size(JS_STACK);
        let deadline = started + limits.time;
        let why = fired.clone();
        // Whether the script must stop now: asked by QuickJS's interrupt handler while code
        // runs, and between the jobs of the promise job loop, which the handler does not stop.
        let halt: Rc<dyn Fn() -> bool> = Rc::new(move || {
            let w = if stop.load(Ordering::Relaxed) {
                Some(Why::Stop)
            } else if Instant::now() >= deadline {
                Some(Why::Time)
            } else {
                None
            };
            if w.is_some() && why.get().is_none() {
                why.set(w);
            }
            w.is_some()
        });
        let h = halt.clone();
        rt.set_interrupt_handler(Some(Box::new(move || h())));
        let ctx = Context::full(&rt).map_err(|e| match e {
            rquickjs::Error::Allocation => ScriptError::MemoryLimit,
            e => internal(e),
        })?;
        let out = ctx.with(|ctx| evaluate(&ctx, source, entry, inputs, &console, &*halt));
        // An interruption or exhausted memory explains whatever error the script ended with.
        match (out, fired.get()) {
            (Err(_), Some(Why::Time)) => Err(ScriptError::TimeLimit),
            (Err(_), Some(Why::Stop)) => Err(ScriptError::Stopped),
            (Err(ScriptError::Thrown(m)), None) if m.contains("out of memory") || m.starts_with("null") => {
                Err(ScriptError::MemoryLimit)
            }
            (out, _) => out,
        }
    })();
    let c = std::mem::take(&mut *console.borrow_mut());
    Outcome { result, console: c.lines, dropped: c.dropped, elapsed: started.elapsed() }
}

fn evaluate(
    ctx: &Ctx<'_>,
    source: &str,
    entry: Option<&str>,
    inputs: &Json,
    console: &Rc<RefCell<Console>>,
    halt: &dyn Fn() -> bool,
) -> Result<Json, ScriptError> {
    let thrown = |ctx: &Ctx<'_>, e: rquickjs::Error| match e {
        rquickjs::Error::Exception => ScriptError::Thrown(thrown_text(ctx, ctx.catch())),
        rquickjs::Error::Allocation => ScriptError::MemoryLimit,
        e => ScriptError::Thrown(e.to_string()),
    };
    // The console.
    let sink = console.clone();
    let send = Function::new(ctx.clone(), move |level: String, text: String| {
        let mut c = sink.borrow_mut();
        if c.lines.len() >= MAX_CONSOLE_LINES {
            c.dropped += 1;
            return;
        }
        let level = match level.as_str() {
            "warn" => LogLevel::Warn,
            "error" => LogLevel::Error,
            "debug" => LogLevel::Debug,
            _ => LogLevel::Info,
        };
        let mut text = text;
        if text.len() > MAX_CONSOLE_LINE {
            let mut cut = MAX_CONSOLE_LINE;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
            text.push_str(" …");
        }
        c.lines.push((level, text));
    })
    .map_err(|e| thrown(ctx, e))?;
    let prelude: Function = ctx.eval(PRELUDE).map_err(|e| thrown(ctx, e))?;
    prelude.call::<_, ()>((send,)).map_err(|e| thrown(ctx, e))?;

    // The code, as the body of a function of (inputs, module, exports). The first line of the
    // code stays line 1 of `agent.js`.
    let tail = match entry {
        Some(name) => format!("\n;return typeof {name} === 'function' ? {name} : undefined;\n}})"),
        None => "\n})".to_string(),
    };
    let wrapped = format!("(function (inputs, module, exports) {{{source}{tail}");
    let mut opts = EvalOptions::default();
    opts.strict = false;
    opts.backtrace_barrier = true;
    opts.filename = Some("agent.js".into());
    let body: Function = ctx.eval_with_options(wrapped, opts).map_err(|e| match thrown(ctx, e) {
        ScriptError::Thrown(m) if m.starts_with("SyntaxError") => ScriptError::Invalid(m),
        other => other,
    })?;
    let input = ctx.json_parse(inputs.to_string()).map_err(|e| thrown(ctx, e))?;
    let module = Object::new(ctx.clone()).map_err(|e| thrown(ctx, e))?;
    let exports = Object::new(ctx.clone()).map_err(|e| thrown(ctx, e))?;
    module.set("exports", exports.clone()).map_err(|e| thrown(ctx, e))?;
    let mut value: Value = body.call((input.clone(), module.clone(), exports.clone())).map_err(|e| thrown(ctx, e))?;
    let exported = |name: &str| -> Option<Function> {
        let m: Value = module.get("exports").ok()?;
        let o = m.as_object()?;
        o.get::<_, Value>(name).ok().and_then(|v| v.into_function())
    };
    let call = match entry {
        Some(name) => {
            let f = value
                .clone()
                .into_function()
                .or_else(|| exported(name))
                .or_else(|| ctx.globals().get::<_, Value>(name).ok().and_then(|v| v.into_function()));
            Some(f.ok_or_else(|| {
                ScriptError::Invalid(format!(
                    "entryFunction \"{name}\" is not a function the code defines (or puts on module.exports)"
                ))
            })?)
        }
        None if value.is_undefined() => {
            let m: Option<Value> = module.get("exports").ok();
            m.and_then(|m| m.into_function()).or_else(|| exported("default")).or_else(|| exported("main"))
        }
        None => None,
    };
    if let Some(f) = call {
        value = f.call((input,)).map_err(|e| thrown(ctx, e))?;
    }
    if let Some(p) = value.as_promise().cloned() {
        value = settle(ctx, &p, halt).map_err(|e| match e {
            rquickjs::Error::WouldBlock => ScriptError::Thrown(
                "the script's promise never settled (there are no timers or I/O to wait for)".into(),
            ),
            e => thrown(ctx, e),
        })?;
    }
    let text = ctx.json_stringify(value).map_err(|e| thrown(ctx, e))?;
    match text {
        None => Ok(Json::Null),
        Some(s) => {
            let s = s.to_string().map_err(|e| thrown(ctx, e))?;
            serde_json::from_str(&s).map_err(|e| ScriptError::Thrown(format!("the result is not JSON: {e}")))
        }
    }
}

/// Runs QuickJS's job queue until the promise settles (rquickjs's `Promise::finish`, with a
/// stop): `halt` is asked before each job, so a script that queues jobs forever (a microtask
/// loop, which never reaches the interrupt handler's checks in a way that ends the loop) stops
/// at the time limit or when the step ends, like any other script.
fn settle<'js>(ctx: &Ctx<'js>, p: &Promise<'js>, halt: &dyn Fn() -> bool) -> rquickjs::Result<Value<'js>> {
    loop {
        if let Some(r) = p.result::<Value>() {
            return r;
        }
        if halt() {
            // The reason is in `fired`; run_script reports it.
            return Err(rquickjs::Error::Unknown);
        }
        if !ctx.execute_pending_job() {
            return Err(rquickjs::Error::WouldBlock);
        }
    }
}

/// The code of an agent, or why there is none.
fn code_of(agent: &Agent) -> Result<&str, AgentError> {
    let runtime = agent.config.get("runtime").and_then(Json::as_str).unwrap_or("javascript").to_ascii_lowercase();
    let code = ["code", "script", "source"]
        .iter()
        .find_map(|k| agent.config.get(*k).and_then(Json::as_str))
        .filter(|s| !s.trim().is_empty());
    let Some(code) = code else {
        return Err(AgentError::Permanent(format!(
            "Agent \"{}\" has no code to run: give it JavaScript in config.code (the hosted seed gives it none)",
            agent.name
        )));
    };
    if !matches!(runtime.as_str(), "javascript" | "js" | "nodejs" | "node" | "quickjs" | "ecmascript") {
        return Err(AgentError::Permanent(format!(
            "Agent \"{}\" asks for the {runtime} runtime; code agents run JavaScript only",
            agent.name
        )));
    }
    Ok(code)
}

struct Running;

impl Running {
    fn enter() -> Running {
        RUNNING.fetch_add(1, Ordering::SeqCst);
        Running
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        RUNNING.fetch_sub(1, Ordering::SeqCst);
    }
}

pub async fn run(cx: &AgentCtx<'_>, agent: &Agent, step: &WorkflowStep, inputs: Json) -> Result<Produced, AgentError> {
    let code = code_of(agent)?.to_string();
    let entry = [&agent.config, &step.config]
        .iter()
        .find_map(|c| c.get("entryFunction").and_then(Json::as_str))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    if let Some(e) = &entry {
        if !is_identifier(e) {
            return Err(AgentError::Permanent(format!("entryFunction {e:?} is not a JavaScript function name")));
        }
    }
    let memory_mb = agent.max_memory_mb.unwrap_or(512).clamp(1, 8192) as usize;
    let agent_time = Duration::from_secs(agent.max_execution_time.unwrap_or(300).clamp(1, 3600) as u64);
    let limits = Limits { memory_bytes: memory_mb * 1024 * 1024, time: agent_time.min(cx.timeout) };
    let stop = Arc::new(AtomicBool::new(false));
    let _stop_on_drop = StopOnDrop(stop.clone());
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("turbocat-js".into())
        .stack_size(THREAD_STACK)
        .spawn(move || {
            let _running = Running::enter();
            let out = run_script(&code, entry.as_deref(), &inputs, limits, stop);
            let _ = tx.send(out);
        })
        .map_err(|e| AgentError::Retryable(format!("cannot start the JavaScript sandbox: {e}")))?;
    let out = rx.await.map_err(|_| AgentError::Retryable("the JavaScript sandbox stopped unexpectedly".into()))?;
    for (level, line) in out.console {
        (cx.log)(level, line, json!({ "console": true }));
    }
    if out.dropped > 0 {
        (cx.log)(
            LogLevel::Warn,
            format!("{} more console lines were dropped (at most {MAX_CONSOLE_LINES} are kept)", out.dropped),
            json!({ "console": true }),
        );
    }
    let ms = limits.time.as_millis();
    match out.result {
        Ok(result) => {
            // Built by moving the result in (`json!` would copy it).
            let mut output = serde_json::Map::new();
            output.insert("result".into(), result);
            output.insert("durationMs".into(), json!(out.elapsed.as_millis() as u64));
            Ok(Produced::field(Json::Object(output), "result"))
        }
        Err(ScriptError::Invalid(m)) => Err(AgentError::Permanent(m)),
        Err(ScriptError::Thrown(m)) => Err(AgentError::Retryable(m)),
        Err(ScriptError::TimeLimit) => Err(AgentError::Retryable(format!(
            "The script was stopped at its time limit of {ms} ms (the lower of the agent's max execution time, {} s, and the step's timeout, {} ms)",
            agent_time.as_secs(),
            cx.timeout.as_millis()
        ))),
        Err(ScriptError::MemoryLimit) => Err(AgentError::Retryable(format!(
            "The script was stopped at its memory limit of {memory_mb} MB (the agent's max_memory_mb)"
        ))),
        Err(ScriptError::Stopped) => Err(AgentError::Retryable("The script was stopped".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs on a thread with the sandbox's stack, as the agent does.
    fn run_on_thread(src: &str, entry: Option<&str>, inputs: Json, limits: Limits, stop: Arc<AtomicBool>) -> Outcome {
        let (src, entry) = (src.to_string(), entry.map(str::to_string));
        std::thread::Builder::new()
            .stack_size(THREAD_STACK)
            .spawn(move || run_script(&src, entry.as_deref(), &inputs, limits, stop))
            .unwrap()
            .join()
            .unwrap()
    }

    fn run(src: &str, entry: Option<&str>, inputs: Json) -> Outcome {
        let limits = Limits { memory_bytes: 32 * 1024 * 1024, time: Duration::from_secs(5) };
        run_on_thread(src, entry, inputs, limits, Arc::default())
    }

    #[test]
    fn returns_values_entry_functions_exports_and_promises() {
        assert_eq!(run("return inputs.a + inputs.b", None, json!({"a": 2, "b": 3})).result, Ok(json!(5)));
        assert_eq!(run("const x = 1", None, json!({})).result, Ok(Json::Null), "undefined is null");
        let f = "function main(i) { return {n: i.n * 2, list: [1, 'a', null]} }";
        assert_eq!(run(f, Some("main"), json!({"n": 21})).result, Ok(json!({"n": 42, "list": [1, "a", null]})));
        assert_eq!(run("module.exports = (i) => i.s.toUpperCase()", None, json!({"s": "hi"})).result, Ok(json!("HI")));
        assert_eq!(run("exports.go = (i) => i.k", Some("go"), json!({"k": 7})).result, Ok(json!(7)));
        assert_eq!(
            run(
                "return (async () => { const v = await Promise.resolve(inputs.v); return v + 1 })()",
                None,
                json!({"v": 1})
            )
            .result,
            Ok(json!(2))
        );
        assert!(
            matches!(run("return new Promise(() => {})", None, json!({})).result, Err(ScriptError::Thrown(m)) if m.contains("never settled"))
        );
        assert!(
            matches!(run("function f() {}", Some("nope"), json!({})).result, Err(ScriptError::Invalid(m)) if m.contains("\"nope\""))
        );
    }

    #[test]
    fn errors_keep_their_name_message_and_line() {
        let o = run("const a = 1;\nthrow new TypeError('bad ' + a)", None, json!({}));
        match o.result {
            Err(ScriptError::Thrown(m)) => {
                assert!(m.starts_with("TypeError: bad 1"), "{m}");
                assert!(m.contains("agent.js:2"), "{m}");
            }
            other => panic!("{other:?}"),
        }
        assert!(
            matches!(run("return (", None, json!({})).result, Err(ScriptError::Invalid(m)) if m.starts_with("SyntaxError"))
        );
        assert!(
            matches!(run("throw 'plain'", None, json!({})).result, Err(ScriptError::Thrown(m)) if m == "\"plain\"")
        );
        assert!(
            matches!(run("function f() { return f() + 1 } return f()", None, json!({})).result, Err(ScriptError::Thrown(m)) if m.contains("RangeError")),
            "deep recursion is an error, not a crash"
        );
        assert!(matches!(run("return 10n", None, json!({})).result, Err(ScriptError::Thrown(_))));
    }

    #[test]
    fn console_lines_are_captured_and_bounded() {
        let o = run(
            "console.log('a', 1, {b: 2}); console.warn('w'); console.error(new Error('e')); for (let i = 0; i < 1200; i++) console.debug(i); return 0",
            None,
            json!({}),
        );
        assert_eq!(o.result, Ok(json!(0)));
        assert_eq!(o.console[0], (LogLevel::Info, "a 1 {\"b\":2}".to_string()));
        assert_eq!(o.console[1], (LogLevel::Warn, "w".to_string()));
        assert!(o.console[2].1.starts_with("Error: e"));
        assert_eq!((o.console.len(), o.dropped), (MAX_CONSOLE_LINES, 203));
        let long = run("console.log('x'.repeat(100000))", None, json!({}));
        assert!(long.console[0].1.len() < MAX_CONSOLE_LINE + 10);
    }

    #[test]
    fn limits_stop_scripts() {
        let t = Instant::now();
        let limits = Limits { memory_bytes: 64 * 1024 * 1024, time: Duration::from_millis(200) };
        let o = run_on_thread("for (;;) { try { for (;;) {} } catch (e) {} }", None, json!({}), limits, Arc::default());
        assert_eq!(o.result, Err(ScriptError::TimeLimit));
        assert!(t.elapsed() < Duration::from_secs(3));
        let limits = Limits { memory_bytes: 8 * 1024 * 1024, time: Duration::from_secs(10) };
        let o = run_on_thread(
            "const a = []; for (;;) a.push('x'.repeat(1000) + a.length)",
            None,
            json!({}),
            limits,
            Arc::default(),
        );
        assert_eq!(o.result, Err(ScriptError::MemoryLimit));
        let stop = Arc::new(AtomicBool::new(true));
        let o = run_on_thread("for (;;) {}", None, json!({}), limits, stop);
        assert_eq!(o.result, Err(ScriptError::Stopped));
        // A microtask loop runs in the job queue, which the limits stop too.
        let micro = "function f() { Promise.resolve().then(f) } f(); return new Promise(() => {})";
        let limits = Limits { memory_bytes: 64 * 1024 * 1024, time: Duration::from_millis(300) };
        assert_eq!(run_on_thread(micro, None, json!({}), limits, Arc::default()).result, Err(ScriptError::TimeLimit));
        let stop = Arc::new(AtomicBool::new(true));
        let limits = Limits { memory_bytes: 64 * 1024 * 1024, time: Duration::from_secs(60) };
        assert_eq!(run_on_thread(micro, None, json!({}), limits, stop).result, Err(ScriptError::Stopped));
    }

    #[test]
    fn there_is_no_way_out() {
        for src in [
            "return require('fs').readFileSync('/etc/passwd', 'utf8')",
            "return process.env",
            "return fetch('http://127.0.0.1:9/')",
            "return std.open('/etc/passwd')",
            "return this.constructor.constructor('return process')()",
            "return os.exec(['ls'])",
            "return new XMLHttpRequest()",
            "return import('std')",
            "return import('os')",
            "return import('./x.js')",
            "return setTimeout(() => 1, 0)",
        ] {
            match run(src, None, json!({})).result {
                Err(ScriptError::Thrown(m)) => {
                    assert!(
                        m.starts_with("ReferenceError") || m.contains("could not load module") || m.contains("module"),
                        "{src}: {m}"
                    )
                }
                other => panic!("{src}: {other:?}"),
            }
        }
        assert!(matches!(run("import fs from 'fs'", None, json!({})).result, Err(ScriptError::Invalid(_))));
        assert_eq!(
            run(
                "return typeof globalThis.require + typeof globalThis.process + typeof globalThis.fetch",
                None,
                json!({})
            )
            .result,
            Ok(json!("undefinedundefinedundefined"))
        );
    }
}
