//! Managed and MAM-only devices, their groups and their remote-action history.
//!
//! Every function a request handler calls takes the caller's user id and answers only
//! about that user's devices: another user's device id gives `None`, exactly like an id
//! that does not exist, so the API cannot tell them apart (and answers 404 for both).
//! Functions without a user id (`device`, `set_action_state`, …) are for the simulator.

use super::codec::{code, decode, from_json, to_json};
use super::sql::{is_unique_violation, params, Db, Row};
use super::Store;
use crate::dates;
use crate::tenant::ActionQueued;
use portal_core::domain::{
    ActionState, ComplianceState, DeviceActionResult, FailingSetting, ManagedDevice, RemoteAction, UnenrolledDevice,
};
use std::collections::HashMap;

const DEVICE_COLUMNS: &str = "id, user_id, device_name, operating_system, os_version, model, manufacturer,
    serial_number, owner_type, enrollment_type, enrolled_at, last_sync_at, compliance_state,
    grace_period_expires_at, failing_settings, is_encrypted, jail_broken,
    (SELECT display_name FROM device_categories c WHERE c.id = devices.category_id)";

/// A device row as stored, decoded so that a bad value is an error with context rather than
/// a panic.
struct DeviceRow {
    id: String,
    user_id: Option<String>,
    device_name: String,
    operating_system: String,
    os_version: String,
    model: String,
    manufacturer: String,
    serial_number: Option<String>,
    owner_type: String,
    enrollment_type: String,
    enrolled_at: String,
    last_sync_at: String,
    compliance_state: String,
    grace: Option<String>,
    failing_settings: String,
    is_encrypted: bool,
    jail_broken: Option<bool>,
    category: Option<String>,
}

fn device_row(mut r: Row) -> anyhow::Result<DeviceRow> {
    Ok(DeviceRow {
        id: r.take(0)?,
        user_id: r.take(1)?,
        device_name: r.take(2)?,
        operating_system: r.take(3)?,
        os_version: r.take(4)?,
        model: r.take(5)?,
        manufacturer: r.take(6)?,
        serial_number: r.take(7)?,
        owner_type: r.take(8)?,
        enrollment_type: r.take(9)?,
        enrolled_at: r.take(10)?,
        last_sync_at: r.take(11)?,
        compliance_state: r.take(12)?,
        grace: r.take(13)?,
        failing_settings: r.take(14)?,
        is_encrypted: r.get(15)?,
        jail_broken: r.get(16)?,
        category: r.get(17)?,
    })
}

impl DeviceRow {
    fn into_device(self, actions: Vec<DeviceActionResult>) -> anyhow::Result<ManagedDevice> {
        Ok(ManagedDevice {
            id: self.id,
            device_name: self.device_name,
            operating_system: decode(&self.operating_system)?,
            os_version: self.os_version,
            model: self.model,
            manufacturer: self.manufacturer,
            serial_number: self.serial_number,
            managed_device_owner_type: decode(&self.owner_type)?,
            device_enrollment_type: decode(&self.enrollment_type)?,
            enrolled_date_time: self.enrolled_at,
            last_sync_date_time: self.last_sync_at,
            compliance_state: decode(&self.compliance_state)?,
            compliance_grace_period_expiration_date_time: self.grace,
            failing_settings: from_json(&self.failing_settings)?,
            is_encrypted: self.is_encrypted,
            jail_broken: self.jail_broken,
            user_id: self.user_id,
            device_action_results: actions,
            device_category_display_name: self.category,
        })
    }
}

type ActionRow = (String, String, String, String, String, Option<String>);

fn action_result(row: ActionRow) -> anyhow::Result<(String, DeviceActionResult)> {
    let (device_id, action, state, started, updated, passcode) = row;
    Ok((
        device_id,
        DeviceActionResult {
            action_name: decode(&action)?,
            action_state: decode(&state)?,
            start_date_time: started,
            last_updated_date_time: updated,
            passcode,
            pending_note: None,
        },
    ))
}

/// The devices matching `filter` (an SQL condition on `devices` with `?1`), with their
/// action history: two indexed queries whatever the number of devices.
pub(super) fn load_devices(db: &Db<'_>, filter: &str, arg: &str) -> anyhow::Result<Vec<ManagedDevice>> {
    let rows: Vec<DeviceRow> = db.query_map(
        &format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE {filter} ORDER BY enrolled_at, id"),
        params![arg],
        device_row,
    )?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let mut actions: HashMap<String, Vec<DeviceActionResult>> = HashMap::new();
    let raw: Vec<ActionRow> = db.query(
        &format!(
            "SELECT device_id, action, state, started_at, last_updated_at, passcode FROM device_actions
             WHERE device_id IN (SELECT id FROM devices WHERE {filter}) ORDER BY device_id, id"
        ),
        params![arg],
    )?;
    for row in raw {
        let (device_id, result) = action_result(row)?;
        actions.entry(device_id).or_default().push(result);
    }
    rows.into_iter()
        .map(|row| {
            let history = actions.remove(&row.id).unwrap_or_default();
            row.into_device(history)
        })
        .collect()
}

