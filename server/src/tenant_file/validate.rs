//! Checks a parsed tenant file beyond its shape. Each failure names the field path
//! (`devices[3].primary_user`) and the reason; the first failure rejects the file.
//!
//! What is checked: ids are present, well-formed and unique per kind; every reference
//! (user, group, device, app, policy, app identifier) names something in the file; names
//! are not empty; dates are RFC 3339; links are http(s) URLs or paths on this server;
//! icons are paths on this server (the page never loads anything from another host);
//! password hashes are argon2 PHC strings; and the combinations DOMAIN.md rules out
//! (Available intents on device groups, a grace-period deadline on a device that is not in
//! one, registrations on another person's device) are refused.

use super::{Device, RecoveryKey, TenantFile};
use argon2::password_hash::phc::PasswordHash;
use portal_core::branding::ORGANISATION_NAME_MAX_CHARS;
use portal_core::domain::{AppSource, AssignmentTarget, ComplianceState, InstallIntent, Platform, RecoveryKeyKind};
use std::collections::{HashMap, HashSet};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

type Invalid = (String, String);
type Check = Result<(), Invalid>;

fn fail<T>(path: impl Into<String>, reason: impl Into<String>) -> Result<T, Invalid> {
    Err((path.into(), reason.into()))
}

pub fn tenant(t: &TenantFile) -> Check {
    if let Some(as_of) = &t.dates_as_of {
        rfc3339("dates_as_of", as_of)?;
    }
    organisation(t)?;
    let user_groups = unique_ids("user_groups", t.user_groups.iter().map(|g| g.id.as_str()))?;
    let device_groups = unique_ids("device_groups", t.device_groups.iter().map(|g| g.id.as_str()))?;
    for (i, g) in t.device_groups.iter().enumerate() {
        if user_groups.contains(g.id.as_str()) {
            return fail(
                format!("device_groups[{i}].id"),
                format!("`{}` is also a user group's id; group ids must be unique", g.id),
            );
        }
    }
    for (i, g) in t.user_groups.iter().enumerate() {
        not_empty(&format!("user_groups[{i}].display_name"), &g.display_name)?;
    }
    let users = users(t, &user_groups)?;
    let categories = device_categories(t)?;
    let devices = devices(t, &users, &categories)?;
    for (i, g) in t.device_groups.iter().enumerate() {
        not_empty(&format!("device_groups[{i}].display_name"), &g.display_name)?;
        for (j, m) in g.members.iter().enumerate() {
            reference(&format!("device_groups[{i}].members[{j}]"), m, &devices, "device")?;
        }
    }
    let unenrolled = unenrolled(t, &users, &devices)?;
    let (apps, identifiers) = apps(t, &user_groups, &device_groups, &users)?;
    let policies = policies(t, &user_groups, &apps)?;
    registrations(t, &users, &devices, &unenrolled, &identifiers, &policies)?;
    install_states(t, &devices, &apps)?;
    notifications(t, &users)?;
    let platforms: HashMap<&str, Platform> = t.devices.iter().map(|d| (d.id.as_str(), d.operating_system)).collect();
    recovery_keys("recovery_keys", &t.recovery_keys, |id| platforms.get(id).copied())?;
    terms(t, &user_groups)?;
    Ok(())
}

fn organisation(t: &TenantFile) -> Check {
    let org = &t.organisation;
    let name = org.name.trim();
    not_empty("organisation.name", name)?;
    if name.chars().count() > ORGANISATION_NAME_MAX_CHARS {
        return fail(
            "organisation.name",
            format!("is {} characters; at most {ORGANISATION_NAME_MAX_CHARS} are allowed", name.chars().count()),
        );
    }
    optional_url("organisation.logo_url", org.logo_url.as_deref())?;
    optional_url("organisation.privacy_url", org.privacy_url.as_deref())?;
    optional_url("organisation.support.website_url", org.support.website_url.as_deref())?;
    if let Some(email) = org.support.email.as_deref() {
        email_address("organisation.support.email", email)?;
    }
    if let Some(phone) = org.support.phone.as_deref() {
        let ok = phone.chars().any(|c| c.is_ascii_digit())
            && phone.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c));
        if !ok {
            return fail("organisation.support.phone", format!("`{phone}` is not a phone number"));
        }
    }
    Ok(())
}

