//! The llm agent (`docs/engine.md`, "Agents"): one call to an OpenAI-compatible
//! chat-completions endpoint (`POST <base URL>/chat/completions`), so a local server (Ollama,
//! llama.cpp's server, vLLM) works offline as well as a hosted one.
//!
//! The endpoint is a setting ([`turbocat_services::llm_settings`], `turbocat settings llm`),
//! which [`BASE_URL_ENV`] and [`MODEL_ENV`] override. The key comes from the environment only
//! (the settings' `apiKeyEnv`, else [`KEY_ENVS`]): never from the database, and this build has
//! no OS keychain (headless machines have no secret service). No key sends no
//! `Authorization` header, which local servers accept.
//!
//! What is sent, each from the step's resolved inputs first, then the agent's `config`:
//! - `model`: the step's `inputs.model`, else the settings' model, else `config.model`;
//! - `systemPrompt` (or `system`): the system message; by default the agent's description;
//! - `messages`: earlier messages (`[{role, content}]`);
//! - `prompt`, or `promptTemplate` (`{{name}}` reads the step's inputs, `{{inputs.name}}`
//!   too): the user message; with neither, and no messages, the step's other inputs as
//!   `name: value` lines (the seed's LLM Summarizer gets `text`, `style`, `maxLength`);
//! - `temperature`, `maxTokens` (or `max_tokens`);
//! - `responseFormat`: `json` (or `jsonMode: true`) asks for a JSON object and parses the
//!   answer into `parsedJson`; an object is sent as it is (a `json_schema` format).
//!
//! Output: `{content, parsedJson?, model, finishReason, usage: {promptTokens,
//! completionTokens, totalTokens}}`; its main value (`result`) is `content`. Network errors,
//! 408, 429 and 5xx are retryable (the step's retry policy); other refusals are not.

use super::{AgentCtx, AgentError, Produced};
use crate::handle::blocking;
use crate::template::{self, FieldsScope, Layered, MapScope, Piece, Root};
use serde_json::{json, Map, Value as Json};
use turbocat_domain::{Agent, WorkflowStep};
use turbocat_services::llm_settings::LlmSettings;

/// Overrides the stored base URL.
pub const BASE_URL_ENV: &str = "TURBOCAT_LLM_BASE_URL";
/// Overrides the stored model.
pub const MODEL_ENV: &str = "TURBOCAT_LLM_MODEL";
/// Where the key is looked for, in order, after the variable the settings name.
pub const KEY_ENVS: [&str; 2] = ["TURBOCAT_LLM_API_KEY", "OPENAI_API_KEY"];

/// A response body larger than this is refused.
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// The message of a step whose llm agent has nowhere to go.
pub fn not_configured(agent: &str) -> String {
    format!(
        "Agent \"{agent}\" cannot run: no LLM endpoint is configured. Point it at any OpenAI-compatible server with \
         `turbocat settings llm --base-url http://localhost:11434/v1 --model llama3.2` (Ollama; llama.cpp's server is \
         http://localhost:8080/v1), or set {BASE_URL_ENV} and {MODEL_ENV}; a key, if the server needs one, is read from \
         {} or {}",
        KEY_ENVS[0], KEY_ENVS[1]
    )
}

/// Where the calls go.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    /// Without a trailing slash.
    pub base_url: String,
    pub model: Option<String>,
    pub key: Option<String>,
}

