//! Devices: every device of the user — enrolled ones with their access status in words,
//! and MAM-only ones — kept current by live events (a rename, a check-in or a removal shows
//! at once). Details and actions are at `/devices/{id}` ([`DeviceDetails`]).

pub mod actions;
pub mod category;
mod details;
pub mod reasons;
pub mod recovery;
mod rename;

pub use details::DeviceDetails;

use crate::api::events::use_live_events;
use crate::api::{self, ApiError};
use crate::auth::use_auth;
use crate::components::error_text::ErrorText;
use crate::config::PortalConfig;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use portal_core::api::{DeviceList, Event};
use portal_core::domain::{ManagedDevice, OwnerType};
use portal_core::rules::compliance::AccessStatus;

/// Loads a value with `load` when created and whenever `reload` changes (tracked); a plain
/// signal and task rather than a resource, as the app does elsewhere (smaller wasm).
pub(crate) fn loader<T, F, Fut>(reload: impl Fn() -> u64 + 'static, load: F) -> RwSignal<Option<Result<T, ApiError>>>
where
    T: Send + Sync + 'static,
    F: Fn(crate::auth::Auth, PortalConfig) -> Fut + 'static,
    Fut: std::future::Future<Output = Result<T, ApiError>> + 'static,
{
    let state = RwSignal::new(None);
    let auth = use_auth();
    let config = use_context::<PortalConfig>();
    // Answers may come back out of order: only the latest request's is kept.
    let latest = StoredValue::new(0u64);
    Effect::new(move |_| {
        reload();
        let Some(config) = config.clone() else { return };
        let future = load(auth, config);
        latest.update_value(|n| *n += 1);
        let this = latest.get_value();
        leptos::task::spawn_local(async move {
            let result = future.await;
            if latest.try_get_value() == Some(this) {
                state.set(Some(result));
            }
        });
    });
    state
}

#[component]
pub fn Devices() -> impl IntoView {
    let live = use_live_events();
    let reload = RwSignal::new(0u64);
    let list = loader(
        move || reload.get() + live.resync(),
        |auth, config| async move { api::devices::list(auth, &config).await },
    );
    // Live: a removed device leaves, a renamed or checked-in one is re-read.
    Effect::new(move |_| match live.latest() {
        Some(Event::DeviceRemoved { device_id }) => list.update(|l| {
            if let Some(Ok(l)) = l {
                l.devices.retain(|d| d.device.id != device_id)
            }
        }),
        Some(Event::DeviceRenamed { device_id, device_name }) => list.update(|l| {
            if let Some(Ok(l)) = l {
                l.devices
                    .iter_mut()
                    .filter(|d| d.device.id == device_id)
                    .for_each(|d| d.device.device_name = device_name.clone())
            }
        }),
        Some(Event::CheckIn { .. }) => reload.update(|n| *n += 1),
        _ => {}
    });
    let this_device = crate::device_context::use_this_device().get_untracked();
    view! {
        <h1>{tr!(devices.title)}</h1>
        <p>{tr!(devices.intro)}</p>
        {move || match list.get() {
            None => view! { <p class="waiting" role="status">{tr!(devices.loading)}</p> }.into_any(),
            Some(Err(error)) => view! {
                <p class="error" role="alert"><ErrorText error /></p>
                <button class="button" on:click=move |_| reload.update(|n| *n += 1)>{tr!(devices.retry)}</button>
            }.into_any(),
            Some(Ok(list)) => view! { <DeviceCards list this_device=this_device.clone() /> }.into_any(),
        }}
        <crate::pages::enroll::EnrollHelpLink />
    }
}

#[component]
fn DeviceCards(list: DeviceList, this_device: Option<String>) -> impl IntoView {
    let DeviceList { devices, unenrolled_devices, stale } = list;
    let empty = devices.is_empty();
    view! {
        <crate::components::stale::StaleNotice stale />
        {empty.then(|| view! { <p>{tr!(devices.none)}</p> })}
        <ul class="device-list">
            {devices.into_iter().map(|summary| {
                let mine = this_device.as_deref() == Some(summary.device.id.as_str());
                view! { <li><DeviceCard device=summary.device access=summary.access this_device=mine /></li> }
            }).collect_view()}
        </ul>
        {(!unenrolled_devices.is_empty()).then(|| view! {
            <h2>{tr!(devices.unenrolled_title)}</h2>
            <p>{tr!(devices.unenrolled_intro)}</p>
            <ul class="device-list">
                {unenrolled_devices.into_iter().map(|d| view! {
                    <li class="card device-card">
                        <span class="device-name">{d.device_name}</span>
                        <span class="muted">{d.platform.display_name()}</span>
                    </li>
                }).collect_view()}
            </ul>
        })}
    }
}

#[component]
fn DeviceCard(device: ManagedDevice, access: AccessStatus, this_device: bool) -> impl IntoView {
    let href = format!("/devices/{}", device.id);
    let synced = device.last_sync_date_time.clone();
    view! {
        <a class="card device-card" href=href>
            <span class="device-name">
                {device.device_name.clone()}
                {this_device.then(|| view! { " " <span class="badge">{tr!(devices.this_device)}</span> })}
            </span>
            <span class="muted">{model_line(&device)} " · " <Owner owner=device.managed_device_owner_type /></span>
            <AccessText access />
            <span class="muted">{when(key!(devices.last_check_in), synced, true)}</span>
        </a>
    }
}

/// "iOS 17.5 · iPhone 15" style: the platform, its version and the model when known.
pub(crate) fn model_line(device: &ManagedDevice) -> String {
    let mut line = format!("{} {}", device.operating_system.display_name(), device.os_version);
    if !device.model.is_empty() {
        line.push_str(" · ");
        line.push_str(&device.model);
    }
    line
}

#[component]
pub(crate) fn Owner(owner: OwnerType) -> impl IntoView {
    match owner {
        OwnerType::Company => tr!(devices.company).into_any(),
        OwnerType::Personal => tr!(devices.personal).into_any(),
        OwnerType::Unknown => tr!(devices.unknown_owner).into_any(),
    }
}

/// The access status in words ("Can access company resources", …), with the grace
/// period's end date in the reader's language.
#[component]
pub fn AccessText(access: AccessStatus) -> impl IntoView {
    let i18n = use_i18n();
    let (class, text) = match access {
        AccessStatus::CanAccess => ("access ok", tr!(access.can_access).into_any()),
        AccessStatus::Checking => ("access checking", tr!(access.checking).into_any()),
        AccessStatus::CannotAccess => ("access blocked", tr!(access.cannot_access).into_any()),
        AccessStatus::GracePeriod { until: Some(until) } => {
            let date = move || crate::dates::date(&until, i18n.locale().code());
            ("access grace", view! { {move || i18n.format(key!(access.grace_until), &[("date", &date())])} }.into_any())
        }
        AccessStatus::GracePeriod { until: None } => ("access grace", tr!(access.grace).into_any()),
    };
    view! { <span class=class>{text}</span> }
}

/// `key`'s text with `{{ when }}` filled with `at` as a relative time or a date and time,
/// following the language.
pub fn when(key: crate::i18n::Key, at: String, relative: bool) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let locale = i18n.locale().code();
        let when = if relative { crate::dates::relative(&at, locale) } else { crate::dates::date_time(&at, locale) };
        i18n.format(key, &[("when", &when)])
    }
}
