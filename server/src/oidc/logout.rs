//! `/oidc/logout` (RP-initiated logout): ends the provider's session, revokes the refresh
//! tokens issued under it, and returns to `post_logout_redirect_uri` only when that exact
//! URI is registered (and the `id_token_hint`, when sent, is one of ours for that client).

use super::authorize::SESSION_COOKIE;
use super::page;
use super::params::Params;
use super::store as oidc_store;
use super::Provider;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};

pub async fn logout(
    State(state): State<AppState>,
    method: Method,
    jar: CookieJar,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let texts = page::texts(headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()));
    let input =
        if method == Method::POST { String::from_utf8_lossy(&body).into_owned() } else { query.unwrap_or_default() };
    let p = Params::parse(&input).unwrap_or_default();
    let provider = &state.oidc;

    if let Some(raw) = jar.get(SESSION_COOKIE).map(|c| c.value().to_string()) {
        if let Err(e) = oidc_store::end_session(&state.store, &raw).await {
            tracing::error!("ending a provider session: {e:#}");
        }
    }
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/oidc"));

    if let Some(target) = p.get("post_logout_redirect_uri") {
        let registered = provider.client.post_logout_redirect_uris.iter().any(|u| u == target);
        let hint_ok = match p.get("id_token_hint") {
            Some(hint) => hint_client(provider, hint).is_some_and(|aud| p.get("client_id").is_none_or(|c| c == aud)),
            None => p.get("client_id").is_none_or(|c| c == provider.client.id),
        };
        if registered && hint_ok {
            if let Ok(mut url) = url::Url::parse(target) {
                if let Some(s) = p.get("state") {
                    url.query_pairs_mut().append_pair("state", s);
                }
                let mut res = StatusCode::SEE_OTHER.into_response();
                if let Ok(v) = HeaderValue::from_str(url.as_str()) {
                    res.headers_mut().insert(header::LOCATION, v);
                }
                res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                return (jar, res).into_response();
            }
        }
        tracing::info!("logout: not returning to unregistered or unverified post_logout_redirect_uri {target:?}");
    }
    let org = oidc_store::organisation_name(&state.store).await.ok().flatten().unwrap_or_else(|| "Portal".into());
    (jar, page::respond(StatusCode::OK, page::signed_out(texts, &org), &[])).into_response()
}

/// The client (`aud`) of an ID token this provider signed. Expiry is not checked: a hint
/// may be old (OpenID Connect RP-Initiated Logout §2).
fn hint_client(provider: &Provider, hint: &str) -> Option<String> {
    let key = DecodingKey::from_jwk(&provider.signing_key().public).ok()?;
    let mut v = Validation::new(Algorithm::RS256);
    v.validate_exp = false;
    v.validate_aud = false;
    v.set_issuer(&[&provider.issuer]);
    v.set_required_spec_claims(&["iss", "aud"]);
    let data = jsonwebtoken::decode::<serde_json::Value>(hint, &key, &v).ok()?;
    let aud = data.claims.get("aud")?.as_str()?.to_string();
    provider.client(&aud).map(|c| c.id.clone())
}
