//! Devices: placeholder until its feature issue lands.

use leptos::prelude::*;

#[component]
pub fn Devices() -> impl IntoView {
    view! {
        <h1>{tr!(devices.title)}</h1>
        <p class="placeholder">{tr!(devices.coming)}</p>
    }
}

/// One device (`/devices/{id}`): placeholder until the device details land.
#[component]
pub fn DeviceDetails(id: String) -> impl IntoView {
    view! {
        <h1>{tr_with!(devices.detail_title, id = id)}</h1>
        <p class="placeholder">{tr!(devices.coming)}</p>
    }
}
