//! "Enroll this device": what enrolling gives, what the organisation can and can't see on
//! a personal device, and the steps for the platform with the store link of the app to get.
//!
//! Where it appears follows the organisation's `enrollment_availability` (Intune's
//! `enrollmentAvailability`, `GET /api/v1/me/enrollment`):
//! - `availableWithPrompts`: a card on Home when "This device" is one that isn't enrolled,
//!   the page at `/enroll`, and links from apps that need enrollment;
//! - `availableWithoutPrompts`: no card — only on request: the links from apps and from
//!   Devices ("How to enroll a device"), and the page;
//! - `unavailable`: never offered; the page says the organisation doesn't offer it.

use crate::api;
use crate::auth::use_auth;
use crate::components::this_device::UserDevices;
use crate::config::PortalConfig;
use crate::device_context::use_this_device;
use crate::i18n::Key;
use leptos::prelude::*;
use portal_core::domain::{EnrollmentAvailability, Platform};

/// The platforms a person can enroll from the portal's steps (a web browser can't be).
pub const ENROLLABLE: [Platform; 5] =
    [Platform::Windows, Platform::Macos, Platform::Ios, Platform::Ipados, Platform::Android];

/// Where the app that enrolls `platform` comes from (Microsoft's own store pages).
pub fn store_url(platform: Platform) -> Option<&'static str> {
    Some(match platform {
        Platform::Windows => "https://apps.microsoft.com/detail/9wzdncrfj3pz",
        Platform::Macos => "https://go.microsoft.com/fwlink/?linkid=853070",
        Platform::Ios | Platform::Ipados => "https://apps.apple.com/app/intune-company-portal/id719171358",
        Platform::Android => "https://play.google.com/store/apps/details?id=com.microsoft.windowsintune.companyportal",
        Platform::Web => return None,
    })
}

/// The steps for `platform`, in order; `None` for one that can't be enrolled.
pub fn step_keys(platform: Platform) -> Option<[Key; 3]> {
    Some(match platform {
        Platform::Windows => {
            [key!(enroll.step.windows_get), key!(enroll.step.windows_connect), key!(enroll.step.finish)]
        }
        Platform::Macos => [key!(enroll.step.macos_get), key!(enroll.step.sign_in), key!(enroll.step.finish)],
        Platform::Ios | Platform::Ipados => {
            [key!(enroll.step.apple_get), key!(enroll.step.sign_in), key!(enroll.step.finish)]
        }
        Platform::Android => [key!(enroll.step.android_get), key!(enroll.step.sign_in), key!(enroll.step.finish)],
        Platform::Web => return None,
    })
}

/// Whether Home shows the card: only with prompts, and only for a device that isn't
/// enrolled and can be (`platform` of "This device"; `None` when it is enrolled or unset).
pub fn card_shown(availability: EnrollmentAvailability, unenrolled_platform: Option<Platform>) -> bool {
    availability == EnrollmentAvailability::AvailableWithPrompts
        && unenrolled_platform.is_some_and(|p| ENROLLABLE.contains(&p))
}

/// Whether links to the page are offered at all (on request or with prompts).
pub fn offered(availability: EnrollmentAvailability) -> bool {
    availability != EnrollmentAvailability::Unavailable
}

/// The organisation's setting, read once per page that asks (`None` until read, or if it
/// could not be: then nothing is offered).
pub fn use_availability() -> ReadSignal<Option<EnrollmentAvailability>> {
    let (availability, set) = signal(None);
    let auth = use_auth();
    if let Some(config) = use_context::<PortalConfig>() {
        leptos::task::spawn_local(async move {
            if let Ok(info) = api::me::enrollment(auth, &config).await {
                let _ = set.try_set(Some(info.availability));
            }
        });
    }
    availability
}

/// The platform of "This device" when it is a device that isn't enrolled (tracked).
fn unenrolled_platform(devices: UserDevices) -> Option<Platform> {
    let context = use_this_device().get()?;
    devices.context_name(&context).filter(|n| !n.enrolled).and_then(|n| n.platform)
}

/// Home's card (with prompts, for a device that isn't enrolled).
#[component]
pub fn EnrollCard(devices: UserDevices) -> impl IntoView {
    let availability = use_availability();
    move || {
        card_shown(availability.get()?, unenrolled_platform(devices)).then(|| {
            view! {
                <section class="card enroll-card" aria-labelledby="enroll-card-title">
                    <h2 id="enroll-card-title">{tr!(enroll.title)}</h2>
                    <p>{tr!(enroll.card_body)}</p>
                    <p><a class="button primary" href="/enroll">{tr!(enroll.card_link)}</a></p>
                </section>
            }
        })
    }
}

