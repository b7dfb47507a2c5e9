//! Portal API v1 routes.

use super::ApiError;
use crate::AppState;
use axum::extract::DefaultBodyLimit;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use portal_core::branding::Branding;
use serde::Serialize;

/// The largest request body the API reads.
pub const BODY_LIMIT_BYTES: usize = 16 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/branding", get(branding))
        .route("/me", get(super::profile::me))
        .route("/me/home", get(super::home::home))
        .route("/me/devices", get(super::devices::list))
        .route("/me/devices/{id}", get(super::devices::details).patch(super::devices::rename))
        .route("/me/devices/{id}/actions", post(super::devices::run_action))
        .route("/me/apps", get(super::apps::list))
        .route("/me/apps/{app_id}", get(super::apps::details))
        .route("/me/apps/{app_id}/install", post(super::apps::install))
        .route("/me/apps/{app_id}/uninstall", post(super::apps::uninstall))
        .route("/me/protected-apps", get(super::protected_apps::list))
        .route("/me/protected-apps/wipe", post(super::protected_apps::wipe))
        .route("/me/notifications", get(super::notifications::list))
        .route("/me/notifications/{id}/read", post(super::notifications::mark_read))
        .route("/me/events", get(super::events::stream))
        .route("/me/events/ticket", post(super::events::ticket))
        .route("/openapi.json", get(super::openapi::document))
        // Every request body of the API is a small JSON object; more is refused (413).
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .method_not_allowed_fallback(super::problem::method_not_allowed)
        .fallback(super::problem::not_found)
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    version: &'static str,
}

/// Liveness and readiness in one: answers only when the database answers.
async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    state.store.run(|conn| Ok(conn.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))?)).await?;
    Ok(Json(Health { status: "ok", version: env!("CARGO_PKG_VERSION") }))
}

/// Public: shown on the sign-in landing page before anyone signs in. Every page load asks
/// for it, so the tenant answers it from memory (the embedded tenant's per-import cache, the
/// Intune tenant's branding cache).
async fn branding(State(state): State<AppState>) -> Result<Json<Branding>, ApiError> {
    match state.tenant.branding().await?.value {
        Some(b) => Ok(Json(b)),
        None => Err(ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "No tenant is loaded")),
    }
}
