//! A sync with one far database: connect, check, bind, then push (outbox → far, batch upserts
//! with last writer wins), pull (far → local by cursors) and reconcile (far hard deletes).
//!
//! Every far statement is a single autocommitted statement through the unnamed-statement path
//! (`query_typed`), so a transaction pooler works and a cut connection loses at most the batch
//! in flight, which the next sync replays harmlessly. The one exception is the bulk path of a
//! session connection (never through a transaction pooler): a big batch goes up by COPY, in one
//! transaction of its own. SQLite work is short and runs inline.

use crate::codec::{push_order, SyncTable};
use crate::local::{self, Applied, FarRow};
use crate::{check, connect, detect_schema, quote_ident, Error, Report, Result, SyncConfig};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::Client;
use turbocat_domain::Timestamp;
use turbocat_store::Store;

/// How far back each pull looks: far stamps come from application clocks, so a row committed
/// late may carry a stamp a little before the cursor. The window reaches back from when the
/// previous complete pull began (rows committed before then were all visible to it), or from
/// the cursor when that is older: a burst of rows just before the cursor (the logs of a run)
/// is then not downloaded again by every later pull.
pub const PULL_OVERLAP_MS: i64 = 2 * 60 * 1000;
/// Far hard deletes are found by comparing id sets, at most this often unless asked.
pub const RECONCILE_EVERY_MS: i64 = 10 * 60 * 1000;

#[derive(Debug, Clone)]
pub struct Options {
    /// Rows per far statement or COPY transaction (docs/sync.md: 1,000–5,000); a cut connection
    /// replays at most one batch.
    pub batch: usize,
    /// Compare id sets now, whatever the time since the last comparison.
    pub reconcile: bool,
    /// On a session connection (not through a transaction pooler), a batch of at least this
    /// many rows goes up by COPY in one transaction (docs/sync.md's initial upload; see
    /// `upsert_copied`); smaller batches take the parameter-array upsert.
    pub copy_min_rows: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options { batch: 5000, reconcile: false, copy_min_rows: 1000 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "SyncPhase")]
pub enum Phase {
    Push,
    Pull,
    Reconcile,
}

/// A progress report: `rows` done so far in `table` (of `total` when known).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export, rename = "SyncProgress")]
pub struct Progress {
    pub phase: Phase,
    pub table: &'static str,
    pub rows: u64,
    pub total: Option<u64>,
}

/// What a push did.
#[derive(Debug, Clone, Default, Serialize, PartialEq, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Pushed {
    /// Rows the far side took, per table.
    pub rows: BTreeMap<String, u64>,
    pub deleted: u64,
    /// Local rows that lost to a newer far version (kept in the conflicts table).
    pub conflicts: u64,
    /// Local rows given the far id of the same email, step key or key hash.
    pub adopted: u64,
    /// Changed rows that belong to other users (demo content): not sent.
    pub skipped: u64,
}

/// What a pull did.
#[derive(Debug, Clone, Default, Serialize, PartialEq, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Pulled {
    pub rows: BTreeMap<String, u64>,
    pub unchanged: u64,
    pub conflicts: u64,
    pub adopted: u64,
    /// Local rows removed because the far side deleted them (id-set comparison).
    pub removed: u64,
    pub reconciled: bool,
}

/// An open sync with one far database.
pub struct Session<'s> {
    client: Client,
    store: &'s Store,
    schema: String,
    tables: Vec<SyncTable>,
    me: String,
    pub report: Report,
    /// Far server time minus local time, in milliseconds.
    pub clock_offset_ms: i64,
    opts: Options,
    /// A session connection may COPY; through a transaction pooler it may not.
    pooler: crate::PoolerMode,
    /// The tables whose staging table this connection has made.
    staged: HashSet<&'static str>,
    /// Tables where a batch met rows the far side already had: no more direct COPY for them.
    not_new: HashSet<&'static str>,
}

