//! Test fixtures shared by the rule tests.

use crate::domain::{ComplianceState, DeviceEnrollmentType, ManagedDevice, OwnerType, Platform};

pub const ME: &str = "user-me";

/// A compliant device of `platform`, enrolled as `enrollment`, whose primary user is [`ME`].
pub fn device(platform: Platform, enrollment: DeviceEnrollmentType, owner: OwnerType) -> ManagedDevice {
    ManagedDevice {
        id: "device-1".into(),
        device_name: "My device".into(),
        operating_system: platform,
        os_version: "14".into(),
        model: "Model".into(),
        manufacturer: "Maker".into(),
        serial_number: None,
        managed_device_owner_type: owner,
        device_enrollment_type: enrollment,
        enrolled_date_time: "2025-01-01T00:00:00Z".into(),
        last_sync_date_time: "2025-01-02T00:00:00Z".into(),
        compliance_state: ComplianceState::Compliant,
        compliance_grace_period_expiration_date_time: None,
        failing_settings: vec![],
        is_encrypted: true,
        jail_broken: Some(false),
        user_id: Some(ME.into()),
        device_action_results: vec![],
        device_category_display_name: None,
    }
}

pub fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}
