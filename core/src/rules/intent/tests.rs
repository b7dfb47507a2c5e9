use super::*;
use crate::domain::ResolvedIntent as R;
use InstallIntent::{Available as A, AvailableWithoutEnrollment as W, Required as Q, Uninstall as U};
use Scope::{Device as D, User as Us};

const PRIMARY: Enrollment = Enrollment::Enrolled { caller_is_primary_user: true };
const OTHER: Enrollment = Enrollment::Enrolled { caller_is_primary_user: false };
const UNENROLLED: Enrollment = Enrollment::NotEnrolled;

/// (label, reached pairs, enrollment, iOS store app, expected)
type Row = (&'static str, &'static [(Scope, InstallIntent)], Enrollment, bool, R);

fn check(rows: &[Row]) {
    for (label, pairs, enrollment, carries, expected) in rows {
        let got = resolve(&Reached::from_pairs(pairs), *enrollment, *carries);
        assert_eq!(got, *expected, "{label}");
    }
}

#[test]
fn every_row_of_the_conflict_table() {
    // "user Required and Available" is a user Required plus a user Available.
    check(&[
        ("uR + uA", &[(Us, Q), (Us, A)], PRIMARY, false, R::RequiredAndAvailable),
        ("uR + uU", &[(Us, Q), (Us, U)], PRIMARY, false, R::Required),
        ("uA + uU", &[(Us, A), (Us, U)], PRIMARY, false, R::Uninstall),
        ("uR + dR", &[(Us, Q), (D, Q)], PRIMARY, false, R::Required),
        ("uR + dU", &[(Us, Q), (D, U)], PRIMARY, false, R::Required),
        ("uA + dR", &[(Us, A), (D, Q)], PRIMARY, false, R::RequiredAndAvailable),
        ("uA + dU", &[(Us, A), (D, U)], PRIMARY, false, R::Available),
        ("uU + dR", &[(Us, U), (D, Q)], PRIMARY, false, R::Required),
        ("uU + dU", &[(Us, U), (D, U)], PRIMARY, false, R::Uninstall),
        ("dR + dU", &[(D, Q), (D, U)], PRIMARY, false, R::Required),
        ("uRA + uA", &[(Us, Q), (Us, A), (Us, A)], PRIMARY, false, R::RequiredAndAvailable),
        ("uRA + uU", &[(Us, Q), (Us, A), (Us, U)], PRIMARY, false, R::RequiredAndAvailable),
        ("uRA + dR", &[(Us, Q), (Us, A), (D, Q)], PRIMARY, false, R::RequiredAndAvailable),
        ("uRA + dU", &[(Us, Q), (Us, A), (D, U)], PRIMARY, false, R::RequiredAndAvailable),
        ("uW + uRA", &[(Us, W), (Us, Q), (Us, A)], PRIMARY, false, R::RequiredAndAvailable),
        ("uW + uR", &[(Us, W), (Us, Q)], PRIMARY, false, R::Required),
        ("uW + uA", &[(Us, W), (Us, A)], PRIMARY, false, R::Available),
        ("uW + dR", &[(Us, W), (D, Q)], PRIMARY, false, R::RequiredAndAvailableWithoutEnrollment),
        ("uW + dU", &[(Us, W), (D, U)], PRIMARY, false, R::UninstallAndAvailableWithoutEnrollment),
    ]);
}

#[test]
fn table_rows_with_an_ios_store_app_whose_required_carries_available() {
    check(&[
        ("ios uR alone", &[(Us, Q)], PRIMARY, true, R::RequiredAndAvailable),
        ("ios uR + uU", &[(Us, Q), (Us, U)], PRIMARY, true, R::RequiredAndAvailable),
        ("ios uR + dU", &[(Us, Q), (D, U)], PRIMARY, true, R::RequiredAndAvailable),
        ("ios uW + uR", &[(Us, W), (Us, Q)], PRIMARY, true, R::RequiredAndAvailable),
        ("ios dR does not carry", &[(D, Q)], PRIMARY, true, R::Required),
        ("ios uR, caller not primary", &[(Us, Q)], OTHER, true, R::Required),
        ("ios uR unenrolled", &[(Us, Q)], UNENROLLED, true, R::Available),
    ]);
}

#[test]
fn single_assignments() {
    check(&[
        ("nothing", &[], PRIMARY, false, R::NotAvailable),
        ("uA", &[(Us, A)], PRIMARY, false, R::Available),
        ("uR", &[(Us, Q)], PRIMARY, false, R::Required),
        ("uU", &[(Us, U)], PRIMARY, false, R::Uninstall),
        ("uW", &[(Us, W)], PRIMARY, false, R::AvailableWithoutEnrollment),
        ("dR", &[(D, Q)], PRIMARY, false, R::Required),
        ("dU", &[(D, U)], PRIMARY, false, R::Uninstall),
        ("dA ignored: Available targets users", &[(D, A)], PRIMARY, false, R::NotAvailable),
        ("dW ignored: targets users", &[(D, W)], PRIMARY, false, R::NotAvailable),
    ]);
}

