//! Why an action is unavailable, in words: each portal-core [`Reason`] (the same code the
//! server sends in a 403) mapped to a catalog text. Some reasons read differently for
//! Remove and Reset ("can't be removed" / "can't be reset"), so the action is an input.

use crate::i18n::Key;
use portal_core::domain::RemoteAction;
use portal_core::rules::actions::{Reason, RenameError};

/// The catalog key explaining `reason` for `action`.
pub fn reason_key(reason: Reason, action: RemoteAction) -> Key {
    let wipe = action == RemoteAction::Wipe;
    match reason {
        Reason::NotPrimaryUser => key!(reasons.not_primary_user),
        Reason::Retired => key!(reasons.retired),
        Reason::DeviceEnrollmentManager => key!(reasons.device_enrollment_manager),
        Reason::EntraJoinedWindows => key!(reasons.entra_joined_windows),
        Reason::AndroidCorporateOwned { .. } if wipe => key!(reasons.android_corporate_wipe),
        Reason::AndroidCorporateOwned { .. } => key!(reasons.android_corporate_retire),
        Reason::AppleAutomatedDeviceEnrollment if wipe => key!(reasons.apple_ade_wipe),
        Reason::AppleAutomatedDeviceEnrollment => key!(reasons.apple_ade_retire),
        Reason::IosUserEnrollment => key!(reasons.ios_user_enrollment),
        Reason::HiddenByOrganisation => match action {
            RemoteAction::Retire => key!(reasons.hidden_retire),
            RemoteAction::Wipe => key!(reasons.hidden_wipe),
            _ => key!(reasons.hidden),
        },
        Reason::AndroidWorkProfileNoPasscodeReset => key!(reasons.android_work_profile_passcode),
        Reason::AndroidDedicatedNoPasscodeReset => key!(reasons.android_dedicated_passcode),
        Reason::AndroidDeviceAdminNoPasscodeReset => key!(reasons.android_device_admin_passcode),
        Reason::AlreadyPending => key!(reasons.already_pending),
        Reason::RemovalPending => key!(reasons.removal_pending),
        Reason::RenameNotSupported => key!(reasons.rename_not_supported),
        Reason::AndroidEnrollmentUnknown if wipe => key!(reasons.android_enrollment_unknown_wipe),
        Reason::AndroidEnrollmentUnknown => key!(reasons.android_enrollment_unknown_retire),
    }
}

/// The catalog key of an action's name.
pub fn action_key(action: RemoteAction) -> Key {
    match action {
        RemoteAction::Rename => key!(actions.rename),
        RemoteAction::Sync => key!(actions.sync),
        RemoteAction::RemoteLock => key!(actions.remote_lock),
        RemoteAction::ResetPasscode => key!(actions.reset_passcode),
        RemoteAction::Retire => key!(actions.retire),
        RemoteAction::Wipe => key!(actions.wipe),
    }
}

/// Why a device name was rejected, in `locale`.
pub fn rename_error_text(error: RenameError, locale: crate::i18n::Locale) -> String {
    use crate::i18n::lookup;
    match error {
        RenameError::Empty => lookup(locale, key!(rename.empty)).to_string(),
        RenameError::TooLong { max_chars } => crate::i18n::plural(locale, key!(rename.too_long), max_chars as f64, &[]),
        RenameError::ControlCharacter => lookup(locale, key!(rename.control)).to_string(),
    }
}
