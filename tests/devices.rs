//! Devices in words, in a real browser (headless Chromium and Firefox, chosen by
//! scripts/test): every portal-core `Reason` an action can carry has a filled text in every
//! shipped language, the Remove/Reset wording follows the action, device names are
//! validated with the server's own rule and explained, and access status reads as words.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use portal::i18n::{fill, lookup, I18nProvider, Locale};
use portal::pages::devices::actions::{confirmation_matches, needs_typed_name};
use portal::pages::devices::reasons::{action_key, reason_key, rename_error_text};
use portal::pages::devices::AccessText;
use portal_core::domain::{AndroidCorporateKind, RemoteAction};
use portal_core::rules::actions::{validate_device_name, Reason, RenameError};
use portal_core::rules::compliance::AccessStatus;
use portal_core::rules::recovery::RecoveryKeyReason;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// One of each reason. The match makes a new variant a compile error here.
fn every_reason() -> Vec<Reason> {
    let reasons = vec![
        Reason::NotPrimaryUser,
        Reason::Retired,
        Reason::DeviceEnrollmentManager,
        Reason::EntraJoinedWindows,
        Reason::AndroidCorporateOwned { kind: AndroidCorporateKind::FullyManaged },
        Reason::AndroidCorporateOwned { kind: AndroidCorporateKind::Dedicated },
        Reason::AndroidCorporateOwned { kind: AndroidCorporateKind::CorporateWorkProfile },
        Reason::AppleAutomatedDeviceEnrollment,
        Reason::IosUserEnrollment,
        Reason::HiddenByOrganisation,
        Reason::AndroidWorkProfileNoPasscodeReset,
        Reason::AndroidDedicatedNoPasscodeReset,
        Reason::AndroidDeviceAdminNoPasscodeReset,
        Reason::AlreadyPending,
        Reason::RemovalPending,
        Reason::RenameNotSupported,
        Reason::AndroidEnrollmentUnknown,
    ];
    for reason in &reasons {
        match reason {
            Reason::NotPrimaryUser
            | Reason::Retired
            | Reason::DeviceEnrollmentManager
            | Reason::EntraJoinedWindows
            | Reason::AndroidCorporateOwned { .. }
            | Reason::AppleAutomatedDeviceEnrollment
            | Reason::IosUserEnrollment
            | Reason::HiddenByOrganisation
            | Reason::AndroidWorkProfileNoPasscodeReset
            | Reason::AndroidDedicatedNoPasscodeReset
            | Reason::AndroidDeviceAdminNoPasscodeReset
            | Reason::AlreadyPending
            | Reason::RemovalPending
            | Reason::RenameNotSupported
            | Reason::AndroidEnrollmentUnknown => {}
        }
    }
    reasons
}

#[wasm_bindgen_test]
fn every_reason_has_a_text_in_every_language() {
    for locale in Locale::ALL {
        for reason in every_reason() {
            for action in RemoteAction::ALL {
                let text = lookup(*locale, reason_key(reason, action));
                assert!(text.len() > 20, "{locale:?} {reason:?} {action:?}: {text:?}");
                assert!(!text.contains("{{"), "{locale:?} {reason:?}: unfilled {text:?}");
            }
        }
        for action in RemoteAction::ALL {
            assert!(!lookup(*locale, action_key(action)).is_empty(), "{locale:?} {action:?}");
        }
    }
}

#[wasm_bindgen_test]
fn remove_and_reset_are_explained_in_their_own_words() {
    let en = |reason, action| lookup(Locale::en, reason_key(reason, action));
    assert_eq!(
        en(Reason::AppleAutomatedDeviceEnrollment, RemoteAction::Retire),
        "Your organisation manages this device through Apple Business Manager, so it can't be removed here."
    );
    assert_eq!(
        en(Reason::AppleAutomatedDeviceEnrollment, RemoteAction::Wipe),
        "Your organisation manages this device through Apple Business Manager, so it can't be reset here."
    );
    assert!(en(Reason::HiddenByOrganisation, RemoteAction::Retire).contains("turned off removing"));
    assert!(en(Reason::HiddenByOrganisation, RemoteAction::Wipe).contains("turned off resetting"));
    let corporate = Reason::AndroidCorporateOwned { kind: AndroidCorporateKind::FullyManaged };
    assert!(en(corporate, RemoteAction::Wipe).contains("can't be reset"));
    assert!(en(Reason::EntraJoinedWindows, RemoteAction::Retire).contains("Microsoft Entra ID"));
    assert!(
        lookup(Locale::de, reason_key(Reason::IosUserEnrollment, RemoteAction::Wipe)).contains("Benutzerregistrierung")
    );
}

