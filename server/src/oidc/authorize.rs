//! `GET /oidc/authorize` and the login form it shows (`POST /oidc/login`).
//!
//! Only the authorization code flow with PKCE S256 is offered. Until the client and its exact
//! redirect URI are known to be registered, errors are shown as a page (never redirected:
//! that would be an open redirector); after that they go back to the client with `error`,
//! `error_description`, `state` and `iss` (RFC 9207).

use super::address::{client_address, Peer};
use super::limits::{self, Verdict};
use super::page::{self, LoginForm, Texts};
use super::params::Params;
use super::store::{self as oidc_store, Grant, Session};
use super::{secret, Provider};
use crate::auth::user;
use crate::AppState;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use std::sync::OnceLock;

pub const SESSION_COOKIE: &str = "portal_oidc_session";
pub(super) const CSRF_COOKIE: &str = "portal_oidc_csrf";

/// A validated authorization request.
struct AuthRequest {
    client_id: String,
    redirect_uri: String,
    state: Option<String>,
    nonce: Option<String>,
    scope: String,
    code_challenge: String,
    prompt_none: bool,
    prompt_login: bool,
    max_age: Option<i64>,
    /// Prefills the form's user name (a fresh sign-in asks the same person again).
    login_hint: Option<String>,
}

/// Why an authorization request was refused.
enum Invalid {
    /// Client or redirect URI not trustworthy: an error page.
    Page(String),
    /// Sent back to the client's redirect URI.
    Redirect { redirect_uri: String, state: Option<String>, error: &'static str, description: String },
}

const SCOPES: &[&str] = &["openid", "profile", "email", "offline_access"];

fn validate(provider: &Provider, query: &str) -> Result<AuthRequest, Invalid> {
    let p =
        Params::parse(query).map_err(|name| Invalid::Page(format!("The parameter {name} was sent more than once.")))?;
    let client_id =
        p.get("client_id").ok_or_else(|| Invalid::Page("The request names no client (client_id).".into()))?;
    let client = provider
        .client(client_id)
        .ok_or_else(|| Invalid::Page(format!("The application {client_id:?} is not registered here.")))?;
    let redirect_uri = p.get("redirect_uri").ok_or_else(|| Invalid::Page("The request has no redirect_uri.".into()))?;
    if !client.redirect_uris.iter().any(|r| r == redirect_uri) {
        return Err(Invalid::Page(format!(
            "The redirect address {redirect_uri:?} is not registered for this application."
        )));
    }
    let state = p.get("state").map(str::to_string);
    let fail = |error: &'static str, description: &str| Invalid::Redirect {
        redirect_uri: redirect_uri.to_string(),
        state: state.clone(),
        error,
        description: description.to_string(),
    };

    if p.get("request").is_some() {
        return Err(fail("request_not_supported", "request objects are not supported"));
    }
    if p.get("request_uri").is_some() {
        return Err(fail("request_uri_not_supported", "request_uri is not supported"));
    }
    match p.get("response_type") {
        Some("code") => {}
        None => return Err(fail("invalid_request", "response_type is required")),
        Some(_) => return Err(fail("unsupported_response_type", "only response_type=code is supported")),
    }
    if let Some(mode) = p.get("response_mode") {
        if mode != "query" {
            return Err(fail("invalid_request", "only response_mode=query is supported"));
        }
    }
    let scope = p.get("scope").unwrap_or_default();
    let requested: Vec<&str> = scope.split(' ').filter(|s| !s.is_empty()).collect();
    if !requested.contains(&"openid") {
        return Err(fail("invalid_scope", "the openid scope is required"));
    }
    let api_scope = format!("{}/{}", provider.audience, super::API_SCOPE);
    let granted: Vec<&str> =
        requested.iter().copied().filter(|s| SCOPES.contains(s) || *s == api_scope || *s == super::API_SCOPE).collect();

    let Some(challenge) = p.get("code_challenge") else {
        return Err(fail("invalid_request", "PKCE is required: send code_challenge with code_challenge_method=S256"));
    };
    if p.get("code_challenge_method") != Some("S256") {
        return Err(fail("invalid_request", "code_challenge_method must be S256"));
    }
    if !secret::is_s256_challenge(challenge) {
        return Err(fail("invalid_request", "code_challenge is not a base64url SHA-256"));
    }

