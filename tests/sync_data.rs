//! Sync of data against a real Postgres (tests/support/postgres.rs): round trip of every column
//! of every table, concurrent edits with last writer wins and conflicts kept, deletes both ways,
//! a connection killed mid-push and resumed, an incompatible far schema refused. The suites take
//! the URL the sync uses, so `sync_pooler` runs the same ones through PgBouncer.

use crate::support::postgres::{block_on, database};
use crate::support::Env;
use serde_json::Value as Json;
use std::collections::BTreeMap;
use turbocat_store::rusqlite;
use turbocat_sync::codec::SyncTable;
use turbocat_sync::local;
use turbocat_sync::tokio_postgres::Client;
use turbocat_sync::{connect, init, Error, Options, Session, SyncConfig};

/// A far database with the ten tables in `public`; returns its direct URL.
pub fn far_db() -> String {
    let url = database();
    block_on(async {
        let mut c = connect(&SyncConfig::parse(&url).unwrap()).await.unwrap();
        init(&mut c, "public").await.unwrap();
    });
    url
}

pub async fn far(url: &str) -> Client {
    connect(&SyncConfig::parse(url).unwrap()).await.unwrap()
}

/// Runs one far statement on a connection of its own (the tests are synchronous).
fn far_exec(url: &str, sql: &str, params: &[&str]) -> u64 {
    block_on(async {
        let p: Vec<&(dyn turbocat_sync::tokio_postgres::types::ToSql + Sync)> =
            params.iter().map(|s| s as &(dyn turbocat_sync::tokio_postgres::types::ToSql + Sync)).collect();
        far(url).await.execute(sql, &p).await.unwrap()
    })
}

/// The first column of the first row of a far query.
fn far_one<T: for<'a> turbocat_sync::tokio_postgres::types::FromSql<'a>>(url: &str, sql: &str, params: &[&str]) -> T {
    block_on(async {
        let p: Vec<&(dyn turbocat_sync::tokio_postgres::types::ToSql + Sync)> =
            params.iter().map(|s| s as &(dyn turbocat_sync::tokio_postgres::types::ToSql + Sync)).collect();
        far(url).await.query_one(sql, &p).await.unwrap().get(0)
    })
}

fn far_count(url: &str, table: &str) -> i64 {
    far_one(url, &format!("SELECT count(*) FROM public.{table}"), &[])
}

/// The demo seed plus what it lacks, so that the user has rows in all ten tables: two runs
/// with logs, a deployment, an API key and an audit row.
pub fn seeded() -> Env {
    let env = Env::seeded();
    exec(&env, FILL);
    env
}

