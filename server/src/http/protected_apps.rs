//! `/api/v1/me/protected-apps`: the caller's apps used with the work account, grouped by
//! device, with each applied policy in plain-language lines and the status from
//! `portal_core::rules::protection`; and selective wipe of one device's company data.

use super::extract::Json;
use super::ApiError;
use crate::auth::Caller;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use portal_core::api::{Event, PolicySummary, ProtectedApp, ProtectedApps, ProtectedDevice, WipeAccepted, WipeRequest};
use portal_core::domain::{AppProtectionPolicy, ManagedAppRegistration, SelectiveWipeState};
use portal_core::rules::protection::{policy_lines, protection_status, ProtectionStatus};

pub fn protection_status_of(
    registration: &ManagedAppRegistration,
    policies: &[AppProtectionPolicy],
) -> ProtectionStatus {
    protection_status(registration, policies)
}

#[utoipa::path(get, path = "/api/v1/me/protected-apps", tag = "protection",
    responses((status = 200, body = ProtectedApps), (status = 401, body = portal_core::problem::Problem)),
    security(("bearer" = [])))]
pub async fn list(caller: Caller, State(state): State<AppState>) -> Result<axum::Json<ProtectedApps>, ApiError> {
    let (registrations, policies, catalog, devices) = tokio::try_join!(
        state.store.protected_apps_of_user(&caller.user_id),
        state.store.protection_policies(),
        state.store.apps_with_assignments(),
        state.store.devices_of_user(&caller.user_id),
    )?;
    let mut grouped: Vec<ProtectedDevice> = Vec::new();
    // Registrations come ordered by device tag, so one device's apps are adjacent.
    for registration in registrations {
        let app = catalog.by_identifier(&registration.app_identifier);
        let policies_applied = registration
            .applied_policies
            .iter()
            .map(|applied| PolicySummary {
                id: applied.id.clone(),
                display_name: applied.display_name.clone(),
                lines: policies.iter().find(|p| p.id == applied.id).map(policy_lines).unwrap_or_default(),
            })
            .collect();
        let protected = ProtectedApp {
            status: protection_status(&registration, &policies),
            app_id: app.map(|a| a.app.id.clone()),
            app_name: app.map(|a| a.app.name.clone()),
            icon_url: app.and_then(|a| a.app.icon_url.clone()),
            policies: policies_applied,
            registration,
        };
        match grouped.last_mut() {
            Some(device) if device.device_tag == protected.registration.device_tag => device.apps.push(protected),
            _ => grouped.push(ProtectedDevice {
                device_tag: protected.registration.device_tag.clone(),
                device_name: protected.registration.device_name.clone(),
                enrolled: devices.iter().any(|d| d.id == protected.registration.device_tag),
                apps: vec![protected],
            }),
        }
    }
    Ok(axum::Json(ProtectedApps { devices: grouped }))
}

#[utoipa::path(post, path = "/api/v1/me/protected-apps/wipe", tag = "protection",
    request_body = WipeRequest,
    responses((status = 202, body = WipeAccepted), (status = 404, body = portal_core::problem::Problem)),
    security(("bearer" = [])))]
pub async fn wipe(
    caller: Caller,
    State(state): State<AppState>,
    Json(body): Json<WipeRequest>,
) -> Result<(StatusCode, axum::Json<WipeAccepted>), ApiError> {
    let pending = state
        .store
        .request_selective_wipe(&caller.user_id, &body.device_tag)
        .await?
        .ok_or_else(|| ApiError::not_found("device"))?;
    if pending > 0 {
        let registrations = state.store.protected_apps_of_user(&caller.user_id).await?;
        for r in registrations.iter().filter(|r| r.device_tag == body.device_tag) {
            if r.selective_wipe_state == SelectiveWipeState::Pending {
                state.events.publish(
                    &caller.user_id,
                    Event::SelectiveWipe {
                        device_tag: r.device_tag.clone(),
                        registration_id: r.id.clone(),
                        state: SelectiveWipeState::Pending,
                    },
                );
            }
        }
        state.events.work_queued();
    }
    Ok((StatusCode::ACCEPTED, axum::Json(WipeAccepted { device_tag: body.device_tag, apps_pending: pending })))
}
