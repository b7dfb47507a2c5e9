//! Asking for an app and deciding on requests (`server/src/http/requests.rs`): the caller's
//! own requests (ask, withdraw) and the approvals of the apps they approve.

use super::{get_json_signed_in, send_json_signed_in, ApiError, Method};
use crate::auth::Auth;
use crate::config::PortalConfig;
use portal_core::api::{AppRequestList, DecideRequest, Decision, NewAppRequest};
use portal_core::domain::AppRequest;

fn encode(value: &str) -> String {
    String::from(js_sys::encode_uri_component(value))
}

/// `POST /me/apps/{appId}/requests`: asks for `app_id`, giving `reason`.
pub async fn ask(auth: Auth, config: &PortalConfig, app_id: &str, reason: String) -> Result<AppRequest, ApiError> {
    let url = config.api_url(&format!("/me/apps/{}/requests", encode(app_id)));
    send_json_signed_in(auth, Method::POST, &url, &NewAppRequest { reason }).await
}

/// `POST /me/app-requests/{id}/withdraw`: takes a waiting request back.
pub async fn withdraw(auth: Auth, config: &PortalConfig, id: &str) -> Result<AppRequest, ApiError> {
    let url = config.api_url(&format!("/me/app-requests/{}/withdraw", encode(id)));
    send_json_signed_in(auth, Method::POST, &url, &serde_json::Value::Null).await
}

/// `GET /me/approvals`: requests for the apps the caller approves, waiting ones first.
pub async fn approvals(auth: Auth, config: &PortalConfig) -> Result<AppRequestList, ApiError> {
    get_json_signed_in(auth, &config.api_url("/me/approvals")).await
}

/// `POST /me/approvals/{id}`: approves or declines, with an optional comment for the requester.
pub async fn decide(
    auth: Auth,
    config: &PortalConfig,
    id: &str,
    decision: Decision,
    comment: Option<String>,
) -> Result<AppRequest, ApiError> {
    let url = config.api_url(&format!("/me/approvals/{}", encode(id)));
    send_json_signed_in(auth, Method::POST, &url, &DecideRequest { decision, comment }).await
}
