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
}
