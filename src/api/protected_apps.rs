//! `GET /api/v1/me/protected-apps` (the apps used with the work account, by device) and
//! `POST /api/v1/me/protected-apps/wipe` (remove company data from one device's apps).

use super::{get_json_signed_in, send_json_signed_in, ApiError, Method};
use crate::auth::Auth;
use crate::config::PortalConfig;
use portal_core::api::{ProtectedApps, WipeAccepted, WipeRequest};

pub async fn fetch(auth: Auth, config: &PortalConfig) -> Result<ProtectedApps, ApiError> {
    get_json_signed_in(auth, &config.api_url("/me/protected-apps")).await
}

/// Asks for a selective wipe; the server answers 202 and each app removes its work data at
/// its next check-in (the `selectiveWipe` events report each one).
pub async fn wipe(auth: Auth, config: &PortalConfig, device_tag: String) -> Result<WipeAccepted, ApiError> {
    let url = config.api_url("/me/protected-apps/wipe");
    send_json_signed_in(auth, Method::POST, &url, &WipeRequest { device_tag }).await
}
