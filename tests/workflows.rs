//! Workflows and steps through the service API: create with steps, the graph checks with their
//! exact messages (on create, on a whole-set update and on a diff, always over the resulting
//! set), the `{{…}}` reference check on validate, create, update and import, step field rules,
//! schedules, list and soft delete.

use crate::support::*;
use serde_json::json;
use turbocat_domain::{ErrorCode, ErrorHandling, WorkflowStatus, WorkflowStepType};
use turbocat_services::workflows::{CreateWorkflow, StepChange, StepDiff, StepInput, UpdateWorkflow, WorkflowQuery};

pub fn step(key: &str, deps: &[&str]) -> StepInput {
    StepInput {
        step_key: key.into(),
        step_name: format!("Step {key}"),
        step_type: Some(WorkflowStepType::Agent),
        depends_on: Some(deps.iter().map(|s| s.to_string()).collect()),
        ..Default::default()
    }
}

pub fn create(env: &Env, name: &str, steps: Vec<StepInput>) -> turbocat_services::workflows::WorkflowWithSteps {
    env.svc.workflows().create(CreateWorkflow { name: name.into(), steps, ..Default::default() }).unwrap()
}

fn create_err(env: &Env, steps: Vec<StepInput>) -> turbocat_domain::Error {
    err(env.svc.workflows().create(CreateWorkflow { name: "W".into(), steps, ..Default::default() }))
}

#[test]
fn create_with_steps_in_one_transaction() {
    let env = Env::empty();
    let w = create(&env, "Pipeline", vec![step("a", &[]), step("b", &["a"]), step("c", &["a", "b"])]);
    assert_eq!(
        (w.workflow.status, w.workflow.version, w.workflow.schedule_timezone.as_str()),
        (WorkflowStatus::Draft, 1, "UTC")
    );
    assert_eq!(w.steps.len(), 3);
    let s = &w.steps[2];
    assert_eq!(
        (s.position, s.retry_count, s.retry_delay_ms, s.timeout_ms, s.on_error),
        (2, 0, 1000, 30000, ErrorHandling::Fail)
    );
    assert_eq!(env.svc.workflows().get(w.workflow.id).unwrap(), w);
    assert_eq!(json_of(&w)["steps"][1]["dependsOn"], json!(["a"]));
    assert_eq!(env.svc.workflows().find("Pipeline").unwrap().id, w.workflow.id);
}

#[test]
fn graph_checks_run_in_order_with_the_exact_messages() {
    let env = Env::empty();
    let cases: Vec<(Vec<StepInput>, &str)> = vec![
        (vec![step("a", &[]), step("a", &["missing"])], "Duplicate step key: \"a\""),
        (vec![step("a", &["a"]), step("b", &["missing"])], "Step \"b\" depends on non-existent step \"missing\""),
        (vec![step("a", &["a"])], "Step \"a\" cannot depend on itself"),
        (vec![step("a", &["c"]), step("b", &["a"]), step("c", &["b"])], "Cycle detected in workflow: a -> c -> b -> a"),
    ];
    for (steps, message) in cases {
        let e = create_err(&env, steps);
        assert_eq!((e.code, e.message.as_str()), (ErrorCode::BadRequest, message));
    }
    assert_eq!(env.count("workflows"), 0, "a refused create writes nothing");
    // The same checks, without writing, for the designer.
    assert_err(
        env.svc.workflows().validate(vec![step("x", &["y"]), step("y", &["x"])], None),
        ErrorCode::BadRequest,
        "Cycle detected in workflow: x -> y -> x",
    );
    assert!(env.svc.workflows().validate(vec![step("x", &[]), step("y", &["x"])], None).is_ok());
    // Each graph problem names its steps and dependencies in the fields, for the canvas.
    let e = err(env.svc.workflows().validate(vec![step("x", &["y"]), step("y", &["x"])], None));
    let fields: Vec<&str> = e.fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["steps.x.dependsOn.y", "steps.y.dependsOn.x"]);
}