/// The endpoint from the stored settings and the environment (`var` reads a variable); None
/// when no base URL is set anywhere.
pub fn endpoint(stored: &LlmSettings, var: impl Fn(&str) -> Option<String>) -> Option<Endpoint> {
    let var = |name: &str| var(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let base_url = var(BASE_URL_ENV).or_else(|| stored.base_url.clone())?.trim_end_matches('/').to_string();
    let model = var(MODEL_ENV).or_else(|| stored.model.clone());
    let key = stored.api_key_env.as_deref().and_then(var).or_else(|| KEY_ENVS.iter().find_map(|k| var(k)));
    Some(Endpoint { base_url, model, key })
}

fn setting<'a>(inputs: &'a Json, config: &'a Json, keys: &[&str]) -> Option<&'a Json> {
    keys.iter()
        .find_map(|k| inputs.get(*k).filter(|v| !v.is_null()))
        .or_else(|| keys.iter().find_map(|k| config.get(*k).filter(|v| !v.is_null())))
}

fn text_of(v: &Json) -> String {
    template::as_text(v)
}

/// Input names that steer the call rather than make the prompt.
const CONTROL: &[&str] = &[
    "model",
    "systemPrompt",
    "system",
    "messages",
    "prompt",
    "promptTemplate",
    "temperature",
    "maxTokens",
    "max_tokens",
    "responseFormat",
    "jsonMode",
];

/// A prompt template over the step's inputs: `{{text}}` or `{{inputs.text}}`; always text.
fn fill(tpl: &str, inputs: &Json) -> Result<String, AgentError> {
    let named = MapScope { values: vec![("inputs", Root::Value(inputs))] };
    let scope = Layered(&named, &FieldsScope(inputs));
    let mut out = String::with_capacity(tpl.len());
    for p in template::pieces(tpl) {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Ref(r) => {
                let v = template::resolve_str(&format!("{{{{{r}}}}}"), &scope)
                    .map_err(|e| AgentError::Permanent(format!("promptTemplate: {e}")))?;
                out.push_str(&text_of(&v));
            }
        }
    }
    Ok(out)
}

/// The request body, and whether a JSON answer was asked for.
pub fn request_body(agent: &Agent, inputs: &Json, default_model: Option<&str>) -> Result<(Json, bool), AgentError> {
    let perm = AgentError::Permanent;
    let config = &agent.config;
    let model = inputs
        .get("model")
        .and_then(Json::as_str)
        .or(default_model)
        .or_else(|| config.get("model").and_then(Json::as_str))
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .ok_or_else(|| {
            perm(format!(
                "Agent \"{}\" has no model to ask for: set one with `turbocat settings llm --model NAME` (or {MODEL_ENV})",
                agent.name
            ))
        })?;
    let mut messages: Vec<Json> = Vec::new();
    let system = setting(inputs, config, &["systemPrompt", "system"])
        .map(text_of)
        .or_else(|| agent.description.as_deref().map(str::trim).filter(|d| !d.is_empty()).map(str::to_string));
    if let Some(s) = system {
        messages.push(json!({"role": "system", "content": s}));
    }
    let mut had_messages = false;
    if let Some(m) = setting(inputs, config, &["messages"]) {
        let Json::Array(list) = m else { return Err(perm("messages must be an array of {role, content}".into())) };
        for (i, msg) in list.iter().enumerate() {
            let role = msg.get("role").and_then(Json::as_str).unwrap_or("");
            if !matches!(role, "system" | "user" | "assistant") {
                return Err(perm(format!("messages.{i}.role must be system, user or assistant (got {role:?})")));
            }
            let content = msg.get("content").map(text_of).unwrap_or_default();
            messages.push(json!({"role": role, "content": content}));
            had_messages = true;
        }
    }
    let prompt = match (inputs.get("prompt").filter(|v| !v.is_null()), setting(inputs, config, &["promptTemplate"])) {
        (Some(p), _) => Some(text_of(p)),
        (None, Some(t)) => Some(fill(&text_of(t), inputs)?),
        (None, None) => config.get("prompt").filter(|v| !v.is_null()).map(|p| fill(&text_of(p), inputs)).transpose()?,
    };
    let prompt = match prompt {
        Some(p) => Some(p),
        None if had_messages => None,
        None => {
            let lines: Vec<String> = inputs
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(k, v)| !CONTROL.contains(&k.as_str()) && !v.is_null())
                .map(|(k, v)| format!("{k}: {}", text_of(v)))
                .collect();
            if lines.is_empty() {
                return Err(perm(format!(
                    "Agent \"{}\" has nothing to send: give the step a prompt (inputs.prompt), messages, or inputs for config.promptTemplate",
                    agent.name
                )));
            }
            Some(lines.join("\n"))
        }
    };
    if let Some(p) = prompt {
        messages.push(json!({"role": "user", "content": p}));
    }
    let mut body = Map::new();
    body.insert("model".into(), json!(model));
    body.insert("messages".into(), Json::Array(messages));
    body.insert("stream".into(), json!(false));
    if let Some(t) = setting(inputs, config, &["temperature"]) {
        let t = t.as_f64().or_else(|| t.as_str().and_then(|s| s.trim().parse().ok()));
        let t = t
            .filter(|t| (0.0..=2.0).contains(t))
            .ok_or_else(|| perm("temperature must be a number from 0 to 2".into()))?;
        body.insert("temperature".into(), json!(t));
    }
    if let Some(m) = setting(inputs, config, &["maxTokens", "max_tokens"]) {
        let m = m.as_u64().or_else(|| m.as_str().and_then(|s| s.trim().parse().ok()));
        let m = m.filter(|m| *m > 0).ok_or_else(|| perm("maxTokens must be a positive whole number".into()))?;
        body.insert("max_tokens".into(), json!(m));
    }
    let format = setting(inputs, config, &["responseFormat"]).cloned();
    let json_mode = setting(inputs, config, &["jsonMode"]).and_then(Json::as_bool).unwrap_or(false);
    let wants_json = match &format {
        Some(Json::String(f)) => {
            let f = f.trim().to_ascii_lowercase();
            match f.as_str() {
                "json" | "json_object" => {
                    body.insert("response_format".into(), json!({"type": "json_object"}));
                    true
                }
                "text" | "" => false,
                other => return Err(perm(format!("responseFormat must be json or text (got {other:?})"))),
            }
        }
        Some(Json::Object(o)) => {
            let wants = o.get("type").and_then(Json::as_str).is_some_and(|t| t.starts_with("json"));
            body.insert("response_format".into(), Json::Object(o.clone()));
            wants
        }
        _ if json_mode => {
            body.insert("response_format".into(), json!({"type": "json_object"}));
            true
        }
        _ => false,
    };
    Ok((Json::Object(body), wants_json))
}

