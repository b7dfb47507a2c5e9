-- People, groups, devices, apps, assignments, app protection, install states, remote
-- actions and notifications. Written by the tenant import (one transaction that replaces
-- the tenant), then changed by the Portal API and the device simulator.
--
-- Dates are TEXT in RFC 3339 UTC ("2026-01-31T09:00:00Z"; import normalises to it), so
-- they sort and compare as text. Lists that are read whole and never queried into
-- (platforms, categories, failing settings, flagged reasons) are JSON arrays.

-- Organisation settings the action rules consult (portal-core `OrganisationSettings`).
ALTER TABLE organisation ADD COLUMN is_remove_device_disabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE organisation ADD COLUMN is_factory_reset_disabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE organisation ADD COLUMN enrollment_availability TEXT NOT NULL DEFAULT 'availableWithPrompts';

-- The identity provider reads id, display_name, upn, email and password_hash: keep them.
CREATE TABLE users (
    id TEXT PRIMARY KEY,                       -- the `oid`/`sub` tokens carry
    display_name TEXT NOT NULL,
    upn TEXT NOT NULL UNIQUE COLLATE NOCASE,   -- sign-in name, e.g. adele@contoso.example
    email TEXT,
    password_hash TEXT                         -- argon2 PHC string; NULL: cannot sign in here
);

CREATE TABLE user_groups (
    id TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    description TEXT
);

CREATE TABLE user_group_members (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    group_id TEXT NOT NULL REFERENCES user_groups (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, group_id)
) WITHOUT ROWID;

CREATE TABLE device_groups (
    id TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    description TEXT
);

-- Enrolled (managed) devices. `user_id` is the primary user (NULL: userless).
CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    user_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    device_name TEXT NOT NULL,
    operating_system TEXT NOT NULL,
    os_version TEXT NOT NULL,
    model TEXT NOT NULL,
    manufacturer TEXT NOT NULL,
    serial_number TEXT,
    owner_type TEXT NOT NULL,
    enrollment_type TEXT NOT NULL,
    enrolled_at TEXT NOT NULL,
    last_sync_at TEXT NOT NULL,
    compliance_state TEXT NOT NULL,
    grace_period_expires_at TEXT,
    failing_settings TEXT NOT NULL DEFAULT '[]',   -- JSON [{setting, whatToFix}]
    is_encrypted INTEGER NOT NULL,
    jail_broken INTEGER                            -- NULL: not reported
);
CREATE INDEX devices_by_user ON devices (user_id);

CREATE TABLE device_group_members (
    device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    group_id TEXT NOT NULL REFERENCES device_groups (id) ON DELETE CASCADE,
    PRIMARY KEY (device_id, group_id)
) WITHOUT ROWID;

-- Remote actions, the device's history. At most one in progress per device and action:
-- the unique index makes a concurrent second request fail instead of queuing twice.
CREATE TABLE device_actions (
    id INTEGER PRIMARY KEY,
    device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    action TEXT NOT NULL,
    state TEXT NOT NULL,
    started_at TEXT NOT NULL,
    last_updated_at TEXT NOT NULL,
    passcode TEXT
);
CREATE INDEX device_actions_by_device ON device_actions (device_id, id);
CREATE UNIQUE INDEX device_actions_one_in_progress ON device_actions (device_id, action)
    WHERE state IN ('pending', 'active');

-- MAM-only devices, known by the tag their app registrations share.
CREATE TABLE unenrolled_devices (
    device_tag TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    device_name TEXT NOT NULL,
    platform TEXT NOT NULL
);
CREATE INDEX unenrolled_devices_by_user ON unenrolled_devices (user_id);