const FILL: &str = r#"
    INSERT INTO executions (id, workflow_id, user_id, status, trigger_type, trigger_data, input_data, output_data,
                            steps_completed, steps_total, started_at, completed_at, duration_ms, created_at, updated_at)
      SELECT '0190a000-0000-7000-8000-0000000e0001', id, user_id, 'completed', 'manual', '{"by":"test"}', '{"n":1}',
             '{"out":[1,2]}', 2, 2, '2026-02-01T10:00:00.001Z', '2026-02-01T10:00:01.234Z', 1233,
             '2026-02-01T10:00:00.000Z', '2026-02-01T10:00:01.234Z'
        FROM workflows WHERE user_id = (SELECT value ->> '$' FROM app_settings WHERE key = 'current_user_id') ORDER BY id LIMIT 1;
    INSERT INTO executions (id, workflow_id, user_id, status, trigger_type, error_message, created_at, updated_at)
      SELECT '0190a000-0000-7000-8000-0000000e0002', id, user_id, 'failed', 'scheduled', 'Step "b" failed: ✗',
             '2026-02-02T10:00:00.000Z', '2026-02-02T10:00:00.500Z'
        FROM workflows WHERE user_id = (SELECT value ->> '$' FROM app_settings WHERE key = 'current_user_id') ORDER BY id LIMIT 1;
    INSERT INTO execution_logs (id, execution_id, workflow_step_id, level, message, metadata, step_key, step_status,
                                step_started_at, step_completed_at, step_duration_ms, created_at)
      SELECT printf('0190a000-0000-7000-8000-0000000f%04d', e.rowid * 100 + s.rowid), e.id, s.id, 'info', 'Step ' || s.step_key || ' done ✓',
             '{"attempt":1,"tags":["x"]}', s.step_key, 'completed', '2026-02-01T10:00:00.100Z', '2026-02-01T10:00:00.200Z', 100,
             printf('2026-02-01T10:00:00.%03dZ', 200 + s.rowid)
        FROM executions e JOIN workflow_steps s ON s.workflow_id = e.workflow_id;
    INSERT INTO deployments (id, name, user_id, workflow_id, environment, status, config, environment_vars, health_status, created_at, updated_at)
      SELECT '0190a000-0000-7000-8000-00000000d001', 'Edge deploy ✓', user_id, id, 'staging', 'stopped', '{"replicas":2}', '{}', 'unknown',
             '2026-01-02T03:04:05.006Z', '2026-01-02T03:04:05.007Z'
        FROM workflows WHERE user_id = (SELECT value ->> '$' FROM app_settings WHERE key = 'current_user_id') LIMIT 1;
    INSERT INTO api_keys (id, user_id, name, key_hash, key_prefix, scopes, expires_at, created_at, updated_at)
      SELECT '0190a000-0000-7000-8000-00000000a001', value ->> '$', 'CI key', 'hash-round-trip', 'tc_live_ab',
             '["agents:read","workflows:*"]', '2027-01-01T00:00:00.001Z', '2026-01-02T03:04:05.006Z', '2026-01-02T03:04:05.006Z'
        FROM app_settings WHERE key = 'current_user_id';
    INSERT INTO audit_logs (id, user_id, action, resource_type, resource_id, changes, metadata, ip_address, created_at)
      SELECT '0190a000-0000-7000-8000-00000000c001', value ->> '$', 'agent.update', 'agent', NULL,
             '{"name":{"before":"a","after":"b"}}', '{}', '127.0.0.1', '2026-01-03T00:00:00.123Z'
        FROM app_settings WHERE key = 'current_user_id';
"#;

/// Pull then push, as `turbocat sync` does.
pub fn sync(env: &Env, url: &str, opts: Options) -> Result<(turbocat_sync::Pulled, turbocat_sync::Pushed), Error> {
    block_on(async {
        let mut s = Session::open(&SyncConfig::parse(url).unwrap(), env.svc.store(), opts).await?;
        let pulled = s.pull(&mut |_| {}).await?;
        let pushed = s.push(&mut |_| {}).await?;
        Ok((pulled, pushed))
    })
}

fn exec(env: &Env, sql: &str) {
    env.svc.store().with_writer(|c| Ok(c.execute_batch(sql)?)).unwrap();
}

fn one<T: rusqlite::types::FromSql>(env: &Env, sql: &str) -> T {
    env.svc.store().read(|c| Ok(c.query_row(sql, [], |r| r.get(0)).unwrap())).unwrap()
}

fn me(env: &Env) -> String {
    local::read(env.svc.store(), local::me).unwrap()
}

