//! The audit log's writer: every service write calls [`record`] inside its own transaction, so
//! a change and its audit row commit together or not at all.

use crate::error::StoreResult;
use crate::row;
use rusqlite::Connection;
use serde_json::Value as Json;
use turbocat_domain::{new_id, AuditLog, Timestamp, Uuid};

/// Writes one audit row. `changes` holds the changed fields, before and after; never a secret.
pub fn record(
    conn: &Connection,
    user_id: Option<Uuid>,
    action: &str,
    resource_type: &str,
    resource_id: Option<Uuid>,
    changes: Json,
    metadata: Json,
) -> StoreResult<AuditLog> {
    let log = AuditLog {
        id: new_id(),
        user_id,
        action: action.to_string(),
        resource_type: resource_type.to_string(),
        resource_id,
        changes,
        metadata,
        ip_address: None,
        user_agent: Some(format!("turbocat-desktop/{}", env!("CARGO_PKG_VERSION"))),
        created_at: Timestamp::now(),
    };
    row::insert(conn, &log)?;
    Ok(log)
}

/// An audit row of the database itself (migration, restore), with no user.
pub fn record_system(conn: &Connection, action: &str, changes: Json, metadata: Json) -> StoreResult<AuditLog> {
    record(conn, None, action, "database", None, changes, metadata)
}
