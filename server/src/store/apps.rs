//! The app catalog (cached per import, see `cache`) and install states per device.

use super::codec::{code, decode, from_json};
use super::devices::owns_device;
use super::sql::{params, Db};
use super::Store;
use crate::dates;
use crate::tenant::{AppCatalog, CatalogApp, InstallRecord};
use portal_core::api::{InstallFailure, InstallOperation};
use portal_core::domain::{App, Assignment, AssignmentTarget, ResultantAppState};
use std::collections::HashMap;
use std::sync::Arc;

type InstallRow = (String, String, Option<String>, String, Option<String>);

fn install_record((app_id, state, pending, updated, failure): InstallRow) -> anyhow::Result<InstallRecord> {
    Ok(InstallRecord {
        app_id,
        state: decode(&state)?,
        pending: pending.as_deref().map(decode).transpose()?,
        last_updated_date_time: updated,
        failure: failure.as_deref().map(decode).transpose()?,
    })
}

impl Store {
    /// The catalog: every app with its assignments, from memory after the first call.
    pub async fn apps_with_assignments(&self) -> anyhow::Result<Arc<AppCatalog>> {
        Ok(self.tenant_cache().await?.catalog.clone())
    }

    /// Install states of the apps on `device_id`, by app id. The caller has checked the
    /// device is the caller's (`device_of_user`).
    pub async fn install_states(&self, device_id: &str) -> anyhow::Result<HashMap<String, InstallRecord>> {
        let device_id = device_id.to_string();
        self.run(move |db| install_states_in(db, &device_id)).await
    }

    /// The install state of one app on one device, if any was recorded.
    pub async fn install_state(&self, device_id: &str, app_id: &str) -> anyhow::Result<Option<InstallRecord>> {
        let (device_id, app_id) = (device_id.to_string(), app_id.to_string());
        self.run(move |db| install_state_in(db, &device_id, &app_id)).await
    }

    /// Records a settled install state (the simulator finishing an operation), with the
    /// reason when it failed.
    pub async fn set_install_state(
        &self,
        device_id: &str,
        app_id: &str,
        state: ResultantAppState,
        failure: Option<InstallFailure>,
    ) -> anyhow::Result<InstallRecord> {
        let (device_id, app_id) = (device_id.to_string(), app_id.to_string());
        self.run(move |db| {
            upsert_install(db, &device_id, &app_id, state, None, failure)?;
            install_state_in(db, &device_id, &app_id)?.ok_or_else(|| anyhow::anyhow!("install state vanished"))
        })
        .await
    }

    /// A user asks for an install or uninstall of `app_id` on one of their devices: the
    /// state becomes `pendingInstall` (install) or stays as it is with the uninstall
    /// pending, for the simulator to carry out. `None` when the device is not the caller's.
    /// The caller checks with the catalog rules that the user may do this.
    pub async fn request_install(
        &self,
        user_id: &str,
        device_id: &str,
        app_id: &str,
        operation: InstallOperation,
    ) -> anyhow::Result<Option<InstallRecord>> {
        let (user_id, device_id, app_id) = (user_id.to_string(), device_id.to_string(), app_id.to_string());
        self.run(move |db| {
            // A write transaction: it reads, then writes (on SQLite a deferred transaction whose
            // read snapshot another writer overtook fails with `database is locked` at once).
            db.write(|tx| {
                if !owns_device(tx, &user_id, &device_id)? {
                    return Ok(None);
                }
                let state = match operation {
                    InstallOperation::Install => ResultantAppState::PendingInstall,
                    InstallOperation::Uninstall => {
                        install_state_in(tx, &device_id, &app_id)?.map_or(ResultantAppState::Installed, |r| r.state)
                    }
                };
                // A new attempt clears the last failure's reason.
                upsert_install(tx, &device_id, &app_id, state, Some(operation), None)?;
                install_state_in(tx, &device_id, &app_id)
            })
        })
        .await
    }
}

pub(super) fn install_states_in(db: &Db<'_>, device_id: &str) -> anyhow::Result<HashMap<String, InstallRecord>> {
    let rows: Vec<InstallRow> = db.query(
        "SELECT app_id, state, pending, last_updated_at, failure FROM install_states WHERE device_id = ?1",
        params![device_id],
    )?;
    rows.into_iter().map(|row| install_record(row).map(|r| (r.app_id.clone(), r))).collect()
}

