//! Settings: the page's language, the colour scheme (the system's, light or dark), the
//! remembered "This device" in words (change or forget it) and signing out. Language and
//! theme work signed out too; the device and the account only signed in.

use crate::api;
use crate::auth::use_auth;
use crate::config::PortalConfig;
use crate::device_context::{unenrolled_platform, use_this_device};
use crate::i18n::{use_i18n, Key, Locale};
use crate::theme::{self, ThemeChoice};
use leptos::prelude::*;

#[component]
pub fn Settings() -> impl IntoView {
    let auth = use_auth();
    let signed_in = Memo::new(move |_| auth.is_signed_in());
    view! {
        <h1>{tr!(settings.title)}</h1>
        <section class="card settings-section" aria-labelledby="settings-language">
            <h2 id="settings-language">{tr!(settings.language_title)}</h2>
            <LanguageSelect />
        </section>
        <section class="card settings-section" aria-labelledby="settings-theme">
            <h2 id="settings-theme">{tr!(settings.theme_title)}</h2>
            <ThemeChoices />
        </section>
        {move || if signed_in.get() {
            view! {
                <section class="card settings-section" aria-labelledby="settings-device">
                    <h2 id="settings-device">{tr!(settings.device_title)}</h2>
                    <RememberedDevice />
                </section>
                <TermsAccepted />
                <section class="card settings-section" aria-labelledby="settings-account">
                    <h2 id="settings-account">{tr!(settings.account_title)}</h2>
                    <p>
                        <button class="button sign-out-settings" on:click=move |_| auth.sign_out()>
                            {tr!(auth.sign_out)}
                        </button>
                    </p>
                </section>
            }
            .into_any()
        } else {
            view! { <p class="muted settings-signed-out">{tr!(settings.signed_out_note)}</p> }.into_any()
        }}
    }
}

/// The same choice as the footer's select: the whole page follows at once.
#[component]
fn LanguageSelect() -> impl IntoView {
    let i18n = use_i18n();
    let on_change = move |ev: leptos::ev::Event| {
        if let Some(locale) = Locale::from_code(&event_target_value(&ev)) {
            i18n.choose(locale);
        }
    };
    view! {
        <label class="field" for="settings-language-select">{tr!(settings.language_label)}</label>
        <select id="settings-language-select" on:change=on_change prop:value=move || i18n.locale().code()>
            // Each language is named in itself, whatever the page's language.
            {Locale::ALL
                .iter()
                .map(|l| view! { <option value=l.code()>{l.name()}</option> })
                .collect_view()}
        </select>
    }
}

fn theme_label(choice: ThemeChoice) -> Key {
    match choice {
        ThemeChoice::System => key!(settings.theme_system),
        ThemeChoice::Light => key!(settings.theme_light),
        ThemeChoice::Dark => key!(settings.theme_dark),
    }
}

