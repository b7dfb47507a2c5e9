//! The database a test's server runs on: a SQLite file by default, or a new PostgreSQL
//! database when the suite runs with `PORTAL_TEST_STORE=postgres` (scripts/test runs the
//! suites that exercise the store a second time so). PostgreSQL is one throwaway cluster per
//! test run — `PORTAL_TEST_POSTGRES` names it (scripts/test starts it with
//! `scripts/test-postgres`), or the first test that needs one starts it for its process —
//! with a new database per test.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TestDb {
    Sqlite(PathBuf),
    Postgres(String),
}

impl From<&Path> for TestDb {
    fn from(path: &Path) -> TestDb {
        TestDb::Sqlite(path.to_path_buf())
    }
}

impl From<PathBuf> for TestDb {
    fn from(path: PathBuf) -> TestDb {
        TestDb::Sqlite(path)
    }
}

impl From<&PathBuf> for TestDb {
    fn from(path: &PathBuf) -> TestDb {
        TestDb::Sqlite(path.clone())
    }
}

impl From<&TestDb> for TestDb {
    fn from(db: &TestDb) -> TestDb {
        db.clone()
    }
}

/// Whether this run's suites use PostgreSQL (`PORTAL_TEST_STORE=postgres`).
pub fn postgres_run() -> bool {
    std::env::var("PORTAL_TEST_STORE").is_ok_and(|s| s == "postgres")
}

impl TestDb {
    /// A new, empty database for one test: `dir/portal.db`, or a new PostgreSQL database.
    pub async fn fresh(dir: &Path) -> TestDb {
        if postgres_run() {
            TestDb::Postgres(new_postgres_database().await)
        } else {
            TestDb::Sqlite(dir.join("portal.db"))
        }
    }

    /// `--db`'s value.
    pub fn arg(&self) -> String {
        match self {
            TestDb::Sqlite(path) => path.to_str().expect("utf-8 path").to_string(),
            TestDb::Postgres(url) => url.clone(),
        }
    }

    /// The SQLite file (for the tests that only make sense on one: integrity checks).
    pub fn sqlite_path(&self) -> &Path {
        match self {
            TestDb::Sqlite(path) => path,
            TestDb::Postgres(_) => panic!("this test needs a SQLite store"),
        }
    }

    /// Every row of `sql`, each value as text (`NULL` for null): equal before and after
    /// means nothing changed. Only for comparing rows of the same store.
    pub async fn rows(&self, sql: &str) -> Vec<Vec<String>> {
        match self {
            TestDb::Sqlite(path) => {
                let conn = rusqlite::Connection::open(path).expect("open db");
                let mut stmt = conn.prepare(sql).expect("prepare");
                let columns = stmt.column_count();
                let mut q = stmt.query([]).expect("query");
                let mut rows = Vec::new();
                while let Some(row) = q.next().expect("row") {
                    rows.push(
                        (0..columns)
                            .map(|i| match row.get_ref(i).expect("value") {
                                rusqlite::types::ValueRef::Null => "NULL".to_string(),
                                rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                                rusqlite::types::ValueRef::Real(f) => f.to_string(),
                                rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                                rusqlite::types::ValueRef::Blob(b) => format!("{b:?}"),
                            })
                            .collect(),
                    );
                }
                rows
            }
            TestDb::Postgres(url) => {
                let client = connect(url).await;
                // The simple protocol answers every value as text.
                let messages = client.simple_query(sql).await.expect("query");
                messages
                    .into_iter()
                    .filter_map(|m| match m {
                        tokio_postgres::SimpleQueryMessage::Row(row) => Some(
                            (0..row.len())
                                .map(|i| row.get(i).map_or_else(|| "NULL".to_string(), str::to_string))
                                .collect(),
                        ),
                        _ => None,
                    })
                    .collect()
            }
        }
    }

    /// The one integer `sql` answers (a count).
    pub async fn count(&self, sql: &str) -> i64 {
        let rows = self.rows(sql).await;
        rows.first().and_then(|r| r.first()).and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("{sql}: {rows:?}"))
    }

    /// Runs a statement (a test changing the database behind the server's back).
    pub async fn execute(&self, sql: &str) {
        match self {
            TestDb::Sqlite(path) => {
                rusqlite::Connection::open(path).expect("open db").execute_batch(sql).expect("execute");
            }
            TestDb::Postgres(url) => connect(url).await.batch_execute(sql).await.expect("execute"),
        }
    }
}

/// A client of `url` (its connection runs on the calling test's runtime).
pub async fn connect(url: &str) -> tokio_postgres::Client {
    let (client, connection) =
        tokio_postgres::connect(url, tokio_postgres::NoTls).await.expect("connect to PostgreSQL");
    tokio::spawn(async move {
        let _ = connection.await;
    });
    client
}

/// The cluster's URL (its `postgres` database), started for this process when the test
/// command did not start one.
pub fn cluster() -> &'static str {
    static CLUSTER: OnceLock<String> = OnceLock::new();
    CLUSTER.get_or_init(|| {
        if let Ok(url) = std::env::var("PORTAL_TEST_POSTGRES") {
            return url;
        }
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/test-postgres");
        let out = std::process::Command::new(script)
            .arg("start")
            .arg(std::process::id().to_string())
            .stderr(std::process::Stdio::inherit())
            .output()
            .expect("run scripts/test-postgres");
        assert!(out.status.success(), "scripts/test-postgres start failed");
        String::from_utf8(out.stdout).expect("utf-8").trim().to_string()
    })
}

/// A new database in the cluster; its URL.
pub async fn new_postgres_database() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let cluster = cluster().to_string();
    let name = format!("t{}_{}_{:04x}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed), fastrand::u16(..));
    connect(&cluster).await.batch_execute(&format!("CREATE DATABASE {name}")).await.expect("create database");
    let base = cluster.rsplit_once('/').map(|(base, _)| base).expect("a URL with a database");
    format!("{base}/{name}")
}
