use super::*;
use crate::domain::{ActionState, DeviceActionResult, DeviceEnrollmentType as E, OwnerType as O, Platform as P};
use crate::rules::fixtures::{device, ME};
use AndroidCorporateKind as K;
use Availability::{Available as Yes, NotApplicable as Na, Unavailable as No};
use RemoteAction::{Rename, RemoteLock as Lock, ResetPasscode as Passcode, Retire, Sync, Wipe};

/// A row: label, device, caller, organisation settings, action, expected.
struct Row {
    label: &'static str,
    device: ManagedDevice,
    caller: &'static str,
    org: OrganisationSettings,
    action: RemoteAction,
    expected: Availability,
}

fn row(label: &'static str, device: ManagedDevice, action: RemoteAction, expected: Availability) -> Row {
    Row { label, device, caller: ME, org: OrganisationSettings::default(), action, expected }
}

fn personal(p: P) -> ManagedDevice {
    let enrollment = match p {
        P::Windows => E::WindowsAutoEnrollment,
        P::Android => E::AndroidEnterprisePersonalWorkProfile,
        _ => E::UserEnrollment,
    };
    device(p, enrollment, O::Personal)
}

fn on(p: P, e: E) -> ManagedDevice {
    device(p, e, O::Company)
}

fn with_os(mut d: ManagedDevice, v: &str) -> ManagedDevice {
    d.os_version = v.into();
    d
}

fn with_action(mut d: ManagedDevice, action: RemoteAction, state: ActionState) -> ManagedDevice {
    d.device_action_results.push(DeviceActionResult {
        action_name: action,
        action_state: state,
        start_date_time: "2025-01-03T00:00:00Z".into(),
        last_updated_date_time: "2025-01-03T00:00:00Z".into(),
        passcode: None,
        pending_note: None,
    });
    d
}

fn userless(mut d: ManagedDevice) -> ManagedDevice {
    d.user_id = None;
    d
}

fn hide(remove: bool, reset: bool) -> OrganisationSettings {
    OrganisationSettings { is_remove_device_disabled: remove, is_factory_reset_disabled: reset, ..Default::default() }
}

/// The organisation blocks `action` for devices of `platform` owned as `owner` (Intune's
/// `companyPortalBlockedActions`).
fn block(platform: P, owner: O, action: RemoteAction) -> OrganisationSettings {
    OrganisationSettings {
        blocked_actions: vec![crate::domain::BlockedAction { platform, owner_type: owner, action }],
        ..Default::default()
    }
}

fn allowed_per_platform() -> Vec<Row> {
    let mut rows = vec![];
    let matrix: [(&str, P, [Availability; 6]); 6] = [
        ("ios", P::Ios, [Yes, Yes, Yes, Yes, Yes, Yes]),
        ("ipados", P::Ipados, [Yes, Yes, Yes, Yes, Yes, Yes]),
        ("android fully managed", P::Android, [Yes, Yes, Yes, Yes, No(Reason::AndroidCorporateOwned { kind: K::FullyManaged }), No(Reason::AndroidCorporateOwned { kind: K::FullyManaged })]),
        ("windows personal", P::Windows, [Yes, Yes, Na, Yes, Yes, Yes]),
        ("macos personal", P::Macos, [Yes, Yes, Na, Na, Yes, Na]),
        ("web", P::Web, [Na, Na, Na, Na, Na, Na]),
    ];
    for (label, platform, expected) in matrix {
        let d = if platform == P::Android { on(P::Android, E::AndroidEnterpriseFullyManaged) } else { personal(platform) };
        for (action, want) in RemoteAction::ALL.into_iter().zip(expected) {
            rows.push(row(label, d.clone(), action, want));
        }
    }
    rows.push(row("android personal work profile: lock", personal(P::Android), Lock, Yes));
    rows.push(row("android personal work profile: remove", personal(P::Android), Retire, Yes));
    rows.push(row("android personal work profile: reset", personal(P::Android), Wipe, Yes));
    rows.push(row("android device admin: remove", on(P::Android, E::AndroidDeviceAdministrator), Retire, Yes));
    rows.push(row("windows entra joined: reset is allowed", on(P::Windows, E::WindowsAzureAdJoin), Wipe, Yes));
    rows.push(row("ios user enrollment: remove is allowed", personal(P::Ios).tap(E::AppleUserEnrollment), Retire, Yes));
    rows.push(row("unknown enrollment: remove", on(P::Ios, E::Unknown), Retire, Yes));
    rows
}

