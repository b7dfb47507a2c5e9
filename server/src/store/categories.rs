//! Device categories: the embedded tenant's (per import, cached) and the portal's own record
//! of whom it asked to pick one for which device (either tenant).

use super::Store;
use portal_core::domain::DeviceCategory;
use rusqlite::{params, Connection};
use std::collections::HashSet;

pub(super) fn load_categories(conn: &Connection) -> anyhow::Result<Vec<DeviceCategory>> {
    let rows = conn
        .prepare("SELECT id, display_name, description FROM device_categories ORDER BY position")?
        .query_map([], |r| Ok(DeviceCategory { id: r.get(0)?, display_name: r.get(1)?, description: r.get(2)? }))?
        .collect::<Result<_, _>>()?;
    Ok(rows)
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
        self.run(move |conn| {
            let tx = conn.transaction()?;
            let mut new = Vec::new();
            {
                let mut insert = tx.prepare_cached(
                    "INSERT OR IGNORE INTO device_category_prompts (user_id, device_id, prompted_at) VALUES (?1, ?2, ?3)",
                )?;
                let now = crate::dates::now();
                let mut seen = HashSet::new();
                for device_id in device_ids {
                    if seen.insert(device_id.clone()) && insert.execute(params![user_id, device_id, now])? == 1 {
                        new.push(device_id);
                    }
                }
            }
            tx.commit()?;
            Ok(new)
        })
        .await
    }

    /// Which of `user_id`'s devices they were already asked about.
    pub async fn category_prompts_of_user(&self, user_id: &str) -> anyhow::Result<HashSet<String>> {
        let user_id = user_id.to_string();
        self.run(move |conn| {
            let ids = conn
                .prepare_cached("SELECT device_id FROM device_category_prompts WHERE user_id = ?1")?
                .query_map([&user_id], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            Ok(ids)
        })
        .await
    }
}
