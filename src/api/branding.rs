//! `GET /api/v1/branding` (public).

use super::{get_json, ApiError};
use crate::config::PortalConfig;
use portal_core::branding::Branding;

pub async fn fetch(config: &PortalConfig) -> Result<Branding, ApiError> {
    get_json(&config.api_url("/branding")).await
}
