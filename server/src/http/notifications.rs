//! `/api/v1/me/notifications`: the caller's notifications and marking one read.

use super::extract::Path;
use super::ApiError;
use crate::auth::Caller;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use portal_core::api::{Event, NotificationList};

#[utoipa::path(get, path = "/api/v1/me/notifications", tag = "notifications", operation_id = "listNotifications",
    responses((status = 200, body = NotificationList), (status = 401, body = portal_core::problem::Problem)),
    security(("bearer" = [])))]
pub async fn list(caller: Caller, State(state): State<AppState>) -> Result<axum::Json<NotificationList>, ApiError> {
    let notifications = state.store.notifications_of_user(&caller.user_id).await?;
    let unread = notifications.iter().filter(|n| !n.read).count();
    Ok(axum::Json(NotificationList { notifications, unread }))
}

#[utoipa::path(post, path = "/api/v1/me/notifications/{id}/read", tag = "notifications",
    params(("id" = String, Path, description = "A notification id", example = "n-amara-grace")),
    responses((status = 204, description = "Marked read (also when it already was)"),
        (status = 404, body = portal_core::problem::Problem)),
    security(("bearer" = [])))]
pub async fn mark_read(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    if !state.store.mark_notification_read(&caller.user_id, &id).await? {
        return Err(ApiError::not_found("notification"));
    }
    state.events.publish(&caller.user_id, Event::NotificationRead { id });
    Ok(StatusCode::NO_CONTENT)
}
