//! `GET /api/v1/me/home`: everything the first screen shows, in one round trip.

use super::apps::featured_items;
use super::devices::summary;
use super::protected_apps::protection_status_of;
use super::ApiError;
use crate::auth::Caller;
use crate::AppState;
use axum::extract::State;
use axum::Json;
use portal_core::api::{Home, Profile, ProtectionSummary};

/// One store round trip (caller bundle with protection registrations); the catalog, the
/// policies and the branding are the per-import cache's.
#[utoipa::path(get, path = "/api/v1/me/home", tag = "me",
    responses((status = 200, body = Home), (status = 401, body = portal_core::problem::Problem)),
    security(("bearer" = [])))]
pub async fn home(caller: Caller, State(state): State<AppState>) -> Result<Json<Home>, ApiError> {
    let store = &state.store;
    // Catalog, policies and branding come from memory; the rest is one unit of work.
    let (catalog, policies, branding) =
        tokio::try_join!(store.apps_with_assignments(), store.protection_policies(), store.cached_branding())?;
    let bundle = store.home_of_user(&caller.user_id).await?.ok_or_else(|| ApiError::not_found("user"))?;
    let (me, registrations) = (bundle.me, bundle.registrations);
    let mut protection = ProtectionSummary::default();
    for registration in &registrations {
        protection.count(&protection_status_of(registration, &policies));
    }
    Ok(Json(Home {
        profile: Profile {
            id: me.user.id.clone(),
            display_name: me.user.display_name.clone(),
            upn: me.user.upn.clone(),
            email: me.user.email.clone(),
        },
        branding,
        devices: me.devices.into_iter().map(summary).collect(),
        unenrolled_devices: me.unenrolled_devices,
        featured_apps: featured_items(&state, &catalog, &me.user.id, &me.group_ids),
        unread_notifications: me.unread_notifications.len(),
        protection,
    }))
}