#[wasm_bindgen_test]
fn device_names_are_validated_and_explained() {
    let cases: Vec<(&str, String, Result<&str, &str>)> = vec![
        ("trimmed", "  Work phone ".into(), Ok("Work phone")),
        ("empty", "   ".into(), Err("Enter a name.")),
        ("too long", "a".repeat(65), Err("Use at most 64 characters.")),
        ("64 is fine", "é".repeat(64), Ok("")),
        ("line break", "Work\nphone".into(), Err("Don't use line breaks or other control characters.")),
    ];
    for (label, input, expected) in cases {
        let got = validate_device_name(&input).map_err(|e| rename_error_text(e, Locale::en));
        match (got, expected) {
            (Ok(name), Ok(want)) => assert!(want.is_empty() || name == want, "{label}: {name:?}"),
            (Err(text), Err(want)) => assert_eq!(text, want, "{label}"),
            (got, want) => panic!("{label}: got {got:?}, expected {want:?}"),
        }
    }
    assert_eq!(
        rename_error_text(RenameError::TooLong { max_chars: 64 }, Locale::de),
        "Verwenden Sie höchstens 64 Zeichen."
    );
    assert_eq!(fill(lookup(Locale::en, portal::i18n::keys::rename::saved), &[("name", "X")]), "Renamed to X.");
}

#[wasm_bindgen_test]
fn destructive_actions_need_the_exact_name() {
    assert!(needs_typed_name(RemoteAction::Retire) && needs_typed_name(RemoteAction::Wipe));
    assert!(!needs_typed_name(RemoteAction::Sync) && !needs_typed_name(RemoteAction::ResetPasscode));
    assert!(confirmation_matches(" Amara's iPhone ", "Amara's iPhone"));
    assert!(!confirmation_matches("Amara's iphone", "Amara's iPhone"));
    assert!(!confirmation_matches("", "Amara's iPhone"));
}

/// Pins the language so the assertions do not depend on the browser's.
#[component]
fn En(children: Children) -> impl IntoView {
    portal::i18n::use_i18n().set_locale(Locale::en);
    children()
}

#[wasm_bindgen_test]
async fn access_status_reads_as_words_with_the_date_in_the_language() {
    let doc = document();
    let root = doc.create_element("div").expect("div").unchecked_into::<web_sys::HtmlElement>();
    doc.body().expect("body").append_child(&root).expect("append");
    let handle = leptos::mount::mount_to(root.clone(), || {
        view! {
            <I18nProvider>
                <En>
                <p class="a"><AccessText access=AccessStatus::CanAccess /></p>
                <p class="b"><AccessText access=AccessStatus::CannotAccess /></p>
                <p class="c"><AccessText access=AccessStatus::GracePeriod { until: Some("2026-12-03T10:00:00Z".into()) } /></p>
                </En>
            </I18nProvider>
        }
    });
    let text = |css: &str| root.query_selector(css).ok().flatten().and_then(|e| e.text_content()).unwrap_or_default();
    assert_eq!(text(".a"), "Can access company resources");
    assert_eq!(text(".b"), "Can't access company resources");
    let grace = text(".c");
    assert!(grace.starts_with("Out of compliance — can still access company resources until "), "{grace}");
    assert!(grace.contains("2026") && !grace.contains("T10"), "the date is formatted: {grace}");
    drop(handle);
    root.remove();
}

