//! `portal-server serve --source graph` against the fake Microsoft Graph (`tests/fake-graph`,
//! every request and answer checked against Microsoft's schema) with a test issuer for the
//! people's access tokens. The fake runs in this process, so it outlives a server that is
//! killed and started again on the same database.
#![allow(dead_code)]

use crate::support::issuer::{TestIssuer, AUDIENCE};
use crate::support::{Server, TestDb};
use fake_graph::{FakeGraph, Options};
use std::time::Duration;

// The fake organisation (tests/fake-graph/README.md, "The organisation").
pub const AMARA: &str = "00000001-0000-4000-8000-000000000001";
pub const JONAS: &str = "00000001-0000-4000-8000-000000000002";
pub const SOFIA: &str = "00000001-0000-4000-8000-000000000003";
pub const HANNAH: &str = "00000001-0000-4000-8000-000000000004";
pub fn device(n: u8) -> String {
    format!("00000003-0000-4000-8000-{n:012x}")
}
pub fn app(n: u8) -> String {
    format!("00000006-0000-4000-8000-{n:012x}")
}
pub fn group(n: u8) -> String {
    format!("00000002-0000-4000-8000-{n:012x}")
}
pub fn tag(n: u8) -> String {
    format!("0000000b-0000-4000-8000-{n:012x}")
}

/// How to start one.
pub struct Setup {
    pub beta: bool,
    /// The organisation file's text (install groups).
    pub organisation: Option<String>,
    pub fresh_secs: u64,
    /// `None`: the fake's devices act only when a test advances them.
    pub device_delay: Option<Duration>,
    pub extra: Vec<String>,
}

impl Default for Setup {
    fn default() -> Self {
        Setup {
            beta: false,
            organisation: None,
            fresh_secs: 30,
            device_delay: Some(Duration::from_millis(200)),
            extra: vec![],
        }
    }
}

pub struct Intune {
    pub graph: FakeGraph,
    pub issuer: TestIssuer,
    pub server: Server,
    pub dir: tempfile::TempDir,
    args: Vec<String>,
}

impl Intune {
    pub async fn start(setup: Setup) -> Intune {
        Intune::start_on(setup, None).await
    }

    /// [`Intune::start`] on `db` (several instances on one PostgreSQL database).
    pub async fn start_on(setup: Setup, db: Option<TestDb>) -> Intune {
        let graph = FakeGraph::start(Options { device_delay: setup.device_delay, ..Default::default() })
            .await
            .unwrap_or_else(|e| panic!("the fake Graph did not start: {e}"));
        let issuer = TestIssuer::start().await;
        let dir = tempfile::tempdir().expect("tempdir");
        let mut args: Vec<String> = [
            "--source",
            "graph",
            "--graph-tenant-id",
            fake_graph::TENANT_ID,
            "--graph-client-id",
            fake_graph::CLIENT_ID,
            "--graph-timeout-ms",
            "3000",
            "--graph-wait-ms",
            "500",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        args.extend(["--graph-url".into(), graph.base_url(), "--graph-login-url".into(), graph.login_url()]);
        args.extend(["--issuer".into(), issuer.issuer.clone(), "--audience".into(), AUDIENCE.into()]);
        args.extend(["--graph-user-fresh-secs".into(), setup.fresh_secs.to_string()]);
        if setup.beta {
            args.push("--graph-beta".into());
        }
        if let Some(text) = &setup.organisation {
            let path = dir.path().join("organisation.toml");
            std::fs::write(&path, text).expect("organisation file");
            args.extend(["--graph-organisation".into(), path.display().to_string()]);
        }
        args.extend(setup.extra);
        let db = match db {
            Some(db) => db,
            None => TestDb::fresh(dir.path()).await,
        };
        let server = start_server(&db, &args).await;
        Intune { graph, issuer, server, dir, args }
    }

    /// Another instance of the same portal on the same database (PostgreSQL) and Graph.
    pub async fn another_instance(&self) -> Server {
        start_server(&self.server.db, &self.args).await
    }

    /// Kills the server (SIGKILL: nothing is flushed or finished) and starts it again on the
    /// same database, against the same fake Graph.
    pub async fn kill_and_restart(self) -> Intune {
        let Intune { graph, issuer, server, dir, args } = self;
        let db = server.db.clone();
        server.stop().await;
        let server = start_server(&db, &args).await;
        Intune { graph, issuer, server, dir, args }
    }

    pub fn token(&self, oid: &str) -> String {
        self.issuer.token_for(oid)
    }

    pub fn call(&self, method: reqwest::Method, path: &str, oid: &str) -> reqwest::RequestBuilder {
        self.server.call(method, path, &self.token(oid))
    }

    /// GETs `path` as `oid` and decodes it (panics on a non-200, with the body).
    pub async fn get<T: serde::de::DeserializeOwned>(&self, oid: &str, path: &str) -> T {
        let res = self.call(reqwest::Method::GET, path, oid).send().await.expect("request");
        let status = res.status();
        let text = res.text().await.expect("body");
        assert_eq!(status, 200, "GET {path} as {oid}: {text}");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("GET {path}: {e}: {text}"))
    }

    /// The test ends with the fake Graph having seen nothing that Graph would refuse.
    pub fn assert_no_violations(&self) {
        let violations = self.graph.violations();
        assert!(violations.is_empty(), "requests or answers against Microsoft's schema: {violations:#?}");
    }

    /// Waits (at most 20 s) until `check` holds, polling every 100 ms.
    pub async fn eventually<F, Fut>(&self, what: &str, mut check: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while !check().await {
            assert!(tokio::time::Instant::now() < deadline, "not within 20 s: {what}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

async fn start_server(db: &TestDb, args: &[String]) -> Server {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    Server::start_with_env(db, &args, &[("PORTAL_GRAPH_CLIENT_SECRET", fake_graph::CLIENT_SECRET)]).await
}
