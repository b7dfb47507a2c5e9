//! Languages end to end (issue 8), in headless Chromium against a real `portal-server` with
//! the demo tenant: a person switches to Arabic with the footer's language select and the
//! whole portal turns right to left, with Arabic texts, plural forms and dates; a browser
//! whose preferred language is Arabic gets Arabic from the start; French is a smoke check.

use anyhow::{bail, Result};
use fantoccini::Locator;
use portal_e2e::{Browser, Portal, WAIT};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

use portal_e2e::{settled, DEMO_PASSWORD as PASSWORD};
const ORGANISATION: &str = "Contoso Pharmaceuticals";

/// Opens `/` signed out and signs in as `user` through the development provider's form.
async fn sign_in(browser: &Browser, portal: &Portal, user: &str) -> Result<()> {
    browser.client.goto(&portal.url).await?;
    let welcome = format!("Welcome to {ORGANISATION}");
    settled(|| browser.wait_for_text("main h1", &welcome)).await?;
    settled(|| browser.click("main button.sign-in")).await?;
    settled(|| browser.text_of("#password")).await?;
    browser.fill("#username", user).await?;
    browser.fill("#password", PASSWORD).await?;
    browser.click("form button[type=submit]").await?;
    settled(|| browser.wait_for_path("/")).await?;
    Ok(())
}

/// Chooses `code` in the footer's language select, as a person does.
async fn choose_language(browser: &Browser, code: &str) -> Result<()> {
    let select = browser.client.wait().at_most(WAIT).for_element(Locator::Css(".site-footer select")).await?;
    select.select_by_value(code).await?;
    Ok(())
}

