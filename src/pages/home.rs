//! Home: the first screen after sign-in.

use leptos::prelude::*;
use portal_core::branding::Branding;

#[component]
pub fn Home() -> impl IntoView {
    let organisation = use_context::<Branding>().map(|b| b.organisation_name).unwrap_or_default();
    // One read of the user's devices for the bar and the enroll card.
    let devices = crate::components::this_device::UserDevices::load();
    // What is below the bar is read at once but shown only when the devices are: the bar then
    // grows (to the device picker, over 400 px for five devices) before anything under it is
    // on screen. Shown earlier, the protection summary was pushed out of view by it: a layout
    // shift of 0.148 in every Lighthouse run of signed-in Home.
    view! {
        <h1>{tr_with!(home.title, organisation = organisation)}</h1>
        <p>{tr!(home.intro)}</p>
        <crate::components::this_device::ThisDeviceBar devices />
        <div class="home-below-bar" hidden=move || !devices.is_read()>
            <crate::pages::enroll::EnrollCard devices />
            <crate::components::protection_summary::ProtectionSummary />
        </div>
    }
}
