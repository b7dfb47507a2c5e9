//! Sign-in: OpenID Connect authorization code flow with PKCE (S256), built with the `oauth2`
//! crate, against whatever provider `/config.json` names (Entra ID, the development
//! provider, any certified one): only the endpoints its discovery document lists are used.
//!
//! Flow. `start` runs once per page load, before the shell renders:
//! - on the callback path it takes the attempt from storage, removes the callback URL from
//!   history, checks the response (`state`, RFC 9207 `iss`, provider error), redeems the code
//!   with the PKCE verifier and checks the ID token (`iss`, `aud`, `exp`/`nbf`, `nonce`);
//! - anywhere else, with nothing in memory (a deep link or a reload), it redirects the whole
//!   page to the provider with `prompt=none`; the provider's session makes that silent and the
//!   user lands back on the same page. "Needs the user" then just means signed out, and the
//!   branded landing page offers "Sign in". The landing page itself (`/`) tries this only when
//!   someone has signed in in this browser before ([`attempt::signed_in_here`]): a first visit
//!   is then one page load, not two.
//!
//! Tokens live in this module's signal only (see [`attempt`] for the storage policy). The
//! access token is refreshed shortly before it expires; a new refresh token replaces the old.
//! An API call answered 401 refreshes once and retries, then falls back to an interactive
//! sign-in. Automatic redirects are limited to one per [`attempt::REDIRECT_WINDOW_MS`]: a
//! second one within it becomes an error page, never a loop.

pub mod attempt;
pub mod callback;
pub mod client;
pub mod discovery;
pub mod error;
mod http;
pub mod id_token;

use crate::config::PortalConfig;
pub use error::AuthError;
use leptos::prelude::*;
use std::time::Duration;

/// Refresh this long before the access token expires (or at half its life, if shorter).
const REFRESH_MARGIN_MS: f64 = 60_000.0;
/// Lifetime assumed when the token response has no `expires_in`.
const DEFAULT_LIFETIME_S: u64 = 300;

/// The tokens of a signed-in user, in memory only.
#[derive(Clone, PartialEq)]
pub struct Session {
    pub access_token: String,
    pub refresh_token: Option<String>,
    /// Kept for `id_token_hint` at sign-out.
    pub id_token: Option<String>,
    /// Milliseconds since the epoch.
    pub expires_at: f64,
}

impl std::fmt::Debug for Session {
    /// Never prints a token (a log or panic message must not leak one).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Session { .. }")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    /// Finishing a callback, or on the way to the provider.
    Checking,
    SignedOut,
    SignedIn(Session),
    Failed(AuthError),
}

/// Where the app signs in; derived from `/config.json` and this page's origin.
#[derive(Debug, Clone)]
struct Settings {
    authority: String,
    client_id: String,
    scopes: Vec<String>,
    redirect_path: String,
    redirect_uri: String,
    post_logout_redirect_uri: String,
}

/// The sign-in state, shared through context. Copy: signals and stored values only.
#[derive(Clone, Copy)]
pub struct Auth {
    status: RwSignal<Status>,
    settings: StoredValue<Settings>,
    /// The discovery document's text, fetched once per page load (decoded in the chunks).
    discovery: StoredValue<Option<String>>,
    refreshing: StoredValue<bool>,
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

fn location() -> Option<web_sys::Location> {
    web_sys::window().map(|w| w.location())
}

/// Path, query and fragment of the current page.
/// Whether this page load is the landing page (`/`, with or without a query).
fn on_landing() -> bool {
    location().and_then(|l| l.pathname().ok()).is_some_and(|p| p == "/")
}

pub fn current_path() -> String {
    location()
        .map(|l| {
            format!(
                "{}{}{}",
                l.pathname().unwrap_or_default(),
                l.search().unwrap_or_default(),
                l.hash().unwrap_or_default()
            )
        })
        .unwrap_or_else(|| "/".into())
}

fn origin() -> String {
    location().and_then(|l| l.origin().ok()).unwrap_or_default()
}

/// Puts `path` in the address bar in place of this page's (before the router exists).
fn replace_address(path: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path));
    }
}