-- The catalog. `position` keeps the file's order. Immutable after import (the store
-- caches it in memory per import).
CREATE TABLE apps (
    id TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    publisher TEXT NOT NULL,
    description TEXT NOT NULL,
    version TEXT,
    size_bytes INTEGER,
    platforms TEXT NOT NULL,          -- JSON ["ios", …]
    minimum_os TEXT,
    categories TEXT NOT NULL,         -- JSON ["Productivity", …]
    featured INTEGER NOT NULL,
    source TEXT NOT NULL,
    icon_url TEXT,
    information_url TEXT,
    privacy_url TEXT,
    published_at TEXT NOT NULL,
    fails_install INTEGER NOT NULL    -- the simulator fails installs of it
);

CREATE TABLE app_identifiers (
    identifier TEXT PRIMARY KEY COLLATE NOCASE,   -- bundle id / package id
    app_id TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE
);
CREATE INDEX app_identifiers_by_app ON app_identifiers (app_id);

CREATE TABLE app_assignments (
    app_id TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    intent TEXT NOT NULL,
    target_type TEXT NOT NULL,        -- allUsers | allDevices | userGroup | deviceGroup
    target_id TEXT,                   -- the group's id for the group targets
    excluded_groups TEXT NOT NULL,    -- JSON [group id, …]
    PRIMARY KEY (app_id, position)
) WITHOUT ROWID;

-- Install state per managed device and app. `pending` is the operation the simulator
-- still has to carry out ('install' | 'uninstall'); NULL when settled.
CREATE TABLE install_states (
    device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    app_id TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    pending TEXT,
    last_updated_at TEXT NOT NULL,
    PRIMARY KEY (device_id, app_id)
) WITHOUT ROWID;
CREATE INDEX install_states_pending ON install_states (last_updated_at) WHERE pending IS NOT NULL;

CREATE TABLE protection_policies (
    id TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    display_name TEXT NOT NULL,
    description TEXT NOT NULL,
    save_as_blocked INTEGER NOT NULL,
    clipboard_sharing_level TEXT NOT NULL,
    data_transfer_level TEXT NOT NULL,
    pin_required INTEGER NOT NULL,
    simple_pin_blocked INTEGER NOT NULL,
    minimum_pin_length INTEGER NOT NULL,
    device_compliance_required INTEGER NOT NULL,
    recheck_after_minutes INTEGER,
    offline_wipe_after_minutes INTEGER
);

CREATE TABLE protection_policy_groups (
    policy_id TEXT NOT NULL REFERENCES protection_policies (id) ON DELETE CASCADE,
    group_id TEXT NOT NULL REFERENCES user_groups (id) ON DELETE CASCADE,
    PRIMARY KEY (policy_id, group_id)
) WITHOUT ROWID;

CREATE TABLE protection_policy_apps (
    policy_id TEXT NOT NULL REFERENCES protection_policies (id) ON DELETE CASCADE,
    app_id TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    PRIMARY KEY (policy_id, app_id)
) WITHOUT ROWID;

-- Managed app registrations: one app with the work account on one device. `device_tag`
-- is an unenrolled device's tag or a managed device's id. Policies are JSON id arrays.
CREATE TABLE app_registrations (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    device_tag TEXT NOT NULL,
    app_identifier TEXT NOT NULL,
    application_version TEXT NOT NULL,
    device_name TEXT NOT NULL,
    device_type TEXT NOT NULL,
    platform_version TEXT NOT NULL,
    management_sdk_version TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_sync_at TEXT NOT NULL,
    flagged_reasons TEXT NOT NULL,    -- JSON ["rootedDevice", …]
    applied_policies TEXT NOT NULL,   -- JSON [policy id, …]
    intended_policies TEXT NOT NULL,  -- JSON [policy id, …]
    wipe_state TEXT NOT NULL,         -- none | pending | done
    wipe_requested_at TEXT
);
CREATE INDEX app_registrations_by_user ON app_registrations (user_id, device_tag);
CREATE INDEX app_registrations_wipe_pending ON app_registrations (wipe_requested_at) WHERE wipe_state = 'pending';

CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read INTEGER NOT NULL,
    link TEXT
);
CREATE INDEX notifications_by_user ON notifications (user_id, created_at DESC);
