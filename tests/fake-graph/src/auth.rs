//! The Entra ID token endpoint (`POST /{tenant}/oauth2/v2.0/token`, client credentials) and
//! the bearer check in front of Graph.
//!
//! Client credentials are a secret (`client_secret`) or a certificate: a `client_assertion`
//! (RS256 JWT: `aud` the token URL, `iss` = `sub` = the client id, `exp`, `jti`, and the
//! certificate's `x5t` or `x5t#S256` in its header) verified with the configured
//! certificate's public key. Failures answer as Entra does: `error`, `error_description`
//! starting with the AADSTS code, `error_codes`, `timestamp`, `trace_id`, `correlation_id`.
//! Access tokens are HS256 JWTs signed with a key of this instance, carrying the granted
//! application permissions as `roles` (as Entra's do); Graph calls need one.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha1::Digest as _;

use crate::Shared;

pub const GRAPH_SCOPE: &str = "https://graph.microsoft.com/.default";
pub const GRAPH_AUDIENCE: &str = "https://graph.microsoft.com";
const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The app registration the fake knows: tenant, client id and its credentials.
#[derive(Clone)]
pub struct Credentials {
    pub tenant_id: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    pub certificate: Option<Certificate>,
}

/// A certificate registered on the app: its public key and thumbprints.
#[derive(Clone)]
pub struct Certificate {
    key: DecodingKey,
    /// base64url(SHA-1(DER)), as `x5t`.
    pub x5t: String,
    /// base64url(SHA-256(DER)), as `x5t#S256`.
    pub x5t_s256: String,
}

impl Certificate {
    /// From a PEM `CERTIFICATE` (the public part Entra keeps; never the private key).
    pub fn from_pem(pem_text: &str) -> Result<Certificate, String> {
        let parsed = pem::parse(pem_text).map_err(|e| format!("not a PEM certificate: {e}"))?;
        if parsed.tag() != "CERTIFICATE" {
            return Err(format!("expected a PEM CERTIFICATE, found {}", parsed.tag()));
        }
        let der = parsed.contents();
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let x5t = b64.encode(sha1::Sha1::digest(der));
        let x5t_s256 = b64.encode(sha2::Sha256::digest(der));
        let key = DecodingKey::from_rsa_pem(pem_text.as_bytes()).map_err(|e| format!("not an RSA certificate: {e}"))?;
        Ok(Certificate { key, x5t, x5t_s256 })
    }
}

#[derive(Serialize, Deserialize)]
pub struct AccessClaims {
    pub aud: String,
    pub iss: String,
    pub iat: u64,
    pub nbf: u64,
    pub exp: u64,
    pub appid: String,
    pub tid: String,
    pub idtyp: String,
    pub oid: String,
    pub sub: String,
    pub roles: Vec<String>,
    pub ver: String,
}

fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// The service principal's object id in the fake tenant.
const SERVICE_PRINCIPAL: &str = "5e7f1c2d-0000-4000-8000-00000000a001";

/// An Entra-style error: `(status, error, AADSTS number, description)`.
fn entra_error(status: StatusCode, error: &str, code: u32, description: String) -> Response {
    let trace = crate::routes::odata::new_request_id();
    let correlation = crate::routes::odata::new_request_id();
    let timestamp = crate::time_util::now().replace('T', " ");
    let body = json!({
        "error": error,
        "error_description": format!("AADSTS{code}: {description} Trace ID: {trace} Correlation ID: {correlation} Timestamp: {timestamp}"),
        "error_codes": [code],
        "timestamp": timestamp,
        "trace_id": trace,
        "correlation_id": correlation,
        "error_uri": format!("https://login.microsoftonline.com/error?code={code}"),
    });
    (status, [("cache-control", "no-store"), ("pragma", "no-cache")], axum::Json(body)).into_response()
}

/// What the request log keeps of a token request: every field but the credentials.
fn redacted(form: &HashMap<String, String>) -> Value {
    let mut shown = serde_json::Map::new();
    for (k, v) in form {
        let value = if k == "client_secret" || k == "client_assertion" { "(redacted)".to_owned() } else { v.clone() };
        shown.insert(k.clone(), Value::String(value));
    }
    Value::Object(shown)
}

/// `POST /{tenant}/oauth2/v2.0/token`.
pub async fn token(State(shared): State<Arc<Shared>>, Path(tenant): Path<String>, body: axum::body::Bytes) -> Response {
    let form: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let seq =
        shared.lock_log().start("POST", &format!("/{tenant}/oauth2/v2.0/token"), None, Some(redacted(&form)), None);
    let response = issue(&shared, &tenant, &form);
    shared.lock_log().finish(seq, response.status().as_u16());
    response
}

