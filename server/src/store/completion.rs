//! The device simulator's completions, each one transaction: the state change, the user's
//! notification and the audit entry commit together or not at all, and only while the work
//! is still pending. A crash (`kill -9`) at any moment and a restart on the same database therefore
//! carry every accepted request out exactly once: work that had not committed is still
//! pending and is done again from the start; work that had committed is not pending any
//! more and is never done twice (`server/tests/crash.rs`).

use super::apps::install_state_in;
use super::audit::{audit_in, AuditEntry};
use super::codec::{code, to_json};
use super::notifications::insert_notification_in;
use super::Store;
use crate::dates;
use crate::tenant::InstallRecord;
use portal_core::api::{InstallFailure, InstallOperation};
use portal_core::domain::{ComplianceState, FailingSetting, Notification, PortalMessage, ResultantAppState};
use rusqlite::{params, Connection, TransactionBehavior};

/// The notification a completion sends its user (`title` and `body` in English for other
/// clients, `message` for the page to word in the reader's language).
#[derive(Debug, Clone)]
pub struct Notice {
    pub user_id: String,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub message: PortalMessage,
}

/// What a completion records besides the state change.
#[derive(Debug, Clone, Default)]
pub struct Record {
    pub notice: Option<Notice>,
    /// How the change the person asked for ended (`store/audit.rs`).
    pub audit: Option<AuditEntry>,
}

/// What a check-in re-evaluated.
#[derive(Debug, Clone)]
pub struct CheckIn {
    pub compliance: ComplianceState,
    pub grace_period_expires: Option<String>,
    pub failing_settings: Vec<FailingSetting>,
}

/// How a remote action ends for its device.
#[derive(Debug, Clone)]
pub enum ActionOutcome {
    /// The action is done; a check-in may come with it (Check status).
    Done { passcode: Option<String>, check_in: Option<CheckIn> },
    /// Remove (retire): the device and everything of it leave the portal.
    Retired,
}

/// Writes `record` in the completion's transaction; returns the notification sent.
fn write(conn: &Connection, record: Record) -> anyhow::Result<Option<Notification>> {
    if let Some(entry) = &record.audit {
        audit_in(conn, entry)?;
    }
    let Some(n) = record.notice else { return Ok(None) };
    let encoded = Some(to_json(&n.message)?);
    insert_notification_in(conn, &n.user_id, &n.title, &n.body, n.link, Some(n.message), encoded).map(Some)
}

impl Store {
    /// Settles a pending install or uninstall; `None` when it is no longer pending (done
    /// already, or the device is gone).
    pub async fn complete_install(
        &self,
        device_id: &str,
        app_id: &str,
        operation: InstallOperation,
        state: ResultantAppState,
        failure: Option<InstallFailure>,
        record: Record,
    ) -> anyhow::Result<Option<(InstallRecord, Option<Notification>)>> {
        let (device_id, app_id) = (device_id.to_string(), app_id.to_string());
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let changed = tx
                .prepare_cached(
                    "UPDATE install_states SET state = ?3, pending = NULL, last_updated_at = ?4, failure = ?5
                     WHERE device_id = ?1 AND app_id = ?2 AND pending = ?6",
                )?
                .execute(params![
                    device_id,
                    app_id,
                    code(&state),
                    dates::now(),
                    failure.map(|f| code(&f)),
                    code(&operation)
                ])?;
            if changed == 0 {
                return Ok(None);
            }
            let settled =
                install_state_in(&tx, &device_id, &app_id)?.ok_or_else(|| anyhow::anyhow!("install state vanished"))?;
            let notification = write(&tx, record)?;
            tx.commit()?;
            Ok(Some((settled, notification)))
        })
        .await
    }

    /// Ends a pending remote action; `None` when it is no longer pending.
    pub async fn complete_action(
        &self,
        action_id: i64,
        device_id: &str,
        outcome: ActionOutcome,
        record: Record,
    ) -> anyhow::Result<Option<Option<Notification>>> {
        let device_id = device_id.to_string();
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let now = dates::now();
            let passcode = match &outcome {
                ActionOutcome::Done { passcode, .. } => passcode.clone(),
                ActionOutcome::Retired => None,
            };
            let changed = tx
                .prepare_cached(
                    "UPDATE device_actions SET state = 'done', last_updated_at = ?2, passcode = COALESCE(?3, passcode)
                     WHERE id = ?1 AND state IN ('pending', 'active')",
                )?
                .execute(params![action_id, now, passcode])?;
            if changed == 0 {
                return Ok(None);
            }
            match outcome {
                ActionOutcome::Done { check_in: Some(c), .. } => {
                    tx.prepare_cached(
                        "UPDATE devices SET last_sync_at = ?2, compliance_state = ?3, grace_period_expires_at = ?4,
                           failing_settings = ?5 WHERE id = ?1",
                    )?
                    .execute(params![
                        device_id,
                        now,
                        code(&c.compliance),
                        c.grace_period_expires,
                        to_json(&c.failing_settings)?
                    ])?;
                }
                ActionOutcome::Done { check_in: None, .. } => {}
                ActionOutcome::Retired => {
                    tx.execute("DELETE FROM app_registrations WHERE device_tag = ?1", [&device_id])?;
                    tx.execute("DELETE FROM devices WHERE id = ?1", [&device_id])?;
                }
            }
            let notification = write(&tx, record)?;
            tx.commit()?;
            Ok(Some(notification))
        })
        .await
    }

    /// Carries out a pending selective wipe of one registration at its check-in; `None`
    /// when it is no longer pending.
    pub async fn complete_selective_wipe(
        &self,
        registration_id: &str,
        record: Record,
    ) -> anyhow::Result<Option<Option<Notification>>> {
        let id = registration_id.to_string();
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let changed = tx
                .prepare_cached(
                    "UPDATE app_registrations SET last_sync_at = ?2, applied_policies = intended_policies,
                       wipe_state = 'done'
                     WHERE id = ?1 AND wipe_state = 'pending'",
                )?
                .execute(params![id, dates::now()])?;
            if changed == 0 {
                return Ok(None);
            }
            let notification = write(&tx, record)?;
            tx.commit()?;
            Ok(Some(notification))
        })
        .await
    }
}
