//! The live-changes bus: state-changing handlers and the device simulator publish
//! [`Event`]s for a user; each `/api/v1/me/events` stream subscribes and keeps only its own
//! user's. A tokio broadcast channel: publishing never blocks, and a slow stream that falls
//! behind is told to re-read (`lagged`) instead of holding memory for it.
//!
//! A user holds at most [`MAX_STREAMS_PER_USER`] streams at once.
//!
//! The bus is per process: behind a load balancer an event reaches the streams of the
//! instance that caused it (the page also re-reads on `lagged` and on reconnect).

use portal_core::api::Event;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{broadcast, Notify};

/// Event streams one user may hold open at once (tabs, devices): more is refused (429), so
/// nobody can tie up the server's connections and memory with streams.
pub const MAX_STREAMS_PER_USER: usize = 10;

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
    /// Open streams per user (see [`EventBus::open_stream`]).
    streams: Arc<Mutex<HashMap<Arc<str>, usize>>>,
}

/// One open event stream of a user; dropping it (the stream ended or the client went away)
/// frees its place.
pub struct StreamPermit {
    user_id: Arc<str>,
    streams: Arc<Mutex<HashMap<Arc<str>, usize>>>,
}

impl Drop for StreamPermit {
    fn drop(&mut self) {
        let mut streams = self.streams.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = streams.get_mut(&self.user_id) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                streams.remove(&self.user_id);
            }
        }
    }
}

impl Default for EventBus {
    fn default() -> Self {
        EventBus::new(1024)
    }
}

impl EventBus {
    pub fn new(capacity: usize) -> EventBus {
        let (sender, _) = broadcast::channel(capacity);
        EventBus { sender, work: Arc::new(Notify::new()), streams: Default::default() }
    }

    /// A place for one more stream of `user_id`, unless they hold [`MAX_STREAMS_PER_USER`].
    pub fn open_stream(&self, user_id: &str) -> Option<StreamPermit> {
        let user_id: Arc<str> = user_id.into();
        let mut streams = self.streams.lock().unwrap_or_else(|e| e.into_inner());
        let open = streams.entry(user_id.clone()).or_insert(0);
        if *open >= MAX_STREAMS_PER_USER {
            return None;
        }
        *open += 1;
        Some(StreamPermit { user_id, streams: self.streams.clone() })
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
