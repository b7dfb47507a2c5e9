//! Request and response bodies of the Portal API v1 (`/api/v1/me/*`).
//!
//! They live here, beside the rules, because the SPA deserializes exactly what the server
//! serializes: one definition, no drift. Everything is camelCase JSON. Domain records
//! (`ManagedDevice`, `App`, …) are embedded as they are; these types only add what a page
//! needs around them (rule outcomes, install state, counts).

mod events;
mod features;

pub use events::{Event, EventTicket};
pub use features::*;

use crate::branding::Branding;
use crate::domain::{
    App, DeviceActionResult, DeviceRename, FailingSetting, ManagedAppRegistration, ManagedDevice, Notification,
    Platform, RemoteAction, ResultantAppState, UnenrolledDevice,
};
use crate::rules::actions::{ActionOption, Reason, RenameError};
use crate::rules::catalog::{CatalogEntry, HiddenReason};
use crate::rules::compliance::AccessStatus;
use crate::rules::protection::{PolicyLine, ProtectionStatus};
use serde::{Deserialize, Serialize};

/// Set on an answer the portal gave from what it read earlier, because the organisation's
/// device management (Microsoft Intune, through Graph) did not answer in time: the page shows
/// the data with when it was read instead of an error. Never set on the embedded tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Staleness {
    /// RFC 3339: when the oldest part of this answer was read.
    pub read_at: String,
    pub reason: StaleReason,
}

/// Why an answer is not fresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum StaleReason {
    /// Intune asked the portal to slow down (throttling).
    Throttled,
    /// Intune answered with an error or could not be reached.
    Unavailable,
    /// Intune took longer than the portal waits.
    Slow,
    /// A newer server's reason.
    #[serde(other)]
    Other,
}

/// The signed-in user (`GET /api/v1/me`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub id: String,
    pub display_name: String,
    pub upn: String,
    #[serde(default)]
    pub email: Option<String>,
    /// Approves requests for at least one app (the navigation then offers Approvals).
    #[serde(default, skip_serializing_if = "is_no")]
    pub is_approver: bool,
}

/// The first screen in one round trip (`GET /api/v1/me/home`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Home {
    pub profile: Profile,
    /// `None` only before a tenant is loaded.
    #[serde(default)]
    pub branding: Option<Branding>,
    pub devices: Vec<DeviceSummary>,
    pub unenrolled_devices: Vec<UnenrolledDevice>,
    /// Featured apps the user may get without naming a device (context "none"), at most
    /// [`HOME_FEATURED_MAX`].
    pub featured_apps: Vec<CatalogItem>,
    pub unread_notifications: usize,
    pub protection: ProtectionSummary,
    /// Set when part of this answer is older than it should be (see [`Staleness`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale: Option<Staleness>,
}

/// How many of the user's protected app registrations are in each status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProtectionSummary {
    pub protected: usize,
    pub waiting_for_check_in: usize,
    pub blocked: usize,
    pub wipe_pending: usize,
    pub wipe_done: usize,
    pub not_protected: usize,
}

impl ProtectionSummary {
    pub fn count(&mut self, status: &ProtectionStatus) {
        let slot = match status {
            ProtectionStatus::Protected => &mut self.protected,
            ProtectionStatus::WaitingForCheckIn => &mut self.waiting_for_check_in,
            ProtectionStatus::Blocked { .. } => &mut self.blocked,
            ProtectionStatus::WipePending => &mut self.wipe_pending,
            ProtectionStatus::WipeDone => &mut self.wipe_done,
            ProtectionStatus::NotProtected => &mut self.not_protected,
        };
        *slot += 1;
    }
}

/// An enrolled device in a list, with the access status its compliance state means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DeviceSummary {
    pub device: ManagedDevice,
    pub access: AccessStatus,
}

/// `GET /api/v1/me/devices`: enrolled devices and MAM-only ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DeviceList {
    pub devices: Vec<DeviceSummary>,
    pub unenrolled_devices: Vec<UnenrolledDevice>,
    /// Set when part of this answer is older than it should be (see [`Staleness`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale: Option<Staleness>,
}

/// `GET /api/v1/me/devices/{id}`: the device, its access status, what to fix, and every
/// action with its availability (and the reason when unavailable). The action history is
/// `device.deviceActionResults`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DeviceDetails {
    pub device: ManagedDevice,
    pub access: AccessStatus,
    pub settings_to_fix: Vec<FailingSetting>,
    pub actions: Vec<ActionOption>,
    /// What Rename changes here (the portal's name, or the device's own name).
    #[serde(default)]
    pub device_rename: DeviceRename,
    /// The device's disk-encryption recovery key (Windows: BitLocker, macOS: FileVault):
    /// whether it can be shown, and why not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_key: Option<crate::rules::recovery::RecoveryKeyOffer>,
    /// Set when the person is asked to put the device in one of these categories.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_prompt: Option<CategoryPrompt>,
    /// Set when part of this answer is older than it should be (see [`Staleness`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale: Option<Staleness>,
}

