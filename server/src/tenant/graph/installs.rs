//! Self-service installs on Intune. Graph has no call that installs an Available app for a
//! person, so the portal does what self-service tools do: the organisation names, per app, an
//! Entra group with a Required assignment for it (and optionally a group with an Uninstall
//! assignment), and an install adds the person — or the Entra device, for device-targeted
//! apps — to that group.
//!
//! `GroupMember.ReadWrite.All` reaches every group that is not role-assignable, so the portal
//! changes membership **only** of the groups this file names: a [`AllowedGroup`] can only be
//! made from the file (its constructor is private to this module), and the functions that
//! write membership take one.
//!
//! ```toml
//! [[install_groups]]
//! app = "<mobileApp id>"            # the app in Intune
//! install_group = "<group id>"      # has a Required assignment for the app
//! uninstall_group = "<group id>"    # optional: has an Uninstall assignment for it
//! member = "user"                   # who joins: the person (default) or "device"
//! requestable = true                # optional: people ask first; an approval adds them
//! approvers = ["<user object id>"]  # who approves (with requestable)
//!
//! [terms]                           # optional: terms of use, as in a tenant file
//! version = "2026-11"
//! groups = ["<group id>"]           # optional: whom they are for (absent: everyone)
//! [[terms.texts]]
//! language = "en"
//! title = "…"
//! text = "…"
//! ```

use anyhow::{bail, Context};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Who joins the group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Member {
    /// The person (a user-targeted Required assignment).
    #[default]
    User,
    /// The Entra device behind the managed device (a device-targeted one).
    Device,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    install_groups: Vec<Entry>,
    #[serde(default)]
    terms: Option<crate::tenant_file::Terms>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    app: String,
    install_group: String,
    #[serde(default)]
    uninstall_group: Option<String>,
    #[serde(default)]
    member: Member,
    #[serde(default)]
    requestable: bool,
    #[serde(default)]
    approvers: Vec<String>,
}

/// A group the organisation file allows the portal to change the membership of.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AllowedGroup(String);

impl AllowedGroup {
    pub fn id(&self) -> &str {
        &self.0
    }
}

/// How one app is installed and uninstalled.
#[derive(Debug, Clone)]
pub struct InstallGroups {
    pub install: AllowedGroup,
    pub uninstall: Option<AllowedGroup>,
    pub member: Member,
    /// People ask first; an approval adds them to the install group.
    pub requestable: bool,
    /// Object ids of the approvers (lower case).
    pub approvers: Vec<String>,
}

/// The organisation file's install groups, by app id.
#[derive(Debug, Clone, Default)]
pub struct InstallGroupFile {
    by_app: HashMap<String, InstallGroups>,
    terms: Option<crate::tenant::TermsConfig>,
}

impl InstallGroupFile {
    /// Reads and checks `path`; every error names the file, the field path and the reason.
    pub fn load(path: &Path) -> anyhow::Result<InstallGroupFile> {
        let text = std::fs::read_to_string(path).with_context(|| format!("{}: cannot read it", path.display()))?;
        InstallGroupFile::parse(&path.display().to_string(), &text)
    }

    pub fn parse(name: &str, text: &str) -> anyhow::Result<InstallGroupFile> {
        let deserializer = toml::Deserializer::parse(text).map_err(|e| anyhow::anyhow!("{name}: {}", e.message()))?;
        let file: File = serde_path_to_error::deserialize(deserializer).map_err(|e| {
            let path = e.path().to_string();
            anyhow::anyhow!("{name}: at `{path}`: {}", e.inner().message())
        })?;
        let mut by_app = HashMap::new();
        let mut groups: HashSet<String> = HashSet::new();
        for (i, entry) in file.install_groups.into_iter().enumerate() {
            let at = |field: &str| format!("{name}: at `install_groups[{i}].{field}`");
            for (field, id) in [
                ("app", Some(&entry.app)),
                ("install_group", Some(&entry.install_group)),
                ("uninstall_group", entry.uninstall_group.as_ref()),
            ] {
                if let Some(id) = id {
                    if !is_object_id(id) {
                        bail!("{}: `{id}` is not an object id (a GUID such as 2f8a3c1e-…)", at(field));
                    }
                }
            }
            if entry.uninstall_group.as_deref() == Some(entry.install_group.as_str()) {
                bail!("{}: the uninstall group cannot be the install group", at("uninstall_group"));
            }
            for (field, id) in
                [("install_group", Some(&entry.install_group)), ("uninstall_group", entry.uninstall_group.as_ref())]
            {
                if let Some(id) = id {
                    if !groups.insert(id.to_ascii_lowercase()) {
                        bail!("{}: group `{id}` is named for another app too (each app needs its own)", at(field));
                    }
                }
            }
            let app = entry.app.to_ascii_lowercase();
            if by_app.contains_key(&app) {
                bail!("{}: app `{}` is listed twice", at("app"), entry.app);
            }
            if !entry.requestable && !entry.approvers.is_empty() {
                bail!("{}: only requestable apps have approvers (set requestable = true)", at("approvers"));
            }
            if entry.requestable {
                if entry.approvers.is_empty() {
                    bail!("{}: a requestable app needs at least one approver (a user's object id)", at("approvers"));
                }
                if entry.member != Member::User {
                    bail!(
                        "{}: an approval adds the person to the group, so member must be \"user\"",
                        at("requestable")
                    );
                }
                for (j, approver) in entry.approvers.iter().enumerate() {
                    if !is_object_id(approver) {
                        bail!("{}: `{approver}` is not an object id", at(&format!("approvers[{j}]")));
                    }
                }
            }
            by_app.insert(
                app,
                InstallGroups {
                    install: AllowedGroup(entry.install_group.to_ascii_lowercase()),
                    uninstall: entry.uninstall_group.map(|g| AllowedGroup(g.to_ascii_lowercase())),
                    member: entry.member,
                    requestable: entry.requestable,
                    approvers: entry.approvers.iter().map(|a| a.to_ascii_lowercase()).collect(),
                },
            );
        }
        let terms = match file.terms {
            None => None,
            Some(terms) => {
                crate::tenant_file::check_terms(&terms, |g| {
                    (!is_object_id(g)).then(|| format!("`{g}` is not a group's object id"))
                })
                .map_err(|(path, reason)| anyhow::anyhow!("{name}: at `{path}`: {reason}"))?;
                let texts = terms
                    .texts
                    .iter()
                    .map(|t| portal_core::domain::TermsText {
                        language: t.language.clone(),
                        title: t.title.trim().to_string(),
                        text: t.text.trim().to_string(),
                    })
                    .collect();
                Some(crate::tenant::TermsConfig {
                    terms: portal_core::domain::TermsOfUse { version: terms.version.trim().to_string(), texts },
                    groups: terms.groups.map(|g| g.iter().map(|id| id.to_ascii_lowercase()).collect()),
                })
            }
        };
        Ok(InstallGroupFile { by_app, terms })
    }