    let prompts: Vec<&str> = p.get("prompt").unwrap_or_default().split(' ').filter(|s| !s.is_empty()).collect();
    let prompt_none = prompts.contains(&"none");
    if prompt_none && prompts.len() > 1 {
        return Err(fail("invalid_request", "prompt=none cannot be combined with other values"));
    }
    let max_age = match p.get("max_age") {
        None => None,
        Some(v) => match v.parse::<i64>() {
            Ok(n) if n >= 0 => Some(n),
            _ => return Err(fail("invalid_request", "max_age must be a non-negative integer")),
        },
    };

    Ok(AuthRequest {
        client_id: client.id.clone(),
        redirect_uri: redirect_uri.to_string(),
        state,
        nonce: p.get("nonce").map(str::to_string),
        scope: granted.join(" "),
        code_challenge: challenge.to_string(),
        prompt_none,
        prompt_login: prompts.contains(&"login"),
        max_age,
        login_hint: p.get("login_hint").map(|h| h.chars().filter(|c| !c.is_control()).take(256).collect()),
    })
}

/// `redirect_uri` with the response parameters added to its query.
fn redirect_with(redirect_uri: &str, pairs: &[(&str, &str)]) -> Response {
    let target = match url::Url::parse(redirect_uri) {
        Ok(mut u) => {
            {
                let mut q = u.query_pairs_mut();
                for (k, v) in pairs {
                    q.append_pair(k, v);
                }
            }
            u.to_string()
        }
        Err(_) => return (StatusCode::BAD_REQUEST, "invalid redirect URI").into_response(),
    };
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(&target) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

fn error_redirect(
    provider: &Provider,
    redirect_uri: &str,
    state: Option<&str>,
    error: &str,
    description: &str,
) -> Response {
    let mut pairs = vec![("error", error), ("error_description", description)];
    if let Some(s) = state {
        pairs.push(("state", s));
    }
    pairs.push(("iss", &provider.issuer));
    redirect_with(redirect_uri, &pairs)
}

pub(super) async fn organisation(state: &AppState) -> String {
    match oidc_store::organisation_name(&state.store).await {
        Ok(Some(name)) => name,
        _ => "Portal".to_string(),
    }
}

async fn error_page(state: &AppState, texts: &Texts, status: StatusCode, message: &str) -> Response {
    let org = organisation(state).await;
    page::respond(status, page::error(texts, &org, message), &[])
}

fn internal(e: anyhow::Error) -> Response {
    tracing::error!("identity provider: {e:#}");
    page::respond(
        StatusCode::INTERNAL_SERVER_ERROR,
        page::error(&page::EN, "Portal", "Something went wrong on the server. Try again in a moment."),
        &[],
    )
}

fn accept_language(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok())
}

fn cookie<'a>(provider: &Provider, name: &'a str, value: String, max_age_secs: i64, same_site: SameSite) -> Cookie<'a> {
    Cookie::build((name, value))
        .path("/oidc")
        .http_only(true)
        .secure(provider.secure_cookies)
        .same_site(same_site)
        .max_age(cookie_duration(max_age_secs))
        .build()
}

fn cookie_duration(secs: i64) -> time::Duration {
    time::Duration::seconds(secs)
}

pub async fn authorize(
    State(state): State<AppState>,
    jar: CookieJar,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let texts = page::texts(accept_language(&headers));
    let provider = &state.oidc;
    let query = query.unwrap_or_default();
    let req = match validate(provider, &query) {
        Ok(r) => r,
        Err(Invalid::Page(msg)) => return error_page(&state, texts, StatusCode::BAD_REQUEST, &msg).await,
        Err(Invalid::Redirect { redirect_uri, state: st, error, description }) => {
            return error_redirect(provider, &redirect_uri, st.as_deref(), error, &description)
        }
    };

    let session = match current_session(&state, &jar).await {
        Ok(s) => s,
        Err(e) => return internal(e),
    };
    let now = secret::now();
    let usable = session.filter(|s| !req.prompt_login && req.max_age.is_none_or(|max| now - s.auth_time <= max));
    if let Some(session) = usable {
        return match issue_code(&state, &req, &session).await {
            Ok(res) => res,
            Err(e) => internal(e),
        };
    }
    if req.prompt_none {
        return error_redirect(
            provider,
            &req.redirect_uri,
            req.state.as_deref(),
            "login_required",
            "the user is not signed in",
        );
    }
    let (jar, csrf) = csrf_token(provider, jar);
    let org = organisation(&state).await;
    let username = req.login_hint.as_deref().unwrap_or("");
    let html =
        page::login(texts, &LoginForm { organisation: &org, request: &query, csrf: &csrf, username, error: None });
    (jar, page::respond(StatusCode::OK, html, &page::origins_of(&provider.client.redirect_uris))).into_response()
}

