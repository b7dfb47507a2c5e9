//! `portal`: the Company Portal single-page app (Leptos, client-side rendered).
//!
//! Organised by feature: `pages/` (one module a page), `components/` (shared pieces),
//! `api/` (talking to the Portal API), `auth/` (OpenID Connect sign-in, tokens in memory),
//! `config` (`/config.json`), `theme` (branding applied as CSS custom properties), `i18n`
//! (the localisation catalog) and `text` (catalog texts as views).

// First, so its `tr!` macro is in scope in every module below.
#[macro_use]
pub mod text;
// Likewise its `split!` macro (split points: code loaded on demand).
#[macro_use]
pub mod chunk;

pub mod api;
pub mod app;
pub mod auth;
pub mod components;
pub mod config;
pub mod dates;
pub mod device_context;
pub mod i18n;
pub mod pages;
pub mod protection;
pub mod theme;

/// Mounts the app on `<body>`. In the split build (`scripts/build-wasm`) it is the wasm
/// module's start function; component tests mount their own components instead.
///
/// The mount runs in a task of its own: the start function is called in the same task that
/// finishes compiling and instantiating the module, and under Lighthouse's 4× CPU slowdown
/// the two together were one long task (~400 ms) that blocked the main thread.
#[cfg_attr(feature = "split", wasm_bindgen::prelude::wasm_bindgen(start))]
pub fn start() {
    log_panics();
    leptos::prelude::set_timeout(|| leptos::mount::mount_to_body(app::App), std::time::Duration::ZERO);
}

/// Sends a panic's message to the browser console (wasm would otherwise only report
/// "unreachable"). console_error_panic_hook adds a JS stack trace for ~1 KB of wasm, which
/// the first-load budget cannot spare; the message names the file and line.
fn log_panics() {
    std::panic::set_hook(Box::new(|info| web_sys::console::error_1(&info.to_string().into())));
}
