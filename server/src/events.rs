//! The live-changes bus: state-changing handlers and the device simulator publish
//! [`Event`]s for a user; each `/api/v1/me/events` stream subscribes and keeps only its own
//! user's. A tokio broadcast channel: publishing never blocks, and a slow stream that falls
//! behind is told to re-read (`lagged`) instead of holding memory for it.
//!
//! The bus is per process: behind a load balancer an event reaches the streams of the
//! instance that caused it (the page also re-reads on `lagged` and on reconnect).

use portal_core::api::Event;
use std::sync::Arc;
use tokio::sync::{broadcast, Notify};

/// One published change: whose it is, and what.
#[derive(Debug, Clone)]
pub struct UserEvent {
    pub user_id: Arc<str>,
    pub event: Arc<Event>,
}

#[derive(Clone)]
pub struct EventBus {
    sender: broadcast::Sender<UserEvent>,
    /// Wakes the simulator when a handler queued work, so a zero delay means now.
    work: Arc<Notify>,
}

impl Default for EventBus {
    fn default() -> Self {
        EventBus::new(1024)
    }
}

impl EventBus {
    pub fn new(capacity: usize) -> EventBus {
        let (sender, _) = broadcast::channel(capacity);
        EventBus { sender, work: Arc::new(Notify::new()) }
    }

    /// Publishes `event` for `user_id`; nobody listening is fine.
    pub fn publish(&self, user_id: &str, event: Event) {
        let _ = self.sender.send(UserEvent { user_id: user_id.into(), event: Arc::new(event) });
    }

    pub fn subscribe(&self) -> broadcast::Receiver<UserEvent> {
        self.sender.subscribe()
    }

    /// A handler queued something for the simulator.
    pub fn work_queued(&self) {
        self.work.notify_one();
    }

    /// Resolves when work was queued since the last call (or now, if it was).
    pub async fn wait_for_work(&self) {
        self.work.notified().await;
    }
}
