//! Apps: placeholder until its feature issue lands.

use crate::i18n::*;
use leptos::prelude::*;

#[component]
pub fn Apps() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1>{t!(i18n, apps.title)}</h1>
        <p class="placeholder">{t!(i18n, apps.coming)}</p>
    }
}
