//! Devices end to end (issue 6): the demo tenant's devices in headless Chromium against a
//! real `portal-server` whose simulator completes actions after 300 ms. Every action runs
//! through its confirmation to done where portal-core allows it; where it does not, the
//! page says why in words.

use anyhow::Result;
use portal_e2e::{Browser, Portal};

async fn start() -> Result<Portal> {
    Portal::start_with(None, None, &["--simulator-delay-ms", "300"]).await
}

/// The reason shown beside `action`'s disabled button.
async fn disabled_with_reason(browser: &Browser, action: &str, reason: &str) -> Result<()> {
    let button = format!("button[data-action={action}]");
    browser
        .wait_until(&format!("{action} disabled"), &format!("document.querySelector('{button}')?.disabled === true"))
        .await?;
    browser.wait_for_contains(&format!("#reason-{action}, #{action}-reason"), reason).await
}

async fn not_offered(browser: &Browser, action: &str) -> Result<()> {
    let n = browser.eval(&format!("document.querySelectorAll('button[data-action={action}]').length")).await?;
    assert_eq!(n, 0, "{action} is offered");
    Ok(())
}

/// Runs `action` through its confirmation (typing `name` where asked) and waits for done.
async fn run_to_done(browser: &Browser, action: &str, label: &str, name: Option<&str>) -> Result<()> {
    let button = format!("button[data-action={action}]");
    browser
        .wait_until(&format!("{action} enabled"), &format!("document.querySelector('{button}')?.disabled === false"))
        .await?;
    browser.click(&button).await?;
    if let Some(name) = name {
        browser.fill("dialog[open] input[name=confirm-name]", name).await?;
    }
    browser.click("dialog[open] button[data-confirm]").await?;
    // Pending at once, then done live (no reload).
    browser.wait_for_contains(".history", &format!("{label} — ")).await?;
    browser.wait_for_contains(".live-status", &format!("{label}: Done")).await?;
    browser.wait_for_contains(".history li:first-child", &format!("{label} — Done")).await
}

