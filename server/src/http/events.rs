//! `GET /api/v1/me/events`: the caller's live changes as server-sent events.
//!
//! Authentication: a streamed `fetch` sends `Authorization: Bearer …` as for every other
//! call; a browser `EventSource`, which cannot send headers, first obtains a ticket from
//! `POST /api/v1/me/events/ticket` (with the bearer token) and opens `…/events?ticket=…`.
//! Tickets are random, single-use, valid for [`TICKET_TTL_SECS`] and stored only as
//! hashes, so the access token itself never appears in a URL or a log.

use super::extract::Query;
use super::ApiError;
use crate::auth::{Rejection, SignedIn};
use crate::events::{Delivery, UserEvent};
use crate::AppState;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use portal_core::api::EventTicket;
use serde::Deserialize;
use std::convert::Infallible;
use std::time::Duration;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::StreamExt;

/// Long enough to open the stream right after asking, short enough to be useless later.
pub const TICKET_TTL_SECS: u64 = 60;
/// Proxies drop idle connections; a comment line this often keeps the stream open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    /// A ticket from `POST /api/v1/me/events/ticket`, for clients that cannot send an
    /// Authorization header.
    ticket: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/me/events/ticket", tag = "events",
    responses((status = 200, body = EventTicket), (status = 401, body = portal_core::problem::Problem)),
    security(("bearer" = [])))]
pub async fn ticket(
    SignedIn(caller): SignedIn,
    State(state): State<AppState>,
) -> Result<axum::Json<EventTicket>, ApiError> {
    let ticket = state.store.issue_event_ticket(&caller.user_id, TICKET_TTL_SECS).await?;
    Ok(axum::Json(EventTicket { ticket, expires_in: TICKET_TTL_SECS }))
}

#[utoipa::path(get, path = "/api/v1/me/events", tag = "events", params(EventsQuery),
    responses((status = 200, description = "`text/event-stream`: a `ready` event, then one event per change \
        (`data` is a portal-core `Event`), `lagged` when the stream fell behind (re-read), and keep-alive comments",
        content_type = "text/event-stream", body = portal_core::api::Event),
        (status = 401, body = portal_core::problem::Problem),
        (status = 429, description = "The user holds the most event streams allowed at once", body = portal_core::problem::Problem)),
    security(("bearer" = []), ()))]
pub async fn stream(
    State(state): State<AppState>,
    Query(query): Query<EventsQuery>,
    mut parts: Parts,
) -> Result<Response, Response> {
    let user_id = if parts.headers.contains_key(header::AUTHORIZATION) {
        SignedIn::from_request_parts(&mut parts, &state).await.map_err(IntoResponse::into_response)?.0.user_id
    } else if let Some(ticket) = query.ticket.as_deref() {
        state.store.redeem_event_ticket(ticket).await.map_err(|e| ApiError::from(e).into_response())?.ok_or_else(
            || {
                ApiError::with_detail(
                    StatusCode::UNAUTHORIZED,
                    "The event ticket is not valid",
                    "Tickets work once and expire after a minute; ask for a new one.",
                )
                .into_response()
            },
        )?
    } else {
        return Err(Rejection::Missing.into_response());
    };

    let permit = state.events.open_stream(&user_id).ok_or_else(|| {
        let mut res = ApiError::with_detail(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many open event streams",
            format!("At most {} streams at once per user; close one first.", crate::events::MAX_STREAMS_PER_USER),
        )
        .into_response();
        res.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from_static("15"));
        res
    })?;
    // Subscribe before answering, so nothing published after `ready` is missed. The permit
    // lives as long as the stream.
    let updates = BroadcastStream::new(state.events.subscribe()).filter_map(move |message| {
        let _open = &permit;
        match message {
            Ok(Delivery::Event(UserEvent { user_id: owner, event })) if *owner == *user_id => Some(
                SseEvent::default()
                    .event(event.name())
                    .data(serde_json::to_string(&*event).unwrap_or_else(|_| "{}".to_string())),
            ),
            // Events may have been missed (another instance could not be heard): re-read.
            Ok(Delivery::Resync(whose)) if whose.as_deref().is_none_or(|w| *w == *user_id) => {
                Some(SseEvent::default().event("lagged").data("1"))
            }
            Ok(_) => None,
            Err(BroadcastStreamRecvError::Lagged(missed)) => {
                Some(SseEvent::default().event("lagged").data(missed.to_string()))
            }
        }
    });
    let events =
        tokio_stream::once(SseEvent::default().event("ready").data("{}")).chain(updates).map(Ok::<_, Infallible>);
    let mut response = Sse::new(events).keep_alive(KeepAlive::new().interval(KEEP_ALIVE)).into_response();
    // Tell buffering reverse proxies (nginx) to pass events through as they come.
    response.headers_mut().insert("x-accel-buffering", header::HeaderValue::from_static("no"));
    Ok(response)
}
