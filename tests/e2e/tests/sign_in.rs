//! Sign-in end to end: the SPA's OpenID Connect code + PKCE flow against the development
//! provider of a real `portal-server`, in headless Chromium.

use portal_e2e::{Browser, Portal};

const USER: &str = "amara.okoye@contoso.example";
const PASSWORD: &str = "Portal-Demo-2026!";

/// Everything the page can see in its origin's storage: Web Storage (keys and values),
/// IndexedDB databases and cookies.
const STORAGE: &str = "(async () => ({
    local: Object.entries(localStorage),
    session: Object.entries(sessionStorage),
    indexedDb: (await indexedDB.databases()).map(d => d.name),
    cookie: document.cookie,
}))()";

#[tokio::test]
async fn sign_in_lands_on_the_deep_link_survives_a_reload_and_signs_out() -> anyhow::Result<()> {
    let portal = Portal::start(None).await?;
    let browser = Browser::chromium(1280, 900).await?;

    // Signed out, a deep link: the silent attempt comes back "login required", and the
    // branded landing page stands in for the device page.
    browser.client.goto(&format!("{}/devices/dev-amara-surface", portal.url)).await?;
    browser.wait_for_text("main h1", "Welcome to Contoso Pharmaceuticals").await?;
    browser.wait_for_text("main .landing-deep-link", "Sign in to open this page.").await?;
    browser.wait_for_path("/devices/dev-amara-surface").await?;
    assert_eq!(browser.eval("document.querySelectorAll('.user-name').length").await?, 0);

    // Sign in through the provider's form; back on the deep link.
    browser.click("main button.sign-in").await?;
    browser.fill("#username", USER).await?;
    browser.fill("#password", PASSWORD).await?;
    browser.click("form button[type=submit]").await?;
    browser.wait_for_path("/devices/dev-amara-surface").await?;
    browser.wait_for_text("main h1", "CPH-LT-0142").await?;
    // The header's name comes from GET /api/v1/me, called with the access token.
    browser.wait_for_text(".site-header .user-name", "Amara Okoye").await?;
    browser.screenshot("signed-in-device").await?;

    // No token anywhere but memory: the only thing stored is the (non-secret) time of the
    // last automatic redirect; the callback's attempt is gone; no IndexedDB, no cookie.
    let stored = browser.eval(STORAGE).await?;
    // localStorage: only that someone signed in here (no name, no token), which lets a later
    // visit to the landing page try the provider's session.
    assert_eq!(stored["local"], serde_json::json!([["portal.auth.signedInHere", "1"]]), "localStorage: {stored}");
    assert_eq!(stored["indexedDb"], serde_json::json!([]), "IndexedDB: {stored}");
    assert_eq!(stored["cookie"], "", "document.cookie: {stored}");
    let session = stored["session"].as_array().cloned().unwrap_or_default();
    for entry in &session {
        let (key, value) = (entry[0].as_str().unwrap_or_default(), entry[1].as_str().unwrap_or_default());
        assert_eq!(key, "portal.auth.redirectedAt", "sessionStorage holds {key:?}: {stored}");
        assert!(value.chars().all(|c| c.is_ascii_digit()), "a timestamp, not a token: {value:?}");
    }
    assert!(!stored.to_string().contains("eyJ"), "a JWT in storage: {stored}");

    // A reload empties memory; the provider's session signs the user in again silently, on
    // the same page.
    browser.client.refresh().await?;
    browser.wait_for_text("main h1", "CPH-LT-0142").await?;
    browser.wait_for_text(".site-header .user-name", "Amara Okoye").await?;
    browser.wait_for_path("/devices/dev-amara-surface").await?;

    // Sign out: the provider ends its session and returns to the landing page.
    browser.click(".site-header button.sign-out").await?;
    browser.wait_for_path("/").await?;
    browser.wait_for_text("main h1", "Welcome to Contoso Pharmaceuticals").await?;
    browser.wait_for_text("main button.sign-in", "Sign in").await?;
    assert_eq!(browser.eval("document.querySelectorAll('.user-name').length").await?, 0);
    let hint = browser.eval("localStorage.getItem('portal.auth.signedInHere')").await?;
    assert_eq!(hint, serde_json::Value::Null, "signing out forgets that someone signed in here");

    // The back button does not bring the personal page back.
    browser.client.back().await?;
    browser.wait_for_path("/devices/dev-amara-surface").await?;
    browser.wait_for_text("main h1", "Welcome to Contoso Pharmaceuticals").await?;
    let body = browser.eval("document.body.innerText").await?;
    assert!(!body.as_str().unwrap_or_default().contains("Amara Okoye"), "personal data after sign-out: {body}");
    assert!(!body.as_str().unwrap_or_default().contains("CPH-LT-0142"), "personal page after sign-out: {body}");

    // The provider's session is gone too: signing in asks for the password again.
    browser.click("main button.sign-in").await?;
    browser.text_of("form #password").await?;
    browser.close().await?;
    Ok(())
}
