//! The frame around every page: a skip link, the branded header, the navigation, the
//! page itself, and a footer with the language choice and the privacy link.

use crate::config::PortalConfig;
use crate::i18n::{use_i18n, Key, Locale};
use crate::pages;
use leptos::prelude::*;
use leptos_router::components::{Route, Routes};
use leptos_router::hooks::use_location;
use leptos_router::path;
use portal_core::branding::Branding;

#[component]
pub fn Shell(branding: Branding, config: PortalConfig) -> impl IntoView {
    let organisation = branding.organisation_name.clone();
    set_document_title(&organisation);
    provide_context(branding.clone());
    provide_context(config);
    view! {
        <a class="skip-link" href="#main">{tr!(skip_to_content)}</a>
        <Header branding=branding.clone() />
        <div class="layout">
            <Navigation />
            <main id="main" tabindex="-1">
                <Routes fallback=|| view! { <pages::not_found::NotFound /> }>
                    <Route path=path!("/") view=pages::home::Home />
                    <Route path=path!("/apps") view=pages::apps::Apps />
                    <Route path=path!("/devices") view=pages::devices::Devices />
                    <Route path=path!("/protected-apps") view=pages::protected_apps::ProtectedApps />
                    <Route path=path!("/help") view=pages::help::Help />
                </Routes>
            </main>
        </div>
        <Footer privacy_url=branding.privacy_url.clone() />
    }
}

fn set_document_title(organisation: &str) {
    let i18n = use_i18n();
    let organisation = organisation.to_string();
    Effect::new(move |_| {
        let product = i18n.text(key!(product_name));
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            doc.set_title(&format!("{organisation} · {product}"));
        }
    });
}

#[component]
fn Header(branding: Branding) -> impl IntoView {
    let name = branding.show_name_in_header.then(|| branding.organisation_name.clone());
    let logo = (branding.show_logo_in_header).then_some(branding.logo_url.clone()).flatten();
    let alt = branding.organisation_name.clone();
    view! {
        <header class="site-header">
            <a href="/" class="brand">
                {logo.map(|src| view! { <img class="brand-logo" src=src alt=alt.clone() /> })}
                {name.map(|n| view! { <span class="org-name">{n}</span> })}
            </a>
        </header>
    }
}

#[component]
fn Navigation() -> impl IntoView {
    view! {
        <nav class="site-nav" aria-label=crate::text::attr(key!(nav.label))>
            <ul>
                {NAV.iter().map(|(href, label)| view! { <li><NavLink href=*href label=*label /></li> }).collect_view()}
            </ul>
        </nav>
    }
}

/// The sections, in order. Plain links: the router handles same-origin clicks itself.
const NAV: &[(&str, Key)] = &[
    ("/", key!(nav.home)),
    ("/apps", key!(nav.apps)),
    ("/devices", key!(nav.devices)),
    ("/protected-apps", key!(nav.protected_apps)),
    ("/help", key!(nav.help)),
];

/// A navigation link marked `aria-current="page"` on its section (and pages under it).
#[component]
fn NavLink(href: &'static str, label: Key) -> impl IntoView {
    let location = use_location();
    let current = move || {
        let path = location.pathname.get();
        let here = if href == "/" { path == "/" } else { path == href || path.starts_with(&format!("{href}/")) };
        here.then_some("page")
    };
    view! { <a href=href aria-current=current>{crate::text::text(label)}</a> }
}

#[component]
fn Footer(privacy_url: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let on_change = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        if let Some(locale) = Locale::from_code(&value) {
            i18n.set_locale(locale);
        }
    };
    view! {
        <footer class="site-footer">
            <label>
                {tr!(footer.language)} " "
                <select on:change=on_change prop:value=move || i18n.locale().code()>
                    // Each language is named in itself, whatever the page's language.
                    {Locale::ALL
                        .iter()
                        .map(|l| view! { <option value=l.code()>{crate::i18n::lookup(*l, key!(language_name))}</option> })
                        .collect_view()}
                </select>
            </label>
            {privacy_url.map(|url| view! { <a href=url rel="noopener">{tr!(footer.privacy)}</a> })}
        </footer>
    }
}
