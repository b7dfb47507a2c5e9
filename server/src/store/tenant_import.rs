//! Loading a tenant file into the store: all of it in one transaction, or none of it.
//!
//! The import replaces the tenant: every table of `0002_tenant.sql` is emptied and
//! refilled, except `users`, whose rows are updated in place (and removed when no longer
//! in the file) so that rows other features keep per user id stay meaningful.
//! Statements are prepared once per connection and reused for every row; a 2,000-app,
//! 5,000-user, 10,000-device tenant imports in about a second on SQLite.
//!
//! Instances that start together with the same file import it once: the check "is this
//! content imported already?" and the import are one transaction that takes the import's
//! lock first, so the second instance waits, then finds the file imported.

use super::codec::{code, to_json};
use super::sql::{params, Db};
use super::Store;
use crate::dates;
use crate::tenant_file::{self, Source, TenantFile};
use anyhow::Context;
use portal_core::domain::{AssignmentTarget, FailingSetting, Platform};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportOutcome {
    Imported {
        source: String,
        organisation: String,
    },
    /// The same file content was imported before: its live state (installs, actions) is kept.
    Unchanged {
        source: String,
    },
}

impl fmt::Display for ImportOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportOutcome::Imported { source, organisation } => {
                write!(f, "tenant: imported {organisation:?} from {source}")
            }
            ImportOutcome::Unchanged { source } => {
                write!(f, "tenant: {source} unchanged since its last import; keeping the stored state")
            }
        }
    }
}

impl Store {
    /// Validates `source` and, unless the same content is already loaded (and not `force`),
    /// replaces the stored tenant with it.
    pub async fn load_tenant(&self, source: &Source, force: bool) -> anyhow::Result<ImportOutcome> {
        let parsed = tenant_file::parse(source)?;
        let digest = format!("{:x}", Sha256::digest(source.text.as_bytes()));
        let name = source.name.clone();
        let outcome = self
            .run(move |db| {
                db.locked("tenant import", |tx| {
                    let stored: Option<(String,)> =
                        tx.query_opt("SELECT sha256 FROM tenant_import WHERE id = 1", params![])?;
                    if !force && stored.is_some_and(|(sha,)| sha == digest) {
                        return Ok(ImportOutcome::Unchanged { source: name });
                    }
                    write_tenant(tx, &parsed)?;
                    tx.execute(
                        "INSERT INTO tenant_import (id, source, sha256, imported_at) VALUES (1, ?1, ?2, ?3)
                         ON CONFLICT (id) DO UPDATE SET source = excluded.source, sha256 = excluded.sha256,
                           imported_at = excluded.imported_at",
                        params![name, digest, dates::now()],
                    )?;
                    Ok(ImportOutcome::Imported { source: name, organisation: parsed.organisation.name.clone() })
                })
            })
            .await?;
        if matches!(outcome, ImportOutcome::Imported { .. }) {
            self.invalidate_cache();
        }
        Ok(outcome)
    }
}

/// Tables the import empties, children first.
const REPLACED: &[&str] = &[
    "notifications",
    "recovery_keys",
    "terms_texts",
    "terms",
    "app_approvers",
    "app_registrations",
    "protection_policy_apps",
    "protection_policy_groups",
    "protection_policies",
    "install_states",
    "app_assignments",
    "app_identifiers",
    "apps",
    "device_actions",
    "device_group_members",
    "devices",
    "device_categories",
    "device_groups",
    "unenrolled_devices",
    "user_group_members",
    "user_groups",
];

fn write_tenant(tx: &Db<'_>, t: &TenantFile) -> anyhow::Result<()> {
    for table in REPLACED {
        tx.execute(&format!("DELETE FROM {table}"), params![])?;
    }
    let now = dates::now();
    organisation(tx, t)?;
    users(tx, t)?;
    device_categories(tx, t)?;
    devices(tx, t)?;
    apps(tx, t)?;
    protection(tx, t)?;
    install_states(tx, t, &now)?;
    notifications(tx, t)?;
    recovery_keys(tx, t)?;
    terms(tx, t)?;
    Ok(())
}

/// Validation already checked every date; this keeps the import total anyway.
fn date(value: &str) -> anyhow::Result<String> {
    dates::normalise(value).with_context(|| format!("`{value}` is not an RFC 3339 date-time"))
}

