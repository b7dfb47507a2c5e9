//! App protection codes in words, in a real browser (headless Chromium and Firefox, chosen
//! by scripts/test): every `PolicyLine` and every `ProtectionStatus` portal-core can send has
//! a non-empty, fully filled text in every shipped language, and durations and check-in
//! times are spelled by the browser's `Intl` for the language.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use portal::i18n::{use_i18n, I18nProvider, Locale};
use portal::protection::{duration, line_text, status_hint, status_text};
use portal_core::rules::protection::{BlockReason, PolicyLine, ProtectionStatus};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// One of each line (both PIN forms). The match makes a new variant a compile error here.
fn every_line() -> Vec<PolicyLine> {
    let lines = vec![
        PolicyLine::SaveAsBlocked,
        PolicyLine::CopyPasteBlocked,
        PolicyLine::CopyPasteManagedOnly,
        PolicyLine::CopyPasteManagedWithPasteIn,
        PolicyLine::SendToUnmanagedBlocked,
        PolicyLine::SendToAnyAppBlocked,
        PolicyLine::PinRequired { simple_allowed: true, min_length: 4 },
        PolicyLine::PinRequired { simple_allowed: false, min_length: 6 },
        PolicyLine::BlockedOnJailbroken,
        PolicyLine::RecheckAfterMinutes { minutes: 30 },
        PolicyLine::OfflineGraceMinutes { minutes: 129_600 },
    ];
    for line in &lines {
        match line {
            PolicyLine::SaveAsBlocked
            | PolicyLine::CopyPasteBlocked
            | PolicyLine::CopyPasteManagedOnly
            | PolicyLine::CopyPasteManagedWithPasteIn
            | PolicyLine::SendToUnmanagedBlocked
            | PolicyLine::SendToAnyAppBlocked
            | PolicyLine::PinRequired { .. }
            | PolicyLine::BlockedOnJailbroken
            | PolicyLine::RecheckAfterMinutes { .. }
            | PolicyLine::OfflineGraceMinutes { .. } => {}
        }
    }
    lines
}

/// Every status, Blocked with every reason. The matches make a new variant a compile error.
fn every_status() -> Vec<ProtectionStatus> {
    let reasons =
        [BlockReason::RootedDevice, BlockReason::AndroidBootloaderUnlocked, BlockReason::AndroidFactoryRomModified];
    for reason in reasons {
        match reason {
            BlockReason::RootedDevice
            | BlockReason::AndroidBootloaderUnlocked
            | BlockReason::AndroidFactoryRomModified => {}
        }
    }
    let mut statuses = vec![
        ProtectionStatus::Protected,
        ProtectionStatus::WaitingForCheckIn,
        ProtectionStatus::WipePending,
        ProtectionStatus::WipeDone,
        ProtectionStatus::NotProtected,
    ];
    statuses.extend(reasons.map(|reason| ProtectionStatus::Blocked { reason }));
    for status in &statuses {
        match status {
            ProtectionStatus::Protected
            | ProtectionStatus::WaitingForCheckIn
            | ProtectionStatus::Blocked { .. }
            | ProtectionStatus::WipePending
            | ProtectionStatus::WipeDone
            | ProtectionStatus::NotProtected => {}
        }
    }
    statuses
}

fn assert_words(what: &str, locale: Locale, text: &str) {
    assert!(!text.trim().is_empty(), "{what} in {locale:?} is empty");
    assert!(!text.contains("{{"), "{what} in {locale:?} has an unfilled placeholder: {text:?}");
}

#[wasm_bindgen_test]
fn every_policy_line_has_words_in_every_language() {
    for &locale in Locale::ALL {
        let texts: Vec<String> = every_line().iter().map(|line| line_text(locale, line)).collect();
        for (line, text) in every_line().iter().zip(&texts) {
            assert_words(&format!("{line:?}"), locale, text);
        }
        // Each line says something different.
        let mut unique = texts.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), texts.len(), "{locale:?}: two lines read the same: {texts:?}");
    }
}

#[wasm_bindgen_test]
fn every_status_has_a_label_and_an_explanation_in_every_language() {
    for &locale in Locale::ALL {
        for status in every_status() {
            assert_words(&format!("{status:?} label"), locale, &status_text(locale, &status));
            assert_words(&format!("{status:?} hint"), locale, status_hint(locale, &status));
        }
        let labels: Vec<String> = every_status().iter().map(|s| status_text(locale, s)).collect();
        let mut unique = labels.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), labels.len(), "{locale:?}: two statuses read the same: {labels:?}");
    }
}

