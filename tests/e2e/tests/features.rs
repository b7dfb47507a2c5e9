//! Issue 16's journeys end to end, in headless Chromium against a real `portal-server` with
//! the demo tenant: one server and one browser for all of them (CI time), axe on every new
//! section at phone (360×740) and desktop (1440×900) sizes.
//!
//! 1. Recovery keys: Amara is locked out of her Surface. "Get BitLocker recovery key" signs
//!    her in again at the provider (`prompt=login`), then shows both escrowed keys with their
//!    key IDs, Copy (to the clipboard) and Hide; nothing of the key stays in Web Storage; a
//!    notification says a key was shown (without it). Her unencrypted MacBook says why it
//!    has no key.
//! 2. Enroll this device: with "This device" a not-enrolled Android phone, Home's card leads
//!    to the steps for Android (Google Play) — what enrolling gives, what the organisation
//!    can and can't see — and apps that need enrollment say so, linking the steps: one
//!    offered to enrolled devices only, one Required (which a not-enrolled device can't get).
//! 3. Device categories: Kenji's Galaxy has none. A notification asks him to choose; its page
//!    lists the organisation's categories; he saves one, the page shows it and asks no more.
//! 4. Terms of use: Mateo (field operations) signs in and meets the terms first, on every
//!    personal page; Decline signs him out; Accept lets him in, once, and Settings shows it.
//!    Help stays public.
//! 5. Ask for an app: Kenji (finance) asks for Contoso Data Lab with a reason, withdraws
//!    (confirmed), asks again; Hannah (its approver, in a second browser) sees each request
//!    arrive live on Approvals and declines with a comment, which Kenji sees live with "Ask
//!    again"; he asks again, she approves, and his page offers Install at once; he installs
//!    it on his MacBook. Both notification centres say so in words. Two real sign-ins.

use anyhow::{ensure, Result};
use portal_e2e::{axe_source, Browser, Portal, DEMO_PASSWORD};
use serde_json::Value;

const SURFACE_KEY: &str = "123453-234564-345675-456786-567897-678909-012342-110011";
const SURFACE_DATA_KEY: &str = "702207-011011-220220-330330-440440-550550-660660-010120";

/// axe on the page as it is now, at phone and desktop sizes (no sideways scroll at 360 px);
/// ends at desktop size.
async fn axe_both(browser: &Browser, axe: &str, what: &str, problems: &mut Vec<String>) -> Result<()> {
    for (width, height) in [(360, 740), (1440, 900)] {
        browser.set_viewport(width, height).await?;
        problems.extend(browser.axe(axe, &format!("{what} at {width}×{height}")).await?);
        if width <= 360 {
            let fits = browser.eval("document.documentElement.scrollWidth <= window.innerWidth").await?;
            if fits != Value::Bool(true) {
                problems.push(format!("{what} at {width}×{height}: the page scrolls sideways"));
            }
        }
        browser.screenshot(&format!("features-{what}-{width}").replace(' ', "-")).await?;
    }
    Ok(())
}

