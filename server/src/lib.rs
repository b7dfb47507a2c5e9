//! `portal-server` as a library: the binary in `main.rs` only parses the command line.

pub mod assets;
pub mod auth;
pub mod cli;
pub mod cluster;
pub mod dates;
pub mod events;
pub mod generate;
pub mod http;
pub mod oidc;
pub mod store;
pub mod tenant;
pub mod tenant_file;
pub mod verdicts;

use anyhow::Context;
use cli::{ImportArgs, ServeArgs};
use std::sync::Arc;
use tokio::net::TcpListener;

pub use anyhow::Error;

/// Shared by every request handler. Holds no session state: several instances can run
/// behind a load balancer over the same store.
#[derive(Clone)]
pub struct AppState {
    /// The portal's own state (notifications, event tickets, the identity provider's keys
    /// and sessions); for the embedded tenant also the imported tenant.
    pub store: store::Store,
    /// Where tenant facts come from, and where self-service changes go.
    pub tenant: tenant::SharedTenant,
    pub public_url: Arc<str>,
    /// The development identity provider (`/oidc`): its configuration and signing key.
    pub oidc: Arc<oidc::Provider>,
    /// Checks bearer tokens for the Portal API (the [`auth::Caller`] extractor).
    pub verifier: Arc<auth::Verifier>,
    /// Live changes for `/api/v1/me/events`, fed by handlers and the device simulator.
    pub events: events::EventBus,
    /// Catalog rule results per rule input, for `/me/apps` and `/me/home`.
    pub verdicts: Arc<verdicts::VerdictCache>,
    /// Acceptances of the terms of use known to this instance (the gate of `auth::Caller`).
    pub terms_accepted: Arc<auth::TermsAccepted>,
    /// How recent a sign-in a recovery key needs (`--fresh-sign-in-secs`).
    pub fresh_sign_in_secs: u64,
}

/// `portal-server serve`.
pub async fn serve(args: ServeArgs) -> Result<(), Error> {
    let store = store::Store::open_with(&args.store.db, &args.store.pool())
        .await
        .with_context(|| format!("opening the database {}", args.store.db))?;
    let events = events::EventBus::default();
    let tenant: tenant::SharedTenant = match args.graph.source {
        tenant::graph::config::SourceKind::Embedded => {
            let source =
                tenant_file::Source::from_arg(args.store.tenant.as_deref()).context("reading the tenant file")?;
            let outcome = store.load_tenant(&source, false).await?;
            tracing::info!("{outcome}");
            if matches!(outcome, store::ImportOutcome::Imported { .. }) {
                // Instances already serving this database (a rolling restart) drop the old one.
                cluster::announce_import(&store).await.context("telling the running instances")?;
            }
            let delay = std::time::Duration::from_millis(args.simulator_delay_ms);
            let mut embedded =
                tenant::embedded::EmbeddedTenant::start(store.clone(), events.clone(), source.name, delay);
            if let Some(path) = &args.recovery_keys {
                embedded = embedded.with_recovery_keys(path).await?;
            }
            Arc::new(embedded)
        }
        tenant::graph::config::SourceKind::Graph => {
            if args.store.tenant.is_some() {
                anyhow::bail!("--tenant is the embedded tenant's file; with --source graph the tenant is Intune");
            }
            if args.recovery_keys.is_some() {
                anyhow::bail!("--recovery-keys is for the embedded tenant; with --source graph the keys are Intune's");
            }
            if args.identity.issuer.is_none() {
                anyhow::bail!(
                    "--source graph signs people in with the organisation's Entra ID: give --issuer \
                     https://login.microsoftonline.com/<tenant id>/v2.0 and --audience (the Portal API's app)"
                );
            }
            let settings = args.graph.settings()?;
            tenant::graph::IntuneTenant::start(settings, store.clone(), events.clone())
                .await
                .context("connecting to Microsoft Intune")?
        }
    };
    tracing::info!("tenant facts come from {}", tenant.describe());

    let listener = TcpListener::bind(args.listen).await.with_context(|| format!("listening on {}", args.listen))?;
    let local = listener.local_addr().context("reading the bound address")?;
    let public_url = args.public_url.unwrap_or_else(|| format!("http://{local}"));
    let public_url = public_url.trim_end_matches('/');
    let oidc = oidc::Provider::start(store.clone(), public_url, &args.identity).await?;
    let verifier = auth::Verifier::new(store.clone(), &oidc, &args.identity)?;
    tracing::info!("Portal API trusts access tokens of {} for audience {}", verifier.issuer(), args.identity.audience);
    let state = AppState {
        store,
        tenant,
        public_url: public_url.into(),
        oidc: Arc::new(oidc),
        verifier: Arc::new(verifier),
        events,
        verdicts: Default::default(),
        terms_accepted: Default::default(),
        fresh_sign_in_secs: args.fresh_sign_in_secs,
    };
    // Several instances over one PostgreSQL database: events and tenant changes reach all.
    cluster::start(
        &state.store,
        &state.events,
        Arc::new(Invalidate {
            store: state.store.clone(),
            verifier: state.verifier.clone(),
            tenant: state.tenant.clone(),
        }),
    );
    store::spawn_lease_keeper(state.store.clone());
    let app = http::router(state, args.dist.as_deref(), args.csp_report_uri.as_deref())?;

    // Tests and scripts read this line to learn the port when --listen ends in :0.
    println!("portal-server listening on http://{local}");
    // Connection info: the sign-in limits count failures per client address.
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await.context("serving")?;
    Ok(())
}

