//! How an organisation assigns an app, and what a device context sees as a result.

use serde::{Deserialize, Serialize};

/// The intent of one assignment (Graph `installIntent`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum InstallIntent {
    /// "Available for enrolled devices": user groups only; shown to the device's primary user.
    Available,
    Required,
    Uninstall,
    /// "Available with or without enrollment": user groups only.
    AvailableWithoutEnrollment,
}

/// Whom an assignment targets.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum AssignmentTarget {
    AllUsers,
    AllDevices,
    UserGroup { id: String },
    DeviceGroup { id: String },
}

impl AssignmentTarget {
    /// Whether the target follows the user (rather than the device).
    pub fn is_user_target(&self) -> bool {
        matches!(self, AssignmentTarget::AllUsers | AssignmentTarget::UserGroup { .. })
    }
}

/// One assignment of an app. A user or device in any of `excluded_groups` is not reached
/// by it, whatever the target says (exclusion wins for that group).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Assignment {
    pub intent: InstallIntent,
    pub target: AssignmentTarget,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded_groups: Vec<String>,
}

/// What a device context sees for an app, in Graph's vocabulary (`mobileAppIntent`).
/// Lossy: see [`ResolvedIntent`] for the portal's own, which the page explains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum MobileAppIntent {
    Available,
    NotAvailable,
    RequiredInstall,
    RequiredUninstall,
    RequiredAndAvailableInstall,
    AvailableInstallWithoutEnrollment,
    Exclude,
}

/// The resolved intent of an app in one device context, with the combinations of
/// DOMAIN.md's conflict table that Graph's `mobileAppIntent` cannot express.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum ResolvedIntent {
    /// No assignment reaches this user and device.
    NotAvailable,
    /// Assignments would reach, but every one of them excludes this user or device.
    Exclude,
    Available,
    AvailableWithoutEnrollment,
    /// Installed automatically; the user cannot decline it.
    Required,
    /// Installed automatically and also offered, so the user can (re)install it now.
    RequiredAndAvailable,
    /// Required on this device (device-targeted) and offered to the user without enrollment.
    RequiredAndAvailableWithoutEnrollment,
    /// The organisation removes the app.
    Uninstall,
    /// The organisation removes the app unless the user installs it from the portal.
    UninstallAndAvailableWithoutEnrollment,
}

impl ResolvedIntent {
    /// Graph's nearest equivalent. `RequiredAndAvailableWithoutEnrollment` maps to
    /// `requiredAndAvailableInstall` (required, and offered); the uninstall combination to
    /// `requiredUninstall` (what happens unless the user acts).
    pub fn to_mobile_app_intent(self) -> MobileAppIntent {
        match self {
            ResolvedIntent::NotAvailable => MobileAppIntent::NotAvailable,
            ResolvedIntent::Exclude => MobileAppIntent::Exclude,
            ResolvedIntent::Available => MobileAppIntent::Available,
            ResolvedIntent::AvailableWithoutEnrollment => MobileAppIntent::AvailableInstallWithoutEnrollment,
            ResolvedIntent::Required => MobileAppIntent::RequiredInstall,
            ResolvedIntent::RequiredAndAvailable | ResolvedIntent::RequiredAndAvailableWithoutEnrollment => {
                MobileAppIntent::RequiredAndAvailableInstall
            }
            ResolvedIntent::Uninstall | ResolvedIntent::UninstallAndAvailableWithoutEnrollment => {
                MobileAppIntent::RequiredUninstall
            }
        }
    }

    /// The organisation installs it automatically.
    pub fn is_required(self) -> bool {
        matches!(
            self,
            ResolvedIntent::Required
                | ResolvedIntent::RequiredAndAvailable
                | ResolvedIntent::RequiredAndAvailableWithoutEnrollment
        )
    }

    /// The organisation removes it (unless, for the combination, the user installs it).
    pub fn is_uninstall(self) -> bool {
        matches!(self, ResolvedIntent::Uninstall | ResolvedIntent::UninstallAndAvailableWithoutEnrollment)
    }

    /// The user may install it from the portal (an "Install" button makes sense).
    pub fn user_may_install(self) -> bool {
        matches!(
            self,
            ResolvedIntent::Available
                | ResolvedIntent::AvailableWithoutEnrollment
                | ResolvedIntent::RequiredAndAvailable
                | ResolvedIntent::RequiredAndAvailableWithoutEnrollment
                | ResolvedIntent::UninstallAndAvailableWithoutEnrollment
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_serialise_with_a_type_tag() {
        let cases = [
            ("all users", AssignmentTarget::AllUsers, r#"{"type":"allUsers"}"#),
            ("all devices", AssignmentTarget::AllDevices, r#"{"type":"allDevices"}"#),
            ("user group", AssignmentTarget::UserGroup { id: "g1".into() }, r#"{"type":"userGroup","id":"g1"}"#),
            ("device group", AssignmentTarget::DeviceGroup { id: "g2".into() }, r#"{"type":"deviceGroup","id":"g2"}"#),
        ];
        for (label, target, json) in cases {
            assert_eq!(serde_json::to_string(&target).ok().as_deref(), Some(json), "{label}");
            let back: Result<AssignmentTarget, _> = serde_json::from_str(json);
            assert_eq!(back.ok(), Some(target), "{label}");
        }
    }

    #[test]
    fn intents_use_graph_spellings() {
        let a: Result<Assignment, _> =
            serde_json::from_str(r#"{"intent":"availableWithoutEnrollment","target":{"type":"allUsers"}}"#);
        assert_eq!(
            a.ok(),
            Some(Assignment {
                intent: InstallIntent::AvailableWithoutEnrollment,
                target: AssignmentTarget::AllUsers,
                excluded_groups: vec![],
            })
        );
        let json = serde_json::to_string(&ResolvedIntent::RequiredAndAvailable.to_mobile_app_intent());
        assert_eq!(json.ok().as_deref(), Some("\"requiredAndAvailableInstall\""));
    }

    #[test]
    fn graph_mapping_of_every_resolved_intent() {
        use MobileAppIntent as M;
        use ResolvedIntent as R;
        let cases = [
            (R::NotAvailable, M::NotAvailable),
            (R::Exclude, M::Exclude),
            (R::Available, M::Available),
            (R::AvailableWithoutEnrollment, M::AvailableInstallWithoutEnrollment),
            (R::Required, M::RequiredInstall),
            (R::RequiredAndAvailable, M::RequiredAndAvailableInstall),
            (R::RequiredAndAvailableWithoutEnrollment, M::RequiredAndAvailableInstall),
            (R::Uninstall, M::RequiredUninstall),
            (R::UninstallAndAvailableWithoutEnrollment, M::RequiredUninstall),
        ];
        for (resolved, graph) in cases {
            assert_eq!(resolved.to_mobile_app_intent(), graph, "{resolved:?}");
        }
    }
}
