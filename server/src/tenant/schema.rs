//! The tenant file's shape (TOML). Unknown fields are errors, so a typo never
//! silently drops a setting. The README documents every field with an example.

use portal_core::branding::HexColor;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TenantFile {
    pub organisation: Organisation,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// Shown in the header and page titles; at most 40 characters.
    pub name: String,
    /// `#rrggbb`; the header text colour is chosen for contrast automatically.
    pub theme_color: HexColor,
    #[serde(default = "yes")]
    pub show_name_in_header: bool,
    #[serde(default)]
    pub show_logo_in_header: bool,
    pub logo_url: Option<String>,
    pub privacy_url: Option<String>,
    #[serde(default)]
    pub support: Support,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Support {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website_name: Option<String>,
    pub website_url: Option<String>,
    pub additional_information: Option<String>,
}

fn yes() -> bool {
    true
}