/// Sends the whole page to `url`; `replace` keeps it out of the history (automatic hops).
fn navigate(url: &str, replace: bool) {
    if let Some(l) = location() {
        let _ = if replace { l.replace(url) } else { l.assign(url) };
    }
}

impl Auth {
    pub fn new(config: &PortalConfig) -> Auth {
        let origin = origin();
        let settings = Settings {
            authority: discovery::absolute_authority(&config.authority, &origin),
            client_id: config.client_id.clone(),
            scopes: config.scopes.clone(),
            redirect_path: config.redirect_path.clone(),
            redirect_uri: format!("{origin}{}", config.redirect_path),
            post_logout_redirect_uri: format!("{origin}/"),
        };
        Auth {
            status: RwSignal::new(Status::Checking),
            settings: StoredValue::new(settings),
            discovery: StoredValue::new(None),
            refreshing: StoredValue::new(false),
        }
    }

    /// The state (tracked).
    pub fn status(self) -> Status {
        self.status.get()
    }

    /// Whether tokens are in memory (tracked).
    pub fn is_signed_in(self) -> bool {
        self.status.with(|s| matches!(s, Status::SignedIn(_)))
    }

    /// The current access token (not tracked), for the API client.
    pub fn access_token(self) -> Option<String> {
        self.status.with_untracked(|s| match s {
            Status::SignedIn(session) => Some(session.access_token.clone()),
            _ => None,
        })
    }

    /// The discovery document's text and the authority it came from, fetched once per page
    /// load. Each chunk that uses it decodes and checks it (`discovery::decode`).
    async fn discovery(self) -> Result<(String, String), AuthError> {
        let authority = self.settings.with_value(|s| s.authority.clone());
        if let Some(text) = self.discovery.get_value() {
            return Ok((text, authority));
        }
        let text = discovery::fetch_text(&authority).await?;
        self.discovery.set_value(Some(text.clone()));
        Ok((text, authority))
    }

    /// Runs once per page load, before the shell renders (see the module docs).
    pub async fn start(self) {
        watch_back_forward_cache();
        let on_callback = location()
            .and_then(|l| l.pathname().ok())
            .is_some_and(|p| p == self.settings.with_value(|s| s.redirect_path.clone()));
        if on_callback {
            self.complete_callback().await;
        } else if attempt::may_redirect_automatically(now_ms() as u64) && (attempt::signed_in_here() || !on_landing()) {
            // A reload or a deep link: try the provider's session, silently.
            if self.redirect(&current_path(), client::Prompt::Silent, true).await.is_err() {
                self.status.set(Status::SignedOut);
            }
        } else {
            self.status.set(Status::SignedOut);
        }
    }

    /// "Sign in" (and "Sign in again"): an interactive sign-in returning to `return_to`.
    pub fn sign_in(self, return_to: String) {
        leptos::task::spawn_local(async move {
            if let Err(e) = self.redirect(&return_to, client::Prompt::Default, false).await {
                self.status.set(Status::Failed(e));
            }
        });
    }

    /// A sign-in *now*, even with a live provider session (`prompt=login`, `max_age=0`),
    /// returning to `return_to`: what the server asks before it shows a recovery key.
    pub fn sign_in_fresh(self, return_to: String) {
        leptos::task::spawn_local(async move {
            if let Err(e) = self.redirect(&return_to, client::Prompt::Fresh, false).await {
                self.status.set(Status::Failed(e));
            }
        });
    }

    /// Saves a fresh attempt and sends the page to the provider. `automatic` redirects are
    /// rate-limited; one a person asked for starts a fresh window. The authorization request
    /// (oauth2, URLs, PKCE's SHA-256) is the `authorize` chunk, fetched while the discovery
    /// document is: a signed-out visit to the landing page never needs it until "Sign in".
    async fn redirect(self, return_to: &str, prompt: client::Prompt, automatic: bool) -> Result<(), AuthError> {
        if automatic && !attempt::may_redirect_automatically(now_ms() as u64) {
            return Err(AuthError::TooManyRedirects);
        }
        leptos::task::spawn_local(async {
            let _ = preload_authorize().await;
        });
        let (discovery, authority) = self.discovery().await?;
        let (client_id, redirect_uri, scopes) =
            self.settings.with_value(|s| (s.client_id.clone(), s.redirect_uri.clone(), s.scopes.clone()));
        // A chunk that cannot load: the sign-in cannot start, like an unreachable provider.
        let request =
            AuthorizationRequest { client_id, redirect_uri, scopes, return_to: return_to.to_string(), prompt };
        let url =
            authorization_url(discovery, authority, request).await.map_err(|_| AuthError::DiscoveryUnreachable)??;
        if automatic {
            attempt::note_redirect(now_ms() as u64);
        } else {
            attempt::clear_redirect_note();
        }
        self.status.set(Status::Checking);
        navigate(&url, automatic);
        Ok(())
    }

