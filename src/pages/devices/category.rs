//! A device's category (Intune's device categories, e.g. "Sales laptop"): shown among the
//! device's facts once it has one; until then, where the organisation asks (the server's
//! `categoryPrompt`, from the portal-core rule it also enforces), its primary user picks one
//! here, once. The organisation changes it afterwards, not the person.

use super::details::Page;
use crate::api::{self, ApiError};
use crate::auth::use_auth;
use crate::components::error_text::ErrorText;
use crate::config::PortalConfig;
use crate::i18n::Key;
use leptos::prelude::*;
use portal_core::api::Refusal;
use portal_core::rules::categories::CategoryReason;

/// Why a choice was refused, in words (the page offers the prompt only where the rule
/// allows it, so these are races: another tab chose, or the organisation changed its mind).
pub fn refusal_key(reason: CategoryReason) -> Key {
    match reason {
        CategoryReason::CategoryOnlyForPrimaryUser => key!(category.refused.primary_user),
        CategoryReason::CategoryAlreadyChosen => key!(category.refused.already_chosen),
        CategoryReason::CategorySelectionDisabled
        | CategoryReason::NoCategories
        | CategoryReason::CategoryNotSettableHere => key!(category.refused.not_asked),
        CategoryReason::UnknownCategory => key!(category.refused.unknown),
    }
}

#[component]
pub(super) fn CategoryPrompt() -> impl IntoView {
    let page = expect_context::<Page>();
    let auth = use_auth();
    let i18n = crate::i18n::use_i18n();
    let config = use_context::<PortalConfig>();
    let prompt =
        move || page.details.with(|d| d.as_ref().and_then(|d| d.as_ref().ok()).and_then(|d| d.category_prompt.clone()));
    let chosen: RwSignal<Option<String>> = RwSignal::new(None);
    let saving = RwSignal::new(false);
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let tried = RwSignal::new(false);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        let (Some(category), Some(config)) = (chosen.get_untracked(), config.clone()) else { return };
        let id = page.id.get_value();
        saving.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match api::devices::choose_category(auth, &config, &id, category).await {
                Ok(details) => {
                    let name = details.device.device_category_display_name.clone().unwrap_or_default();
                    page.details.set(Some(Ok(details)));
                    page.announce(i18n.format(key!(category.saved), &[("category", &name)]));
                }
                Err(e) => {
                    // Chosen meanwhile elsewhere: the device's page shows what it is now.
                    if let ApiError::Status { problem: Some(p), .. } = &e {
                        if p.reason == Some(Refusal::Category(CategoryReason::CategoryAlreadyChosen)) {
                            page.reload.update(|n| *n += 1);
                        }
                    }
                    let _ = error.try_set(Some(e));
                }
            }
            let _ = saving.try_set(false);
        });
    };
    move || {
        let prompt = prompt()?;
        let save = save.clone();
        Some(view! {
            <section class="card category-prompt" aria-labelledby="category-title">
                <form on:submit=save>
                    <fieldset>
                        <legend id="category-title"><h2>{tr!(category.title)}</h2></legend>
                        <p>{tr!(category.intro)}</p>
                        <ul class="category-options">
                            {prompt.categories.into_iter().map(|c| {
                                let id = c.id.clone();
                                let value = c.id.clone();
                                view! {
                                    <li>
                                        <label class="category-option">
                                            <input type="radio" name="category" value=value
                                                on:change=move |_| chosen.set(Some(id.clone())) />
                                            " " <strong>{c.display_name}</strong>
                                            {c.description.map(|d| view! { <br /><span class="muted">{d}</span> })}
                                        </label>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </fieldset>
                    {move || (tried.get() && chosen.get().is_none())
                        .then(|| view! { <p class="field-error" role="alert">{tr!(category.choose_one)}</p> })}
                    {move || error.get().map(|e| match e {
                        ApiError::Status { problem: Some(p), .. } if matches!(p.reason, Some(Refusal::Category(_))) => {
                            let key = match p.reason {
                                Some(Refusal::Category(reason)) => refusal_key(reason),
                                _ => key!(category.refused.not_asked),
                            };
                            view! { <p class="error" role="alert">{crate::text::text(key)}</p> }.into_any()
                        }
                        other => view! { <p class="error" role="alert"><ErrorText error=other /></p> }.into_any(),
                    })}
                    <p><button type="submit" class="button primary" data-save-category="" disabled=move || saving.get()>
                        {tr!(category.save)}
                    </button></p>
                </form>
            </section>
        })
    }
}
