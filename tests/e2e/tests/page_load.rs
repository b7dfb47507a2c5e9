//! Pages load on demand (issue 14): each page's code is a wasm chunk of the build's
//! content-addressed folder (`/wasm/<hash>/`), fetched when the page is first shown. A chunk
//! that cannot load is not a dead app: the page says "This page couldn't load" with Reload
//! (in the reader's language, as an alert, the button focused), and the rest keeps working.
//! Proved by serving a copy of the build whose Devices chunk the server refuses (404), and
//! one whose Help chunk is another file (its integrity fails).

use anyhow::{bail, Context, Result};
use portal_e2e::{Browser, Portal};
use std::path::Path;

/// The build's folder (`wasm/<hash>`) in `dist`.
fn build_folder(dist: &Path) -> Result<std::path::PathBuf> {
    let mut folders = std::fs::read_dir(dist.join("wasm"))?.filter_map(|e| e.ok()).map(|e| e.path());
    let folder = folders.next().context("no wasm/<hash> folder in the build")?;
    if folders.next().is_some() {
        bail!("more than one wasm/<hash> folder in {}", dist.display());
    }
    Ok(folder)
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let dest = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &dest)?;
        } else {
            std::fs::copy(entry.path(), dest)?;
        }
    }
    Ok(())
}

#[tokio::test]
async fn a_chunk_that_fails_to_load_offers_a_reload_and_the_app_lives_on() -> Result<()> {
    let dist = portal_e2e::workspace_root().join("dist");
    let dist = std::env::var_os("PORTAL_DIST").map(Into::into).unwrap_or(dist);
    let copy = tempfile::tempdir()?;
    copy_dir(&dist, copy.path())?;
    let folder = build_folder(copy.path())?;
    let hash = folder.file_name().and_then(|n| n.to_str()).context("folder name")?.to_string();
    // The Devices section's chunk and its compressed copies: the server now answers 404.
    let mut removed = 0;
    for entry in std::fs::read_dir(&folder)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        if name.starts_with("split_devices") {
            std::fs::remove_file(&path)?;
            removed += 1;
        }
    }
    assert!(removed > 0, "no split_devices* chunk in {}", folder.display());
    let portal = Portal::start_with(None, Some(copy.path()), &[]).await?;
    let missing = reqwest::get(format!("{}/wasm/{hash}/split_devices.wasm", portal.url)).await?;
    assert_eq!(missing.status(), 404, "a missing build file is a 404, not index.html");

    let browser = Browser::chromium_in_language(1280, 900, "de").await?;
    browser.sign_in(&portal, "amara.okoye@contoso.example", "/").await?;
    browser
        .wait_until(
            "Home",
            "document.querySelector('main h1') !== null && document.querySelector('main .landing') === null",
        )
        .await?;
    browser.click(".site-nav a[href='/devices']").await?;
    browser.wait_for_text("main [role=alert] h1", "Diese Seite konnte nicht geladen werden").await?;
    let button = browser.text_of("main [role=alert] button").await?;
    assert_eq!(button, "Neu laden");
    browser
        .wait_until(
            "Reload to have focus",
            "document.activeElement === document.querySelector('main [role=alert] button')",
        )
        .await?;
    browser.screenshot("page-load-failed").await?;

    // The app is alive: another section still opens, and so does Devices' failure, again.
    browser.click(".site-nav a[href='/help']").await?;
    browser
        .wait_until(
            "Help",
            "document.querySelector('main [role=alert]') === null && document.querySelector('main h1') !== null",
        )
        .await?;
    browser.click(".site-nav a[href='/devices']").await?;
    browser.wait_for_text("main [role=alert] h1", "Diese Seite konnte nicht geladen werden").await?;
    browser.close().await
}

/// Subresource Integrity: every chunk is fetched with its digest (`scripts/build-wasm`), so a
/// file that is not this build's (a tampered file, a deploy that mixed two builds) is
/// refused by the browser, and the page says so like a missing chunk. Proved by adding a
/// custom section to Help's chunk: the module means the same and still instantiates, only
/// its digest differs. Its compressed copies are removed, so the server sends the raw file.
#[tokio::test]
async fn a_chunk_that_is_not_the_builds_is_refused_by_its_integrity() -> Result<()> {
    let dist = portal_e2e::workspace_root().join("dist");
    let dist = std::env::var_os("PORTAL_DIST").map(Into::into).unwrap_or(dist);
    let copy = tempfile::tempdir()?;
    copy_dir(&dist, copy.path())?;
    let folder = build_folder(copy.path())?;
    let help = folder.join("split_help.wasm");
    let mut bytes = std::fs::read(&help).with_context(|| format!("no {}", help.display()))?;
    // A custom section (id 0): its size, then the name's length and the name, then a payload.
    bytes.extend_from_slice(&[0, 10, 8]);
    bytes.extend_from_slice(b"tampered!");
    std::fs::write(&help, bytes)?;
    for suffix in [".br", ".gz"] {
        std::fs::remove_file(folder.join(format!("split_help.wasm{suffix}")))?;
    }
    let portal = Portal::start_with(None, Some(copy.path()), &[]).await?;
    let browser = Browser::chromium(1280, 900).await?;
    // Help is public: no sign-in needed to fetch its chunk.
    browser.client.goto(&format!("{}/help", portal.url)).await?;
    browser.wait_for_text("main [role=alert] h1", "This page couldn't load").await?;
    assert_eq!(browser.text_of("main [role=alert] button").await?, "Reload");
    browser.close().await
}

#[tokio::test]
async fn pages_come_from_their_chunks_and_deep_links_work() -> Result<()> {
    let portal = Portal::start(None).await?;
    let browser = Browser::chromium(1280, 900).await?;
    // Signed out, a deep link shows the landing page and fetches no page chunk.
    browser.client.goto(&format!("{}/devices/dev-amara-iphone", portal.url)).await?;
    browser.wait_until("the landing page", "document.querySelector('main .landing') !== null").await?;
    let chunks = "performance.getEntriesByType('resource').map(e => e.name).filter(n => /\\/split_/.test(n))";
    let fetched = browser.eval(chunks).await?;
    assert!(
        fetched.as_array().is_some_and(|a| a.iter().all(|n| !n.as_str().unwrap_or_default().contains("split_devices"))),
        "signed out, the Devices chunk was fetched: {fetched}"
    );
    // Signed in, the deep link opens its page, and its chunk came once.
    browser.sign_in(&portal, "amara.okoye@contoso.example", "/devices/dev-amara-iphone").await?;
    browser.wait_for_text("main h1", "Amara's iPhone").await?;
    browser.click("main a[href='/devices']").await?;
    browser.wait_for_contains(".device-list", "Amara's MacBook Air").await?;
    browser.client.back().await?;
    browser.wait_for_text("main h1", "Amara's iPhone").await?;
    browser.client.forward().await?;
    browser.wait_for_contains(".device-list", "Amara's MacBook Air").await?;
    let devices = browser
        .eval("performance.getEntriesByType('resource').filter(e => /\\/split_devices/.test(e.name)).length")
        .await?;
    assert_eq!(devices, serde_json::json!(1), "the Devices chunk is fetched once");
    browser.close().await
}
