//! `/config.json`: what a deployer sets without rebuilding (issuer, client id, API base).

use crate::api::{self, ApiError};
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PortalConfig {
    /// OpenID Connect issuer URL; a path such as `/oidc` means this origin.
    pub authority: String,
    pub client_id: String,
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
    /// Base of the Portal API, e.g. `/api/v1` or `https://portal.example/api/v1`.
    pub api_base: String,
    #[serde(default = "default_redirect_path")]
    pub redirect_path: String,
}

fn default_scopes() -> Vec<String> {
    vec!["openid".into(), "profile".into(), "offline_access".into()]
}

fn default_redirect_path() -> String {
    "/auth/callback".into()
}

impl PortalConfig {
    /// Loads `/config.json` from the origin that served the app.
    pub async fn load() -> Result<PortalConfig, ApiError> {
        api::get_json("/config.json").await
    }

    pub fn api_url(&self, path: &str) -> String {
        format!("{}{}", self.api_base.trim_end_matches('/'), path)
    }
}
