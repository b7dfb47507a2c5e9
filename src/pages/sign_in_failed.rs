//! Sign-in did not complete: what went wrong in words, the provider's own description when
//! it sent one, and "Sign in again" (back to the same address).

use crate::auth::{current_path, use_auth, AuthError};
use leptos::prelude::*;

#[component]
pub fn SignInFailed(error: AuthError) -> impl IntoView {
    let auth = use_auth();
    let detail = error.detail();
    view! {
        <section class="sign-in-failed" role="alert">
            <h1>{tr!(auth.failed_title)}</h1>
            <p class="sign-in-error">{crate::text::text(error.key())}</p>
            {detail.map(|d| view! { <p class="provider-detail">{d}</p> })}
            <p>
                <button class="button primary sign-in-again" on:click=move |_| auth.sign_in(current_path())>
                    {tr!(auth.sign_in_again)}
                </button>
            </p>
            <p><a href="/help">{tr!(landing.help)}</a></p>
        </section>
    }
}