fn organisation(tx: &Db<'_>, t: &TenantFile) -> anyhow::Result<()> {
    let o = &t.organisation;
    tx.execute("DELETE FROM organisation", params![])?;
    tx.execute(
        "INSERT INTO organisation (id, name, theme_color, show_name_in_header, show_logo_in_header,
            logo_url, privacy_url, support_name, support_phone, support_email, support_website_name,
            support_website_url, support_additional_information, is_remove_device_disabled,
            is_factory_reset_disabled, enrollment_availability, disable_device_category_selection)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        params![
            o.name.trim(),
            o.theme_color.to_string(),
            o.show_name_in_header,
            o.show_logo_in_header,
            o.logo_url,
            o.privacy_url,
            o.support.name,
            o.support.phone,
            o.support.email,
            o.support.website_name,
            o.support.website_url,
            o.support.additional_information,
            o.is_remove_device_disabled,
            o.is_factory_reset_disabled,
            code(&o.enrollment_availability),
            o.disable_device_category_selection,
        ],
    )?;
    Ok(())
}

fn users(tx: &Db<'_>, t: &TenantFile) -> anyhow::Result<()> {
    // Users no longer in the file leave (with what hangs off them); the others are updated.
    let keep: std::collections::HashSet<&str> = t.users.iter().map(|u| u.id.as_str()).collect();
    let stored: Vec<(String,)> = tx.query("SELECT id FROM users", params![])?;
    for (id,) in stored {
        if !keep.contains(id.as_str()) {
            tx.execute("DELETE FROM users WHERE id = ?1", params![id])?;
        }
    }
    for g in &t.user_groups {
        tx.execute(
            "INSERT INTO user_groups (id, display_name, description) VALUES (?1, ?2, ?3)",
            params![g.id, g.display_name.trim(), g.description],
        )?;
    }
    for u in &t.users {
        tx.execute(
            "INSERT INTO users (id, display_name, upn, email, password_hash) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name, upn = excluded.upn,
               email = excluded.email, password_hash = excluded.password_hash",
            params![u.id, u.display_name.trim(), u.upn, u.email, u.password_hash],
        )?;
        for g in &u.groups {
            tx.execute(
                "INSERT INTO user_group_members (user_id, group_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                params![u.id, g],
            )?;
        }
    }
    Ok(())
}

