//! Organisation-level settings that change what the rules allow.

use super::{OwnerType, Platform, RemoteAction};
use serde::{Deserialize, Serialize};

/// Whether users may enrol devices from the portal (Graph: `intuneBrand.enrollmentAvailability`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum EnrollmentAvailability {
    #[default]
    AvailableWithPrompts,
    AvailableWithoutPrompts,
    Unavailable,
}

/// Settings an organisation sets beside its branding that the rules consult.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OrganisationSettings {
    /// Hide Remove (retire) on corporate-owned Windows and iOS/iPadOS devices.
    #[serde(default)]
    pub is_remove_device_disabled: bool,
    /// Hide Reset (wipe) on corporate-owned Windows and iOS/iPadOS devices.
    #[serde(default)]
    pub is_factory_reset_disabled: bool,
    #[serde(default)]
    pub enrollment_availability: EnrollmentAvailability,
    /// Remove or Reset hidden for one platform and ownership (Intune branding profiles'
    /// `companyPortalBlockedActions`), on top of the two switches above.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocked_actions: Vec<BlockedAction>,
    /// What Rename changes with this tenant (a property of how the portal reaches it).
    #[serde(default)]
    pub device_rename: DeviceRename,
    /// Don't ask people to put their devices in a category (Intune's
    /// `disableDeviceCategorySelection`).
    #[serde(default)]
    pub disable_device_category_selection: bool,
}

/// What renaming a device changes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum DeviceRename {
    /// The name shown in the portal only (the embedded tenant).
    #[default]
    PortalName,
    /// The device's own name, through Intune (`setDeviceName`, Graph beta).
    DeviceName,
    /// Not possible: the portal reads Intune through Graph v1.0, which cannot rename devices.
    Unavailable,
}

/// One action the organisation hides from the portal for devices of one platform and
/// ownership (Graph beta `companyPortalBlockedAction`; `action` is Remove or Reset).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BlockedAction {
    /// iOS covers iPadOS too.
    pub platform: Platform,
    pub owner_type: OwnerType,
    pub action: RemoteAction,
}

impl BlockedAction {
    /// Whether this hides `action` on a device of `platform` owned as `owner`.
    pub fn hides(&self, action: RemoteAction, platform: Platform, owner: OwnerType) -> bool {
        let same_platform =
            self.platform == platform || (self.platform == Platform::Ios && platform == Platform::Ipados);
        self.action == action && same_platform && self.owner_type == owner
    }
}
