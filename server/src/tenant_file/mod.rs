//! Tenant files: the organisation, its people, devices and apps, written by an
//! administrator (or generated) and loaded into the store.
//!
//! A tenant file is untrusted input. [`parse`] rejects a bad file as a whole, naming
//! the file, the field path and the reason, before anything reaches the database.

pub mod as_of;
mod schema;
mod validate;

pub use schema::*;
pub use validate::{check_terms, recovery_keys as check_recovery_keys};

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
                let text = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
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

/// Parses and validates a tenant file; a file with `dates_as_of` has its dates moved to
/// now (see [`as_of`]).
pub fn parse(source: &Source) -> Result<TenantFile, TenantError> {
    parse_at(source, time::OffsetDateTime::now_utc())
}

/// [`parse`], with `now` as the moment a `dates_as_of` file's dates are moved to.
pub fn parse_at(source: &Source, now: time::OffsetDateTime) -> Result<TenantFile, TenantError> {
    let tenant = parse_as_written(source)?;
    let Some(written_for) = tenant.dates_as_of.as_deref() else { return Ok(tenant) };
    // Validation has checked it parses.
    let Ok(written_for) = time::OffsetDateTime::parse(written_for, &time::format_description::well_known::Rfc3339)
    else {
        return Ok(tenant);
    };
    let shift = as_of::shift_between(written_for, now);
    if shift.is_zero() {
        return Ok(tenant);
    }
    parse_as_written(&Source { name: source.name.clone(), text: as_of::shift_dates(&source.text, shift) })
}

