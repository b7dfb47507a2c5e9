//! The install control of one app on the chosen device: what the organisation's
//! assignment means for it, its state, and the button that applies. A request shows
//! pending at once (the button is disabled while it is in flight, so nothing is sent
//! twice); the state then follows the server's live events to installed or failed. A
//! failure says why and offers a retry; uninstall asks first and is offered only where the
//! catalog rule allows it (the server checks the same rule).

use super::catalog::{Assignment, InstallState};
use crate::api::{self, ApiError};
use crate::auth::use_auth;
use crate::components::error_text::ErrorText;
use crate::components::modal::Modal;
use crate::config::PortalConfig;
use crate::i18n::{use_i18n, Key};
use leptos::prelude::*;
use portal_core::api::{CatalogItem, InstallFailure, InstallStatus};
use portal_core::domain::AppRequest;
use portal_core::rules::catalog::{ShownReason, Visibility};

/// The device installs go to: only an enrolled device (the portal cannot push to others).
#[derive(Clone)]
pub struct Target {
    pub device_id: String,
    /// Tracked: known once the page's device list is read.
    pub device_name: Signal<String>,
}

/// Why the app is listed, in words ("Required by your organisation — installs automatically").
pub fn why_key(item: &CatalogItem) -> Option<Key> {
    Some(match item.catalog.visibility {
        Visibility::Shown(ShownReason::Required) => key!(apps.why.required),
        Visibility::Shown(ShownReason::RequiredAndAvailable) => key!(apps.why.required_and_available),
        Visibility::Shown(ShownReason::RequiredAndAvailableWithoutEnrollment) => {
            key!(apps.why.required_and_available_without_enrollment)
        }
        Visibility::Shown(ShownReason::Available) => key!(apps.why.available),
        Visibility::Shown(ShownReason::AvailableWithoutEnrollment) => key!(apps.why.available_without_enrollment),
        Visibility::Shown(ShownReason::RemovedUnlessInstalledFromPortal) => key!(apps.why.removed_unless_installed),
        Visibility::Shown(ShownReason::AvailableOnceEnrolled) => key!(apps.why.available_once_enrolled),
        Visibility::Hidden(_) => return None,
    })
}

pub fn state_key(state: InstallState) -> Key {
    match state {
        InstallState::NotInstalled => key!(apps.state.not_installed),
        InstallState::Unknown => key!(apps.state.unknown),
        InstallState::Installing => key!(apps.state.installing),
        InstallState::Uninstalling => key!(apps.state.uninstalling),
        InstallState::Installed => key!(apps.state.installed),
        InstallState::Failed => key!(apps.state.failed),
    }
}

pub fn assignment_key(assignment: Assignment) -> Key {
    match assignment {
        Assignment::Required => key!(apps.filter.required),
        Assignment::Available => key!(apps.filter.available),
    }
}

fn failure_key(failure: Option<InstallFailure>) -> Key {
    match failure {
        Some(InstallFailure::NotDetected) => key!(apps.failure.not_detected),
        Some(InstallFailure::DownloadFailed) => key!(apps.failure.download_failed),
        Some(InstallFailure::InsufficientSpace) => key!(apps.failure.insufficient_space),
        Some(InstallFailure::Other) => key!(apps.failure.other),
        None => key!(apps.failure.unknown),
    }
}

