//! The signed-in user's devices: list, details, rename and remote actions.

use super::{get_json_signed_in, send_json_signed_in, ApiError, Method};
use crate::auth::Auth;
use crate::config::PortalConfig;
use portal_core::api::{
    ActionAccepted, ActionRequest, ChooseCategory, DeviceDetails, DeviceList, RecoveryKeyDisclosure, RenameDevice,
};
use portal_core::domain::RemoteAction;

fn device_url(config: &PortalConfig, id: &str) -> String {
    // The id comes from the address bar: encoded, so it stays one path segment.
    config.api_url(&format!("/me/devices/{}", String::from(js_sys::encode_uri_component(id))))
}

pub async fn list(auth: Auth, config: &PortalConfig) -> Result<DeviceList, ApiError> {
    get_json_signed_in(auth, &config.api_url("/me/devices")).await
}

pub async fn details(auth: Auth, config: &PortalConfig, id: &str) -> Result<DeviceDetails, ApiError> {
    get_json_signed_in(auth, &device_url(config, id)).await
}

pub async fn rename(auth: Auth, config: &PortalConfig, id: &str, name: String) -> Result<DeviceDetails, ApiError> {
    let body = RenameDevice { device_name: name };
    send_json_signed_in(auth, Method::PATCH, &device_url(config, id), &body).await
}

pub async fn run(
    auth: Auth,
    config: &PortalConfig,
    id: &str,
    action: RemoteAction,
) -> Result<ActionAccepted, ApiError> {
    let url = format!("{}/actions", device_url(config, id));
    send_json_signed_in(auth, Method::POST, &url, &ActionRequest { action }).await
}

/// The device's recovery keys. Needs a sign-in of the last few minutes: otherwise a 401
/// whose problem is `FRESH_SIGN_IN_REQUIRED` (not refreshed, not retried).
pub async fn recovery_key(auth: Auth, config: &PortalConfig, id: &str) -> Result<RecoveryKeyDisclosure, ApiError> {
    let url = format!("{}/recovery-key", device_url(config, id));
    send_json_signed_in(auth, Method::POST, &url, &()).await
}

/// Puts the device in one of the organisation's categories (once; its primary user only).
pub async fn choose_category(
    auth: Auth,
    config: &PortalConfig,
    id: &str,
    category_id: String,
) -> Result<DeviceDetails, ApiError> {
    let url = format!("{}/category", device_url(config, id));
    send_json_signed_in(auth, Method::PUT, &url, &ChooseCategory { category_id }).await
}
