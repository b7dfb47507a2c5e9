//! Dates as Graph writes them (`2026-11-21T07:45:00Z`).

use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

pub fn parse(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).ok()
}

/// Graph's form: UTC, whole seconds, `Z`.
pub fn format(moment: OffsetDateTime) -> String {
    let utc = moment.to_offset(time::UtcOffset::UTC).replace_nanosecond(0).unwrap_or(moment);
    utc.format(&Rfc3339).unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
}

pub fn now() -> String {
    format(OffsetDateTime::now_utc())
}

/// Moves every date-time string of `value` by `shift`. Graph's "no date" sentinels
/// (`0001-01-01T00:00:00Z`, `9999-12-31T23:59:59Z`) stay as they are.
pub fn shift_dates(value: Value, shift: time::Duration) -> Value {
    if shift.is_zero() {
        return value;
    }
    match value {
        Value::String(text) => match parse(&text) {
            Some(moment) if (1900..9000).contains(&moment.year()) && text.len() >= 20 => {
                Value::String(format(moment + shift))
            }
            _ => Value::String(text),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(|v| shift_dates(v, shift)).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, shift_dates(v, shift))).collect()),
        other => other,
    }
}