/// The session behind the request's cookie, if it is live and its user still exists.
async fn current_session(state: &AppState, jar: &CookieJar) -> anyhow::Result<Option<Session>> {
    let Some(raw) = jar.get(SESSION_COOKIE).map(|c| c.value().to_string()) else {
        return Ok(None);
    };
    let Some(session) = oidc_store::session(&state.store, &raw).await? else {
        return Ok(None);
    };
    Ok(user::by_id(&state.store, &session.user_id).await?.map(|_| session))
}

/// Whether a posted form carries the CSRF cookie's value (double-submit).
pub(super) fn csrf_matches(jar: &CookieJar, form: &Params) -> bool {
    match (jar.get(CSRF_COOKIE), form.get("csrf")) {
        (Some(c), Some(f)) => !f.is_empty() && secret::same(c.value(), f),
        _ => false,
    }
}

/// The CSRF cookie's value (double-submit: the form carries it too), minting one if absent.
pub(super) fn csrf_token(provider: &Provider, jar: CookieJar) -> (CookieJar, String) {
    if let Some(existing) = jar.get(CSRF_COOKIE).map(|c| c.value().to_string()) {
        if existing.len() == 43 {
            return (jar, existing);
        }
    }
    let token = secret::random(32);
    let jar = jar.add(cookie(provider, CSRF_COOKIE, token.clone(), 3600, SameSite::Strict));
    (jar, token)
}

async fn issue_code(state: &AppState, req: &AuthRequest, session: &Session) -> anyhow::Result<Response> {
    let provider = &state.oidc;
    let grant = Grant {
        client_id: req.client_id.clone(),
        redirect_uri: req.redirect_uri.clone(),
        user_id: session.user_id.clone(),
        scope: req.scope.clone(),
        nonce: req.nonce.clone(),
        code_challenge: req.code_challenge.clone(),
        auth_time: session.auth_time,
        sid: Some(session.sid.clone()),
    };
    let code = oidc_store::create_code(&state.store, grant, provider.lifetimes.code).await?;
    let mut pairs = vec![("code", code.as_str())];
    if let Some(s) = &req.state {
        pairs.push(("state", s));
    }
    pairs.push(("iss", &provider.issuer));
    Ok(redirect_with(&req.redirect_uri, &pairs))
}

