//! Tenant files whose dates are written "as of" a moment (`dates_as_of`), such as the demo
//! tenant: when imported, every date in the file moves by the time since that moment, so
//! the last check-in written two hours before it is two hours ago whenever the file is
//! loaded, and a grace period that ends in two weeks still ends in two weeks. Without
//! this, a demo written in November reads "last check-in 5 months ago" in April, with a
//! grace period that ended long ago.
//!
//! The shift works on the file's text, so line numbers in any later error stay true: every
//! quoted string (`"…"` or `'…'`) that is an RFC 3339 date-time is rewritten, in UTC, whole
//! minutes later.

use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

/// The time between `as_of` and `now`, in whole minutes (the demo's times stay tidy).
pub fn shift_between(as_of: OffsetDateTime, now: OffsetDateTime) -> Duration {
    Duration::minutes((now - as_of).whole_minutes())
}

/// `text` with every quoted RFC 3339 date-time moved by `shift`.
pub fn shift_dates(text: &str, shift: Duration) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find(['"', '\'']) {
        let quote = if rest[open..].starts_with('"') { '"' } else { '\'' };
        out.push_str(&rest[..=open]);
        rest = &rest[open + 1..];
        // A date-time is short; a longer string is left as it is, and so is one that
        // does not parse, or would leave the representable range. (An apostrophe in a
        // text is tried too, finds no date-time, and is passed over.)
        let Some(close) = rest.find(quote).filter(|&close| close <= 40) else { continue };
        let shifted = OffsetDateTime::parse(&rest[..close], &Rfc3339)
            .ok()
            .and_then(|date| date.checked_add(shift))
            .and_then(|date| date.to_offset(time::UtcOffset::UTC).format(&Rfc3339).ok());
        if let Some(shifted) = shifted {
            out.push_str(&shifted);
            out.push(quote);
            rest = &rest[close + 1..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> OffsetDateTime {
        OffsetDateTime::parse(text, &Rfc3339).expect("a date-time")
    }

    #[test]
    fn quoted_date_times_move_and_nothing_else_does() {
        let text = concat!(
            "dates_as_of = \"2026-11-21T09:30:00Z\"\n",
            "name = \"Update by 5 December\" # \"2026-01-01\" is a date, not a date-time\n",
            "last_sync_date_time = \"2026-11-20T18:30:00Z\"\n",
            "other = \"2026-12-05T17:00:00+01:00\"\n",
            "quote = \"\"\n",
            "device_name = \"Amara's iPad\"\n",
            "literal = '2026-11-20T18:30:00Z'\n",
        );
        let shifted = shift_dates(text, Duration::days(10) + Duration::hours(2));
        assert_eq!(
            shifted,
            concat!(
                "dates_as_of = \"2026-12-01T11:30:00Z\"\n",
                "name = \"Update by 5 December\" # \"2026-01-01\" is a date, not a date-time\n",
                "last_sync_date_time = \"2026-11-30T20:30:00Z\"\n",
                "other = \"2026-12-15T18:00:00Z\"\n",
                "quote = \"\"\n",
                "device_name = \"Amara's iPad\"\n",
                "literal = '2026-11-30T20:30:00Z'\n",
            )
        );
        let utc_only = "a = \"2026-11-20T18:30:00Z\"\nb = \"x\"\n";
        assert_eq!(shift_dates(utc_only, Duration::ZERO), utc_only);
    }

    #[test]
    fn the_shift_is_whole_minutes_either_way() {
        let as_of = at("2026-11-21T09:30:00Z");
        assert_eq!(shift_between(as_of, at("2026-11-21T19:45:59Z")), Duration::minutes(615));
        assert_eq!(shift_between(as_of, at("2026-11-21T09:00:00Z")), Duration::minutes(-30));
    }
}
