//! Several instances over one PostgreSQL database act as one portal. What one instance
//! learns that the others must know goes through the database itself, with PostgreSQL's
//! `LISTEN`/`NOTIFY` on the channel [`CHANNEL`]:
//!
//! - every event published on an instance's bus (`events.rs`), so a change made through A
//!   reaches a browser whose stream B holds;
//! - "the tenant was imported again" (drop the tenant cache, the verified tokens; catalog
//!   verdicts follow the catalog) — also sent by `portal-server import`;
//! - "this person's facts changed" (Intune: read them afresh).
//!
//! Listening is one connection of its own, checked every few seconds and reconnected with
//! backoff when it fails. Whatever was said while an instance was not listening is lost to
//! it, so on every (re)connection it drops its caches and tells its streams to re-read
//! (`lagged`); an instance whose announcements could not be sent says so when it can again,
//! and the others' streams re-read. An event too large for a notification (8000 bytes) goes
//! as "re-read" for its user. SQLite stores are one instance: none of this runs.

use crate::events::{Announcement, EventBus, UserEvent};
use crate::store::Store;
use futures::StreamExt;
use portal_core::api::Event;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// The notification channel every instance of one database listens on.
pub const CHANNEL: &str = "portal_events";
/// PostgreSQL refuses payloads of 8000 bytes and more.
const MAX_PAYLOAD: usize = 7900;
/// How often the listener checks its connection, and how long the check may take.
const CHECK_EVERY: Duration = Duration::from_secs(5);
const LONGEST_BACKOFF: Duration = Duration::from_secs(5);

/// One notification, as JSON.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
enum Wire {
    Event {
        from: String,
        user: String,
        // Boxed: an event is far larger than the other notifications (serde is unaffected).
        event: Box<Event>,
    },
    Tenant {
        from: String,
    },
    Person {
        from: String,
        user: String,
    },
    /// The streams of `user` (all: `None`) re-read.
    Resync {
        from: String,
        user: Option<String>,
    },
}

/// What an instance does when another says the tenant or a person changed.
pub trait Reactions: Send + Sync {
    fn tenant_changed(&self);
    fn person_changed(&self, user_id: &str);
}

/// Connects `bus` to the other instances of `store`'s PostgreSQL database; nothing for
/// SQLite.
pub fn start(store: &Store, bus: &EventBus, reactions: Arc<dyn Reactions>) {
    let Some(mut config) = store.postgres_config() else { return };
    // Named, so an operator (or a test) can tell each instance's listener in pg_stat_activity.
    config.application_name(format!("portal-server listener {}", store.instance()));
    let (tx, rx) = mpsc::unbounded_channel();
    bus.connect_relay(tx);
    let instance: Arc<str> = store.instance().into();
    tokio::spawn(publish(store.clone(), rx));
    tokio::spawn(listen(config, instance, bus.clone(), reactions));
}

/// Tells the other instances of `store`'s database that the tenant was imported (for
/// `portal-server import`, which serves nothing itself).
pub async fn announce_import(store: &Store) -> anyhow::Result<()> {
    if store.postgres_config().is_none() {
        return Ok(());
    }
    let payload = serde_json::to_string(&Wire::Tenant { from: store.instance().to_string() })?;
    store.notify(CHANNEL, vec![payload]).await
}

fn encode(instance: &str, announcement: Announcement) -> String {
    let from = instance.to_string();
    let wire = match announcement {
        Announcement::Event(UserEvent { user_id, event }) => {
            Wire::Event { from, user: user_id.to_string(), event: Box::new(Event::clone(&event)) }
        }
        Announcement::TenantChanged => Wire::Tenant { from },
        Announcement::PersonChanged(user) => Wire::Person { from, user: user.to_string() },
    };
    let text = serde_json::to_string(&wire).unwrap_or_default();
    if text.len() <= MAX_PAYLOAD {
        return text;
    }
    let user = match wire {
        Wire::Event { user, .. } | Wire::Person { user, .. } => Some(user),
        _ => None,
    };
    serde_json::to_string(&Wire::Resync { from: instance.to_string(), user }).unwrap_or_default()
}

