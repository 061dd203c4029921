//! API keys and deployments through the service API: the key shown once and stored hashed,
//! verification with scopes, expiry and rate limits; deployments' target rule, state machine,
//! and environment variables sealed at rest and masked on read.

use crate::support::*;
use serde_json::json;
use std::collections::BTreeMap;
use turbocat_domain::{DeploymentStatus, Environment, ErrorCode, HealthStatus, Timestamp};
use turbocat_services::api_keys::{hash_key, CreateApiKey};
use turbocat_services::deployments::{CreateDeployment, DeploymentQuery, UpdateDeployment};
use turbocat_services::seed::seed_id;

#[test]
fn an_api_key_is_shown_once_and_stored_as_a_hash() {
    let env = Env::seeded();
    let created = env
        .svc
        .api_keys()
        .create(CreateApiKey { name: "CI".into(), scopes: Some(vec!["agents".into()]), ..Default::default() })
        .unwrap();
    let key = created.key.clone();
    assert!(key.starts_with("tc_") && key.len() == 43, "{key}");
    assert_eq!(created.api_key.key_prefix, key[..12]);
    let (stored_hash, audit): (String, String) = env
        .svc
        .store()
        .read(|c| {
            Ok((
                c.query_row("SELECT key_hash FROM api_keys", [], |r| r.get(0)).unwrap(),
                c.query_row("SELECT changes FROM audit_logs WHERE action = 'api_key.create'", [], |r| r.get(0))
                    .unwrap(),
            ))
        })
        .unwrap();
    assert_eq!(stored_hash, hash_key(&key));
    assert_eq!(stored_hash.len(), 64);
    let db_bytes = std::fs::read(env.path()).unwrap_or_default();
    let wal = std::fs::read(format!("{}-wal", env.path().display())).unwrap_or_default();
    let needle = key.as_bytes();
    assert!(
        !db_bytes.windows(needle.len()).any(|w| w == needle) && !wal.windows(needle.len()).any(|w| w == needle),
        "the plain key reached the file"
    );
    assert!(!audit.contains(&key) && !audit.contains(&stored_hash), "{audit}");
    let listed = env.svc.api_keys().list(&Default::default()).unwrap();
    let as_json = serde_json::to_string(&listed).unwrap();
    assert!(!as_json.contains(&stored_hash) && !as_json.contains("keyHash") && !as_json.contains(&key));
    assert_eq!(listed.items[0].key_prefix, key[..12]);
}

#[test]
fn verify_checks_activity_expiry_user_scopes_and_counts_uses() {
    let env = Env::seeded();
    let k = env
        .svc
        .api_keys()
        .create(CreateApiKey {
            name: "Reader".into(),
            scopes: Some(vec!["agents".into(), "workflows:read".into()]),
            ..Default::default()
        })
        .unwrap();
    let keys = env.svc.api_keys();
    let ok = keys.verify(Some(&k.key), Some("agents:write")).unwrap();
    assert_eq!(ok.usage_count, 1);
    keys.verify(Some(&k.key), Some("workflows:read")).unwrap();
    assert_err(
        keys.verify(Some(&k.key), Some("workflows:write")),
        ErrorCode::Forbidden,
        "API key does not grant the scope \"workflows:write\"",
    );
    assert_err(keys.verify(None, None), ErrorCode::Forbidden, "API key is required");
    assert_err(keys.verify(Some("tc_wrong"), None), ErrorCode::Forbidden, "Invalid API key");
    let row = keys.list(&Default::default()).unwrap().items.remove(0);
    assert_eq!(row.usage_count, 2);
    assert!(row.last_used_at.is_some());
    // An expired key.
    let soon = env
        .svc
        .api_keys()
        .create(CreateApiKey {
            name: "Short".into(),
            expires_at: Some(Timestamp::now().add_millis(60_000)),
            ..Default::default()
        })
        .unwrap();
    env.svc
        .store()
        .write(|tx| {
            tx.execute(
                "UPDATE api_keys SET expires_at = '2020-01-01T00:00:00.000Z' WHERE id = ?1",
                [soon.api_key.id.to_string()],
            )
            .map_err(turbocat_store::StoreError::from)?;
            Ok(())
        })
        .unwrap();
    assert_err(keys.verify(Some(&soon.key), None), ErrorCode::Forbidden, "API key has expired");
    assert_eq!(
        err(keys.create(CreateApiKey {
            name: "Past".into(),
            expires_at: Some(Timestamp::from_millis(0)),
            ..Default::default()
        }))
        .fields[0]
            .field,
        "expiresAt"
    );
    // Revoked.
    keys.revoke(k.api_key.id).unwrap();
    assert_err(keys.verify(Some(&k.key), None), ErrorCode::Forbidden, "API key has been revoked");
    assert_err(keys.revoke(k.api_key.id), ErrorCode::BadRequest, "This API key is already revoked");
    // An inactive user's keys are refused.
    let k2 = keys.create(CreateApiKey { name: "Other".into(), ..Default::default() }).unwrap();
    env.svc
        .store()
        .write(|tx| {
            tx.execute("UPDATE users SET is_active = 0 WHERE id = ?1", [env.svc.current_user_id().to_string()])
                .map_err(turbocat_store::StoreError::from)?;
            Ok(())
        })
        .unwrap();
    assert_err(
        keys.verify(Some(&k2.key), None),
        ErrorCode::Forbidden,
        "The user of this API key is inactive or deleted",
    );
    assert!(env.audit_actions().contains(&"api_key.revoke".to_string()));
}

