//! "This device": which device this browser runs on. A browser cannot know, so the user
//! says so once ("Which device are you using?") and the answer is remembered in
//! `localStorage` under [`STORAGE_KEY`] — only the context as the Portal API names it (a
//! device id, a MAM-only device's tag, `unenrolled:<platform>` or `none`), never anything
//! secret (DESIGN.md, "This device").
//!
//! [`provide`] puts one reactive [`ThisDevice`] in the context; Home, Apps, Devices and
//! Settings read and change it through [`use_this_device`], so a change in one place shows
//! everywhere at once.

use leptos::prelude::*;
use portal_core::domain::Platform;

/// The `localStorage` key of the remembered device context.
pub const STORAGE_KEY: &str = "portal.deviceContext";

/// The `device=` value for "a device that isn't listed" on `platform`.
pub fn unenrolled(platform: Platform) -> String {
    format!("unenrolled:{}", platform.code())
}

/// The platform of an `unenrolled:<platform>` value.
pub fn unenrolled_platform(context: &str) -> Option<Platform> {
    let code = context.strip_prefix("unenrolled:")?;
    Platform::ALL.into_iter().find(|p| p.code() == code)
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The remembered device context, if any (storage may be blocked: then none).
pub fn remembered() -> Option<String> {
    storage()?.get_item(STORAGE_KEY).ok().flatten().filter(|id| !id.is_empty())
}

/// Remembers `context`; silently does nothing where storage is blocked (the choice then
/// lasts until the tab closes).
pub fn remember(context: &str) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(STORAGE_KEY, context);
    }
}

/// Forgets the remembered device context.
pub fn forget() {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(STORAGE_KEY);
    }
}

/// The platform the browser says it runs on, to suggest a device ("you seem to be on an
/// iPhone"). Only a suggestion: user agents lie, and iPadOS says it is a Mac.
pub fn suggested_platform() -> Option<Platform> {
    let ua = web_sys::window()?.navigator().user_agent().ok()?.to_ascii_lowercase();
    platform_of_user_agent(&ua)
}

/// [`suggested_platform`] for a lower-cased user agent string.
pub fn platform_of_user_agent(ua: &str) -> Option<Platform> {
    if ua.contains("ipad") {
        Some(Platform::Ipados)
    } else if ua.contains("iphone") || ua.contains("ipod") {
        Some(Platform::Ios)
    } else if ua.contains("android") {
        Some(Platform::Android)
    } else if ua.contains("windows") {
        Some(Platform::Windows)
    } else if ua.contains("mac os") || ua.contains("macintosh") {
        Some(Platform::Macos)
    } else {
        None
    }
}

/// The device context of this browser, shared by every page.
#[derive(Clone, Copy)]
pub struct ThisDevice(RwSignal<Option<String>>);

impl ThisDevice {
    /// The chosen context (tracked), `None` until the user chose one.
    pub fn get(&self) -> Option<String> {
        self.0.get()
    }

    /// The chosen context without tracking.
    pub fn get_untracked(&self) -> Option<String> {
        self.0.get_untracked()
    }

    /// Chooses and remembers `context`.
    pub fn choose(&self, context: String) {
        remember(&context);
        self.0.set(Some(context));
    }

    /// Forgets the choice; the portal asks again where it needs one.
    pub fn forget(&self) {
        forget();
        self.0.set(None);
    }
}

/// Provides [`ThisDevice`] from what `localStorage` remembers.
pub fn provide() -> ThisDevice {
    let this = ThisDevice(RwSignal::new(remembered()));
    provide_context(this);
    this
}

/// The shared [`ThisDevice`] (provided by the shell; a fresh one outside it, e.g. in tests).
pub fn use_this_device() -> ThisDevice {
    use_context::<ThisDevice>().unwrap_or_else(provide)
}
