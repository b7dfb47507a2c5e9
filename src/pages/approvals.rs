//! `/approvals`: the requests for the apps the signed-in person approves (the tenant file's
//! `approvers`). Waiting ones first, oldest first, each with who asks, for which app, why and
//! when, and Approve / Decline with an optional comment for the requester; then the recent
//! decisions. New requests, withdrawals and other approvers' decisions arrive live (the
//! `appRequest` event): the list is read again. Nobody decides their own request — the server
//! refuses (`rules::requests::may_decide`), and the page says so instead of offering it.

use crate::api::events::use_live_events;
use crate::api::{self, ApiError};
use crate::auth::use_auth;
use crate::components::error_text::ErrorText;
use crate::config::PortalConfig;
use crate::i18n::{use_i18n, Key};
use crate::pages::apps::request::{count_text, refusal_key, RequestError};
use leptos::prelude::*;
use portal_core::api::{AppRequestList, Decision, Event};
use portal_core::domain::{AppRequest, AppRequestState};
use portal_core::rules::requests::{may_decide, validate_comment, RequestRefusal, COMMENT_MAX_CHARS};

/// A decided (or withdrawn) request's outcome in words.
pub fn outcome_key(state: AppRequestState) -> Key {
    match state {
        AppRequestState::Pending => key!(approvals.state.pending),
        AppRequestState::Approved => key!(approvals.state.approved),
        AppRequestState::Declined => key!(approvals.state.declined),
        AppRequestState::Withdrawn => key!(approvals.state.withdrawn),
    }
}

#[component]
pub fn Approvals() -> impl IntoView {
    let auth = use_auth();
    let config = use_context::<PortalConfig>();
    let live = use_live_events();
    let reload = RwSignal::new(0u64);
    let list: RwSignal<Option<Result<AppRequestList, ApiError>>> = RwSignal::new(None);
    // Answers may come back out of order: only the latest read's is kept.
    let latest = StoredValue::new(0u64);
    Effect::new(move |_| {
        reload.track();
        live.resync();
        let Some(config) = config.clone() else { return };
        latest.update_value(|n| *n += 1);
        let this = latest.get_value();
        leptos::task::spawn_local(async move {
            let result = api::requests::approvals(auth, &config).await;
            if latest.try_get_value() == Some(this) {
                list.set(Some(result));
            }
        });
    });
    Effect::new(move |first: Option<()>| {
        let event = live.latest();
        if first.is_some() && matches!(event, Some(Event::AppRequest { .. })) {
            reload.update(|n| *n += 1);
        }
    });
    let me = crate::components::shell::use_current_user();
    let my_id = Memo::new(move |_| me.with(|p| p.as_ref().map(|p| p.id.clone())));
    let decided = Callback::new(move |_: AppRequest| reload.update(|n| *n += 1));
    // The page's shape changes only between loading, failed and loaded; the lists inside are
    // keyed by request id, so a new request arriving live adds a row and leaves the others —
    // and a comment an approver is typing, with its focus — as they are.
    let phase = Memo::new(move |_| match list.get() {
        None => Phase::Loading,
        Some(Err(error)) => Phase::Failed(error),
        Some(Ok(_)) => Phase::Loaded,
    });
    let of_state = move |open: bool| {
        Memo::new(move |_| {
            list.with(|l| match l {
                Some(Ok(l)) => l.requests.iter().filter(|r| r.state.is_open() == open).cloned().collect::<Vec<_>>(),
                _ => Vec::new(),
            })
        })
    };
    let (waiting, done) = (of_state(true), of_state(false));
    view! {
        <h1 tabindex="-1">{tr!(approvals.title)}</h1>
        <p>{tr!(approvals.intro)}</p>
        {move || match phase.get() {
            Phase::Loading => view! { <p class="waiting" role="status">{tr!(approvals.loading)}</p> }.into_any(),
            Phase::Failed(error) => view! { <p class="error" role="alert"><ErrorText error /></p> }.into_any(),
            Phase::Loaded => view! {
                <section aria-labelledby="approvals-waiting">
                    <h2 id="approvals-waiting">{tr!(approvals.waiting)}</h2>
                    <Show when=move || waiting.with(Vec::is_empty)>
                        <p class="empty" data-approvals-empty="">{tr!(approvals.none_waiting)}</p>
                    </Show>
                    <ul class="approval-list" hidden=move || waiting.with(Vec::is_empty)>
                        <For each=move || waiting.get() key=|r| r.id.clone() let:request>
                            <Waiting request my_id decided />
                        </For>
                    </ul>
                </section>
                <section aria-labelledby="approvals-decided">
                    <h2 id="approvals-decided">{tr!(approvals.decided)}</h2>
                    <Show when=move || done.with(Vec::is_empty)>
                        <p class="empty">{tr!(approvals.none_decided)}</p>
                    </Show>
                    <ul class="approval-list" hidden=move || done.with(Vec::is_empty)>
                        <For each=move || done.get() key=|r| (r.id.clone(), r.state) let:request>
                            <Decided request />
                        </For>
                    </ul>
                </section>
            }.into_any(),
        }}
    }
}

/// What the page shows as a whole.
#[derive(Clone, PartialEq)]
enum Phase {
    Loading,
    Failed(ApiError),
    Loaded,
}

/// "Asked 1 Dec 2026, 15:40", in the reader's language.
fn asked_at(at: String) -> impl Fn() -> String + Send + Sync + 'static {
    let i18n = use_i18n();
    move || i18n.format(key!(approvals.asked_at), &[("when", &crate::dates::date_time(&at, i18n.locale().code()))])
}

