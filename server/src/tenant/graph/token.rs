//! App-only access tokens for Microsoft Graph: the OAuth 2.0 client credentials grant at
//! the tenant's token endpoint, with a client secret or a certificate's signed assertion
//! (RFC 7523; Microsoft recommends certificates over secrets). A token is kept until five
//! minutes before it expires; concurrent callers wait for one request.

use super::config::{Credential, GraphSettings};
use anyhow::{anyhow, Context};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::Mutex;

/// Renew this long before the token expires.
const RENEW_BEFORE: Duration = Duration::from_secs(300);

#[derive(Clone)]
pub struct TokenSource {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    token_url: String,
    client_id: String,
    scope: String,
    credential: Credential,
    current: Mutex<Option<(Arc<str>, Instant)>>,
}

/// Why no token could be had, in words an operator can act on (never the secret).
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("Microsoft Entra ID refused the app's credentials: {0}")]
    Refused(String),
    #[error("Microsoft Entra ID could not be reached for an app token: {0}")]
    Unreachable(String),
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
}

#[derive(Deserialize)]
struct ErrorResponse {
    #[serde(default)]
    error: String,
    #[serde(default)]
    error_description: String,
}

impl TokenSource {
    pub fn new(http: reqwest::Client, settings: &GraphSettings, credential: Credential) -> TokenSource {
        TokenSource {
            inner: Arc::new(Inner {
                http,
                token_url: format!("{}/{}/oauth2/v2.0/token", settings.login_url, settings.tenant_id),
                client_id: settings.client_id.clone(),
                scope: scope_for(&settings.graph_url),
                credential,
                current: Mutex::new(None),
            }),
        }
    }

    /// A valid access token, from memory while it has more than five minutes left.
    pub async fn token(&self) -> Result<Arc<str>, TokenError> {
        let mut current = self.inner.current.lock().await;
        if let Some((token, until)) = current.as_ref() {
            if Instant::now() < *until {
                return Ok(token.clone());
            }
        }
        let (token, lifetime) = self.request().await?;
        let until = Instant::now() + lifetime.saturating_sub(RENEW_BEFORE).max(Duration::from_secs(30));
        *current = Some((token.clone(), until));
        Ok(token)
    }

    /// Forgets the token (Graph said it is no longer valid).
    pub async fn forget(&self) {
        *self.inner.current.lock().await = None;
    }

    async fn request(&self) -> Result<(Arc<str>, Duration), TokenError> {
        let inner = &self.inner;
        let mut form: Vec<(&str, String)> = vec![
            ("grant_type", "client_credentials".into()),
            ("client_id", inner.client_id.clone()),
            ("scope", inner.scope.clone()),
        ];
        match &inner.credential {
            Credential::Secret(secret) => form.push(("client_secret", secret.clone())),
            Credential::Certificate { certificate_der, private_key } => {
                let assertion = client_assertion(&inner.token_url, &inner.client_id, certificate_der, private_key)
                    .map_err(|e| TokenError::Refused(format!("the client assertion could not be signed: {e:#}")))?;
                form.push(("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".into()));
                form.push(("client_assertion", assertion));
            }
        }
        let response = inner
            .http
            .post(&inner.token_url)
            .form(&form)
            .send()
            .await
            .map_err(|e| TokenError::Unreachable(without_url(e)))?;
        let status = response.status();
        let body = response.bytes().await.map_err(|e| TokenError::Unreachable(without_url(e)))?;
        if !status.is_success() {
            let error: ErrorResponse = serde_json::from_slice(&body)
                .unwrap_or(ErrorResponse { error: String::new(), error_description: String::new() });
            return Err(if status.is_server_error() {
                TokenError::Unreachable(format!("HTTP {status}"))
            } else {
                TokenError::Refused(explain(&error.error, &error.error_description, status))
            });
        }
        let token: TokenResponse = serde_json::from_slice(&body)
            .map_err(|_| TokenError::Refused("the token endpoint's answer has no access_token".into()))?;
        Ok((token.access_token.into(), Duration::from_secs(token.expires_in.unwrap_or(3600).clamp(60, 86_400))))
    }
}

/// The scope to ask for: `.default` of Graph's resource (every application permission admin
/// consent granted). Microsoft's national clouds have their own Graph resource, named by
/// their address; any other address (a test double, a proxy) stands in for the global Graph.
fn scope_for(graph_url: &str) -> String {
    const CLOUDS: [&str; 4] =
        ["graph.microsoft.com", "graph.microsoft.us", "dod-graph.microsoft.us", "microsoftgraph.chinacloudapi.cn"];
    let host = url::Url::parse(graph_url).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_default();
    if CLOUDS.contains(&host.as_str()) {
        format!("https://{host}/.default")
    } else {
        "https://graph.microsoft.com/.default".to_string()
    }
}

