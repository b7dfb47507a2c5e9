//! The tenant file's shape (TOML). Unknown fields are errors, so a typo never
//! silently drops a setting. The README documents every field with an example.
//!
//! Enumerations reuse `portal-core`'s types and spellings (Graph's camelCase values such
//! as `"appleBulkWithUser"` or `"inGracePeriod"`). Several of those types fall back to
//! `unknown` for values they do not know, which is right for data coming from Graph but
//! wrong for a file a person typed: [`strict`] rejects any spelling that does not
//! round-trip, so `"inGracePeriode"` is an error rather than `unknown`.
//!
//! The structs also serialise, so `generate-tenant` writes a file through the same shape
//! that `import` reads.

use portal_core::branding::HexColor;
use portal_core::domain::{
    ActionState, AppSource, AssignmentTarget, ClipboardSharingLevel, ComplianceState, DataTransferLevel,
    DeviceEnrollmentType, EnrollmentAvailability, FlaggedReason, InstallIntent, OwnerType, Platform, RecoveryKeyKind,
    RemoteAction, ResultantAppState, SelectiveWipeState, VolumeType,
};
use serde::de::{DeserializeOwned, IntoDeserializer};
use serde::{Deserialize, Deserializer, Serialize};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TenantFile {
    /// The moment the file's dates were written for (RFC 3339). When set, an import moves
    /// every date in the file by the time since then (`tenant_file::as_of`); the demo uses it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dates_as_of: Option<String>,
    pub organisation: Organisation,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<User>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub user_groups: Vec<UserGroup>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub device_groups: Vec<DeviceGroup>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub devices: Vec<Device>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unenrolled_devices: Vec<UnenrolledDevice>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub apps: Vec<App>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub protection_policies: Vec<ProtectionPolicy>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub app_registrations: Vec<AppRegistration>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub install_states: Vec<InstallState>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notifications: Vec<Notification>,
    /// Categories people put their devices in (`devices[].category` names one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub device_categories: Vec<DeviceCategory>,
    /// Disk-encryption recovery keys the organisation escrowed, per device. They may also
    /// live in a file of their own (`serve --recovery-keys`), outside this one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recovery_keys: Vec<RecoveryKey>,
    /// Terms of use people accept before they use the personal pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms: Option<Terms>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// Shown in the header and page titles; at most 40 characters.
    pub name: String,
    /// `#rrggbb`; the header text colour is chosen for contrast automatically.
    pub theme_color: HexColor,
    #[serde(default = "yes")]
    pub show_name_in_header: bool,
    #[serde(default)]
    pub show_logo_in_header: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_url: Option<String>,
    /// Hide Remove on corporate-owned Windows and iOS/iPadOS devices.
    #[serde(default)]
    pub is_remove_device_disabled: bool,
    /// Hide Reset on corporate-owned Windows and iOS/iPadOS devices.
    #[serde(default)]
    pub is_factory_reset_disabled: bool,
    #[serde(default, deserialize_with = "strict")]
    pub enrollment_availability: EnrollmentAvailability,
    /// Don't ask people to put their devices in a category (Intune's
    /// `disableDeviceCategorySelection`).
    #[serde(default)]
    pub disable_device_category_selection: bool,
    #[serde(default)]
    pub support: Support,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Support {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_information: Option<String>,
}

/// A person. `id` is what tokens carry as `oid`/`sub`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    pub id: String,
    pub display_name: String,
    /// Sign-in name, unique ignoring case, e.g. `adele.vance@contoso.example`.
    pub upn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Argon2 PHC string (`portal-server hash-password`); absent: cannot sign in here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_hash: Option<String>,
    /// Ids of the user groups the user is a member of.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UserGroup {
    pub id: String,
    pub display_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceGroup {
    pub id: String,
    pub display_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Ids of managed devices.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<String>,
}

/// An enrolled (managed) device.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Device {
    pub id: String,
    /// The portal's display name.
    pub device_name: String,
    pub operating_system: Platform,
    pub os_version: String,
    #[serde(default)]
    pub model: String,
    #[serde(default)]
    pub manufacturer: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial_number: Option<String>,
    #[serde(deserialize_with = "strict")]
    pub owner_type: OwnerType,
    #[serde(deserialize_with = "strict")]
    pub enrollment_type: DeviceEnrollmentType,
    /// User id of the primary user; absent for userless devices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_user: Option<String>,
    #[serde(deserialize_with = "strict")]
    pub compliance_state: ComplianceState,
    /// RFC 3339; required with `inGracePeriod`, refused otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compliance_grace_period_expiration: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failing_settings: Vec<FailingSetting>,
    #[serde(default)]
    pub is_encrypted: bool,
    /// Absent: the device has not reported it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jail_broken: Option<bool>,
    /// RFC 3339.
    pub enrolled_date_time: String,
    /// RFC 3339.
    pub last_sync_date_time: String,
    /// Remote actions already run on the device (its history).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<DeviceAction>,
    /// The id of one of `device_categories`; absent: its user is asked to pick one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FailingSetting {
    /// Stable setting name, e.g. `osMinimumVersion`.
    pub setting: String,
    /// What the user should do, shown verbatim.
    pub what_to_fix: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceAction {
    pub action: RemoteAction,
    pub state: ActionState,
    /// RFC 3339.
    pub start_date_time: String,
    /// RFC 3339; defaults to `start_date_time`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_updated_date_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passcode: Option<String>,
}

/// A device known only through app protection (MAM without enrollment).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UnenrolledDevice {
    pub device_tag: String,
    pub device_name: String,
    pub platform: Platform,
    #[serde(default)]
    pub os_version: String,
    /// User id of the person whose work account the apps use.
    pub user: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct App {
    pub id: String,
    pub name: String,
    pub publisher: String,
    #[serde(default)]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_bytes: Option<u64>,
    pub platforms: Vec<Platform>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_os: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    #[serde(default)]
    pub featured: bool,
    #[serde(default)]
    pub source: AppSource,
    /// A path on this server, e.g. `/assets/icons/teams.svg`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub information_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_url: Option<String>,
    /// RFC 3339.
    pub published: String,
    /// Simulated installs of this app fail, so a person can see a failure.
    #[serde(default)]
    pub fails_install: bool,
    /// Bundle ids / package ids, linking app protection registrations to this app.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub app_identifiers: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assignments: Vec<Assignment>,
    /// People ask for it ("Request" instead of Install) and an approver decides.
    #[serde(default, skip_serializing_if = "is_false")]
    pub requestable: bool,
    /// User ids of the people who approve requests for it (requestable apps only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub approvers: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    pub intent: InstallIntent,
    /// `{ type = "allUsers" }`, `{ type = "allDevices" }`,
    /// `{ type = "userGroup", id = "…" }` or `{ type = "deviceGroup", id = "…" }`.
    pub target: AssignmentTarget,
    /// User or device group ids this assignment does not reach.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded_groups: Vec<String>,
}

/// An app protection policy; names follow `portal-core`'s `AppProtectionPolicy`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProtectionPolicy {
    pub id: String,
    pub display_name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub save_as_blocked: bool,
    #[serde(default)]
    pub allowed_outbound_clipboard_sharing_level: ClipboardSharingLevel,
    #[serde(default)]
    pub allowed_outbound_data_transfer_destinations: DataTransferLevel,
    #[serde(default)]
    pub pin_required: bool,
    #[serde(default)]
    pub simple_pin_blocked: bool,
    #[serde(default)]
    pub minimum_pin_length: u32,
    /// Block the apps on jailbroken or rooted devices.
    #[serde(default)]
    pub device_compliance_required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_online_before_access_check_minutes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_offline_before_wipe_minutes: Option<u32>,
    /// User group ids.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targeted_groups: Vec<String>,
    /// App ids; their `app_identifiers` are what the policy protects.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub protected_apps: Vec<String>,
}

