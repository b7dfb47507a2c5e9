//! "Request" for an app the organisation approves (`requestable`): the person gives a short
//! reason, the request waits for one of the app's approvers, and the app then shows where it
//! stands — waiting (with Withdraw), declined (with the approver's comment and "Ask again"),
//! or approved (the catalog makes it installable; the page re-reads it). The same
//! `portal_core::rules::requests` the server applies decides which button shows and checks
//! the reason before it is sent.

use crate::api::{self, ApiError};
use crate::auth::use_auth;
use crate::components::error_text::ErrorText;
use crate::components::modal::Modal;
use crate::config::PortalConfig;
use crate::i18n::{use_i18n, Key};
use leptos::prelude::*;
use portal_core::api::{CatalogItem, Refusal};
use portal_core::domain::{AppRequest, AppRequestState};
use portal_core::rules::requests::{may_request, validate_reason, RequestRefusal, REASON_MAX_CHARS};

/// Why the server refused a request or a decision, in words.
pub fn refusal_key(reason: RequestRefusal) -> Key {
    match reason {
        RequestRefusal::NotRequestable => key!(requests.refused.not_requestable),
        RequestRefusal::RequestNotOffered => key!(requests.refused.not_offered),
        RequestRefusal::AlreadyRequested => key!(requests.refused.already_requested),
        RequestRefusal::AlreadyApproved => key!(requests.refused.already_approved),
        RequestRefusal::ReasonRequired => key!(requests.refused.reason_required),
        RequestRefusal::ReasonTooLong => key!(requests.refused.reason_too_long),
        RequestRefusal::CommentTooLong => key!(requests.refused.comment_too_long),
        RequestRefusal::OwnRequest => key!(requests.refused.own_request),
        RequestRefusal::RequestNotPending => key!(requests.refused.not_pending),
    }
}

/// An API error in words: the request refusal's own text when the server gave one.
#[component]
pub fn RequestError(error: ApiError) -> impl IntoView {
    match &error {
        ApiError::Status { problem: Some(p), .. } => match p.reason {
            Some(Refusal::Request(reason)) => crate::text::text(refusal_key(reason)).into_any(),
            _ => view! { <ErrorText error /> }.into_any(),
        },
        _ => view! { <ErrorText error /> }.into_any(),
    }
}

/// "12 characters of 500" under a text field: a plural message on the count, the numbers
/// in the reader's language.
pub fn count_text(used: usize, max: usize) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let i18n = use_i18n();
    move || {
        let max = crate::i18n::number(i18n.locale(), max as f64);
        i18n.format_count(key!(requests.count), used as f64, &[("max", &max)])
    }
}

