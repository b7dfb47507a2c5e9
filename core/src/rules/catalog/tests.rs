use super::*;
use crate::domain::{
    AssignmentTarget, DeviceEnrollmentType as E, InstallIntent, OwnerType, Platform as P,
};
use crate::rules::fixtures::{device, ids, ME};
use HiddenReason as H;
use InstallIntent::{Available as A, AvailableWithoutEnrollment as W, Required as Q, Uninstall as U};
use ShownReason as S;

fn app(platforms: &[P], source: AppSource) -> App {
    App {
        id: "app".into(),
        name: "App".into(),
        publisher: "Pub".into(),
        description: String::new(),
        version: None,
        size_bytes: None,
        platforms: platforms.to_vec(),
        minimum_os: None,
        categories: vec![],
        featured: false,
        source,
        icon_url: None,
        information_url: None,
        privacy_url: None,
        published: "2025-01-01T00:00:00Z".into(),
    }
}

fn to_me(intent: InstallIntent) -> Assignment {
    Assignment { intent, target: AssignmentTarget::UserGroup { id: "mine".into() }, excluded_groups: vec![] }
}

fn to_device(intent: InstallIntent) -> Assignment {
    Assignment { intent, target: AssignmentTarget::DeviceGroup { id: "dev".into() }, excluded_groups: vec![] }
}

enum Ctx {
    Enrolled(P),
    EnrolledOther(P),
    EnrolledUserless(P),
    Unenrolled(P),
    NoDevice,
}

/// (label, app platforms, source, assignments, context, visibility, can_install, can_uninstall)
type Row = (&'static str, &'static [P], AppSource, Vec<Assignment>, Ctx, Visibility, bool, bool);

