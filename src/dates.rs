//! Dates and relative times in the reader's language, formatted by the browser's `Intl`
//! (no date or locale tables compiled into the wasm). The API sends RFC 3339; anything the
//! browser cannot parse is shown as it came rather than as "Invalid Date".

use js_sys::{Array, Date, Object, Reflect};
use wasm_bindgen::JsValue;

/// Milliseconds since the epoch, or `None` if `rfc3339` is not a date.
pub fn millis(rfc3339: &str) -> Option<f64> {
    let ms = Date::parse(rfc3339);
    (!ms.is_nan()).then_some(ms)
}

fn options(pairs: &[(&str, &str)]) -> Object {
    let object = Object::new();
    for (name, value) in pairs {
        let _ = Reflect::set(&object, &JsValue::from_str(name), &JsValue::from_str(value));
    }
    object
}

/// A date and time, e.g. "21 Nov 2026, 14:30" (`en`) or "21.11.2026, 14:30" (`de`).
pub fn date_time(rfc3339: &str, locale: &str) -> String {
    format(rfc3339, locale, &[("dateStyle", "medium"), ("timeStyle", "short")])
}

/// A date, e.g. "21 Nov 2026".
pub fn date(rfc3339: &str, locale: &str) -> String {
    format(rfc3339, locale, &[("dateStyle", "medium")])
}

fn format(rfc3339: &str, locale: &str, pairs: &[(&str, &str)]) -> String {
    match millis(rfc3339) {
        Some(ms) => Date::new(&JsValue::from_f64(ms)).to_locale_string(locale, &options(pairs).into()).into(),
        None => rfc3339.to_string(),
    }
}

/// How long ago (or from now) `rfc3339` is, e.g. "5 minutes ago", "vor 2 Tagen", "now".
pub fn relative(rfc3339: &str, locale: &str) -> String {
    let Some(ms) = millis(rfc3339) else { return rfc3339.to_string() };
    let seconds = (ms - Date::now()) / 1000.0;
    let (value, unit) = relative_unit(seconds);
    let locales = Array::of1(&JsValue::from_str(locale));
    let formatter = js_sys::Intl::RelativeTimeFormat::new(&locales, &options(&[("numeric", "auto")]));
    formatter.format(value, unit).into()
}

/// The largest unit in which `seconds` (negative: past) is at least one, rounded.
pub fn relative_unit(seconds: f64) -> (f64, &'static str) {
    const UNITS: [(f64, &str); 6] = [
        (365.0 * 86_400.0, "year"),
        (30.0 * 86_400.0, "month"),
        (7.0 * 86_400.0, "week"),
        (86_400.0, "day"),
        (3_600.0, "hour"),
        (60.0, "minute"),
    ];
    for (size, unit) in UNITS {
        if seconds.abs() >= size {
            return ((seconds / size).round(), unit);
        }
    }
    (seconds.round(), "second")
}
