//! `POST /oidc/token`: the `authorization_code` grant (PKCE S256 verifier required) and the
//! `refresh_token` grant (rotated on every use). Public client: no secret, `client_id` sent
//! in the body. Errors follow RFC 6749 §5.2.

use super::params::Params;
use super::store::{self as oidc_store, Refused};
use super::{secret, Provider, API_SCOPE};
use crate::auth::user::{self, User};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::json;

/// ID token claims (OpenID Connect Core §2) plus Entra's `oid`.
#[derive(Serialize)]
struct IdClaims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    exp: i64,
    iat: i64,
    auth_time: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    nonce: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sid: Option<&'a str>,
    name: &'a str,
    preferred_username: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    oid: &'a str,
}

/// Access token claims (RFC 9068, with Entra's `oid` and `scp`).
#[derive(Serialize)]
struct AccessClaims<'a> {
    iss: &'a str,
    sub: &'a str,
    oid: &'a str,
    aud: &'a str,
    client_id: &'a str,
    scp: &'a str,
    exp: i64,
    iat: i64,
    nbf: i64,
    /// When the user signed in at this provider: the Portal API requires a recent one for
    /// some requests (a recovery key).
    auth_time: i64,
    jti: String,
}

#[derive(Serialize)]
struct TokenResponse {
    access_token: String,
    token_type: &'static str,
    expires_in: u64,
    id_token: String,
    refresh_token: String,
    scope: String,
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let mut res = (status, Json(json!({ "error": error, "error_description": description }))).into_response();
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

fn invalid_request(description: &str) -> Response {
    oauth_error(StatusCode::BAD_REQUEST, "invalid_request", description)
}

fn invalid_grant(description: &str) -> Response {
    oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", description)
}

fn internal(e: anyhow::Error) -> Response {
    tracing::error!("token endpoint: {e:#}");
    oauth_error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", "the server could not issue tokens")
}

pub async fn token(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let form_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
        v.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"))
    });
    if !form_type {
        return invalid_request("the body must be application/x-www-form-urlencoded");
    }
    let Some(text) = std::str::from_utf8(&body).ok() else {
        return invalid_request("the body is not UTF-8");
    };
    let p = match Params::parse(text) {
        Ok(p) => p,
        Err(name) => return invalid_request(&format!("{name} was sent more than once")),
    };
    let provider = &state.oidc;
    let Some(client_id) = p.get("client_id") else {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "client_id is required");
    };
    if provider.client(client_id).is_none() {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "the client is not registered");
    }
    match p.get("grant_type") {
        Some("authorization_code") => code_grant(&state, &p, client_id).await,
        Some("refresh_token") => refresh_grant(&state, &p, client_id).await,
        Some(_) => {
            oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", "only authorization_code and refresh_token")
        }
        None => invalid_request("grant_type is required"),
    }
}

async fn code_grant(state: &AppState, p: &Params, client_id: &str) -> Response {
    let (Some(code), Some(redirect_uri)) = (p.get("code"), p.get("redirect_uri")) else {
        return invalid_request("code and redirect_uri are required");
    };
    let Some(verifier) = p.get("code_verifier") else {
        return invalid_request("code_verifier is required (PKCE)");
    };
    if !secret::is_pkce_verifier(verifier) {
        return invalid_request("code_verifier is not a valid PKCE verifier");
    }
    let grant = match oidc_store::redeem_code(&state.store, code).await {
        Ok(Ok(g)) => g,
        Ok(Err(refused)) => return invalid_grant(refused.description()),
        Err(e) => return internal(e),
    };
    if grant.client_id != client_id {
        return invalid_grant("the code was issued to another client");
    }
    if grant.redirect_uri != redirect_uri {
        return invalid_grant("redirect_uri does not match the authorization request");
    }
    if !secret::pkce_matches(verifier, &grant.code_challenge) {
        return invalid_grant("the PKCE code_verifier does not match the code_challenge");
    }
    let Some(user) = user_or_none(state, &grant.user_id).await else {
        return invalid_grant("the user no longer exists");
    };
    let provider = &state.oidc;
    let refresh = match oidc_store::create_family(&state.store, code, &grant, provider.lifetimes.refresh_token).await {
        Ok(r) => r,
        Err(e) => return internal(e),
    };
    let session = Issued {
        client_id,
        scope: &grant.scope,
        auth_time: grant.auth_time,
        sid: grant.sid.as_deref(),
        nonce: grant.nonce.as_deref(),
    };
    respond(provider, &user, &session, refresh)
}

