//! Compiles the localisation catalog (`locales/<locale>.json`) into Rust: a `Locale` enum,
//! one constant per key (so an unknown key is a compile error), and one table of texts per
//! language. The build fails, naming the key, when a language lacks a key the default has,
//! has one the default lacks, or uses different `{{ placeholders }}`.
//!
//! A value that is an object whose keys are only CLDR plural categories (`zero`, `one`,
//! `two`, `few`, `many`, `other`) is a plural message: `{ "one": "{{ count }} app",
//! "other": "{{ count }} apps" }`. Its key becomes a `PluralKey` (only `tr_count!` and
//! `i18n::plural` take one). Each language must give exactly the categories its grammar
//! uses for whole numbers ([`PLURAL_CATEGORIES`]; `other` always), the default's `other`
//! form must use `{{ count }}`, every form may use only the default's placeholders, and
//! `other` must use all of them (a form such as Arabic `two` may spell the number out).
//!
//! Why not leptos_i18n: measured on the release build it added 19 KB brotli of wasm (a
//! sixth of the first-load budget) for locale negotiation and reactive plumbing that this
//! file and `src/i18n.rs` do in a few hundred bytes.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Every shipped language, the default (and fallback) first.
const LOCALES: &[&str] = &["en", "de", "fr", "ar"];
/// Languages written right to left.
const RTL: &[&str] = &["ar", "he", "fa", "ur"];
/// CLDR plural categories, in the order of the generated tables.
const CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];
/// The plural categories `Intl.PluralRules` selects for whole numbers in each shipped
/// language (CLDR 42+): a plural message must give exactly these. A new language needs its
/// line here (see https://www.unicode.org/cldr/charts/latest/supplemental/language_plural_rules.html).
const PLURAL_CATEGORIES: &[(&str, &[&str])] = &[
    ("en", &["one", "other"]),
    ("de", &["one", "other"]),
    ("fr", &["one", "many", "other"]),
    ("ar", &["zero", "one", "two", "few", "many", "other"]),
];

/// One catalog entry: a text, or a plural message's forms by category.
#[derive(Clone, PartialEq)]
enum Message {
    Text(String),
    Plural(BTreeMap<String, String>),
}

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let catalogs: Vec<BTreeMap<String, Message>> = LOCALES.iter().map(|l| load(l)).collect();
    check(&catalogs);
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("catalog.rs");
    std::fs::write(&out, generate(&catalogs)).expect("writing the generated catalog");
}

/// A locale's messages by dotted key (`nav.home`).
fn load(locale: &str) -> BTreeMap<String, Message> {
    let path = Path::new("locales").join(format!("{locale}.json"));
    println!("cargo::rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut texts = BTreeMap::new();
    flatten(&path, "", &value, &mut texts);
    texts
}

/// Whether `map` is a plural message: non-empty, and keyed only by plural categories.
fn is_plural(map: &serde_json::Map<String, Value>) -> bool {
    !map.is_empty() && map.keys().all(|k| CATEGORIES.contains(&k.as_str()))
}

fn flatten(path: &Path, prefix: &str, value: &Value, out: &mut BTreeMap<String, Message>) {
    match value {
        Value::Object(map) if !prefix.is_empty() && is_plural(map) => {
            let mut forms = BTreeMap::new();
            for (category, form) in map {
                let Value::String(text) = form else {
                    panic!("{}: the `{category}` form of `{prefix}` must be a string", path.display())
                };
                forms.insert(category.clone(), text.clone());
            }
            assert!(
                forms.contains_key("other"),
                "{}: plural message `{prefix}` lacks its `other` form",
                path.display()
            );
            out.insert(prefix.to_string(), Message::Plural(forms));
        }
        Value::Object(map) => {
            for (k, v) in map {
                let valid = k.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                    && k.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
                assert!(valid, "{}: key `{k}` must be snake_case ASCII", path.display());
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(path, &key, v, out);
            }
        }
        Value::String(s) => {
            out.insert(prefix.to_string(), Message::Text(s.clone()));
        }
        other => panic!("{}: `{prefix}` must be a string or an object, not {other}", path.display()),
    }
}

fn placeholders(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else { break };
        found.insert(rest[start + 2..start + len].trim().to_string());
        rest = &rest[start + len + 2..];
    }
    found
}

