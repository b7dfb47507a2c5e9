//! `/oidc/logout` (RP-initiated logout, GET or POST as the specification requires): ends the
//! provider's session, revokes the refresh tokens issued under it, and returns to
//! `post_logout_redirect_uri` only when that exact URI is registered (and the
//! `id_token_hint`, when sent, is one of ours for that client).
//!
//! A link or an image on another site must not sign anyone out. The session ends at once
//! only when the request proves it comes from the portal: an `id_token_hint` that this
//! provider signed *for the session being ended* (its `sid`) — the SPA holds that token in
//! memory only, so no other site has it. Any other request gets a confirmation page whose
//! form posts back with a CSRF token (double-submit cookie, `SameSite=Strict`).

use super::authorize::{csrf_matches, csrf_token, organisation, SESSION_COOKIE};
use super::page;
use super::params::Params;
use super::store::{self as oidc_store, Session};
use super::Provider;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};

/// The confirmation form's field that says the person chose "Sign out".
const CONFIRM: &str = "confirm";

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
    let hint = p.get("id_token_hint").and_then(|h| hint_claims(provider, h));
    let target = return_target(provider, &p, hint.as_ref());

    let raw = jar.get(SESSION_COOKIE).map(|c| c.value().to_string());
    let session = match &raw {
        Some(raw) => oidc_store::session(&state.store, raw).await.unwrap_or_else(|e| {
            tracing::error!("reading a provider session: {e:#}");
            None
        }),
        None => None,
    };
    if let (Some(raw), Some(session)) = (&raw, &session) {
        let proven = hint.as_ref().is_some_and(|h| h.is_for(session))
            || (method == Method::POST && p.get(CONFIRM).is_some() && csrf_matches(&jar, &p));
        if !proven {
            let (jar, csrf) = csrf_token(provider, jar);
            let org = organisation(&state).await;
            let form = page::LogoutForm {
                organisation: &org,
                csrf: &csrf,
                post_logout_redirect_uri: target.as_ref().map(|t| t.uri.as_str()),
                state: target.as_ref().and_then(|t| t.state.as_deref()),
            };
            let html = page::confirm_logout(texts, &form);
            return (
                jar,
                page::respond(StatusCode::OK, html, &page::origins_of(&provider.client.post_logout_redirect_uris)),
            )
                .into_response();
        }
        if let Err(e) = oidc_store::end_session(&state.store, raw).await {
            tracing::error!("ending a provider session: {e:#}");
        }
    }
    // No live session (already signed out, or expired): nothing to end, nothing to confirm.
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/oidc"));
    if let Some(target) = target {
        if let Ok(mut url) = url::Url::parse(&target.uri) {
            if let Some(s) = &target.state {
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
    let org = organisation(&state).await;
    (jar, page::respond(StatusCode::OK, page::signed_out(texts, &org), &[])).into_response()
}

/// Where to send the browser afterwards, when the request may say so.
struct Target {
    uri: String,
    state: Option<String>,
}

fn return_target(provider: &Provider, p: &Params, hint: Option<&Hint>) -> Option<Target> {
    let uri = p.get("post_logout_redirect_uri")?;
    let registered = provider.client.post_logout_redirect_uris.iter().any(|u| u == uri);
    let client_ok = match (p.get("id_token_hint"), hint) {
        (Some(_), Some(h)) => p.get("client_id").is_none_or(|c| c == h.client_id),
        // A hint that is not ours: not trusted to name a return address.
        (Some(_), None) => false,
        (None, _) => p.get("client_id").is_none_or(|c| c == provider.client.id),
    };
    if registered && client_ok {
        Some(Target { uri: uri.to_string(), state: p.get("state").map(str::to_string) })
    } else {
        tracing::info!("logout: not returning to unregistered or unverified post_logout_redirect_uri {uri:?}");
        None
    }
}

/// What an `id_token_hint` this provider signed says.
struct Hint {
    client_id: String,
    sid: Option<String>,
}

impl Hint {
    fn is_for(&self, session: &Session) -> bool {
        self.sid.as_deref().is_some_and(|sid| super::secret::same(sid, &session.sid))
    }
}

/// The claims of an ID token this provider signed for a registered client. Expiry is not
/// checked: a hint may be old (OpenID Connect RP-Initiated Logout §2).
fn hint_claims(provider: &Provider, hint: &str) -> Option<Hint> {
    let key = DecodingKey::from_jwk(&provider.signing_key().public).ok()?;
    let mut v = Validation::new(Algorithm::RS256);
    v.validate_exp = false;
    v.validate_aud = false;
    v.set_issuer(&[&provider.issuer]);
    v.set_required_spec_claims(&["iss", "aud"]);
    let data = jsonwebtoken::decode::<serde_json::Value>(hint, &key, &v).ok()?;
    let aud = data.claims.get("aud")?.as_str()?;
    let client_id = provider.client(aud)?.id.clone();
    let sid = data.claims.get("sid").and_then(|s| s.as_str()).map(str::to_string);
    Some(Hint { client_id, sid })
}
