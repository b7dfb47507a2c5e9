//! Errors as RFC 9457 problem documents (`application/problem+json`).

use crate::tenant::TenantError;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use portal_core::problem::{Problem, CONTENT_TYPE, TENANT_UNAVAILABLE};
use std::time::Duration;

/// An error a handler returns; it renders as a problem document. Internal errors are
/// logged with their cause and shown to the client without it.
#[derive(Debug)]
pub enum ApiError {
    Problem(Problem),
    /// The tenant could not answer and had nothing read earlier: 503 with `Retry-After`.
    TenantUnavailable {
        retry_after: Duration,
    },
    Internal(anyhow::Error),
}

impl ApiError {
    pub fn new(status: StatusCode, title: &str) -> Self {
        ApiError::Problem(Problem::new(status.as_u16(), title))
    }

    /// With a detail for developers (the page shows the title, or its own text for `reason`).
    pub fn with_detail(status: StatusCode, title: &str, detail: impl Into<String>) -> Self {
        ApiError::Problem(Problem::new(status.as_u16(), title).with_detail(detail))
    }

    /// 404 for anything that is not the caller's, exactly as for what does not exist.
    pub fn not_found(what: &str) -> Self {
        ApiError::with_detail(StatusCode::NOT_FOUND, "Not found", format!("No such {what}."))
    }

    /// A refusal by a `portal-core` rule: the reason travels as `reason` (and its code in
    /// `detail`), so the page explains it exactly as it explains a disabled button.
    pub fn refused(status: StatusCode, title: &str, reason: portal_core::api::Refusal) -> Self {
        let code = serde_json::to_value(reason)
            .ok()
            .and_then(|v| v.get("code").and_then(|c| c.as_str()).map(str::to_string))
            .unwrap_or_else(|| "refused".to_string());
        ApiError::Problem(
            Problem::new(status.as_u16(), title).with_detail(format!("Refused: {code}.")).with_reason(reason),
        )
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(e: anyhow::Error) -> Self {
        ApiError::Internal(e)
    }
}

impl From<TenantError> for ApiError {
    fn from(e: TenantError) -> Self {
        match e {
            TenantError::Unavailable { retry_after, .. } => ApiError::TenantUnavailable { retry_after },
            TenantError::Refused(reason) => {
                use portal_core::api::Refusal;
                use portal_core::rules::actions::Reason;
                let status = match reason {
                    Refusal::Action(Reason::AlreadyPending) => StatusCode::CONFLICT,
                    _ => StatusCode::FORBIDDEN,
                };
                ApiError::refused(status, "The organisation's device management refused this change", reason)
            }
            TenantError::Other(e) => ApiError::Internal(e),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut retry_after = None;
        let problem = match self {
            ApiError::Problem(p) => p,
            ApiError::TenantUnavailable { retry_after: wait } => {
                let seconds = wait.as_secs().max(1);
                retry_after = Some(seconds);
                Problem::new(503, "The organisation's device management isn't answering")
                    .with_kind(TENANT_UNAVAILABLE)
                    .with_detail(format!("Microsoft Intune did not answer in time. Try again in {seconds} s."))
            }
            ApiError::Internal(e) => {
                tracing::error!("internal error: {e:#}");
                Problem::new(500, "Something went wrong on the server")
                    .with_detail("The error was logged. Try again in a moment.")
            }
        };
        let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response = (status, [(header::CONTENT_TYPE, CONTENT_TYPE)], body).into_response();
        if let Some(seconds) = retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
        }
        response
    }
}

pub async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "Not found")
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed")
}
