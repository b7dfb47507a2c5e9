//! Terms of use: the embedded tenant's current terms (per import, cached) and who accepted
//! which version (portal state, either tenant, kept across imports).

use super::codec::from_json;
use super::Store;
use crate::tenant::TermsConfig;
use portal_core::domain::{TermsAcceptance, TermsOfUse, TermsText};
use rusqlite::{params, Connection, OptionalExtension};

pub(super) fn load_terms(conn: &Connection) -> anyhow::Result<Option<TermsConfig>> {
    let row: Option<(String, Option<String>)> = conn
        .query_row("SELECT version, group_ids FROM terms WHERE id = 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((version, groups)) = row else { return Ok(None) };
    let texts = conn
        .prepare("SELECT language, title, body FROM terms_texts ORDER BY position")?
        .query_map([], |r| Ok(TermsText { language: r.get(0)?, title: r.get(1)?, text: r.get(2)? }))?
        .collect::<Result<_, _>>()?;
    let groups: Option<Vec<String>> = groups.as_deref().map(from_json).transpose()?;
    Ok(Some(TermsConfig { terms: TermsOfUse { version, texts }, groups }))
}

impl Store {
    /// The embedded tenant's terms, if it publishes any.
    pub async fn terms(&self) -> anyhow::Result<Option<std::sync::Arc<TermsConfig>>> {
        Ok(self.tenant_cache().await?.terms.clone())
    }

    /// `user_id`'s acceptance of `version`, if they accepted it.
    pub async fn terms_acceptance(&self, user_id: &str, version: &str) -> anyhow::Result<Option<TermsAcceptance>> {
        let (user_id, version) = (user_id.to_string(), version.to_string());
        self.run(move |conn| {
            let at: Option<String> = conn
                .prepare_cached("SELECT accepted_at FROM terms_acceptances WHERE user_id = ?1 AND version = ?2")?
                .query_row(params![user_id, version], |r| r.get(0))
                .optional()?;
            Ok(at.map(|accepted_date_time| TermsAcceptance { version, accepted_date_time }))
        })
        .await
    }

    /// Records that `user_id` accepted `version` (once: accepting again keeps the first time).
    pub async fn accept_terms(&self, user_id: &str, version: &str) -> anyhow::Result<TermsAcceptance> {
        let (user_id, version) = (user_id.to_string(), version.to_string());
        self.run(move |conn| {
            conn.prepare_cached(
                "INSERT OR IGNORE INTO terms_acceptances (user_id, version, accepted_at) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![user_id, version, crate::dates::now()])?;
            let accepted_date_time: String = conn
                .prepare_cached("SELECT accepted_at FROM terms_acceptances WHERE user_id = ?1 AND version = ?2")?
                .query_row(params![user_id, version], |r| r.get(0))?;
            Ok(TermsAcceptance { version, accepted_date_time })
        })
        .await
    }
}
