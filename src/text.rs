//! Catalog texts as views that follow the chosen language: `tr!(nav.home)`,
//! `tr_with!(help.intro, organisation = name)` for texts with values, and
//! `tr_count!(protection_summary.blocked, count = n)` for plural messages (see `crate::i18n`).
//!
//! Every text goes through these three functions, so Leptos compiles the code that renders and
//! updates a text twice in all, not once per call site.

use crate::i18n::{use_i18n, Key, PluralKey};
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

/// A value for a plural message's other placeholders: numbers are written for the current
/// language like the count, anything else as it is.
pub enum Arg {
    Number(f64),
    Text(String),
}

macro_rules! number_args {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Arg {
                Arg::Number(n as f64)
            }
        }
    )*};
}
number_args!(u8, u16, u32, u64, usize, i32, i64, f64);

impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_string())
    }
}

/// A plural message: the form for `count` in the current language, `{{ count }}` (and any
/// number among `values`) written with the language's digits.
pub fn text_count(key: PluralKey, count: f64, values: Vec<(&'static str, Arg)>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let locale = i18n.locale();
        let written: Vec<(&str, String)> = values
            .iter()
            .map(|(n, v)| match v {
                Arg::Number(x) => (*n, crate::i18n::number(locale, *x)),
                Arg::Text(s) => (*n, s.clone()),
            })
            .collect();
        let pairs: Vec<(&str, &str)> = written.iter().map(|(n, v)| (*n, v.as_str())).collect();
        crate::i18n::plural(locale, key, count, &pairs)
    }
}

/// A number written for people in the current language ("1,234", "١٬٢٣٤").
pub fn number(n: f64) -> impl IntoView {
    let i18n = use_i18n();
    move || crate::i18n::number(i18n.locale(), n)
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

/// A plural message: `tr_count!(notifications.unread_count, count = n)`, with further
/// values after the count: `tr_count!(protection_summary.protected, count = total, protected = p)`.
/// `count` is any number (`as f64`); other numbers are written like it, text as it is.
#[macro_export]
macro_rules! tr_count {
    ($($segment:ident).+, count = $count:expr $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::text::text_count(
            $crate::i18n::keys::$($segment)::+,
            ($count) as f64,
            vec![$((stringify!($name), $crate::text::Arg::from($value))),*],
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
