//! Disk-encryption recovery keys: what a locked-out person comes to the portal for most.

use super::Platform;
use serde::{Deserialize, Serialize};

/// Which disk encryption a recovery key unlocks. Windows escrows BitLocker keys in Entra ID,
/// a Mac its FileVault personal recovery key in Intune.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum RecoveryKeyKind {
    BitLocker,
    FileVault,
}

impl RecoveryKeyKind {
    /// The encryption a device of `platform` has a recovery key for, if any.
    pub fn for_platform(platform: Platform) -> Option<RecoveryKeyKind> {
        match platform {
            Platform::Windows => Some(RecoveryKeyKind::BitLocker),
            Platform::Macos => Some(RecoveryKeyKind::FileVault),
            _ => None,
        }
    }

    /// The platform whose devices have keys of this kind.
    pub fn platform(self) -> Platform {
        match self {
            RecoveryKeyKind::BitLocker => Platform::Windows,
            RecoveryKeyKind::FileVault => Platform::Macos,
        }
    }

    /// Whether `key` is written as this kind's keys are: BitLocker's 48 digits in eight
    /// groups of six (each group a multiple of 11 below 720,896), FileVault's personal
    /// recovery key of 24 letters and digits in six groups of four.
    pub fn is_well_formed(self, key: &str) -> bool {
        let groups: Vec<&str> = key.split('-').collect();
        match self {
            RecoveryKeyKind::BitLocker => {
                groups.len() == 8
                    && groups.iter().all(|g| {
                        g.len() == 6
                            && g.bytes().all(|b| b.is_ascii_digit())
                            && g.parse::<u32>().is_ok_and(|n| n % 11 == 0 && n < 720_896)
                    })
            }
            RecoveryKeyKind::FileVault => {
                groups.len() == 6
                    && groups
                        .iter()
                        .all(|g| g.len() == 4 && g.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()))
            }
        }
    }
}

/// The kind of volume a BitLocker key unlocks (Graph `volumeType`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum VolumeType {
    /// The drive Windows starts from: the key a recovery screen at start-up asks for.
    #[default]
    OperatingSystemVolume,
    FixedDataVolume,
    RemovableDataVolume,
    #[serde(other)]
    Unknown,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_checked_against_their_kind() {
        let bitlocker = "123453-234564-345675-456786-567897-678909-012342-111111";
        let cases = [
            (RecoveryKeyKind::BitLocker, bitlocker, true),
            (RecoveryKeyKind::BitLocker, "123456-234564-345675-456786-567897-678909-012342-111111", false),
            (RecoveryKeyKind::BitLocker, "720896-234564-345675-456786-567897-678909-012342-111111", false),
            (RecoveryKeyKind::BitLocker, "123453-234564-345675", false),
            (RecoveryKeyKind::FileVault, "ABCD-EFGH-2345-JKLM-NPQR-STUV", true),
            (RecoveryKeyKind::FileVault, "abcd-EFGH-2345-JKLM-NPQR-STUV", false),
            (RecoveryKeyKind::FileVault, bitlocker, false),
        ];
        for (kind, key, ok) in cases {
            assert_eq!(kind.is_well_formed(key), ok, "{kind:?} {key}");
        }
        assert_eq!(RecoveryKeyKind::for_platform(Platform::Windows), Some(RecoveryKeyKind::BitLocker));
        assert_eq!(RecoveryKeyKind::for_platform(Platform::Ios), None);
    }
}
