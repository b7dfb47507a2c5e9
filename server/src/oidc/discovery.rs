//! `/.well-known/openid-configuration` and `/jwks`: everything a client or resource server
//! needs to find the endpoints and check signatures. Cached briefly by browsers.

use super::API_SCOPE;
use crate::http::ApiError;
use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

fn cached(body: serde_json::Value) -> Response {
    let mut res = Json(body).into_response();
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    res
}

pub async fn configuration(State(state): State<AppState>) -> Response {
    let p = &state.oidc;
    let iss = &p.issuer;
    cached(json!({
        "issuer": iss,
        "authorization_endpoint": format!("{iss}/authorize"),
        "token_endpoint": format!("{iss}/token"),
        "jwks_uri": format!("{iss}/jwks"),
        "end_session_endpoint": format!("{iss}/logout"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["none"],
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": ["openid", "profile", "email", "offline_access", format!("{}/{API_SCOPE}", p.audience)],
        "claims_supported": ["iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "sid", "name", "preferred_username", "email", "oid"],
        "prompt_values_supported": ["none", "login"],
        "authorization_response_iss_parameter_supported": true,
        "request_parameter_supported": false,
        "request_uri_parameter_supported": false,
    }))
}

pub async fn jwks(State(state): State<AppState>) -> Result<Response, ApiError> {
    let set = super::keys::published(&state.store).await?;
    Ok(cached(serde_json::to_value(set).map_err(anyhow::Error::from)?))
}
