//! `portal-server` as a library: the binary in `main.rs` only parses the command line.

pub mod cli;
pub mod http;
pub mod store;
pub mod tenant;

use anyhow::Context;
use cli::{ImportArgs, ServeArgs};
use std::sync::Arc;
use tokio::net::TcpListener;

pub use anyhow::Error;

/// Shared by every request handler. Holds no session state: several instances can run
/// behind a load balancer over the same store.
#[derive(Clone)]
pub struct AppState {
    pub store: store::Store,
    pub public_url: Arc<str>,
}

/// `portal-server serve`.
pub async fn serve(args: ServeArgs) -> Result<(), Error> {
    let store = store::Store::open(&args.store.db).await.context("opening the database")?;
    let source = tenant::Source::from_arg(args.store.tenant.as_deref()).context("reading the tenant file")?;
    let outcome = store.load_tenant(&source, false).await?;
    tracing::info!("{outcome}");

    let listener = TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    let local = listener.local_addr().context("reading the bound address")?;
    let public_url = args.public_url.unwrap_or_else(|| format!("http://{local}"));
    let state = AppState { store, public_url: public_url.trim_end_matches('/').into() };
    let app = http::router(state, args.dist.as_deref())?;

    // Tests and scripts read this line to learn the port when --listen ends in :0.
    println!("portal-server listening on http://{local}");
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("serving")?;
    Ok(())
}

/// `portal-server import`.
pub async fn import(args: ImportArgs) -> Result<(), Error> {
    let store = store::Store::open(&args.store.db).await.context("opening the database")?;
    let source = tenant::Source::from_arg(args.store.tenant.as_deref()).context("reading the tenant file")?;
    let outcome = store.load_tenant(&source, args.force).await?;
    println!("{outcome}");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
