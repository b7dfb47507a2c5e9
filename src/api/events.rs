//! Live changes from `GET /api/v1/me/events` (server-sent events), shared by every page.
//!
//! Why a ticket and `EventSource`: the browser's `EventSource` reconnects and parses the
//! stream for free but cannot send an `Authorization` header, and an access token must never
//! appear in a URL (logs, history). So each connection first asks
//! `POST /api/v1/me/events/ticket` (bearer, with the usual 401 refresh) for a single-use,
//! 60-second ticket and opens `…/me/events?ticket=…`. A ticket works once, so the browser's
//! own reconnect is not used: on any error the source is closed and a new one is opened with
//! a new ticket after a backoff (1 s, doubling to 30 s; reset once the stream says `ready`).
//!
//! # API (stable: other pages depend on it)
//!
//! - [`provide_live_events`]: call once, high in the tree (the shell does). It connects while
//!   the user is signed in and disconnects on sign-out.
//! - [`use_live_events`] → [`LiveEvents`] (`Copy`), anywhere below. Outside a provider it is
//!   inert (no events ever), so components render in tests without a server.
//!   - [`LiveEvents::latest`]: the latest [`Event`] (tracked). Every event notifies, even one
//!     equal to the last; each is published in its own browser task (see `deliver`), so an
//!     effect that reads `latest()` sees every event.
//!   - [`LiveEvents::version`]: counts events (tracked), for "something changed" reactions.
//!   - [`LiveEvents::resync`]: increases (tracked) when events may have been missed — after a
//!     reconnect, or when the server says the stream `lagged`. React by re-reading from the
//!     API. It does not change for the first connection.
//!   - [`LiveEvents::connected`]: whether the stream is open (tracked), e.g. to say that
//!     status is live.
//!
//! ```ignore
//! let live = use_live_events();
//! Effect::new(move |_| {
//!     if let Some(Event::Install { app_id, install, .. }) = live.latest() { /* update */ }
//! });
//! Effect::new(move |_| { live.resync(); /* refetch */ });
//! ```

use super::{send_json_signed_in, Method};
use crate::auth::{use_auth, Auth};
use crate::config::PortalConfig;
use leptos::prelude::*;
use portal_core::api::{Event, EventTicket};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

const BACKOFF_FIRST_MS: i32 = 1_000;
const BACKOFF_MAX_MS: i32 = 30_000;

/// The app-wide live event stream (see the module doc).
#[derive(Clone, Copy)]
pub struct LiveEvents {
    latest: RwSignal<Option<Event>>,
    version: RwSignal<u64>,
    resync: RwSignal<u64>,
    connected: RwSignal<bool>,
}

impl LiveEvents {
    fn new() -> LiveEvents {
        LiveEvents {
            latest: RwSignal::new(None),
            version: RwSignal::new(0),
            resync: RwSignal::new(0),
            connected: RwSignal::new(false),
        }
    }

    /// The latest event (tracked).
    pub fn latest(self) -> Option<Event> {
        self.latest.get()
    }

    /// How many events arrived so far (tracked).
    pub fn version(self) -> u64 {
        self.version.get()
    }

    /// Increases when events may have been missed: re-read from the API (tracked).
    pub fn resync(self) -> u64 {
        self.resync.get()
    }

    /// Whether the stream is open (tracked).
    pub fn connected(self) -> bool {
        self.connected.get()
    }

    /// Delivers `event` as if it came from the stream: for a page that learns of a change
    /// from an API answer first (e.g. a rename's 200), so every other view follows at once.
    pub fn publish(self, event: Event) {
        self.latest.set(Some(event));
        self.version.update(|v| *v += 1);
    }
}

/// The live events below the nearest provider; inert without one.
pub fn use_live_events() -> LiveEvents {
    use_context::<LiveEvents>().unwrap_or_else(LiveEvents::new)
}

/// Provides [`LiveEvents`] and keeps the stream open while signed in. Needs the [`Auth`]
/// and [`PortalConfig`] contexts; without a config nothing connects.
pub fn provide_live_events() -> LiveEvents {
    let live = LiveEvents::new();
    provide_context(live);
    live
}

/// Connects the event stream while the user is signed in, and closes it on sign-out. In the
/// `signed_in` chunk (see `components::shell`): a signed-out visit needs none of it.
pub fn stream_while_signed_in() {
    let live = use_live_events();
    let auth = use_auth();
    let Some(config) = use_context::<PortalConfig>() else { return };
    let stream = Rc::new(Stream { live, auth, config, state: RefCell::new(State::default()) });
    let signed_in = Memo::new(move |_| auth.is_signed_in());
    let on_change = stream.clone();
    Effect::new(move |_| {
        if signed_in.get() {
            on_change.clone().connect();
        } else {
            on_change.close();
        }
    });
}

type Handler = Box<dyn Fn(&Rc<Stream>, web_sys::Event)>;

