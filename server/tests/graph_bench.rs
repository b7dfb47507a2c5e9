//! The Intune tenant under load: a benchmark, not a test (`#[ignore]`; `scripts/bench-graph`
//! runs it with the optimised server). `/me/home` and `/me/apps` at 100 connections for 30 s
//! each, with 50 ms added to every call of the fake Graph, four people's tokens in turn:
//! throughput, latency percentiles (wrk), errors (it fails on any answer other than 2xx), and
//! the Graph calls per person per minute.

#[path = "support/intune.rs"]
mod intune;
mod support;

use intune::{device, AMARA, HANNAH, JONAS, SOFIA};
use std::time::{Duration, Instant};

#[tokio::test]
#[ignore = "a benchmark: scripts/bench-graph"]
async fn graph_mode_under_load() {
    let duration = std::env::var("DURATION").unwrap_or_else(|_| "30s".into());
    let connections = std::env::var("CONNECTIONS").unwrap_or_else(|_| "100".into());
    let intune = intune::Intune::start(intune::Setup { beta: true, device_delay: None, ..Default::default() }).await;
    intune.graph.set_latency(Duration::from_millis(50));
    let people = [AMARA, JONAS, SOFIA, HANNAH];
    let tokens: Vec<String> = people.iter().map(|p| intune.token(p)).collect();
    // Warm: every person read once (their first read is cold by nature).
    for person in people {
        let _: serde_json::Value = intune.get(person, "/api/v1/me/home").await;
    }
    // What wrk will ask answers 200 (a benchmark of error answers measures nothing).
    let apps_path = format!("/api/v1/me/apps?device={}", device(1));
    let _: serde_json::Value = intune.get(AMARA, &apps_path).await;
    let dir = tempfile::tempdir().expect("dir");
    let script = dir.path().join("tokens.lua");
    let list = tokens.iter().map(|t| format!("\"{t}\"")).collect::<Vec<_>>().join(",");
    std::fs::write(
        &script,
        format!(
            "local tokens = {{{list}}}\nlocal n = 0\nrequest = function()\n  n = n + 1\n  \
             wrk.headers[\"Authorization\"] = \"Bearer \" .. tokens[(n % #tokens) + 1]\n  \
             return wrk.format(nil)\nend\n"
        ),
    )
    .expect("lua");
    // Amara's enrolled iPhone for /me/apps: the others see their own 404 for it, so only she
    // asks for apps (one token).
    let runs = [("/api/v1/me/home".to_string(), Some(script.clone())), (apps_path, None)];
    for (path, script) in runs {
        let calls_before = intune.graph.requests().iter().filter(|r| r.batch.is_none()).count();
        let started = Instant::now();
        // tokio's Command, awaited: the fake Graph runs on this test's runtime, and a blocking
        // wait for wrk would stop it from answering the portal's reads meanwhile.
        let mut wrk = tokio::process::Command::new("wrk");
        wrk.args(["-t2", "-c", &connections, "-d", &duration, "--latency"]);
        match &script {
            Some(script) => {
                wrk.arg("-s").arg(script);
            }
            None => {
                wrk.args(["-H", &format!("Authorization: Bearer {}", tokens[0])]);
            }
        }
        let output =
            wrk.arg(format!("{}{path}", intune.server.base)).output().await.expect("wrk (apt-get install wrk)");
        let minutes = started.elapsed().as_secs_f64() / 60.0;
        let calls = intune.graph.requests().iter().filter(|r| r.batch.is_none()).count() - calls_before;
        let users = if script.is_some() { people.len() } else { 1 };
        println!("\n=== GET {path} — {connections} connections, {duration}, Graph +50 ms a call");
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let keep = ["Requests/sec", "requests in", "50%", "90%", "99%", "Socket errors", "Non-2xx", "Latency "];
            if keep.iter().any(|k| line.contains(k)) {
                println!("{line}");
            }
        }
        println!(
            "Graph HTTP calls: {calls} in {minutes:.1} min for {users} people = {:.1} per person per minute",
            calls as f64 / users as f64 / minutes
        );
        let report = String::from_utf8_lossy(&output.stdout);
        assert!(!report.contains("Non-2xx"), "GET {path}: wrk saw answers other than 2xx");
    }
    intune.assert_no_violations();
}
