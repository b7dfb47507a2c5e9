//! Changes the portal asked Microsoft Intune for, until Intune reports how they ended
//! (`0008_intune_requests_and_audit.sql`). A request is recorded *before* it is sent, so a
//! restart — even after a `kill -9` — finds it and resumes: a `queued` one is checked
//! against Graph before it is sent again, so nothing is sent twice.

use super::codec::{code, decode};
use super::sql::{is_unique_violation, params};
use super::Store;
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RequestKind {
    /// A remote action; `subject` is the portal's action name (`sync`, `wipe`, …).
    Action,
    /// A new device name (`setDeviceName`); `subject` is the name.
    Rename,
    /// Selective wipe of one device's apps; `device_id` is the portal's device tag.
    SelectiveWipe,
    /// `subject` is the app id.
    Install,
    Uninstall,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RequestState {
    /// Recorded; not known to have reached Graph.
    Queued,
    /// Graph accepted it; the outcome is awaited.
    Sent,
    Done,
    Failed,
    /// The bound passed without an outcome; the portal stopped asking.
    StillPending,
}

impl RequestState {
    pub fn in_flight(self) -> bool {
        matches!(self, RequestState::Queued | RequestState::Sent)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct IntuneRequest {
    pub id: i64,
    pub user_id: String,
    pub kind: RequestKind,
    pub device_id: String,
    pub subject: String,
    pub state: RequestState,
    pub requested_at: String,
    pub sent_at: Option<String>,
    pub next_check_at: String,
    pub checks: u32,
    pub retry_at: Option<String>,
    pub detail: Value,
}

const COLUMNS: &str = "id, user_id, kind, device_id, subject, state, requested_at, sent_at, next_check_at, checks, \
                       retry_at, detail";

type Fields =
    (i64, String, String, String, String, String, String, Option<String>, String, u32, Option<String>, String);
type Row = super::sql::Row;

fn request(row: Row) -> anyhow::Result<IntuneRequest> {
    let (id, user_id, kind, device_id, subject, state, requested_at, sent_at, next_check_at, checks, retry_at, detail) =
        <Fields as super::sql::FromRow>::from_row(row)?;
    Ok(IntuneRequest {
        id,
        user_id,
        kind: decode(&kind)?,
        device_id,
        subject,
        state: decode(&state)?,
        requested_at,
        sent_at,
        next_check_at,
        checks,
        retry_at,
        detail: serde_json::from_str(&detail).unwrap_or(Value::Null),
    })
}

/// A change to record before sending it.
#[derive(Debug, Clone)]
pub struct NewRequest {
    pub user_id: String,
    pub kind: RequestKind,
    pub device_id: String,
    pub subject: String,
    pub detail: Value,
}

/// How a request moved on.
#[derive(Debug, Clone, Default)]
pub struct RequestUpdate {
    pub state: Option<RequestState>,
    pub sent_at: Option<String>,
    pub next_check_at: Option<String>,
    /// `Some(None)` clears it.
    pub retry_at: Option<Option<String>>,
    pub detail: Option<Value>,
    pub checked: bool,
}

impl Store {
    /// Records `new` as queued; `None` when the same change is already in flight (the
    /// unique index decides, so two concurrent requests cannot both be recorded).
    pub async fn queue_intune_request(&self, new: NewRequest) -> anyhow::Result<Option<IntuneRequest>> {
        self.run(move |db| {
            let now = crate::dates::now();
            let inserted: anyhow::Result<Row> = db.query_one(
                &format!(
                    "INSERT INTO intune_requests (user_id, kind, device_id, subject, state, requested_at, next_check_at, detail)
                     VALUES (?1, ?2, ?3, ?4, 'queued', ?5, ?5, ?6) RETURNING {COLUMNS}"
                ),
                params![new.user_id, code(&new.kind), new.device_id, new.subject, now, new.detail.to_string()],
            );
            match inserted {
                Ok(row) => Ok(Some(request(row)?)),
                Err(e) if is_unique_violation(&e) => Ok(None),
                Err(e) => Err(e),
            }
        })
        .await
    }

    /// In-flight requests whose next check is due at `now` (RFC 3339), oldest first.
    pub async fn intune_requests_due(&self, now: &str) -> anyhow::Result<Vec<IntuneRequest>> {
        let now = now.to_string();
        self.run(move |db| {
            let rows: Vec<Row> = db.query(
                &format!(
                    "SELECT {COLUMNS} FROM intune_requests WHERE state IN ('queued', 'sent') AND next_check_at <= ?1
                     ORDER BY next_check_at, id LIMIT 200"
                ),
                params![now],
            )?;
            rows.into_iter().map(request).collect()
        })
        .await
    }

    /// `user_id`'s requests still in flight, or ended since `since` (for the pages: a pending
    /// action Graph does not list yet, a wipe in progress).
    pub async fn intune_requests_of_user(&self, user_id: &str, since: &str) -> anyhow::Result<Vec<IntuneRequest>> {
        let (user_id, since) = (user_id.to_string(), since.to_string());
        self.run(move |db| {
            let rows: Vec<Row> = db.query(
                &format!(
                    "SELECT {COLUMNS} FROM intune_requests
                     WHERE user_id = ?1 AND (state IN ('queued', 'sent') OR requested_at >= ?2) ORDER BY id"
                ),
                params![user_id, since],
            )?;
            rows.into_iter().map(request).collect()
        })
        .await
    }

    pub async fn intune_request(&self, id: i64) -> anyhow::Result<Option<IntuneRequest>> {
        self.run(move |db| {
            let row: Option<Row> =
                db.query_opt(&format!("SELECT {COLUMNS} FROM intune_requests WHERE id = ?1"), params![id])?;
            row.map(request).transpose()
        })
        .await
    }

    /// Moves a request on. A request that already ended is left alone (two pollers, or a
    /// late answer, cannot undo an outcome).
    pub async fn update_intune_request(&self, id: i64, update: RequestUpdate) -> anyhow::Result<bool> {
        self.run(move |db| {
            let changed = db.execute(
                "UPDATE intune_requests SET
                    state = COALESCE(?2, state),
                    sent_at = COALESCE(?3, sent_at),
                    next_check_at = COALESCE(?4, next_check_at),
                    retry_at = CASE WHEN ?5 THEN ?6 ELSE retry_at END,
                    detail = COALESCE(?7, detail),
                    checks = checks + ?8
                 WHERE id = ?1 AND state IN ('queued', 'sent')",
                params![
                    id,
                    update.state.map(|s| code(&s)),
                    update.sent_at,
                    update.next_check_at,
                    update.retry_at.is_some(),
                    update.retry_at.flatten(),
                    update.detail.map(|d| d.to_string()),
                    i64::from(update.checked),
                ],
            )?;
            Ok(changed == 1)
        })
        .await
    }
}
