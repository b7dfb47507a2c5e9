//! `GET /api/v1/me`: the signed-in user's profile (the name in the header).

use super::{get_json_signed_in, ApiError};
use super::{send_json_signed_in, Method};
use crate::auth::Auth;
use crate::config::PortalConfig;
use portal_core::api::{AcceptTerms, EnrollmentInfo, Profile, TermsStatus};
use portal_core::domain::TermsAcceptance;

pub async fn fetch(auth: Auth, config: &PortalConfig) -> Result<Profile, ApiError> {
    get_json_signed_in(auth, &config.api_url("/me")).await
}

/// Whether, and how prominently, the organisation offers enrolling a device.
pub async fn enrollment(auth: Auth, config: &PortalConfig) -> Result<EnrollmentInfo, ApiError> {
    get_json_signed_in(auth, &config.api_url("/me/enrollment")).await
}

/// The organisation's current terms of use for the caller, and whether they must accept.
pub async fn terms(auth: Auth, config: &PortalConfig) -> Result<TermsStatus, ApiError> {
    get_json_signed_in(auth, &config.api_url("/me/terms")).await
}

/// Accepts `version` of the terms.
pub async fn accept_terms(auth: Auth, config: &PortalConfig, version: String) -> Result<TermsAcceptance, ApiError> {
    send_json_signed_in(auth, Method::POST, &config.api_url("/me/terms/acceptance"), &AcceptTerms { version }).await
}
