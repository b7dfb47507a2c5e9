//! Catalog texts as views that follow the chosen language: `tr!(nav.home)`, and
//! `tr_with!(help.intro, organisation = name)` for texts with values.
//!
//! Every text goes through these two functions, so Leptos compiles the code that renders and
//! updates a text twice in all, not once per call site.

use crate::i18n::{use_i18n, Key};
use leptos::prelude::*;

/// A text without values.
pub fn text(key: Key) -> impl IntoView {
    let i18n = use_i18n();
    move || i18n.text(key)
}

/// A text with its `{{ placeholders }}` filled from `values`.
pub fn text_with(key: Key, values: Vec<(&'static str, String)>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let pairs: Vec<(&str, &str)> = values.iter().map(|(n, v)| (*n, v.as_str())).collect();
        i18n.format(key, &pairs)
    }
}

/// A text for an attribute (`aria-label`, `title`), following the language.
pub fn attr(key: Key) -> Signal<&'static str> {
    let i18n = use_i18n();
    Signal::derive(move || i18n.text(key))
}

/// A catalog text as a view: `tr!(nav.home)`. An unknown key does not compile.
#[macro_export]
macro_rules! tr {
    ($($segment:ident).+) => {
        $crate::text::text($crate::i18n::keys::$($segment)::+)
    };
}

/// A catalog text with values: `tr_with!(errors.status, status = code)`.
#[macro_export]
macro_rules! tr_with {
    ($($segment:ident).+, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::text::text_with(
            $crate::i18n::keys::$($segment)::+,
            vec![$((stringify!($name), $value.to_string())),+],
        )
    };
}

/// The key constant for a dotted catalog key: `key!(nav.label)`.
#[macro_export]
macro_rules! key {
    ($($segment:ident).+) => {
        $crate::i18n::keys::$($segment)::+
    };
}
