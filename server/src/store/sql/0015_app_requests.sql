-- Asking for an app. Which apps are requestable, and their approvers, are tenant data
-- (replaced by each import); the requests are portal state for either tenant, kept across
-- imports (their app and people are named as they were when asked).
ALTER TABLE apps ADD COLUMN requestable INTEGER NOT NULL DEFAULT 0;
CREATE TABLE app_approvers (
    app_id TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    PRIMARY KEY (app_id, user_id)
);

CREATE TABLE app_requests (
    id TEXT PRIMARY KEY,                    -- opaque and unguessable (r-<random>)
    app_id TEXT NOT NULL,
    app_name TEXT NOT NULL,
    requester_id TEXT NOT NULL,             -- the person's object id
    requester_name TEXT NOT NULL,
    requester_upn TEXT NOT NULL,
    reason TEXT NOT NULL,
    state TEXT NOT NULL,                    -- pending | approved | declined | withdrawn
    created_at TEXT NOT NULL,               -- RFC 3339
    decided_at TEXT,
    decided_by TEXT,                        -- the approver's object id
    decided_by_name TEXT,
    comment TEXT
);
CREATE INDEX app_requests_by_requester ON app_requests (requester_id, created_at);
CREATE INDEX app_requests_by_app ON app_requests (app_id, state);
-- At most one waiting request per person and app: a second one fails instead of queuing.
CREATE UNIQUE INDEX app_requests_one_pending ON app_requests (requester_id, app_id) WHERE state = 'pending';
