-- The ten Turbocat models, as the hosted Postgres holds them (spec/turbocat-schema.md), in
-- SQLite form: UUID -> TEXT, TIMESTAMP(3) -> TEXT 'YYYY-MM-DDTHH:MM:SS.sssZ' (UTC),
-- JSONB -> TEXT checked by json_valid, TEXT[] -> TEXT holding a JSON array, enums -> TEXT with
-- a CHECK of the lowercase values, booleans -> INTEGER 0/1, DECIMAL(3,2) -> INTEGER hundredths.
-- Forward-only: never edit this file once released; add V<n+1>__<words>.sql instead.

CREATE TABLE users (
    id                 TEXT    NOT NULL PRIMARY KEY,
    email              TEXT    NOT NULL,
    password_hash      TEXT,
    full_name          TEXT,
    avatar_url         TEXT,
    role               TEXT    NOT NULL DEFAULT 'user' CHECK (role IN ('admin', 'user', 'agent')),
    is_active          INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    email_verified     INTEGER NOT NULL DEFAULT 0 CHECK (email_verified IN (0, 1)),
    email_verified_at  TEXT,
    last_login_at      TEXT,
    preferences        TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(preferences) AND json_type(preferences) = 'object'),
    created_at         TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at         TEXT    NOT NULL,
    deleted_at         TEXT
);
CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE INDEX users_email_idx ON users (email);
CREATE INDEX users_role_idx ON users (role);
CREATE INDEX users_created_at_idx ON users (created_at DESC);

CREATE TABLE agents (
    id                        TEXT    NOT NULL PRIMARY KEY,
    name                      TEXT    NOT NULL,
    description               TEXT,
    type                      TEXT    NOT NULL CHECK (type IN ('code', 'api', 'llm', 'data', 'workflow')),
    status                    TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'inactive', 'archived')),
    version                   INTEGER NOT NULL DEFAULT 1,
    parent_id                 TEXT    REFERENCES agents (id) ON DELETE SET NULL ON UPDATE CASCADE,
    user_id                   TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
    config                    TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(config) AND json_type(config) = 'object'),
    capabilities              TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(capabilities)),
    parameters                TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(parameters)),
    max_execution_time        INTEGER DEFAULT 300,
    max_memory_mb             INTEGER DEFAULT 512,
    max_concurrent_executions INTEGER DEFAULT 1,
    total_executions          INTEGER NOT NULL DEFAULT 0,
    successful_executions     INTEGER NOT NULL DEFAULT 0,
    failed_executions         INTEGER NOT NULL DEFAULT 0,
    avg_execution_time_ms     INTEGER NOT NULL DEFAULT 0,
    tags                      TEXT    DEFAULT '[]' CHECK (tags IS NULL OR (json_valid(tags) AND json_type(tags) = 'array')),
    is_public                 INTEGER NOT NULL DEFAULT 0 CHECK (is_public IN (0, 1)),
    is_template               INTEGER NOT NULL DEFAULT 0 CHECK (is_template IN (0, 1)),
    created_at                TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at                TEXT    NOT NULL,
    deleted_at                TEXT
);
CREATE INDEX agents_user_id_idx ON agents (user_id);
CREATE INDEX agents_type_idx ON agents (type);
CREATE INDEX agents_status_idx ON agents (status);
CREATE INDEX agents_is_public_idx ON agents (is_public);
CREATE INDEX agents_tags_idx ON agents (tags);
CREATE INDEX agents_created_at_idx ON agents (created_at DESC);
CREATE INDEX agents_parent_id_idx ON agents (parent_id);

CREATE TABLE workflows (
    id                    TEXT    NOT NULL PRIMARY KEY,
    name                  TEXT    NOT NULL,
    description           TEXT,
    user_id               TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
    status                TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'inactive', 'archived')),
    version               INTEGER NOT NULL DEFAULT 1,
    parent_id             TEXT    REFERENCES workflows (id) ON DELETE SET NULL ON UPDATE CASCADE,
    definition            TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(definition) AND json_type(definition) = 'object'),
    trigger_config        TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(trigger_config) AND json_type(trigger_config) = 'object'),
    schedule_enabled      INTEGER NOT NULL DEFAULT 0 CHECK (schedule_enabled IN (0, 1)),
    schedule_cron         TEXT,
    schedule_timezone     TEXT    NOT NULL DEFAULT 'UTC',
    total_executions      INTEGER NOT NULL DEFAULT 0,
    successful_executions INTEGER NOT NULL DEFAULT 0,
    failed_executions     INTEGER NOT NULL DEFAULT 0,
    avg_execution_time_ms INTEGER NOT NULL DEFAULT 0,
    last_execution_at     TEXT,
    tags                  TEXT    DEFAULT '[]' CHECK (tags IS NULL OR (json_valid(tags) AND json_type(tags) = 'array')),
    is_public             INTEGER NOT NULL DEFAULT 0 CHECK (is_public IN (0, 1)),
    created_at            TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at            TEXT    NOT NULL,
    deleted_at            TEXT
);
CREATE INDEX workflows_user_id_idx ON workflows (user_id);
CREATE INDEX workflows_status_idx ON workflows (status);
CREATE INDEX workflows_schedule_enabled_idx ON workflows (schedule_enabled);
CREATE INDEX workflows_tags_idx ON workflows (tags);
CREATE INDEX workflows_created_at_idx ON workflows (created_at DESC);
CREATE INDEX workflows_parent_id_idx ON workflows (parent_id);

