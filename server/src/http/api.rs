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
        .route("/live", get(live))
        .route("/branding", get(branding))
        .route("/branding/logo", get(logo))
        .route("/icons/{app_id}", get(app_icon))
        .route("/me", get(super::profile::me))
        .route("/me/home", get(super::home::home))
        .route("/me/devices", get(super::devices::list))
        .route("/me/devices/{id}", get(super::devices::details).patch(super::devices::rename))
        .route("/me/devices/{id}/actions", post(super::devices::run_action))
        .route("/me/devices/{id}/recovery-key", post(super::recovery::reveal))
        .route("/me/devices/{id}/category", axum::routing::put(super::devices::choose_category))
        .route("/me/apps", get(super::apps::list))
        .route("/me/apps/{app_id}", get(super::apps::details))
        .route("/me/apps/{app_id}/install", post(super::apps::install))
        .route("/me/apps/{app_id}/uninstall", post(super::apps::uninstall))
        .route("/me/apps/{app_id}/requests", post(super::requests::create))
        .route("/me/app-requests", get(super::requests::mine))
        .route("/me/app-requests/{id}/withdraw", post(super::requests::withdraw))
        .route("/me/approvals", get(super::requests::approvals))
        .route("/me/approvals/{id}", post(super::requests::decide))
        .route("/me/terms", get(super::terms::status))
        .route("/me/terms/acceptance", post(super::terms::accept))
        .route("/me/enrollment", get(super::profile::enrollment))
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

/// How long the readiness check waits for the database before it says the instance is not
/// ready: a load balancer's check has its own time-out, and a hung database must answer 503,
/// not nothing.
const READY_WITHIN: std::time::Duration = std::time::Duration::from_secs(2);

/// Readiness: 200 only when the instance's database answers (within [`READY_WITHIN`]), so a
/// load balancer sends people only to an instance that can serve them.
async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    match tokio::time::timeout(READY_WITHIN, state.store.ping()).await {
        Ok(answer) => answer?,
        Err(_) => {
            return Err(ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "The database did not answer within 2 seconds"))
        }
    }
    Ok(Json(Health { status: "ok", version: env!("CARGO_PKG_VERSION") }))
}

/// Liveness: the process is up and serving HTTP. It does not touch the database, so an
/// orchestrator that restarts unhealthy instances does not restart all of them when the
/// shared database is briefly away (they become unready instead, `/health`).
async fn live() -> Json<Health> {
    Json(Health { status: "ok", version: env!("CARGO_PKG_VERSION") })
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

/// An image the tenant holds, cacheable for a day (an icon changes rarely; a new one comes
/// with the next catalog read).
fn image(image: Option<std::sync::Arc<crate::tenant::Image>>) -> Result<axum::response::Response, ApiError> {
    use axum::http::{header, HeaderValue};
    use axum::response::IntoResponse;
    let image = image.ok_or_else(|| ApiError::not_found("image"))?;
    let mut response = image.bytes.clone().into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(image.content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    Ok(response)
}

/// Public: an app's icon when the tenant holds it (Intune), from the portal's own origin.
async fn app_icon(
    State(state): State<AppState>,
    super::extract::Path(app_id): super::extract::Path<String>,
) -> Result<axum::response::Response, ApiError> {
    image(state.tenant.app_icon(&app_id).await)
}

/// Public: the organisation's logo when the tenant holds it (Intune's branding).
async fn logo(State(state): State<AppState>) -> Result<axum::response::Response, ApiError> {
    image(state.tenant.logo().await)
}
