//! `POST /api/v1/me/devices/{id}/recovery-key`: a locked-out person's disk-encryption
//! recovery key. The strictest endpoint of the API:
//!
//! 1. the device must be the caller's (someone else's is a 404, as everywhere);
//! 2. `portal_core::rules::recovery::offer` must allow it — the rule the page uses to offer
//!    or explain the button;
//! 3. the caller must have signed in just now: the access token's `auth_time` at most
//!    `--fresh-sign-in-secs` (5 minutes) old, else 401 with RFC 9470's
//!    `insufficient_user_authentication` and `max_age`, so a token stolen earlier cannot
//!    read keys — the page then asks for a fresh sign-in (`prompt=login`);
//! 4. then the tenant reads the key now. The answer is `no-store`, the key is never logged
//!    or kept, every disclosure is audited (who, which device, when, which key ids) and the
//!    person is notified that a key was shown (the notification never carries it).

use super::devices::device_of;
use super::extract::Path;
use super::ApiError;
use crate::auth::Caller;
use crate::store::AuditEntry;
use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use portal_core::api::{RecoveryKeyDisclosure, Refusal};
use portal_core::problem::{Problem, FRESH_SIGN_IN_REQUIRED};
use portal_core::rules::recovery::{offer, signed_in_recently, KeyAvailability, RecoveryKeyReason, SHOW_FOR_SECS};

#[utoipa::path(post, path = "/api/v1/me/devices/{id}/recovery-key", tag = "devices",
    params(("id" = String, Path, description = "A managed device id")),
    responses((status = 200, description = "The keys (`Cache-Control: no-store`); shown for `showForSeconds`", body = RecoveryKeyDisclosure),
        (status = 401, description = "Not signed in, or not recently enough: `type` is \
            `urn:portal:problem:fresh-sign-in-required` and `WWW-Authenticate` says \
            `insufficient_user_authentication` with `max_age` (RFC 9470)", body = Problem),
        (status = 403, description = "No key can be shown; `reason` says why", body = Problem),
        (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn reveal(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let mut fresh = caller.freshness();
    let device = device_of(&state, &caller, &id, &mut fresh).await?;
    let escrow = state.tenant.recovery_escrow(&caller.person, &device).await?;
    let refused =
        |reason| ApiError::refused(StatusCode::FORBIDDEN, "No recovery key can be shown", Refusal::RecoveryKey(reason));
    let Some(offer) = offer(&device, &caller.user_id, escrow) else {
        return Err(ApiError::with_detail(
            StatusCode::FORBIDDEN,
            "This device has no disk-encryption recovery key",
            "Recovery keys exist for Windows (BitLocker) and macOS (FileVault) devices.",
        ));
    };
    if let KeyAvailability::Unavailable(reason) = offer.availability {
        return Err(refused(reason));
    }
    let now = crate::dates::unix_now();
    if !signed_in_recently(caller.auth_time, now, state.fresh_sign_in_secs) {
        return Ok(fresh_sign_in_required(state.fresh_sign_in_secs));
    }
    let keys = state.tenant.recovery_keys(&caller.person, &id).await?.ok_or_else(|| ApiError::not_found("device"))?;
    if keys.is_empty() {
        return Err(refused(RecoveryKeyReason::NoKeyEscrowed));
    }
    let what = match offer.kind {
        portal_core::domain::RecoveryKeyKind::BitLocker => "recoveryKey.bitLocker",
        portal_core::domain::RecoveryKeyKind::FileVault => "recoveryKey.fileVault",
    };
    let key_ids: Vec<&str> = keys.iter().filter_map(|k| k.key_id.as_deref()).collect();
    // Recorded before the key leaves: a disclosure that cannot be audited does not happen.
    state
        .store
        .audit(AuditEntry {
            user_id: caller.user_id.clone(),
            upn: caller.person.upn.clone(),
            tenant: state.tenant.audit_name().into(),
            what: what.into(),
            target: id.clone(),
            outcome: "disclosed".into(),
            detail: Some(if key_ids.is_empty() { format!("{} key(s)", keys.len()) } else { key_ids.join(",") }),
            ..Default::default()
        })
        .await?;
    let message = crate::tenant::notify::recovery_key_shown(offer.kind, &id, &device.device_name);
    crate::tenant::notify::send(&state.store, &state.events, &caller.user_id, message).await?;
    let body = RecoveryKeyDisclosure { device_id: id, kind: offer.kind, keys, show_for_seconds: SHOW_FOR_SECS };
    let mut response = axum::Json(body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    Ok(response)
}

/// 401 as RFC 9470 words it: the page signs the person in again (`prompt=login`).
fn fresh_sign_in_required(max_age: u64) -> Response {
    let problem = Problem::new(401, "Sign in again to see the recovery key")
        .with_kind(FRESH_SIGN_IN_REQUIRED)
        .with_detail(format!("A recovery key is shown only within {max_age} seconds of signing in."));
    let mut response = ApiError::Problem(problem).into_response();
    *response.status_mut() = StatusCode::UNAUTHORIZED;
    let challenge = format!(
        "Bearer realm=\"portal\", error=\"insufficient_user_authentication\", \
         error_description=\"A more recent sign-in is required\", max_age={max_age}"
    );
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
    }
    response
}
