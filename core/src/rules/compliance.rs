//! The access status a user sees from a device's compliance state.

use crate::domain::{ComplianceState, FailingSetting, ManagedDevice};
use serde::{Deserialize, Serialize};

/// What the device page says about access to company resources.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "camelCase")]
pub enum AccessStatus {
    /// "Can access company resources".
    CanAccess,
    /// "Checking access": not evaluated yet. The UI bounds how long it shows this.
    Checking,
    /// "Can't access company resources", with what to fix.
    CannotAccess,
    /// "Out of compliance — can still access company resources until …", with what to fix.
    /// `until` is RFC 3339; `None` if the service did not say.
    GracePeriod { until: Option<String> },
}

/// Maps a compliance state. Choices beyond the obvious three:
/// - `unknown`: not evaluated yet (e.g. just enrolled) → `Checking`.
/// - `configManager`: Configuration Manager evaluates it and the portal cannot see the
///   result → `Checking`, rather than a claim either way.
/// - `conflict` (two policies disagree) and `error` (evaluation failed): Conditional
///   Access only admits compliant devices, so → `CannotAccess`.
pub fn access_status(state: ComplianceState, grace_period_until: Option<&str>) -> AccessStatus {
    match state {
        ComplianceState::Compliant => AccessStatus::CanAccess,
        ComplianceState::InGracePeriod => AccessStatus::GracePeriod { until: grace_period_until.map(str::to_string) },
        ComplianceState::Noncompliant | ComplianceState::Conflict | ComplianceState::Error => {
            AccessStatus::CannotAccess
        }
        ComplianceState::Unknown | ComplianceState::ConfigManager => AccessStatus::Checking,
    }
}

/// The access status of a device.
pub fn device_access_status(device: &ManagedDevice) -> AccessStatus {
    access_status(device.compliance_state, device.compliance_grace_period_expiration_date_time.as_deref())
}

/// What the user should fix: the failing settings while access is lost or in a grace
/// period; nothing otherwise (a stale list must not alarm a compliant user).
pub fn settings_to_fix(device: &ManagedDevice) -> &[FailingSetting] {
    match device_access_status(device) {
        AccessStatus::CannotAccess | AccessStatus::GracePeriod { .. } => &device.failing_settings,
        AccessStatus::CanAccess | AccessStatus::Checking => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{DeviceEnrollmentType, OwnerType, Platform};
    use crate::rules::fixtures::device;

    const UNTIL: &str = "2025-02-01T00:00:00Z";

    #[test]
    fn every_compliance_state() {
        use ComplianceState as C;
        let grace = || AccessStatus::GracePeriod { until: Some(UNTIL.into()) };
        let cases = [
            ("compliant", C::Compliant, Some(UNTIL), AccessStatus::CanAccess),
            ("noncompliant", C::Noncompliant, None, AccessStatus::CannotAccess),
            ("in grace period", C::InGracePeriod, Some(UNTIL), grace()),
            ("in grace period, no date", C::InGracePeriod, None, AccessStatus::GracePeriod { until: None }),
            ("conflict", C::Conflict, None, AccessStatus::CannotAccess),
            ("error", C::Error, None, AccessStatus::CannotAccess),
            ("unknown", C::Unknown, None, AccessStatus::Checking),
            ("config manager", C::ConfigManager, None, AccessStatus::Checking),
        ];
        for (label, state, until, expected) in cases {
            assert_eq!(access_status(state, until), expected, "{label}");
        }
    }

    #[test]
    fn settings_to_fix_only_when_access_is_at_risk() {
        let cases = [
            ("noncompliant", ComplianceState::Noncompliant, 1),
            ("grace period", ComplianceState::InGracePeriod, 1),
            ("compliant with a stale list", ComplianceState::Compliant, 0),
            ("checking", ComplianceState::Unknown, 0),
        ];
        for (label, state, expected) in cases {
            let mut d = device(Platform::Ios, DeviceEnrollmentType::UserEnrollment, OwnerType::Personal);
            d.compliance_state = state;
            d.failing_settings =
                vec![FailingSetting { setting: "osMinimumVersion".into(), what_to_fix: "Update iOS".into() }];
            assert_eq!(settings_to_fix(&d).len(), expected, "{label}");
        }
    }

    #[test]
    fn wire_shape() {
        let json = serde_json::to_value(AccessStatus::GracePeriod { until: Some(UNTIL.into()) });
        assert_eq!(json.ok(), Some(serde_json::json!({"status": "gracePeriod", "until": UNTIL})), "grace period");
    }
}
