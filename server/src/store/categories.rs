//! Device categories: the embedded tenant's (per import, cached) and the portal's own record
//! of whom it asked to pick one for which device (either tenant).

use super::sql::{params, Db};
use super::Store;
use portal_core::domain::DeviceCategory;
use std::collections::HashSet;

pub(super) fn load_categories(db: &Db<'_>) -> anyhow::Result<Vec<DeviceCategory>> {
    let rows: Vec<(String, String, Option<String>)> =
        db.query("SELECT id, display_name, description FROM device_categories ORDER BY position", params![])?;
    Ok(rows
        .into_iter()
        .map(|(id, display_name, description)| DeviceCategory { id, display_name, description })
        .collect())
}

impl Store {
    /// The embedded tenant's device categories, in the file's order.
    pub async fn device_categories(&self) -> anyhow::Result<std::sync::Arc<Vec<DeviceCategory>>> {
        Ok(self.tenant_cache().await?.device_categories.clone())
    }

    /// Records that `user_id` is being asked about each of `device_ids`, and returns those
    /// they had not been asked about before (each is asked once).
    pub async fn note_category_prompts(&self, user_id: &str, device_ids: Vec<String>) -> anyhow::Result<Vec<String>> {
        if device_ids.is_empty() {
            return Ok(Vec::new());
        }
        let user_id = user_id.to_string();
        self.run(move |db| {
            db.write(|tx| {
                let mut new = Vec::new();
                let insert = tx.prepare(
                    "INSERT INTO device_category_prompts (user_id, device_id, prompted_at) VALUES (?1, ?2, ?3)
                     ON CONFLICT DO NOTHING",
                );
                let now = crate::dates::now();
                let mut seen = HashSet::new();
                for device_id in &device_ids {
                    if seen.insert(device_id.clone()) && insert.execute(params![user_id, device_id, now])? == 1 {
                        new.push(device_id.clone());
                    }
                }
                Ok(new)
            })
        })
        .await
    }

    /// Which of `user_id`'s devices they were already asked about.
    pub async fn category_prompts_of_user(&self, user_id: &str) -> anyhow::Result<HashSet<String>> {
        let user_id = user_id.to_string();
        self.run(move |db| {
            let ids: Vec<(String,)> =
                db.query("SELECT device_id FROM device_category_prompts WHERE user_id = ?1", params![user_id])?;
            Ok(ids.into_iter().map(|(id,)| id).collect())
        })
        .await
    }
}