fn issue(shared: &Shared, tenant: &str, form: &HashMap<String, String>) -> Response {
    let creds = &shared.credentials;
    let bad = StatusCode::BAD_REQUEST;
    if !tenant.eq_ignore_ascii_case(&creds.tenant_id) {
        return entra_error(bad, "invalid_request", 90002, format!(
            "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. \
             Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant."));
    }
    let field = |name: &str| form.get(name).map(String::as_str).filter(|v| !v.is_empty());
    match field("grant_type") {
        None => {
            return entra_error(
                bad,
                "invalid_request",
                900144,
                "The request body must contain the following parameter: 'grant_type'.".into(),
            )
        }
        Some("client_credentials") => {}
        Some(other) => {
            return entra_error(
                bad,
                "unsupported_grant_type",
                70003,
                format!("The app requested an unsupported grant type '{other}'."),
            )
        }
    }
    let Some(client_id) = field("client_id") else {
        return entra_error(
            bad,
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'client_id'.".into(),
        );
    };
    if !client_id.eq_ignore_ascii_case(&creds.client_id) {
        return entra_error(bad, "unauthorized_client", 700016, format!(
            "Application with identifier '{client_id}' was not found in the directory '{}'. This can happen if the application has not \
             been installed by the administrator of the tenant or consented to by any user in the tenant.", creds.tenant_id));
    }
    match field("scope") {
        None => return entra_error(bad, "invalid_request", 900144, "The request body must contain the following parameter: 'scope'.".into()),
        Some(GRAPH_SCOPE) => {}
        Some(other) => {
            return entra_error(bad, "invalid_scope", 1002012, format!(
                "The provided value for scope {other} is not valid. Client credential flows must have a scope value with /.default \
                 suffixed to the resource identifier (application ID URI)."))
        }
    }
    match (field("client_secret"), field("client_assertion")) {
        (Some(_), Some(_)) => {
            return entra_error(
                bad,
                "invalid_request",
                90014,
                "Send either 'client_secret' or 'client_assertion', not both.".into(),
            )
        }
        (None, None) => {
            return entra_error(
                bad,
                "invalid_client",
                7000216,
                "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type."
                    .into(),
            )
        }
        (Some(secret), None) => {
            if creds.client_secret.as_deref() != Some(secret) {
                return entra_error(StatusCode::UNAUTHORIZED, "invalid_client", 7000215, format!(
                    "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the \
                     client secret ID, for a secret added to app '{}'.", creds.client_id));
            }
        }
        (None, Some(assertion)) => {
            if field("client_assertion_type") != Some(JWT_BEARER) {
                return entra_error(
                    bad,
                    "invalid_request",
                    90014,
                    format!("The required field 'client_assertion_type' is missing or is not '{JWT_BEARER}'."),
                );
            }
            let token_url = format!("{}/{}/oauth2/v2.0/token", shared.base_url, tenant);
            if let Err(response) = check_assertion(shared, assertion, &token_url) {
                return *response;
            }
        }
    }
    let settings = shared.settings();
    let now = unix_now();
    let lifetime = settings.token_lifetime.as_secs().max(1);
    let claims = AccessClaims {
        aud: GRAPH_AUDIENCE.into(),
        iss: format!("https://sts.windows.net/{}/", creds.tenant_id),
        iat: now,
        nbf: now,
        exp: now + lifetime,
        appid: creds.client_id.clone(),
        tid: creds.tenant_id.clone(),
        idtyp: "app".into(),
        oid: SERVICE_PRINCIPAL.into(),
        sub: SERVICE_PRINCIPAL.into(),
        roles: settings.roles.clone(),
        ver: "1.0".into(),
    };
    let token = match jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(&shared.token_key),
    ) {
        Ok(token) => token,
        Err(e) => {
            return entra_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                50000,
                format!("cannot sign a token: {e}"),
            )
        }
    };
    let body =
        json!({"token_type": "Bearer", "expires_in": lifetime, "ext_expires_in": lifetime, "access_token": token});
    (StatusCode::OK, [("cache-control", "no-store"), ("pragma", "no-cache")], axum::Json(body)).into_response()
}

#[derive(Deserialize)]
struct AssertionClaims {
    sub: String,
    jti: Option<String>,
    exp: u64,
}

/// [`entra_error`], boxed (a `Response` is large for an `Err`).
fn reject(status: StatusCode, error: &str, code: u32, description: String) -> Box<Response> {
    Box::new(entra_error(status, error, code, description))
}

