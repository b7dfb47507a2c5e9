//! "Which device are you using?": the device context bar shown on Home and Apps. It names
//! the chosen device (or asks for one), and switches in one step: the picker lists the
//! user's enrolled devices, their MAM-only devices, and "a device that isn't listed (not
//! enrolled)" with its platform, preselecting the one the browser's platform suggests.

use crate::api::{self, ApiError};
use crate::auth::use_auth;
use crate::components::error_text::ErrorText;
use crate::config::PortalConfig;
use crate::device_context::{self, use_this_device};
use leptos::prelude::*;
use portal_core::api::DeviceList;
use portal_core::domain::Platform;

/// A device context as the page names it.
#[derive(Debug, Clone, PartialEq)]
pub struct ContextName {
    pub name: String,
    pub platform: Option<Platform>,
    pub enrolled: bool,
}

/// Names `context` with the user's device list (`None`: a remembered device that is no
/// longer the user's, e.g. removed).
pub fn name_of(context: &str, devices: &DeviceList) -> Option<ContextName> {
    if let Some(platform) = device_context::unenrolled_platform(context) {
        return Some(ContextName { name: String::new(), platform: Some(platform), enrolled: false });
    }
    if context == "none" {
        return Some(ContextName { name: String::new(), platform: None, enrolled: false });
    }
    if let Some(d) = devices.devices.iter().find(|d| d.device.id == context) {
        let d = &d.device;
        return Some(ContextName { name: d.device_name.clone(), platform: Some(d.operating_system), enrolled: true });
    }
    devices.unenrolled_devices.iter().find(|d| d.device_tag == context).map(|d| ContextName {
        name: d.device_name.clone(),
        platform: Some(d.platform),
        enrolled: false,
    })
}

/// The picker's preselection: the first enrolled device of the browser's platform, else
/// its MAM-only device, else "not listed" on that platform.
pub fn suggestion(devices: &DeviceList, platform: Option<Platform>) -> Option<String> {
    let platform = platform?;
    devices
        .devices
        .iter()
        .find(|d| d.device.operating_system == platform)
        .map(|d| d.device.id.clone())
        .or_else(|| devices.unenrolled_devices.iter().find(|d| d.platform == platform).map(|d| d.device_tag.clone()))
}

type Devices = Option<Result<DeviceList, ApiError>>;

/// The user's devices, read once per page: the bar names the context and offers the
/// picker from them, and the page takes device names from them (the uninstall question).
#[derive(Clone, Copy)]
pub struct UserDevices {
    list: RwSignal<Devices>,
    config: StoredValue<Option<PortalConfig>>,
    auth: crate::auth::Auth,
}

impl UserDevices {
    /// Starts reading `GET /me/devices`.
    pub fn load() -> UserDevices {
        let devices = UserDevices {
            list: RwSignal::new(None),
            config: StoredValue::new(use_context::<PortalConfig>()),
            auth: use_auth(),
        };
        devices.reload();
        devices
    }

    pub fn reload(self) {
        let Some(config) = self.config.get_value() else { return };
        let (list, auth) = (self.list, self.auth);
        list.set(None);
        leptos::task::spawn_local(async move { list.set(Some(api::devices::list(auth, &config).await)) });
    }

    /// Whether the read has answered, with the list or an error (tracked).
    pub fn is_read(self) -> bool {
        self.list.with(Option::is_some)
    }

    /// `context` named with the list (tracked); `None` until it is read, or for a device
    /// that is no longer the user's.
    pub fn context_name(self, context: &str) -> Option<ContextName> {
        self.list.with(|d| match d {
            Some(Ok(list)) => name_of(context, list),
            _ => None,
        })
    }

    /// The name of the enrolled device `id` (tracked); empty until the list is read.
    pub fn device_name(self, id: &str) -> String {
        self.list
            .with(|d| match d {
                Some(Ok(list)) => list.devices.iter().find(|d| d.device.id == id).map(|d| d.device.device_name.clone()),
                _ => None,
            })
            .unwrap_or_default()
    }
}

/// The bar: "Apps for <device>" with "Change", or the picker when nothing is chosen (or
/// `picking` is set, e.g. by `/apps?choose-device` from Settings). `devices` is the page's
/// list when it reads one anyway; without it the bar reads its own.
#[component]
pub fn ThisDeviceBar(
    #[prop(optional)] picking: Option<RwSignal<bool>>,
    #[prop(optional)] devices: Option<UserDevices>,
) -> impl IntoView {
    let this = use_this_device();
    let picking = picking.unwrap_or_else(|| RwSignal::new(false));
    let source = devices.unwrap_or_else(UserDevices::load);
    let devices = source.list;
    let load = move || source.reload();
    let named = move || {
        let context = this.get()?;
        devices.with(|d| match d {
            Some(Ok(list)) => Some(name_of(&context, list)),
            _ => None,
        })
    };
    view! {
        <section class="this-device" aria-labelledby="this-device-label">
            {move || match (this.get(), named(), picking.get()) {
                // A choice that names a device the user still has, and no change asked for.
                (Some(_), Some(Some(name)), false) => view! {
                    <p class="this-device-current">
                        <span id="this-device-label" class="this-device-label">{tr!(this_device.label)}</span> " "
                        <strong class="this-device-name">{describe(&name)}</strong> " "
                        <button class="button link-button" on:click=move |_| picking.set(true)>
                            {tr!(this_device.change)}
                        </button>
                    </p>
                }.into_any(),
                _ => match devices.get() {
                    None => view! { <p id="this-device-label" class="waiting" role="status">{tr!(this_device.loading)}</p> }.into_any(),
                    Some(Err(error)) => view! {
                        <p id="this-device-label" class="error" role="alert"><ErrorText error /></p>
                        <button class="button" on:click=move |_| load()>{tr!(this_device.retry)}</button>
                    }.into_any(),
                    Some(Ok(list)) => {
                        let stale = this.get_untracked().is_some() && named().flatten().is_none();
                        view! { <Picker list picking stale /> }.into_any()
                    }
                },
            }}
        </section>
    }
}

