//! The Intune side of the self-service features beyond devices and apps:
//!
//! - **Device categories**: the organisation's from `GET /deviceManagement/deviceCategories`
//!   (v1.0), a device's from its `deviceCategoryDisplayName`; a choice is recorded with
//!   `PUT /deviceManagement/managedDevices/{id}/deviceCategory/$ref` (v1.0), which needs the
//!   application permission `DeviceManagementManagedDevices.ReadWrite.All`. Without it the
//!   portal does not ask (the page says the organisation sets categories).
//! - **Recovery keys**: BitLocker's from Entra ID —
//!   `GET /informationProtection/bitlocker/recoveryKeys?$filter=deviceId eq '{azureADDeviceId}'`
//!   (without keys), then `…/recoveryKeys/{id}?$select=key` for each, which Entra audits
//!   (`BitlockerKey.Read.All`; application permissions are documented for both calls);
//!   FileVault's from Intune — beta `GET /deviceManagement/managedDevices/{id}/getFileVaultKey`
//!   (application permission `DeviceManagementManagedDevices.PrivilegedOperations.All`). Without
//!   the permission, or without `--graph-beta`, the page says why there is no key here. The
//!   device is read from Graph before a key is (it must be the caller's, as its primary user).
//! - **Terms of use**: Intune's own terms (`deviceManagement/termsAndConditions`) are shown by
//!   the Company Portal app at enrollment; the portal's come from the organisation file's
//!   `[terms]`, and acceptances are kept in the portal's store.
//! - **App requests**: an approval adds the requester to the app's install group of the
//!   organisation file (the group with the Required assignment), as an install would.

use super::changes::{add_member, tenant_error};
use super::client::{GraphError, Version};
use super::installs::Member;
use super::{path_segment, urlencode, IntuneTenant};
use crate::store::AuditEntry;
use crate::tenant::{Person, TenantError};
use portal_core::api::{AppRefusal, RecoveryKey, Refusal};
use portal_core::domain::{DeviceCategory, ManagedDevice, Platform, VolumeType};
use portal_core::rules::recovery::{Escrow, RecoveryKeyReason, Unreadable};
use serde::Deserialize;
use serde_json::{json, Value};

/// The permission that lets the portal put a device in a category.
pub const CATEGORY_WRITE: &str = "DeviceManagementManagedDevices.ReadWrite.All";
/// The permissions that let the portal read BitLocker keys (either).
pub const BITLOCKER_READ: [&str; 2] = ["BitlockerKey.Read.All", "BitLockerKey.Read.All"];

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Category {
    id: String,
    display_name: Option<String>,
    description: Option<String>,
}

/// A BitLocker key as listed (without the key).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct ListedKey {
    id: String,
    created_date_time: Option<String>,
    volume_type: Option<String>,
    device_id: Option<String>,
}

pub(super) async fn read_categories(graph: super::client::GraphClient) -> Result<Vec<DeviceCategory>, GraphError> {
    let values =
        graph.get_all(Version::V1, "/deviceManagement/deviceCategories?$select=id,displayName,description").await?;
    let (items, _) = super::map::items::<Category>(values);
    Ok(items
        .into_iter()
        .filter_map(|c| {
            let name = c.display_name.filter(|n| !n.trim().is_empty())?;
            Some(DeviceCategory { id: c.id, display_name: name, description: c.description.filter(|d| !d.is_empty()) })
        })
        .collect())
}

impl IntuneTenant {
    pub(super) fn has_role(&self, any_of: &[&str]) -> bool {
        self.roles.get().is_some_and(|roles| roles.iter().any(|r| any_of.contains(&r.as_str())))
    }

