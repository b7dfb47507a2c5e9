//! Remote actions a user may run on their own device, and exactly why not when they may
//! not (DOMAIN.md, "Remote actions"). The server calls [`availability`] before queuing an
//! action; the page calls it to show, or explain, each button.

mod rename;

pub use rename::{validate_device_name, RenameError, DEVICE_NAME_MAX_CHARS};

use crate::domain::{
    AndroidCorporateKind, DeviceEnrollmentType, ManagedDevice, OrganisationSettings, OwnerType, Platform, RemoteAction,
};
use serde::{Deserialize, Serialize};

/// Whether an action can be run on a device by the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", content = "reason", rename_all = "camelCase")]
pub enum Availability {
    /// The action does not exist on this platform; the page does not offer it.
    NotApplicable,
    Available,
    /// The action exists here but may not be run; the page shows it disabled with the reason.
    Unavailable(Reason),
}

/// Why an action is unavailable. The UI maps each code to localised text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "code", rename_all = "camelCase")]
pub enum Reason {
    /// Only the device's primary user may act on it (a userless device has none).
    NotPrimaryUser,
    /// The device was removed or reset; nothing more can be done from the portal.
    Retired,
    /// Enrolled by a device enrollment manager account: every action is disabled.
    DeviceEnrollmentManager,
    /// Remove is never offered on Entra-joined Windows devices.
    EntraJoinedWindows,
    /// Remove and Reset are not available on corporate-owned Android Enterprise devices.
    AndroidCorporateOwned { kind: AndroidCorporateKind },
    /// Remove and Reset are not available on Apple automated device enrollment devices.
    AppleAutomatedDeviceEnrollment,
    /// Reset is not available on iOS/iPadOS User Enrollment.
    IosUserEnrollment,
    /// The organisation hides this action on corporate-owned Windows and iOS devices.
    HiddenByOrganisation,
    /// Android work profile on Android 7 or later cannot have its passcode reset.
    AndroidWorkProfileNoPasscodeReset,
    /// Android dedicated devices cannot have their passcode reset.
    AndroidDedicatedNoPasscodeReset,
    /// Android device administrator devices cannot have their passcode reset.
    AndroidDeviceAdminNoPasscodeReset,
    /// The same action is already queued or running.
    AlreadyPending,
    /// A Remove or Reset is queued or running; only Check status (which lets the device
    /// pick it up) and, while a Remove is pending, Reset remain.
    RemovalPending,
    /// The portal cannot rename devices with this tenant (Intune through Graph v1.0).
    RenameNotSupported,
    /// A company-owned Android device whose kind of enrollment Intune did not report: it may
    /// be fully managed, where Remove and Reset are not for the user, so they are not offered.
    AndroidEnrollmentUnknown,
}

/// One action and its availability, as the device page lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ActionOption {
    pub action: RemoteAction,
    pub availability: Availability,
}

/// The platform matrix: whether an action exists on a platform at all. Web is never the
/// platform of a managed device, so nothing applies there.
pub fn applies_on(platform: Platform, action: RemoteAction) -> bool {
    use Platform::*;
    match action {
        RemoteAction::Rename | RemoteAction::Sync => platform != Web,
        RemoteAction::RemoteLock => matches!(platform, Ios | Ipados | Android),
        RemoteAction::ResetPasscode => matches!(platform, Ios | Ipados | Android | Windows),
        RemoteAction::Retire => matches!(platform, Ios | Ipados | Android | Windows | Macos),
        RemoteAction::Wipe => matches!(platform, Ios | Ipados | Android | Windows),
    }
}

/// Whether `caller_user_id` may run `action` on `device`.
///
/// Checks run in this order and the first that fails is the reason, so the most
/// fundamental explanation wins: platform matrix (→ `NotApplicable`), primary user,
/// retired, device enrollment manager, restrictions of the enrollment type, organisation
/// settings, then actions in progress.
pub fn availability(
    device: &ManagedDevice,
    action: RemoteAction,
    caller_user_id: &str,
    org: &OrganisationSettings,
) -> Availability {
    match check(device, action, caller_user_id, org) {
        Ok(()) => Availability::Available,
        Err(None) => Availability::NotApplicable,
        Err(Some(reason)) => Availability::Unavailable(reason),
    }
}

/// Every action with its availability, in [`RemoteAction::ALL`] order.
pub fn action_options(device: &ManagedDevice, caller_user_id: &str, org: &OrganisationSettings) -> Vec<ActionOption> {
    RemoteAction::ALL
        .into_iter()
        .map(|action| ActionOption { action, availability: availability(device, action, caller_user_id, org) })
        .collect()
}

