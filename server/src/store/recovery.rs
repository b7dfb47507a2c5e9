//! The embedded tenant's escrowed recovery keys (`sql/0012_recovery_keys.sql`). Only the
//! device's primary user's requests read them; a key is never logged.

use super::codec::decode;
use super::devices::owns_device;
use super::sql::params;
use super::Store;
use portal_core::api::RecoveryKey;

/// One stored key: kind, key ID, volume type, the key, when it was escrowed.
type KeyRow = (String, Option<String>, String, String, Option<String>);

impl Store {
    /// How many keys are escrowed for `device_id` (for the page's offer; no key is read).
    pub async fn recovery_key_count(&self, device_id: &str) -> anyhow::Result<usize> {
        let device_id = device_id.to_string();
        self.run(move |db| {
            let (n,): (i64,) =
                db.query_one("SELECT COUNT(*) FROM recovery_keys WHERE device_id = ?1", params![device_id])?;
            Ok(usize::try_from(n).unwrap_or(0))
        })
        .await
    }

    /// The keys of one of `user_id`'s devices, the start-up volume's first; `None` when the
    /// device is not theirs.
    pub async fn recovery_keys_of_user(
        &self,
        user_id: &str,
        device_id: &str,
    ) -> anyhow::Result<Option<Vec<RecoveryKey>>> {
        let (user_id, device_id) = (user_id.to_string(), device_id.to_string());
        self.run(move |db| {
            let rows: Option<Vec<KeyRow>> = db.read(|tx| {
                if !owns_device(tx, &user_id, &device_id)? {
                    return Ok(None);
                }
                Ok(Some(tx.query(
                    "SELECT kind, key_id, volume_type, key_value, created_at FROM recovery_keys WHERE device_id = ?1
                     ORDER BY volume_type != 'operatingSystemVolume', position",
                    params![device_id],
                )?))
            })?;
            let Some(rows) = rows else { return Ok(None) };
            let keys = rows
                .into_iter()
                .map(|(kind, key_id, volume, key, created)| {
                    // FileVault keys are per Mac, not per volume.
                    let per_volume = kind == "bitLocker";
                    let volume_type = if per_volume { Some(decode(&volume)?) } else { None };
                    Ok(RecoveryKey { key_id, key, volume_type, created_date_time: created })
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            Ok(Some(keys))
        })
        .await
    }
}

impl Store {
    /// Every device's platform, to check a `--recovery-keys` file against the tenant.
    pub async fn device_platforms(
        &self,
    ) -> anyhow::Result<std::collections::HashMap<String, portal_core::domain::Platform>> {
        self.run(|db| {
            let rows: Vec<(String, String)> = db.query("SELECT id, operating_system FROM devices", params![])?;
            rows.into_iter().map(|(id, os)| Ok((id, decode(&os)?))).collect()
        })
        .await
    }

    /// The tenant file's keys as it wrote them (to check another file's against them).
    pub async fn recovery_key_rows(&self) -> anyhow::Result<Vec<crate::tenant_file::RecoveryKey>> {
        self.run(|db| {
            #[allow(clippy::type_complexity)]
            let rows: Vec<(String, String, Option<String>, String, String, Option<String>)> = db.query(
                "SELECT device_id, kind, key_id, volume_type, key_value, created_at FROM recovery_keys
                 ORDER BY position",
                params![],
            )?;
            rows.into_iter()
                .map(|(device, kind, key_id, volume, key, created)| {
                    let kind: portal_core::domain::RecoveryKeyKind = decode(&kind)?;
                    let bitlocker = kind == portal_core::domain::RecoveryKeyKind::BitLocker;
                    Ok(crate::tenant_file::RecoveryKey {
                        device,
                        kind,
                        key,
                        key_id,
                        volume_type: if bitlocker { Some(decode(&volume)?) } else { None },
                        created_date_time: created,
                    })
                })
                .collect()
        })
        .await
    }
}