/// One waiting request, with the decision form (or why there is none: it is the approver's own).
#[component]
fn Waiting(request: AppRequest, my_id: Memo<Option<String>>, decided: Callback<AppRequest>) -> impl IntoView {
    let id = request.id.clone();
    let own = {
        let request = request.clone();
        // The server's rule: `OwnRequest` is refused, so it is not offered.
        Memo::new(move |_| {
            my_id.with(|me| me.as_deref().is_some_and(|me| may_decide(&request, me) == Err(RequestRefusal::OwnRequest)))
        })
    };
    let requester = request.requester_name.clone();
    let app = request.app_name.clone();
    view! {
        <li class="card approval" data-approval=request.id.clone()>
            <h3 class="approval-app">{request.app_name.clone()}</h3>
            <p>{tr_with!(approvals.asks, person = requester.clone())}</p>
            <p class="approval-reason"><span class="muted">{tr!(approvals.reason)}</span> " " <q>{request.reason.clone()}</q></p>
            <p class="muted">{asked_at(request.created_date_time.clone())}</p>
            {move || if own.get() {
                view! { <p class="muted" data-own-request="">{tr!(approvals.own_request)}</p> }.into_any()
            } else {
                view! { <DecisionForm id=id.clone() requester=requester.clone() app=app.clone() decided /> }.into_any()
            }}
        </li>
    }
}

/// The optional comment and the two decisions. The comment is checked with the server's
/// rule (at most [`COMMENT_MAX_CHARS`] characters) before anything is sent.
#[component]
fn DecisionForm(id: String, requester: String, app: String, decided: Callback<AppRequest>) -> impl IntoView {
    let auth = use_auth();
    let config = StoredValue::new(use_context::<PortalConfig>());
    let i18n = use_i18n();
    let comment = RwSignal::new(String::new());
    let invalid: RwSignal<Option<RequestRefusal>> = RwSignal::new(None);
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let field = format!("comment-{id}");
    let count_id = format!("comment-count-{id}");
    let invalid_id = format!("comment-invalid-{id}");
    let described = format!("{count_id} {invalid_id}");
    let id = StoredValue::new(id);
    let used = move || comment.with(|c| c.trim().chars().count());
    let send = move |decision: Decision| {
        if busy.get_untracked() {
            return;
        }
        let text = comment.get_untracked();
        let text = match validate_comment(Some(&text)) {
            Ok(text) => text,
            Err(why) => {
                invalid.set(Some(why));
                return;
            }
        };
        invalid.set(None);
        let Some(config) = config.get_value() else { return };
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match api::requests::decide(auth, &config, &id.get_value(), decision, text).await {
                Ok(request) => decided.run(request),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let names = StoredValue::new((app, requester.clone()));
    let label = move |key: Key| names.with_value(|(app, person)| i18n.format(key, &[("app", app), ("person", person)]));
    view! {
        <div class="decision">
            <label class="field" for=field.clone()>{tr_with!(approvals.comment, person = requester)}</label>
            <textarea id=field rows="2" aria-describedby=described
                aria-invalid=move || invalid.get().is_some().to_string()
                prop:value=move || comment.get()
                on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
            <p id=count_id class=move || { if used() > COMMENT_MAX_CHARS { "char-count over" } else { "char-count muted" } }>
                {move || count_text(used(), COMMENT_MAX_CHARS)()}
            </p>
            <p id=invalid_id class="field-error" role="alert">
                {move || invalid.get().map(|why| crate::text::text(refusal_key(why)))}
            </p>
            {move || error.get().map(|error| view! { <p class="error" role="alert"><RequestError error /></p> })}
            <div class="dialog-buttons">
                <button class="button" data-decline="" disabled=move || busy.get()
                    aria-label=move || label(key!(approvals.decline_label))
                    on:click=move |_| send(Decision::Decline)>{tr!(approvals.decline)}</button>
                <button class="button primary" data-approve="" disabled=move || busy.get()
                    aria-label=move || label(key!(approvals.approve_label))
                    on:click=move |_| send(Decision::Approve)>{tr!(approvals.approve)}</button>
            </div>
        </div>
    }
}

/// One decided or withdrawn request.
#[component]
fn Decided(request: AppRequest) -> impl IntoView {
    let state = request.state;
    let by = request.decided_by_name.clone();
    view! {
        <li class="card approval decided" data-decided=request.id.clone()>
            <h3 class="approval-app">{request.app_name.clone()}</h3>
            <p>{tr_with!(approvals.asks, person = request.requester_name.clone())}</p>
            <p>
                <span class=format!("badge outcome-{state:?}").to_lowercase()>{crate::text::text(outcome_key(state))}</span>
                {by.map(|by| view! { " " {tr_with!(approvals.decided_by, person = by)} })}
            </p>
            {request.comment.clone().map(|c| view! {
                <p class="request-comment"><span class="muted">{tr!(approvals.comment_was)}</span> " " <q>{c}</q></p>
            })}
            {request.decided_date_time.clone().map(|at| view! { <p class="muted">{decided_at(state, at)}</p> })}
        </li>
    }
}

/// "Decided …" or "Withdrawn …" (a withdrawn request was never decided).
fn decided_at(state: AppRequestState, at: String) -> impl Fn() -> String + Send + Sync + 'static {
    let i18n = use_i18n();
    let key =
        if state == AppRequestState::Withdrawn { key!(approvals.withdrawn_at) } else { key!(approvals.decided_at) };
    move || i18n.format(key, &[("when", &crate::dates::date_time(&at, i18n.locale().code()))])
}
