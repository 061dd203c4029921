//! Agents through the service API: validation, defaults, list filters, update, soft delete,
//! duplicate-as-version and versions, visibility, and the audit row of every write.

use crate::support::*;
use serde_json::json;
use turbocat_domain::{AgentStatus, AgentType, ErrorCode};
use turbocat_services::agents::{AgentQuery, CreateAgent, UpdateAgent};
use turbocat_services::ListParams;

fn create(env: &Env, name: &str, ty: AgentType, tags: &[&str]) -> turbocat_domain::Agent {
    env.svc
        .agents()
        .create(CreateAgent {
            name: name.into(),
            agent_type: Some(ty),
            tags: Some(tags.iter().map(|s| s.to_string()).collect()),
            ..Default::default()
        })
        .unwrap()
}

#[test]
fn create_applies_defaults_and_trims_the_name() {
    let env = Env::empty();
    let a = env
        .svc
        .agents()
        .create(CreateAgent { name: "  Fetcher  ".into(), agent_type: Some(AgentType::Api), ..Default::default() })
        .unwrap();
    assert_eq!(a.name, "Fetcher");
    assert_eq!((a.status, a.version, a.parent_id), (AgentStatus::Draft, 1, None));
    assert_eq!((a.max_execution_time, a.max_memory_mb, a.max_concurrent_executions), (Some(300), Some(512), Some(1)));
    assert_eq!((a.config.clone(), a.capabilities.clone(), a.parameters.clone()), (json!({}), json!([]), json!({})));
    assert_eq!(a.user_id, env.svc.current_user_id());
    assert_eq!(a.id.get_version_num(), 7, "new ids are UUIDv7");
    assert_eq!(env.svc.agents().get(a.id).unwrap(), a);
    let json = json_of(&a);
    assert_eq!(json["type"], "API");
    assert_eq!(json["status"], "DRAFT");
    assert_eq!(json["maxExecutionTime"], 300);
}

#[test]
fn create_rejects_bad_input_listing_every_field_and_writes_nothing() {
    let env = Env::empty();
    let audit_before = env.count("audit_logs");
    let e = err(env.svc.agents().create(CreateAgent {
        name: "   ".into(),
        description: Some("d".repeat(2001)),
        agent_type: None,
        max_execution_time: Some(0),
        max_memory_mb: Some(9000),
        max_concurrent_executions: Some(101),
        tags: Some((0..21).map(|i| format!("t{i}")).collect()),
        config: Some(json!([1])),
        ..Default::default()
    }));
    assert_eq!(e.code, ErrorCode::ValidationError);
    let fields: Vec<&str> = e.fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(
        fields,
        ["name", "description", "type", "maxExecutionTime", "maxMemoryMb", "maxConcurrentExecutions", "tags", "config"]
    );
    assert_eq!(e.fields[0].message, "name is required");
    assert_eq!(env.count("agents"), 0);
    assert_eq!(env.count("audit_logs"), audit_before);
    // A name of 256 characters is too long; 255 is fine.
    assert!(env
        .svc
        .agents()
        .create(CreateAgent { name: "x".repeat(256), agent_type: Some(AgentType::Code), ..Default::default() })
        .is_err());
    assert!(env
        .svc
        .agents()
        .create(CreateAgent { name: "x".repeat(255), agent_type: Some(AgentType::Code), ..Default::default() })
        .is_ok());
    // Enum values are accepted in either case through the JSON the UI sends.
    let input: CreateAgent = serde_json::from_value(json!({"name": "Lower", "type": "llm"})).unwrap();
    assert_eq!(env.svc.agents().create(input).unwrap().agent_type, AgentType::Llm);
    assert!(serde_json::from_value::<CreateAgent>(json!({"name": "Bad", "type": "robot"})).is_err());
}

