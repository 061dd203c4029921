//! Sync through a transaction-mode pooler: a real PgBouncer (tests/support/pgbouncer.rs) in
//! front of the test Postgres, reached with a Prisma-style `?pgbouncer=true` URL. `sync init` and
//! `sync check` work through it (unnamed statements only), and the fact of docs/sync.md that makes
//! this matter holds: a named prepared statement reused in a later transaction can land on
//! another server connection, where it does not exist.

use crate::support::pgbouncer::{bounced, bouncer};
use crate::support::postgres::{block_on, database};
use turbocat_sync::tokio_postgres::SimpleQueryMessage;
use turbocat_sync::{check, connect, detect_schema, init, PoolerMode, SyncConfig};

/// The rows of a simple query, each as its columns' text.
async fn simple_rows(client: &turbocat_sync::tokio_postgres::Client, sql: &str) -> Vec<Vec<(String, String)>> {
    client
        .simple_query(sql)
        .await
        .unwrap()
        .iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(r) => Some(
                r.columns()
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (c.name().to_string(), r.get(i).unwrap_or("").to_string()))
                    .collect(),
            ),
            _ => None,
        })
        .collect()
}

#[test]
fn init_and_check_work_through_a_transaction_mode_pgbouncer() {
    let url = bounced(&database());
    let db = url.rsplit('/').next().unwrap().split('?').next().unwrap().to_string();
    let cfg = SyncConfig::parse(&url).unwrap();
    assert_eq!(cfg.pooler, PoolerMode::Transaction, "{url}");
    assert_eq!(cfg.stripped, vec!["pgbouncer"]);
    assert_eq!(cfg.pg.get_ports(), &[bouncer().port]);
    block_on(async {
        let mut c = connect(&cfg).await.unwrap();
        let schema = detect_schema(&c, &cfg).await.unwrap();
        assert_eq!(schema, "public");
        init(&mut c, &schema).await.unwrap();
        let r = check(&c, &schema).await.unwrap();
        assert!(r.compatible && r.problems.is_empty() && r.warnings.is_empty(), "{}", r.to_text());

        // It did go through PgBouncer, and its pool for this database runs transaction mode.
        let admin = connect(&SyncConfig::parse(&bouncer().admin_url()).unwrap()).await.unwrap();
        let pools = simple_rows(&admin, "SHOW POOLS").await;
        let pool = pools
            .iter()
            .find(|p| p.iter().any(|(k, v)| k == "database" && *v == db))
            .unwrap_or_else(|| panic!("no pool for {db} in {pools:?}"));
        assert!(pool.iter().any(|(k, v)| k == "pool_mode" && v == "transaction"), "{pool:?}");
    });
}

#[test]
fn a_named_prepared_statement_does_not_survive_transaction_pooling() {
    // The test's database has a pool of its own, empty at first: the moves below decide which
    // server connection each statement gets.
    let url = bounced(&database());
    let cfg = SyncConfig::parse(&url).unwrap();
    block_on(async {
        let a = connect(&cfg).await.unwrap();
        let b = connect(&cfg).await.unwrap();
        // Prepared (Parse "s0") on server connection 1, which goes back to the pool right after.
        let stmt = a.prepare("SELECT 1::int4").await.unwrap();
        // b's open transaction holds connection 1 (the only idle one) ...
        b.batch_execute("BEGIN; SELECT 1").await.unwrap();
        // ... so a's next statement runs on a new connection 2, which never saw "s0".
        let e = a.query(&stmt, &[]).await.expect_err("the statement should not exist on another server connection");
        let db = e.as_db_error().unwrap_or_else(|| panic!("{e:?}"));
        assert_eq!(db.code().code(), "26000", "{db:?}"); // invalid_sql_statement_name
        assert!(db.message().contains("does not exist"), "{db:?}");
        // The unnamed-statement path that sync uses is fine on any connection.
        let rows = a.query_typed("SELECT 2::int4", &[]).await.unwrap();
        assert_eq!(rows[0].get::<_, i32>(0), 2);
        b.batch_execute("COMMIT").await.unwrap();
    });
}

/// The data suites of `sync_data`, with every sync statement going through PgBouncer in
/// transaction mode (assertions read the far side directly).
mod through_pgbouncer {
    use super::{bounced, bouncer, simple_rows};
    use crate::support::postgres::block_on;
    use crate::sync_data::{concurrent_edits, cut_mid_push, deletes, far_db, round_trip};

    #[test]
    fn round_trip_of_every_column() {
        let url = far_db();
        round_trip(&bounced(&url), &url);
    }

    #[test]
    fn concurrent_edits_and_conflicts() {
        let url = far_db();
        concurrent_edits(&bounced(&url), &url);
    }

    #[test]
    fn deletes_both_ways() {
        let url = far_db();
        deletes(&bounced(&url), &url);
    }

    #[test]
    fn a_killed_connection_mid_push() {
        let url = far_db();
        // Ending the server's backends is invisible through a pooler (it reconnects between
        // statements): the cut is PgBouncer dropping its client connections.
        let db = url.rsplit('/').next().unwrap().to_string();
        cut_mid_push(&bounced(&url), &url, &|| {
            block_on(async {
                let admin = turbocat_sync::connect(&turbocat_sync::SyncConfig::parse(&bouncer().admin_url()).unwrap())
                    .await
                    .unwrap();
                simple_rows(&admin, &format!("KILL \"{db}\"")).await;
                simple_rows(&admin, &format!("RESUME \"{db}\"")).await;
            })
        });
    }
}
