//! The Data browser's backend: table metadata, filtered/sorted/paged rows of any table, and a
//! row's related rows; secrets never shown.

use crate::support::*;
use serde_json::json;
use std::collections::BTreeMap;
use turbocat_domain::ErrorCode;
use turbocat_services::data::{DataFilter, DataQuery, FilterOp};
use turbocat_services::deployments::CreateDeployment;
use turbocat_services::seed::seed_id;
use turbocat_services::ListParams;

fn q(table: &str, filters: Vec<DataFilter>) -> DataQuery {
    DataQuery { table: table.into(), filters, ..Default::default() }
}

fn filter(column: &str, op: FilterOp, value: Option<&str>) -> DataFilter {
    DataFilter { column: column.into(), op, value: value.map(String::from) }
}

#[test]
fn describes_the_ten_tables() {
    let env = Env::seeded();
    let tables = env.svc.data().tables().unwrap();
    let summary: Vec<(&str, u64)> = tables.iter().map(|t| (t.name.as_str(), t.row_count)).collect();
    assert_eq!(
        summary,
        [
            ("users", 2),
            ("agents", 5),
            ("workflows", 2),
            ("workflow_steps", 6),
            ("executions", 0),
            ("execution_logs", 0),
            ("templates", 6),
            ("deployments", 0),
            ("api_keys", 0),
            ("audit_logs", 2)
        ]
    );
    let users = &tables[0];
    assert!(users.columns.iter().all(|c| c.column != "password_hash"), "secrets are not browsable");
    let agents = &tables[1];
    let ty = agents.columns.iter().find(|c| c.column == "type").unwrap();
    assert_eq!((ty.name.as_str(), ty.kind.as_str()), ("type", "enum"));
    assert_eq!(ty.values.as_deref().unwrap(), ["CODE", "API", "LLM", "DATA", "WORKFLOW"]);
    let user_id = agents.columns.iter().find(|c| c.column == "user_id").unwrap();
    assert_eq!((user_id.name.as_str(), user_id.references.as_deref()), ("userId", Some("users")));
    assert!(tables.iter().find(|t| t.name == "workflow_steps").is_some_and(|t| !t.soft_delete));
}

#[test]
fn rows_filter_sort_and_page() {
    let env = Env::seeded();
    let data = env.svc.data();
    let api = data.rows(&q("agents", vec![filter("type", FilterOp::Eq, Some("API"))])).unwrap();
    assert_eq!(api.total, 2);
    assert!(api.items.iter().all(|a| a["type"] == "API"));
    let mut sorted = q("agents", vec![]);
    sorted.list = ListParams {
        sort_by: Some("name".into()),
        sort_order: Some("asc".into()),
        page_size: Some(2),
        ..Default::default()
    };
    let page = data.rows(&sorted).unwrap();
    assert_eq!((page.total, page.total_pages), (5, 3));
    assert_eq!(
        page.items.iter().map(|a| a["name"].as_str().unwrap()).collect::<Vec<_>>(),
        ["API Caller", "Data Transformer"]
    );
    let contains =
        data.rows(&q("workflow_steps", vec![filter("inputs", FilterOp::Contains, Some("inputs.apiUrl"))])).unwrap();
    assert_eq!(contains.items[0]["stepKey"], "fetch_data");
    let no_agent = data.rows(&q("workflow_steps", vec![filter("agentId", FilterOp::IsNull, None)])).unwrap();
    assert_eq!(no_agent.items.iter().map(|s| s["stepKey"].clone()).collect::<Vec<_>>(), [json!("save_data")]);
    let retries = data.rows(&q("workflow_steps", vec![filter("retry_count", FilterOp::Gte, Some("2"))])).unwrap();
    assert_eq!(retries.total, 3);
    let public = data.rows(&q("templates", vec![filter("isOfficial", FilterOp::Eq, Some("true"))])).unwrap();
    assert_eq!(public.total, 6);
    // Soft-deleted rows only when asked.
    env.svc.agents().delete(seed_id(0x1001)).unwrap();
    assert_eq!(data.rows(&q("agents", vec![])).unwrap().total, 4);
    assert_eq!(data.rows(&DataQuery { include_deleted: true, ..q("agents", vec![]) }).unwrap().total, 5);
    // Bad input is refused with the field named.
    assert_eq!(err(data.rows(&q("nope", vec![]))).fields[0].field, "table");
    assert_eq!(
        err(data.rows(&q("agents", vec![filter("password", FilterOp::Eq, Some("x"))]))).fields[0].field,
        "filters[0].column"
    );
    assert_eq!(
        err(data.rows(&q("users", vec![filter("password_hash", FilterOp::NotNull, None)]))).code,
        ErrorCode::ValidationError
    );
    assert_eq!(
        err(data.rows(&q("agents", vec![filter("version", FilterOp::Gt, Some("two"))]))).fields[0].field,
        "filters[0].value"
    );
    assert_eq!(
        err(data.rows(&q("agents", vec![filter("name", FilterOp::Eq, None)]))).fields[0].field,
        "filters[0].value"
    );
}

