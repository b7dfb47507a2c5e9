//! The notifications centre: newest first, unread ones marked, each with a link to what it
//! is about; results of actions and installs arrive here live.

use crate::components::notifications::use_notifications;
use leptos::prelude::*;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let state = use_notifications();
    view! {
        <h1>{tr!(notifications.title)}</h1>
        {move || match state.list.get() {
            None => view! { <p role="status">{tr!(notifications.loading)}</p> }.into_any(),
            Some(list) if list.notifications.is_empty() => view! { <p>{tr!(notifications.none)}</p> }.into_any(),
            Some(list) => view! {
                <ul class="notification-list">
                    {list.notifications.into_iter().map(|n| {
                        let id = n.id.clone();
                        view! {
                            <li class=if n.read { "card notification" } else { "card notification unread" }>
                                <h2 class="notification-title">
                                    {(!n.read).then(|| view! { <span class="badge">{tr!(notifications.unread)}</span> " " })}
                                    {n.title}
                                </h2>
                                {(!n.body.is_empty()).then(|| view! { <p>{n.body}</p> })}
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