    pub(super) async fn set_category_now(
        &self,
        person: &Person,
        device_id: &str,
        category: &DeviceCategory,
    ) -> Result<Option<ManagedDevice>, TenantError> {
        // Read from Graph, not the cache: it must be theirs and still without a category.
        let Some((mut device, _)) = self.fresh_device(person, device_id).await.map_err(tenant_error)? else {
            return Ok(None);
        };
        if device.device_category_display_name.is_some() {
            return Ok(None);
        }
        let body = json!({
            "@odata.id": format!("{}/v1.0/deviceManagement/deviceCategories/{}", self.settings.graph_url, path_segment(&category.id))
        });
        let path = format!("/deviceManagement/managedDevices/{}/deviceCategory/$ref", path_segment(device_id));
        let changed = self.graph.put(Version::V1, &path, Some(&body)).await;
        let (outcome, request_id, detail) = match &changed {
            Ok(c) => ("done", c.request_id.clone(), Some(category.display_name.clone())),
            Err(e) => ("failed", None, Some(e.to_string())),
        };
        let entry = AuditEntry {
            user_id: person.id.clone(),
            upn: person.upn.clone(),
            tenant: "intune".into(),
            what: "category".into(),
            target: device_id.into(),
            outcome: outcome.into(),
            request_id,
            detail,
            ..Default::default()
        };
        if let Err(e) = self.store.audit(entry).await {
            tracing::error!("audit: could not record a category choice: {e:#}");
        }
        changed.map_err(tenant_error)?;
        self.expire_person(&person.id);
        device.device_category_display_name = Some(category.display_name.clone());
        Ok(Some(device))
    }

    pub(super) async fn escrow_of(&self, person: &Person, device: &ManagedDevice) -> Result<Escrow, TenantError> {
        match device.operating_system {
            Platform::Windows => {
                if !self.has_role(&BITLOCKER_READ) {
                    return Ok(Escrow::Unreadable(Unreadable::PermissionMissing));
                }
                let snapshot = self.snapshot(&person.id).await?.value;
                let entra = snapshot.as_ref().as_ref().and_then(|s| s.entra_device_ids.get(&device.id).cloned());
                // Not registered in Entra ID: nothing can have been escrowed there.
                let Some(entra) = entra else { return Ok(Escrow::NotEscrowed) };
                let listed = self.listed_bitlocker_keys(&entra).await.map_err(tenant_error)?;
                Ok(if listed.is_empty() { Escrow::NotEscrowed } else { Escrow::Escrowed })
            }
            // getFileVaultKey returns the key itself: there is no asking whether one exists.
            Platform::Macos if self.settings.beta => Ok(Escrow::Unknown),
            Platform::Macos => Ok(Escrow::Unreadable(Unreadable::BetaRequired)),
            _ => Ok(Escrow::NotEscrowed),
        }
    }

    async fn listed_bitlocker_keys(&self, entra_device_id: &str) -> Result<Vec<ListedKey>, GraphError> {
        let filter = format!("deviceId eq '{}'", entra_device_id.replace('\'', "''"));
        let path = format!(
            "/informationProtection/bitlocker/recoveryKeys?$filter={}&$select=id,createdDateTime,volumeType,deviceId",
            urlencode(&filter)
        );
        let values = self.graph.get_all(Version::V1, &path).await?;
        let (keys, _) = super::map::items::<ListedKey>(values);
        // Never trust the filter: only this device's keys.
        Ok(keys.into_iter().filter(|k| k.device_id.as_deref() == Some(entra_device_id)).collect())
    }