impl<'s> Session<'s> {
    /// Connects, checks compatibility (an incompatible far schema is refused before anything is
    /// written), measures the clock offset, binds the target and adopts the far id of the local
    /// profile's email.
    pub async fn open(cfg: &SyncConfig, store: &'s Store, opts: Options) -> Result<Session<'s>> {
        let client = connect(cfg).await?;
        let schema = detect_schema(&client, cfg).await?;
        let report = check(&client, &schema).await?;
        if !report.compatible {
            return Err(Error::Incompatible(Box::new(report)));
        }
        let clock_offset_ms = measure_offset(&client).await?;
        turbocat_domain::clock::set_server_offset(clock_offset_ms);
        let tables = SyncTable::all();
        // Which far database and schema the outbox and cursors are about: another one starts over.
        let target = format!("{}/{}", cfg.login(), schema);
        local::bind_target(store, &target, &tables)?;
        local::write(store, false, false, |tx| {
            turbocat_store::queries::settings::set(
                tx,
                turbocat_store::queries::settings::CLOCK_OFFSET_KEY,
                &clock_offset_ms.into(),
            )?;
            Ok(())
        })?;
        let me = local::read(store, local::me)?;
        let mut s = Session {
            client,
            store,
            schema,
            tables,
            me,
            report,
            clock_offset_ms,
            opts,
            pooler: cfg.pooler,
            staged: HashSet::new(),
            not_new: HashSet::new(),
        };
        s.adopt_profile().await?;
        Ok(s)
    }

    fn table(&self, name: &str) -> &SyncTable {
        self.tables.iter().find(|t| t.name == name).expect("known table")
    }

    fn qualified(&self, t: &SyncTable) -> String {
        format!("{}.{}", quote_ident(&self.schema), quote_ident(t.name))
    }

    /// The far rows of `table` in the user's scope; `me` is the parameter placeholder of the
    /// user id.
    fn far_scope(&self, table: &str, me: &str) -> String {
        let s = quote_ident(&self.schema);
        match table {
            "users" => format!(
                "(t.id = {me}::uuid OR t.id IN (SELECT user_id FROM {s}.\"templates\" WHERE (is_official OR is_public) AND user_id IS NOT NULL))"
            ),
            "workflow_steps" => format!("t.workflow_id IN (SELECT id FROM {s}.\"workflows\" WHERE user_id = {me}::uuid)"),
            "execution_logs" => format!("t.execution_id IN (SELECT id FROM {s}.\"executions\" WHERE user_id = {me}::uuid)"),
            "templates" => format!("(t.user_id = {me}::uuid OR t.is_official OR t.is_public)"),
            _ => format!("t.user_id = {me}::uuid"),
        }
    }

    /// When the far side already has the local profile's email under another id (the user
    /// signed up there), the local profile takes that id.
    async fn adopt_profile(&mut self) -> Result<()> {
        let users = self.table("users").clone();
        let email: Option<String> = local::read(self.store, |c| {
            Ok(c.query_row("SELECT email FROM users WHERE id = ?1", [&self.me], |r| r.get(0)).ok())
        })?;
        let Some(email) = email else { return Ok(()) };
        let rows = self
            .client
            .query_typed(
                &format!("SELECT id::text FROM {} WHERE email = $1", self.qualified(&users)),
                &[(&email, Type::TEXT)],
            )
            .await?;
        if let Some(far_id) = rows.first().map(|r| r.get::<_, String>(0)) {
            if far_id != self.me {
                local::adopt(self.store, &users, &[(far_id.clone(), vec![email])])?;
                self.me = far_id;
            }
        }
        Ok(())
    }

    /// Pushes every pending local change: deletes children first, then rows parents first.
    pub async fn push(&mut self, progress: &mut dyn FnMut(Progress)) -> Result<Pushed> {
        let mut out = Pushed::default();
        for name in push_order().into_iter().rev() {
            let t = self.table(name).clone();
            if !t.append_only {
                out.deleted += self.push_deletes(&t).await?;
            }
        }
        for name in push_order() {
            let t = self.table(name).clone();
            let n = if t.append_only {
                self.push_appended(&t, progress).await?
            } else {
                self.push_rows(&t, &mut out, progress).await?
            };
            if n > 0 {
                out.rows.insert(t.name.to_string(), n);
            }
        }
        local::write(self.store, false, false, |tx| {
            let mut s = local::state(tx)?;
            s.last_push_at = Some(Timestamp::now().to_string());
            local::save_state(tx, &s)
        })?;
        Ok(out)
    }

    async fn push_deletes(&mut self, t: &SyncTable) -> Result<u64> {
        let gone: Vec<local::Dirty> =
            local::read(self.store, |c| local::dirty(c, t.name))?.into_iter().filter(|d| d.delete).collect();
        let mut n = 0;
        for chunk in gone.chunks(self.opts.batch) {
            let ids: Vec<String> = chunk.iter().map(|d| d.row_id.clone()).collect();
            let sql = format!(
                "DELETE FROM {} t WHERE t.id = ANY($1::text[]::uuid[]) AND {}",
                self.qualified(t),
                self.far_scope(t.name, "$2")
            );
            n += self.client.execute_typed(&sql, &[(&ids, Type::TEXT_ARRAY), (&self.me, Type::TEXT)]).await?;
            let sent: Vec<(String, i64)> = chunk.iter().map(|d| (d.row_id.clone(), d.seq)).collect();
            local::write(self.store, false, false, |tx| local::ack(tx, t.name, &sent))?;
        }
        Ok(n)
    }

    async fn push_rows(&mut self, t: &SyncTable, out: &mut Pushed, progress: &mut dyn FnMut(Progress)) -> Result<u64> {
        out.adopted += self.adopt_natural_keys(t).await?;
        let mut pending: Vec<local::Dirty> =
            local::read(self.store, |c| local::dirty(c, t.name))?.into_iter().filter(|d| !d.delete).collect();
        if pending.is_empty() {
            return Ok(0);
        }
        if t.cols.iter().any(|c| c.name == "parent_id") {
            pending = local::read(self.store, |c| parents_first(c, t, pending))?;
        }
        let total = pending.len() as u64;
        let mut done = 0;
        let mut taken = 0;
        for chunk in pending.chunks(self.opts.batch) {
            let ids: Vec<&str> = chunk.iter().map(|d| d.row_id.as_str()).collect();
            let mut rows = local::read(self.store, |c| local::read_rows(c, t, &self.me, &ids))?;
            local::open_secrets(self.store, t, &mut rows)?;
            out.skipped += (chunk.len() - rows.len()) as u64;
            out.conflicts += self.keep_overwritten(t, chunk, &rows).await?;
            let returned = self.upsert(t, &rows).await?;
            taken += returned.len() as u64;
            let lost: Vec<String> = rows.iter().filter(|r| !returned.contains(&r.id)).map(|r| r.id.clone()).collect();
            if !lost.is_empty() {
                let far = self.fetch_by_ids(t, &lost).await?;
                out.conflicts += local::apply(self.store, t, &far, "push", None)?.conflicts;
            }
            let sent: Vec<(String, i64)> = chunk.iter().map(|d| (d.row_id.clone(), d.seq)).collect();
            local::write(self.store, false, false, |tx| local::ack(tx, t.name, &sent))?;
            done += chunk.len() as u64;
            progress(Progress { phase: Phase::Push, table: t.name, rows: done, total: Some(total) });
        }
        Ok(taken)
    }

    async fn push_appended(&mut self, t: &SyncTable, progress: &mut dyn FnMut(Progress)) -> Result<u64> {
        let mut after = local::read(self.store, |c| local::watermark(c, t.name))?;
        let mut done = 0;
        loop {
            let rows = local::read(self.store, |c| local::read_appended(c, t, &self.me, after, self.opts.batch))?;
            let Some(last) = rows.last().map(|r| r.rowid) else { break };
            self.upsert(t, &rows).await?;
            local::write(self.store, false, false, |tx| local::set_watermark(tx, t.name, last))?;
            after = last;
            done += rows.len() as u64;
            progress(Progress { phase: Phase::Push, table: t.name, rows: done, total: None });
            if rows.len() < self.opts.batch {
                break;
            }
        }
        Ok(done)
    }

    /// Before a batch overwrites far rows: the far versions edited after the local edit's base
    /// (so concurrently) that the local edit beats are kept as conflicts. One extra far read of
    /// the batch's stamps.
    async fn keep_overwritten(&self, t: &SyncTable, chunk: &[local::Dirty], rows: &[local::Outgoing]) -> Result<u64> {
        let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
        let sql = format!(
            "SELECT t.id::text, to_char(t.updated_at, 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') FROM {} t WHERE t.id = ANY($1::text[]::uuid[])",
            self.qualified(t)
        );
        let far: HashMap<String, String> = self
            .client
            .query_typed(&sql, &[(&ids, Type::TEXT_ARRAY)])
            .await?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        let base: HashMap<&str, Option<&str>> =
            chunk.iter().map(|d| (d.row_id.as_str(), d.base_at.as_deref())).collect();
        let stamp_at = t.col_index("updated_at");
        let mut overwritten: Vec<(String, String)> = Vec::new();
        for r in rows {
            let (Some(far_stamp), Some(local_stamp)) = (far.get(&r.id), r.values[stamp_at].as_deref()) else {
                continue;
            };
            let concurrent = match base.get(r.id.as_str()).copied().flatten() {
                Some(b) => far_stamp.as_str() > b,
                None => true,
            };
            if concurrent && far_stamp.as_str() < local_stamp {
                overwritten.push((r.id.clone(), local_stamp.to_string()));
            }
        }
        if overwritten.is_empty() {
            return Ok(0);
        }
        let ids: Vec<String> = overwritten.iter().map(|(id, _)| id.clone()).collect();
        let stamps: HashMap<String, String> = overwritten.into_iter().collect();
        let far_rows = self.fetch_by_ids(t, &ids).await?;
        let id_at = t.col_index("id");
        let with_stamps: Vec<(FarRow, String)> = far_rows
            .into_iter()
            .map(|r| {
                let local = stamps.get(r[id_at].as_deref().unwrap_or_default()).cloned().unwrap_or_default();
                (r, local)
            })
            .collect();
        local::keep_far_losers(self.store, t, &with_stamps)
    }

    /// One batch upsert; the ids the far side inserted or updated (none for append-only tables).
    async fn upsert(&mut self, t: &SyncTable, rows: &[local::Outgoing]) -> Result<HashSet<String>> {
        if rows.is_empty() {
            return Ok(HashSet::new());
        }
        if self.pooler == crate::PoolerMode::Session && rows.len() >= self.opts.copy_min_rows.max(1) {
            return self.upsert_copied(t, rows).await.map_err(|e| batch_error(t, e));
        }
        let columns: Vec<Vec<Option<&str>>> =
            (0..t.cols.len()).map(|i| rows.iter().map(|r| r.values[i].as_deref()).collect()).collect();
        let params: Vec<(&(dyn ToSql + Sync), Type)> =
            columns.iter().map(|c| (c as &(dyn ToSql + Sync), Type::TEXT_ARRAY)).collect();
        let sql = t.upsert_sql(&self.schema);
        let returned = self.client.query_typed(&sql, &params).await.map_err(|e| batch_error(t, e))?;
        Ok(returned.iter().map(|r| r.get::<_, String>(0)).collect())
    }

    /// A big batch on a session connection, through COPY (text format). First straight into
    /// the far table, in one transaction: rows new to the far side (an initial upload) need no
    /// conflict handling, and any row it already has aborts the COPY with a unique violation,
    /// which leaves nothing behind. Then — for that batch and the table's later ones — COPY into
    /// a temporary staging table typed like the far table and the upsert from it, in one
    /// transaction. Either way the far side parses each value once, with no parameter arrays.
    async fn upsert_copied(
        &mut self,
        t: &SyncTable,
        rows: &[local::Outgoing],
    ) -> Result<HashSet<String>, tokio_postgres::Error> {
        let mut buf = Vec::with_capacity(rows.len() * 192);
        for r in rows {
            crate::codec::copy_text_row(&mut buf, &r.values);
        }
        let buf = bytes::Bytes::from(buf);
        if !self.not_new.contains(t.name) {
            let target = format!("{}.{}", quote_ident(&self.schema), quote_ident(t.name));
            let tx = self.client.transaction().await?;
            match copy_into(&tx, &target, t, buf.clone()).await {
                Ok(()) => {
                    tx.commit().await?;
                    return Ok(if t.append_only {
                        HashSet::new()
                    } else {
                        rows.iter().map(|r| r.id.clone()).collect()
                    });
                }
                Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::UNIQUE_VIOLATION) => {
                    tx.rollback().await?;
                    self.not_new.insert(t.name);
                }
                Err(e) => return Err(e),
            }
        }
        let staged = format!("turbocat_sync_{}", t.name);
        if !self.staged.contains(t.name) {
            self.client.batch_execute(&t.create_staged_sql(&self.schema, &staged)).await?;
            self.staged.insert(t.name);
        }
        let tx = self.client.transaction().await?;
        copy_into(&tx, &quote_ident(&staged), t, buf).await?;
        let returned = tx.query(&t.upsert_from_staged_sql(&self.schema, &staged), &[]).await?;
        tx.commit().await?;
        Ok(returned.iter().map(|r| r.get::<_, String>(0)).collect())
    }

