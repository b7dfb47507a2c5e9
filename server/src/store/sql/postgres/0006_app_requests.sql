-- As SQLite's 0015_app_requests.sql.
ALTER TABLE apps ADD COLUMN requestable boolean NOT NULL DEFAULT false;
CREATE TABLE app_approvers (
    app_id text COLLATE "C" NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    user_id text COLLATE "C" NOT NULL,
    PRIMARY KEY (app_id, user_id)
);

CREATE TABLE app_requests (
    id text COLLATE "C" PRIMARY KEY,
    app_id text COLLATE "C" NOT NULL,
    app_name text COLLATE "C" NOT NULL,
    requester_id text COLLATE "C" NOT NULL,
    requester_name text COLLATE "C" NOT NULL,
    requester_upn text COLLATE "C" NOT NULL,
    reason text COLLATE "C" NOT NULL,
    state text COLLATE "C" NOT NULL,
    created_at text COLLATE "C" NOT NULL,
    decided_at text COLLATE "C",
    decided_by text COLLATE "C",
    decided_by_name text COLLATE "C",
    comment text COLLATE "C"
);
CREATE INDEX app_requests_by_requester ON app_requests (requester_id, created_at);
CREATE INDEX app_requests_by_app ON app_requests (app_id, state);
CREATE UNIQUE INDEX app_requests_one_pending ON app_requests (requester_id, app_id) WHERE state = 'pending';
