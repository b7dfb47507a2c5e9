//! Dates as the store keeps them: RFC 3339 in UTC to the second (`2026-01-31T09:00:00Z`),
//! so that text order is time order and SQL can compare them.

use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// Formats an instant the store's way.
pub fn format(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Now, the store's way.
pub fn now() -> String {
    format(OffsetDateTime::now_utc())
}

/// Any RFC 3339 date-time, rewritten the store's way; `None` if it is not one.
pub fn normalise(rfc3339: &str) -> Option<String> {
    OffsetDateTime::parse(rfc3339, &Rfc3339).ok().map(format)
}

/// Seconds since the Unix epoch, now.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn normalises_offsets_and_fractions_to_utc_seconds() {
        let cases = [
            ("2026-01-31T09:00:00Z", Some("2026-01-31T09:00:00Z")),
            ("2026-01-31T10:30:15.250+01:00", Some("2026-01-31T09:30:15Z")),
            ("2026-01-31", None),
            ("yesterday", None),
        ];
        for (input, want) in cases {
            assert_eq!(super::normalise(input).as_deref(), want, "{input}");
        }
    }
}