#[test]
fn unenrolled_context_keeps_only_available_intents() {
    check(&[
        ("unenrolled uA", &[(Us, A)], UNENROLLED, false, R::Available),
        ("unenrolled uW", &[(Us, W)], UNENROLLED, false, R::AvailableWithoutEnrollment),
        ("unenrolled uR", &[(Us, Q)], UNENROLLED, false, R::NotAvailable),
        ("unenrolled uU", &[(Us, U)], UNENROLLED, false, R::NotAvailable),
        ("unenrolled uA + uU", &[(Us, A), (Us, U)], UNENROLLED, false, R::Available),
        ("unenrolled uR + uW", &[(Us, Q), (Us, W)], UNENROLLED, false, R::AvailableWithoutEnrollment),
        ("unenrolled uW + dU", &[(Us, W), (D, U)], UNENROLLED, false, R::AvailableWithoutEnrollment),
        ("unenrolled dR", &[(D, Q)], UNENROLLED, false, R::NotAvailable),
    ]);
}

#[test]
fn caller_who_is_not_the_primary_user_is_offered_nothing() {
    check(&[
        ("other uA", &[(Us, A)], OTHER, false, R::NotAvailable),
        ("other uW", &[(Us, W)], OTHER, false, R::NotAvailable),
        ("other uR + uA", &[(Us, Q), (Us, A)], OTHER, false, R::Required),
        ("other uW + dR", &[(Us, W), (D, Q)], OTHER, false, R::Required),
        ("other uA + dU", &[(Us, A), (D, U)], OTHER, false, R::Uninstall),
    ]);
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn assign(intent: InstallIntent, target: AssignmentTarget, excluded: &[&str]) -> Assignment {
    Assignment { intent, target, excluded_groups: ids(excluded) }
}

fn ug(id: &str) -> AssignmentTarget {
    AssignmentTarget::UserGroup { id: id.into() }
}

fn dg(id: &str) -> AssignmentTarget {
    AssignmentTarget::DeviceGroup { id: id.into() }
}

#[test]
fn targets_and_exclusions() {
    let user_groups = ids(&["sales", "everyone-eu"]);
    let device_groups = ids(&["kiosks", "corp-phones"]);
    let enrolled = Audience {
        user_group_ids: &user_groups,
        device: Some(DeviceAudience { group_ids: &device_groups, caller_is_primary_user: true }),
    };
    let unenrolled = Audience { user_group_ids: &user_groups, device: None };
    let cases: Vec<(&str, Vec<Assignment>, &Audience, R)> = vec![
        ("user group reaches", vec![assign(A, ug("sales"), &[])], &enrolled, R::Available),
        ("other user group does not", vec![assign(A, ug("hr"), &[])], &enrolled, R::NotAvailable),
        ("device group reaches", vec![assign(Q, dg("kiosks"), &[])], &enrolled, R::Required),
        ("other device group does not", vec![assign(Q, dg("labs"), &[])], &enrolled, R::NotAvailable),
        ("all devices reaches enrolled", vec![assign(Q, AssignmentTarget::AllDevices, &[])], &enrolled, R::Required),
        ("all devices cannot reach unenrolled", vec![assign(Q, AssignmentTarget::AllDevices, &[])], &unenrolled, R::NotAvailable),
        ("device group cannot reach unenrolled", vec![assign(Q, dg("kiosks"), &[])], &unenrolled, R::NotAvailable),
        ("excluded user group", vec![assign(A, ug("sales"), &["sales"])], &enrolled, R::Exclude),
        ("excluded device group", vec![assign(Q, dg("corp-phones"), &["kiosks"])], &enrolled, R::Exclude),
        ("all users with an exclusion that matches", vec![assign(A, AssignmentTarget::AllUsers, &["everyone-eu"])], &enrolled, R::Exclude),
        ("all users with an exclusion that does not match", vec![assign(A, AssignmentTarget::AllUsers, &["hr"])], &enrolled, R::Available),
        ("all devices with an excluded device group", vec![assign(Q, AssignmentTarget::AllDevices, &["kiosks"])], &enrolled, R::Exclude),
        ("device-group exclusion on a user target still excludes", vec![assign(A, ug("sales"), &["kiosks"])], &enrolled, R::Exclude),
        ("exclusion on unenrolled, user group", vec![assign(W, AssignmentTarget::AllUsers, &["sales"])], &unenrolled, R::Exclude),
        (
            "excluded from one, reached by another",
            vec![assign(Q, AssignmentTarget::AllUsers, &["sales"]), assign(A, ug("everyone-eu"), &[])],
            &enrolled,
            R::Available,
        ),
        (
            "exclusion removes the required half of a conflict",
            vec![assign(Q, dg("kiosks"), &["corp-phones"]), assign(W, ug("sales"), &[])],
            &enrolled,
            R::AvailableWithoutEnrollment,
        ),
        (
            "excluded, and what remains does not apply unenrolled",
            vec![assign(A, ug("sales"), &["sales"]), assign(Q, ug("sales"), &[])],
            &unenrolled,
            R::Exclude,
        ),
    ];
    for (label, assignments, audience, expected) in cases {
        assert_eq!(resolve_assignments(&assignments, audience, false), expected, "{label}");
    }
}

#[test]
fn reach_tags_scope_and_exclusion() {
    let groups = ids(&["g"]);
    let audience = Audience {
        user_group_ids: &groups,
        device: Some(DeviceAudience { group_ids: &groups, caller_is_primary_user: true }),
    };
    let reached = reach(
        &[assign(A, ug("g"), &[]), assign(U, dg("g"), &[]), assign(Q, ug("g"), &["g"])],
        &audience,
    );
    assert_eq!(reached, Reached::from_pairs(&[(Us, A), (D, U)]).with_excluded(), "scopes");
}

impl Reached {
    fn with_excluded(mut self) -> Self {
        self.excluded = true;
        self
    }
}
