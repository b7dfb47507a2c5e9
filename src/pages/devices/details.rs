//! One device at `/devices/{id}` (deep link): what a user can act on, what to fix, the
//! actions (disabled ones say why), rename, and the action history — all following live
//! events, so a requested action shows pending at once and then done or failed.

use super::actions::{Actions, Passcode};
use super::rename::Rename;
use super::{loader, when, AccessText, Owner};
use crate::api::events::use_live_events;
use crate::api::{self, ApiError};
use crate::components::error_text::ErrorText;
use crate::i18n::Key;
use leptos::prelude::*;
use portal_core::api::{DeviceDetails as Details, Event};
use portal_core::domain::{ActionState, DeviceActionResult, DeviceEnrollmentType as E, ManagedDevice, PendingNote};

/// What the page shows: only a change between these rebuilds it; data changes update in place.
#[derive(Clone, PartialEq)]
enum Phase {
    Loading,
    NotFound,
    Failed(ApiError),
    Removed,
    Ready,
}

/// The page's state, shared with its parts through context.
#[derive(Clone, Copy)]
pub(super) struct Page {
    pub id: StoredValue<String>,
    pub details: RwSignal<Option<Result<Details, ApiError>>>,
    /// Bump to re-read the device from the API.
    pub reload: RwSignal<u64>,
    /// The `aria-live` announcement.
    pub status: RwSignal<String>,
}

impl Page {
    pub fn device<R>(self, f: impl FnOnce(&ManagedDevice) -> R) -> Option<R> {
        self.details.with(|d| match d {
            Some(Ok(d)) => Some(f(&d.device)),
            _ => None,
        })
    }

    pub fn announce(self, text: String) {
        self.status.set(text);
    }

    /// Puts an action record into the history at once (replacing the same run). Answers
    /// and events may arrive in either order: a run that already finished is never put
    /// back to pending. Returns whether the record changed what is shown.
    pub fn record(self, result: DeviceActionResult) -> bool {
        let mut changed = false;
        self.details.update(|d| {
            if let Some(Ok(d)) = d {
                let history = &mut d.device.device_action_results;
                match history
                    .iter_mut()
                    .find(|r| r.action_name == result.action_name && r.start_date_time == result.start_date_time)
                {
                    Some(r) if !r.action_state.is_in_progress() && result.action_state.is_in_progress() => {}
                    Some(r) => {
                        changed = *r != result;
                        *r = result;
                    }
                    None => {
                        changed = true;
                        history.push(result);
                    }
                }
            }
        });
        changed
    }
}

#[component]
pub fn DeviceDetails(id: String) -> impl IntoView {
    let live = use_live_events();
    let reload = RwSignal::new(0u64);
    let removed = RwSignal::new(false);
    let load_id = id.clone();
    let details = loader(
        move || reload.get() + live.resync(),
        move |auth, config| {
            let id = load_id.clone();
            async move { api::devices::details(auth, &config, &id).await }
        },
    );
    let page = Page { id: StoredValue::new(id.clone()), details, reload, status: RwSignal::new(String::new()) };
    provide_context(page);
    let i18n = crate::i18n::use_i18n();
    Effect::new(move |_| {
        let Some(event) = live.latest() else { return };
        let this = page.id.with_value(|id| id.clone());
        // Untracked: a change of language must not replay the event.
        untrack(move || match event {
            Event::Action { device_id, result } if device_id == this => {
                if matches!(result.action_state, ActionState::Done | ActionState::Failed) {
                    let action = i18n.text(super::reasons::action_key(result.action_name));
                    let state = i18n.text(state_key(result.action_state));
                    page.announce(i18n.format(key!(actions.finished), &[("action", action), ("state", state)]));
                }
                page.record(result);
                reload.update(|n| *n += 1);
            }
            Event::CheckIn { device_id, .. }
            | Event::DeviceRenamed { device_id, .. }
            | Event::DeviceCategory { device_id, .. }
                if device_id == this =>
            {
                reload.update(|n| *n += 1)
            }
            Event::DeviceRemoved { device_id } if device_id == this => removed.set(true),
            _ => {}
        })
    });
    let phase = Memo::new(move |_| {
        if removed.get() {
            return Phase::Removed;
        }
        details.with(|d| match d {
            None => Phase::Loading,
            Some(Ok(_)) => Phase::Ready,
            Some(Err(ApiError::Status { status: 400 | 404, .. })) => Phase::NotFound,
            Some(Err(e)) => Phase::Failed(e.clone()),
        })
    });
    let name = move || page.device(|d| d.device_name.clone()).unwrap_or_default();
    view! {
        <p><a href="/devices">{tr!(device.back)}</a></p>
        <p class="live-status" role="status" aria-live="polite">{move || page.status.get()}</p>
        {move || match phase.get() {
            Phase::Loading => view! { <p class="waiting">{tr!(device.loading)}</p> }.into_any(),
            Phase::NotFound => view! {
                <h1>{tr!(not_found.title)}</h1>
                <p class="not-found">{tr!(device.not_found)}</p>
            }.into_any(),
            Phase::Failed(error) => view! {
                <p class="error" role="alert"><ErrorText error /></p>
                <button class="button" on:click=move |_| reload.update(|n| *n += 1)>{tr!(devices.retry)}</button>
            }.into_any(),
            Phase::Removed => view! {
                <h1>{name}</h1>
                <p class="removed">{move || i18n.format(key!(devices.removed), &[("name", &name())])}</p>
            }.into_any(),
            Phase::Ready => view! { <Ready /> }.into_any(),
        }}
    }
}

