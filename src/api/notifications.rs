//! The signed-in user's notifications; read state is kept by the server.

use super::{get_json_signed_in, post_signed_in, ApiError};
use crate::auth::Auth;
use crate::config::PortalConfig;
use portal_core::api::NotificationList;

pub async fn list(auth: Auth, config: &PortalConfig) -> Result<NotificationList, ApiError> {
    get_json_signed_in(auth, &config.api_url("/me/notifications")).await
}

pub async fn mark_read(auth: Auth, config: &PortalConfig, id: &str) -> Result<(), ApiError> {
    let id = String::from(js_sys::encode_uri_component(id));
    post_signed_in(auth, &config.api_url(&format!("/me/notifications/{id}/read"))).await
}