#[wasm_bindgen_test]
fn the_words_people_read() {
    use PolicyLine as L;
    let en = |line| line_text(Locale::en, &line);
    assert_eq!(en(L::SaveAsBlocked), "Save As to personal storage blocked");
    assert_eq!(en(L::CopyPasteManagedOnly), "Copy and paste only into other managed apps");
    assert_eq!(en(L::BlockedOnJailbroken), "Blocked on jailbroken or rooted devices");
    assert_eq!(
        en(L::PinRequired { simple_allowed: true, min_length: 4 }),
        "PIN required to open work data (at least 4 digits)"
    );
    assert_eq!(
        en(L::OfflineGraceMinutes { minutes: 129_600 }),
        "Work data is removed after 90 days without connecting"
    );
    assert_eq!(en(L::RecheckAfterMinutes { minutes: 30 }), "Access is checked again every 30 minutes");
    // Not "alle 1 Tag": "alle" needs a plural after it.
    assert_eq!(
        line_text(Locale::de, &L::RecheckAfterMinutes { minutes: 1440 }),
        "Der Zugriff wird in Abständen von 1 Tag erneut geprüft"
    );
    assert_eq!(
        line_text(Locale::de, &L::OfflineGraceMinutes { minutes: 1440 }),
        "Arbeitsdaten werden nach 1 Tag ohne Verbindung entfernt"
    );
    assert_eq!(
        status_text(Locale::en, &ProtectionStatus::Blocked { reason: BlockReason::RootedDevice }),
        "Blocked: this device is jailbroken or rooted"
    );
    assert_eq!(status_text(Locale::de, &ProtectionStatus::WipeDone), "Unternehmensdaten entfernt");
    assert_eq!(duration(Locale::en, 120), "2 hours");
    assert_eq!(duration(Locale::de, 45), "45 Minuten");
}

/// The check-in time as the page shows it (`crate::dates`, shared with the Devices pages).
#[wasm_bindgen_test]
fn check_in_times_are_relative_and_in_the_language() {
    let ago = |seconds: f64| {
        let at = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(js_sys::Date::now() - seconds * 1000.0));
        String::from(at.to_iso_string())
    };
    let relative = |seconds, locale: Locale| portal::dates::relative(&ago(seconds), locale.code());
    assert_eq!(relative(2.0 * 3600.0 + 5.0, Locale::en), "2 hours ago");
    assert_eq!(relative(2.0 * 3600.0 + 5.0, Locale::de), "vor 2 Stunden");
    assert_eq!(relative(5.0 * 60.0 + 5.0, Locale::en), "5 minutes ago");
    assert_eq!(relative(86_400.0 + 5.0, Locale::en), "yesterday");
    assert_eq!(portal::dates::relative("not a date", "en"), "not a date");
}

#[component]
fn InLocale(locale: Locale, children: Children) -> impl IntoView {
    use_i18n().set_locale(locale);
    children()
}

#[wasm_bindgen_test]
async fn the_explanation_page_reads_in_both_languages() {
    for (locale, title) in [(Locale::en, "What is app protection?"), (Locale::de, "Was ist App-Schutz?")] {
        let root = document().create_element("div").expect("div").unchecked_into::<web_sys::HtmlElement>();
        document().body().expect("body").append_child(&root).expect("append");
        let handle = leptos::mount::mount_to(root.clone(), move || {
            view! {
                <I18nProvider>
                    <InLocale locale>
                        <portal::pages::protection_about::ProtectionAbout />
                    </InLocale>
                </I18nProvider>
            }
        });
        let h1 = root.query_selector("h1").expect("query").and_then(|h| h.text_content());
        assert_eq!(h1.as_deref(), Some(title));
        let headings = root.query_selector_all("h2").expect("query").length();
        assert!(headings >= 4, "{locale:?}: {headings} sections");
        let text = root.text_content().unwrap_or_default();
        assert!(!text.contains("{{"), "{locale:?}: unfilled placeholder");
        let back = root.query_selector("a[href='/protected-apps']").expect("query");
        assert!(back.is_some(), "{locale:?}: no way back to the page");
        drop(handle);
        root.remove();
    }
}
