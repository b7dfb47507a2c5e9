//! Keyboard only (issue 8): after signing in, Amara removes her user-enrolled iPhone (the
//! demo device whose Remove portal-core allows, see devices.rs) with nothing but WebDriver
//! key presses — Tab, Shift+Tab, Enter, Space, Escape and typing. Focus moves to the page's
//! heading after navigation, into the confirmation dialog when it opens, back to Remove when
//! Escape closes it; the confirmed removal completes.

use anyhow::Result;
use fantoccini::key::Key;
use portal_e2e::{Browser, Portal};
use serde_json::Value;

fn key(k: Key) -> String {
    char::from(k).to_string()
}

async fn focused(browser: &Browser, expr: &str) -> Result<bool> {
    Ok(browser.eval(expr).await? == Value::Bool(true))
}

#[tokio::test]
async fn amara_removes_a_device_with_the_keyboard_only() -> Result<()> {
    let portal = Portal::start_with(None, None, &["--simulator-delay-ms", "300"]).await?;
    let browser = Browser::chromium(1280, 900).await?;
    browser.sign_in(&portal, "amara.okoye@contoso.example", "/devices").await?;
    browser
        .wait_until(
            "the device list",
            "document.querySelector(\"a[href='/devices/dev-amara-iphone-personal']\") !== null",
        )
        .await?;

    // From the top of the page to the device with Tab, opened with Enter.
    browser
        .tab_until(
            "the personal iPhone's link",
            "document.activeElement?.getAttribute('href') === '/devices/dev-amara-iphone-personal'",
            false,
            60,
        )
        .await?;
    browser.press(&key(Key::Enter)).await?;
    browser.wait_for_path("/devices/dev-amara-iphone-personal").await?;
    browser.wait_for_text("main h1", "Amara's personal iPhone").await?;
    browser
        .wait_until("focus on the page's heading", "document.activeElement === document.querySelector('main h1')")
        .await?;

    // Tab to Remove; Enter opens its confirmation with focus in the name field.
    let remove = "document.activeElement?.dataset.action === 'retire'";
    browser
        .wait_until("Remove enabled", "document.querySelector('button[data-action=retire]')?.disabled === false")
        .await?;
    browser.tab_until("Remove", remove, false, 30).await?;
    browser.press(&key(Key::Enter)).await?;
    browser.wait_until("the dialog", "document.querySelector('dialog[open]') !== null").await?;
    browser.wait_until("focus in the dialog", "document.activeElement?.name === 'confirm-name'").await?;

    // Escape cancels: the dialog closes, nothing was requested, focus is back on Remove.
    browser.press(&key(Key::Escape)).await?;
    browser.wait_until("the dialog to close", "document.querySelector('dialog[open]') === null").await?;
    assert!(focused(&browser, remove).await?, "focus returns to Remove after Escape");
    assert_eq!(browser.eval("document.querySelectorAll('.history li').length").await?, 0, "nothing was requested");

    // Space opens it again; type the name, Tab past Cancel to the confirm button (Shift+Tab
    // goes back to Cancel), and Enter confirms.
    browser.press(" ").await?;
    browser.wait_until("focus in the dialog again", "document.activeElement?.name === 'confirm-name'").await?;
    browser.press("Amara's personal iPhone").await?;
    let confirm = "document.activeElement?.hasAttribute('data-confirm') === true";
    browser.tab_until("the confirm button", confirm, false, 5).await?;
    browser.press_shifted(Key::Tab).await?;
    assert!(
        focused(
            &browser,
            "document.activeElement?.closest('dialog[open]') !== null && document.activeElement?.type === 'button'"
        )
        .await?,
        "Shift+Tab moves back to Cancel"
    );
    browser.press(&key(Key::Tab)).await?;
    assert!(focused(&browser, confirm).await?, "Tab returns to the confirm button");
    browser.press(&key(Key::Enter)).await?;

    browser
        .wait_until(
            "the removal to complete",
            "document.querySelector('main').innerText.includes('was removed and is no longer managed')",
        )
        .await?;
    browser.close().await?;
    Ok(())
}
