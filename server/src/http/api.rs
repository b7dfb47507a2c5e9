//! Portal API v1 routes.

use super::ApiError;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use portal_core::branding::Branding;
use serde::Serialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/branding", get(branding))
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

/// Public: shown on the sign-in landing page before anyone signs in.
async fn branding(State(state): State<AppState>) -> Result<Json<Branding>, ApiError> {
    match state.store.branding().await? {
        Some(b) => Ok(Json(b)),
        None => Err(ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "No tenant is loaded")),
    }
}
