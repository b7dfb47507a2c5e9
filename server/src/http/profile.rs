//! `GET /api/v1/me`: the signed-in user's profile, the first protected endpoint.

use super::ApiError;
use crate::auth::Caller;
use axum::Json;
pub use portal_core::api::Profile;

#[utoipa::path(get, path = "/api/v1/me", tag = "me",
    responses((status = 200, body = Profile), (status = 401, body = portal_core::problem::Problem)),
    security(("bearer" = [])))]
pub async fn me(caller: Caller) -> Result<Json<Profile>, ApiError> {
    let p = caller.person;
    Ok(Json(Profile { id: p.id, display_name: p.display_name, upn: p.upn, email: p.email }))
}