#[test]
fn list_filters_searches_sorts_and_pages() {
    let env = Env::empty();
    for i in 0..25 {
        let ty = if i % 2 == 0 { AgentType::Code } else { AgentType::Data };
        let tags: &[&str] = if i % 5 == 0 { &["etl", "nightly"] } else { &["misc"] };
        create(&env, &format!("Agent {i:02}"), ty, tags);
    }
    let a = create(&env, "Summarizer", AgentType::Llm, &["ai"]);
    env.svc
        .agents()
        .update(
            a.id,
            UpdateAgent {
                description: Some(Some("Turns long TEXT into short".into())),
                status: Some(AgentStatus::Active),
                ..Default::default()
            },
        )
        .unwrap();
    let list = |q: AgentQuery| env.svc.agents().list(&q).unwrap();

    let p = list(AgentQuery::default());
    assert_eq!((p.total, p.items.len(), p.page, p.page_size, p.total_pages), (26, 20, 1, 20, 2));
    assert_eq!(p.items[0].name, "Summarizer", "default sort: newest first");
    let p2 = list(AgentQuery { list: ListParams { page: Some(2), ..Default::default() }, ..Default::default() });
    assert_eq!(p2.items.len(), 6);
    assert!(p.items.iter().all(|x| !p2.items.iter().any(|y| y.id == x.id)), "pages overlap");

    assert_eq!(list(AgentQuery { agent_type: Some(AgentType::Data), ..Default::default() }).total, 12);
    assert_eq!(list(AgentQuery { status: Some(AgentStatus::Active), ..Default::default() }).total, 1);
    let s = list(AgentQuery {
        list: ListParams { search: Some("long text".into()), ..Default::default() },
        ..Default::default()
    });
    assert_eq!(
        s.items.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(),
        ["Summarizer"],
        "search is case-insensitive over description"
    );
    assert_eq!(
        list(AgentQuery {
            list: ListParams { search: Some("agent 1".into()), ..Default::default() },
            ..Default::default()
        })
        .total,
        10
    );
    let t = list(AgentQuery {
        list: ListParams { tags: Some(vec!["nightly".into(), "ai".into()]), ..Default::default() },
        ..Default::default()
    });
    assert_eq!(t.total, 6, "tags match any of the given tags");
    let sorted = list(AgentQuery {
        list: ListParams {
            sort_by: Some("name".into()),
            sort_order: Some("asc".into()),
            page_size: Some(3),
            ..Default::default()
        },
        ..Default::default()
    });
    assert_eq!(sorted.items.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), ["Agent 00", "Agent 01", "Agent 02"]);
    // A search term with LIKE wildcards matches them literally.
    assert_eq!(
        list(AgentQuery { list: ListParams { search: Some("%".into()), ..Default::default() }, ..Default::default() })
            .total,
        0
    );

    for (bad, field) in [
        (ListParams { page: Some(0), ..Default::default() }, "page"),
        (ListParams { page_size: Some(101), ..Default::default() }, "pageSize"),
        (ListParams { sort_by: Some("password_hash".into()), ..Default::default() }, "sortBy"),
        (ListParams { sort_order: Some("sideways".into()), ..Default::default() }, "sortOrder"),
    ] {
        let e = err(env.svc.agents().list(&AgentQuery { list: bad, ..Default::default() }));
        assert_eq!((e.code, e.fields[0].field.as_str()), (ErrorCode::ValidationError, field));
    }
}

