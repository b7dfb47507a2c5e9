//! OpenID Connect Discovery: the provider's endpoints come from
//! `{authority}/.well-known/openid-configuration`, never from guesses, so any certified
//! provider works (Entra ID, the development provider, `oidc-provider` in the interop test).

use super::error::AuthError;
use serde::Deserialize;

/// What this app uses from the discovery document.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ProviderMetadata {
    /// May be a template: Entra's multi-tenant authorities name
    /// `https://login.microsoftonline.com/{tenantid}/v2.0`.
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    #[serde(default)]
    pub end_session_endpoint: Option<String>,
    /// RFC 9207: when true, every authorization response carries `iss`.
    #[serde(default)]
    pub authorization_response_iss_parameter_supported: bool,
}

/// The authority as an absolute URL: `/oidc` means this origin's `/oidc`.
pub fn absolute_authority(authority: &str, origin: &str) -> String {
    let authority = authority.trim_end_matches('/');
    if authority.starts_with('/') {
        format!("{}{authority}", origin.trim_end_matches('/'))
    } else {
        authority.to_string()
    }
}

/// Checks the document against the authority it was fetched from (Discovery §4.3: the
/// issuer must be that URL; Entra's `{tenantid}` template is the documented exception).
pub fn check(metadata: &ProviderMetadata, authority: &str) -> Result<(), AuthError> {
    let issuer = metadata.issuer.trim_end_matches('/');
    if issuer != authority && !issuer.contains(super::id_token::TENANT_PLACEHOLDER) {
        return Err(AuthError::DiscoveryInvalid(format!("issuer {issuer} ≠ authority {authority}")));
    }
    for (name, url) in [
        ("authorization_endpoint", metadata.authorization_endpoint.as_str()),
        ("token_endpoint", metadata.token_endpoint.as_str()),
    ] {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(AuthError::DiscoveryInvalid(format!("{name} is not an absolute URL")));
        }
    }
    Ok(())
}

/// Fetches the discovery document of `authority` (absolute) as text. Decoding it is left to
/// [`decode`], called in the chunk that uses it (`authorize`, `signed_in`): the first load
/// carries no decoder for it, and the fetch still runs while that chunk loads.
pub async fn fetch_text(authority: &str) -> Result<String, AuthError> {
    let url = format!("{authority}/.well-known/openid-configuration");
    crate::api::get_text(&url).await.map_err(|e| match e {
        crate::api::ApiError::Decode(why) => AuthError::DiscoveryInvalid(why),
        _ => AuthError::DiscoveryUnreachable,
    })
}

/// Decodes the discovery document fetched from `authority` and [`check`]s it.
pub fn decode(text: &str, authority: &str) -> Result<ProviderMetadata, AuthError> {
    let metadata: ProviderMetadata =
        serde_json::from_str(text).map_err(|e| AuthError::DiscoveryInvalid(e.to_string()))?;
    check(&metadata, authority)?;
    Ok(metadata)
}
