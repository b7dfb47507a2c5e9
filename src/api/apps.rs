//! The app catalog as one device context sees it: pages of the list, one app's details,
//! and install / uninstall requests.

use super::{get_json_signed_in, send_json_signed_in, ApiError, Method};
use crate::auth::Auth;
use crate::config::PortalConfig;
use portal_core::api::{AppDetails, AppList, InstallAccepted, InstallRequest};

fn encode(value: &str) -> String {
    String::from(js_sys::encode_uri_component(value))
}

/// One page of the catalog for `context` (a device id, MAM tag, `unenrolled:<platform>` or
/// `none`; see `crate::device_context`).
pub async fn page(
    auth: Auth,
    config: &PortalConfig,
    context: &str,
    offset: usize,
    limit: usize,
) -> Result<AppList, ApiError> {
    let url = config.api_url(&format!("/me/apps?device={}&offset={offset}&limit={limit}", encode(context)));
    get_json_signed_in(auth, &url).await
}

/// One app as `context` sees it, shown or hidden (a hidden one says why).
pub async fn details(auth: Auth, config: &PortalConfig, app_id: &str, context: &str) -> Result<AppDetails, ApiError> {
    // The id comes from the address bar: encoded, so it stays one path segment.
    let url = config.api_url(&format!("/me/apps/{}?device={}", encode(app_id), encode(context)));
    get_json_signed_in(auth, &url).await
}

/// Asks for an install (`uninstall: false`) or uninstall of `app_id` on `device_id`.
pub async fn request(
    auth: Auth,
    config: &PortalConfig,
    app_id: &str,
    device_id: &str,
    uninstall: bool,
) -> Result<InstallAccepted, ApiError> {
    let verb = if uninstall { "uninstall" } else { "install" };
    let url = config.api_url(&format!("/me/apps/{}/{verb}", encode(app_id)));
    send_json_signed_in(auth, Method::POST, &url, &InstallRequest { device_id: device_id.to_string() }).await
}
