//! An [`ApiError`] in the reader's language. The problem document's title is shown as a
//! detail only when the server sent one.

use crate::api::ApiError;
use crate::i18n::*;
use leptos::prelude::*;

#[component]
pub fn ErrorText(error: ApiError) -> impl IntoView {
    let i18n = use_i18n();
    match error {
        ApiError::Network(_) => t!(i18n, errors.network).into_any(),
        ApiError::Timeout { seconds } => t!(i18n, errors.timeout, seconds).into_any(),
        ApiError::Status { status, problem } => {
            let detail = problem.map(|p| format!(" {}", p.title));
            view! { {t!(i18n, errors.status, status)} {detail} }.into_any()
        }
        ApiError::Decode(_) => t!(i18n, errors.decode).into_any(),
    }
}