#[test]
fn step_fields_and_limits_are_checked() {
    let env = Env::empty();
    let mut bad = step("bad key!", &[]);
    bad.retry_count = Some(11);
    bad.retry_delay_ms = Some(300_001);
    bad.timeout_ms = Some(999);
    bad.position = Some(-1);
    bad.config = Some(json!([]));
    bad.step_type = None;
    let e = create_err(&env, vec![bad]);
    let fields: Vec<&str> = e.fields.iter().map(|f| f.field.as_str()).collect();
    for f in [
        "steps[0].stepType",
        "steps[0].stepKey",
        "steps[0].position",
        "steps[0].config",
        "steps[0].retryCount",
        "steps[0].retryDelayMs",
        "steps[0].timeoutMs",
    ] {
        assert!(fields.contains(&f), "{f} missing from {fields:?}");
    }
    let mut many = step("fan", &[]);
    many.depends_on = Some((0..51).map(|i| format!("s{i}")).collect());
    assert_eq!(create_err(&env, vec![many]).fields[0].field, "steps[0].dependsOn");
    let too_many: Vec<StepInput> = (0..101).map(|i| step(&format!("s{i}"), &[])).collect();
    assert_eq!(create_err(&env, too_many).message, "A workflow can have at most 100 steps (got 101)");
    let hundred: Vec<StepInput> = (0..100).map(|i| step(&format!("s{i}"), if i > 0 { &["s0"] } else { &[] })).collect();
    assert_eq!(create(&env, "Big", hundred).steps.len(), 100);
}

#[test]
fn agent_steps_need_an_existing_agent_when_one_is_set() {
    let env = Env::seeded();
    let mut s = step("call", &[]);
    s.agent_id = Some(turbocat_services::seed::seed_id(0x1003));
    assert!(env
        .svc
        .workflows()
        .create(CreateWorkflow {
            name: "Uses API".into(),
            steps: vec![s.clone(), step("pass", &["call"])],
            ..Default::default()
        })
        .is_ok());
    env.svc.agents().delete(turbocat_services::seed::seed_id(0x1003)).unwrap();
    let e = create_err(&env, vec![s]);
    assert_eq!(e.code, ErrorCode::ValidationError);
    assert!(e.message.contains("does not exist or was deleted"), "{}", e.message);
}

#[test]
fn schedules_must_be_real_cron_and_real_zones() {
    let env = Env::empty();
    let mk = |cron: &str, tz: &str| CreateWorkflow {
        name: "Sched".into(),
        schedule_cron: Some(cron.into()),
        schedule_timezone: Some(tz.into()),
        ..Default::default()
    };
    let e = err(env.svc.workflows().create(mk("every monday", "UTC")));
    assert_eq!(e.fields[0].field, "scheduleCron");
    let e = err(env.svc.workflows().create(mk("0 9 * * 1", "Moon/Base")));
    assert_eq!(e.fields[0].field, "scheduleTimezone");
    let ok = env.svc.workflows().create(mk("0 9 * * 1", "Europe/Paris")).unwrap();
    let next = turbocat_domain::validate::next_runs(
        "0 9 * * 1",
        "Europe/Paris",
        "2026-07-01T00:00:00.000Z".parse().unwrap(),
        1,
    )
    .unwrap();
    assert_eq!(next[0].to_string(), "2026-07-06T07:00:00.000Z", "09:00 in Paris in summer is 07:00 UTC");
    let e = err(env
        .svc
        .workflows()
        .update(ok.workflow.id, UpdateWorkflow { schedule_timezone: Some("Nowhere".into()), ..Default::default() }));
    assert_eq!(e.fields[0].field, "scheduleTimezone");
}

