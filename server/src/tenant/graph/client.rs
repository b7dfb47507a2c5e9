//! Talking to Microsoft Graph: every call bounded in time, retried where Graph says to
//! (429 with `Retry-After`, else exponential backoff with jitter; 502/503/504 and network
//! failures likewise), collections read to the end through `@odata.nextLink` (verbatim, and
//! only while it stays on Graph's own origin, so the token never goes elsewhere), and JSON
//! `$batch` to put up to 20 reads in one round trip.

use super::token::{TokenError, TokenSource};
use portal_core::api::StaleReason;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// `$batch` holds at most this many requests (Graph's limit).
pub const BATCH_MAX: usize = 20;
/// A collection of more pages than this is refused rather than read forever.
const MAX_PAGES: usize = 500;
/// The first backoff without `Retry-After`; it doubles up to [`BACKOFF_MAX`].
const BACKOFF_FIRST: Duration = Duration::from_millis(250);
const BACKOFF_MAX: Duration = Duration::from_secs(8);

/// Which Graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V1,
    Beta,
}

impl Version {
    fn segment(self) -> &'static str {
        match self {
            Version::V1 => "v1.0",
            Version::Beta => "beta",
        }
    }
}

/// Why a Graph call gave no answer.
#[derive(Debug, Clone, thiserror::Error)]
pub enum GraphError {
    #[error("Graph is throttling the portal (retry after {retry_after:?})")]
    Throttled { retry_after: Duration },
    #[error("Graph is unavailable: {0}")]
    Unavailable(String),
    #[error("Graph did not answer within the time the portal waits")]
    Slow,
    #[error("not found")]
    NotFound,
    /// 403: the app lacks a permission (or an Intune role scope excludes the object).
    #[error("Graph refused access: {0}")]
    Denied(String),
    /// Another 4xx: the request is wrong (a bug, or Graph changed).
    #[error("Graph refused the request ({status} {code}): {message}")]
    Refused { status: u16, code: String, message: String },
    #[error(transparent)]
    Token(Arc<TokenError>),
    #[error("Graph's answer could not be read: {0}")]
    Invalid(String),
}

impl GraphError {
    /// How the page words an answer this error made stale.
    pub fn stale_reason(&self) -> StaleReason {
        match self {
            GraphError::Throttled { .. } => StaleReason::Throttled,
            GraphError::Slow => StaleReason::Slow,
            _ => StaleReason::Unavailable,
        }
    }

    /// How long to leave Graph alone after this error.
    pub fn retry_after(&self) -> Duration {
        match self {
            GraphError::Throttled { retry_after } => *retry_after,
            GraphError::Slow | GraphError::Unavailable(_) => Duration::from_secs(5),
            _ => Duration::from_secs(30),
        }
    }
}

/// Graph's error body: `{"error": {"code", "message"}}`.
#[derive(Deserialize, Default)]
struct ErrorBody {
    #[serde(default)]
    error: ErrorDetail,
}

#[derive(Deserialize, Default)]
struct ErrorDetail {
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: String,
}

/// What a change answered.
#[derive(Debug, Clone)]
pub struct Changed {
    /// `Null` for 204.
    pub body: Value,
    /// Graph's `request-id` header, for the audit trail.
    pub request_id: Option<String>,
}

/// One request of a `$batch` (its `url` is relative to the version, e.g. `/users/{id}`).
#[derive(Debug, Clone, Serialize)]
pub struct BatchRequest {
    pub id: String,
    pub method: &'static str,
    pub url: String,
}

#[derive(Debug, Deserialize)]
struct BatchAnswer {
    #[serde(default)]
    responses: Vec<BatchResponse>,
}

#[derive(Debug, Deserialize)]
struct BatchResponse {
    id: String,
    status: u16,
    #[serde(default)]
    headers: std::collections::HashMap<String, String>,
    #[serde(default)]
    body: Value,
}

#[derive(Clone)]
pub struct GraphClient {
    http: reqwest::Client,
    /// e.g. `https://graph.microsoft.com`, no trailing slash.
    base: Arc<str>,
    tokens: TokenSource,
    timeout: Duration,
    calls: Arc<AtomicU64>,
}

impl GraphClient {
    pub fn new(http: reqwest::Client, base: &str, tokens: TokenSource, timeout: Duration) -> GraphClient {
        GraphClient { http, base: base.into(), tokens, timeout, calls: Default::default() }
    }