    pub(super) async fn keys_now(
        &self,
        person: &Person,
        device_id: &str,
    ) -> Result<Option<Vec<RecoveryKey>>, TenantError> {
        let Some((device, raw)) = self.fresh_device(person, device_id).await.map_err(tenant_error)? else {
            return Ok(None);
        };
        let unreadable = |why| TenantError::Refused(Refusal::RecoveryKey(RecoveryKeyReason::KeysNotReadable { why }));
        match device.operating_system {
            Platform::Windows => {
                if !self.has_role(&BITLOCKER_READ) {
                    return Err(unreadable(Unreadable::PermissionMissing));
                }
                let Some(entra) = raw.azure_ad_device_id.filter(|id| !id.is_empty()) else {
                    return Ok(Some(Vec::new()));
                };
                let listed = self
                    .listed_bitlocker_keys(&entra)
                    .await
                    .map_err(|e| denied_or(e, Unreadable::PermissionMissing))?;
                let mut keys = Vec::new();
                for k in listed {
                    let path =
                        format!("/informationProtection/bitlocker/recoveryKeys/{}?$select=key", path_segment(&k.id));
                    // Read as JSON and taken apart by hand: a decoding error must never quote the key.
                    let value: Value = self
                        .graph
                        .get(Version::V1, &path)
                        .await
                        .map_err(|e| denied_or(e, Unreadable::PermissionMissing))?;
                    let Some(key) = value.get("key").and_then(Value::as_str).filter(|k| !k.is_empty()) else {
                        continue;
                    };
                    keys.push(RecoveryKey {
                        key_id: Some(k.id.clone()),
                        key: key.to_string(),
                        volume_type: Some(volume(k.volume_type.as_deref())),
                        created_date_time: k.created_date_time.as_deref().and_then(crate::dates::normalise),
                    });
                }
                keys.sort_by_key(|k| k.volume_type != Some(VolumeType::OperatingSystemVolume));
                Ok(Some(keys))
            }
            Platform::Macos => {
                if !self.settings.beta {
                    return Err(unreadable(Unreadable::BetaRequired));
                }
                let path = format!("/deviceManagement/managedDevices/{}/getFileVaultKey", path_segment(device_id));
                let value: Value = match self.graph.get(Version::Beta, &path).await {
                    Ok(v) => v,
                    Err(GraphError::NotFound) => return Ok(Some(Vec::new())),
                    Err(e) => return Err(denied_or(e, Unreadable::PermissionMissing)),
                };
                let key = value.get("value").and_then(Value::as_str).filter(|k| !k.trim().is_empty());
                Ok(Some(
                    key.map(|k| RecoveryKey {
                        key_id: None,
                        key: k.to_string(),
                        volume_type: None,
                        created_date_time: None,
                    })
                    .into_iter()
                    .collect(),
                ))
            }
            _ => Ok(Some(Vec::new())),
        }
    }

    /// An approved request: the requester joins the app's install group (safe to send again:
    /// "already a member" is success).
    pub(super) async fn approve_now(&self, requester_id: &str, app_id: &str) -> Result<(), TenantError> {
        let Some(groups) = self.install_groups.for_app(app_id) else {
            return Err(TenantError::Refused(Refusal::App(AppRefusal::NotSelfService)));
        };
        if groups.member != Member::User {
            return Err(TenantError::Refused(Refusal::App(AppRefusal::NotSelfService)));
        }
        add_member(&self.graph, &self.settings.graph_url, &groups.install, requester_id).await.map_err(tenant_error)?;
        self.expire_person(requester_id);
        Ok(())
    }
}

/// A 403 from Graph as the reason the page explains; anything else as a tenant error.
fn denied_or(e: GraphError, why: Unreadable) -> TenantError {
    match e {
        GraphError::Denied(_) => TenantError::Refused(Refusal::RecoveryKey(RecoveryKeyReason::KeysNotReadable { why })),
        other => tenant_error(other),
    }
}

/// Graph's `volumeType`: a name, or (as its documentation shows it) the enum's number.
fn volume(value: Option<&str>) -> VolumeType {
    match value.map(str::trim) {
        Some("operatingSystemVolume" | "1") | None => VolumeType::OperatingSystemVolume,
        Some("fixedDataVolume" | "2") => VolumeType::FixedDataVolume,
        Some("removableDataVolume" | "3") => VolumeType::RemovableDataVolume,
        Some(_) => VolumeType::Unknown,
    }
}
