//! The README's run command as a new user runs it (issue 14): `scripts/run` in a fresh copy of
//! the checkout (no `.portal/` database, no build output), opened at the URL it prints. Sign
//! in, run a device action (the server writes its database, `.portal/dev.db-wal`, many
//! times), and 30 seconds later the page has never been reloaded and the user is still
//! signed in — `trunk serve` rebuilds, and live-reloads the page (emptying the in-memory
//! tokens), only when a source changes. Then Ctrl-C stops everything it started.
//!
//! `#[ignore]`d under `cargo test`: `scripts/run` builds with cargo itself, and the outer
//! `cargo test` holds the build directory's lock while tests run, so the nested build would
//! wait forever. `scripts/test` runs this test's binary directly (`--ignored`), with
//! `CARGO_TARGET_DIR` set to the workspace's `target/`: the copy builds there, which also
//! proves that `scripts/run` honours that variable.

use anyhow::{bail, Context, Result};
use portal_e2e::{workspace_root, Browser, DEMO_PASSWORD};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

/// A cold debug build of the server and the SPA on a busy 2-core machine.
const BUILD_WAIT: Duration = Duration::from_secs(20 * 60);
const PORTS: [u16; 2] = [8080, 8787];

#[tokio::test]
#[ignore = "runs cargo itself: scripts/test runs it outside `cargo test` (see the module comment)"]
async fn the_run_command_keeps_you_signed_in() -> Result<()> {
    for port in PORTS {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            bail!("port {port} is in use: stop whatever runs there (another scripts/run?) first");
        }
    }
    let root = workspace_root().canonicalize()?;
    let copy = tempfile::tempdir()?;
    fresh_copy(&root, copy.path())?;
    let target_dir = std::env::var_os("CARGO_TARGET_DIR").map(Into::into).unwrap_or_else(|| root.join("target"));

    // As a user runs it, in its own process group so that "Ctrl-C" reaches all of it.
    let mut run = Command::new("bash")
        .arg("scripts/run")
        .current_dir(copy.path())
        .env("CARGO_TARGET_DIR", &target_dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .process_group(0)
        .kill_on_drop(true)
        .spawn()
        .context("starting scripts/run")?;
    let group = run.id().context("scripts/run has no pid")? as i32;
    let stdout = run.stdout.take().context("no stdout")?;
    let (url_tx, url_rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let mut lines = BufReader::new(stdout).lines();
        let mut url_tx = Some(url_tx);
        while let Ok(Some(line)) = lines.next_line().await {
            println!("[scripts/run] {line}");
            if let Some(url) = line.split("Portal: open ").nth(1).and_then(|rest| rest.split_whitespace().next()) {
                if let Some(tx) = url_tx.take() {
                    let _ = tx.send(url.to_string());
                }
            }
        }
    });
    let url = tokio::time::timeout(BUILD_WAIT, url_rx).await.context("scripts/run printed no URL")??;

    // The URL answers once Trunk's first build is done.
    let started = Instant::now();
    loop {
        let page = reqwest::get(&url).await.ok().filter(|r| r.status().is_success());
        if let Some(page) = page {
            if page.text().await?.contains("/wasm/") {
                break;
            }
        }
        if started.elapsed() > BUILD_WAIT {
            bail!("{url} did not serve the app within {BUILD_WAIT:?}");
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }

    let browser = Browser::chromium(1280, 900).await?;
    browser.client.goto(&format!("{url}/devices/dev-amara-iphone")).await?;
    browser.click("main button.sign-in").await?;
    browser.fill("#username", "amara.okoye@contoso.example").await?;
    browser.fill("#password", DEMO_PASSWORD).await?;
    browser.click("form button[type=submit]").await?;
    browser.wait_for_path("/devices/dev-amara-iphone").await?;
    browser.wait_for_text("main h1", "Amara's iPhone").await?;
    // Survives only as long as this page does: a live reload would drop it.
    browser.eval("(window.portalNotReloaded = true)").await?;

    // An action the server writes to its database (and the simulator again when done).
    browser
        .wait_until("Check status enabled", "document.querySelector('button[data-action=sync]')?.disabled === false")
        .await?;
    browser.click("button[data-action=sync]").await?;
    browser.click("dialog[open] button[data-confirm]").await?;
    browser.wait_for_contains(".live-status", "Check status: Done").await?;

    tokio::time::sleep(Duration::from_secs(30)).await;
    let same_page = browser.eval("window.portalNotReloaded === true").await?;
    assert_eq!(same_page, serde_json::Value::Bool(true), "the page was reloaded while the server wrote its database");
    browser.click(".site-nav a[href='/']").await?;
    browser.wait_for_path("/").await?;
    browser.wait_until("Home, signed in", "document.querySelector('.site-header .sign-out') !== null").await?;
    browser.wait_until("Home's device bar", "document.querySelector('main .landing') === null").await?;
    // The apps' icons are the server's (/assets/…, through Trunk's proxy), not index.html.
    let icon = browser
        .eval("fetch('/assets/icons/teams.svg').then(r => `${r.status} ${r.headers.get('content-type')}`)")
        .await?;
    assert_eq!(icon, serde_json::json!("200 image/svg+xml"), "an app icon under scripts/run");
    browser.close().await?;

    // Ctrl-C: the whole group gets SIGINT; scripts/run stops the server and Trunk, and exits.
    // SAFETY: kill(2) on the process group this test started.
    unsafe { libc_kill(-group, 2) };
    let status =
        tokio::time::timeout(Duration::from_secs(30), run.wait()).await.context("scripts/run ignored Ctrl-C")??;
    println!("scripts/run ended: {status}");
    let started = Instant::now();
    for port in PORTS {
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            if started.elapsed() > Duration::from_secs(20) {
                bail!("port {port} still answers after Ctrl-C");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    Ok(())
}

unsafe extern "C" {
    #[link_name = "kill"]
    fn libc_kill(pid: i32, signal: i32) -> i32;
}

/// What a fresh clone has: the checkout's files that git tracks or would track (not
/// `target/`, `dist/`, `.portal/` or anything else ignored), as they are on disk now
/// (uncommitted changes included), with their modification times.
fn fresh_copy(root: &Path, to: &Path) -> Result<()> {
    let script = format!(
        "git ls-files -z --cached --others --exclude-standard | tar --null -T - --ignore-failed-read -cf - | tar -xf - -C '{}'",
        to.display()
    );
    let status = std::process::Command::new("bash").args(["-c", &script]).current_dir(root).status()?;
    if !status.success() {
        bail!("copying the checkout: {status}");
    }
    // The interop and axe tests' npm packages are not needed to run the portal, but
    // scripts/bootstrap installs them when missing: link the checkout's instead (their lock
    // files kept their times, so bootstrap sees them up to date).
    for dir in ["tests/e2e/interop/node_modules", "tests/e2e/axe/node_modules"] {
        if root.join(dir).is_dir() {
            std::os::unix::fs::symlink(root.join(dir), to.join(dir))?;
        }
    }
    Ok(())
}