/// JSON in a model's answer, with or without a Markdown code fence around it.
pub fn parse_json_answer(content: &str) -> Option<Json> {
    let t = content.trim();
    if let Ok(v) = serde_json::from_str(t) {
        return Some(v);
    }
    let inner = t.strip_prefix("```")?.strip_suffix("```")?;
    let inner = inner.strip_prefix("json").unwrap_or(inner);
    serde_json::from_str(inner.trim()).ok()
}

/// What a server said about a refusal: `error.message` of the OpenAI format, else the text.
fn refusal(body: &[u8]) -> String {
    let v: Option<Json> = serde_json::from_slice(body).ok();
    let msg = v
        .as_ref()
        .and_then(|v| v.get("error"))
        .and_then(|e| {
            e.get("message").and_then(Json::as_str).map(str::to_string).or_else(|| e.as_str().map(str::to_string))
        })
        .unwrap_or_else(|| String::from_utf8_lossy(body).trim().to_string());
    let mut msg: String = msg.chars().take(500).collect();
    if msg.is_empty() {
        msg = "no details".into();
    }
    msg
}

pub async fn run(cx: &AgentCtx<'_>, agent: &Agent, _step: &WorkflowStep, inputs: Json) -> Result<Produced, AgentError> {
    let inputs = &inputs;
    let stored = blocking(cx.host.services(), |s| s.llm_settings().get())
        .await
        .map_err(|e| AgentError::Retryable(format!("cannot read the LLM settings: {}", e.message)))?;
    let ep = endpoint(&stored, |k| std::env::var(k).ok())
        .ok_or_else(|| AgentError::Permanent(not_configured(&agent.name)))?;
    let (body, wants_json) = request_body(agent, inputs, ep.model.as_deref())?;
    let url = format!("{}/chat/completions", ep.base_url);
    let mut req = cx.env.http.client().post(&url).header("Content-Type", "application/json").body(body.to_string());
    if let Some(k) = &ep.key {
        req = req.bearer_auth(k);
    }
    let unreachable = |e: reqwest::Error| {
        AgentError::Retryable(format!("Cannot reach the LLM endpoint {url}: {}", super::api::describe(e)))
    };
    let mut resp = req.send().await.map_err(unreachable)?;
    let status = resp.status().as_u16();
    let mut raw = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(unreachable)? {
        if raw.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(AgentError::Retryable(format!(
                "The LLM endpoint's answer is larger than {} MiB",
                MAX_BODY_BYTES / (1024 * 1024)
            )));
        }
        raw.extend_from_slice(&chunk);
    }
    if !(200..300).contains(&status) {
        let why = refusal(&raw);
        let msg = format!("The LLM endpoint {url} answered {status}: {why}");
        return Err(match status {
            408 | 429 | 500..=599 => AgentError::Retryable(msg),
            401 | 403 => AgentError::Permanent(format!(
                "{msg} (the key comes from {} or {}, or the variable `turbocat settings llm --api-key-env` names)",
                KEY_ENVS[0], KEY_ENVS[1]
            )),
            404 => {
                AgentError::Permanent(format!("{msg} (check the base URL, which usually ends in /v1, and the model)"))
            }
            _ => AgentError::Permanent(msg),
        });
    }
    let v: Json = serde_json::from_slice(&raw).map_err(|e| {
        AgentError::Retryable(format!("The LLM endpoint {url} answered with something that is not JSON: {e}"))
    })?;
    let choice = v.get("choices").and_then(|c| c.get(0)).ok_or_else(|| {
        AgentError::Retryable(format!("The LLM endpoint {url} answered without choices: {}", refusal(&raw)))
    })?;
    let content = choice.get("message").and_then(|m| m.get("content")).map(text_of).unwrap_or_default();
    let content = if content == "null" { String::new() } else { content };
    let usage = v.get("usage").cloned().unwrap_or(Json::Null);
    let count = |k: &str| usage.get(k).and_then(Json::as_u64);
    let mut output = json!({
        "content": content,
        "model": v.get("model").cloned().unwrap_or_else(|| body["model"].clone()),
        "finishReason": choice.get("finish_reason").cloned().unwrap_or(Json::Null),
        "usage": {
            "promptTokens": count("prompt_tokens"),
            "completionTokens": count("completion_tokens"),
            "totalTokens": count("total_tokens"),
        },
    });
    if wants_json {
        let parsed = parse_json_answer(&content).ok_or_else(|| {
            let head: String = content.chars().take(200).collect();
            AgentError::Retryable(format!("The model was asked for JSON but its answer is not JSON: {head:?}"))
        })?;
        output["parsedJson"] = parsed;
    }
    Ok(Produced::field(output, "content"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use turbocat_domain::{AgentStatus, AgentType, Timestamp, Uuid};

    fn agent(config: Json, description: Option<&str>) -> Agent {
        let t = Timestamp::from_millis(0);
        Agent {
            id: Uuid::nil(),
            name: "Writer".into(),
            description: description.map(str::to_string),
            agent_type: AgentType::Llm,
            status: AgentStatus::Active,
            version: 1,
            parent_id: None,
            user_id: Uuid::nil(),
            config,
            capabilities: json!([]),
            parameters: json!({}),
            max_execution_time: Some(300),
            max_memory_mb: Some(512),
            max_concurrent_executions: Some(1),
            total_executions: 0,
            successful_executions: 0,
            failed_executions: 0,
            avg_execution_time_ms: 0,
            tags: None,
            is_public: false,
            is_template: false,
            created_at: t,
            updated_at: t,
            deleted_at: None,
        }
    }

    #[test]
    fn the_endpoint_comes_from_settings_and_the_environment() {
        let stored = LlmSettings { base_url: Some("http://h:1/v1".into()), model: Some("m".into()), api_key_env: None };
        let none = |_: &str| None;
        assert_eq!(
            endpoint(&stored, none),
            Some(Endpoint { base_url: "http://h:1/v1".into(), model: Some("m".into()), key: None })
        );
        assert_eq!(endpoint(&LlmSettings::default(), none), None);
        let env = |k: &str| match k {
            "TURBOCAT_LLM_BASE_URL" => Some("http://o:2/v1/".to_string()),
            "OPENAI_API_KEY" => Some("sk-open".to_string()),
            "MINE" => Some("sk-mine".to_string()),
            _ => None,
        };
        let e = endpoint(&LlmSettings::default(), env).unwrap();
        assert_eq!((e.base_url.as_str(), e.key.as_deref()), ("http://o:2/v1", Some("sk-open")));
        let mine = LlmSettings { api_key_env: Some("MINE".into()), ..stored.clone() };
        assert_eq!(endpoint(&mine, env).unwrap().key.as_deref(), Some("sk-mine"));
        let both = |k: &str| {
            if k.starts_with("TURBOCAT_LLM_API") || k == "OPENAI_API_KEY" {
                Some(k.to_string())
            } else {
                None
            }
        };
        assert_eq!(endpoint(&stored, both).unwrap().key.as_deref(), Some("TURBOCAT_LLM_API_KEY"), "ours first");
        assert!(not_configured("X").contains("turbocat settings llm --base-url"));
    }

    #[test]
    fn requests_from_inputs_config_and_settings() {
        // The seed's LLM Summarizer: no prompt, so the inputs become the user message; the
        // description is the system prompt; the settings' model wins over the config's.
        let seed = agent(
            json!({"provider": "openai", "model": "gpt-4o-mini", "maxTokens": 2000, "temperature": 0.3}),
            Some("Uses AI to summarize and analyze text content"),
        );
        let (mut b, j) =
            request_body(&seed, &json!({"text": "Long text", "style": "brief", "maxLength": 100}), Some("local"))
                .unwrap();
        assert!(!j);
        let user = b["messages"][1]["content"].as_str().unwrap();
        let mut lines: Vec<&str> = user.lines().collect();
        lines.sort_unstable();
        assert_eq!(lines, ["maxLength: 100", "style: brief", "text: Long text"]);
        b["messages"][1]["content"] = json!("…");
        assert_eq!(
            b,
            json!({"model": "local", "stream": false, "temperature": 0.3, "max_tokens": 2000, "messages": [
                {"role": "system", "content": "Uses AI to summarize and analyze text content"},
                {"role": "user", "content": "…"}]})
        );
        let (b, _) = request_body(&seed, &json!({"text": "t"}), None).unwrap();
        assert_eq!(b["model"], "gpt-4o-mini", "the agent's model without a setting");

        // A template, messages, a system prompt, a JSON answer; step inputs override config.
        let a = agent(
            json!({"model": "m", "promptTemplate": "Tell {{who}} about {{inputs.topic}} ({{n}})", "systemPrompt": "Be terse",
                   "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}],
                   "responseFormat": "json", "temperature": 1}),
            None,
        );
        let (b, j) = request_body(
            &a,
            &json!({"who": "Ann", "topic": "cats", "n": 3, "temperature": 0.5, "model": "x"}),
            Some("s"),
        )
        .unwrap();
        assert!(j);
        assert_eq!(b["model"], "x");
        assert_eq!(b["temperature"], 0.5);
        assert_eq!(b["response_format"], json!({"type": "json_object"}));
        assert_eq!(
            b["messages"],
            json!([{"role": "system", "content": "Be terse"}, {"role": "user", "content": "hi"},
                   {"role": "assistant", "content": "hello"}, {"role": "user", "content": "Tell Ann about cats (3)"}])
        );
        let err = |c: Json, i: Json| match request_body(&agent(c, None), &i, Some("m")) {
            Err(AgentError::Permanent(m)) => m,
            other => panic!("{other:?}"),
        };
        assert!(err(json!({"promptTemplate": "{{nope}}"}), json!({})).contains("promptTemplate"));
        assert!(err(json!({}), json!({})).contains("nothing to send"));
        assert!(err(json!({"temperature": 7}), json!({"prompt": "x"})).contains("temperature"));
        assert!(err(json!({"messages": [{"role": "robot"}]}), json!({})).contains("messages.0.role"));
        assert!(
            matches!(request_body(&agent(json!({}), None), &json!({"prompt": "x"}), None), Err(AgentError::Permanent(m)) if m.contains("no model"))
        );
    }

    #[test]
    fn json_answers_with_or_without_a_fence() {
        assert_eq!(parse_json_answer(" {\"a\": 1} "), Some(json!({"a": 1})));
        assert_eq!(parse_json_answer("```json\n{\"a\": [1]}\n```"), Some(json!({"a": [1]})));
        assert_eq!(parse_json_answer("sure! {\"a\": 1}"), None);
    }
}
