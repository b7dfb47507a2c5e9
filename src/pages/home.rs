//! Home: the first screen after sign-in.

use crate::i18n::*;
use leptos::prelude::*;
use portal_core::branding::Branding;

#[component]
pub fn Home() -> impl IntoView {
    let i18n = use_i18n();
    let organisation = use_context::<Branding>().map(|b| b.organisation_name).unwrap_or_default();
    view! {
        <h1>{t!(i18n, home.title, organisation = move || organisation.clone())}</h1>
        <p>{t!(i18n, home.intro)}</p>
    }
}
