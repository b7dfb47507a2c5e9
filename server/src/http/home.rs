//! `GET /api/v1/me/home`: everything the first screen shows, in one round trip.

use super::apps::featured_items;
use super::devices::summary;
use super::ApiError;
use crate::auth::Caller;
use crate::AppState;
use axum::extract::State;
use axum::Json;
use portal_core::api::{Home, Profile, ProtectionSummary};
use portal_core::rules::protection::protection_status;

/// The tenant's overview of the caller (one store round trip on the embedded tenant), the
/// catalog and the organisation, and the caller's unread notifications from the portal's
/// own store — read concurrently.
#[utoipa::path(get, path = "/api/v1/me/home", tag = "me",
    responses((status = 200, body = Home), (status = 401, body = portal_core::problem::Problem)),
    security(("bearer" = [])))]
pub async fn home(caller: Caller, State(state): State<AppState>) -> Result<Json<Home>, ApiError> {
    let tenant = &state.tenant;
    let person = &caller.person;
    let (overview, catalog, organisation, unread) = tokio::try_join!(
        async { tenant.overview(person).await.map_err(ApiError::from) },
        async { tenant.catalog().await.map_err(ApiError::from) },
        async { tenant.organisation_for(person).await.map_err(ApiError::from) },
        async { state.store.unread_notifications_of_user(&person.id).await.map_err(ApiError::from) },
    )?;
    let mut fresh = caller.freshness();
    let (overview, catalog, organisation) = (fresh.take(overview), fresh.take(catalog), fresh.take(organisation));
    // Devices without a category ask their user once, as a notification (their pages ask too).
    let latest = super::apps::latest_requests(&state, &catalog, &person.id).await?;
    let asked = super::devices::ask_for_categories(&state, &caller, &overview.devices.managed).await?;
    let mut protection = ProtectionSummary::default();
    for registration in &overview.protection.registrations {
        protection.count(&protection_status(registration, &overview.protection.policies));
    }
    Ok(Json(Home {
        profile: Profile {
            id: person.id.clone(),
            display_name: person.display_name.clone(),
            upn: person.upn.clone(),
            email: person.email.clone(),
            is_approver: catalog.is_approver(&person.id),
        },
        branding: organisation.map(|o| o.branding),
        devices: overview.devices.managed.into_iter().map(summary).collect(),
        unenrolled_devices: overview.devices.unenrolled,
        featured_apps: featured_items(&state, &catalog, &person.id, &person.group_ids, &latest),
        unread_notifications: unread.len() + asked,
        protection,
        stale: fresh.stale(),
    }))
}
