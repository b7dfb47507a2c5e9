//! Talking to the Portal API: JSON over `fetch`, with a time bound on every request and
//! errors that the page can explain (problem documents are kept, never shown raw).
//! [`get_json_signed_in`] adds the bearer token and handles its expiry.

use portal_core::problem::Problem;
use serde::de::DeserializeOwned;

pub mod apps;
pub mod branding;
pub mod devices;
pub mod events;
pub mod json_object;
pub mod me;
pub mod notifications;
pub mod protected_apps;
pub mod requests;

use crate::auth::Auth;

/// No request waits longer than this; the page then says so and offers to try again.
pub const REQUEST_TIMEOUT_SECONDS: u32 = 15;

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The request never got an answer (offline, DNS, CORS, server down).
    Network(String),
    /// No answer within [`REQUEST_TIMEOUT_SECONDS`].
    Timeout { seconds: u32 },
    /// An HTTP error status, with the server's problem document when it sent one.
    Status { status: u16, problem: Option<Problem> },
    /// A 2xx answer whose body is not what the API promises.
    Decode(String),
    /// No valid token even after a refresh: the page is on its way to sign-in.
    SignInRequired,
}

/// GETs `url` as the signed-in user. A 401 refreshes the tokens once and retries; a second
/// 401 (or no refresh possible) sends the user to sign in again. Never loops: the retry
/// happens once, and automatic sign-in redirects are rate-limited by [`crate::auth`].
pub async fn get_json_signed_in<T: DeserializeOwned>(auth: Auth, url: &str) -> Result<T, ApiError> {
    let response = send_signed_in(auth, Method::GET, url, None).await?;
    json_body(&response).await
}

/// Sends `body` (JSON) with `method` as the signed-in user and decodes the JSON answer;
/// the same 401 handling as [`get_json_signed_in`].
pub async fn send_json_signed_in<B: serde::Serialize, T: DeserializeOwned>(
    auth: Auth,
    method: Method,
    url: &str,
    body: &B,
) -> Result<T, ApiError> {
    let body = serde_json::to_string(body).map_err(|e| ApiError::Decode(e.to_string()))?;
    let response = send_signed_in(auth, method, url, Some(body)).await?;
    json_body(&response).await
}

/// POSTs without a body as the signed-in user; any 2xx is success and its body is ignored
/// (e.g. `204 No Content`).
pub async fn post_signed_in(auth: Auth, url: &str) -> Result<(), ApiError> {
    send_signed_in(auth, Method::POST, url, None).await.map(|_| ())
}

pub use gloo_net::http::Method;

/// One request as the signed-in user with the 401 refresh-and-retry-once rule; the 2xx
/// response is returned unread.
async fn send_signed_in(
    auth: Auth,
    method: Method,
    url: &str,
    body: Option<String>,
) -> Result<web_sys::Response, ApiError> {
    let Some(token) = auth.access_token() else {
        return Err(ApiError::SignInRequired);
    };
    match send(method.clone(), url, Some(&token), body.clone()).await {
        // The token is fine but its sign-in is too old for this request (a recovery key):
        // a refresh keeps the old sign-in, so the page asks for a fresh one instead.
        Err(ApiError::Status { status: 401, problem: Some(p) })
            if p.kind == portal_core::problem::FRESH_SIGN_IN_REQUIRED =>
        {
            return Err(ApiError::Status { status: 401, problem: Some(p) })
        }
        Err(ApiError::Status { status: 401, .. }) => {}
        other => return other,
    }
    if auth.refresh().await {
        if let Some(token) = auth.access_token() {
            match send(method, url, Some(&token), body).await {
                Err(ApiError::Status { status: 401, .. }) => {}
                other => return other,
            }
        }
    }
    auth.reauthenticate();
    Err(ApiError::SignInRequired)
}

/// GETs `url` without credentials and returns the body as text (for a document decoded
/// elsewhere: the discovery document is decoded in the sign-in chunks).
pub async fn get_text(url: &str) -> Result<String, ApiError> {
    let response = send(Method::GET, url, None, None).await?;
    body_text(&response).await
}

/// Sends one request within [`REQUEST_TIMEOUT_SECONDS`]; a non-2xx answer becomes
/// [`ApiError::Status`] with its problem document.
async fn send(
    method: Method,
    url: &str,
    bearer: Option<&str>,
    body: Option<String>,
) -> Result<web_sys::Response, ApiError> {
    let signal = web_sys::AbortSignal::timeout_with_u32(REQUEST_TIMEOUT_SECONDS * 1000);
    let mut request = gloo_net::http::RequestBuilder::new(url).method(method).header("Accept", "application/json");
    if let Some(token) = bearer {
        request = request.header("Authorization", &format!("Bearer {token}"));
    }
    let request = request.abort_signal(Some(&signal));
    let request = match body {
        Some(body) => request.header("Content-Type", "application/json").body(body),
        None => request.build(),
    }
    .map_err(|e| ApiError::Network(e.to_string()))?;
    let response = request.send().await.map_err(|e| {
        if signal.aborted() {
            ApiError::Timeout { seconds: REQUEST_TIMEOUT_SECONDS }
        } else {
            ApiError::Network(e.to_string())
        }
    })?;
    let (ok, status) = (response.ok(), response.status());
    let raw = web_sys::Response::from(response);
    if !ok {
        let problem = match body_text(&raw).await {
            Ok(text) => decode_problem(text).await.ok().flatten(),
            Err(_) => None,
        };
        return Err(ApiError::Status { status, problem });
    }
    Ok(raw)
}

// Problem documents' decoder (with every `portal-core` refusal reason) is the `problem`
// chunk: a visit without an error response never needs it. If it cannot load, the error is
// still reported, without the server's reason.
split!(signed_in, preload_problem => fn decode_problem(text: String) -> Option<Problem> {
    serde_json::from_str(&text).ok()
});

async fn body_text(response: &web_sys::Response) -> Result<String, ApiError> {
    // Fixed messages rather than the JS error's text: formatting a JsValue pulls
    // wasm-bindgen's debug-string glue into the bundle, and the page never shows it.
    let unreadable = || ApiError::Decode("the body could not be read".into());
    let promise = response.text().map_err(|_| unreadable())?;
    let text = wasm_bindgen_futures::JsFuture::from(promise).await.map_err(|_| unreadable())?;
    text.as_string().ok_or_else(unreadable)
}

/// The body as text, decoded onto `T` by serde_json. Anything that is not the promised
/// shape is a [`ApiError::Decode`], never a panic.
///
/// serde_json rather than the browser's `Response.json()` mapped with serde-wasm-bindgen:
/// sign-in (oauth2) needs serde_json anyway, and every `Deserialize` impl is compiled once
/// per back end, so two back ends compiled every wire type's decoder twice.
async fn json_body<T: DeserializeOwned>(response: &web_sys::Response) -> Result<T, ApiError> {
    let text = body_text(response).await?;
    serde_json::from_str(&text).map_err(|e| ApiError::Decode(e.to_string()))
}
