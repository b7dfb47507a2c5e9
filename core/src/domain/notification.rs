//! Notifications the organisation (or the portal) sends one user.

use serde::{Deserialize, Serialize};

/// One notification in the user's list (`GET /api/v1/me/notifications`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub body: String,
    /// RFC 3339.
    pub created_date_time: String,
    #[serde(default)]
    pub read: bool,
    /// A path in the portal the notification is about (e.g. `/devices/{id}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// Set on notifications the portal itself sends (results of installs and actions): the
    /// page words them in the reader's language from this; `title` and `body` are the same
    /// in English for other clients. Absent on the organisation's own messages, which are
    /// shown as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<PortalMessage>,
}

/// What a portal notification says, as a code and the names it mentions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PortalMessage {
    pub code: MessageCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    /// A person the message is about (the requester of an app request).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
}

/// The kinds of notification the portal sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum MessageCode {
    AppInstalled,
    AppInstallFailed,
    AppUninstalled,
    DeviceCheckedIn,
    DeviceLocked,
    PasscodeReset,
    PasscodeRemoved,
    DeviceRemoved,
    DeviceReset,
    DeviceRenamed,
    CompanyDataRemoved,
    /// A recovery key of `device` was shown (to the person it was shown to).
    RecoveryKeyShown,
    /// `device` has no category yet: the person is asked to pick one.
    DeviceCategoryNeeded,
    /// Someone asked for `app` (to its approvers; the requester's name is in the body).
    AppRequested,
    /// The person's request for `app` was approved.
    AppRequestApproved,
    /// The person's request for `app` was declined.
    AppRequestDeclined,
    /// A request for `app` was withdrawn (to its approvers).
    AppRequestWithdrawn,
    /// A newer server's code: the page falls back to `title` and `body`.
    #[serde(other)]
    Other,
}
