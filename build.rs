//! Checks the localisation catalog before the app is compiled.
//!
//! `leptos_i18n` turns a key used in the code but absent from the default language into
//! a compile error, but only warns when another language lacks a key (and then shows the
//! default language's text). We ship complete languages: a key missing from a language,
//! or present only there, fails the build and names the key.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

const DEFAULT_LOCALE: &str = "en";
const LOCALES: &[&str] = &["en", "de"];
const PLURAL_SUFFIXES: &[&str] = &["_zero", "_one", "_two", "_few", "_many", "_other"];

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=locales");
    let default = keys_of(DEFAULT_LOCALE);
    let mut problems = Vec::new();
    for locale in LOCALES.iter().filter(|l| **l != DEFAULT_LOCALE) {
        let keys = keys_of(locale);
        for missing in default.difference(&keys) {
            problems.push(format!("locales/{locale}.json lacks `{missing}`"));
        }
        for extra in keys.difference(&default) {
            problems.push(format!("locales/{locale}.json has `{extra}`, which locales/{DEFAULT_LOCALE}.json does not"));
        }
    }
    if !problems.is_empty() {
        panic!("the localisation catalog is incomplete:\n  {}", problems.join("\n  "));
    }
}

fn keys_of(locale: &str) -> BTreeSet<String> {
    let path = Path::new("locales").join(format!("{locale}.json"));
    println!("cargo::rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut keys = BTreeSet::new();
    flatten("", &value, &mut keys);
    keys
}

fn flatten(prefix: &str, value: &Value, keys: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&key, v, keys);
            }
        }
        _ => {
            // Plural forms differ by language (English: one/other; Arabic: six forms),
            // so `count_one` and `count_other` are one key, `count`.
            let base = PLURAL_SUFFIXES.iter().find_map(|s| prefix.strip_suffix(s)).unwrap_or(prefix);
            keys.insert(base.to_string());
        }
    }
}