#[tokio::test]
async fn amara_runs_every_allowed_action_and_sees_why_the_others_are_not() -> Result<()> {
    let portal = start().await?;
    let browser = Browser::chromium(1280, 900).await?;
    browser.sign_in(&portal, "amara.okoye@contoso.example", "/devices").await?;

    // The list: every device, status in words, grace period with its date.
    browser.wait_for_contains(".device-list", "Amara's MacBook Air").await?;
    for name in ["Amara's iPhone", "Amara's personal iPhone", "CPH-LT-0142", "Amara's Pixel 8"] {
        browser.wait_for_contains(".device-list", name).await?;
    }
    browser.wait_for_contains(".device-list", "Can't access company resources").await?;
    browser.wait_for_contains(".device-list", "can still access company resources until").await?;
    browser.wait_for_contains(".device-list", "Last check-in").await?;

    // ADE iPhone: no Remove / Reset, with the reason; the other actions run to done.
    browser.click("a[href='/devices/dev-amara-iphone']").await?;
    browser.wait_for_text("main h1", "Amara's iPhone").await?;
    disabled_with_reason(&browser, "retire", "Apple Business Manager, so it can't be removed here").await?;
    disabled_with_reason(&browser, "wipe", "Apple Business Manager, so it can't be reset here").await?;
    run_to_done(&browser, "sync", "Check status", None).await?;
    run_to_done(&browser, "remotelock", "Remote lock", None).await?;
    run_to_done(&browser, "resetpasscode", "Reset passcode", None).await?;
    browser.screenshot("device-ade-iphone").await?;

    // Entra-joined Surface in its grace period: what to fix; Remove never possible here.
    browser.visit("/devices/dev-amara-surface").await?;
    browser.wait_for_text("main h1", "CPH-LT-0142").await?;
    browser.wait_for_contains("main", "What to fix").await?;
    disabled_with_reason(&browser, "retire", "joined to your organisation's Microsoft Entra ID").await?;
    not_offered(&browser, "remotelock").await?;

    // Personal Pixel with a work profile: Reset passcode not possible (Android 7+); Reset runs,
    // with the device name typed.
    browser.visit("/devices/dev-amara-pixel").await?;
    browser.wait_for_text("main h1", "Amara's Pixel 8").await?;
    disabled_with_reason(&browser, "resetpasscode", "Android 7 and later").await?;
    run_to_done(&browser, "remotelock", "Remote lock", None).await?;
    run_to_done(&browser, "wipe", "Reset", Some("Amara's Pixel 8")).await?;

    // User-enrolled iPhone: no Reset; Remove needs the exact name, then leaves the list.
    browser.visit("/devices/dev-amara-iphone-personal").await?;
    browser.wait_for_text("main h1", "Amara's personal iPhone").await?;
    disabled_with_reason(&browser, "wipe", "User Enrollment").await?;
    browser.click("button[data-action=retire]").await?;
    browser.wait_for_contains("dialog[open]", "your personal photos, files and apps stay").await?;
    let focused = browser.eval("document.activeElement?.name").await?;
    assert_eq!(focused, "confirm-name", "focus moves into the dialog");
    browser.fill("dialog[open] input[name=confirm-name]", "Amara's iPhone").await?;
    browser.click("dialog[open] button[data-confirm]").await?;
    browser.wait_for_contains("dialog[open]", "The name doesn't match the device name.").await?;
    assert_eq!(browser.eval("document.querySelectorAll('.history li').length").await?, 0, "nothing was requested");
    browser.click("dialog[open] button[type=button]").await?;
    browser.wait_until("the dialog to close", "document.querySelector('dialog[open]') === null").await?;
    let focused = browser.eval("document.activeElement?.dataset.action").await?;
    assert_eq!(focused, "retire", "focus returns to the button that opened the dialog");
    browser.click("button[data-action=retire]").await?;
    browser.fill("dialog[open] input[name=confirm-name]", "Amara's personal iPhone").await?;
    browser.click("dialog[open] button[data-confirm]").await?;
    browser.wait_for_contains("main", "was removed and is no longer managed").await?;
    browser.click("main a[href='/devices']").await?;
    browser.wait_for_contains(".device-list", "Amara's MacBook Air").await?;
    let list = browser.eval("document.querySelector('main').innerText").await?;
    assert!(
        !list.as_str().unwrap_or_default().contains("Amara's personal iPhone"),
        "removed device still listed: {list}"
    );

    // Results arrive as notifications: an unread count in the header, read state kept.
    browser
        .wait_until("an unread count", "Number(document.querySelector('.notifications-link .count')?.innerText) > 0")
        .await?;
    browser.click(".notifications-link").await?;
    browser.wait_for_text("main h1", "Notifications").await?;
    browser.wait_for_contains(".notification-list", "Unread").await?;
    let before = browser.eval("document.querySelectorAll('.notification.unread').length").await?;
    browser.click(".notification.unread button").await?;
    let after = browser.eval("document.querySelectorAll('.notification.unread').length").await?;
    assert_eq!(after.as_u64().unwrap_or(99) + 1, before.as_u64().unwrap_or(0), "one marked read");
    // A reload signs in silently again; lift the SPA's once-in-30-s redirect limit first.
    browser.eval("(sessionStorage.removeItem('portal.auth.redirectedAt'), true)").await?;
    browser.client.refresh().await?;
    browser.wait_for_text("main h1", "Notifications").await?;
    browser.wait_until("the list", "document.querySelectorAll('.notification').length > 0").await?;
    let reloaded = browser.eval("document.querySelectorAll('.notification.unread').length").await?;
    assert_eq!(reloaded, after, "read state is the server's");

    browser.close().await?;
    Ok(())
}

