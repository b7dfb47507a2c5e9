use super::*;
use crate::domain::PolicyRef;
use crate::rules::fixtures::ids;
use PolicyLine as L;

fn policy(id: &str) -> AppProtectionPolicy {
    AppProtectionPolicy {
        id: id.into(),
        display_name: format!("Policy {id}"),
        description: String::new(),
        save_as_blocked: false,
        allowed_outbound_clipboard_sharing_level: ClipboardSharingLevel::AllApps,
        allowed_outbound_data_transfer_destinations: DataTransferLevel::AllApps,
        pin_required: false,
        simple_pin_blocked: false,
        minimum_pin_length: 4,
        device_compliance_required: false,
        period_online_before_access_check_minutes: None,
        period_offline_before_wipe_minutes: None,
        targeted_group_ids: vec![],
        protected_app_identifiers: vec![],
    }
}

#[test]
fn every_setting_line() {
    type Setter = fn(&mut AppProtectionPolicy);
    let cases: [(&str, Setter, Vec<PolicyLine>); 15] = [
        ("nothing restricted", |_| {}, vec![]),
        ("save as blocked", |p| p.save_as_blocked = true, vec![L::SaveAsBlocked]),
        ("copy/paste blocked", |p| p.allowed_outbound_clipboard_sharing_level = ClipboardSharingLevel::Blocked, vec![L::CopyPasteBlocked]),
        ("copy/paste managed only", |p| p.allowed_outbound_clipboard_sharing_level = ClipboardSharingLevel::ManagedApps, vec![L::CopyPasteManagedOnly]),
        ("copy/paste managed with paste in", |p| p.allowed_outbound_clipboard_sharing_level = ClipboardSharingLevel::ManagedAppsWithPasteIn, vec![L::CopyPasteManagedWithPasteIn]),
        ("send to managed only", |p| p.allowed_outbound_data_transfer_destinations = DataTransferLevel::ManagedApps, vec![L::SendToUnmanagedBlocked]),
        ("send to none", |p| p.allowed_outbound_data_transfer_destinations = DataTransferLevel::None, vec![L::SendToAnyAppBlocked]),
        ("pin, simple allowed", |p| p.pin_required = true, vec![L::PinRequired { simple_allowed: true, min_length: 4 }]),
        ("pin, simple blocked, 6 digits", |p| { p.pin_required = true; p.simple_pin_blocked = true; p.minimum_pin_length = 6 }, vec![L::PinRequired { simple_allowed: false, min_length: 6 }]),
        ("simple pin blocked without pin: no line", |p| p.simple_pin_blocked = true, vec![]),
        ("jailbreak blocked", |p| p.device_compliance_required = true, vec![L::BlockedOnJailbroken]),
        ("recheck after 30", |p| p.period_online_before_access_check_minutes = Some(30), vec![L::RecheckAfterMinutes { minutes: 30 }]),
        ("recheck 0 is unset", |p| p.period_online_before_access_check_minutes = Some(0), vec![]),
        ("offline grace 720", |p| p.period_offline_before_wipe_minutes = Some(720), vec![L::OfflineGraceMinutes { minutes: 720 }]),
        (
            "everything, in order",
            |p| {
                p.period_offline_before_wipe_minutes = Some(90);
                p.period_online_before_access_check_minutes = Some(30);
                p.device_compliance_required = true;
                p.pin_required = true;
                p.allowed_outbound_data_transfer_destinations = DataTransferLevel::ManagedApps;
                p.allowed_outbound_clipboard_sharing_level = ClipboardSharingLevel::ManagedApps;
                p.save_as_blocked = true;
            },
            vec![
                L::SaveAsBlocked,
                L::CopyPasteManagedOnly,
                L::SendToUnmanagedBlocked,
                L::PinRequired { simple_allowed: true, min_length: 4 },
                L::BlockedOnJailbroken,
                L::RecheckAfterMinutes { minutes: 30 },
                L::OfflineGraceMinutes { minutes: 90 },
            ],
        ),
    ];
    for (label, set, expected) in cases {
        let mut p = policy("p");
        set(&mut p);
        assert_eq!(policy_lines(&p), expected, "{label}");
    }
}

#[test]
fn line_wire_shape() {
    let json = serde_json::to_value(L::PinRequired { simple_allowed: false, min_length: 6 });
    assert_eq!(
        json.ok(),
        Some(serde_json::json!({"line": "pinRequired", "simpleAllowed": false, "minLength": 6})),
        "pin line"
    );
}

fn refs(list: &[&str]) -> Vec<PolicyRef> {
    list.iter().map(|id| PolicyRef { id: id.to_string(), display_name: id.to_string() }).collect()
}