CREATE TABLE workflow_steps (
    id             TEXT    NOT NULL PRIMARY KEY,
    workflow_id    TEXT    NOT NULL REFERENCES workflows (id) ON DELETE CASCADE ON UPDATE CASCADE,
    agent_id       TEXT    REFERENCES agents (id) ON DELETE SET NULL ON UPDATE CASCADE,
    step_key       TEXT    NOT NULL,
    step_name      TEXT    NOT NULL,
    step_type      TEXT    NOT NULL CHECK (step_type IN ('agent', 'condition', 'loop', 'parallel', 'wait')),
    position       INTEGER NOT NULL,
    config         TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(config) AND json_type(config) = 'object'),
    inputs         TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(inputs) AND json_type(inputs) = 'object'),
    outputs        TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(outputs) AND json_type(outputs) = 'object'),
    depends_on     TEXT    DEFAULT '[]' CHECK (depends_on IS NULL OR (json_valid(depends_on) AND json_type(depends_on) = 'array')),
    retry_count    INTEGER NOT NULL DEFAULT 0,
    retry_delay_ms INTEGER NOT NULL DEFAULT 1000,
    timeout_ms     INTEGER NOT NULL DEFAULT 30000,
    on_error       TEXT    NOT NULL DEFAULT 'fail' CHECK (on_error IN ('fail', 'continue', 'retry')),
    created_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at     TEXT    NOT NULL
);
CREATE INDEX workflow_steps_workflow_id_idx ON workflow_steps (workflow_id);
CREATE INDEX workflow_steps_agent_id_idx ON workflow_steps (agent_id);
CREATE INDEX workflow_steps_workflow_id_position_idx ON workflow_steps (workflow_id, position);
CREATE UNIQUE INDEX workflow_steps_workflow_id_step_key_key ON workflow_steps (workflow_id, step_key);

CREATE TABLE executions (
    id              TEXT    NOT NULL PRIMARY KEY,
    workflow_id     TEXT    NOT NULL REFERENCES workflows (id) ON DELETE CASCADE ON UPDATE CASCADE,
    user_id         TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
    status          TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled', 'timeout')),
    trigger_type    TEXT    NOT NULL CHECK (trigger_type IN ('manual', 'scheduled', 'api', 'webhook', 'event')),
    trigger_data    TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(trigger_data)),
    started_at      TEXT,
    completed_at    TEXT,
    duration_ms     INTEGER,
    input_data      TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(input_data)),
    output_data     TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(output_data)),
    steps_completed INTEGER NOT NULL DEFAULT 0,
    steps_failed    INTEGER NOT NULL DEFAULT 0,
    steps_total     INTEGER NOT NULL DEFAULT 0,
    error_message   TEXT,
    error_stack     TEXT,
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at      TEXT    NOT NULL
);
CREATE INDEX executions_workflow_id_idx ON executions (workflow_id);
CREATE INDEX executions_user_id_idx ON executions (user_id);
CREATE INDEX executions_status_idx ON executions (status);
CREATE INDEX executions_created_at_idx ON executions (created_at DESC);
CREATE INDEX executions_completed_at_idx ON executions (completed_at DESC);

