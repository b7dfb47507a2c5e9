//! The HTTP surface: `/api/v1/*` (the Portal API), `/oidc/*` (the development identity
//! provider) and, with `--dist`, the SPA at `/`.

mod api;
mod apps;
mod devices;
mod events;
mod extract;
mod home;
mod notifications;
mod openapi;
mod openapi_contract;
mod problem;
mod profile;
mod protected_apps;
mod recovery;
mod requests;
pub mod security_headers;
mod spa;
mod terms;

pub use apps::install_status;
pub use problem::ApiError;

use crate::AppState;
use axum::Router;
use std::path::Path;
use tower_http::trace::TraceLayer;

pub fn router(state: AppState, dist: Option<&Path>, csp_report_uri: Option<&str>) -> anyhow::Result<Router> {
    // CORS for the configured SPA origins only, on what a browser app fetches.
    let cors = state.oidc.cors();
    let public_url = state.public_url.to_string();
    let mut app = Router::new()
        .nest("/api/v1", api::routes().layer(cors.clone()))
        .nest("/oidc", crate::oidc::routes(cors))
        .with_state(state);
    // Anything else under /api is an API 404 (problem+json), never the SPA's index.html.
    for path in ["/api", "/api/", "/api/{*rest}"] {
        app = app.route(path, axum::routing::any(problem::not_found));
    }
    // App icons and logos, embedded in the binary (the page loads nothing from other hosts).
    app = app.route("/assets/{*path}", axum::routing::get(crate::assets::serve));
    if let Some(dist) = dist {
        app = app.fallback_service(spa::service(dist)?);
    } else {
        app = app.fallback(problem::not_found);
    }
    let headers = security_headers::SecurityHeaders::new(&public_url, dist, csp_report_uri)?;
    let app = app.layer(axum::middleware::from_fn(move |req, next| headers.clone().middleware(req, next)));
    Ok(app.layer(TraceLayer::new_for_http()))
}
