//! Component tests: mount parts of the SPA in a real browser (headless Chromium and
//! Firefox, chosen by scripts/test) and check what a person would see.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use leptos_router::components::Router;
use portal::api::ApiError;
use portal::components::error_text::ErrorText;
use portal::components::shell::Shell;
use portal::config::PortalConfig;
use portal::i18n::{use_i18n, I18nProvider, Locale};
use portal_core::branding::{text_on, Branding, SupportContact};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

mod support;
use support::{container, settle};

wasm_bindgen_test_configure!(run_in_browser);

fn branding(name: &str, color: &str) -> Branding {
    let theme_color = color.parse().expect("test colour");
    Branding {
        organisation_name: name.into(),
        theme_color,
        theme_text_color: text_on(theme_color),
        show_name_in_header: true,
        show_logo_in_header: false,
        logo_url: None,
        support: SupportContact { phone: Some("+1 555 0100".into()), ..Default::default() },
        privacy_url: Some("https://example.test/privacy".into()),
    }
}

fn config() -> PortalConfig {
    serde_json::from_str(r#"{"authority":"/oidc","clientId":"portal","apiBase":"/api/v1"}"#).expect("config")
}

fn texts(root: &web_sys::HtmlElement, selector: &str) -> Vec<String> {
    let list = root.query_selector_all(selector).expect("selector");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|n| n.text_content().unwrap_or_default().trim().to_string())
        .collect()
}

/// Pins the language so the assertions do not depend on the browser's.
#[component]
fn InLocale(locale: Locale, children: Children) -> impl IntoView {
    use_i18n().set_locale(locale);
    children()
}

fn mount_shell(root: &web_sys::HtmlElement, b: Branding) -> impl Drop {
    leptos::mount::mount_to(root.clone(), move || {
        let b = b.clone();
        view! {
            <I18nProvider>
                <InLocale locale=Locale::en>
                    <Router>
                        <Shell branding=b config=config() />
                    </Router>
                </InLocale>
            </I18nProvider>
        }
    })
}

#[wasm_bindgen_test]
async fn shell_shows_the_organisation_name_and_the_navigation() {
    let root = container();
    let _app = mount_shell(&root, branding("Fabrikam Test Org", "#0f6cbd"));
    settle().await;

    assert_eq!(texts(&root, ".site-header .org-name"), ["Fabrikam Test Org"]);
    assert_eq!(
        texts(&root, ".site-nav a"),
        ["Home", "Apps", "Devices", "Protected apps", "Help & support", "Settings"]
    );
    let hrefs: Vec<String> = {
        let list = root.query_selector_all(".site-nav a").expect("links");
        (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|n| n.unchecked_into::<web_sys::Element>().get_attribute("href"))
            .collect()
    };
    assert_eq!(hrefs, ["/", "/apps", "/devices", "/protected-apps", "/help", "/settings"]);
    assert_eq!(texts(&root, "main h1"), ["Welcome to Fabrikam Test Org"]);
    root.remove();
}

#[wasm_bindgen_test]
async fn choosing_a_language_renders_the_shell_in_it() {
    let root = container();
    let _app = mount_shell(&root, branding("Fabrikam", "#0f6cbd"));
    settle().await;

    let select = root.query_selector(".site-footer select").expect("query").expect("language select");
    let select = select.unchecked_into::<web_sys::HtmlSelectElement>();
    assert_eq!(texts(&root, ".site-footer option"), ["English", "Deutsch", "Français", "العربية"]);
    select.set_value("de");
    select.dispatch_event(&web_sys::Event::new("change").expect("event")).expect("dispatch");
    settle().await;

    assert_eq!(
        texts(&root, ".site-nav a"),
        ["Start", "Apps", "Geräte", "Geschützte Apps", "Hilfe & Support", "Einstellungen"]
    );
    assert_eq!(texts(&root, "main h1"), ["Willkommen bei Fabrikam"]);

    // Arabic: right to left on <html>, so the stylesheet's logical properties mirror the page.
    select.set_value("ar");
    select.dispatch_event(&web_sys::Event::new("change").expect("event")).expect("dispatch");
    settle().await;
    let html = document().document_element().expect("html");
    assert_eq!((html.get_attribute("lang"), html.get_attribute("dir")), (Some("ar".into()), Some("rtl".into())));
    assert_eq!(texts(&root, "main h1"), ["مرحبًا بك في Fabrikam"]);
    select.set_value("en");
    select.dispatch_event(&web_sys::Event::new("change").expect("event")).expect("dispatch");
    settle().await;
    assert_eq!(html.get_attribute("dir"), Some("ltr".into()));
    let storage = web_sys::window().expect("window").local_storage().expect("storage").expect("storage");
    assert_eq!(storage.get_item("portal.language").expect("read"), Some("en".into()));
    storage.remove_item("portal.language").expect("forget");
    root.remove();
}

