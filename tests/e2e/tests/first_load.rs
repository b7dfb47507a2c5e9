//! What a browser really downloads (issue 14), from Chromium's network log with
//! `portal-server --dist` serving the release build (precompressed brotli): the signed-out
//! landing page of a first visit (one page load: the landing page tries the provider's session
//! only in a browser someone has signed in in), and a signed-in cold open of `/apps` (a provider session, but an empty
//! HTTP cache and no service worker). Bytes are what came over the network (headers and
//! compressed bodies). The numbers go to `target/e2e-artifacts/first-load.json`; the test
//! fails above the budgets (README "Performance → First load"), or when a build file comes
//! over the network twice.

use anyhow::Result;
use portal_e2e::{Browser, NetworkEntry, Portal};
use std::collections::BTreeMap;

/// The build files a visit needs (every `/wasm/` file and the CSS it asked for, each once, at
/// the size of its brotli copy in `dist/`): the same on every run of one build, but not on
/// every machine — CI's build of one commit measured 702 B more for a cold /apps than this
/// machine's (483,409 against 482,707 B) and failed a budget that was the local measure
/// rounded up to the next KiB. The budgets are therefore the measure plus about 2 KB
/// (landing) and 3 KB (/apps). History: the measured 201,806 B and 448,529 B (2026-12-01, with issue 16's
/// recovery keys, enrollment, device categories and terms of use) rounded up to the next KiB.
/// Before issue 16: 198,394 B and 420,368 B. What grew: the default language's texts and the
/// terms gate in the first load (+3.4 KB); the `signed_in` chunk (terms page and check, the
/// problem decoder's new refusal reasons, new live events: +9.7 KB), shared chunks (+13.8 KB)
/// and `apps` (+1.3 KB) for a cold /apps. Then (issue 14 again) the sign-in redirect, the
/// callback's checks and Rust's float formatting left the first load: 170,394 B and 456,894 B
/// (a cold /apps fetches the `authorize` chunk for its silent sign-in, and what moved out of
/// the main module compresses worse in chunks: +8.4 KB). Asking for an app (issue 16's fifth
/// journey) then measured 173,118 B and 482,707 B: its English texts, the Approvals link and the
/// loader's longer chunk list in the first load (+2.7 KB); the request control and its dialogs
/// in `apps` (+25.8 KB; the Approvals page is in `settings`, outside both views). Then the JS
/// glue minified, machine-independent source paths and the discovery document decoded in the
/// sign-in chunks: 169,121 B and 479,846 B; with sha256 digests 167,838 B and 478,359 B
/// (2026-12-01). Then short import names, English texts per page and no serde_json in the
/// main module: 144,274 B and 471,652 B (the budgets leave 4–5 KB).
const LANDING_BUILD_BUDGET: u64 = 145 * 1024;
const APPS_COLD_BUILD_BUDGET: u64 = 465 * 1024;
/// Everything else the visit transferred, headers included (index.html, config.json, the
/// branding, the icons, the discovery document, the provider's redirects, the API's answers):
/// the security headers add about 1 KB to every answer. Build files are left out of this
/// count because Chromium logs some of them as fetched (headers counted) and others as read
/// from a cache it filled itself (body only), differently from run to run — up to 20 KB on one
/// build. What is left varies by about 0.6 KB (an icon fetched once or twice): measured
/// 7,376–7,674 B for the landing page (14,686–15,284 B when a first visit still went to the
/// provider and back) and 22,720–23,019 B for a cold /apps, then 25,526–25,531 B once a cold
/// /apps also fetched the discovery document with the `authorize` chunk and `/me` said whether
/// the person approves requests.
const LANDING_OTHER_BUDGET: u64 = 9 * 1024;
const APPS_COLD_OTHER_BUDGET: u64 = 26 * 1024;

struct Visit {
    bytes: u64,
    /// The build files' brotli sizes, each path once (see `LANDING_BUILD_BUDGET`).
    build_bytes: u64,
    /// Everything else, as transferred (see `LANDING_OTHER_BUDGET`).
    other_bytes: u64,
    requests: usize,
    /// Per path: requests, bytes, and how many of them came over the network (not a cache).
    by_path: BTreeMap<String, (usize, u64, usize)>,
}

fn visit(portal: &Portal, log: &[NetworkEntry]) -> Visit {
    let mut by_path: BTreeMap<String, (usize, u64, usize)> = BTreeMap::new();
    let ours: Vec<&NetworkEntry> = log.iter().filter(|e| e.url.starts_with(&portal.url)).collect();
    for e in &ours {
        let path = e.url[portal.url.len()..].split('?').next().unwrap_or_default().to_string();
        let slot = by_path.entry(path).or_default();
        slot.0 += 1;
        slot.1 += e.transferred;
        slot.2 += usize::from(e.transferred > 0 && !e.from_cache);
    }
    // A build file the page read from the HTTP cache although it did not come over the network
    // in the page's log (Chromium fills its cache from requests this log does not show, e.g.
    // a request another part of the browser made) counts at the size the server sends, its
    // brotli copy: the numbers do not depend on which part of Chromium fetched it.
    let dist = std::env::var_os("PORTAL_DIST")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| portal_e2e::workspace_root().join("dist"));
    for (path, slot) in by_path.iter_mut() {
        if slot.2 == 0 && path.starts_with("/wasm/") {
            let br = dist.join(format!("{}.br", path.trim_start_matches('/')));
            slot.1 += std::fs::metadata(&br).map(|m| m.len()).unwrap_or(0);
        }
    }
    let is_build_file = |path: &str| path.starts_with("/wasm/") || path.ends_with(".css");
    let build_bytes = by_path
        .keys()
        .filter(|path| is_build_file(path))
        .map(|path| std::fs::metadata(dist.join(format!("{}.br", path.trim_start_matches('/')))).map_or(0, |m| m.len()))
        .sum();
    let other_bytes = by_path.iter().filter(|(path, _)| !is_build_file(path)).map(|(_, s)| s.1).sum();
    Visit { bytes: by_path.values().map(|s| s.1).sum(), build_bytes, other_bytes, requests: ours.len(), by_path }
}

