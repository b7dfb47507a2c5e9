//! The localisation catalog at run time: the reader's language as a signal, negotiated
//! from the browser's preferences, reflected in `<html lang dir>`, switchable at any time.
//! The catalog itself is generated from `locales/*.json` by `build.rs`.

use leptos::prelude::*;

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

    /// The text of `key` in the current language (tracked: re-runs when it changes).
    pub fn text(self, key: Key) -> &'static str {
        lookup(self.locale.get(), key)
    }

    /// The text of `key` with its `{{ name }}` placeholders filled in.
    pub fn format(self, key: Key, values: &[(&str, &str)]) -> String {
        fill(self.text(key), values)
    }
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
    let languages: Vec<String> = window()
        .navigator()
        .languages()
        .iter()
        .filter_map(|v| v.as_string())
        .collect();
    let i18n = I18n { locale: RwSignal::new(Locale::negotiate(languages.iter().map(String::as_str))) };
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_placeholders() {
        assert_eq!(fill("Welcome to {{ organisation }}", &[("organisation", "Contoso")]), "Welcome to Contoso");
        assert_eq!(fill("{{a}}{{ b }}!", &[("a", "1"), ("b", "2")]), "12!");
        assert_eq!(fill("keep {{ unknown }}", &[]), "keep {{ unknown }}");
        assert_eq!(fill("unclosed {{ x", &[("x", "1")]), "unclosed {{ x");
    }

    #[test]
    fn negotiates_on_the_primary_subtag() {
        assert_eq!(Locale::negotiate(["de-AT", "en"]), Locale::de);
        assert_eq!(Locale::negotiate(["fr-FR", "en-GB"]), Locale::en);
        assert_eq!(Locale::negotiate(["xx"]), Locale::ALL[0]);
        assert_eq!(Locale::negotiate([]), Locale::ALL[0]);
    }
}
