//! App protection: policies (cached per import) and managed app registrations.

use super::codec::{code, decode, from_json, to_json};
use super::Store;
use crate::dates;
use portal_core::domain::{AppProtectionPolicy, ManagedAppRegistration, PolicyRef, SelectiveWipeState};
use rusqlite::{params, Connection};
use std::collections::HashMap;
use std::sync::Arc;

const REGISTRATION_COLUMNS: &str = "id, app_identifier, application_version, device_name, device_type, device_tag,
    platform_version, created_at, last_sync_at, management_sdk_version, flagged_reasons, applied_policies,
    intended_policies, wipe_state";

type RegistrationRow =
    (String, String, String, String, String, String, String, String, String, String, String, String, String, String);

fn registration_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RegistrationRow> {
    r.try_into()
}

fn registration(row: RegistrationRow, policies: &[AppProtectionPolicy]) -> anyhow::Result<ManagedAppRegistration> {
    let (
        id,
        app_identifier,
        application_version,
        device_name,
        device_type,
        device_tag,
        platform_version,
        created,
        last_sync,
        sdk,
        flagged,
        applied,
        intended,
        wipe,
    ) = row;
    // Policies are named, not just referenced, so the page can show their names.
    let refs = |json: &str| -> anyhow::Result<Vec<PolicyRef>> {
        let ids: Vec<String> = from_json(json)?;
        Ok(ids
            .into_iter()
            .map(|id| {
                let display_name =
                    policies.iter().find(|p| p.id == id).map_or_else(|| id.clone(), |p| p.display_name.clone());
                PolicyRef { id, display_name }
            })
            .collect())
    };
    Ok(ManagedAppRegistration {
        id,
        app_identifier,
        application_version,
        device_name,
        device_type,
        device_tag,
        platform_version,
        created_date_time: created,
        last_sync_date_time: last_sync,
        management_sdk_version: sdk,
        flagged_reasons: from_json(&flagged)?,
        applied_policies: refs(&applied)?,
        intended_policies: refs(&intended)?,
        selective_wipe_state: decode(&wipe)?,
    })
}

/// `user_id`'s registrations, ordered by device tag (for other store modules' bundles).
pub(super) fn registrations_of(
    conn: &Connection,
    user_id: &str,
    policies: &[AppProtectionPolicy],
) -> anyhow::Result<Vec<ManagedAppRegistration>> {
    let rows: Vec<RegistrationRow> = conn
        .prepare_cached(&format!(
            "SELECT {REGISTRATION_COLUMNS} FROM app_registrations WHERE user_id = ?1 ORDER BY device_tag, app_identifier"
        ))?
        .query_map([user_id], registration_row)?
        .collect::<Result<_, _>>()?;
    rows.into_iter().map(|row| registration(row, policies)).collect()
}

impl Store {
    /// Every app protection policy, with the identifiers of the apps it protects.
    pub async fn protection_policies(&self) -> anyhow::Result<Arc<Vec<AppProtectionPolicy>>> {
        Ok(self.tenant_cache().await?.policies.clone())
    }

    /// `user_id`'s managed app registrations (their apps used with the work account on
    /// any device), grouped by device tag. Pair with `portal_core::rules::protection::
    /// protection_status` and [`Store::protection_policies`] for the status.
    pub async fn protected_apps_of_user(&self, user_id: &str) -> anyhow::Result<Vec<ManagedAppRegistration>> {
        let policies = self.protection_policies().await?;
        let user_id = user_id.to_string();
        self.run(move |conn| registrations_of(conn, &user_id, &policies)).await
    }

