//! Graph at `/v1.0/…` and `/beta/…`: every request goes through the same steps.
//!
//! 1. logged;
//! 2. the global latency, then a matching fault (429, 503, delay);
//! 3. a bearer token (401 `InvalidAuthenticationToken`);
//! 4. the operation, by method and path template (unknown path: 400 as Graph words it, and recorded);
//! 5. the contract: query options and body (a violation: Graph's 400 and recorded);
//! 6. the permission (403);
//! 7. the handler, over the organisation;
//! 8. the response checked against the schema before it is served (a violation is the fake's
//!    own bug: recorded, answered 500).
//!
//! Inner `$batch` requests take steps 4–8 (and their own faults) with the batch's token.

pub mod batch;
mod beta;
pub mod odata;
mod reads;
mod reports;
mod writes;

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::contract::{Api, Operation, QueryOptions};
use crate::faults::FaultKind;
use crate::permissions;
use crate::state::Org;
use crate::Shared;
use odata::GraphError;

/// One Graph request, top-level or inside a batch.
pub struct GraphRequest {
    pub method: String,
    /// With the version: `/v1.0/users/…`.
    pub path: String,
    pub query: Option<String>,
    /// Lower-case names.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl GraphRequest {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

pub enum Body {
    Json(Value),
    Bytes(&'static str, Vec<u8>),
    Empty,
}

pub struct GraphResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Body,
}

impl GraphResponse {
    pub fn error(error: &GraphError) -> GraphResponse {
        let request_id = odata::new_request_id();
        let mut headers = vec![("request-id".to_owned(), request_id.clone())];
        if let Some(seconds) = error.retry_after {
            headers.push(("Retry-After".into(), seconds.to_string()));
        }
        if error.status == 401 {
            headers.push((
                "WWW-Authenticate".into(),
                "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"".into(),
            ));
        }
        GraphResponse { status: error.status, headers, body: Body::Json(error.body(&request_id)) }
    }

    fn into_axum(self) -> Response {
        let status =
            axum::http::StatusCode::from_u16(self.status).unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = match self.body {
            Body::Json(value) => (
                status,
                [("content-type", "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8")],
                value.to_string(),
            )
                .into_response(),
            Body::Bytes(content_type, bytes) => (status, [("content-type", content_type)], bytes).into_response(),
            Body::Empty => status.into_response(),
        };
        for (name, value) in self.headers {
            if let (Ok(name), Ok(value)) =
                (axum::http::HeaderName::from_bytes(name.as_bytes()), axum::http::HeaderValue::from_str(&value))
            {
                response.headers_mut().insert(name, value);
            }
        }
        response
    }
}

/// What a handler answers.
pub enum Reply {
    Json(Value),
    NoContent,
    Bytes(&'static str, Vec<u8>),
}

/// A request the handlers see: its operation, parameters, options, body.
pub struct Call<'a> {
    pub shared: &'a Shared,
    pub op: &'a Operation,
    pub params: Vec<String>,
    pub query: QueryOptions,
    pub body: Option<Value>,
    pub path: String,
    pub roles: &'a [String],
    pub headers: &'a [(String, String)],
    /// What the log should say about this request.
    pub notes: Vec<String>,
}

impl Call<'_> {
    pub fn param(&self, index: usize) -> &str {
        self.params.get(index).map(String::as_str).unwrap_or("")
    }

    /// The absolute URL of this request (without query), for next links.
    pub fn url(&self) -> String {
        format!("{}{}", self.shared.base_url, self.path)
    }

    pub fn context(&self) -> String {
        format!(
            "{}/{}/$metadata#{}",
            self.shared.base_url,
            self.op.api.prefix(),
            self.path.split_once('/').map(|(_, p)| p).unwrap_or("").split_once('/').map(|(_, p)| p).unwrap_or("")
        )
    }

    pub fn page_size(&self) -> usize {
        self.shared.page_size
    }

    pub fn delay(&self) -> Option<std::time::Duration> {
        self.shared.settings().device_delay
    }
}

/// The axum handler for `/v1.0/*` and `/beta/*`.
pub async fn graph(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let request = GraphRequest {
        method: method.as_str().to_owned(),
        path: uri.path().to_owned(),
        query: uri.query().map(str::to_owned),
        headers: headers
            .iter()
            .filter_map(|(k, v)| v.to_str().ok().map(|v| (k.as_str().to_lowercase(), v.to_owned())))
            .collect(),
        body: body.to_vec(),
    };
    let seq = shared.lock_log().start(
        &request.method,
        &request.path,
        request.query.as_deref(),
        log_body(&request.body),
        None,
    );
    let latency = shared.settings().latency;
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let (response, answer_after) = match take_fault(&shared, &request, false).await {
        Faulted::Answer(response) => (response, None),
        Faulted::Proceed { answer_after } => (
            match crate::auth::check_bearer(&shared, &headers) {
                Err(error) => GraphResponse::error(&error),
                Ok(roles) => {
                    if request.path.eq_ignore_ascii_case("/v1.0/$batch")
                        || request.path.eq_ignore_ascii_case("/beta/$batch")
                    {
                        batch::run(&shared, &request, &roles, seq).await
                    } else {
                        dispatch(&shared, &request, &roles, seq)
                    }
                }
            },
            answer_after,
        ),
    };
    shared.lock_log().finish(seq, response.status);
    if let Some(wait) = answer_after {
        tokio::time::sleep(wait).await;
    }
    response.into_axum()
}

