//! The localisation catalog at run time: the reader's language as a signal, negotiated
//! from the browser's preferences, reflected in `<html lang dir>`, switchable at any time.
//! The catalog itself is generated from `locales/*.json` by `build.rs`.
//!
//! # Adding a text
//!
//! Add the key to every `locales/*.json` (`scripts/missing-translations` lists what a
//! language lacks; the build names any key, placeholder or plural form out of step), then
//! use it with `tr!(section.key)`, `tr_with!(section.key, name = value)` or `key!(…)`. The
//! host test `tests/e2e/tests/catalog.rs` fails on a key no code uses.
//!
//! # Adding a text with a number in it (plural message)
//!
//! Languages change words with the number ("1 app", "2 apps"; Arabic has six forms), so a
//! text that contains a count is a plural message: its value is an object keyed by the CLDR
//! plural categories the language uses for whole numbers, and the number is `{{ count }}`:
//!
//! ```json
//! "en.json": "blocked": { "one": "{{ count }} app blocked", "other": "{{ count }} apps blocked" }
//! "de.json": "blocked": { "one": "{{ count }} App blockiert", "other": "{{ count }} Apps blockiert" }
//! "fr.json": "blocked": { "one": "…", "many": "…", "other": "…" }
//! "ar.json": "blocked": { "zero": "…", "one": "…", "two": "…", "few": "…", "many": "…", "other": "…" }
//! ```
//!
//! The categories each language needs are listed in `build.rs` (`PLURAL_CATEGORIES`: en and
//! de `one other`; fr `one many other`; ar `zero one two few many other`); the build fails
//! on a missing or a superfluous one. A form may leave the number out where the language
//! spells it in words (Arabic `one`/`two`), but `other` must use every placeholder. Then:
//!
//! ```ignore
//! tr_count!(protection_summary.blocked, count = n)                  // a view
//! tr_count!(protection_summary.protected, count = total, protected = p)
//! crate::i18n::plural(locale, key!(protection_summary.blocked), n, &[]) // a String
//! ```
//!
//! The category comes from the browser's `Intl.PluralRules` for the current language and
//! `{{ count }}` is written by `Intl.NumberFormat` (digits and grouping of the language), so
//! no plural rules or number tables are compiled into the wasm.
//!
//! # Adding a language
//!
//! Copy `locales/en.json` to `locales/<code>.json` and translate every value (plural messages
//! get the forms of the new language); add the code to `LOCALES`, its plural categories to
//! `PLURAL_CATEGORIES` and, if it is written right to left, to `RTL` (all in `build.rs`);
//! `scripts/missing-translations <code>` then lists whatever is still missing. The footer
//! offers it under its own `language_name`, and browsers that prefer it get it by default.

use leptos::prelude::*;
use wasm_bindgen::JsValue;

include!(concat!(env!("OUT_DIR"), "/catalog.rs"));

impl Locale {
    /// The best shipped language for the browser's preference list (`navigator.languages`),
    /// matching on the primary subtag (`de-AT` → `de`); the default when nothing matches.
    pub fn negotiate<'a>(preferred: impl IntoIterator<Item = &'a str>) -> Locale {
        preferred
            .into_iter()
            .find_map(|tag| {
                let primary = tag.split(['-', '_']).next().unwrap_or(tag).to_ascii_lowercase();
                Locale::ALL.iter().copied().find(|l| l.code() == primary)
            })
            .unwrap_or(Locale::ALL[0])
    }

    pub fn from_code(code: &str) -> Option<Locale> {
        Locale::ALL.iter().copied().find(|l| l.code() == code)
    }
}

/// The `localStorage` key of the language the reader chose (a code such as `de`).
pub const LANGUAGE_KEY: &str = "portal.language";

/// The reader's language, shared through context.
#[derive(Clone, Copy)]
pub struct I18n {
    locale: RwSignal<Locale>,
}

impl I18n {
    pub fn locale(self) -> Locale {
        self.locale.get()
    }

    pub fn set_locale(self, locale: Locale) {
        self.locale.set(locale);
    }

    /// The reader chose `locale` (footer, Settings): switch, and remember it in this browser
    /// (`localStorage` [`LANGUAGE_KEY`]) so the next visit starts in it.
    pub fn choose(self, locale: Locale) {
        self.set_locale(locale);
        if let Some(storage) = window().local_storage().ok().flatten() {
            let _ = storage.set_item(LANGUAGE_KEY, locale.code());
        }
    }

    /// The text of `key` in the current language (tracked: re-runs when it changes).
    pub fn text(self, key: Key) -> &'static str {
        lookup(self.locale.get(), key)
    }

    /// The text of `key` with its `{{ name }}` placeholders filled in.
    pub fn format(self, key: Key, values: &[(&str, &str)]) -> String {
        fill(self.text(key), values)
    }

    /// The plural message `key` for `count` in the current language (tracked); see [`plural`].
    pub fn format_count(self, key: PluralKey, count: f64, values: &[(&str, &str)]) -> String {
        plural(self.locale.get(), key, count, values)
    }
}

