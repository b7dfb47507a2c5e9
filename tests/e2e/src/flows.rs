//! Steps many end-to-end tests share: signing in through the development provider's form,
//! in-app navigation, and waiting for a condition in the page.

use crate::{Browser, Portal, WAIT};
use anyhow::{bail, Result};
use std::time::{Duration, Instant};

/// The demo tenant's (and the generated tenant's) password for every user.
pub const PASSWORD: &str = "Portal-Demo-2026!";

/// Opens `path` signed out, signs in as `user` through the development provider's form,
/// and waits until the app is back at `path`.
pub async fn sign_in(portal: &Portal, browser: &Browser, user: &str, path: &str) -> Result<()> {
    browser.client.goto(&format!("{}{path}", portal.url)).await?;
    browser.click("main button.sign-in").await?;
    browser.fill("#username", user).await?;
    browser.fill("#password", PASSWORD).await?;
    browser.click("form button[type=submit]").await?;
    browser.wait_for_path(path).await?;
    Ok(())
}

/// Goes to `path` inside the app as a link would (the router follows `popstate`): a full
/// page load would need a silent sign-in redirect, which the SPA allows once in 30 s.
pub async fn visit(browser: &Browser, path: &str) -> Result<()> {
    browser
        .eval(&format!("(history.pushState(null, '', {path:?}), dispatchEvent(new PopStateEvent('popstate')), true)"))
        .await?;
    browser.wait_for_path(path).await
}

/// Waits until the JavaScript expression `expr` is `true`.
pub async fn wait_until(browser: &Browser, what: &str, expr: &str) -> Result<()> {
    let started = Instant::now();
    loop {
        if browser.eval(expr).await? == serde_json::Value::Bool(true) {
            return Ok(());
        }
        if started.elapsed() > WAIT {
            let text = browser.eval("document.querySelector('main')?.innerText").await?;
            bail!("waited for {what}; the page shows: {text}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until the text of the first element matching `css` contains `want`.
pub async fn wait_for_contains(browser: &Browser, css: &str, want: &str) -> Result<()> {
    let expr = format!("(document.querySelector({css:?})?.innerText ?? '').includes({want:?})");
    wait_until(browser, &format!("`{css}` to contain {want:?}"), &expr).await
}
