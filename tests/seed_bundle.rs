//! The seed (contents, fixed ids, idempotence) and the JSON bundle (export/import round trip,
//! all-or-nothing import).

use crate::support::*;
use serde_json::json;
use turbocat_domain::{AgentType, ErrorCode};
use turbocat_services::bundle::{Bundle, ExportSelection, ImportOptions};
use turbocat_services::seed::{seed_id, ADMIN_ID};
use turbocat_services::workflows::{StepChange, StepDiff, UpdateWorkflow};

fn dump(env: &Env) -> Vec<String> {
    env.svc
        .store()
        .read(|c| {
            let mut out = Vec::new();
            for t in ["users", "agents", "workflows", "workflow_steps", "templates", "audit_logs"] {
                let mut s = c.prepare(&format!("SELECT * FROM {t} ORDER BY id")).unwrap();
                let n = s.column_count();
                let rows = s
                    .query_map([], |r| {
                        Ok((0..n).map(|i| format!("{:?}", r.get_ref(i).unwrap())).collect::<Vec<_>>().join("|"))
                    })
                    .unwrap();
                out.extend(rows.map(|r| format!("{t}: {}", r.unwrap())));
            }
            Ok(out)
        })
        .unwrap()
}

#[test]
fn the_seed_has_the_hosted_content_and_ids() {
    let env = Env::seeded();
    assert_eq!(
        [
            env.count("users"),
            env.count("agents"),
            env.count("workflows"),
            env.count("workflow_steps"),
            env.count("templates")
        ],
        [2, 5, 2, 6, 6]
    );
    assert_eq!(env.svc.current_user_id(), ADMIN_ID, "the local profile is the seed's admin");
    assert_eq!(env.svc.users().profile().unwrap().email, "admin@turbocat.dev");
    let ids = |table: &str| -> Vec<String> {
        env.svc
            .store()
            .read(|c| {
                let mut s = c.prepare(&format!("SELECT id FROM {table} ORDER BY id")).unwrap();
                Ok(s.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect())
            })
            .unwrap()
    };
    let expect = |range: std::ops::RangeInclusive<u32>| -> Vec<String> {
        range.map(|n| format!("00000000-0000-4000-8000-00000000{n:04}")).collect()
    };
    assert_eq!(ids("users"), expect(1..=2));
    assert_eq!(ids("agents"), expect(1001..=1005));
    assert_eq!(ids("workflows"), expect(2001..=2002));
    assert_eq!(ids("workflow_steps"), expect(3001..=3006));
    assert_eq!(ids("templates"), expect(4001..=4006));
    let scraper = env.svc.agents().get(seed_id(0x1001)).unwrap();
    assert_eq!((scraper.agent_type, scraper.is_public), (AgentType::Code, true));
    let pipeline = env.svc.workflows().get(seed_id(0x2001)).unwrap();
    let keys: Vec<&str> = pipeline.steps.iter().map(|s| s.step_key.as_str()).collect();
    assert_eq!(keys, ["fetch_data", "transform_data", "save_data"]);
    assert_eq!(pipeline.steps[1].outputs, json!({"processedData": "{{result}}", "recordCount": "{{result.length}}"}));
    assert_eq!(pipeline.steps[2].agent_id, None);
    let content = env.svc.workflows().get(seed_id(0x2002)).unwrap();
    assert_eq!(content.workflow.schedule_cron.as_deref(), Some("0 9 * * 1"));
}

#[test]
fn seeding_twice_changes_nothing() {
    let env = Env::seeded();
    let before = dump(&env);
    let report = env.svc.seed().unwrap();
    assert_eq!(report.total(), 0);
    assert_eq!(dump(&env), before, "a second seed wrote something");
    // A seeded row the user edited stays edited; a deleted seed row comes back.
    env.svc
        .store()
        .write(|tx| {
            tx.execute_batch("DELETE FROM templates WHERE id = '00000000-0000-4000-8000-000000004003'")
                .map_err(turbocat_store::StoreError::from)?;
            Ok(())
        })
        .unwrap();
    assert_eq!(env.svc.seed().unwrap().templates, 1);
    // On a database without the seed, the seed arrives whole.
    let fresh = Env::empty();
    let r = fresh.svc.seed().unwrap();
    assert_eq!((r.users, r.agents, r.workflows, r.workflow_steps, r.templates), (2, 5, 2, 6, 6));
}

