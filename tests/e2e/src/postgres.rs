//! A PostgreSQL database for a test that runs several portal-server instances over one
//! (tests/instances.rs). The cluster is the test command's (`PORTAL_TEST_POSTGRES`, started
//! by scripts/test with scripts/test-postgres), or one started for this test process and
//! removed when it ends.

use anyhow::{bail, Context, Result};
use std::sync::OnceLock;

fn cluster() -> Result<String> {
    static CLUSTER: OnceLock<std::result::Result<String, String>> = OnceLock::new();
    CLUSTER
        .get_or_init(|| {
            if let Ok(url) = std::env::var("PORTAL_TEST_POSTGRES") {
                return Ok(url);
            }
            let script = crate::workspace_root().join("scripts/test-postgres");
            let out = std::process::Command::new(script)
                .arg("start")
                .arg(std::process::id().to_string())
                .stderr(std::process::Stdio::inherit())
                .output()
                .map_err(|e| format!("scripts/test-postgres: {e}"))?;
            if !out.status.success() {
                return Err("scripts/test-postgres start failed".into());
            }
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
        })
        .clone()
        .map_err(anyhow::Error::msg)
}

/// A new, empty database in the test cluster: its URL, for `--db`.
pub async fn new_database() -> Result<String> {
    let cluster = cluster()?;
    let (client, connection) =
        tokio_postgres::connect(&cluster, tokio_postgres::NoTls).await.context("connecting to the test cluster")?;
    tokio::spawn(connection);
    let name = format!("e2e_{}_{}", std::process::id(), std::time::UNIX_EPOCH.elapsed()?.as_micros());
    client.batch_execute(&format!("CREATE DATABASE {name}")).await?;
    let Some((base, _)) = cluster.rsplit_once('/') else { bail!("{cluster}: not a URL with a database") };
    Ok(format!("{base}/{name}"))
}
