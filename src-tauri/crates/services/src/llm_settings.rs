//! The llm agent's endpoint (`docs/engine.md`, "Agents"): an OpenAI-compatible
//! chat-completions server's base URL and model, kept in the local `app_settings` table (key
//! `llm`, never synced or exported). The key is not kept here: it comes from the environment
//! (the variable `api_key_env` names, else `TURBOCAT_LLM_API_KEY`, else `OPENAI_API_KEY`),
//! since headless machines have no OS keychain and the database must never hold it.

use crate::Actor;
use serde::{Deserialize, Serialize};
use serde_json::json;
use turbocat_domain::{validate::Checker, Result};
use turbocat_store::queries::settings;

pub struct LlmSettingsService<'a>(pub(crate) Actor<'a>);

const KEY: &str = "llm";

/// Where the llm agent sends its chat completions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, optional_fields)]
pub struct LlmSettings {
    /// The server's OpenAI-compatible base URL, up to `/v1` (Ollama:
    /// `http://localhost:11434/v1`, llama.cpp's server: `http://localhost:8080/v1`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// The model every llm agent asks for (a step's `inputs.model` overrides it; without it the
    /// agent's `config.model` is used).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The environment variable holding the key, when not `TURBOCAT_LLM_API_KEY` or
    /// `OPENAI_API_KEY`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_key_env: Option<String>,
}

fn blank_to_none(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

impl LlmSettings {
    /// Trims the values and checks them: an http(s) URL, a model name of at most 200
    /// characters, an environment variable name.
    pub fn checked(self) -> Result<LlmSettings> {
        let s = LlmSettings {
            base_url: blank_to_none(self.base_url).map(|u| u.trim_end_matches('/').to_string()),
            model: blank_to_none(self.model),
            api_key_env: blank_to_none(self.api_key_env),
        };
        let mut c = Checker::new();
        if let Some(u) = &s.base_url {
            let rest = u.strip_prefix("http://").or_else(|| u.strip_prefix("https://"));
            if !rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/') && !r.contains(char::is_whitespace)) {
                c.fail(
                    "baseUrl",
                    "The base URL must be an http:// or https:// address, e.g. http://localhost:11434/v1",
                );
            }
        }
        if s.model.as_ref().is_some_and(|m| m.chars().count() > 200) {
            c.fail("model", "The model name must be at most 200 characters");
        }
        if let Some(v) = &s.api_key_env {
            let ok = v.chars().next().is_some_and(|ch| ch.is_ascii_alphabetic() || ch == '_')
                && v.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_');
            if !ok {
                c.fail("apiKeyEnv", "The key's variable must be an environment variable name, e.g. MY_LLM_KEY");
            }
        }
        c.finish()?;
        Ok(s)
    }
}

impl LlmSettingsService<'_> {
    /// The stored settings (all empty when none were set).
    pub fn get(&self) -> Result<LlmSettings> {
        self.0
            .store()
            .read(|c| Ok(settings::get(c, KEY)?.and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default()))
    }

    /// Checks and stores the settings, with an audit row of what changed.
    pub fn set(&self, new: LlmSettings) -> Result<LlmSettings> {
        let new = new.checked()?;
        self.0.store().write(|tx| {
            let before: LlmSettings =
                settings::get(tx, KEY)?.and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default();
            settings::set(tx, KEY, &serde_json::to_value(&new)?)?;
            if before != new {
                self.0.audit_row(tx, "settings.llm", "settings", None, json!(crate::changes(&before, &new)))?;
            }
            Ok(new.clone())
        })
    }
}
