//! Home: the first screen after sign-in.

use leptos::prelude::*;
use portal_core::branding::Branding;

#[component]
pub fn Home() -> impl IntoView {
    let organisation = use_context::<Branding>().map(|b| b.organisation_name).unwrap_or_default();
    // One read of the user's devices for the bar and the enroll card.
    let devices = crate::components::this_device::UserDevices::load();
    view! {
        <h1>{tr_with!(home.title, organisation = organisation)}</h1>
        <p>{tr!(home.intro)}</p>
        <crate::components::this_device::ThisDeviceBar devices />
        <crate::pages::enroll::EnrollCard devices />
        <crate::components::protection_summary::ProtectionSummary />
    }
}
