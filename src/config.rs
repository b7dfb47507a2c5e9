//! `/config.json`: what a deployer sets without rebuilding (issuer, client id, API base).

use crate::api::{self, json_object::JsonObject, ApiError};
use serde::Deserialize;

/// The derived `Deserialize` is serde's reading of the file; the app reads it with
/// [`PortalConfig::from_json`] (the first load has no serde_json), and a test keeps the two
/// the same.
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
        let text = api::get_text("/config.json").await?;
        PortalConfig::from_json(&text).map_err(ApiError::Decode)
    }

    /// Reads `config.json`'s text: what serde would make of it (see [`JsonObject`]).
    pub fn from_json(text: &str) -> Result<PortalConfig, String> {
        let config = JsonObject::parse(text)?;
        Ok(PortalConfig {
            authority: config.string("authority")?,
            client_id: config.string("clientId")?,
            scopes: config.strings_or("scopes", default_scopes)?,
            api_base: config.string("apiBase")?,
            redirect_path: config.string_or("redirectPath", default_redirect_path)?,
        })
    }

    pub fn api_url(&self, path: &str) -> String {
        format!("{}{}", self.api_base.trim_end_matches('/'), path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

    /// `from_json` reads every document as serde reads it: the same config, or an error for both.
    #[test]
    fn reads_config_json_as_serde_does() {
        let documents = [
            r#"{"authority":"/oidc","clientId":"portal","apiBase":"/api/v1"}"#,
            r#"{"authority":"https://login.example/t/v2.0","clientId":"c","scopes":["openid","api://p/x"],"apiBase":"/api/v1","redirectPath":"/cb","extra":{"ignored":true}}"#,
            r#"{"authority":"/oidc","clientId":"portal","apiBase":"/api/v1","scopes":[]}"#,
            // Errors: a missing or mistyped field, null where a value is required.
            r#"{"clientId":"portal","apiBase":"/api/v1"}"#,
            r#"{"authority":"/oidc","clientId":7,"apiBase":"/api/v1"}"#,
            r#"{"authority":"/oidc","clientId":"portal","apiBase":"/api/v1","scopes":"openid"}"#,
            r#"{"authority":"/oidc","clientId":"portal","apiBase":"/api/v1","scopes":["openid",1]}"#,
            r#"{"authority":"/oidc","clientId":"portal","apiBase":"/api/v1","redirectPath":null}"#,
            r#"{"authority":null,"clientId":"portal","apiBase":"/api/v1"}"#,
            r#"["authority"]"#,
            "null",
            r#""config""#,
            "{not json",
            "",
        ];
        for document in documents {
            let ours = PortalConfig::from_json(document);
            let serde = serde_json::from_str::<PortalConfig>(document);
            assert_eq!(ours.as_ref().ok(), serde.as_ref().ok(), "{document}: {ours:?} vs {serde:?}");
        }
        assert_eq!(PortalConfig::from_json("{}").unwrap_err(), "missing field `authority`");
        assert_eq!(PortalConfig::from_json(r#"{"authority":1}"#).unwrap_err(), "`authority` is not a string");
    }
}
