//! Apps end to end (issue 5): the demo tenant in headless Chromium against a real
//! `portal-server` whose simulator finishes installs after 1.5 s (long enough to see "Installing"
//! on a loaded machine). The device context is
//! chosen the way a person does (the picker), the catalog follows it, installs go pending →
//! installed live, a failing app shows its reason and a working retry, and search, a
//! category and a filter narrow the list.

use anyhow::Result;
use portal_e2e::{Browser, Portal};

const AMARA: &str = "amara.okoye@contoso.example";

async fn start() -> Result<Portal> {
    Portal::start_with(None, None, &["--simulator-delay-ms", "1500"]).await
}

/// Chooses `option` (a device id, MAM tag, or `unenrolled` with `platform`) in the picker.
async fn choose_device(browser: &Browser, option: &str, platform: Option<&str>) -> Result<()> {
    browser.wait_until("the device picker", "!!document.querySelector('form.device-picker')").await?;
    browser.click(&format!("#context-{option}")).await?;
    if let Some(platform) = platform {
        browser
            .eval(&format!(
                "(s => (s.value = {platform:?}, s.dispatchEvent(new Event('change')), true))(document.querySelector('#context-platform'))"
            ))
            .await?;
    }
    browser.click("form.device-picker button[type=submit]").await?;
    browser
        .wait_until("the catalog", "!!document.querySelector('.app-row') || !!document.querySelector('.empty')")
        .await
}

/// The text of the row of `app`.
fn row(app: &str) -> String {
    format!("li.app-row[data-app={app:?}]")
}

async fn count(browser: &Browser, css: &str) -> Result<u64> {
    Ok(browser.eval(&format!("document.querySelectorAll({css:?}).length")).await?.as_u64().unwrap_or(0))
}

async fn matches(browser: &Browser) -> Result<u64> {
    let v = browser.eval("document.querySelector('.results-summary')?.dataset.matches ?? '0'").await?;
    Ok(v.as_str().unwrap_or("0").parse()?)
}