/// "Enroll this device" beside an app that needs enrollment (unless the organisation
/// doesn't offer it).
#[component]
pub fn EnrollLink() -> impl IntoView {
    let availability = use_availability();
    move || {
        availability.get().filter(|a| offered(*a)).map(|_| {
            view! { <p><a class="enroll-link" href="/enroll">{tr!(enroll.title)}</a></p> }
        })
    }
}

/// Devices' "How to enroll a device" (the request that shows the page without prompts).
#[component]
pub fn EnrollHelpLink() -> impl IntoView {
    let availability = use_availability();
    move || {
        availability.get().filter(|a| offered(*a)).map(|_| {
            view! { <p><a class="enroll-link" href="/enroll">{tr!(enroll.how_to)}</a></p> }
        })
    }
}

/// The page at `/enroll`.
#[component]
pub fn Enroll() -> impl IntoView {
    let availability = use_availability();
    let devices = UserDevices::load();
    let chosen: RwSignal<Option<Platform>> = RwSignal::new(None);
    // "This device" decides until the person picks another kind of device.
    let platform = Memo::new(move |_| {
        chosen
            .get()
            .or_else(|| unenrolled_platform(devices).filter(|p| ENROLLABLE.contains(p)))
            .unwrap_or(Platform::Windows)
    });
    view! {
        <h1>{tr!(enroll.title)}</h1>
        {move || match availability.get() {
            None => view! { <p class="waiting" role="status">{tr!(enroll.loading)}</p> }.into_any(),
            Some(EnrollmentAvailability::Unavailable) => view! { <p class="warning">{tr!(enroll.unavailable)}</p> }.into_any(),
            Some(_) => view! { <Guide platform chosen /> }.into_any(),
        }}
    }
}

#[component]
fn Guide(platform: Memo<Platform>, chosen: RwSignal<Option<Platform>>) -> impl IntoView {
    let on_change = move |ev: leptos::ev::Event| {
        let code = event_target_value(&ev);
        chosen.set(ENROLLABLE.into_iter().find(|p| p.code() == code));
    };
    let steps = move || {
        step_keys(platform.get())
            .map(|keys| keys.into_iter().map(|k| view! { <li>{crate::text::text(k)}</li> }).collect_view())
    };
    view! {
        <p>{tr!(enroll.intro)}</p>
        <section aria-labelledby="enroll-gives">
            <h2 id="enroll-gives">{tr!(enroll.gives_title)}</h2>
            <ul>
                <li>{tr!(enroll.gives_apps)}</li>
                <li>{tr!(enroll.gives_actions)}</li>
                <li>{tr!(enroll.gives_access)}</li>
            </ul>
        </section>
        <section aria-labelledby="enroll-sees">
            <h2 id="enroll-sees">{tr!(enroll.sees_title)}</h2>
            <ul>
                <li>{tr!(enroll.sees_device)}</li>
                <li>{tr!(enroll.sees_compliance)}</li>
                <li>{tr!(enroll.sees_apps)}</li>
            </ul>
            <h2>{tr!(enroll.not_sees_title)}</h2>
            <ul>
                <li>{tr!(enroll.not_sees_messages)}</li>
                <li>{tr!(enroll.not_sees_files)}</li>
                <li>{tr!(enroll.not_sees_other)}</li>
            </ul>
        </section>
        <section class="card enroll-steps" aria-labelledby="enroll-steps">
            <h2 id="enroll-steps">{tr!(enroll.steps_title)}</h2>
            <label class="field" for="enroll-platform">{tr!(enroll.platform)}</label>
            <select id="enroll-platform" on:change=on_change prop:value=move || platform.get().code().to_string()>
                {ENROLLABLE.into_iter().map(|p| view! { <option value=p.code()>{p.display_name()}</option> }).collect_view()}
            </select>
            <ol class="enroll-step-list">{steps}</ol>
            {move || store_url(platform.get()).map(|url| view! {
                <p><a class="button primary" href=url rel="noopener" target="_blank">{tr!(enroll.get_app)}</a></p>
            })}
        </section>
    }
}
