//! Templates through the service API: visibility, filters, categories, instantiation of agent
//! and workflow templates (with their steps), save as template, rating.

use crate::support::*;
use crate::workflows::{create, step};
use serde_json::json;
use turbocat_domain::{AgentStatus, AgentType, ErrorCode, Hundredths, TemplateType, WorkflowStatus};
use turbocat_services::seed::seed_id;
use turbocat_services::templates::{Instantiate, Instantiated, SaveAsTemplate, TemplateQuery};

#[test]
fn list_categories_and_visibility() {
    let env = Env::seeded();
    let all = env.svc.templates().list(&TemplateQuery::default()).unwrap();
    assert_eq!(all.total, 6);
    assert_eq!(
        env.svc.templates().categories().unwrap(),
        ["ai", "communication", "data-extraction", "data-processing", "integration"]
    );
    let q = TemplateQuery { category: Some("data-processing".into()), ..Default::default() };
    assert_eq!(env.svc.templates().list(&q).unwrap().total, 2);
    let q = TemplateQuery { template_type: Some(TemplateType::Workflow), ..Default::default() };
    assert_eq!(env.svc.templates().list(&q).unwrap().items[0].name, "Data Pipeline");
    // A private template of another user is invisible; a public one is visible.
    env.svc.store().write(|tx| {
        tx.execute_batch(
            "INSERT INTO users (id, email, updated_at) VALUES ('00000000-0000-4000-8000-00000000dddd', 'x@example.com', '2026-01-01T00:00:00.000Z');
             INSERT INTO templates (id, name, category, type, user_id, template_data, is_public, updated_at) VALUES
               ('00000000-0000-4000-8000-00000000d001', 'Secret', 'zzz', 'agent', '00000000-0000-4000-8000-00000000dddd', '{}', 0, '2026-01-01T00:00:00.000Z'),
               ('00000000-0000-4000-8000-00000000d002', 'Shared', 'shared', 'agent', '00000000-0000-4000-8000-00000000dddd', '{}', 1, '2026-01-01T00:00:00.000Z');",
        )
        .map_err(turbocat_store::StoreError::from)?;
        Ok(())
    })
    .unwrap();
    assert_eq!(env.svc.templates().list(&TemplateQuery::default()).unwrap().total, 7);
    assert!(!env.svc.templates().categories().unwrap().contains(&"zzz".to_string()));
    assert_err(
        env.svc.templates().get("00000000-0000-4000-8000-00000000d001".parse().unwrap()),
        ErrorCode::NotFound,
        "Template not found",
    );
}

#[test]
fn instantiate_an_agent_template_merges_config_and_counts_the_use() {
    let env = Env::seeded();
    let id = seed_id(0x4004);
    let made = env
        .svc
        .templates()
        .instantiate(id, Instantiate { config: Some(json!({"model": "llama3.2", "extra": 1})), ..Default::default() })
        .unwrap();
    let Instantiated::Agent(a) = made else { panic!("expected an agent") };
    assert_eq!((a.name.as_str(), a.agent_type, a.status), ("LLM Assistant Agent", AgentType::Llm, AgentStatus::Draft));
    assert_eq!(a.config, json!({"provider": "openai", "model": "llama3.2", "maxTokens": 2000, "extra": 1}));
    assert_eq!(a.parameters["prompt"]["required"], true);
    let named =
        env.svc.templates().instantiate(id, Instantiate { name: Some("Mine".into()), ..Default::default() }).unwrap();
    assert!(matches!(named, Instantiated::Agent(ref a) if a.name == "Mine"));
    assert_eq!(env.svc.templates().get(id).unwrap().usage_count, 2);
    // Default sort is by usage: the used template comes first.
    assert_eq!(env.svc.templates().list(&TemplateQuery::default()).unwrap().items[0].id, id);
}

#[test]
fn instantiate_a_workflow_template_creates_its_steps() {
    let env = Env::seeded();
    let made = env.svc.templates().instantiate(seed_id(0x4006), Instantiate::default()).unwrap();
    let Instantiated::Workflow(w) = made else { panic!("expected a workflow") };
    assert_eq!((w.workflow.name.as_str(), w.workflow.status), ("Data Pipeline", WorkflowStatus::Draft));
    let keys: Vec<(&str, Vec<String>)> = w.steps.iter().map(|s| (s.step_key.as_str(), s.deps().to_vec())).collect();
    assert_eq!(
        keys,
        [("fetch", vec![]), ("transform", vec!["fetch".to_string()]), ("load", vec!["transform".to_string()])]
    );
    assert_eq!(w.steps[0].config["agentType"], "API");
    assert_eq!(w.workflow.definition["inputs"]["sourceUrl"]["required"], true);
    assert!(w.workflow.definition.get("steps").is_none());
}

