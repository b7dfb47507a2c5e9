//! Starting the real server binary for a test and talking to it.
#![allow(dead_code)]

use portal_core::problem::Problem;
use std::path::PathBuf;
use std::process::{Output, Stdio};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub const BIN: &str = env!("CARGO_BIN_EXE_portal-server");

pub mod events;
pub mod issuer;

/// A running `portal-server serve` on an ephemeral port with its own database file.
/// Killed when dropped.
pub struct Server {
    pub base: String,
    pub db: PathBuf,
    _dir: Option<tempfile::TempDir>,
    child: Child,
    client: reqwest::Client,
    /// What the server wrote to stderr so far (it is also passed on to the test's stderr).
    logs: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Server {
    pub async fn start(extra: &[&str]) -> Server {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("portal.db");
        let mut server = Server::start_with_db(&db, extra).await;
        server._dir = Some(dir);
        server
    }

    /// Starts a server on a database file the caller owns (e.g. to restart on the same one).
    pub async fn start_with_db(db: &std::path::Path, extra: &[&str]) -> Server {
        Server::start_with_env(db, extra, &[]).await
    }

    /// [`Server::start_with_db`] with environment variables (e.g. a secret, which is never
    /// given on the command line).
    pub async fn start_with_env(db: &std::path::Path, extra: &[&str], env: &[(&str, &str)]) -> Server {
        Server::start_listening(db, "127.0.0.1:0", extra, env).await
    }

    /// [`Server::start_with_env`] on the address `listen` (a restart on the same port keeps
    /// the issuer, `http://<listen>/oidc`, so tokens issued before stay valid).
    pub async fn start_listening(db: &std::path::Path, listen: &str, extra: &[&str], env: &[(&str, &str)]) -> Server {
        let db = db.to_path_buf();
        let mut args = vec!["serve", "--listen", listen, "--db", db.to_str().expect("utf-8 path")];
        args.extend_from_slice(extra);
        // A benchmark runs the optimised build instead (scripts/bench-graph).
        let bin = std::env::var("PORTAL_BENCH_SERVER_BIN").unwrap_or_else(|_| BIN.to_string());
        let mut child = Command::new(bin)
            .args(&args)
            .envs(env.iter().copied())
            .env("PORTAL_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn portal-server");
        let logs = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let mut stderr = BufReader::new(child.stderr.take().expect("stderr")).lines();
        let sink = logs.clone();
        tokio::spawn(async move {
            while let Ok(Some(line)) = stderr.next_line().await {
                eprintln!("{line}");
                let mut logs = sink.lock().unwrap_or_else(|e| e.into_inner());
                logs.push_str(&line);
                logs.push('\n');
            }
        });
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
        Server { base, db, _dir: None, child, client: reqwest::Client::new(), logs }
    }

    /// Everything the server logged so far.
    pub fn logs(&self) -> String {
        self.logs.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(format!("{}{path}", self.base)).send().await.expect("request")
    }
}

/// A client that behaves like a browser for sign-in tests: it keeps cookies, but does not
/// follow redirects, so a test can read each `Location`.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client")
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

/// `portal-server import --db DB --tenant FILE`, run to its end.
pub async fn import(db: &std::path::Path, tenant: &std::path::Path) -> Output {
    run_to_end(&["import", "--db", db.to_str().expect("utf-8"), "--tenant", tenant.to_str().expect("utf-8")]).await
}

/// Asserts the response is a problem document and returns it.
pub async fn problem_of(res: reqwest::Response) -> Problem {
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    res.json().await.expect("problem json")
}

/// The password of every demo-tenant (and generated-tenant) user.
pub const DEMO_PASSWORD: &str = "Portal-Demo-2026!";

/// Tokens from a full sign-in.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: Option<String>,
}

/// Signs `upn` in over HTTP exactly as the SPA does: authorize (login form), form post,
/// code, PKCE (S256) exchange at the token endpoint.
pub async fn sign_in(server: &Server, upn: &str, password: &str) -> Tokens {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use sha2::{Digest, Sha256};

    let redirect_uri = format!("{}/auth/callback", server.base);
    let verifier = format!(
        "{}{}",
        URL_SAFE_NO_PAD.encode(Sha256::digest(upn.as_bytes())),
        URL_SAFE_NO_PAD.encode(Sha256::digest(format!("{:?}", std::time::SystemTime::now()).as_bytes()))
    );
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let mut authorize = url::Url::parse(&format!("{}/oidc/authorize", server.base)).expect("url");
    authorize
        .query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", "portal")
        .append_pair("redirect_uri", &redirect_uri)
        .append_pair("scope", "openid profile email offline_access")
        .append_pair("state", "st")
        .append_pair("nonce", "no")
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256");
    let client = browser();
    let html = client.get(authorize.as_str()).send().await.expect("authorize").text().await.expect("form");
    let field = |name: &str| -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let start = html.find(&marker).unwrap_or_else(|| panic!("no {name} in the login form")) + marker.len();
        let end = html[start..].find('"').expect("quote") + start;
        html[start..end]
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    };
    let (csrf, request) = (field("csrf"), field("request"));
    let res = client
        .post(format!("{}/oidc/login", server.base))
        .form(&[("csrf", csrf.as_str()), ("request", request.as_str()), ("username", upn), ("password", password)])
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), 303, "sign-in of {upn}");
    let location = url::Url::parse(res.headers()["location"].to_str().expect("ascii")).expect("location");
    let code = location.query_pairs().find(|(k, _)| k == "code").map(|(_, v)| v.into_owned()).expect("code");
    let res = reqwest::Client::new()
        .post(format!("{}/oidc/token", server.base))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", "portal"),
            ("code", code.as_str()),
            ("redirect_uri", redirect_uri.as_str()),
            ("code_verifier", verifier.as_str()),
        ])
        .send()
        .await
        .expect("token");
    assert_eq!(res.status(), 200, "token exchange for {upn}");
    let body: serde_json::Value = res.json().await.expect("token json");
    Tokens {
        access_token: body["access_token"].as_str().expect("access_token").to_string(),
        refresh_token: body["refresh_token"].as_str().map(str::to_string),
    }
}

impl Server {
    /// A request to `path` with `token` as the bearer token.
    pub fn call(&self, method: reqwest::Method, path: &str, token: &str) -> reqwest::RequestBuilder {
        self.client.request(method, format!("{}{path}", self.base)).bearer_auth(token)
    }

    /// Stops the process and waits for it to exit (to restart on the same database).
    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}
