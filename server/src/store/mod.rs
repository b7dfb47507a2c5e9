//! The store: the portal's own state (notifications, event tickets, the identity provider's
//! keys and sessions, action records and pending work, the audit trail) and, for the embedded
//! tenant, the imported tenant with its live state. Either one SQLite file (WAL), the default,
//! or a PostgreSQL database shared by several instances (`--db postgres://…`), each reached
//! through a bounded connection pool.
//!
//! Handlers never hold a connection across an `.await`: each unit of work is a closure over
//! a [`sql::Db`] that [`Store::run`] runs on a blocking thread, whichever the database. The
//! feature modules below write that closure once for both (see `sql.rs`).

mod apps;
mod audit;
mod branding;
mod cache;
mod categories;
pub(crate) mod codec;
mod completion;
mod devices;
mod intune_requests;
mod leases;
mod location;
mod me;
mod migrations;
mod notifications;
mod protection;
mod recovery;
mod requests;
mod simulation;
pub mod sql;
mod tenant_import;
mod terms;
mod tickets;
mod users;

pub use audit::{AuditEntry, AuditFilter};
pub use cache::TenantCache;
pub use completion::{ActionOutcome, CheckIn, Notice, Record};
pub use intune_requests::{IntuneRequest, NewRequest, RequestKind, RequestState, RequestUpdate};
pub use leases::{spawn_lease_keeper, LEASE};
pub use location::{Location, PoolOptions};
pub use migrations::POSTGRES as POSTGRES_MIGRATIONS;
pub use requests::NewAppRequest;
pub use simulation::{PendingAction, PendingInstall, PendingWipe, PendingWork};
pub use sql::{Db, Dialect};
pub use tenant_import::ImportOutcome;
pub(crate) use users::upn_is_param;
pub use users::User;

use anyhow::{anyhow, Context};
use std::sync::Arc;

#[derive(Clone)]
pub struct Store {
    backend: Backend,
    /// Immutable tenant data (catalog, policies, organisation settings) kept in memory
    /// per import; see [`cache`].
    cache: cache::Shared,
    /// This process among the instances sharing the database: who holds a lease.
    instance: Arc<str>,
}

#[derive(Clone)]
enum Backend {
    Sqlite(deadpool_sqlite::Pool),
    /// The pool, and how to open a connection of its own (the cluster listener's).
    Postgres(deadpool_postgres::Pool, Arc<tokio_postgres::Config>),
}

/// Settings every pooled SQLite connection needs; WAL itself is persistent in the file.
const CONNECTION_PRAGMAS: &str = "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;";

impl Store {
    /// Opens the database — creating a SQLite file if absent — and brings its schema up to
    /// date, with the default pool.
    pub async fn open(location: impl Into<Location>) -> anyhow::Result<Store> {
        Store::open_with(&location.into(), &PoolOptions::default()).await
    }

    pub async fn open_with(location: &Location, options: &PoolOptions) -> anyhow::Result<Store> {
        let backend = match location {
            Location::Sqlite(path) => {
                use deadpool_sqlite::{Config, Hook, HookError, Runtime};
                let pool = Config::new(path)
                    .builder(Runtime::Tokio1)
                    .context("configuring the connection pool")?
                    .post_create(Hook::async_fn(|conn, _| {
                        Box::pin(async move {
                            conn.interact(|c| c.execute_batch(CONNECTION_PRAGMAS))
                                .await
                                .map_err(|e| HookError::message(e.to_string()))?
                                .map_err(HookError::Backend)
                        })
                    }))
                    .build()
                    .context("building the connection pool")?;
                let conn = pool.get().await.map_err(|e| anyhow!("no database connection: {e}"))?;
                conn.interact(|c| {
                    c.pragma_update(None, "journal_mode", "WAL")?;
                    migrations::apply(c)
                })
                .await
                .map_err(|e| anyhow!("database task failed: {e}"))?
                .with_context(|| format!("preparing the database {}", path.display()))?;
                Backend::Sqlite(pool)
            }
            Location::Postgres(_) => {
                let pool = location::postgres_pool(location, options)?;
                let client = pool.get().await.map_err(|e| anyhow!("connecting to {location}: {e}"))?;
                migrations::apply_postgres(&client)
                    .await
                    .with_context(|| format!("preparing the database {location}"))?;
                drop(client);
                Backend::Postgres(pool, Arc::new(location::postgres_config(location)?))
            }
        };
        let instance = format!("{}/{}/{:04x}", hostname(), std::process::id(), fastrand::u16(..));
        Ok(Store { backend, cache: Default::default(), instance: instance.into() })
    }

    /// Which database this is.
    pub fn dialect(&self) -> Dialect {
        match self.backend {
            Backend::Sqlite(_) => Dialect::Sqlite,
            Backend::Postgres(..) => Dialect::Postgres,
        }
    }

    /// This instance's name among those sharing the database (host, process, a random tag).
    pub fn instance(&self) -> &str {
        &self.instance
    }

    /// Runs `work` with a pooled connection on a blocking thread.
    pub async fn run<T, F>(&self, work: F) -> anyhow::Result<T>
    where
        F: FnOnce(&Db<'_>) -> anyhow::Result<T> + Send + 'static,
        T: Send + 'static,
    {
        match &self.backend {
            Backend::Sqlite(pool) => {
                let conn = pool.get().await.map_err(|e| anyhow!("no database connection: {e}"))?;
                conn.interact(move |c| work(&Db::sqlite(c))).await.map_err(|e| anyhow!("database task failed: {e}"))?
            }
            Backend::Postgres(pool, _) => {
                let client = pool.get().await.map_err(|e| anyhow!("no database connection: {e}"))?;
                let runtime = tokio::runtime::Handle::current();
                tokio::task::spawn_blocking(move || work(&Db::postgres(&client, &runtime)))
                    .await
                    .map_err(|e| anyhow!("database task failed: {e}"))?
            }
        }
    }

    /// Whether the database answers (`/api/v1/health`, the readiness check).
    pub async fn ping(&self) -> anyhow::Result<()> {
        self.run(|db| db.query_one::<(i64,)>("SELECT 1", sql::params![]).map(|_| ())).await
    }

    /// How to open a connection of its own, outside the pool, for `LISTEN` (PostgreSQL only).
    pub(crate) fn postgres_config(&self) -> Option<tokio_postgres::Config> {
        match &self.backend {
            Backend::Postgres(_, config) => Some(tokio_postgres::Config::clone(config)),
            Backend::Sqlite(_) => None,
        }
    }

    /// Sends `payloads` in order on the PostgreSQL notification channel `channel`.
    pub(crate) async fn notify(&self, channel: &str, payloads: Vec<String>) -> anyhow::Result<()> {
        let channel = channel.to_string();
        self.run(move |db| {
            for payload in &payloads {
                db.query_one::<(sql::Value,)>("SELECT pg_notify(?1, ?2)", sql::params![channel, payload])?;
            }
            Ok(())
        })
        .await
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "portal".into())
}
