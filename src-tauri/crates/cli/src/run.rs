//! `turbocat run <workflow id or name> [--input JSON|@file] [--json]`: runs a workflow headless
//! through the engine. Progress goes to standard error as it happens, the result to standard
//! output (with `--json`, the finished execution row as JSON and no progress). Ctrl-C cancels
//! the run, which is then recorded as cancelled. The exit code is 0 only when the run completed.
//!
//! `turbocat run --rerun <execution id> [--from-failed]` runs a finished execution again as a
//! new execution with the same input (`trigger_data.rerunOf` names the original); with
//! `--from-failed`, the steps that completed in the original are reused, not run again.
//!
//! `--input` is at most [`EngineConfig::input_limit`] (16 MiB); a larger one is refused before
//! it is read whole. Progress lines that cannot be written (standard error closed, as in
//! `turbocat run … 2>&1 | head`) are dropped: the run goes on and is recorded as it ends.

use crate::{open_services, print_json, CliResult, Failure, EXIT_OK, EXIT_RUN_NOT_COMPLETED, EXIT_USAGE};
use clap::Args;
use serde_json::Value as Json;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use turbocat_domain::{Error, ExecutionStatus, StepStatus};
use turbocat_engine::{Engine, EngineConfig, RunEvent, RunRequest};

#[derive(Args, Debug)]
pub struct RunArgs {
    /// The workflow's id, or its exact name.
    #[arg(required_unless_present = "rerun", conflicts_with = "rerun")]
    pub workflow: Option<String>,
    /// The run's input: a JSON object, or @FILE to read it from a file.
    #[arg(long, value_name = "JSON|@FILE", conflicts_with = "rerun")]
    pub input: Option<String>,
    /// Run a finished execution again, with the same input, as a new execution.
    #[arg(long, value_name = "EXECUTION_ID")]
    pub rerun: Option<String>,
    /// With --rerun: reuse the outputs of the steps that completed and run from the failed step.
    #[arg(long, requires = "rerun")]
    pub from_failed: bool,
}

/// Writes a line to standard error; a closed or broken stderr is ignored (`eprintln!` would
/// panic and leave the run unfinished).
macro_rules! errln {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

fn parse_input(raw: Option<&str>) -> Result<Json, Failure> {
    let usage = |m: String| Failure { code: EXIT_USAGE, error: Error::validation_field("input", m) };
    let Some(raw) = raw else { return Ok(Json::Object(Default::default())) };
    let limit = EngineConfig::default().input_limit;
    let too_large =
        |what: &str| usage(format!("{what} is larger than {} MiB, the limit of a run's input", limit / (1024 * 1024)));
    let text = match raw.strip_prefix('@') {
        Some(file) => {
            let cannot = |e: std::io::Error| usage(format!("cannot read {file}: {e}"));
            let f = std::fs::File::open(file).map_err(cannot)?;
            // Read at most one byte beyond the limit: a huge file is refused, not loaded.
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut std::io::Read::take(f, limit as u64 + 1), &mut bytes).map_err(cannot)?;
            if bytes.len() > limit {
                return Err(too_large(&format!("--input file {file}")));
            }
            String::from_utf8(bytes).map_err(|_| usage(format!("cannot read {file}: it is not UTF-8 text")))?
        }
        None if raw.len() > limit => return Err(too_large("--input")),
        None => raw.to_string(),
    };
    let v: Json = serde_json::from_str(&text).map_err(|e| usage(format!("--input is not valid JSON: {e}")))?;
    if !v.is_object() {
        return Err(usage("--input must be a JSON object".into()));
    }
    Ok(v)
}

