//! Request extractors whose rejections are problem documents: axum's own `Json`, `Path` and
//! `Query` answer bad input with plain text; these answer the same status (400, 413, 415,
//! 422) as `application/problem+json`, so every error of the API has one shape.

use super::ApiError;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::StatusCode;

/// `axum::Json` with problem-document rejections (malformed JSON, wrong content type,
/// a body over the limit, unknown fields).
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct Json<T>(pub T);

/// `axum::extract::Path` with problem-document rejections.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct Path<T>(pub T);

/// `axum::extract::Query` with problem-document rejections.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct Query<T>(pub T);

fn title(status: StatusCode) -> &'static str {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => "The request body is too large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "The request body must be JSON (Content-Type: application/json)",
        StatusCode::UNPROCESSABLE_ENTITY => "The request body does not have the expected fields",
        _ => "The request is not valid",
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        let status = rejection.status();
        ApiError::with_detail(status, title(status), rejection.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        // A path that does not parse names nothing: the same answer as an unknown id.
        let status = if rejection.status().is_server_error() { StatusCode::NOT_FOUND } else { rejection.status() };
        ApiError::with_detail(status, title(status), rejection.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::with_detail(StatusCode::BAD_REQUEST, "The query string is not valid", rejection.body_text())
    }
}