async fn recovery_keys(browser: &Browser, portal: &Portal, axe: &str, problems: &mut Vec<String>) -> Result<()> {
    browser.visit("/devices/dev-amara-surface").await?;
    browser.wait_for_text("main h1", "CPH-LT-0142").await?;
    browser.wait_for_contains(".recovery-key h2", "BitLocker recovery key").await?;
    browser.wait_for_contains(".recovery-key", "you'll sign in again first").await?;
    axe_both(browser, axe, "recovery key offered", problems).await?;

    // A fresh sign-in at the provider, even though its session is live.
    browser.click("button[data-recovery-key]").await?;
    browser.wait_until("the provider's form", "document.querySelector('#password') !== null").await?;
    let asked = browser.eval("location.search").await?;
    let asked = asked.as_str().unwrap_or_default();
    ensure!(asked.contains("prompt=login") && asked.contains("max_age=0"), "a fresh sign-in was asked for: {asked}");
    browser.fill("#username", "amara.okoye@contoso.example").await?;
    browser.fill("#password", DEMO_PASSWORD).await?;
    browser.click("form button[type=submit]").await?;
    browser.wait_for_path("/devices/dev-amara-surface").await?;

    // Both keys, the start-up drive's first, each with the key ID the recovery screen shows.
    browser.wait_for_contains(".recovery-keys", SURFACE_KEY).await?;
    browser.wait_for_contains(".recovery-keys", SURFACE_DATA_KEY).await?;
    let first = browser.text_of(".recovery-key-item:first-child").await?;
    ensure!(first.contains("Start-up drive") && first.contains("Key ID 5B2AD4C9"), "{first}");
    browser.wait_for_contains(".recovery-key", "hidden again after 5 minutes").await?;
    axe_both(browser, axe, "recovery key shown", problems).await?;

    // Copy puts the key on the clipboard.
    browser
        .devtools(
            "Browser.grantPermissions",
            serde_json::json!({ "origin": portal.url, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"] }),
        )
        .await?;
    browser.click(".recovery-key-item:first-child button[data-copy-key]").await?;
    browser.wait_for_contains(".recovery-key .live-status", "The key was copied.").await?;
    let clipboard = browser.client.execute("return navigator.clipboard.readText();", vec![]).await?;
    ensure!(clipboard == Value::String(SURFACE_KEY.into()), "the clipboard holds {clipboard}");

    // Nothing of it in Web Storage.
    let stored = browser
        .eval("JSON.stringify(Object.assign({}, localStorage)) + JSON.stringify(Object.assign({}, sessionStorage))")
        .await?;
    ensure!(!stored.as_str().unwrap_or_default().contains("123453"), "a key in Web Storage: {stored}");

    // Hide: gone from the page.
    browser.click("button[data-hide-key]").await?;
    browser.wait_for_contains(".recovery-key", "The recovery key is hidden.").await?;
    let html = browser.eval("document.body.innerHTML").await?;
    ensure!(!html.as_str().unwrap_or_default().contains("123453"), "the key is still in the page");
    axe_both(browser, axe, "recovery key hidden", problems).await?;

    // The person is told a key was shown, never what it was.
    browser.visit("/notifications").await?;
    browser.wait_for_contains(".notification-list", "A recovery key was shown").await?;
    browser.wait_for_contains(".notification-list", "A recovery key of CPH-LT-0142 was shown to you").await?;
    let list = browser.text_of(".notification-list").await?;
    ensure!(!list.contains("123453"), "the key in a notification: {list}");

    // A Mac without FileVault: why there is no key, no button.
    browser.visit("/devices/dev-amara-macbook").await?;
    browser.wait_for_contains(".recovery-key h2", "FileVault recovery key").await?;
    browser.wait_for_contains("#recovery-reason", "isn't encrypted, so it has no recovery key").await?;
    let buttons = browser.eval("document.querySelectorAll('button[data-recovery-key]').length").await?;
    ensure!(buttons == 0, "a key offered where there is none");
    axe_both(browser, axe, "recovery key reason", problems).await?;
    Ok(())
}

async fn enroll_this_device(browser: &Browser, axe: &str, problems: &mut Vec<String>) -> Result<()> {
    // "This device" is an Android phone that isn't enrolled (as the picker remembers it).
    browser.eval("(localStorage.setItem('portal.deviceContext', 'unenrolled:android'), true)").await?;
    browser.reload_signed_in().await?;
    browser.visit("/").await?;
    browser.wait_for_contains(".enroll-card h2", "Enroll this device").await?;
    axe_both(browser, axe, "enroll card", problems).await?;
    browser.click(".enroll-card a[href='/enroll']").await?;
    browser.wait_for_text("main h1", "Enroll this device").await?;
    browser.wait_for_contains(".enroll-steps", "Get the Company Portal app from Google Play.").await?;
    let chosen = browser.eval("document.querySelector('#enroll-platform').value").await?;
    ensure!(chosen == "android", "the steps are for this device's platform: {chosen}");
    let store = browser.eval("document.querySelector('.enroll-steps a[href]').href").await?;
    ensure!(store.as_str().unwrap_or_default().starts_with("https://play.google.com/"), "{store}");
    browser.wait_for_contains("main", "What it can't see on a personal device").await?;
    browser.wait_for_contains("main", "Your photos, personal files and browsing history.").await?;
    axe_both(browser, axe, "enroll page", problems).await?;
    // Another kind of device: its own steps.
    browser
        .eval("(() => { const s = document.querySelector('#enroll-platform'); s.value = 'windows'; s.dispatchEvent(new Event('change')); return true; })()")
        .await?;
    browser.wait_for_contains(".enroll-steps", "Access work or school").await?;

    // Apps that need enrollment say so and link the steps.
    browser.visit("/apps/sales-maps").await?;
    browser.wait_for_contains("main", "Available for enrolled devices. Enroll this device to get it.").await?;
    browser
        .wait_until("the enroll link", "document.querySelector('main a.enroll-link[href=\"/enroll\"]') !== null")
        .await?;
    axe_both(browser, axe, "app needing enrollment", problems).await?;
    browser.visit("/apps/teams").await?;
    browser.wait_for_contains("main", "It's required for enrolled devices only. Enroll this device to get it.").await?;
    browser.wait_until("the enroll link", "document.querySelector('main a.enroll-link') !== null").await?;
    // And Devices offers the steps on request.
    browser.visit("/devices").await?;
    browser.wait_for_contains("main a.enroll-link", "How to enroll a device").await?;
    Ok(())
}

async fn device_categories(browser: &Browser, portal: &Portal, axe: &str, problems: &mut Vec<String>) -> Result<()> {
    browser.click(".site-header button.sign-out").await?;
    browser.wait_for_path("/").await?;
    browser.sign_in(portal, "kenji.sato@contoso.example", "/devices").await?;
    browser.wait_for_contains(".device-list", "Kenji's Galaxy S23").await?;
    // Reading his devices asked him once, as a notification that links the device.
    browser.visit("/notifications").await?;
    browser.wait_for_contains(".notification-list", "Choose a category for Kenji's Galaxy S23").await?;
    browser.click(".notification-list a[href='/devices/dev-kenji-galaxy']").await?;
    browser.wait_for_text("main h1", "Kenji's Galaxy S23").await?;
    browser.wait_for_contains(".category-prompt", "Choose a category for this device").await?;
    browser.wait_for_contains(".category-prompt", "Rugged phones of field operations.").await?;
    axe_both(browser, axe, "category prompt", problems).await?;
    // Saving without a choice says so; nothing is sent.
    browser.click("button[data-save-category]").await?;
    browser.wait_for_contains(".category-prompt", "Choose one of the categories.").await?;
    browser.click(".category-prompt input[value='cat-field-phone']").await?;
    browser.click("button[data-save-category]").await?;
    browser.wait_for_contains(".live-status", "Category saved: Field phone").await?;
    browser.wait_for_contains(".facts", "Field phone").await?;
    let asked = browser.eval("document.querySelectorAll('.category-prompt').length").await?;
    ensure!(asked == 0, "still asked after choosing");
    // Kept: read again from the server.
    browser.reload_signed_in().await?;
    browser.wait_for_contains(".facts", "Field phone").await?;
    ensure!(browser.eval("document.querySelectorAll('.category-prompt').length").await? == 0);
    axe_both(browser, axe, "category chosen", problems).await?;
    Ok(())
}

async fn terms_of_use(browser: &Browser, portal: &Portal, axe: &str, problems: &mut Vec<String>) -> Result<()> {
    browser.click(".site-header button.sign-out").await?;
    browser.wait_for_path("/").await?;
    browser.sign_in(portal, "mateo.rossi@contoso.example", "/devices").await?;
    browser.wait_for_text("main h1", "Field equipment terms of use").await?;
    browser.wait_for_contains("main", "Report a lost or stolen device").await?;
    browser.wait_for_contains("main", "Version 2026-11").await?;
    axe_both(browser, axe, "terms", problems).await?;
    browser.visit("/apps").await?;
    browser.wait_for_text("main h1", "Field equipment terms of use").await?;
    // Public pages stay public.
    browser.visit("/help").await?;
    browser
        .wait_until("Help", "document.querySelector('main h1')?.innerText !== 'Field equipment terms of use'")
        .await?;

    // Decline: signed out.
    browser.visit("/").await?;
    browser.click("button[data-decline-terms]").await?;
    browser.wait_for_text("main button.sign-in", "Sign in").await?;

    // Accept: in, and not asked again.
    browser.sign_in(portal, "mateo.rossi@contoso.example", "/devices").await?;
    browser.wait_for_text("main h1", "Field equipment terms of use").await?;
    browser.click("button[data-accept-terms]").await?;
    browser.wait_for_text("main h1", "Devices").await?;
    browser.reload_signed_in().await?;
    browser.wait_for_text("main h1", "Devices").await?;
    browser.visit("/settings").await?;
    browser.wait_for_contains(".terms-acceptance", "You accepted version 2026-11 on").await?;
    axe_both(browser, axe, "terms accepted", problems).await?;
    Ok(())
}

const DATA_LAB: &str = ".app-row[data-app='data-lab']";

/// Writes `reason` into the open Request dialog and sends it.
async fn send_request(kenji: &Browser, reason: &str) -> Result<()> {
    kenji.wait_until("the Request dialog", "document.querySelector('dialog.request-dialog')?.open === true").await?;
    kenji.fill("#request-reason", reason).await?;
    kenji.click("button[data-send-request]").await?;
    kenji.wait_until("the dialog to close", "document.querySelector('dialog.request-dialog') === null").await?;
    kenji.wait_for_contains(DATA_LAB, "Requested — waiting for approval").await
}

async fn ask_for_an_app(kenji: &Browser, portal: &Portal, axe: &str, problems: &mut Vec<String>) -> Result<()> {
    // The approver, in a browser of her own: Approvals is in her navigation.
    let hannah = Browser::chromium(1440, 900).await?;
    hannah.sign_in(portal, "hannah.lindqvist@contoso.example", "/").await?;
    hannah.click(".site-nav a[href='/approvals']").await?;
    hannah.wait_for_text("main h1", "Approvals").await?;
    hannah.wait_for_contains("main", "No requests are waiting.").await?;

    kenji.click(".site-header button.sign-out").await?;
    kenji.wait_for_path("/").await?;
    kenji.sign_in(portal, "kenji.sato@contoso.example", "/").await?;
    kenji.visit("/apps?choose-device").await?;
    kenji.click("#context-dev-kenji-macbook").await?;
    kenji.click("form.device-picker button[type=submit]").await?;
    kenji.wait_for_contains(&format!("{DATA_LAB} button[data-request]"), "Request").await?;
    ensure!(
        kenji.eval("document.querySelector(\".site-nav a[href='/approvals']\") === null").await? == Value::Bool(true),
        "Approvals is offered to someone who approves nothing"
    );

    // The dialog: focus in the reason, the server's limit counted, nothing empty sent,
    // Escape closes it and focus is back on Request.
    kenji.click(&format!("{DATA_LAB} button[data-request]")).await?;
    kenji.wait_until("the Request dialog", "document.querySelector('dialog.request-dialog')?.open === true").await?;
    kenji.wait_until("focus in the reason", "document.activeElement?.id === 'request-reason'").await?;
    kenji.wait_for_contains("#request-count", "0 characters of 500").await?;
    kenji.click("button[data-send-request]").await?;
    kenji.wait_for_contains("#request-invalid", "Say briefly why you need the app.").await?;
    kenji.fill("#request-reason", "Quarterly forecasts").await?;
    kenji.wait_for_contains("#request-count", "19 characters of 500").await?;
    axe_both(kenji, axe, "request dialog", problems).await?;
    kenji.press(&char::from(fantoccini::key::Key::Escape).to_string()).await?;
    kenji.wait_until("the dialog to close", "document.querySelector('dialog.request-dialog') === null").await?;
    kenji.wait_until("focus back on Request", "document.activeElement?.hasAttribute('data-request') === true").await?;

    // Asked, then withdrawn (after a confirmation): Hannah sees it come and go, live.
    kenji.click(&format!("{DATA_LAB} button[data-request]")).await?;
    send_request(kenji, "Quarterly forecasts for the board").await?;
    hannah.wait_for_contains(".approval-list", "Kenji Sato asks for it.").await?;
    hannah.wait_for_contains(".approval-list", "Quarterly forecasts for the board").await?;
    kenji.click(&format!("{DATA_LAB} button[data-withdraw]")).await?;
    kenji.click("button[data-confirm-withdraw]").await?;
    kenji
        .wait_until(
            "Request again after withdrawing",
            &format!("!!document.querySelector({:?})", format!("{DATA_LAB} button[data-request]")),
        )
        .await?;
    ensure!(!kenji.text_of(DATA_LAB).await?.contains("waiting for approval"), "still waiting after withdrawing");
    hannah.wait_for_contains("main", "No requests are waiting.").await?;
    hannah.wait_for_contains("main", "Withdrawn").await?;

    // Asked again; declined with a comment, which Kenji reads without reloading.
    kenji.click(&format!("{DATA_LAB} button[data-request]")).await?;
    send_request(kenji, "Quarterly forecasts for the board").await?;
    hannah.wait_for_contains(".approval-list", "Kenji Sato asks for it.").await?;
    axe_both(&hannah, axe, "approvals", problems).await?;
    hannah.fill(".approval textarea", "No licence left this quarter; ask again in January.").await?;
    hannah.click("button[data-decline]").await?;
    hannah.wait_for_contains("main", "No requests are waiting.").await?;
    hannah.wait_for_contains("main", "Declined").await?;
    kenji.wait_for_contains(DATA_LAB, "Your request was declined.").await?;
    kenji.wait_for_contains(DATA_LAB, "No licence left this quarter").await?;

    // Asked again; approved: Install appears live, and installs.
    kenji.click(&format!("{DATA_LAB} button[data-request]")).await?;
    send_request(kenji, "A licence came free: Finance swapped one").await?;
    hannah.wait_for_contains(".approval-list", "A licence came free").await?;
    hannah.click("button[data-approve]").await?;
    hannah.wait_for_contains("main", "Approved").await?;
    kenji.click(&format!("{DATA_LAB} button[aria-label^='Install']")).await?;
    kenji
        .wait_until(
            "Data Lab on its way",
            &format!(
            "['Installing', 'Installed'].some(s => (document.querySelector({DATA_LAB:?})?.innerText ?? '').includes(s))"
        ),
        )
        .await?;

    // The news in words, in both notification centres.
    kenji.visit("/notifications").await?;
    kenji.wait_for_contains(".notification-list", "Request for Contoso Data Lab approved").await?;
    kenji
        .wait_for_contains(".notification-list", "Hannah Lindqvist declined your request for Contoso Data Lab.")
        .await?;
    hannah.visit("/notifications").await?;
    hannah.wait_for_contains(".notification-list", "Kenji Sato asks for Contoso Data Lab").await?;
    hannah.wait_for_contains(".notification-list", "Request for Contoso Data Lab withdrawn").await?;
    hannah.close().await
}

#[tokio::test]
async fn issue_16_journeys_on_the_demo_tenant() -> Result<()> {
    let portal = Portal::start(None).await?;
    let browser = Browser::chromium(1440, 900).await?;
    let axe = axe_source()?;
    let mut problems = Vec::new();
    browser.sign_in(&portal, "amara.okoye@contoso.example", "/devices").await?;
    recovery_keys(&browser, &portal, &axe, &mut problems).await?;
    enroll_this_device(&browser, &axe, &mut problems).await?;
    device_categories(&browser, &portal, &axe, &mut problems).await?;
    terms_of_use(&browser, &portal, &axe, &mut problems).await?;
    ask_for_an_app(&browser, &portal, &axe, &mut problems).await?;
    browser.close().await?;
    ensure!(problems.is_empty(), "accessibility:\n{}", problems.join("\n"));
    Ok(())
}
