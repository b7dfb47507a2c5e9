//! The frame around every page: a skip link, the branded header with the signed-in user,
//! the navigation, the page itself, and a footer with the language choice and the privacy
//! link. Personal pages render only with tokens in memory ([`RequireSignIn`]); without them
//! the branded landing page takes their place, and signing in returns to the same address.

use crate::auth::{use_auth, Auth, Status};
use crate::chunk::LazyPage;
use crate::config::PortalConfig;
use crate::i18n::{use_i18n, Key, Locale};
use crate::pages;
use leptos::prelude::*;
use leptos_router::components::{Route, Routes};
use leptos_router::hooks::{use_location, use_params_map};
use leptos_router::path;
use portal_core::branding::Branding;

/// What `<main>` shows: only a change between these re-renders the page (a token refresh
/// does not).
#[derive(Clone, PartialEq)]
enum Phase {
    Checking,
    Failed(crate::auth::AuthError),
    Ready,
}

#[component]
pub fn Shell(
    branding: Branding,
    config: PortalConfig,
    /// The app's sign-in state; without it (component tests) signed out.
    #[prop(optional)]
    auth: Option<Auth>,
) -> impl IntoView {
    let auth = auth.unwrap_or_else(use_auth);
    provide_context(auth);
    let organisation = branding.organisation_name.clone();
    set_document_title(&organisation);
    provide_context(branding.clone());
    provide_context(config);
    crate::api::events::provide_live_events();
    crate::device_context::provide();
    crate::components::notifications::provide_notifications();
    crate::components::terms_gate::provide();
    provide_context(CurrentUser(RwSignal::new(None)));
    start_signed_in_services(auth);
    focus_heading_on_navigation();
    let phase = Memo::new(move |_| match auth.status() {
        Status::Checking => Phase::Checking,
        Status::Failed(e) => Phase::Failed(e),
        Status::SignedIn(_) | Status::SignedOut => Phase::Ready,
    });
    let page = move || {
        match phase.get() {
        Phase::Checking => view! {
            <div class="boot" role="status" aria-live="polite">
                <span class="spinner" aria-hidden="true"></span>
                <p>{tr!(auth.signing_in)}</p>
            </div>
        }
        .into_any(),
        Phase::Failed(error) => view! { <pages::sign_in_failed::SignInFailed error /> }.into_any(),
        Phase::Ready => view! {
            <Routes fallback=|| view! { <pages::not_found::NotFound /> }>
                <Route path=path!("/") view=|| view! { <RequireSignIn><LazyPage load=pages::home_page() /></RequireSignIn> } />
                <Route path=path!("/apps") view=|| view! { <RequireSignIn><LazyPage load=pages::apps_page() /></RequireSignIn> } />
                <Route path=path!("/apps/:id") view=|| view! { <RequireSignIn><AppById /></RequireSignIn> } />
                <Route
                    path=path!("/devices")
                    view=|| view! { <RequireSignIn><LazyPage load=pages::devices_page() /></RequireSignIn> }
                />
                <Route path=path!("/devices/:id") view=|| view! { <RequireSignIn><DeviceById /></RequireSignIn> } />
                <Route
                    path=path!("/protected-apps")
                    view=|| view! { <RequireSignIn><LazyPage load=pages::protected_apps_page() /></RequireSignIn> }
                />
                <Route
                    path=path!("/protected-apps/about")
                    view=|| view! { <LazyPage load=pages::protection_about_page() /> }
                />
                <Route
                    path=path!("/notifications")
                    view=|| view! { <RequireSignIn><LazyPage load=pages::notifications_page() /></RequireSignIn> }
                />
                <Route
                    path=path!("/approvals")
                    view=|| view! { <RequireSignIn><LazyPage load=pages::approvals_page() /></RequireSignIn> }
                />
                <Route path=path!("/enroll") view=|| view! { <RequireSignIn><LazyPage load=pages::enroll_page() /></RequireSignIn> } />
                <Route path=path!("/help") view=|| view! { <LazyPage load=pages::help_page() /> } />
                <Route path=path!("/settings") view=|| view! { <LazyPage load=pages::settings_page() /> } />
            </Routes>
        }
        .into_any(),
    }
    };
    view! {
        <a class="skip-link" href="#main">{tr!(skip_to_content)}</a>
        <Header branding=branding.clone() />
        <div class="layout">
            <Navigation />
            <main id="main" tabindex="-1">{page}</main>
        </div>
        <Footer privacy_url=branding.privacy_url.clone() />
    }
}