/// `POST /oidc/login`: checks the CSRF token and the credentials, starts the session and
/// answers the authorization request it carries.
pub async fn login(
    State(state): State<AppState>,
    Peer(peer): Peer,
    jar: CookieJar,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let texts = page::texts(accept_language(&headers));
    let provider = &state.oidc;
    let form = match std::str::from_utf8(&body).ok().and_then(|b| Params::parse(b).ok()) {
        Some(f) => f,
        None => return error_page(&state, texts, StatusCode::BAD_REQUEST, "The sign-in form was not readable.").await,
    };
    let query = form.get("request").unwrap_or_default().to_string();
    let req = match validate(provider, &query) {
        Ok(r) => r,
        Err(Invalid::Page(msg)) => return error_page(&state, texts, StatusCode::BAD_REQUEST, &msg).await,
        Err(Invalid::Redirect { redirect_uri, state: st, error, description }) => {
            return error_redirect(provider, &redirect_uri, st.as_deref(), error, &description)
        }
    };
    let username = form.get("username").unwrap_or_default().trim().to_string();
    let password = form.get("password").unwrap_or_default().to_string();

    let csrf_ok = csrf_matches(&jar, &form);
    let org = organisation(&state).await;
    let form_page = |jar: CookieJar, status: StatusCode, error: &str| {
        let (jar, csrf) = csrf_token(provider, jar);
        let html = page::login(
            texts,
            &LoginForm { organisation: &org, request: &query, csrf: &csrf, username: &username, error: Some(error) },
        );
        (jar, page::respond(status, html, &page::origins_of(&provider.client.redirect_uris)))
    };
    let show_form = |jar: CookieJar, error: &str| form_page(jar, StatusCode::OK, error).into_response();
    if !csrf_ok {
        let jar = jar.remove(Cookie::build(CSRF_COOKIE).path("/oidc"));
        return show_form(jar, texts.form_expired);
    }

    // The limits come before anything about the account is looked at, and answer the same
    // whether it exists or not.
    let address = client_address(peer, &headers, &provider.trusted_proxies);
    let limits = provider.sign_in_limits;
    let logged_name = logged(&username);
    let attempt = match limits::begin(&state.store, limits, &username, address).await {
        Ok(Verdict::Check(attempt)) => attempt,
        Ok(Verdict::Refused { retry_after, locked }) => {
            if locked {
                tracing::warn!(%address, account = %logged_name, "sign-in refused: locked out after repeated failures");
            } else {
                tracing::warn!(%address, account = %logged_name, "sign-in refused: an attempt before the wait was over");
            }
            let message = texts.too_many_attempts.replace("{wait}", &limits::wait_in_words(retry_after));
            let (jar, mut res) = form_page(jar, StatusCode::TOO_MANY_REQUESTS, &message);
            let secs = retry_after.as_secs() + u64::from(retry_after.subsec_millis() > 0);
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
            return (jar, res).into_response();
        }
        Err(e) => return internal(e),
    };

    let user = match user::by_upn(&state.store, &username).await {
        Ok(u) => u,
        Err(e) => return internal(e),
    };
    let hash = user.as_ref().and_then(|u| u.password_hash.clone());
    let matches =
        tokio::task::spawn_blocking(move || password_matches(&password, hash.as_deref())).await.unwrap_or(false);
    let Some(user) = user.filter(|_| matches) else {
        tracing::warn!(
            %address,
            account = %logged_name,
            account_failures = attempt.account_failures,
            address_failures = attempt.address_failures,
            "sign-in failed: wrong user name or password"
        );
        if attempt.locks {
            tracing::warn!(%address, account = %logged_name, "sign-in locked out for {} s", limits.lockout.as_secs());
        }
        return show_form(jar, texts.wrong_credentials);
    };
    if let Err(e) = limits::succeeded(&state.store, limits, attempt).await {
        return internal(e);
    }

    let (raw, session) = match oidc_store::create_session(&state.store, &user.id, provider.lifetimes.session).await {
        Ok(s) => s,
        Err(e) => return internal(e),
    };
    let session_secs = i64::try_from(provider.lifetimes.session.as_secs()).unwrap_or(i64::MAX / 4);
    let jar = jar.add(cookie(provider, SESSION_COOKIE, raw, session_secs, SameSite::Lax));
    match issue_code(&state, &req, &session).await {
        Ok(res) => (jar, res).into_response(),
        Err(e) => internal(e),
    }
}

/// A sign-in name for the log: as typed, at most 64 characters, quoted and escaped.
fn logged(name: &str) -> String {
    format!("{:?}", name.chars().take(64).collect::<String>())
}

/// Verifies `password` against an argon2 PHC string. Without a hash (unknown user, or one
/// who cannot sign in here) a dummy hash is checked anyway, so timing does not reveal which
/// part of the credentials was wrong.
fn password_matches(password: &str, hash: Option<&str>) -> bool {
    static DUMMY: OnceLock<Option<String>> = OnceLock::new();
    let argon = Argon2::default();
    let (phc, real) = match hash {
        Some(h) => (Some(h.to_string()), true),
        None => {
            let dummy = DUMMY.get_or_init(|| argon.hash_password(b"portal-dummy-password").ok().map(|h| h.to_string()));
            (dummy.clone(), false)
        }
    };
    let Some(phc) = phc else { return false };
    match PasswordHash::new(&phc) {
        Ok(parsed) => argon.verify_password(password.as_bytes(), &parsed).is_ok() && real,
        Err(e) => {
            tracing::warn!("a user's password_hash is not a PHC string: {e}");
            false
        }
    }
}