impl ManagedDevice {
    fn tap(mut self, e: E) -> Self {
        self.device_enrollment_type = e;
        self
    }
}

fn restrictions() -> Vec<Row> {
    let dem = || on(P::Android, E::DeviceEnrollmentManager);
    let mut rows = vec![
        Row { caller: "someone-else", ..row("not primary user: sync", personal(P::Ios), Sync, No(Reason::NotPrimaryUser)) },
        Row { caller: "someone-else", ..row("not primary user: rename", personal(P::Windows), Rename, No(Reason::NotPrimaryUser)) },
        row("userless device: lock", userless(on(P::Android, E::AndroidEnterpriseDedicatedDevice)), Lock, No(Reason::NotPrimaryUser)),
        row("dem: rename", dem(), Rename, No(Reason::DeviceEnrollmentManager)),
        row("dem: sync", dem(), Sync, No(Reason::DeviceEnrollmentManager)),
        row("dem: lock", dem(), Lock, No(Reason::DeviceEnrollmentManager)),
        row("dem: passcode", dem(), Passcode, No(Reason::DeviceEnrollmentManager)),
        row("dem: remove", dem(), Retire, No(Reason::DeviceEnrollmentManager)),
        row("dem: reset", dem(), Wipe, No(Reason::DeviceEnrollmentManager)),
        row("windows entra join: remove", on(P::Windows, E::WindowsAzureAdJoin), Retire, No(Reason::EntraJoinedWindows)),
        row("windows bulk entra join: remove", on(P::Windows, E::WindowsBulkAzureDomainJoin), Retire, No(Reason::EntraJoinedWindows)),
        row("windows self-deploying: remove", on(P::Windows, E::WindowsAzureAdJoinUsingDeviceAuth), Retire, No(Reason::EntraJoinedWindows)),
        row("windows co-managed: remove", on(P::Windows, E::WindowsCoManagement), Retire, No(Reason::EntraJoinedWindows)),
        row("ios ade with user: remove", on(P::Ios, E::AppleBulkWithUser), Retire, No(Reason::AppleAutomatedDeviceEnrollment)),
        row("ios ade with user: reset", on(P::Ios, E::AppleBulkWithUser), Wipe, No(Reason::AppleAutomatedDeviceEnrollment)),
        row("ipados ade without user: reset", on(P::Ipados, E::AppleBulkWithoutUser), Wipe, No(Reason::AppleAutomatedDeviceEnrollment)),
        row("macos ade: remove", on(P::Macos, E::AppleBulkWithUser), Retire, No(Reason::AppleAutomatedDeviceEnrollment)),
        row("ios user enrollment: reset", personal(P::Ios).tap(E::AppleUserEnrollment), Wipe, No(Reason::IosUserEnrollment)),
        row("android passcode: work profile on 7", with_os(personal(P::Android), "7.0"), Passcode, No(Reason::AndroidWorkProfileNoPasscodeReset)),
        row("android passcode: work profile on 14", with_os(personal(P::Android), "14"), Passcode, No(Reason::AndroidWorkProfileNoPasscodeReset)),
        row("android passcode: work profile, unreadable version", with_os(personal(P::Android), "beta"), Passcode, No(Reason::AndroidWorkProfileNoPasscodeReset)),
        row("android passcode: corporate work profile", on(P::Android, E::AndroidEnterpriseCorporateWorkProfile), Passcode, No(Reason::AndroidWorkProfileNoPasscodeReset)),
        row("android passcode: work profile on 6.0.1 is allowed", with_os(personal(P::Android), "6.0.1"), Passcode, Yes),
        row("android passcode: dedicated", on(P::Android, E::AndroidEnterpriseDedicatedDevice), Passcode, No(Reason::AndroidDedicatedNoPasscodeReset)),
        row("android passcode: device admin", on(P::Android, E::AndroidDeviceAdministrator), Passcode, No(Reason::AndroidDeviceAdminNoPasscodeReset)),
        Row { org: hide(true, true), ..row("org hides remove on corporate windows", on(P::Windows, E::WindowsAutoEnrollment), Retire, No(Reason::HiddenByOrganisation)) },
        Row { org: hide(true, true), ..row("org hides reset on corporate ios", on(P::Ios, E::UserEnrollment), Wipe, No(Reason::HiddenByOrganisation)) },
        Row { org: hide(true, true), ..row("org hides remove on corporate ipados", on(P::Ipados, E::UserEnrollment), Retire, No(Reason::HiddenByOrganisation)) },
        Row { org: hide(true, true), ..row("org hiding does not touch personal windows", personal(P::Windows), Retire, Yes) },
        Row { org: hide(true, true), ..row("org hiding does not touch corporate android", on(P::Android, E::AndroidDeviceAdministrator), Wipe, Yes) },
        Row { org: hide(true, true), ..row("org hiding does not touch corporate macos", on(P::Macos, E::UserEnrollment), Retire, Yes) },
        row("corporate windows, organisation hides nothing: remove", on(P::Windows, E::WindowsAutoEnrollment), Retire, Yes),
        row("android company-owned, enrollment unknown: remove", on(P::Android, E::Unknown), Retire, No(Reason::AndroidEnrollmentUnknown)),
        row("android company-owned, enrollment unknown: reset", on(P::Android, E::Unknown), Wipe, No(Reason::AndroidEnrollmentUnknown)),
        row("android company-owned, enrollment unknown: lock stays", on(P::Android, E::Unknown), Lock, Yes),
        row("android personal, enrollment unknown: remove stays", device(P::Android, E::Unknown, O::Personal), Retire, Yes),
        Row { org: OrganisationSettings { device_rename: crate::domain::DeviceRename::Unavailable, ..Default::default() }, ..row("rename not supported by the tenant", personal(P::Ios), Rename, No(Reason::RenameNotSupported)) },
        Row { org: OrganisationSettings { device_rename: crate::domain::DeviceRename::DeviceName, ..Default::default() }, ..row("rename of the device's own name", personal(P::Ios), Rename, Yes) },
        Row { org: block(P::Macos, O::Company, Retire), ..row("blocked action: remove on corporate macos", on(P::Macos, E::UserEnrollment), Retire, No(Reason::HiddenByOrganisation)) },
        Row { org: block(P::Android, O::Personal, Wipe), ..row("blocked action: reset on personal android", personal(P::Android), Wipe, No(Reason::HiddenByOrganisation)) },
        Row { org: block(P::Ios, O::Personal, Retire), ..row("blocked action: ios covers ipados", personal(P::Ipados), Retire, No(Reason::HiddenByOrganisation)) },
        Row { org: block(P::Android, O::Personal, Wipe), ..row("blocked action: another ownership is untouched", on(P::Android, E::AndroidDeviceAdministrator), Wipe, Yes) },
        Row { org: block(P::Android, O::Personal, Wipe), ..row("blocked action: another action is untouched", personal(P::Android), Retire, Yes) },
        Row { org: block(P::Ios, O::Company, Retire), ..row("blocked action: another platform is untouched", on(P::Macos, E::UserEnrollment), Retire, Yes) },
        Row { org: hide(false, true), ..row("org hides reset only: remove stays", on(P::Ios, E::UserEnrollment), Retire, Yes) },
        row("sync already pending", with_action(personal(P::Ios), Sync, ActionState::Pending), Sync, No(Reason::AlreadyPending)),
        row("lock already active", with_action(personal(P::Android), Lock, ActionState::Active), Lock, No(Reason::AlreadyPending)),
        row("lock done may be queued again", with_action(personal(P::Android), Lock, ActionState::Done), Lock, Yes),
        row("lock failed may be retried", with_action(personal(P::Android), Lock, ActionState::Failed), Lock, Yes),
        row("lock pending does not block sync", with_action(personal(P::Android), Lock, ActionState::Pending), Sync, Yes),
        row("remove pending: remove again", with_action(personal(P::Ios), Retire, ActionState::Pending), Retire, No(Reason::AlreadyPending)),
        row("remove pending: lock", with_action(personal(P::Ios), Retire, ActionState::Pending), Lock, No(Reason::RemovalPending)),
        row("remove pending: rename", with_action(personal(P::Ios), Retire, ActionState::Pending), Rename, No(Reason::RemovalPending)),
        row("remove pending: sync still allowed", with_action(personal(P::Ios), Retire, ActionState::Pending), Sync, Yes),
        row("remove pending: reset may escalate", with_action(personal(P::Ios), Retire, ActionState::Pending), Wipe, Yes),
        row("reset pending: remove", with_action(personal(P::Windows), Wipe, ActionState::Active), Retire, No(Reason::RemovalPending)),
        row("remove done: sync", with_action(personal(P::Ios), Retire, ActionState::Done), Sync, No(Reason::Retired)),
        row("reset done: rename", with_action(personal(P::Android), Wipe, ActionState::Done), Rename, No(Reason::Retired)),
        row("remove failed: remove again", with_action(personal(P::Ios), Retire, ActionState::Failed), Retire, Yes),
        // Precedence: the most fundamental reason wins.
        row("precedence: platform before anything", userless(dem()).with_platform(P::Macos), Wipe, Na),
        row("precedence: dem before corporate android", on(P::Android, E::DeviceEnrollmentManager), Retire, No(Reason::DeviceEnrollmentManager)),
        Row { org: hide(true, true), ..row("precedence: ade before organisation", on(P::Ios, E::AppleBulkWithUser), Retire, No(Reason::AppleAutomatedDeviceEnrollment)) },
        Row { org: hide(true, true), ..row("precedence: organisation before pending", with_action(on(P::Windows, E::WindowsAutoEnrollment), Retire, ActionState::Pending), Retire, No(Reason::HiddenByOrganisation)) },
    ];
    rows.push(Row { caller: "someone-else", ..row("precedence: not primary before dem", dem(), Wipe, No(Reason::NotPrimaryUser)) });
    rows.push(row("precedence: retired before dem", with_action(dem(), Retire, ActionState::Done), Sync, No(Reason::Retired)));
    rows
}

