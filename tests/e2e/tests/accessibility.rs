//! Accessibility end to end (issue 8): axe-core (tests/e2e/axe, installed by
//! scripts/bootstrap) runs in every page of the portal with the WCAG 2.0, 2.1 and 2.2 A and
//! AA rules, at phone (360×740) and desktop (1440×900) sizes, in the light and the dark
//! colour scheme (chosen as Settings does: `portal.theme` in localStorage, then a reload).
//! Any violation fails the test, listed with its rule, impact, elements and help. At 360 px
//! no page may scroll sideways. A screenshot of every page, size and scheme goes to
//! target/e2e-artifacts/a11y-*.png.

use anyhow::{bail, Result};
use portal_e2e::{axe_source, Browser, Portal};
use serde_json::Value;
use std::time::{Duration, Instant};

/// The signed-in pages: (name for screenshots, address).
const PAGES: &[(&str, &str)] = &[
    ("home", "/"),
    ("apps", "/apps"),
    ("apps-choose-device", "/apps?choose-device"),
    ("app-details", "/apps/teams"),
    ("devices", "/devices"),
    ("device-details", "/devices/dev-amara-macbook"),
    ("protected-apps", "/protected-apps"),
    ("protection-about", "/protected-apps/about"),
    ("notifications", "/notifications"),
    ("help", "/help"),
    ("settings", "/settings"),
    ("not-found", "/no/such/page"),
];

const SIZES: &[(u32, u32)] = &[(360, 740), (1440, 900)];

/// Waits until the page has its heading and has finished loading what it shows.
async fn settled(browser: &Browser, path: &str) -> Result<()> {
    browser
        .wait_until(
            &format!("{path} to load"),
            "document.querySelector('main h1') !== null && !/Loading|Looking up/.test(document.querySelector('main').innerText)",
        )
        .await?;
    // Let late renders (dates, counts) settle.
    tokio::time::sleep(Duration::from_millis(150)).await;
    Ok(())
}

/// Checks one page: axe, sideways scrolling at phone width, a screenshot.
async fn check(
    browser: &Browser,
    source: &str,
    name: &str,
    path: &str,
    size: (u32, u32),
    theme: &str,
    problems: &mut Vec<String>,
) -> Result<()> {
    settled(browser, path).await?;
    let label = format!("{path} at {}×{} ({theme})", size.0, size.1);
    problems.extend(browser.axe(source, &label).await?);
    if size.0 <= 360 {
        let fits = browser.eval("document.documentElement.scrollWidth <= window.innerWidth").await?;
        if fits != Value::Bool(true) {
            let widths = browser.eval("[document.documentElement.scrollWidth, window.innerWidth]").await?;
            problems.push(format!("{label}: scrolls sideways (scrollWidth, innerWidth) = {widths}"));
        }
    }
    browser.screenshot(&format!("a11y-{name}-{}-{theme}", size.0)).await?;
    // A device's confirmation dialog, open (its content exists only then).
    if name == "device-details" {
        browser.click("button[data-action]:not([data-action=rename]):enabled").await?;
        browser.wait_until("the dialog", "document.querySelector('dialog[open] h2') !== null").await?;
        problems.extend(browser.axe(source, &format!("{label}, confirmation dialog")).await?);
        browser.screenshot(&format!("a11y-{name}-dialog-{}-{theme}", size.0)).await?;
        browser.click("dialog[open] button[type=button]").await?;
        browser.wait_until("the dialog to close", "document.querySelector('dialog[open]') === null").await?;
    }
    Ok(())
}

/// The check itself works: an image without a text alternative is reported.
async fn axe_reports_a_planted_violation(browser: &Browser, source: &str) -> Result<()> {
    browser.eval("(document.body.insertAdjacentHTML('beforeend', '<img id=planted src=/icon-192.png>'), true)").await?;
    let found = browser.axe(source, "planted").await?;
    browser.eval("(document.getElementById('planted').remove(), true)").await?;
    if !found.iter().any(|v| v.starts_with("planted: image-alt ")) {
        bail!("axe did not report an image without alt text: {found:?}");
    }
    Ok(())
}

async fn set_theme(browser: &Browser, theme: &str, signed_in: bool) -> Result<()> {
    let value = if theme == "dark" { "'dark'" } else { "'light'" };
    browser.eval(&format!("(localStorage.setItem('portal.theme', {value}), true)")).await?;
    if signed_in {
        browser.reload_signed_in().await?;
    } else {
        browser.client.refresh().await?;
    }
    browser
        .wait_until(&format!("the {theme} scheme"), &format!("document.documentElement.dataset.theme === {value}"))
        .await
}

#[tokio::test]
async fn every_page_passes_axe_at_phone_and_desktop_size_in_light_and_dark() -> Result<()> {
    let started = Instant::now();
    let source = axe_source()?;
    let portal = Portal::start(None).await?;
    let browser = Browser::chromium(SIZES[0].0, SIZES[0].1).await?;
    let mut problems = Vec::new();

    // Signed out: the landing page (a personal address shows it) and Settings.
    browser.client.goto(&format!("{}/devices", portal.url)).await?;
    browser.wait_for_text("main h1", "Welcome to Contoso Pharmaceuticals").await?;
    axe_reports_a_planted_violation(&browser, &source).await?;
    for theme in ["light", "dark"] {
        set_theme(&browser, theme, false).await?;
        for &size in SIZES {
            browser.set_viewport(size.0, size.1).await?;
            browser.visit("/devices").await?;
            check(&browser, &source, "landing", "landing (signed out)", size, theme, &mut problems).await?;
            browser.visit("/settings").await?;
            check(&browser, &source, "settings-signed-out", "/settings (signed out)", size, theme, &mut problems)
                .await?;
        }
    }

    browser.eval("(localStorage.removeItem('portal.theme'), true)").await?;
    browser.sign_in(&portal, "amara.okoye@contoso.example", "/").await?;
    // A remembered device, so Settings shows it in words.
    browser.eval("(localStorage.setItem('portal.deviceContext', 'dev-amara-macbook'), true)").await?;
    for theme in ["light", "dark"] {
        set_theme(&browser, theme, true).await?;
        for &size in SIZES {
            browser.set_viewport(size.0, size.1).await?;
            for &(name, path) in PAGES {
                browser.visit(path).await?;
                check(&browser, &source, name, path, size, theme, &mut problems).await?;
            }
        }
    }
    browser.close().await?;
    eprintln!("accessibility: {} pages × 2 sizes × 2 schemes in {:?}", PAGES.len() + 2, started.elapsed());
    if !problems.is_empty() {
        bail!("{} accessibility problems:\n  {}", problems.len(), problems.join("\n  "));
    }
    Ok(())
}
