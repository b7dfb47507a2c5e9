//! The frame around every page: a skip link, the branded header, the navigation, the
//! page itself, and a footer with the language choice and the privacy link.

use crate::config::PortalConfig;
use crate::i18n::*;
use crate::pages;
use leptos::prelude::*;
use leptos_router::components::{Route, Routes, A};
use leptos_router::path;
use portal_core::branding::Branding;

#[component]
pub fn Shell(branding: Branding, config: PortalConfig) -> impl IntoView {
    let i18n = use_i18n();
    let organisation = branding.organisation_name.clone();
    set_document_title(&organisation, i18n);
    provide_context(branding.clone());
    provide_context(config);
    view! {
        <a class="skip-link" href="#main">{t!(i18n, skip_to_content)}</a>
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

fn set_document_title(organisation: &str, i18n: leptos_i18n::I18nContext<Locale>) {
    let organisation = organisation.to_string();
    Effect::new(move |_| {
        let product = td_string!(i18n.get_locale(), product_name);
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
            <A href="/" attr:class="brand">
                {logo.map(|src| view! { <img class="brand-logo" src=src alt=alt.clone() /> })}
                {name.map(|n| view! { <span class="org-name">{n}</span> })}
            </A>
        </header>
    }
}

#[component]
fn Navigation() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="site-nav" aria-label=move || td_string!(i18n.get_locale(), nav.label)>
            <ul>
                <li><A href="/" exact=true>{t!(i18n, nav.home)}</A></li>
                <li><A href="/apps">{t!(i18n, nav.apps)}</A></li>
                <li><A href="/devices">{t!(i18n, nav.devices)}</A></li>
                <li><A href="/protected-apps">{t!(i18n, nav.protected_apps)}</A></li>
                <li><A href="/help">{t!(i18n, nav.help)}</A></li>
            </ul>
        </nav>
    }
}

#[component]
fn Footer(privacy_url: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let on_change = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        if let Some(locale) = Locale::get_all().iter().find(|l| l.as_str() == value) {
            i18n.set_locale(*locale);
        }
    };
    view! {
        <footer class="site-footer">
            <label>
                {t!(i18n, footer.language)} " "
                <select on:change=on_change prop:value=move || i18n.get_locale().as_str()>
                    {Locale::get_all()
                        .iter()
                        .map(|l| view! { <option value=l.as_str()>{td_string!(*l, language_name)}</option> })
                        .collect_view()}
                </select>
            </label>
            {privacy_url.map(|url| view! { <a href=url rel="noopener">{t!(i18n, footer.privacy)}</a> })}
        </footer>
    }
}