#[component]
fn Ready() -> impl IntoView {
    let page = expect_context::<Page>();
    let get = move |f: fn(&ManagedDevice) -> String| move || page.device(f).unwrap_or_default();
    let access = move || page.details.with(|d| d.as_ref().and_then(|d| d.as_ref().ok()).map(|d| d.access.clone()));
    let fixes = move || {
        page.details.with(|d| match d {
            Some(Ok(d)) => d.settings_to_fix.iter().map(|s| s.what_to_fix.clone()).collect::<Vec<_>>(),
            _ => vec![],
        })
    };
    let Some(device) = page.device(Clone::clone) else { return ().into_any() };
    let enrolled = device.enrolled_date_time.clone();
    let synced = move || page.device(|d| d.last_sync_date_time.clone()).unwrap_or_default();
    let stale = move || page.details.with(|d| d.as_ref().and_then(|d| d.as_ref().ok()).and_then(|d| d.stale.clone()));
    view! {
        {move || view! { <crate::components::stale::StaleNotice stale=stale() /> }}
        <Rename />
        <ThisDevice />
        <super::category::CategoryPrompt />
        <p>{move || access().map(|access| view! { <AccessText access /> })}</p>
        {move || {
            let fixes = fixes();
            (!fixes.is_empty()).then(|| view! {
                <section class="card fix">
                    <h2>{tr!(device.fix_title)}</h2>
                    <p>{tr!(device.fix_intro)}</p>
                    <ul>{fixes.into_iter().map(|f| view! { <li>{f}</li> }).collect_view()}</ul>
                </section>
            })
        }}
        <Passcode />
        <super::recovery::RecoveryKey />
        <Actions />
        <section>
            <h2>{tr!(device.details)}</h2>
            <dl class="facts">
                <Fact label=key!(device.os)>{get(super::model_line)}</Fact>
                <Fact label=key!(device.owner)><Owner owner=device.managed_device_owner_type /></Fact>
                <Fact label=key!(device.enrollment)>{crate::text::text(enrollment_key(device.device_enrollment_type))}</Fact>
                <Fact label=key!(device.encryption)>
                    {move || if page.device(|d| d.is_encrypted).unwrap_or_default() { tr!(device.encrypted).into_any() } else { tr!(device.not_encrypted).into_any() }}
                </Fact>
                {device.serial_number.clone().map(|serial| view! { <Fact label=key!(device.serial)>{serial}</Fact> })}
                {move || page.device(|d| d.device_category_display_name.clone()).flatten()
                    .map(|category| view! { <Fact label=key!(device.category)>{category}</Fact> })}
                <Fact label=key!(device.enrolled)>{when(key!(device.at), enrolled, false)}</Fact>
                <Fact label=key!(device.last_check_in)>{move || when(key!(device.at), synced(), false)}</Fact>
            </dl>
        </section>
        <History />
    }
    .into_any()
}

#[component]
fn Fact(label: Key, children: Children) -> impl IntoView {
    view! { <dt>{crate::text::text(label)}</dt><dd>{children()}</dd> }
}

