//! `portal-server`: one process that is a complete portal on the embedded default.

use clap::Parser;
use portal_server::cli::{Cli, Command};
use std::process::ExitCode;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PORTAL_LOG")
                .unwrap_or_else(|_| "portal_server=info,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        // Colours only for a person at a terminal, not in log files and journals.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();

    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => portal_server::serve(args).await,
        Command::Import(args) => portal_server::import(args).await,
        Command::HashPassword => portal_server::hash_password(),
        Command::GenerateTenant(args) => portal_server::generate_tenant(args),
        Command::Audit(args) => portal_server::audit(args).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("portal-server: {err:#}");
            ExitCode::FAILURE
        }
    }
}
