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
