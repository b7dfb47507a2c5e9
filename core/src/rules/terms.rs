//! Who must accept the organisation's terms of use before using the portal's personal
//! pages: everyone the terms are for (all users, or the members of the groups they name)
//! who has not accepted the current version. Public pages stay public.

use crate::domain::TermsOfUse;
use serde::{Deserialize, Serialize};

/// Why the terms cannot be accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "code", rename_all = "camelCase")]
pub enum TermsRefusal {
    /// The version accepted is not the current one (the organisation published new terms
    /// meanwhile): the page shows the new ones.
    NotCurrentVersion,
    /// There are no terms to accept.
    NoTerms,
}

/// Whether terms targeted at `groups` (`None`: everyone) apply to someone in `user_groups`
/// (sorted or not).
pub fn applies_to(groups: Option<&[String]>, user_groups: &[String]) -> bool {
    groups.is_none_or(|groups| groups.iter().any(|g| user_groups.contains(g)))
}

/// Whether a person the terms apply to must still accept them, having accepted
/// `accepted_versions`.
pub fn must_accept<'a>(terms: &TermsOfUse, mut accepted_versions: impl Iterator<Item = &'a str>) -> bool {
    !accepted_versions.any(|v| v == terms.version)
}

/// Whether an acceptance of `version` can be recorded for the current `terms`.
pub fn may_accept(terms: Option<&TermsOfUse>, version: &str) -> Result<(), TermsRefusal> {
    match terms {
        None => Err(TermsRefusal::NoTerms),
        Some(t) if t.version != version => Err(TermsRefusal::NotCurrentVersion),
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(version: &str) -> TermsOfUse {
        TermsOfUse { version: version.into(), texts: vec![] }
    }

    #[test]
    fn once_per_version_for_the_people_they_are_for() {
        let field = vec!["g-field".to_string()];
        assert!(applies_to(None, &[]));
        assert!(applies_to(Some(&field), &["g-all".into(), "g-field".into()]));
        assert!(!applies_to(Some(&field), &["g-all".into()]));
        assert!(must_accept(&terms("2"), ["1"].into_iter()), "a new version asks again");
        assert!(!must_accept(&terms("2"), ["1", "2"].into_iter()));
        assert_eq!(may_accept(Some(&terms("2")), "2"), Ok(()));
        assert_eq!(may_accept(Some(&terms("2")), "1"), Err(TermsRefusal::NotCurrentVersion));
        assert_eq!(may_accept(None, "1"), Err(TermsRefusal::NoTerms));
    }
}
