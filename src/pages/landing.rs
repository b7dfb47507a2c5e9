//! The branded landing page for signed-out visitors: the organisation's name, "Sign in",
//! and where to get help. It stands in for every personal page, so signing in from a deep
//! link (`/devices/{id}`) returns to that link.

use crate::auth::{current_path, use_auth};
use leptos::prelude::*;
use portal_core::branding::Branding;

#[component]
pub fn Landing() -> impl IntoView {
    let auth = use_auth();
    let organisation = use_context::<Branding>().map(|b| b.organisation_name).unwrap_or_default();
    let deep_link = current_path() != "/";
    view! {
        <section class="landing">
            <h1>{tr_with!(home.title, organisation = organisation)}</h1>
            <p>{tr!(landing.intro)}</p>
            {deep_link.then(|| view! { <p class="landing-deep-link">{tr!(landing.deep_link)}</p> })}
            <p>
                <button class="button primary sign-in" on:click=move |_| auth.sign_in(current_path())>
                    {tr!(auth.sign_in)}
                </button>
            </p>
            <p class="landing-help"><a href="/help">{tr!(landing.help)}</a></p>
        </section>
    }
}
