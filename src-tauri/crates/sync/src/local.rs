//! The local side of sync: the outbox the triggers fill (migrations/sqlite/V3__sync.sql), the
//! per-table cursors and watermarks, applying far rows with last writer wins, and the conflicts
//! table. Everything here is SQLite through the store's single writer.

use crate::codec::{decode, encode, SyncTable};
use crate::{Error, Result};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use serde_json::{json, Map, Value as Json};
use std::borrow::Cow;
use std::collections::BTreeMap;
use turbocat_store::queries::settings;
use turbocat_store::secrets::SecretBox;
use turbocat_store::{Store, StoreError};

/// The `app_settings` key holding what sync remembers about its far side.
pub const STATE_KEY: &str = "sync";

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        Error::Domain(e.into())
    }
}
impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Local(e.to_string())
    }
}
impl From<turbocat_domain::Error> for Error {
    fn from(e: turbocat_domain::Error) -> Self {
        Error::Domain(e)
    }
}

/// Runs `f` in one immediate transaction on the writer. `applying` silences the outbox
/// triggers for the transaction (so rows written from the far side are not pushed back);
/// `foreign_keys_off` lets far rows land before the rows they point at (pages of one table, or a
/// parent outside this user's scope).
pub fn write<T>(
    store: &Store,
    applying: bool,
    foreign_keys_off: bool,
    f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
) -> Result<T> {
    // `f`'s own error passes through the store's closure untouched.
    let mut failed: Option<Error> = None;
    let out = store.with_writer(|conn| {
        if foreign_keys_off {
            conn.execute_batch("PRAGMA foreign_keys = OFF")?;
        }
        let out = (|| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            if applying {
                tx.execute_batch("UPDATE sync_control SET applying = 1")?;
            }
            let out = match f(&tx) {
                Ok(v) => v,
                Err(e) => {
                    failed = Some(e);
                    return Err(StoreError::Refused(String::new()));
                }
            };
            if applying {
                tx.execute_batch("UPDATE sync_control SET applying = 0")?;
            }
            tx.commit()?;
            Ok(out)
        })();
        if foreign_keys_off {
            conn.execute_batch("PRAGMA foreign_keys = ON")?;
        }
        out
    });
    out.map_err(|e| failed.take().unwrap_or_else(|| e.into()))
}

pub fn read<T>(store: &Store, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
    let mut out = None;
    store.read(|c| {
        out = Some(f(c));
        Ok(())
    })?;
    out.expect("read ran")
}

/// The local profile's user id.
pub fn me(conn: &Connection) -> Result<String> {
    settings::get(conn, settings::CURRENT_USER_KEY)?.and_then(|v| v.as_str().map(str::to_string)).ok_or_else(|| {
        Error::Local(
            "the database has no local profile yet: open it with the app or `turbocat db migrate` first".into(),
        )
    })
}

/// What sync remembers in `app_settings.sync`.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize, PartialEq, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, rename = "SyncState")]
pub struct State {
    /// Which far database and schema the outbox and cursors refer to.
    pub target: Option<String>,
    pub last_push_at: Option<String>,
    pub last_pull_at: Option<String>,
    pub last_reconcile_at: Option<String>,
}

pub fn state(conn: &Connection) -> Result<State> {
    Ok(settings::get(conn, STATE_KEY)?.and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default())
}

pub fn save_state(conn: &Connection, s: &State) -> Result<()> {
    settings::set(conn, STATE_KEY, &serde_json::to_value(s).expect("state serializes"))?;
    Ok(())
}

/// The `app_settings` key of the connection the Settings page saved.
pub const CONNECTION_KEY: &str = "sync.connection";

/// The far connection the Settings page saved. The URL never holds the password: that is in
/// the OS keychain ([`crate::secret`]).
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize, PartialEq, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct SavedConnection {
    /// `postgresql://user@host:port/database?…`, without the password.
    pub url: String,
    /// `public` or `backend`; `None` detects it.
    pub schema: Option<String>,
    /// Sync in the background every so many minutes while the app runs; `None` only on demand.
    pub every_minutes: Option<u32>,
}

