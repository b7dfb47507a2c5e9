//! Bundles for the busiest pages: what one request needs about the caller, read in one unit
//! of work on one pooled connection (one blocking-thread hop instead of several).

use super::apps::install_states_in;
use super::devices::{device_groups_in, device_of, load_devices, unenrolled_of};
use super::Store;
use crate::tenant::{AppProtection, DeviceView, Overview, UserDevices};

impl Store {
    /// `user_id`'s enrolled and MAM-only devices, in one snapshot.
    pub async fn user_devices(&self, user_id: &str) -> anyhow::Result<UserDevices> {
        let user_id = user_id.to_string();
        self.run(move |db| {
            db.read(|tx| {
                Ok(UserDevices {
                    managed: load_devices(tx, "user_id = ?1", &user_id)?,
                    unenrolled: unenrolled_of(tx, &user_id)?,
                })
            })
        })
        .await
    }

    /// One of the caller's devices with its groups and install states; `None` when it does
    /// not exist or is someone else's.
    pub async fn device_view_of_user(&self, user_id: &str, device_id: &str) -> anyhow::Result<Option<DeviceView>> {
        let (user_id, device_id) = (user_id.to_string(), device_id.to_string());
        self.run(move |db| {
            db.read(|tx| {
                let Some(device) = device_of(tx, &user_id, &device_id)? else { return Ok(None) };
                Ok(Some(DeviceView {
                    group_ids: device_groups_in(tx, &device_id)?,
                    install_states: install_states_in(tx, &device_id)?,
                    install_states_known: true,
                    device,
                }))
            })
        })
        .await
    }

    /// The first screen's facts about `user_id` — devices, MAM-only devices and app
    /// protection registrations — on one connection in one snapshot.
    pub async fn overview_of_user(&self, user_id: &str) -> anyhow::Result<Overview> {
        let policies = self.protection_policies().await?;
        let user_id = user_id.to_string();
        self.run(move |db| {
            db.read(|tx| {
                Ok(Overview {
                    devices: UserDevices {
                        managed: load_devices(tx, "user_id = ?1", &user_id)?,
                        unenrolled: unenrolled_of(tx, &user_id)?,
                    },
                    protection: AppProtection {
                        registrations: super::protection::registrations_of(tx, &user_id, &policies)?,
                        policies,
                    },
                })
            })
        })
        .await
    }
}
