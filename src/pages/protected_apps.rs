//! Protected apps: for each of the user's devices (enrolled or not), the apps used with the
//! work account, what their app protection policies enforce in plain words, when each app
//! last checked in, and its status, with the reason when it is not simply "Protected".
//! "Remove company data" asks for a selective wipe of one device's apps after a confirmation
//! that says what stays (the apps, personal data) and what goes (work data, at each app's
//! next check-in); the apps then move from pending to removed live, from the event stream.

use crate::api::events::use_live_events;
use crate::api::{self, ApiError};
use crate::auth::use_auth;
use crate::components::error_text::ErrorText;
use crate::config::PortalConfig;
use crate::i18n::use_i18n;
use crate::protection;
use leptos::html;
use leptos::prelude::*;
use portal_core::api::{Event, ProtectedApp, ProtectedApps, ProtectedDevice};
use portal_core::domain::SelectiveWipeState;
use portal_core::rules::protection::ProtectionStatus;
use std::time::Duration;
use wasm_bindgen::JsCast;

/// Without the live event stream, a pending removal is re-read this often…
const POLL_INTERVAL: Duration = Duration::from_secs(2);
/// …at most this many times (a minute), so nothing polls for ever.
const POLL_LIMIT: u32 = 30;

type Loaded = Option<Result<ProtectedApps, ApiError>>;

