//! Asking for an app: a person asks for an app the organisation marks requestable, one of
//! its approvers approves or declines, and an approved request makes the app installable for
//! that person. The portal keeps these requests (no product it compares with has them).

use serde::{Deserialize, Serialize};

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum AppRequestState {
    Pending,
    Approved,
    Declined,
    /// The person took it back before anyone decided.
    Withdrawn,
}

impl AppRequestState {
    /// Approved and declined are decisions; a withdrawn request was never decided.
    pub fn is_open(self) -> bool {
        self == AppRequestState::Pending
    }
}

/// One request, as the requester and the approvers see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AppRequest {
    pub id: String,
    pub app_id: String,
    pub app_name: String,
    pub requester_id: String,
    pub requester_name: String,
    /// Why they need it, in their words.
    pub reason: String,
    pub state: AppRequestState,
    /// RFC 3339.
    pub created_date_time: String,
    /// RFC 3339: when it was approved, declined or withdrawn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_date_time: Option<String>,
    /// The approver who decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by_name: Option<String>,
    /// The approver's comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}
