//! Why a sign-in did not complete, one variant per check, each with its own text in the
//! catalog (`auth.errors.*`) so the page says exactly what went wrong.

use crate::i18n::Key;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthError {
    /// The provider's discovery document could not be fetched.
    DiscoveryUnreachable,
    /// The discovery document lacks an endpoint, or names another issuer than the authority.
    DiscoveryInvalid(String),
    /// The callback's `state` is not the one this attempt sent (CSRF or a mixed-up tab).
    StateMismatch,
    /// A callback arrived with no attempt in progress: it was already used (replayed), or it
    /// was not started in this tab.
    NoAttempt,
    /// The callback's `iss` (RFC 9207) is not the provider the attempt went to, or it is
    /// missing although the provider promised to send it.
    CallbackIssuer,
    /// The callback has neither a code nor an error.
    MissingCode,
    /// The provider answered the authorization request with an error.
    Provider { error: String, description: Option<String> },
    /// The token endpoint refused the code or the refresh token.
    Token { error: String, description: Option<String> },
    /// The token endpoint could not be reached or answered something unreadable.
    TokenUnreachable,
    /// The token response has no ID token.
    MissingIdToken,
    /// The ID token is not a readable JWT.
    IdTokenMalformed,
    /// The ID token's `iss` is not the provider's issuer.
    IdTokenIssuer { expected: String, got: String },
    /// The ID token's `aud` (or `azp`) is not this client.
    IdTokenAudience,
    /// The ID token's `exp` is past (beyond the leeway).
    IdTokenExpired,
    /// The ID token's `nbf` is in the future (beyond the leeway).
    IdTokenNotYetValid,
    /// The ID token's `nonce` is not this attempt's.
    IdTokenNonce,
    /// `sessionStorage` is unavailable, so the attempt cannot survive the redirect.
    StorageUnavailable,
    /// The browser offers no `crypto.getRandomValues` for `state`, `nonce` and PKCE.
    NoRandomness,
    /// Another automatic redirect would follow the last one too closely: stopped, never a loop.
    TooManyRedirects,
}

impl AuthError {
    /// The catalog text that explains this error.
    pub fn key(&self) -> Key {
        match self {
            AuthError::DiscoveryUnreachable => key!(auth.errors.discovery_unreachable),
            AuthError::DiscoveryInvalid(_) => key!(auth.errors.discovery_invalid),
            AuthError::StateMismatch => key!(auth.errors.state),
            AuthError::NoAttempt => key!(auth.errors.replayed),
            AuthError::CallbackIssuer => key!(auth.errors.callback_issuer),
            AuthError::MissingCode => key!(auth.errors.missing_code),
            AuthError::Provider { error, .. } => match error.as_str() {
                "access_denied" => key!(auth.errors.access_denied),
                "login_required" | "interaction_required" | "consent_required" | "account_selection_required" => {
                    key!(auth.errors.login_required)
                }
                _ => key!(auth.errors.provider),
            },
            AuthError::Token { .. } => key!(auth.errors.token),
            AuthError::TokenUnreachable => key!(auth.errors.token_unreachable),
            AuthError::MissingIdToken => key!(auth.errors.missing_id_token),
            AuthError::IdTokenMalformed => key!(auth.errors.id_token_malformed),
            AuthError::IdTokenIssuer { .. } => key!(auth.errors.id_token_issuer),
            AuthError::IdTokenAudience => key!(auth.errors.id_token_audience),
            AuthError::IdTokenExpired => key!(auth.errors.id_token_expired),
            AuthError::IdTokenNotYetValid => key!(auth.errors.id_token_not_yet_valid),
            AuthError::IdTokenNonce => key!(auth.errors.id_token_nonce),
            AuthError::StorageUnavailable => key!(auth.errors.storage),
            AuthError::NoRandomness => key!(auth.errors.randomness),
            AuthError::TooManyRedirects => key!(auth.errors.too_many_redirects),
        }
    }

    /// The provider's own words (error code and description), shown under the explanation.
    pub fn detail(&self) -> Option<String> {
        match self {
            AuthError::Provider { error, description } | AuthError::Token { error, description } => {
                Some(match description {
                    Some(d) if !d.is_empty() => format!("{d} ({error})"),
                    _ => error.clone(),
                })
            }
            AuthError::IdTokenIssuer { expected, got } => Some(format!("{got} ≠ {expected}")),
            AuthError::DiscoveryInvalid(why) => Some(why.clone()),
            _ => None,
        }
    }

    /// A silent (`prompt=none`) attempt that needs the user: not a failure, just signed out.
    pub fn needs_interaction(&self) -> bool {
        matches!(self, AuthError::Provider { error, .. } if matches!(error.as_str(),
            "login_required" | "interaction_required" | "consent_required" | "account_selection_required"))
    }
}
