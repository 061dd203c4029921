//! The few named queries the services need beyond the generic row, list and count functions:
//! each is one statement, named for what it answers, so no SQL lives outside this crate but
//! the read models ARCHITECTURE.md names.

use crate::error::StoreResult;
use crate::queries::{ts_value, uuid_value, Filter};
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
use turbocat_domain::{Timestamp, Uuid};

/// The highest version among an agent and its versions (`parent_id` = the root).
pub fn agent_max_version(conn: &Connection, root: Uuid) -> StoreResult<Option<i64>> {
    Ok(conn.query_row("SELECT max(version) FROM agents WHERE id = ?1 OR parent_id = ?1", [uuid_value(root)], |r| {
        r.get(0)
    })?)
}

/// Counts one use of an API key.
pub fn api_key_used(tx: &Connection, id: Uuid, at: Timestamp, uses: i64) -> StoreResult<()> {
    tx.execute(
        "UPDATE api_keys SET last_used_at = ?2, usage_count = usage_count + ?3 WHERE id = ?1",
        params![uuid_value(id), ts_value(at), uses],
    )?;
    Ok(())
}

/// Counts one instantiation of a template.
pub fn template_used(tx: &Connection, id: Uuid, at: Timestamp) -> StoreResult<()> {
    tx.execute(
        "UPDATE templates SET usage_count = usage_count + 1, updated_at = ?2 WHERE id = ?1",
        params![uuid_value(id), ts_value(at)],
    )?;
    Ok(())
}

/// The distinct categories of the templates `filter` selects, ascending.
pub fn template_categories(conn: &Connection, filter: &Filter) -> StoreResult<Vec<String>> {
    let mut stmt =
        conn.prepare(&format!("SELECT DISTINCT category FROM templates {} ORDER BY category ASC", filter.sql()))?;
    let rows = stmt.query_map(params_from_iter(filter.params()), |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Ids of the rows of `table` that `owner_column` gives to `owner`, not deleted, oldest first.
/// `table` and `owner_column` are the caller's constants, never input.
pub fn owned_ids(conn: &Connection, table: &str, owner_column: &str, owner: Uuid) -> StoreResult<Vec<String>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT id FROM {table} WHERE {owner_column} = ?1 AND deleted_at IS NULL ORDER BY created_at, id"
    ))?;
    let rows = stmt.query_map([uuid_value(owner)], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The `user_id` of a row: `None` when there is no such row, `Some(None)` when it has none.
pub fn owner_of(conn: &Connection, table: &str, id: Uuid) -> StoreResult<Option<Option<String>>> {
    Ok(conn
        .query_row(&format!("SELECT user_id FROM {table} WHERE id = ?1"), [uuid_value(id)], |r| r.get(0))
        .optional()?)
}

/// Whether a user has this id or this email.
pub fn user_exists(conn: &Connection, id: Uuid, email: &str) -> StoreResult<bool> {
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM users WHERE id = ?1 OR email = ?2",
        params![uuid_value(id), email],
        |r| r.get(0),
    )?;
    Ok(n > 0)
}

/// The stored status of an execution, the column only (a run polls it, and `input_data` can
/// be megabytes).
pub fn execution_status(conn: &Connection, id: Uuid) -> StoreResult<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT status FROM executions WHERE id = ?1")?
        .query_row([uuid_value(id)], |r| r.get(0))
        .optional()?)
}

/// How many steps of an execution are in each status, by the latest log row of each step (by
/// time, then id: UUIDv7, insertion order, since a step's rows often share a millisecond).
pub fn step_status_counts(conn: &Connection, execution_id: Uuid) -> StoreResult<Vec<(String, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT step_status, count(*) FROM (
            SELECT step_key, step_status, max(created_at || id) FROM execution_logs
            WHERE execution_id = ?1 AND step_key IS NOT NULL AND step_status IS NOT NULL
            GROUP BY step_key) GROUP BY step_status",
    )?;
    let rows = stmt.query_map([uuid_value(execution_id)], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every deployment with environment variables: id and the variables' JSON text.
pub fn deployments_with_vars(conn: &Connection) -> StoreResult<Vec<(String, String)>> {
    let mut stmt = conn.prepare("SELECT id, environment_vars FROM deployments WHERE environment_vars <> '{}'")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Rewrites deployments' variables as a local repair, not an edit: the outbox triggers are
/// silenced (nothing to push) and `updated_at` stays. In the caller's transaction.
pub fn repair_deployment_vars(tx: &Connection, vars: &[(String, String)]) -> StoreResult<()> {
    tx.execute_batch("UPDATE sync_control SET applying = 1")?;
    for (id, v) in vars {
        tx.execute("UPDATE deployments SET environment_vars = ?2 WHERE id = ?1", params![id, v])?;
    }
    tx.execute_batch("UPDATE sync_control SET applying = 0")?;
    Ok(())
}

/// The number of rows of `table` (a constant of the caller).
pub fn count_all(conn: &Connection, table: &str) -> StoreResult<i64> {
    Ok(conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
}