#[tokio::test(flavor = "multi_thread")]
async fn enrolled_iphone_shows_required_and_available_and_unenrolled_hides_required() -> Result<()> {
    let portal = start().await?;
    let browser = Browser::chromium(1440, 900).await?;
    browser.sign_in(&portal, AMARA, "/apps").await?;
    browser.wait_for_text("main h1", "Apps").await?;
    // Nothing remembered yet: the page asks.
    browser.wait_for_contains("form.device-picker", "Which device are you using?").await?;
    choose_device(&browser, "dev-amara-iphone", None).await?;
    browser.wait_for_contains(".this-device-current", "iOS").await?;

    // Required with its state, and Available with an Install button, each saying why.
    browser.wait_for_contains(&row("authenticator"), "Required").await?;
    browser.wait_for_contains(&row("authenticator"), "Installed").await?;
    browser.wait_for_contains(&row("contoso-expenses"), "Available to install").await?;
    browser.wait_for_contains(&row("contoso-expenses"), "Not installed").await?;
    assert_eq!(count(&browser, &format!("{} button.primary", row("contoso-expenses"))).await?, 1, "Install offered");
    // Only iOS apps: the Windows-only app is not listed.
    assert_eq!(count(&browser, &row("lab-notebook")).await?, 0);
    let all = matches(&browser).await?;
    let required = count(&browser, ".app-row .assignment-required").await?;
    assert!(required > 0, "some Required apps on the enrolled iPhone");
    browser.screenshot("apps-iphone-1440").await?;

    // Remembered: a reload keeps the context.
    let stored = browser.eval("localStorage.getItem('portal.deviceContext')").await?;
    assert_eq!(stored, serde_json::json!("dev-amara-iphone"));

    // Switch in one step to a device that isn't listed (not enrolled), on iOS.
    browser.click(".this-device-current button").await?;
    choose_device(&browser, "unenrolled", Some("ios")).await?;
    browser.wait_for_contains(".context-note", "isn't enrolled").await?;
    browser.wait_for_contains(".this-device-current", "not enrolled").await?;
    browser
        .wait_until("the unenrolled catalog", "document.querySelectorAll('.app-row .assignment-required').length === 0")
        .await?;
    assert_eq!(count(&browser, ".app-row button[aria-label^='Uninstall']").await?, 0, "no uninstall unenrolled");
    assert_eq!(
        count(&browser, ".app-row button[aria-label^='Install']").await?,
        0,
        "nothing pushed to an unenrolled device"
    );
    assert!(matches(&browser).await? <= all);
    browser.screenshot("apps-unenrolled-1440").await?;
    browser.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn install_goes_pending_then_installed_without_a_reload() -> Result<()> {
    let portal = start().await?;
    let browser = Browser::chromium(360, 740).await?;
    browser.sign_in(&portal, AMARA, "/apps").await?;
    choose_device(&browser, "dev-amara-iphone", None).await?;
    let expenses = row("contoso-expenses");
    browser.wait_for_contains(&expenses, "Not installed").await?;
    // A marker a reload would lose.
    browser.eval("(window.__sameDocument = true)").await?;
    browser.click(&format!("{expenses} button.primary")).await?;
    browser.wait_for_contains(&expenses, "Installing").await?;
    browser.wait_for_contains(&expenses, "Installed").await?;
    browser
        .wait_until(
            "no Installing left",
            &format!("!document.querySelector({expenses:?}).innerText.includes('Installing')"),
        )
        .await?;
    assert_eq!(browser.eval("window.__sameDocument === true").await?, serde_json::json!(true), "no reload");
    // Installed and offered (not required) on her own device: uninstall is offered, after a confirmation.
    browser.click(&format!("{expenses} button[aria-label^='Uninstall']")).await?;
    browser.wait_until("the confirmation", "!!document.querySelector('dialog[open]')").await?;
    browser.wait_for_text("dialog[open] h2", "Uninstall Contoso Expenses?").await?;
    browser.click("dialog[open] button.danger").await?;
    browser.wait_for_contains(&expenses, "Not installed").await?;
    // The Installed view lists what is on the device with its assignment and state.
    browser.click(".segments button:nth-child(2)").await?;
    browser.wait_for_contains(&row("authenticator"), "Installed").await?;
    assert_eq!(count(&browser, &expenses).await?, 0, "uninstalled apps are not in the Installed view");
    browser.screenshot("apps-installed-360").await?;
    let overflow = browser.eval("document.documentElement.scrollWidth > window.innerWidth").await?;
    assert_eq!(overflow, serde_json::json!(false), "no horizontal scrolling at 360 px");
    // On a phone the category chips and the navigation are single rows that scroll inside
    // themselves: every chip and link keeps its words on one line, at one height, and none
    // is squeezed under its neighbour.
    let rows = browser
        .eval(
            "['.categories .chip', '.site-nav a'].map(css => {
                const boxes = Array.from(document.querySelectorAll(css)).map(e => e.getBoundingClientRect());
                const overlaps = boxes.slice(1).filter((b, i) => b.left < boxes[i].right - 0.5).length;
                return [boxes.length, new Set(boxes.map(b => b.top)).size, Math.max(...boxes.map(b => b.height)), overlaps];
            })",
        )
        .await?;
    for (row, name) in rows.as_array().into_iter().flatten().zip(["category chips", "navigation"]) {
        let one_row = row[1] == 1 && row[2].as_f64() < Some(50.0) && row[3] == 0;
        assert!(row[0].as_u64() > Some(3) && one_row, "{name} [count, rows, tallest, overlapping]: {row}");
    }
    let header = browser.eval("Math.round(document.querySelector('.site-nav').getBoundingClientRect().bottom)").await?;
    assert!(header.as_u64() < Some(160), "header and navigation take {header} px of a 740 px screen");

    // The results arrived as notifications, worded in the reader's language.
    browser.visit("/notifications").await?;
    browser.wait_for_contains(".notification-list", "Contoso Expenses is ready on Amara's iPhone.").await?;
    browser
        .eval("(s => (s.value = 'de', s.dispatchEvent(new Event('change')), true))(document.querySelector('.site-footer select'))")
        .await?;
    browser.wait_for_contains(".notification-list", "Contoso Expenses ist auf Amara's iPhone bereit.").await?;
    browser.wait_for_contains(".notification-list", "Contoso Expenses wurde von Amara's iPhone entfernt.").await?;
    browser.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn failing_install_shows_its_reason_and_a_working_retry() -> Result<()> {
    let portal = start().await?;
    let browser = Browser::chromium(1440, 900).await?;
    browser.sign_in(&portal, AMARA, "/apps").await?;
    choose_device(&browser, "dev-amara-surface", None).await?;
    let notebook = row("lab-notebook");
    browser.wait_for_contains(&notebook, "Install failed").await?;
    // The tenant file gives no reason for this one.
    browser.wait_for_contains(&notebook, "The device didn't say why.").await?;
    browser.click(&format!("{notebook} button[aria-label^='Retry']")).await?;
    browser.wait_for_contains(&notebook, "Installing").await?;
    // The tenant makes this app fail: it fails again, now with the device's reason.
    browser.wait_for_contains(&notebook, "wasn't found on the device").await?;
    browser.wait_for_contains(&notebook, "Install failed").await?;
    assert_eq!(count(&browser, &format!("{notebook} button[aria-label^='Retry']")).await?, 1, "retry offered again");
    // A failed Required-only app has nothing to press: the device retries at its next
    // check-in, which its page can ask for.
    let connector = row("print-connector");
    browser.wait_for_contains(&connector, "Install failed").await?;
    // The tenant file's reason for this one.
    browser.wait_for_contains(&connector, "There isn't enough free space on the device.").await?;
    browser.wait_for_contains(&connector, "installs it again when the device next checks in").await?;
    assert_eq!(count(&browser, &format!("{connector} button")).await?, 0);
    assert_eq!(count(&browser, &format!("{connector} a[href='/devices/dev-amara-surface']")).await?, 1);
    browser.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn search_category_and_filter_narrow_the_list() -> Result<()> {
    let portal = start().await?;
    let browser = Browser::chromium(1440, 900).await?;
    browser.sign_in(&portal, AMARA, "/apps").await?;
    choose_device(&browser, "dev-amara-iphone", None).await?;
    browser.wait_until("the whole list", "+document.querySelector('.results-summary')?.dataset.matches > 3").await?;
    let all = matches(&browser).await?;

    // Search runs over name, publisher and description as the user types.
    browser.fill("#app-search", "receipts").await?;
    browser.wait_until("one match", "document.querySelector('.results-summary')?.dataset.matches === '1'").await?;
    browser.wait_for_contains(".app-list", "Contoso Expenses").await?;
    browser.fill("#app-search", "zzzz-no-such-app").await?;
    browser.wait_for_contains(".results .empty", "No apps match").await?;
    browser.click(".results .empty button").await?;
    browser
        .wait_until(
            "the list back",
            &format!("document.querySelector('.results-summary')?.dataset.matches === '{all}'"),
        )
        .await?;

    // A category chip.
    browser.click(".categories button[aria-pressed=false]").await?;
    browser
        .wait_until("fewer apps", &format!("+document.querySelector('.results-summary')?.dataset.matches < {all}"))
        .await?;
    let chip = browser.text_of(".categories button[aria-pressed=true]").await?;
    browser.eval("document.querySelector('.categories button').click()").await?;

    // A filter: Required only, every row says Required.
    browser.click(".filters summary").await?;
    browser
        .eval("(s => (s.value = 'required', s.dispatchEvent(new Event('change')), true))(document.querySelector('#app-assignment'))")
        .await?;
    browser
        .wait_until("only Required", &format!("+document.querySelector('.results-summary')?.dataset.matches < {all}"))
        .await?;
    let rows = count(&browser, ".app-row").await?;
    let required = count(&browser, ".app-row .assignment-required").await?;
    assert!(rows > 0 && rows == required, "{rows} rows, {required} say Required (after chip {chip:?})");
    browser.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn deep_link_to_an_app_survives_sign_in() -> Result<()> {
    let portal = start().await?;
    let browser = Browser::chromium(360, 740).await?;
    browser.sign_in(&portal, AMARA, "/apps/contoso-expenses").await?;
    browser.wait_for_text("main h1", "Contoso Expenses").await?;
    browser.wait_for_contains("main", "Contoso Pharmaceuticals IT").await?;
    browser.wait_for_contains("main .facts", "3.4.0").await?;
    // No device chosen yet: the page shows the app for "no device" and offers the picker.
    browser.wait_for_contains("main", "Which device are you using?").await?;
    choose_device_on_details(&browser).await?;
    // A Windows-only app says why it is not there on her iPhone.
    browser.visit("/apps/lab-notebook").await?;
    browser.wait_for_contains("main .warning", "isn't made for this device's platform").await?;
    browser.screenshot("app-details-360").await?;
    browser.close().await
}

async fn choose_device_on_details(browser: &Browser) -> Result<()> {
    browser.click("#context-dev-amara-iphone").await?;
    browser.click("form.device-picker button[type=submit]").await?;
    browser.wait_for_contains(".this-device-current", "iOS").await?;
    browser.wait_for_contains("main", "Available to install").await
}

/// Presses `key` as a real keyboard would (WebDriver actions: the browser moves focus
/// on Tab itself), in whatever has focus — no clicks.
async fn press(browser: &Browser, key: fantoccini::key::Key) -> Result<()> {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    let value: char = key.into();
    let actions = KeyActions::new("keyboard".into()).then(KeyAction::Down { value }).then(KeyAction::Up { value });
    browser.client.perform_actions(actions).await?;
    Ok(())
}

/// Types `text` into whatever has focus.
async fn type_text(browser: &Browser, text: &str) -> Result<()> {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    let mut actions = KeyActions::new("keyboard".into());
    for value in text.chars() {
        actions = actions.then(KeyAction::Down { value }).then(KeyAction::Up { value });
    }
    browser.client.perform_actions(actions).await?;
    Ok(())
}

/// The accessible name (aria-label, else text) of the focused element.
async fn focused(browser: &Browser) -> Result<String> {
    let v = browser.eval("(e => e ? (e.getAttribute('aria-label') || e.innerText || e.id || e.tagName) : '')(document.activeElement)").await?;
    Ok(v.as_str().unwrap_or_default().trim().to_string())
}

/// Tabs forward until the focused element is named `name` (at most 60 steps).
async fn tab_to(browser: &Browser, name: &str) -> Result<()> {
    for _ in 0..60 {
        if focused(browser).await? == name {
            return Ok(());
        }
        press(browser, fantoccini::key::Key::Tab).await?;
    }
    anyhow::bail!("Tab never reached {name:?}; focus is on {:?}", focused(browser).await?)
}

#[tokio::test(flavor = "multi_thread")]
async fn install_and_uninstall_with_the_keyboard_alone() -> Result<()> {
    use fantoccini::key::Key;
    let portal = start().await?;
    let browser = Browser::chromium(1440, 900).await?;
    browser.sign_in(&portal, AMARA, "/apps").await?;
    // The picker by keyboard: Tab into the radio group (it lands on the preselected
    // choice), arrow keys to the iPhone, Tab to "Use this device", Enter.
    browser.wait_until("the device picker", "!!document.querySelector('form.device-picker')").await?;
    browser.eval("(document.activeElement?.blur(), true)").await?;
    tab_to(&browser, "context-unenrolled").await?;
    for _ in 0..10 {
        if focused(&browser).await? == "context-dev-amara-iphone" {
            break;
        }
        press(&browser, Key::Up).await?;
    }
    assert_eq!(focused(&browser).await?, "context-dev-amara-iphone");
    tab_to(&browser, "Use this device").await?;
    press(&browser, Key::Enter).await?;
    browser.wait_until("the catalog", "!!document.querySelector('#app-search')").await?;
    let expenses = row("contoso-expenses");
    browser.wait_for_contains(&expenses, "Not installed").await?;

    // Search by typing, then Tab to the app's Install button and press Enter.
    tab_to(&browser, "app-search").await?;
    type_text(&browser, "expenses").await?;
    browser.wait_until("one match", "document.querySelector('.results-summary')?.dataset.matches === '1'").await?;
    tab_to(&browser, "Install Contoso Expenses").await?;
    press(&browser, Key::Enter).await?;
    browser.wait_for_contains(&expenses, "Installing").await?;
    browser.wait_for_contains(&expenses, "Uninstall").await?;

    // Uninstall: the dialog takes focus (on Cancel, the safe answer); Escape closes it.
    tab_to(&browser, "Uninstall Contoso Expenses").await?;
    press(&browser, Key::Enter).await?;
    browser.wait_until("the confirmation", "!!document.querySelector('dialog[open]')").await?;
    browser.wait_until("focus in the dialog", "!!document.activeElement?.closest('dialog[open]')").await?;
    press(&browser, Key::Escape).await?;
    browser.wait_until("the dialog closed", "!document.querySelector('dialog[open]')").await?;
    browser
        .wait_until(
            "focus back on Uninstall",
            "document.activeElement?.getAttribute('aria-label') === 'Uninstall Contoso Expenses'",
        )
        .await?;
    // Again, and confirm: Tab from Cancel to Uninstall, Enter.
    press(&browser, Key::Enter).await?;
    browser.wait_until("focus in the dialog", "!!document.activeElement?.closest('dialog[open]')").await?;
    press(&browser, Key::Tab).await?;
    assert_eq!(focused(&browser).await?, "Uninstall");
    press(&browser, Key::Enter).await?;
    browser.wait_for_contains(&expenses, "Not installed").await?;
    browser.close().await
}
