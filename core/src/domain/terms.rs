//! Terms of use an organisation asks people to accept before they use the portal's
//! personal pages: one current version, written in one or more languages.

use serde::{Deserialize, Serialize};

/// The current terms. A new `version` asks everyone again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TermsOfUse {
    pub version: String,
    /// At least one; the first is shown when none is in the reader's language.
    pub texts: Vec<TermsText>,
}

/// The terms in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TermsText {
    /// A language code such as `en` or `de` (the primary subtag).
    pub language: String,
    pub title: String,
    /// Plain text; a blank line separates paragraphs.
    pub text: String,
}

impl TermsOfUse {
    /// The text in `language` (matched on the primary subtag, ignoring case), else the first.
    pub fn text_for(&self, language: &str) -> Option<&TermsText> {
        let primary = language.split(['-', '_']).next().unwrap_or(language);
        self.texts.iter().find(|t| t.language.eq_ignore_ascii_case(primary)).or_else(|| self.texts.first())
    }
}

/// When a person accepted a version of the terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TermsAcceptance {
    pub version: String,
    /// RFC 3339.
    pub accepted_date_time: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readers_language_else_the_first() {
        let text =
            |language: &str| TermsText { language: language.into(), title: language.into(), text: String::new() };
        let terms = TermsOfUse { version: "1".into(), texts: vec![text("en"), text("de")] };
        assert_eq!(terms.text_for("de-AT").map(|t| t.title.as_str()), Some("de"));
        assert_eq!(terms.text_for("DE").map(|t| t.title.as_str()), Some("de"));
        assert_eq!(terms.text_for("ar").map(|t| t.title.as_str()), Some("en"));
    }
}