pub fn saved_connection(conn: &Connection) -> Result<Option<SavedConnection>> {
    Ok(settings::get(conn, CONNECTION_KEY)?.and_then(|v| serde_json::from_value(v).ok()))
}

/// Forgets the saved connection (the sync state stays, for a later connection to the same target).
pub fn clear_connection(store: &Store) -> Result<()> {
    write(store, false, false, |tx| {
        tx.execute("DELETE FROM app_settings WHERE key = ?1", [CONNECTION_KEY])?;
        Ok(())
    })
}

/// Saves the connection; refuses a URL that still holds a password.
pub fn save_connection(store: &Store, saved: &SavedConnection) -> Result<()> {
    if crate::split_password(&saved.url)?.1.is_some() {
        return Err(Error::Config("the saved URL must not hold the password; it belongs in the keychain".into()));
    }
    write(store, false, false, |tx| {
        settings::set(tx, CONNECTION_KEY, &serde_json::to_value(saved).expect("connection serializes"))?;
        Ok(())
    })
}

/// Points sync at a far target. A new target starts over: every local row is dirty, the append
/// watermarks and pull cursors restart, so the first sync with it pushes and pulls everything.
pub fn bind_target(store: &Store, target: &str, tables: &[SyncTable]) -> Result<()> {
    write(store, false, false, |tx| {
        if state(tx)?.target.as_deref() == Some(target) {
            return Ok(());
        }
        tx.execute("DELETE FROM sync_state", [])?;
        tx.execute("DELETE FROM sync_outbox", [])?;
        for t in tables.iter().filter(|t| !t.append_only) {
            tx.execute(
                &format!(
                    "INSERT INTO sync_outbox (tbl, row_id, op, seq) SELECT ?1, id, 'U', 0 FROM {} WHERE true \
                     ON CONFLICT (tbl, row_id) DO NOTHING",
                    t.name
                ),
                [t.name],
            )?;
        }
        save_state(tx, &State { target: Some(target.to_string()), ..Default::default() })
    })
}

/// An outbox entry.
#[derive(Debug, Clone)]
pub struct Dirty {
    pub row_id: String,
    pub delete: bool,
    pub seq: i64,
    /// The row's `updated_at` before its first unpushed edit (none for a new row).
    pub base_at: Option<String>,
}