fn parse_as_written(source: &Source) -> Result<TenantFile, TenantError> {
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

    /// A small tenant with every section, each reference resolvable. The cases below break
    /// one thing each.
    const BASE: &str = r##"
[organisation]
name = "Fabrikam"
theme_color = "#123456"

[[user_groups]]
id = "g1"
display_name = "Everyone"

[[users]]
id = "u1"
display_name = "Ada"
upn = "ada@fabrikam.example"
password_hash = "$argon2id$v=19$m=19456,t=2,p=1$5NDW11aSHO0i6M0+VZtV4Q$Xlr7k+Y3GQK5UB6qddqyHjVeLaDKxGbsH99aGsHpPgQ"
groups = ["g1"]

[[users]]
id = "u2"
display_name = "Ben"
upn = "ben@fabrikam.example"

[[device_groups]]
id = "dg1"
display_name = "Corporate"
members = ["d1"]

[[devices]]
id = "d1"
device_name = "Ada's iPhone"
operating_system = "ios"
os_version = "17.5"
owner_type = "company"
enrollment_type = "appleBulkWithUser"
primary_user = "u1"
compliance_state = "compliant"
enrolled_date_time = "2026-01-01T00:00:00Z"
last_sync_date_time = "2026-01-02T00:00:00Z"

[[unenrolled_devices]]
device_tag = "t1"
device_name = "Ada's iPad"
platform = "ipados"
user = "u1"

[[apps]]
id = "a1"
name = "Notes"
publisher = "Fabrikam"
platforms = ["ios"]
icon = "/assets/icons/teams.svg"
information_url = "https://fabrikam.example/notes"
published = "2026-01-01T00:00:00Z"
app_identifiers = ["com.fabrikam.notes"]
requestable = true
approvers = ["u2"]
[[apps.assignments]]
intent = "available"
target = { type = "userGroup", id = "g1" }
excluded_groups = ["dg1"]

[[protection_policies]]
id = "p1"
display_name = "Standard"
targeted_groups = ["g1"]
protected_apps = ["a1"]

[[app_registrations]]
id = "r1"
user = "u1"
device = "t1"
app_identifier = "com.fabrikam.notes"
application_version = "1.0"
created_date_time = "2026-01-01T00:00:00Z"
last_sync_date_time = "2026-01-01T00:00:00Z"
applied_policies = ["p1"]
intended_policies = ["p1"]

[[install_states]]
device = "d1"
app = "a1"
state = "installed"

[[notifications]]
id = "n1"
user = "u1"
title = "Hello"
created_date_time = "2026-01-01T00:00:00Z"
link = "/apps/a1"

[[device_categories]]
id = "c1"
display_name = "Sales laptop"

[[devices]]
id = "d2"
device_name = "Ada's laptop"
operating_system = "windows"
os_version = "10.0.22631"
owner_type = "company"
enrollment_type = "windowsAzureADJoin"
primary_user = "u1"
compliance_state = "compliant"
is_encrypted = true
enrolled_date_time = "2026-01-01T00:00:00Z"
last_sync_date_time = "2026-01-02T00:00:00Z"
category = "c1"

[[recovery_keys]]
device = "d2"
kind = "bitLocker"
key = "123453-234564-345675-456786-567897-678909-012342-111111"
key_id = "5b2ad4c9-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
created_date_time = "2026-01-01T00:00:00Z"

[terms]
version = "2026-1"
groups = ["g1"]
[[terms.texts]]
language = "en"
title = "Acceptable use"
text = "Use work data for work."
"##;

    #[test]
    fn the_base_tenant_is_valid() {
        let t = parse(&src(BASE)).expect("base tenant is valid");
        assert_eq!((t.users.len(), t.devices.len(), t.apps.len()), (2, 2, 1));
        assert_eq!((t.device_categories.len(), t.recovery_keys.len(), t.terms.is_some()), (1, 1, true));
    }

    #[test]
    fn every_kind_of_invalid_tenant_names_file_path_and_reason() {
        // (what, replace this, with this, expected path, expected words of the reason)
        let cases = [
            (
                "dangling user group",
                "groups = [\"g1\"]",
                "groups = [\"g9\"]",
                "users[0].groups[0]",
                "no user group has the id `g9`",
            ),
            (
                "dangling primary user",
                "primary_user = \"u1\"",
                "primary_user = \"u9\"",
                "devices[0].primary_user",
                "no user has the id `u9`",
            ),
            (
                "dangling device group member",
                "members = [\"d1\"]",
                "members = [\"d9\"]",
                "device_groups[0].members[0]",
                "no device",
            ),
            (
                "dangling MAM user",
                "platform = \"ipados\"\nuser = \"u1\"",
                "platform = \"ipados\"\nuser = \"u9\"",
                "unenrolled_devices[0].user",
                "u9",
            ),
            (
                "dangling assignment group",
                "id = \"g1\" }",
                "id = \"g9\" }",
                "apps[0].assignments[0].target.id",
                "no user group",
            ),
            (
                "dangling exclusion",
                "excluded_groups = [\"dg1\"]",
                "excluded_groups = [\"dg9\"]",
                "apps[0].assignments[0].excluded_groups[0]",
                "dg9",
            ),
            (
                "dangling policy group",
                "targeted_groups = [\"g1\"]",
                "targeted_groups = [\"dg1\"]",
                "protection_policies[0].targeted_groups[0]",
                "no user group",
            ),
            (
                "dangling protected app",
                "protected_apps = [\"a1\"]",
                "protected_apps = [\"a9\"]",
                "protection_policies[0].protected_apps[0]",
                "no app",
            ),
            ("dangling registration device", "device = \"t1\"", "device = \"t9\"", "app_registrations[0].device", "t9"),
            (
                "registration on another's device",
                "id = \"r1\"\nuser = \"u1\"",
                "id = \"r1\"\nuser = \"u2\"",
                "app_registrations[0].device",
                "not user `u2`'s",
            ),
            (
                "unknown app identifier",
                "app_identifier = \"com.fabrikam.notes\"",
                "app_identifier = \"com.other\"",
                "app_registrations[0].app_identifier",
                "com.other",
            ),
            (
                "dangling applied policy",
                "applied_policies = [\"p1\"]",
                "applied_policies = [\"p9\"]",
                "app_registrations[0].applied_policies[0]",
                "no protection policy",
            ),
            ("dangling install device", "device = \"d1\"", "device = \"d9\"", "install_states[0].device", "no device"),
            ("dangling install app", "app = \"a1\"", "app = \"a9\"", "install_states[0].app", "no app"),
            (
                "a failure reason on an install that did not fail",
                "state = \"installed\"",
                "state = \"installed\"\nfailure = \"notDetected\"",
                "install_states[0].failure",
                "only for an install whose state is `failed`",
            ),
            (
                "a misspelt failure reason",
                "state = \"installed\"",
                "state = \"failed\"\nfailure = \"diskFull\"",
                "install_states[0].failure",
                "diskFull",
            ),
            (
                "dangling notification user",
                "id = \"n1\"\nuser = \"u1\"",
                "id = \"n1\"\nuser = \"u9\"",
                "notifications[0].user",
                "u9",
            ),
            ("duplicate user id", "id = \"u2\"", "id = \"u1\"", "users[1].id", "duplicate id `u1`"),
            (
                "duplicate upn",
                "upn = \"ben@fabrikam.example\"",
                "upn = \"ADA@fabrikam.example\"",
                "users[1].upn",
                "also the upn",
            ),
            ("group id used twice", "id = \"dg1\"", "id = \"g1\"", "device_groups[0].id", "also a user group"),
            ("id with a slash", "id = \"a1\"", "id = \"a/1\"", "apps[0].id", "may not contain"),
            ("empty app name", "name = \"Notes\"", "name = \" \"", "apps[0].name", "must not be empty"),
            (
                "empty display name",
                "display_name = \"Ben\"",
                "display_name = \"\"",
                "users[1].display_name",
                "must not be empty",
            ),
            ("no platforms", "platforms = [\"ios\"]", "platforms = []", "apps[0].platforms", "at least one"),
            (
                "bad URL",
                "information_url = \"https://fabrikam.example/notes\"",
                "information_url = \"javascript:alert(1)\"",
                "apps[0].information_url",
                "http(s)",
            ),
            (
                "icon on another host",
                "icon = \"/assets/icons/teams.svg\"",
                "icon = \"https://cdn.example/i.svg\"",
                "apps[0].icon",
                "path on this server",
            ),
            (
                "icon not an asset",
                "icon = \"/assets/icons/teams.svg\"",
                "icon = \"/assets/icons/missing.svg\"",
                "apps[0].icon",
                "not one of the server's assets",
            ),
            (
                "bad date",
                "published = \"2026-01-01T00:00:00Z\"",
                "published = \"2026-01-01\"",
                "apps[0].published",
                "RFC 3339",
            ),
            (
                "bad device date",
                "enrolled_date_time = \"2026-01-01T00:00:00Z\"",
                "enrolled_date_time = \"yesterday\"",
                "devices[0].enrolled_date_time",
                "RFC 3339",
            ),
            ("bad email", "upn = \"ben@fabrikam.example\"", "upn = \"ben\"", "users[1].upn", "not an email address"),
            (
                "not a PHC string",
                "password_hash = \"$argon2id",
                "password_hash = \"plain$argon2id",
                "users[0].password_hash",
                "hash-password",
            ),
            (
                "misspelt enum",
                "compliance_state = \"compliant\"",
                "compliance_state = \"compliantt\"",
                "devices[0].compliance_state",
                "unknown value `compliantt`",
            ),
            (
                "misspelt enrollment",
                "enrollment_type = \"appleBulkWithUser\"",
                "enrollment_type = \"appleBulk\"",
                "devices[0].enrollment_type",
                "unknown value",
            ),
            (
                "unknown platform",
                "platforms = [\"ios\"]",
                "platforms = [\"symbian\"]",
                "apps[0].platforms[0]",
                "unknown variant",
            ),
            (
                "web is no device",
                "operating_system = \"ios\"",
                "operating_system = \"web\"",
                "devices[0].operating_system",
                "not a device",
            ),
            (
                "grace period without deadline",
                "compliance_state = \"compliant\"",
                "compliance_state = \"inGracePeriod\"",
                "devices[0].compliance_grace_period_expiration",
                "required",
            ),
            (
                "available to a device group",
                "type = \"userGroup\", id = \"g1\"",
                "type = \"deviceGroup\", id = \"dg1\"",
                "apps[0].assignments[0].target",
                "only users",
            ),
            (
                "available to all devices",
                "target = { type = \"userGroup\", id = \"g1\" }",
                "target = { type = \"allDevices\" }",
                "apps[0].assignments[0].target",
                "only users",
            ),
            (
                "duplicate install state",
                "state = \"installed\"",
                "state = \"installed\"\n[[install_states]]\ndevice = \"d1\"\napp = \"a1\"\nstate = \"failed\"",
                "install_states[1].app",
                "already gives",
            ),
            (
                "unknown field",
                "title = \"Hello\"",
                "title = \"Hello\"\ntitel = \"typo\"",
                "notifications[0].titel",
                "unknown field `titel`",
            ),
            (
                "link to another host",
                "link = \"/apps/a1\"",
                "link = \"//evil.example/\"",
                "notifications[0].link",
                "path on this server",
            ),
            ("unknown device category", "category = \"c1\"", "category = \"c9\"", "devices[1].category", "no device category has the id `c9`"),
            ("nameless device category", "display_name = \"Sales laptop\"", "display_name = \" \"", "device_categories[0].display_name", "must not be empty"),
            (
                "two categories of one name",
                "display_name = \"Sales laptop\"",
                "display_name = \"Sales laptop\"\n[[device_categories]]\nid = \"c2\"\ndisplay_name = \"sales LAPTOP\"",
                "device_categories[1].display_name",
                "also the name of device_categories[0]",
            ),
            ("recovery key of an unknown device", "device = \"d2\"", "device = \"d9\"", "recovery_keys[0].device", "no device has the id `d9`"),
            ("a BitLocker key on an iPhone", "device = \"d2\"", "device = \"d1\"", "recovery_keys[0].kind", "device `d1` runs iOS; BitLocker keys are for Windows devices"),
            ("a FileVault key on Windows", "kind = \"bitLocker\"", "kind = \"fileVault\"", "recovery_keys[0].kind", "FileVault keys are for macOS devices"),
            ("a misspelt key kind", "kind = \"bitLocker\"", "kind = \"bitlocker\"", "recovery_keys[0].kind", "unknown variant"),
            (
                "a malformed BitLocker key",
                "key = \"123453-",
                "key = \"123456-",
                "recovery_keys[0].key",
                "is not a BitLocker recovery key: it is written as 48 digits",
            ),
            ("a key ID that is no GUID", "key_id = \"5b2ad4c9-", "key_id = \"KEY-", "recovery_keys[0].key_id", "is not a key ID"),
            ("a misspelt volume", "key_id = \"5b2ad4c9", "volume_type = \"osVolume\"\nkey_id = \"5b2ad4c9", "recovery_keys[0].volume_type", "unknown"),
            (
                "two keys for one volume",
                "created_date_time = \"2026-01-01T00:00:00Z\"\n\n[terms]",
                "created_date_time = \"2026-01-01T00:00:00Z\"\n[[recovery_keys]]\ndevice = \"d2\"\nkind = \"bitLocker\"\nkey = \"111111-111111-111111-111111-111111-111111-111111-111111\"\n\n[terms]",
                "recovery_keys[1].device",
                "recovery_keys[0] already gives the key of this volume of `d2`",
            ),
            ("an empty terms version", "version = \"2026-1\"", "version = \" \"", "terms.version", "must not be empty"),
            ("terms for an unknown group", "groups = [\"g1\"]\n[[terms.texts]]", "groups = [\"g9\"]\n[[terms.texts]]", "terms.groups[0]", "no user group has the id `g9`"),
            ("terms for no group", "groups = [\"g1\"]\n[[terms.texts]]", "groups = []\n[[terms.texts]]", "terms.groups", "names no group"),
            ("terms in no language code", "language = \"en\"", "language = \"English\"", "terms.texts[0].language", "is not a language code"),
            (
                "terms twice in one language",
                "text = \"Use work data for work.\"",
                "text = \"Use work data for work.\"\n[[terms.texts]]\nlanguage = \"en\"\ntitle = \"Again\"\ntext = \"Again.\"",
                "terms.texts[1].language",
                "terms.texts[0] is in `en` already",
            ),
            ("terms without text", "text = \"Use work data for work.\"", "text = \"\"", "terms.texts[0].text", "must not be empty"),
            ("a requestable app without approvers", "approvers = [\"u2\"]", "approvers = []", "apps[0].approvers", "needs at least one approver"),
            ("an approver who is no user", "approvers = [\"u2\"]", "approvers = [\"u9\"]", "apps[0].approvers[0]", "no user has the id `u9`"),
            ("approvers of an app nobody can request", "requestable = true", "requestable = false", "apps[0].approvers", "only requestable apps have approvers"),
            ("an unknown field in the terms", "title = \"Acceptable use\"", "title = \"Acceptable use\"\nbody = \"x\"", "terms.texts[0].body", "unknown field"),
        ];
        for (what, from, to, want_path, want_reason) in cases {
            assert!(BASE.contains(from), "{what}: the base has no {from:?}");
            let err = parse(&src(&BASE.replacen(from, to, 1))).expect_err(what);
            assert_eq!(err.file, "t.toml", "{what}");
            assert_eq!(err.path, want_path, "{what}: {err}");
            assert!(err.reason.contains(want_reason), "{what}: reason {:?}, wanted {want_reason:?}", err.reason);
        }
    }

    #[test]
    fn a_malformed_key_is_never_repeated_in_the_message() {
        let text = BASE.replacen("key = \"123453-", "key = \"999999-", 1);
        let err = parse(&src(&text)).expect_err("malformed");
        assert!(!err.to_string().contains("999999"), "{err}");
        assert!(!format!("{:?}", parse(&src(BASE)).map(|t| t.recovery_keys)).contains("123453"), "Debug redacts keys");
    }

    #[test]
    fn the_demo_tenant_is_valid() {
        let tenant = parse(&Source::demo()).expect("demo tenant parses");
        assert!(!tenant.organisation.name.is_empty());
    }

    #[test]
    fn the_demo_keeps_its_dates_relative_to_the_import() {
        use time::format_description::well_known::Rfc3339;
        use time::OffsetDateTime;
        let at = |text: &str| OffsetDateTime::parse(text, &Rfc3339).expect("a date-time");
        let written = parse_at(&Source::demo(), at("2026-11-21T09:30:00Z")).expect("as written");
        assert_eq!(written.dates_as_of.as_deref(), Some("2026-11-21T09:30:00Z"));
        let pixel = |t: &TenantFile| {
            let d = t.devices.iter().find(|d| d.id == "dev-amara-pixel").expect("Amara's Pixel");
            at(&d.last_sync_date_time)
        };
        // Every date of the demo but the grace-period deadline is at or before the moment
        // it was written for, so no check-in or notification ends up in the future.
        let demo = Source::demo().text;
        let dates: Vec<OffsetDateTime> =
            demo.split('"').filter_map(|s| OffsetDateTime::parse(s, &Rfc3339).ok()).collect();
        assert!(dates.len() > 40, "{}", dates.len());
        let future: Vec<_> = dates.iter().filter(|d| **d > at("2026-11-21T09:30:00Z")).collect();
        assert_eq!(future, [&at("2026-12-05T17:00:00Z")], "only the grace-period deadline is ahead");
        let later = parse_at(&Source::demo(), at("2027-04-02T10:00:00Z")).expect("five months on");
        assert_eq!(pixel(&later) - pixel(&written), at("2027-04-02T10:00:00Z") - at("2026-11-21T09:30:00Z"));
        assert_eq!(later.dates_as_of.as_deref(), Some("2027-04-02T10:00:00Z"));
        // A file without dates_as_of is read as written.
        let plain = Source { name: "plain.toml".into(), text: BASE.into() };
        let plain_text = parse_at(&plain, at("2030-01-01T00:00:00Z")).expect("plain");
        assert_eq!(plain_text.devices[0].last_sync_date_time, "2026-01-02T00:00:00Z");
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
