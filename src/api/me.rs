//! `GET /api/v1/me`: the signed-in user's profile (the name in the header).

use super::{get_json_signed_in, ApiError};
use crate::auth::Auth;
use crate::config::PortalConfig;
use portal_core::api::Profile;

pub async fn fetch(auth: Auth, config: &PortalConfig) -> Result<Profile, ApiError> {
    get_json_signed_in(auth, &config.api_url("/me")).await
}
