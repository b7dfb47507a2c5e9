//! What every operation of the Portal API answers besides its own results, added to the
//! OpenAPI document in one place so that no handler can forget one (Schemathesis checks the
//! document against the running server: `server/tests/schemathesis.rs`):
//!
//! - every error is `application/problem+json` (RFC 9457), never `application/json`;
//! - a bearer-protected operation may answer 401 (no or a bad token), 403 (a valid token of
//!   someone who is not a user of the tenant) and 503 (the issuer's keys cannot be fetched);
//! - an operation with a JSON body may answer 400 (not JSON), 413 (over 16 KiB), 415 (not
//!   `Content-Type: application/json`) and 422 (JSON without the expected fields);
//! - an operation with query parameters may answer 400 (a value that does not parse);
//! - the event stream's messages: each SSE event's name and its `data` (JSON) as
//!   Schemathesis and OpenAPI 3.2 read a `text/event-stream` schema ([`finish`]).

use portal_core::problem::CONTENT_TYPE as PROBLEM;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::request_body::RequestBody;
use utoipa::openapi::{Content, OpenApi, Ref, RefOr, ResponseBuilder};

pub struct Contract;

impl utoipa::Modify for Contract {
    fn modify(&self, openapi: &mut OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            for op in operations(item) {
                let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
                let body = op.request_body.is_some();
                let query = op
                    .parameters
                    .as_ref()
                    .is_some_and(|ps| ps.iter().any(|p| matches!(p.parameter_in, ParameterIn::Query)));
                if secured {
                    add(op, "401", "No access token, or one that is not valid (`WWW-Authenticate` says why)");
                    add(op, "403", "A valid token of someone who is not a user of this organisation");
                    add(op, "503", "The identity provider's signing keys could not be fetched");
                }
                if body {
                    add(op, "400", "The body is not JSON");
                    add(op, "413", "The body is over 16 KiB");
                    add(op, "415", "The body is not `Content-Type: application/json`");
                    add(op, "422", "The JSON does not have the expected fields");
                }
                if query {
                    add(op, "400", "A query parameter's value is not valid");
                }
                problems_are_problem_json(op);
                if body {
                    json_body_only(op.request_body.as_mut());
                }
            }
            if path == "/api/v1/me/events" {
                if let Some(get) = item.get.as_mut() {
                    stream_messages(get);
                }
            }
        }
    }
}

fn operations(item: &mut utoipa::openapi::PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        item.get.as_mut(),
        item.put.as_mut(),
        item.post.as_mut(),
        item.delete.as_mut(),
        item.options.as_mut(),
        item.head.as_mut(),
        item.patch.as_mut(),
        item.trace.as_mut(),
    ]
    .into_iter()
    .flatten()
}

/// A problem-document response for `status`, unless the operation documents one already.
fn add(op: &mut Operation, status: &str, description: &str) {
    if op.responses.responses.contains_key(status) {
        return;
    }
    let response = ResponseBuilder::new()
        .description(description)
        .content(PROBLEM, Content::new(Some(Ref::from_schema_name("Problem"))))
        .build();
    op.responses.responses.insert(status.to_string(), RefOr::T(response));
}

/// Every 4xx/5xx is sent as `application/problem+json`: the handlers' annotations say
/// `body = Problem`, which utoipa documents as `application/json`.
fn problems_are_problem_json(op: &mut Operation) {
    for (status, response) in op.responses.responses.iter_mut() {
        let error = status.starts_with('4') || status.starts_with('5');
        if let (true, RefOr::T(response)) = (error, response) {
            if let Some(content) = response.content.shift_remove("application/json") {
                response.content.insert(PROBLEM.to_string(), content);
            }
            if response.description.is_empty() {
                response.description = default_description(status).to_string();
            }
        }
    }
}

/// Request bodies are JSON only (the extractor refuses anything else with 415).
fn json_body_only(body: Option<&mut RequestBody>) {
    if let Some(body) = body {
        body.content.retain(|media, _| media == "application/json");
        body.required = Some(utoipa::openapi::Required::True);
    }
}

fn default_description(status: &str) -> &'static str {
    match status {
        "400" => "The request is not valid",
        "403" => "Refused; `reason` says why when a portal-core rule refused it",
        "404" => "Not found, or not the caller's (the same answer)",
        "409" => "The same action is already pending",
        "422" => "The request was understood but refused; `reason` says why",
        _ => "An error (problem document)",
    }
}

/// The stream's 200: `text/event-stream` whose schema describes one message.
fn stream_messages(op: &mut Operation) {
    if let Some(RefOr::T(ok)) = op.responses.responses.get_mut("200") {
        ok.content.clear();
        ok.content.insert("text/event-stream".to_string(), Content::new(Some(Ref::from_schema_name("StreamMessage"))));
    }
}

/// Adds what utoipa cannot express to the rendered document: the schema of one stream
/// message, whose `data` is a JSON string described by `contentMediaType` and
/// `contentSchema` (JSON Schema 2020-12; the way OpenAPI 3.2 and Schemathesis read SSE).
pub fn finish(mut doc: serde_json::Value) -> serde_json::Value {
    if let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(|s| s.as_object_mut()) {
        schemas.insert("StreamMessage".to_string(), stream_message());
    }
    doc
}

/// One server-sent event as a client reads it: its `event` name and its `data`, which is
/// JSON — `{}` for `ready`, the number of missed events for `lagged`, a portal-core `Event`
/// (whose `type` is the same name) for every change. Keep-alive comments are not events.
fn stream_message() -> serde_json::Value {
    let message = |names: &[&str], data: serde_json::Value, description: &str| {
        serde_json::json!({
            "type": "object",
            "description": description,
            "required": ["event", "data"],
            "properties": {
                "event": { "type": "string", "enum": names },
                "data": { "type": "string", "contentMediaType": "application/json", "contentSchema": data },
                "id": { "type": "string" },
                "retry": { "type": "integer" }
            }
        })
    };
    serde_json::json!({
        "description": "One server-sent event of `GET /api/v1/me/events`",
        "oneOf": [
            message(&["ready"], serde_json::json!({ "type": "object", "maxProperties": 0 }),
                "First, once subscribed: nothing published after it is missed"),
            message(&["lagged"], serde_json::json!({ "type": "integer", "minimum": 1 }),
                "The stream fell behind and this many changes were dropped: re-read what is shown"),
            message(&portal_core::api::Event::NAMES, serde_json::json!({ "$ref": "#/components/schemas/Event" }),
                "A change; `data.type` is the event's name"),
        ]
    })
}