#[test]
fn export_then_import_round_trips() {
    let src = Env::seeded();
    src.svc
        .workflows()
        .update(
            seed_id(0x2001),
            UpdateWorkflow {
                step_changes: Some(StepDiff {
                    change: vec![StepChange {
                        step_key: "save_data".into(),
                        config: Some(json!({"storage": "ünïcödé ✓"})),
                        ..Default::default()
                    }],
                    ..Default::default()
                }),
                ..Default::default()
            },
        )
        .unwrap();
    let bundle = src.svc.export(&ExportSelection { all: true, ..Default::default() }).unwrap();
    assert_eq!((bundle.agents.len(), bundle.workflows.len(), bundle.templates.len()), (5, 2, 6));
    let text = serde_json::to_string_pretty(&bundle).unwrap();

    let dst = Env::empty();
    let report = dst.svc.import_json(&text, &ImportOptions::default()).unwrap();
    assert_eq!(
        (report.agents_created, report.workflows_created, report.steps_written, report.templates_created),
        (5, 2, 6, 6)
    );
    let again = dst.svc.export(&ExportSelection { all: true, ..Default::default() }).unwrap();
    let strip = |b: &Bundle| -> serde_json::Value {
        let mut v = serde_json::to_value(b).unwrap();
        v["exportedAt"] = json!(null);
        for kind in ["agents", "workflows", "templates"] {
            for item in v[kind].as_array_mut().unwrap() {
                item["userId"] = json!(null);
                item["updatedAt"] = json!(null);
                item["isOfficial"] = json!(null);
            }
        }
        v
    };
    assert_eq!(strip(&again), strip(&bundle), "what was exported came back unchanged");
    // Importing the same bundle again replaces in place; as copies makes new rows.
    let r2 = dst.svc.import_json(&text, &ImportOptions::default()).unwrap();
    assert_eq!((r2.agents_replaced, r2.workflows_replaced, r2.templates_replaced), (5, 2, 6));
    let r3 = dst.svc.import_json(&text, &ImportOptions { as_copies: true }).unwrap();
    assert_eq!(r3.workflows_created, 2);
    assert_eq!(dst.count("workflows"), 4);
    assert_eq!(dst.count("agents"), 10);
    // Steps of the copies point at the copied agents, not the originals.
    let copies_use_copies: i64 = dst
        .svc
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM workflow_steps WHERE agent_id IS NOT NULL AND agent_id NOT LIKE '00000000-0000-4000-8000-%'",
                [],
                |r| r.get(0),
            )
            .unwrap())
        })
        .unwrap();
    assert_eq!(copies_use_copies, 5);
    assert!(dst.audit_actions().iter().filter(|a| *a == "bundle.import").count() == 3);
}

#[test]
fn import_checks_everything_first_and_writes_all_or_nothing() {
    let src = Env::seeded();
    let mut bundle = src.svc.export(&ExportSelection { all: true, ..Default::default() }).unwrap();
    // Two problems in different places: both are reported, nothing is written.
    bundle.agents[2].name = "   ".into();
    bundle.workflows[1].steps[0].depends_on = Some(vec!["notify".into()]);
    let dst = Env::empty();
    let before = (dst.count("agents"), dst.count("workflows"), dst.count("templates"), dst.count("audit_logs"));
    let e = err(dst.svc.import(bundle.clone(), &ImportOptions::default()));
    assert_eq!(e.code, ErrorCode::ValidationError);
    assert!(e.message.contains("agents[2].name: name is required"), "{}", e.message);
    let cycle = "Cycle detected in workflow: fetch_content -> notify -> summarize -> fetch_content";
    assert!(e.message.starts_with("The bundle was not imported (2 problems)"), "{}", e.message);
    assert!(
        e.message.contains(&format!("workflows[1].steps.fetch_content.dependsOn.notify: {cycle}")),
        "{}",
        e.message
    );
    let edges: Vec<&str> = e.fields.iter().filter(|f| f.message == cycle).map(|f| f.field.as_str()).collect();
    assert_eq!(
        edges,
        [
            "workflows[1].steps.fetch_content.dependsOn.notify",
            "workflows[1].steps.notify.dependsOn.summarize",
            "workflows[1].steps.summarize.dependsOn.fetch_content"
        ]
    );
    assert_eq!((dst.count("agents"), dst.count("workflows"), dst.count("templates"), dst.count("audit_logs")), before);
    // A failure found while writing (a step's agent that is nowhere) rolls everything back.
    let mut b2 = src.svc.export(&ExportSelection { all: true, ..Default::default() }).unwrap();
    b2.agents.retain(|a| a.name != "Email Sender");
    let e = err(dst.svc.import(b2, &ImportOptions::default()));
    assert!(e.message.contains("neither in the bundle nor in this database"), "{}", e.message);
    assert_eq!((dst.count("agents"), dst.count("workflows"), dst.count("templates"), dst.count("audit_logs")), before);
    // Not a bundle at all.
    assert_eq!(err(dst.svc.import_json("{\"hello\": 1}", &ImportOptions::default())).code, ErrorCode::ValidationError);
}