/// What an instance drops when another says the tenant or a person changed.
struct Invalidate {
    store: store::Store,
    verifier: Arc<auth::Verifier>,
    tenant: tenant::SharedTenant,
}

impl cluster::Reactions for Invalidate {
    fn tenant_changed(&self) {
        self.store.invalidate_cache();
        self.verifier.forget();
    }

    fn person_changed(&self, user_id: &str) {
        self.tenant.forget_person(user_id);
    }
}

/// `portal-server import`.
pub async fn import(args: ImportArgs) -> Result<(), Error> {
    let store = store::Store::open_with(&args.store.db, &args.store.pool())
        .await
        .with_context(|| format!("opening the database {}", args.store.db))?;
    let source = tenant_file::Source::from_arg(args.store.tenant.as_deref()).context("reading the tenant file")?;
    let outcome = store.load_tenant(&source, args.force).await?;
    if matches!(outcome, store::ImportOutcome::Imported { .. }) {
        // Instances serving this database drop what they cached of the old tenant.
        cluster::announce_import(&store).await.context("telling the running instances")?;
    }
    println!("{outcome}");
    Ok(())
}

/// `portal-server hash-password`: reads a password from stdin (one line at a terminal,
/// everything when piped) and prints its argon2id PHC string, for a tenant file's
/// `password_hash`.
pub fn hash_password() -> Result<(), Error> {
    use argon2::password_hash::PasswordHasher;
    use std::io::{IsTerminal, Read};
    let mut input = String::new();
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Password (shown as typed): ");
        stdin.read_line(&mut input).context("reading the password from stdin")?;
    } else {
        stdin.lock().read_to_string(&mut input).context("reading the password from stdin")?;
    }
    // Only the line ending a terminal or `echo` adds is dropped; other spaces are the password's.
    let password = input.strip_suffix('\n').map(|p| p.strip_suffix('\r').unwrap_or(p)).unwrap_or(&input);
    if password.is_empty() {
        anyhow::bail!("no password on stdin (try: printf '%s' 'the password' | portal-server hash-password)");
    }
    let hash = argon2::Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|e| anyhow::anyhow!("hashing the password: {e}"))?;
    println!("{hash}");
    Ok(())
}

/// `portal-server audit`: the audit trail as JSON lines.
pub async fn audit(args: cli::AuditArgs) -> Result<(), Error> {
    use std::io::Write;
    for (flag, value) in [("--since", &args.since), ("--until", &args.until)] {
        if let Some(value) = value {
            dates::normalise(value).with_context(|| format!("{flag} {value}: not an RFC 3339 time"))?;
        }
    }
    let store = store::Store::open(&args.db).await.with_context(|| format!("opening the database {}", args.db))?;
    let filter = store::AuditFilter {
        since: args.since.as_deref().and_then(dates::normalise),
        until: args.until.as_deref().and_then(dates::normalise),
        user: args.user,
        what: args.what,
        target: args.target,
        limit: args.limit,
    };
    let mut out = std::io::stdout().lock();
    for entry in store.audit_entries(filter).await? {
        writeln!(out, "{}", serde_json::to_string(&entry)?).context("writing the audit trail")?;
    }
    Ok(())
}

/// `portal-server generate-tenant`: writes a large, valid tenant file to stdout.
pub fn generate_tenant(args: cli::GenerateArgs) -> Result<(), Error> {
    use std::io::Write;
    let text = generate::tenant_toml(
        &generate::Size { apps: args.apps, users: args.users, devices: args.devices },
        args.seed,
    )?;
    std::io::stdout().lock().write_all(text.as_bytes()).context("writing the tenant file")?;
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