async fn refresh_grant(state: &AppState, p: &Params, client_id: &str) -> Response {
    let Some(token) = p.get("refresh_token") else {
        return invalid_request("refresh_token is required");
    };
    let provider = &state.oidc;
    let (family, next) = match oidc_store::rotate(&state.store, token, provider.lifetimes.refresh_token).await {
        Ok(Ok(r)) => r,
        Ok(Err(refused)) => {
            if refused == Refused::Replayed {
                tracing::warn!("a used refresh token was presented again; its family is revoked");
            }
            return invalid_grant(refused.description());
        }
        Err(e) => return internal(e),
    };
    if family.client_id != client_id {
        return invalid_grant("the refresh token was issued to another client");
    }
    if let Some(requested) = p.get("scope") {
        let granted: Vec<&str> = family.scope.split(' ').collect();
        if requested.split(' ').filter(|s| !s.is_empty()).any(|s| !granted.contains(&s)) {
            return oauth_error(StatusCode::BAD_REQUEST, "invalid_scope", "a refresh cannot widen the granted scope");
        }
    }
    let Some(user) = user_or_none(state, &family.user_id).await else {
        return invalid_grant("the user no longer exists");
    };
    let session = Issued {
        client_id,
        scope: &family.scope,
        auth_time: family.auth_time,
        sid: family.sid.as_deref(),
        nonce: None,
    };
    respond(provider, &user, &session, next)
}

async fn user_or_none(state: &AppState, id: &str) -> Option<User> {
    match user::by_id(&state.store, id).await {
        Ok(u) => u,
        Err(e) => {
            tracing::error!("token endpoint: {e:#}");
            None
        }
    }
}

/// What the tokens being issued describe.
struct Issued<'a> {
    client_id: &'a str,
    scope: &'a str,
    auth_time: i64,
    sid: Option<&'a str>,
    nonce: Option<&'a str>,
}

fn respond(provider: &Provider, user: &User, issued: &Issued<'_>, refresh_token: String) -> Response {
    match mint(provider, user, issued, refresh_token) {
        Ok(body) => {
            let mut res = Json(body).into_response();
            res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            res.headers_mut().insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
            res
        }
        Err(e) => internal(e),
    }
}

fn mint(provider: &Provider, user: &User, issued: &Issued<'_>, refresh_token: String) -> anyhow::Result<TokenResponse> {
    let now = secret::now();
    let ttl = provider.lifetimes.access_token.as_secs();
    let exp = now.saturating_add(i64::try_from(ttl).unwrap_or(i64::MAX / 4));
    let key = provider.signing_key();
    let id_token = key.sign(
        "JWT",
        &IdClaims {
            iss: &provider.issuer,
            sub: &user.id,
            aud: issued.client_id,
            exp,
            iat: now,
            auth_time: issued.auth_time,
            nonce: issued.nonce,
            sid: issued.sid,
            name: &user.display_name,
            preferred_username: &user.upn,
            email: user.email.as_deref(),
            oid: &user.id,
        },
    )?;
    let access_token = key.sign(
        "at+jwt",
        &AccessClaims {
            iss: &provider.issuer,
            sub: &user.id,
            oid: &user.id,
            aud: &provider.audience,
            client_id: issued.client_id,
            scp: API_SCOPE,
            exp,
            iat: now,
            nbf: now,
            auth_time: issued.auth_time,
            jti: secret::random(16),
        },
    )?;
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in: ttl,
        id_token,
        refresh_token,
        scope: issued.scope.to_string(),
    })
}
