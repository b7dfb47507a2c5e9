//! Devices: placeholder until its feature issue lands.

use leptos::prelude::*;

#[component]
pub fn Devices() -> impl IntoView {
    view! {
        <h1>{tr!(devices.title)}</h1>
        <p class="placeholder">{tr!(devices.coming)}</p>
    }
}
