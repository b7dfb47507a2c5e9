//! Interop: the same sign-in against an independent, OpenID Certified provider
//! (`oidc-provider` from npm, tests/e2e/interop/), with `portal-server` trusting that issuer
//! (`--issuer`, `--audience api://portal`) and the SPA's config.json pointing at it. Proves
//! the portal follows the standards rather than its own development provider — sign-in, an
//! authorised API call and sign-out through that provider's end-session endpoint.

use portal_e2e::interop::{dist_for, start_provider};
use portal_e2e::{free_port, Browser, Portal};

#[tokio::test]
async fn sign_in_with_an_independent_certified_provider_and_call_the_api() -> anyhow::Result<()> {
    let port = free_port()?;
    let issuer = format!("http://127.0.0.1:{port}");
    let dist = tempfile::tempdir()?;
    dist_for(&issuer, dist.path())?;
    let portal =
        Portal::start_with(None, Some(dist.path()), &["--issuer", &issuer, "--audience", "api://portal"]).await?;
    let _provider = start_provider(port, &portal.url).await?;

    let browser = Browser::chromium(1280, 900).await?;
    browser.client.goto(&format!("{}/devices/dev-amara-surface", portal.url)).await?;
    // The silent attempt at oidc-provider answers login_required: the landing page.
    browser.wait_for_text("main .landing-deep-link", "Sign in to open this page.").await?;
    browser.click("main button.sign-in").await?;

    // oidc-provider's login interaction (consent is granted by the provider script).
    browser.fill("#username", "amara.okoye@contoso.example").await?;
    browser.fill("#password", "Portal-Demo-2026!").await?;
    browser.click("form button[type=submit]").await?;

    browser.wait_for_path("/devices/dev-amara-surface").await?;
    browser.wait_for_text("main h1", "CPH-LT-0142").await?;
    // GET /api/v1/me with oidc-provider's JWT access token, verified by portal-server
    // against that issuer's JWKS: the authorised call succeeded.
    browser.wait_for_text(".site-header .user-name", "Amara Okoye").await?;
    browser.screenshot("interop-signed-in").await?;

    // Sign-out goes to oidc-provider's end-session endpoint (RP-Initiated Logout with the
    // ID token as hint); it asks, and returns to the portal's landing page.
    browser.click(".site-header button.sign-out").await?;
    browser.click("button[name=logout][value=yes]").await?;
    browser.wait_for_path("/").await?;
    browser.wait_for_text("main h1", "Welcome to Contoso Pharmaceuticals").await?;
    let url = browser.client.current_url().await?;
    assert_eq!(url.origin().ascii_serialization(), portal.url, "back on the portal: {url}");
    // Its session is gone: signing in asks for the password again.
    browser.click("main button.sign-in").await?;
    browser.text_of("form #password").await?;
    browser.close().await?;
    Ok(())
}
