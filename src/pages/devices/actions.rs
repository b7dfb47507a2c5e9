//! The remote actions of one device. Not applicable → not offered; unavailable → disabled
//! with the portal-core reason in words; available → a confirmation dialog (Remove and Reset
//! explain what happens to the device and its data and need the device name typed), then
//! pending at once and live to done or failed. A second request for a pending action is
//! impossible here (its button is disabled at once) and refused by the server.

use super::details::Page;
use super::reasons::{action_key, reason_key};
use crate::api::{self, ApiError};
use crate::auth::use_auth;
use crate::config::PortalConfig;
use crate::i18n::use_i18n;
use leptos::html;
use leptos::prelude::*;
use portal_core::api::Refusal;
use portal_core::domain::{ActionState, RemoteAction};
use portal_core::rules::actions::{Availability, Reason};
use wasm_bindgen::JsCast;

/// How long a temporary passcode stays on screen after the device set it.
pub const PASSCODE_VISIBLE_MS: f64 = 5.0 * 60_000.0;

fn availability(page: Page, action: RemoteAction) -> Availability {
    page.details
        .with(|d| match d {
            Some(Ok(d)) => d.actions.iter().find(|o| o.action == action).map(|o| o.availability),
            _ => None,
        })
        .unwrap_or(Availability::NotApplicable)
}

/// Whether the typed confirmation matches the device name (trimmed; case matters, as the
/// point is deliberate typing).
pub fn confirmation_matches(typed: &str, device_name: &str) -> bool {
    typed.trim() == device_name.trim()
}

pub fn needs_typed_name(action: RemoteAction) -> bool {
    matches!(action, RemoteAction::Retire | RemoteAction::Wipe)
}

#[component]
pub(super) fn Actions() -> impl IntoView {
    let page = expect_context::<Page>();
    let chosen: RwSignal<Option<RemoteAction>> = RwSignal::new(None);
    let dialog = NodeRef::<html::Dialog>::new();
    // The button that opened the dialog gets focus back when it closes.
    let opener: StoredValue<Option<web_sys::HtmlElement>, LocalStorage> = StoredValue::new_local(None);
    let open = move |action: RemoteAction, ev: leptos::ev::MouseEvent| {
        opener.set_value(ev.current_target().and_then(|t| t.dyn_into().ok()));
        chosen.set(Some(action));
        if let Some(d) = dialog.get() {
            let _ = d.show_modal();
        }
    };
    let on_close = move |_| {
        chosen.set(None);
        opener.with_value(|o| {
            if let Some(o) = o {
                let _ = o.focus();
            }
        });
    };
    let offered: Vec<RemoteAction> = RemoteAction::ALL
        .into_iter()
        .filter(|a| *a != RemoteAction::Rename && availability(page, *a) != Availability::NotApplicable)
        .collect();
    view! {
        <section class="actions">
            <h2>{tr!(actions.title)}</h2>
            <ul class="action-list">
                {offered.into_iter().map(|action| view! { <ActionRow action open /> }).collect_view()}
            </ul>
            <dialog node_ref=dialog class="confirm" on:close=on_close aria-labelledby="confirm-title">
                {move || chosen.get().map(|action| view! { <Confirm action dialog /> })}
            </dialog>
        </section>
    }
}

#[component]
fn ActionRow(
    action: RemoteAction,
    open: impl Fn(RemoteAction, leptos::ev::MouseEvent) + Copy + 'static,
) -> impl IntoView {
    let page = expect_context::<Page>();
    let state = move || availability(page, action);
    let reason_id = format!("reason-{action:?}").to_lowercase();
    let described = reason_id.clone();
    view! {
        <li class="action">
            <button
                class=if needs_typed_name(action) { "button danger" } else { "button" }
                data-action=format!("{action:?}").to_lowercase()
                disabled=move || state() != Availability::Available
                aria-describedby=described
                on:click=move |ev| open(action, ev)
            >
                {crate::text::text(action_key(action))}
            </button>
            <span class="muted" id=reason_id>
                {move || match state() {
                    Availability::Unavailable(reason) => view! {
                        <span class="reason">{crate::text::text(reason_key(reason, action))}</span>
                    }.into_any(),
                    _ => crate::text::text(help_key(action)).into_any(),
                }}
            </span>
        </li>
    }
}

fn help_key(action: RemoteAction) -> crate::i18n::Key {
    match action {
        RemoteAction::Sync => key!(actions.sync_help),
        RemoteAction::RemoteLock => key!(actions.remote_lock_help),
        RemoteAction::ResetPasscode => key!(actions.reset_passcode_help),
        RemoteAction::Retire => key!(actions.retire_help),
        RemoteAction::Wipe => key!(actions.wipe_help),
        RemoteAction::Rename => key!(rename.hint),
    }
}