    /// The callback: see the module docs. The attempt is gone from storage before any check,
    /// and the callback URL from history (until the `signed_in` chunk puts the return path
    /// there: reading the attempt, checking the response and the token exchange are in it).
    async fn complete_callback(self) {
        let attempt = attempt::take_text();
        let query = location().and_then(|l| l.search().ok()).unwrap_or_default();
        replace_address("/");
        let mut silent = false;
        let result = async {
            let (discovery, authority) = self.discovery().await?;
            let (client_id, redirect_uri) = self.settings.with_value(|s| (s.client_id.clone(), s.redirect_uri.clone()));
            let (issued, was_silent) = redeem(discovery, authority, client_id, redirect_uri, query, attempt)
                .await
                .map_err(|_| AuthError::TokenUnreachable)?
                .await;
            silent = was_silent;
            issued
        }
        .await;
        match result {
            Ok(issued) => {
                attempt::note_signed_in_here(true);
                self.set_session(session_from(issued, None))
            }
            Err(e) if silent && e.needs_interaction() => {
                // The provider's session is gone: the landing page stops trying it.
                attempt::note_signed_in_here(false);
                self.status.set(Status::SignedOut)
            }
            Err(e) => self.status.set(Status::Failed(e)),
        }
    }

    fn set_session(self, session: Session) {
        let expires_at = session.expires_at;
        let token = session.access_token.clone();
        self.status.set(Status::SignedIn(session));
        let left = (expires_at - now_ms()).max(0.0);
        let delay = (left - REFRESH_MARGIN_MS.min(left / 2.0)).max(1_000.0);
        set_timeout(
            move || {
                // Only if this token is still the current one (no sign-out, no earlier refresh).
                if self.access_token().as_deref() == Some(token.as_str()) {
                    leptos::task::spawn_local(async move {
                        self.refresh().await;
                    });
                }
            },
            Duration::from_millis(delay as u64),
        );
    }

    /// Exchanges the refresh token for fresh tokens; `true` when there is a fresh access
    /// token afterwards. One refresh at a time: with rotation, a refresh token used twice
    /// revokes the whole family.
    pub async fn refresh(self) -> bool {
        if self.refreshing.get_value() {
            while self.refreshing.get_value() {
                sleep_ms(50).await;
            }
            return self.access_token().is_some();
        }
        let Some(old) = self.status.with_untracked(|s| match s {
            Status::SignedIn(session) => Some(session.clone()),
            _ => None,
        }) else {
            return false;
        };
        let Some(refresh_token) = old.refresh_token.clone() else {
            return false;
        };
        self.refreshing.set_value(true);
        let result = async {
            let (discovery, authority) = self.discovery().await?;
            let (client_id, redirect_uri) = self.settings.with_value(|s| (s.client_id.clone(), s.redirect_uri.clone()));
            let task = refresh_tokens(discovery, authority, client_id, redirect_uri, refresh_token.clone());
            task.await.map_err(|_| AuthError::TokenUnreachable)?.await
        }
        .await;
        self.refreshing.set_value(false);
        // Signed out (or signed in anew) meanwhile: the answer belongs to nobody.
        let still_current = self.status.with_untracked(
            |s| matches!(s, Status::SignedIn(cur) if cur.refresh_token.as_deref() == Some(refresh_token.as_str())),
        );
        if !still_current {
            return false;
        }
        match result {
            Ok(issued) => {
                self.set_session(session_from(issued, Some(&old)));
                true
            }
            Err(_) => {
                // The refresh token is spent or refused: forget it, keep the access token
                // until the API refuses it.
                self.status.update(|s| {
                    if let Status::SignedIn(session) = s {
                        session.refresh_token = None;
                    }
                });
                false
            }
        }
    }

