//! The authorization response at `/auth/callback`: checked before anything is exchanged.
//! A pure function of the query, the attempt taken from storage and the provider's metadata.

use super::attempt::Attempt;
use super::discovery::ProviderMetadata;
use super::error::AuthError;
use super::id_token::TENANT_PLACEHOLDER;

/// The parameters of an authorization response (query mode).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Response {
    pub code: Option<String>,
    pub state: Option<String>,
    pub iss: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
}

impl Response {
    /// Reads `?code=…&state=…` (with or without the leading `?`).
    pub fn from_query(query: &str) -> Response {
        let mut r = Response::default();
        for (name, value) in oauth2::url::form_urlencoded::parse(query.trim_start_matches('?').as_bytes()) {
            let slot = match name.as_ref() {
                "code" => &mut r.code,
                "state" => &mut r.state,
                "iss" => &mut r.iss,
                "error" => &mut r.error,
                "error_description" => &mut r.error_description,
                _ => continue,
            };
            // A repeated parameter is suspicious: keep neither.
            *slot = if slot.is_some() { Some(String::new()) } else { Some(value.into_owned()) };
        }
        r
    }
}

/// The issuer in `iss` matches the provider's (a `{tenantid}` template matches any tenant).
fn issuer_matches(template: &str, iss: &str) -> bool {
    match template.split_once(TENANT_PLACEHOLDER) {
        None => iss == template,
        Some((prefix, suffix)) => {
            iss.len() > prefix.len() + suffix.len()
                && iss.starts_with(prefix)
                && iss.ends_with(suffix)
                && !iss[prefix.len()..iss.len() - suffix.len()].contains('/')
        }
    }
}

/// The authorization code, once the response is known to answer `attempt` from `provider`.
/// Order: an attempt must exist (else the callback is replayed or foreign), `state` must be
/// the attempt's, `iss` must be the provider's (RFC 9207 §2.4: checked before an error is
/// believed), then the provider's error, then the code.
pub fn check(response: &Response, attempt: Option<&Attempt>, provider: &ProviderMetadata) -> Result<String, AuthError> {
    let attempt = attempt.ok_or(AuthError::NoAttempt)?;
    if response.state.as_deref() != Some(attempt.state.as_str()) {
        return Err(AuthError::StateMismatch);
    }
    match &response.iss {
        Some(iss) if !issuer_matches(&provider.issuer, iss) => return Err(AuthError::CallbackIssuer),
        None if provider.authorization_response_iss_parameter_supported => return Err(AuthError::CallbackIssuer),
        _ => {}
    }
    if let Some(error) = &response.error {
        return Err(AuthError::Provider { error: error.clone(), description: response.error_description.clone() });
    }
    match &response.code {
        Some(code) if !code.is_empty() => Ok(code.clone()),
        _ => Err(AuthError::MissingCode),
    }
}