#[component]
pub fn ProtectedApps() -> impl IntoView {
    let auth = use_auth();
    let config = StoredValue::new(use_context::<PortalConfig>());
    let i18n = use_i18n();
    let live = use_live_events();
    let data: RwSignal<Loaded> = RwSignal::new(None);
    // What changed, for screen readers and everyone else (an `aria-live` region).
    let announcement = RwSignal::new(String::new());
    let wipe_error: RwSignal<Option<(String, ApiError)>> = RwSignal::new(None);
    let polls = StoredValue::new(0u32);

    let load = move || {
        let Some(config) = config.get_value() else { return };
        leptos::task::spawn_local(async move {
            let result = api::protected_apps::fetch(auth, &config).await;
            // A failed re-read keeps what is shown; only the first load shows the error.
            if result.is_ok() || data.with_untracked(|d| d.is_none()) {
                data.set(Some(result));
            }
        });
    };
    load();

    // Live: each selective wipe event moves one app on, in place.
    Effect::new(move |first: Option<()>| {
        let event = live.latest();
        if first.is_none() {
            return;
        }
        if let Some(Event::SelectiveWipe { device_tag, registration_id, state }) = event {
            let mut done = None;
            data.update(|d| {
                let Some(Ok(list)) = d else { return };
                let Some(device) = list.devices.iter_mut().find(|d| d.device_tag == device_tag) else { return };
                let Some(app) = device.apps.iter_mut().find(|a| a.registration.id == registration_id) else { return };
                set_wipe_state(app, state);
                if state == SelectiveWipeState::Done {
                    done = Some((app_name(app), device.device_name.clone()));
                }
            });
            if let Some((app, device)) = done {
                announcement
                    .set(i18n.format(key!(protected_apps.wipe.app_done), &[("app", &app), ("device", &device)]));
            }
        }
    });
    // Events may have been missed (reconnect, lag): read everything again.
    Effect::new(move |first: Option<()>| {
        live.resync();
        if first.is_some() {
            load();
        }
    });
    // Without a live stream, re-read while a removal is pending (bounded).
    Effect::new(move |_| {
        let pending = data.with(|d| matches!(d, Some(Ok(list)) if list.devices.iter().flat_map(|d| &d.apps).any(|a| a.status == ProtectionStatus::WipePending)));
        if pending && !live.connected() && polls.get_value() < POLL_LIMIT {
            polls.update_value(|n| *n += 1);
            set_timeout(load, POLL_INTERVAL);
        }
    });

    // The confirmation: which device, and the `<dialog>` (modal: focus moves into it and
    // Escape cancels; on close focus returns to the button that opened it).
    let dialog = NodeRef::<html::Dialog>::new();
    let target: RwSignal<Option<(usize, ProtectedDevice)>> = RwSignal::new(None);
    let open = move |index: usize, device: ProtectedDevice| {
        target.set(Some((index, device)));
        if let Some(d) = dialog.get_untracked() {
            let _ = d.show_modal();
        }
    };
    let cancel = move |_| {
        if let Some(d) = dialog.get_untracked() {
            d.close();
        }
    };
    let on_close = move |_| {
        // Cancelled (button or Escape): back to the opener. Confirmed: `confirm` moves focus.
        if let Some((index, _)) = target.get_untracked() {
            focus_later(format!("wipe-{index}"), None);
        }
    };
    let confirm = move |_| {
        let Some((index, device)) = target.get_untracked() else { return };
        // Not `None` first: the close handler must not pull focus back to the opener.
        target.set(None);
        if let Some(d) = dialog.get_untracked() {
            d.close();
        }
        let Some(config) = config.get_value() else { return };
        wipe_error.set(None);
        polls.set_value(0);
        leptos::task::spawn_local(async move {
            match api::protected_apps::wipe(auth, &config, device.device_tag.clone()).await {
                Ok(_) => {
                    let mut pending = false;
                    data.update(|d| {
                        let Some(Ok(list)) = d else { return };
                        let apps = list
                            .devices
                            .iter_mut()
                            .filter(|d| d.device_tag == device.device_tag)
                            .flat_map(|d| &mut d.apps);
                        for app in apps {
                            // The live events may have been quicker than this answer.
                            if app.registration.selective_wipe_state == SelectiveWipeState::None {
                                set_wipe_state(app, SelectiveWipeState::Pending);
                            }
                            pending |= app.registration.selective_wipe_state == SelectiveWipeState::Pending;
                        }
                    });
                    if pending {
                        announcement
                            .set(i18n.format(key!(protected_apps.wipe.requested), &[("device", &device.device_name)]));
                    }
                }
                Err(e) => wipe_error.set(Some((device.device_tag.clone(), e))),
            }
            focus_later(format!("wipe-{index}"), Some(format!("wipe-note-{index}")));
        });
    };

    // The list re-renders only when its shape changes (devices, apps); a status moving on
    // updates in place, so focus and reading position stay where they are.
    let shape = Memo::new(move |_| {
        data.with(|d| match d {
            None => Shape::Loading,
            Some(Err(e)) => Shape::Failed(e.clone()),
            Some(Ok(list)) => Shape::Devices(
                list.devices
                    .iter()
                    .map(|d| (d.device_tag.clone(), d.apps.iter().map(|a| a.registration.id.clone()).collect()))
                    .collect(),
            ),
        })
    });
    let list = move || match shape.get() {
        Shape::Loading => {
            view! { <p class="loading waiting" role="status">{tr!(protected_apps.loading)}</p> }.into_any()
        }
        Shape::Failed(error) => view! {
            <div role="alert" class="load-failed">
                <p><ErrorText error /></p>
                <button class="button" on:click=move |_| { data.set(None); load(); }>{tr!(boot.retry)}</button>
            </div>
        }
        .into_any(),
        Shape::Devices(devices) if devices.is_empty() => {
            view! { <p class="empty">{tr!(protected_apps.empty)}</p> }.into_any()
        }
        Shape::Devices(devices) => devices
            .into_iter()
            .enumerate()
            .map(|(index, (tag, apps))| view! { <DeviceSection index tag apps data open wipe_error /> })
            .collect_view()
            .into_any(),
    };

    let dialog_device = move || target.with(|t| t.as_ref().map(|(_, d)| d.device_name.clone()).unwrap_or_default());
    let dialog_apps = move || {
        target.with(|t| {
            t.iter()
                .flat_map(|(_, d)| &d.apps)
                .filter(|a| a.registration.selective_wipe_state == SelectiveWipeState::None)
                .map(|a| view! { <li>{app_name(a)}</li> })
                .collect_view()
        })
    };

    view! {
        <h1>{tr!(protected_apps.title)}</h1>
        <p class="intro">{tr!(protected_apps.intro)} " "
            <a href="/protected-apps/about" class="about-link">{tr!(protected_apps.about_link)}</a>
        </p>
        <p class="live-status" role="status" aria-live="polite">{move || announcement.get()}</p>
        {move || {
            let stale = data.with(|d| d.as_ref().and_then(|d| d.as_ref().ok()).and_then(|l| l.stale.clone()));
            view! { <crate::components::stale::StaleNotice stale /> }
        }}
        {list}
        <dialog node_ref=dialog class="confirm-wipe" aria-labelledby="wipe-title" aria-describedby="wipe-what" on:close=on_close>
            <h2 id="wipe-title">{move || i18n.format(key!(protected_apps.wipe.confirm_title), &[("device", &dialog_device())])}</h2>
            <div id="wipe-what">
                <p>{tr!(protected_apps.wipe.confirm_apps)}</p>
                <ul class="wipe-apps">{dialog_apps}</ul>
                <p>{tr!(protected_apps.wipe.confirm_stays)}</p>
            </div>
            <div class="dialog-buttons">
                <button class="button cancel" on:click=cancel>{tr!(protected_apps.wipe.cancel)}</button>
                <button class="button danger confirm" on:click=confirm>{tr!(protected_apps.wipe.confirm)}</button>
            </div>
        </dialog>
    }
}

