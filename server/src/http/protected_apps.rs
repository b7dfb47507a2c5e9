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
use portal_core::domain::SelectiveWipeState;
use portal_core::rules::protection::{policy_lines, protection_status};

#[utoipa::path(get, path = "/api/v1/me/protected-apps", tag = "protection", operation_id = "listProtectedApps",
    responses((status = 200, body = ProtectedApps), (status = 401, body = portal_core::problem::Problem)),
    security(("bearer" = [])))]
pub async fn list(caller: Caller, State(state): State<AppState>) -> Result<axum::Json<ProtectedApps>, ApiError> {
    let tenant = &state.tenant;
    let (protection, catalog, devices) =
        tokio::try_join!(tenant.app_protection(&caller.person), tenant.catalog(), tenant.devices(&caller.person),)?;
    let mut fresh = caller.freshness();
    let (protection, catalog, devices) = (fresh.take(protection), fresh.take(catalog), fresh.take(devices));
    let (registrations, policies) = (protection.registrations, protection.policies);
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
                enrolled: devices.managed.iter().any(|d| d.id == protected.registration.device_tag),
                apps: vec![protected],
            }),
        }
    }
    Ok(axum::Json(ProtectedApps { devices: grouped, stale: fresh.stale() }))
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
        .tenant
        .request_selective_wipe(&caller.person, &body.device_tag)
        .await?
        .ok_or_else(|| ApiError::not_found("device"))?;
    for registration_id in &pending {
        state.events.publish(
            &caller.user_id,
            Event::SelectiveWipe {
                device_tag: body.device_tag.clone(),
                registration_id: registration_id.clone(),
                state: SelectiveWipeState::Pending,
            },
        );
    }
    Ok((StatusCode::ACCEPTED, axum::Json(WipeAccepted { device_tag: body.device_tag, apps_pending: pending.len() })))
}
