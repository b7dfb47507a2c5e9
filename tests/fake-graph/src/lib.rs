//! A fake Microsoft Graph (Intune and Entra ID, v1.0 and the beta calls the portal makes) and
//! Entra token endpoint for Portal's tests, contract-checked against Microsoft's own schema.
//!
//! ```no_run
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let graph = fake_graph::FakeGraph::start(fake_graph::Options::default()).await?;
//! let token_url = graph.token_url();           // http://127.0.0.1:PORT/{tenant}/oauth2/v2.0/token
//! let v1 = format!("{}/v1.0", graph.base_url()); // Graph v1.0
//! # let _ = (token_url, v1);
//! assert!(graph.violations().is_empty());
//! # Ok(()) }
//! ```
//!
//! The binary (`fake-graph --help`) serves the same for end-to-end tests and benchmarks.
//! README.md says what the organisation is, what a correct portal shows, and the control API.

pub mod auth;
pub mod contract;
mod control;
pub mod faults;
pub mod fixtures;
pub mod log;
pub mod permissions;
pub mod routes;
pub mod state;
pub mod time_util;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use axum::routing::{any, post};
use rand::RngCore;
use serde_json::Value;

pub use contract::Contract;
pub use faults::{Fault, FaultKind};
pub use log::{LoggedRequest, Violation};
pub use state::Outcome;

/// The app registration the fixtures' tenant has (test values, not secrets of anything real).
pub const TENANT_ID: &str = "c0ffee00-0000-4000-8000-000000000001";
pub const CLIENT_ID: &str = "f00dcafe-0000-4000-8000-000000000001";
pub const CLIENT_SECRET: &str = "fake-graph-client-secret";

/// The test certificate registered on the app (its private key is `fixtures/credentials/app-key.pem`).
pub fn test_certificate_pem() -> &'static str {
    include_str!("../fixtures/credentials/app-cert.pem")
}

/// The private key of [`test_certificate_pem`], for tests that sign client assertions.
pub fn test_private_key_pem() -> &'static str {
    include_str!("../fixtures/credentials/app-key.pem")
}

/// Least-privilege application permissions for the whole portal (`../shared/graph/README.md`).
pub const PORTAL_ROLES: &[&str] = &[
    "DeviceManagementManagedDevices.Read.All",
    "DeviceManagementManagedDevices.PrivilegedOperations.All",
    "DeviceManagementApps.Read.All",
    "DeviceManagementApps.ReadWrite.All",
    "User.Read.All",
    "Device.Read.All",
    "GroupMember.ReadWrite.All",
];

#[derive(Debug, Clone)]
pub struct Options {
    /// `127.0.0.1:0` (an ephemeral port) unless given.
    pub listen: SocketAddr,
    pub tenant_id: String,
    pub client_id: String,
    /// The app's client secret (`None`: certificate only).
    pub client_secret: Option<String>,
    /// The app's certificate, PEM (`None`: secret only).
    pub certificate_pem: Option<String>,
    /// The application permissions admin-consented for the app (they go into tokens as `roles`).
    pub granted_roles: Vec<String>,
    pub token_lifetime: Duration,
    /// Added to every Graph call (not the token endpoint, not the control API).
    pub latency: Duration,
    /// How long a device takes to carry out an action, an install or a selective wipe;
    /// `None`: only when the control API advances it.
    pub device_delay: Option<Duration>,
    /// Items per page when a request has no `$top`.
    pub page_size: usize,
    pub fixture_dir: PathBuf,
    pub contract_dir: PathBuf,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            tenant_id: TENANT_ID.into(),
            client_id: CLIENT_ID.into(),
            client_secret: Some(CLIENT_SECRET.into()),
            certificate_pem: Some(test_certificate_pem().into()),
            granted_roles: PORTAL_ROLES.iter().map(|r| (*r).to_owned()).collect(),
            token_lifetime: auth::DEFAULT_TOKEN_LIFETIME,
            latency: Duration::ZERO,
            device_delay: None,
            page_size: 10,
            fixture_dir: fixtures::default_dir(),
            contract_dir: contract::default_contract_dir(),
        }
    }
}

