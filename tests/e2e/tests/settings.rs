//! Settings end to end (issue 8): "This device" in words, forgetting it, the colour scheme
//! remembered across a reload (before the app starts), the language, and signing out.

use anyhow::Result;
use portal_e2e::{Browser, Portal};
use serde_json::Value;

#[tokio::test]
async fn settings_show_this_device_in_words_and_remember_the_colours() -> Result<()> {
    let portal = Portal::start(None).await?;
    let browser = Browser::chromium(1280, 900).await?;
    // Settings is public (language and colours): sign in from the landing page, then go there.
    browser.sign_in(&portal, "amara.okoye@contoso.example", "/").await?;
    browser.visit("/settings").await?;
    browser.wait_for_text("main h1", "Settings").await?;
    browser
        .wait_for_text(
            ".remembered-device",
            "No device is remembered. The portal asks which device you're using when it needs to know.",
        )
        .await?;

    // A remembered device id: its name from the devices API.
    browser.eval("(localStorage.setItem('portal.deviceContext', 'dev-amara-macbook'), true)").await?;
    browser.reload_signed_in().await?;
    browser.wait_for_text(".remembered-device", "This browser runs on Amara's MacBook Air.").await?;
    let change = browser.eval("document.querySelector('.settings-actions a').getAttribute('href')").await?;
    assert_eq!(change, "/apps?choose-device");

    // A device that isn't listed, then forgetting it.
    browser.eval("(localStorage.setItem('portal.deviceContext', 'unenrolled:ios'), true)").await?;
    browser.reload_signed_in().await?;
    browser
        .wait_for_text(".remembered-device", "This browser runs on a device that isn't listed (not enrolled), iOS.")
        .await?;
    browser.click("button.forget-device").await?;
    browser
        .wait_for_text(
            ".remembered-device",
            "No device is remembered. The portal asks which device you're using when it needs to know.",
        )
        .await?;
    browser
        .wait_for_text(
            "main .live-status",
            "Forgotten. The portal will ask which device you're using when it needs to know.",
        )
        .await?;
    assert_eq!(browser.eval("localStorage.getItem('portal.deviceContext')").await?, Value::Null);
    assert_eq!(
        browser.eval("document.activeElement === document.querySelector('.settings-actions a')").await?,
        true,
        "focus moves to Choose a device, not to the page"
    );

    // Dark: applied at once, remembered, and in place again before the app starts.
    browser.click("input[name=theme][value=dark]").await?;
    assert_eq!(browser.eval("document.documentElement.dataset.theme").await?, "dark");
    assert_eq!(browser.eval("getComputedStyle(document.body).backgroundColor").await?, "rgb(18, 19, 22)");
    assert_eq!(browser.eval("localStorage.getItem('portal.theme')").await?, "dark");
    browser.reload_signed_in().await?;
    browser.wait_for_text("main h1", "Settings").await?;
    assert_eq!(browser.eval("document.querySelector('input[name=theme][value=dark]').checked").await?, true);
    assert_eq!(browser.eval("getComputedStyle(document.documentElement).colorScheme").await?, "dark");
    browser.click("input[name=theme][value=system]").await?;
    assert_eq!(browser.eval("document.documentElement.hasAttribute('data-theme')").await?, false);
    assert_eq!(browser.eval("localStorage.getItem('portal.theme')").await?, Value::Null);

    // The language, as in the footer.
    browser.eval("(() => { const s = document.getElementById('settings-language-select'); s.value = 'de'; s.dispatchEvent(new Event('change')); return true; })()").await?;
    browser.wait_for_text("main h1", "Einstellungen").await?;
    browser.wait_for_text(".site-nav a[aria-current=page]", "Einstellungen").await?;

    // Sign out from Settings: through the provider to the landing page — a new page load,
    // still in the language chosen (remembered in this browser as `portal.language`).
    browser.click("button.sign-out-settings").await?;
    browser.wait_for_path("/").await?;
    browser.wait_for_text("main h1", "Willkommen bei Contoso Pharmaceuticals").await?;
    assert_eq!(browser.eval("localStorage.getItem('portal.language')").await?, "de");
    browser.close().await?;
    Ok(())
}
