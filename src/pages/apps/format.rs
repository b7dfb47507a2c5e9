//! Download sizes in the reader's language, by the browser's `Intl.NumberFormat` (plain
//! numbers: `crate::i18n::number`).

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::JsValue;

fn formatter(locale: &str, pairs: &[(&str, JsValue)]) -> js_sys::Intl::NumberFormat {
    let options = Object::new();
    for (name, value) in pairs {
        let _ = Reflect::set(&options, &JsValue::from_str(name), value);
    }
    js_sys::Intl::NumberFormat::new(&Array::of1(&JsValue::from_str(locale)), &options)
}

fn call(formatter: &js_sys::Intl::NumberFormat, n: f64) -> String {
    formatter
        .format()
        .call1(&JsValue::UNDEFINED, &JsValue::from_f64(n))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| n.to_string())
}

/// A download size in megabytes (or kilobytes below one), e.g. "48 MB", "48 Mo".
pub fn size(bytes: u64, locale: &str) -> String {
    let (value, unit) =
        if bytes >= 1_000_000 { (bytes as f64 / 1e6, "megabyte") } else { (bytes as f64 / 1e3, "kilobyte") };
    let pairs = [
        ("style", JsValue::from_str("unit")),
        ("unit", JsValue::from_str(unit)),
        ("maximumFractionDigits", JsValue::from_f64(if value < 10.0 { 1.0 } else { 0.0 })),
    ];
    call(&formatter(locale, &pairs), value)
}
