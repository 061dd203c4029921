-- Local change capture for sync with a hosted project (spec/sync.md). Local-only: never synced.
--
-- sync_outbox is a dirty set: one row per changed row of an editable table, op 'U' (push the
-- row as it is now) or 'D' (a hard delete: a tombstone). seq grows with every change, so a push
-- acknowledges only the entries it read (an entry edited again meanwhile has a larger seq).
-- base_at is the row's updated_at before its first unpushed edit: a far version stamped later
-- than that was edited concurrently, and whichever of the two loses is kept in sync_conflicts.
-- The triggers do not fire while a pull is being applied (sync_control.applying = 1, set and
-- cleared inside the applying transaction, so no other connection ever sees it set).
-- The append-only tables (execution_logs, audit_logs) have no trigger: sync_state.push_rowid is
-- how far their rows have been pushed.

CREATE TABLE sync_control (
    id       INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    applying INTEGER NOT NULL DEFAULT 0 CHECK (applying IN (0, 1)),
    seq      INTEGER NOT NULL DEFAULT 0
);
INSERT INTO sync_control (id) VALUES (1);

CREATE TABLE sync_outbox (
    tbl    TEXT    NOT NULL,
    row_id TEXT    NOT NULL,
    op     TEXT    NOT NULL CHECK (op IN ('U', 'D')),
    seq    INTEGER NOT NULL,
    base_at TEXT,
    PRIMARY KEY (tbl, row_id)
) WITHOUT ROWID;