/// Polls the JavaScript expression `expr` until it equals `want`.
async fn wait_for_value(browser: &Browser, expr: &str, want: Value) -> Result<()> {
    let started = Instant::now();
    loop {
        let got = browser.eval(expr).await.unwrap_or(Value::Null);
        if got == want {
            return Ok(());
        }
        if started.elapsed() > WAIT {
            bail!("`{expr}` is {got}, expected {want}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

const LANG_DIR: &str = "[document.documentElement.lang, document.documentElement.dir]";

/// `[left, right, top]` of the first element matching `css`, in CSS pixels.
async fn rect(browser: &Browser, css: &str) -> Result<(f64, f64, f64)> {
    let v = browser
        .eval(&format!("(() => {{ const r = document.querySelector({css:?}).getBoundingClientRect(); return [r.left, r.right, r.top]; }})()"))
        .await?;
    let n = |i: usize| v[i].as_f64().unwrap_or(f64::NAN);
    Ok((n(0), n(1), n(2)))
}

fn has_arabic(text: &str) -> bool {
    text.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
}

#[tokio::test]
async fn arabic_mirrors_the_portal_with_arabic_words_plurals_and_dates() -> Result<()> {
    let portal = Portal::start(None).await?;
    let browser = Browser::chromium(1440, 900).await?;
    // Priya has two blocked apps: Arabic's dual form ("two apps blocked") is a word of its own.
    sign_in(&browser, &portal, "priya.raman@contoso.example").await?;
    browser.wait_for_text("main .protection-summary .attention-blocked", "Blocked: 2").await?;

    // Left to right in English: the sidebar is left of the page.
    assert_eq!(browser.eval(LANG_DIR).await?, json!(["en", "ltr"]));
    let (nav_left, _, _) = rect(&browser, ".site-nav").await?;
    let (main_left, _, _) = rect(&browser, "main").await?;
    assert!(nav_left < main_left, "English: the navigation ({nav_left}) is not left of the page ({main_left})");

    choose_language(&browser, "ar").await?;
    wait_for_value(&browser, LANG_DIR, json!(["ar", "rtl"])).await?;
    browser.wait_for_text("main h1", &format!("مرحبًا بك في {ORGANISATION}")).await?;
    assert_eq!(browser.eval("document.title").await?, format!("{ORGANISATION} · بوابة الشركة"));
    assert_eq!(browser.text_of(".site-nav a[href='/devices']").await?, "الأجهزة");
    // Plural forms from Intl.PluralRules: two blocked apps (dual), and the summary line.
    browser.wait_for_text("main .protection-summary .attention-blocked", "تطبيقان محظوران").await?;
    let summary = browser.text_of("main .protection-summary .summary-count").await?;
    assert!(summary.starts_with("التطبيقات المحمية: "), "{summary}");
    assert_eq!(browser.eval("getComputedStyle(document.querySelector('main')).direction").await?, "rtl");

    // Desktop: the sidebar moves to the right of the page, its links hug its right edge, and
    // the current page's bar is on their right.
    let (nav_left, nav_right, _) = rect(&browser, ".site-nav").await?;
    let (main_left, main_right, _) = rect(&browser, "main").await?;
    assert!(
        nav_left >= main_right - 1.0,
        "Arabic: the navigation ({nav_left}..{nav_right}) is not right of the page ({main_left}..{main_right})"
    );
    let bar = browser
        .eval("(() => { const s = getComputedStyle(document.querySelector('.site-nav a[aria-current=page]')); return [s.borderRightWidth, s.borderLeftWidth]; })()")
        .await?;
    assert_eq!(bar, json!(["3px", "0px"]), "the current page's bar is not on the right");
    browser.screenshot("ar-home-1440").await?;

    // A date in Arabic: the protected apps page's check-in time, full form in its title.
    browser.click(".site-nav a[href='/protected-apps']").await?;
    browser.wait_for_path("/protected-apps").await?;
    browser.wait_for_text("main h1", "التطبيقات المحمية").await?;
    let time = settled(|| async {
        let v = browser
            .eval("(() => { const t = document.querySelector('main time[datetime]'); return t && [t.title, new Intl.DateTimeFormat('ar', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(t.dateTime)), t.innerText, new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(t.dateTime))]; })()")
            .await?;
        if v.is_null() {
            bail!("no check-in time yet");
        }
        Ok(v)
    })
    .await?;
    let [full, expected, relative, english] = [0, 1, 2, 3].map(|i| time[i].as_str().unwrap_or_default().to_string());
    assert_eq!(full, expected, "the check-in date is not formatted for Arabic");
    assert_ne!(full, english);
    assert!(has_arabic(&full) && has_arabic(&relative), "no Arabic in the dates: {full:?}, {relative:?}");
    let status = browser.text_of("section[data-device-tag='mam-priya-iphone'] .protection-status").await?;
    assert!(status.starts_with("محظور: "), "{status}");

    // Phone width: no horizontal scrolling, the brand at the right, the navigation row runs
    // from right to left.
    browser.set_viewport(360, 740).await?;
    browser.click(".site-nav a[href='/']").await?;
    browser.wait_for_text("main h1", &format!("مرحبًا بك في {ORGANISATION}")).await?;
    browser.wait_for_text("main .protection-summary .attention-blocked", "تطبيقان محظوران").await?;
    let overflow = browser.eval("document.documentElement.scrollWidth - document.documentElement.clientWidth").await?;
    assert_eq!(overflow, 0, "horizontal overflow at 360 px in Arabic");
    let (header_left, header_right, _) = rect(&browser, ".site-header").await?;
    let (brand_left, brand_right, _) = rect(&browser, ".site-header .brand").await?;
    assert!(
        header_right - brand_right < 24.0 && brand_left - header_left > 24.0,
        "the brand ({brand_left}..{brand_right}) is not at the right of the header ({header_left}..{header_right})"
    );
    let (first_left, _, first_top) = rect(&browser, ".site-nav li:nth-child(1) a").await?;
    let (second_left, _, second_top) = rect(&browser, ".site-nav li:nth-child(2) a").await?;
    assert_eq!(first_top, second_top, "the first two navigation links are not on one row");
    assert!(
        first_left > second_left,
        "the navigation row is not mirrored: first at {first_left}, second at {second_left}"
    );
    browser.screenshot("ar-home-360").await?;

    browser.close().await?;
    Ok(())
}

#[tokio::test]
async fn a_browser_that_prefers_arabic_gets_arabic_from_the_start() -> Result<()> {
    let portal = Portal::start(None).await?;
    let browser = Browser::chromium_in_language(1440, 900, "ar").await?;
    assert_eq!(browser.eval("navigator.language").await?, "ar", "the harness did not set the browser's language");
    browser.client.goto(&portal.url).await?;
    let welcome = format!("مرحبًا بك في {ORGANISATION}");
    settled(|| browser.wait_for_text("main h1", &welcome)).await?;
    assert_eq!(browser.eval(LANG_DIR).await?, json!(["ar", "rtl"]));
    assert_eq!(browser.text_of("main button.sign-in").await?, "تسجيل الدخول");
    assert_eq!(browser.eval("document.querySelector('.site-footer select').value").await?, "ar");
    // Each language is offered under its own name.
    let names = browser.eval("[...document.querySelectorAll('.site-footer option')].map(o => o.textContent)").await?;
    assert_eq!(names, json!(["English", "Deutsch", "Français", "العربية"]));
    browser.close().await?;
    Ok(())
}

#[tokio::test]
async fn french_is_a_remembered_choice_and_stays_left_to_right() -> Result<()> {
    let portal = Portal::start(None).await?;
    let browser = Browser::chromium(1440, 900).await?;
    browser.client.goto(&portal.url).await?;
    let welcome = format!("Welcome to {ORGANISATION}");
    settled(|| browser.wait_for_text("main h1", &welcome)).await?;
    choose_language(&browser, "fr").await?;
    wait_for_value(&browser, LANG_DIR, json!(["fr", "ltr"])).await?;
    browser.wait_for_text("main h1", &format!("Bienvenue chez {ORGANISATION}")).await?;
    assert_eq!(browser.eval("document.title").await?, format!("{ORGANISATION} · Portail d'entreprise"));
    assert_eq!(browser.text_of("main button.sign-in").await?, "Se connecter");
    assert_eq!(browser.text_of(".site-nav a[href='/help']").await?, "Aide et support");
    // The choice is remembered: the next visit starts in French, whatever the browser prefers.
    browser.client.goto(&format!("{}/help", portal.url)).await?;
    wait_for_value(&browser, LANG_DIR, json!(["fr", "ltr"])).await?;
    browser.wait_for_text(".site-nav a[href='/help']", "Aide et support").await?;
    browser.close().await?;
    Ok(())
}