    /// The organisation file's terms of use, if it has any.
    pub fn terms(&self) -> Option<&crate::tenant::TermsConfig> {
        self.terms.as_ref()
    }

    /// The groups of `app_id`, if the file names any.
    pub fn for_app(&self, app_id: &str) -> Option<&InstallGroups> {
        self.by_app.get(&app_id.to_ascii_lowercase())
    }

    /// Every group the file allows (to check at start-up that each exists).
    pub fn groups(&self) -> impl Iterator<Item = &AllowedGroup> {
        self.by_app.values().flat_map(|g| std::iter::once(&g.install).chain(g.uninstall.as_ref()))
    }

    pub fn is_empty(&self) -> bool {
        self.by_app.is_empty()
    }

    pub fn has_device_members(&self) -> bool {
        self.by_app.values().any(|g| g.member == Member::Device)
    }

    /// Checks a group id from anywhere against the file: `None` for any group it does not
    /// name. The only way to an [`AllowedGroup`] besides [`InstallGroupFile::for_app`].
    pub fn allowed(&self, group_id: &str) -> Option<AllowedGroup> {
        let id = group_id.to_ascii_lowercase();
        self.groups().find(|g| g.0 == id).cloned()
    }
}

/// A directory object id: a GUID.
pub fn is_object_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split('-').collect();
    parts.len() == 5
        && parts.iter().zip([8, 4, 4, 4, 12]).all(|(p, n)| p.len() == n && p.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: &str = "00000006-0000-4000-8000-000000000001";
    const G1: &str = "00000002-0000-4000-8000-0000000000a1";
    const G2: &str = "00000002-0000-4000-8000-0000000000a2";

    #[test]
    fn a_valid_file() {
        let text = format!(
            "[[install_groups]]\napp = \"{APP}\"\ninstall_group = \"{G1}\"\nuninstall_group = \"{G2}\"\nmember = \"device\"\n"
        );
        let file = InstallGroupFile::parse("org.toml", &text).expect("valid");
        let groups = file.for_app(&APP.to_uppercase()).expect("case-insensitive");
        assert_eq!((groups.install.id(), groups.member), (G1, Member::Device));
        assert_eq!(file.allowed(G2).map(|g| g.0), Some(G2.to_string()));
        assert_eq!(file.allowed("00000002-0000-4000-8000-0000000000ff"), None, "only groups the file names");
        assert!(file.has_device_members());
    }

    #[test]
    fn errors_name_the_file_the_field_and_the_reason() {
        let cases = [
            (format!("[[install_groups]]\napp = \"{APP}\"\ninstall_group = \"sales\"\n"), "org.toml: at `install_groups[0].install_group`: `sales` is not an object id"),
            (format!("[[install_groups]]\napp = \"{APP}\"\ninstall_group = \"{G1}\"\ncolour = \"red\"\n"), "org.toml: at `install_groups[0].colour`: unknown field `colour`"),
            (format!("[[install_groups]]\napp = \"{APP}\"\ninstall_group = \"{G1}\"\nmember = \"everyone\"\n"), "org.toml: at `install_groups[0].member`: unknown variant `everyone`"),
            (format!("[[install_groups]]\napp = \"{APP}\"\ninstall_group = \"{G1}\"\nuninstall_group = \"{G1}\"\n"), "cannot be the install group"),
            (format!("[[install_groups]]\napp = \"{APP}\"\ninstall_group = \"{G1}\"\n[[install_groups]]\napp = \"{APP}\"\ninstall_group = \"{G2}\"\n"), "org.toml: at `install_groups[1].app`: app `00000006"),
            (format!("[[install_groups]]\napp = \"{APP}\"\ninstall_group = \"{G1}\"\n[[install_groups]]\napp = \"00000006-0000-4000-8000-000000000002\"\ninstall_group = \"{G1}\"\n"), "is named for another app too"),
            ("[[install_groups]]\napp = ".to_string(), "org.toml: "),
        ];
        for (text, expected) in cases {
            let error = InstallGroupFile::parse("org.toml", &text).expect_err("invalid").to_string();
            assert!(error.contains(expected), "{error}\n  expected: {expected}");
        }
    }

    #[test]
    fn object_ids() {
        assert!(is_object_id(APP));
        assert!(!is_object_id("00000006-0000-4000-8000-00000000000"));
        assert!(!is_object_id("../../users"));
    }
}