/// What the list is made of: which devices, and which apps on each (by registration id).
#[derive(Clone, PartialEq)]
enum Shape {
    Loading,
    Failed(ApiError),
    Devices(Vec<(String, Vec<String>)>),
}

fn find_device<'a>(d: &'a Loaded, tag: &str) -> Option<&'a ProtectedDevice> {
    match d {
        Some(Ok(list)) => list.devices.iter().find(|d| d.device_tag == tag),
        _ => None,
    }
}

fn find_app<'a>(d: &'a Loaded, tag: &str, id: &str) -> Option<&'a ProtectedApp> {
    find_device(d, tag).and_then(|d| d.apps.iter().find(|a| a.registration.id == id))
}

/// One device: its apps, and removing company data from them.
#[component]
fn DeviceSection(
    index: usize,
    tag: String,
    apps: Vec<String>,
    data: RwSignal<Loaded>,
    open: impl Fn(usize, ProtectedDevice) + Copy + Send + Sync + 'static,
    wipe_error: RwSignal<Option<(String, ApiError)>>,
) -> impl IntoView {
    let heading = format!("device-{index}");
    let (name, enrolled) =
        data.with_untracked(|d| find_device(d, &tag).map(|d| (d.device_name.clone(), d.enrolled))).unwrap_or_default();
    let kind = if enrolled { key!(protected_apps.enrolled) } else { key!(protected_apps.unenrolled) };
    let wipeable = {
        let tag = tag.clone();
        Memo::new(move |_| {
            data.with(|d| {
                find_device(d, &tag).is_some_and(|d| {
                    d.apps.iter().any(|a| a.registration.selective_wipe_state == SelectiveWipeState::None)
                })
            })
        })
    };
    let error = {
        let tag = tag.clone();
        move || {
            wipe_error.with(|e| e.as_ref().filter(|(t, _)| *t == tag).map(|(_, e)| e.clone())).map(|error| {
                view! { <p role="alert" class="wipe-failed">{tr!(protected_apps.wipe.failed)} " " <ErrorText error /></p> }
            })
        }
    };
    let wipe = {
        let (tag, name) = (tag.clone(), name.clone());
        move || {
            if wipeable.get() {
                let tag = tag.clone();
                let on_click = move |_| {
                    if let Some(device) = data.with_untracked(|d| find_device(d, &tag).cloned()) {
                        open(index, device);
                    }
                };
                view! {
                    <p class="wipe-explain">{tr!(protected_apps.wipe.explain)}</p>
                    <button id=format!("wipe-{index}") class="button remove-data" on:click=on_click>
                        {tr_with!(protected_apps.wipe.button, device = name.clone())}
                    </button>
                }
                .into_any()
            } else {
                view! {
                    <p id=format!("wipe-note-{index}") class="wipe-note" tabindex="-1">{tr!(protected_apps.wipe.all_requested)}</p>
                }
                .into_any()
            }
        }
    };
    let labelled_by = heading.clone();
    let items = apps.into_iter().map(|id| view! { <AppItem tag=tag.clone() id data /> }).collect_view();
    view! {
        <section class="protected-device" aria-labelledby=labelled_by data-device-tag=tag.clone()>
            <h2 id=heading>{name}</h2>
            <p class="device-kind">{crate::text::text(kind)}</p>
            <ul class="protected-app-list">{items}</ul>
            <div class="wipe">{wipe} {error}</div>
        </section>
    }
}