fn locales(locale: Locale) -> js_sys::Array {
    js_sys::Array::of1(&JsValue::from_str(locale.code()))
}

/// The CLDR plural category of `count` in `locale` as an index into the generated tables
/// (0 zero, 1 one, 2 two, 3 few, 4 many, 5 other), from the browser's `Intl.PluralRules`.
pub fn plural_category(locale: Locale, count: f64) -> usize {
    let rules = js_sys::Intl::PluralRules::new(&locales(locale), &js_sys::Object::new());
    let category = String::from(rules.select(count));
    match category.as_str() {
        "zero" => 0,
        "one" => 1,
        "two" => 2,
        "few" => 3,
        "many" => 4,
        _ => 5,
    }
}

/// `n` written for people in `locale` (its digits and grouping: "1,234", "1.234", "1 234"),
/// by the browser's `Intl.NumberFormat`.
pub fn number(locale: Locale, n: f64) -> String {
    let format = js_sys::Intl::NumberFormat::new(&locales(locale), &js_sys::Object::new()).format();
    format
        .call1(&JsValue::NULL, &JsValue::from_f64(n))
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| n.to_string())
}

/// The plural message `key` in `locale`: the form for `count`'s plural category, with
/// `{{ count }}` as [`number`] writes it and the other placeholders from `values`.
pub fn plural(locale: Locale, key: PluralKey, count: f64, values: &[(&str, &str)]) -> String {
    let template = lookup_plural(locale, key, plural_category(locale, count));
    let count = number(locale, count);
    let mut all = Vec::with_capacity(values.len() + 1);
    all.push(("count", count.as_str()));
    all.extend_from_slice(values);
    fill(template, &all)
}

/// Replaces each `{{ name }}` in `template` with its value; unknown names stay visible so
/// a mistake shows in the page instead of silently vanishing.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else { break };
        out.push_str(&rest[..start]);
        let name = rest[start + 2..start + len].trim();
        match values.iter().find(|(n, _)| *n == name) {
            Some((_, value)) => out.push_str(value),
            None => out.push_str(&rest[start..start + len + 2]),
        }
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

/// Provides the language to everything inside, starting from the browser's preference,
/// and keeps `<html lang>` and `<html dir>` in step (screen readers and right-to-left
/// layout depend on them).
#[component]
pub fn I18nProvider(children: Children) -> impl IntoView {
    // A language the reader chose wins over the browser's preferences.
    let chosen = window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(LANGUAGE_KEY).ok().flatten())
        .and_then(|code| Locale::from_code(&code));
    let languages: Vec<String> = window().navigator().languages().iter().filter_map(|v| v.as_string()).collect();
    let locale = chosen.unwrap_or_else(|| Locale::negotiate(languages.iter().map(String::as_str)));
    let i18n = I18n { locale: RwSignal::new(locale) };
    provide_context(i18n);
    Effect::new(move |_| {
        let locale = i18n.locale();
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", locale.code());
            let _ = html.set_attribute("dir", if locale.is_rtl() { "rtl" } else { "ltr" });
        }
    });
    children()
}

/// The language context; outside an [`I18nProvider`] (which the app always has) a
/// default-language context, so a component never panics over it.
pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or_else(|| I18n { locale: RwSignal::new(Locale::ALL[0]) })
}

// `wasm_bindgen_test`, not `#[test]`: the library's unit tests run only in the browser
// (`cargo test -p portal --target wasm32-unknown-unknown`), where a plain `#[test]` is skipped.
#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

    #[test]
    fn fills_placeholders() {
        assert_eq!(fill("Welcome to {{ organisation }}", &[("organisation", "Contoso")]), "Welcome to Contoso");
        assert_eq!(fill("{{a}}{{ b }}!", &[("a", "1"), ("b", "2")]), "12!");
        assert_eq!(fill("keep {{ unknown }}", &[]), "keep {{ unknown }}");
        assert_eq!(fill("unclosed {{ x", &[("x", "1")]), "unclosed {{ x");
    }

    #[test]
    fn arabic_is_the_right_to_left_language() {
        let rtl: Vec<Locale> = Locale::ALL.iter().copied().filter(|l| l.is_rtl()).collect();
        assert_eq!(rtl, [Locale::ar]);
        assert_eq!(Locale::ALL[0], Locale::en);
    }

    #[test]
    fn negotiates_on_the_primary_subtag() {
        assert_eq!(Locale::negotiate(["de-AT", "en"]), Locale::de);
        assert_eq!(Locale::negotiate(["fr-FR", "en-GB"]), Locale::fr);
        assert_eq!(Locale::negotiate(["ar-EG", "en"]), Locale::ar);
        assert_eq!(Locale::negotiate(["ar"]), Locale::ar);
        assert_eq!(Locale::negotiate(["es-ES", "fr-CA", "de"]), Locale::fr);
        assert_eq!(Locale::negotiate(["pt-BR", "en-GB"]), Locale::en);
        assert_eq!(Locale::negotiate(["xx"]), Locale::ALL[0]);
        assert_eq!(Locale::negotiate([]), Locale::ALL[0]);
    }
}
