//! Whether a device's recovery key can be shown to the caller, and exactly why not when it
//! cannot. The server asks this before it reads a key; the page asks it to show, or
//! explain, the "Get … recovery key" button. Showing a key also needs a fresh sign-in
//! ([`FRESH_SIGN_IN_MAX_AGE_SECS`]), checked by the server on the access token.

use crate::domain::{ManagedDevice, RecoveryKeyKind, RemoteAction};
use serde::{Deserialize, Serialize};

/// A key is shown only to someone who signed in at most this long ago (the token's
/// `auth_time`): a token stolen earlier cannot read keys.
pub const FRESH_SIGN_IN_MAX_AGE_SECS: u64 = 300;

/// How long the page shows a key before it hides it again.
pub const SHOW_FOR_SECS: u32 = 300;

/// What the tenant knows about the device's escrowed keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escrow {
    /// At least one key is escrowed.
    Escrowed,
    /// None is.
    NotEscrowed,
    /// The tenant cannot tell without reading the key itself (Intune's FileVault call
    /// returns the key): the button is offered and the answer says.
    Unknown,
    /// The tenant holds keys of this kind, but the portal may not read them.
    Unreadable(Unreadable),
}

/// Why the portal cannot read a tenant's keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum Unreadable {
    /// The app registration lacks the permission (FileVault:
    /// `DeviceManagementManagedDevices.PrivilegedOperations.All`).
    PermissionMissing,
    /// Microsoft lets only the signed-in person read these keys, not an app on its own
    /// (BitLocker keys in Entra ID: Graph's "Get bitlockerRecoveryKey" supports no
    /// application permission). The page sends them to where they can read it.
    SignedInOnly,
    /// The call is in Graph beta only (FileVault), and the portal runs without it.
    BetaRequired,
}

/// Why a recovery key cannot be shown. Codes are distinct from every other refusal's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "code", rename_all = "camelCase")]
pub enum RecoveryKeyReason {
    /// Only the device's primary user may see its keys.
    KeyOnlyForPrimaryUser,
    /// The device was removed or reset: its keys are no longer the portal's to show.
    KeyDeviceRetired,
    /// The disk is not reported as encrypted, so there is no key.
    DiskNotEncrypted,
    /// The organisation has no key of this device (it was never escrowed).
    NoKeyEscrowed,
    /// The organisation keeps keys where the portal may not read them.
    KeysNotReadable { why: Unreadable },
}

/// Whether the key can be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", content = "reason", rename_all = "camelCase")]
pub enum KeyAvailability {
    Available,
    Unavailable(RecoveryKeyReason),
}

/// The recovery key a device's page offers: which kind, and whether it can be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RecoveryKeyOffer {
    pub kind: RecoveryKeyKind,
    pub availability: KeyAvailability,
}

/// The offer for `device` to `caller`; `None` on a platform without recovery keys. Checks
/// run in this order, the first that fails is the reason: primary user, retired, what the
/// tenant holds (unreadable; none escrowed — an unencrypted disk says so).
pub fn offer(device: &ManagedDevice, caller: &str, escrow: Escrow) -> Option<RecoveryKeyOffer> {
    let kind = RecoveryKeyKind::for_platform(device.operating_system)?;
    let availability = match check(device, caller, escrow) {
        Ok(()) => KeyAvailability::Available,
        Err(reason) => KeyAvailability::Unavailable(reason),
    };
    Some(RecoveryKeyOffer { kind, availability })
}

fn check(device: &ManagedDevice, caller: &str, escrow: Escrow) -> Result<(), RecoveryKeyReason> {
    if !device.is_primary_user(caller) {
        return Err(RecoveryKeyReason::KeyOnlyForPrimaryUser);
    }
    if device.has_done(RemoteAction::Retire) || device.has_done(RemoteAction::Wipe) {
        return Err(RecoveryKeyReason::KeyDeviceRetired);
    }
    match escrow {
        Escrow::Escrowed | Escrow::Unknown => Ok(()),
        Escrow::Unreadable(why) => Err(RecoveryKeyReason::KeysNotReadable { why }),
        Escrow::NotEscrowed if !device.is_encrypted => Err(RecoveryKeyReason::DiskNotEncrypted),
        Escrow::NotEscrowed => Err(RecoveryKeyReason::NoKeyEscrowed),
    }
}

