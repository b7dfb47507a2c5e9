//! `fake-graph`: the fake Microsoft Graph as a process, for end-to-end tests and benchmarks.
//! Prints exactly one line, `fake-graph listening on http://127.0.0.1:PORT`, when it is ready.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use fake_graph::{FakeGraph, Options};

/// A fake Microsoft Graph (Intune, Entra ID) and Entra token endpoint, checked against
/// Microsoft's schema. See tests/fake-graph/README.md.
#[derive(Parser)]
#[command(name = "fake-graph", version)]
struct Args {
    /// Address to listen on (port 0: an ephemeral port).
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: std::net::SocketAddr,
    /// Milliseconds added to every Graph call.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Milliseconds a device takes to carry out an action, an install or a selective wipe
    /// (0: at once; see --manual-devices to have them wait for the control API).
    #[arg(long, default_value_t = 3000)]
    device_delay_ms: u64,
    /// Devices act only when the control API says so (POST /_fake/advance).
    #[arg(long)]
    manual_devices: bool,
    /// The granted application permissions, comma-separated (default: the portal's least-privilege set).
    #[arg(long, value_delimiter = ',')]
    roles: Option<Vec<String>>,
    /// Folder of fixture files (default: the ones beside this crate).
    #[arg(long)]
    fixtures: Option<PathBuf>,
    /// Folder of Microsoft's schema files (default: $GRAPH_CONTRACT_DIR, else ../shared/graph).
    #[arg(long)]
    contract: Option<PathBuf>,
    /// Items per page when a request has no $top.
    #[arg(long, default_value_t = 10)]
    page_size: usize,
    /// Access-token lifetime in seconds.
    #[arg(long, default_value_t = 3599)]
    token_lifetime_s: u64,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let mut options = Options {
        listen: args.listen,
        latency: Duration::from_millis(args.latency_ms),
        device_delay: if args.manual_devices { None } else { Some(Duration::from_millis(args.device_delay_ms)) },
        page_size: args.page_size,
        token_lifetime: Duration::from_secs(args.token_lifetime_s),
        ..Options::default()
    };
    if let Some(roles) = args.roles {
        options.granted_roles = roles.into_iter().map(|r| r.trim().to_owned()).filter(|r| !r.is_empty()).collect();
    }
    if let Some(dir) = args.fixtures {
        options.fixture_dir = dir;
    }
    if let Some(dir) = args.contract {
        options.contract_dir = dir;
    }
    let graph = match FakeGraph::start(options).await {
        Ok(graph) => graph,
        Err(e) => {
            eprintln!("fake-graph: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("fake-graph listening on {}", graph.base_url());
    let _ = tokio::signal::ctrl_c().await;
    drop(graph);
    ExitCode::SUCCESS
}