/// `Err(None)`: not applicable; `Err(Some(reason))`: unavailable.
fn check(
    device: &ManagedDevice,
    action: RemoteAction,
    caller: &str,
    org: &OrganisationSettings,
) -> Result<(), Option<Reason>> {
    let platform = device.operating_system;
    if !applies_on(platform, action) {
        return Err(None);
    }
    let fail = |reason| Err(Some(reason));
    if !device.is_primary_user(caller) {
        return fail(Reason::NotPrimaryUser);
    }
    if device.has_done(RemoteAction::Retire) || device.has_done(RemoteAction::Wipe) {
        return fail(Reason::Retired);
    }
    let enrollment = device.device_enrollment_type;
    if enrollment == DeviceEnrollmentType::DeviceEnrollmentManager {
        return fail(Reason::DeviceEnrollmentManager);
    }
    if action == RemoteAction::Rename && org.device_rename == crate::domain::DeviceRename::Unavailable {
        return fail(Reason::RenameNotSupported);
    }
    if let Some(reason) = enrollment_restriction(device, action) {
        return fail(reason);
    }
    let corporate_windows_or_ios = device.managed_device_owner_type == OwnerType::Company
        && (platform == Platform::Windows || platform.is_apple_mobile());
    let hidden = match action {
        RemoteAction::Retire => org.is_remove_device_disabled,
        RemoteAction::Wipe => org.is_factory_reset_disabled,
        _ => false,
    };
    let blocked = org.blocked_actions.iter().any(|b| b.hides(action, platform, device.managed_device_owner_type));
    if (corporate_windows_or_ios && hidden) || blocked {
        return fail(Reason::HiddenByOrganisation);
    }
    if device.has_in_progress(action) {
        return fail(Reason::AlreadyPending);
    }
    let removal_pending = match action {
        // Sync lets the device pick the removal up; Reset may escalate a pending Remove.
        RemoteAction::Sync | RemoteAction::Wipe => false,
        _ => device.has_in_progress(RemoteAction::Retire) || device.has_in_progress(RemoteAction::Wipe),
    };
    if removal_pending {
        return fail(Reason::RemovalPending);
    }
    Ok(())
}

/// Restrictions that follow from how the device was enrolled.
fn enrollment_restriction(device: &ManagedDevice, action: RemoteAction) -> Option<Reason> {
    let enrollment = device.device_enrollment_type;
    let platform = device.operating_system;
    match action {
        RemoteAction::Retire | RemoteAction::Wipe => {
            if action == RemoteAction::Retire && platform == Platform::Windows && enrollment.is_entra_joined() {
                return Some(Reason::EntraJoinedWindows);
            }
            if let Some(kind) = enrollment.android_corporate_kind() {
                return Some(Reason::AndroidCorporateOwned { kind });
            }
            if enrollment.is_apple_automated() {
                return Some(Reason::AppleAutomatedDeviceEnrollment);
            }
            if action == RemoteAction::Wipe && enrollment == DeviceEnrollmentType::AppleUserEnrollment {
                return Some(Reason::IosUserEnrollment);
            }
            // Refusing is the safe side: a fully managed device must not be removed or reset.
            if platform == Platform::Android
                && enrollment == DeviceEnrollmentType::Unknown
                && device.managed_device_owner_type == OwnerType::Company
            {
                return Some(Reason::AndroidEnrollmentUnknown);
            }
            None
        }
        RemoteAction::ResetPasscode if platform == Platform::Android => {
            if enrollment == DeviceEnrollmentType::AndroidEnterpriseDedicatedDevice {
                Some(Reason::AndroidDedicatedNoPasscodeReset)
            } else if enrollment == DeviceEnrollmentType::AndroidDeviceAdministrator {
                Some(Reason::AndroidDeviceAdminNoPasscodeReset)
            } else if enrollment.is_android_work_profile()
                && android_major_version(&device.os_version).is_none_or(|major| major >= 7)
            {
                // An unreadable version is treated as 7+: refusing is the safe side.
                Some(Reason::AndroidWorkProfileNoPasscodeReset)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// The major version of an Android version string such as `"14"` or `"6.0.1"`.
fn android_major_version(os_version: &str) -> Option<u32> {
    os_version.trim().split('.').next()?.trim().parse().ok()
}

#[cfg(test)]
#[rustfmt::skip] // one case per line reads as the table it is
mod tests;