/// The "this device" marker, or the button that sets it.
#[component]
fn ThisDevice() -> impl IntoView {
    let page = expect_context::<Page>();
    let id = page.id.get_value();
    let chosen = crate::device_context::use_this_device();
    let mine = {
        let id = id.clone();
        move || chosen.get().as_deref() == Some(id.as_str())
    };
    move || {
        if mine() {
            view! { <p><span class="badge">{tr!(devices.this_device)}</span> " " {tr!(device.is_this_device)}</p> }
                .into_any()
        } else {
            let id = id.clone();
            view! {
                <p>
                    <button class="button" on:click=move |_| {
                        chosen.choose(id.clone());
                    }>{tr!(device.set_this_device)}</button>
                </p>
            }
            .into_any()
        }
    }
}

/// Every action run on the device, newest first, with its state and times.
#[component]
fn History() -> impl IntoView {
    let page = expect_context::<Page>();
    let rows = move || {
        let mut history = page.device(|d| d.device_action_results.clone()).unwrap_or_default();
        history.reverse();
        history
    };
    view! {
        <section>
            <h2>{tr!(device.history_title)}</h2>
            {move || {
                let rows = rows();
                if rows.is_empty() {
                    return view! { <p>{tr!(device.history_none)}</p> }.into_any();
                }
                view! {
                    <ul class="history">
                        {rows.into_iter().map(|r| view! {
                            <li class=format!("history-item state-{:?}", r.action_state).to_lowercase()>
                                <strong>{crate::text::text(super::reasons::action_key(r.action_name))}</strong>
                                " — " <span class="state">{crate::text::text(state_key(r.action_state))}</span>
                                <br />
                                <span class="muted">{history_times(r.start_date_time, r.last_updated_date_time)}</span>
                                {r.pending_note.filter(|_| r.action_state.is_in_progress()).map(pending_note)}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

/// Why a pending action is taking long: Intune is throttling the portal (it retries at a
/// time), or the portal stopped following it and the device does it at its next check-in.
fn pending_note(note: PendingNote) -> impl IntoView {
    let i18n = crate::i18n::use_i18n();
    let text = move || match &note {
        PendingNote::WaitingForIntune { retry_at } => {
            let when = crate::dates::relative(retry_at, i18n.locale().code());
            i18n.format(key!(device.waiting_for_intune), &[("when", &when)])
        }
        PendingNote::StillPendingOnDevice => i18n.text(key!(device.still_pending_on_device)).to_string(),
    };
    view! { <br /><span class="pending-note">{text}</span> }
}

pub(super) fn state_key(state: ActionState) -> Key {
    match state {
        ActionState::None => key!(action_state.none),
        ActionState::Pending => key!(action_state.pending),
        ActionState::Canceled => key!(action_state.canceled),
        ActionState::Active => key!(action_state.active),
        ActionState::Done => key!(action_state.done),
        ActionState::Failed => key!(action_state.failed),
        ActionState::NotSupported => key!(action_state.not_supported),
    }
}

fn enrollment_key(enrollment: E) -> Key {
    match enrollment {
        E::UserEnrollment => key!(enrollment.user_enrollment),
        E::DeviceEnrollmentManager => key!(enrollment.device_enrollment_manager),
        E::AppleBulkWithUser | E::AppleBulkWithoutUser => key!(enrollment.apple_automated),
        E::AppleUserEnrollment => key!(enrollment.apple_user_enrollment),
        E::WindowsAzureAdJoin
        | E::WindowsBulkAzureDomainJoin
        | E::WindowsAzureAdJoinUsingDeviceAuth
        | E::WindowsCoManagement => {
            key!(enrollment.entra_joined)
        }
        E::WindowsAutoEnrollment => key!(enrollment.windows_auto),
        E::AndroidEnterpriseDedicatedDevice => key!(enrollment.android_dedicated),
        E::AndroidEnterpriseFullyManaged => key!(enrollment.android_fully_managed),
        E::AndroidEnterpriseCorporateWorkProfile => key!(enrollment.android_corporate_work_profile),
        E::AndroidEnterprisePersonalWorkProfile => key!(enrollment.android_personal_work_profile),
        E::AndroidDeviceAdministrator => key!(enrollment.android_device_admin),
        E::Unknown => key!(enrollment.unknown),
    }
}

/// "Started 5 minutes ago, updated 1 minute ago" as one catalog text (its punctuation is the
/// language's: Arabic joins with "،"), the times relative and following the language.
fn history_times(started: String, updated: String) -> impl IntoView {
    let i18n = crate::i18n::use_i18n();
    move || {
        let locale = i18n.locale().code();
        let (started, updated) = (crate::dates::relative(&started, locale), crate::dates::relative(&updated, locale));
        i18n.format(key!(device.history_times), &[("started", &started), ("updated", &updated)])
    }
}
