//! The organisation's branding, as the public `GET /api/v1/branding` shows it.

use super::sql::{params, Row};
use super::Store;
use anyhow::Context;
use portal_core::branding::{text_on, Branding, HexColor, SupportContact};

impl Store {
    /// The branding as of the last import, from memory (for `/me/home`).
    pub async fn cached_branding(&self) -> anyhow::Result<Option<Branding>> {
        Ok(self.tenant_cache().await?.branding.clone())
    }

    /// The branding of the loaded tenant, or `None` before any tenant was imported. Read
    /// from the database when the per-import cache is (re)built; callers use
    /// [`Store::cached_branding`].
    pub(super) async fn branding(&self) -> anyhow::Result<Option<Branding>> {
        self.run(|db| {
            let row = db
                .query_opt::<Row>(
                    "SELECT name, theme_color, show_name_in_header, show_logo_in_header, logo_url,
                            privacy_url, support_name, support_phone, support_email,
                            support_website_name, support_website_url, support_additional_information
                     FROM organisation WHERE id = 1",
                    params![],
                )?
                .map(|mut r| -> anyhow::Result<_> {
                    Ok((
                        r.take::<String>(0)?,
                        r.take::<String>(1)?,
                        r.get::<bool>(2)?,
                        r.get::<bool>(3)?,
                        r.take::<Option<String>>(4)?,
                        r.take::<Option<String>>(5)?,
                        SupportContact {
                            name: r.take(6)?,
                            phone: r.take(7)?,
                            email: r.take(8)?,
                            website_name: r.take(9)?,
                            website_url: r.take(10)?,
                            additional_information: r.take(11)?,
                        },
                    ))
                })
                .transpose()?;
            let Some((name, color, show_name, show_logo, logo_url, privacy_url, support)) = row else {
                return Ok(None);
            };
            // Validated on import; a hand-edited database still yields an error, not a panic.
            let theme_color: HexColor = color.parse().context("organisation.theme_color in the database")?;
            Ok(Some(Branding {
                organisation_name: name,
                theme_color,
                theme_text_color: text_on(theme_color),
                show_name_in_header: show_name,
                show_logo_in_header: show_logo,
                logo_url,
                support,
                privacy_url,
            }))
        })
        .await
    }
}