#[test]
fn update_with_a_whole_step_set_keeps_ids_of_kept_keys() {
    let env = Env::empty();
    let w = create(&env, "Flow", vec![step("a", &[]), step("b", &["a"])]);
    let id_a = w.steps[0].id;
    let updated_a = w.steps[0].updated_at;
    let mut b2 = step("b", &["a"]);
    b2.step_name = "Renamed b".into();
    let u = env
        .svc
        .workflows()
        .update(
            w.workflow.id,
            UpdateWorkflow { steps: Some(vec![step("a", &[]), b2, step("c", &["b"])]), ..Default::default() },
        )
        .unwrap();
    assert_eq!(u.steps.iter().map(|s| s.step_key.as_str()).collect::<Vec<_>>(), ["a", "b", "c"]);
    assert_eq!(u.steps[0].id, id_a);
    assert_eq!(u.steps[0].updated_at, updated_a, "an unchanged step is not rewritten");
    assert_eq!(u.steps[1].step_name, "Renamed b");
    let audit = env
        .svc
        .audit()
        .list(&turbocat_services::audit::AuditQuery { action: Some("workflow.update".into()), ..Default::default() })
        .unwrap();
    assert_eq!(audit.items[0].changes["steps"], json!({"added": ["c"], "changed": ["b"], "deleted": []}));
    // Dropping a step that others need is refused, over the whole resulting set.
    let e = err(env
        .svc
        .workflows()
        .update(w.workflow.id, UpdateWorkflow { steps: Some(vec![step("b", &["a"])]), ..Default::default() }));
    assert_eq!(e.message, "Step \"b\" depends on non-existent step \"a\"");
    assert_eq!(env.svc.workflows().get(w.workflow.id).unwrap().steps.len(), 3, "a refused update changes nothing");
}

#[test]
fn update_with_a_diff_checks_the_resulting_set() {
    let env = Env::empty();
    let w = create(&env, "Flow", vec![step("a", &[]), step("b", &["a"]), step("c", &["b"])]);
    let id = w.workflow.id;
    let diff = |d: StepDiff| UpdateWorkflow { step_changes: Some(d), ..Default::default() };
    // Closing a cycle through a change alone is caught, because the check sees stored steps too.
    let e = err(env.svc.workflows().update(
        id,
        diff(StepDiff {
            change: vec![StepChange { step_key: "a".into(), depends_on: Some(vec!["c".into()]), ..Default::default() }],
            ..Default::default()
        }),
    ));
    assert_eq!(e.message, "Cycle detected in workflow: a -> c -> b -> a");
    // A step key already used by a stored step is a duplicate.
    let e = err(env.svc.workflows().update(id, diff(StepDiff { add: vec![step("b", &[])], ..Default::default() })));
    assert_eq!(e.message, "Duplicate step key: \"b\"");
    // Deleting a step others depend on.
    let e = err(env.svc.workflows().update(id, diff(StepDiff { delete: vec!["b".into()], ..Default::default() })));
    assert_eq!(e.message, "Step \"c\" depends on non-existent step \"b\"");
    let e = err(env.svc.workflows().update(id, diff(StepDiff { delete: vec!["zz".into()], ..Default::default() })));
    assert_eq!(e.code, ErrorCode::ValidationError);
    // A valid diff: add d, change c, delete nothing; then delete d.
    let u = env
        .svc
        .workflows()
        .update(
            id,
            diff(StepDiff {
                add: vec![step("d", &["c"])],
                change: vec![StepChange {
                    step_key: "c".into(),
                    timeout_ms: Some(5000),
                    on_error: Some(ErrorHandling::Continue),
                    ..Default::default()
                }],
                delete: vec![],
            }),
        )
        .unwrap();
    assert_eq!(u.steps.len(), 4);
    let c = u.steps.iter().find(|s| s.step_key == "c").unwrap();
    assert_eq!((c.timeout_ms, c.on_error), (5000, ErrorHandling::Continue));
    let u = env.svc.workflows().update(id, diff(StepDiff { delete: vec!["d".into()], ..Default::default() })).unwrap();
    assert_eq!(u.steps.len(), 3);
    assert_eq!(env.count("workflow_steps"), 3, "steps are hard-deleted");
    assert_err(
        env.svc.workflows().update(
            id,
            UpdateWorkflow { steps: Some(vec![]), step_changes: Some(StepDiff::default()), ..Default::default() },
        ),
        ErrorCode::ValidationError,
        "Give either steps (the whole set) or stepChanges, not both",
    );
    assert_err(
        env.svc.workflows().update(id, UpdateWorkflow::default()),
        ErrorCode::ValidationError,
        "No fields to update",
    );
}