    /// The API refused the token even after a refresh: sign in again, interactively, back
    /// to this page, unless an automatic redirect just happened (then an error page).
    pub fn reauthenticate(self) {
        self.status.set(Status::SignedOut);
        leptos::task::spawn_local(async move {
            if let Err(e) = self.redirect(&current_path(), client::Prompt::Default, true).await {
                self.status.set(Status::Failed(e));
            }
        });
    }

    /// Clears memory, then ends the provider's session at its end-session endpoint
    /// (`id_token_hint`, `post_logout_redirect_uri`), which returns to the landing page.
    pub fn sign_out(self) {
        let id_token = self.status.with_untracked(|s| match s {
            Status::SignedIn(session) => session.id_token.clone(),
            _ => None,
        });
        self.status.set(Status::SignedOut);
        // The landing page after the provider's logout must not bounce back to it at once,
        // nor on a later visit.
        attempt::note_redirect(now_ms() as u64);
        attempt::note_signed_in_here(false);
        let discovery = self.discovery.get_value();
        let (authority, post_logout, client_id) = self
            .settings
            .with_value(|s| (s.authority.clone(), s.post_logout_redirect_uri.clone(), s.client_id.clone()));
        leptos::task::spawn_local(async move {
            // The URL code is in the `signed_in` chunk, which a signed-in page has loaded.
            let target = match discovery {
                Some(discovery) => {
                    end_session_url(discovery, authority, id_token, post_logout, client_id).await.ok().flatten()
                }
                None => None,
            };
            // A normal navigation: "back" then returns to a page that no longer has tokens.
            navigate(&target.unwrap_or_else(|| "/".into()), false);
        });
    }

    /// A signed-out context, for components rendered without the app (tests).
    fn detached() -> Auth {
        let settings = Settings {
            authority: String::new(),
            client_id: String::new(),
            scopes: Vec::new(),
            redirect_path: "/auth/callback".into(),
            redirect_uri: String::new(),
            post_logout_redirect_uri: "/".into(),
        };
        Auth {
            status: RwSignal::new(Status::SignedOut),
            settings: StoredValue::new(settings),
            discovery: StoredValue::new(None),
            refreshing: StoredValue::new(false),
        }
    }
}

/// A future whose code is in a chunk (it was made there).
type Task<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T>>>;

// The token endpoint's half of sign-in — redeeming the code, refreshing, checking the ID
// token (oauth2's token responses, the JWT's claims) — is the `sign_in` chunk: a signed-out
// visit, whose silent attempt comes back with `login_required`, never needs it. A chunk that
// cannot load is reported as the token endpoint being unreachable.
split!(signed_in, preload_sign_in =>
    /// The callback's checks and the code's redemption: the attempt (as stored) is read, its
    /// return path put in the address, the response checked, the code redeemed with the PKCE
    /// verifier and the ID token checked. Also says whether the attempt was silent.
    fn redeem(
        discovery: String,
        authority: String,
        client_id: String,
        redirect_uri: String,
        query: String,
        attempt: Option<String>,
    ) -> Task<(Result<client::Issued, AuthError>, bool)> {
    Box::pin(async move {
        let attempt = attempt.as_deref().and_then(attempt::decode);
        // The callback put "/" in the address while this chunk loaded; someone who went
        // elsewhere meanwhile (back, forward, a link) stays where they went.
        if let Some(a) = attempt.as_ref().filter(|_| current_path() == "/") {
            replace_address(&a.return_to);
        }
        let silent = attempt.as_ref().is_some_and(|a| a.silent);
        let result = async {
            let provider = discovery::decode(&discovery, &authority)?;
            let code = callback::check(&callback::Response::from_query(&query), attempt.as_ref(), &provider)?;
            let attempt = attempt.ok_or(AuthError::NoAttempt)?;
            let issued = client::exchange_code(&provider, &client_id, &redirect_uri, code, &attempt).await?;
            let id_token = issued.id_token.clone().ok_or(AuthError::MissingIdToken)?;
            id_token::accept(
                &id_token,
                &id_token::Expected {
                    issuer: &provider.issuer,
                    client_id: &client_id,
                    nonce: Some(&attempt.nonce),
                    now: (now_ms() / 1000.0) as i64,
                },
            )?;
            Ok(issued)
        }
        .await;
        (result, silent)
    })
});

