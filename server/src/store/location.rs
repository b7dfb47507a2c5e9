//! Where the store is: a SQLite file, or a PostgreSQL database (`postgres://…` or
//! `postgresql://…`, libpq's URL form), and how big its connection pool is.

use anyhow::Context;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    Sqlite(PathBuf),
    /// The URL as given; it may carry a password, so it is only ever shown redacted.
    Postgres(String),
}

impl Location {
    /// `postgres://` and `postgresql://` are PostgreSQL; anything else is a SQLite path.
    pub fn parse(arg: &str) -> Location {
        if arg.starts_with("postgres://") || arg.starts_with("postgresql://") {
            Location::Postgres(arg.to_string())
        } else {
            Location::Sqlite(PathBuf::from(arg))
        }
    }
}

impl std::str::FromStr for Location {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Location::parse(s))
    }
}

impl From<&Path> for Location {
    fn from(path: &Path) -> Location {
        Location::Sqlite(path.to_path_buf())
    }
}

impl From<PathBuf> for Location {
    fn from(path: PathBuf) -> Location {
        Location::Sqlite(path)
    }
}

impl From<&PathBuf> for Location {
    fn from(path: &PathBuf) -> Location {
        Location::Sqlite(path.clone())
    }
}

impl From<&Location> for Location {
    fn from(location: &Location) -> Location {
        location.clone()
    }
}

/// A PostgreSQL URL with its password replaced by `***`, for messages and logs.
fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            if parsed.password().is_some() {
                let _ = parsed.set_password(Some("***"));
            }
            let pairs: Vec<(String, String)> = parsed
                .query_pairs()
                .map(|(k, v)| {
                    let v = if k.eq_ignore_ascii_case("password") { "***".into() } else { v.into_owned() };
                    (k.into_owned(), v)
                })
                .collect();
            if !pairs.is_empty() {
                parsed.query_pairs_mut().clear().extend_pairs(pairs);
            }
            parsed.to_string()
        }
        Err(_) => "a PostgreSQL URL".into(),
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Sqlite(path) => write!(f, "{}", path.display()),
            Location::Postgres(url) => f.write_str(&redacted(url)),
        }
    }
}

impl fmt::Debug for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Location({self})")
    }
}

/// The PostgreSQL pool's bounds (`serve --db-pool-size`, `--db-wait-ms`). SQLite's pool is
/// deadpool-sqlite's default (four connections a core), which its one writer never fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolOptions {
    /// Connections at most, per instance.
    pub size: usize,
    /// How long a unit of work waits for a free connection before it fails (a 503 problem).
    pub wait: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        PoolOptions { size: 16, wait: Duration::from_secs(5) }
    }
}

/// How long connecting may take, and how long one statement may run.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const STATEMENT_TIMEOUT_MS: u64 = 30_000;
/// A transaction left open this long (a stuck instance) is ended by the server.
const IDLE_IN_TRANSACTION_MS: u64 = 60_000;

pub(super) fn postgres_config(location: &Location) -> anyhow::Result<tokio_postgres::Config> {
    let Location::Postgres(url) = location else { anyhow::bail!("{location} is not a PostgreSQL URL") };
    let mut config: tokio_postgres::Config =
        url.parse().map_err(|e| anyhow::anyhow!("{}: not a PostgreSQL URL: {e}", redacted(url)))?;
    if config.get_application_name().is_none() {
        config.application_name("portal-server");
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    // Every session: UTC, and bounds on statements and on transactions left open.
    let ours = format!(
        "-c TimeZone=UTC -c statement_timeout={STATEMENT_TIMEOUT_MS} -c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_MS}"
    );
    let options = match config.get_options() {
        Some(theirs) if !theirs.is_empty() => format!("{ours} {theirs}"),
        _ => ours,
    };
    config.options(&options);
    Ok(config)
}

pub(super) fn postgres_pool(location: &Location, options: &PoolOptions) -> anyhow::Result<deadpool_postgres::Pool> {
    use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
    let config = postgres_config(location)?;
    let manager =
        Manager::from_config(config, tokio_postgres::NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
    Pool::builder(manager)
        .max_size(options.size.max(1))
        .runtime(Runtime::Tokio1)
        .wait_timeout(Some(options.wait))
        .create_timeout(Some(CONNECT_TIMEOUT))
        .recycle_timeout(Some(CONNECT_TIMEOUT))
        .build()
        .context("building the connection pool")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_postgres_and_everything_else_a_file() {
        assert!(matches!(Location::parse("postgres://portal@db/portal"), Location::Postgres(_)));
        assert!(matches!(Location::parse("postgresql://db/portal"), Location::Postgres(_)));
        assert_eq!(Location::parse("portal.db"), Location::Sqlite("portal.db".into()));
        assert_eq!(
            Location::parse("/var/lib/portal/postgres.db"),
            Location::Sqlite("/var/lib/portal/postgres.db".into())
        );
    }

    #[test]
    fn passwords_never_show() {
        let shown = Location::parse("postgres://portal:s3cret@db.example:5432/portal?sslmode=disable").to_string();
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("db.example"), "{shown}");
        let shown = Location::parse("postgres://db/portal?user=portal&password=s3cret").to_string();
        assert!(!shown.contains("s3cret"), "{shown}");
        let debug = format!("{:?}", Location::parse("postgres://portal:s3cret@db/portal"));
        assert!(!debug.contains("s3cret"), "{debug}");
    }
}
