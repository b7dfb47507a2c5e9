//! `GET /api/v1/me`: the signed-in user's profile, the first protected endpoint.

use super::ApiError;
use crate::auth::{user, Caller};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
pub use portal_core::api::Profile;

#[utoipa::path(get, path = "/api/v1/me", tag = "me",
    responses((status = 200, body = Profile), (status = 401, body = portal_core::problem::Problem)),
    security(("bearer" = [])))]
pub async fn me(caller: Caller, State(state): State<AppState>) -> Result<Json<Profile>, ApiError> {
    // The caller was found a moment ago; a tenant re-import in between makes it a 404.
    let u = user::by_id(&state.store, &caller.user_id)
        .await?
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "Not found"))?;
    Ok(Json(Profile { id: u.id, display_name: u.display_name, upn: u.upn, email: u.email }))
}
