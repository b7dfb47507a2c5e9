//! Operations keyed by method and path template: every path of the OpenAPI document (v1.0),
//! the few Graph has that the document lacks (README "Limits": the `deviceId` alternate key,
//! the `microsoft.graph.group` casts), and the beta calls the portal makes (by hand: the beta
//! schema is names only).

use serde_json::{json, Value};

use super::schema::ref_name;
use super::LoadError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Api {
    #[serde(rename = "v1.0")]
    V1,
    Beta,
}

impl Api {
    pub fn prefix(self) -> &'static str {
        match self {
            Api::V1 => "v1.0",
            Api::Beta => "beta",
        }
    }
}

#[derive(Debug, Clone)]
enum Segment {
    Literal(String),
    Param,
    /// `devices(deviceId='{deviceId}')`: the literal before and after the key.
    AltKey {
        before: String,
        after: String,
    },
}

/// A declared query option (`in: query`), with its schema (enums of `$select`, `$expand`).
#[derive(Debug, Clone)]
pub struct QueryParam {
    pub name: String,
    pub schema: Value,
}

#[derive(Debug, Clone)]
pub struct Operation {
    pub api: Api,
    pub method: String,
    /// As written in the document: `/users/{id}/managedDevices/{id_1}/wipe`.
    pub template: String,
    segments: Vec<Segment>,
    pub query_params: Vec<QueryParam>,
    pub request_schema: Option<Value>,
    /// The 200 response's JSON schema (v1.0), or `{"collection"|"entity": type}` (beta).
    pub response_schema: Option<Value>,
    /// The type of the entity or of the collection's items (without `microsoft.graph.`).
    pub item_type: Option<String>,
    pub collection: bool,
    /// Why an operation that is not in Microsoft's document is accepted.
    pub hand_added: Option<&'static str>,
}

impl Operation {
    /// The `$expand` names the operation declares (`*` left out).
    pub fn expand_names(&self) -> Vec<String> {
        self.query_params
            .iter()
            .find(|p| p.name == "$expand")
            .and_then(|p| p.schema.pointer("/items/enum"))
            .and_then(Value::as_array)
            .map(|names| names.iter().filter_map(Value::as_str).filter(|n| *n != "*").map(str::to_owned).collect())
            .unwrap_or_default()
    }

    /// The template as `permissions-subset.json` keys it: lower case, every parameter `{id}`,
    /// casts and alternate keys reduced to the plain path they refine.
    pub fn permission_path(&self) -> String {
        let mut path = self.template.to_lowercase().replace("/microsoft.graph.group", "");
        path = path.replace("devices(deviceid='{deviceid}')", "devices/{id}");
        let mut out = String::with_capacity(path.len());
        let mut rest = path.as_str();
        while let Some(start) = rest.find('{') {
            out.push_str(&rest[..start]);
            out.push_str("{id}");
            rest = rest[start..].find('}').map(|end| &rest[start + end + 1..]).unwrap_or("");
        }
        out.push_str(rest);
        out
    }
}

pub struct PathMatch<'a> {
    pub op: &'a Operation,
    /// The parameters' values in path order (percent-decoded).
    pub params: Vec<String>,
}

pub struct Operations {
    all: Vec<Operation>,
}

fn parse_template(template: &str) -> Vec<Segment> {
    template
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            if s.starts_with('{') && s.ends_with('}') {
                Segment::Param
            } else if let (Some(open), true) = (s.find("='{"), s.ends_with("}')")) {
                Segment::AltKey { before: s[..open + 2].to_lowercase(), after: "')".into() }
            } else {
                Segment::Literal(s.to_lowercase())
            }
        })
        .collect()
}

/// The schema of a response or request body: the `application/json` content, `$ref`s to
/// `components.responses` resolved.
fn json_content(doc: &Value, node: &Value) -> Option<Value> {
    let node = match node.get("$ref").and_then(Value::as_str) {
        Some(r) => doc.pointer(r.strip_prefix('#')?)?,
        None => node,
    };
    node.pointer("/content/application~1json/schema").cloned()
}

fn item_type_of(schema: &Value) -> (Option<String>, bool) {
    if let Some(name) = ref_name(schema) {
        return (name.strip_prefix("microsoft.graph.").map(str::to_owned), false);
    }
    if let Some(items) = schema.pointer("/properties/value/items") {
        return (ref_name(items).and_then(|n| n.strip_prefix("microsoft.graph.")).map(str::to_owned), true);
    }
    (None, false)
}

