//! The binary prints exactly one line when it is ready and serves Graph there.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};

#[tokio::test]
async fn the_binary_prints_one_line_and_serves() {
    let started = std::time::Instant::now();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_fake-graph"))
        .args(["--latency-ms", "5", "--device-delay-ms", "100"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("the fake-graph binary");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .expect("ready in time")
        .expect("read")
        .expect("a line");
    println!("{line} (after {:?}: a fresh process loads the schema and checks the fixtures)", started.elapsed());
    let url = line.strip_prefix("fake-graph listening on ").expect("the one line");
    assert!(url.starts_with("http://127.0.0.1:"), "{line}");
    let health: serde_json::Value =
        reqwest::get(format!("{url}/_fake/health")).await.expect("GET").json().await.expect("JSON");
    assert_eq!(health["status"], "ok");
    let status = reqwest::get(format!("{url}/v1.0/users")).await.expect("GET").status();
    assert_eq!(status.as_u16(), 401, "Graph wants a token");
    child.kill().await.expect("stop it");
}
