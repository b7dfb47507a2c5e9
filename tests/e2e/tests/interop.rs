//! Interop: the same sign-in against an independent, OpenID Certified provider
//! (`oidc-provider` from npm, tests/e2e/interop/), with `portal-server` trusting that issuer
//! (`--issuer`, `--audience api://portal`) and the SPA's config.json pointing at it. Proves
//! the portal follows the standards rather than its own development provider — sign-in, an
//! authorised API call and sign-out through that provider's end-session endpoint.

use anyhow::{anyhow, bail, Context};
use portal_e2e::{free_port, Browser, Portal, WAIT};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

fn interop_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("interop")
}

/// A copy of the built SPA whose config.json names `authority`.
fn dist_for(authority: &str, into: &Path) -> anyhow::Result<()> {
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
async fn start_provider(port: u16, portal_url: &str) -> anyhow::Result<Child> {
    let dir = interop_dir();
    if !dir.join("node_modules/oidc-provider").is_dir() {
        bail!("{}/node_modules is missing: run scripts/bootstrap (npm ci --prefix tests/e2e/interop)", dir.display());
    }
    let mut child = Command::new(std::env::var("NODE").unwrap_or_else(|_| "node".into()))
        .arg("provider.mjs")
        .current_dir(&dir)
        .env("PORT", port.to_string())
        .env("PORTAL_URL", portal_url)
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

#[tokio::test]
async fn sign_in_with_an_independent_certified_provider_and_call_the_api() -> anyhow::Result<()> {
    let port = free_port()?;
    let issuer = format!("http://127.0.0.1:{port}");
    let dist = tempfile::tempdir()?;
    dist_for(&issuer, dist.path())?;
    let portal =
        Portal::start_with(None, Some(dist.path()), &["--issuer", &issuer, "--audience", "api://portal"]).await?;
    let _provider = start_provider(port, &portal.url).await?;

    let browser = Browser::chromium(1280, 900).await?;
    browser.client.goto(&format!("{}/devices/dev-amara-surface", portal.url)).await?;
    // The silent attempt at oidc-provider answers login_required: the landing page.
    browser.wait_for_text("main .landing-deep-link", "Sign in to open this page.").await?;
    browser.click("main button.sign-in").await?;

    // oidc-provider's login interaction (consent is granted by the provider script).
    browser.fill("#username", "amara.okoye@contoso.example").await?;
    browser.fill("#password", "Portal-Demo-2026!").await?;
    browser.click("form button[type=submit]").await?;

    browser.wait_for_path("/devices/dev-amara-surface").await?;
    browser.wait_for_text("main h1", "CPH-LT-0142").await?;
    // GET /api/v1/me with oidc-provider's JWT access token, verified by portal-server
    // against that issuer's JWKS: the authorised call succeeded.
    browser.wait_for_text(".site-header .user-name", "Amara Okoye").await?;
    browser.screenshot("interop-signed-in").await?;

    // Sign-out goes to oidc-provider's end-session endpoint (RP-Initiated Logout with the
    // ID token as hint); it asks, and returns to the portal's landing page.
    browser.click(".site-header button.sign-out").await?;
    browser.click("button[name=logout][value=yes]").await?;
    browser.wait_for_path("/").await?;
    browser.wait_for_text("main h1", "Welcome to Contoso Pharmaceuticals").await?;
    let url = browser.client.current_url().await?;
    assert_eq!(url.origin().ascii_serialization(), portal.url, "back on the portal: {url}");
    // Its session is gone: signing in asks for the password again.
    browser.click("main button.sign-in").await?;
    browser.text_of("form #password").await?;
    browser.close().await?;
    Ok(())
}
