//! Schemathesis (PyPI) against the real binary's `/api/v1/openapi.json` with a real
//! signed-in token and every check (`--checks all`): no server error, and no answer that
//! contradicts the document — status codes, content types, headers and response schemas —
//! and no schema-valid request refused. Bounded in examples and time.
//!
//! `scripts/test` installs the pinned Schemathesis in a virtual environment and names its
//! `st` in `SCHEMATHESIS`; without it this test fails and says how to get it.

mod support;

use std::path::PathBuf;
use std::time::Instant;
use support::{sign_in, Server, DEMO_PASSWORD};

/// The version `scripts/test` installs.
const VERSION: &str = "4.32.5";

fn st() -> PathBuf {
    std::env::var_os("SCHEMATHESIS").map(PathBuf::from).unwrap_or_else(|| {
        let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
        home.join(format!(".cache/portal-tools/schemathesis-{VERSION}/bin/st"))
    })
}

/// Examples per operation and seconds for the whole run: kept small under CI (the whole
/// test command has a budget), more when run by hand.
fn bounds() -> (String, String) {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let examples =
        std::env::var("PORTAL_SCHEMATHESIS_EXAMPLES").unwrap_or_else(|_| (if ci { "40" } else { "100" }).into());
    let seconds =
        std::env::var("PORTAL_SCHEMATHESIS_SECONDS").unwrap_or_else(|_| (if ci { "60" } else { "180" }).into());
    (examples, seconds)
}

#[tokio::test]
async fn schemathesis_finds_no_server_error_and_nothing_that_contradicts_the_document() {
    let st = st();
    assert!(
        st.is_file(),
        "{} is missing: scripts/test installs Schemathesis {VERSION} (python3 -m venv …; pip install schemathesis=={VERSION}), \
         or name an `st` in SCHEMATHESIS",
        st.display()
    );
    // The simulator carries work out at once, so actions and installs move on while it runs.
    let server = Server::start(&["--simulator-delay-ms", "0"]).await;
    let token = sign_in(&server, "amara.okoye@contoso.example", DEMO_PASSWORD).await.access_token;
    let (examples, seconds) = bounds();
    let report = tempfile::tempdir().expect("tempdir");
    let started = Instant::now();
    let out = tokio::process::Command::new(&st)
        .args(["run", &format!("{}/api/v1/openapi.json", server.base), "--checks", "all"])
        .args(["--max-examples", &examples, "--max-time", &seconds])
        .args(["--seed", &std::env::var("PORTAL_SCHEMATHESIS_SEED").unwrap_or_else(|_| "15".into())])
        // The event stream never ends by itself: a short timeout for reading it.
        .args(["--request-timeout", "2", "--workers", "2"])
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .args(["--report", "junit", "--report-dir", report.path().to_str().expect("utf-8")])
        .env("NO_COLOR", "1")
        .env("SCHEMATHESIS_HOOKS", "")
        .current_dir(report.path())
        .output()
        .await
        .expect("run st");
    let stdout = String::from_utf8_lossy(&out.stdout);
    eprintln!("{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    eprintln!("schemathesis: {:?}", started.elapsed());
    assert!(out.status.success(), "Schemathesis found problems (above)");
}
