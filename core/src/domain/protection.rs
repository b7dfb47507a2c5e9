//! App protection (MAM): policies and the per-app, per-device registrations they apply to.

use serde::{Deserialize, Serialize};

/// How far cut, copy and paste may move work data (Graph `managedAppClipboardSharingLevel`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum ClipboardSharingLevel {
    #[default]
    AllApps,
    /// Paste out only to managed apps; paste in from any app.
    ManagedAppsWithPasteIn,
    ManagedApps,
    Blocked,
}

/// Which apps may receive work data (Graph `managedAppDataTransferLevel`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum DataTransferLevel {
    #[default]
    AllApps,
    ManagedApps,
    None,
}

/// An app protection policy: targets user groups and a set of apps, and applies only
/// when the app is used with the work account. Field names follow Graph's
/// `managedAppProtection`; durations are minutes instead of ISO 8601 durations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AppProtectionPolicy {
    pub id: String,
    pub display_name: String,
    #[serde(default)]
    pub description: String,
    /// Prevent "Save As" of work files to personal storage.
    #[serde(default)]
    pub save_as_blocked: bool,
    #[serde(default)]
    pub allowed_outbound_clipboard_sharing_level: ClipboardSharingLevel,
    #[serde(default)]
    pub allowed_outbound_data_transfer_destinations: DataTransferLevel,
    #[serde(default)]
    pub pin_required: bool,
    /// Block simple PINs such as `1111` or `1234`.
    #[serde(default)]
    pub simple_pin_blocked: bool,
    #[serde(default)]
    pub minimum_pin_length: u32,
    /// Block managed apps on jailbroken or rooted devices.
    #[serde(default)]
    pub device_compliance_required: bool,
    /// Re-check access requirements after this many minutes (Graph
    /// `periodOnlineBeforeAccessCheck`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_online_before_access_check_minutes: Option<u32>,
    /// Wipe work data after this many minutes offline (Graph
    /// `periodOfflineBeforeWipeIsEnforced`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_offline_before_wipe_minutes: Option<u32>,
    /// User groups the policy targets.
    #[serde(default)]
    pub targeted_group_ids: Vec<String>,
    /// Bundle ids / package ids of the apps it protects.
    #[serde(default)]
    pub protected_app_identifiers: Vec<String>,
}

/// Why the service flagged a registration (Graph `managedAppFlaggedReason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum FlaggedReason {
    None,
    /// Jailbroken (iOS) or rooted (Android).
    RootedDevice,
    AndroidBootloaderUnlocked,
    AndroidFactoryRomModified,
}

/// A policy as a registration names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PolicyRef {
    pub id: String,
    pub display_name: String,
}

/// Progress of a selective wipe of the work data in one app. It takes effect when the app
/// next checks in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum SelectiveWipeState {
    #[default]
    None,
    Pending,
    Done,
}

/// One app used with the work account on one device (Graph `managedAppRegistration`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ManagedAppRegistration {
    pub id: String,
    /// Bundle id (iOS) or package id (Android).
    pub app_identifier: String,
    pub application_version: String,
    pub device_name: String,
    pub device_type: String,
    /// Groups the registrations of one device (an unenrolled device's identity).
    pub device_tag: String,
    pub platform_version: String,
    /// RFC 3339.
    pub created_date_time: String,
    /// RFC 3339; the app's last check-in.
    pub last_sync_date_time: String,
    #[serde(default)]
    pub management_sdk_version: String,
    #[serde(default)]
    pub flagged_reasons: Vec<FlaggedReason>,
    #[serde(default)]
    pub applied_policies: Vec<PolicyRef>,
    #[serde(default)]
    pub intended_policies: Vec<PolicyRef>,
    #[serde(default)]
    pub selective_wipe_state: SelectiveWipeState,
}