    /// Requests a selective wipe of the work data in `user_id`'s apps on the device
    /// `device_tag` (a MAM-only device's tag or a managed device's id). Returns the ids of
    /// the registrations that became `pending` (those already pending or done are left
    /// alone), or `None` when the user has no app registered on such a device (→ 404).
    pub async fn request_selective_wipe(&self, user_id: &str, device_tag: &str) -> anyhow::Result<Option<Vec<String>>> {
        let (user_id, device_tag) = (user_id.to_string(), device_tag.to_string());
        self.run(move |conn| {
            // IMMEDIATE: it reads, then writes; a deferred transaction whose read snapshot another
            // writer overtook fails with `database is locked` at once instead of waiting.
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let known: i64 = tx.query_row(
                "SELECT count(*) FROM app_registrations WHERE user_id = ?1 AND device_tag = ?2",
                [&user_id, &device_tag],
                |r| r.get(0),
            )?;
            if known == 0 {
                return Ok(None);
            }
            let changed: Vec<String> = tx
                .prepare(
                    "UPDATE app_registrations SET wipe_state = 'pending', wipe_requested_at = ?3
                     WHERE user_id = ?1 AND device_tag = ?2 AND wipe_state = 'none' RETURNING id",
                )?
                .query_map(params![user_id, device_tag, dates::now()], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            tx.commit()?;
            Ok(Some(changed))
        })
        .await
    }

    /// An app checks in (simulator): last check-in now, the intended policies become the
    /// applied ones, and a pending selective wipe is carried out.
    pub async fn check_in_registration(&self, registration_id: &str) -> anyhow::Result<()> {
        let id = registration_id.to_string();
        self.run(move |conn| {
            conn.prepare_cached(
                "UPDATE app_registrations SET last_sync_at = ?2, applied_policies = intended_policies,
                   wipe_state = CASE wipe_state WHEN 'pending' THEN 'done' ELSE wipe_state END
                 WHERE id = ?1",
            )?
            .execute(params![id, dates::now()])?;
            Ok(())
        })
        .await
    }

    /// Sets a registration's selective-wipe state directly (simulator, tests).
    pub async fn set_wipe_state(&self, registration_id: &str, state: SelectiveWipeState) -> anyhow::Result<()> {
        let id = registration_id.to_string();
        self.run(move |conn| {
            conn.prepare_cached("UPDATE app_registrations SET wipe_state = ?2 WHERE id = ?1")?
                .execute(params![id, code(&state)])?;
            Ok(())
        })
        .await
    }

    /// Replaces a registration's intended policies (e.g. after a policy change) so that
    /// the app shows "waiting for check-in" until it next checks in.
    pub async fn set_intended_policies(&self, registration_id: &str, policy_ids: &[String]) -> anyhow::Result<()> {
        let id = registration_id.to_string();
        let json = to_json(policy_ids)?;
        self.run(move |conn| {
            conn.prepare_cached("UPDATE app_registrations SET intended_policies = ?2 WHERE id = ?1")?
                .execute(params![id, json])?;
            Ok(())
        })
        .await
    }
}

/// Reads every policy with its groups and the identifiers of its apps.
pub(super) fn load_policies(conn: &Connection) -> anyhow::Result<Vec<AppProtectionPolicy>> {
    let mut groups: HashMap<String, Vec<String>> = HashMap::new();
    let rows: Vec<(String, String)> = conn
        .prepare("SELECT policy_id, group_id FROM protection_policy_groups ORDER BY policy_id, group_id")?
        .query_map([], |r| r.try_into())?
        .collect::<Result<_, _>>()?;
    for (policy, group) in rows {
        groups.entry(policy).or_default().push(group);
    }
    let mut identifiers: HashMap<String, Vec<String>> = HashMap::new();
    let rows: Vec<(String, String)> = conn
        .prepare(
            "SELECT pa.policy_id, ai.identifier FROM protection_policy_apps pa
             JOIN app_identifiers ai ON ai.app_id = pa.app_id ORDER BY pa.policy_id, ai.identifier",
        )?
        .query_map([], |r| r.try_into())?
        .collect::<Result<_, _>>()?;
    for (policy, identifier) in rows {
        identifiers.entry(policy).or_default().push(identifier);
    }
    type PolicyRow = (String, String, String, bool, String, String, bool, bool, u32, bool, Option<u32>, Option<u32>);
    let rows: Vec<PolicyRow> = conn
        .prepare(
            "SELECT id, display_name, description, save_as_blocked, clipboard_sharing_level, data_transfer_level,
                    pin_required, simple_pin_blocked, minimum_pin_length, device_compliance_required,
                    recheck_after_minutes, offline_wipe_after_minutes
             FROM protection_policies ORDER BY position",
        )?
        .query_map([], |r| r.try_into())?
        .collect::<Result<_, _>>()?;
    rows.into_iter()
        .map(
            |(
                id,
                display_name,
                description,
                save_as,
                clipboard,
                transfer,
                pin,
                simple,
                min_len,
                compliance,
                recheck,
                offline,
            )| {
                Ok(AppProtectionPolicy {
                    targeted_group_ids: groups.remove(&id).unwrap_or_default(),
                    protected_app_identifiers: identifiers.remove(&id).unwrap_or_default(),
                    id,
                    display_name,
                    description,
                    save_as_blocked: save_as,
                    allowed_outbound_clipboard_sharing_level: decode(&clipboard)?,
                    allowed_outbound_data_transfer_destinations: decode(&transfer)?,
                    pin_required: pin,
                    simple_pin_blocked: simple,
                    minimum_pin_length: min_len,
                    device_compliance_required: compliance,
                    period_online_before_access_check_minutes: recheck,
                    period_offline_before_wipe_minutes: offline,
                })
            },
        )
        .collect()
}
