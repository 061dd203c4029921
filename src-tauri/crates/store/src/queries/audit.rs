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
    record_from(conn, None, user_id, action, resource_type, resource_id, changes, metadata)
}

/// Where a change came from, beyond its user: the local server's caller (the app and the CLI
/// have none, and are recorded as `turbocat-desktop/<version>`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Caller {
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
}

/// [`record`] with the request's caller.
#[allow(clippy::too_many_arguments)]
pub fn record_from(
    conn: &Connection,
    caller: Option<&Caller>,
    user_id: Option<Uuid>,
    action: &str,
    resource_type: &str,
    resource_id: Option<Uuid>,
    changes: Json,
    metadata: Json,
) -> StoreResult<AuditLog> {
    let (ip_address, user_agent) = match caller {
        Some(c) => (c.ip_address.clone(), c.user_agent.clone()),
        None => (None, Some(format!("turbocat-desktop/{}", env!("CARGO_PKG_VERSION")))),
    };
    let log = AuditLog {
        id: new_id(),
        user_id,
        action: action.to_string(),
        resource_type: resource_type.to_string(),
        resource_id,
        changes,
        metadata,
        ip_address,
        user_agent,
        created_at: Timestamp::now(),
    };
    row::insert(conn, &log)?;
    Ok(log)
}

/// An audit row of the database itself (migration, restore), with no user.
pub fn record_system(conn: &Connection, action: &str, changes: Json, metadata: Json) -> StoreResult<AuditLog> {
    record(conn, None, action, "database", None, changes, metadata)
}