/// Sends announcements in order, a batch at a time, over pooled connections.
async fn publish(store: Store, mut announcements: mpsc::UnboundedReceiver<Announcement>) {
    let instance = store.instance().to_string();
    let mut lost = false;
    while let Some(first) = announcements.recv().await {
        let mut payloads = Vec::new();
        if lost {
            // Some announcements never left: the others' streams re-read.
            payloads
                .push(serde_json::to_string(&Wire::Resync { from: instance.clone(), user: None }).unwrap_or_default());
        }
        payloads.push(encode(&instance, first));
        while payloads.len() < 200 {
            match announcements.try_recv() {
                Ok(next) => payloads.push(encode(&instance, next)),
                Err(_) => break,
            }
        }
        match store.notify(CHANNEL, payloads).await {
            Ok(()) => lost = false,
            Err(e) => {
                if !lost {
                    tracing::warn!("telling the other instances: {e:#}");
                }
                lost = true;
            }
        }
    }
}

/// Listens for the other instances, reconnecting for as long as the process runs.
async fn listen(config: tokio_postgres::Config, instance: Arc<str>, bus: EventBus, reactions: Arc<dyn Reactions>) {
    let mut backoff = Duration::from_millis(250);
    let mut connected_before = false;
    loop {
        match config.connect(tokio_postgres::NoTls).await {
            Ok((client, mut connection)) => {
                let (tx, mut notifications) = mpsc::unbounded_channel::<String>();
                // The connection yields the notifications; it also carries the client's queries.
                let driver = tokio::spawn(async move {
                    let mut messages = futures::stream::poll_fn(move |cx| connection.poll_message(cx));
                    while let Some(message) = messages.next().await {
                        match message {
                            Ok(tokio_postgres::AsyncMessage::Notification(n)) => {
                                let _ = tx.send(n.payload().to_string());
                            }
                            Ok(_) => {}
                            Err(e) => {
                                tracing::warn!("PostgreSQL listener: {e}");
                                break;
                            }
                        }
                    }
                });
                if let Err(e) = client.batch_execute(&format!("LISTEN {CHANNEL}")).await {
                    tracing::warn!("PostgreSQL listener: LISTEN failed: {e}");
                    driver.abort();
                } else {
                    if connected_before {
                        tracing::info!("listening to the other instances again; every stream re-reads");
                    }
                    connected_before = true;
                    backoff = Duration::from_millis(250);
                    // What was said while this instance was not listening is lost to it.
                    reactions.tenant_changed();
                    bus.resync(None);
                    loop {
                        tokio::select! {
                            payload = notifications.recv() => match payload {
                                Some(payload) => receive(&instance, &bus, reactions.as_ref(), &payload),
                                None => break,
                            },
                            _ = tokio::time::sleep(CHECK_EVERY) => {
                                let check = tokio::time::timeout(CHECK_EVERY, client.simple_query("SELECT 1")).await;
                                if !matches!(check, Ok(Ok(_))) {
                                    break;
                                }
                            }
                        }
                    }
                    tracing::warn!("lost the connection that listens to the other instances; reconnecting");
                    driver.abort();
                }
            }
            Err(e) => tracing::warn!("PostgreSQL listener: connecting: {e}"),
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(LONGEST_BACKOFF);
    }
}

fn receive(instance: &str, bus: &EventBus, reactions: &dyn Reactions, payload: &str) {
    let wire: Wire = match serde_json::from_str(payload) {
        Ok(wire) => wire,
        Err(e) => {
            // A newer instance may say something this one does not know: re-read to be safe.
            tracing::debug!("an announcement this instance does not read ({e}); streams re-read");
            bus.resync(None);
            return;
        }
    };
    match wire {
        Wire::Event { from, .. } | Wire::Tenant { from } | Wire::Person { from, .. } | Wire::Resync { from, .. }
            if from == instance => {}
        Wire::Event { user, event, .. } => bus.deliver(UserEvent { user_id: user.into(), event: Arc::new(*event) }),
        Wire::Tenant { .. } => {
            reactions.tenant_changed();
            bus.resync(None);
        }
        Wire::Person { user, .. } => reactions.person_changed(&user),
        Wire::Resync { user, .. } => bus.resync(user.as_deref()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_too_large_for_a_notification_becomes_a_resync_for_its_user() {
        let small = Announcement::PersonChanged("u-1".into());
        assert!(encode("i", small).contains("\"kind\":\"person\""));
        let big = Announcement::Event(UserEvent {
            user_id: "u-1".into(),
            event: Arc::new(Event::DeviceRenamed { device_id: "d".into(), device_name: "x".repeat(10_000) }),
        });
        let text = encode("i", big);
        assert!(text.len() < MAX_PAYLOAD);
        assert!(text.contains("\"kind\":\"resync\"") && text.contains("u-1"), "{text}");
    }
}
