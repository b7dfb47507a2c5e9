//! `portal`: the Company Portal single-page app (Leptos, client-side rendered).
//!
//! Organised by feature: `pages/` (one module a page), `components/` (shared pieces),
//! `api/` (talking to the Portal API), `config` (`/config.json`), `theme` (branding
//! applied as CSS custom properties) and `i18n` (the localisation catalog).

pub mod api;
pub mod app;
pub mod components;
pub mod config;
pub mod pages;
pub mod theme;

// leptos_i18n 0.6 recommends generating this module from build.rs with leptos_i18n_build,
// but that pulls ICU's data exporter into every build; the macro generates the same code.
#[allow(deprecated)]
mod i18n_catalog {
    leptos_i18n::load_locales!();
}
pub use i18n_catalog::i18n;

/// Mounts the app on `<body>`.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