/// `PATCH /api/v1/me/devices/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RenameDevice {
    /// The new display name: 1 to 64 characters once whitespace at the ends is trimmed off,
    /// no control characters or line or paragraph separators (`validate_device_name`). The
    /// pattern says exactly that (whitespace at the ends is what Rust's `str::trim` removes),
    /// so the document accepts what the server accepts and refuses what it refuses.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            example = "Work laptop",
            pattern = "^[\\t\\n\\x0b\\x0c\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*[^\\s\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029]([^\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029]{0,62}[^\\s\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029])?[\\t\\n\\x0b\\x0c\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*$"
        )
    )]
    pub device_name: String,
}

/// `POST /api/v1/me/devices/{id}/actions`. `rename` is not an action here (use PATCH).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ActionRequest {
    #[cfg_attr(feature = "openapi", schema(schema_with = requestable_action, example = "sync"))]
    pub action: RemoteAction,
}

/// The wire names of the remote actions `POST …/actions` takes: every [`RemoteAction`] but
/// `rename` (the server's OpenAPI test checks this list against the enum).
pub const REQUESTABLE_ACTIONS: [&str; 5] = ["sync", "remoteLock", "resetPasscode", "retire", "wipe"];

#[cfg(feature = "openapi")]
fn requestable_action() -> utoipa::openapi::schema::Object {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(REQUESTABLE_ACTIONS))
        .description(Some("A remote action (`rename` is PATCH on the device)."))
        .build()
}

/// 202 answer to an action request: the queued record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ActionAccepted {
    pub device_id: String,
    pub result: DeviceActionResult,
}

/// The device context an app list is for, as the query names it:
/// a device id, `none`, or `unenrolled:<platform>` (a MAM-only device tag works too).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ContextRef {
    #[serde(rename_all = "camelCase")]
    Enrolled {
        device_id: String,
        platform: Platform,
    },
    Unenrolled {
        platform: Platform,
    },
    None,
}

/// Where an install or uninstall stands on one device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum InstallOperation {
    Install,
    Uninstall,
}

/// The install state of an app on the context's device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InstallStatus {
    pub state: ResultantAppState,
    /// An install or uninstall the device has not finished yet.
    #[serde(default)]
    pub pending: Option<InstallOperation>,
    /// RFC 3339.
    pub last_updated_date_time: String,
    /// Why the last install failed, when the device reported a reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<InstallFailure>,
}

/// Why an install failed, as a code the page explains in words (Intune reports an error
/// code per failed install; these are the kinds a person can act on).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum InstallFailure {
    /// The installer finished but the app was not found on the device afterwards.
    NotDetected,
    /// The device could not download the app.
    DownloadFailed,
    /// Not enough free space on the device.
    InsufficientSpace,
    /// Any other reason (a newer server's code this page does not know yet).
    #[serde(other)]
    Other,
}

/// One app as a device context sees it: the app, the rule's verdict (resolved intent,
/// why it is shown or hidden, whether install/uninstall is allowed) and the install state
/// on that device (`None` without a device or before anything was recorded).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CatalogItem {
    pub app: App,
    pub catalog: CatalogEntry,
    #[serde(default)]
    pub install: Option<InstallStatus>,
    /// Whether the portal can carry out an install the rule allows (on Intune, only apps
    /// with an install group can be); `false`: the page says where to get it instead.
    #[serde(default = "yes", skip_serializing_if = "is_yes")]
    pub self_service: bool,
    /// Set for an app the organisation lets people ask for: "Request" instead of Install
    /// until a request of theirs is approved (their latest request, if any).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<crate::rules::requests::RequestOffer>,
}

fn yes() -> bool {
    true
}

fn is_yes(value: &bool) -> bool {
    *value
}

fn is_no(value: &bool) -> bool {
    !*value
}

/// `GET /api/v1/me/apps?device=…&q=…&category=…&offset=…&limit=…`: one page of the apps
/// shown in that context (in the organisation's catalog order), after the optional search
/// and category filters. `total` counts every matching app, so a page knows whether there
/// are more; a large catalog is never shipped whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AppList {
    pub context: ContextRef,
    pub total: usize,
    pub offset: usize,
    pub limit: usize,
    pub apps: Vec<CatalogItem>,
    /// Set when part of this answer is older than it should be (see [`Staleness`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale: Option<Staleness>,
}

/// Apps per page when the request does not say.
pub const APP_PAGE_DEFAULT: usize = 50;
/// The largest page a request may ask for.
pub const APP_PAGE_MAX: usize = 200;
/// Featured apps on the home page at most.
pub const HOME_FEATURED_MAX: usize = 12;