/// Whether a token whose user signed in at `auth_time` (unix seconds) is fresh enough at
/// `now` to be shown a key, allowing `leeway` seconds of clock skew into the future.
pub fn signed_in_recently(auth_time: Option<u64>, now: u64, max_age: u64) -> bool {
    const LEEWAY: u64 = 60;
    auth_time.is_some_and(|t| t <= now + LEEWAY && now.saturating_sub(t) <= max_age)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ActionState, DeviceActionResult, DeviceEnrollmentType as E, OwnerType, Platform};
    use crate::rules::fixtures::{device, ME};

    fn unavailable(reason: RecoveryKeyReason) -> KeyAvailability {
        KeyAvailability::Unavailable(reason)
    }

    #[test]
    fn who_sees_which_key_and_why_not() {
        let windows = device(Platform::Windows, E::WindowsAzureAdJoin, OwnerType::Company);
        let mac = device(Platform::Macos, E::UserEnrollment, OwnerType::Company);
        let mut plain = windows.clone();
        plain.is_encrypted = false;
        let mut retired = mac.clone();
        retired.device_action_results.push(DeviceActionResult {
            action_name: RemoteAction::Retire,
            action_state: ActionState::Done,
            start_date_time: "2026-01-01T00:00:00Z".into(),
            last_updated_date_time: "2026-01-01T00:00:00Z".into(),
            passcode: None,
            pending_note: None,
        });
        let cases = [
            (
                "bitlocker",
                &windows,
                ME,
                Escrow::Escrowed,
                Some((RecoveryKeyKind::BitLocker, KeyAvailability::Available)),
            ),
            (
                "filevault not yet known",
                &mac,
                ME,
                Escrow::Unknown,
                Some((RecoveryKeyKind::FileVault, KeyAvailability::Available)),
            ),
            (
                "someone else's",
                &windows,
                "other",
                Escrow::Escrowed,
                Some((RecoveryKeyKind::BitLocker, unavailable(RecoveryKeyReason::KeyOnlyForPrimaryUser))),
            ),
            (
                "retired",
                &retired,
                ME,
                Escrow::Escrowed,
                Some((RecoveryKeyKind::FileVault, unavailable(RecoveryKeyReason::KeyDeviceRetired))),
            ),
            (
                "none escrowed",
                &windows,
                ME,
                Escrow::NotEscrowed,
                Some((RecoveryKeyKind::BitLocker, unavailable(RecoveryKeyReason::NoKeyEscrowed))),
            ),
            (
                "not encrypted",
                &plain,
                ME,
                Escrow::NotEscrowed,
                Some((RecoveryKeyKind::BitLocker, unavailable(RecoveryKeyReason::DiskNotEncrypted))),
            ),
            (
                "unreadable",
                &windows,
                ME,
                Escrow::Unreadable(Unreadable::PermissionMissing),
                Some((
                    RecoveryKeyKind::BitLocker,
                    unavailable(RecoveryKeyReason::KeysNotReadable { why: Unreadable::PermissionMissing }),
                )),
            ),
        ];
        for (label, device, caller, escrow, want) in cases {
            let got = offer(device, caller, escrow).map(|o| (o.kind, o.availability));
            assert_eq!(got, want, "{label}");
        }
        assert_eq!(offer(&device(Platform::Ios, E::UserEnrollment, OwnerType::Personal), ME, Escrow::Escrowed), None);
    }

    #[test]
    fn a_fresh_sign_in_is_at_most_five_minutes_old() {
        let now = 1_000_000;
        assert!(signed_in_recently(Some(now - 10), now, FRESH_SIGN_IN_MAX_AGE_SECS));
        assert!(signed_in_recently(Some(now - 300), now, FRESH_SIGN_IN_MAX_AGE_SECS));
        assert!(!signed_in_recently(Some(now - 301), now, FRESH_SIGN_IN_MAX_AGE_SECS));
        assert!(!signed_in_recently(None, now, FRESH_SIGN_IN_MAX_AGE_SECS));
        assert!(signed_in_recently(Some(now + 30), now, FRESH_SIGN_IN_MAX_AGE_SECS), "clock skew");
        assert!(!signed_in_recently(Some(now + 3600), now, FRESH_SIGN_IN_MAX_AGE_SECS), "from the future");
    }

    #[test]
    fn reason_codes_travel_as_camel_case() {
        let json = serde_json::to_value(RecoveryKeyReason::KeysNotReadable { why: Unreadable::BetaRequired });
        assert_eq!(json.ok(), Some(serde_json::json!({"code": "keysNotReadable", "why": "betaRequired"})));
    }
}
