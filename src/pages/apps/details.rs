//! `/apps/{id}`: one app as the chosen device context sees it — what it is, why it is
//! offered (or why not: a hidden app says why, so "where is my app?" has an answer), its
//! state on the device, and the actions that apply, live like the list.

use super::catalog::{Assignment, InstallState};
use super::format;
use super::install::{assignment_key, state_key, why_key, InstallControl, Target};
use super::list::AppIcon;
use crate::api::events::use_live_events;
use crate::api::{self, ApiError};
use crate::components::error_text::ErrorText;
use crate::components::this_device::{ThisDeviceBar, UserDevices};
use crate::device_context::use_this_device;
use crate::i18n::{use_i18n, Key};
use crate::pages::devices::loader;
use leptos::prelude::*;
use portal_core::api::{AppDetails as Details, ContextRef, Event, InstallStatus};
use portal_core::domain::{AppRequest, AppRequestState};
use portal_core::rules::catalog::{HiddenReason, ShownReason, Visibility};
use portal_core::rules::requests::{RequestOffer, RequestStatus};

fn hidden_key(reason: HiddenReason) -> Key {
    match reason {
        HiddenReason::OtherPlatform => key!(apps.hidden.other_platform),
        HiddenReason::NotAssigned => key!(apps.hidden.not_assigned),
        HiddenReason::Excluded => key!(apps.hidden.excluded),
        HiddenReason::NotPrimaryUser => key!(apps.hidden.not_primary_user),
        HiddenReason::RequiresEnrollment => key!(apps.hidden.requires_enrollment),
        HiddenReason::RemovedByOrganisation => key!(apps.hidden.removed_by_organisation),
    }
}

#[component]
pub fn AppDetails(id: String) -> impl IntoView {
    let this = use_this_device();
    let live = use_live_events();
    let id = StoredValue::new(id);
    let context = Memo::new(move |_| this.get().unwrap_or_else(|| "none".into()));
    // Bumped to read the app again (an approved request changes the server's verdict).
    let reread = RwSignal::new(0u64);
    let details = loader(
        move || {
            context.track();
            reread.get() + live.resync()
        },
        move |auth, config| {
            let context = context.get_untracked();
            let id = id.get_value();
            async move { api::apps::details(auth, &config, &id, &context).await }
        },
    );
    let apply = move |app_id: String, install: InstallStatus| {
        details.update(|d| {
            if let Some(Ok(d)) = d {
                if d.app.id == app_id {
                    d.install = Some(install);
                }
            }
        });
    };
    // The person's request moved on: shown as it is, or (approved) the app is read again.
    let on_request = Callback::new(move |request: AppRequest| {
        if request.state == AppRequestState::Approved {
            reread.update(|n| *n += 1);
            return;
        }
        details.update(|d| {
            if let Some(Ok(d)) = d {
                if d.app.id == request.app_id {
                    d.request = Some(RequestOffer { latest: Some(RequestStatus::of(&request)) });
                }
            }
        });
    });
    let me = crate::components::shell::use_current_user();
    Effect::new(move |first: Option<()>| {
        let event = live.latest();
        if first.is_none() {
            return;
        }
        match event {
            Some(Event::Install { device_id, app_id, install }) => {
                let ours = details.with_untracked(|d| match d {
                    Some(Ok(Details { context: ContextRef::Enrolled { device_id: mine, .. }, .. })) => {
                        *mine == device_id
                    }
                    _ => false,
                });
                if ours {
                    apply(app_id, install);
                }
            }
            // Approvers hear of others' requests too: only the person's own, for this app.
            Some(Event::AppRequest { request }) => {
                let mine = me.with_untracked(|p| p.as_ref().is_some_and(|p| p.id == request.requester_id));
                if mine && id.with_value(|id| *id == request.app_id) {
                    on_request.run(request);
                }
            }
            _ => {}
        }
    });
    let on_status = Callback::new(move |(app_id, install): (String, InstallStatus)| apply(app_id, install));
    let devices = UserDevices::load();
    view! {
        <p class="back"><a href="/apps">{tr!(apps.details.back)}</a></p>
        {move || match details.get() {
            None => view! { <h1 tabindex="-1">{tr!(apps.title)}</h1><p class="waiting" role="status">{tr!(apps.details.loading)}</p> }.into_any(),
            Some(Err(ApiError::Status { status: 404, .. })) => view! {
                <h1 tabindex="-1">{tr!(apps.details.not_found_title)}</h1>
                <p>{tr!(apps.details.not_found)}</p>
            }.into_any(),
            Some(Err(error)) => view! {
                <h1 tabindex="-1">{tr!(apps.title)}</h1>
                <p class="error" role="alert"><ErrorText error /></p>
            }.into_any(),
            Some(Ok(d)) => view! { <App details=d details_signal=details devices on_status on_request /> }.into_any(),
        }}
        <ThisDeviceBar devices />
    }
}