#[test]
fn list_and_soft_delete() {
    let env = Env::seeded();
    let mine = create(&env, "Mine", vec![step("a", &[])]);
    let all = env.svc.workflows().list(&WorkflowQuery::default()).unwrap();
    assert_eq!(all.total, 3);
    let active = env
        .svc
        .workflows()
        .list(&WorkflowQuery { status: Some(WorkflowStatus::Active), ..Default::default() })
        .unwrap();
    assert_eq!(active.total, 2);
    let tagged = env
        .svc
        .workflows()
        .list(&WorkflowQuery {
            list: turbocat_services::ListParams { tags: Some(vec!["ai".into()]), ..Default::default() },
            ..Default::default()
        })
        .unwrap();
    assert_eq!(tagged.items[0].name, "Content Generator");
    env.svc.workflows().delete(mine.workflow.id).unwrap();
    assert_err(env.svc.workflows().get(mine.workflow.id), ErrorCode::NotFound, "Workflow not found");
    assert_eq!(env.svc.workflows().list(&WorkflowQuery::default()).unwrap().total, 2);
    assert_eq!(env.count("workflow_steps"), 7, "a soft-deleted workflow keeps its steps");
}

/// `b` reads `a`'s output without depending on it; `a` reads the declared input `url`.
fn reads_without_depending() -> Vec<StepInput> {
    let mut a = step("a", &[]);
    a.inputs = Some(json!({"u": "{{inputs.url}}"}));
    let mut b = step("b", &[]);
    b.inputs = Some(json!({"x": "{{a.u}}"}));
    vec![a, b]
}

fn declares_url() -> serde_json::Value {
    json!({"inputs": {"url": {"type": "string", "required": true}}})
}

/// Asserts the reference problem of [`reads_without_depending`]'s step `b`, placed by its key.
fn assert_not_upstream(e: &turbocat_domain::Error) {
    assert_eq!(e.code, ErrorCode::ValidationError, "{e:?}");
    let f = e.fields.iter().find(|f| f.field == "steps.b").unwrap_or_else(|| panic!("no steps.b in {e:?}"));
    assert_eq!(
        f.message,
        "Step \"b\" references step \"a\", which is not one of its upstream dependencies, in {{a.u}}"
    );
}

#[test]
fn a_bad_reference_is_refused_on_validate_create_and_update_not_at_run() {
    let env = Env::empty();
    let wf = env.svc.workflows();
    assert_not_upstream(&err(wf.validate(reads_without_depending(), Some(declares_url()))));
    // An undeclared input, when the workflow declares its inputs; any input when it declares none.
    let mut other = step("a", &[]);
    other.inputs = Some(json!({"u": "{{inputs.nope}}"}));
    let e = err(wf.validate(vec![other.clone()], Some(declares_url())));
    assert_eq!(e.fields[0].field, "steps.a", "{e:?}");
    assert_eq!(e.fields[0].message, "Step \"a\" references unknown workflow input \"nope\" in {{inputs.nope}}");
    assert!(wf.validate(vec![other], None).is_ok());
    // An unknown step, and a condition that does not parse, with their fields.
    let mut cond = step("check", &[]);
    cond.step_type = Some(WorkflowStepType::Condition);
    cond.config = Some(json!({"condition": "inputs.n >"}));
    let mut ghost = step("ghost", &[]);
    ghost.inputs = Some(json!({"x": "{{nowhere.out}}"}));
    let e = err(wf.validate(vec![cond, ghost], None));
    let fields: Vec<&str> = e.fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["steps.check.config.condition", "steps.ghost"], "{e:?}");

    let audits = env.count("audit_logs");
    let create = |steps: Vec<StepInput>, definition: serde_json::Value| {
        wf.create(CreateWorkflow { name: "Refs".into(), definition: Some(definition), steps, ..Default::default() })
    };
    assert_not_upstream(&err(create(reads_without_depending(), declares_url())));
    assert_eq!((env.count("workflows"), env.count("audit_logs")), (0, audits), "a refused create writes nothing");

    let mut fixed = reads_without_depending();
    fixed[1].depends_on = Some(vec!["a".into()]);
    let made = create(fixed, declares_url()).unwrap();
    let id = made.workflow.id;
    let e = err(wf.update(id, UpdateWorkflow { steps: Some(reads_without_depending()), ..Default::default() }));
    assert_not_upstream(&e);
    // Taking the declared input away breaks `a`'s reference: refused too.
    let e = err(wf.update(id, UpdateWorkflow { definition: Some(json!({"inputs": {}})), ..Default::default() }));
    assert_eq!(e.fields[0].field, "steps.a", "{e:?}");
    assert_eq!(wf.get(id).unwrap(), made, "refused updates changed nothing");
    // A change that leaves the references alone is not checked against them again.
    wf.update(id, UpdateWorkflow { name: Some("Renamed".into()), ..Default::default() }).unwrap();
}