/// One app with the work account: icon, name, version, last check-in, status, policies.
/// Only the status changes while the page is open.
#[component]
fn AppItem(tag: String, id: String, data: RwSignal<Loaded>) -> impl IntoView {
    let i18n = use_i18n();
    let Some(app) = data.with_untracked(|d| find_app(d, &tag, &id).cloned()) else {
        return ().into_any();
    };
    let status = Memo::new(move |_| data.with(|d| find_app(d, &tag, &id).map(|a| a.status)).unwrap_or(app.status));
    let name = app_name(&app);
    // Only a path on this server: the page never loads anything from another host.
    let icon = app.icon_url.clone().filter(|u| u.starts_with('/') && !u.starts_with("//"));
    let synced = app.registration.last_sync_date_time.clone();
    let (synced_text, synced_full) = {
        let (a, b) = (synced.clone(), synced.clone());
        (
            move || crate::dates::relative(&a, i18n.locale().code()),
            move || crate::dates::date_time(&b, i18n.locale().code()),
        )
    };
    let policies = app.policies.clone();
    view! {
        <li class="protected-app">
            {match icon {
                Some(src) => view! { <img class="app-icon" src=src alt="" width="40" height="40" /> }.into_any(),
                None => view! { <span class="app-icon placeholder-icon" aria-hidden="true"></span> }.into_any(),
            }}
            <div class="app-body">
                <h3 class="app-name">{name}</h3>
                <p class="app-meta">
                    <span>{tr_with!(protected_apps.version, version = app.registration.application_version)}</span>
                    " · "
                    <span>{tr!(protected_apps.last_check_in)} " " <time datetime=synced title=synced_full>{synced_text}</time></span>
                </p>
                <p class=move || protection::status_class(&status.get())>
                    <span class="status-label">{move || protection::status_text(i18n.locale(), &status.get())}</span>
                </p>
                <p class="status-hint">{move || protection::status_hint(i18n.locale(), &status.get())}</p>
                {if policies.is_empty() {
                    view! { <p class="no-policy">{tr!(protected_apps.no_policy)}</p> }.into_any()
                } else {
                    policies
                        .into_iter()
                        .map(|policy| {
                            let lines = policy.lines.clone();
                            view! {
                                <div class="policy">
                                    <h4 class="policy-name">{tr_with!(protected_apps.policy, name = policy.display_name)}</h4>
                                    {if lines.is_empty() {
                                        view! { <p>{tr!(protected_apps.no_restrictions)}</p> }.into_any()
                                    } else {
                                        view! {
                                            <ul class="policy-lines">
                                                {lines.into_iter().map(|line| view! { <li>{move || protection::line_text(i18n.locale(), &line)}</li> }).collect_view()}
                                            </ul>
                                        }
                                        .into_any()
                                    }}
                                </div>
                            }
                        })
                        .collect_view()
                        .into_any()
                }}
            </div>
        </li>
    }
    .into_any()
}

/// The catalog's name for the app, or its bundle / package id when the catalog lacks it.
fn app_name(app: &ProtectedApp) -> String {
    app.app_name.clone().unwrap_or_else(|| app.registration.app_identifier.clone())
}

/// Moves `app` to `state` and its status with it (the same precedence as portal-core:
/// a wipe supersedes everything else).
fn set_wipe_state(app: &mut ProtectedApp, state: SelectiveWipeState) {
    app.registration.selective_wipe_state = state;
    match state {
        SelectiveWipeState::Pending => app.status = ProtectionStatus::WipePending,
        SelectiveWipeState::Done => app.status = ProtectionStatus::WipeDone,
        SelectiveWipeState::None => {}
    }
}

/// Focuses the element `id` (or `fallback`) once the page has re-rendered.
fn focus_later(id: String, fallback: Option<String>) {
    request_animation_frame(move || {
        let doc = document();
        let element = doc.get_element_by_id(&id).or_else(|| fallback.and_then(|f| doc.get_element_by_id(&f)));
        if let Some(el) = element.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = el.focus();
        }
    });
}
