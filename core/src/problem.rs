//! RFC 9457 problem details: the body of every Portal API error (`application/problem+json`).

use serde::{Deserialize, Serialize};

pub const CONTENT_TYPE: &str = "application/problem+json";

/// The `type` of the 503 problem the API answers when the organisation's device management
/// (Microsoft Intune) is not answering and the portal has nothing read earlier to show: the
/// page says so in the reader's language and when to try again (`Retry-After`).
pub const TENANT_UNAVAILABLE: &str = "urn:portal:problem:tenant-unavailable";

/// The `type` of the 401 problem a request answers when it needs a sign-in more recent than
/// the access token's (`auth_time`), as for showing a recovery key (RFC 9470's
/// `insufficient_user_authentication`): the page asks the person to sign in again.
pub const FRESH_SIGN_IN_REQUIRED: &str = "urn:portal:problem:fresh-sign-in-required";

/// The `type` of the 403 problem a personal endpoint answers until the caller has accepted
/// the organisation's current terms of use: the page shows the terms.
pub const TERMS_NOT_ACCEPTED: &str = "urn:portal:problem:terms-not-accepted";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    /// A URI naming the kind of problem; `about:blank` when the status says it all.
    #[serde(rename = "type", default = "about_blank")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Why a request was refused, as a code the page explains (403 action/app refusals,
    /// 422 device names).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<crate::api::Refusal>,
}

fn about_blank() -> String {
    "about:blank".to_string()
}

impl Problem {
    pub fn new(status: u16, title: impl Into<String>) -> Self {
        Problem { kind: about_blank(), title: title.into(), status, detail: None, reason: None }
    }

    pub fn with_reason(mut self, reason: crate::api::Refusal) -> Self {
        self.reason = Some(reason);
        self
    }

    pub fn with_kind(mut self, kind: &str) -> Self {
        self.kind = kind.to_string();
        self
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}