#[component]
fn App(
    details: Details,
    details_signal: RwSignal<Option<Result<Details, ApiError>>>,
    devices: UserDevices,
    on_status: Callback<(String, InstallStatus)>,
    on_request: Callback<AppRequest>,
) -> impl IntoView {
    let i18n = use_i18n();
    let app = details.app.clone();
    let visible = details.catalog.is_visible();
    let item_now = details.item();
    let why = why_key(&item_now);
    let hidden = match details.catalog.visibility {
        Visibility::Hidden(reason) => Some(hidden_key(reason)),
        Visibility::Shown(_) => None,
    };
    // Enrolling this device gets it: say how.
    let needs_enrollment = matches!(
        details.catalog.visibility,
        Visibility::Shown(ShownReason::AvailableOnceEnrolled) | Visibility::Hidden(HiddenReason::RequiresEnrollment)
    );
    let target = match &details.context {
        ContextRef::Enrolled { device_id, .. } => {
            let id = device_id.clone();
            Some(Target { device_id: device_id.clone(), device_name: Signal::derive(move || devices.device_name(&id)) })
        }
        _ => None,
    };
    let item = Signal::derive(move || {
        details_signal.with(|d| match d {
            Some(Ok(d)) => Some(d.item()),
            _ => None,
        })
    });
    let install_state = move || {
        InstallState::of(
            details_signal
                .with(|d| match d {
                    Some(Ok(d)) => d.install.clone(),
                    _ => None,
                })
                .as_ref(),
        )
    };
    let state = move || i18n.text(state_key(install_state()));
    let state_unknown = move || {
        (install_state() == InstallState::Unknown)
            .then(|| view! { <p class="muted">{tr!(apps.details.state_unknown_why)}</p> })
    };
    let locale = move || i18n.locale().code();
    let platforms = app.platforms.iter().map(|p| p.display_name()).collect::<Vec<_>>().join(", ");
    let categories = app.categories.join(", ");
    let published = app.published.clone();
    let size = app.size_bytes;
    view! {
        <crate::components::stale::StaleNotice stale=details.stale.clone() />
        <div class="app-header">
            <AppIcon src=app.icon_url.clone() />
            <div>
                <h1 tabindex="-1" class="app-title">{app.name.clone()}</h1>
                <p class="app-meta">{app.publisher.clone()}</p>
            </div>
        </div>
        {if visible {
            view! {
                <p class="app-why">
                    <span class="badge">{crate::text::text(assignment_key(Assignment::of(&item_now)))}</span>
                    " " {why.map(crate::text::text)}
                </p>
                <InstallControl item target on_status detailed=true on_request />
                {needs_enrollment.then(|| view! { <crate::pages::enroll::EnrollLink /> })}
            }.into_any()
        } else {
            view! {
                <div class="warning">
                    <h2>{tr!(apps.details.hidden_title)}</h2>
                    <p>{hidden.map(crate::text::text)}</p>
                    {needs_enrollment.then(|| view! { <crate::pages::enroll::EnrollLink /> })}
                </div>
            }.into_any()
        }}
        {(!app.description.is_empty()).then(|| view! { <p class="app-description">{app.description.clone()}</p> })}
        <h2>{tr!(apps.details.information)}</h2>
        <dl class="facts">
            {app.version.clone().map(|v| view! { <dt>{tr!(apps.details.version)}</dt><dd>{v}</dd> })}
            {size.map(|bytes| view! { <dt>{tr!(apps.details.size)}</dt><dd>{move || format::size(bytes, locale())}</dd> })}
            <dt>{tr!(apps.details.platforms)}</dt><dd>{platforms}</dd>
            {app.minimum_os.clone().map(|v| view! { <dt>{tr!(apps.details.minimum_os)}</dt><dd>{v}</dd> })}
            {(!categories.is_empty()).then(|| view! { <dt>{tr!(apps.filter.category)}</dt><dd>{categories}</dd> })}
            <dt>{tr!(apps.details.published)}</dt><dd>{move || crate::dates::date(&published, locale())}</dd>
            {visible.then(|| view! { <dt>{tr!(apps.filter.state)}</dt><dd>{state}</dd> })}
        </dl>
        {visible.then_some(state_unknown)}
        {(app.information_url.is_some() || app.privacy_url.is_some()).then(|| view! {
            <ul class="app-links">
                {app.information_url.clone().map(|url| view! { <li><a href=url rel="noopener" target="_blank">{tr!(apps.details.more_information)}</a></li> })}
                {app.privacy_url.clone().map(|url| view! { <li><a href=url rel="noopener" target="_blank">{tr!(apps.details.privacy)}</a></li> })}
            </ul>
        })}
    }
}
