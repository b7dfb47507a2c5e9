//! The store: one SQLite file (WAL), reached through a small connection pool. It holds the
//! portal's own state (notifications, event tickets, the identity provider's keys and
//! sessions) and, for the embedded tenant, the imported tenant with its live state.
//!
//! Handlers never hold a connection across an `.await`: each unit of work runs on the
//! pool's blocking thread through [`Store::run`].

mod apps;
mod audit;
mod branding;
mod cache;
mod categories;
pub(crate) mod codec;
mod completion;
mod devices;
mod intune_requests;
mod me;
mod migrations;
mod notifications;
mod protection;
mod recovery;
mod requests;
mod simulation;
mod tenant_import;
mod terms;
mod tickets;
mod users;

pub use audit::{AuditEntry, AuditFilter};
pub use cache::TenantCache;
pub use completion::{ActionOutcome, CheckIn, Notice, Record};
pub use intune_requests::{IntuneRequest, NewRequest, RequestKind, RequestState, RequestUpdate};
pub use requests::NewAppRequest;
pub use simulation::{PendingAction, PendingInstall, PendingWipe, PendingWork};
pub use tenant_import::ImportOutcome;
pub use users::User;

use anyhow::{anyhow, Context};
use deadpool_sqlite::{Config, Hook, HookError, Pool, Runtime};
use rusqlite::Connection;
use std::path::Path;

#[derive(Clone)]
pub struct Store {
    pool: Pool,
    /// Immutable tenant data (catalog, policies, organisation settings) kept in memory
    /// per import; see [`cache`].
    cache: cache::Shared,
}

/// Settings every pooled connection needs; WAL itself is persistent in the file.
const CONNECTION_PRAGMAS: &str = "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;";

impl Store {
    /// Opens (creating if absent) the database file and brings its schema up to date.
    pub async fn open(path: &Path) -> anyhow::Result<Store> {
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
        let store = Store { pool, cache: Default::default() };
        store
            .run(|conn| {
                conn.pragma_update(None, "journal_mode", "WAL")?;
                migrations::apply(conn)
            })
            .await
            .with_context(|| format!("preparing the database {}", path.display()))?;
        Ok(store)
    }

    /// Runs `work` with a pooled connection on a blocking thread.
    pub async fn run<T, F>(&self, work: F) -> anyhow::Result<T>
    where
        F: FnOnce(&mut Connection) -> anyhow::Result<T> + Send + 'static,
        T: Send + 'static,
    {
        let conn = self.pool.get().await.map_err(|e| anyhow!("no database connection: {e}"))?;
        conn.interact(work).await.map_err(|e| anyhow!("database task failed: {e}"))?
    }
}
