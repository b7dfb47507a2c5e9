//! The ID token's claims and the checks of OpenID Connect Core §3.1.3.7 that apply here:
//! `iss` (with Entra's `{tenantid}` template), `aud`/`azp`, `exp`/`nbf` with leeway, `nonce`.
//!
//! The signature is not verified. The token comes straight from the token endpoint over
//! TLS in answer to our own request, which §3.1.3.7 (6) allows in place of a signature
//! check; leaving it out keeps a crypto library out of the wasm. The Portal API verifies
//! the signature of every access token it accepts.
//!
//! Pure functions of their inputs (the clock is an argument), so the component tests run
//! them without a provider.

use super::error::AuthError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::Deserialize;

/// Clock skew tolerated on `exp` and `nbf`, as the Portal API does.
pub const LEEWAY_SECONDS: i64 = 60;
/// The placeholder in Entra's multi-tenant issuer.
pub const TENANT_PLACEHOLDER: &str = "{tenantid}";

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct IdClaims {
    pub iss: String,
    #[serde(default)]
    pub sub: String,
    pub aud: Audience,
    #[serde(default)]
    pub azp: Option<String>,
    pub exp: f64,
    #[serde(default)]
    pub nbf: Option<f64>,
    #[serde(default)]
    pub nonce: Option<String>,
    /// Entra's tenant id, substituted into a `{tenantid}` issuer template.
    #[serde(default)]
    pub tid: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

/// `aud` is a string or a list of strings (JWT §4.1.3).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    One(String),
    Many(Vec<String>),
}

impl Audience {
    fn values(&self) -> &[String] {
        match self {
            Audience::One(a) => std::slice::from_ref(a),
            Audience::Many(list) => list,
        }
    }
}

/// What the token must say.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    /// The discovery document's `issuer` (possibly a `{tenantid}` template).
    pub issuer: &'a str,
    pub client_id: &'a str,
    /// The attempt's nonce; `None` for a token from a refresh, which carries none.
    pub nonce: Option<&'a str>,
    /// Seconds since the epoch.
    pub now: i64,
}

/// The claims of a compact JWS, read without checking its signature (see the module docs).
pub fn parse(token: &str) -> Result<IdClaims, AuthError> {
    let mut parts = token.split('.');
    let (Some(_header), Some(payload), Some(_signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(AuthError::IdTokenMalformed);
    };
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).map_err(|_| AuthError::IdTokenMalformed)?;
    serde_json::from_slice(&bytes).map_err(|_| AuthError::IdTokenMalformed)
}

/// The issuer a token must name: the discovery issuer, with the token's `tid` in place of
/// `{tenantid}` when the issuer is Entra's template.
pub fn expected_issuer(issuer: &str, tid: Option<&str>) -> Option<String> {
    if !issuer.contains(TENANT_PLACEHOLDER) {
        return Some(issuer.to_string());
    }
    let tid = tid.filter(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))?;
    Some(issuer.replace(TENANT_PLACEHOLDER, tid))
}

/// Every check, in the order of OpenID Connect Core §3.1.3.7.
pub fn validate(claims: &IdClaims, expected: &Expected<'_>) -> Result<(), AuthError> {
    let issuer = expected_issuer(expected.issuer, claims.tid.as_deref());
    if issuer.as_deref() != Some(claims.iss.as_str()) {
        return Err(AuthError::IdTokenIssuer { expected: expected.issuer.to_string(), got: claims.iss.clone() });
    }
    let audiences = claims.aud.values();
    if !audiences.iter().any(|a| a == expected.client_id) {
        return Err(AuthError::IdTokenAudience);
    }
    // Several audiences, or an azp at all: azp must be this client.
    if (audiences.len() > 1 || claims.azp.is_some()) && claims.azp.as_deref() != Some(expected.client_id) {
        return Err(AuthError::IdTokenAudience);
    }
    let now = expected.now as f64;
    if now > claims.exp + LEEWAY_SECONDS as f64 {
        return Err(AuthError::IdTokenExpired);
    }
    if claims.nbf.is_some_and(|nbf| now + (LEEWAY_SECONDS as f64) < nbf) {
        return Err(AuthError::IdTokenNotYetValid);
    }
    if let Some(nonce) = expected.nonce {
        if claims.nonce.as_deref() != Some(nonce) {
            return Err(AuthError::IdTokenNonce);
        }
    }
    Ok(())
}

/// Parses and validates in one step: the claims of a token that passed every check.
pub fn accept(token: &str, expected: &Expected<'_>) -> Result<IdClaims, AuthError> {
    let claims = parse(token)?;
    validate(&claims, expected)?;
    Ok(claims)
}
