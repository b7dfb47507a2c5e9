//! OData as Graph speaks it: error bodies, `$select`, `$expand`, `$filter` (the forms the
//! portal needs), `$count`, paging with `$top` and an opaque `$skiptoken` in an absolute
//! `@odata.nextLink`.

use base64::Engine;
use rand::Rng;
use serde_json::{json, Map, Value};

use crate::contract::QueryOptions;

/// A Graph error answer: `{"error": {"code", "message", "innerError": {…}}}`.
#[derive(Debug, Clone)]
pub struct GraphError {
    pub status: u16,
    pub code: String,
    pub message: String,
    pub details: Vec<Value>,
    pub retry_after: Option<u64>,
}

impl GraphError {
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> GraphError {
        GraphError { status, code: code.into(), message: message.into(), details: Vec::new(), retry_after: None }
    }

    pub fn not_found(message: impl Into<String>) -> GraphError {
        GraphError::new(404, "ResourceNotFound", message)
    }

    pub fn bad_request(message: impl Into<String>) -> GraphError {
        GraphError::new(400, "BadRequest", message)
    }

    pub fn body(&self, request_id: &str) -> Value {
        let mut error = json!({
            "code": self.code,
            "message": self.message,
            "innerError": {
                "date": crate::time_util::now().trim_end_matches('Z'),
                "request-id": request_id,
                "client-request-id": request_id,
            }
        });
        if !self.details.is_empty() {
            error["details"] = Value::Array(self.details.clone());
        }
        json!({ "error": error })
    }
}

/// A GUID-shaped id for `request-id` headers, trace ids and new entities.
pub fn new_request_id() -> String {
    let mut rng = rand::thread_rng();
    let b: [u8; 16] = rng.gen();
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        u32::from_be_bytes([b[0], b[1], b[2], b[3]]),
        u16::from_be_bytes([b[4], b[5]]),
        u16::from_be_bytes([b[6], b[7]]) & 0x0fff,
        (u16::from_be_bytes([b[8], b[9]]) & 0x3fff) | 0x8000,
        u64::from_be_bytes([0, 0, b[10], b[11], b[12], b[13], b[14], b[15]])
    )
}

/// Navigation properties the fixtures keep on their entities: served only when expanded.
pub const NAVIGATION: &[&str] = &[
    "assignments",
    "categories",
    "users",
    "appliedPolicies",
    "intendedPolicies",
    "apps",
    "members",
    "transitiveMemberOf",
    "memberOf",
    "deploymentSummary",
    "operations",
    "contentVersions",
    "deviceCategory",
];

/// How one navigation property of an entity is expanded (the organisation resolves references).
pub type Expander<'a> = dyn Fn(&Value, &str) -> Option<Value> + 'a;

/// What a request asks of the entities it gets: `$select`, `$expand`.
pub struct Shape<'a> {
    pub select: Vec<String>,
    /// Each expanded navigation property with the `$select` nested in it
    /// (`appliedPolicies($select=id,displayName)`).
    pub expand: Vec<(String, Vec<String>)>,
    pub expander: &'a Expander<'a>,
}

impl<'a> Shape<'a> {
    pub fn from_query(query: &QueryOptions, expander: &'a Expander<'a>) -> Shape<'a> {
        let expand = query.get("$expand").map(crate::contract::query::split_expand).unwrap_or_default();
        Shape { select: query.names("$select"), expand, expander }
    }

    /// The entity as served: navigation cut or expanded, properties selected.
    pub fn apply(&self, entity: &Value) -> Value {
        let Value::Object(map) = entity else { return entity.clone() };
        let mut out = Map::new();
        for (key, value) in map {
            if NAVIGATION.contains(&key.as_str()) {
                continue;
            }
            let keep = self.select.is_empty()
                || key == "id"
                || key == "@odata.type"
                || self
                    .select
                    .iter()
                    .any(|s| s == key || key.strip_prefix(s.as_str()).is_some_and(|rest| rest.starts_with("@odata.")));
            if keep {
                out.insert(key.clone(), value.clone());
            }
        }
        for (name, nested) in &self.expand {
            if let Some(mut expanded) = (self.expander)(entity, name) {
                if !nested.is_empty() {
                    if let Value::Array(items) = &mut expanded {
                        for item in items.iter_mut() {
                            if let Value::Object(fields) = item {
                                fields.retain(|k, _| k == "id" || k == "@odata.type" || nested.iter().any(|n| n == k));
                            }
                        }
                    }
                }
                out.insert(name.clone(), expanded);
            }
        }
        Value::Object(out)
    }
}