-- Per table: the pull cursor ((updated_at, id), or (created_at, id) for append-only tables) and
-- the push watermark of append-only tables.
CREATE TABLE sync_state (
    tbl        TEXT    NOT NULL PRIMARY KEY,
    pull_at    TEXT,
    pull_id    TEXT,
    push_rowid INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- The losers of last-writer-wins, kept for the user to see and restore: the losing version
-- (column -> stored value; the local one, or a far one a local edit overwrote) and both stamps.
CREATE TABLE sync_conflicts (
    id               INTEGER NOT NULL PRIMARY KEY,
    tbl              TEXT    NOT NULL,
    row_id           TEXT    NOT NULL,
    loser            TEXT    NOT NULL CHECK (loser IN ('local', 'far')),
    loser_row        TEXT    NOT NULL CHECK (json_valid(loser_row)),
    local_updated_at TEXT,
    far_updated_at   TEXT,
    detected_at      TEXT    NOT NULL,
    detected_by      TEXT    NOT NULL CHECK (detected_by IN ('push', 'pull')),
    restored_at      TEXT
);
CREATE INDEX sync_conflicts_open_idx ON sync_conflicts (detected_at DESC) WHERE restored_at IS NULL;


CREATE TRIGGER users_sync_insert AFTER INSERT ON users WHEN (SELECT applying FROM sync_control) = 0 BEGIN
    UPDATE sync_control SET seq = seq + 1;
    INSERT INTO sync_outbox (tbl, row_id, op, seq) VALUES ('users', NEW.id, 'U', (SELECT seq FROM sync_control))
        ON CONFLICT (tbl, row_id) DO UPDATE SET op = 'U', seq = excluded.seq;
END;
CREATE TRIGGER users_sync_update AFTER UPDATE ON users WHEN (SELECT applying FROM sync_control) = 0 BEGIN
    UPDATE sync_control SET seq = seq + 1;
    INSERT INTO sync_outbox (tbl, row_id, op, seq) SELECT 'users', OLD.id, 'D', (SELECT seq FROM sync_control)
        WHERE OLD.id <> NEW.id
        ON CONFLICT (tbl, row_id) DO UPDATE SET op = 'D', seq = excluded.seq;
    INSERT INTO sync_outbox (tbl, row_id, op, seq, base_at) VALUES ('users', NEW.id, 'U', (SELECT seq FROM sync_control), OLD.updated_at)
        ON CONFLICT (tbl, row_id) DO UPDATE SET op = 'U', seq = excluded.seq;
END;
CREATE TRIGGER users_sync_delete AFTER DELETE ON users WHEN (SELECT applying FROM sync_control) = 0 BEGIN
    UPDATE sync_control SET seq = seq + 1;
    INSERT INTO sync_outbox (tbl, row_id, op, seq) VALUES ('users', OLD.id, 'D', (SELECT seq FROM sync_control))
        ON CONFLICT (tbl, row_id) DO UPDATE SET op = 'D', seq = excluded.seq;
END;

CREATE TRIGGER agents_sync_insert AFTER INSERT ON agents WHEN (SELECT applying FROM sync_control) = 0 BEGIN
    UPDATE sync_control SET seq = seq + 1;
    INSERT INTO sync_outbox (tbl, row_id, op, seq) VALUES ('agents', NEW.id, 'U', (SELECT seq FROM sync_control))
        ON CONFLICT (tbl, row_id) DO UPDATE SET op = 'U', seq = excluded.seq;
END;
CREATE TRIGGER agents_sync_update AFTER UPDATE ON agents WHEN (SELECT applying FROM sync_control) = 0 BEGIN
    UPDATE sync_control SET seq = seq + 1;
    INSERT INTO sync_outbox (tbl, row_id, op, seq) SELECT 'agents', OLD.id, 'D', (SELECT seq FROM sync_control)
        WHERE OLD.id <> NEW.id
        ON CONFLICT (tbl, row_id) DO UPDATE SET op = 'D', seq = excluded.seq;
    INSERT INTO sync_outbox (tbl, row_id, op, seq, base_at) VALUES ('agents', NEW.id, 'U', (SELECT seq FROM sync_control), OLD.updated_at)
        ON CONFLICT (tbl, row_id) DO UPDATE SET op = 'U', seq = excluded.seq;
END;
CREATE TRIGGER agents_sync_delete AFTER DELETE ON agents WHEN (SELECT applying FROM sync_control) = 0 BEGIN
    UPDATE sync_control SET seq = seq + 1;
    INSERT INTO sync_outbox (tbl, row_id, op, seq) VALUES ('agents', OLD.id, 'D', (SELECT seq FROM sync_control))
        ON CONFLICT (tbl, row_id) DO UPDATE SET op = 'D', seq = excluded.seq;
END;

CREATE TRIGGER workflows_sync_insert AFTER INSERT ON workflows WHEN (SELECT applying FROM sync_control) = 0 BEGIN
    UPDATE sync_control SET seq = seq + 1;
    INSERT INTO sync_outbox (tbl, row_id, op, seq) VALUES ('workflows', NEW.id, 'U', (SELECT seq FROM sync_control))
        ON CONFLICT (tbl, row_id) DO UPDATE SET op = 'U', seq = excluded.seq;
END;
CREATE TRIGGER workflows_sync_update AFTER UPDATE ON workflows WHEN (SELECT applying FROM sync_control) = 0 BEGIN
    UPDATE sync_control SET seq = seq + 1;
    INSERT INTO sync_outbox (tbl, row_id, op, seq) SELECT 'workflows', OLD.id, 'D', (SELECT seq FROM sync_control)
        WHERE OLD.id <> NEW.id
        ON CONFLICT (tbl, row_id) DO UPDATE SET op = 'D', seq = excluded.seq;
    INSERT INTO sync_outbox (tbl, row_id, op, seq, base_at) VALUES ('workflows', NEW.id, 'U', (SELECT seq FROM sync_control), OLD.updated_at)
        ON CONFLICT (tbl, row_id) DO UPDATE SET op = 'U', seq = excluded.seq;
END;
CREATE TRIGGER workflows_sync_delete AFTER DELETE ON workflows WHEN (SELECT applying FROM sync_control) = 0 BEGIN
    UPDATE sync_control SET seq = seq + 1;
    INSERT INTO sync_outbox (tbl, row_id, op, seq) VALUES ('workflows', OLD.id, 'D', (SELECT seq FROM sync_control))
        ON CONFLICT (tbl, row_id) DO UPDATE SET op = 'D', seq = excluded.seq;
END;

CREATE TRIGGER workflow_steps_sync_insert AFTER INSERT ON workflow_steps WHEN (SELECT applying FROM sync_control) = 0 BEGIN
    UPDATE sync_control SET seq = seq + 1;
    INSERT INTO sync_outbox (tbl, row_id, op, seq) VALUES ('workflow_steps', NEW.id, 'U', (SELECT seq FROM sync_control))
        ON CONFLICT (tbl, row_id) DO UPDATE SET op = 'U', seq = excluded.seq;
END;
CREATE TRIGGER workflow_steps_sync_update AFTER UPDATE ON workflow_steps WHEN (SELECT applying FROM sync_control) = 0 BEGIN
    UPDATE sync_control SET seq = seq + 1;
    INSERT INTO sync_outbox (tbl, row_id, op, seq) SELECT 'workflow_steps', OLD.id, 'D', (SELECT seq FROM sync_control)
        WHERE OLD.id <> NEW.id
        ON CONFLICT (tbl, row_id) DO UPDATE SET op = 'D', seq = excluded.seq;
    INSERT INTO sync_outbox (tbl, row_id, op, seq, base_at) VALUES ('workflow_steps', NEW.id, 'U', (SELECT seq FROM sync_control), OLD.updated_at)
        ON CONFLICT (tbl, row_id) DO UPDATE SET op = 'U', seq = excluded.seq;
END;
CREATE TRIGGER workflow_steps_sync_delete AFTER DELETE ON workflow_steps WHEN (SELECT applying FROM sync_control) = 0 BEGIN
    UPDATE sync_control SET seq = seq + 1;
    INSERT INTO sync_outbox (tbl, row_id, op, seq) VALUES ('workflow_steps', OLD.id, 'D', (SELECT seq FROM sync_control))
        ON CONFLICT (tbl, row_id) DO UPDATE SET op = 'D', seq = excluded.seq;
END;

CREATE TRIGGER executions_sync_insert AFTER INSERT ON executions WHEN (SELECT applying FROM sync_control) = 0 BEGIN
    UPDATE sync_control SET seq = seq + 1;
    INSERT INTO sync_outbox (tbl, row_id, op, seq) VALUES ('executions', NEW.id, 'U', (SELECT seq FROM sync_control))
        ON CONFLICT (tbl, row_id) DO UPDATE SET op = 'U', seq = excluded.seq;
END;
CREATE TRIGGER executions_sync_update AFTER UPDATE ON executions WHEN (SELECT applying FROM sync_control) = 0 BEGIN
    UPDATE sync_control SET seq = seq + 1;
    INSERT INTO sync_outbox (tbl, row_id, op, seq) SELECT 'executions', OLD.id, 'D', (SELECT seq FROM sync_control)
        WHERE OLD.id <> NEW.id
        ON CONFLICT (tbl, row_id) DO UPDATE SET op = 'D', seq = excluded.seq;
    INSERT INTO sync_outbox (tbl, row_id, op, seq, base_at) VALUES ('executions', NEW.id, 'U', (SELECT seq FROM sync_control), OLD.updated_at)
        ON CONFLICT (tbl, row_id) DO UPDATE SET op = 'U', seq = excluded.seq;
END;
CREATE TRIGGER executions_sync_delete AFTER DELETE ON executions WHEN (SELECT applying FROM sync_control) = 0 BEGIN
    UPDATE sync_control SET seq = seq + 1;
    INSERT INTO sync_outbox (tbl, row_id, op, seq) VALUES ('executions', OLD.id, 'D', (SELECT seq FROM sync_control))
        ON CONFLICT (tbl, row_id) DO UPDATE SET op = 'D', seq = excluded.seq;
END;

CREATE TRIGGER templates_sync_insert AFTER INSERT ON templates WHEN (SELECT applying FROM sync_control) = 0 BEGIN
    UPDATE sync_control SET seq = seq + 1;
    INSERT INTO sync_outbox (tbl, row_id, op, seq) VALUES ('templates', NEW.id, 'U', (SELECT seq FROM sync_control))
        ON CONFLICT (tbl, row_id) DO UPDATE SET op = 'U', seq = excluded.seq;
END;
CREATE TRIGGER templates_sync_update AFTER UPDATE ON templates WHEN (SELECT applying FROM sync_control) = 0 BEGIN
    UPDATE sync_control SET seq = seq + 1;
    INSERT INTO sync_outbox (tbl, row_id, op, seq) SELECT 'templates', OLD.id, 'D', (SELECT seq FROM sync_control)
        WHERE OLD.id <> NEW.id
        ON CONFLICT (tbl, row_id) DO UPDATE SET op = 'D', seq = excluded.seq;
    INSERT INTO sync_outbox (tbl, row_id, op, seq, base_at) VALUES ('templates', NEW.id, 'U', (SELECT seq FROM sync_control), OLD.updated_at)
        ON CONFLICT (tbl, row_id) DO UPDATE SET op = 'U', seq = excluded.seq;
END;
CREATE TRIGGER templates_sync_delete AFTER DELETE ON templates WHEN (SELECT applying FROM sync_control) = 0 BEGIN
    UPDATE sync_control SET seq = seq + 1;
    INSERT INTO sync_outbox (tbl, row_id, op, seq) VALUES ('templates', OLD.id, 'D', (SELECT seq FROM sync_control))
        ON CONFLICT (tbl, row_id) DO UPDATE SET op = 'D', seq = excluded.seq;
END;

CREATE TRIGGER deployments_sync_insert AFTER INSERT ON deployments WHEN (SELECT applying FROM sync_control) = 0 BEGIN
    UPDATE sync_control SET seq = seq + 1;
    INSERT INTO sync_outbox (tbl, row_id, op, seq) VALUES ('deployments', NEW.id, 'U', (SELECT seq FROM sync_control))
        ON CONFLICT (tbl, row_id) DO UPDATE SET op = 'U', seq = excluded.seq;
END;
CREATE TRIGGER deployments_sync_update AFTER UPDATE ON deployments WHEN (SELECT applying FROM sync_control) = 0 BEGIN
    UPDATE sync_control SET seq = seq + 1;
    INSERT INTO sync_outbox (tbl, row_id, op, seq) SELECT 'deployments', OLD.id, 'D', (SELECT seq FROM sync_control)
        WHERE OLD.id <> NEW.id
        ON CONFLICT (tbl, row_id) DO UPDATE SET op = 'D', seq = excluded.seq;
    INSERT INTO sync_outbox (tbl, row_id, op, seq, base_at) VALUES ('deployments', NEW.id, 'U', (SELECT seq FROM sync_control), OLD.updated_at)
        ON CONFLICT (tbl, row_id) DO UPDATE SET op = 'U', seq = excluded.seq;
END;
CREATE TRIGGER deployments_sync_delete AFTER DELETE ON deployments WHEN (SELECT applying FROM sync_control) = 0 BEGIN
    UPDATE sync_control SET seq = seq + 1;
    INSERT INTO sync_outbox (tbl, row_id, op, seq) VALUES ('deployments', OLD.id, 'D', (SELECT seq FROM sync_control))
        ON CONFLICT (tbl, row_id) DO UPDATE SET op = 'D', seq = excluded.seq;
END;

CREATE TRIGGER api_keys_sync_insert AFTER INSERT ON api_keys WHEN (SELECT applying FROM sync_control) = 0 BEGIN
    UPDATE sync_control SET seq = seq + 1;
    INSERT INTO sync_outbox (tbl, row_id, op, seq) VALUES ('api_keys', NEW.id, 'U', (SELECT seq FROM sync_control))
        ON CONFLICT (tbl, row_id) DO UPDATE SET op = 'U', seq = excluded.seq;
END;
CREATE TRIGGER api_keys_sync_update AFTER UPDATE ON api_keys WHEN (SELECT applying FROM sync_control) = 0 BEGIN
    UPDATE sync_control SET seq = seq + 1;
    INSERT INTO sync_outbox (tbl, row_id, op, seq) SELECT 'api_keys', OLD.id, 'D', (SELECT seq FROM sync_control)
        WHERE OLD.id <> NEW.id
        ON CONFLICT (tbl, row_id) DO UPDATE SET op = 'D', seq = excluded.seq;
    INSERT INTO sync_outbox (tbl, row_id, op, seq, base_at) VALUES ('api_keys', NEW.id, 'U', (SELECT seq FROM sync_control), OLD.updated_at)
        ON CONFLICT (tbl, row_id) DO UPDATE SET op = 'U', seq = excluded.seq;
END;
CREATE TRIGGER api_keys_sync_delete AFTER DELETE ON api_keys WHEN (SELECT applying FROM sync_control) = 0 BEGIN
    UPDATE sync_control SET seq = seq + 1;
    INSERT INTO sync_outbox (tbl, row_id, op, seq) VALUES ('api_keys', OLD.id, 'D', (SELECT seq FROM sync_control))
        ON CONFLICT (tbl, row_id) DO UPDATE SET op = 'D', seq = excluded.seq;
END;