split!(signed_in, preload_refresh => fn refresh_tokens(
    discovery: String,
    authority: String,
    client_id: String,
    redirect_uri: String,
    refresh_token: String,
) -> Task<Result<client::Issued, AuthError>> {
    Box::pin(async move {
        let provider = discovery::decode(&discovery, &authority)?;
        let issued = client::refresh(&provider, &client_id, &redirect_uri, &refresh_token).await?;
        if let Some(id_token) = &issued.id_token {
            id_token::accept(
                id_token,
                &id_token::Expected { issuer: &provider.issuer, client_id: &client_id, nonce: None, now: (now_ms() / 1000.0) as i64 },
            )?;
        }
        Ok(issued)
    })
});

/// What an authorization request asks for, besides the provider.
struct AuthorizationRequest {
    client_id: String,
    redirect_uri: String,
    scopes: Vec<String>,
    return_to: String,
    prompt: client::Prompt,
}

split!(authorize, preload_authorize => fn authorization_url(
    discovery: String,
    authority: String,
    request: AuthorizationRequest,
) -> Result<String, AuthError> {
    let AuthorizationRequest { client_id, redirect_uri, scopes, return_to, prompt } = request;
    discovery::decode(&discovery, &authority).and_then(|provider| {
        client::authorization_request(&provider, &client_id, &redirect_uri, &scopes, &return_to, prompt)
    }).and_then(
        |(url, attempt)| if attempt::save(&attempt) { Ok(url) } else { Err(AuthError::StorageUnavailable) },
    )
});

split!(signed_in, preload_sign_out =>
    /// The provider's end-session URL with `id_token_hint`, `post_logout_redirect_uri` and
    /// `client_id`; `None` when the discovery document names no end-session endpoint, or
    /// not a URL.
    fn end_session_url(
    discovery: String,
    authority: String,
    id_token: Option<String>,
    post_logout_redirect_uri: String,
    client_id: String,
) -> Option<String> {
    let endpoint = discovery::decode(&discovery, &authority).ok().and_then(|p| p.end_session_endpoint);
    endpoint.and_then(|endpoint| oauth2::url::Url::parse(&endpoint).ok()).map(|mut url| {
        {
            let mut q = url.query_pairs_mut();
            if let Some(hint) = &id_token {
                q.append_pair("id_token_hint", hint);
            }
            q.append_pair("post_logout_redirect_uri", &post_logout_redirect_uri);
            q.append_pair("client_id", &client_id);
        }
        url.to_string()
    })
});

/// A session from a token response; a refresh keeps what the response leaves out.
fn session_from(issued: client::Issued, previous: Option<&Session>) -> Session {
    let lifetime = issued.expires_in.unwrap_or(DEFAULT_LIFETIME_S) as f64 * 1000.0;
    Session {
        access_token: issued.access_token,
        refresh_token: issued.refresh_token.or_else(|| previous.and_then(|p| p.refresh_token.clone())),
        id_token: issued.id_token.or_else(|| previous.and_then(|p| p.id_token.clone())),
        expires_at: now_ms() + lifetime,
    }
}

/// The auth context; outside the app a signed-out one, so components never panic over it.
pub fn use_auth() -> Auth {
    use_context::<Auth>().unwrap_or_else(Auth::detached)
}

/// Waits `ms` milliseconds; `0` lets the browser run other tasks (input, painting) first,
/// so a long task split by it blocks the main thread for less time.
pub(crate) async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// A page restored from the back/forward cache would come back with its old memory; reload
/// it instead, so it goes through sign-in again (after a sign-out: the landing page).
fn watch_back_forward_cache() {
    let handle = window_event_listener(leptos::ev::pageshow, |event: web_sys::PageTransitionEvent| {
        if event.persisted() {
            if let Some(l) = location() {
                let _ = l.reload();
            }
        }
    });
    // For the page's lifetime.
    std::mem::forget(handle);
}