#[test]
fn what_each_device_context_shows() {
    use AppSource::{LineOfBusiness as Lob, Store, WebLink};
    use Visibility::{Hidden as Hid, Shown as Sh};
    let rows: Vec<Row> = vec![
        ("iphone sees ios app", &[P::Ios], Store, vec![to_me(A)], Ctx::Enrolled(P::Ios), Sh(S::Available), true, true),
        ("iphone does not see windows app", &[P::Windows], Store, vec![to_me(A)], Ctx::Enrolled(P::Ios), Hid(H::OtherPlatform), false, false),
        ("iphone does not see ipados app", &[P::Ipados], Store, vec![to_me(A)], Ctx::Enrolled(P::Ios), Hid(H::OtherPlatform), false, false),
        ("ipad sees ios app", &[P::Ios], Lob, vec![to_me(A)], Ctx::Enrolled(P::Ipados), Sh(S::Available), true, true),
        ("multi-platform app on android", &[P::Ios, P::Android], Store, vec![to_me(A)], Ctx::Enrolled(P::Android), Sh(S::Available), true, true),
        ("web link on android, not uninstallable", &[P::Web], WebLink, vec![to_me(A)], Ctx::Enrolled(P::Android), Sh(S::Available), true, false),
        ("web link with no device", &[P::Web], WebLink, vec![to_me(W)], Ctx::NoDevice, Sh(S::AvailableWithoutEnrollment), true, false),
        ("no device sees every platform, enrolled-only offers say so", &[P::Windows], Store, vec![to_me(A)], Ctx::NoDevice, Sh(S::AvailableOnceEnrolled), false, false),
        ("no device: available without enrollment installs", &[P::Windows], Store, vec![to_me(W)], Ctx::NoDevice, Sh(S::AvailableWithoutEnrollment), true, false),
        ("no device: required of every device needs enrollment", &[P::Windows], Lob, vec![Assignment { intent: Q, target: AssignmentTarget::AllDevices, excluded_groups: vec![] }], Ctx::NoDevice, Hid(H::RequiresEnrollment), false, false),
        ("no device: required needs enrollment", &[P::Windows], Lob, vec![to_me(Q)], Ctx::NoDevice, Hid(H::RequiresEnrollment), false, false),
        ("unenrolled: available without enrollment", &[P::Android], Store, vec![to_me(W)], Ctx::Unenrolled(P::Android), Sh(S::AvailableWithoutEnrollment), true, false),
        ("unenrolled: required needs enrollment", &[P::Android], Store, vec![to_me(Q)], Ctx::Unenrolled(P::Android), Hid(H::RequiresEnrollment), false, false),
        ("unenrolled: uninstall does not apply", &[P::Android], Store, vec![to_me(U)], Ctx::Unenrolled(P::Android), Hid(H::NotAssigned), false, false),
        ("unenrolled ipad: ios store required carries available, once enrolled", &[P::Ios], Store, vec![to_me(Q)], Ctx::Unenrolled(P::Ipados), Sh(S::AvailableOnceEnrolled), false, false),
        ("unenrolled: available for enrolled devices says enroll", &[P::Android], Store, vec![to_me(A)], Ctx::Unenrolled(P::Android), Sh(S::AvailableOnceEnrolled), false, false),
        ("unenrolled: required of every device needs enrollment", &[P::Android], Store, vec![Assignment { intent: Q, target: AssignmentTarget::AllDevices, excluded_groups: vec![] }], Ctx::Unenrolled(P::Android), Hid(H::RequiresEnrollment), false, false),
        ("unenrolled: a device group's required stays unassigned", &[P::Android], Store, vec![to_device(Q)], Ctx::Unenrolled(P::Android), Hid(H::NotAssigned), false, false),
        ("not primary user: offer hidden", &[P::Ios], Store, vec![to_me(A)], Ctx::EnrolledOther(P::Ios), Hid(H::NotPrimaryUser), false, false),
        ("userless device: offer hidden", &[P::Android], Store, vec![to_me(A)], Ctx::EnrolledUserless(P::Android), Hid(H::NotPrimaryUser), false, false),
        ("not primary user: device required still shown", &[P::Windows], Lob, vec![to_device(Q), to_me(A)], Ctx::EnrolledOther(P::Windows), Sh(S::Required), false, false),
        ("device required on windows", &[P::Windows], Lob, vec![to_device(Q)], Ctx::Enrolled(P::Windows), Sh(S::Required), false, false),
        ("ios store required carries available", &[P::Ios], Store, vec![to_me(Q)], Ctx::Enrolled(P::Ios), Sh(S::RequiredAndAvailable), true, false),
        ("ios lob required does not", &[P::Ios], Lob, vec![to_me(Q)], Ctx::Enrolled(P::Ios), Sh(S::Required), false, false),
        ("android store required does not", &[P::Android], Store, vec![to_me(Q)], Ctx::Enrolled(P::Android), Sh(S::Required), false, false),
        ("uninstall hidden", &[P::Windows], Lob, vec![to_me(U)], Ctx::Enrolled(P::Windows), Hid(H::RemovedByOrganisation), false, false),
        ("excluded", &[P::Windows], Lob, vec![Assignment { intent: A, target: AssignmentTarget::AllUsers, excluded_groups: ids(&["mine"]) }], Ctx::Enrolled(P::Windows), Hid(H::Excluded), false, false),
        ("not assigned", &[P::Windows], Lob, vec![], Ctx::Enrolled(P::Windows), Hid(H::NotAssigned), false, false),
        ("uW + dR", &[P::Android], Store, vec![to_me(W), to_device(Q)], Ctx::Enrolled(P::Android), Sh(S::RequiredAndAvailableWithoutEnrollment), true, false),
        ("uW + dU", &[P::Android], Store, vec![to_me(W), to_device(U)], Ctx::Enrolled(P::Android), Sh(S::RemovedUnlessInstalledFromPortal), true, false),
        ("enrolled available without enrollment can be uninstalled", &[P::Android], Store, vec![to_me(W)], Ctx::Enrolled(P::Android), Sh(S::AvailableWithoutEnrollment), true, true),
    ];
    let my_groups = ids(&["mine"]);
    let device_groups = ids(&["dev"]);
    let caller = Caller { user_id: ME, group_ids: &my_groups };
    for (label, platforms, source, assignments, ctx, visibility, can_install, can_uninstall) in rows {
        let app = app(platforms, source);
        let enrolled = |p, user: Option<&str>| {
            let mut d = device(p, E::UserEnrollment, OwnerType::Personal);
            d.user_id = user.map(str::to_string);
            d
        };
        let dev = match ctx {
            Ctx::Enrolled(p) => Some(enrolled(p, Some(ME))),
            Ctx::EnrolledOther(p) => Some(enrolled(p, Some("someone-else"))),
            Ctx::EnrolledUserless(p) => Some(enrolled(p, None)),
            _ => None,
        };
        let context = match (&dev, ctx) {
            (Some(d), _) => DeviceContext::Enrolled { device: d, group_ids: &device_groups },
            (None, Ctx::Unenrolled(p)) => DeviceContext::Unenrolled(p),
            (None, _) => DeviceContext::None,
        };
        let e = entry(&app, &assignments, &caller, &context);
        assert_eq!(e.visibility, visibility, "{label}: visibility");
        assert_eq!(e.can_install, can_install, "{label}: can_install");
        assert_eq!(e.can_uninstall, can_uninstall, "{label}: can_uninstall");
        if visibility == Visibility::Hidden(H::OtherPlatform) {
            assert_eq!(e.intent, ResolvedIntent::NotAvailable, "{label}: intent");
        }
    }
}

#[test]
fn catalog_keeps_order_and_serialises_visibility() {
    let my_groups = ids(&["mine"]);
    let caller = Caller { user_id: ME, group_ids: &my_groups };
    let ios = app(&[P::Ios], AppSource::Store);
    let mut win = app(&[P::Windows], AppSource::Store);
    win.id = "win".into();
    let assignments = vec![to_me(W)];
    let list = catalog(
        [(&ios, assignments.as_slice()), (&win, assignments.as_slice())],
        &caller,
        &DeviceContext::Unenrolled(P::Ios),
    );
    let shown: Vec<(&str, bool)> = list.iter().map(|e| (e.app_id.as_str(), e.is_visible())).collect();
    assert_eq!(shown, vec![("app", true), ("win", false)], "order and visibility");
    let json = serde_json::to_value(&list[0]).map_err(|e| e.to_string());
    assert_eq!(
        json.map(|v| v["visibility"].clone()),
        Ok(serde_json::json!({"visibility": "shown", "reason": "availableWithoutEnrollment"})),
        "wire shape"
    );
}
