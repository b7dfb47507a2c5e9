//! "This device": which of the user's devices this browser runs on. A browser cannot know,
//! so the user says so once and the answer is remembered in `localStorage` under
//! [`STORAGE_KEY`] — only a device id, never anything secret (DESIGN.md, "This device").

/// The `localStorage` key of the remembered device id.
pub const STORAGE_KEY: &str = "portal.deviceContext";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The remembered device id, if any (storage may be blocked: then none).
pub fn remembered() -> Option<String> {
    storage()?.get_item(STORAGE_KEY).ok().flatten().filter(|id| !id.is_empty())
}

/// Remembers `id` as this device; silently does nothing where storage is blocked.
pub fn remember(id: &str) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(STORAGE_KEY, id);
    }
}
