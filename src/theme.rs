//! Applies the organisation's branding to the page at run time: the theme colour and the
//! text colour `portal-core` chose for contrast become CSS custom properties, which every
//! style in `style/` reads.

use portal_core::branding::Branding;

pub const BRAND_VAR: &str = "--brand";
pub const ON_BRAND_VAR: &str = "--on-brand";

pub fn apply(branding: &Branding) {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
    else {
        return;
    };
    let style = root.style();
    // HexColor's Display is always `#rrggbb`: nothing else can reach the stylesheet.
    let _ = style.set_property(BRAND_VAR, &branding.theme_color.to_string());
    let _ = style.set_property(ON_BRAND_VAR, &branding.theme_text_color.to_string());
}

/// The `localStorage` key of the reader's colour scheme choice: `light` or `dark`; absent
/// means "follow the system" (`prefers-color-scheme`). index.html reads it before the first
/// paint, so a chosen dark theme never flashes light.
pub const THEME_KEY: &str = "portal.theme";

/// The colour scheme the reader chose in Settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThemeChoice {
    System,
    Light,
    Dark,
}

impl ThemeChoice {
    pub const ALL: [ThemeChoice; 3] = [ThemeChoice::System, ThemeChoice::Light, ThemeChoice::Dark];

    /// The value in storage and in `<html data-theme>`; `None` for the system's choice.
    pub fn code(self) -> Option<&'static str> {
        match self {
            ThemeChoice::System => None,
            ThemeChoice::Light => Some("light"),
            ThemeChoice::Dark => Some("dark"),
        }
    }

    /// A stored value; anything but `light` / `dark` means the system's choice.
    pub fn from_code(code: Option<&str>) -> ThemeChoice {
        match code {
            Some("light") => ThemeChoice::Light,
            Some("dark") => ThemeChoice::Dark,
            _ => ThemeChoice::System,
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The remembered choice (the system's when nothing, or nothing valid, is stored).
pub fn stored_choice() -> ThemeChoice {
    ThemeChoice::from_code(storage().and_then(|s| s.get_item(THEME_KEY).ok().flatten()).as_deref())
}

/// Remembers `choice` and applies it to the page at once (`<html data-theme>`, which the
/// stylesheet reads; it also sets `color-scheme` there).
pub fn choose(choice: ThemeChoice) {
    if let Some(storage) = storage() {
        let _ = match choice.code() {
            Some(code) => storage.set_item(THEME_KEY, code),
            None => storage.remove_item(THEME_KEY),
        };
    }
    apply_choice(choice);
}

pub fn apply_choice(choice: ThemeChoice) {
    let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) else {
        return;
    };
    let _ = match choice.code() {
        Some(code) => root.set_attribute("data-theme", code),
        None => root.remove_attribute("data-theme"),
    };
}