fn check_assertion(shared: &Shared, assertion: &str, token_url: &str) -> Result<(), Box<Response>> {
    let creds = &shared.credentials;
    let bad =
        |code: u32, description: String| Err(reject(StatusCode::UNAUTHORIZED, "invalid_client", code, description));
    let Ok(header) = jsonwebtoken::decode_header(assertion) else {
        return Err(reject(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            50027,
            "JWT token is invalid or malformed.".into(),
        ));
    };
    let Some(certificate) = &creds.certificate else {
        return bad(700027, format!("The certificate used to sign the client assertion is not registered on application '{}'. [Reason - The application has no certificate.]", creds.client_id));
    };
    let presented = header.x5t_s256.as_deref().or(header.x5t.as_deref()).unwrap_or("");
    if header.x5t.as_deref() != Some(certificate.x5t.as_str())
        && header.x5t_s256.as_deref() != Some(certificate.x5t_s256.as_str())
    {
        return bad(700027, format!(
            "The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was \
             not found., Thumbprint of key used by client: '{presented}', Please visit the Azure Portal, Graph Explorer or directly use MS \
             Graph to see configured keys for app Id '{}'.]", creds.client_id));
    }
    if header.alg != Algorithm::RS256 && header.alg != Algorithm::PS256 {
        return Err(reject(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            50027,
            "JWT token is invalid or malformed: the client assertion must be signed with RS256 or PS256.".into(),
        ));
    }
    let mut validation = Validation::new(header.alg);
    validation.set_audience(&[token_url]);
    validation.set_issuer(&[creds.client_id.as_str()]);
    validation.set_required_spec_claims(&["exp", "aud", "iss", "sub"]);
    validation.leeway = 60;
    validation.validate_nbf = true;
    let data = match jsonwebtoken::decode::<AssertionClaims>(assertion, &certificate.key, &validation) {
        Ok(data) => data,
        Err(e) => {
            return match e.kind() {
                ErrorKind::InvalidSignature => bad(700027, "Client assertion failed signature validation.".into()),
                ErrorKind::ExpiredSignature | ErrorKind::ImmatureSignature => bad(
                    700024,
                    format!(
                        "Client assertion is not within its valid time range. Current time: {}.",
                        crate::time_util::now()
                    ),
                ),
                ErrorKind::InvalidAudience => bad(
                    700027,
                    format!(
                        "Client assertion contains an invalid audience: it must be the token endpoint '{token_url}'."
                    ),
                ),
                ErrorKind::InvalidIssuer => {
                    bad(700021, "Client assertion application identifier doesn't match 'client_id' parameter.".into())
                }
                ErrorKind::MissingRequiredClaim(claim) => bad(
                    50027,
                    format!("JWT token is invalid or malformed: the client assertion has no '{claim}' claim."),
                ),
                _ => Err(reject(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    50027,
                    "JWT token is invalid or malformed.".into(),
                )),
            };
        }
    };
    if !data.claims.sub.eq_ignore_ascii_case(&creds.client_id) {
        return bad(700021, "Client assertion subject doesn't match 'client_id' parameter.".into());
    }
    let Some(jti) = data.claims.jti.filter(|j| !j.is_empty()) else {
        return bad(50027, "JWT token is invalid or malformed: the client assertion has no 'jti' claim.".into());
    };
    let mut used = shared.used_assertions.lock().unwrap_or_else(|e| e.into_inner());
    used.retain(|_, exp| *exp + 120 > unix_now());
    if used.insert(jti.clone(), data.claims.exp).is_some() {
        return bad(
            700027,
            format!("Client assertion has already been used (jti '{jti}'); every assertion must be new."),
        );
    }
    Ok(())
}

/// The roles of the bearer token in `Authorization`, or Graph's 401.
pub fn check_bearer(shared: &Shared, headers: &HeaderMap) -> Result<Vec<String>, crate::routes::odata::GraphError> {
    use crate::routes::odata::GraphError;
    let unauthorized = |message: &str| GraphError::new(401, "InvalidAuthenticationToken", message);
    let Some(value) = headers.get("authorization").and_then(|v| v.to_str().ok()) else {
        return Err(unauthorized("Access token is empty."));
    };
    let Some(token) = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
    else {
        return Err(unauthorized("Access token is empty."));
    };
    if token.matches('.').count() != 2 {
        return Err(unauthorized("IDX14100: JWT is not well formed, there are no dots (.).\nThe token needs to be in JWS or JWE Compact Serialization Format. (JWS): 'EncodedHeader.EndcodedPayload.EncodedSignature'. (JWE): 'EncodedProtectedHeader.EncodedEncryptedKey.EncodedInitializationVector.EncodedCiphertext.EncodedAuthenticationTag'."));
    }
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_audience(&[GRAPH_AUDIENCE]);
    validation.leeway = 0;
    match jsonwebtoken::decode::<AccessClaims>(token, &DecodingKey::from_secret(&shared.token_key), &validation) {
        Ok(data) if data.claims.tid == shared.credentials.tenant_id => Ok(data.claims.roles),
        Ok(_) => Err(unauthorized("Access token validation failure. Invalid issuer.")),
        Err(e) => Err(unauthorized(match e.kind() {
            ErrorKind::ExpiredSignature => "Lifetime validation failed, the token is expired.",
            ErrorKind::InvalidAudience => "Access token validation failure. Invalid audience.",
            _ => "Access token validation failure.",
        })),
    }
}

/// Default lifetime of the access tokens (Entra's is about an hour).
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(3599);
