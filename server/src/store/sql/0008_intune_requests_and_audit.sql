-- Changes the portal asked Microsoft Intune for (serve --source graph), kept until Intune
-- reports their outcome: a restart, even a kill -9, resumes them and sends nothing twice.
-- `state`: queued (recorded, not known to be sent) → sent (Graph accepted it) → done |
-- failed | stillPending (the bound passed without an outcome; nothing more is asked).
CREATE TABLE intune_requests (
    id INTEGER PRIMARY KEY,
    user_id TEXT NOT NULL,                  -- who asked (their object id)
    kind TEXT NOT NULL,                     -- action | selectiveWipe | install | uninstall | rename
    device_id TEXT NOT NULL,                -- the managed device, or the device tag of a wipe
    subject TEXT NOT NULL,                  -- the action, the app id, or the device name asked for
    state TEXT NOT NULL,
    requested_at TEXT NOT NULL,             -- RFC 3339
    sent_at TEXT,
    next_check_at TEXT NOT NULL,            -- RFC 3339: when the poller looks next
    checks INTEGER NOT NULL DEFAULT 0,
    retry_at TEXT,                          -- set while Graph throttles the request
    detail TEXT NOT NULL DEFAULT '{}'       -- JSON the poller needs (names, registration ids, groups)
);
CREATE UNIQUE INDEX intune_requests_one_in_flight ON intune_requests (device_id, kind, subject)
    WHERE state IN ('queued', 'sent');
CREATE INDEX intune_requests_due ON intune_requests (next_check_at) WHERE state IN ('queued', 'sent');

-- Every change a person asked for, on either tenant: who, what, which device or app, when,
-- Graph's request-id, and how it ended. Listed by `portal-server audit`.
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,                       -- RFC 3339
    user_id TEXT NOT NULL,
    upn TEXT NOT NULL,
    tenant TEXT NOT NULL,                   -- embedded | intune
    what TEXT NOT NULL,                     -- e.g. action.wipe, install, uninstall, rename, selectiveWipe
    target TEXT NOT NULL,                   -- a device id, a device tag, or app@device
    outcome TEXT NOT NULL,                  -- accepted | refused | failed | done | stillPending
    request_id TEXT,                        -- Graph's request-id, when Graph was asked
    detail TEXT
);
CREATE INDEX audit_by_time ON audit (at);
CREATE INDEX audit_by_user ON audit (user_id, at);