    async fn fetch_by_ids(&self, t: &SyncTable, ids: &[String]) -> Result<Vec<FarRow>> {
        let sql =
            format!("SELECT {} FROM {} t WHERE t.id = ANY($1::text[]::uuid[])", t.select_list(), self.qualified(t));
        let rows = self.client.query_typed(&sql, &[(&ids, Type::TEXT_ARRAY)]).await?;
        Ok(rows.iter().map(|r| (0..t.cols.len()).map(|i| r.get::<_, Option<String>>(i)).collect()).collect())
    }

    /// Local changed rows whose natural key the far side holds under another id take that id.
    async fn adopt_natural_keys(&mut self, t: &SyncTable) -> Result<u64> {
        if t.natural_key.is_empty() || t.name == "users" {
            return Ok(0);
        }
        let keys: Vec<Vec<String>> = local::read(self.store, |c| {
            let cols = t.natural_key.join(", ");
            // Driven by the outbox entries (`CROSS JOIN` fixes the order), not by the scope's
            // index, which would walk every row of the user on every push (see `read_rows`).
            let sql = format!(
                "SELECT {cols} FROM (SELECT row_id FROM sync_outbox WHERE tbl = ?2 AND op = 'U') AS o \
                 CROSS JOIN {tbl} ON {tbl}.id = o.row_id WHERE ({scope})",
                tbl = t.name,
                scope = t.owner_scope
            );
            let mut stmt = c.prepare(&sql)?;
            let rows = stmt.query_map(rusqlite::params![self.me, t.name], |r| {
                (0..t.natural_key.len()).map(|i| r.get::<_, String>(i)).collect::<rusqlite::Result<Vec<_>>>()
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })?;
        let mut adopted = 0;
        for chunk in keys.chunks(self.opts.batch) {
            let far = self.far_ids_by_key(t, chunk).await?;
            adopted += local::adopt(self.store, t, &far)?;
        }
        Ok(adopted)
    }

    /// `(far id, key)` for the far rows holding these natural keys.
    async fn far_ids_by_key(&self, t: &SyncTable, keys: &[Vec<String>]) -> Result<Vec<(String, Vec<String>)>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let columns: Vec<Vec<&str>> =
            (0..t.natural_key.len()).map(|i| keys.iter().map(|k| k[i].as_str()).collect()).collect();
        let join: Vec<String> = t
            .natural_key
            .iter()
            .enumerate()
            .map(|(i, k)| {
                let kind = t.cols[t.col_index(k)].kind;
                let cast = if kind == crate::codec::Kind::Uuid { "::uuid" } else { "" };
                format!("t.{} = k.c{i}{cast}", quote_ident(k))
            })
            .collect();
        let sel: Vec<String> = t.natural_key.iter().map(|k| format!("t.{}::text", quote_ident(k))).collect();
        let sql = format!(
            "SELECT t.id::text, {sel} FROM {tbl} t JOIN unnest({params}) AS k({aliases}) ON {join}",
            sel = sel.join(", "),
            tbl = self.qualified(t),
            params = (1..=columns.len()).map(|i| format!("${i}::text[]")).collect::<Vec<_>>().join(", "),
            aliases = (0..columns.len()).map(|i| format!("c{i}")).collect::<Vec<_>>().join(", "),
            join = join.join(" AND ")
        );
        let params: Vec<(&(dyn ToSql + Sync), Type)> =
            columns.iter().map(|c| (c as &(dyn ToSql + Sync), Type::TEXT_ARRAY)).collect();
        let rows = self.client.query_typed(&sql, &params).await?;
        Ok(rows
            .iter()
            .map(|r| (r.get(0), (1..=t.natural_key.len()).map(|i| r.get::<_, String>(i)).collect()))
            .collect())
    }

    /// Pulls what changed on the far side since each table's cursor, then (every
    /// [`RECONCILE_EVERY_MS`], or when asked) removes what the far side deleted.
    pub async fn pull(&mut self, progress: &mut dyn FnMut(Progress)) -> Result<Pulled> {
        let mut out = Pulled::default();
        // In far time: every row committed before this instant is visible to the queries below.
        let started = Timestamp::now().add_millis(self.clock_offset_ms);
        let anchor = local::read(self.store, local::pull_anchor)?;
        for name in push_order() {
            let t = self.table(name).clone();
            let mut applied = Applied::default();
            let start = local::read(self.store, |c| local::cursor(c, t.name))?;
            let mut from: (String, String) = match start {
                Some((at, _)) => {
                    let at: Timestamp = at.parse().map_err(|_| Error::Local(format!("bad cursor {at}")))?;
                    let back = match anchor {
                        Some(a) => at.min(a.add_millis(-PULL_OVERLAP_MS)),
                        None => at.add_millis(-PULL_OVERLAP_MS),
                    };
                    (back.to_string(), uuid_min())
                }
                None => ("1970-01-01T00:00:00.000Z".to_string(), uuid_min()),
            };
            let stamp = quote_ident(t.stamp_col());
            let sql = format!(
                "SELECT {sel} FROM {tbl} t WHERE {scope} AND t.{stamp} >= $2::timestamp(3) \
                 AND (t.{stamp}, t.id) > ($2::timestamp(3), $3::uuid) ORDER BY t.{stamp}, t.id LIMIT {limit}",
                sel = t.select_list(),
                tbl = self.qualified(&t),
                scope = self.far_scope(t.name, "$1"),
                limit = self.opts.batch
            );
            let (id_at, stamp_at) = (t.col_index("id"), t.col_index(t.stamp_col()));
            let mut seen = 0;
            loop {
                let rows = self
                    .client
                    .query_typed(&sql, &[(&self.me, Type::TEXT), (&from.0, Type::TEXT), (&from.1, Type::TEXT)])
                    .await?;
                let far: Vec<FarRow> =
                    rows.iter().map(|r| (0..t.cols.len()).map(|i| r.get::<_, Option<String>>(i)).collect()).collect();
                let Some(last) = far.last() else { break };
                let next = (last[stamp_at].clone().unwrap_or_default(), last[id_at].clone().unwrap_or_default());
                if !t.natural_key.is_empty() {
                    let keyed: Vec<(String, Vec<String>)> = far
                        .iter()
                        .map(|r| {
                            let key =
                                t.natural_key.iter().map(|k| r[t.col_index(k)].clone().unwrap_or_default()).collect();
                            (r[id_at].clone().unwrap_or_default(), key)
                        })
                        .collect();
                    out.adopted += local::adopt(self.store, &t, &keyed)?;
                    if t.name == "users" {
                        self.me = local::read(self.store, local::me)?;
                    }
                }
                applied += local::apply(self.store, &t, &far, "pull", Some((&next.0, &next.1)))?;
                seen += far.len() as u64;
                progress(Progress { phase: Phase::Pull, table: t.name, rows: seen, total: None });
                if far.len() < self.opts.batch {
                    break;
                }
                from = next;
            }
            if applied.written > 0 {
                out.rows.insert(t.name.to_string(), applied.written);
            }
            out.unchanged += applied.unchanged;
            out.conflicts += applied.conflicts;
        }
        let due = local::read(self.store, |c| {
            Ok(match local::state(c)?.last_reconcile_at.and_then(|s| s.parse::<Timestamp>().ok()) {
                Some(at) => Timestamp::now().millis() - at.millis() >= RECONCILE_EVERY_MS,
                None => true,
            })
        })?;
        if self.opts.reconcile || due {
            out.removed = self.reconcile(progress).await?;
            out.reconciled = true;
        }
        local::write(self.store, false, false, |tx| {
            let mut s = local::state(tx)?;
            s.last_pull_at = Some(Timestamp::now().to_string());
            if out.reconciled {
                s.last_reconcile_at = s.last_pull_at.clone();
            }
            local::set_pull_anchor(tx, started)?;
            local::save_state(tx, &s)
        })?;
        Ok(out)
    }

    /// Far hard deletes: per editable table, local rows in scope (and without unpushed changes)
    /// whose id the far side no longer has are removed, children first.
    async fn reconcile(&mut self, progress: &mut dyn FnMut(Progress)) -> Result<u64> {
        let mut removed = 0;
        for name in push_order().into_iter().rev() {
            let t = self.table(name).clone();
            if t.append_only {
                continue;
            }
            let sql = format!("SELECT t.id::text FROM {} t WHERE {}", self.qualified(&t), self.far_scope(t.name, "$1"));
            let ids: HashSet<String> =
                self.client.query_typed(&sql, &[(&self.me, Type::TEXT)]).await?.iter().map(|r| r.get(0)).collect();
            removed += local::remove_vanished(self.store, &t, &ids)?;
            progress(Progress { phase: Phase::Reconcile, table: t.name, rows: ids.len() as u64, total: None });
        }
        Ok(removed)
    }
}

fn uuid_min() -> String {
    "00000000-0000-0000-0000-000000000000".to_string()
}

/// The far clock minus the local one, from one round trip (the far reading is taken as the
/// midpoint of the request).
async fn measure_offset(client: &Client) -> Result<i64> {
    let before = Timestamp::now().millis();
    let row = client.query_typed("SELECT (extract(epoch FROM clock_timestamp()) * 1000)::int8", &[]).await?;
    let after = Timestamp::now().millis();
    let far: i64 = row[0].get(0);
    Ok(far - (before + after) / 2)
}

/// Rows whose parent (a row of the same table) is also pending come after it.
fn parents_first(c: &rusqlite::Connection, t: &SyncTable, pending: Vec<local::Dirty>) -> Result<Vec<local::Dirty>> {
    let ids: Vec<&str> = pending.iter().map(|d| d.row_id.as_str()).collect();
    let mut stmt =
        c.prepare(&format!("SELECT id, parent_id FROM {} WHERE id IN (SELECT value FROM json_each(?1))", t.name))?;
    let parent: HashMap<String, String> = stmt
        .query_map([serde_json::to_string(&ids).expect("ids")], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
        })?
        .filter_map(|r| r.ok().and_then(|(id, p)| p.map(|p| (id, p))))
        .collect();
    let depth = |id: &str| {
        let (mut d, mut cur, mut guard) = (0, id.to_string(), 0);
        while let Some(p) = parent.get(&cur) {
            d += 1;
            guard += 1;
            if guard > 10_000 {
                break;
            }
            cur = p.clone();
        }
        d
    };
    let mut keyed: Vec<(usize, local::Dirty)> = pending.into_iter().map(|d| (depth(&d.row_id), d)).collect();
    keyed.sort_by_key(|(d, _)| *d);
    Ok(keyed.into_iter().map(|(_, d)| d).collect())
}