    /// HTTP requests sent to Graph so far (retries and pages included).
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    pub fn tokens(&self) -> &TokenSource {
        &self.tokens
    }

    fn url(&self, version: Version, path: &str) -> String {
        format!("{}/{}{}", self.base, version.segment(), path)
    }

    /// GETs `path` (with its query) and decodes the body.
    pub async fn get<T: DeserializeOwned>(&self, version: Version, path: &str) -> Result<T, GraphError> {
        let value = self.send(reqwest::Method::GET, self.url(version, path), None).await?;
        serde_json::from_value(value).map_err(|e| GraphError::Invalid(format!("{path}: {e}")))
    }

    /// POSTs `body` to `path` (a change): Graph's answer and its `request-id`, for the audit.
    /// Sent once — retried only when Graph says it did not take it (429, 503 …).
    pub async fn post(&self, version: Version, path: &str, body: Option<&Value>) -> Result<Changed, GraphError> {
        self.change(reqwest::Method::POST, self.url(version, path), body).await
    }

    /// PUTs `body` to `path` (a change, such as a `$ref`), like [`GraphClient::post`].
    pub async fn put(&self, version: Version, path: &str, body: Option<&Value>) -> Result<Changed, GraphError> {
        self.change(reqwest::Method::PUT, self.url(version, path), body).await
    }

    /// DELETEs `path` (a change), like [`GraphClient::post`].
    pub async fn delete(&self, version: Version, path: &str) -> Result<Changed, GraphError> {
        self.change(reqwest::Method::DELETE, self.url(version, path), None).await
    }

    async fn change(&self, method: reqwest::Method, url: String, body: Option<&Value>) -> Result<Changed, GraphError> {
        let mut request_id = None;
        let body =
            self.send_recording(method, url, body, Instant::now() + self.timeout, &mut request_id, false).await?;
        Ok(Changed { body, request_id })
    }

    /// Every item of the collection at `path`, following `@odata.nextLink` to the end.
    pub async fn get_all(&self, version: Version, path: &str) -> Result<Vec<Value>, GraphError> {
        let first = self.send(reqwest::Method::GET, self.url(version, path), None).await?;
        self.rest_of(first).await
    }

    /// The items of a collection page and of every page after it.
    pub async fn rest_of(&self, mut page: Value) -> Result<Vec<Value>, GraphError> {
        let mut items = Vec::new();
        for _ in 0..MAX_PAGES {
            let next = page.get("@odata.nextLink").and_then(Value::as_str).map(str::to_string);
            match page.get_mut("value").map(Value::take) {
                Some(Value::Array(values)) => items.extend(values),
                Some(Value::Null) | None => {}
                Some(_) => return Err(GraphError::Invalid("a collection whose `value` is not a list".into())),
            }
            let Some(next) = next else { return Ok(items) };
            // Verbatim, but never to another origin: the request carries the app's token.
            if !next.starts_with(&format!("{}/", self.base)) {
                return Err(GraphError::Invalid(format!("a nextLink to another host: {next}")));
            }
            page = self.send(reqwest::Method::GET, next, None).await?;
        }
        Err(GraphError::Invalid(format!("a collection of more than {MAX_PAGES} pages")))
    }

    /// Sends up to [`BATCH_MAX`] GETs as one JSON `$batch`; each answer by request id, as
    /// its body or its error. Requests Graph throttled inside the batch are sent again
    /// (after `Retry-After`) while the time bound allows.
    pub async fn batch(
        &self,
        version: Version,
        requests: Vec<BatchRequest>,
    ) -> Result<std::collections::HashMap<String, Result<Value, GraphError>>, GraphError> {
        debug_assert!(requests.len() <= BATCH_MAX);
        let deadline = Instant::now() + self.timeout;
        let mut answers = std::collections::HashMap::new();
        let mut pending = requests;
        let mut attempt = 0u32;
        while !pending.is_empty() {
            let body = serde_json::json!({ "requests": pending });
            let answer =
                self.send_until(reqwest::Method::POST, self.url(version, "/$batch"), Some(&body), deadline).await?;
            let answer: BatchAnswer =
                serde_json::from_value(answer).map_err(|e| GraphError::Invalid(format!("$batch: {e}")))?;
            let mut throttled = Vec::new();
            let mut wait = Duration::ZERO;
            for response in answer.responses {
                let Some(request) = pending.iter().find(|r| r.id == response.id) else { continue };
                match response.status {
                    200..=299 => {
                        answers.insert(response.id, Ok(response.body));
                    }
                    429 | 503 | 504 => {
                        let after = retry_after_of(response.headers.get("Retry-After").map(String::as_str))
                            .unwrap_or_else(|| backoff(attempt));
                        wait = wait.max(after);
                        throttled.push(request.clone());
                    }
                    status => {
                        answers.insert(response.id, Err(error_of(status, &response.body)));
                    }
                }
            }
            // A request Graph did not answer at all counts as failed.
            for request in &pending {
                if !answers.contains_key(&request.id) && !throttled.iter().any(|t| t.id == request.id) {
                    answers.insert(request.id.clone(), Err(GraphError::Invalid("no answer in the $batch".into())));
                }
            }
            if throttled.is_empty() {
                break;
            }
            if Instant::now() + wait >= deadline {
                for request in throttled {
                    answers.insert(request.id, Err(GraphError::Throttled { retry_after: wait }));
                }
                break;
            }
            tracing::debug!("graph: {} requests of a $batch throttled; again in {wait:?}", throttled.len());
            tokio::time::sleep(wait).await;
            pending = throttled;
            attempt += 1;
        }
        Ok(answers)
    }

