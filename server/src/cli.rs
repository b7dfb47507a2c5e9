//! The command line: `portal-server serve` and `portal-server import`.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "portal-server", version, about = "Portal: the Portal API, the embedded tenant store and the development identity provider")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the Portal API (and the built SPA, with --dist).
    Serve(ServeArgs),
    /// Validate a tenant file and load it into the database, then exit.
    Import(ImportArgs),
}

#[derive(Debug, Args)]
pub struct StoreArgs {
    /// SQLite database file; created (with its schema) if it does not exist.
    #[arg(long, value_name = "PATH", env = "PORTAL_DB", default_value = "portal.db")]
    pub db: PathBuf,

    /// Tenant file (TOML) describing the organisation, its users, devices and apps.
    /// When omitted, the built-in demo tenant is used. The file is re-imported only
    /// when its content changed since the last import, so state survives restarts.
    #[arg(long, value_name = "PATH", env = "PORTAL_TENANT")]
    pub tenant: Option<PathBuf>,
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
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub store: StoreArgs,

    /// Import even if this exact file was imported before (resets its state).
    #[arg(long)]
    pub force: bool,
}
