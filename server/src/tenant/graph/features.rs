//! The Intune side of the self-service features beyond devices and apps:
//!
//! - **Device categories**: the organisation's from `GET /deviceManagement/deviceCategories`
//!   (v1.0), a device's from its `deviceCategoryDisplayName`; a choice is recorded with
//!   `PUT /deviceManagement/managedDevices/{id}/deviceCategory/$ref` (v1.0), which needs the
//!   application permission `DeviceManagementManagedDevices.ReadWrite.All`. Without it the
//!   portal does not ask (the page says the organisation sets categories).
//! - **Recovery keys**: BitLocker's are in Entra ID, and Microsoft's v1.0 page "Get
//!   bitlockerRecoveryKey" (learn.microsoft.com/graph/api/bitlockerrecoverykey-get) lists
//!   *no* application permission for reading a key (`$select=key`): only a delegated token
//!   of the device's owner or an administrator reads it. Listing keys (`bitlocker-list-
//!   recoverykeys`) allows `BitlockerKey.ReadBasic.All` app-only, but without the key that
//!   helps nobody who is locked out, so the portal (app-only) does not call either: the page
//!   says where the person reads their own key (My Account → Devices). FileVault's come from
//!   Intune — beta `GET /deviceManagement/managedDevices/{id}/getFileVaultKey`, whose page
//!   documents the application permission `DeviceManagementManagedDevices.PrivilegedOperations.All`.
//!   Without the permission, or without `--graph-beta`, the page says why there is no key here.
//!   The device is read from Graph before a key is (it must be the caller's, as its primary user).
//! - **Terms of use**: Intune's own terms (`deviceManagement/termsAndConditions`) are shown by
//!   the Company Portal app at enrollment; the portal's come from the organisation file's
//!   `[terms]`, and acceptances are kept in the portal's store.
//! - **App requests**: an approval adds the requester to the app's install group of the
//!   organisation file (the group with the Required assignment), as an install would.

use super::changes::{add_member, tenant_error};
use super::client::{GraphError, Version};
use super::installs::Member;
use super::{path_segment, IntuneTenant};
use crate::store::AuditEntry;
use crate::tenant::{Person, TenantError};
use portal_core::api::{AppRefusal, RecoveryKey, Refusal};
use portal_core::domain::{DeviceCategory, ManagedDevice, Platform};
use portal_core::rules::recovery::{Escrow, RecoveryKeyReason, Unreadable};
use serde::Deserialize;
use serde_json::{json, Value};

/// The permission that lets the portal put a device in a category.
pub const CATEGORY_WRITE: &str = "DeviceManagementManagedDevices.ReadWrite.All";
/// The permission that lets the portal read FileVault keys (beta `getFileVaultKey`).
pub const FILEVAULT_READ: &str = "DeviceManagementManagedDevices.PrivilegedOperations.All";

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Category {
    id: String,
    display_name: Option<String>,
    description: Option<String>,
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

    pub(super) async fn escrow_of(&self, device: &ManagedDevice) -> Result<Escrow, TenantError> {
        match device.operating_system {
            Platform::Windows => Ok(Escrow::Unreadable(Unreadable::SignedInOnly)),
            // getFileVaultKey returns the key itself: there is no asking whether one exists.
            Platform::Macos if !self.settings.beta => Ok(Escrow::Unreadable(Unreadable::BetaRequired)),
            Platform::Macos if !self.has_role(&[FILEVAULT_READ]) => {
                Ok(Escrow::Unreadable(Unreadable::PermissionMissing))
            }
            Platform::Macos => Ok(Escrow::Unknown),
            _ => Ok(Escrow::NotEscrowed),
        }
    }

    pub(super) async fn keys_now(
        &self,
        person: &Person,
        device_id: &str,
    ) -> Result<Option<Vec<RecoveryKey>>, TenantError> {
        let Some((device, _)) = self.fresh_device(person, device_id).await.map_err(tenant_error)? else {
            return Ok(None);
        };
        let unreadable = |why| TenantError::Refused(Refusal::RecoveryKey(RecoveryKeyReason::KeysNotReadable { why }));
        match device.operating_system {
            Platform::Windows => Err(unreadable(Unreadable::SignedInOnly)),
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
