//! Shown for any address the router does not know.

use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <h1>{tr!(not_found.title)}</h1>
        <p>{tr!(not_found.body)}</p>
        <p><a href="/">{tr!(not_found.home_link)}</a></p>
    }
}
