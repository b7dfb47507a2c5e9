//! Organisation-level settings that change what the rules allow.

use serde::{Deserialize, Serialize};

/// Whether users may enrol devices from the portal (Graph: `intuneBrand.enrollmentAvailability`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum EnrollmentAvailability {
    #[default]
    AvailableWithPrompts,
    AvailableWithoutPrompts,
    Unavailable,
}

/// Settings an organisation sets beside its branding that the rules consult.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OrganisationSettings {
    /// Hide Remove (retire) on corporate-owned Windows and iOS/iPadOS devices.
    #[serde(default)]
    pub is_remove_device_disabled: bool,
    /// Hide Reset (wipe) on corporate-owned Windows and iOS/iPadOS devices.
    #[serde(default)]
    pub is_factory_reset_disabled: bool,
    #[serde(default)]
    pub enrollment_availability: EnrollmentAvailability,
}
