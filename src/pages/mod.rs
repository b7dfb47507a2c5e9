//! One module a page, and the split points that load them (see [`crate::chunk`]).
//!
//! The first load carries the shell, the landing page, the sign-in error page and "not
//! found"; every other page is in its own chunk, fetched when it is first shown (a signed-out
//! visitor's deep link shows the landing page and fetches nothing more). Pages under one
//! section share a chunk.

pub mod approvals;
pub mod apps;
pub mod devices;
pub mod enroll;
pub mod help;
pub mod home;
pub mod landing;
pub mod not_found;
pub mod notifications;
pub mod protected_apps;
pub mod protection_about;
pub mod settings;
pub mod sign_in_failed;
pub mod terms;

use leptos::prelude::*;

// The terms page is in `signed_in` (loaded at sign-in anyway) and Enroll in `devices`: a
// split group of their own would multiply the shared chunks (and the loader's list of them).
split!(signed_in, preload_terms => pub fn terms_page() -> AnyView { view! { <terms::Terms /> }.into_any() });
split!(devices, preload_enroll => pub fn enroll_page() -> AnyView { view! { <enroll::Enroll /> }.into_any() });
split!(home, preload_home => pub fn home_page() -> AnyView { view! { <home::Home /> }.into_any() });
split!(apps, preload_apps => pub fn apps_page() -> AnyView { view! { <apps::Apps /> }.into_any() });
split!(apps, preload_app_details => pub fn app_details_page(id: String) -> AnyView {
    view! { <apps::AppDetails id /> }.into_any()
});
// Approvals (only approvers open it) is in `settings`, another page few people open: in a
// split group of its own it multiplied the shared chunks (88 files instead of 69; measured
// +1.7 KB brotli of loader in the first load and +31 KB on a cold /apps).
split!(settings, preload_approvals => pub fn approvals_page() -> AnyView {
    view! { <approvals::Approvals /> }.into_any()
});
split!(devices, preload_devices => pub fn devices_page() -> AnyView { view! { <devices::Devices /> }.into_any() });
split!(devices, preload_device_details => pub fn device_details_page(id: String) -> AnyView {
    view! { <devices::DeviceDetails id /> }.into_any()
});
split!(protected_apps, preload_protected_apps => pub fn protected_apps_page() -> AnyView {
    view! { <protected_apps::ProtectedApps /> }.into_any()
});
split!(help, preload_protection_about => pub fn protection_about_page() -> AnyView {
    view! { <protection_about::ProtectionAbout /> }.into_any()
});
split!(signed_in, preload_notifications => pub fn notifications_page() -> AnyView {
    view! { <notifications::NotificationsPage /> }.into_any()
});
split!(help, preload_help => pub fn help_page() -> AnyView { view! { <help::Help /> }.into_any() });
split!(settings, preload_settings => pub fn settings_page() -> AnyView { view! { <settings::Settings /> }.into_any() });
