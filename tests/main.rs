//! The one integration-test binary of the product. Every test runs against a real SQLite file
//! in its own temporary folder, through the same entry points users have: the service API, the
//! store's open/migrate, and the `turbocat` command line's `run`.

mod support;

mod agents;
mod app_settings;
mod cli;
mod crash;
mod dashboard;
mod data;
mod engine;
mod engine_agents;
mod engine_rerun;
mod engine_schedule;
mod executions;
mod invariants;
mod keys_deployments;
mod migrations;
mod robustness_engine;
mod robustness_import;
mod robustness_store;
mod seed_bundle;
mod server;
mod sync;
mod sync_data;
mod sync_pooler;
mod sync_tls;
mod templates;
mod workflows;