#[test]
fn related_rows_both_ways() {
    let env = Env::seeded();
    let data = env.svc.data();
    let related = data.related("workflows", seed_id(0x2001)).unwrap();
    let groups: Vec<(&str, &str, &str, u64)> =
        related.iter().map(|g| (g.table.as_str(), g.column.as_str(), g.direction.as_str(), g.total)).collect();
    assert!(groups.contains(&("users", "user_id", "parent", 1)), "{groups:?}");
    assert!(groups.contains(&("workflow_steps", "workflow_id", "child", 3)), "{groups:?}");
    assert!(groups.contains(&("executions", "workflow_id", "child", 0)), "{groups:?}");
    let step = data.related("workflow_steps", seed_id(0x3002)).unwrap();
    let parents: Vec<(&str, String)> = step
        .iter()
        .filter(|g| g.direction == "parent")
        .map(|g| (g.table.as_str(), g.rows[0]["name"].as_str().unwrap_or_default().to_string()))
        .collect();
    assert_eq!(parents, [("workflows", "Data Pipeline".to_string()), ("agents", "Data Transformer".to_string())]);
    assert_err(data.related("agents", seed_id(0x9999)), ErrorCode::NotFound, "Row not found");
}

#[test]
fn deployment_variables_stay_masked_in_the_browser() {
    let env = Env::seeded();
    let mut vars = BTreeMap::new();
    vars.insert("TOKEN".to_string(), "secret-value-123456".to_string());
    env.svc
        .deployments()
        .create(CreateDeployment {
            name: "D".into(),
            agent_id: Some(seed_id(0x1003)),
            environment_vars: Some(vars),
            ..Default::default()
        })
        .unwrap();
    let rows = env.svc.data().rows(&q("deployments", vec![])).unwrap();
    assert_eq!(rows.items[0]["environmentVars"], json!({"TOKEN": "secr***********3456"}));
    let text = serde_json::to_string(&env.svc.data().related("users", seed_id(1)).unwrap()).unwrap();
    assert!(!text.contains("secret-value-123456") && !text.contains("enc:v1:"));
}

#[test]
fn tables_say_what_can_be_edited() {
    let env = Env::seeded();
    let tables = env.svc.data().tables().unwrap();
    let editable = |name: &str| tables.iter().find(|t| t.name == name).unwrap().editable.clone();
    assert!(editable("agents").contains(&"name".to_string()));
    assert!(!editable("agents").contains(&"type".to_string()), "the type never changes");
    assert!(!editable("deployments").contains(&"environmentVars".to_string()), "secrets are not editable here");
    assert_eq!(editable("api_keys"), ["isActive"]);
    for read_only in ["executions", "execution_logs", "templates", "audit_logs"] {
        let t = tables.iter().find(|t| t.name == read_only).unwrap();
        assert!(t.editable.is_empty(), "{read_only}");
        assert!(t.edit_note.starts_with("Read-only"), "{read_only}: {}", t.edit_note);
    }
}

