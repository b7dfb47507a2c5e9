//! The sign-in attempt in flight, and the one place the SPA writes to Web Storage.
//!
//! Storage policy: tokens are never written anywhere but memory. Two `sessionStorage` keys
//! exist, both scoped to this tab, and one `localStorage` key:
//! - [`ATTEMPT_KEY`] holds `state`, `nonce`, the PKCE verifier and the return path only
//!   between the top-level redirect to the provider and the callback; the redirect unloads
//!   the page, so memory cannot carry them. The callback takes (reads and deletes) it before
//!   anything else, so it is gone whether the sign-in then succeeds or fails, and a replayed
//!   callback finds nothing. The verifier is useless without a fresh code for it.
//! - [`REDIRECTED_AT_KEY`] holds the time of the last automatic redirect (not a secret), so
//!   that automatic redirects cannot loop.
//! - [`REVEAL_KEY`] holds the id of the device whose recovery key the person asked for,
//!   across the fresh sign-in that showing it needs (not a secret: an id of their own
//!   device). The device's page takes it on return, so a link alone never asks for a key.
//! - [`SIGNED_IN_HERE_KEY`] (`localStorage`, value `1`) says that someone completed a sign-in
//!   in this browser and has not signed out since (not a secret: no name, no token). Only
//!   with it does a visit to the landing page try the provider's session silently; a first
//!   visit shows the landing page at once instead of leaving for the provider and coming back
//!   (two page loads). A silent attempt that comes back "needs the user" removes it.

use oauth2::url::form_urlencoded;

pub const ATTEMPT_KEY: &str = "portal.auth.attempt";
pub const REDIRECTED_AT_KEY: &str = "portal.auth.redirectedAt";
pub const REVEAL_KEY: &str = "portal.recoveryKey.device";
pub const SIGNED_IN_HERE_KEY: &str = "portal.auth.signedInHere";
/// At most one automatic redirect to the provider in this many milliseconds.
pub const REDIRECT_WINDOW_MS: u64 = 30_000;

/// What the callback needs to finish an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
    /// Path, query and fragment to land on afterwards; always starts with a single `/`.
    pub return_to: String,
    /// `prompt=none`: "needs the user" is then an answer, not a failure.
    pub silent: bool,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Whether someone signed in in this browser and has not signed out since (see the module docs).
pub fn signed_in_here() -> bool {
    local_storage().and_then(|s| s.get_item(SIGNED_IN_HERE_KEY).ok().flatten()).is_some_and(|v| v == "1")
}

/// Remembers (`true`) or forgets (`false`) that someone signed in in this browser.
pub fn note_signed_in_here(signed_in: bool) {
    if let Some(s) = local_storage() {
        let _ = if signed_in { s.set_item(SIGNED_IN_HERE_KEY, "1") } else { s.remove_item(SIGNED_IN_HERE_KEY) };
    }
}

impl Attempt {
    /// As form-encoded text (the URL code is in the bundle already; a JSON serializer is not).
    fn encode(&self) -> String {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("state", &self.state)
            .append_pair("nonce", &self.nonce)
            .append_pair("verifier", &self.pkce_verifier)
            .append_pair("returnTo", &self.return_to)
            .append_pair("silent", if self.silent { "1" } else { "0" })
            .finish()
    }

    fn decode(text: &str) -> Option<Attempt> {
        let (mut state, mut nonce, mut verifier, mut return_to, mut silent) = (None, None, None, None, None);
        for (name, value) in form_urlencoded::parse(text.as_bytes()) {
            let slot = match name.as_ref() {
                "state" => &mut state,
                "nonce" => &mut nonce,
                "verifier" => &mut verifier,
                "returnTo" => &mut return_to,
                "silent" => &mut silent,
                _ => continue,
            };
            *slot = Some(value.into_owned());
        }
        Some(Attempt {
            state: state?,
            nonce: nonce?,
            pkce_verifier: verifier?,
            return_to: safe_return_path(&return_to?),
            silent: silent? == "1",
        })
    }
}

/// Keeps `attempt` for the callback. `false` when the browser refuses storage.
pub fn save(attempt: &Attempt) -> bool {
    storage().is_some_and(|s| s.set_item(ATTEMPT_KEY, &attempt.encode()).is_ok())
}

/// Reads and deletes the attempt: whatever happens next, it cannot be used twice.
pub fn take() -> Option<Attempt> {
    Attempt::decode(&take_text()?)
}

/// Reads and deletes the attempt as stored; [`decode`] reads it (the callback does that in
/// the `signed_in` chunk, with the URL decoding it needs).
pub fn take_text() -> Option<String> {
    let storage = storage()?;
    let text = storage.get_item(ATTEMPT_KEY).ok().flatten();
    let _ = storage.remove_item(ATTEMPT_KEY);
    text
}

/// The attempt in `text`, as [`save`] stored it.
pub fn decode(text: &str) -> Option<Attempt> {
    Attempt::decode(text)
}

/// A same-origin path to return to: `/…`, never `//host` (an open redirect).
pub fn safe_return_path(path: &str) -> String {
    if path.starts_with('/') && !path.starts_with("//") && !path.starts_with("/\\") {
        path.to_string()
    } else {
        "/".to_string()
    }
}

/// Whether an automatic redirect may happen now (none in the last [`REDIRECT_WINDOW_MS`]).
/// (Whole milliseconds: integer text keeps float formatting out of the wasm.)
pub fn may_redirect_automatically(now_ms: u64) -> bool {
    let last = storage().and_then(|s| s.get_item(REDIRECTED_AT_KEY).ok().flatten()).and_then(|v| v.parse::<u64>().ok());
    last.is_none_or(|at| now_ms.saturating_sub(at) >= REDIRECT_WINDOW_MS || now_ms < at)
}

/// Records an automatic redirect (or a sign-out, after which none should follow at once).
pub fn note_redirect(now_ms: u64) {
    if let Some(s) = storage() {
        let _ = s.set_item(REDIRECTED_AT_KEY, &now_ms.to_string());
    }
}

/// A person asked to sign in: that starts a fresh window.
pub fn clear_redirect_note() {
    if let Some(s) = storage() {
        let _ = s.remove_item(REDIRECTED_AT_KEY);
    }
}

/// The person asked for `device_id`'s recovery key and is on their way to sign in again.
pub fn note_reveal(device_id: &str) -> bool {
    storage().is_some_and(|s| s.set_item(REVEAL_KEY, device_id).is_ok())
}

/// Reads and deletes the device whose recovery key was asked for before the sign-in.
pub fn take_reveal() -> Option<String> {
    let storage = storage()?;
    let id = storage.get_item(REVEAL_KEY).ok().flatten();
    let _ = storage.remove_item(REVEAL_KEY);
    id
}