/// One app used with the work account on one device (managed or MAM-only).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AppRegistration {
    pub id: String,
    pub user: String,
    /// An unenrolled device's `device_tag` or a managed device's `id`; it must be `user`'s.
    pub device: String,
    /// One of an app's `app_identifiers`.
    pub app_identifier: String,
    pub application_version: String,
    #[serde(default)]
    pub management_sdk_version: String,
    /// RFC 3339.
    pub created_date_time: String,
    /// RFC 3339: the last check-in.
    pub last_sync_date_time: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flagged_reasons: Vec<FlaggedReason>,
    /// Policy ids.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applied_policies: Vec<String>,
    /// Policy ids; differing from `applied_policies` means "waiting for check-in".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub intended_policies: Vec<String>,
    #[serde(default)]
    pub selective_wipe: SelectiveWipeState,
}

/// The starting install state of an app on a managed device.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct InstallState {
    pub device: String,
    pub app: String,
    #[serde(deserialize_with = "strict")]
    pub state: ResultantAppState,
    /// RFC 3339; defaults to the import time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_updated_date_time: Option<String>,
    /// Why a `failed` install failed, as the device reported it; the Apps page explains it.
    #[serde(default, deserialize_with = "strict_option", skip_serializing_if = "Option::is_none")]
    pub failure: Option<portal_core::api::InstallFailure>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Notification {
    pub id: String,
    pub user: String,
    pub title: String,
    #[serde(default)]
    pub body: String,
    /// RFC 3339.
    pub created_date_time: String,
    #[serde(default)]
    pub read: bool,
    /// A path in the portal, e.g. `/devices/dev-1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

/// A device category (Graph `deviceCategory`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceCategory {
    pub id: String,
    pub display_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// One escrowed recovery key of a device.
#[derive(Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RecoveryKey {
    /// A managed device id: a Windows device for `bitLocker`, a Mac for `fileVault`.
    pub device: String,
    #[serde(deserialize_with = "strict")]
    pub kind: RecoveryKeyKind,
    /// BitLocker: 48 digits in eight groups of six; FileVault: six groups of four
    /// letters and digits.
    pub key: String,
    /// BitLocker only: the key ID (a GUID) the recovery screen shows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    /// BitLocker only; default `operatingSystemVolume`.
    #[serde(default, deserialize_with = "strict_option", skip_serializing_if = "Option::is_none")]
    pub volume_type: Option<VolumeType>,
    /// RFC 3339: when it was escrowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_date_time: Option<String>,
}