fn users<'a>(t: &'a TenantFile, user_groups: &HashSet<&str>) -> Result<HashSet<&'a str>, Invalid> {
    let ids = unique_ids("users", t.users.iter().map(|u| u.id.as_str()))?;
    let mut upns = HashMap::new();
    for (i, u) in t.users.iter().enumerate() {
        let at = |field: &str| format!("users[{i}].{field}");
        not_empty(&at("display_name"), &u.display_name)?;
        email_address(&at("upn"), &u.upn)?;
        if let Some(other) = upns.insert(u.upn.to_ascii_lowercase(), i) {
            return fail(at("upn"), format!("`{}` is also the upn of users[{other}]", u.upn));
        }
        if let Some(email) = u.email.as_deref() {
            email_address(&at("email"), email)?;
        }
        if let Some(hash) = u.password_hash.as_deref() {
            match PasswordHash::new(hash) {
                Ok(parsed) if parsed.algorithm.as_str().starts_with("argon2") => {}
                Ok(parsed) => {
                    return fail(
                        at("password_hash"),
                        format!("is a `{}` hash; only argon2 is accepted", parsed.algorithm.as_str()),
                    )
                }
                Err(e) => {
                    return fail(
                        at("password_hash"),
                        format!("is not an argon2 PHC string ({e}); create one with `portal-server hash-password`"),
                    )
                }
            }
        }
        for (j, g) in u.groups.iter().enumerate() {
            reference(&at(&format!("groups[{j}]")), g, user_groups, "user group")?;
        }
    }
    Ok(ids)
}

fn devices<'a>(
    t: &'a TenantFile,
    users: &HashSet<&str>,
    categories: &HashSet<&str>,
) -> Result<HashSet<&'a str>, Invalid> {
    let ids = unique_ids("devices", t.devices.iter().map(|d| d.id.as_str()))?;
    for (i, d) in t.devices.iter().enumerate() {
        device(i, d, users)?;
        if let Some(category) = d.category.as_deref() {
            reference(&format!("devices[{i}].category"), category, categories, "device category")?;
        }
    }
    Ok(ids)
}

/// Category ids are unique, and so are their names (a device shows its category by name).
fn device_categories(t: &TenantFile) -> Result<HashSet<&str>, Invalid> {
    let ids = unique_ids("device_categories", t.device_categories.iter().map(|c| c.id.as_str()))?;
    let mut names = HashMap::new();
    for (i, c) in t.device_categories.iter().enumerate() {
        let at = format!("device_categories[{i}].display_name");
        not_empty(&at, &c.display_name)?;
        if let Some(other) = names.insert(c.display_name.trim().to_lowercase(), i) {
            return fail(at, format!("`{}` is also the name of device_categories[{other}]", c.display_name.trim()));
        }
    }
    Ok(ids)
}