#[tokio::test]
async fn rename_round_trip_with_validation_and_this_device() -> Result<()> {
    let portal = start().await?;
    let browser = Browser::chromium(360, 800).await?;
    // Another user's device in the address (a deep link): not found, nothing about it shown.
    browser.sign_in(&portal, "amara.okoye@contoso.example", "/devices/dev-jonas-iphone").await?;
    browser.wait_for_text("main h1", "Page not found").await?;
    browser.wait_for_contains("main", "This device isn't one of yours").await?;
    let shown = browser.eval("document.querySelector('main').innerText.includes(\"Jonas\")").await?;
    assert_eq!(shown, false);

    browser.visit("/devices/dev-amara-macbook").await?;
    browser.wait_for_text("main h1", "Amara's MacBook Air").await?;
    browser.wait_for_contains("main", "Can't access company resources").await?;

    browser.click("button[data-action=rename]").await?;
    let input = "main form.rename input";
    browser.client.execute("document.querySelector('main form.rename input').value = ''", vec![]).await?;
    browser.fill(input, "   ").await?;
    browser.click("main form.rename button[type=submit]").await?;
    browser.wait_for_contains("#device-name-error", "Enter a name.").await?;
    browser.fill(input, &"x".repeat(70)).await?;
    browser.wait_for_contains("#device-name-error", "at most 64 characters").await?;
    browser.client.execute("document.querySelector('main form.rename input').value = ''", vec![]).await?;
    browser.fill(input, "  Work Mac  ").await?;
    browser.click("main form.rename button[type=submit]").await?;
    browser.wait_for_text("main h1", "Work Mac").await?;
    browser.wait_for_contains(".live-status", "Renamed to Work Mac.").await?;

    // "This device" is remembered (an id only) and marked in the list.
    browser.click("main button.button:not([data-action])").await?;
    browser.wait_for_contains("main", "You're using this device.").await?;
    let stored = browser.eval("localStorage.getItem('portal.deviceContext')").await?;
    assert_eq!(stored, "dev-amara-macbook");

    browser.visit("/devices").await?;
    browser.wait_for_contains("a[href='/devices/dev-amara-macbook']", "Work Mac").await?;
    browser.wait_for_contains("a[href='/devices/dev-amara-macbook'] .badge", "This device").await?;
    let width = browser.eval("document.documentElement.scrollWidth <= window.innerWidth").await?;
    assert_eq!(width, true, "no horizontal scrolling at 360 px");
    browser.screenshot("devices-360").await?;
    browser.close().await?;
    Ok(())
}

#[tokio::test]
async fn jonas_sees_organisation_hidden_actions_and_a_temporary_passcode() -> Result<()> {
    // Slower device: long enough to see an action pending.
    let portal = Portal::start_with(None, None, &["--simulator-delay-ms", "2500"]).await?;
    let browser = Browser::chromium(1280, 900).await?;
    browser.sign_in(&portal, "jonas.weber@contoso.example", "/devices/dev-jonas-workstation").await?;
    browser.wait_for_text("main h1", "CPH-WS-0077").await?;
    disabled_with_reason(&browser, "retire", "turned off removing this kind of device").await?;
    disabled_with_reason(&browser, "wipe", "turned off resetting this kind of device").await?;
    run_to_done(&browser, "resetpasscode", "Reset passcode", None).await?;
    browser.wait_for_contains(".passcode", "Temporary passcode:").await?;
    browser.click(".passcode button").await?;
    browser.wait_until("the passcode hidden", "document.querySelector('.passcode') === null").await?;

    // A pending Remote lock cannot be requested again: disabled at once, with the reason.
    browser.visit("/devices/dev-jonas-iphone").await?;
    browser.wait_for_text("main h1", "Jonas's iPhone").await?;
    let button = "button[data-action=remotelock]";
    browser
        .wait_until("remote lock enabled", &format!("document.querySelector('{button}')?.disabled === false"))
        .await?;
    browser.click(button).await?;
    browser.click("dialog[open] button[data-confirm]").await?;
    disabled_with_reason(&browser, "remotelock", "already requested").await?;
    browser.wait_for_contains(".history li:first-child", "Remote lock — Pending").await?;
    browser.wait_for_contains(".history li:first-child", "Remote lock — Done").await?;
    browser.close().await?;
    Ok(())
}

#[tokio::test]
async fn a_device_enrollment_manager_device_allows_no_action() -> Result<()> {
    let portal = start().await?;
    let browser = Browser::chromium(1280, 900).await?;
    browser.sign_in(&portal, "hannah.lindqvist@contoso.example", "/devices/dev-lab-ipad").await?;
    browser.wait_for_text("main h1", "LAB-IPAD-03").await?;
    for action in ["sync", "remotelock", "resetpasscode", "retire", "wipe"] {
        disabled_with_reason(&browser, action, "device enrollment manager").await?;
    }
    disabled_with_reason(&browser, "rename", "device enrollment manager").await?;
    browser.close().await?;
    Ok(())
}
