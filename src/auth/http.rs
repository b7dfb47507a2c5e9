//! The `oauth2` crate's HTTP client in the browser: its requests sent with `fetch` through
//! gloo-net (already in the bundle for the Portal API), under the same time bound.

use crate::api::REQUEST_TIMEOUT_SECONDS;
use gloo_net::http::RequestBuilder;
use oauth2::{HttpRequest, HttpResponse};

/// Why a request to the token endpoint got no answer.
#[derive(Debug)]
pub struct HttpError(pub &'static str);

impl std::fmt::Display for HttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for HttpError {}

/// Sends `request` with `fetch` and returns the status, `Content-Type` and body, which is
/// everything `oauth2` reads from a token response.
pub async fn send(request: HttpRequest) -> Result<HttpResponse, HttpError> {
    let signal = web_sys::AbortSignal::timeout_with_u32(REQUEST_TIMEOUT_SECONDS * 1000);
    let mut builder =
        RequestBuilder::new(&request.uri().to_string()).method(request.method().clone()).abort_signal(Some(&signal));
    for (name, value) in request.headers() {
        if let Ok(value) = value.to_str() {
            builder = builder.header(name.as_str(), value);
        }
    }
    let body = js_sys::Uint8Array::from(request.body().as_slice());
    let response = builder
        .body(body)
        .map_err(|_| HttpError("the request could not be built"))?
        .send()
        .await
        .map_err(|_| HttpError(if signal.aborted() { "timed out" } else { "unreachable" }))?;
    let mut out = oauth2::http::Response::builder().status(response.status());
    if let Some(content_type) = response.headers().get("content-type") {
        out = out.header(oauth2::http::header::CONTENT_TYPE, content_type);
    }
    let body = response.binary().await.map_err(|_| HttpError("the body could not be read"))?;
    out.body(body).map_err(|_| HttpError("the response could not be read"))
}