/// Recovery keys of `collection` (the tenant file's, or a `--recovery-keys` file's): each on
/// a device whose platform has keys of its kind, well formed, at most one FileVault key per
/// Mac and one BitLocker key per volume of a Windows device.
pub fn recovery_keys(collection: &str, keys: &[RecoveryKey], platform_of: impl Fn(&str) -> Option<Platform>) -> Check {
    let mut seen = HashMap::new();
    for (i, k) in keys.iter().enumerate() {
        let at = |field: &str| format!("{collection}[{i}].{field}");
        let Some(platform) = platform_of(&k.device) else {
            return fail(at("device"), format!("no device has the id `{}`", k.device));
        };
        if platform != k.kind.platform() {
            return fail(
                at("kind"),
                format!(
                    "device `{}` runs {}; {} keys are for {} devices",
                    k.device,
                    platform.display_name(),
                    kind_name(k.kind),
                    k.kind.platform().display_name()
                ),
            );
        }
        if !k.kind.is_well_formed(&k.key) {
            let shape = match k.kind {
                RecoveryKeyKind::BitLocker => "48 digits in eight groups of six, each a multiple of 11 (123453-…)",
                RecoveryKeyKind::FileVault => "24 capital letters and digits in six groups of four (ABCD-…)",
            };
            // The key itself is never repeated in a message.
            return fail(at("key"), format!("is not a {} recovery key: it is written as {shape}", kind_name(k.kind)));
        }
        match k.kind {
            RecoveryKeyKind::BitLocker => {
                if let Some(id) = k.key_id.as_deref() {
                    if !is_guid(id) {
                        return fail(at("key_id"), format!("`{id}` is not a key ID (a GUID such as 5b2ad4c9-…)"));
                    }
                }
            }
            RecoveryKeyKind::FileVault => {
                if k.key_id.is_some() {
                    return fail(at("key_id"), "only BitLocker keys have a key ID");
                }
                if k.volume_type.is_some() {
                    return fail(at("volume_type"), "only BitLocker keys are per volume");
                }
            }
        }
        if let Some(date) = k.created_date_time.as_deref() {
            rfc3339(&at("created_date_time"), date)?;
        }
        let volume = k.volume_type.unwrap_or_default();
        if let Some(other) = seen.insert((k.device.as_str(), volume), i) {
            return fail(
                at("device"),
                format!("{collection}[{other}] already gives the key of this volume of `{}`", k.device),
            );
        }
    }
    Ok(())
}

fn kind_name(kind: RecoveryKeyKind) -> &'static str {
    match kind {
        RecoveryKeyKind::BitLocker => "BitLocker",
        RecoveryKeyKind::FileVault => "FileVault",
    }
}

fn is_guid(id: &str) -> bool {
    let parts: Vec<&str> = id.split('-').collect();
    parts.len() == 5
        && parts.iter().zip([8, 4, 4, 4, 12]).all(|(p, n)| p.len() == n && p.chars().all(|c| c.is_ascii_hexdigit()))
}

/// The longest terms version and title.
const TERMS_VERSION_MAX: usize = 64;
const TERMS_TITLE_MAX: usize = 120;

fn terms(t: &TenantFile, user_groups: &HashSet<&str>) -> Check {
    let Some(terms) = &t.terms else { return Ok(()) };
    check_terms(terms, |g| (!user_groups.contains(g)).then(|| format!("no user group has the id `{g}`")))
}

/// Terms of use (a tenant file's, or an organisation file's on Intune): a short one-line
/// version, groups `group_problem` accepts (it says what is wrong with one), and at least one
/// text, one per language code, each with a title and a text.
pub fn check_terms(terms: &super::Terms, group_problem: impl Fn(&str) -> Option<String>) -> Check {
    let version = terms.version.trim();
    not_empty("terms.version", version)?;
    if version.chars().count() > TERMS_VERSION_MAX || version.chars().any(char::is_control) {
        return fail("terms.version", format!("must be at most {TERMS_VERSION_MAX} characters on one line"));
    }
    if let Some(groups) = &terms.groups {
        if groups.is_empty() {
            return fail("terms.groups", "names no group: leave it out for terms everyone accepts");
        }
        for (j, g) in groups.iter().enumerate() {
            if let Some(problem) = group_problem(g) {
                return fail(format!("terms.groups[{j}]"), problem);
            }
        }
    }
    if terms.texts.is_empty() {
        return fail("terms.texts", "must hold the terms in at least one language");
    }
    let mut languages = HashMap::new();
    for (i, text) in terms.texts.iter().enumerate() {
        let at = |field: &str| format!("terms.texts[{i}].{field}");
        let ok = (2..=3).contains(&text.language.len()) && text.language.bytes().all(|b| b.is_ascii_lowercase());
        if !ok {
            return fail(at("language"), format!("`{}` is not a language code such as en, de or fr", text.language));
        }
        if let Some(other) = languages.insert(text.language.as_str(), i) {
            return fail(at("language"), format!("terms.texts[{other}] is in `{}` already", text.language));
        }
        not_empty(&at("title"), &text.title)?;
        if text.title.trim().chars().count() > TERMS_TITLE_MAX {
            return fail(at("title"), format!("must be at most {TERMS_TITLE_MAX} characters"));
        }
        not_empty(&at("text"), &text.text)?;
    }
    Ok(())
}

