//! JSON batching (`POST /v1.0/$batch`, learn.microsoft.com/graph/json-batching): at most 20
//! requests `{id, method, url, body?, headers?, dependsOn?}` → `200 {"responses": [{id, status,
//! headers, body}]}`. The document describes `$batch` as multipart/mixed, so its shape is
//! checked here by hand; each inner request is checked like a top-level one, may get its own
//! fault (an inner 429 inside a 200 batch), and is logged on its own.

use std::collections::HashMap;

use base64::Engine;
use serde_json::{json, Map, Value};

use super::odata::GraphError;
use super::{dispatch, log_body, take_fault, Body, Faulted, GraphRequest, GraphResponse};
use crate::Shared;

pub const MAX_REQUESTS: usize = 20;

struct Inner {
    id: String,
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<Value>,
    depends_on: Vec<String>,
}

/// The batch's shape, or what is wrong with it (pointer, message).
fn parse(body: &[u8]) -> Result<Vec<Inner>, (String, String)> {
    let fail = |pointer: &str, message: String| Err((pointer.to_owned(), message));
    let Ok(document) = serde_json::from_slice::<Value>(body) else {
        return fail("", "a JSON batch body must be JSON: {\"requests\": [...]}".into());
    };
    let Some(object) = document.as_object() else { return fail("", "a JSON batch body must be an object".into()) };
    if let Some(extra) = object.keys().find(|k| *k != "requests") {
        return fail(&format!("/{extra}"), format!("property {extra:?} is not part of a JSON batch"));
    }
    let Some(requests) = object.get("requests").and_then(Value::as_array) else {
        return fail("/requests", "a JSON batch needs a requests array".into());
    };
    if requests.is_empty() {
        return fail("/requests", "a JSON batch needs at least one request".into());
    }
    if requests.len() > MAX_REQUESTS {
        return fail(
            "/requests",
            format!("Number of batch request steps exceeds the maximum of {MAX_REQUESTS} ({} sent).", requests.len()),
        );
    }
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for (i, request) in requests.iter().enumerate() {
        let at = |key: &str| format!("/requests/{i}{key}");
        let Some(r) = request.as_object() else { return fail(&at(""), "a batch request must be an object".into()) };
        if let Some(extra) = r
            .keys()
            .find(|k| !["id", "method", "url", "body", "headers", "dependsOn", "atomicityGroup"].contains(&k.as_str()))
        {
            return fail(&at(&format!("/{extra}")), format!("property {extra:?} is not part of a batch request"));
        }
        let Some(id) = r.get("id").and_then(Value::as_str).filter(|s| !s.is_empty()) else {
            return fail(&at("/id"), "every batch request needs a string id".into());
        };
        if seen.iter().any(|s| s == id) {
            return fail(&at("/id"), format!("the id {id:?} is used twice in the batch"));
        }
        let Some(method) = r
            .get("method")
            .and_then(Value::as_str)
            .map(str::to_uppercase)
            .filter(|m| ["GET", "POST", "PATCH", "PUT", "DELETE"].contains(&m.as_str()))
        else {
            return fail(&at("/method"), "method must be GET, POST, PATCH, PUT or DELETE".into());
        };
        let Some(url) = r.get("url").and_then(Value::as_str).filter(|u| !u.is_empty()) else {
            return fail(&at("/url"), "every batch request needs a url".into());
        };
        if url.contains("://") || url.to_lowercase().starts_with("/v1.0/") || url.to_lowercase().starts_with("/beta/") {
            return fail(
                &at("/url"),
                format!(
                    "{url:?}: a batch url is relative to the version (e.g. /users/{{id}}), without host or version"
                ),
            );
        }
        let mut headers = Vec::new();
        if let Some(h) = r.get("headers") {
            let Some(h) = h.as_object() else {
                return fail(&at("/headers"), "headers must be an object of strings".into());
            };
            for (k, v) in h {
                let Some(v) = v.as_str() else {
                    return fail(&at(&format!("/headers/{k}")), "header values must be strings".into());
                };
                headers.push((k.to_lowercase(), v.to_owned()));
            }
        }
        let body = r.get("body").cloned();
        if body.is_some() && !headers.iter().any(|(k, _)| k == "content-type") {
            return fail(&at("/headers"), "a batch request with a body must give its Content-Type in headers".into());
        }
        let mut depends_on = Vec::new();
        if let Some(d) = r.get("dependsOn") {
            let Some(list) = d.as_array() else {
                return fail(&at("/dependsOn"), "dependsOn must be an array of ids".into());
            };
            for dep in list {
                match dep.as_str() {
                    Some(dep) if seen.iter().any(|s| s == dep) => depends_on.push(dep.to_owned()),
                    _ => {
                        return fail(
                            &at("/dependsOn"),
                            format!("{dep} is not the id of an earlier request of the batch"),
                        )
                    }
                }
            }
        }
        seen.push(id.to_owned());
        out.push(Inner { id: id.to_owned(), method, url: url.to_owned(), headers, body, depends_on });
    }
    Ok(out)
}