/// System / light / dark as radio buttons; a change applies at once and is remembered.
#[component]
fn ThemeChoices() -> impl IntoView {
    let chosen = RwSignal::new(theme::stored_choice());
    view! {
        <fieldset class="choices">
            <legend>{tr!(settings.theme_legend)}</legend>
            {ThemeChoice::ALL
                .into_iter()
                .map(|choice| {
                    let value = choice.code().unwrap_or("system");
                    view! {
                        <label class="choice">
                            <input
                                type="radio"
                                name="theme"
                                value=value
                                prop:checked=move || chosen.get() == choice
                                on:change=move |_| {
                                    chosen.set(choice);
                                    theme::choose(choice);
                                }
                            />
                            <span>{crate::text::text(theme_label(choice))}</span>
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}

/// What "This device" is, in words, with Change (the Apps page's device picker) and Forget.
#[component]
fn RememberedDevice() -> impl IntoView {
    let this = use_this_device();
    let status = RwSignal::new(String::new());
    let i18n = use_i18n();
    let change = NodeRef::<leptos::html::A>::new();
    // Forget disappears with the choice: focus moves to "Choose a device" instead of the page.
    let forget = move |_| {
        this.forget();
        status.set(i18n.text(key!(settings.device_forgotten)).to_string());
        if let Some(link) = change.get_untracked() {
            let _ = link.focus();
        }
    };
    view! {
        {move || match this.get() {
            None => view! { <p class="remembered-device">{tr!(settings.device_nothing)}</p> }.into_any(),
            Some(context) => view! {
                <p class="remembered-device"><DeviceInWords context /></p>
            }.into_any(),
        }}
        <p class="settings-actions">
            <a class="button" href="/apps?choose-device" node_ref=change>
                {move || if this.get().is_some() { tr!(settings.device_change).into_any() } else { tr!(settings.device_choose).into_any() }}
            </a>
            {move || this.get().is_some().then(|| view! {
                <button class="button forget-device" on:click=forget>{tr!(settings.device_forget)}</button>
            })}
        </p>
        <p class="live-status" role="status" aria-live="polite">{move || status.get()}</p>
    }
}

/// "You said this browser runs on: …" with the device's name from the devices API for an
/// id or a protected-apps-only device's tag, or the platform for a device that isn't listed.
#[component]
fn DeviceInWords(context: String) -> impl IntoView {
    if context == "none" {
        return tr!(settings.device_is_none).into_any();
    }
    if let Some(platform) = unenrolled_platform(&context) {
        return tr_with!(settings.device_is_unenrolled, platform = platform.display_name()).into_any();
    }
    let auth = use_auth();
    let config = use_context::<PortalConfig>();
    // None: still looking; Some(Ok(None)): not one of the user's devices (any more).
    let name: RwSignal<Option<Result<Option<String>, ()>>> = RwSignal::new(None);
    if let Some(config) = config {
        let id = context.clone();
        leptos::task::spawn_local(async move {
            let found = api::devices::list(auth, &config)
                .await
                .map(|list| {
                    list.devices.iter().find(|d| d.device.id == id).map(|d| d.device.device_name.clone()).or_else(
                        || list.unenrolled_devices.iter().find(|d| d.device_tag == id).map(|d| d.device_name.clone()),
                    )
                })
                .map_err(|_| ());
            let _ = name.try_set(Some(found));
        });
    }
    let id = context;
    (move || match name.get() {
        None => tr!(settings.device_loading).into_any(),
        Some(Ok(Some(device))) => tr_with!(settings.device_is, device = device).into_any(),
        Some(Ok(None)) => tr!(settings.device_is_unknown).into_any(),
        Some(Err(())) => tr_with!(settings.device_is_unread, id = id).into_any(),
    })
    .into_any()
}

/// The organisation's terms of use and when this person accepted the current version (only
/// where the organisation publishes terms for them).
#[component]
fn TermsAccepted() -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let status = RwSignal::new(None);
    if let Some(config) = use_context::<PortalConfig>() {
        leptos::task::spawn_local(async move {
            if let Ok(terms) = api::me::terms(auth, &config).await {
                let _ = status.try_set(Some(terms));
            }
        });
    }
    move || {
        let status: portal_core::api::TermsStatus = status.get()?;
        let terms = status.terms?;
        let title = terms.text_for(i18n.locale().code()).map(|t| t.title.clone()).unwrap_or_default();
        let text = match status.accepted {
            Some(accepted) => {
                let date = crate::dates::date(&accepted.accepted_date_time, i18n.locale().code());
                i18n.format(key!(settings.terms_accepted), &[("version", &accepted.version), ("date", &date)])
            }
            None => i18n.text(key!(settings.terms_not_accepted)).to_string(),
        };
        Some(view! {
            <section class="card settings-section" aria-labelledby="settings-terms">
                <h2 id="settings-terms">{tr!(settings.terms_title)}</h2>
                <p class="terms-title">{title}</p>
                <p class="terms-acceptance">{text}</p>
            </section>
        })
    }
}
