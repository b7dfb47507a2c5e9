//! The command line: `portal-server serve` and `portal-server import`.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "portal-server",
    version,
    about = "Portal: the Portal API, the embedded tenant store and the development identity provider"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

// Parsed once at start; boxing the large `serve` arguments would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the Portal API (and the built SPA, with --dist).
    Serve(ServeArgs),
    /// Validate a tenant file and load it into the database, then exit.
    Import(ImportArgs),
    /// Read a password from stdin and print its argon2id hash (a tenant file's `password_hash`).
    HashPassword,
    /// List the audit trail (every change people asked for) as JSON lines, oldest first.
    Audit(AuditArgs),
    /// Write a large, valid tenant file to stdout (deterministic for a given seed), for
    /// benchmarks. Every generated user's password is `Portal-Demo-2026!`.
    GenerateTenant(GenerateArgs),
}

#[derive(Debug, Args)]
pub struct StoreArgs {
    /// The database: a SQLite file (created with its schema if it does not exist), or a
    /// PostgreSQL URL, postgres://user@host:port/database, shared by several instances.
    /// Give a URL with a password in PORTAL_DB (the environment), never on the command line.
    #[arg(long, value_name = "PATH|URL", env = "PORTAL_DB", default_value = "portal.db", hide_env_values = true)]
    pub db: crate::store::Location,

    /// PostgreSQL: connections this instance keeps at most.
    #[arg(long, value_name = "N", env = "PORTAL_DB_POOL_SIZE", default_value_t = 16)]
    pub db_pool_size: usize,

    /// PostgreSQL: how long a request waits for a free connection before it fails (503).
    #[arg(long, value_name = "MS", env = "PORTAL_DB_WAIT_MS", default_value_t = 5000)]
    pub db_wait_ms: u64,

    /// Tenant file (TOML) describing the organisation, its users, devices and apps.
    /// When omitted, the built-in demo tenant is used. The file is re-imported only
    /// when its content changed since the last import, so state survives restarts.
    #[arg(long, value_name = "PATH", env = "PORTAL_TENANT")]
    pub tenant: Option<PathBuf>,
}

impl StoreArgs {
    pub fn pool(&self) -> crate::store::PoolOptions {
        crate::store::PoolOptions { size: self.db_pool_size, wait: std::time::Duration::from_millis(self.db_wait_ms) }
    }
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on. Port 0 picks a free port; the chosen address is printed.
    #[arg(long, value_name = "ADDR", env = "PORTAL_LISTEN", default_value = "127.0.0.1:8787")]
    pub listen: SocketAddr,

    #[command(flatten)]
    pub store: StoreArgs,

    /// Directory of a built SPA (Trunk's dist/) to serve at `/`; unknown paths fall back
    /// to its index.html so deep links work. Without it only the API is served.
    #[arg(long, value_name = "DIR", env = "PORTAL_DIST")]
    pub dist: Option<PathBuf>,

    /// The URL people open, e.g. https://portal.contoso.example. Used for the identity
    /// provider's issuer and redirect checks. Defaults to http://<listen address>.
    #[arg(long, value_name = "URL", env = "PORTAL_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Where browsers report Content-Security-Policy violations of the SPA's pages
    /// (`report-uri` in its CSP), e.g. a collector of your monitoring. Not set: no reports.
    #[arg(long, value_name = "URL", env = "PORTAL_CSP_REPORT_URI")]
    pub csp_report_uri: Option<String>,

    #[command(flatten)]
    pub identity: crate::oidc::IdentityArgs,

    #[command(flatten)]
    pub graph: crate::tenant::graph::config::GraphArgs,

    /// How long the device simulator lets pending installs, remote actions and selective
    /// wipes wait before carrying them out, in milliseconds (0: at once, as tests use).
    #[arg(long, value_name = "MS", env = "PORTAL_SIMULATOR_DELAY_MS", default_value_t = 3000)]
    pub simulator_delay_ms: u64,

    /// The embedded tenant's recovery keys from a file of their own (TOML, `[[recovery_keys]]`
    /// as in a tenant file) instead of, or besides, the tenant file: checked against the
    /// tenant's devices at start and kept in memory only, never in the database.
    #[arg(long, value_name = "PATH", env = "PORTAL_RECOVERY_KEYS")]
    pub recovery_keys: Option<PathBuf>,

    /// How recent a sign-in must be (the access token's `auth_time`) for a recovery key to
    /// be shown, in seconds.
    #[arg(long, value_name = "SECS", env = "PORTAL_FRESH_SIGN_IN_SECS",
        default_value_t = portal_core::rules::recovery::FRESH_SIGN_IN_MAX_AGE_SECS)]
    pub fresh_sign_in_secs: u64,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub store: StoreArgs,

    /// Import even if this exact file was imported before (resets its state).
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Number of apps.
    #[arg(long, default_value_t = 2000)]
    pub apps: usize,
    /// Number of users (at least 1).
    #[arg(long, default_value_t = 5000)]
    pub users: usize,
    /// Number of managed devices.
    #[arg(long, default_value_t = 10000)]
    pub devices: usize,
    /// Seed of the generator: the same seed gives the same file.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// The server's database: its SQLite file or PostgreSQL URL (see `serve --db`).
    #[arg(long, value_name = "PATH|URL", env = "PORTAL_DB", default_value = "portal.db", hide_env_values = true)]
    pub db: crate::store::Location,
    /// Only entries at or after this RFC 3339 time (e.g. 2026-12-01T00:00:00Z).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Only entries at or before this RFC 3339 time.
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Only this person's: an object id or a sign-in name.
    #[arg(long, value_name = "USER")]
    pub user: Option<String>,
    /// Only changes whose kind starts with this: action, action.wipe, install, uninstall,
    /// rename, selectiveWipe, category, recoveryKey, terms, appRequest.
    #[arg(long, value_name = "KIND")]
    pub what: Option<String>,
    /// Only this device id, device tag or app@device.
    #[arg(long, value_name = "TARGET")]
    pub target: Option<String>,
    /// At most this many entries (0: all).
    #[arg(long, default_value_t = 0)]
    pub limit: usize,
}
