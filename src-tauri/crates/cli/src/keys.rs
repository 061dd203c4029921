//! `turbocat keys create|list|revoke`: API keys for the local server, made headless. A new key
//! is printed once (`{"key": …}` with `--json`); only its hash is kept.

use crate::{open_services, print_json, CliResult, EXIT_OK};
use clap::Subcommand;
use std::path::Path;
use turbocat_domain::{parse_id, Timestamp};
use turbocat_services::api_keys::CreateApiKey;

#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// Makes a key for the local profile and prints it once.
    Create {
        #[arg(long)]
        name: String,
        /// Comma-separated scopes (`agents:read,workflows:execute`; `*` for all).
        #[arg(long, value_delimiter = ',')]
        scopes: Vec<String>,
        /// Expires this many days from now (default: never).
        #[arg(long, value_name = "DAYS")]
        expires_in_days: Option<u32>,
        /// Requests per minute (default 60).
        #[arg(long)]
        rate_limit: Option<i64>,
    },
    /// The keys (prefix, scopes, use), newest first.
    List,
    /// Revokes a key: refused from then on.
    Revoke { id: String },
}

pub fn keys(cmd: KeysCommand, path: &Path, json: bool) -> CliResult {
    let svc = open_services(path)?;
    match cmd {
        KeysCommand::Create { name, scopes, expires_in_days, rate_limit } => {
            let made = svc.api_keys().create(CreateApiKey {
                name,
                scopes: (!scopes.is_empty()).then_some(scopes),
                expires_at: expires_in_days.map(|d| Timestamp::now().add_millis(i64::from(d) * 86_400_000)),
                rate_limit_per_minute: rate_limit,
            })?;
            if json {
                print_json(&serde_json::json!({ "key": made.key, "apiKey": made.api_key }));
            } else {
                println!("{}", made.key);
                eprintln!(
                    "Key \"{}\" ({}): shown once, keep it now. Send it as the X-API-Key header to `turbocat serve`.",
                    made.api_key.name, made.api_key.id
                );
            }
        }
        KeysCommand::List => {
            let page =
                svc.api_keys().list(&turbocat_services::ListParams { page_size: Some(100), ..Default::default() })?;
            if json {
                print_json(&page.items);
            } else {
                for k in &page.items {
                    println!(
                        "{}  {}…  {:<24} scopes {}  {}  used {}",
                        k.id,
                        k.key_prefix,
                        k.name,
                        k.scopes.as_deref().map(|s| s.join(",")).unwrap_or_else(|| "(none)".into()),
                        if k.is_active { "active" } else { "revoked" },
                        k.usage_count
                    );
                }
            }
        }
        KeysCommand::Revoke { id } => {
            let k = svc.api_keys().revoke(parse_id(&id)?)?;
            if json {
                print_json(&k);
            } else {
                println!("Revoked {} ({}).", k.name, k.id);
            }
        }
    }
    Ok(EXIT_OK)
}