/// Entities without their stored navigation properties (what an expansion of them contains).
pub fn strip_navigation(entity: &Value) -> Value {
    match entity {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| !NAVIGATION.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A `$filter` the fake evaluates: `property eq 'text'` (or a number, `true`, `false`),
/// several joined by `and`. `Err` names what it cannot evaluate.
pub fn parse_filter(filter: &str) -> Result<Vec<(String, Value)>, String> {
    let mut clauses = Vec::new();
    for part in split_and(filter) {
        let part = part.trim().trim_start_matches('(').trim_end_matches(')').trim();
        let mut pieces = part.splitn(3, ' ');
        let (Some(name), Some(op), Some(value)) = (pieces.next(), pieces.next(), pieces.next()) else {
            return Err(format!("the fake evaluates only 'property eq value' filters, not {part:?}"));
        };
        if !op.eq_ignore_ascii_case("eq") || name.contains('/') || name.contains('(') {
            return Err(format!("the fake evaluates only 'property eq value' filters, not {part:?}"));
        }
        let value = value.trim();
        let value = if let Some(text) = value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
            Value::String(text.replace("''", "'"))
        } else if value == "true" || value == "false" {
            Value::Bool(value == "true")
        } else if let Ok(n) = value.parse::<i64>() {
            Value::from(n)
        } else {
            return Err(format!("cannot read the value {value:?} in the filter"));
        };
        clauses.push((name.to_owned(), value));
    }
    Ok(clauses)
}

fn split_and(filter: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let words: Vec<&str> = filter.split(' ').collect();
    for word in words {
        if !quoted && word.eq_ignore_ascii_case("and") {
            parts.push(std::mem::take(&mut current));
            continue;
        }
        quoted ^= word.matches('\'').count() % 2 == 1;
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    parts.push(current);
    parts
}

pub fn filter_matches(entity: &Value, clauses: &[(String, Value)]) -> bool {
    clauses.iter().all(|(name, value)| match (entity.get(name), value) {
        (Some(Value::String(a)), Value::String(b)) => a.eq_ignore_ascii_case(b),
        (Some(a), b) => a == b,
        (None, _) => false,
    })
}

/// Query-string escaping that keeps OData's `$`, `,`, `'`, `(`, `)` readable.
fn escape(text: &str) -> String {
    const SET: &percent_encoding::AsciiSet =
        &percent_encoding::CONTROLS.add(b' ').add(b'&').add(b'#').add(b'+').add(b'%').add(b'"').add(b'<').add(b'>');
    percent_encoding::utf8_percent_encode(text, SET).to_string()
}

/// The opaque `$skiptoken` of a page that starts at `offset`.
pub fn skiptoken(offset: usize) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("fake-graph:{offset}"))
}

pub fn read_skiptoken(token: &str) -> Option<usize> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(token).ok()?;
    String::from_utf8(bytes).ok()?.strip_prefix("fake-graph:")?.parse().ok()
}

/// One page of a collection: `value`, `@odata.count` when asked, `@odata.nextLink` (absolute,
/// the request's own options with a new `$skiptoken`) when more follow.
pub fn page(
    items: Vec<Value>,
    query: &QueryOptions,
    page_size: usize,
    request_url: &str,
    context: &str,
    shape: &Shape<'_>,
) -> Result<Value, GraphError> {
    let total = items.len();
    let offset = match query.get("$skiptoken") {
        Some(token) => {
            read_skiptoken(token).ok_or_else(|| GraphError::bad_request(format!("Invalid skip token '{token}'.")))?
        }
        None => query.get("$skip").and_then(|s| s.parse().ok()).unwrap_or(0),
    };
    let size = query.get("$top").and_then(|t| t.parse::<usize>().ok()).unwrap_or(page_size).clamp(1, 999);
    let end = (offset + size).min(total);
    let value: Vec<Value> =
        items.iter().skip(offset).take(end.saturating_sub(offset)).map(|i| shape.apply(i)).collect();
    let mut body = json!({ "@odata.context": context });
    if query.get("$count") == Some("true") {
        body["@odata.count"] = Value::from(total);
    }
    body["value"] = Value::Array(value);
    if end < total {
        // Written as Graph writes its own: `$top=4&$skiptoken=…`, only what must be escaped escaped.
        let mut pairs: Vec<String> = query
            .pairs
            .iter()
            .filter(|(k, _)| !k.eq_ignore_ascii_case("$skiptoken") && !k.eq_ignore_ascii_case("$skip"))
            .map(|(k, v)| format!("{}={}", escape(k), escape(v)))
            .collect();
        pairs.push(format!("$skiptoken={}", skiptoken(end)));
        body["@odata.nextLink"] = Value::String(format!("{request_url}?{}", pairs.join("&")));
    }
    Ok(body)
}
