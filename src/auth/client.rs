//! The OAuth 2.0 side, with the `oauth2` crate: the authorization URL (code + PKCE S256,
//! fresh `state` and `nonce`), the code exchange and the refresh, over [`super::http::send`].

use super::attempt::Attempt;
use super::discovery::ProviderMetadata;
use super::error::AuthError;
use super::http::{send, HttpError};
use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse, BasicTokenType,
};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, CsrfToken, EndpointNotSet, EndpointSet, ExtraTokenFields,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken, RequestTokenError, Scope, StandardRevocableToken,
    StandardTokenResponse, TokenResponse as _, TokenUrl,
};
use serde::{Deserialize, Serialize};

/// The OpenID Connect addition to the token response.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct IdTokenField {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
}
impl ExtraTokenFields for IdTokenField {}

type Tokens = StandardTokenResponse<IdTokenField, BasicTokenType>;
type OidcClient = oauth2::Client<
    BasicErrorResponse,
    Tokens,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// The tokens of a completed exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub id_token: Option<String>,
    /// Seconds until the access token expires, when the provider said.
    pub expires_in: Option<u64>,
}

fn client(provider: &ProviderMetadata, client_id: &str, redirect_uri: &str) -> Result<OidcClient, AuthError> {
    let invalid = |what: &str| AuthError::DiscoveryInvalid(format!("{what} is not a URL"));
    Ok(oauth2::Client::new(ClientId::new(client_id.to_string()))
        // A public client: client_id in the body, no secret.
        .set_auth_type(AuthType::RequestBody)
        .set_auth_uri(
            AuthUrl::new(provider.authorization_endpoint.clone()).map_err(|_| invalid("authorization_endpoint"))?,
        )
        .set_token_uri(TokenUrl::new(provider.token_endpoint.clone()).map_err(|_| invalid("token_endpoint"))?)
        .set_redirect_uri(RedirectUrl::new(redirect_uri.to_string()).map_err(|_| invalid("the redirect URI"))?))
}

/// 32 bytes from the browser's CSPRNG (`crypto.getRandomValues`), base64url: 43 characters,
/// a valid PKCE verifier and an unguessable `state` and `nonce`. Used instead of `oauth2`'s
/// `new_random`, which would compile a second random generator (rand + ChaCha) into the wasm.
fn random_token() -> Result<String, AuthError> {
    use base64::Engine as _;
    let mut bytes = [0u8; 32];
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.get_random_values_with_u8_array(&mut bytes).ok())
        .ok_or(AuthError::NoRandomness)?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// How the provider is asked to treat the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prompt {
    /// `prompt=none`: the provider's session or nothing (a silent attempt).
    Silent,
    /// Whatever the provider decides (its session may make it silent).
    Default,
    /// `prompt=login` and `max_age=0`: the person signs in again now, even with a session,
    /// so the tokens carry a new `auth_time` (showing a recovery key needs one).
    Fresh,
}

/// A new attempt and the URL that starts it.
pub fn authorization_request(
    provider: &ProviderMetadata,
    client_id: &str,
    redirect_uri: &str,
    scopes: &[String],
    return_to: &str,
    prompt: Prompt,
) -> Result<(String, Attempt), AuthError> {
    let silent = prompt == Prompt::Silent;
    let client = client(provider, client_id, redirect_uri)?;
    let verifier = PkceCodeVerifier::new(random_token()?);
    let challenge = PkceCodeChallenge::from_code_verifier_sha256(&verifier);
    let nonce = CsrfToken::new(random_token()?);
    let state = CsrfToken::new(random_token()?);
    let mut request = client
        .authorize_url(move || state)
        .add_scopes(scopes.iter().cloned().map(Scope::new))
        .set_pkce_challenge(challenge)
        .add_extra_param("nonce", nonce.secret().clone());
    match prompt {
        Prompt::Silent => request = request.add_extra_param("prompt", "none"),
        Prompt::Fresh => request = request.add_extra_param("prompt", "login").add_extra_param("max_age", "0"),
        Prompt::Default => {}
    }
    let (url, state) = request.url();
    let attempt = Attempt {
        state: state.secret().clone(),
        nonce: nonce.secret().clone(),
        pkce_verifier: verifier.secret().clone(),
        return_to: super::attempt::safe_return_path(return_to),
        silent,
    };
    Ok((url.to_string(), attempt))
}

fn issued(tokens: Tokens) -> Issued {
    Issued {
        access_token: tokens.access_token().secret().clone(),
        refresh_token: tokens.refresh_token().map(|t| t.secret().clone()),
        id_token: tokens.extra_fields().id_token.clone(),
        expires_in: tokens.expires_in().map(|d| d.as_secs()),
    }
}

fn token_error(e: RequestTokenError<HttpError, BasicErrorResponse>) -> AuthError {
    match e {
        RequestTokenError::ServerResponse(r) => {
            AuthError::Token { error: r.error().as_ref().to_string(), description: r.error_description().cloned() }
        }
        _ => AuthError::TokenUnreachable,
    }
}

/// Redeems the code with the attempt's PKCE verifier.
pub async fn exchange_code(
    provider: &ProviderMetadata,
    client_id: &str,
    redirect_uri: &str,
    code: String,
    attempt: &Attempt,
) -> Result<Issued, AuthError> {
    let client = client(provider, client_id, redirect_uri)?;
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(PkceCodeVerifier::new(attempt.pkce_verifier.clone()))
        .request_async(&send)
        .await
        .map_err(token_error)?;
    Ok(issued(tokens))
}

/// Exchanges the refresh token for new tokens. With rotation the answer carries a new
/// refresh token that replaces the old one; without, the old one stays.
pub async fn refresh(
    provider: &ProviderMetadata,
    client_id: &str,
    redirect_uri: &str,
    refresh_token: &str,
) -> Result<Issued, AuthError> {
    let client = client(provider, client_id, redirect_uri)?;
    let token = RefreshToken::new(refresh_token.to_string());
    let tokens = client.exchange_refresh_token(&token).request_async(&send).await.map_err(token_error)?;
    Ok(issued(tokens))
}
