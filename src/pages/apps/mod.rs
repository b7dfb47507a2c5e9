//! Apps: the catalog for the device in hand. The device context bar says which device the
//! list is for (and switches it); the list then loads every page of that context's catalog
//! once, and search, filters, sort and the Installed view run in memory ([`catalog`]),
//! rendering one page of rows at a time so thousands of apps stay instant. Install states
//! follow the server's live events. `/apps/{id}` is [`AppDetails`].

pub mod catalog;
mod details;
mod format;
mod install;
mod list;
pub mod request;
mod toolbar;

pub use details::AppDetails;

use crate::components::this_device::{ThisDeviceBar, UserDevices};
use crate::device_context::use_this_device;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn Apps() -> impl IntoView {
    let this = use_this_device();
    // `/apps?choose-device` (from Settings) opens the picker.
    let picking = RwSignal::new(use_query_map().with_untracked(|q| q.get("choose-device").is_some()));
    let devices = UserDevices::load();
    view! {
        <h1 tabindex="-1">{tr!(apps.title)}</h1>
        <ThisDeviceBar picking devices />
        {move || this.get().filter(|_| !picking.get()).map(|context| view! { <list::CatalogView context devices /> })}
    }
}