// The key never reaches a log through `{:?}`.
impl std::fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecoveryKey").field("device", &self.device).field("kind", &self.kind).finish_non_exhaustive()
    }
}

/// A file of recovery keys alone (`serve --recovery-keys FILE`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecoveryKeysFile {
    #[serde(default)]
    pub recovery_keys: Vec<RecoveryKey>,
}

/// The organisation's terms of use.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Terms {
    /// Any short text ("2026-11"); a new one asks everyone again.
    pub version: String,
    /// User group ids the terms are for; absent: everyone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<String>>,
    /// One per language; the first is shown when none is in the reader's language.
    pub texts: Vec<TermsText>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TermsText {
    /// A language code: `en`, `de`, `fr`, `ar`, …
    pub language: String,
    pub title: String,
    /// Plain text; a blank line separates paragraphs.
    pub text: String,
}

fn yes() -> bool {
    true
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// [`strict`] for an optional field (absent is `None`, given with `#[serde(default)]`).
fn strict_option<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned + Serialize,
{
    strict(d).map(Some)
}

/// Deserialises a unit-variant enum from its exact spelling, refusing values that only a
/// `#[serde(other)]` fallback would accept.
fn strict<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned + Serialize,
{
    let text = String::deserialize(d)?;
    let parsed: Result<T, serde::de::value::Error> = T::deserialize(text.as_str().into_deserializer());
    let value = parsed.map_err(serde::de::Error::custom)?;
    match serde_json::to_value(&value) {
        Ok(serde_json::Value::String(back)) if back == text => Ok(value),
        _ => Err(serde::de::Error::custom(format!("unknown value `{text}`"))),
    }
}