/// COPY (text format) of `data` into `table`'s synced columns.
async fn copy_into(
    tx: &tokio_postgres::Transaction<'_>,
    table: &str,
    t: &SyncTable,
    data: bytes::Bytes,
) -> Result<(), tokio_postgres::Error> {
    let sink = tx.copy_in(&format!("COPY {table} ({}) FROM STDIN", t.col_list())).await?;
    futures_util::pin_mut!(sink);
    futures_util::SinkExt::send(&mut sink, data).await?;
    sink.finish().await?;
    Ok(())
}

fn batch_error(t: &SyncTable, e: tokio_postgres::Error) -> Error {
    let e = Error::from(e);
    Error::Db(format!("pushing {}: {e}", t.name))
}

/// What a whole sync did (`turbocat sync --json`, the app's "Sync now").
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "SyncOutcome")]
pub struct Outcome {
    /// The far schema synced with.
    pub schema: String,
    /// What the compatibility check allowed but noted.
    pub warnings: Vec<crate::Finding>,
    pub pulled: Option<Pulled>,
    pub pushed: Option<Pushed>,
    /// Local changes still waiting (other users' demo rows, or edits made during the sync).
    pub pending: u64,
    /// Open conflicts, all told.
    pub conflicts: u64,
    pub seconds: f64,
}

