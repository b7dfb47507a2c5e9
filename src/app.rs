//! The root component: loads `/config.json` and the organisation's branding, settles
//! sign-in (callback or silent redirect, see [`crate::auth`]), then renders the shell with
//! the router. Until then it shows progress; on failure it says what went wrong and offers
//! to try again.

use crate::api::{self, ApiError};
use crate::auth::Auth;
use crate::components::error_text::ErrorText;
use crate::components::shell::Shell;
use crate::config::PortalConfig;
use crate::i18n::I18nProvider;
use leptos::prelude::*;
use leptos_router::components::Router;
use portal_core::branding::Branding;

/// What the shell needs before it can render.
#[derive(Debug, Clone, PartialEq)]
pub struct Boot {
    pub config: PortalConfig,
    pub branding: Branding,
}

/// A booted app: what the shell needs, and the sign-in state for it.
#[derive(Clone)]
struct Started {
    boot: Boot,
    auth: Auth,
}

async fn boot() -> Result<Boot, ApiError> {
    let config = PortalConfig::load().await?;
    let branding = api::branding::fetch(&config).await?;
    Ok(Boot { config, branding })
}

#[component]
pub fn App() -> impl IntoView {
    view! {
        <I18nProvider>
            <Booted />
        </I18nProvider>
    }
}

/// Runs [`boot`] once per attempt. A plain task and a signal rather than a resource: the
/// start-up fetch needs no caching or suspense, and the resource machinery costs ~10 KB of wasm.
#[component]
fn Booted() -> impl IntoView {
    let state: RwSignal<Option<Result<Started, ApiError>>, LocalStorage> = RwSignal::new_local(None);
    let start = move || {
        state.set(None);
        leptos::task::spawn_local(async move {
            let result = match boot().await {
                Ok(boot) => {
                    let auth = Auth::new(&boot.config);
                    // Before the router exists: a callback rewrites the address first.
                    auth.start().await;
                    // Reading the answers and rendering the shell are two tasks, not one long one.
                    crate::auth::sleep_ms(0).await;
                    Ok(Started { boot, auth })
                }
                Err(e) => Err(e),
            };
            state.set(Some(result))
        });
    };
    start();
    move || match state.get() {
        None => view! {
            <div class="boot" role="status" aria-live="polite">
                <span class="spinner" aria-hidden="true"></span>
                <p>{tr!(boot.loading)}</p>
            </div>
        }
        .into_any(),
        // No answer at all (offline, or the server unreachable): the shell came from the
        // service worker's cache or the network, but nothing personal can load. Say so.
        Some(Err(ApiError::Network(_))) => view! {
            <main class="boot boot-failed offline">
                <h1>{tr!(offline.title)}</h1>
                <p>{tr!(offline.body)}</p>
                <button class="button primary" on:click=move |_| start()>
                    {tr!(offline.retry)}
                </button>
            </main>
        }
        .into_any(),
        Some(Err(error)) => view! {
            <main class="boot boot-failed">
                <h1>{tr!(boot.failed_title)}</h1>
                <p><ErrorText error /></p>
                <button class="button primary" on:click=move |_| start()>
                    {tr!(boot.retry)}
                </button>
            </main>
        }
        .into_any(),
        Some(Ok(Started { boot, auth })) => {
            crate::theme::apply(&boot.branding);
            view! {
                <Router>
                    <Shell branding=boot.branding config=boot.config auth=auth />
                </Router>
            }
            .into_any()
        }
    }
}
