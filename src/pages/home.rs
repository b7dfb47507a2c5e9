//! Home: the first screen after sign-in.

use leptos::prelude::*;
use portal_core::branding::Branding;

#[component]
pub fn Home() -> impl IntoView {
    let organisation = use_context::<Branding>().map(|b| b.organisation_name).unwrap_or_default();
    view! {
        <h1>{tr_with!(home.title, organisation = organisation)}</h1>
        <p>{tr!(home.intro)}</p>
        <crate::components::this_device::ThisDeviceBar />
        <crate::components::protection_summary::ProtectionSummary />
    }
}