/// Every row of `table` in the user's scope, column by column, JSON text parsed (jsonb
/// normalizes spacing and key order), keyed by id.
fn rows(env: &Env, table: &str) -> BTreeMap<String, Json> {
    let t = SyncTable::all().into_iter().find(|t| t.name == table).unwrap();
    let me = me(env);
    local::read(env.svc.store(), |c| {
        let sql =
            format!("SELECT id FROM {} WHERE {}", table, turbocat_store::catalog::table(table).unwrap().owner_scope);
        let ids: Vec<String> = c.prepare(&sql)?.query_map([&me], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        let mut out = BTreeMap::new();
        for id in ids {
            let mut row = local::row_json(c, &t, &id)?.unwrap();
            for v in row.as_object_mut().unwrap().values_mut() {
                if let Some(s) = v.as_str() {
                    if s.starts_with('{') || s.starts_with('[') {
                        *v = serde_json::from_str(s).unwrap();
                    }
                }
            }
            out.insert(id, row);
        }
        Ok(out)
    })
    .unwrap()
}

const EDGE: &str = r#"
    UPDATE agents SET description = 'Ünïcødé ✓ 😀 "quoted" \ back''s', max_memory_mb = NULL,
        config = '{"nested":{"list":[1,2.5,null,"x",true],"obj":{"a":{"b":[]}}},"emoji":"😀","big":12345678901234}',
        tags = '["a\"b","c\\d","ü","", "{x,y}"]', updated_at = '2026-03-04T05:06:07.089Z'
      WHERE id = (SELECT id FROM agents WHERE user_id = (SELECT value ->> '$' FROM app_settings WHERE key = 'current_user_id') ORDER BY id LIMIT 1);
    UPDATE templates SET user_id = (SELECT value ->> '$' FROM app_settings WHERE key = 'current_user_id'),
        rating_average = 475, rating_count = 3, tags = NULL, description = NULL
      WHERE id = (SELECT id FROM templates ORDER BY id LIMIT 1);
"#;

/// Local A (the demo seed plus edge values) pushed through the CLI, then pulled into B, a new
/// database whose profile has the same email: every column of every table arrives unchanged.
pub fn round_trip(sync_url: &str, direct_url: &str) {
    round_trip_pushed_by(sync_url, direct_url, |a| {
        let db = a.path();
        let code = turbocat_cli::run(
            ["turbocat", "--db", db.to_str().unwrap(), "--json", "sync", "push", "--url", sync_url, "--batch", "7"]
                .map(Into::into),
        );
        assert_eq!(code, 0);
    });
}

fn round_trip_pushed_by(sync_url: &str, direct_url: &str, push: impl FnOnce(&Env)) {
    let a = seeded();
    exec(&a, EDGE);
    push(&a);
    assert_eq!(turbocat_sync::session::status(a.svc.store()).unwrap().pending_total, 0);
    for t in SyncTable::all() {
        assert_eq!(far_count(direct_url, t.name) as usize, rows(&a, t.name).len(), "far {} after the push", t.name);
    }

    let b = Env::empty();
    let email: String = one(
        &a,
        "SELECT email FROM users WHERE id = (SELECT value ->> '$' FROM app_settings WHERE key = 'current_user_id')",
    );
    exec(&b, &format!("UPDATE users SET email = '{email}', updated_at = '2000-01-01T00:00:00.000Z'"));
    let (pulled, _) = sync(&b, sync_url, Options::default()).unwrap();
    assert_eq!(me(&b), me(&a), "B adopted the far id of its email");
    assert!(pulled.rows.values().sum::<u64>() > 20, "{pulled:?}");

    for t in SyncTable::all() {
        let (ra, rb) = (rows(&a, t.name), rows(&b, t.name));
        assert!(!ra.is_empty(), "A has no {} of the user: the test would prove nothing", t.name);
        for (id, row) in &ra {
            assert_eq!(rb.get(id), Some(row), "{} {id} differs after the round trip", t.name);
        }
    }
}

#[test]
fn every_column_of_every_table_survives_a_round_trip() {
    let url = far_db();
    round_trip(&url, &url);
}

/// The same, every batch through COPY into the staging tables (a session connection's bulk
/// path): COPY's text escaping and the staging tables' types carry every value unchanged.
#[test]
fn every_column_survives_a_round_trip_through_copy() {
    let url = far_db();
    round_trip_pushed_by(&url, &url, |a| {
        let opts = Options { batch: 7, copy_min_rows: 1, ..Options::default() };
        block_on(async {
            let mut s = Session::open(&SyncConfig::parse(&url).unwrap(), a.svc.store(), opts).await.unwrap();
            s.push(&mut |_| {}).await.unwrap();
        });
    });
}

/// Both sides edit the same rows: the later edit wins on both sides and the earlier one is in
/// the conflicts table, from which it can be restored.
pub fn concurrent_edits(sync_url: &str, direct_url: &str) {
    let a = seeded();
    sync(&a, sync_url, Options::default()).unwrap();
    let me = me(&a);
    let ids: Vec<String> = a
        .svc
        .store()
        .read(|c| {
            Ok(c.prepare("SELECT id FROM agents WHERE user_id = ?1 ORDER BY id LIMIT 2")
                .unwrap()
                .query_map([&me], |r| r.get(0))
                .unwrap()
                .map(|r| r.unwrap())
                .collect())
        })
        .unwrap();
    let (x, y) = (&ids[0], &ids[1]);
    let now = turbocat_domain::Timestamp::now();
    // X: edited here first, then on the far side (the far edit is later and wins).
    exec(&a, &format!("UPDATE agents SET name = 'X local', updated_at = '{}' WHERE id = '{x}'", now));
    // Y: edited on the far side first, then here (the local edit is later and wins).
    exec(
        &a,
        &format!("UPDATE agents SET name = 'Y local', updated_at = '{}' WHERE id = '{y}'", now.add_millis(10_000)),
    );
    let later = now.add_millis(5_000).to_string();
    for (id, name) in [(x, "X far"), (y, "Y far")] {
        far_exec(
            direct_url,
            "UPDATE public.agents SET name = $3, updated_at = $2::text::timestamp(3) WHERE id = $1::text::uuid",
            &[id, &later, name],
        );
    }
    let (pulled, pushed) = sync(&a, sync_url, Options::default()).unwrap();
    assert_eq!((pulled.conflicts, pushed.conflicts), (1, 1), "{pulled:?} {pushed:?}");
    let name = |id: &str| -> (String, String) {
        let local: String = one(&a, &format!("SELECT name FROM agents WHERE id = '{id}'"));
        let far: String = far_one(direct_url, "SELECT name FROM public.agents WHERE id = $1::text::uuid", &[id]);
        (local, far)
    };
    assert_eq!(name(x), ("X far".into(), "X far".into()));
    assert_eq!(name(y), ("Y local".into(), "Y local".into()));
    let conflicts = turbocat_sync::session::conflicts(a.svc.store(), false).unwrap();
    let by_row = |id: &str| conflicts.iter().find(|c| c.row_id == id).unwrap().clone();
    let (cx, cy) = (by_row(x), by_row(y));
    assert_eq!((cx.loser.as_str(), cx.loser_row["name"].as_str()), ("local", Some("X local")));
    assert_eq!((cy.loser.as_str(), cy.loser_row["name"].as_str()), ("far", Some("Y far")));

    // Restoring X's local version makes it the newest edit: the next sync sends it.
    let db = a.path();
    let code = turbocat_cli::run(
        ["turbocat", "--db", db.to_str().unwrap(), "sync", "restore", &cx.id.to_string()].map(Into::into),
    );
    assert_eq!(code, 0);
    sync(&a, sync_url, Options::default()).unwrap();
    assert_eq!(name(x), ("X local".into(), "X local".into()));
    assert_eq!(turbocat_sync::session::conflicts(a.svc.store(), false).unwrap().len(), 1, "Y's conflict stays open");
    // Restoring twice is refused.
    assert_eq!(
        turbocat_cli::run(
            ["turbocat", "--db", db.to_str().unwrap(), "sync", "restore", &cx.id.to_string()].map(Into::into)
        ),
        4
    );
}

#[test]
fn concurrent_edits_the_later_wins_on_both_sides_and_the_loser_is_kept() {
    let url = far_db();
    concurrent_edits(&url, &url);
}

/// Soft deletes travel as updates; hard deletes of steps and executions travel both ways; far
/// hard deletes are found by the id-set comparison.
pub fn deletes(sync_url: &str, direct_url: &str) {
    let a = seeded();
    sync(&a, sync_url, Options::default()).unwrap();
    let me = me(&a);
    let step: String = one(&a, &format!("SELECT s.id FROM workflow_steps s JOIN workflows w ON w.id = s.workflow_id WHERE w.user_id = '{me}' ORDER BY s.id LIMIT 1"));
    let run: String = one(&a, &format!("SELECT e.id FROM executions e WHERE user_id = '{me}' AND EXISTS (SELECT 1 FROM execution_logs l WHERE l.execution_id = e.id) ORDER BY id LIMIT 1"));
    let agent: String = one(&a, &format!("SELECT id FROM agents WHERE user_id = '{me}' ORDER BY id LIMIT 1"));
    exec(
        &a,
        &format!(
            "DELETE FROM workflow_steps WHERE id = '{step}'; DELETE FROM executions WHERE id = '{run}';
         UPDATE agents SET deleted_at = '2026-05-05T05:05:05.555Z', updated_at = '{}' WHERE id = '{agent}';",
            turbocat_domain::Timestamp::now()
        ),
    );
    let far_has = |table: &str, id: &str| -> i64 {
        far_one(direct_url, &format!("SELECT count(*) FROM public.{table} WHERE id = $1::text::uuid"), &[id])
    };
    let far_logs_of = |id: &str| -> i64 {
        far_one(direct_url, "SELECT count(*) FROM public.execution_logs WHERE execution_id = $1::text::uuid", &[id])
    };
    assert!(far_logs_of(&run) > 0);
    let (_, pushed) = sync(&a, sync_url, Options::default()).unwrap();
    assert_eq!(pushed.deleted, 2);
    assert_eq!((far_has("workflow_steps", &step), far_has("executions", &run), far_logs_of(&run)), (0, 0, 0));
    let deleted_at: Option<String> = far_one(
        direct_url,
        "SELECT to_char(deleted_at, 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') FROM public.agents WHERE id = $1::text::uuid",
        &[&agent],
    );
    assert_eq!(deleted_at.as_deref(), Some("2026-05-05T05:05:05.555Z"));

    // Far hard deletes: a step and an execution vanish there; the id-set check removes them here.
    let step2: String = one(&a, &format!("SELECT s.id FROM workflow_steps s JOIN workflows w ON w.id = s.workflow_id WHERE w.user_id = '{me}' ORDER BY s.id LIMIT 1"));
    let run2: String = one(&a, &format!("SELECT id FROM executions WHERE user_id = '{me}' ORDER BY id LIMIT 1"));
    far_exec(direct_url, "DELETE FROM public.workflow_steps WHERE id = $1::text::uuid", &[&step2]);
    far_exec(direct_url, "DELETE FROM public.executions WHERE id = $1::text::uuid", &[&run2]);
    let (pulled, _) = sync(&a, sync_url, Options { reconcile: true, ..Options::default() }).unwrap();
    assert_eq!(pulled.removed, 2, "{pulled:?}");
    assert_eq!(one::<i64>(&a, &format!("SELECT count(*) FROM workflow_steps WHERE id = '{step2}'")), 0);
    assert_eq!(one::<i64>(&a, &format!("SELECT count(*) FROM execution_logs WHERE execution_id = '{run2}'")), 0);
    assert_eq!(
        turbocat_sync::session::status(a.svc.store()).unwrap().pending_total,
        0,
        "removing far deletes queues nothing"
    );
}

#[test]
fn deletes_travel_both_ways() {
    let url = far_db();
    deletes(&url, &url);
}

/// Ends every connection of the far database (the direct case: the server ends the backends).
pub fn terminate_backends(direct_url: &str) {
    let db = direct_url.rsplit('/').next().unwrap().split('?').next().unwrap().to_string();
    let admin = direct_url.replace(&format!("/{db}"), "/postgres");
    far_exec(
        &admin,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
        &[&db],
    );
}

/// The connection is cut (by `cut`) in the middle of a push of 20,000 log rows; the next sync
/// finishes it: nothing lost, no duplicate, at most one batch sent twice.
pub fn cut_mid_push(sync_url: &str, direct_url: &str, cut: &(dyn Fn() + Sync)) {
    let a = seeded();
    let me = me(&a);
    let run: String = one(&a, &format!("SELECT id FROM executions WHERE user_id = '{me}' ORDER BY id LIMIT 1"));
    exec(
        &a,
        &format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
         INSERT INTO execution_logs (id, execution_id, level, message, metadata, created_at)
         SELECT printf('0190b000-0000-7000-8000-%012d', i), '{run}', 'info', 'line ' || i, '{{\"i\":' || i || '}}',
                strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || i || ' seconds') FROM n;"
        ),
    );
    let total: i64 = one(&a, &format!("SELECT count(*) FROM execution_logs WHERE execution_id IN (SELECT id FROM executions WHERE user_id = '{me}')"));
    assert!(total > 20000);
    let batch = 1000;
    let result = block_on(async {
        let mut s = Session::open(
            &SyncConfig::parse(sync_url).unwrap(),
            a.svc.store(),
            Options { batch, ..Options::default() },
        )
        .await
        .unwrap();
        let mut killed = false;
        s.push(&mut |p| {
            if p.table == "execution_logs" && p.rows >= 5000 && !killed {
                killed = true;
                std::thread::scope(|s| s.spawn(cut).join().unwrap());
            }
        })
        .await
    });
    assert!(result.is_err(), "the push went on after its connection was killed");
    let far_logs = || far_count(direct_url, "execution_logs");
    let acked: i64 = one(&a, "SELECT push_rowid FROM sync_state WHERE tbl = 'execution_logs'");
    let acked_rows: i64 = one(&a, &format!("SELECT count(*) FROM execution_logs WHERE rowid <= {acked} AND execution_id IN (SELECT id FROM executions WHERE user_id = '{me}')"));
    let after_cut = far_logs();
    assert!(after_cut < total, "the cut came too late to prove anything");
    assert!(
        after_cut - acked_rows <= batch as i64,
        "more than one batch committed but not acknowledged: {after_cut} vs {acked_rows}"
    );

    sync(&a, sync_url, Options { batch, ..Options::default() }).unwrap();
    assert_eq!(far_logs(), total, "nothing lost, no duplicate");
    let distinct: i64 = far_one(
        direct_url,
        "SELECT count(DISTINCT message) FROM public.execution_logs WHERE message LIKE 'line %'",
        &[],
    );
    assert_eq!(distinct, 20000);
    assert_eq!(turbocat_sync::session::status(a.svc.store()).unwrap().pending_total, 0);
}