fn upsert_install(
    db: &Db<'_>,
    device_id: &str,
    app_id: &str,
    state: ResultantAppState,
    pending: Option<InstallOperation>,
    failure: Option<InstallFailure>,
) -> anyhow::Result<()> {
    db.execute(
        "INSERT INTO install_states (device_id, app_id, state, pending, last_updated_at, failure)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (device_id, app_id) DO UPDATE SET state = excluded.state, pending = excluded.pending,
           last_updated_at = excluded.last_updated_at, failure = excluded.failure",
        params![device_id, app_id, code(&state), pending.map(|p| code(&p)), dates::now(), failure.map(|f| code(&f))],
    )?;
    Ok(())
}

pub(super) fn install_state_in(db: &Db<'_>, device_id: &str, app_id: &str) -> anyhow::Result<Option<InstallRecord>> {
    let row: Option<InstallRow> = db.query_opt(
        "SELECT app_id, state, pending, last_updated_at, failure FROM install_states WHERE device_id = ?1 AND app_id = ?2",
        params![device_id, app_id],
    )?;
    row.map(install_record).transpose()
}

type AppRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<i64>,
    String,
    Option<String>,
    String,
    bool,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    bool,
);

/// Reads the whole catalog: three queries, whatever its size.
pub(super) fn load_catalog(db: &Db<'_>) -> anyhow::Result<AppCatalog> {
    let mut assignments: HashMap<String, Vec<Assignment>> = HashMap::new();
    let rows: Vec<(String, String, String, Option<String>, String)> = db.query(
        "SELECT app_id, intent, target_type, target_id, excluded_groups FROM app_assignments ORDER BY app_id, position",
        params![],
    )?;
    for (app_id, intent, kind, target_id, excluded) in rows {
        let target = match (kind.as_str(), target_id) {
            ("allUsers", _) => AssignmentTarget::AllUsers,
            ("allDevices", _) => AssignmentTarget::AllDevices,
            ("userGroup", Some(id)) => AssignmentTarget::UserGroup { id },
            ("deviceGroup", Some(id)) => AssignmentTarget::DeviceGroup { id },
            (other, _) => anyhow::bail!("assignment target `{other}` of app `{app_id}` in the database"),
        };
        assignments.entry(app_id).or_default().push(Assignment {
            intent: decode(&intent)?,
            target,
            excluded_groups: from_json(&excluded)?,
        });
    }
    let mut identifiers: HashMap<String, Vec<String>> = HashMap::new();
    // NOCASE order on SQLite; `lower()` folds ASCII only on both, so this is the same order.
    let rows: Vec<(String, String)> =
        db.query("SELECT app_id, identifier FROM app_identifiers ORDER BY app_id, lower(identifier)", params![])?;
    for (app_id, identifier) in rows {
        identifiers.entry(app_id).or_default().push(identifier);
    }
    let requestable: std::collections::HashSet<String> = db
        .query::<(String,)>("SELECT id FROM apps WHERE requestable = TRUE", params![])?
        .into_iter()
        .map(|(id,)| id)
        .collect();
    let mut approvers: HashMap<String, Vec<String>> = HashMap::new();
    let rows: Vec<(String, String)> =
        db.query("SELECT app_id, user_id FROM app_approvers ORDER BY app_id, user_id", params![])?;
    for (app_id, user_id) in rows {
        approvers.entry(app_id).or_default().push(user_id);
    }
    let rows: Vec<AppRow> = db.query(
        "SELECT id, name, publisher, description, version, size_bytes, platforms, minimum_os, categories,
                featured, source, icon_url, information_url, privacy_url, published_at, fails_install
         FROM apps ORDER BY position",
        params![],
    )?;
    let mut apps = Vec::with_capacity(rows.len());
    for row in rows {
        let (
            id,
            name,
            publisher,
            description,
            version,
            size,
            platforms,
            minimum_os,
            categories,
            featured,
            source,
            icon_url,
            information_url,
            privacy_url,
            published,
            fails_install,
        ) = row;
        apps.push(CatalogApp {
            assignments: assignments.remove(&id).unwrap_or_default(),
            app_identifiers: identifiers.remove(&id).unwrap_or_default(),
            fails_install,
            self_service: true,
            requestable: requestable.contains(&id),
            approvers: approvers.remove(&id).unwrap_or_default(),
            app: App {
                id,
                name,
                publisher,
                description,
                version,
                size_bytes: size.and_then(|s| u64::try_from(s).ok()),
                platforms: from_json(&platforms)?,
                minimum_os,
                categories: from_json(&categories)?,
                featured,
                source: decode(&source)?,
                icon_url,
                information_url,
                privacy_url,
                published,
            },
        });
    }
    Ok(AppCatalog::new(apps))
}
