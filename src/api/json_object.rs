//! The two documents the app reads before it can show anything — `/config.json` and the
//! branding — decoded by the browser's `JSON.parse` and read field by field.
//!
//! Why not serde_json, which decodes every other answer: these two are the only JSON the first
//! load decodes, and serde_json's parser, the derived visitors and what they pulled in were
//! 12 KB brotli of the main module (README "First load", lever 15). The browser's parser is already there. Pages load
//! serde_json with their own chunks. The rules are serde's for these types: a missing field
//! with a default takes it, `null` is `None` for an optional field and the wrong type for any
//! other, a missing required field or a value of the wrong type is an error naming the field,
//! and unknown fields are ignored. (Two differences: a field written twice is serde's error
//! and `JSON.parse`'s last value; an object written as a list, which serde reads field by
//! field, is refused.)

use js_sys::{Array, Object, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};

/// A JSON object from an untrusted document; every read checks the value's type.
pub struct JsonObject(Object);

impl JsonObject {
    /// Parses `text`, which must be a JSON object.
    pub fn parse(text: &str) -> Result<JsonObject, String> {
        let value = JSON::parse(text).map_err(|_| "not JSON".to_string())?;
        Self::from_value(value, "the document")
    }

    fn from_value(value: JsValue, what: &str) -> Result<JsonObject, String> {
        if value.is_object() && !Array::is_array(&value) {
            Ok(JsonObject(value.unchecked_into()))
        } else {
            Err(format!("{what} is not an object"))
        }
    }

    /// The field's value (`null` included), `None` when it is absent.
    fn field(&self, name: &str) -> Option<JsValue> {
        // Own fields only: `JSON.parse` makes plain objects, but `toString` is inherited.
        let key = JsValue::from_str(name);
        if !Object::has_own(&self.0, &key) {
            return None;
        }
        Reflect::get(&self.0, &key).ok()
    }

    pub fn string(&self, name: &str) -> Result<String, String> {
        let value = self.field(name).ok_or_else(|| missing(name))?;
        value.as_string().ok_or_else(|| wrong_type(name, "a string"))
    }

    /// A string with a default when absent (`null` is the wrong type, as for serde's
    /// `#[serde(default)]`).
    pub fn string_or(&self, name: &str, default: impl FnOnce() -> String) -> Result<String, String> {
        match self.field(name) {
            None => Ok(default()),
            Some(_) => self.string(name),
        }
    }

    pub fn optional_string(&self, name: &str) -> Result<Option<String>, String> {
        match self.field(name) {
            None => Ok(None),
            Some(value) if value.is_null() => Ok(None),
            Some(value) => value.as_string().map(Some).ok_or_else(|| wrong_type(name, "a string")),
        }
    }

    pub fn bool_or(&self, name: &str, default: bool) -> Result<bool, String> {
        self.field(name).map_or(Ok(default), |v| v.as_bool().ok_or_else(|| wrong_type(name, "a boolean")))
    }

    pub fn strings_or(&self, name: &str, default: impl FnOnce() -> Vec<String>) -> Result<Vec<String>, String> {
        let Some(value) = self.field(name) else { return Ok(default()) };
        if !Array::is_array(&value) {
            return Err(wrong_type(name, "a list of strings"));
        }
        Array::from(&value).iter().map(|v| v.as_string().ok_or_else(|| wrong_type(name, "a list of strings"))).collect()
    }

    pub fn object(&self, name: &str) -> Result<JsonObject, String> {
        let value = self.field(name).ok_or_else(|| missing(name))?;
        Self::from_value(value, &format!("`{name}`"))
    }
}

fn missing(name: &str) -> String {
    format!("missing field `{name}`")
}

fn wrong_type(name: &str, expected: &str) -> String {
    format!("`{name}` is not {expected}")
}
