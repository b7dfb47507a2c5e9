-- Disk-encryption recovery keys of the embedded tenant's devices, from the tenant file
-- (replaced by each import, like every tenant table). Disclosures are not kept here: each is
-- an `audit` row (what = 'recoveryKey.bitLocker' | 'recoveryKey.fileVault', outcome
-- 'disclosed', detail = the key ids shown, never a key).
CREATE TABLE recovery_keys (
    device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,              -- the file's order
    kind TEXT NOT NULL,                     -- bitLocker | fileVault
    key_id TEXT,                            -- BitLocker's key ID (a GUID)
    volume_type TEXT NOT NULL,              -- operatingSystemVolume | fixedDataVolume | removableDataVolume
    key_value TEXT NOT NULL,
    created_at TEXT,                        -- RFC 3339: when it was escrowed
    PRIMARY KEY (device_id, position)
);
