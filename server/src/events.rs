//! The live-changes bus: state-changing handlers and the device simulator publish
//! [`Event`]s for a user; each `/api/v1/me/events` stream subscribes and keeps only its own
//! user's. A tokio broadcast channel: publishing never blocks, and a slow stream that falls
//! behind is told to re-read (`lagged`) instead of holding memory for it.
//!
//! A user holds at most [`MAX_STREAMS_PER_USER`] streams at once.
//!
//! The bus is per process. With several instances over one PostgreSQL database,
//! `cluster.rs` relays what is published here to the other instances (and their changes
//! here), so an event reaches a user's streams whichever instance holds them; when that
//! relay was interrupted, every stream is told to re-read (`lagged`).

use portal_core::api::Event;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::{broadcast, mpsc, Notify};

/// Event streams one user may hold open at once (tabs, devices): more is refused (429), so
/// nobody can tie up the server's connections and memory with streams.
pub const MAX_STREAMS_PER_USER: usize = 10;

/// One published change: whose it is, and what.
#[derive(Debug, Clone)]
pub struct UserEvent {
    pub user_id: Arc<str>,
    pub event: Arc<Event>,
}

/// What the streams receive.
#[derive(Debug, Clone)]
pub enum Delivery {
    Event(UserEvent),
    /// The streams of this user (every user: `None`) may have missed events: re-read.
    Resync(Option<Arc<str>>),
}

/// What this instance tells the other instances over one database (`cluster.rs`).
#[derive(Debug, Clone)]
pub enum Announcement {
    /// An event published here, for the streams the others hold.
    Event(UserEvent),
    /// The tenant was imported again: drop what was cached of it.
    TenantChanged,
    /// What the tenant knows of this person changed (Intune): read them afresh.
    PersonChanged(Arc<str>),
}

#[derive(Clone)]
pub struct EventBus {
    sender: broadcast::Sender<Delivery>,
    /// To the other instances, once `cluster.rs` connected it.
    relay: Arc<OnceLock<mpsc::UnboundedSender<Announcement>>>,
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
        EventBus { sender, relay: Default::default(), work: Arc::new(Notify::new()), streams: Default::default() }
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

    /// Publishes `event` for `user_id`, to this instance's streams and the others'; nobody
    /// listening is fine.
    pub fn publish(&self, user_id: &str, event: Event) {
        let published = UserEvent { user_id: user_id.into(), event: Arc::new(event) };
        self.announce(Announcement::Event(published.clone()));
        let _ = self.sender.send(Delivery::Event(published));
    }

    /// An event another instance published: to this instance's streams only.
    pub fn deliver(&self, event: UserEvent) {
        let _ = self.sender.send(Delivery::Event(event));
    }

    /// Tells the streams of `user_id` (of everyone: `None`) to re-read.
    pub fn resync(&self, user_id: Option<&str>) {
        let _ = self.sender.send(Delivery::Resync(user_id.map(Into::into)));
    }

    /// Tells the other instances, if there are any.
    pub fn announce(&self, announcement: Announcement) {
        if let Some(relay) = self.relay.get() {
            let _ = relay.send(announcement);
        }
    }

    /// Connects the relay to the other instances (once).
    pub fn connect_relay(&self, relay: mpsc::UnboundedSender<Announcement>) {
        let _ = self.relay.set(relay);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Delivery> {
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
