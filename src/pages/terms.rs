//! The terms page: the organisation's current terms of use in the reader's language (else
//! the first it wrote), with Accept and Decline. Shown by every personal route until the
//! current version is accepted ([`crate::components::terms_gate`]); declining signs out.

use crate::api::{self, ApiError};
use crate::auth::use_auth;
use crate::components::error_text::ErrorText;
use crate::components::terms_gate::{use_terms_gate, TermsState};
use crate::config::PortalConfig;
use crate::i18n::use_i18n;
use leptos::prelude::*;

/// The paragraphs of a terms text (a blank line separates them).
pub fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).map(String::from).collect()
}

#[component]
pub fn Terms() -> impl IntoView {
    let gate = use_terms_gate();
    let i18n = use_i18n();
    let auth = use_auth();
    let config = use_context::<PortalConfig>();
    let saving = RwSignal::new(false);
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let status = move || {
        gate.and_then(|g| {
            g.0.with(|s| match s {
                TermsState::MustAccept(status) => status.terms.clone(),
                _ => None,
            })
        })
    };
    let accept = move |version: String| {
        let (Some(config), Some(gate)) = (config.clone(), gate) else { return };
        saving.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match api::me::accept_terms(auth, &config, version).await {
                Ok(_) => gate.0.set(TermsState::Clear),
                Err(e) => {
                    let _ = error.try_set(Some(e));
                }
            }
            let _ = saving.try_set(false);
        });
    };
    move || {
        let terms = status()?;
        let text = terms.text_for(i18n.locale().code()).cloned()?;
        let version = terms.version.clone();
        let accept = accept.clone();
        let lang = text.language.clone();
        Some(view! {
            <article class="terms" lang=lang>
                <h1 tabindex="-1">{text.title.clone()}</h1>
                <p class="muted">{tr!(terms.intro)}</p>
                {paragraphs(&text.text).into_iter().map(|p| view! { <p>{p}</p> }).collect_view()}
                <p class="muted">{tr_with!(terms.version, version = terms.version.clone())}</p>
            </article>
            {move || error.get().map(|error| view! { <p class="error" role="alert"><ErrorText error /></p> })}
            <div class="terms-buttons">
                <button class="button primary" data-accept-terms="" disabled=move || saving.get()
                    on:click=move |_| accept(version.clone())>{tr!(terms.accept)}</button>
                <button class="button" data-decline-terms="" on:click=move |_| auth.sign_out()>{tr!(terms.decline)}</button>
            </div>
        })
    }
}
