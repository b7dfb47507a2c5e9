//! Starting the real server binary for a test and talking to it.
#![allow(dead_code)]

use portal_core::problem::Problem;
use std::path::PathBuf;
use std::process::{Output, Stdio};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub const BIN: &str = env!("CARGO_BIN_EXE_portal-server");

/// A running `portal-server serve` on an ephemeral port with its own database file.
/// Killed when dropped.
pub struct Server {
    pub base: String,
    pub db: PathBuf,
    _dir: tempfile::TempDir,
    child: Child,
    client: reqwest::Client,
}

impl Server {
    pub async fn start(extra: &[&str]) -> Server {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("portal.db");
        let mut args = vec!["serve", "--listen", "127.0.0.1:0", "--db", db.to_str().expect("utf-8 path")];
        args.extend_from_slice(extra);
        let mut child = Command::new(BIN)
            .args(&args)
            .env("PORTAL_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn portal-server");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let base = tokio::time::timeout(Duration::from_secs(30), async {
            while let Some(line) = lines.next_line().await.expect("read stdout") {
                if let Some(url) = line.strip_prefix("portal-server listening on ") {
                    return url.to_string();
                }
            }
            panic!("portal-server exited before listening (args: {args:?})");
        })
        .await
        .expect("portal-server did not start within 30 s");
        Server { base, db, _dir: dir, child, client: reqwest::Client::new() }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(format!("{}{path}", self.base)).send().await.expect("request")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

/// Runs the binary to completion with `args`.
pub async fn run_to_end(args: &[&str]) -> Output {
    Command::new(BIN).args(args).env("PORTAL_LOG", "warn").output().await.expect("run portal-server")
}

/// Asserts the response is a problem document and returns it.
pub async fn problem_of(res: reqwest::Response) -> Problem {
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    res.json().await.expect("problem json")
}