impl Operations {
    pub fn new(doc: &Value) -> Result<Operations, LoadError> {
        let paths = doc.get("paths").and_then(Value::as_object).ok_or_else(|| LoadError("no paths".into()))?;
        let mut all = Vec::new();
        for (template, item) in paths {
            let Some(item) = item.as_object() else { continue };
            for (method, op) in item {
                if !matches!(method.as_str(), "get" | "post" | "patch" | "put" | "delete") {
                    continue;
                }
                let mut query_params = Vec::new();
                for param in op.get("parameters").and_then(Value::as_array).into_iter().flatten() {
                    let param = match param.get("$ref").and_then(Value::as_str) {
                        Some(r) => r.strip_prefix('#').and_then(|p| doc.pointer(p)).unwrap_or(param),
                        None => param,
                    };
                    if param.get("in").and_then(Value::as_str) == Some("query") {
                        if let Some(name) = param.get("name").and_then(Value::as_str) {
                            query_params.push(QueryParam {
                                name: name.to_owned(),
                                schema: param.get("schema").cloned().unwrap_or(Value::Null),
                            });
                        }
                    }
                }
                let request_schema = op.get("requestBody").and_then(|b| json_content(doc, b));
                let response_schema = op.pointer("/responses/200").and_then(|r| json_content(doc, r));
                let (item_type, collection) = response_schema.as_ref().map(item_type_of).unwrap_or((None, false));
                all.push(Operation {
                    api: Api::V1,
                    method: method.to_uppercase(),
                    template: template.clone(),
                    segments: parse_template(template),
                    query_params,
                    request_schema,
                    response_schema,
                    item_type,
                    collection,
                    hand_added: item.get("x-hand-added").map(|_| "marked x-hand-added in Microsoft's subset"),
                });
            }
        }
        let mut operations = Operations { all };
        operations.add_missing_v1();
        operations.add_beta();
        Ok(operations)
    }

    fn get(&self, method: &str, template: &str) -> Option<&Operation> {
        self.all.iter().find(|o| o.api == Api::V1 && o.method == method && o.template == template)
    }

    /// What Graph v1.0 answers but the document lacks (README "Limits of this schema").
    fn add_missing_v1(&mut self) {
        let mut added = Vec::new();
        if let Some(device) = self.get("GET", "/devices/{id}") {
            let mut alt = device.clone();
            alt.template = "/devices(deviceId='{deviceId}')".into();
            alt.segments = parse_template(&alt.template);
            alt.hand_added = Some("the deviceId alternate key (learn.microsoft.com/graph/api/device-get)");
            added.push(alt);
        }
        for owner in ["users", "devices", "groups"] {
            let base = format!("/{owner}/{{id}}/transitiveMemberOf");
            if let Some(op) = self.get("GET", &base) {
                let mut cast = op.clone();
                cast.template = format!("{base}/microsoft.graph.group");
                cast.segments = parse_template(&cast.template);
                cast.item_type = Some("group".into());
                cast.response_schema = Some(json!({
                    "type": "object",
                    "properties": {
                        "@odata.count": {"$ref": "#/components/schemas/count"},
                        "value": {"type": "array", "items": {"$ref": "#/components/schemas/microsoft.graph.group"}},
                        "@odata.nextLink": {"type": ["string", "null"]},
                        "@odata.context": {"type": "string"}
                    }
                }));
                cast.hand_added =
                    Some("the microsoft.graph.group cast (learn.microsoft.com/graph/api/user-list-transitivememberof)");
                added.push(cast);
            }
        }
        self.all.extend(added);
    }

