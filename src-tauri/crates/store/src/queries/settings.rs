//! The local `app_settings` table: small JSON values keyed by name (current user, seed state,
//! device preferences). Local only; never synced.

use crate::error::StoreResult;
use rusqlite::{Connection, OptionalExtension};
use serde_json::Value as Json;

/// The key of the local profile's user id (sync re-points it when it adopts the hosted
/// project's id for the same email).
pub const CURRENT_USER_KEY: &str = "current_user_id";
/// The key of the far server's clock offset in milliseconds, measured by sync and applied to
/// the hybrid clock at open.
pub const CLOCK_OFFSET_KEY: &str = "clock_offset_ms";

pub fn get(conn: &Connection, key: &str) -> StoreResult<Option<Json>> {
    let raw: Option<String> =
        conn.query_row("SELECT value FROM app_settings WHERE key = ?1", [key], |r| r.get(0)).optional()?;
    Ok(raw.and_then(|s| serde_json::from_str(&s).ok()))
}

pub fn set(conn: &Connection, key: &str, value: &Json) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO app_settings (key, value, updated_at) VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        rusqlite::params![key, value.to_string()],
    )?;
    Ok(())
}