    async fn send(&self, method: reqwest::Method, url: String, body: Option<&Value>) -> Result<Value, GraphError> {
        self.send_until(method, url, body, Instant::now() + self.timeout).await
    }

    async fn send_until(
        &self,
        method: reqwest::Method,
        url: String,
        body: Option<&Value>,
        deadline: Instant,
    ) -> Result<Value, GraphError> {
        self.send_recording(method, url, body, deadline, &mut None, true).await
    }

    /// One logical call: attempts until an answer, an error not worth retrying, or `deadline`;
    /// the last answer's `request-id` goes to `request_id`. `retry_unsure`: whether a failure
    /// that leaves unknown if Graph acted (a 502–504, a dropped connection) is sent again —
    /// yes for reads, never for changes (the caller checks what Graph did first).
    async fn send_recording(
        &self,
        method: reqwest::Method,
        url: String,
        body: Option<&Value>,
        deadline: Instant,
        request_id_out: &mut Option<String>,
        retry_unsure: bool,
    ) -> Result<Value, GraphError> {
        let mut attempt = 0u32;
        let mut refreshed_token = false;
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(GraphError::Slow);
            }
            let token = self.tokens.token().await.map_err(|e| GraphError::Token(Arc::new(e)))?;
            let mut request = self
                .http
                .request(method.clone(), &url)
                .bearer_auth(&*token)
                .header("client-request-id", format!("{:032x}", rand::random::<u128>()))
                .timeout(remaining);
            if let Some(body) = body {
                request = request.json(body);
            }
            // The BitLocker key API requires the client to name itself (its documentation's
            // request headers).
            if url.contains("/informationProtection/bitlocker/") {
                request =
                    request.header("ocp-client-name", "Portal").header("ocp-client-version", env!("CARGO_PKG_VERSION"));
            }
            self.calls.fetch_add(1, Ordering::Relaxed);
            let outcome = request.send().await;
            // What to wait before trying again, and the error if there is no time for it.
            let (wait, error) = match outcome {
                Err(e) if e.is_timeout() => return Err(GraphError::Slow),
                Err(e) => {
                    let why =
                        if e.is_connect() { "connection failed".to_string() } else { e.without_url().to_string() };
                    (backoff(attempt), GraphError::Unavailable(why))
                }
                Ok(response) => {
                    let status = response.status().as_u16();
                    let request_id =
                        response.headers().get("request-id").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
                    let retry_after =
                        retry_after_of(response.headers().get("Retry-After").and_then(|v| v.to_str().ok()));
                    if !request_id.is_empty() {
                        *request_id_out = Some(request_id.clone());
                    }
                    let bytes = match response.bytes().await {
                        Ok(b) => b,
                        Err(e) if e.is_timeout() => return Err(GraphError::Slow),
                        Err(e) => return Err(GraphError::Unavailable(e.without_url().to_string())),
                    };
                    match status {
                        204 => return Ok(Value::Null),
                        200..=299 if bytes.is_empty() => return Ok(Value::Null),
                        200..=299 => {
                            return serde_json::from_slice(&bytes)
                                .map_err(|e| GraphError::Invalid(format!("{} {}: {e}", method, path_of(&url))))
                        }
                        // A change is not waited for here: the follow-up sends it again when Graph
                        // said, and the page says so meanwhile.
                        429 if !retry_unsure => {
                            return Err(GraphError::Throttled {
                                retry_after: retry_after.unwrap_or_else(|| backoff(attempt)),
                            })
                        }
                        429 => {
                            let after = retry_after.unwrap_or_else(|| backoff(attempt));
                            (after, GraphError::Throttled { retry_after: after })
                        }
                        502..=504 => (
                            retry_after.unwrap_or_else(|| backoff(attempt)),
                            GraphError::Unavailable(format!("HTTP {status}")),
                        ),
                        401 if !refreshed_token => {
                            // The token was revoked or expired early: one fresh one, once.
                            self.tokens.forget().await;
                            refreshed_token = true;
                            continue;
                        }
                        _ => {
                            let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
                            let error = error_of(status, &body);
                            if !matches!(error, GraphError::NotFound) {
                                tracing::warn!("graph: {method} {} → {error} (request-id {request_id})", path_of(&url));
                            }
                            return Err(error);
                        }
                    }
                }
            };
            let unsure = matches!(error, GraphError::Unavailable(_));
            if Instant::now() + wait >= deadline || (unsure && !retry_unsure) {
                return Err(error);
            }
            tracing::debug!("graph: {method} {} → {error}; again in {wait:?}", path_of(&url));
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }
}

