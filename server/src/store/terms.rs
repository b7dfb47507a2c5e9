//! Terms of use: the embedded tenant's current terms (per import, cached) and who accepted
//! which version (portal state, either tenant, kept across imports).

use super::codec::from_json;
use super::sql::{params, Db};
use super::Store;
use crate::tenant::TermsConfig;
use portal_core::domain::{TermsAcceptance, TermsOfUse, TermsText};

pub(super) fn load_terms(db: &Db<'_>) -> anyhow::Result<Option<TermsConfig>> {
    let row: Option<(String, Option<String>)> =
        db.query_opt("SELECT version, group_ids FROM terms WHERE id = 1", params![])?;
    let Some((version, groups)) = row else { return Ok(None) };
    let texts = db
        .query::<(String, String, String)>(
            "SELECT language, title, body FROM terms_texts ORDER BY position",
            params![],
        )?
        .into_iter()
        .map(|(language, title, text)| TermsText { language, title, text })
        .collect();
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
        self.run(move |db| {
            let at: Option<(String,)> = db.query_opt(
                "SELECT accepted_at FROM terms_acceptances WHERE user_id = ?1 AND version = ?2",
                params![user_id, version],
            )?;
            Ok(at.map(|(accepted_date_time,)| TermsAcceptance { version: version.clone(), accepted_date_time }))
        })
        .await
    }

    /// Records that `user_id` accepted `version` (once: accepting again keeps the first time).
    pub async fn accept_terms(&self, user_id: &str, version: &str) -> anyhow::Result<TermsAcceptance> {
        let (user_id, version) = (user_id.to_string(), version.to_string());
        self.run(move |db| {
            db.execute(
                "INSERT INTO terms_acceptances (user_id, version, accepted_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                params![user_id, version, crate::dates::now()],
            )?;
            let (accepted_date_time,): (String,) = db.query_one(
                "SELECT accepted_at FROM terms_acceptances WHERE user_id = ?1 AND version = ?2",
                params![user_id, version],
            )?;
            Ok(TermsAcceptance { version: version.clone(), accepted_date_time })
        })
        .await
    }
}
