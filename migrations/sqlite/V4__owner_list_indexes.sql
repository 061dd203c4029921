-- The lists of a caller's own rows, newest first (the local server's `GET /api/v1/agents` and
-- `/workflows`, as hosted: only the caller's rows): without these, SQLite finds the rows by
-- `user_id` and sorts all of them for every page (a temporary B-tree over 100,000 agents).
CREATE INDEX agents_owner_list_idx ON agents (user_id, created_at DESC) WHERE deleted_at IS NULL;
CREATE INDEX workflows_owner_list_idx ON workflows (user_id, created_at DESC) WHERE deleted_at IS NULL;
