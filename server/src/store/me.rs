//! Bundles for the busiest pages: everything one request needs about the caller, read in
//! one unit of work on one pooled connection (one blocking-thread hop instead of five).

use super::apps::{install_states_in, InstallRecord};
use super::devices::{device_groups_in, device_of, load_devices, unenrolled_of};
use super::notifications::notifications_where;
use super::users::{user_groups_in, user_row, User, USER_COLUMNS};
use super::Store;
use portal_core::domain::{ManagedAppRegistration, ManagedDevice, Notification, UnenrolledDevice};
use rusqlite::OptionalExtension;
use std::collections::HashMap;

/// The caller and their things, for `/me/home` (and `/me`, `/me/devices`).
#[derive(Debug, Clone)]
pub struct Me {
    pub user: User,
    /// User group ids (for the catalog rules).
    pub group_ids: Vec<String>,
    pub devices: Vec<ManagedDevice>,
    pub unenrolled_devices: Vec<UnenrolledDevice>,
    /// Newest first.
    pub unread_notifications: Vec<Notification>,
}

/// One of the caller's devices with what `/me/apps?device=…` needs beside the catalog.
#[derive(Debug, Clone)]
pub struct DeviceView {
    pub device: ManagedDevice,
    /// Device group ids (for the catalog rules).
    pub group_ids: Vec<String>,
    /// By app id.
    pub install_states: HashMap<String, InstallRecord>,
}

impl Store {
    /// The caller's profile, groups, devices and unread notifications; `None` when the
    /// tenant has no such user (e.g. a token of a user removed by a re-import).
    pub async fn me(&self, user_id: &str) -> anyhow::Result<Option<Me>> {
        let user_id = user_id.to_string();
        self.run(move |conn| {
            let tx = conn.transaction()?; // one consistent snapshot
            let user = tx
                .prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"))?
                .query_row([&user_id], user_row)
                .optional()?;
            let Some(user) = user else { return Ok(None) };
            let me = Me {
                group_ids: user_groups_in(&tx, &user_id)?,
                devices: load_devices(&tx, "user_id = ?1", &user_id)?,
                unenrolled_devices: unenrolled_of(&tx, &user_id)?,
                unread_notifications: notifications_where(&tx, "AND read = 0", &user_id)?,
                user,
            };
            tx.finish()?;
            Ok(Some(me))
        })
        .await
    }

    /// One of the caller's devices with its groups and install states; `None` when it does
    /// not exist or is someone else's.
    pub async fn device_view_of_user(&self, user_id: &str, device_id: &str) -> anyhow::Result<Option<DeviceView>> {
        let (user_id, device_id) = (user_id.to_string(), device_id.to_string());
        self.run(move |conn| {
            let tx = conn.transaction()?;
            let Some(device) = device_of(&tx, &user_id, &device_id)? else { return Ok(None) };
            let view = DeviceView {
                group_ids: device_groups_in(&tx, &device_id)?,
                install_states: install_states_in(&tx, &device_id)?,
                device,
            };
            tx.finish()?;
            Ok(Some(view))
        })
        .await
    }
}

/// `/me/home` in one unit of work: the caller bundle and their app protection registrations.
#[derive(Debug, Clone)]
pub struct HomeBundle {
    pub me: Me,
    /// Ordered by device tag.
    pub registrations: Vec<ManagedAppRegistration>,
}

impl Store {
    /// [`Store::me`] plus the caller's protection registrations, on one connection in one
    /// snapshot (one blocking-thread hop for the busiest page).
    pub async fn home_of_user(&self, user_id: &str) -> anyhow::Result<Option<HomeBundle>> {
        let policies = self.protection_policies().await?;
        let user_id = user_id.to_string();
        self.run(move |conn| {
            let tx = conn.transaction()?;
            let user = tx
                .prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"))?
                .query_row([&user_id], user_row)
                .optional()?;
            let Some(user) = user else { return Ok(None) };
            let bundle = HomeBundle {
                me: Me {
                    group_ids: user_groups_in(&tx, &user_id)?,
                    devices: load_devices(&tx, "user_id = ?1", &user_id)?,
                    unenrolled_devices: unenrolled_of(&tx, &user_id)?,
                    unread_notifications: notifications_where(&tx, "AND read = 0", &user_id)?,
                    user,
                },
                registrations: super::protection::registrations_of(&tx, &user_id, &policies)?,
            };
            tx.finish()?;
            Ok(Some(bundle))
        })
        .await
    }

    /// What `/me/apps?device=…` reads, on one connection: the caller's user groups and, when
    /// `device_id` is given, that device of theirs with its groups and install states
    /// (`None` when it is not theirs).
    pub async fn apps_context_of_user(
        &self,
        user_id: &str,
        device_id: Option<&str>,
    ) -> anyhow::Result<(Vec<String>, Option<DeviceView>)> {
        let (user_id, device_id) = (user_id.to_string(), device_id.map(str::to_string));
        self.run(move |conn| {
            let tx = conn.transaction()?;
            let groups = user_groups_in(&tx, &user_id)?;
            let view = match device_id {
                None => None,
                Some(device_id) => match device_of(&tx, &user_id, &device_id)? {
                    None => None,
                    Some(device) => Some(DeviceView {
                        group_ids: device_groups_in(&tx, &device_id)?,
                        install_states: install_states_in(&tx, &device_id)?,
                        device,
                    }),
                },
            };
            tx.finish()?;
            Ok((groups, view))
        })
        .await
    }
}