#[wasm_bindgen_test]
fn branding_sets_the_theme_custom_properties() {
    portal::theme::apply(&branding("Yellow Co", "#ffeb3b"));
    let style = document().document_element().expect("html").unchecked_into::<web_sys::HtmlElement>().style();
    assert_eq!(style.get_property_value(portal::theme::BRAND_VAR).expect("brand"), "#ffeb3b");
    // Pale brand: portal-core picks dark text for contrast.
    assert_eq!(style.get_property_value(portal::theme::ON_BRAND_VAR).expect("on-brand"), "#000000");
}

#[wasm_bindgen_test]
async fn api_errors_are_explained_in_words() {
    let root = container();
    let _app = leptos::mount::mount_to(root.clone(), || {
        view! {
            <I18nProvider>
                <InLocale locale=Locale::en>
                    <p class="timeout"><ErrorText error=ApiError::Timeout { seconds: 15 } /></p>
                    <p class="status"><ErrorText error=ApiError::Status { status: 503, problem: None } /></p>
                </InLocale>
            </I18nProvider>
        }
    });
    settle().await;
    assert_eq!(texts(&root, ".timeout"), ["The server didn't answer within 15 seconds."]);
    assert_eq!(texts(&root, ".status"), ["The server answered with an error (503)."]);
    root.remove();
}

#[wasm_bindgen_test]
async fn settings_choose_the_colour_scheme_and_language_signed_out() {
    let storage = window().local_storage().expect("storage").expect("localStorage");
    storage.remove_item(portal::theme::THEME_KEY).expect("clear");
    let html = document().document_element().expect("html");
    let root = container();
    let _app = leptos::mount::mount_to(root.clone(), || {
        view! {
            <I18nProvider>
                <InLocale locale=Locale::en>
                    <portal::pages::settings::Settings />
                </InLocale>
            </I18nProvider>
        }
    });
    settle().await;
    assert_eq!(texts(&root, "h1"), ["Settings"]);
    assert_eq!(texts(&root, "legend"), ["Colours"]);
    // Signed out: language and colours only.
    assert_eq!(texts(&root, "h2"), ["Language", "Appearance"]);
    assert!(root.query_selector(".forget-device").expect("query").is_none());
    let radio = |value: &str| {
        root.query_selector(&format!("input[name=theme][value={value}]"))
            .expect("query")
            .expect("radio")
            .unchecked_into::<web_sys::HtmlInputElement>()
    };
    assert!(radio("system").checked(), "the system's scheme by default");

    radio("dark").click();
    settle().await;
    assert_eq!(storage.get_item("portal.theme").expect("read").as_deref(), Some("dark"));
    assert_eq!(html.get_attribute("data-theme").as_deref(), Some("dark"));
    radio("light").click();
    settle().await;
    assert_eq!(html.get_attribute("data-theme").as_deref(), Some("light"));
    radio("system").click();
    settle().await;
    assert_eq!(storage.get_item("portal.theme").expect("read"), None);
    assert_eq!(html.get_attribute("data-theme"), None);

    let select = root.query_selector("#settings-language-select").expect("query").expect("select");
    let select = select.unchecked_into::<web_sys::HtmlSelectElement>();
    select.set_value("de");
    select.dispatch_event(&web_sys::Event::new("change").expect("event")).expect("dispatch");
    settle().await;
    assert_eq!(texts(&root, "h1"), ["Einstellungen"]);
    assert_eq!(texts(&root, "h2"), ["Sprache", "Darstellung"]);
    // The choice is remembered for the next visit.
    assert_eq!(storage.get_item("portal.language").expect("read"), Some("de".into()));
    storage.remove_item("portal.language").expect("forget");
    root.remove();
}
