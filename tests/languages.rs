//! Plural messages and numbers in a real browser: the plural category comes from the
//! browser's `Intl.PluralRules` for the language and the count is written by
//! `Intl.NumberFormat`, so Arabic gets its six forms, French its `many`, German its grouping.
#![cfg(target_arch = "wasm32")]

use portal::i18n::{keys, lookup, number, plural, plural_category, Locale};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn the_browser_picks_the_plural_category_of_each_language() {
    // 0 zero, 1 one, 2 two, 3 few, 4 many, 5 other.
    let categories = |locale| [0.0, 1.0, 2.0, 3.0, 11.0, 100.0, 1_000_000.0].map(|n| plural_category(locale, n));
    assert_eq!(categories(Locale::en), [5, 1, 5, 5, 5, 5, 5]);
    assert_eq!(categories(Locale::de), [5, 1, 5, 5, 5, 5, 5]);
    assert_eq!(categories(Locale::fr), [1, 1, 5, 5, 5, 5, 4]);
    assert_eq!(categories(Locale::ar), [0, 1, 2, 3, 4, 5, 5]);
}

#[wasm_bindgen_test]
fn arabic_has_six_forms() {
    let blocked = |n: f64| plural(Locale::ar, keys::protection_summary::blocked, n, &[]);
    assert_eq!(blocked(1.0), "تطبيق واحد محظور");
    assert_eq!(blocked(2.0), "تطبيقان محظوران");
    assert_eq!(blocked(3.0), format!("{} تطبيقات محظورة", number(Locale::ar, 3.0)));
    assert_eq!(blocked(11.0), format!("{} تطبيقًا محظورًا", number(Locale::ar, 11.0)));
    assert_eq!(blocked(100.0), format!("{} تطبيق محظور", number(Locale::ar, 100.0)));
    assert_eq!(blocked(0.0), format!("{} تطبيق محظور", number(Locale::ar, 0.0)));
}

#[wasm_bindgen_test]
fn english_french_and_german_forms_and_numbers() {
    let timeout = |locale, n: f64| plural(locale, keys::errors::timeout, n, &[]);
    assert_eq!(timeout(Locale::en, 1.0), "The server didn't answer within 1 second.");
    assert_eq!(timeout(Locale::en, 1500.0), "The server didn't answer within 1,500 seconds.");
    assert_eq!(timeout(Locale::de, 1500.0), "Der Server hat nicht innerhalb von 1.500 Sekunden geantwortet.");
    assert_eq!(timeout(Locale::fr, 0.0), "Le serveur n'a pas répondu dans un délai de 0 seconde.");
    let blocked = |n: f64| plural(Locale::fr, keys::protection_summary::blocked, n, &[]);
    assert_eq!(blocked(2.0), "2 applications bloquées");
    assert_eq!(blocked(1_000_000.0), format!("{} d'applications bloquées", number(Locale::fr, 1_000_000.0)));
    // French groups thousands with a (narrow) no-break space.
    assert!(number(Locale::fr, 1234.0).starts_with('1') && !number(Locale::fr, 1234.0).contains(','));
    // Other values are filled in beside the count.
    assert_eq!(
        plural(Locale::en, keys::protection_summary::protected, 4.0, &[("protected", "3")]),
        "Apps protected: 3 of 4"
    );
}

#[wasm_bindgen_test]
fn every_language_names_itself_and_the_product() {
    let names: Vec<&str> = Locale::ALL.iter().map(|l| lookup(*l, keys::language_name)).collect();
    assert_eq!(names, ["English", "Deutsch", "Français", "العربية"]);
    assert_eq!(lookup(Locale::fr, keys::product_name), "Portail d'entreprise");
    assert_eq!(lookup(Locale::ar, keys::product_name), "بوابة الشركة");
    assert!(Locale::ar.is_rtl() && !Locale::fr.is_rtl());
}
