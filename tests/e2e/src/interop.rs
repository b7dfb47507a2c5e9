//! `oidc-provider` (npm, `tests/e2e/interop/`), an OpenID Certified provider, as the sign-in of
//! tests that are not about the development provider: the interop test, and the Intune tenant's
//! end-to-end tests (its people are the fake Graph's).

use crate::WAIT;
use anyhow::{anyhow, bail, Context};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub fn interop_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("interop")
}

/// A copy of the built SPA whose config.json names `authority`.
pub fn dist_for(authority: &str, into: &Path) -> anyhow::Result<()> {
    let dist = std::env::var_os("PORTAL_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../dist"));
    copy_dir(&dist, into)?;
    let config = serde_json::json!({
        "authority": authority,
        "clientId": "portal",
        "scopes": ["openid", "profile", "offline_access", "api://portal/access_as_user"],
        "apiBase": "/api/v1",
        "redirectPath": "/auth/callback"
    });
    std::fs::write(into.join("config.json"), serde_json::to_vec_pretty(&config)?)?;
    Ok(())
}

/// Copies `from` into `to` with its folders (the build's `wasm/<hash>/`).
fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()))?;
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name()))?;
        }
    }
    Ok(())
}

/// `node provider.mjs`, killed on drop; returns once it listens.
pub async fn start_provider(port: u16, portal_url: &str) -> anyhow::Result<Child> {
    start_provider_with(port, portal_url, None).await
}

/// [`start_provider`] with other people: `users` is the provider's `USERS` (JSON).
pub async fn start_provider_with(port: u16, portal_url: &str, users: Option<&str>) -> anyhow::Result<Child> {
    let dir = interop_dir();
    if !dir.join("node_modules/oidc-provider").is_dir() {
        bail!("{}/node_modules is missing: run scripts/bootstrap (npm ci --prefix tests/e2e/interop)", dir.display());
    }
    let mut child = Command::new(std::env::var("NODE").unwrap_or_else(|_| "node".into()))
        .arg("provider.mjs")
        .current_dir(&dir)
        .env("PORT", port.to_string())
        .env("PORTAL_URL", portal_url)
        .envs(users.map(|u| ("USERS", u.to_string())))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .context("starting node (Node.js 20 or later)")?;
    let mut lines = BufReader::new(child.stdout.take().ok_or_else(|| anyhow!("no stdout"))?).lines();
    tokio::time::timeout(WAIT, async {
        while let Some(line) = lines.next_line().await? {
            if line.starts_with("interop provider listening on ") {
                return Ok(());
            }
        }
        bail!("the interop provider exited before it listened")
    })
    .await
    .map_err(|_| anyhow!("the interop provider did not listen within {WAIT:?}"))??;
    // Keep draining its stdout so it never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Ok(child)
}
