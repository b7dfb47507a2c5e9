//! Apps: placeholder until its feature issue lands.

use leptos::prelude::*;

#[component]
pub fn Apps() -> impl IntoView {
    view! {
        <h1>{tr!(apps.title)}</h1>
        <p class="placeholder">{tr!(apps.coming)}</p>
    }
}

/// One app (`/apps/{id}`): placeholder until the app details land.
#[component]
pub fn AppDetails(id: String) -> impl IntoView {
    view! {
        <h1>{tr_with!(apps.detail_title, id = id)}</h1>
        <p class="placeholder">{tr!(apps.coming)}</p>
    }
}
