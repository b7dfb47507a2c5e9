-- As SQLite's 0012_recovery_keys.sql.
CREATE TABLE recovery_keys (
    device_id text COLLATE "C" NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    position bigint NOT NULL,
    kind text COLLATE "C" NOT NULL,
    key_id text COLLATE "C",
    volume_type text COLLATE "C" NOT NULL,
    key_value text COLLATE "C" NOT NULL,
    created_at text COLLATE "C",
    PRIMARY KEY (device_id, position)
);
