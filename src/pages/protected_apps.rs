//! ProtectedApps: placeholder until its feature issue lands.

use leptos::prelude::*;

#[component]
pub fn ProtectedApps() -> impl IntoView {
    view! {
        <h1>{tr!(protected_apps.title)}</h1>
        <p class="placeholder">{tr!(protected_apps.coming)}</p>
    }
}
