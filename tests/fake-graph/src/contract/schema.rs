//! The schema layer: `jsonschema` validators over the document's `components`.
//!
//! The whole OpenAPI document is registered once under [`BASE_URI`]; a validator is a small
//! schema (`{"$ref": "urn:…#/components/schemas/microsoft.graph.managedDevice"}`, or an inline
//! request/response schema with its references made absolute) compiled against that registry
//! the first time it is asked for, then cached. Compiling every type up front would cost
//! seconds; a run uses a few dozen.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use jsonschema::{Draft, Registry, Validator};
use serde_json::{Map, Value};

use super::{Finding, LoadError};

pub const BASE_URI: &str = "urn:portal:graph:v1.0";

pub struct Schemas {
    /// `components.schemas` of the document.
    pub types: Map<String, Value>,
    registry: Registry<'static>,
    cache: Mutex<HashMap<String, Arc<Validator>>>,
    /// Type name → names of the types directly derived from it (its `anyOf` entries).
    derived: HashMap<String, Vec<String>>,
}

impl Schemas {
    pub fn new(openapi: Value) -> Result<Schemas, LoadError> {
        let types = openapi
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .cloned()
            .ok_or_else(|| LoadError("the OpenAPI document has no components.schemas".into()))?;
        let mut derived = HashMap::new();
        for (name, schema) in &types {
            let children: Vec<String> = schema
                .get("anyOf")
                .and_then(Value::as_array)
                .map(|alts| alts.iter().filter_map(ref_name).map(str::to_owned).collect())
                .unwrap_or_default();
            if schema.get("properties").is_some() || schema.get("type") == Some(&Value::from("object")) {
                derived.insert(name.clone(), children);
            }
        }
        let registry = Registry::new()
            .draft(Draft::Draft202012)
            .add(BASE_URI, openapi)
            .and_then(|builder| builder.prepare())
            .map_err(|e| LoadError(format!("cannot index the OpenAPI document: {e}")))?;
        Ok(Schemas { types, registry, cache: Mutex::new(HashMap::new()), derived })
    }

    pub fn compiled(&self) -> usize {
        self.cache.lock().map(|c| c.len()).unwrap_or(0)
    }

    fn validator(&self, key: &str, schema: &Value) -> Result<Arc<Validator>, String> {
        if let Some(found) = self.cache.lock().ok().and_then(|c| c.get(key).cloned()) {
            return Ok(found);
        }
        let absolute = absolutize(schema);
        let validator = jsonschema::draft202012::options()
            .with_registry(&self.registry)
            .should_validate_formats(true)
            .build(&absolute)
            .map_err(|e| format!("the schema for {key} does not compile: {e}"))?;
        let validator = Arc::new(validator);
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(key.to_owned(), validator.clone());
        }
        Ok(validator)
    }

    /// Schema-layer findings for `value` (pointers are JSON pointers into `value`).
    pub fn validate(&self, key: &str, schema: &Value, value: &Value) -> Vec<Finding> {
        match self.validator(key, schema) {
            Ok(validator) => validator
                .iter_errors(value)
                .map(|error| Finding::new(error.instance_path().to_string(), shorten(error.to_string())))
                .collect(),
            Err(message) => vec![Finding::new("", message)],
        }
    }

    /// Validates `value` against the named component (`microsoft.graph.iosStoreApp`).
    pub fn validate_named(&self, name: &str, value: &Value) -> Vec<Finding> {
        let reference = serde_json::json!({ "$ref": format!("#/components/schemas/{name}") });
        self.validate(&format!("type {}", name.trim_start_matches("microsoft.graph.")), &reference, value)
    }

    pub fn schema(&self, name: &str) -> Option<&Value> {
        self.types.get(name)
    }

    /// `name` and every type derived from it, transitively.
    pub fn descendants(&self, name: &str) -> HashSet<String> {
        let mut seen = HashSet::new();
        let mut todo = vec![name.to_owned()];
        while let Some(next) = todo.pop() {
            if seen.insert(next.clone()) {
                if let Some(children) = self.derived.get(&next) {
                    todo.extend(children.iter().cloned());
                }
            }
        }
        seen
    }

    pub fn is_a(&self, derived: &str, base: &str) -> bool {
        self.descendants(base).contains(derived)
    }

    /// An abstract type lists its derived types in `anyOf` without an empty `{}` alternative
    /// (a concrete base type has one): an instance must then say which type it is.
    pub fn is_abstract(&self, name: &str) -> bool {
        match self.types.get(name).and_then(|s| s.get("anyOf")).and_then(Value::as_array) {
            Some(alts) => {
                !alts.is_empty()
                    && alts.iter().all(|alt| alt.get("$ref").is_some())
                    && self.derived.get(name).is_some_and(|d| !d.is_empty())
            }
            None => false,
        }
    }

    pub fn properties_of(&self, name: &str) -> Option<Vec<String>> {
        let props = self.types.get(name)?.get("properties")?.as_object()?;
        Some(props.keys().filter(|k| !k.contains('@')).cloned().collect())
    }
}

/// The schema's complaint without a copy of a large value ("{…whole entity…} is not valid
/// under any of the schemas listed in the 'anyOf' keyword").
fn shorten(message: String) -> String {
    match message.find(" is not valid under any of the schemas") {
        Some(at) if at > 80 => format!("the value{}", &message[at..]),
        _ => message,
    }
}

/// `"#/components/schemas/microsoft.graph.x"` → `"microsoft.graph.x"`.
pub fn ref_name(schema: &Value) -> Option<&str> {
    schema.get("$ref")?.as_str()?.strip_prefix("#/components/schemas/")
}

/// Makes the document-relative references of an inline schema absolute (against [`BASE_URI`]).
fn absolutize(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| match (k.as_str(), v) {
                    ("$ref", Value::String(r)) if r.starts_with("#/") => {
                        (k.clone(), Value::String(format!("{BASE_URI}{r}")))
                    }
                    _ => (k.clone(), absolutize(v)),
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(absolutize).collect()),
        other => other.clone(),
    }
}
