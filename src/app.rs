//! The root component: loads `/config.json` and the organisation's branding, then
//! renders the shell with the router. Until then it shows progress; on failure it says
//! what went wrong and offers to try again.

use crate::api::{self, ApiError};
use crate::components::error_text::ErrorText;
use crate::components::shell::Shell;
use crate::config::PortalConfig;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::components::Router;
use portal_core::branding::Branding;

/// What the shell needs before it can render.
#[derive(Debug, Clone, PartialEq)]
pub struct Boot {
    pub config: PortalConfig,
    pub branding: Branding,
}

async fn boot() -> Result<Boot, ApiError> {
    let config = PortalConfig::load().await?;
    let branding = api::branding::fetch(&config).await?;
    Ok(Boot { config, branding })
}

#[component]
pub fn App() -> impl IntoView {
    view! {
        <I18nContextProvider>
            <Router>
                <Booted />
            </Router>
        </I18nContextProvider>
    }
}

#[component]
fn Booted() -> impl IntoView {
    let i18n = use_i18n();
    let attempt = RwSignal::new(0u32);
    let boot = LocalResource::new(move || {
        attempt.track();
        boot()
    });
    move || match boot.get() {
        None => view! {
            <div class="boot" role="status" aria-live="polite">
                <span class="spinner" aria-hidden="true"></span>
                <p>{t!(i18n, boot.loading)}</p>
            </div>
        }
        .into_any(),
        Some(Err(error)) => view! {
            <main class="boot boot-failed">
                <h1>{t!(i18n, boot.failed_title)}</h1>
                <p><ErrorText error /></p>
                <button class="button primary" on:click=move |_| attempt.update(|n| *n += 1)>
                    {t!(i18n, boot.retry)}
                </button>
            </main>
        }
        .into_any(),
        Some(Ok(boot)) => {
            crate::theme::apply(&boot.branding);
            view! { <Shell branding=boot.branding config=boot.config /> }.into_any()
        }
    }
}
