//! One stylesheet serves left-to-right and right-to-left languages (Arabic), so it must not
//! place anything by physical side: `margin-inline-start`, not `margin-left`; `inset-inline-end`,
//! not `right`; `text-align: start`, not `left`. This reads `style/main.css` (no browser) and
//! names every physical declaration, so a rule added later cannot quietly break Arabic. A
//! declaration mirrored by hand (a `[dir=rtl]` rule beside it) says so on its line with a
//! `/* mirrored: … */` comment.

use std::path::Path;

/// Properties that name a physical side, with their logical replacement.
const PHYSICAL: &[(&str, &str)] = &[
    ("margin-left", "margin-inline-start"),
    ("margin-right", "margin-inline-end"),
    ("padding-left", "padding-inline-start"),
    ("padding-right", "padding-inline-end"),
    ("border-left", "border-inline-start"),
    ("border-right", "border-inline-end"),
    ("border-left-width", "border-inline-start-width"),
    ("border-right-width", "border-inline-end-width"),
    ("border-left-color", "border-inline-start-color"),
    ("border-right-color", "border-inline-end-color"),
    ("border-left-style", "border-inline-start-style"),
    ("border-right-style", "border-inline-end-style"),
    ("border-top-left-radius", "border-start-start-radius"),
    ("border-top-right-radius", "border-start-end-radius"),
    ("border-bottom-left-radius", "border-end-start-radius"),
    ("border-bottom-right-radius", "border-end-end-radius"),
    ("left", "inset-inline-start"),
    ("right", "inset-inline-end"),
    ("scroll-margin-left", "scroll-margin-inline-start"),
    ("scroll-margin-right", "scroll-margin-inline-end"),
    ("scroll-padding-left", "scroll-padding-inline-start"),
    ("scroll-padding-right", "scroll-padding-inline-end"),
];

/// `(line, property, value)` of every declaration in `css`, comments removed.
fn declarations(css: &str) -> Vec<(usize, String, String)> {
    let mut text = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        text.push_str(&rest[..start]);
        let end = rest[start..].find("*/").map_or(rest.len(), |e| start + e + 2);
        // Keep the line count.
        text.extend(rest[start..end].chars().filter(|&c| c == '\n'));
        rest = &rest[end..];
    }
    text.push_str(rest);
    let mut found = Vec::new();
    let mut line = 1;
    let mut current = String::new();
    let mut start_line = 1;
    for c in text.chars() {
        match c {
            '{' | '}' | ';' => {
                if let Some((property, value)) = current.split_once(':') {
                    let property = property.trim().to_ascii_lowercase();
                    // `a:hover {` ends in `{` with a selector, not a declaration.
                    if c != '{' && property.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-') {
                        found.push((start_line, property, value.trim().to_string()));
                    }
                }
                current.clear();
            }
            _ => {
                if current.trim().is_empty() {
                    start_line = line;
                }
                current.push(c);
            }
        }
        if c == '\n' {
            line += 1;
        }
    }
    found
}

/// What is physical about one declaration, if anything.
fn physical(property: &str, value: &str) -> Option<String> {
    if let Some((_, logical)) = PHYSICAL.iter().find(|(p, _)| *p == property) {
        return Some(format!("use `{logical}`"));
    }
    let words: Vec<String> =
        value.split(|c: char| c.is_whitespace() || c == ',').map(|w| w.to_ascii_lowercase()).collect();
    let sided = words.iter().any(|w| w == "left" || w == "right");
    match property {
        "float" | "clear" | "text-align" | "caption-side" if sided => {
            Some("use `inline-start` / `inline-end` (`start` / `end` for text-align)".into())
        }
        "background-position" | "background-position-x" | "background" | "transform-origin" | "object-position"
            if sided =>
        {
            Some("a physical side; mirror it for [dir=rtl] or avoid it".into())
        }
        "transform" | "translate" if value.contains("translateX(") || property == "translate" => {
            Some("a horizontal move; it does not mirror in right-to-left".into())
        }
        "box-shadow" => value.split(',').find_map(|shadow| {
            let x = shadow.split_whitespace().find(|t| *t != "inset")?;
            let zero = x.trim_start_matches(['-', '+']).trim_end_matches(|c: char| c.is_ascii_alphabetic()) == "0";
            let is_length = x.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '.');
            (is_length && !zero).then(|| format!("a horizontal shadow offset ({x}); use a logical border instead"))
        }),
        _ => None,
    }
}

/// A declaration may stay physical when its line says why it is mirrored by hand, e.g.
/// `transform: translateX(1.25rem); /* mirrored: [dir=rtl] rule below */`.
const MIRRORED: &str = "/* mirrored";

fn problems(css: &str) -> Vec<String> {
    let mirrored: Vec<usize> =
        css.lines().enumerate().filter(|(_, l)| l.contains(MIRRORED)).map(|(i, _)| i + 1).collect();
    declarations(css)
        .into_iter()
        .filter(|(line, _, _)| !mirrored.contains(line))
        .filter_map(|(line, property, value)| {
            physical(&property, &value).map(|why| format!("line {line}: `{property}: {value}` — {why}"))
        })
        .collect()
}

#[test]
fn the_checker_finds_physical_declarations() {
    let css = "a { margin-left: 1rem; inset-inline-start: 0 }\n/* left: 0 in a comment */\nb:hover { text-align: left; box-shadow: inset 3px 0 0 red; }\nc { box-shadow: 0 1px 2px #000; left: 0; float: inline-start; transform: rotate(1deg) translateX(2px) }\nd { transform: translateX(1rem); /* mirrored: see [dir=rtl] d */ }";
    let found = problems(css);
    let names: Vec<&str> = found.iter().map(|p| p.split('`').nth(1).unwrap_or("")).collect();
    assert_eq!(
        names,
        [
            "margin-left: 1rem",
            "text-align: left",
            "box-shadow: inset 3px 0 0 red",
            "left: 0",
            "transform: rotate(1deg) translateX(2px)"
        ],
        "{found:#?}"
    );
    assert!(found[0].starts_with("line 1:") && found[3].starts_with("line 4:"), "{found:#?}");
}

#[test]
fn the_stylesheet_mirrors_for_right_to_left_languages() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../style/main.css");
    let css = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(declarations(&css).len() > 100, "style/main.css was not parsed");
    let found = problems(&css);
    assert!(
        found.is_empty(),
        "style/main.css places things by physical side, which does not mirror in Arabic:\n  {}",
        found.join("\n  ")
    );
}
