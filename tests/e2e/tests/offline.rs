//! Installable and offline (issue 8): the manifest and icons are served, the service worker
//! caches the app shell and nothing personal, and after one online visit the portal opens
//! with the server gone, to a page that says it is offline and offers to try again.

use anyhow::{bail, Result};
use portal_e2e::{axe_source, Browser, Portal};
use serde_json::Value;

/// Every URL in every cache of Cache Storage.
const CACHED_URLS: &str = "(async () => { const urls = []; for (const name of await caches.keys()) { \
    for (const r of await (await caches.open(name)).keys()) urls.push(r.url); } return urls; })()";

#[tokio::test]
async fn the_shell_is_cached_without_personal_data_and_opens_offline() -> Result<()> {
    let portal = Portal::start(None).await?;

    // Installable: a manifest with the product name, standalone, and PNG icons that exist.
    let manifest: Value = portal.get_json("/manifest.webmanifest").await?;
    assert_eq!(manifest["name"], "Company Portal");
    assert_eq!(manifest["start_url"], "/");
    assert_eq!(manifest["display"], "standalone");
    for icon in manifest["icons"].as_array().into_iter().flatten() {
        let src = icon["src"].as_str().unwrap_or_default();
        let response = reqwest::get(format!("{}{src}", portal.url)).await?;
        assert!(response.status().is_success(), "{src}: {}", response.status());
    }

    // The build wrote the shell's list and version into the worker (scripts/sw-precache).
    let sw = reqwest::get(format!("{}/sw.js", portal.url)).await?.error_for_status()?.text().await?;
    assert!(!sw.contains("__PORTAL_SHELL"), "sw.js still has its placeholders");
    assert!(sw.contains("_bg.wasm\"") && sw.contains("\"/index.html\""), "sw.js lists no shell: {sw}");

    let browser = Browser::chromium(1280, 900).await?;
    // One online visit, signed in, so the API is used while the worker controls the page.
    browser.sign_in(&portal, "amara.okoye@contoso.example", "/devices").await?;
    browser.wait_until("the worker to control the page", "navigator.serviceWorker.controller !== null").await?;
    browser
        .wait_until("the device list", "document.querySelector(\"a[href='/devices/dev-amara-macbook']\") !== null")
        .await?;
    browser.visit("/protected-apps").await?;
    browser.wait_until("protected apps", "document.querySelector('.protected-device') !== null").await?;

    // Only the shell is cached: no /api/ or /oidc/ response, no page of the provider.
    let urls = browser.eval(CACHED_URLS).await?;
    let urls: Vec<String> =
        urls.as_array().into_iter().flatten().filter_map(|u| u.as_str().map(String::from)).collect();
    if !urls.iter().any(|u| u.ends_with(".wasm")) || !urls.iter().any(|u| u.ends_with("/index.html")) {
        bail!("the app shell is not cached: {urls:?}");
    }
    let personal: Vec<&String> = urls.iter().filter(|u| u.contains("/api/") || u.contains("/oidc/")).collect();
    assert!(personal.is_empty(), "personal responses in Cache Storage: {personal:?}");

    // The server goes away; a reload still opens the portal, which says it is offline.
    let origin = portal.url.clone();
    drop(portal);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(reqwest::get(&origin).await.is_err(), "the server is still answering");
    browser.client.refresh().await?;
    browser.wait_for_text("main h1", "You're offline").await?;
    let retry = browser.text_of("main button").await?;
    assert_eq!(retry, "Try again");
    // Trying again without the server: still offline, still explained.
    browser.click("main button").await?;
    browser.wait_for_text("main h1", "You're offline").await?;
    // The offline page meets the same WCAG A and AA rules as every other page.
    let violations = browser.axe(&axe_source()?, "offline page").await?;
    assert!(violations.is_empty(), "{}", violations.join("\n"));
    browser.screenshot("offline").await?;
    browser.close().await?;
    Ok(())
}
