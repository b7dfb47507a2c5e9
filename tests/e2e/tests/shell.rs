//! The walking skeleton end to end: tenant file → SQLite → Portal API → SPA in a browser.

use portal_core::branding::Branding;
use portal_e2e::{Browser, Portal};

const TENANT: &str = r##"
[organisation]
name = "Fabrikam E2E Ltd"
theme_color = "#ffeb3b"

[organisation.support]
name = "Fabrikam Help Desk"
phone = "+44 20 7946 0000"
email = "help@fabrikam.example"
"##;

#[tokio::test]
async fn the_shell_shows_the_organisation_from_the_api_on_desktop_and_phone() -> anyhow::Result<()> {
    let portal = Portal::start(Some(TENANT)).await?;
    let branding: Branding = portal.get_json("/api/v1/branding").await?;
    assert_eq!(branding.organisation_name, "Fabrikam E2E Ltd");

    let browser = Browser::chromium(1440, 900).await?;
    browser.client.goto(&portal.url).await?;

    // The header renders the name the API returned, in the theme colour, with the text
    // colour portal-core chose for contrast (dark on yellow).
    browser.wait_for_text(".site-header .org-name", &branding.organisation_name).await?;
    let header = browser
        .eval("(() => { const s = getComputedStyle(document.querySelector('.site-header')); return [s.backgroundColor, s.color]; })()")
        .await?;
    assert_eq!(header, serde_json::json!(["rgb(255, 235, 59)", "rgb(0, 0, 0)"]));
    assert_eq!(browser.eval("document.title").await?, "Fabrikam E2E Ltd · Company Portal");
    browser.wait_for_text("main h1", "Welcome to Fabrikam E2E Ltd").await?;
    browser.screenshot("home-1440").await?;

    // Navigation works client-side (signed out, a personal page shows the landing page,
    // which offers to sign in to open it)...
    browser.client.find(fantoccini::Locator::LinkText("Devices")).await?.click().await?;
    browser.wait_for_text("main .landing-deep-link", "Sign in to open this page.").await?;
    assert_eq!(browser.client.current_url().await?.path(), "/devices");
    assert_eq!(browser.text_of(".site-nav a[aria-current=page]").await?, "Devices");

    // ...and deep links load the app at that page.
    browser.client.goto(&format!("{}/help", portal.url)).await?;
    browser.wait_for_text("main h1", "Help & support").await?;
    let phone = browser.eval("document.querySelector('.contact a[href^=\"tel:\"]').getAttribute('href')").await?;
    assert_eq!(phone, "tel:+442079460000");

    // Phone width: the same shell, no horizontal scrolling.
    browser.set_viewport(360, 740).await?;
    browser.client.goto(&portal.url).await?;
    browser.wait_for_text(".site-header .org-name", "Fabrikam E2E Ltd").await?;
    let overflow = browser.eval("document.documentElement.scrollWidth - document.documentElement.clientWidth").await?;
    assert_eq!(overflow, 0, "horizontal overflow at 360 px");
    browser.screenshot("home-360").await?;

    browser.close().await?;
    Ok(())
}

#[tokio::test]
async fn an_unknown_address_shows_the_not_found_page_inside_the_shell() -> anyhow::Result<()> {
    let portal = Portal::start(None).await?;
    let browser = Browser::chromium(1440, 900).await?;
    browser.client.goto(&format!("{}/no/such/page", portal.url)).await?;
    browser.wait_for_text(".site-header .org-name", "Contoso Pharmaceuticals").await?;
    browser.wait_for_text("main h1", "Page not found").await?;
    browser.close().await?;
    Ok(())
}