#[test]
fn a_connection_killed_mid_push_resumes_without_loss_or_duplicates() {
    let url = far_db();
    cut_mid_push(&url, &url, &|| terminate_backends(&url));
}

#[test]
fn an_incompatible_far_schema_is_refused_and_nothing_is_written() {
    let url = far_db();
    far_exec(&url, "ALTER TABLE public.agents DROP COLUMN description", &[]);
    far_exec(&url, "ALTER TABLE public.workflows ADD COLUMN owner_team text NOT NULL", &[]);
    let a = seeded();
    let pending = turbocat_sync::session::status(a.svc.store()).unwrap();
    match sync(&a, &url, Options::default()) {
        Err(Error::Incompatible(r)) => assert!(r.problems.len() >= 2, "{r:?}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    for t in ["users", "agents", "workflows"] {
        assert_eq!(far_count(&url, t), 0, "{t} was written");
    }
    assert_eq!(turbocat_sync::session::status(a.svc.store()).unwrap(), pending, "local sync state changed");
    let db = a.path();
    assert_eq!(turbocat_cli::run(["turbocat", "--db", db.to_str().unwrap(), "sync", "--url", &url].map(Into::into)), 3);
}

#[test]
fn status_counts_pending_changes_and_sync_clears_them() {
    let url = far_db();
    let a = seeded();
    let before = turbocat_sync::session::status(a.svc.store()).unwrap();
    assert!(before.state.target.is_none() && before.pending.contains_key("execution_logs"));
    sync(&a, &url, Options::default()).unwrap();
    let after = turbocat_sync::session::status(a.svc.store()).unwrap();
    assert_eq!((after.pending_total, after.conflicts), (0, 0));
    assert!(after.state.last_push_at.is_some() && after.state.last_pull_at.is_some());
    // A local edit through the services is captured by the triggers.
    let agent: String = one(&a, &format!("SELECT id FROM agents WHERE user_id = '{}' LIMIT 1", me(&a)));
    a.svc.agents().delete(agent.parse().unwrap()).unwrap();
    assert_eq!(turbocat_sync::session::status(a.svc.store()).unwrap().pending.get("agents"), Some(&1));
    // A second sync with nothing changed sends and takes nothing.
    sync(&a, &url, Options::default()).unwrap();
    let (pulled, pushed) = sync(&a, &url, Options::default()).unwrap();
    assert_eq!(
        (pulled.rows.len(), pushed.rows.len(), pulled.conflicts, pushed.conflicts),
        (0, 0, 0, 0),
        "{pulled:?} {pushed:?}"
    );
}

#[test]
fn the_cli_uses_the_connection_saved_on_the_settings_page() {
    // Only where the environment names no far database (it would come first).
    if std::env::var_os("DATABASE_URL").is_some() || std::env::var_os("DIRECT_URL").is_some() {
        return;
    }
    let url = far_db();
    let a = seeded();
    let db = a.path();
    let run = |args: &[&str]| {
        let mut v = vec!["turbocat", "--db", db.to_str().unwrap(), "sync"];
        v.extend_from_slice(args);
        v.extend_from_slice(&["--env-file", "/nonexistent/turbocat-test.env"]);
        turbocat_cli::run(v.into_iter().map(Into::into))
    };
    // Nothing saved and no URL anywhere: a usage error, and nothing bound.
    assert_eq!(run(&[]), 2);
    assert!(turbocat_sync::session::status(a.svc.store()).unwrap().state.target.is_none());
    // A URL that still holds its password is not saved: it belongs in the keychain.
    let with_password = url.replacen("postgres@", "postgres:secret@", 1);
    let refused = local::save_connection(
        a.svc.store(),
        &local::SavedConnection { url: with_password, schema: None, every_minutes: None },
    );
    assert!(matches!(refused, Err(Error::Config(_))), "{refused:?}");
    assert!(local::read(a.svc.store(), local::saved_connection).unwrap().is_none());

    local::save_connection(
        a.svc.store(),
        &local::SavedConnection { url: url.clone(), schema: Some("public".into()), every_minutes: Some(15) },
    )
    .unwrap();
    assert_eq!(run(&[]), 0);
    let mine: i64 = one(&a, &format!("SELECT count(*) FROM agents WHERE user_id = '{}'", me(&a)));
    assert!(mine > 0);
    assert_eq!(far_count(&url, "agents"), mine);
    let status = turbocat_sync::session::status(a.svc.store()).unwrap();
    assert_eq!(status.pending_total, 0);
    let target = status.state.target.unwrap();
    assert!(target.starts_with("postgres@127.0.0.1:") && target.ends_with("/public"), "{target}");
}

/// Every byte of a database file and its WAL, as text (what a copy of the folder would hold).
fn file_text(env: &Env) -> String {
    let path = env.path();
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend(std::fs::read(path.with_extension("sqlite-wal")).unwrap_or_default());
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Deployment environment variables (issue 14, D11): plain on the far side, as the hosted
/// project keeps them, and sealed with each machine's own key in its local file, whichever
/// way they came.
#[test]
fn deployment_secrets_arrive_sealed_and_leave_plain() {
    let url = far_db();
    let a = seeded();
    sync(&a, &url, Options::default()).unwrap();
    let d = "0190a000-0000-7000-8000-00000000d001";
    let id: turbocat_domain::Uuid = d.parse().unwrap();
    let far_vars = || -> Json {
        let text: String =
            far_one(&url, "SELECT environment_vars::text FROM public.deployments WHERE id = $1::text::uuid", &[d]);
        serde_json::from_str(&text).unwrap()
    };

    // A far edit with a plain secret is sealed before it is stored.
    let later = turbocat_domain::Timestamp::now().add_millis(5_000).to_string();
    far_exec(
        &url,
        "UPDATE public.deployments SET environment_vars = $2::text::jsonb, updated_at = $3::text::timestamp(3) \
         WHERE id = $1::text::uuid",
        &[d, r#"{"DB_PASSWORD":"FAR-PLAINTEXT-SECRET-42"}"#, &later],
    );
    let (pulled, _) = sync(&a, &url, Options::default()).unwrap();
    assert_eq!(pulled.rows.get("deployments"), Some(&1), "{pulled:?}");
    let stored: String = one(&a, &format!("SELECT environment_vars FROM deployments WHERE id = '{d}'"));
    assert!(stored.contains("enc:v1:") && !stored.contains("FAR-PLAINTEXT"), "{stored}");
    assert!(!file_text(&a).contains("FAR-PLAINTEXT-SECRET-42"), "the plain value is in the database file");
    assert_eq!(a.svc.deployments().reveal_var(id, "DB_PASSWORD").unwrap(), "FAR-PLAINTEXT-SECRET-42");
    let shown = a.svc.deployments().get(id).unwrap().environment_vars;
    assert_eq!(shown["DB_PASSWORD"], format!("FAR-{}T-42", "*".repeat(15)), "{shown}");

    // A local edit goes out plain, with the value pulled before.
    let set = BTreeMap::from([("API_TOKEN".to_string(), Some("LOCAL-SECRET-7".to_string()))]);
    a.svc
        .deployments()
        .update(
            id,
            turbocat_services::deployments::UpdateDeployment { environment_vars: Some(set), ..Default::default() },
        )
        .unwrap();
    let (_, pushed) = sync(&a, &url, Options::default()).unwrap();
    assert_eq!(pushed.rows.get("deployments"), Some(&1), "{pushed:?}");
    assert_eq!(
        far_vars(),
        serde_json::json!({"DB_PASSWORD": "FAR-PLAINTEXT-SECRET-42", "API_TOKEN": "LOCAL-SECRET-7"})
    );
    assert!(!file_text(&a).contains("LOCAL-SECRET-7"));

    // Another device pulls them and seals them with its own key.
    let b = Env::empty();
    let email: String = one(
        &a,
        "SELECT email FROM users WHERE id = (SELECT value ->> '$' FROM app_settings WHERE key = 'current_user_id')",
    );
    exec(&b, &format!("UPDATE users SET email = '{email}', updated_at = '2000-01-01T00:00:00.000Z'"));
    sync(&b, &url, Options::default()).unwrap();
    let on_b: String = one(&b, &format!("SELECT environment_vars FROM deployments WHERE id = '{d}'"));
    let on_a: String = one(&a, &format!("SELECT environment_vars FROM deployments WHERE id = '{d}'"));
    assert!(!on_b.contains("SECRET") && on_b != on_a, "B holds its own ciphertext: {on_b}");
    // Reopened: the services took the profile's id at open, before B adopted the far one.
    assert_eq!(b.reopen().deployments().reveal_var(id, "API_TOKEN").unwrap(), "LOCAL-SECRET-7");
    assert!(!file_text(&b).contains("LOCAL-SECRET-7") && !file_text(&b).contains("FAR-PLAINTEXT-SECRET-42"));
}

/// The sync service both front ends use (issue 11): the connection form's checks, the saved
/// connection without a password, testing it, one sync at a time with its last outcome, and
/// disconnecting.
#[test]
fn the_sync_service_saves_tests_runs_one_at_a_time_and_disconnects() {
    use turbocat_sync::service::{self, PasswordStore, SyncConnectionInput};
    let url = far_db();
    let a = seeded();
    let store = a.svc.store();
    let svc = turbocat_sync::SyncService::default();
    let form = |schema: Option<&str>, every: Option<u32>| SyncConnectionInput {
        url: url.clone(),
        schema: schema.map(str::to_string),
        every_minutes: every,
        ..Default::default()
    };
    for (input, field) in [(form(Some("no spaces!"), None), "schema"), (form(None, Some(0)), "everyMinutes")] {
        let e = svc.save(store, &input).unwrap_err();
        assert_eq!((e.code, e.fields[0].field.as_str()), (turbocat_domain::ErrorCode::ValidationError, field));
    }
    assert!(svc.settings(store).unwrap().connection.is_none(), "a refused form saves nothing");
    let e = svc.saved_config(store).unwrap_err();
    assert_eq!(e.fields[0].field, "url", "{e:?}");

    let saved = svc.save(store, &form(Some("public"), Some(30))).unwrap();
    let connection = saved.connection.unwrap();
    assert_eq!((connection.url.as_str(), connection.every_minutes), (url.as_str(), Some(30)));
    assert_eq!(saved.password, PasswordStore::None);
    assert_eq!(turbocat_sync::SyncService::every_minutes(store), Some(30));
    let cfg = svc.saved_config(store).unwrap();
    let tested = block_on(service::test(&cfg)).unwrap();
    assert!(tested.report.compatible && !tested.empty, "{:?}", tested.report);

    let flight = svc.start().unwrap();
    let e = svc.start().err().expect("a second sync is refused while one runs");
    assert_eq!(e.code, turbocat_domain::ErrorCode::Conflict);
    assert!(svc.settings(store).unwrap().running);
    let out = block_on(turbocat_sync::session::run(
        &cfg,
        store,
        Options::default(),
        turbocat_sync::Direction::Both,
        &mut |_| {},
    ))
    .map_err(turbocat_domain::Error::from);
    drop(flight);
    let last = svc.finished(false, &out);
    assert!(last.outcome.is_some() && last.error.is_none(), "{last:?}");
    let settings = svc.settings(store).unwrap();
    assert!(!settings.running && settings.last.is_some_and(|l| l.outcome.is_some()));
    assert!(svc.start().is_ok(), "the next sync may start once the first ended");

    let gone = svc.disconnect(store).unwrap();
    assert!(gone.connection.is_none());
    assert_eq!(gone.status.pending_total, 0, "what was synced stays synced");
}
