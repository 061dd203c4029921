//! `turbocat settings llm [--base-url URL] [--model NAME] [--api-key-env VAR] [--clear]`: where
//! the llm agent sends its chat completions (an OpenAI-compatible server: Ollama, llama.cpp's
//! server, vLLM, a hosted one). With no option it shows the settings and what the environment
//! overrides; keys are never stored, only read from the environment, and never printed.

use crate::{open_services, print_json, CliResult, EXIT_OK};
use clap::{Args, Subcommand};
use serde_json::json;
use std::io::Write;
use std::path::Path;
use turbocat_engine::agents::llm::{self, BASE_URL_ENV, KEY_ENVS, MODEL_ENV};
use turbocat_services::llm_settings::LlmSettings;

#[derive(Subcommand, Debug)]
pub enum SettingsCommand {
    /// Show or set the LLM endpoint (OpenAI-compatible chat completions).
    Llm(LlmArgs),
}

#[derive(Args, Debug)]
pub struct LlmArgs {
    /// The server's base URL, up to /v1 (Ollama: http://localhost:11434/v1; llama.cpp's server:
    /// http://localhost:8080/v1). An empty value removes it.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// The model every llm agent asks for. An empty value removes it.
    #[arg(long, value_name = "NAME")]
    pub model: Option<String>,
    /// The environment variable holding the key, if not TURBOCAT_LLM_API_KEY or OPENAI_API_KEY.
    #[arg(long, value_name = "VAR")]
    pub api_key_env: Option<String>,
    /// Remove every LLM setting first.
    #[arg(long)]
    pub clear: bool,
}

pub(crate) fn settings(cmd: SettingsCommand, path: &Path, json: bool) -> CliResult {
    let SettingsCommand::Llm(a) = cmd;
    let services = open_services(path)?;
    let changing = a.clear || a.base_url.is_some() || a.model.is_some() || a.api_key_env.is_some();
    let stored = if changing {
        let mut s = if a.clear { LlmSettings::default() } else { services.llm_settings().get()? };
        if let Some(u) = a.base_url {
            s.base_url = Some(u);
        }
        if let Some(m) = a.model {
            s.model = Some(m);
        }
        if let Some(v) = a.api_key_env {
            s.api_key_env = Some(v);
        }
        services.llm_settings().set(s)?
    } else {
        services.llm_settings().get()?
    };
    let effective = llm::endpoint(&stored, |k| std::env::var(k).ok());
    let env_set = |k: &str| std::env::var(k).is_ok_and(|v| !v.trim().is_empty());
    if json {
        print_json(&json!({
            "stored": stored,
            "effective": effective.as_ref().map(|e| json!({
                "baseUrl": e.base_url, "model": e.model, "keyFound": e.key.is_some(),
            })),
        }));
        return Ok(EXIT_OK);
    }
    let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "(not set)".into());
    outln!("LLM endpoint (stored in the database's local settings):");
    outln!("  base URL:    {}", show(&stored.base_url));
    outln!("  model:       {}", show(&stored.model));
    outln!(
        "  key from:    {}",
        stored.api_key_env.clone().unwrap_or_else(|| format!("{} or {}", KEY_ENVS[0], KEY_ENVS[1]))
    );
    for (var, what) in [(BASE_URL_ENV, "base URL"), (MODEL_ENV, "model")] {
        if env_set(var) {
            outln!("  {var} is set and overrides the stored {what}.");
        }
    }
    match effective {
        Some(e) => outln!(
            "In use: {} with model {}; {}.",
            e.base_url,
            e.model.unwrap_or_else(|| "(each agent's config.model)".into()),
            if e.key.is_some() { "a key was found in the environment" } else { "no key (fine for a local server)" }
        ),
        None => outln!(
            "Not configured: llm steps fail until a base URL is set, e.g. `turbocat settings llm --base-url http://localhost:11434/v1 --model llama3.2`."
        ),
    }
    Ok(EXIT_OK)
}