fn registration(applied: &[&str], intended: &[&str], flags: &[FlaggedReason], wipe: SelectiveWipeState) -> ManagedAppRegistration {
    ManagedAppRegistration {
        id: "reg".into(),
        app_identifier: "com.microsoft.Office.Outlook".into(),
        application_version: "4.2".into(),
        device_name: "Phone".into(),
        device_type: "iPhone".into(),
        device_tag: "tag".into(),
        platform_version: "17.4".into(),
        created_date_time: "2025-01-01T00:00:00Z".into(),
        last_sync_date_time: "2025-01-02T00:00:00Z".into(),
        management_sdk_version: "19.0".into(),
        flagged_reasons: flags.to_vec(),
        applied_policies: refs(applied),
        intended_policies: refs(intended),
        selective_wipe_state: wipe,
    }
}

#[test]
fn every_status_and_its_precedence() {
    use FlaggedReason as F;
    use ProtectionStatus as S;
    use SelectiveWipeState::{Done, None as NoWipe, Pending};
    let mut strict = policy("strict");
    strict.device_compliance_required = true;
    let policies = [policy("lax"), strict];
    let blocked = |reason| S::Blocked { reason };
    let cases: Vec<(&str, ManagedAppRegistration, ProtectionStatus)> = vec![
        ("protected", registration(&["lax"], &["lax"], &[], NoWipe), S::Protected),
        ("protected, order-insensitive", registration(&["lax", "strict"], &["strict", "lax"], &[], NoWipe), S::Protected),
        ("not protected", registration(&[], &[], &[], NoWipe), S::NotProtected),
        ("waiting: new policy", registration(&["lax"], &["lax", "strict"], &[], NoWipe), S::WaitingForCheckIn),
        ("waiting: first check-in", registration(&[], &["lax"], &[], NoWipe), S::WaitingForCheckIn),
        ("waiting: policy removed", registration(&["lax"], &[], &[], NoWipe), S::WaitingForCheckIn),
        ("blocked: rooted", registration(&["strict"], &["strict"], &[F::RootedDevice], NoWipe), blocked(BlockReason::RootedDevice)),
        ("blocked: bootloader", registration(&["strict"], &["strict"], &[F::AndroidBootloaderUnlocked], NoWipe), blocked(BlockReason::AndroidBootloaderUnlocked)),
        ("blocked: factory rom", registration(&["strict"], &["strict"], &[F::AndroidFactoryRomModified], NoWipe), blocked(BlockReason::AndroidFactoryRomModified)),
        ("blocked: rooted wins over other flags", registration(&["strict"], &["strict"], &[F::AndroidFactoryRomModified, F::RootedDevice], NoWipe), blocked(BlockReason::RootedDevice)),
        ("flag 'none' blocks nothing", registration(&["strict"], &["strict"], &[F::None], NoWipe), S::Protected),
        ("flagged but no applied policy blocks", registration(&["lax"], &["lax"], &[F::RootedDevice], NoWipe), S::Protected),
        ("flagged, unknown policy id", registration(&["ghost"], &["ghost"], &[F::RootedDevice], NoWipe), S::Protected),
        ("blocked beats waiting", registration(&["strict"], &["strict", "lax"], &[F::RootedDevice], NoWipe), blocked(BlockReason::RootedDevice)),
        ("flagged, blocking policy intended but not applied", registration(&["lax"], &["strict"], &[F::RootedDevice], NoWipe), S::WaitingForCheckIn),
        ("wipe pending", registration(&["lax"], &["lax"], &[], Pending), S::WipePending),
        ("wipe pending beats blocked", registration(&["strict"], &["strict"], &[F::RootedDevice], Pending), S::WipePending),
        ("wipe done", registration(&["lax"], &["lax"], &[], Done), S::WipeDone),
        ("wipe done beats waiting", registration(&[], &["lax"], &[], Done), S::WipeDone),
    ];
    for (label, reg, expected) in cases {
        assert_eq!(protection_status(&reg, &policies), expected, "{label}");
    }
}

#[test]
fn which_policies_target_an_app() {
    let mut p = policy("p");
    p.targeted_group_ids = ids(&["sales"]);
    p.protected_app_identifiers = ids(&["com.microsoft.Office.Outlook", "com.microsoft.teams"]);
    let cases = [
        ("group and app match", "com.microsoft.Office.Outlook", ids(&["sales"]), true),
        ("bundle id case differs", "com.microsoft.office.outlook", ids(&["sales"]), true),
        ("other group", "com.microsoft.teams", ids(&["hr"]), false),
        ("other app", "com.example.notes", ids(&["sales"]), false),
    ];
    for (label, app, groups, expected) in cases {
        assert_eq!(policy_targets(&p, app, &groups), expected, "{label}");
    }
}
