//! Loading a tenant file into the store: all of it in one transaction, or none of it.

use super::Store;
use crate::tenant::{self, Source, TenantFile};
use sha2::{Digest, Sha256};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportOutcome {
    Imported { source: String, organisation: String },
    /// The same file content was imported before: its live state (installs, actions) is kept.
    Unchanged { source: String },
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
        let parsed = tenant::parse(source)?;
        let digest = format!("{:x}", Sha256::digest(source.text.as_bytes()));
        let name = source.name.clone();
        self.run(move |conn| {
            let stored: Option<String> = conn
                .query_row("SELECT sha256 FROM tenant_import WHERE id = 1", [], |r| r.get(0))
                .ok();
            if !force && stored.as_deref() == Some(digest.as_str()) {
                return Ok(ImportOutcome::Unchanged { source: name });
            }
            let tx = conn.transaction()?;
            write_tenant(&tx, &parsed)?;
            tx.execute(
                "INSERT INTO tenant_import (id, source, sha256) VALUES (1, ?1, ?2)
                 ON CONFLICT (id) DO UPDATE SET source = excluded.source, sha256 = excluded.sha256,
                   imported_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
                (&name, &digest),
            )?;
            tx.commit()?;
            Ok(ImportOutcome::Imported { source: name, organisation: parsed.organisation.name.clone() })
        })
        .await
    }
}

fn write_tenant(tx: &rusqlite::Transaction<'_>, t: &TenantFile) -> anyhow::Result<()> {
    let o = &t.organisation;
    tx.execute("DELETE FROM organisation", [])?;
    tx.execute(
        "INSERT INTO organisation (id, name, theme_color, show_name_in_header, show_logo_in_header,
            logo_url, privacy_url, support_name, support_phone, support_email, support_website_name,
            support_website_url, support_additional_information)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        rusqlite::params![
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
        ],
    )?;
    Ok(())
}
