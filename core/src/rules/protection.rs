//! App protection in plain words: the lines a policy's settings become, and the status of
//! one app registration. Codes only; the UI localises them.

use crate::domain::{
    AppProtectionPolicy, ClipboardSharingLevel, DataTransferLevel, FlaggedReason, ManagedAppRegistration,
    SelectiveWipeState,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// One restriction of a policy, as a user reads it. Settings left at "no restriction"
/// produce no line, so an empty list means "this policy restricts nothing you'd notice".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "line", rename_all = "camelCase")]
pub enum PolicyLine {
    /// Work files cannot be saved to personal storage.
    SaveAsBlocked,
    /// Cut, copy and paste of work data is blocked.
    CopyPasteBlocked,
    /// Work data can be pasted only into managed apps.
    CopyPasteManagedOnly,
    /// Work data can be pasted only into managed apps; anything can be pasted in.
    CopyPasteManagedWithPasteIn,
    /// Work data can be sent only to managed apps.
    SendToUnmanagedBlocked,
    /// Work data cannot be sent to any other app.
    SendToAnyAppBlocked,
    /// A PIN is needed to open the app with the work account.
    #[serde(rename_all = "camelCase")]
    PinRequired { simple_allowed: bool, min_length: u32 },
    /// The app's work data cannot be used on a jailbroken or rooted device.
    BlockedOnJailbroken,
    /// Access is checked again after this many minutes.
    RecheckAfterMinutes { minutes: u32 },
    /// Work data is wiped after this many minutes without checking in.
    OfflineGraceMinutes { minutes: u32 },
}

/// The lines of a policy, data relocation first, then access, in DOMAIN.md's order.
/// Zero-minute periods mean "not set" and give no line.
pub fn policy_lines(policy: &AppProtectionPolicy) -> Vec<PolicyLine> {
    let mut lines = Vec::new();
    if policy.save_as_blocked {
        lines.push(PolicyLine::SaveAsBlocked);
    }
    match policy.allowed_outbound_clipboard_sharing_level {
        ClipboardSharingLevel::AllApps => {}
        ClipboardSharingLevel::ManagedAppsWithPasteIn => lines.push(PolicyLine::CopyPasteManagedWithPasteIn),
        ClipboardSharingLevel::ManagedApps => lines.push(PolicyLine::CopyPasteManagedOnly),
        ClipboardSharingLevel::Blocked => lines.push(PolicyLine::CopyPasteBlocked),
    }
    match policy.allowed_outbound_data_transfer_destinations {
        DataTransferLevel::AllApps => {}
        DataTransferLevel::ManagedApps => lines.push(PolicyLine::SendToUnmanagedBlocked),
        DataTransferLevel::None => lines.push(PolicyLine::SendToAnyAppBlocked),
    }
    if policy.pin_required {
        lines.push(PolicyLine::PinRequired {
            simple_allowed: !policy.simple_pin_blocked,
            min_length: policy.minimum_pin_length,
        });
    }
    if policy.device_compliance_required {
        lines.push(PolicyLine::BlockedOnJailbroken);
    }
    if let Some(minutes) = policy.period_online_before_access_check_minutes.filter(|&m| m > 0) {
        lines.push(PolicyLine::RecheckAfterMinutes { minutes });
    }
    if let Some(minutes) = policy.period_offline_before_wipe_minutes.filter(|&m| m > 0) {
        lines.push(PolicyLine::OfflineGraceMinutes { minutes });
    }
    lines
}

/// Why the app's work data is blocked on this device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum BlockReason {
    /// Jailbroken (iOS) or rooted (Android).
    RootedDevice,
    AndroidBootloaderUnlocked,
    AndroidFactoryRomModified,
}

/// The protection status of one app registration.
///
/// Precedence, first match wins: `WipeDone`, `WipePending` (a requested wipe supersedes
/// everything: the data is or will be gone), `Blocked` (the device is flagged and an
/// applied policy blocks flagged devices), `WaitingForCheckIn` (intended ≠ applied),
/// `NotProtected` (no policy intended), `Protected`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "camelCase")]
pub enum ProtectionStatus {
    Protected,
    /// Policies changed and the app has not checked in since.
    WaitingForCheckIn,
    Blocked {
        reason: BlockReason,
    },
    /// Selective wipe requested; it happens when the app next checks in.
    WipePending,
    /// Company data was removed from the app.
    WipeDone,
    /// No policy targets this app for this user.
    NotProtected,
}

/// The status of `registration`, consulting `policies` (any superset of its applied ones)
/// for whether they block jailbroken or rooted devices. Unknown policy ids block nothing.
pub fn protection_status(registration: &ManagedAppRegistration, policies: &[AppProtectionPolicy]) -> ProtectionStatus {
    match registration.selective_wipe_state {
        SelectiveWipeState::Done => return ProtectionStatus::WipeDone,
        SelectiveWipeState::Pending => return ProtectionStatus::WipePending,
        SelectiveWipeState::None => {}
    }
    let blocks_flagged = registration
        .applied_policies
        .iter()
        .any(|applied| policies.iter().any(|p| p.id == applied.id && p.device_compliance_required));
    if blocks_flagged {
        if let Some(reason) = block_reason(&registration.flagged_reasons) {
            return ProtectionStatus::Blocked { reason };
        }
    }
    let ids = |refs: &[crate::domain::PolicyRef]| -> BTreeSet<String> { refs.iter().map(|r| r.id.clone()).collect() };
    let intended = ids(&registration.intended_policies);
    if intended != ids(&registration.applied_policies) {
        ProtectionStatus::WaitingForCheckIn
    } else if intended.is_empty() {
        ProtectionStatus::NotProtected
    } else {
        ProtectionStatus::Protected
    }
}

/// The most serious flag, rooted first.
fn block_reason(flags: &[FlaggedReason]) -> Option<BlockReason> {
    [
        (FlaggedReason::RootedDevice, BlockReason::RootedDevice),
        (FlaggedReason::AndroidBootloaderUnlocked, BlockReason::AndroidBootloaderUnlocked),
        (FlaggedReason::AndroidFactoryRomModified, BlockReason::AndroidFactoryRomModified),
    ]
    .into_iter()
    .find(|(flag, _)| flags.contains(flag))
    .map(|(_, reason)| reason)
}

/// Whether `policy` is meant to apply to the app `app_identifier` for a user in
/// `user_group_ids` — the server uses it to compute a registration's intended policies.
/// App identifiers compare ASCII-case-insensitively (iOS bundle ids are case-insensitive).
pub fn policy_targets(policy: &AppProtectionPolicy, app_identifier: &str, user_group_ids: &[String]) -> bool {
    policy.targeted_group_ids.iter().any(|g| user_group_ids.contains(g))
        && policy.protected_app_identifiers.iter().any(|a| a.eq_ignore_ascii_case(app_identifier))
}

#[cfg(test)]
#[rustfmt::skip] // one case per line reads as the table it is
mod tests;