    /// The beta calls the portal makes. Their bodies are checked by name (`beta.rs`).
    fn add_beta(&mut self) {
        let collection_query = ["$select", "$expand", "$filter", "$top", "$count"];
        let entity_query = ["$select", "$expand"];
        let beta = |method: &str, template: &str, query: &[&str], request: Option<Value>, response: Option<Value>| {
            let (item_type, collection) = match &response {
                Some(r) => match (r.get("collection"), r.get("entity")) {
                    (Some(t), _) => (t.as_str().map(str::to_owned), true),
                    (_, Some(t)) => (t.as_str().map(str::to_owned), false),
                    _ => (None, false),
                },
                None => (None, false),
            };
            Operation {
                api: Api::Beta,
                method: method.into(),
                template: template.into(),
                segments: parse_template(template),
                query_params: query.iter().map(|n| QueryParam { name: (*n).into(), schema: Value::Null }).collect(),
                request_schema: request,
                response_schema: response,
                item_type,
                collection,
                hand_added: Some("beta (names from beta-names-subset.json)"),
            }
        };
        let set_device_name = json!({"action": "setDeviceName", "parameters": {"deviceName": "string"}});
        self.all.extend([
            beta(
                "GET",
                "/deviceManagement/intuneBrandingProfiles",
                &collection_query,
                None,
                Some(json!({"collection": "intuneBrandingProfile"})),
            ),
            beta(
                "GET",
                "/deviceManagement/intuneBrandingProfiles/{id}",
                &entity_query,
                None,
                Some(json!({"entity": "intuneBrandingProfile"})),
            ),
            beta(
                "GET",
                "/deviceManagement/intuneBrandingProfiles/{id}/assignments",
                &collection_query,
                None,
                Some(json!({"collection": "intuneBrandingProfileAssignment"})),
            ),
            beta(
                "GET",
                "/users/{id}/mobileAppIntentAndStates",
                &collection_query,
                None,
                Some(json!({"collection": "mobileAppIntentAndState"})),
            ),
            beta(
                "GET",
                "/users/{id}/mobileAppIntentAndStates/{id_1}",
                &entity_query,
                None,
                Some(json!({"entity": "mobileAppIntentAndState"})),
            ),
            // The beta views of devices and registrations: beta's enrollment types, and the
            // registration's link to its managed device (v1.0 has neither).
            beta(
                "GET",
                "/users/{id}/managedDevices",
                &collection_query,
                None,
                Some(json!({"collection": "managedDevice"})),
            ),
            beta(
                "GET",
                "/users/{id}/managedDevices/{id_1}",
                &entity_query,
                None,
                Some(json!({"entity": "managedDevice"})),
            ),
            beta(
                "GET",
                "/deviceManagement/managedDevices/{id}",
                &entity_query,
                None,
                Some(json!({"entity": "managedDevice"})),
            ),
            beta(
                "GET",
                "/users/{id}/managedAppRegistrations",
                &collection_query,
                None,
                Some(json!({"collection": "managedAppRegistration"})),
            ),
            beta(
                "POST",
                "/deviceManagement/managedDevices/{id}/setDeviceName",
                &[],
                Some(set_device_name.clone()),
                None,
            ),
            beta("POST", "/users/{id}/managedDevices/{id_1}/setDeviceName", &[], Some(set_device_name), None),
        ]);
    }

    pub fn find(&self, api: Api, method: &str, segments: &[String]) -> Option<PathMatch<'_>> {
        let method = method.to_uppercase();
        self.all
            .iter()
            .filter(|op| op.api == api && op.method == method)
            .filter_map(|op| matches(&op.segments, segments).map(|(params, literals)| (op, params, literals)))
            .max_by_key(|(_, _, literals)| *literals)
            .map(|(op, params, _)| PathMatch { op, params })
    }

    pub fn path_exists(&self, api: Api, segments: &[String]) -> bool {
        self.all.iter().any(|op| op.api == api && matches(&op.segments, segments).is_some())
    }
}

/// The parameters and the number of literal segments when `segments` fits the template.
fn matches(template: &[Segment], segments: &[String]) -> Option<(Vec<String>, usize)> {
    if template.len() != segments.len() {
        return None;
    }
    let mut params = Vec::new();
    let mut literals = 0;
    for (pattern, segment) in template.iter().zip(segments) {
        match pattern {
            Segment::Literal(literal) => {
                if !segment.eq_ignore_ascii_case(literal) {
                    return None;
                }
                literals += 1;
            }
            Segment::Param => {
                if segment.is_empty() || segment.contains('(') {
                    return None;
                }
                params.push(segment.clone());
            }
            Segment::AltKey { before, after } => {
                // Byte-wise and ASCII case-insensitive: the key in between may be anything.
                let bytes = segment.as_bytes();
                let fits = bytes.len() >= before.len() + after.len()
                    && bytes[..before.len()].eq_ignore_ascii_case(before.as_bytes())
                    && bytes[bytes.len() - after.len()..] == *after.as_bytes();
                let key = if fits { segment.get(before.len()..segment.len() - after.len()) } else { None };
                params.push(key?.to_owned());
                literals += 1;
            }
        }
    }
    Some((params, literals))
}