pub fn dirty(conn: &Connection, table: &str) -> Result<Vec<Dirty>> {
    let mut stmt =
        conn.prepare_cached("SELECT row_id, op, seq, base_at FROM sync_outbox WHERE tbl = ?1 ORDER BY seq")?;
    let rows = stmt.query_map([table], |r| {
        Ok(Dirty { row_id: r.get(0)?, delete: r.get::<_, String>(1)? == "D", seq: r.get(2)?, base_at: r.get(3)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A local row encoded for the far side.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub id: String,
    pub values: Vec<Option<String>>,
    pub rowid: i64,
}

/// The rows among `ids` that are in the user's scope, encoded; ids not returned are gone or
/// out of scope. The id list drives the lookup (`CROSS JOIN` fixes the join order): with
/// `id IN (…) AND user_id = ?` SQLite picks the user_id index and walks every row of the
/// user for each batch (100,000 agents: about 25 ms per batch, even for one row).
pub fn read_rows(conn: &Connection, t: &SyncTable, me: &str, ids: &[&str]) -> Result<Vec<Outgoing>> {
    let sql = format!(
        "SELECT {tbl}.rowid, {cols} FROM (SELECT value FROM json_each(?2)) AS ids CROSS JOIN {tbl} \
         ON {tbl}.id = ids.value WHERE ({scope})",
        cols = t.col_list(),
        tbl = t.name,
        scope = t.owner_scope
    );
    query_outgoing(conn, t, &sql, params![me, serde_json::to_string(ids).expect("ids")])
}

/// Rows of an append-only table after `rowid`, in rowid order. `NOT INDEXED` keeps the rowid
/// range as the access path, each row's scope checked: otherwise SQLite answers the
/// `execution_id IN (…)` scope through the execution_id index, walking every log row of the
/// user's executions and sorting them by rowid — for every batch, and even when nothing is new
/// (about 0.1 s per call at 1,000,000 logs; benches/sync.rs).
pub fn read_appended(conn: &Connection, t: &SyncTable, me: &str, after: i64, limit: usize) -> Result<Vec<Outgoing>> {
    let sql = format!(
        "SELECT rowid, {cols} FROM {tbl} NOT INDEXED WHERE rowid > ?2 AND ({scope}) ORDER BY rowid LIMIT {limit}",
        cols = t.col_list(),
        tbl = t.name,
        scope = t.owner_scope
    );
    query_outgoing(conn, t, &sql, params![me, after])
}

fn query_outgoing(conn: &Connection, t: &SyncTable, sql: &str, p: impl rusqlite::Params) -> Result<Vec<Outgoing>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(p)?;
    let mut out = Vec::new();
    let id_at = t.col_index("id");
    while let Some(r) = rows.next()? {
        let mut values = Vec::with_capacity(t.cols.len());
        for (i, c) in t.cols.iter().enumerate() {
            values.push(encode(t.name, c, r.get_ref(i + 1)?).map_err(|e| Error::Local(e.to_string()))?);
        }
        let id = values[id_at].clone().unwrap_or_default();
        out.push(Outgoing { id, values, rowid: r.get(0)? });
    }
    Ok(out)
}

/// Clears the outbox entries a push sent, unless the row changed again since it was read.
pub fn ack(tx: &Connection, table: &str, sent: &[(String, i64)]) -> Result<()> {
    let mut stmt = tx.prepare_cached("DELETE FROM sync_outbox WHERE tbl = ?1 AND row_id = ?2 AND seq <= ?3")?;
    for (id, seq) in sent {
        stmt.execute(params![table, id, seq])?;
    }
    Ok(())
}

pub fn watermark(conn: &Connection, table: &str) -> Result<i64> {
    Ok(conn
        .query_row("SELECT push_rowid FROM sync_state WHERE tbl = ?1", [table], |r| r.get(0))
        .optional()?
        .unwrap_or(0))
}

pub fn set_watermark(tx: &Connection, table: &str, rowid: i64) -> Result<()> {
    tx.execute(
        "INSERT INTO sync_state (tbl, push_rowid) VALUES (?1, ?2) ON CONFLICT (tbl) DO UPDATE SET push_rowid = excluded.push_rowid",
        params![table, rowid],
    )?;
    Ok(())
}

/// The `app_settings` key of the far time the last complete pull began (with the target it
/// was pulled from: a new target ignores it). Where the next pull's look-back starts.
pub const PULL_ANCHOR_KEY: &str = "sync.pull_anchor";

/// When the last complete pull from the bound target began, in far time.
pub fn pull_anchor(conn: &Connection) -> Result<Option<turbocat_domain::Timestamp>> {
    let target = state(conn)?.target;
    Ok(settings::get(conn, PULL_ANCHOR_KEY)?.and_then(|v| {
        let same = target.is_some() && v.get("target").and_then(Json::as_str) == target.as_deref();
        v.get("at").and_then(Json::as_str).filter(|_| same).and_then(|at| at.parse().ok())
    }))
}

pub fn set_pull_anchor(tx: &Connection, at: turbocat_domain::Timestamp) -> Result<()> {
    let target = state(tx)?.target;
    settings::set(tx, PULL_ANCHOR_KEY, &json!({"target": target, "at": at.to_string()}))?;
    Ok(())
}

/// The pull cursor: the last (stamp, id) applied.
pub fn cursor(conn: &Connection, table: &str) -> Result<Option<(String, String)>> {
    Ok(conn
        .query_row("SELECT pull_at, pull_id FROM sync_state WHERE tbl = ?1 AND pull_at IS NOT NULL", [table], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?)
}

fn set_cursor(tx: &Connection, table: &str, at: &str, id: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO sync_state (tbl, pull_at, pull_id) VALUES (?1, ?2, ?3) \
         ON CONFLICT (tbl) DO UPDATE SET pull_at = excluded.pull_at, pull_id = excluded.pull_id",
        params![table, at, id],
    )?;
    Ok(())
}

/// A far row as text per column (codec's far text), in the table's column order.
pub type FarRow = Vec<Option<String>>;

/// What applying far rows did.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Applied {
    pub written: u64,
    pub unchanged: u64,
    pub conflicts: u64,
}

impl std::ops::AddAssign for Applied {
    fn add_assign(&mut self, o: Applied) {
        self.written += o.written;
        self.unchanged += o.unchanged;
        self.conflicts += o.conflicts;
    }
}

/// Gives local rows that share a natural key with a far row the far row's id (the local
/// foreign keys follow through ON UPDATE CASCADE), and re-keys their outbox entries. Returns how
/// many rows were re-pointed.
pub fn adopt(store: &Store, t: &SyncTable, far: &[(String, Vec<String>)]) -> Result<u64> {
    if t.natural_key.is_empty() || far.is_empty() {
        return Ok(0);
    }
    write(store, true, false, |tx| {
        let me_before = me(tx).ok();
        let cond: Vec<String> = t.natural_key.iter().enumerate().map(|(i, k)| format!("{k} = ?{}", i + 2)).collect();
        let find = format!("SELECT id FROM {} WHERE {} AND id <> ?1", t.name, cond.join(" AND "));
        let mut n = 0;
        for (far_id, key) in far {
            let mut p: Vec<&dyn rusqlite::ToSql> = vec![far_id];
            p.extend(key.iter().map(|k| k as &dyn rusqlite::ToSql));
            let local: Option<String> = tx.query_row(&find, p.as_slice(), |r| r.get(0)).optional()?;
            let Some(local) = local else { continue };
            tx.execute(&format!("UPDATE {} SET id = ?1 WHERE id = ?2", t.name), params![far_id, local])?;
            tx.execute(
                "UPDATE OR REPLACE sync_outbox SET row_id = ?1 WHERE tbl = ?2 AND row_id = ?3",
                params![far_id, t.name, local],
            )?;
            // Rows pointing at it changed too (cascade): they must reach the far side as such.
            mark_children(tx, t.name, far_id)?;
            if t.name == "users" && me_before.as_deref() == Some(local.as_str()) {
                settings::set(tx, settings::CURRENT_USER_KEY, &json!(far_id))?;
            }
            n += 1;
        }
        Ok(n)
    })
}

/// After a parent's id changed, its children in editable tables carry the new id: mark them
/// dirty (the triggers are silenced while adopting).
fn mark_children(tx: &Connection, table: &str, id: &str) -> Result<()> {
    let children: &[(&str, &str)] = match table {
        "users" => &[
            ("agents", "user_id"),
            ("workflows", "user_id"),
            ("executions", "user_id"),
            ("templates", "user_id"),
            ("deployments", "user_id"),
            ("api_keys", "user_id"),
        ],
        _ => &[],
    };
    for (child, col) in children {
        tx.execute(
            &format!(
                "INSERT INTO sync_outbox (tbl, row_id, op, seq) SELECT '{child}', id, 'U', \
                 (SELECT seq FROM sync_control) FROM {child} WHERE {col} = ?1 \
                 ON CONFLICT (tbl, row_id) DO UPDATE SET op = 'U'"
            ),
            [id],
        )?;
    }
    Ok(())
}

/// A whole local row by id: replacing the stored one (`replace`) or only when it is missing.
fn local_insert_sql(t: &SyncTable, replace: bool) -> String {
    let qs: Vec<String> = (1..=t.cols.len()).map(|i| format!("?{i}")).collect();
    let action = if replace {
        let sets: Vec<String> =
            t.cols.iter().filter(|c| c.name != "id").map(|c| format!("\"{0}\" = excluded.\"{0}\"", c.name)).collect();
        format!("DO UPDATE SET {}", sets.join(", "))
    } else {
        "DO NOTHING".to_string()
    };
    format!("INSERT INTO {} ({}) VALUES ({}) ON CONFLICT (id) {action}", t.name, t.col_list(), qs.join(", "))
}

/// A stored value as JSON (conflict rows keep the local storage form).
fn value_json(v: rusqlite::types::ValueRef<'_>) -> Json {
    use rusqlite::types::ValueRef;
    match v {
        ValueRef::Integer(n) => json!(n),
        ValueRef::Real(f) => json!(f),
        ValueRef::Text(s) => json!(String::from_utf8_lossy(s)),
        ValueRef::Null | ValueRef::Blob(_) => Json::Null,
    }
}

/// Deployment environment variables are sealed with this machine's key locally and plain on
/// the far side (as the hosted project stores them): [`open_secrets`] before a push, and
/// [`seal_secrets`] on every far row before it is stored. Other tables pass through.
const SECRET_COLUMN: (&str, &str) = ("deployments", "environment_vars");

fn secret_box(store: &Store, t: &SyncTable) -> Result<Option<(SecretBox, usize)>> {
    if t.name != SECRET_COLUMN.0 {
        return Ok(None);
    }
    Ok(Some((SecretBox::open(store.path())?, t.col_index(SECRET_COLUMN.1))))
}

/// Rewrites the JSON text of one column through `f`; a value that is not JSON stays (the
/// decode that follows refuses it with its own message).
fn rewrite_json(value: &mut Option<String>, f: impl FnOnce(&mut Json)) {
    if let Some(mut vars) = value.as_deref().and_then(|s| serde_json::from_str::<Json>(s).ok()) {
        f(&mut vars);
        *value = Some(vars.to_string());
    }
}

/// Local rows about to be pushed, with their secrets in plain text for the far side.
pub fn open_secrets(store: &Store, t: &SyncTable, rows: &mut [Outgoing]) -> Result<()> {
    if let Some((secrets, at)) = secret_box(store, t)? {
        for r in rows {
            rewrite_json(&mut r.values[at], |v| secrets.open_vars(v));
        }
    }
    Ok(())
}

/// Far rows about to be stored, with their secrets sealed: nothing plain reaches the file.
fn seal_secrets<'a>(store: &Store, t: &SyncTable, rows: impl Iterator<Item = &'a mut FarRow>) -> Result<()> {
    if let Some((secrets, at)) = secret_box(store, t)? {
        for r in rows {
            rewrite_json(&mut r[at], |v| {
                secrets.seal_vars(v);
            });
        }
    }
    Ok(())
}

/// Applies far rows with last writer wins by `updated_at`: a far row newer than the local one
/// replaces it, and when the local one had an unpushed edit, that edit goes to the conflicts
/// table first. Append-only rows are inserted when missing. `cursor` advances the table's pull
/// cursor in the same transaction.
pub fn apply(
    store: &Store,
    t: &SyncTable,
    rows: &[FarRow],
    detected_by: &str,
    cursor: Option<(&str, &str)>,
) -> Result<Applied> {
    let id_at = t.col_index("id");
    let stamp_at = t.col_index(t.stamp_col());
    let mut rows = Cow::Borrowed(rows);
    if t.name == SECRET_COLUMN.0 {
        seal_secrets(store, t, rows.to_mut().iter_mut())?;
    }
    write(store, true, true, |tx| {
        let mut out = Applied::default();
        let max_rowid_before: i64 =
            tx.query_row(&format!("SELECT coalesce(max(rowid), 0) FROM {}", t.name), [], |r| r.get(0))?;
        let (upsert, insert) = (local_insert_sql(t, true), local_insert_sql(t, false));
        let local_stamp = format!(
            "SELECT {stamp}, (SELECT seq FROM sync_outbox WHERE tbl = '{tbl}' AND row_id = ?1) FROM {tbl} WHERE id = ?1",
            stamp = t.stamp_col(),
            tbl = t.name
        );
        for row in rows.iter() {
            let values: Vec<Value> = t
                .cols
                .iter()
                .zip(row.iter().cloned())
                .map(|(c, v)| decode(t.name, c, v))
                .collect::<std::result::Result<_, _>>()
                .map_err(|e| Error::Local(e.to_string()))?;
            if t.append_only {
                let n = tx.prepare_cached(&insert)?.execute(params_from_iter(values.iter()))?;
                if n == 1 {
                    out.written += 1
                } else {
                    out.unchanged += 1
                }
                continue;
            }
            let id = row[id_at].as_deref().unwrap_or_default();
            let far_stamp = row[stamp_at].as_deref().unwrap_or_default();
            let local: Option<(String, Option<i64>)> =
                tx.prepare_cached(&local_stamp)?.query_row([id], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
            if let Some((local_stamp, dirty)) = &local {
                if far_stamp <= local_stamp.as_str() {
                    out.unchanged += 1;
                    continue;
                }
                if dirty.is_some() {
                    let row = row_json(tx, t, id)?.unwrap_or(Json::Null);
                    keep_loser(tx, t, id, "local", &row, local_stamp, far_stamp, detected_by)?;
                    tx.execute("DELETE FROM sync_outbox WHERE tbl = ?1 AND row_id = ?2", params![t.name, id])?;
                    out.conflicts += 1;
                }
            }
            tx.prepare_cached(&upsert)?.execute(params_from_iter(values.iter()))?;
            out.written += 1;
            observe(far_stamp);
        }
        if t.append_only {
            // Rows that came from the far side need no push: move the watermark over them when
            // everything before them had been pushed.
            if watermark(tx, t.name)? >= max_rowid_before {
                let max: i64 =
                    tx.query_row(&format!("SELECT coalesce(max(rowid), 0) FROM {}", t.name), [], |r| r.get(0))?;
                set_watermark(tx, t.name, max)?;
            }
        }
        if let Some((at, id)) = cursor {
            set_cursor(tx, t.name, at, id)?;
        }
        Ok(out)
    })
}

/// Local stamps made after a far row was taken must beat it (a hybrid clock's receive rule),
/// unless the far stamp is implausibly far ahead (over an hour), which would drag every later
/// local stamp along.
fn observe(far_stamp: &str) {
    if let Ok(t) = far_stamp.parse::<turbocat_domain::Timestamp>() {
        let horizon = turbocat_domain::Timestamp::now().millis() + turbocat_domain::clock::server_offset() + 3_600_000;
        if t.millis() <= horizon {
            turbocat_domain::clock::observe(t);
        }
    }
}

/// Keeps the version of a row that lost last writer wins: `loser` is "local" or "far".
#[allow(clippy::too_many_arguments)]
fn keep_loser(
    tx: &Connection,
    t: &SyncTable,
    id: &str,
    loser: &str,
    row: &Json,
    local_stamp: &str,
    far_stamp: &str,
    by: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO sync_conflicts (tbl, row_id, loser, loser_row, local_updated_at, far_updated_at, detected_at, detected_by) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![t.name, id, loser, row.to_string(), local_stamp, far_stamp, turbocat_domain::Timestamp::now().to_string(), by],
    )?;
    Ok(())
}

/// Keeps far versions a push is about to overwrite: rows edited on the far side after the
/// local edit's base, but stamped before it. `far` rows are in codec far text.
pub fn keep_far_losers(store: &Store, t: &SyncTable, far: &[(FarRow, String)]) -> Result<u64> {
    if far.is_empty() {
        return Ok(0);
    }
    let mut far = Cow::Borrowed(far);
    if t.name == SECRET_COLUMN.0 {
        seal_secrets(store, t, far.to_mut().iter_mut().map(|(row, _)| row))?;
    }
    write(store, false, false, |tx| {
        let stamp_at = t.col_index("updated_at");
        for (row, local_stamp) in far.iter() {
            let mut m = Map::new();
            for (c, v) in t.cols.iter().zip(row.iter().cloned()) {
                let v = decode(t.name, c, v).map_err(|e| Error::Local(e.to_string()))?;
                m.insert(c.name.to_string(), value_json((&v).into()));
            }
            let id = row[t.col_index("id")].clone().unwrap_or_default();
            let far_stamp = row[stamp_at].clone().unwrap_or_default();
            keep_loser(tx, t, &id, "far", &Json::Object(m), local_stamp, &far_stamp, "push")?;
        }
        Ok(far.len() as u64)
    })
}

/// A local row as `{column: stored value}`.
pub fn row_json(conn: &Connection, t: &SyncTable, id: &str) -> Result<Option<Json>> {
    let sql = format!("SELECT {} FROM {} WHERE id = ?1", t.col_list(), t.name);
    Ok(conn
        .query_row(&sql, [id], |r| {
            let mut m = Map::new();
            for (i, c) in t.cols.iter().enumerate() {
                m.insert(c.name.to_string(), value_json(r.get_ref(i)?));
            }
            Ok(Json::Object(m))
        })
        .optional()?)
}

/// Removes local rows the far side no longer has (far hard deletes), except rows with an
/// unpushed local change and the local profile. Foreign keys stay on, so local children follow
/// as they would have on the far side.
/// Only rows in the user's scope are considered: rows of other users that came with public
/// templates stay.
pub fn remove_vanished(store: &Store, t: &SyncTable, far_ids: &std::collections::HashSet<String>) -> Result<u64> {
    write(store, true, false, |tx| {
        let me = me(tx)?;
        let sql = format!(
            "SELECT id FROM {} WHERE ({}) AND id NOT IN (SELECT row_id FROM sync_outbox WHERE tbl = ?2)",
            t.name, t.owner_scope
        );
        let local: Vec<String> =
            tx.prepare(&sql)?.query_map(params![me, t.name], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        let mut n = 0;
        for id in local.iter().filter(|id| !far_ids.contains(*id) && **id != me) {
            n += tx.execute(&format!("DELETE FROM {} WHERE id = ?1", t.name), [id])? as u64;
        }
        Ok(n)
    })
}

/// A conflict the user can see and restore.
#[derive(Debug, Clone, Serialize, PartialEq, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "SyncConflict")]
pub struct Conflict {
    pub id: i64,
    pub table: String,
    pub row_id: String,
    /// Which version lost: "local" (a far edit was later) or "far" (a local edit was later
    /// and overwrote it).
    pub loser: String,
    /// The version that lost, column by column as the local file stores it.
    pub loser_row: Json,
    pub local_updated_at: Option<String>,
    pub far_updated_at: Option<String>,
    pub detected_at: String,
    pub detected_by: String,
    pub restored_at: Option<String>,
}

pub fn conflicts(conn: &Connection, include_restored: bool) -> Result<Vec<Conflict>> {
    let sql = format!(
        "SELECT id, tbl, row_id, loser, loser_row, local_updated_at, far_updated_at, detected_at, detected_by, restored_at \
         FROM sync_conflicts {} ORDER BY id DESC",
        if include_restored { "" } else { "WHERE restored_at IS NULL" }
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([], |r| {
        Ok(Conflict {
            id: r.get(0)?,
            table: r.get(1)?,
            row_id: r.get(2)?,
            loser: r.get(3)?,
            loser_row: serde_json::from_str(&r.get::<_, String>(4)?).unwrap_or(Json::Null),
            local_updated_at: r.get(5)?,
            far_updated_at: r.get(6)?,
            detected_at: r.get(7)?,
            detected_by: r.get(8)?,
            restored_at: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Puts a conflict's losing version back as a new local edit (stamped now, so the next push
/// makes it the far version too). The version it replaces is kept as a conflict in turn
/// (already marked restored, so it is listed with `--all` only), so a restore loses nothing.
pub fn restore(store: &Store, tables: &[SyncTable], conflict_id: i64) -> Result<Conflict> {
    write(store, false, false, |tx| {
        let c = conflicts(tx, true)?.into_iter().find(|c| c.id == conflict_id).ok_or_else(|| {
            Error::Refused(format!("there is no conflict {conflict_id}: `turbocat sync conflicts` lists them"))
        })?;
        if let Some(at) = &c.restored_at {
            return Err(Error::Refused(format!("conflict {conflict_id} was already restored at {at}")));
        }
        let t = tables
            .iter()
            .find(|t| t.name == c.table)
            .ok_or_else(|| Error::Local(format!("unknown table {}", c.table)))?;
        let Json::Object(saved) = &c.loser_row else {
            return Err(Error::Refused(format!("conflict {conflict_id} kept no row to restore")));
        };
        let current = row_json(tx, t, &c.row_id)?;
        if let Some(at) = current.as_ref().and_then(|r| r.get("updated_at")).and_then(Json::as_str) {
            observe(at);
        }
        let now = turbocat_domain::clock::stamp().to_string();
        if let Some(current) = current {
            tx.execute(
                "INSERT INTO sync_conflicts (tbl, row_id, loser, loser_row, local_updated_at, far_updated_at, detected_at, detected_by, restored_at) \
                 VALUES (?1, ?2, 'local', ?3, ?4, NULL, ?5, 'pull', ?5)",
                params![t.name, c.row_id, current.to_string(), current.get("updated_at").and_then(Json::as_str), now],
            )?;
        }
        let values: Vec<Value> = t
            .cols
            .iter()
            .map(|col| match (col.name, saved.get(col.name)) {
                ("updated_at", _) => Value::Text(now.clone()),
                (_, Some(Json::Number(n))) => {
                    n.as_i64().map(Value::Integer).unwrap_or_else(|| Value::Real(n.as_f64().unwrap_or(0.0)))
                }
                (_, Some(Json::String(s))) => Value::Text(s.clone()),
                _ => Value::Null,
            })
            .collect();
        tx.execute(&local_insert_sql(t, true), params_from_iter(values.iter()))?;
        tx.execute("UPDATE sync_conflicts SET restored_at = ?1 WHERE id = ?2", params![now, conflict_id])?;
        Ok(Conflict { restored_at: Some(now), ..c })
    })
}

/// Local numbers for `sync status`: no network.
#[derive(Debug, Clone, Serialize, PartialEq, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "SyncStatus")]
pub struct LocalStatus {
    #[serde(flatten)]
    #[ts(flatten)]
    pub state: State,
    /// Rows waiting to be pushed, per table (only tables with any).
    pub pending: BTreeMap<String, u64>,
    pub pending_total: u64,
    pub conflicts: u64,
}

pub fn status(conn: &Connection, tables: &[SyncTable]) -> Result<LocalStatus> {
    let me = me(conn)?;
    let mut pending = BTreeMap::new();
    for t in tables {
        let n: i64 = if t.append_only {
            // The rowid range, not the scope's index: see `read_appended`.
            let wm = watermark(conn, t.name)?;
            conn.query_row(
                &format!("SELECT count(*) FROM {} NOT INDEXED WHERE rowid > ?2 AND ({})", t.name, t.owner_scope),
                params![me, wm],
                |r| r.get(0),
            )?
        } else {
            conn.query_row("SELECT count(*) FROM sync_outbox WHERE tbl = ?1", [t.name], |r| r.get(0))?
        };
        if n > 0 {
            pending.insert(t.name.to_string(), n as u64);
        }
    }
    let conflicts: i64 =
        conn.query_row("SELECT count(*) FROM sync_conflicts WHERE restored_at IS NULL", [], |r| r.get(0))?;
    Ok(LocalStatus { state: state(conn)?, pending_total: pending.values().sum(), pending, conflicts: conflicts as u64 })
}
