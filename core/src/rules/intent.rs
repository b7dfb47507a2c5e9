//! Intent resolution: which assignments of an app reach a user and device, and what the
//! device context sees when several of them do (DOMAIN.md, "Conflict resolution").
//!
//! Two steps, both public so that each can be tested and explained on its own:
//! [`reach`] applies targets and exclusions, [`resolve`] applies the conflict table and the
//! enrollment rules. [`resolve_assignments`] does both.

use crate::domain::{Assignment, AssignmentTarget, InstallIntent, ResolvedIntent};

/// Whether an assignment followed the user or the device to this context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    User,
    Device,
}

/// The intents that reached one scope.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IntentSet {
    pub available: bool,
    pub required: bool,
    pub uninstall: bool,
    pub available_without_enrollment: bool,
}

impl IntentSet {
    fn add(&mut self, intent: InstallIntent) {
        match intent {
            InstallIntent::Available => self.available = true,
            InstallIntent::Required => self.required = true,
            InstallIntent::Uninstall => self.uninstall = true,
            InstallIntent::AvailableWithoutEnrollment => self.available_without_enrollment = true,
        }
    }
}

/// The assignments of one app that reach a user and device, after exclusions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reached {
    pub user: IntentSet,
    pub device: IntentSet,
    /// At least one assignment targeted this user or device but excluded it.
    pub excluded: bool,
}

impl Reached {
    /// Builds a reached set directly, e.g. from a store that already applied targeting.
    pub fn from_pairs(pairs: &[(Scope, InstallIntent)]) -> Self {
        let mut reached = Reached::default();
        for &(scope, intent) in pairs {
            match scope {
                Scope::User => reached.user.add(intent),
                Scope::Device => reached.device.add(intent),
            }
        }
        reached
    }
}

/// Who is looking: the caller's groups, and the managed device's groups if the context is
/// an enrolled device.
#[derive(Debug, Clone, Copy)]
pub struct Audience<'a> {
    pub user_group_ids: &'a [String],
    /// `None` for an unenrolled device or no device: device targets cannot reach it.
    pub device: Option<DeviceAudience<'a>>,
}

/// The enrolled device of an [`Audience`].
#[derive(Debug, Clone, Copy)]
pub struct DeviceAudience<'a> {
    pub group_ids: &'a [String],
    pub caller_is_primary_user: bool,
}

/// The enrollment side of the context, as [`resolve`] needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enrollment {
    Enrolled {
        caller_is_primary_user: bool,
    },
    /// Unenrolled (MAM-only) device, or no device at all.
    NotEnrolled,
}

/// Applies targets and exclusions. An assignment is excluded when the user **or** the
/// device is in any of its excluded groups (Intune ignores a device-group exclusion on a
/// user-targeted assignment; the portal errs towards the exclusion, which is what an
/// administrator who wrote it meant).
pub fn reach(assignments: &[Assignment], audience: &Audience<'_>) -> Reached {
    let device_groups: &[String] = audience.device.map_or(&[], |d| d.group_ids);
    let mut reached = Reached::default();
    for a in assignments {
        let targeted = match &a.target {
            AssignmentTarget::AllUsers => true,
            AssignmentTarget::UserGroup { id } => audience.user_group_ids.contains(id),
            AssignmentTarget::AllDevices => audience.device.is_some(),
            AssignmentTarget::DeviceGroup { id } => device_groups.contains(id),
        };
        if !targeted {
            continue;
        }
        let excluded =
            a.excluded_groups.iter().any(|g| audience.user_group_ids.contains(g) || device_groups.contains(g));
        if excluded {
            reached.excluded = true;
        } else if a.target.is_user_target() {
            reached.user.add(a.intent);
        } else {
            reached.device.add(a.intent);
        }
    }
    reached
}

/// Applies the conflict table and the enrollment rules:
/// - Required beats Uninstall; Available is added when the user was offered it.
/// - Without Required, a user Uninstall beats user Available, but a device Uninstall does
///   not (a user install from the portal wins).
/// - Available and Available-without-enrollment target users only; device-targeted ones
///   are ignored.
/// - `required_carries_available`: the app is an Apple store app in an iOS/iPadOS context,
///   where a user-targeted Required also offers it as Available.
/// - Not enrolled: Required and Uninstall do not apply; Available and Available without
///   enrollment remain.
/// - Enrolled, caller not the primary user: nothing is offered to the caller (neither
///   Available nor Available without enrollment), since they may not act on that device.
pub fn resolve(reached: &Reached, enrollment: Enrollment, required_carries_available: bool) -> ResolvedIntent {
    let mut user = reached.user;
    if required_carries_available && user.required {
        user.available = true;
    }
    let device = match enrollment {
        Enrollment::NotEnrolled => {
            user.required = false;
            user.uninstall = false;
            IntentSet::default()
        }
        Enrollment::Enrolled { caller_is_primary_user } => {
            if !caller_is_primary_user {
                user.available = false;
                user.available_without_enrollment = false;
            }
            reached.device
        }
    };
    let awe = user.available_without_enrollment;

    if user.required || device.required {
        if user.available {
            ResolvedIntent::RequiredAndAvailable
        } else if awe && !user.required {
            ResolvedIntent::RequiredAndAvailableWithoutEnrollment
        } else {
            ResolvedIntent::Required
        }
    } else if user.available && !user.uninstall {
        ResolvedIntent::Available
    } else if user.uninstall || device.uninstall {
        if awe {
            ResolvedIntent::UninstallAndAvailableWithoutEnrollment
        } else {
            ResolvedIntent::Uninstall
        }
    } else if awe {
        ResolvedIntent::AvailableWithoutEnrollment
    } else if reached.excluded {
        ResolvedIntent::Exclude
    } else {
        ResolvedIntent::NotAvailable
    }
}

/// [`reach`] then [`resolve`], with the enrollment taken from the audience.
pub fn resolve_assignments(
    assignments: &[Assignment],
    audience: &Audience<'_>,
    required_carries_available: bool,
) -> ResolvedIntent {
    let enrollment = match audience.device {
        Some(d) => Enrollment::Enrolled { caller_is_primary_user: d.caller_is_primary_user },
        None => Enrollment::NotEnrolled,
    };
    resolve(&reach(assignments, audience), enrollment, required_carries_available)
}

#[cfg(test)]
#[rustfmt::skip] // one case per line reads as the table it is
mod tests;