/// The typed step config and definition (`domain::flow::config`): a value of the wrong shape is
/// refused on validate, create and update with the key in the field, before any row is written;
/// and the engine reads the same shapes (a wait step's `durationMs`, a loop's text concurrency).
#[test]
fn a_step_config_or_definition_of_the_wrong_shape_is_refused_on_save() {
    let env = Env::empty();
    let wf = env.svc.workflows();
    let mut wait = step("w", &[]);
    wait.step_type = Some(WorkflowStepType::Wait);
    wait.config = Some(json!({"waitMs": "soon"}));
    let mut each = step("each", &[]);
    each.step_type = Some(WorkflowStepType::Loop);
    each.config = Some(json!({"items": 3, "concurrency": 500}));
    let e = err(wf.validate(vec![wait.clone(), each.clone()], None));
    let fields: Vec<&str> = e.fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["steps.w.config.waitMs", "steps.each.config.items", "steps.each.config.concurrency"], "{e:?}");
    assert_eq!(
        e.fields[0].message,
        "Step \"w\": config.waitMs must be a number of milliseconds or a template yielding one"
    );

    let bad_definition = json!({"inputs": {"n": {"type": "number", "default": "three"}}, "timeoutMs": "soon"});
    let e = err(wf.validate(vec![], Some(bad_definition.clone())));
    let fields: Vec<&str> = e.fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["definition.inputs.n.default", "definition.timeoutMs"], "{e:?}");

    let audits = env.count("audit_logs");
    let create = |steps: Vec<StepInput>, definition: serde_json::Value| {
        wf.create(CreateWorkflow {
            name: "Shapes".into(),
            status: Some(WorkflowStatus::Active),
            definition: Some(definition),
            steps,
            ..Default::default()
        })
    };
    err(create(vec![wait.clone()], json!({})));
    err(create(vec![], bad_definition.clone()));
    assert_eq!((env.count("workflows"), env.count("audit_logs")), (0, audits), "a refused create writes nothing");

    // The older spellings the engine reads are accepted: `durationMs`, text numbers, `when` as text.
    wait.config = Some(json!({"durationMs": 5}));
    each.config = Some(json!({"items": "{{inputs.list}}", "concurrency": "2"}));
    let mut after = step("after", &["w"]);
    after.config = Some(json!({"when": "true"}));
    let made =
        create(vec![wait, each, after], json!({"inputs": {"list": {"type": "array", "default": [1, 2]}}})).unwrap();
    let id = made.workflow.id;
    let e = err(wf.update(id, UpdateWorkflow { definition: Some(bad_definition), ..Default::default() }));
    assert_eq!(e.fields[0].field, "definition.inputs.n.default", "{e:?}");
    assert_eq!(wf.get(id).unwrap(), made, "a refused update changed nothing");

    let rt = tokio::runtime::Runtime::new().unwrap();
    let done = rt.block_on(async {
        let engine =
            turbocat_engine::Engine::open(std::sync::Arc::new(env.reopen()), Default::default()).await.unwrap();
        engine.run(turbocat_engine::RunRequest::manual(id, json!({}))).await.unwrap()
    });
    assert_eq!(done.status, turbocat_domain::ExecutionStatus::Completed, "{:?}", done.error_message);
    assert_eq!(done.output_data["w"], json!({"waitedMs": 5}));
    assert_eq!(done.output_data["each"]["count"], json!(2));
}
