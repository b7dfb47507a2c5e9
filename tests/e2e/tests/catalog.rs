//! The localisation catalog against the code, without a browser: every key of
//! `locales/en.json` is used somewhere in `src/`, every key the code names exists, every
//! language has every key, and no `view!` shows hard-coded words instead of a catalog text.
//!
//! A missing key is already a compile error (`build.rs` generates one constant per key); an
//! unused one is not, so this is where it is caught. Keys are referenced only through the
//! macros of `src/text.rs` (`tr!`, `tr_with!`, `tr_count!`, `key!`) or a full path
//! (`i18n::keys::a::b`); the generated constants are never computed, so the scan is exact.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const PLURAL_CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The dotted keys of a catalog file; a plural message (an object keyed only by plural
/// categories, as `build.rs` reads it) is one key.
fn catalog_keys(locale: &str) -> BTreeSet<String> {
    let path = root().join("locales").join(format!("{locale}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut keys = BTreeSet::new();
    flatten("", &value, &mut keys);
    keys
}

fn flatten(prefix: &str, value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map)
            if !prefix.is_empty() && !map.is_empty() && map.keys().all(|k| PLURAL_CATEGORIES.contains(&k.as_str())) =>
        {
            out.insert(prefix.to_string());
        }
        Value::Object(map) => {
            for (k, v) in map {
                flatten(&if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") }, v, out);
            }
        }
        _ => {
            out.insert(prefix.to_string());
        }
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `source` with its comments blanked out (doc comments show macro calls as examples).
fn strip_comments(source: &str) -> String {
    let b = source.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match skip_literal(b, i) {
            Some((end, None)) if b[i] == b'/' => {
                out.extend(b[i..end.min(b.len())].iter().map(|&c| if c == b'\n' { b'\n' } else { b' ' }));
                i = end;
            }
            Some((end, _)) => {
                out.extend_from_slice(&b[i..end.min(b.len())]);
                i = end;
            }
            None => {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Every Rust file under `src/`, by path, with comments blanked out.
fn sources() -> Vec<(String, String)> {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    files.sort();
    assert!(files.len() > 10, "src/ has only {} Rust files", files.len());
    files
        .into_iter()
        .map(|f| {
            let name = f.strip_prefix(root()).unwrap_or(&f).display().to_string();
            (name, strip_comments(&std::fs::read_to_string(&f).unwrap()))
        })
        .collect()
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The dotted path at the start of `rest` (`nav.home` in `nav.home, count = n)`),
/// whitespace between segments allowed.
fn dotted_path(rest: &str) -> Option<String> {
    let mut segments = Vec::new();
    let mut s = rest.trim_start();
    loop {
        let len = s.find(|c: char| !is_ident(c)).unwrap_or(s.len());
        if len == 0 {
            return None;
        }
        segments.push(&s[..len]);
        s = s[len..].trim_start();
        match s.strip_prefix('.') {
            Some(after) => s = after.trim_start(),
            None => break,
        }
    }
    Some(segments.join("."))
}

/// Every catalog key `source` names: `tr!(a.b)`, `tr_with!(a.b, …)`, `tr_count!(a.b, …)`,
/// `key!(a.b)` and `keys::a::b`.
fn referenced_keys(source: &str) -> Vec<String> {
    let mut found = Vec::new();
    for mac in ["tr!(", "tr_with!(", "tr_count!(", "key!("] {
        let mut from = 0;
        while let Some(at) = source[from..].find(mac) {
            let start = from + at;
            from = start + mac.len();
            // `tr!(` inside `foo_tr!(`, or the `macro_rules!` definitions themselves.
            if source[..start].chars().next_back().is_some_and(is_ident) {
                continue;
            }
            if let Some(path) = dotted_path(&source[from..]) {
                // The macro definitions' own patterns (`$($segment:ident).+`) are not paths.
                found.push(path);
            }
        }
    }
    let mut from = 0;
    while let Some(at) = source[from..].find("keys::") {
        let start = from + at + "keys::".len();
        from = start;
        if source[..start - "keys::".len()].chars().next_back().is_some_and(is_ident) {
            continue;
        }
        let len = source[start..].find(|c: char| !is_ident(c) && c != ':').unwrap_or(source.len() - start);
        let path = source[start..start + len].trim_end_matches(':').replace("::", ".");
        if !path.is_empty() && !path.starts_with('$') {
            found.push(path);
        }
    }
    found
}

#[test]
fn the_reference_scanner_reads_every_form() {
    let code = r#"
        view! { <p>{tr!(nav.home)}</p> {tr_with!(home.title, organisation = name)} }
        let k = key!( protection . line . pin_required );
        tr_count!(
            protection_summary.blocked,
            count = n,
        );
        lookup(locale, crate::i18n::keys::rename::saved);
        my_tr!(not.a.key);
        /// An example in a doc comment: `tr!(doc.example)`.
    "#;
    assert_eq!(
        referenced_keys(&strip_comments(code)),
        ["nav.home", "home.title", "protection_summary.blocked", "protection.line.pin_required", "rename.saved"]
    );
}

#[test]
fn every_key_is_used_and_every_used_key_exists() {
    let keys = catalog_keys("en");
    assert!(keys.len() > 100, "locales/en.json has only {} keys", keys.len());
    let mut used = BTreeSet::new();
    let mut missing = Vec::new();
    for (file, source) in sources() {
        // The macro definitions themselves match `tr!(` with a `$(` pattern, not a key.
        for key in referenced_keys(&source).into_iter().filter(|k| !k.starts_with('$') && !k.is_empty()) {
            if !keys.contains(&key) {
                missing.push(format!("{file}: `{key}`"));
            }
            used.insert(key);
        }
    }
    // A whole section can be referenced by a path prefix only through a constant's full
    // path, which the scan records as such; nothing else counts as a use.
    let unused: Vec<&String> = keys.iter().filter(|k| !used.contains(*k)).collect();
    assert!(missing.is_empty(), "keys named in src/ but absent from locales/en.json:\n  {}", missing.join("\n  "));
    assert!(
        unused.is_empty(),
        "{} keys of locales/en.json are used nowhere in src/ (remove them from every locales/*.json, or use them):\n  {}",
        unused.len(),
        unused.iter().map(|k| k.as_str()).collect::<Vec<_>>().join("\n  ")
    );
}

#[test]
fn every_language_has_exactly_the_default_keys() {
    let default = catalog_keys("en");
    let dir = root().join("locales");
    let mut languages: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".json").map(str::to_string))
        .collect();
    languages.sort();
    for must in ["ar", "de", "en", "fr"] {
        assert!(languages.iter().any(|l| l == must), "locales/{must}.json is missing");
    }
    let build = std::fs::read_to_string(root().join("build.rs")).unwrap();
    let line = build.lines().find(|l| l.starts_with("const LOCALES")).expect("build.rs declares LOCALES");
    for language in &languages {
        assert!(
            line.contains(&format!("\"{language}\"")),
            "locales/{language}.json is not registered in build.rs LOCALES: {line}"
        );
        let keys = catalog_keys(language);
        let lacks: Vec<&String> = default.difference(&keys).collect();
        let extra: Vec<&String> = keys.difference(&default).collect();
        assert!(
            lacks.is_empty() && extra.is_empty(),
            "locales/{language}.json lacks {lacks:?} and has extra {extra:?}"
        );
    }
}

/// Skips a comment, string or char literal starting at `i`, returning the index after it
/// and, for a string, its contents; `None` when `i` starts none of them.
fn skip_literal(b: &[u8], i: usize) -> Option<(usize, Option<String>)> {
    let at = |j: usize| b.get(j).copied().unwrap_or(0);
    if at(i) == b'/' && at(i + 1) == b'/' {
        let end = b[i..].iter().position(|&c| c == b'\n').map_or(b.len(), |p| i + p);
        return Some((end, None));
    }
    if at(i) == b'/' && at(i + 1) == b'*' {
        let end = b[i + 2..].windows(2).position(|w| w == b"*/").map_or(b.len(), |p| i + 2 + p + 2);
        return Some((end, None));
    }
    // Raw strings: r"…", r#"…"#.
    if at(i) == b'r' && (at(i + 1) == b'"' || at(i + 1) == b'#') && (i == 0 || !is_ident(at(i - 1) as char)) {
        let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
        if at(i + 1 + hashes) == b'"' {
            let body = i + 2 + hashes;
            let close: Vec<u8> = std::iter::once(b'"').chain(std::iter::repeat_n(b'#', hashes)).collect();
            let end = b[body..].windows(close.len()).position(|w| w == close.as_slice()).map_or(b.len(), |p| body + p);
            return Some((end + close.len(), Some(String::from_utf8_lossy(&b[body..end]).into_owned())));
        }
    }
    if at(i) == b'"' {
        let mut j = i + 1;
        while j < b.len() && b[j] != b'"' {
            j += if b[j] == b'\\' { 2 } else { 1 };
        }
        return Some((j + 1, Some(String::from_utf8_lossy(&b[i + 1..j.min(b.len())]).into_owned())));
    }
    // A char literal ('x', '\n', '{'), not a lifetime ('static).
    if at(i) == b'\'' {
        if at(i + 1) == b'\\' {
            let end = b[i + 2..].iter().position(|&c| c == b'\'').map_or(b.len(), |p| i + 2 + p + 1);
            return Some((end, None));
        }
        let len = std::str::from_utf8(&b[i + 1..]).ok().and_then(|s| s.chars().next()).map_or(1, char::len_utf8);
        if at(i + 1 + len) == b'\'' {
            return Some((i + 2 + len, None));
        }
    }
    None
}

/// String literals written as text content in `view!` markup: at the macro body's own
/// depth (not inside a `{ rust expression }` or the `(arguments)` of a call such as
/// `path!("/apps")` in an attribute) and not an attribute value (`class="x"`).
fn view_text_literals(source: &str) -> Vec<String> {
    let b = source.as_bytes();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = source[from..].find("view!") {
        let mut i = from + at + "view!".len();
        from = i;
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if b.get(i) != Some(&b'{') {
            continue;
        }
        i += 1;
        let mut depth = 0usize;
        let mut last_significant = b'{';
        while i < b.len() {
            if let Some((end, literal)) = skip_literal(b, i) {
                if let Some(text) = literal {
                    let attribute = last_significant == b'=';
                    if depth == 0 && !attribute && text.chars().any(char::is_alphabetic) {
                        found.push(text);
                    }
                    last_significant = b'"';
                }
                i = end;
                continue;
            }
            match b[i] {
                b'{' | b'(' | b'[' => depth += 1,
                b'}' if depth == 0 => break,
                b'}' | b')' | b']' => depth = depth.saturating_sub(1),
                _ => {}
            }
            if !b[i].is_ascii_whitespace() {
                last_significant = b[i];
            }
            i += 1;
        }
    }
    found
}

#[test]
fn the_view_scanner_tells_text_from_attributes() {
    let code = r#"
        view! {
            // The user's name: a comment's apostrophe is not a char literal.
            <p class="muted" aria-hidden="true">{tr!(nav.home)} " " "Hard-coded words"</p>
            {move || if x { "class-in-code" } else { "other" }}
            <a href=r"/raw">"Raw text"</a>
            <span>{'{'}</span>
            {view! { <b>"Nested"</b> }}
            <Route path=path!("/apps") view=Apps />
            <li class=format!("state-{:?}", s).to_lowercase() aria-invalid=move || bad.then_some("true")>"Text"</li>
        }
    "#;
    assert_eq!(view_text_literals(&strip_comments(code)), ["Hard-coded words", "Raw text", "Text", "Nested"]);
}

#[test]
fn views_show_catalog_texts_not_hard_coded_words() {
    let mut found = Vec::new();
    for (file, source) in sources() {
        for text in view_text_literals(&source) {
            found.push(format!("{file}: {text:?}"));
        }
    }
    assert!(
        found.is_empty(),
        "text written into view! markup instead of a catalog key (use tr!/tr_with!/tr_count!):\n  {}",
        found.join("\n  ")
    );
}
