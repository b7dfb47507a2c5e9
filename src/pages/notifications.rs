//! The notifications centre: newest first, unread ones marked, each with a link to what it
//! is about; results of actions and installs arrive here live.

use crate::components::notifications::use_notifications;
use crate::i18n::{use_i18n, Key};
use leptos::prelude::*;
use portal_core::domain::{MessageCode, Notification};

/// The catalog keys (title, body) of a portal notification's code; `None` for a code this
/// page does not know (then the server's English text is shown).
fn message_keys(code: MessageCode) -> Option<(Key, Key)> {
    Some(match code {
        MessageCode::AppInstalled => {
            (key!(notifications.portal.app_installed.title), key!(notifications.portal.app_installed.body))
        }
        MessageCode::AppInstallFailed => {
            (key!(notifications.portal.app_install_failed.title), key!(notifications.portal.app_install_failed.body))
        }
        MessageCode::AppUninstalled => {
            (key!(notifications.portal.app_uninstalled.title), key!(notifications.portal.app_uninstalled.body))
        }
        MessageCode::DeviceCheckedIn => {
            (key!(notifications.portal.device_checked_in.title), key!(notifications.portal.device_checked_in.body))
        }
        MessageCode::DeviceLocked => {
            (key!(notifications.portal.device_locked.title), key!(notifications.portal.device_locked.body))
        }
        MessageCode::PasscodeReset => {
            (key!(notifications.portal.passcode_reset.title), key!(notifications.portal.passcode_reset.body))
        }
        MessageCode::PasscodeRemoved => {
            (key!(notifications.portal.passcode_removed.title), key!(notifications.portal.passcode_removed.body))
        }
        MessageCode::DeviceRemoved => {
            (key!(notifications.portal.device_removed.title), key!(notifications.portal.device_removed.body))
        }
        MessageCode::DeviceReset => {
            (key!(notifications.portal.device_reset.title), key!(notifications.portal.device_reset.body))
        }
        MessageCode::DeviceRenamed => {
            (key!(notifications.portal.device_renamed.title), key!(notifications.portal.device_renamed.body))
        }
        MessageCode::CompanyDataRemoved => (
            key!(notifications.portal.company_data_removed.title),
            key!(notifications.portal.company_data_removed.body),
        ),
        MessageCode::RecoveryKeyShown => {
            (key!(notifications.portal.recovery_key_shown.title), key!(notifications.portal.recovery_key_shown.body))
        }
        MessageCode::DeviceCategoryNeeded => {
            (key!(notifications.portal.category_needed.title), key!(notifications.portal.category_needed.body))
        }
        MessageCode::AppRequested => {
            (key!(notifications.portal.app_requested.title), key!(notifications.portal.app_requested.body))
        }
        MessageCode::AppRequestApproved => (
            key!(notifications.portal.app_request_approved.title),
            key!(notifications.portal.app_request_approved.body),
        ),
        MessageCode::AppRequestDeclined => (
            key!(notifications.portal.app_request_declined.title),
            key!(notifications.portal.app_request_declined.body),
        ),
        MessageCode::AppRequestWithdrawn => (
            key!(notifications.portal.app_request_withdrawn.title),
            key!(notifications.portal.app_request_withdrawn.body),
        ),
        // A newer server's code: its English text.
        MessageCode::Other => return None,
    })
}

/// A notification's title and body in the reader's language (tracked): the portal's own
/// from its code, the organisation's as written.
pub fn words(n: &Notification) -> impl Fn() -> (String, String) + Send + Sync + 'static {
    let i18n = use_i18n();
    let n = n.clone();
    move || match n.message.as_ref().and_then(|m| message_keys(m.code).map(|keys| (m, keys))) {
        Some((m, (title, body))) => {
            let values = [
                ("app", m.app.as_deref().unwrap_or_default()),
                ("device", m.device.as_deref().unwrap_or_default()),
                ("person", m.person.as_deref().unwrap_or_default()),
            ];
            (i18n.format(title, &values), i18n.format(body, &values))
        }
        None => (n.title.clone(), n.body.clone()),
    }
}

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let state = use_notifications();
    state.reload();
    view! {
        <h1>{tr!(notifications.title)}</h1>
        {move || match state.list.get() {
            None => view! { <p class="waiting" role="status">{tr!(notifications.loading)}</p> }.into_any(),
            Some(list) if list.notifications.is_empty() => view! { <p>{tr!(notifications.none)}</p> }.into_any(),
            Some(list) => view! {
                <ul class="notification-list">
                    {list.notifications.into_iter().map(|n| {
                        let id = n.id.clone();
                        let words = std::sync::Arc::new(words(&n));
                        let (title, body) = (words.clone(), words);
                        view! {
                            <li class=if n.read { "card notification" } else { "card notification unread" }>
                                <h2 class="notification-title">
                                    {(!n.read).then(|| view! { <span class="badge">{tr!(notifications.unread)}</span> " " })}
                                    {move || title().0}
                                </h2>
                                {(!n.body.is_empty()).then(|| view! { <p>{move || body().1}</p> })}
                                <p class="muted">{crate::pages::devices::when(key!(device.at), n.created_date_time, false)}</p>
                                <p class="notification-actions">
                                    {n.link.map(|href| view! { <a href=href>{tr!(notifications.open)}</a> " " })}
                                    {(!n.read).then(|| view! {
                                        <button class="button" on:click=move |_| state.mark_read(id.clone())>{tr!(notifications.mark_read)}</button>
                                    })}
                                </p>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any(),
        }}
    }
}
