//! How domain values are written to and read from columns: enums as their wire spelling
//! (`"appleBulkWithUser"`), lists as JSON. Reading never panics: a hand-edited database
//! yields an error naming the value.

use anyhow::{anyhow, Context};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The wire spelling of a unit enum value.
pub fn code<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        other => format!("{other:?}"),
    }
}

/// Parses a wire spelling back.
pub fn decode<T: DeserializeOwned>(text: &str) -> anyhow::Result<T> {
    serde_json::from_value(serde_json::Value::String(text.to_string()))
        .map_err(|e| anyhow!("`{text}` in the database: {e}"))
}

pub fn to_json<T: Serialize + ?Sized>(value: &T) -> anyhow::Result<String> {
    serde_json::to_string(value).context("encoding a JSON column")
}

pub fn from_json<T: DeserializeOwned>(text: &str) -> anyhow::Result<T> {
    serde_json::from_str(text).with_context(|| format!("JSON column `{text}` in the database"))
}
