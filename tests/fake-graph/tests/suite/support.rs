//! What the fake Graph's own tests share: start it, get a token, call Graph.

use std::path::{Path, PathBuf};

use fake_graph::{FakeGraph, Options, CLIENT_ID, CLIENT_SECRET, TENANT_ID};
use serde_json::Value;

// Ids of the fixture organisation (README.md, "The organisation").
pub const AMARA: &str = "00000001-0000-4000-8000-000000000001";
pub const JONAS: &str = "00000001-0000-4000-8000-000000000002";
pub const SOFIA: &str = "00000001-0000-4000-8000-000000000003";
pub const AMARA_IPHONE: &str = "00000003-0000-4000-8000-000000000001";
pub const AMARA_SURFACE: &str = "00000003-0000-4000-8000-000000000003";
pub const AMARA_PIXEL: &str = "00000003-0000-4000-8000-000000000004";
pub const AMARA_MACBOOK: &str = "00000003-0000-4000-8000-000000000005";
pub const JONAS_IPHONE: &str = "00000003-0000-4000-8000-000000000006";
pub const REASSIGNED_LAPTOP: &str = "00000003-0000-4000-8000-000000000008";
pub const AMARA_MACBOOK_ENTRA: &str = "00000004-0000-4000-8000-000000000005";
pub const G_ALL_STAFF: &str = "00000002-0000-4000-8000-000000000001";
pub const G_SALES: &str = "00000002-0000-4000-8000-000000000002";
pub const G_SS_EXPENSES: &str = "00000002-0000-4000-8000-000000000015";
pub const G_SS_EXPENSES_UNINSTALL: &str = "00000002-0000-4000-8000-000000000016";
pub const G_SS_LAB_NOTEBOOK: &str = "00000002-0000-4000-8000-000000000017";
pub const G_SS_DESIGN_DEVICES: &str = "00000002-0000-4000-8000-000000000018";
pub const APP_EXPENSES_IOS: &str = "00000006-0000-4000-8000-00000000000b";
pub const APP_LAB_NOTEBOOK: &str = "00000006-0000-4000-8000-00000000000d";
pub const APP_DESIGN_STUDIO: &str = "00000006-0000-4000-8000-00000000001d";
pub const TAG_AMARA_IPAD: &str = "0000000b-0000-4000-8000-000000000001";

pub struct Graph {
    pub fake: FakeGraph,
    pub http: reqwest::Client,
    pub token: String,
}

pub async fn start() -> Graph {
    start_with(Options::default()).await
}

pub async fn start_with(options: Options) -> Graph {
    let fake = FakeGraph::start(options).await.unwrap_or_else(|e| panic!("the fake Graph did not start: {e}"));
    let http = reqwest::Client::new();
    let token = secret_token(&http, &fake).await;
    Graph { fake, http, token }
}

pub async fn secret_token(http: &reqwest::Client, fake: &FakeGraph) -> String {
    let response = http
        .post(fake.token_url())
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
            ("scope", "https://graph.microsoft.com/.default"),
        ])
        .send()
        .await
        .expect("token endpoint");
    let body: Value = response.json().await.expect("token JSON");
    body["access_token"].as_str().expect("an access token").to_owned()
}

impl Graph {
    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.fake.base_url())
        }
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        let response = self.http.get(self.url(path)).bearer_auth(&self.token).send().await.expect("GET");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn send(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut request = self.http.request(method, self.url(path)).bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send("POST", path, Some(body)).await
    }

    /// Every page of a collection, following `@odata.nextLink` verbatim.
    pub async fn all_pages(&self, path: &str) -> (Vec<Value>, usize) {
        let mut items = Vec::new();
        let mut pages = 0;
        let mut next = Some(path.to_owned());
        while let Some(url) = next {
            let (status, body) = self.get(&url).await;
            assert_eq!(status, 200, "{url}: {body}");
            pages += 1;
            items.extend(body["value"].as_array().cloned().unwrap_or_default());
            next = body["@odata.nextLink"].as_str().map(str::to_owned);
            assert!(pages < 100, "paging does not end");
        }
        (items, pages)
    }

    pub fn assert_no_violations(&self) {
        let violations = self.fake.violations();
        assert!(violations.is_empty(), "contract violations: {violations:#?}");
    }
}

/// A copy of the fixtures in a temporary folder, changed by `change(file name, document)`.
pub fn fixtures_with(change: impl Fn(&str, &mut Value)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_fixtures(&fake_graph::fixtures::default_dir(), dir.path(), &change);
    dir
}

fn copy_fixtures(from: &Path, to: &Path, change: &impl Fn(&str, &mut Value)) {
    for entry in std::fs::read_dir(from).expect("fixtures") {
        let entry = entry.expect("entry");
        let path: PathBuf = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.extension().is_some_and(|e| e == "json") {
            let mut document: Value =
                serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
            change(&name, &mut document);
            std::fs::write(to.join(&name), serde_json::to_string_pretty(&document).expect("json")).expect("write");
        }
    }
}

pub fn tenant() -> &'static str {
    TENANT_ID
}