#[test]
fn update_changes_fields_keeps_the_type_and_audits_before_and_after() {
    let env = Env::empty();
    let a = create(&env, "Worker", AgentType::Code, &[]);
    assert_err(
        env.svc.agents().update(a.id, UpdateAgent::default()),
        ErrorCode::ValidationError,
        "No fields to update",
    );
    let e = err(env.svc.agents().update(a.id, UpdateAgent { agent_type: Some(AgentType::Api), ..Default::default() }));
    assert_eq!((e.code, e.fields[0].field.as_str()), (ErrorCode::ValidationError, "type"));
    let u = env
        .svc
        .agents()
        .update(
            a.id,
            UpdateAgent {
                name: Some("Renamed".into()),
                max_memory_mb: Some(1024),
                tags: Some(vec!["x".into()]),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!((u.name.as_str(), u.max_memory_mb, u.agent_type), ("Renamed", Some(1024), AgentType::Code));
    assert!(u.updated_at >= a.updated_at);
    let audit = env
        .svc
        .audit()
        .list(&turbocat_services::audit::AuditQuery { action: Some("agent.update".into()), ..Default::default() })
        .unwrap();
    assert_eq!(audit.total, 1);
    let ch = &audit.items[0].changes;
    assert_eq!(ch["name"], json!({"before": "Worker", "after": "Renamed"}));
    assert_eq!(ch["maxMemoryMb"], json!({"before": 512, "after": 1024}));
    assert!(ch.get("type").is_none() && ch.get("updatedAt").is_none());
    // Clearing the description with null (the UI's JSON) works through the same input type.
    let clear: UpdateAgent = serde_json::from_value(json!({"description": null})).unwrap();
    assert_eq!(clear.description, Some(None));
}

#[test]
fn soft_delete_hides_the_agent_and_bad_ids_are_not_found() {
    let env = Env::empty();
    let a = create(&env, "Temp", AgentType::Code, &[]);
    env.svc.agents().delete(a.id).unwrap();
    assert_err(env.svc.agents().get(a.id), ErrorCode::NotFound, "Agent not found");
    assert_eq!(env.svc.agents().list(&AgentQuery::default()).unwrap().total, 0);
    assert_eq!(env.count("agents"), 1, "soft delete keeps the row");
    assert_err(env.svc.agents().delete(a.id), ErrorCode::NotFound, "Agent not found");
    assert_err(turbocat_domain::parse_id("not-a-uuid"), ErrorCode::ValidationError, "Invalid id format");
    let actions = env.audit_actions();
    assert!(actions.ends_with(&["agent.create".into(), "agent.delete".into()]), "{actions:?}");
}

#[test]
fn public_agents_of_others_are_visible_but_not_editable() {
    let env = Env::seeded();
    // Make the local profile someone else than the seed's admin, who owns the seeded agents.
    let other = env.svc.store().write(|tx| {
        tx.execute_batch(
            "INSERT INTO users (id, email, updated_at) VALUES ('00000000-0000-4000-8000-00000000cccc', 'other@example.com', '2026-01-01T00:00:00.000Z');
             UPDATE app_settings SET value = '\"00000000-0000-4000-8000-00000000cccc\"' WHERE key = 'current_user_id';
             UPDATE agents SET is_public = 0 WHERE name = 'Email Sender';",
        )
        .map_err(turbocat_store::StoreError::from)?;
        Ok(())
    });
    other.unwrap();
    let svc = env.reopen();
    let scraper = turbocat_services::seed::seed_id(0x1001);
    let sender = turbocat_services::seed::seed_id(0x1005);
    assert_eq!(svc.agents().get(scraper).unwrap().name, "Web Scraper");
    assert_err(svc.agents().get(sender), ErrorCode::NotFound, "Agent not found");
    assert_err(svc.agents().delete(scraper), ErrorCode::Forbidden, "This agent belongs to another user");
    assert_eq!(svc.agents().list(&AgentQuery::default()).unwrap().total, 4);
    assert_eq!(svc.agents().list(&AgentQuery { mine: Some(true), ..Default::default() }).unwrap().total, 0);
    // Duplicating a visible agent makes the caller's own draft copy.
    let copy = svc.agents().duplicate(scraper, None).unwrap();
    assert_eq!((copy.user_id, copy.name.as_str()), (svc.current_user_id(), "Copy of Web Scraper"));
}

#[test]
fn duplicate_makes_the_next_version_of_the_family() {
    let env = Env::empty();
    let v1 = create(&env, "Base", AgentType::Data, &["t"]);
    env.svc
        .store()
        .write(|tx| {
            tx.execute(
                "UPDATE agents SET total_executions = 9, is_public = 1, status = 'active' WHERE id = ?1",
                [v1.id.to_string()],
            )
            .map_err(turbocat_store::StoreError::from)?;
            Ok(())
        })
        .unwrap();
    let v2 = env.svc.agents().duplicate(v1.id, None).unwrap();
    assert_eq!(
        (v2.name.as_str(), v2.version, v2.parent_id, v2.status),
        ("Copy of Base", 2, Some(v1.id), AgentStatus::Draft)
    );
    assert_eq!((v2.total_executions, v2.is_public), (0, false));
    assert_eq!(v2.tags, v1.tags);
    // Duplicating a version points at the family's root and takes the next number.
    let v3 = env.svc.agents().duplicate(v2.id, Some("Third".into())).unwrap();
    assert_eq!((v3.name.as_str(), v3.version, v3.parent_id), ("Third", 3, Some(v1.id)));
    env.svc.agents().delete(v2.id).unwrap();
    let versions: Vec<i64> = env.svc.agents().versions(v3.id).unwrap().iter().map(|a| a.version).collect();
    assert_eq!(versions, [3, 2, 1], "every version, deleted ones too, highest first");
    let v4 = env.svc.agents().duplicate(v1.id, None).unwrap();
    assert_eq!(v4.version, 4);
}

#[test]
fn list_totals_follow_writes_from_this_and_other_processes() {
    let env = Env::empty();
    create(&env, "One", AgentType::Code, &[]);
    let total = || env.svc.agents().list(&AgentQuery::default()).unwrap().total;
    assert_eq!(total(), 1);
    assert_eq!(total(), 1, "the cached total");
    create(&env, "Two", AgentType::Code, &[]);
    assert_eq!(total(), 2, "a write through the services invalidates the cached total");
    // A write by another connection (the CLI, another process) is seen too.
    let other = rusqlite::Connection::open(env.path()).unwrap();
    other
        .execute(
            "INSERT INTO agents (id, name, type, user_id, updated_at) VALUES ('00000000-0000-4000-8000-0000000000ee', 'Outside', 'code', ?1, '2026-01-01T00:00:00.000Z')",
            [env.svc.current_user_id().to_string()],
        )
        .unwrap();
    assert_eq!(total(), 3);
    let v1 = env.svc.store().data_version().unwrap();
    other.execute("UPDATE agents SET name = 'Outside 2' WHERE name = 'Outside'", []).unwrap();
    assert_ne!(env.svc.store().data_version().unwrap(), v1);
}