/// Which way one sync goes: a whole sync pulls, then pushes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Both,
    PullOnly,
    PushOnly,
}

/// One sync: open (connect, check, bind), then pull and/or push, then the local status.
pub async fn run(
    cfg: &SyncConfig,
    store: &Store,
    opts: Options,
    direction: Direction,
    progress: &mut dyn FnMut(Progress),
) -> Result<Outcome> {
    let started = std::time::Instant::now();
    let mut s = Session::open(cfg, store, opts).await?;
    let pulled = if direction != Direction::PushOnly { Some(s.pull(progress).await?) } else { None };
    let pushed = if direction != Direction::PullOnly { Some(s.push(progress).await?) } else { None };
    let st = status(store)?;
    Ok(Outcome {
        schema: s.report.schema.clone(),
        warnings: s.report.warnings.clone(),
        pulled,
        pushed,
        pending: st.pending_total,
        conflicts: st.conflicts,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// The connection saved on the app's Settings page, with its password from the OS keychain;
/// `None` when none is saved. A keychain that cannot be read leaves the password out (a
/// server that needs one then says so when connecting).
pub fn saved_config(store: &Store) -> Result<Option<SyncConfig>> {
    let Some(saved) = local::read(store, local::saved_connection)? else { return Ok(None) };
    let mut cfg = SyncConfig::parse(&saved.url)?;
    if saved.schema.is_some() {
        cfg.schema = saved.schema;
    }
    if let Ok(Some(password)) = crate::secret::load(&crate::secret::account(&cfg)) {
        cfg.set_password(&password);
    }
    Ok(Some(cfg))
}

/// Local-only status (no network).
pub fn status(store: &Store) -> Result<local::LocalStatus> {
    let tables = SyncTable::all();
    local::read(store, |c| local::status(c, &tables))
}

pub fn conflicts(store: &Store, include_restored: bool) -> Result<Vec<local::Conflict>> {
    local::read(store, |c| local::conflicts(c, include_restored))
}

pub fn restore(store: &Store, conflict_id: i64) -> Result<local::Conflict> {
    local::restore(store, &SyncTable::all(), conflict_id)
}