/// The body as the request log keeps it.
pub fn log_body(body: &[u8]) -> Option<Value> {
    if body.is_empty() {
        return None;
    }
    Some(serde_json::from_slice(body).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(body).into_owned())))
}

/// What a fault does to a request.
pub enum Faulted {
    /// Answered with this instead.
    Answer(GraphResponse),
    /// Carried out; its answer waits this long first, if at all.
    Proceed { answer_after: Option<std::time::Duration> },
}

/// A fault for this request, if one is due (a delay fault sleeps and lets it through).
pub async fn take_fault(shared: &Shared, request: &GraphRequest, in_batch: bool) -> Faulted {
    let fault = shared.faults.lock().unwrap_or_else(|e| e.into_inner()).take(&request.method, &request.path, in_batch);
    let Some(fault) = fault else { return Faulted::Proceed { answer_after: None } };
    match fault {
        FaultKind::Delay { ms } => {
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
            Faulted::Proceed { answer_after: None }
        }
        FaultKind::SlowAnswer { ms } => Faulted::Proceed { answer_after: Some(std::time::Duration::from_millis(ms)) },
        FaultKind::Throttle { retry_after } => {
            let mut error = GraphError::new(429, "TooManyRequests", "Too many requests.");
            error.retry_after = retry_after;
            Faulted::Answer(GraphResponse::error(&error))
        }
        FaultKind::Unavailable { retry_after } => {
            let mut error = GraphError::new(
                503,
                "ServiceUnavailable",
                "The service is temporarily unavailable. Please retry later.",
            );
            error.retry_after = retry_after;
            Faulted::Answer(GraphResponse::error(&error))
        }
    }
}

/// Splits `/v1.0/users/x` into the API and its percent-decoded segments.
fn split_path(path: &str) -> Option<(Api, Vec<String>)> {
    let mut parts = path.trim_start_matches('/').split('/');
    let api = match parts.next()? {
        "v1.0" => Api::V1,
        "beta" => Api::Beta,
        _ => return None,
    };
    let segments = parts
        .filter(|s| !s.is_empty())
        .map(|s| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned())
        .collect();
    Some((api, segments))
}

fn refuse(shared: &Shared, kind: &str, request: &GraphRequest, pointer: &str, error: GraphError) -> GraphResponse {
    shared.lock_log().violation(kind, &request.method, &request.path, pointer, &error.message);
    GraphResponse::error(&error)
}