pub async fn run(shared: &Shared, request: &GraphRequest, roles: &[String], outer_seq: u64) -> GraphResponse {
    let version = if request.path.to_lowercase().starts_with("/beta") { "/beta" } else { "/v1.0" };
    let inner = match parse(&request.body) {
        Ok(inner) => inner,
        Err((pointer, message)) => {
            shared.lock_log().violation("request", &request.method, &request.path, &pointer, &message);
            return GraphResponse::error(&GraphError::bad_request(message));
        }
    };
    let mut statuses: HashMap<String, u16> = HashMap::new();
    let mut responses = Vec::new();
    for item in inner {
        let (path, query) = match item.url.split_once('?') {
            Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
            None => (item.url.clone(), None),
        };
        let path = format!("{version}/{}", path.trim_start_matches('/'));
        let body = item.body.as_ref().map(|b| b.to_string().into_bytes()).unwrap_or_default();
        let inner_request =
            GraphRequest { method: item.method.clone(), path, query, headers: item.headers.clone(), body };
        let seq = shared.lock_log().start(
            &item.method,
            &inner_request.path,
            inner_request.query.as_deref(),
            log_body(&inner_request.body),
            Some(outer_seq),
        );
        let failed_dependency = item.depends_on.iter().any(|d| statuses.get(d).is_none_or(|s| *s >= 400));
        let response = if failed_dependency {
            GraphResponse::error(&GraphError::new(424, "FailedDependency", "A request this one depends on failed."))
        } else {
            match take_fault(shared, &inner_request, true).await {
                Faulted::Answer(fault) => fault,
                Faulted::Proceed { answer_after } => {
                    let response = dispatch(shared, &inner_request, roles, seq);
                    if let Some(wait) = answer_after {
                        tokio::time::sleep(wait).await;
                    }
                    response
                }
            }
        };
        shared.lock_log().finish(seq, response.status);
        statuses.insert(item.id.clone(), response.status);
        let mut headers = Map::new();
        for (k, v) in &response.headers {
            headers.insert(k.clone(), Value::String(v.clone()));
        }
        let body = match response.body {
            Body::Json(value) => {
                headers.insert("Content-Type".into(), Value::from("application/json"));
                Some(value)
            }
            Body::Bytes(content_type, bytes) => {
                // Binary inner bodies come back base64-encoded.
                headers.insert("Content-Type".into(), Value::from(content_type));
                Some(Value::String(base64::engine::general_purpose::STANDARD.encode(bytes)))
            }
            Body::Empty => None,
        };
        let mut entry = json!({"id": item.id, "status": response.status, "headers": headers});
        if let Some(body) = body {
            entry["body"] = body;
        }
        responses.push(entry);
    }
    GraphResponse {
        status: 200,
        headers: vec![("request-id".into(), super::odata::new_request_id())],
        body: Body::Json(json!({"responses": responses})),
    }
}
