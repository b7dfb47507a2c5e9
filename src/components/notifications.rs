//! The user's notifications, shared app-wide: read once when signed in, then kept current
//! by live events (a new notification, one marked read elsewhere), so the header's unread
//! count and the notifications centre never disagree. Read state is the server's.

use crate::api::events::use_live_events;
use crate::api::{self};
use crate::auth::use_auth;
use crate::config::PortalConfig;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use portal_core::api::{Event, NotificationList};

#[derive(Clone, Copy)]
pub struct Notifications {
    /// `None` until the first read (or signed out).
    pub list: RwSignal<Option<NotificationList>>,
    /// Captured where provided: event handlers run outside the component tree.
    auth: Option<crate::auth::Auth>,
    config: StoredValue<Option<PortalConfig>>,
}

impl Notifications {
    pub fn unread(self) -> usize {
        self.list.with(|l| l.as_ref().map_or(0, |l| l.unread))
    }

    /// Marks `id` read here at once and on the server.
    pub fn mark_read(self, id: String) {
        self.set_read(&id);
        let (Some(auth), Some(config)) = (self.auth, self.config.get_value()) else { return };
        leptos::task::spawn_local(async move {
            let _ = api::notifications::mark_read(auth, &config, &id).await;
        });
    }

    /// Reads the list again. The notifications centre does when it opens: a notification
    /// made before the live stream was connected (a sign-in's first device read creates one)
    /// reaches no event, and the list read at sign-in predates it.
    pub fn reload(self) {
        let (Some(auth), Some(config)) = (self.auth, self.config.get_value()) else { return };
        leptos::task::spawn_local(async move {
            if let Ok(list) = api::notifications::list(auth, &config).await {
                self.list.set(Some(list));
            }
        });
    }

    fn set_read(self, id: &str) {
        self.list.update(|l| {
            if let Some(l) = l {
                l.notifications.iter_mut().filter(|n| n.id == id).for_each(|n| n.read = true);
                l.unread = l.notifications.iter().filter(|n| !n.read).count();
            }
        });
    }
}

/// Provides [`Notifications`]; call once below the live events provider.
pub fn provide_notifications() {
    let auth = use_auth();
    let config = use_context::<PortalConfig>();
    let state = Notifications { list: RwSignal::new(None), auth: Some(auth), config: StoredValue::new(config) };
    provide_context(state);
}

/// Loads the list while the user is signed in (again after a `lagged` resync) and keeps it
/// in step with the live events. In the `signed_in` chunk (see `components::shell`).
pub fn load_while_signed_in() {
    let state = use_notifications();
    let (Some(auth), Some(config)) = (state.auth, state.config.get_value()) else { return };
    let live = use_live_events();
    let signed_in = Memo::new(move |_| auth.is_signed_in());
    let gate = crate::components::terms_gate::use_terms_gate();
    Effect::new(move |_| {
        live.resync();
        // Read again once the terms are accepted (refused before).
        let _ = gate.map(|g| g.is_clear());
        if !signed_in.get() {
            state.list.set(None);
            return;
        }
        let config = config.clone();
        leptos::task::spawn_local(async move {
            if let Ok(list) = api::notifications::list(auth, &config).await {
                state.list.set(Some(list));
            }
        });
    });
    Effect::new(move |_| match live.latest() {
        Some(Event::Notification { notification }) => state.list.update(|l| {
            if let Some(l) = l {
                if !l.notifications.iter().any(|n| n.id == notification.id) {
                    l.unread += usize::from(!notification.read);
                    l.notifications.insert(0, notification);
                }
            }
        }),
        Some(Event::NotificationRead { id }) => state.set_read(&id),
        _ => {}
    });
}

pub fn use_notifications() -> Notifications {
    use_context::<Notifications>().unwrap_or(Notifications {
        list: RwSignal::new(None),
        auth: None,
        config: StoredValue::new(None),
    })
}

/// The header's link to the notifications centre with the unread count (read out as
/// "Notifications, 2 unread").
#[component]
pub fn NotificationsLink() -> impl IntoView {
    let state = use_notifications();
    let i18n = use_i18n();
    let count = move || state.unread();
    let label = move || {
        let title = i18n.text(key!(notifications.link));
        match count() {
            0 => title.to_string(),
            n => format!("{title}, {}", i18n.format_count(key!(notifications.unread_count), n as f64, &[])),
        }
    };
    view! {
        <a class="button on-brand notifications-link" href="/notifications" aria-label=label>
            // On a phone the bell stands for the word (the link's label still says it).
            <svg class="bell" aria-hidden="true" viewBox="0 0 24 24" width="20" height="20">
                <path
                    fill="currentColor"
                    d="M12 22a2 2 0 0 0 2-2h-4a2 2 0 0 0 2 2zm6-6v-5a6 6 0 0 0-5-5.9V4a1 1 0 0 0-2 0v1.1A6 6 0 0 0 6 11v5l-2 2v1h16v-1z"
                />
            </svg>
            <span class="notifications-word">{tr!(notifications.link)}</span>
            {move || (count() > 0).then(|| view! { " " <span class="count" aria-hidden="true">{move || crate::i18n::number(i18n.locale(), count() as f64)}</span> })}
        </a>
    }
}