/// Steps 4–8 for one request (see the module comment).
pub fn dispatch(shared: &Shared, request: &GraphRequest, roles: &[String], seq: u64) -> GraphResponse {
    let Some((api, segments)) = split_path(&request.path) else {
        return refuse(
            shared,
            "request",
            request,
            "",
            GraphError::bad_request(format!("Invalid version in {}.", request.path)),
        );
    };
    let contract = &shared.contract;
    let Some(found) = contract.find(api, &request.method, &segments) else {
        let segment = segments.last().cloned().unwrap_or_default();
        if api == Api::Beta {
            return refuse(shared, "unsupported", request, "", GraphError::new(501, "NotImplemented",
                format!("The fake Graph does not serve {} {} (beta is checked by name only; the fake serves the beta calls its README lists).", request.method, request.path)));
        }
        if contract.path_exists(api, &segments) {
            return refuse(
                shared,
                "request",
                request,
                "",
                GraphError::new(
                    405,
                    "Request_BadRequest",
                    format!("The HTTP method '{}' is not allowed for the resource {}.", request.method, request.path),
                ),
            );
        }
        return refuse(
            shared,
            "request",
            request,
            "",
            GraphError::bad_request(format!("Resource not found for the segment '{segment}'.")),
        );
    };
    let op = found.op;
    let query = QueryOptions::parse(request.query.as_deref());
    // The body: JSON, with Content-Type saying so.
    let body = if request.body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        if !request.header("content-type").is_some_and(|c| c.to_lowercase().starts_with("application/json")) {
            return refuse(
                shared,
                "request",
                request,
                "",
                GraphError::new(415, "UnsupportedMediaType", "A request body needs Content-Type: application/json."),
            );
        }
        match serde_json::from_slice::<Value>(&request.body) {
            Ok(value) => Some(value),
            Err(e) => {
                return refuse(shared, "request", request, "", GraphError::bad_request(format!(
                    "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format. ({e})")))
            }
        }
    };
    let mut findings = contract.check_query(op, &query);
    findings.extend(contract.check_request_body(op, body.as_ref()));
    if let Some(first) = findings.first() {
        let mut log = shared.lock_log();
        for finding in &findings {
            log.violation("request", &request.method, &request.path, &finding.pointer, &finding.message);
        }
        drop(log);
        let mut error = GraphError::bad_request(first.to_string());
        error.details = findings
            .iter()
            .map(|f| serde_json::json!({"code": "BadRequest", "message": f.message, "target": f.pointer}))
            .collect();
        return GraphResponse::error(&error);
    }
    match permissions::required(contract, op) {
        Some(requirement) if !requirement.allows(roles) => {
            let error = if permissions::is_directory(op) {
                GraphError::new(
                    403,
                    "Authorization_RequestDenied",
                    "Insufficient privileges to complete the operation.",
                )
            } else {
                GraphError::new(403, "Forbidden", format!(
                    "Application is not authorized to perform this operation. Application must have one of the following scopes: {} - Operation ID (for customer support): {}",
                    requirement.any_of.join(", "), odata::new_request_id()))
            };
            return GraphResponse::error(&error);
        }
        Some(_) => {}
        None => {
            return refuse(
                shared,
                "unsupported",
                request,
                "",
                GraphError::new(
                    501,
                    "NotImplemented",
                    format!(
                        "The fake Graph knows no permission for {} {}: add it to permissions.rs.",
                        op.method, op.template
                    ),
                ),
            );
        }
    }
    let mut call = Call {
        shared,
        op,
        params: found.params,
        query,
        body,
        path: request.path.clone(),
        roles,
        headers: &request.headers,
        notes: Vec::new(),
    };
    let result = {
        let mut org = shared.org.lock().unwrap_or_else(|e| e.into_inner());
        route(&mut call, &mut org)
    };
    let write = op.method != "GET" && !is_read_action(op);
    if let Some(entry) = shared.lock_log().entry(seq) {
        entry.write = write && result.is_ok();
        entry.notes.append(&mut call.notes);
    }
    let reply = match result {
        Ok(reply) => reply,
        Err(error) => return GraphResponse::error(&error),
    };
    let request_id = odata::new_request_id();
    let headers = vec![("request-id".to_owned(), request_id.clone()), ("client-request-id".to_owned(), request_id)];
    match reply {
        Reply::NoContent => GraphResponse { status: 204, headers, body: Body::Empty },
        Reply::Bytes(content_type, bytes) => {
            GraphResponse { status: 200, headers, body: Body::Bytes(content_type, bytes) }
        }
        Reply::Json(value) => {
            let findings = contract.check_response(op, 200, &value);
            if !findings.is_empty() {
                let mut log = shared.lock_log();
                for finding in &findings {
                    log.violation("response", &request.method, &request.path, &finding.pointer, &finding.message);
                }
                drop(log);
                return GraphResponse::error(&GraphError::new(
                    500,
                    "fakeGraphContractViolation",
                    format!("The fake Graph was about to serve a response Microsoft's schema refuses: {}", findings[0]),
                ));
            }
            GraphResponse { status: 200, headers, body: Body::Json(value) }
        }
    }
}

/// POSTs that read: reports and directory queries.
fn is_read_action(op: &Operation) -> bool {
    let template = op.template.to_lowercase();
    template.contains("/reports/")
        || template.ends_with("/$batch")
        || ["getbyids", "checkmembergroups", "checkmemberobjects", "getmembergroups", "getmemberobjects"]
            .iter()
            .any(|a| template.ends_with(a))
}

fn route(call: &mut Call<'_>, org: &mut Org) -> Result<Reply, GraphError> {
    match call.op.api {
        Api::Beta => beta::route(call, org),
        Api::V1 => {
            if call.op.method == "GET" {
                reads::route(call, org)
            } else if call.op.template.ends_with("retrieveDeviceAppInstallationStatusReport") {
                reports::install_status(call, org)
            } else {
                writes::route(call, org)
            }
        }
    }
}

/// The fake serves this operation of the document but has no data behind it.
pub fn not_served(call: &Call<'_>) -> GraphError {
    let message = format!("The fake Graph does not serve {} {}.", call.op.method, call.op.template);
    call.shared.lock_log().violation("unsupported", &call.op.method, &call.path, "", &message);
    GraphError::new(501, "NotImplemented", message)
}