#[test]
fn edits_go_through_the_table_services_and_are_audited() {
    let env = Env::seeded();
    let data = env.svc.data();
    let agent = seed_id(0x1001);
    let row = data.update("agents", agent, json!({"name": "Renamed", "maxMemoryMb": 512})).unwrap();
    assert_eq!((row["name"].as_str(), row["maxMemoryMb"].as_i64()), (Some("Renamed"), Some(512)));
    assert_eq!(env.audit_actions().last().map(String::as_str), Some("agent.update"));
    let audited = env.svc.audit().list(&Default::default()).unwrap().items[0].changes.clone();
    assert_eq!(audited["name"]["after"], "Renamed");

    // The service's own rules apply, with the field named.
    let e = err(data.update("agents", agent, json!({"maxMemoryMb": 999_999})));
    assert_eq!((e.code, e.fields[0].field.as_str()), (ErrorCode::ValidationError, "maxMemoryMb"));
    // A value of the wrong kind, a column the service does not change, an empty required one.
    assert_eq!(err(data.update("agents", agent, json!({"maxMemoryMb": "lots"}))).fields[0].field, "maxMemoryMb");
    assert_eq!(err(data.update("agents", agent, json!({"version": 7}))).fields[0].field, "version");
    assert_eq!(err(data.update("agents", agent, json!({"type": "LLM"}))).fields[0].field, "type");
    assert_eq!(err(data.update("agents", agent, json!({"name": null}))).fields[0].message, "name cannot be empty");
    assert_err(data.update("agents", agent, json!({})), ErrorCode::ValidationError, "No fields to update");
    // Nullable columns can be cleared.
    let cleared = data.update("agents", agent, json!({"description": null})).unwrap();
    assert!(cleared["description"].is_null());

    // Tables without an update service are read-only.
    let e = err(data.update("templates", seed_id(0x4001), json!({"name": "x"})));
    assert_eq!(e.code, ErrorCode::BadRequest);
    assert_eq!(err(data.update("audit_logs", agent, json!({"action": "x"}))).code, ErrorCode::BadRequest);
    assert_eq!(err(data.update("nope", agent, json!({"a": 1}))).fields[0].field, "table");
}

#[test]
fn a_step_edit_is_a_workflow_update_checked_whole() {
    let env = Env::seeded();
    let data = env.svc.data();
    let step = seed_id(0x3002);
    let row = data.update("workflow_steps", step, json!({"retryCount": 4, "stepName": "Transform it"})).unwrap();
    assert_eq!((row["retryCount"].as_i64(), row["stepName"].as_str()), (Some(4), Some("Transform it")));
    assert_eq!(row["id"], step.to_string(), "the step keeps its id");
    assert_eq!(env.audit_actions().last().map(String::as_str), Some("workflow.update"));
    // The graph rules run on the whole workflow: the first step depending on the last is a cycle.
    let e = err(data.update("workflow_steps", seed_id(0x3001), json!({"dependsOn": ["save_data"]})));
    assert_eq!(e.code, ErrorCode::BadRequest, "{e:?}");
}

#[test]
fn profile_preferences_keys_and_deployments() {
    let env = Env::seeded();
    let data = env.svc.data();
    let me = env.svc.current_user_id();
    let row = data
        .update("users", me, json!({"fullName": "Ada", "preferences": {"theme": "dark", "defaultView": "dashboard"}}))
        .unwrap();
    assert_eq!(row["fullName"], "Ada");
    // Preferences are replaced whole: the left-out `notifications` is gone.
    assert_eq!(row["preferences"], json!({"theme": "dark", "defaultView": "dashboard"}));
    assert!(data.update("users", me, json!({"fullName": null})).unwrap()["fullName"].is_null());
    assert_eq!(err(data.update("users", me, json!({"email": "not-an-email"}))).fields[0].field, "email");
    let other = turbocat_services::seed::DEMO_ID;
    assert_eq!(err(data.update("users", other, json!({"fullName": "x"}))).code, ErrorCode::Forbidden);

    let key = env
        .svc
        .api_keys()
        .create(turbocat_services::api_keys::CreateApiKey { name: "K".into(), ..Default::default() })
        .unwrap()
        .api_key;
    assert_eq!(err(data.update("api_keys", key.id, json!({"isActive": true}))).fields[0].field, "isActive");
    assert_eq!(data.update("api_keys", key.id, json!({"isActive": false})).unwrap()["isActive"], false);
    assert_eq!(env.audit_actions().last().map(String::as_str), Some("api_key.revoke"));

    let d = env
        .svc
        .deployments()
        .create(CreateDeployment { name: "D".into(), agent_id: Some(seed_id(0x1003)), ..Default::default() })
        .unwrap();
    let row = data.update("deployments", d.id, json!({"name": "D2", "environment": "STAGING"})).unwrap();
    assert_eq!((row["name"].as_str(), row["environment"].as_str()), (Some("D2"), Some("STAGING")));
    assert_eq!(
        err(data.update("deployments", d.id, json!({"environmentVars": {"A": "b"}}))).fields[0].field,
        "environmentVars"
    );
}