/// Every placeholder a message uses (for a plural message, those of its `other` form).
fn message_placeholders(message: &Message) -> BTreeSet<String> {
    match message {
        Message::Text(text) => placeholders(text),
        Message::Plural(forms) => placeholders(&forms["other"]),
    }
}

fn check(catalogs: &[BTreeMap<String, Message>]) {
    let default = &catalogs[0];
    let mut problems = Vec::new();
    for (locale, catalog) in LOCALES.iter().zip(catalogs) {
        let Some((_, needed)) = PLURAL_CATEGORIES.iter().find(|(l, _)| l == locale) else {
            problems.push(format!("build.rs PLURAL_CATEGORIES has no line for `{locale}`"));
            continue;
        };
        for (key, message) in catalog {
            let Message::Plural(forms) = message else { continue };
            let given: Vec<&str> = forms.keys().map(String::as_str).collect();
            for category in needed.iter().filter(|c| !given.contains(c)) {
                problems.push(format!("locales/{locale}.json `{key}` lacks the `{category}` form its language needs"));
            }
            for category in given.iter().filter(|c| !needed.contains(c)) {
                problems.push(format!(
                    "locales/{locale}.json `{key}` has a `{category}` form, which its language never selects"
                ));
            }
            let all = message_placeholders(message);
            for (category, text) in forms {
                if !placeholders(text).is_subset(&all) {
                    problems.push(format!(
                        "locales/{locale}.json `{key}` `{category}` uses placeholders its `other` form lacks"
                    ));
                }
            }
            if *locale == LOCALES[0] && !all.contains("count") {
                problems.push(format!(
                    "locales/{locale}.json `{key}` is a plural message without `{{{{ count }}}}` in its `other` form"
                ));
            }
        }
    }
    for (locale, catalog) in LOCALES.iter().zip(catalogs).skip(1) {
        for key in default.keys().filter(|k| !catalog.contains_key(*k)) {
            problems.push(format!("locales/{locale}.json lacks `{key}`"));
        }
        for key in catalog.keys().filter(|k| !default.contains_key(*k)) {
            problems.push(format!("locales/{locale}.json has `{key}`, which locales/{}.json does not", LOCALES[0]));
        }
        for (key, message) in catalog {
            let Some(base) = default.get(key) else { continue };
            if matches!(base, Message::Plural(_)) != matches!(message, Message::Plural(_)) {
                problems.push(format!(
                    "locales/{locale}.json `{key}` must be a plural message in every language or in none"
                ));
                continue;
            }
            if message_placeholders(base) != message_placeholders(message) {
                problems.push(format!(
                    "locales/{locale}.json `{key}` uses {:?}, the default uses {:?}",
                    message_placeholders(message),
                    message_placeholders(base)
                ));
            }
        }
    }
    assert!(problems.is_empty(), "the localisation catalog is inconsistent:\n  {}", problems.join("\n  "));
}