fn device(i: usize, d: &Device, users: &HashSet<&str>) -> Check {
    let at = |field: &str| format!("devices[{i}].{field}");
    not_empty(&at("device_name"), &d.device_name)?;
    not_empty(&at("os_version"), &d.os_version)?;
    if d.operating_system == Platform::Web {
        return fail(at("operating_system"), "`web` is an app platform, not a device's operating system");
    }
    if let Some(user) = d.primary_user.as_deref() {
        reference(&at("primary_user"), user, users, "user")?;
    }
    match (d.compliance_state, d.compliance_grace_period_expiration.as_deref()) {
        (ComplianceState::InGracePeriod, None) => {
            return fail(
                at("compliance_grace_period_expiration"),
                "is required when compliance_state is `inGracePeriod`",
            )
        }
        (ComplianceState::InGracePeriod, Some(date)) => rfc3339(&at("compliance_grace_period_expiration"), date)?,
        (_, Some(_)) => {
            return fail(
                at("compliance_grace_period_expiration"),
                "is allowed only when compliance_state is `inGracePeriod`",
            )
        }
        (_, None) => {}
    }
    for (j, s) in d.failing_settings.iter().enumerate() {
        not_empty(&at(&format!("failing_settings[{j}].setting")), &s.setting)?;
        not_empty(&at(&format!("failing_settings[{j}].what_to_fix")), &s.what_to_fix)?;
    }
    rfc3339(&at("enrolled_date_time"), &d.enrolled_date_time)?;
    rfc3339(&at("last_sync_date_time"), &d.last_sync_date_time)?;
    let mut in_progress = HashSet::new();
    for (j, a) in d.actions.iter().enumerate() {
        rfc3339(&at(&format!("actions[{j}].start_date_time")), &a.start_date_time)?;
        if let Some(date) = a.last_updated_date_time.as_deref() {
            rfc3339(&at(&format!("actions[{j}].last_updated_date_time")), date)?;
        }
        if a.state.is_in_progress() && !in_progress.insert(a.action) {
            return fail(at(&format!("actions[{j}].state")), "the same action is already pending on this device");
        }
    }
    Ok(())
}

fn unenrolled<'a>(
    t: &'a TenantFile,
    users: &HashSet<&str>,
    devices: &HashSet<&str>,
) -> Result<HashSet<&'a str>, Invalid> {
    let tags = unique_ids("unenrolled_devices", t.unenrolled_devices.iter().map(|d| d.device_tag.as_str()))
        .map_err(|(path, reason)| (path.replace(".id", ".device_tag"), reason))?;
    for (i, d) in t.unenrolled_devices.iter().enumerate() {
        let at = |field: &str| format!("unenrolled_devices[{i}].{field}");
        if devices.contains(d.device_tag.as_str()) {
            return fail(at("device_tag"), format!("`{}` is also a managed device's id", d.device_tag));
        }
        not_empty(&at("device_name"), &d.device_name)?;
        if d.platform == Platform::Web {
            return fail(at("platform"), "`web` is an app platform, not a device's");
        }
        reference(&at("user"), &d.user, users, "user")?;
    }
    Ok(tags)
}

type AppIds<'a> = HashSet<&'a str>;
/// App identifier (lowercase) → app id.
type Identifiers = HashMap<String, String>;