/// The state badge and the control for `item` (tracked). `on_status` gets each new install
/// status the server answers with, so the list and the details page update at once.
#[component]
pub fn InstallControl(
    item: Signal<Option<CatalogItem>>,
    /// `None` outside an enrolled device: nothing can be pushed, the page says how to get it.
    target: Option<Target>,
    on_status: Callback<(String, InstallStatus)>,
    /// Longer texts (failure reasons, the store hint) on the details page; the list is terse.
    #[prop(optional)]
    detailed: bool,
    /// Each new state of the person's request for a requestable app (`super::request`);
    /// without it such an app only says that the organisation approves who gets it.
    #[prop(optional)]
    on_request: Option<Callback<AppRequest>>,
) -> impl IntoView {
    let auth = use_auth();
    let config = StoredValue::new(use_context::<PortalConfig>());
    let i18n = use_i18n();
    let busy = RwSignal::new(false);
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let confirming = RwSignal::new(false);
    let target = StoredValue::new(target);
    let state = Memo::new(move |_| item.with(|i| InstallState::of(i.as_ref().and_then(|i| i.install.as_ref()))));
    // Requestable and not (yet) installable: the request control takes the button's place.
    // A memo, so that the control (and an open dialog) stays while the item changes around it.
    let needs_approval =
        Memo::new(move |_| item.with(|i| i.as_ref().is_some_and(|i| i.request.is_some() && !i.catalog.can_install)));

    let send = move |uninstall: bool| {
        let (Some(config), Some(target), Some(app_id)) =
            (config.get_value(), target.get_value(), item.with_untracked(|i| i.as_ref().map(|i| i.app.id.clone())))
        else {
            return;
        };
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let before = item.with_untracked(|i| i.as_ref().and_then(|i| i.install.clone()));
        leptos::task::spawn_local(async move {
            match api::apps::request(auth, &config, &app_id, &target.device_id, uninstall).await {
                // The answer says "pending". Live events may have overtaken it (on a slow
                // link the install can finish before the answer is read): then the state
                // already moved on and the answer is older news.
                Ok(accepted) => {
                    if item.with_untracked(|i| i.as_ref().and_then(|i| i.install.clone())) == before {
                        on_status.run((accepted.app_id, accepted.install))
                    }
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };

    let name = move || item.with(|i| i.as_ref().map(|i| i.app.name.clone()).unwrap_or_default());
    let label = move |key: Key| i18n.format(key, &[("app", &name())]);
    let button = move || {
        let Some((can_install, can_uninstall, web, self_service)) = item.with(|i| {
            i.as_ref().map(|i| (i.catalog.can_install, i.catalog.can_uninstall, i.app.is_web_link(), i.self_service))
        }) else {
            return ().into_any();
        };
        // The organisation approves who gets it (`requestable`): the request control below,
        // or (where there is none) how to ask.
        if needs_approval.get() {
            return if on_request.is_none() && detailed {
                view! { <p class="muted">{tr!(apps.approval_required)}</p> }.into_any()
            } else {
                ().into_any()
            };
        }
        let has_target = target.with_value(|t| t.is_some());
        if web {
            let href = item.with(|i| i.as_ref().and_then(|i| i.app.information_url.clone()));
            return href
                .map(|href| {
                    view! { <a class="button" href=href target="_blank" rel="noopener" aria-label=move || label(key!(apps.open_label))>{tr!(apps.open)}</a> }
                        .into_any()
                })
                .unwrap_or_else(|| ().into_any());
        }
        match (state.get(), has_target) {
            // The rule allows it, but this portal cannot carry the install out (Intune without
            // an install group for the app): say where it can be had.
            (InstallState::NotInstalled | InstallState::Unknown | InstallState::Failed, _) if can_install && !self_service => {
                view! { <p class="muted">{tr!(apps.get_from_company_portal)}</p> }.into_any()
            }
            (InstallState::Installing | InstallState::Uninstalling, _) => view! {
                <span class="pending" role="status"><span class="spinner small" aria-hidden="true"></span> {move || i18n.text(state_key(state.get()))}</span>
            }
            .into_any(),
            // Install and Retry are the same request; only the words differ.
            (InstallState::NotInstalled | InstallState::Unknown | InstallState::Failed, true) if can_install => {
                let (name_key, text_key) = if state.get() == InstallState::Failed {
                    (key!(apps.retry_label), key!(apps.retry))
                } else {
                    (key!(apps.install_label), key!(apps.install))
                };
                view! {
                    <button class="button primary" disabled=move || busy.get() aria-label=move || label(name_key)
                        on:click=move |_| send(false)>
                        {move || if busy.get() { i18n.text(key!(apps.requesting)) } else { i18n.text(text_key) }}
                    </button>
                }
                .into_any()
            }
            (InstallState::Installed, true) if can_uninstall => view! {
                <button class="button" disabled=move || busy.get() aria-label=move || label(key!(apps.uninstall_label))
                    on:click=move |_| confirming.set(true)>
                    {tr!(apps.uninstall)}
                </button>
            }
            .into_any(),
            (InstallState::NotInstalled | InstallState::Unknown | InstallState::Failed, false) if can_install && detailed => {
                view! { <p class="muted">{tr!(apps.get_from_store)}</p> }.into_any()
            }
            // Required only: nothing to press. A failure is retried by the device at its next
            // check-in, which the device's page can ask for ("Check status").
            (InstallState::Failed, true)
                if item.with(|i| i.as_ref().is_some_and(|i| Assignment::of(i) == Assignment::Required)) =>
            {
                let href = target.with_value(|t| t.as_ref().map(|t| format!("/devices/{}", t.device_id))).unwrap_or_default();
                view! {
                    <span class="muted">{tr!(apps.retried_at_check_in)} " "
                        <a href=href>{tr!(apps.check_status)}</a></span>
                }
                .into_any()
            }
            (InstallState::NotInstalled | InstallState::Unknown | InstallState::Failed, _)
                if item.with(|i| i.as_ref().is_some_and(|i| Assignment::of(i) == Assignment::Required)) =>
            {
                view! { <span class="muted">{tr!(apps.installs_automatically)}</span> }.into_any()
            }
            _ => ().into_any(),
        }
    };
    let failure = move || {
        (state.get() == InstallState::Failed).then(|| {
            let reason = item.with(|i| i.as_ref().and_then(|i| i.install.as_ref()).and_then(|s| s.failure));
            view! {
                <p class="install-failure">
                    {move || i18n.text(failure_key(reason))}
                    {detailed.then(|| view! { " " {tr!(apps.failure.help)} })}
                </p>
            }
        })
    };
    view! {
        <div class="install-control">
            <span class=move || format!("install-state state-{:?}", state.get()).to_lowercase()>
                {move || i18n.text(state_key(state.get()))}
            </span>
            {button}
            {move || needs_approval.get().then(|| on_request.map(|on_request| view! {
                <super::request::RequestControl item on_request />
            }))}
            {failure}
            {move || error.get().map(|error| view! { <p class="error" role="alert"><ErrorText error /></p> })}
            {move || confirming.get().then(|| view! {
                <ConfirmUninstall
                    app=name()
                    device=target.with_value(|t| t.as_ref().map(|t| t.device_name.get()).unwrap_or_default())
                    on_confirm=Callback::new(move |_| send(true))
                    on_close=Callback::new(move |_| confirming.set(false))
                />
            })}
        </div>
    }
}

/// "Uninstall Teams?" as a modal dialog: focus moves in (to Cancel, the safe answer), Escape cancels,
/// and focus returns to the Uninstall button (the browser does that for `showModal`).
#[component]
fn ConfirmUninstall(app: String, device: String, on_confirm: Callback<()>, on_close: Callback<()>) -> impl IntoView {
    let modal = Modal::opened(on_close);
    let title = app.clone();
    view! {
        <dialog node_ref=modal.node class="confirm" aria-labelledby="uninstall-title" on:cancel=modal.on_cancel()>
            <h2 id="uninstall-title">{tr_with!(apps.confirm_uninstall.title, app = title)}</h2>
            <p>{tr_with!(apps.confirm_uninstall.body, app = app, device = device)}</p>
            <div class="dialog-buttons">
                <button class="button" autofocus on:click=move |_| modal.close()>{tr!(apps.confirm_uninstall.cancel)}</button>
                <button class="button danger" on:click=move |_| {
                    on_confirm.run(());
                    modal.close();
                }>{tr!(apps.confirm_uninstall.confirm)}</button>
            </div>
        </dialog>
    }
}
