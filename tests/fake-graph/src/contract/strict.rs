//! The strict layer: what the schema allows but Graph does not.
//!
//! The document's object schemas are open (no `additionalProperties: false`), and a base type
//! lists its derived types in an `anyOf` of open schemas, so on its own the schema accepts an
//! invented property, any `@odata.type`, or `bundleId: 5` on an `iosStoreApp` (it matches some
//! other alternative). This walk follows the schema beside the value and, at every object:
//! - takes the type from `@odata.type` when present; it must be the declared type or one
//!   derived from it, and the object is then also validated against *that* type's schema;
//! - requires `@odata.type` when the declared type is abstract (`mobileApp`, `managedAppPolicy`, …);
//! - refuses every property the effective type does not declare (OData annotations such as
//!   `@odata.nextLink` or `assignments@odata.count` excepted).
//!
//! Error bodies: Graph sends `innerError` (the schema says `innererror`).

use serde_json::Value;

use super::schema::{ref_name, Schemas};
use super::Finding;

pub fn check(schemas: &Schemas, schema: &Value, value: &Value, pointer: &mut String, out: &mut Vec<Finding>) {
    if let Some(name) = ref_name(schema) {
        check_named(schemas, name, value, pointer, out);
        return;
    }
    if let Some(alternatives) = schema.get("anyOf").and_then(Value::as_array) {
        if value.is_null() {
            return;
        }
        // `anyOf: [{$ref}, {type: null}]` — a nullable reference.
        let refs: Vec<&Value> = alternatives.iter().filter(|a| a.get("$ref").is_some()).collect();
        if let [only] = refs.as_slice() {
            check(schemas, only, value, pointer, out);
        }
        return;
    }
    if let (Some(items), Value::Array(values)) = (schema.get("items"), value) {
        for (index, item) in values.iter().enumerate() {
            let len = pointer.len();
            pointer.push_str(&format!("/{index}"));
            check(schemas, items, item, pointer, out);
            pointer.truncate(len);
        }
        return;
    }
    if let (Some(properties), Value::Object(_)) = (schema.get("properties"), value) {
        check_properties(schemas, None, properties, value, pointer, out);
    }
}

fn check_named(schemas: &Schemas, declared: &str, value: &Value, pointer: &mut String, out: &mut Vec<Finding>) {
    let Some(schema) = schemas.schema(declared) else { return };
    if declared == "error" {
        check_error(value, pointer, out);
        return;
    }
    let Value::Object(object) = value else { return };
    if schema.get("properties").is_none() && schema.get("anyOf").is_none() {
        return; // an enum or a primitive alias
    }
    let mut effective = declared.to_owned();
    match object.get("@odata.type") {
        Some(Value::String(odata_type)) => match odata_type.strip_prefix('#') {
            Some(named) if schemas.schema(named).is_some() && schemas.is_a(named, declared) => {
                if named != declared {
                    // The base schema's anyOf is lax: check against the named type itself.
                    for finding in schemas.validate_named(named, value) {
                        out.push(Finding::new(format!("{pointer}{}", finding.pointer), finding.message));
                    }
                }
                effective = named.to_owned();
            }
            _ => out.push(Finding::new(
                format!("{pointer}/@odata.type"),
                format!("{odata_type:?} is not #{declared} or a type derived from it"),
            )),
        },
        Some(other) => out.push(Finding::new(format!("{pointer}/@odata.type"), format!("{other} is not a string"))),
        None if schemas.is_abstract(declared) => out.push(Finding::new(
            pointer.clone(),
            format!("@odata.type is required: {declared} is abstract, the value must name its derived type"),
        )),
        None => {}
    }
    let empty = Value::Object(Default::default());
    let properties = schemas.schema(&effective).and_then(|s| s.get("properties")).unwrap_or(&empty);
    check_properties(schemas, Some(&effective), properties, value, pointer, out);
}

fn check_properties(
    schemas: &Schemas,
    type_name: Option<&str>,
    properties: &Value,
    value: &Value,
    pointer: &mut String,
    out: &mut Vec<Finding>,
) {
    let Value::Object(object) = value else { return };
    for (key, item) in object {
        if let Some(declared) = properties.get(key) {
            let len = pointer.len();
            pointer.push('/');
            pointer.push_str(&escape(key));
            check(schemas, declared, item, pointer, out);
            pointer.truncate(len);
        } else if !is_annotation(key, properties) {
            let owner = type_name.map(|t| format!("#{t}")).unwrap_or_else(|| "this object".into());
            out.push(Finding::new(
                format!("{pointer}/{}", escape(key)),
                format!("property {key:?} is not declared on {owner}"),
            ));
        }
    }
}

/// OData control information: `@odata.type`, `@odata.nextLink`, `value@odata.count`, …
/// An annotation of a property needs that property to exist.
fn is_annotation(key: &str, properties: &Value) -> bool {
    match key.split_once('@') {
        Some(("", annotation)) => annotation.starts_with("odata."),
        Some((property, annotation)) => annotation.starts_with("odata.") && properties.get(property).is_some(),
        None => false,
    }
}

/// Graph's error body: `{"error": {"code", "message", "target"?, "details"?, "innerError"?}}`.
fn check_error(value: &Value, pointer: &mut String, out: &mut Vec<Finding>) {
    let Some(error) = value.get("error").and_then(Value::as_object) else { return };
    for key in error.keys() {
        match key.as_str() {
            "code" | "message" | "target" | "details" | "innerError" => {}
            "innererror" => out.push(Finding::new(
                format!("{pointer}/error/innererror"),
                "Graph spells it innerError (the schema's innererror is not what Graph sends)",
            )),
            other => out.push(Finding::new(
                format!("{pointer}/error/{}", escape(other)),
                format!("property {other:?} is not part of Graph's error body"),
            )),
        }
    }
}

/// JSON pointer escaping (RFC 6901).
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}