fn apps<'a>(
    t: &'a TenantFile,
    user_groups: &HashSet<&str>,
    device_groups: &HashSet<&str>,
    users: &HashSet<&str>,
) -> Result<(AppIds<'a>, Identifiers), Invalid> {
    let ids = unique_ids("apps", t.apps.iter().map(|a| a.id.as_str()))?;
    let mut identifiers: Identifiers = HashMap::new();
    for (i, a) in t.apps.iter().enumerate() {
        let at = |field: &str| format!("apps[{i}].{field}");
        not_empty(&at("name"), &a.name)?;
        not_empty(&at("publisher"), &a.publisher)?;
        if a.platforms.is_empty() {
            return fail(at("platforms"), "must name at least one platform");
        }
        for (j, c) in a.categories.iter().enumerate() {
            not_empty(&at(&format!("categories[{j}]")), c)?;
        }
        if let Some(icon) = a.icon.as_deref() {
            local_path(&at("icon"), icon)?;
            if icon.starts_with("/assets/") && !crate::assets::exists(icon) {
                return fail(at("icon"), format!("`{icon}` is not one of the server's assets (server/assets/)"));
            }
        }
        optional_url(&at("information_url"), a.information_url.as_deref())?;
        optional_url(&at("privacy_url"), a.privacy_url.as_deref())?;
        rfc3339(&at("published"), &a.published)?;
        for (j, ident) in a.app_identifiers.iter().enumerate() {
            id_text(&at(&format!("app_identifiers[{j}]")), ident)?;
            if let Some(other) = identifiers.insert(ident.to_ascii_lowercase(), a.id.clone()) {
                return fail(
                    at(&format!("app_identifiers[{j}]")),
                    format!("`{ident}` is also an identifier of app `{other}`"),
                );
            }
        }
        for (j, s) in a.assignments.iter().enumerate() {
            let at = |field: &str| format!("apps[{i}].assignments[{j}].{field}");
            match &s.target {
                AssignmentTarget::UserGroup { id } => reference(&at("target.id"), id, user_groups, "user group")?,
                AssignmentTarget::DeviceGroup { id } => reference(&at("target.id"), id, device_groups, "device group")?,
                AssignmentTarget::AllUsers | AssignmentTarget::AllDevices => {}
            }
            let user_only = matches!(s.intent, InstallIntent::Available | InstallIntent::AvailableWithoutEnrollment);
            if user_only && !s.target.is_user_target() {
                return fail(at("target"), "Available intents can target only users (a user group or all users)");
            }
            for (k, g) in s.excluded_groups.iter().enumerate() {
                if !user_groups.contains(g.as_str()) && !device_groups.contains(g.as_str()) {
                    return fail(
                        at(&format!("excluded_groups[{k}]")),
                        format!("no user or device group has the id `{g}`"),
                    );
                }
            }
        }
        requests(i, a, users)?;
    }
    Ok((ids, identifiers))
}

/// A requestable app has approvers (users of the file), is installed rather than opened, and
/// is offered (Available) to someone: those are the people who may ask for it.
fn requests(i: usize, a: &super::App, users: &HashSet<&str>) -> Check {
    let at = |field: &str| format!("apps[{i}].{field}");
    if !a.requestable {
        if !a.approvers.is_empty() {
            return fail(at("approvers"), "only requestable apps have approvers (set requestable = true)");
        }
        return Ok(());
    }
    if a.approvers.is_empty() {
        return fail(at("approvers"), "a requestable app needs at least one approver (a user id)");
    }
    let mut seen = HashSet::new();
    for (j, approver) in a.approvers.iter().enumerate() {
        reference(&at(&format!("approvers[{j}]")), approver, users, "user")?;
        if !seen.insert(approver.as_str()) {
            return fail(at(&format!("approvers[{j}]")), format!("`{approver}` is named twice"));
        }
    }
    if a.source == AppSource::WebLink || a.platforms.contains(&Platform::Web) {
        return fail(at("requestable"), "a web link is opened, not installed: there is nothing to request");
    }
    let offered = a
        .assignments
        .iter()
        .any(|s| matches!(s.intent, InstallIntent::Available | InstallIntent::AvailableWithoutEnrollment));
    if !offered {
        return fail(at("requestable"), "a requestable app needs an Available assignment: it names who may ask for it");
    }
    Ok(())
}

