//! The audit trail: every change a person asked for, on either tenant — who (object id and
//! sign-in name), what, which device or app, when, Graph's `request-id` when Graph was asked,
//! and how it ended. Listed by `portal-server audit` as JSON lines.

use super::Store;
use rusqlite::params;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    /// RFC 3339; set by the store when recorded.
    #[serde(default)]
    pub at: String,
    pub user_id: String,
    pub upn: String,
    /// `embedded` or `intune`.
    pub tenant: String,
    /// e.g. `action.wipe`, `rename`, `install`, `uninstall`, `selectiveWipe`.
    pub what: String,
    /// A device id, a device tag, or `app@device`.
    pub target: String,
    /// `accepted`, `refused`, `failed`, `done`, `stillPending`.
    pub outcome: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// Which entries to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// RFC 3339, inclusive.
    pub since: Option<String>,
    pub until: Option<String>,
    /// An object id or a sign-in name (ignoring case).
    pub user: Option<String>,
    /// `what` starts with this (e.g. `action` for every remote action).
    pub what: Option<String>,
    pub target: Option<String>,
    pub limit: usize,
}

/// Records `entry` on `conn` (inside the caller's transaction, when it has one).
pub(super) fn audit_in(conn: &rusqlite::Connection, entry: &AuditEntry) -> anyhow::Result<()> {
    conn.prepare_cached(
        "INSERT INTO audit (at, user_id, upn, tenant, what, target, outcome, request_id, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        crate::dates::now(),
        entry.user_id,
        entry.upn,
        entry.tenant,
        entry.what,
        entry.target,
        entry.outcome,
        entry.request_id,
        entry.detail
    ])?;
    Ok(())
}

impl Store {
    pub async fn audit(&self, entry: AuditEntry) -> anyhow::Result<()> {
        self.run(move |conn| audit_in(conn, &entry)).await
    }

    /// Entries matching `filter`, oldest first.
    pub async fn audit_entries(&self, filter: AuditFilter) -> anyhow::Result<Vec<AuditEntry>> {
        self.run(move |conn| {
            let what = filter.what.map(|w| format!("{}%", w.replace('%', "")));
            let limit = if filter.limit == 0 { i64::MAX } else { i64::try_from(filter.limit).unwrap_or(i64::MAX) };
            let mut stmt = conn.prepare_cached(
                "SELECT at, user_id, upn, tenant, what, target, outcome, request_id, detail FROM audit
                 WHERE (?1 IS NULL OR at >= ?1) AND (?2 IS NULL OR at <= ?2)
                   AND (?3 IS NULL OR user_id = ?3 OR upn = ?3 COLLATE NOCASE)
                   AND (?4 IS NULL OR what LIKE ?4) AND (?5 IS NULL OR target = ?5)
                 ORDER BY id LIMIT ?6",
            )?;
            let rows = stmt
                .query_map(params![filter.since, filter.until, filter.user, what, filter.target, limit], |r| {
                    Ok(AuditEntry {
                        at: r.get(0)?,
                        user_id: r.get(1)?,
                        upn: r.get(2)?,
                        tenant: r.get(3)?,
                        what: r.get(4)?,
                        target: r.get(5)?,
                        outcome: r.get(6)?,
                        request_id: r.get(7)?,
                        detail: r.get(8)?,
                    })
                })?
                .collect::<Result<_, _>>()?;
            Ok(rows)
        })
        .await
    }
}