impl ManagedDevice {
    fn with_platform(mut self, p: P) -> Self {
        self.operating_system = p;
        self
    }
}

#[test]
fn allowed_actions_per_platform() {
    for r in allowed_per_platform() {
        let got = availability(&r.device, r.action, r.caller, &r.org);
        assert_eq!(got, r.expected, "{}: {:?}", r.label, r.action);
    }
}

#[test]
fn every_restriction() {
    for r in restrictions() {
        let got = availability(&r.device, r.action, r.caller, &r.org);
        assert_eq!(got, r.expected, "{}: {:?}", r.label, r.action);
    }
}

#[test]
fn options_list_every_action_and_serialise_reasons() {
    let options = action_options(&personal(P::Macos), ME, &OrganisationSettings::default());
    let actions: Vec<RemoteAction> = options.iter().map(|o| o.action).collect();
    assert_eq!(actions, RemoteAction::ALL.to_vec(), "order");
    let cases = [
        ("available", Yes, serde_json::json!({"status": "available"})),
        ("not applicable", Na, serde_json::json!({"status": "notApplicable"})),
        (
            "unit reason",
            No(Reason::NotPrimaryUser),
            serde_json::json!({"status": "unavailable", "reason": {"code": "notPrimaryUser"}}),
        ),
        (
            "reason with a kind",
            No(Reason::AndroidCorporateOwned { kind: K::CorporateWorkProfile }),
            serde_json::json!({"status": "unavailable", "reason": {"code": "androidCorporateOwned", "kind": "corporateWorkProfile"}}),
        ),
    ];
    for (label, availability, json) in cases {
        assert_eq!(serde_json::to_value(availability).ok(), Some(json.clone()), "{label}: to json");
        assert_eq!(serde_json::from_value::<Availability>(json).ok(), Some(availability), "{label}: from json");
    }
}