/// The signed-in user's profile (from `/api/v1/me`): the name in the header, whether the
/// navigation offers Approvals, and who "me" is for pages that must tell (an approver's own
/// request). `None` signed out and until it is read.
#[derive(Clone, Copy)]
pub struct CurrentUser(pub RwSignal<Option<portal_core::api::Profile>>);

/// The [`CurrentUser`] signal; a lone one (never filled) outside the shell.
pub fn use_current_user() -> RwSignal<Option<portal_core::api::Profile>> {
    use_context::<CurrentUser>().map(|u| u.0).unwrap_or_else(|| RwSignal::new(None))
}

/// At the first sign-in, fetches the `signed_in` chunk and starts what only a signed-in user
/// needs: the live event stream, the notification list and the user's name. Each follows
/// sign-in and sign-out itself from then on. If the chunk cannot load, the next sign-in tries
/// again (the pages still work; the header then lacks the name and the unread count).
fn start_signed_in_services(auth: Auth) {
    let Some(owner) = Owner::current() else { return };
    let started = StoredValue::new(false);
    Effect::new(move |_| {
        if !auth.is_signed_in() || started.get_value() {
            return;
        }
        started.set_value(true);
        let owner = owner.clone();
        leptos::task::spawn_local(async move {
            if signed_in_services(owner).await.is_err() {
                started.set_value(false);
                // Nothing will check the terms: the pages show (the server still refuses
                // personal data until they are accepted).
                if let Some(gate) = crate::components::terms_gate::use_terms_gate() {
                    gate.0.set(crate::components::terms_gate::TermsState::Clear);
                }
            }
        });
    });
}

split!(signed_in, preload_signed_in => fn signed_in_services(owner: Owner) -> () {
    owner.with(|| {
        crate::api::events::stream_while_signed_in();
        crate::components::notifications::load_while_signed_in();
        fetch_profile_while_signed_in();
        check_terms_while_signed_in();
    })
});

/// Asks whether the organisation's terms must be accepted first, at each sign-in.
fn check_terms_while_signed_in() {
    use crate::components::terms_gate::{use_terms_gate, TermsState};
    let auth = use_auth();
    let Some(gate) = use_terms_gate() else { return };
    let config = use_context::<PortalConfig>();
    let signed_in = Memo::new(move |_| auth.is_signed_in());
    Effect::new(move |_| {
        if !signed_in.get() {
            gate.0.set(TermsState::Checking);
            return;
        }
        let Some(config) = config.clone() else { return };
        leptos::task::spawn_local(async move {
            let state = match crate::api::me::terms(auth, &config).await {
                Ok(status) if status.must_accept && status.terms.is_some() => TermsState::MustAccept(status),
                // Unreadable: the pages show; the server refuses personal data until accepted.
                _ => TermsState::Clear,
            };
            gate.0.set(state);
        });
    });
}

fn fetch_profile_while_signed_in() {
    let auth = use_auth();
    let Some(CurrentUser(profile)) = use_context::<CurrentUser>() else { return };
    let config = use_context::<PortalConfig>();
    let signed_in = Memo::new(move |_| auth.is_signed_in());
    Effect::new(move |_| {
        if !signed_in.get() {
            profile.set(None);
            return;
        }
        let Some(config) = config.clone() else { return };
        leptos::task::spawn_local(async move {
            if let Ok(me) = crate::api::me::fetch(auth, &config).await {
                profile.set(Some(me));
            }
        });
    });
}

/// On a client-side navigation (not the first load), focus moves to the new page's `<h1>`
/// (made focusable with `tabindex="-1"`), so a screen reader announces the page and Tab
/// continues from there. Pages that load first render their heading later: it is looked
/// for every 50 ms for two seconds, then `<main>` gets focus instead. If the reader moved
/// focus elsewhere meanwhile, it stays there.
fn focus_heading_on_navigation() {
    let location = use_location();
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        if previous.is_some_and(|p| p != path) {
            let before = document().active_element();
            focus_heading(before, 40);
        }
        path
    });
}

