//! Devices a user sees: enrolled (managed) devices and MAM-only (unenrolled) ones.

use super::{DeviceEnrollmentType, Platform};
use serde::{Deserialize, Serialize};

/// Who owns a managed device (Graph `managedDeviceOwnerType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum OwnerType {
    Company,
    Personal,
    #[serde(other)]
    Unknown,
}

/// Compliance state (Graph `complianceState`). See `rules::compliance` for what the user sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum ComplianceState {
    Compliant,
    Noncompliant,
    InGracePeriod,
    Conflict,
    Error,
    ConfigManager,
    #[serde(other)]
    Unknown,
}

/// A compliance setting the device fails, with the organisation's own instruction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct FailingSetting {
    /// Stable name of the setting (e.g. `"osMinimumVersion"`), for the UI to key on.
    pub setting: String,
    /// What the user should do, as the organisation wrote it (shown verbatim).
    pub what_to_fix: String,
}

/// A self-service remote action (the wire value of `POST …/actions`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum RemoteAction {
    Rename,
    Sync,
    RemoteLock,
    ResetPasscode,
    Retire,
    Wipe,
}

impl RemoteAction {
    pub const ALL: [RemoteAction; 6] = [
        RemoteAction::Rename,
        RemoteAction::Sync,
        RemoteAction::RemoteLock,
        RemoteAction::ResetPasscode,
        RemoteAction::Retire,
        RemoteAction::Wipe,
    ];
}

/// State of a remote action (Graph `actionState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum ActionState {
    None,
    Pending,
    Canceled,
    Active,
    Done,
    Failed,
    NotSupported,
}

impl ActionState {
    /// Queued or running: the same action may not be queued again.
    pub fn is_in_progress(self) -> bool {
        matches!(self, ActionState::Pending | ActionState::Active)
    }
}

/// One remote action run on a device (Graph `deviceActionResult`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DeviceActionResult {
    pub action_name: RemoteAction,
    pub action_state: ActionState,
    /// RFC 3339.
    pub start_date_time: String,
    /// RFC 3339.
    pub last_updated_date_time: String,
    /// The temporary passcode a reset-passcode action set (Android, Windows), shown only
    /// to the primary user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passcode: Option<String>,
    /// Portal-only: why a pending action is taking long, when it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_note: Option<PendingNote>,
}

/// Why an action is still pending (set by the portal, not by Intune).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum PendingNote {
    /// Intune asked the portal to slow down; it sends the request again at `retry_at`.
    WaitingForIntune { retry_at: String },
    /// The portal stopped following it: the device carries it out when it next checks in.
    StillPendingOnDevice,
}

/// An enrolled device as its user sees it (Graph `managedDevice`, the fields a user sees).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ManagedDevice {
    pub id: String,
    /// The portal's display name; renaming changes only this, not the device's own name.
    pub device_name: String,
    pub operating_system: Platform,
    pub os_version: String,
    #[serde(default)]
    pub model: String,
    #[serde(default)]
    pub manufacturer: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial_number: Option<String>,
    pub managed_device_owner_type: OwnerType,
    pub device_enrollment_type: DeviceEnrollmentType,
    /// RFC 3339.
    pub enrolled_date_time: String,
    /// RFC 3339.
    pub last_sync_date_time: String,
    pub compliance_state: ComplianceState,
    /// RFC 3339; set while `compliance_state` is `inGracePeriod`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compliance_grace_period_expiration_date_time: Option<String>,
    #[serde(default)]
    pub failing_settings: Vec<FailingSetting>,
    #[serde(default)]
    pub is_encrypted: bool,
    /// `None` when the device has not reported it (Graph's `"Unknown"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jail_broken: Option<bool>,
    /// The primary user; `None` for userless devices (e.g. dedicated, ADE without user).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default)]
    pub device_action_results: Vec<DeviceActionResult>,
    /// The category the device is in (one of the organisation's `DeviceCategory` names);
    /// `None` until someone picks one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_category_display_name: Option<String>,
}

impl ManagedDevice {
    /// Whether `user_id` is the device's primary user. A userless device has none.
    pub fn is_primary_user(&self, user_id: &str) -> bool {
        self.user_id.as_deref() == Some(user_id)
    }

    /// Whether an action of this kind is queued or running.
    pub fn has_in_progress(&self, action: RemoteAction) -> bool {
        self.device_action_results.iter().any(|r| r.action_name == action && r.action_state.is_in_progress())
    }

    /// Whether an action of this kind has completed.
    pub fn has_done(&self, action: RemoteAction) -> bool {
        self.device_action_results.iter().any(|r| r.action_name == action && r.action_state == ActionState::Done)
    }
}

/// A device known only through app protection (MAM without enrollment): the apps that
/// registered with the work account and share one `device_tag`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UnenrolledDevice {
    pub device_tag: String,
    pub device_name: String,
    pub platform: Platform,
}