#[test]
fn rate_limit_is_a_real_window_per_key() {
    let env = Env::empty();
    let k = env
        .svc
        .api_keys()
        .create(CreateApiKey { name: "Limited".into(), rate_limit_per_minute: Some(3), ..Default::default() })
        .unwrap();
    let other = env
        .svc
        .api_keys()
        .create(CreateApiKey { name: "Other".into(), rate_limit_per_minute: Some(3), ..Default::default() })
        .unwrap();
    // Stay inside one minute window: wait for a fresh one if the boundary is near.
    let ms_into_minute = Timestamp::now().millis() % 60_000;
    if ms_into_minute > 55_000 {
        std::thread::sleep(std::time::Duration::from_millis((60_000 - ms_into_minute + 50) as u64));
    }
    for _ in 0..3 {
        env.svc.api_keys().verify(Some(&k.key), None).unwrap();
    }
    let e = err(env.svc.api_keys().verify(Some(&k.key), None));
    assert_eq!(e.code, ErrorCode::RateLimited);
    assert!(e.message.starts_with("Rate limit of 3 requests per minute exceeded"), "{}", e.message);
    env.svc.api_keys().verify(Some(&other.key), None).expect("another key has its own window");
}

fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[test]
fn deployments_need_exactly_one_target() {
    let env = Env::seeded();
    let mk = |w, a| CreateDeployment { name: "D".into(), workflow_id: w, agent_id: a, ..Default::default() };
    let e = err(env.svc.deployments().create(mk(None, None)));
    assert_eq!(e.message, "Either workflowId or agentId must be provided");
    let e = err(env.svc.deployments().create(mk(Some(seed_id(0x2001)), Some(seed_id(0x1001)))));
    assert_eq!(e.message, "Cannot deploy both a workflow and an agent. Provide only one.");
    assert_err(
        env.svc.deployments().create(mk(Some(seed_id(0x9999)), None)),
        ErrorCode::NotFound,
        "Workflow not found",
    );
    let e = err(env.svc.deployments().create(CreateDeployment {
        allocated_memory_mb: Some(0),
        allocated_cpu_shares: Some(5000),
        ..mk(None, Some(seed_id(0x1001)))
    }));
    assert_eq!(e.fields.len(), 2);
    assert_eq!(env.count("deployments"), 0);
    let d = env.svc.deployments().create(mk(None, Some(seed_id(0x1001)))).unwrap();
    assert_eq!(
        (d.environment, d.status, d.health_status, d.allocated_memory_mb, d.allocated_cpu_shares),
        (Environment::Production, DeploymentStatus::Stopped, HealthStatus::Unknown, 512, 1024)
    );
}

#[test]
fn environment_variables_are_sealed_at_rest_and_masked_on_read() {
    let env = Env::seeded();
    let secret = "sk-live-0123456789abcdef";
    let d = env
        .svc
        .deployments()
        .create(CreateDeployment {
            name: "Prod".into(),
            workflow_id: Some(seed_id(0x2001)),
            environment_vars: Some(vars(&[("API_KEY", secret), ("PIN", "1234")])),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(d.environment_vars, json!({"API_KEY": "sk-l****************cdef", "PIN": "********"}));
    let raw: String = env
        .svc
        .store()
        .read(|c| Ok(c.query_row("SELECT environment_vars FROM deployments", [], |r| r.get(0)).unwrap()))
        .unwrap();
    assert!(!raw.contains(secret) && raw.contains("enc:v1:"), "{raw}");
    let audit: String = env
        .svc
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT group_concat(changes) FROM audit_logs WHERE resource_type = 'deployment'",
                [],
                |r| r.get(0),
            )
            .unwrap())
        })
        .unwrap();
    assert!(!audit.contains(secret) && !audit.contains("enc:v1:"), "{audit}");
    assert_eq!(env.svc.deployments().reveal_var(d.id, "API_KEY").unwrap(), secret);
    let mut update = BTreeMap::new();
    update.insert("PIN".to_string(), None);
    update.insert("REGION".to_string(), Some("eu-west-1-long-value".to_string()));
    let u = env
        .svc
        .deployments()
        .update(d.id, UpdateDeployment { environment_vars: Some(update), ..Default::default() })
        .unwrap();
    assert_eq!(u.environment_vars, json!({"API_KEY": "sk-l****************cdef", "REGION": "eu-w************alue"}));
    assert_eq!(
        env.svc.deployments().list(&DeploymentQuery::default()).unwrap().items[0].environment_vars,
        u.environment_vars
    );
}

