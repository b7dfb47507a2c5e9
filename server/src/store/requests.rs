//! Requests for apps (`sql/0015_app_requests.sql`): portal state for either tenant. Who may
//! read or change one is decided by the caller (`http::requests`) with `rules::requests`;
//! every function that changes a request changes it only from the state the rule allowed,
//! in one statement, so two approvers deciding at once cannot both win.

use super::codec::{code, decode};
use super::sql::{is_unique_violation, params, Db, Param};
use super::Store;
use portal_core::domain::{AppRequest, AppRequestState};
use std::collections::HashMap;

/// A new request, as the handler checked it.
pub struct NewAppRequest {
    pub app_id: String,
    pub app_name: String,
    pub requester_id: String,
    pub requester_name: String,
    pub requester_upn: String,
    pub reason: String,
}

/// What the approvals page lists besides the waiting requests: the latest decided ones.
const DECIDED_SHOWN: i64 = 50;

const COLUMNS: &str = "id, app_id, app_name, requester_id, requester_name, reason, state, created_at, decided_at,
    decided_by_name, comment";

type Row =
    (String, String, String, String, String, String, String, String, Option<String>, Option<String>, Option<String>);

fn request(row: Row) -> anyhow::Result<AppRequest> {
    let (id, app_id, app_name, requester_id, requester_name, reason, state, created, decided, by, comment) = row;
    Ok(AppRequest {
        id,
        app_id,
        app_name,
        requester_id,
        requester_name,
        reason,
        state: decode(&state)?,
        created_date_time: created,
        decided_date_time: decided,
        decided_by_name: by,
        comment,
    })
}

fn query(db: &Db<'_>, condition: &str, args: &[&dyn Param]) -> anyhow::Result<Vec<AppRequest>> {
    let rows: Vec<Row> = db.query(&format!("SELECT {COLUMNS} FROM app_requests WHERE {condition}"), args)?;
    rows.into_iter().map(request).collect()
}

/// A new request id that sorts after every earlier one: the store's dates are to the second,
/// and a person may ask, be declined and ask again within one, so "their latest request"
/// (what the catalog shows) is decided by the id when the dates are equal. Milliseconds since
/// 1970 in 13 hex digits, then 12 random bits (a clash is retried).
fn request_id() -> String {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default();
    format!("r-{millis:013x}{:03x}", fastrand::u16(..0x1000))
}

fn by_id(db: &Db<'_>, id: &str) -> anyhow::Result<Option<AppRequest>> {
    Ok(query(db, "id = ?1", params![id])?.into_iter().next())
}

impl Store {
    /// Records a waiting request; `None` when one of the requester's for the app is already
    /// waiting (a unique index decides, so two at once cannot both be recorded).
    pub async fn insert_app_request(&self, new: NewAppRequest) -> anyhow::Result<Option<AppRequest>> {
        self.run(move |db| {
            let now = crate::dates::now();
            for _ in 0..8 {
                let id = request_id();
                let inserted = db.execute(
                    "INSERT INTO app_requests (id, app_id, app_name, requester_id, requester_name, requester_upn,
                        reason, state, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', ?8)",
                    params![
                        id,
                        new.app_id,
                        new.app_name,
                        new.requester_id,
                        new.requester_name,
                        new.requester_upn,
                        new.reason,
                        now
                    ],
                );
                match inserted {
                    Ok(_) => return by_id(db, &id),
                    // The one-waiting-request index, or (astronomically rarely) the id.
                    Err(e) if is_unique_violation(&e) => {
                        let waiting = query(
                            db,
                            "requester_id = ?1 AND app_id = ?2 AND state = 'pending'",
                            params![new.requester_id, new.app_id],
                        )?;
                        if !waiting.is_empty() {
                            return Ok(None);
                        }
                    }
                    Err(e) => return Err(e),
                }
            }
            anyhow::bail!("no free request id after eight tries")
        })
        .await
    }

    /// One request by id, whoever's it is (the caller decides who may see it).
    pub async fn app_request(&self, id: &str) -> anyhow::Result<Option<AppRequest>> {
        let id = id.to_string();
        self.run(move |db| by_id(db, &id)).await
    }

    /// `user_id`'s requests, newest first.
    pub async fn app_requests_of_user(&self, user_id: &str) -> anyhow::Result<Vec<AppRequest>> {
        let user_id = user_id.to_string();
        self.run(move |db| query(db, "requester_id = ?1 ORDER BY created_at DESC, id DESC", params![user_id])).await
    }

    /// `user_id`'s latest request for each app they asked for (the catalog shows it).
    pub async fn latest_app_requests_of_user(&self, user_id: &str) -> anyhow::Result<HashMap<String, AppRequest>> {
        let mut latest = HashMap::new();
        for request in self.app_requests_of_user(user_id).await? {
            latest.entry(request.app_id.clone()).or_insert(request);
        }
        Ok(latest)
    }

    /// The requests for `app_ids`: every waiting one (oldest first, the first to decide), then
    /// the latest decided or withdrawn ones.
    pub async fn app_requests_for_apps(&self, app_ids: Vec<String>) -> anyhow::Result<Vec<AppRequest>> {
        if app_ids.is_empty() {
            return Ok(Vec::new());
        }
        self.run(move |db| {
            // `app_id IN (?1, ?2, …)`: the same SQL on both stores.
            let n = app_ids.len();
            let list = (1..=n).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
            let ids: Vec<&dyn Param> = app_ids.iter().map(|id| id as &dyn Param).collect();
            let mut with_limit = ids.clone();
            with_limit.push(&DECIDED_SHOWN);
            db.read(|tx| {
                let mut out =
                    query(tx, &format!("app_id IN ({list}) AND state = 'pending' ORDER BY created_at, id"), &ids)?;
                out.extend(query(
                    tx,
                    &format!(
                        "app_id IN ({list}) AND state != 'pending'
                         ORDER BY COALESCE(decided_at, created_at) DESC, id DESC LIMIT ?{}",
                        n + 1
                    ),
                    &with_limit,
                )?);
                Ok(out)
            })
        })
        .await
    }

    /// Moves a waiting request to `state` (approved, declined or withdrawn); `None` when it
    /// was no longer waiting.
    pub async fn close_app_request(
        &self,
        id: &str,
        state: AppRequestState,
        decided_by: Option<(&str, &str)>,
        comment: Option<String>,
    ) -> anyhow::Result<Option<AppRequest>> {
        let id = id.to_string();
        let (by, by_name) = decided_by.map(|(a, b)| (a.to_string(), b.to_string())).unzip();
        self.run(move |db| {
            let changed = db.execute(
                "UPDATE app_requests SET state = ?2, decided_at = ?3, decided_by = ?4, decided_by_name = ?5,
                    comment = ?6 WHERE id = ?1 AND state = 'pending'",
                params![id, code(&state), crate::dates::now(), by, by_name, comment],
            )?;
            if changed == 0 {
                return Ok(None);
            }
            by_id(db, &id)
        })
        .await
    }

    /// The object id and sign-in name of a request's requester (for the audit trail).
    pub async fn app_request_requester(&self, id: &str) -> anyhow::Result<Option<(String, String)>> {
        let id = id.to_string();
        self.run(move |db| {
            db.query_opt("SELECT requester_id, requester_upn FROM app_requests WHERE id = ?1", params![id])
        })
        .await
    }
}
