//! `GET /api/v1/me`: the signed-in user's profile, the first protected endpoint (answered
//! before the terms of use are accepted: the header shows the name), and
//! `GET /api/v1/me/enrollment`.

use super::ApiError;
use crate::auth::{Caller, SignedIn};
use crate::AppState;
use axum::extract::State;
use axum::Json;
use portal_core::api::EnrollmentInfo;
pub use portal_core::api::Profile;

#[utoipa::path(get, path = "/api/v1/me", tag = "me",
    responses((status = 200, body = Profile), (status = 401, body = portal_core::problem::Problem)),
    security(("bearer" = [])))]
pub async fn me(SignedIn(caller): SignedIn, State(state): State<AppState>) -> Result<Json<Profile>, ApiError> {
    let catalog = state.tenant.catalog().await?.value;
    let p = caller.person;
    let is_approver = catalog.is_approver(&p.id);
    Ok(Json(Profile { is_approver, id: p.id, display_name: p.display_name, upn: p.upn, email: p.email }))
}

/// Whether (and how prominently) the organisation offers enrolling a device from the portal.
#[utoipa::path(get, path = "/api/v1/me/enrollment", tag = "me",
    responses((status = 200, body = EnrollmentInfo), (status = 401, body = portal_core::problem::Problem)),
    security(("bearer" = [])))]
pub async fn enrollment(caller: Caller, State(state): State<AppState>) -> Result<Json<EnrollmentInfo>, ApiError> {
    let organisation = state.tenant.organisation_for(&caller.person).await?.value;
    let availability = organisation.map(|o| o.settings.enrollment_availability).unwrap_or_default();
    Ok(Json(EnrollmentInfo { availability }))
}
