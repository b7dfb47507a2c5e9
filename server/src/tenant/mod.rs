//! Tenant files: the organisation, its people, devices and apps, written by an
//! administrator (or generated) and loaded into the store.
//!
//! A tenant file is untrusted input. [`parse`] rejects a bad file as a whole, naming
//! the file, the field path and the reason, before anything reaches the database.

mod schema;
mod validate;

pub use schema::*;

use std::fmt;
use std::path::Path;

/// The demo tenant shipped in the binary, used when `--tenant` is omitted.
pub const DEMO_TENANT: &str = include_str!("../../tenants/demo.toml");

/// A tenant file's name (for messages) and text.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub text: String,
}

impl Source {
    pub fn demo() -> Source {
        Source { name: "built-in demo tenant (server/tenants/demo.toml)".into(), text: DEMO_TENANT.into() }
    }

    pub fn from_arg(path: Option<&Path>) -> anyhow::Result<Source> {
        match path {
            None => Ok(Source::demo()),
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
                Ok(Source { name: path.display().to_string(), text })
            }
        }
    }
}

/// Why a tenant file was rejected: which file, where in it, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantError {
    pub file: String,
    /// Dotted field path, e.g. `organisation.support.email`; `.` for the whole file.
    pub path: String,
    pub reason: String,
}

impl fmt::Display for TenantError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: at `{}`: {}", self.file, self.path, self.reason)
    }
}

impl std::error::Error for TenantError {}

/// Parses and validates a tenant file.
pub fn parse(source: &Source) -> Result<TenantFile, TenantError> {
    let error = |path: String, reason: String| TenantError { file: source.name.clone(), path, reason };
    let de = toml::Deserializer::parse(&source.text).map_err(|e| error(".".into(), e.to_string()))?;
    let tenant: TenantFile = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        // toml's message repeats the location; keep only what was wrong.
        error(path, e.into_inner().message().to_string())
    })?;
    validate::tenant(&tenant).map_err(|(path, reason)| error(path, reason))?;
    Ok(tenant)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(text: &str) -> Source {
        Source { name: "t.toml".into(), text: text.into() }
    }

    #[test]
    fn the_demo_tenant_is_valid() {
        let tenant = parse(&Source::demo()).expect("demo tenant parses");
        assert!(!tenant.organisation.name.is_empty());
    }

    #[test]
    fn rejections_name_file_path_and_reason() {
        let cases = [
            ("not toml at all [", ".", "expected"),
            ("[organisation]\nname = \"X\"\n", "organisation", "theme_color"),
            ("[organisation]\nname = \"X\"\ntheme_color = \"blue\"\n", "organisation.theme_color", "#rrggbb"),
            ("[organisation]\nname = \"\"\ntheme_color = \"#000000\"\n", "organisation.name", "empty"),
            (
                "[organisation]\nname = \"This organisation name is far too long to show\"\ntheme_color = \"#000000\"\n",
                "organisation.name",
                "40",
            ),
            ("[organisation]\nname = \"X\"\ntheme_color = \"#000000\"\nprivacy_url = \"javascript:alert(1)\"\n", "organisation.privacy_url", "http"),
            ("[organisation]\nname = \"X\"\ntheme_color = \"#000000\"\ncolour = 1\n", "organisation", "unknown field"),
            ("[organisation]\nname = \"X\"\ntheme_color = \"#000000\"\n[organisation.support]\nemail = \"nobody\"\n", "organisation.support.email", "email"),
        ];
        for (text, want_path, want_reason) in cases {
            let err = parse(&src(text)).expect_err(text);
            assert_eq!(err.file, "t.toml");
            assert!(err.path.starts_with(want_path), "{text:?}: path {:?}, wanted {want_path:?}", err.path);
            assert!(err.reason.contains(want_reason), "{text:?}: reason {:?}, wanted {want_reason:?}", err.reason);
        }
    }
}