fn report(name: &str, v: &Visit) -> serde_json::Value {
    println!(
        "{name}: {} bytes in {} requests; build files {} bytes (brotli), everything else {} bytes",
        v.bytes, v.requests, v.build_bytes, v.other_bytes
    );
    for (path, (n, bytes, fetched)) in &v.by_path {
        println!("  {n:>2} × {path:<60} {bytes:>8}  ({fetched} over the network)");
    }
    let paths = v
        .by_path
        .iter()
        .map(|(p, (n, b, f))| (p.clone(), serde_json::json!({ "requests": n, "bytes": b, "overTheNetwork": f })));
    serde_json::json!({ "bytes": v.bytes, "buildBytes": v.build_bytes, "otherBytes": v.other_bytes, "requests": v.requests, "byPath": paths.collect::<serde_json::Map<_, _>>() })
}

async fn block_service_worker(browser: &Browser) -> Result<()> {
    browser.devtools("Network.setBlockedURLs", serde_json::json!({ "urls": ["*/sw.js"] })).await?;
    Ok(())
}

#[tokio::test]
async fn the_landing_page_and_a_cold_apps_page_download_what_they_need_once() -> Result<()> {
    let portal = Portal::start(None).await?;
    let browser = Browser::chromium_with_network_log(412, 823).await?;
    // Without the service worker: this measures what the page needs. (After the load event
    // the worker downloads the whole build once, in the background — the size report's first
    // load and every chunk — which would put every chunk in the HTTP cache before any page
    // asked for it.)
    block_service_worker(&browser).await?;

    // A first visit, signed out: the app and the landing page, without a round trip to the
    // provider (no one has signed in in this browser).
    browser.client.goto(&portal.url).await?;
    browser.wait_until("the landing page", "document.querySelector('main .landing') !== null").await?;
    let landing = visit(&portal, &browser.network_log_when_idle().await?);
    let landing_json = report("landing page, signed out", &landing);
    // One page load: the page did not leave for the provider, and no build file came twice.
    assert!(
        !landing.by_path.contains_key("/oidc/authorize") && !landing.by_path.contains_key("/auth/callback"),
        "a first visit to the landing page went to the provider and back"
    );
    for (path, (_, _, fetched)) in &landing.by_path {
        if path.starts_with("/wasm/") || path.ends_with(".css") {
            assert!(*fetched <= 1, "{path} came over the network {fetched} times");
        }
    }

    // Signed in, then a cold open of /apps in another browser that has only the provider's
    // session (its cookie, on /oidc): an empty HTTP cache and no service worker.
    browser.sign_in(&portal, "amara.okoye@contoso.example", "/").await?;
    browser.wait_until("signed in", "document.querySelector('.site-header .sign-out') !== null").await?;
    let provider_page = format!("{}/oidc/.well-known/openid-configuration", portal.url);
    browser.client.goto(&provider_page).await?;
    let cookies = browser.client.get_all_cookies().await?;
    assert!(!cookies.is_empty(), "no provider session cookie after signing in");
    browser.close().await?;
    let browser = Browser::chromium_with_network_log(412, 823).await?;
    block_service_worker(&browser).await?;
    browser.client.goto(&provider_page).await?;
    for cookie in cookies {
        browser.client.add_cookie(cookie).await?;
    }
    browser.network_log().await?;
    browser.client.goto(&format!("{}/apps", portal.url)).await?;
    browser
        .wait_until("the Apps page", "document.querySelector('main .app-row, main .device-picker') !== null")
        .await?;
    browser.wait_until("signed in", "document.querySelector('.site-header .user-name')?.innerText.length > 0").await?;
    let apps = visit(&portal, &browser.network_log_when_idle().await?);
    let apps_json = report("/apps signed in, cold", &apps);

    let dir = portal_e2e::workspace_root().join("target/e2e-artifacts");
    std::fs::create_dir_all(&dir)?;
    let json = serde_json::json!({ "landing": landing_json, "appsCold": apps_json });
    std::fs::write(dir.join("first-load.json"), serde_json::to_string_pretty(&json)?)?;
    browser.close().await?;

    assert!(
        landing.build_bytes <= LANDING_BUILD_BUDGET,
        "landing page: build files {} bytes, budget {LANDING_BUILD_BUDGET}",
        landing.build_bytes
    );
    assert!(
        apps.build_bytes <= APPS_COLD_BUILD_BUDGET,
        "/apps cold: build files {} bytes, budget {APPS_COLD_BUILD_BUDGET}",
        apps.build_bytes
    );
    assert!(
        landing.other_bytes <= LANDING_OTHER_BUDGET,
        "landing page: {} bytes besides the build files, budget {LANDING_OTHER_BUDGET}",
        landing.other_bytes
    );
    assert!(
        apps.other_bytes <= APPS_COLD_OTHER_BUDGET,
        "/apps cold: {} bytes besides the build files, budget {APPS_COLD_OTHER_BUDGET}",
        apps.other_bytes
    );
    Ok(())
}