/// The operator's next step for the common AADSTS codes (the description's first line is
/// Entra's own words; it carries no secret).
fn explain(error: &str, description: &str, status: reqwest::StatusCode) -> String {
    let first_line = description.lines().next().unwrap_or("").trim();
    let hint = if description.contains("AADSTS7000215") || description.contains("AADSTS7000222") {
        "the client secret is wrong or expired: create a new one in the app registration"
    } else if description.contains("AADSTS700016") {
        "no such application in this tenant: check --graph-client-id and --graph-tenant-id"
    } else if description.contains("AADSTS90002") || description.contains("AADSTS900023") {
        "no such tenant: check --graph-tenant-id"
    } else if description.contains("AADSTS700027") || description.contains("AADSTS700024") {
        "the certificate's assertion was refused: upload this certificate to the app registration and check the clock"
    } else if description.contains("AADSTS7000112") {
        "the application is disabled in this tenant"
    } else {
        "check the tenant id, client id and credential"
    };
    match (error.is_empty(), first_line.is_empty()) {
        (true, true) => format!("{hint} (HTTP {status})"),
        (false, true) => format!("{hint} ({error})"),
        _ => format!("{hint} ({error}: {first_line})"),
    }
}

/// What went wrong with a request, without its URL.
fn without_url(e: reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".into()
    } else if e.is_connect() {
        "connection failed".into()
    } else {
        e.without_url().to_string()
    }
}

#[derive(serde::Serialize)]
struct AssertionClaims<'a> {
    aud: &'a str,
    iss: &'a str,
    sub: &'a str,
    jti: String,
    nbf: u64,
    iat: u64,
    exp: u64,
}

/// A client assertion for the certificate credential: an RS256 JWT naming the certificate
/// by its SHA-256 thumbprint (`x5t#S256`), valid for ten minutes.
fn client_assertion(
    token_url: &str,
    client_id: &str,
    certificate_der: &[u8],
    key: &jsonwebtoken::EncodingKey,
) -> anyhow::Result<String> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).context("the clock is before 1970")?.as_secs();
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.x5t_s256 = Some(URL_SAFE_NO_PAD.encode(Sha256::digest(certificate_der)));
    let jti = format!("{:032x}", rand::random::<u128>());
    let claims =
        AssertionClaims { aud: token_url, iss: client_id, sub: client_id, jti, nbf: now, iat: now, exp: now + 600 };
    jsonwebtoken::encode(&header, &claims, key).map_err(|e| anyhow!("{e}"))
}

/// The application permissions (`roles`) an app-only JWT carries, when it is a JWT (Entra's
/// are); `None` for opaque tokens. Read without checking the signature: it came straight
/// from the token endpoint over TLS and is only used to explain a missing permission.
pub fn granted_roles(token: &str) -> Option<Vec<String>> {
    let payload = token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    #[derive(Deserialize)]
    struct Claims {
        #[serde(default)]
        roles: Vec<String>,
    }
    serde_json::from_slice::<Claims>(&bytes).ok().map(|c| c.roles)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explains_aadsts_codes_without_echoing_secrets() {
        let text = explain(
            "invalid_client",
            "AADSTS7000215: Invalid client secret provided.\r\nTrace ID: …",
            reqwest::StatusCode::UNAUTHORIZED,
        );
        assert!(text.starts_with("the client secret is wrong or expired"), "{text}");
        assert!(text.contains("AADSTS7000215: Invalid client secret provided."), "{text}");
        assert!(!text.contains("Trace ID"), "{text}");
    }

    #[test]
    fn scopes_of_clouds_and_of_stand_ins() {
        assert_eq!(scope_for("https://graph.microsoft.com"), "https://graph.microsoft.com/.default");
        assert_eq!(scope_for("https://graph.microsoft.us"), "https://graph.microsoft.us/.default");
        assert_eq!(scope_for("http://127.0.0.1:4711"), "https://graph.microsoft.com/.default");
    }

    #[test]
    fn reads_roles_from_a_jwt_and_nothing_from_garbage() {
        let payload = URL_SAFE_NO_PAD.encode(r#"{"roles":["User.Read.All","Device.Read.All"]}"#);
        assert_eq!(
            granted_roles(&format!("e30.{payload}.sig")),
            Some(vec!["User.Read.All".to_string(), "Device.Read.All".to_string()])
        );
        assert_eq!(granted_roles("opaque-token"), None);
        assert_eq!(granted_roles("a.%%%.c"), None);
    }
}
