//! Errors as RFC 9457 problem documents (`application/problem+json`).

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use portal_core::problem::{Problem, CONTENT_TYPE};

/// An error a handler returns; it renders as a problem document. Internal errors are
/// logged with their cause and shown to the client without it.
#[derive(Debug)]
pub enum ApiError {
    Problem(Problem),
    Internal(anyhow::Error),
}

impl ApiError {
    pub fn new(status: StatusCode, title: &str) -> Self {
        ApiError::Problem(Problem::new(status.as_u16(), title))
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(e: anyhow::Error) -> Self {
        ApiError::Internal(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let problem = match self {
            ApiError::Problem(p) => p,
            ApiError::Internal(e) => {
                tracing::error!("internal error: {e:#}");
                Problem::new(500, "Something went wrong on the server")
                    .with_detail("The error was logged. Try again in a moment.")
            }
        };
        let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        (status, [(header::CONTENT_TYPE, CONTENT_TYPE)], body).into_response()
    }
}

pub async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "Not found")
}