/// The dialog's content for `action`.
#[component]
fn Confirm(action: RemoteAction, dialog: NodeRef<html::Dialog>) -> impl IntoView {
    let page = expect_context::<Page>();
    let i18n = use_i18n();
    let auth = use_auth();
    let config = use_context::<PortalConfig>();
    let name = page.device(|d| d.device_name.clone()).unwrap_or_default();
    let typed = RwSignal::new(String::new());
    let tried = RwSignal::new(false);
    // Focus into the dialog once its content exists: the name field, else the confirm button.
    let name_input = NodeRef::<html::Input>::new();
    let confirm_button = NodeRef::<html::Button>::new();
    Effect::new(move |_| {
        if let Some(input) = name_input.get() {
            let _ = input.focus();
        } else if let Some(button) = confirm_button.get() {
            let _ = button.focus();
        }
    });
    let typed_ok = {
        let name = name.clone();
        Memo::new(move |_| !needs_typed_name(action) || confirmation_matches(&typed.get(), &name))
    };
    let close = move || {
        if let Some(d) = dialog.get_untracked() {
            d.close();
        }
    };
    let confirm = {
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            tried.set(true);
            if !typed_ok.get_untracked() {
                return;
            }
            close();
            let Some(config) = config.clone() else { return };
            let id = page.id.get_value();
            let label = i18n.text(action_key(action));
            // Pending at once: the button is disabled before the server answers.
            mark(page, action, Availability::Unavailable(Reason::AlreadyPending));
            leptos::task::spawn_local(async move {
                match api::devices::run(auth, &config, &id, action).await {
                    Ok(accepted) => {
                        // Unless the device already finished it (the live event came first).
                        if page.record(accepted.result) {
                            page.announce(i18n.format(key!(actions.requested), &[("action", label)]));
                        }
                    }
                    Err(ApiError::Status { problem: Some(problem), .. })
                        if matches!(problem.reason, Some(Refusal::Action(_))) =>
                    {
                        if let Some(Refusal::Action(reason)) = problem.reason {
                            page.announce(i18n.text(reason_key(reason, action)).to_string());
                        }
                    }
                    Err(_) => page.announce(format!("{label}: {}", i18n.text(key!(action_state.failed)))),
                }
                page.reload.update(|n| *n += 1);
            });
        }
    };
    let consequence = match action {
        RemoteAction::Retire => Some(key!(actions.retire_consequence)),
        RemoteAction::Wipe => Some(key!(actions.wipe_consequence)),
        _ => None,
    };
    let title_name = name.clone();
    let label_name = name.clone();
    view! {
        <form method="dialog" on:submit=confirm>
            <h2 id="confirm-title">{move || i18n.format(key!(actions.confirm_title), &[("action", i18n.text(action_key(action))), ("device", &title_name)])}</h2>
            <p>{crate::text::text(help_key(action))}</p>
            {consequence.map(|key| view! { <p class="warning">{crate::text::text(key)}</p> })}
            {needs_typed_name(action).then(|| view! {
                <label class="field">
                    {move || i18n.format(key!(actions.type_name), &[("name", &label_name)])}
                    <input
                        name="confirm-name"
                        node_ref=name_input
                        autocomplete="off"
                        aria-invalid=move || (tried.get() && !typed_ok.get()).then_some("true")
                        on:input=move |ev| typed.set(event_target_value(&ev))
                        prop:value=move || typed.get()
                    />
                </label>
                {move || (tried.get() && !typed_ok.get()).then(|| view! { <p class="field-error" role="alert">{tr!(actions.name_mismatch)}</p> })}
            })}
            <div class="dialog-buttons">
                <button type="button" class="button" on:click=move |_| close()>{tr!(actions.cancel)}</button>
                <button type="submit" class=if needs_typed_name(action) { "button danger" } else { "button primary" } data-confirm="" node_ref=confirm_button>
                    {crate::text::text(action_key(action))}
                </button>
            </div>
        </form>
    }
}

/// Sets one action's availability in the page's copy until the server's is read again.
fn mark(page: Page, action: RemoteAction, availability: Availability) {
    page.details.update(|d| {
        if let Some(Ok(d)) = d {
            d.actions.iter_mut().filter(|o| o.action == action).for_each(|o| o.availability = availability);
        }
    });
}

/// The temporary passcode of a reset that finished within [`PASSCODE_VISIBLE_MS`], with
/// a button to hide it sooner; it disappears by itself when the time is up.
#[component]
pub(super) fn Passcode() -> impl IntoView {
    let page = expect_context::<Page>();
    let hidden: RwSignal<Option<String>> = RwSignal::new(None);
    let tick = RwSignal::new(0u32);
    let current = Memo::new(move |_| {
        tick.track();
        page.device(|d| {
            d.device_action_results
                .iter()
                .rev()
                .find(|r| r.action_name == RemoteAction::ResetPasscode && r.action_state == ActionState::Done)
                .and_then(|r| Some((r.passcode.clone()?, crate::dates::millis(&r.last_updated_date_time)?)))
        })
        .flatten()
        .filter(|(_, at)| js_sys::Date::now() - at < PASSCODE_VISIBLE_MS)
    });
    Effect::new(move |_| {
        if let Some((_, at)) = current.get() {
            let left = (at + PASSCODE_VISIBLE_MS - js_sys::Date::now()).max(0.0);
            set_timeout(move || tick.update(|n| *n += 1), std::time::Duration::from_millis(left as u64 + 50));
        }
    });
    move || {
        let (code, _) = current.get()?;
        if hidden.get().as_deref() == Some(code.as_str()) {
            return None;
        }
        let shown = code.clone();
        Some(view! {
            <section class="card passcode">
                <p><strong>{tr_with!(actions.passcode, code = shown)}</strong></p>
                <p class="muted">{tr!(actions.passcode_hint)}</p>
                <button class="button" on:click=move |_| hidden.set(Some(code.clone()))>{tr!(actions.hide_passcode)}</button>
            </section>
        })
    }
}