/// The error a non-success status and body mean.
fn error_of(status: u16, body: &Value) -> GraphError {
    let detail: ErrorBody = serde_json::from_value(body.clone()).unwrap_or_default();
    let ErrorDetail { code, message } = detail.error;
    match status {
        404 => GraphError::NotFound,
        403 => GraphError::Denied(if message.is_empty() { code } else { message }),
        429 => GraphError::Throttled { retry_after: BACKOFF_FIRST },
        500..=599 => GraphError::Unavailable(format!("HTTP {status} {code}")),
        _ => GraphError::Refused { status, code, message },
    }
}

/// `Retry-After` in seconds (Graph sends seconds; an HTTP date is not used by Graph), capped.
fn retry_after_of(value: Option<&str>) -> Option<Duration> {
    let seconds: u64 = value?.trim().parse().ok()?;
    Some(Duration::from_secs(seconds.min(300)))
}

/// Exponential backoff with jitter: 250 ms, 500 ms, 1 s … up to 8 s, each ±50 %.
fn backoff(attempt: u32) -> Duration {
    let base = BACKOFF_FIRST.saturating_mul(1u32 << attempt.min(5)).min(BACKOFF_MAX);
    let jitter = 0.5 + rand::random::<f64>();
    base.mul_f64(jitter)
}

/// The path of a Graph URL, for logs (no host, no query: queries can name people).
fn path_of(url: &str) -> &str {
    let without_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = without_scheme.find('/').map_or("", |i| &without_scheme[i..]);
    path.split('?').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_stays_bounded() {
        for attempt in 0..20 {
            let b = backoff(attempt);
            assert!(b >= BACKOFF_FIRST / 2 && b <= BACKOFF_MAX.mul_f64(1.5), "{attempt}: {b:?}");
        }
        assert!(backoff(4) > BACKOFF_FIRST * 2);
    }

    #[test]
    fn retry_after_is_read_as_seconds_and_capped() {
        assert_eq!(retry_after_of(Some("7")), Some(Duration::from_secs(7)));
        assert_eq!(retry_after_of(Some(" 100000 ")), Some(Duration::from_secs(300)));
        assert_eq!(retry_after_of(Some("Wed, 21 Oct 2026 07:28:00 GMT")), None);
        assert_eq!(retry_after_of(None), None);
    }

    #[test]
    fn errors_by_status() {
        let body =
            serde_json::json!({"error": {"code": "Authorization_RequestDenied", "message": "Insufficient privileges"}});
        assert!(matches!(error_of(403, &body), GraphError::Denied(m) if m == "Insufficient privileges"));
        assert!(matches!(error_of(404, &Value::Null), GraphError::NotFound));
        assert!(matches!(error_of(400, &body), GraphError::Refused { status: 400, .. }));
        assert!(matches!(error_of(500, &Value::Null), GraphError::Unavailable(_)));
    }

    #[test]
    fn logs_paths_without_queries() {
        assert_eq!(path_of("https://graph.microsoft.com/v1.0/users/abc?$select=id"), "/v1.0/users/abc");
        assert_eq!(path_of("http://127.0.0.1:5/beta/x"), "/beta/x");
    }
}