pub(super) fn device_of(db: &Db<'_>, user_id: &str, device_id: &str) -> anyhow::Result<Option<ManagedDevice>> {
    let found = load_devices(db, "id = ?1", device_id)?.into_iter().next();
    Ok(found.filter(|d| d.is_primary_user(user_id)))
}

impl Store {
    /// The enrolled devices whose primary user is `user_id`, oldest enrollment first.
    pub async fn devices_of_user(&self, user_id: &str) -> anyhow::Result<Vec<ManagedDevice>> {
        let user_id = user_id.to_string();
        self.run(move |db| load_devices(db, "user_id = ?1", &user_id)).await
    }

    /// One of `user_id`'s enrolled devices; `None` when it does not exist or is someone else's.
    pub async fn device_of_user(&self, user_id: &str, device_id: &str) -> anyhow::Result<Option<ManagedDevice>> {
        let (user_id, device_id) = (user_id.to_string(), device_id.to_string());
        self.run(move |db| device_of(db, &user_id, &device_id)).await
    }

    /// Any device by id, whoever its user is. For the simulator, never for a request.
    pub async fn device(&self, device_id: &str) -> anyhow::Result<Option<ManagedDevice>> {
        let device_id = device_id.to_string();
        self.run(move |db| Ok(load_devices(db, "id = ?1", &device_id)?.into_iter().next())).await
    }

    /// Ids of the device groups `device_id` is a member of, sorted.
    pub async fn device_groups_of(&self, device_id: &str) -> anyhow::Result<Vec<String>> {
        let device_id = device_id.to_string();
        self.run(move |db| device_groups_in(db, &device_id)).await
    }

    /// `user_id`'s MAM-only devices, by name.
    pub async fn unenrolled_devices_of_user(&self, user_id: &str) -> anyhow::Result<Vec<UnenrolledDevice>> {
        let user_id = user_id.to_string();
        self.run(move |db| unenrolled_of(db, &user_id)).await
    }

    /// One of `user_id`'s MAM-only devices; `None` when it does not exist or is someone else's.
    pub async fn unenrolled_device_of_user(
        &self,
        user_id: &str,
        device_tag: &str,
    ) -> anyhow::Result<Option<UnenrolledDevice>> {
        let all = self.unenrolled_devices_of_user(user_id).await?;
        Ok(all.into_iter().find(|d| d.device_tag == device_tag))
    }

    /// Renames (the portal's display name only) one of `user_id`'s devices and returns it;
    /// `None` when it is not theirs. The caller validates the name first
    /// (`portal_core::rules::actions::validate_device_name`).
    pub async fn rename_device(
        &self,
        user_id: &str,
        device_id: &str,
        name: &str,
    ) -> anyhow::Result<Option<ManagedDevice>> {
        let (user_id, device_id, name) = (user_id.to_string(), device_id.to_string(), name.trim().to_string());
        self.run(move |db| {
            let changed = db.execute(
                "UPDATE devices SET device_name = ?3 WHERE id = ?2 AND user_id = ?1",
                params![user_id, device_id, name],
            )?;
            if changed == 0 {
                return Ok(None);
            }
            device_of(db, &user_id, &device_id)
        })
        .await
    }

    /// Puts one of `user_id`'s devices in `category_id`, once: `None` when the device is not
    /// theirs or already has a category. The caller checks `rules::categories` first.
    pub async fn set_device_category(
        &self,
        user_id: &str,
        device_id: &str,
        category_id: &str,
    ) -> anyhow::Result<Option<ManagedDevice>> {
        let (user_id, device_id, category_id) = (user_id.to_string(), device_id.to_string(), category_id.to_string());
        self.run(move |db| {
            let changed = db.execute(
                "UPDATE devices SET category_id = ?3 WHERE id = ?2 AND user_id = ?1 AND category_id IS NULL",
                params![user_id, device_id, category_id],
            )?;
            if changed == 0 {
                return Ok(None);
            }
            device_of(db, &user_id, &device_id)
        })
        .await
    }