#[test]
fn the_deployment_state_machine() {
    let env = Env::seeded();
    let d = env
        .svc
        .deployments()
        .create(CreateDeployment { name: "SM".into(), agent_id: Some(seed_id(0x1003)), ..Default::default() })
        .unwrap();
    let ds = env.svc.deployments();
    assert_err(
        ds.stop(d.id),
        ErrorCode::BadRequest,
        "Cannot stop deployment in \"STOPPED\" status. Deployment must be RUNNING or STARTING or MAINTENANCE.",
    );
    assert_eq!(ds.start(d.id).unwrap().status, DeploymentStatus::Starting);
    assert_err(
        ds.start(d.id),
        ErrorCode::BadRequest,
        "Cannot start deployment in \"STARTING\" status. Deployment must be STOPPED or FAILED.",
    );
    let r = ds.mark_running(d.id).unwrap();
    assert_eq!((r.status, r.health_status), (DeploymentStatus::Running, HealthStatus::Healthy));
    assert!(r.deployed_at.is_some());
    assert_eq!(ds.stop(d.id).unwrap().status, DeploymentStatus::Stopping);
    assert_eq!(ds.mark_stopped(d.id).unwrap().status, DeploymentStatus::Stopped);
    // Deleting a running deployment stops it first.
    ds.start(d.id).unwrap();
    ds.mark_running(d.id).unwrap();
    ds.delete(d.id).unwrap();
    assert_err(ds.get(d.id), ErrorCode::NotFound, "Deployment not found");
    let actions: Vec<String> = env.audit_actions().into_iter().filter(|a| a.starts_with("deployment.")).collect();
    assert_eq!(
        actions,
        [
            "deployment.create",
            "deployment.start",
            "deployment.running",
            "deployment.stop",
            "deployment.stopped",
            "deployment.start",
            "deployment.running",
            "deployment.stop",
            "deployment.stopped",
            "deployment.delete"
        ]
    );
}

/// Plain values left in the file by a build that stored pulled variables as they came (issue
/// 14, D11) are sealed when the database is next opened, without a change to push: no outbox
/// entry, `updated_at` kept.
#[test]
fn plain_variables_left_in_the_file_are_sealed_at_the_next_open() {
    let env = Env::seeded();
    let d = env
        .svc
        .deployments()
        .create(CreateDeployment {
            name: "Old".into(),
            workflow_id: Some(seed_id(0x2001)),
            environment_vars: Some(vars(&[("KEPT", "sealed-before")])),
            ..Default::default()
        })
        .unwrap();
    let kept = env.svc.deployments().reveal_var(d.id, "KEPT").unwrap();
    let sealed_kept: String = env
        .svc
        .store()
        .read(|c| Ok(c.query_row("SELECT environment_vars ->> '$.KEPT' FROM deployments", [], |r| r.get(0)).unwrap()))
        .unwrap();
    env.svc
        .store()
        .with_writer(|c| {
            c.execute_batch(&format!(
                "UPDATE sync_control SET applying = 1; \
                 UPDATE deployments SET environment_vars = json_set(environment_vars, '$.OLD', 'PLAIN-LEFTOVER-9', '$.N', 5) \
                   WHERE id = '{}'; \
                 UPDATE sync_control SET applying = 0;",
                d.id
            ))?;
            Ok(())
        })
        .unwrap();
    let state = |svc: &turbocat_services::Services| -> (String, String, i64) {
        svc.store()
            .read(|c| {
                Ok(c.query_row(
                    "SELECT environment_vars, updated_at, (SELECT count(*) FROM sync_outbox) FROM deployments",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .unwrap())
            })
            .unwrap()
    };
    let (before, stamp, outbox) = state(&env.svc);
    assert!(before.contains("PLAIN-LEFTOVER-9"), "the test starts from a plain value: {before}");

    let svc = env.reopen();
    let (after, stamp_after, outbox_after) = state(&svc);
    assert!(!after.contains("PLAIN-LEFTOVER-9"), "{after}");
    assert_eq!((stamp_after, outbox_after), (stamp, outbox), "sealing is not an edit");
    assert_eq!(svc.deployments().reveal_var(d.id, "OLD").unwrap(), "PLAIN-LEFTOVER-9");
    assert_eq!(svc.deployments().reveal_var(d.id, "N").unwrap(), "5");
    assert_eq!(svc.deployments().reveal_var(d.id, "KEPT").unwrap(), kept);
    let json: serde_json::Value = serde_json::from_str(&after).unwrap();
    assert_eq!(json["KEPT"], json!(sealed_kept), "a sealed value is not sealed again");
}