fn policies<'a>(
    t: &'a TenantFile,
    user_groups: &HashSet<&str>,
    apps: &HashSet<&str>,
) -> Result<HashSet<&'a str>, Invalid> {
    let ids = unique_ids("protection_policies", t.protection_policies.iter().map(|p| p.id.as_str()))?;
    for (i, p) in t.protection_policies.iter().enumerate() {
        let at = |field: &str| format!("protection_policies[{i}].{field}");
        not_empty(&at("display_name"), &p.display_name)?;
        if p.pin_required && p.minimum_pin_length > 16 {
            return fail(at("minimum_pin_length"), "must be at most 16");
        }
        for (j, g) in p.targeted_groups.iter().enumerate() {
            reference(&at(&format!("targeted_groups[{j}]")), g, user_groups, "user group")?;
        }
        for (j, a) in p.protected_apps.iter().enumerate() {
            reference(&at(&format!("protected_apps[{j}]")), a, apps, "app")?;
        }
    }
    Ok(ids)
}

fn registrations(
    t: &TenantFile,
    users: &HashSet<&str>,
    devices: &HashSet<&str>,
    unenrolled: &HashSet<&str>,
    identifiers: &Identifiers,
    policies: &HashSet<&str>,
) -> Check {
    unique_ids("app_registrations", t.app_registrations.iter().map(|r| r.id.as_str()))?;
    let owner_of: HashMap<&str, Option<&str>> = t
        .devices
        .iter()
        .map(|d| (d.id.as_str(), d.primary_user.as_deref()))
        .chain(t.unenrolled_devices.iter().map(|d| (d.device_tag.as_str(), Some(d.user.as_str()))))
        .collect();
    for (i, r) in t.app_registrations.iter().enumerate() {
        let at = |field: &str| format!("app_registrations[{i}].{field}");
        reference(&at("user"), &r.user, users, "user")?;
        if !devices.contains(r.device.as_str()) && !unenrolled.contains(r.device.as_str()) {
            return fail(at("device"), format!("no managed device id or unenrolled device_tag is `{}`", r.device));
        }
        if owner_of.get(r.device.as_str()).copied().flatten() != Some(r.user.as_str()) {
            return fail(at("device"), format!("device `{}` is not user `{}`'s", r.device, r.user));
        }
        if !identifiers.contains_key(&r.app_identifier.to_ascii_lowercase()) {
            return fail(at("app_identifier"), format!("`{}` is not in any app's app_identifiers", r.app_identifier));
        }
        not_empty(&at("application_version"), &r.application_version)?;
        rfc3339(&at("created_date_time"), &r.created_date_time)?;
        rfc3339(&at("last_sync_date_time"), &r.last_sync_date_time)?;
        for (j, p) in r.applied_policies.iter().enumerate() {
            reference(&at(&format!("applied_policies[{j}]")), p, policies, "protection policy")?;
        }
        for (j, p) in r.intended_policies.iter().enumerate() {
            reference(&at(&format!("intended_policies[{j}]")), p, policies, "protection policy")?;
        }
    }
    Ok(())
}

fn install_states(t: &TenantFile, devices: &HashSet<&str>, apps: &HashSet<&str>) -> Check {
    let mut seen = HashMap::new();
    for (i, s) in t.install_states.iter().enumerate() {
        let at = |field: &str| format!("install_states[{i}].{field}");
        reference(&at("device"), &s.device, devices, "device")?;
        reference(&at("app"), &s.app, apps, "app")?;
        if let Some(date) = s.last_updated_date_time.as_deref() {
            rfc3339(&at("last_updated_date_time"), date)?;
        }
        if s.failure.is_some() && s.state != portal_core::domain::ResultantAppState::Failed {
            return fail(at("failure"), "a reason is given only for an install whose state is `failed`");
        }
        if let Some(other) = seen.insert((s.device.as_str(), s.app.as_str()), i) {
            return fail(
                at("app"),
                format!("install_states[{other}] already gives app `{}` on device `{}`", s.app, s.device),
            );
        }
    }
    Ok(())
}

