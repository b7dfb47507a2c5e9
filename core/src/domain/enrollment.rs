//! How a device was enrolled. The remote-action rules depend on it more than on anything else.

use serde::{Deserialize, Serialize};

/// The enrollment type of a managed device (Graph `deviceEnrollmentType`).
///
/// Graph's spellings are kept. Two portal-only variants name Android enrollments that Graph
/// reports as `userEnrollment` and distinguishes by other fields; a Graph connector maps
/// them. Values this enum does not know deserialise as [`DeviceEnrollmentType::Unknown`],
/// to which no enrollment-specific restriction applies (platform rules still do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum DeviceEnrollmentType {
    /// The user enrolled their device through Company Portal: Apple device enrollment on a
    /// personal iPhone/iPad/Mac, or a personal Android device.
    UserEnrollment,
    /// Enrolled by a device enrollment manager account (bulk enrollment of shared devices).
    DeviceEnrollmentManager,
    /// Apple automated device enrollment (ADE), with user affinity.
    AppleBulkWithUser,
    /// Apple automated device enrollment (ADE), without user affinity.
    AppleBulkWithoutUser,
    /// iOS/iPadOS account-driven User Enrollment (a managed partition on a personal device).
    AppleUserEnrollment,
    /// Windows joined to Microsoft Entra ID by the user.
    #[serde(rename = "windowsAzureADJoin")]
    WindowsAzureAdJoin,
    /// Windows joined to Entra ID by a provisioning package.
    #[serde(rename = "windowsBulkAzureDomainJoin")]
    WindowsBulkAzureDomainJoin,
    /// Windows joined to Entra ID with device authentication (Autopilot self-deploying).
    #[serde(rename = "windowsAzureADJoinUsingDeviceAuth")]
    WindowsAzureAdJoinUsingDeviceAuth,
    /// Windows enrolled automatically when a work account was added: a personal,
    /// Entra-registered ("workplace") device, not joined.
    WindowsAutoEnrollment,
    /// Windows co-managed with Configuration Manager (hybrid joined, so Entra-joined).
    WindowsCoManagement,
    /// Android Enterprise dedicated device (COSU).
    AndroidEnterpriseDedicatedDevice,
    /// Android Enterprise fully managed device (COBO).
    AndroidEnterpriseFullyManaged,
    /// Android Enterprise corporate-owned work profile (COPE).
    AndroidEnterpriseCorporateWorkProfile,
    /// Portal-only: Android Enterprise work profile on a personally owned device (BYOD).
    AndroidEnterprisePersonalWorkProfile,
    /// Portal-only: legacy Android device administrator enrollment.
    AndroidDeviceAdministrator,
    #[serde(other)]
    Unknown,
}

/// The kinds of corporate-owned Android Enterprise enrollment, on which the user may not
/// remove or reset the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum AndroidCorporateKind {
    FullyManaged,
    Dedicated,
    CorporateWorkProfile,
}

impl DeviceEnrollmentType {
    /// Joined to Entra ID (including hybrid join through co-management).
    pub fn is_entra_joined(self) -> bool {
        matches!(
            self,
            Self::WindowsAzureAdJoin
                | Self::WindowsBulkAzureDomainJoin
                | Self::WindowsAzureAdJoinUsingDeviceAuth
                | Self::WindowsCoManagement
        )
    }

    /// Apple automated device enrollment, with or without user affinity.
    pub fn is_apple_automated(self) -> bool {
        matches!(self, Self::AppleBulkWithUser | Self::AppleBulkWithoutUser)
    }

    /// Which corporate-owned Android Enterprise kind, if any.
    pub fn android_corporate_kind(self) -> Option<AndroidCorporateKind> {
        match self {
            Self::AndroidEnterpriseFullyManaged => Some(AndroidCorporateKind::FullyManaged),
            Self::AndroidEnterpriseDedicatedDevice => Some(AndroidCorporateKind::Dedicated),
            Self::AndroidEnterpriseCorporateWorkProfile => Some(AndroidCorporateKind::CorporateWorkProfile),
            _ => None,
        }
    }

    /// A work profile, personal or corporate-owned.
    pub fn is_android_work_profile(self) -> bool {
        matches!(self, Self::AndroidEnterprisePersonalWorkProfile | Self::AndroidEnterpriseCorporateWorkProfile)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_spellings_and_unknown_values() {
        let cases = [
            ("\"windowsAzureADJoin\"", DeviceEnrollmentType::WindowsAzureAdJoin),
            ("\"appleBulkWithUser\"", DeviceEnrollmentType::AppleBulkWithUser),
            ("\"appleUserEnrollment\"", DeviceEnrollmentType::AppleUserEnrollment),
            ("\"androidEnterpriseFullyManaged\"", DeviceEnrollmentType::AndroidEnterpriseFullyManaged),
            ("\"somethingNew\"", DeviceEnrollmentType::Unknown),
        ];
        for (json, expected) in cases {
            let parsed: Result<DeviceEnrollmentType, _> = serde_json::from_str(json);
            assert_eq!(parsed.ok(), Some(expected), "{json}");
        }
    }
}