fn focus_heading(before: Option<web_sys::Element>, tries: u32) {
    use wasm_bindgen::JsCast;
    set_timeout(
        move || {
            let doc = document();
            let active = doc.active_element();
            let body: Option<web_sys::Element> = doc.body().map(Into::into);
            if active.is_some() && active != before && active != body {
                return;
            }
            let target = match doc.query_selector("main h1").ok().flatten() {
                Some(h1) => h1,
                None if tries > 0 => return focus_heading(before, tries - 1),
                None => match doc.get_element_by_id("main") {
                    Some(main) => main,
                    None => return,
                },
            };
            if !target.has_attribute("tabindex") {
                let _ = target.set_attribute("tabindex", "-1");
            }
            if let Ok(target) = target.dyn_into::<web_sys::HtmlElement>() {
                let _ = target.focus();
            }
        },
        std::time::Duration::from_millis(50),
    );
}

/// Its children with tokens in memory, the landing page without: personal data never
/// renders signed out (also after sign-out, when the back button returns here).
#[component]
fn RequireSignIn(children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    let signed_in = Memo::new(move |_| auth.is_signed_in());
    let gate = crate::components::terms_gate::use_terms_gate();
    let blocked = Memo::new(move |_| gate.is_some_and(|g| g.blocks()));
    move || match (signed_in.get(), blocked.get()) {
        (false, _) => view! { <pages::landing::Landing /> }.into_any(),
        // The organisation's terms come first (crate::components::terms_gate).
        (true, true) => view! { <LazyPage load=pages::terms_page() /> }.into_any(),
        (true, false) => children().into_any(),
    }
}

/// The route's `{id}`, tracked: `/devices/a` → `/devices/b` reuses the route's view.
fn id_param() -> impl Fn() -> String + Copy {
    let params = use_params_map();
    move || params.with(|p| p.get("id").unwrap_or_default())
}

#[component]
fn AppById() -> impl IntoView {
    let id = id_param();
    move || view! { <LazyPage load=pages::app_details_page(id()) /> }
}

#[component]
fn DeviceById() -> impl IntoView {
    let id = id_param();
    move || view! { <LazyPage load=pages::device_details_page(id()) /> }
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
            <Account />
        </header>
    }
}

/// The signed-in user's name (from `/api/v1/me`) and "Sign out"; "Sign in" otherwise.
#[component]
fn Account() -> impl IntoView {
    let auth = use_auth();
    let signed_in = Memo::new(move |_| auth.is_signed_in());
    let profile = use_current_user();
    let name = move || profile.with(|p| p.as_ref().map(|p| p.display_name.clone()));
    move || {
        if signed_in.get() {
            view! {
                <div class="account">
                    <crate::components::notifications::NotificationsLink />
                    // Shortened with an ellipsis on a phone; the title gives it whole.
                    <span class="user-name" title=name>{name}</span>
                    <button class="button on-brand sign-out" on:click=move |_| auth.sign_out()>
                        {tr!(auth.sign_out)}
                    </button>
                </div>
            }
            .into_any()
        } else {
            view! {
                <div class="account">
                    <button
                        class="button on-brand sign-in"
                        on:click=move |_| auth.sign_in(crate::auth::current_path())
                    >
                        {tr!(auth.sign_in)}
                    </button>
                </div>
            }
            .into_any()
        }
    }
}

#[component]
fn Navigation() -> impl IntoView {
    // Approvals only for approvers of at least one app (the server says so in `/me`; it
    // answers `/me/approvals` with nothing for anyone else).
    let profile = use_current_user();
    let approver = Memo::new(move |_| profile.with(|p| p.as_ref().is_some_and(|p| p.is_approver)));
    view! {
        <nav class="site-nav" aria-label=crate::text::attr(key!(nav.label))>
            <ul>
                {NAV.iter().map(|(href, label)| view! { <li><NavLink href=*href label=*label /></li> }).collect_view()}
                {move || approver.get().then(|| view! { <li><NavLink href="/approvals" label=key!(nav.approvals) /></li> })}
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
    ("/settings", key!(nav.settings)),
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
            i18n.choose(locale);
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
                        .map(|l| view! { <option value=l.code()>{l.name()}</option> })
                        .collect_view()}
                </select>
            </label>
            {privacy_url.map(|url| view! { <a href=url rel="noopener">{tr!(footer.privacy)}</a> })}
        </footer>
    }
}
