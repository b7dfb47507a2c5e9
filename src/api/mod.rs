//! Talking to the Portal API: JSON over `fetch`, with a time bound on every request and
//! errors that the page can explain (problem documents are kept, never shown raw).

use gloo_net::http::Request;
use portal_core::problem::Problem;
use serde::de::DeserializeOwned;

pub mod branding;

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
}

/// GETs `url` and decodes its JSON body.
pub async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    let signal = web_sys::AbortSignal::timeout_with_u32(REQUEST_TIMEOUT_SECONDS * 1000);
    let response = Request::get(url)
        .header("Accept", "application/json")
        .abort_signal(Some(&signal))
        .send()
        .await
        .map_err(|e| {
            if signal.aborted() {
                ApiError::Timeout { seconds: REQUEST_TIMEOUT_SECONDS }
            } else {
                ApiError::Network(e.to_string())
            }
        })?;
    if !response.ok() {
        let problem = response.json::<Problem>().await.ok();
        return Err(ApiError::Status { status: response.status(), problem });
    }
    response.json::<T>().await.map_err(|e| ApiError::Decode(e.to_string()))
}