/// The request part of an app's control (the caller shows it while the app is not
/// installable because it waits for an approval). `on_request` gets every new state of the
/// person's request, so the list or the details page update at once.
#[component]
pub fn RequestControl(item: Signal<Option<CatalogItem>>, on_request: Callback<AppRequest>) -> impl IntoView {
    let i18n = use_i18n();
    let asking = RwSignal::new(false);
    let withdrawing = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let auth = use_auth();
    let config = StoredValue::new(use_context::<PortalConfig>());
    let name = move || item.with(|i| i.as_ref().map(|i| i.app.name.clone()).unwrap_or_default());
    let latest = Memo::new(move |_| item.with(|i| i.as_ref().and_then(|i| i.request.as_ref()?.latest.clone())));
    // The rule the server applies: offered to the person, and no request waiting or approved.
    let may_ask = Memo::new(move |_| {
        item.with(|i| {
            i.as_ref().is_some_and(|i| {
                let offer = i.request.clone().unwrap_or_default();
                may_request(&i.catalog, true, &offer).is_ok()
            })
        })
    });
    let withdraw = move || {
        let (Some(config), Some(id)) = (config.get_value(), latest.get_untracked().map(|l| l.id)) else { return };
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match api::requests::withdraw(auth, &config, &id).await {
                Ok(request) => on_request.run(request),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let label = move |key: Key| i18n.format(key, &[("app", &name())]);
    let state = move || {
        let latest = latest.get();
        match latest.as_ref().map(|l| l.state) {
            Some(AppRequestState::Pending) => view! {
                <p class="request-state pending" data-request-state="pending">{tr!(requests.pending)}</p>
                <button class="button" data-withdraw="" disabled=move || busy.get()
                    aria-label=move || label(key!(requests.withdraw_label))
                    on:click=move |_| withdrawing.set(true)>{tr!(requests.withdraw)}</button>
            }
            .into_any(),
            Some(AppRequestState::Declined) => {
                let comment = latest.and_then(|l| l.comment);
                view! {
                    <div class="request-state declined" data-request-state="declined">
                        <p>{tr!(requests.declined)}</p>
                        {comment.map(|c| view! {
                            <p class="request-comment">{tr!(requests.approver_comment)} " " <q>{c}</q></p>
                        })}
                    </div>
                }
                .into_any()
            }
            Some(AppRequestState::Approved) => {
                view! { <p class="request-state approved" data-request-state="approved">{tr!(requests.approved)}</p> }
                    .into_any()
            }
            Some(AppRequestState::Withdrawn) | None => ().into_any(),
        }
    };
    let ask_button = move || {
        may_ask.get().then(|| {
            let again = latest.with(|l| l.as_ref().is_some_and(|l| l.state == AppRequestState::Declined));
            let text = if again { key!(requests.ask_again) } else { key!(requests.request) };
            view! {
                <button class="button primary" data-request="" disabled=move || busy.get()
                    aria-label=move || label(key!(requests.request_label))
                    on:click=move |_| asking.set(true)>{move || i18n.text(text)}</button>
            }
        })
    };
    view! {
        <div class="request-control">
            {state}
            {ask_button}
            {move || error.get().map(|error| view! { <p class="error" role="alert"><RequestError error /></p> })}
            {move || asking.get().then(|| view! {
                <RequestDialog app_id=item.with_untracked(|i| i.as_ref().map(|i| i.app.id.clone()).unwrap_or_default())
                    app=name() on_sent=on_request on_close=Callback::new(move |_| asking.set(false)) />
            })}
            {move || withdrawing.get().then(|| view! {
                <ConfirmWithdraw app=name() on_confirm=Callback::new(move |_| withdraw())
                    on_close=Callback::new(move |_| withdrawing.set(false)) />
            })}
        </div>
    }
}

/// "Request Contoso Data Lab": why they need it (at most [`REASON_MAX_CHARS`] characters,
/// counted as they type), checked with the server's rule, then sent.
#[component]
pub fn RequestDialog(
    app_id: String,
    app: String,
    on_sent: Callback<AppRequest>,
    on_close: Callback<()>,
) -> impl IntoView {
    let auth = use_auth();
    let config = StoredValue::new(use_context::<PortalConfig>());
    let modal = Modal::opened(on_close);
    let reason = RwSignal::new(String::new());
    let invalid: RwSignal<Option<RequestRefusal>> = RwSignal::new(None);
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let sending = RwSignal::new(false);
    let app_id = StoredValue::new(app_id);
    let used = move || reason.with(|r| r.trim().chars().count());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if sending.get_untracked() {
            return;
        }
        let text = match validate_reason(&reason.get_untracked()) {
            Ok(text) => text,
            Err(why) => {
                invalid.set(Some(why));
                return;
            }
        };
        invalid.set(None);
        let Some(config) = config.get_value() else { return };
        sending.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match api::requests::ask(auth, &config, &app_id.get_value(), text).await {
                Ok(request) => {
                    on_sent.run(request);
                    modal.close();
                }
                Err(e) => error.set(Some(e)),
            }
            sending.set(false);
        });
    };
    let title = app.clone();
    view! {
        <dialog node_ref=modal.node class="confirm request-dialog" aria-labelledby="request-title" on:cancel=modal.on_cancel()>
            <form on:submit=submit novalidate>
                <h2 id="request-title">{tr_with!(requests.dialog.title, app = title)}</h2>
                <p id="request-intro">{tr!(requests.dialog.intro)}</p>
                <label class="field" for="request-reason">{tr_with!(requests.dialog.reason, app = app)}</label>
                <textarea id="request-reason" rows="4" autofocus
                    aria-describedby="request-intro request-count request-invalid"
                    aria-invalid=move || invalid.get().is_some().to_string()
                    prop:value=move || reason.get()
                    on:input=move |ev| {
                        reason.set(event_target_value(&ev));
                        if invalid.get_untracked().is_some() {
                            invalid.set(validate_reason(&reason.get_untracked()).err());
                        }
                    }></textarea>
                <p id="request-count" class=move || { if used() > REASON_MAX_CHARS { "char-count over" } else { "char-count muted" } }>
                    {move || count_text(used(), REASON_MAX_CHARS)()}
                </p>
                <p id="request-invalid" class="field-error" role="alert">
                    {move || invalid.get().map(|why| crate::text::text(refusal_key(why)))}
                </p>
                {move || error.get().map(|error| view! { <p class="error" role="alert"><RequestError error /></p> })}
                <div class="dialog-buttons">
                    <button type="button" class="button" on:click=move |_| modal.close()>{tr!(requests.dialog.cancel)}</button>
                    <button type="submit" class="button primary" data-send-request="" disabled=move || sending.get()>
                        {tr!(requests.dialog.send)}
                    </button>
                </div>
            </form>
        </dialog>
    }
}

/// "Withdraw your request for Contoso Data Lab?": Cancel (focused, the safe answer) or Withdraw.
#[component]
fn ConfirmWithdraw(app: String, on_confirm: Callback<()>, on_close: Callback<()>) -> impl IntoView {
    let modal = Modal::opened(on_close);
    view! {
        <dialog node_ref=modal.node class="confirm" aria-labelledby="withdraw-title" on:cancel=modal.on_cancel()>
            <h2 id="withdraw-title">{tr_with!(requests.withdraw_dialog.title, app = app)}</h2>
            <p>{tr!(requests.withdraw_dialog.body)}</p>
            <div class="dialog-buttons">
                <button class="button" autofocus on:click=move |_| modal.close()>{tr!(requests.withdraw_dialog.cancel)}</button>
                <button class="button danger" data-confirm-withdraw="" on:click=move |_| {
                    on_confirm.run(());
                    modal.close();
                }>{tr!(requests.withdraw_dialog.confirm)}</button>
            </div>
        </dialog>
    }
}