struct Stream {
    live: LiveEvents,
    auth: Auth,
    config: PortalConfig,
    state: RefCell<State>,
}

#[derive(Default)]
struct State {
    source: Option<web_sys::EventSource>,
    /// Kept alive as long as the source that calls them.
    listeners: Vec<Closure<dyn FnMut(web_sys::Event)>>,
    /// Bumped by every connect and close, so a stale attempt or timer does nothing.
    generation: u64,
    backoff_ms: i32,
    /// Whether a connection was ever ready: a later `ready` means events may be missed.
    was_ready: bool,
}

impl Stream {
    /// Closes any open source and opens a new one (new ticket).
    fn connect(self: Rc<Self>) {
        let generation = self.reset();
        leptos::task::spawn_local(async move { self.open(generation).await });
    }

    /// Closes the source and cancels pending reconnects.
    fn close(&self) {
        self.reset();
        self.live.connected.set(false);
    }

    fn reset(&self) -> u64 {
        let mut state = self.state.borrow_mut();
        if let Some(source) = state.source.take() {
            source.close();
        }
        state.listeners.clear();
        state.generation += 1;
        state.generation
    }

    fn current(&self, generation: u64) -> bool {
        self.state.borrow().generation == generation
    }

    async fn open(self: Rc<Self>, generation: u64) {
        let url = self.config.api_url("/me/events/ticket");
        let ticket: Result<EventTicket, _> =
            send_json_signed_in(self.auth, Method::POST, &url, &serde_json::Value::Null).await;
        if !self.current(generation) {
            return;
        }
        let Ok(ticket) = ticket else {
            if self.auth.is_signed_in() {
                self.retry_later(generation);
            }
            return;
        };
        let stream_url = format!(
            "{}?ticket={}",
            self.config.api_url("/me/events"),
            String::from(js_sys::encode_uri_component(&ticket.ticket))
        );
        let Ok(source) = web_sys::EventSource::new(&stream_url) else {
            self.retry_later(generation);
            return;
        };
        let mut listeners = Vec::new();
        let weak = Rc::downgrade(&self);
        let mut listen = |name: &str, handler: Handler| {
            let weak = weak.clone();
            let closure = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
                if let Some(stream) = weak.upgrade() {
                    if stream.current(generation) {
                        handler(&stream, event);
                    }
                }
            });
            let _ = source.add_event_listener_with_callback(name, closure.as_ref().unchecked_ref());
            listeners.push(closure);
        };
        // Every name the server sends (portal-core's own list: a new event cannot be missed).
        for name in Event::NAMES {
            listen(name, Box::new(|stream, event| stream.deliver(event)));
        }
        listen(
            "ready",
            Box::new(|stream, _| {
                let missed = {
                    let mut state = stream.state.borrow_mut();
                    state.backoff_ms = 0;
                    std::mem::replace(&mut state.was_ready, true)
                };
                stream.live.connected.set(true);
                if missed {
                    stream.live.resync.update(|n| *n += 1);
                }
            }),
        );
        listen("lagged", Box::new(|stream, _| stream.live.resync.update(|n| *n += 1)));
        listen(
            "error",
            Box::new(move |stream, _| {
                stream.live.connected.set(false);
                let stream = stream.clone();
                let generation = stream.reset();
                stream.retry_later(generation);
            }),
        );
        let mut state = self.state.borrow_mut();
        state.source = Some(source);
        state.listeners = listeners;
    }

    /// Opens a new connection after the backoff, unless something else connected or
    /// closed meanwhile.
    fn retry_later(self: Rc<Self>, generation: u64) {
        let delay = {
            let mut state = self.state.borrow_mut();
            state.backoff_ms = (state.backoff_ms * 2).clamp(BACKOFF_FIRST_MS, BACKOFF_MAX_MS);
            state.backoff_ms
        };
        let weak = Rc::downgrade(&self);
        let retry = Closure::once_into_js(move || {
            if let Some(stream) = weak.upgrade() {
                if stream.current(generation) && stream.auth.is_signed_in() {
                    stream.connect();
                }
            }
        });
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(retry.unchecked_ref(), delay);
        }
    }

    /// Parses one message's data into an [`Event`]; anything else is ignored (a newer
    /// server may send events this page does not know).
    fn deliver(&self, event: web_sys::Event) {
        let Some(message) = event.dyn_ref::<web_sys::MessageEvent>() else { return };
        let Some(data) = message.data().as_string() else { return };
        let Ok(event) = serde_json::from_str::<Event>(&data) else { return };
        // Chromium dispatches every message of one network chunk in the same task, and
        // effects run after the task: two events published back to back (an install's
        // result and its notification) would reach effects as the last one only. Each event
        // is therefore published in its own task, in order (timers with the same delay
        // run first-in, first-out).
        let live = self.live;
        let publish = Closure::once_into_js(move || live.publish(event));
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(publish.unchecked_ref(), 0);
        }
    }
}