fn devices(tx: &Db<'_>, t: &TenantFile) -> anyhow::Result<()> {
    let device = tx.prepare(
        "INSERT INTO devices (id, user_id, device_name, operating_system, os_version, model, manufacturer,
            serial_number, owner_type, enrollment_type, enrolled_at, last_sync_at, compliance_state,
            grace_period_expires_at, failing_settings, is_encrypted, jail_broken, category_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
    );
    let action = tx.prepare(
        "INSERT INTO device_actions (device_id, action, state, started_at, last_updated_at, passcode)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    );
    for d in &t.devices {
        let failing: Vec<FailingSetting> = d
            .failing_settings
            .iter()
            .map(|s| FailingSetting { setting: s.setting.clone(), what_to_fix: s.what_to_fix.clone() })
            .collect();
        let grace = d.compliance_grace_period_expiration.as_deref().map(date).transpose()?;
        device.execute(params![
            d.id,
            d.primary_user,
            d.device_name.trim(),
            code(&d.operating_system),
            d.os_version,
            d.model,
            d.manufacturer,
            d.serial_number,
            code(&d.owner_type),
            code(&d.enrollment_type),
            date(&d.enrolled_date_time)?,
            date(&d.last_sync_date_time)?,
            code(&d.compliance_state),
            grace,
            to_json(&failing)?,
            d.is_encrypted,
            d.jail_broken,
            d.category,
        ])?;
        for a in &d.actions {
            let started = date(&a.start_date_time)?;
            let updated = a.last_updated_date_time.as_deref().map(date).transpose()?.unwrap_or_else(|| started.clone());
            action.execute(params![d.id, code(&a.action), code(&a.state), started, updated, a.passcode])?;
        }
    }
    let group = tx.prepare("INSERT INTO device_groups (id, display_name, description) VALUES (?1, ?2, ?3)");
    let member =
        tx.prepare("INSERT INTO device_group_members (device_id, group_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING");
    for g in &t.device_groups {
        group.execute(params![g.id, g.display_name.trim(), g.description])?;
        for m in &g.members {
            member.execute(params![m, g.id])?;
        }
    }
    let unenrolled = tx
        .prepare("INSERT INTO unenrolled_devices (device_tag, user_id, device_name, platform) VALUES (?1, ?2, ?3, ?4)");
    for d in &t.unenrolled_devices {
        unenrolled.execute(params![d.device_tag, d.user, d.device_name.trim(), code(&d.platform)])?;
    }
    Ok(())
}

fn apps(tx: &Db<'_>, t: &TenantFile) -> anyhow::Result<()> {
    let app = tx.prepare(
        "INSERT INTO apps (id, position, name, publisher, description, version, size_bytes, platforms,
            minimum_os, categories, featured, source, icon_url, information_url, privacy_url,
            published_at, fails_install, requestable)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
    );
    let approver = tx.prepare("INSERT INTO app_approvers (app_id, user_id) VALUES (?1, ?2)");
    let ident = tx.prepare("INSERT INTO app_identifiers (identifier, app_id) VALUES (?1, ?2)");
    let assignment = tx.prepare(
        "INSERT INTO app_assignments (app_id, position, intent, target_type, target_id, excluded_groups)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    );
    for (position, a) in t.apps.iter().enumerate() {
        // SQLite integers are i64; a size beyond that is not a real app.
        let size = a.size_bytes.map(|s| i64::try_from(s).unwrap_or(i64::MAX));
        app.execute(params![
            a.id,
            position as i64,
            a.name.trim(),
            a.publisher.trim(),
            a.description,
            a.version,
            size,
            to_json(&a.platforms)?,
            a.minimum_os,
            to_json(&a.categories)?,
            a.featured,
            code(&a.source),
            a.icon,
            a.information_url,
            a.privacy_url,
            date(&a.published)?,
            a.fails_install,
            a.requestable,
        ])?;
        for user in &a.approvers {
            approver.execute(params![a.id, user])?;
        }
        for i in &a.app_identifiers {
            ident.execute(params![i, a.id])?;
        }
        for (position, s) in a.assignments.iter().enumerate() {
            let (kind, id) = match &s.target {
                AssignmentTarget::AllUsers => ("allUsers", None),
                AssignmentTarget::AllDevices => ("allDevices", None),
                AssignmentTarget::UserGroup { id } => ("userGroup", Some(id.as_str())),
                AssignmentTarget::DeviceGroup { id } => ("deviceGroup", Some(id.as_str())),
            };
            assignment.execute(params![
                a.id,
                position as i64,
                code(&s.intent),
                kind,
                id,
                to_json(&s.excluded_groups)?
            ])?;
        }
    }
    Ok(())
}

fn protection(tx: &Db<'_>, t: &TenantFile) -> anyhow::Result<()> {
    let policy = tx.prepare(
        "INSERT INTO protection_policies (id, position, display_name, description, save_as_blocked,
            clipboard_sharing_level, data_transfer_level, pin_required, simple_pin_blocked,
            minimum_pin_length, device_compliance_required, recheck_after_minutes, offline_wipe_after_minutes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    );
    let group =
        tx.prepare("INSERT INTO protection_policy_groups (policy_id, group_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING");
    let app =
        tx.prepare("INSERT INTO protection_policy_apps (policy_id, app_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING");
    for (position, p) in t.protection_policies.iter().enumerate() {
        policy.execute(params![
            p.id,
            position as i64,
            p.display_name.trim(),
            p.description,
            p.save_as_blocked,
            code(&p.allowed_outbound_clipboard_sharing_level),
            code(&p.allowed_outbound_data_transfer_destinations),
            p.pin_required,
            p.simple_pin_blocked,
            i64::from(p.minimum_pin_length),
            p.device_compliance_required,
            p.period_online_before_access_check_minutes.map(i64::from),
            p.period_offline_before_wipe_minutes.map(i64::from),
        ])?;
        for g in &p.targeted_groups {
            group.execute(params![p.id, g])?;
        }
        for a in &p.protected_apps {
            app.execute(params![p.id, a])?;
        }
    }

    // A registration shows its device's name, type and OS version.
    let mut device_info: HashMap<&str, (String, String, String)> = HashMap::new();
    for d in &t.devices {
        let kind = if d.model.is_empty() { d.operating_system.display_name().to_string() } else { d.model.clone() };
        device_info.insert(&d.id, (d.device_name.trim().to_string(), kind, d.os_version.clone()));
    }
    for d in &t.unenrolled_devices {
        device_info
            .insert(&d.device_tag, (d.device_name.trim().to_string(), device_type(d.platform), d.os_version.clone()));
    }
    let registration = tx.prepare(
        "INSERT INTO app_registrations (id, user_id, device_tag, app_identifier, application_version,
            device_name, device_type, platform_version, management_sdk_version, created_at, last_sync_at,
            flagged_reasons, applied_policies, intended_policies, wipe_state, wipe_requested_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    );
    for r in &t.app_registrations {
        let (name, kind, version) = device_info.get(r.device.as_str()).cloned().unwrap_or_default();
        let last_sync = date(&r.last_sync_date_time)?;
        let wipe_requested = (r.selective_wipe != Default::default()).then(|| last_sync.clone());
        registration.execute(params![
            r.id,
            r.user,
            r.device,
            r.app_identifier,
            r.application_version,
            name,
            kind,
            version,
            r.management_sdk_version,
            date(&r.created_date_time)?,
            last_sync,
            to_json(&r.flagged_reasons)?,
            to_json(&r.applied_policies)?,
            to_json(&r.intended_policies)?,
            code(&r.selective_wipe),
            wipe_requested,
        ])?;
    }
    Ok(())
}

/// Graph's `deviceType` for a device known only by platform.
fn device_type(platform: Platform) -> String {
    match platform {
        Platform::Ios => "iPhone".into(),
        Platform::Ipados => "iPad".into(),
        other => other.display_name().into(),
    }
}

fn install_states(tx: &Db<'_>, t: &TenantFile, now: &str) -> anyhow::Result<()> {
    let state = tx.prepare(
        "INSERT INTO install_states (device_id, app_id, state, pending, last_updated_at, failure)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    );
    for s in &t.install_states {
        let updated = s.last_updated_date_time.as_deref().map(date).transpose()?.unwrap_or_else(|| now.to_string());
        // A file that starts an app as pendingInstall gives the simulator something to do.
        let pending = (s.state == portal_core::domain::ResultantAppState::PendingInstall).then_some("install");
        let failure = s.failure.as_ref().map(code);
        state.execute(params![s.device, s.app, code(&s.state), pending, updated, failure])?;
    }
    Ok(())
}

fn device_categories(tx: &Db<'_>, t: &TenantFile) -> anyhow::Result<()> {
    let category =
        tx.prepare("INSERT INTO device_categories (id, position, display_name, description) VALUES (?1, ?2, ?3, ?4)");
    for (position, c) in t.device_categories.iter().enumerate() {
        category.execute(params![c.id, position as i64, c.display_name.trim(), c.description])?;
    }
    Ok(())
}

fn recovery_keys(tx: &Db<'_>, t: &TenantFile) -> anyhow::Result<()> {
    let key = tx.prepare(
        "INSERT INTO recovery_keys (device_id, position, kind, key_id, volume_type, key_value, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    );
    for (position, k) in t.recovery_keys.iter().enumerate() {
        let created = k.created_date_time.as_deref().map(date).transpose()?;
        let volume = k.volume_type.unwrap_or_default();
        key.execute(params![k.device, position as i64, code(&k.kind), k.key_id, code(&volume), k.key, created])?;
    }
    Ok(())
}

fn terms(tx: &Db<'_>, t: &TenantFile) -> anyhow::Result<()> {
    let Some(terms) = &t.terms else { return Ok(()) };
    let groups = terms.groups.as_ref().map(to_json).transpose()?;
    tx.execute("INSERT INTO terms (id, version, group_ids) VALUES (1, ?1, ?2)", params![terms.version.trim(), groups])?;
    let text = tx.prepare("INSERT INTO terms_texts (position, language, title, body) VALUES (?1, ?2, ?3, ?4)");
    for (position, x) in terms.texts.iter().enumerate() {
        text.execute(params![position as i64, x.language, x.title.trim(), x.text.trim()])?;
    }
    Ok(())
}

fn notifications(tx: &Db<'_>, t: &TenantFile) -> anyhow::Result<()> {
    let note = tx.prepare(
        "INSERT INTO notifications (id, user_id, title, body, created_at, read, link) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    );
    for n in &t.notifications {
        note.execute(params![n.id, n.user, n.title.trim(), n.body, date(&n.created_date_time)?, n.read, n.link])?;
    }
    Ok(())
}