#[test]
fn step_templates_cannot_be_instantiated() {
    let env = Env::seeded();
    let w = create(&env, "Source", vec![step("a", &[])]);
    let t = env
        .svc
        .templates()
        .save_workflow(w.workflow.id, SaveAsTemplate { category: "mine".into(), ..Default::default() })
        .unwrap();
    env.svc
        .store()
        .write(|tx| {
            tx.execute("UPDATE templates SET type = 'step' WHERE id = ?1", [t.id.to_string()])
                .map_err(turbocat_store::StoreError::from)?;
            Ok(())
        })
        .unwrap();
    assert_err(
        env.svc.templates().instantiate(t.id, Instantiate::default()),
        ErrorCode::BadRequest,
        "Cannot instantiate template of type \"step\" directly",
    );
}

#[test]
fn save_as_template_and_instantiate_round_trip() {
    let env = Env::seeded();
    let w = create(&env, "Reusable", vec![step("a", &[]), step("b", &["a"]), step("c", &["a"])]);
    let t = env
        .svc
        .templates()
        .save_workflow(
            w.workflow.id,
            SaveAsTemplate { category: " automation ".into(), tags: Some(vec!["x".into()]), ..Default::default() },
        )
        .unwrap();
    assert_eq!(
        (t.name.as_str(), t.category.as_str(), t.is_official, t.user_id),
        ("Reusable", "automation", false, Some(env.svc.current_user_id()))
    );
    let Instantiated::Workflow(copy) =
        env.svc.templates().instantiate(t.id, Instantiate { name: Some("Copy".into()), ..Default::default() }).unwrap()
    else {
        panic!()
    };
    let deps = |w: &turbocat_services::workflows::WorkflowWithSteps| -> Vec<(String, Vec<String>)> {
        w.steps.iter().map(|s| (s.step_key.clone(), s.deps().to_vec())).collect()
    };
    assert_eq!(deps(&copy), deps(&w), "the same graph, not a chain");
    let agent_t = env
        .svc
        .templates()
        .save_agent(seed_id(0x1002), SaveAsTemplate { category: "data".into(), ..Default::default() })
        .unwrap();
    let Instantiated::Agent(a) = env.svc.templates().instantiate(agent_t.id, Instantiate::default()).unwrap() else {
        panic!()
    };
    assert_eq!((a.name.as_str(), a.agent_type), ("Data Transformer", AgentType::Data));
    let e = err(env
        .svc
        .templates()
        .save_agent(seed_id(0x1002), SaveAsTemplate { category: "".into(), ..Default::default() }));
    assert_eq!(e.fields[0].field, "category");
}

#[test]
fn rating_keeps_a_two_decimal_average() {
    let env = Env::seeded();
    let id = seed_id(0x4001);
    for r in [5, 4, 4] {
        env.svc.templates().rate(id, r).unwrap();
    }
    let t = env.svc.templates().get(id).unwrap();
    assert_eq!((t.rating_average, t.rating_count), (Hundredths(433), 3));
    assert_eq!(json_of(&t)["ratingAverage"], "4.33");
    let e = err(env.svc.templates().rate(id, 6));
    assert_eq!((e.code, e.fields[0].field.as_str()), (ErrorCode::ValidationError, "rating"));
}

#[test]
fn a_failed_instantiation_writes_nothing_and_counts_no_use() {
    let env = Env::seeded();
    // A workflow template whose steps close a cycle: the create inside fails.
    env.svc
        .store()
        .write(|tx| {
            tx.execute_batch(
                r#"INSERT INTO templates (id, name, category, type, user_id, template_data, updated_at) VALUES
                   ('00000000-0000-4000-8000-00000000e001', 'Loop', 'x', 'workflow', '00000000-0000-4000-8000-000000000001',
                    '{"steps": [{"key": "a", "dependsOn": ["b"]}, {"key": "b", "dependsOn": ["a"]}]}', '2026-01-01T00:00:00.000Z')"#,
            )
            .map_err(turbocat_store::StoreError::from)?;
            Ok(())
        })
        .unwrap();
    let id = "00000000-0000-4000-8000-00000000e001".parse().unwrap();
    let (workflows, audit) = (env.count("workflows"), env.count("audit_logs"));
    assert_err(
        env.svc.templates().instantiate(id, Instantiate::default()),
        ErrorCode::BadRequest,
        "Cycle detected in workflow: a -> b -> a",
    );
    assert_eq!((env.count("workflows"), env.count("audit_logs")), (workflows, audit));
    assert_eq!(env.svc.templates().get(id).unwrap().usage_count, 0);
}