CREATE TABLE execution_logs (
    id                TEXT    NOT NULL PRIMARY KEY,
    execution_id      TEXT    NOT NULL REFERENCES executions (id) ON DELETE CASCADE ON UPDATE CASCADE,
    workflow_step_id  TEXT    REFERENCES workflow_steps (id) ON DELETE SET NULL ON UPDATE CASCADE,
    level             TEXT    NOT NULL DEFAULT 'info' CHECK (level IN ('debug', 'info', 'warn', 'error', 'fatal')),
    message           TEXT    NOT NULL,
    metadata          TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
    step_key          TEXT,
    step_status       TEXT    CHECK (step_status IS NULL OR step_status IN ('pending', 'running', 'completed', 'failed', 'skipped')),
    step_started_at   TEXT,
    step_completed_at TEXT,
    step_duration_ms  INTEGER,
    created_at        TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX execution_logs_execution_id_created_at_idx ON execution_logs (execution_id, created_at);
CREATE INDEX execution_logs_level_idx ON execution_logs (level);
CREATE INDEX execution_logs_created_at_idx ON execution_logs (created_at DESC);
-- Not in the hosted schema: SQLite does not index foreign keys by itself, and without this a
-- delete of a step scans every log row to apply ON DELETE SET NULL.
CREATE INDEX execution_logs_workflow_step_id_idx ON execution_logs (workflow_step_id);

CREATE TABLE templates (
    id             TEXT    NOT NULL PRIMARY KEY,
    name           TEXT    NOT NULL,
    description    TEXT,
    category       TEXT    NOT NULL,
    type           TEXT    NOT NULL CHECK (type IN ('agent', 'workflow', 'step')),
    user_id        TEXT    REFERENCES users (id) ON DELETE SET NULL ON UPDATE CASCADE,
    template_data  TEXT    NOT NULL CHECK (json_valid(template_data)),
    tags           TEXT    DEFAULT '[]' CHECK (tags IS NULL OR (json_valid(tags) AND json_type(tags) = 'array')),
    is_official    INTEGER NOT NULL DEFAULT 0 CHECK (is_official IN (0, 1)),
    is_public      INTEGER NOT NULL DEFAULT 0 CHECK (is_public IN (0, 1)),
    usage_count    INTEGER NOT NULL DEFAULT 0,
    -- DECIMAL(3,2) as hundredths: 0..999 is 0.00..9.99.
    rating_average INTEGER NOT NULL DEFAULT 0 CHECK (rating_average BETWEEN 0 AND 999),
    rating_count   INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at     TEXT    NOT NULL,
    deleted_at     TEXT
);
CREATE INDEX templates_category_idx ON templates (category);
CREATE INDEX templates_type_idx ON templates (type);
CREATE INDEX templates_is_official_idx ON templates (is_official);
CREATE INDEX templates_is_public_idx ON templates (is_public);
CREATE INDEX templates_tags_idx ON templates (tags);
CREATE INDEX templates_usage_count_idx ON templates (usage_count DESC);

CREATE TABLE deployments (
    id                   TEXT    NOT NULL PRIMARY KEY,
    name                 TEXT    NOT NULL,
    description          TEXT,
    user_id              TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
    workflow_id          TEXT    REFERENCES workflows (id) ON DELETE SET NULL ON UPDATE CASCADE,
    agent_id             TEXT    REFERENCES agents (id) ON DELETE SET NULL ON UPDATE CASCADE,
    environment          TEXT    NOT NULL DEFAULT 'production' CHECK (environment IN ('development', 'staging', 'production')),
    status               TEXT    NOT NULL DEFAULT 'stopped' CHECK (status IN ('stopped', 'starting', 'running', 'stopping', 'failed', 'maintenance')),
    config               TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(config)),
    environment_vars     TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(environment_vars)),
    endpoint_url         TEXT,
    api_key_hash         TEXT,
    allocated_memory_mb  INTEGER NOT NULL DEFAULT 512,
    allocated_cpu_shares INTEGER NOT NULL DEFAULT 1024,
    deployed_at          TEXT,
    last_health_check_at TEXT,
    health_status        TEXT    NOT NULL DEFAULT 'unknown' CHECK (health_status IN ('unknown', 'healthy', 'unhealthy', 'degraded')),
    total_requests       INTEGER NOT NULL DEFAULT 0,
    total_errors         INTEGER NOT NULL DEFAULT 0,
    avg_response_time_ms INTEGER NOT NULL DEFAULT 0,
    created_at           TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at           TEXT    NOT NULL,
    deleted_at           TEXT
);
CREATE INDEX deployments_user_id_idx ON deployments (user_id);
CREATE INDEX deployments_workflow_id_idx ON deployments (workflow_id);
CREATE INDEX deployments_agent_id_idx ON deployments (agent_id);
CREATE INDEX deployments_status_idx ON deployments (status);
CREATE INDEX deployments_environment_idx ON deployments (environment);

CREATE TABLE api_keys (
    id                    TEXT    NOT NULL PRIMARY KEY,
    user_id               TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
    name                  TEXT    NOT NULL,
    key_hash              TEXT    NOT NULL,
    key_prefix            TEXT    NOT NULL,
    scopes                TEXT    DEFAULT '[]' CHECK (scopes IS NULL OR (json_valid(scopes) AND json_type(scopes) = 'array')),
    is_active             INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    expires_at            TEXT,
    last_used_at          TEXT,
    usage_count           INTEGER NOT NULL DEFAULT 0,
    rate_limit_per_minute INTEGER NOT NULL DEFAULT 60,
    created_at            TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at            TEXT    NOT NULL,
    deleted_at            TEXT
);
CREATE UNIQUE INDEX api_keys_key_hash_key ON api_keys (key_hash);
CREATE INDEX api_keys_user_id_idx ON api_keys (user_id);
CREATE INDEX api_keys_key_hash_idx ON api_keys (key_hash);
CREATE INDEX api_keys_key_prefix_idx ON api_keys (key_prefix);
CREATE INDEX api_keys_expires_at_idx ON api_keys (expires_at);

CREATE TABLE audit_logs (
    id            TEXT NOT NULL PRIMARY KEY,
    user_id       TEXT REFERENCES users (id) ON DELETE SET NULL ON UPDATE CASCADE,
    action        TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id   TEXT,
    changes       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(changes)),
    metadata      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
    ip_address    TEXT,
    user_agent    TEXT,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX audit_logs_user_id_idx ON audit_logs (user_id);
CREATE INDEX audit_logs_resource_type_resource_id_idx ON audit_logs (resource_type, resource_id);
CREATE INDEX audit_logs_action_idx ON audit_logs (action);
CREATE INDEX audit_logs_created_at_idx ON audit_logs (created_at DESC);
