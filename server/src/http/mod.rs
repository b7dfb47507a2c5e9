//! The HTTP surface: `/api/v1/*` (the Portal API) and, with `--dist`, the SPA at `/`.

mod api;
mod problem;
mod spa;

pub use problem::ApiError;

use crate::AppState;
use axum::Router;
use std::path::Path;
use tower_http::trace::TraceLayer;

pub fn router(state: AppState, dist: Option<&Path>) -> anyhow::Result<Router> {
    let mut app = Router::new().nest("/api/v1", api::routes()).with_state(state);
    // Anything else under /api is an API 404 (problem+json), never the SPA's index.html.
    for path in ["/api", "/api/", "/api/{*rest}"] {
        app = app.route(path, axum::routing::any(problem::not_found));
    }
    if let Some(dist) = dist {
        app = app.fallback_service(spa::service(dist)?);
    } else {
        app = app.fallback(problem::not_found);
    }
    Ok(app.layer(TraceLayer::new_for_http()))
}
