-- Local-only state that the hosted schema does not have: the app's settings (the current user,
-- whether the demo content was seeded, preferences of this device). Never synced.

CREATE TABLE app_settings (
    key        TEXT NOT NULL PRIMARY KEY,
    value      TEXT NOT NULL CHECK (json_valid(value)),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) WITHOUT ROWID;

-- The agents list (filter by status, newest first, visible to the user) is the hottest query of
-- the app; this partial index answers it and its count without touching the table.
CREATE INDEX agents_list_idx ON agents (status, created_at DESC, user_id, is_public) WHERE deleted_at IS NULL;