/// "Amara's iPhone · iOS" or "A device that isn't listed · Android (not enrolled)".
fn describe(name: &ContextName) -> impl IntoView {
    let platform = name.platform.map(Platform::display_name).unwrap_or_default();
    let label = name.name.clone();
    let enrolled = name.enrolled;
    let unnamed = label.is_empty();
    let every_platform = name.platform.is_none();
    view! {
        {if every_platform {
            tr!(this_device.none).into_any()
        } else if unnamed {
            tr_with!(this_device.not_listed_on, platform = platform).into_any()
        } else {
            view! { {label} " · " {platform} }.into_any()
        }}
        {(!enrolled).then(|| view! { " " <span class="badge badge-muted">{tr!(this_device.not_enrolled)}</span> })}
    }
}

#[component]
fn Picker(list: DeviceList, picking: RwSignal<bool>, stale: bool) -> impl IntoView {
    let this = use_this_device();
    let suggested_platform = device_context::suggested_platform();
    let suggested = suggestion(&list, suggested_platform);
    let current = this.get_untracked().filter(|c| name_of(c, &list).is_some());
    // "Not listed" is chosen as `unenrolled`, with its platform in a separate field.
    let initial = current.clone().or(suggested.clone()).unwrap_or_else(|| "unenrolled".into());
    let (initial, initial_platform) = match device_context::unenrolled_platform(&initial) {
        Some(p) => ("unenrolled".to_string(), p),
        None => (initial, suggested_platform.unwrap_or(Platform::Ios)),
    };
    let choice = RwSignal::new(initial);
    let platform = RwSignal::new(initial_platform);
    let can_cancel = current.is_some();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = choice.get_untracked();
        let context =
            if chosen == "unenrolled" { device_context::unenrolled(platform.get_untracked()) } else { chosen };
        this.choose(context);
        picking.set(false);
    };
    let option = move |value: String, label: AnyView, hint: Option<AnyView>| {
        let checked = {
            let value = value.clone();
            move || choice.get() == value
        };
        let input_id = format!("context-{value}");
        view! {
            <li>
                <input type="radio" name="device-context" id=input_id.clone() value=value.clone() prop:checked=checked
                    on:change=move |_| choice.set(value.clone()) />
                <label for=input_id>{label} {hint}</label>
            </li>
        }
    };
    let suggestion_hint = |id: &str| {
        (suggested.as_deref() == Some(id))
            .then(|| view! { " " <span class="badge">{tr!(this_device.suggested)}</span> }.into_any())
    };
    let enrolled = list
        .devices
        .iter()
        .map(|d| {
            let d = &d.device;
            let label =
                view! { <span>{d.device_name.clone()} " · " {d.operating_system.display_name()}</span> }.into_any();
            option(d.id.clone(), label, suggestion_hint(&d.id))
        })
        .collect_view();
    let unenrolled = list
        .unenrolled_devices
        .iter()
        .map(|d| {
            let label = view! {
                <span>{d.device_name.clone()} " · " {d.platform.display_name()} " "
                    <span class="badge badge-muted">{tr!(this_device.not_enrolled)}</span></span>
            }
            .into_any();
            option(d.device_tag.clone(), label, suggestion_hint(&d.device_tag))
        })
        .collect_view();
    let not_listed = option("unenrolled".into(), view! { <span>{tr!(this_device.not_listed)}</span> }.into_any(), None);
    view! {
        <form class="device-picker card" on:submit=submit>
            <fieldset>
                <legend id="this-device-label"><h2 class="picker-title">{tr!(this_device.question)}</h2></legend>
                {stale.then(|| view! { <p class="warning">{tr!(this_device.stale)}</p> })}
                <p class="muted">{tr!(this_device.hint)}</p>
                <ul class="picker-options">{enrolled}{unenrolled}{not_listed}</ul>
                {move || (choice.get() == "unenrolled").then(|| view! {
                    <label class="field" for="context-platform">{tr!(this_device.platform)}</label>
                    <select id="context-platform" prop:value=move || platform.get().code()
                        on:change=move |ev| {
                            let code = event_target_value(&ev);
                            if let Some(p) = Platform::ALL.into_iter().find(|p| p.code() == code) {
                                platform.set(p);
                            }
                        }>
                        {Platform::ALL.into_iter().map(|p| view! { <option value=p.code()>{p.display_name()}</option> }).collect_view()}
                    </select>
                })}
            </fieldset>
            <div class="dialog-buttons">
                {can_cancel.then(|| view! {
                    <button type="button" class="button" on:click=move |_| picking.set(false)>{tr!(this_device.cancel)}</button>
                })}
                <button type="submit" class="button primary">{tr!(this_device.use_device)}</button>
            </div>
        </form>
    }
}