fn progress(e: &RunEvent) {
    let line = match e {
        RunEvent::RunStarted { execution_id, workflow_name, steps_total, .. } => {
            format!("Running \"{workflow_name}\" ({steps_total} steps), execution {execution_id}")
        }
        RunEvent::StepStarted { step_key, .. } => format!("  {step_key}: started"),
        RunEvent::StepRetry { step_key, attempt, delay_ms, error, .. } => {
            format!("  {step_key}: attempt {attempt} failed ({error}); retrying in {delay_ms} ms")
        }
        RunEvent::StepFinished { step_key, status, duration_ms, error, reason, .. } => match status {
            StepStatus::Completed => format!("  {step_key}: completed in {duration_ms} ms"),
            StepStatus::Failed => format!("  {step_key}: FAILED: {}", error.as_deref().unwrap_or("")),
            _ => format!("  {step_key}: skipped ({})", reason.as_deref().unwrap_or("")),
        },
        RunEvent::RunFinished { .. } => return,
    };
    errln!("{line}");
}

pub(crate) fn run_workflow(args: RunArgs, path: &Path, json: bool) -> CliResult {
    let input = parse_input(args.input.as_deref())?;
    let rerun = match args.rerun.as_deref() {
        Some(id) => Some(
            turbocat_domain::parse_id(id)
                .map_err(|_| Failure { code: EXIT_USAGE, error: Error::validation("--rerun needs an execution id") })?,
        ),
        None => None,
    };
    let services = Arc::new(open_services(path)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::internal(format!("cannot start the async runtime: {e}")))?;
    let execution = runtime.block_on(async move {
        let engine = Engine::open(services.clone(), EngineConfig::default()).await?;
        if !engine.recovered().is_empty() && !json {
            errln!(
                "Marked {} execution(s) left running by a stopped app as failed (interrupted).",
                engine.recovered().len()
            );
        }
        // Ctrl-C cancels the run; the handler is in place before the run starts.
        let interrupt = interrupt_signal()?;
        let mut handle = match (&rerun, &args.workflow) {
            (Some(id), _) => engine.rerun(*id, args.from_failed).await?,
            (None, Some(name)) => {
                let name = name.clone();
                let svc = services.clone();
                let wf = tokio::task::spawn_blocking(move || svc.workflows().find(&name))
                    .await
                    .map_err(|e| Error::internal(e.to_string()))??;
                engine.start(RunRequest::manual(wf.id, input)).await?
            }
            (None, None) => return Err(Error::validation("a workflow or --rerun <execution id> is needed")),
        };
        let cancel = handle.canceller();
        tokio::spawn(async move {
            if interrupt.await {
                errln!("Interrupted: cancelling the run…");
                cancel.cancel();
            }
        });
        while let Some(e) = handle.next_event().await {
            if !json {
                progress(&e);
            }
            if matches!(e, RunEvent::RunFinished { .. }) {
                break;
            }
        }
        handle.wait().await
    })?;
    if json {
        print_json(&execution);
    } else {
        let took = execution.duration_ms.unwrap_or(0);
        outln!(
            "Execution {} {} in {took} ms: {} of {} steps completed, {} failed.",
            execution.id,
            execution.status.as_str(),
            execution.steps_completed,
            execution.steps_total,
            execution.steps_failed
        );
        if let Some(m) = &execution.error_message {
            outln!("Error: {m}");
        }
        outln!("Output:\n{}", serde_json::to_string_pretty(&execution.output_data).unwrap_or_default());
    }
    Ok(if execution.status == ExecutionStatus::Completed { EXIT_OK } else { EXIT_RUN_NOT_COMPLETED })
}

/// A future that resolves to true on Ctrl-C (SIGINT). The handler is installed now, not at
/// the first poll, so a signal right after the run starts is not lost.
fn interrupt_signal() -> Result<impl std::future::Future<Output = bool>, Error> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut s =
            signal(SignalKind::interrupt()).map_err(|e| Error::internal(format!("cannot listen for Ctrl-C: {e}")))?;
        Ok(async move { s.recv().await.is_some() })
    }
    #[cfg(not(unix))]
    {
        Ok(async { tokio::signal::ctrl_c().await.is_ok() })
    }
}
