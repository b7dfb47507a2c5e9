//! Two portal-server instances over one PostgreSQL database, a browser on each (issue 17):
//! a Remote lock requested in the browser on instance A shows in the browser on instance B
//! live — pending, then done — without a reload, carried by PostgreSQL LISTEN/NOTIFY between
//! the instances; Check status requested through B shows on A the
//! same way.

use anyhow::Result;
use portal_e2e::{postgres, Browser, Portal};

const AMARA: &str = "amara.okoye@contoso.example";
const PIXEL: &str = "/devices/dev-amara-pixel";

#[tokio::test]
async fn an_action_in_the_browser_on_one_instance_shows_live_in_the_browser_on_the_other() -> Result<()> {
    let db = postgres::new_database().await?;
    // The simulator waits 3 s, so the pending state is seen on B before either instance's
    // simulator finishes it.
    let args = ["--simulator-delay-ms", "3000"];
    let a = Portal::start_on(Some(&db), None, None, &args).await?;
    let b = Portal::start_on(Some(&db), None, None, &args).await?;
    let (on_a, on_b) = (Browser::chromium(1280, 900).await?, Browser::chromium(1280, 900).await?);
    on_a.sign_in(&a, AMARA, PIXEL).await?;
    on_b.sign_in(&b, AMARA, PIXEL).await?;
    for browser in [&on_a, &on_b] {
        browser.wait_for_text("main h1", "Amara's Pixel 8").await?;
        browser
            .wait_until(
                "Remote lock enabled",
                "document.querySelector('button[data-action=remotelock]')?.disabled === false",
            )
            .await?;
    }

    on_a.click("button[data-action=remotelock]").await?;
    on_a.click("dialog[open] button[data-confirm]").await?;
    on_b.wait_for_contains(".history li:first-child", "Remote lock — Pending").await?;
    on_b.wait_until(
        "Remote lock disabled on B",
        "document.querySelector('button[data-action=remotelock]')?.disabled === true",
    )
    .await?;
    on_b.wait_for_contains(".live-status", "Remote lock: Done").await?;
    on_b.wait_for_contains(".history li:first-child", "Remote lock — Done").await?;
    on_a.wait_for_contains(".history li:first-child", "Remote lock — Done").await?;

    // And the other way: Check status requested in B's browser shows on A's page.
    on_b.wait_until("Check status enabled", "document.querySelector('button[data-action=sync]')?.disabled === false")
        .await?;
    on_b.click("button[data-action=sync]").await?;
    on_b.click("dialog[open] button[data-confirm]").await?;
    on_a.wait_for_contains(".history li:first-child", "Check status — Pending").await?;
    on_a.wait_for_contains(".history li:first-child", "Check status — Done").await?;
    on_a.close().await?;
    on_b.close().await
}
