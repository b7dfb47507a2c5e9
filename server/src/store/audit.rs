//! The audit trail: every change a person asked for, on either tenant — who (object id and
//! sign-in name), what, which device or app, when, Graph's `request-id` when Graph was asked,
//! and how it ended. Listed by `portal-server audit` as JSON lines.

use super::sql::{params, Db};
use super::Store;
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
pub(super) fn audit_in(db: &Db<'_>, entry: &AuditEntry) -> anyhow::Result<()> {
    db.execute(
        "INSERT INTO audit (at, user_id, upn, tenant, what, target, outcome, request_id, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            crate::dates::now(),
            entry.user_id,
            entry.upn,
            entry.tenant,
            entry.what,
            entry.target,
            entry.outcome,
            entry.request_id,
            entry.detail
        ],
    )?;
    Ok(())
}

impl Store {
    pub async fn audit(&self, entry: AuditEntry) -> anyhow::Result<()> {
        self.run(move |db| audit_in(db, &entry)).await
    }

    /// Entries matching `filter`, oldest first.
    pub async fn audit_entries(&self, filter: AuditFilter) -> anyhow::Result<Vec<AuditEntry>> {
        self.run(move |db| {
            let what = filter.what.map(|w| format!("{}%", w.replace('%', "")));
            let limit = if filter.limit == 0 { i64::MAX } else { i64::try_from(filter.limit).unwrap_or(i64::MAX) };
            // `lower()` on both sides: SQLite's LIKE and NOCASE ignore ASCII case, PostgreSQL's
            // comparisons do not; this reads the same on both. `CAST(? AS TEXT)`: PostgreSQL
            // cannot tell the type of a parameter that is only compared with NULL.
            db.query_map(
                "SELECT at, user_id, upn, tenant, what, target, outcome, request_id, detail FROM audit
                 WHERE (CAST(?1 AS TEXT) IS NULL OR at >= ?1) AND (CAST(?2 AS TEXT) IS NULL OR at <= ?2)
                   AND (CAST(?3 AS TEXT) IS NULL OR user_id = ?3 OR lower(upn) = lower(?3))
                   AND (CAST(?4 AS TEXT) IS NULL OR lower(what) LIKE lower(?4))
                   AND (CAST(?5 AS TEXT) IS NULL OR target = ?5)
                 ORDER BY id LIMIT ?6",
                params![filter.since, filter.until, filter.user, what, filter.target, limit],
                |mut r| {
                    Ok(AuditEntry {
                        at: r.take(0)?,
                        user_id: r.take(1)?,
                        upn: r.take(2)?,
                        tenant: r.take(3)?,
                        what: r.take(4)?,
                        target: r.take(5)?,
                        outcome: r.take(6)?,
                        request_id: r.take(7)?,
                        detail: r.take(8)?,
                    })
                },
            )
        })
        .await
    }
}
