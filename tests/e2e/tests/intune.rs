//! Microsoft Intune as the tenant, end to end: the release SPA against
//! `portal-server --source graph --graph-beta` and the fake Microsoft Graph (its binary, every
//! request and answer checked against Microsoft's schema), with sign-in at `oidc-provider`
//! whose people carry the fake organisation's object ids — as an organisation's Entra ID would.
//! The same journeys as on the embedded tenant where the data allows: sign in, Home, Devices
//! (only Amara's own; an action to done live; a reason for what is not allowed), Apps for an
//! enrolled and a not-enrolled context with their reasons, an install through the
//! organisation's group to installed live, Protected apps in words.

use anyhow::{anyhow, bail, Context, Result};
use portal_e2e::interop::{dist_for, start_provider_with};
use portal_e2e::{free_port, workspace_root, Browser, Portal, WAIT};
use std::process::Stdio;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const AMARA: &str = "00000001-0000-4000-8000-000000000001";
const JONAS: &str = "00000001-0000-4000-8000-000000000002";
const TENANT: &str = "c0ffee00-0000-4000-8000-000000000001";
const CLIENT: &str = "f00dcafe-0000-4000-8000-000000000001";
const SECRET: &str = "fake-graph-client-secret";
const PASSWORD: &str = "Portal-Demo-2026!";

fn device(n: u8) -> String {
    format!("00000003-0000-4000-8000-{n:012x}")
}
fn app(n: u8) -> String {
    format!("00000006-0000-4000-8000-{n:012x}")
}
fn group(n: u8) -> String {
    format!("00000002-0000-4000-8000-{n:012x}")
}