/// What can change while the fake runs (control API).
#[derive(Debug, Clone)]
pub struct Settings {
    pub roles: Vec<String>,
    pub latency: Duration,
    pub device_delay: Option<Duration>,
    pub token_lifetime: Duration,
}

/// Everything the handlers share.
pub struct Shared {
    pub contract: Arc<Contract>,
    pub fixtures: fixtures::Fixtures,
    pub org: Mutex<state::Org>,
    pub log: Mutex<log::Log>,
    pub faults: Mutex<faults::Faults>,
    settings: Mutex<Settings>,
    pub credentials: auth::Credentials,
    pub token_key: Vec<u8>,
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    pub page_size: usize,
    /// Client-assertion `jti`s already used → their `exp`.
    pub used_assertions: Mutex<HashMap<String, u64>>,
}

impl Shared {
    pub fn lock_log(&self) -> MutexGuard<'_, log::Log> {
        self.log.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn settings(&self) -> Settings {
        self.settings.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn update_settings(&self, change: impl FnOnce(&mut Settings)) {
        change(&mut self.settings.lock().unwrap_or_else(|e| e.into_inner()));
    }

    pub fn org(&self) -> MutexGuard<'_, state::Org> {
        self.org.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Back to the fixtures: state, log, violations and faults.
    pub fn reset(&self) {
        let mut org = state::Org::new(&self.fixtures);
        org.schedule_fixture_work(self.settings().device_delay);
        *self.org() = org;
        *self.lock_log() = log::Log::default();
        self.faults.lock().unwrap_or_else(|e| e.into_inner()).rules.clear();
    }

    /// Carries out pending work now (`kind`: `actions`, `installs`, `wipes`).
    pub fn advance(&self, kind: Option<&str>, device: Option<&str>, outcome: Outcome) -> Vec<Value> {
        let mut org = self.org();
        let ids = org.matching(kind, device);
        ids.into_iter().filter_map(|id| org.complete(id, outcome)).collect()
    }
}

#[derive(Debug)]
pub struct StartError(pub String);

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StartError {}

/// The contract, loaded once per process (the schema file is the same for every instance).
fn contract_for(dir: &std::path::Path) -> Result<Arc<Contract>, StartError> {
    static LOADED: OnceLock<Mutex<HashMap<PathBuf, Arc<Contract>>>> = OnceLock::new();
    let cache = LOADED.get_or_init(Default::default);
    let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(found) = cache.get(dir) {
        return Ok(found.clone());
    }
    let contract = Arc::new(Contract::load(dir).map_err(|e| StartError(e.to_string()))?);
    cache.insert(dir.to_owned(), contract.clone());
    Ok(contract)
}

/// A running fake Graph. Dropping it stops the server.
pub struct FakeGraph {
    shared: Arc<Shared>,
    addr: SocketAddr,
    server: tokio::task::JoinHandle<()>,
    ticker: tokio::task::JoinHandle<()>,
}

impl FakeGraph {
    /// Loads the contract and the fixtures (refusing to start on a fixture Graph would not
    /// serve), binds, and serves until dropped.
    pub async fn start(options: Options) -> Result<FakeGraph, StartError> {
        let contract = contract_for(&options.contract_dir)?;
        let fixtures = fixtures::Fixtures::load(&options.fixture_dir, &contract, time::OffsetDateTime::now_utc())
            .map_err(|e| StartError(e.to_string()))?;
        let certificate = match &options.certificate_pem {
            Some(pem) => {
                Some(auth::Certificate::from_pem(pem).map_err(|e| StartError(format!("the app certificate: {e}")))?)
            }
            None => None,
        };
        let listener = tokio::net::TcpListener::bind(options.listen)
            .await
            .map_err(|e| StartError(format!("cannot listen on {}: {e}", options.listen)))?;
        let addr = listener.local_addr().map_err(|e| StartError(e.to_string()))?;
        let mut token_key = vec![0u8; 32];
        rand::thread_rng().fill_bytes(&mut token_key);
        let settings = Settings {
            roles: options.granted_roles.clone(),
            latency: options.latency,
            device_delay: options.device_delay,
            token_lifetime: options.token_lifetime,
        };
        let mut org = state::Org::new(&fixtures);
        org.schedule_fixture_work(options.device_delay);
        let shared = Arc::new(Shared {
            contract,
            fixtures,
            org: Mutex::new(org),
            log: Mutex::new(log::Log::default()),
            faults: Mutex::new(faults::Faults::default()),
            settings: Mutex::new(settings),
            credentials: auth::Credentials {
                tenant_id: options.tenant_id.clone(),
                client_id: options.client_id.clone(),
                client_secret: options.client_secret.clone(),
                certificate,
            },
            token_key,
            base_url: format!("http://{addr}"),
            page_size: options.page_size.max(1),
            used_assertions: Mutex::new(HashMap::new()),
        });
        let app = axum::Router::new()
            .route("/{tenant}/oauth2/v2.0/token", post(auth::token))
            .route("/v1.0/{*rest}", any(routes::graph))
            .route("/beta/{*rest}", any(routes::graph))
            .nest("/_fake", control::router())
            .with_state(shared.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        // The devices: due work is carried out every 20 ms.
        let ticking = shared.clone();
        let ticker = tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(20)).await;
                let mut org = ticking.org();
                for id in org.due(std::time::Instant::now()) {
                    org.complete(id, Outcome::Succeed);
                }
            }
        });
        Ok(FakeGraph { shared, addr, server, ticker })
    }

    /// `http://127.0.0.1:PORT`: Graph is at `/v1.0` and `/beta` below it.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The Entra authority host (`https://login.microsoftonline.com` in production).
    pub fn login_url(&self) -> String {
        self.base_url()
    }

    /// `{login_url}/{tenant}/oauth2/v2.0/token` (a client assertion's `aud`).
    pub fn token_url(&self) -> String {
        format!("{}/{}/oauth2/v2.0/token", self.base_url(), self.shared.credentials.tenant_id)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request so far, in order.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.shared.lock_log().requests.clone()
    }

    /// The state-changing Graph calls so far (what "zero writes" counts).
    pub fn writes(&self) -> Vec<LoggedRequest> {
        self.requests().into_iter().filter(|r| r.write).collect()
    }

    pub fn violations(&self) -> Vec<Violation> {
        self.shared.lock_log().violations.clone()
    }

    pub fn clear_log(&self) {
        *self.shared.lock_log() = log::Log::default();
    }

    pub fn inject(&self, fault: Fault) {
        self.shared.faults.lock().unwrap_or_else(|e| e.into_inner()).rules.push(fault);
    }

    pub fn clear_faults(&self) {
        self.shared.faults.lock().unwrap_or_else(|e| e.into_inner()).rules.clear();
    }

    pub fn set_latency(&self, latency: Duration) {
        self.shared.update_settings(|s| s.latency = latency);
    }

    pub fn set_device_delay(&self, delay: Option<Duration>) {
        self.shared.update_settings(|s| s.device_delay = delay);
    }

    /// The permissions new tokens carry (tokens already issued keep theirs, as with Entra).
    pub fn set_roles(&self, roles: &[&str]) {
        let roles = roles.iter().map(|r| (*r).to_owned()).collect();
        self.shared.update_settings(|s| s.roles = roles);
    }

    /// Pending work: `{"kind": "action"|"install"|"uninstall"|"selectiveWipe", …}`.
    pub fn pending(&self) -> Vec<Value> {
        self.shared.org().pending.iter().map(|p| p.work.describe()).collect()
    }

    /// Carries out pending work now: `kind` `actions`, `installs` or `wipes` (all when `None`),
    /// for one managed device or all; returns what was done.
    pub fn advance(&self, kind: Option<&str>, managed_device: Option<&str>, outcome: Outcome) -> Vec<Value> {
        self.shared.advance(kind, managed_device, outcome)
    }

    /// Back to the fixtures (state, log, violations, faults).
    pub fn reset(&self) {
        self.shared.reset();
    }

    /// The shared state, for what the accessors above do not cover.
    pub fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }
}

impl Drop for FakeGraph {
    fn drop(&mut self) {
        self.server.abort();
        self.ticker.abort();
    }
}