fn notifications(t: &TenantFile, users: &HashSet<&str>) -> Check {
    unique_ids("notifications", t.notifications.iter().map(|n| n.id.as_str()))?;
    for (i, n) in t.notifications.iter().enumerate() {
        let at = |field: &str| format!("notifications[{i}].{field}");
        reference(&at("user"), &n.user, users, "user")?;
        not_empty(&at("title"), &n.title)?;
        rfc3339(&at("created_date_time"), &n.created_date_time)?;
        if let Some(link) = n.link.as_deref() {
            local_path(&at("link"), link)?;
        }
    }
    Ok(())
}

/// Ids are non-empty, free of whitespace and control characters (they end up in URLs),
/// and unique within `collection`.
fn unique_ids<'a>(collection: &str, ids: impl Iterator<Item = &'a str>) -> Result<HashSet<&'a str>, Invalid> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, id) in ids.enumerate() {
        let path = format!("{collection}[{i}].id");
        id_text(&path, id)?;
        if let Some(first) = seen.insert(id, i) {
            return fail(path, format!("duplicate id `{id}` (also {collection}[{first}])"));
        }
    }
    Ok(seen.into_keys().collect())
}

fn id_text(path: &str, id: &str) -> Check {
    if id.is_empty() {
        return fail(path, "must not be empty");
    }
    if id.len() > 200 {
        return fail(path, "is longer than 200 bytes");
    }
    if id.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '/' | '?' | '#' | '%')) {
        return fail(path, format!("`{id}` may not contain whitespace, control characters, `/`, `?`, `#` or `%`"));
    }
    Ok(())
}

fn reference(path: &str, id: &str, known: &HashSet<&str>, kind: &str) -> Check {
    if known.contains(id) {
        Ok(())
    } else {
        fail(path, format!("no {kind} has the id `{id}`"))
    }
}

fn not_empty(path: &str, value: &str) -> Check {
    if value.trim().is_empty() {
        fail(path, "must not be empty")
    } else {
        Ok(())
    }
}

fn rfc3339(path: &str, value: &str) -> Check {
    match OffsetDateTime::parse(value, &Rfc3339) {
        Ok(_) => Ok(()),
        Err(e) => fail(path, format!("`{value}` is not an RFC 3339 date-time such as 2026-01-31T09:00:00Z ({e})")),
    }
}

fn email_address(path: &str, email: &str) -> Check {
    let ok = email.split_once('@').is_some_and(|(user, host)| {
        !user.is_empty() && host.contains('.') && !host.starts_with('.') && !host.ends_with('.') && !host.contains('@')
    }) && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(())
    } else {
        fail(path, format!("`{email}` is not an email address"))
    }
}

/// A path on this server: starts with one `/`, no whitespace or control characters.
fn local_path(path: &str, value: &str) -> Check {
    if value.starts_with('/')
        && !value.starts_with("//")
        && !value.contains("..")
        && !value.contains('\\')
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        Ok(())
    } else {
        fail(path, format!("`{value}` must be a path on this server starting with /"))
    }
}

/// Links end up in `href`s: only absolute http(s) URLs with a host, or a path on this server.
fn optional_url(path: &str, value: Option<&str>) -> Check {
    let Some(v) = value else { return Ok(()) };
    let clean = !v.chars().any(|c| c.is_whitespace() || c.is_control());
    let absolute = ["https://", "http://"].iter().any(|scheme| {
        v.get(..scheme.len()).is_some_and(|s| s.eq_ignore_ascii_case(scheme))
            && v[scheme.len()..]
                .split(['/', '?', '#'])
                .next()
                .is_some_and(|host| !host.is_empty() && !host.contains('@'))
    });
    let local = v.starts_with('/') && !v.starts_with("//");
    if clean && (absolute || local) {
        Ok(())
    } else {
        fail(path, format!("`{v}` must be an http(s) URL or a path starting with /"))
    }
}