/// The fake Graph's binary, listening; killed on drop.
async fn start_fake_graph() -> Result<(Child, String)> {
    let bin = std::env::var_os("FAKE_GRAPH_BIN")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/debug/fake-graph"));
    if !bin.is_file() {
        bail!("{} is missing: build it with `cargo build -p fake-graph` (scripts/test does)", bin.display());
    }
    let mut child = Command::new(&bin)
        .args(["--device-delay-ms", "1500"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("starting {}", bin.display()))?;
    let mut lines = BufReader::new(child.stdout.take().ok_or_else(|| anyhow!("no stdout"))?).lines();
    let url = tokio::time::timeout(WAIT, async {
        while let Some(line) = lines.next_line().await? {
            if let Some(url) = line.strip_prefix("fake-graph listening on ") {
                return Ok(url.to_string());
            }
        }
        bail!("the fake Graph exited before it listened")
    })
    .await
    .map_err(|_| anyhow!("the fake Graph did not listen within {WAIT:?}"))??;
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Ok((child, url))
}

struct Intune {
    portal: Portal,
    graph: String,
    _graph: Child,
    _provider: Child,
    _files: tempfile::TempDir,
}

async fn start() -> Result<Intune> {
    let (graph_child, graph) = start_fake_graph().await?;
    let port = free_port()?;
    let issuer = format!("http://127.0.0.1:{port}");
    let files = tempfile::tempdir()?;
    let dist = files.path().join("dist");
    dist_for(&issuer, &dist)?;
    let secret = files.path().join("graph-secret");
    std::fs::write(&secret, SECRET)?;
    let organisation = files.path().join("organisation.toml");
    std::fs::write(
        &organisation,
        format!(
            "[[install_groups]]\napp = \"{}\"\ninstall_group = \"{}\"\nuninstall_group = \"{}\"\n",
            app(0x0b),
            group(0x15),
            group(0x16)
        ),
    )?;
    let args = [
        "--source",
        "graph",
        "--graph-beta",
        "--graph-tenant-id",
        TENANT,
        "--graph-client-id",
        CLIENT,
        "--graph-client-secret-file",
        secret.to_str().context("utf-8")?,
        "--graph-organisation",
        organisation.to_str().context("utf-8")?,
        "--graph-url",
        &graph,
        "--graph-login-url",
        &graph,
        "--graph-user-fresh-secs",
        "2",
        "--issuer",
        &issuer,
        "--audience",
        "api://portal",
    ];
    let portal = Portal::start_with(None, Some(&dist), &args).await?;
    let users = serde_json::json!([
        { "login": "amara.okoye@contoso.example", "password": PASSWORD, "accountId": AMARA, "name": "Amara Okoye" },
        { "login": "jonas.weber@contoso.example", "password": PASSWORD, "accountId": JONAS, "name": "Jonas Weber" },
    ])
    .to_string();
    let provider = start_provider_with(port, &portal.url, Some(&users)).await?;
    Ok(Intune { portal, graph, _graph: graph_child, _provider: provider, _files: files })
}

/// Signs in at oidc-provider from `path` (the landing page's Sign in, then its form).
async fn sign_in(browser: &Browser, intune: &Intune, login: &str, path: &str) -> Result<()> {
    browser.client.goto(&format!("{}{path}", intune.portal.url)).await?;
    browser.wait_until("the landing page", "!!document.querySelector('main button.sign-in')").await?;
    browser.click("main button.sign-in").await?;
    browser.fill("#username", login).await?;
    browser.fill("#password", PASSWORD).await?;
    browser.click("form button[type=submit]").await?;
    browser.wait_for_path(path.split('?').next().unwrap_or(path)).await
}

/// Nothing the fake Graph received or served contradicts Microsoft's schema.
async fn no_violations(intune: &Intune) -> Result<()> {
    let violations: serde_json::Value =
        reqwest::get(format!("{}/_fake/violations", intune.graph)).await?.json().await?;
    anyhow::ensure!(violations.as_array().is_some_and(|v| v.is_empty()), "contract violations: {violations:#}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn amara_uses_the_portal_on_intune() -> Result<()> {
    let intune = start().await?;
    let browser = Browser::chromium(1280, 900).await?;
    sign_in(&browser, &intune, "amara.okoye@contoso.example", "/devices").await?;

    // Devices: hers, by their primary user — not Jonas's iPhone, not the laptop handed to him.
    for name in ["Amara's iPhone", "Amara's personal iPhone", "CPH-LT-0142", "Amara's Pixel 8", "Amara's MacBook Air"] {
        browser.wait_for_contains(".device-list", name).await?;
    }
    browser.wait_for_contains("main", "Amara's iPad").await?;
    let list = browser.eval("document.querySelector('main').innerText").await?;
    let list = list.as_str().unwrap_or_default();
    assert!(!list.contains("Jonas") && !list.contains("CPH-LT-0200"), "someone else's device shown: {list}");
    browser.wait_for_contains(".device-list", "can still access company resources until").await?;
    browser.screenshot("intune-devices").await?;

    // The ADE iPhone: no Remove, in words; the organisation's branding profile hides nothing here.
    browser.click(&format!("a[href='/devices/{}']", device(1))).await?;
    browser.wait_for_text("main h1", "Amara's iPhone").await?;
    browser
        .wait_until("Remove disabled", "document.querySelector('button[data-action=retire]')?.disabled === true")
        .await?;
    browser.wait_for_contains("#reason-retire, #retire-reason", "Apple Business Manager").await?;

    // The personal iPhone: Remote lock through its confirmation, pending, then done live.
    browser.visit(&format!("/devices/{}", device(2))).await?;
    browser.wait_for_text("main h1", "Amara's personal iPhone").await?;
    browser
        .wait_until("Lock enabled", "document.querySelector('button[data-action=remotelock]')?.disabled === false")
        .await?;
    browser.click("button[data-action=remotelock]").await?;
    browser.click("dialog[open] button[data-confirm]").await?;
    browser.wait_for_contains(".history", "Remote lock — ").await?;
    browser.wait_for_contains(".live-status", "Remote lock: Done").await?;
    browser.screenshot("intune-device-locked").await?;

    // Apps on the personal iPhone: Required with state, Available with Install; then the
    // install through the organisation's group to installed, live.
    browser.visit("/apps").await?;
    browser.wait_until("the device picker", "!!document.querySelector('form.device-picker')").await?;
    browser.click(&format!("#context-{}", device(2))).await?;
    browser.click("form.device-picker button[type=submit]").await?;
    let teams = format!("li.app-row[data-app={:?}]", app(1));
    let expenses = format!("li.app-row[data-app={:?}]", app(0x0b));
    browser.wait_for_contains(&teams, "Required").await?;
    browser.wait_for_contains(&expenses, "Available").await?;
    browser.click(&format!("{expenses} button.primary")).await?;
    browser.wait_for_contains(&expenses, "Installing").await?;
    browser.wait_for_contains(&expenses, "Installed").await?;
    browser.screenshot("intune-apps-installed").await?;
    // An Available app without an install group says where to get it instead.
    browser.visit(&format!("/apps/{}", app(6))).await?;
    browser.wait_for_contains("main", "Company Portal app").await?;

    // Not enrolled: Required apps do not apply; the reason is in the details.
    browser.visit("/apps").await?;
    browser.click(".this-device-current button").await?;
    browser.wait_until("the device picker", "!!document.querySelector('form.device-picker')").await?;
    browser.click("#context-unenrolled").await?;
    browser
        .eval("(s => (s.value = 'android', s.dispatchEvent(new Event('change')), true))(document.querySelector('#context-platform'))")
        .await?;
    browser.click("form.device-picker button[type=submit]").await?;
    browser.wait_for_contains(".context-note", "isn't enrolled").await?;
    browser.visit(&format!("/apps/{}", app(2))).await?;
    browser.wait_for_contains("main", "enrolled").await?;

    // Protected apps: the MAM-only iPad's Outlook protected, its Teams waiting for check-in.
    browser.visit("/protected-apps").await?;
    browser.wait_for_contains("main", "Amara's iPad").await?;
    browser.wait_for_contains("main", "Microsoft Outlook").await?;
    browser.wait_for_contains("main", "check in").await?;
    browser.screenshot("intune-protected-apps").await?;

    // Home: the organisation's name from Intune's branding.
    browser.visit("/").await?;
    browser.wait_for_contains("main h1", "Contoso Pharmaceuticals").await?;
    browser.close().await?;
    no_violations(&intune).await
}
