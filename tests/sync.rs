//! Sync's foundation against a real Postgres (tests/support/postgres.rs, one server per run, a
//! database per test): `sync init` in `public` and in `backend`, refused on a non-empty schema;
//! the compatibility check after init, with the hosted project's extra columns and tables, and
//! on an incompatible far schema (refused with the report, nothing written); the same through
//! the `turbocat sync` command line.

use crate::support::postgres::{block_on, database, server};
use turbocat_sync::{check, connect, detect_schema, init, Error, FindingKind, SyncConfig};

fn cli(args: &[&str]) -> u8 {
    turbocat_cli::run(std::iter::once("turbocat").chain(args.iter().copied()).map(Into::into))
}

/// The schema's tables, sorted.
async fn tables_in(client: &turbocat_sync::tokio_postgres::Client, schema: &str) -> Vec<String> {
    client
        .query("SELECT table_name::text FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1", &[&schema])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// A fingerprint of everything in the schema: columns with type, nullability and default.
async fn catalog(client: &turbocat_sync::tokio_postgres::Client, schema: &str) -> Vec<String> {
    client
        .query(
            "SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || \
             coalesce(column_default, '') FROM information_schema.columns WHERE table_schema = $1 ORDER BY 1",
            &[&schema],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

#[test]
fn init_creates_the_ten_tables_in_public_and_check_passes() {
    let url = database();
    block_on(async {
        let cfg = SyncConfig::parse(&url).unwrap();
        let mut c = connect(&cfg).await.unwrap();
        assert_eq!(detect_schema(&c, &cfg).await.unwrap(), "public");
        init(&mut c, "public").await.unwrap();
        let mut want: Vec<String> = turbocat_store::catalog::names().map(str::to_string).collect();
        want.sort();
        assert_eq!(tables_in(&c, "public").await, want);
        let r = check(&c, "public").await.unwrap();
        assert!(r.compatible && r.problems.is_empty() && r.warnings.is_empty(), "{}", r.to_text());
        // A hosted schema as Prisma made it has no index on updated_at: still compatible, with
        // a warning that says how to keep pulls fast.
        c.batch_execute("DROP INDEX public.turbocat_sync_agents_pull_idx").await.unwrap();
        let r = check(&c, "public").await.unwrap();
        assert!(r.compatible, "{}", r.to_text());
        assert_eq!(r.warnings.len(), 1, "{}", r.to_text());
        assert_eq!(r.warnings[0].kind, turbocat_sync::FindingKind::MissingPullIndex);
        assert!(r.warnings[0].message.contains(r#"CREATE INDEX ON "public"."agents" ("updated_at", "id")"#));
        // The hosted conventions hold: lowercase enum values, no default for id/updated_at,
        // millisecond timestamps, the rating decimal, unique natural keys.
        let row = c
            .query_one(
                "SELECT (SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) FROM pg_enum e \
                   JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = 'UserRole'), \
                 (SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' \
                   AND column_name IN ('id', 'updated_at') AND column_default IS NOT NULL), \
                 (SELECT datetime_precision FROM information_schema.columns WHERE table_schema = 'public' \
                   AND table_name = 'users' AND column_name = 'created_at'), \
                 (SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'public.templates'::regclass \
                   AND attname = 'rating_average')",
                &[],
            )
            .await
            .unwrap();
        assert_eq!(row.get::<_, String>(0), "admin,user,agent");
        assert_eq!(row.get::<_, i64>(1), 0);
        assert_eq!(row.get::<_, i32>(2), 3);
        assert_eq!(row.get::<_, String>(3), "numeric(3,2)");
        let uid = "00000000-0000-0000-0000-000000000001";
        c.batch_execute(&format!(
            "INSERT INTO users (id, email, updated_at) VALUES ('{uid}', 'a@x.dev', now()); \
             INSERT INTO templates (id, name, category, type, template_data, rating_average, updated_at) \
             VALUES (gen_random_uuid(), 't', 'c', 'agent', '{{}}', 4.25, now());"
        ))
        .await
        .unwrap();
        let dup = c
            .batch_execute("INSERT INTO users (id, email, updated_at) VALUES (gen_random_uuid(), 'a@x.dev', now())")
            .await
            .unwrap_err();
        assert!(
            dup.to_string().contains("users_email_key") || format!("{dup:?}").contains("users_email_key"),
            "{dup:?}"
        );
        // Without a key on id the upserts cannot work: blocking, with the statement that fixes it.
        c.batch_execute("ALTER TABLE public.audit_logs DROP CONSTRAINT audit_logs_pkey").await.unwrap();
        let r = check(&c, "public").await.unwrap();
        assert!(!r.compatible, "{}", r.to_text());
        assert_eq!(r.problems.len(), 1, "{}", r.to_text());
        assert_eq!(
            (r.problems[0].kind, r.problems[0].table.as_str()),
            (turbocat_sync::FindingKind::MissingKey, "audit_logs")
        );
        assert!(r.problems[0].message.contains(r#"ADD PRIMARY KEY ("id")"#), "{}", r.problems[0].message);
    });
}

#[test]
fn init_in_backend_is_detected_and_checked() {
    let url = database();
    block_on(async {
        let cfg = SyncConfig::parse(&format!("{url}?schema=backend&pgbouncer=false&connection_limit=1")).unwrap();
        assert_eq!(cfg.schema.as_deref(), Some("backend"));
        let mut c = connect(&cfg).await.unwrap();
        init(&mut c, "backend").await.unwrap();
        assert_eq!(tables_in(&c, "backend").await.len(), 10);
        assert!(tables_in(&c, "public").await.is_empty(), "nothing in public");
        // Without schema=, a database whose tables are in backend only is detected as backend.
        let plain = SyncConfig::parse(&url).unwrap();
        assert_eq!(detect_schema(&c, &plain).await.unwrap(), "backend");
        let r = check(&c, "backend").await.unwrap();
        assert!(r.compatible && r.warnings.is_empty(), "{}", r.to_text());
        // public has none of the tables: every one is reported missing there.
        let r = check(&c, "public").await.unwrap();
        assert!(!r.compatible);
        assert_eq!(r.problems.iter().filter(|f| f.kind == FindingKind::MissingTable).count(), 10);
    });
    // The CLI: check passes (exit 0) in backend, with the Prisma URL as the backend has it.
    assert_eq!(cli(&["sync", "check", "--url", &format!("{url}?schema=backend&pgbouncer=false"), "--json"]), 0);
}

#[test]
fn init_refuses_a_non_empty_schema_and_writes_nothing() {
    let url = database();
    block_on(async {
        let cfg = SyncConfig::parse(&url).unwrap();
        let mut c = connect(&cfg).await.unwrap();
        c.batch_execute("CREATE TABLE notes (id int PRIMARY KEY)").await.unwrap();
        let before = catalog(&c, "public").await;
        let e = init(&mut c, "public").await.unwrap_err();
        assert!(matches!(e, Error::Refused(_)), "{e}");
        assert!(e.to_string().contains("not empty") && e.to_string().contains("notes"), "{e}");
        assert_eq!(catalog(&c, "public").await, before);
        let types: i64 = c
            .query_one("SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' AND t.typtype = 'e'", &[])
            .await
            .unwrap()
            .get(0);
        assert_eq!(types, 0, "no enum type was created");
    });
    // Through the CLI: exit 4 (refused); a second init after a first one is refused too.
    assert_eq!(cli(&["sync", "init", "--url", &url]), 4);
    let fresh = database();
    assert_eq!(cli(&["sync", "init", "--url", &fresh, "--schema", "backend"]), 0);
    assert_eq!(cli(&["sync", "init", "--url", &fresh, "--schema", "backend", "--json"]), 4);
    assert_eq!(cli(&["sync", "check", "--url", &fresh]), 0, "detected as backend");
}

#[test]
fn check_accepts_the_hosted_projects_extra_columns_and_tables() {
    let url = database();
    block_on(async {
        let mut c = connect(&SyncConfig::parse(&url).unwrap()).await.unwrap();
        init(&mut c, "public").await.unwrap();
        // What later upstream migrations add: OAuth and verification fields on users, project
        // columns on workflows, an enum value, and tables of their own (some with NOT NULL
        // columns: they are not Turbocat's, so they do not matter).
        c.batch_execute(
            "ALTER TABLE users ADD COLUMN oauth_provider VARCHAR(50), ADD COLUMN oauth_id VARCHAR(255), \
               ADD COLUMN oauth_access_token TEXT, ADD COLUMN oauth_refresh_token TEXT, \
               ADD COLUMN verification_token VARCHAR(64), ADD COLUMN verification_token_expiry TIMESTAMP(3); \
             CREATE UNIQUE INDEX users_verification_token_key ON users(verification_token); \
             ALTER TABLE workflows ADD COLUMN project_name TEXT, ADD COLUMN platform TEXT, \
               ADD COLUMN selected_model TEXT, ADD COLUMN thumbnail_url TEXT, ADD COLUMN preview_code TEXT, \
               ADD COLUMN preview_error TEXT, ADD COLUMN kind TEXT NOT NULL DEFAULT 'app'; \
             ALTER TABLE audit_logs ADD COLUMN seq BIGINT GENERATED ALWAYS AS IDENTITY; \
             ALTER TYPE \"AgentType\" ADD VALUE 'mcp'; \
             CREATE TABLE chat_messages (id UUID PRIMARY KEY, workflow_id UUID NOT NULL REFERENCES workflows(id), \
               body TEXT NOT NULL); \
             CREATE TABLE _prisma_migrations (id VARCHAR(36) PRIMARY KEY, checksum VARCHAR(64) NOT NULL);",
        )
        .await
        .unwrap();
        let r = check(&c, "public").await.unwrap();
        assert!(r.compatible, "{}", r.to_text());
        let count = |k| r.warnings.iter().filter(|f| f.kind == k).count();
        assert_eq!(count(FindingKind::ExtraColumn), 14, "{}", r.to_text());
        assert_eq!(count(FindingKind::ExtraTable), 2);
        assert_eq!(count(FindingKind::ExtraEnumLabel), 1);
        let text = r.to_text();
        assert!(
            text.contains("is compatible") && text.contains("users.oauth_access_token is not Turbocat's"),
            "{text}"
        );
    });
    assert_eq!(cli(&["sync", "check", "--url", &url]), 0);
}

#[test]
fn an_incompatible_far_schema_is_refused_with_the_report_and_nothing_written() {
    let url = database();
    let before = block_on(async {
        let mut c = connect(&SyncConfig::parse(&url).unwrap()).await.unwrap();
        init(&mut c, "public").await.unwrap();
        c.batch_execute(
            "ALTER TABLE agents DROP COLUMN tags; \
             ALTER TABLE users ADD COLUMN tenant_id UUID NOT NULL; \
             ALTER TABLE executions ALTER COLUMN duration_ms TYPE BIGINT; \
             INSERT INTO users (id, email, tenant_id, updated_at) \
               VALUES (gen_random_uuid(), 'keep@x.dev', gen_random_uuid(), now());",
        )
        .await
        .unwrap();
        let before = (
            catalog(&c, "public").await,
            c.query_one("SELECT count(*) FROM users", &[]).await.unwrap().get::<_, i64>(0),
        );
        let r = check(&c, "public").await.unwrap();
        assert!(!r.compatible);
        let kinds: Vec<_> = r.problems.iter().map(|f| (f.kind, f.table.as_str(), f.column.as_deref())).collect();
        assert_eq!(
            kinds,
            vec![
                (FindingKind::ExtraRequiredColumn, "users", Some("tenant_id")),
                (FindingKind::MissingColumn, "agents", Some("tags")),
                (FindingKind::TypeMismatch, "executions", Some("duration_ms")),
            ],
            "{}",
            r.to_text()
        );
        let text = r.to_text();
        assert!(text.contains("NOT compatible"), "{text}");
        assert!(text.contains("column agents.tags (text[]) is missing: add it"), "{text}");
        assert!(text.contains("users.tenant_id is NOT NULL without a default"), "{text}");
        assert!(text.contains("executions.duration_ms is bigint there but Turbocat writes int"), "{text}");
        before
    });
    // The command line refuses too (exit 3, the report as JSON) and writes nothing; init is refused.
    assert_eq!(cli(&["sync", "check", "--url", &url, "--json"]), 3);
    assert_eq!(cli(&["sync", "check", "--url", &url]), 3);
    assert_eq!(cli(&["sync", "init", "--url", &url]), 4);
    block_on(async {
        let c = connect(&SyncConfig::parse(&url).unwrap()).await.unwrap();
        assert_eq!(catalog(&c, "public").await, before.0);
        assert_eq!(c.query_one("SELECT count(*) FROM users", &[]).await.unwrap().get::<_, i64>(0), before.1);
    });
}

#[test]
fn cli_reads_the_url_from_an_env_file_and_reports_connection_failures() {
    let url = database();
    let dir = tempfile::tempdir().unwrap();
    let env = dir.path().join(".env");
    std::fs::write(
        &env,
        format!("# the hosted backend's file\nDATABASE_URL=\"{url}?pgbouncer=true&connection_limit=1\"\n"),
    )
    .unwrap();
    // Only when the environment does not set them itself (CI or a developer might).
    if std::env::var_os("DATABASE_URL").is_none() && std::env::var_os("DIRECT_URL").is_none() {
        assert_eq!(cli(&["sync", "init", "--env-file", env.to_str().unwrap()]), 0);
        assert_eq!(cli(&["sync", "check", "--env-file", env.to_str().unwrap(), "--json"]), 0);
        let missing = dir.path().join("none.env");
        assert_eq!(cli(&["sync", "check", "--env-file", missing.to_str().unwrap()]), 2, "no URL: usage");
    }
    // A port nobody listens on: exit 1 (cannot connect); a URL that is not Postgres: exit 2.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    assert_eq!(cli(&["sync", "check", "--url", &format!("postgres://postgres@127.0.0.1:{closed}/x")]), 1);
    assert_eq!(cli(&["sync", "check", "--url", "mysql://u@h/d"]), 2);
    eprintln!("test Postgres started in {:?}", server().started_in);
}
