//! Bodies of the self-service features beyond devices and apps: recovery keys, device
//! categories, terms of use, enrolling a device, and asking for an app.

use crate::domain::{
    AppRequest, DeviceCategory, EnrollmentAvailability, RecoveryKeyKind, TermsAcceptance, TermsOfUse, VolumeType,
};
use serde::{Deserialize, Serialize};

/// `POST /api/v1/me/devices/{id}/recovery-key`: the device's recovery keys, shown for
/// `showForSeconds` and never kept. Only on a fresh sign-in.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RecoveryKeyDisclosure {
    pub device_id: String,
    pub kind: RecoveryKeyKind,
    /// BitLocker: one per encrypted volume, the start-up drive's first; FileVault: one.
    pub keys: Vec<RecoveryKey>,
    pub show_for_seconds: u32,
}

/// One recovery key.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RecoveryKey {
    /// BitLocker's key ID, which the recovery screen shows (its first eight characters) so
    /// the person can tell which key it asks for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_type: Option<VolumeType>,
    /// RFC 3339: when the key was escrowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_date_time: Option<String>,
}

// A key must never reach a log or a panic message through `{:?}`.
impl std::fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecoveryKey").field("key_id", &self.key_id).field("key", &"<redacted>").finish()
    }
}

impl std::fmt::Debug for RecoveryKeyDisclosure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecoveryKeyDisclosure")
            .field("device_id", &self.device_id)
            .field("kind", &self.kind)
            .field("keys", &self.keys)
            .finish()
    }
}

/// On a device's page: the person is asked to put it in one of these categories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CategoryPrompt {
    pub categories: Vec<DeviceCategory>,
}

/// `PUT /api/v1/me/devices/{id}/category`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChooseCategory {
    pub category_id: String,
}

/// `GET /api/v1/me/terms`: the organisation's current terms, whether the caller must
/// accept them, and their acceptance of this version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TermsStatus {
    /// `None`: the organisation publishes no terms for this person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms: Option<TermsOfUse>,
    /// The personal pages wait until the current version is accepted.
    pub must_accept: bool,
    /// The caller's acceptance of the current version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted: Option<TermsAcceptance>,
}

/// `POST /api/v1/me/terms/acceptance`: the version the person read and accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AcceptTerms {
    pub version: String,
}

/// `GET /api/v1/me/enrollment`: whether, and how prominently, the organisation offers
/// enrolling a device from the portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EnrollmentInfo {
    pub availability: EnrollmentAvailability,
}

/// `POST /api/v1/me/apps/{appId}/requests`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewAppRequest {
    /// Why the person needs the app (1 to 500 characters).
    pub reason: String,
}

/// `GET /api/v1/me/app-requests` (the caller's own) and `GET /api/v1/me/approvals` (those
/// the caller may decide, waiting ones first), newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AppRequestList {
    pub requests: Vec<AppRequest>,
}

/// What an approver decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum Decision {
    Approve,
    Decline,
}

/// `POST /api/v1/me/approvals/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DecideRequest {
    pub decision: Decision,
    /// Shown to the requester (at most 500 characters).
    #[serde(default)]
    pub comment: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_never_in_debug_output() {
        let key = RecoveryKey {
            key_id: Some("5B2AD4C9".into()),
            key: "123453-234564-345675-456786-567897-678909-012342-111111".into(),
            volume_type: None,
            created_date_time: None,
        };
        let shown = format!(
            "{:?}",
            RecoveryKeyDisclosure {
                device_id: "d".into(),
                kind: RecoveryKeyKind::BitLocker,
                keys: vec![key],
                show_for_seconds: 300,
            }
        );
        assert!(!shown.contains("123453"), "{shown}");
        assert!(shown.contains("5B2AD4C9"));
    }
}
