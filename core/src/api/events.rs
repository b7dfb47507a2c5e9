//! Live changes (`GET /api/v1/me/events`, server-sent events). Each SSE message's `event:`
//! is the variant's `type` and its `data:` this JSON; a page updates what it shows in place
//! instead of polling.

use super::InstallStatus;
use crate::domain::{AppRequest, ComplianceState, DeviceActionResult, Notification, SelectiveWipeState};
use serde::{Deserialize, Serialize};

/// One change to the signed-in user's things.
///
/// Each variant says `rename_all` itself (rather than one `rename_all_fields` on the enum,
/// the same on the wire): utoipa reads the variant's attribute, so the OpenAPI document
/// names the fields as they are sent (`deviceId`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Event {
    /// An install or uninstall was requested or moved on.
    #[serde(rename_all = "camelCase")]
    Install { device_id: String, app_id: String, install: InstallStatus },
    /// A remote action was queued or moved on.
    #[serde(rename_all = "camelCase")]
    Action { device_id: String, result: DeviceActionResult },
    /// The device checked in; compliance was re-evaluated.
    #[serde(rename_all = "camelCase")]
    CheckIn { device_id: String, last_sync_date_time: String, compliance_state: ComplianceState },
    /// The device's display name changed.
    #[serde(rename_all = "camelCase")]
    DeviceRenamed { device_id: String, device_name: String },
    /// The device was removed (retired) and is no longer in the portal.
    #[serde(rename_all = "camelCase")]
    DeviceRemoved { device_id: String },
    /// A selective wipe of one app registration was requested or completed.
    #[serde(rename_all = "camelCase")]
    SelectiveWipe { device_tag: String, registration_id: String, state: SelectiveWipeState },
    /// A new notification.
    Notification { notification: Notification },
    /// A notification was marked read.
    NotificationRead { id: String },
    /// An app request was made, withdrawn or decided (to its requester and the app's
    /// approvers).
    AppRequest { request: AppRequest },
    /// A device's category was chosen.
    #[serde(rename_all = "camelCase")]
    DeviceCategory { device_id: String, device_category_display_name: String },
}

impl Event {
    /// Every SSE `event:` name of an [`Event`] (the stream also sends `ready` and `lagged`).
    pub const NAMES: [&'static str; 10] = [
        "install",
        "action",
        "checkIn",
        "deviceRenamed",
        "deviceRemoved",
        "selectiveWipe",
        "notification",
        "notificationRead",
        "appRequest",
        "deviceCategory",
    ];

    /// The SSE `event:` name.
    pub fn name(&self) -> &'static str {
        match self {
            Event::Install { .. } => "install",
            Event::Action { .. } => "action",
            Event::CheckIn { .. } => "checkIn",
            Event::DeviceRenamed { .. } => "deviceRenamed",
            Event::DeviceRemoved { .. } => "deviceRemoved",
            Event::SelectiveWipe { .. } => "selectiveWipe",
            Event::Notification { .. } => "notification",
            Event::NotificationRead { .. } => "notificationRead",
            Event::AppRequest { .. } => "appRequest",
            Event::DeviceCategory { .. } => "deviceCategory",
        }
    }
}

/// `POST /api/v1/me/events/ticket`: a short-lived, single-use ticket for
/// `GET /api/v1/me/events?ticket=…`, so a browser `EventSource` (which cannot send an
/// Authorization header) never puts the access token in a URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EventTicket {
    pub ticket: String,
    /// Seconds until it expires.
    pub expires_in: u64,
}