/// Every reason a recovery key cannot be shown. The match makes a new variant a compile
/// error here.
fn every_recovery_reason() -> Vec<RecoveryKeyReason> {
    use portal_core::rules::recovery::Unreadable;
    let reasons = vec![
        RecoveryKeyReason::KeyOnlyForPrimaryUser,
        RecoveryKeyReason::KeyDeviceRetired,
        RecoveryKeyReason::DiskNotEncrypted,
        RecoveryKeyReason::NoKeyEscrowed,
        RecoveryKeyReason::KeysNotReadable { why: Unreadable::PermissionMissing },
        RecoveryKeyReason::KeysNotReadable { why: Unreadable::SignedInOnly },
        RecoveryKeyReason::KeysNotReadable { why: Unreadable::BetaRequired },
    ];
    for reason in &reasons {
        match reason {
            RecoveryKeyReason::KeyOnlyForPrimaryUser
            | RecoveryKeyReason::KeyDeviceRetired
            | RecoveryKeyReason::DiskNotEncrypted
            | RecoveryKeyReason::NoKeyEscrowed
            | RecoveryKeyReason::KeysNotReadable {
                why: Unreadable::PermissionMissing | Unreadable::SignedInOnly | Unreadable::BetaRequired,
            } => {}
        }
    }
    reasons
}

#[wasm_bindgen_test]
fn recovery_keys_are_explained_in_every_language() {
    use portal::pages::devices::recovery::{kind_keys, reason_key, short_key_id, volume_key};
    use portal_core::domain::{RecoveryKeyKind, VolumeType};
    for locale in Locale::ALL {
        let mut seen = std::collections::HashSet::new();
        for reason in every_recovery_reason() {
            let text = lookup(*locale, reason_key(reason));
            assert!(text.len() > 30, "{locale:?} {reason:?}: {text:?}");
            assert!(!text.contains("{{"), "{locale:?} {reason:?}: unfilled {text:?}");
            assert!(seen.insert(text), "{locale:?} {reason:?}: the same words as another reason");
        }
        for kind in [RecoveryKeyKind::BitLocker, RecoveryKeyKind::FileVault] {
            let (title, button) = kind_keys(kind);
            let name = if kind == RecoveryKeyKind::BitLocker { "BitLocker" } else { "FileVault" };
            assert!(lookup(*locale, title).contains(name), "{locale:?} {kind:?}");
            assert!(lookup(*locale, button).contains(name), "{locale:?} {kind:?}");
        }
        let volumes = [
            VolumeType::OperatingSystemVolume,
            VolumeType::FixedDataVolume,
            VolumeType::RemovableDataVolume,
            VolumeType::Unknown,
        ];
        let names: std::collections::HashSet<&str> = volumes.iter().map(|v| lookup(*locale, volume_key(*v))).collect();
        assert_eq!(names.len(), volumes.len(), "{locale:?}: every drive has its own name");
        // The SPA's own notification that a key was shown names the device.
        let body = lookup(*locale, portal::key!(notifications.portal.recovery_key_shown.body));
        assert!(fill(body, &[("device", "CPH-LT-0142")]).contains("CPH-LT-0142"), "{locale:?}: {body}");
    }
    // The recovery screen shows the first eight characters of the key ID.
    assert_eq!(short_key_id("5b2ad4c9-1c2d-4e5f-8a9b-0c1d2e3f4a5b"), "5B2AD4C9");
}