fn generate(catalogs: &[BTreeMap<String, Message>]) -> String {
    let is_plural = |key: &String| matches!(catalogs[0][key], Message::Plural(_));
    let keys: Vec<&String> = catalogs[0].keys().filter(|k| !is_plural(k)).collect();
    let plural_keys: Vec<&String> = catalogs[0].keys().filter(|k| is_plural(k)).collect();
    let mut s = String::from("// Generated by build.rs from locales/*.json. Do not edit.\n\n");

    s.push_str("/// A shipped language.\n#[allow(non_camel_case_types)]\n#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]\npub enum Locale {\n");
    for l in LOCALES {
        let _ = writeln!(s, "    {},", variant(l));
    }
    s.push_str("}\n\nimpl Locale {\n    /// Every shipped language, the default first.\n    pub const ALL: &'static [Locale] = &[");
    for l in LOCALES {
        let _ = write!(s, "Locale::{}, ", variant(l));
    }
    s.push_str("];\n\n    /// The BCP 47 code, as in `<html lang>`.\n    pub fn code(self) -> &'static str {\n        match self {\n");
    for l in LOCALES {
        let _ = writeln!(s, "            Locale::{} => {l:?},", variant(l));
    }
    s.push_str("        }\n    }\n\n    /// Whether the language is written right to left.\n    pub fn is_rtl(self) -> bool {\n        match self {\n");
    for l in LOCALES {
        let _ = writeln!(s, "            Locale::{} => {},", variant(l), RTL.contains(l));
    }
    s.push_str("        }\n    }\n\n    /// The language's name in itself (the language menus), for every language: not in its catalog,\n    /// which may not be loaded.\n    pub fn name(self) -> &'static str {\n        match self {\n");
    for (l, catalog) in LOCALES.iter().zip(catalogs) {
        let Some(Message::Text(name)) = catalog.get("language_name") else {
            panic!("locales/{l}.json lacks `language_name`")
        };
        let _ = writeln!(s, "            Locale::{} => {name:?},", variant(l));
    }
    // The default language is in the first load; with the `split` feature every other one is
    // a split point of its own (src/chunk.rs), loaded by `crate::i18n::load` when chosen.
    s.push_str("        }\n    }\n\n    /// The catalog of a language other than the default if it is compiled into the main\n    /// module: every one without the `split` feature. (The default language has no table: its\n    /// texts are in the keys, see [`Key`].)\n    fn builtin(self) -> Option<Catalog> {\n        match self {\n");
    for l in &LOCALES[1..] {
        s.push_str("            #[cfg(not(feature = \"split\"))]\n");
        let _ = writeln!(
            s,
            "            Locale::{} => Some(Catalog {{ texts: &TEXTS_{u}, plurals: &PLURALS_{u} }}),",
            variant(l),
            u = l.to_uppercase()
        );
    }
    s.push_str("            #[allow(unreachable_patterns)]\n            _ => None,\n        }\n    }\n}\n\n");
    let _ = writeln!(s, "/// How many languages are shipped.\nconst LOCALE_COUNT: usize = {};\n", LOCALES.len());
    for l in &LOCALES[1..] {
        let _ = writeln!(s, "split!(catalog_{v}, preload_catalog_{v} => #[allow(dead_code)] fn catalog_{v}() -> Catalog {{\n    Catalog {{ texts: &TEXTS_{u}, plurals: &PLURALS_{u} }}\n}});\n", v = variant(l), u = l.to_uppercase());
    }
    s.push_str("/// Fetches the chunk with `locale`'s catalog (none for the default language: its texts are\n/// in the keys).\n#[allow(dead_code)]\nasync fn load_chunk(locale: Locale) -> Result<Option<Catalog>, crate::chunk::ChunkError> {\n    match locale {\n");
    let _ = writeln!(s, "        Locale::{} => Ok(None),", variant(LOCALES[0]));
    for l in &LOCALES[1..] {
        let _ = writeln!(s, "        Locale::{v} => catalog_{v}().await.map(Some),", v = variant(l));
    }
    s.push_str("    }\n}\n\n");

    // A key is a reference to a static holding its place in the other languages' tables and its
    // text in the default language. A text is then referenced only by the code that shows it,
    // so wasm-split puts the English texts of a page into that page's chunk, and the first
    // load carries only the texts of the shell and the landing page (−6.6 KB brotli; a table
    // of every English text in the main module kept them all there).
    s.push_str("/// A key of the catalog; see [`keys`].\n#[derive(Clone, Copy, Debug, PartialEq, Eq)]\npub struct Key(&'static KeyText);\n\n");
    s.push_str("/// A text key's place in each language's table, and its text in the default language.\n#[derive(Debug, PartialEq, Eq)]\npub struct KeyText {\n    index: u16,\n    default: &'static str,\n}\n\n");
    s.push_str("/// A key of the catalog whose message has plural forms; see [`keys`].\n#[derive(Clone, Copy, Debug, PartialEq, Eq)]\npub struct PluralKey(&'static PluralText);\n\n");
    s.push_str("/// A plural key's place in each language's table, and its forms in the default language.\n#[derive(Debug, PartialEq, Eq)]\npub struct PluralText {\n    index: u16,\n    default: [&'static str; 6],\n}\n\n");

    // Nested modules mirror the JSON objects: `keys::nav::home`.
    s.push_str("/// One constant per catalog key, nested like the JSON files.\n#[allow(non_upper_case_globals, unused_imports)]\npub mod keys {\n    use super::{Key, PluralKey};\n");
    let mut open: Vec<&str> = Vec::new();
    let (mut texts, mut plurals) = (0, 0);
    for key in catalogs[0].keys() {
        let parts: Vec<&str> = key.split('.').collect();
        let (modules, name) = parts.split_at(parts.len() - 1);
        let common = open.iter().zip(modules).take_while(|(a, b)| a == b).count();
        while open.len() > common {
            open.pop();
            let _ = writeln!(s, "{}}}", "    ".repeat(open.len() + 1));
        }
        for m in &modules[common..] {
            let _ = writeln!(s, "{}#[allow(non_upper_case_globals, unused_imports)]\n{}pub mod {m} {{\n{}    use super::{{Key, PluralKey}};", "    ".repeat(open.len() + 1), "    ".repeat(open.len() + 1), "    ".repeat(open.len() + 1));
            open.push(m);
        }
        let indent = "    ".repeat(open.len() + 1);
        if is_plural(key) {
            let _ = writeln!(
                s,
                "{indent}pub const {}: PluralKey = PluralKey(&crate::i18n::DEFAULT_PLURAL_{plurals});",
                name[0]
            );
            plurals += 1;
        } else {
            let _ = writeln!(s, "{indent}pub const {}: Key = Key(&crate::i18n::DEFAULT_TEXT_{texts});", name[0]);
            texts += 1;
        }
    }
    while !open.is_empty() {
        open.pop();
        let _ = writeln!(s, "{}}}", "    ".repeat(open.len() + 1));
    }
    s.push_str("}\n\n");

    // The default language: one static per key (see `Key`).
    let forms = |message: &Message| -> Vec<String> {
        let Message::Plural(forms) = message else { unreachable!("checked: same kind in every language") };
        CATEGORIES.iter().map(|c| forms.get(*c).unwrap_or(&forms["other"]).clone()).collect()
    };
    for (index, key) in keys.iter().enumerate() {
        let Message::Text(text) = &catalogs[0][*key] else { unreachable!("only texts") };
        let _ = writeln!(s, "static DEFAULT_TEXT_{index}: KeyText = KeyText {{ index: {index}, default: {text:?} }};");
    }
    for (index, key) in plural_keys.iter().enumerate() {
        let _ = writeln!(
            s,
            "static DEFAULT_PLURAL_{index}: PluralText = PluralText {{ index: {index}, default: {:?} }};",
            forms(&catalogs[0][*key])
        );
    }
    s.push('\n');
    for (l, catalog) in LOCALES.iter().zip(catalogs).skip(1) {
        let _ = writeln!(s, "static TEXTS_{}: [&str; {}] = [", l.to_uppercase(), keys.len());
        for key in &keys {
            let Message::Text(text) = &catalog[*key] else { unreachable!("checked: same kind in every language") };
            let _ = writeln!(s, "    {text:?},");
        }
        s.push_str("];\n\n");
        let _ = writeln!(s, "static PLURALS_{}: [[&str; 6]; {}] = [", l.to_uppercase(), plural_keys.len());
        for key in &plural_keys {
            let Message::Plural(forms) = &catalog[*key] else { unreachable!("checked: same kind in every language") };
            let row: Vec<&String> = CATEGORIES.iter().map(|c| forms.get(*c).unwrap_or(&forms["other"])).collect();
            let _ = writeln!(s, "    {row:?},");
        }
        s.push_str("];\n\n");
    }
    s
}

fn variant(locale: &str) -> String {
    locale.replace('-', "_")
}
