//! An [`ApiError`] in the reader's language. The problem document's title is shown as a
//! detail only when the server sent one.

use crate::api::ApiError;
use leptos::prelude::*;

#[component]
pub fn ErrorText(error: ApiError) -> impl IntoView {
    match error {
        ApiError::Network(_) => tr!(errors.network).into_any(),
        ApiError::Timeout { seconds } => tr_count!(errors.timeout, count = seconds).into_any(),
        ApiError::Status { problem: Some(problem), .. } if problem.kind == portal_core::problem::TENANT_UNAVAILABLE => {
            tr!(errors.tenant_unavailable).into_any()
        }
        ApiError::Status { status, problem } => {
            let detail = problem.map(|p| format!(" {}", p.title));
            view! { {tr_with!(errors.status, status = status)} {detail} }.into_any()
        }
        ApiError::Decode(_) => tr!(errors.decode).into_any(),
        ApiError::SignInRequired => tr!(errors.sign_in_required).into_any(),
    }
}
