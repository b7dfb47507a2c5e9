//! What the device simulator still has to do: pending installs and uninstalls, pending
//! remote actions and pending selective wipes, oldest first. The simulator carries each
//! out with the other modules' functions (`set_install_state`, `set_action_state`,
//! `record_device_sync`, `delete_device`, `check_in_registration`). Everything is in the
//! database, so a restart continues where it stopped.

use super::codec::decode;
use super::sql::params;
use super::Store;
use portal_core::api::InstallOperation;
use portal_core::domain::RemoteAction;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingInstall {
    pub device_id: String,
    pub app_id: String,
    pub operation: InstallOperation,
    /// RFC 3339: when it was requested.
    pub since: String,
    /// The tenant marks the app as failing to install.
    pub fails_install: bool,
    /// The primary user, to notify.
    pub user_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingAction {
    /// For `set_action_state`.
    pub id: i64,
    pub device_id: String,
    pub action: RemoteAction,
    pub since: String,
    pub user_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingWipe {
    /// For `check_in_registration`.
    pub registration_id: String,
    pub user_id: String,
    pub device_tag: String,
    pub since: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PendingWork {
    pub installs: Vec<PendingInstall>,
    pub actions: Vec<PendingAction>,
    pub wipes: Vec<PendingWipe>,
}

impl PendingWork {
    pub fn is_empty(&self) -> bool {
        self.installs.is_empty() && self.actions.is_empty() && self.wipes.is_empty()
    }
}

impl Store {
    /// Everything still pending, oldest first (partial indexes keep this cheap).
    pub async fn pending_work(&self) -> anyhow::Result<PendingWork> {
        self.run(|db| {
            let rows: Vec<(String, String, String, String, bool, Option<String>)> = db.query(
                "SELECT s.device_id, s.app_id, s.pending, s.last_updated_at, a.fails_install, d.user_id
                 FROM install_states s JOIN apps a ON a.id = s.app_id JOIN devices d ON d.id = s.device_id
                 WHERE s.pending IS NOT NULL ORDER BY s.last_updated_at, s.device_id, s.app_id",
                params![],
            )?;
            let installs = rows
                .into_iter()
                .map(|(device_id, app_id, op, since, fails_install, user_id)| {
                    Ok(PendingInstall { device_id, app_id, operation: decode(&op)?, since, fails_install, user_id })
                })
                .collect::<anyhow::Result<_>>()?;
            let rows: Vec<(i64, String, String, String, Option<String>)> = db.query(
                "SELECT a.id, a.device_id, a.action, a.started_at, d.user_id
                 FROM device_actions a JOIN devices d ON d.id = a.device_id
                 WHERE a.state IN ('pending', 'active') ORDER BY a.started_at, a.id",
                params![],
            )?;
            let actions = rows
                .into_iter()
                .map(|(id, device_id, action, since, user_id)| {
                    Ok(PendingAction { id, device_id, action: decode(&action)?, since, user_id })
                })
                .collect::<anyhow::Result<_>>()?;
            let wipes = db.query_map(
                "SELECT id, user_id, device_tag, wipe_requested_at FROM app_registrations
                 WHERE wipe_state = 'pending' ORDER BY wipe_requested_at, id",
                params![],
                |mut r| {
                    Ok(PendingWipe {
                        registration_id: r.take(0)?,
                        user_id: r.take(1)?,
                        device_tag: r.take(2)?,
                        since: r.take::<Option<String>>(3)?.unwrap_or_default(),
                    })
                },
            )?;
            Ok(PendingWork { installs, actions, wipes })
        })
        .await
    }
}
