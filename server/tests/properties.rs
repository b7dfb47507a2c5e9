//! Property tests (proptest) of the decoders of untrusted files: any tenant file text — made
//! up, or the demo tenant with a piece cut, doubled or replaced — and any `dates_as_of`
//! either loads or is refused with a file, a field path and a reason; it never panics. The
//! HTTP decoders are in `fuzz.rs`. Case counts are modest under `CI=true`.

use portal_server::tenant_file::{self, as_of, Source, DEMO_TENANT};
use proptest::prelude::*;

/// Cases per property: the test command has a time budget.
fn config(local: u32, ci: u32) -> ProptestConfig {
    let ci_run = std::env::var("CI").is_ok_and(|v| v == "true");
    ProptestConfig { cases: if ci_run { ci } else { local }, ..ProptestConfig::default() }
}

fn source(text: String) -> Source {
    Source { name: "fuzzed.toml".into(), text }
}

/// Parses, and checks a refusal says where and why.
fn parses_or_explains(text: String) -> Result<(), TestCaseError> {
    let now = time::OffsetDateTime::now_utc();
    match std::panic::catch_unwind(|| tenant_file::parse_at(&source(text), now)) {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => {
            prop_assert_eq!(e.file.as_str(), "fuzzed.toml");
            prop_assert!(!e.path.is_empty() && !e.reason.is_empty(), "{:?}", e);
            Ok(())
        }
        Err(_) => Err(TestCaseError::fail("parsing panicked")),
    }
}

/// The demo tenant with one edit at a random place: a cut, a doubled piece, or a piece
/// replaced by random text (often inside a value, a key or a date).
fn mutated_demo() -> impl Strategy<Value = String> {
    let len = DEMO_TENANT.len();
    (0..len, 0..200usize, 0..3u8, "\\PC{0,12}").prop_map(move |(at, span, kind, noise)| {
        let floor = |mut i: usize| {
            while !DEMO_TENANT.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let start = floor(at);
        let end = floor((at + span).min(len));
        match kind {
            0 => format!("{}{}", &DEMO_TENANT[..start], &DEMO_TENANT[end..]),
            1 => format!("{}{}", &DEMO_TENANT[..end], &DEMO_TENANT[start..]),
            _ => format!("{}{}{}", &DEMO_TENANT[..start], noise, &DEMO_TENANT[end..]),
        }
    })
}

/// Text that looks like TOML: sections, keys, quoted values, arrays, dates.
fn tomlish() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        "\\[\\[?[a-z_.]{1,20}\\]\\]?".boxed(),
        "[a-z_]{1,20} = \"\\PC{0,30}\"".boxed(),
        "[a-z_]{1,20} = [0-9\\-]{1,12}".boxed(),
        "[a-z_]{1,20} = (true|false)".boxed(),
        "[a-z_]{1,20} = \\[(\"[a-z\\-]{0,10}\", ){0,3}\\]".boxed(),
        "[a-z_]{1,20} = \\{ type = \"[a-zA-Z]{0,12}\", id = \"[a-z\\-]{0,10}\" \\}".boxed(),
        "dates_as_of = \"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+\\-][0-9]{2}:[0-9]{2})\"".boxed(),
        "\\PC{0,40}".boxed(),
    ];
    proptest::collection::vec(line, 0..30).prop_map(|lines| lines.join("\n"))
}

proptest! {
    #![proptest_config(config(256, 48))]

    #[test]
    fn any_text_is_a_tenant_or_a_refusal_with_a_path(text in "\\PC{0,400}") {
        parses_or_explains(text)?;
    }

    #[test]
    fn toml_like_text_is_a_tenant_or_a_refusal_with_a_path(text in tomlish()) {
        parses_or_explains(text)?;
    }

    #[test]
    fn the_demo_tenant_cut_doubled_or_patched_is_a_tenant_or_a_refusal(text in mutated_demo()) {
        parses_or_explains(text)?;
    }

    /// Any `dates_as_of`, however far from now (year 1 to 9999, offsets), and dates at the
    /// ends of the representable range in the file: loaded or refused, never a panic.
    #[test]
    fn any_dates_as_of_moves_dates_or_is_refused(
        year in 0u32..10_000, month in 0u32..14, day in 0u32..33, hour in 0u32..25,
        offset in prop_oneof![Just("Z".to_string()), "[+\\-][0-9]{2}:[0-9]{2}"],
        last in prop_oneof![Just("9999-12-31T23:59:59Z".to_string()), Just("0001-01-01T00:00:00Z".to_string()),
            "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"],
    ) {
        let text = format!(
            "dates_as_of = \"{year:04}-{month:02}-{day:02}T{hour:02}:00:00{offset}\"\n\
             [organisation]\nname = \"Fuzz\"\ntheme_color = \"#123456\"\n\
             [[users]]\nid = \"u-1\"\ndisplay_name = \"One\"\nupn = \"one@fuzz.example\"\n\
             [[notifications]]\nid = \"n-1\"\nuser = \"u-1\"\ntitle = \"t\"\ncreated_date_time = \"{last}\"\n"
        );
        parses_or_explains(text)?;
    }

    /// Moving dates never panics, keeps every line where it was, and moving by nothing
    /// changes nothing.
    #[test]
    fn shifting_dates_keeps_lines_and_a_zero_shift_is_the_identity(
        text in "(\\PC|\\n|\"|'|[0-9T:Z\\-]){0,300}",
        minutes in any::<i32>(),
    ) {
        let moved = std::panic::catch_unwind(|| as_of::shift_dates(&text, time::Duration::minutes(i64::from(minutes))));
        let moved = moved.map_err(|_| TestCaseError::fail("shift_dates panicked"))?;
        prop_assert_eq!(moved.lines().count(), text.lines().count());
        prop_assert_eq!(as_of::shift_dates(&text, time::Duration::ZERO), text);
    }
}
