//! Apps: placeholder until its feature issue lands.

use leptos::prelude::*;

#[component]
pub fn Apps() -> impl IntoView {
    view! {
        <h1>{tr!(apps.title)}</h1>
        <p class="placeholder">{tr!(apps.coming)}</p>
    }
}