/// `GET /api/v1/me/apps/{appId}?device=…`: one app, shown or not (a hidden app says why,
/// so "where is my app?" has an answer). The fields of a [`CatalogItem`] next to the
/// context, spelled out rather than `#[serde(flatten)]`: flattening makes serde buffer the
/// whole object and decode it a second way, which cost the SPA's wasm ~20 KB.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AppDetails {
    pub context: ContextRef,
    pub app: App,
    pub catalog: CatalogEntry,
    #[serde(default)]
    pub install: Option<InstallStatus>,
    #[serde(default = "yes", skip_serializing_if = "is_yes")]
    pub self_service: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<crate::rules::requests::RequestOffer>,
    /// Set when part of this answer is older than it should be (see [`Staleness`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale: Option<Staleness>,
}

impl AppDetails {
    pub fn new(context: ContextRef, item: CatalogItem) -> AppDetails {
        AppDetails {
            context,
            app: item.app,
            catalog: item.catalog,
            install: item.install,
            self_service: item.self_service,
            request: item.request,
            stale: None,
        }
    }

    /// The app as a list row would have it.
    pub fn item(&self) -> CatalogItem {
        CatalogItem {
            app: self.app.clone(),
            catalog: self.catalog.clone(),
            install: self.install.clone(),
            self_service: self.self_service,
            request: self.request.clone(),
        }
    }
}

/// `POST /api/v1/me/apps/{appId}/install` and `/uninstall`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InstallRequest {
    #[cfg_attr(feature = "openapi", schema(example = "dev-amara-iphone"))]
    pub device_id: String,
}

/// 202 answer to an install or uninstall request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InstallAccepted {
    pub app_id: String,
    pub device_id: String,
    pub install: InstallStatus,
}

/// The apps of one device used with the work account (`GET /api/v1/me/protected-apps`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProtectedDevice {
    /// The MAM device tag (a managed device's id when it is enrolled).
    pub device_tag: String,
    pub device_name: String,
    /// Whether this is one of the user's enrolled devices.
    pub enrolled: bool,
    pub apps: Vec<ProtectedApp>,
}

/// One registration with its status and the plain-language lines of its applied policies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProtectedApp {
    pub registration: ManagedAppRegistration,
    /// The catalog app this registration belongs to, when the catalog knows it.
    #[serde(default)]
    pub app_id: Option<String>,
    #[serde(default)]
    pub app_name: Option<String>,
    /// The catalog app's icon (a path on this server), when the catalog knows the app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_url: Option<String>,
    pub status: ProtectionStatus,
    pub policies: Vec<PolicySummary>,
}

/// An applied policy in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PolicySummary {
    pub id: String,
    pub display_name: String,
    pub lines: Vec<PolicyLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProtectedApps {
    pub devices: Vec<ProtectedDevice>,
    /// Set when part of this answer is older than it should be (see [`Staleness`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale: Option<Staleness>,
}

/// `POST /api/v1/me/protected-apps/wipe`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WipeRequest {
    #[cfg_attr(feature = "openapi", schema(example = "mam-amara-ipad"))]
    pub device_tag: String,
}

/// 202 answer to a selective wipe: how many apps it newly applies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct WipeAccepted {
    pub device_tag: String,
    pub apps_pending: usize,
}

/// `GET /api/v1/me/notifications`, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NotificationList {
    pub notifications: Vec<Notification>,
    pub unread: usize,
}

/// Why a state-changing request was refused: carried by the problem document (`reason`)
/// so the page can say exactly why, in the user's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Refusal {
    /// A remote action's reason (`rules::actions`).
    Action(Reason),
    /// An install or uninstall the catalog rule does not allow.
    App(AppRefusal),
    /// A device name `validate_device_name` refused.
    Rename(RenameError),
    /// A recovery key that cannot be shown (`rules::recovery`).
    RecoveryKey(crate::rules::recovery::RecoveryKeyReason),
    /// A device category that cannot be chosen (`rules::categories`).
    Category(crate::rules::categories::CategoryReason),
    /// An app request, or a decision on one, that is refused (`rules::requests`).
    Request(crate::rules::requests::RequestRefusal),
    /// Terms that cannot be accepted (`rules::terms`).
    Terms(crate::rules::terms::TermsRefusal),
}

/// Why an install or uninstall is refused for this device context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "code", rename_all = "camelCase")]
pub enum AppRefusal {
    /// The app is not shown in this context; `hidden` says why.
    NotOffered { hidden: HiddenReason },
    /// Shown, but not something the user installs (e.g. required only).
    NotInstallable,
    /// Only offered (not required) apps on a device the user is the primary user of can
    /// be uninstalled through the portal; web links never.
    NotUninstallable,
    /// The action is not applicable on this platform.
    NotApplicable,
    /// The rule allows it, but the portal cannot install this app here (Intune: no install
    /// group is configured for it); the Company Portal app on the device can.
    NotSelfService,
    /// The organisation asks for a request first, and none of the person's is approved.
    ApprovalRequired,
}
