//! The device's name as the page heading, renamed inline: validated as the user types
//! (portal-core `validate_device_name`, the server's own rule), saved with PATCH, and
//! published as a live event so every view shows the new name at once.

use super::details::Page;
use super::reasons::{reason_key, rename_error_text};
use crate::api::events::use_live_events;
use crate::api::{self, ApiError};
use crate::auth::use_auth;
use crate::config::PortalConfig;
use crate::i18n::use_i18n;
use leptos::html;
use leptos::prelude::*;
use portal_core::api::{Event, Refusal};
use portal_core::domain::RemoteAction;
use portal_core::rules::actions::{validate_device_name, Availability};

#[component]
pub(super) fn Rename() -> impl IntoView {
    let page = expect_context::<Page>();
    let i18n = use_i18n();
    let auth = use_auth();
    let live = use_live_events();
    let config = use_context::<PortalConfig>();
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(String::new());
    let error: RwSignal<Option<String>> = RwSignal::new(None);
    let saving = RwSignal::new(false);
    // After the first save attempt the message follows every keystroke.
    let tried = RwSignal::new(false);
    let input = NodeRef::<html::Input>::new();
    let edit_button = NodeRef::<html::Button>::new();
    let name = move || page.device(|d| d.device_name.clone()).unwrap_or_default();
    let availability = move || {
        page.details.with(|d| match d {
            Some(Ok(d)) => d.actions.iter().find(|o| o.action == RemoteAction::Rename).map(|o| o.availability),
            _ => None,
        })
    };
    // What a rename changes with this tenant: the portal's name, or the device's own.
    let renames_device = move || {
        page.details
            .with(|d| matches!(d, Some(Ok(d)) if d.device_rename == portal_core::domain::DeviceRename::DeviceName))
    };
    let start = move |_| {
        draft.set(name());
        error.set(None);
        tried.set(false);
        editing.set(true);
    };
    Effect::new(move |_| {
        if editing.get() {
            if let Some(i) = input.get() {
                let _ = i.focus();
            }
        }
    });
    let stop = move || {
        editing.set(false);
        if let Some(b) = edit_button.get_untracked() {
            let _ = b.focus();
        }
    };
    let validate = move || validate_device_name(&draft.get()).map_err(|e| rename_error_text(e, i18n.locale()));
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        let new_name = match validate() {
            Ok(n) => n,
            Err(text) => return error.set(Some(text)),
        };
        let Some(config) = config.clone() else { return };
        let id = page.id.get_value();
        saving.set(true);
        leptos::task::spawn_local(async move {
            let result = api::devices::rename(auth, &config, &id, new_name).await;
            saving.set(false);
            match result {
                Ok(details) => {
                    let device_name = details.device.device_name.clone();
                    page.details.set(Some(Ok(details)));
                    page.announce(i18n.format(key!(rename.saved), &[("name", &device_name)]));
                    live.publish(Event::DeviceRenamed { device_id: id, device_name });
                    stop();
                }
                Err(ApiError::Status { problem: Some(p), .. }) if p.reason.is_some() => {
                    error.set(Some(match p.reason {
                        Some(Refusal::Rename(e)) => rename_error_text(e, i18n.locale()),
                        Some(Refusal::Action(r)) => i18n.text(reason_key(r, RemoteAction::Rename)).to_string(),
                        _ => p.title,
                    }))
                }
                Err(_) => error.set(Some(i18n.text(key!(errors.network)).to_string())),
            }
        });
    };
    move || {
        let save = save.clone();
        if editing.get() {
            view! {
                <form class="rename" on:submit=save>
                    <label class="field" for="device-name">{tr!(rename.label)}</label>
                    <input
                        id="device-name"
                        node_ref=input
                        maxlength="200"
                        aria-describedby="device-name-hint device-name-error"
                        aria-invalid=move || error.get().is_some().then_some("true")
                        prop:value=move || draft.get()
                        on:input=move |ev| {
                            draft.set(event_target_value(&ev));
                            if tried.get_untracked() {
                                error.set(validate().err());
                            }
                        }
                        on:keydown=move |ev| if ev.key() == "Escape" { stop() }
                    />
                    <p id="device-name-hint" class="muted">{move || if renames_device() { i18n.text(key!(rename.hint_device)) } else { i18n.text(key!(rename.hint)) }}</p>
                    <p id="device-name-error" class="field-error" role="alert">{move || error.get()}</p>
                    <div class="dialog-buttons">
                        <button type="submit" class="button primary" disabled=move || saving.get()>{tr!(rename.save)}</button>
                        <button type="button" class="button" on:click=move |_| stop()>{tr!(rename.cancel)}</button>
                    </div>
                </form>
            }
            .into_any()
        } else {
            let reason = match availability() {
                Some(Availability::Unavailable(r)) => Some(reason_key(r, RemoteAction::Rename)),
                _ => None,
            };
            let enabled = availability() == Some(Availability::Available);
            view! {
                <div class="title-row">
                    <h1 class="device-title">{name}</h1>
                    <button
                        class="button"
                        data-action="rename"
                        node_ref=edit_button
                        disabled=!enabled
                        aria-describedby="rename-reason"
                        on:click=start
                    >
                        {tr!(actions.rename)}
                    </button>
                </div>
                {reason.map(|key| view! { <p id="rename-reason" class="muted reason">{crate::text::text(key)}</p> })}
            }
            .into_any()
        }
    }
}