    /// Queues `action` on one of `user_id`'s devices. The caller checks availability with
    /// `portal_core::rules::actions::availability` first; the store still refuses a second
    /// pending action of the same kind atomically (a unique index), so two concurrent
    /// requests cannot both queue it.
    pub async fn insert_action(
        &self,
        user_id: &str,
        device_id: &str,
        action: RemoteAction,
    ) -> anyhow::Result<ActionQueued> {
        let (user_id, device_id) = (user_id.to_string(), device_id.to_string());
        self.run(move |db| {
            let now = dates::now();
            let inserted: anyhow::Result<Option<(i64,)>> = db.query_opt(
                "INSERT INTO device_actions (device_id, action, state, started_at, last_updated_at)
                 SELECT id, ?3, 'pending', ?4, ?4 FROM devices WHERE id = ?2 AND user_id = ?1 RETURNING id",
                params![user_id, device_id, code(&action), now],
            );
            match inserted {
                Ok(None) => Ok(ActionQueued::NotFound),
                Ok(Some((id,))) => Ok(ActionQueued::Queued {
                    id,
                    result: DeviceActionResult {
                        action_name: action,
                        action_state: ActionState::Pending,
                        start_date_time: now.clone(),
                        last_updated_date_time: now,
                        passcode: None,
                        pending_note: None,
                    },
                }),
                Err(e) if is_unique_violation(&e) => Ok(ActionQueued::AlreadyPending),
                Err(e) => Err(e),
            }
        })
        .await
    }

    /// Moves an action record on (simulator). `passcode` is kept when `None`.
    pub async fn set_action_state(
        &self,
        action_id: i64,
        state: ActionState,
        passcode: Option<String>,
    ) -> anyhow::Result<()> {
        self.run(move |db| {
            db.execute(
                "UPDATE device_actions SET state = ?2, last_updated_at = ?3, passcode = COALESCE(?4, passcode) WHERE id = ?1",
                params![action_id, code(&state), dates::now(), passcode],
            )?;
            Ok(())
        })
        .await
    }

    /// Records a check-in (simulator): last sync now, and the re-evaluated compliance.
    pub async fn record_device_sync(
        &self,
        device_id: &str,
        compliance: ComplianceState,
        grace_period_expires: Option<String>,
        failing_settings: Vec<FailingSetting>,
    ) -> anyhow::Result<()> {
        let device_id = device_id.to_string();
        self.run(move |db| {
            db.execute(
                "UPDATE devices SET last_sync_at = ?2, compliance_state = ?3, grace_period_expires_at = ?4,
                   failing_settings = ?5 WHERE id = ?1",
                params![device_id, dates::now(), code(&compliance), grace_period_expires, to_json(&failing_settings)?],
            )?;
            Ok(())
        })
        .await
    }

    /// Removes a device and everything hanging off it (simulator, after a retire).
    pub async fn delete_device(&self, device_id: &str) -> anyhow::Result<()> {
        let device_id = device_id.to_string();
        self.run(move |db| {
            db.write(|tx| {
                tx.execute("DELETE FROM app_registrations WHERE device_tag = ?1", params![device_id])?;
                tx.execute("DELETE FROM devices WHERE id = ?1", params![device_id])?;
                Ok(())
            })
        })
        .await
    }
}

/// Whether `device_id` exists and `user_id` is its primary user (for other modules).
pub(super) fn owns_device(db: &Db<'_>, user_id: &str, device_id: &str) -> anyhow::Result<bool> {
    Ok(db
        .query_opt::<Row>("SELECT 1 FROM devices WHERE id = ?1 AND user_id = ?2", params![device_id, user_id])?
        .is_some())
}

pub(super) fn device_groups_in(db: &Db<'_>, device_id: &str) -> anyhow::Result<Vec<String>> {
    let ids: Vec<(String,)> = db.query(
        "SELECT group_id FROM device_group_members WHERE device_id = ?1 ORDER BY group_id",
        params![device_id],
    )?;
    Ok(ids.into_iter().map(|(id,)| id).collect())
}

pub(super) fn unenrolled_of(db: &Db<'_>, user_id: &str) -> anyhow::Result<Vec<UnenrolledDevice>> {
    let rows: Vec<(String, String, String)> = db.query(
        "SELECT device_tag, device_name, platform FROM unenrolled_devices WHERE user_id = ?1 ORDER BY device_name, device_tag",
        params![user_id],
    )?;
    rows.into_iter()
        .map(|(device_tag, device_name, platform)| {
            Ok(UnenrolledDevice { device_tag, device_name, platform: decode(&platform)? })
        })
        .collect()
}