#[wasm_bindgen_test]
fn enrolling_is_offered_as_the_organisation_says_and_explained_in_every_language() {
    use portal::pages::enroll::{card_shown, offered, step_keys, store_url, ENROLLABLE};
    use portal_core::domain::{EnrollmentAvailability as A, Platform};
    // The card: with prompts, for a device that isn't enrolled and can be.
    assert!(card_shown(A::AvailableWithPrompts, Some(Platform::Android)));
    assert!(!card_shown(A::AvailableWithoutPrompts, Some(Platform::Android)), "without prompts: on request only");
    assert!(!card_shown(A::Unavailable, Some(Platform::Android)));
    assert!(!card_shown(A::AvailableWithPrompts, None), "an enrolled device, or none chosen");
    assert!(!card_shown(A::AvailableWithPrompts, Some(Platform::Web)), "a browser can't be enrolled");
    assert!(offered(A::AvailableWithPrompts) && offered(A::AvailableWithoutPrompts) && !offered(A::Unavailable));
    for platform in ENROLLABLE {
        let url = store_url(platform).expect("a store link");
        assert!(url.starts_with("https://"), "{platform:?}: {url}");
        let steps = step_keys(platform).expect("steps");
        for locale in Locale::ALL {
            for key in steps {
                let text = lookup(*locale, key);
                assert!(text.len() > 20 && !text.contains("{{"), "{locale:?} {platform:?}: {text:?}");
            }
        }
    }
    assert!(store_url(Platform::Web).is_none() && step_keys(Platform::Web).is_none());
    for locale in Locale::ALL {
        for key in [
            portal::key!(enroll.title),
            portal::key!(enroll.card_body),
            portal::key!(enroll.gives_title),
            portal::key!(enroll.sees_title),
            portal::key!(enroll.not_sees_title),
            portal::key!(enroll.not_sees_messages),
            portal::key!(enroll.unavailable),
            portal::key!(apps.why.available_once_enrolled),
            portal::key!(apps.approval_required),
        ] {
            assert!(!lookup(*locale, key).is_empty(), "{locale:?}");
        }
    }
}

#[wasm_bindgen_test]
fn a_category_choice_that_fails_says_why_in_every_language() {
    use portal::pages::devices::category::refusal_key;
    use portal_core::rules::categories::CategoryReason as R;
    let reasons = [
        R::CategoryOnlyForPrimaryUser,
        R::CategoryAlreadyChosen,
        R::CategorySelectionDisabled,
        R::NoCategories,
        R::CategoryNotSettableHere,
        R::UnknownCategory,
    ];
    for locale in Locale::ALL {
        for reason in reasons {
            let text = lookup(*locale, refusal_key(reason));
            assert!(text.len() > 20 && !text.contains("{{"), "{locale:?} {reason:?}: {text:?}");
        }
        for key in [portal::key!(category.title), portal::key!(category.intro), portal::key!(category.save)] {
            assert!(!lookup(*locale, key).is_empty(), "{locale:?}");
        }
        let saved = fill(lookup(*locale, portal::key!(category.saved)), &[("category", "Field phone")]);
        assert!(saved.contains("Field phone"), "{locale:?}: {saved}");
        let title = fill(
            lookup(*locale, portal::key!(notifications.portal.category_needed.title)),
            &[("device", "Kenji's Galaxy S23")],
        );
        assert!(title.contains("Kenji's Galaxy S23"), "{locale:?}: {title}");
    }
}

#[wasm_bindgen_test]
fn terms_of_use_read_in_paragraphs_with_their_buttons_in_every_language() {
    use portal::pages::terms::paragraphs;
    assert_eq!(
        paragraphs("\nOne.\n\nTwo,\nstill two.\n\n\n"),
        vec!["One.".to_string(), "Two,\nstill two.".to_string()]
    );
    for locale in Locale::ALL {
        for key in [
            portal::key!(terms.intro),
            portal::key!(terms.accept),
            portal::key!(terms.decline),
            portal::key!(settings.terms_title),
            portal::key!(settings.terms_not_accepted),
        ] {
            assert!(!lookup(*locale, key).is_empty(), "{locale:?}");
        }
        let version = fill(lookup(*locale, portal::key!(terms.version)), &[("version", "2026-11")]);
        assert!(version.contains("2026-11"), "{locale:?}: {version}");
        let accepted = fill(
            lookup(*locale, portal::key!(settings.terms_accepted)),
            &[("version", "2026-11"), ("date", "21/11/2026")],
        );
        assert!(accepted.contains("2026-11") && accepted.contains("21/11/2026"), "{locale:?}: {accepted}");
    }
}
