//! `/api/v1/me/devices`: the caller's devices, renaming, and remote actions. Every action
//! is authorised with `portal_core::rules::actions::availability`, the rule the page uses
//! to show or explain its buttons.

use super::extract::{Json, Path};
use super::ApiError;
use crate::auth::Caller;
use crate::tenant::{ActionQueued, Freshness, Person};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use portal_core::api::{
    ActionAccepted, ActionRequest, CategoryPrompt, ChooseCategory, DeviceDetails, DeviceList, DeviceSummary, Event,
    Refusal, RenameDevice,
};
use portal_core::domain::{ManagedDevice, OrganisationSettings, RemoteAction};
use portal_core::rules::actions::{action_options, availability, validate_device_name, Availability, Reason};
use portal_core::rules::categories::{may_choose, CategoryReason};
use portal_core::rules::compliance::{device_access_status, settings_to_fix};

pub fn summary(device: ManagedDevice) -> DeviceSummary {
    DeviceSummary { access: device_access_status(&device), device }
}

#[utoipa::path(get, path = "/api/v1/me/devices", tag = "devices", operation_id = "listDevices",
    responses((status = 200, body = DeviceList), (status = 401, body = portal_core::problem::Problem)),
    security(("bearer" = [])))]
pub async fn list(caller: Caller, State(state): State<AppState>) -> Result<axum::Json<DeviceList>, ApiError> {
    let mut fresh = caller.freshness();
    let devices = fresh.take(state.tenant.devices(&caller.person).await?);
    // Devices without a category ask their user once, as a notification: the device list is
    // what the SPA reads on Home and Devices (GET /me/home asks too).
    ask_for_categories(&state, &caller, &devices.managed).await?;
    Ok(axum::Json(DeviceList {
        devices: devices.managed.into_iter().map(summary).collect(),
        unenrolled_devices: devices.unenrolled,
        stale: fresh.stale(),
    }))
}

/// The organisation settings the action rules consult for `person`.
pub(super) async fn settings_for(
    state: &AppState,
    person: &Person,
    fresh: &mut Freshness,
) -> Result<OrganisationSettings, ApiError> {
    let organisation = fresh.take(state.tenant.organisation_for(person).await?);
    Ok(organisation.map(|o| o.settings).unwrap_or_default())
}

/// One of the caller's devices, read from the tenant; someone else's is a 404.
pub(super) async fn device_of(
    state: &AppState,
    caller: &Caller,
    id: &str,
    fresh: &mut Freshness,
) -> Result<ManagedDevice, ApiError> {
    fresh.take_opt(state.tenant.managed_device(&caller.person, id).await?).ok_or_else(|| ApiError::not_found("device"))
}

pub(super) async fn details_of(
    state: &AppState,
    caller: &Caller,
    device: ManagedDevice,
    mut fresh: Freshness,
) -> Result<DeviceDetails, ApiError> {
    let org = settings_for(state, &caller.person, &mut fresh).await?;
    let escrow = async {
        // Only where the platform has keys: no tenant read for an iPhone.
        match portal_core::domain::RecoveryKeyKind::for_platform(device.operating_system) {
            Some(_) => state.tenant.recovery_escrow(&caller.person, &device).await.map(Some),
            None => Ok(None),
        }
    };
    let (escrow, categories) = tokio::try_join!(escrow, state.tenant.device_categories())?;
    let categories = fresh.take(categories);
    let category_prompt =
        may_choose(&device, &caller.user_id, &org, &categories, state.tenant.can_set_device_category())
            .ok()
            .map(|()| CategoryPrompt { categories: Vec::clone(&categories) });
    Ok(DeviceDetails {
        access: device_access_status(&device),
        settings_to_fix: settings_to_fix(&device).to_vec(),
        actions: action_options(&device, &caller.user_id, &org),
        device_rename: org.device_rename,
        recovery_key: escrow.and_then(|escrow| portal_core::rules::recovery::offer(&device, &caller.user_id, escrow)),
        category_prompt,
        device,
        stale: fresh.stale(),
    })
}

#[utoipa::path(get, path = "/api/v1/me/devices/{id}", tag = "devices", operation_id = "deviceDetails",
    params(("id" = String, Path, description = "A managed device id", example = "dev-amara-surface")),
    responses((status = 200, body = DeviceDetails), (status = 404, body = portal_core::problem::Problem)),
    security(("bearer" = [])))]
pub async fn details(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<axum::Json<DeviceDetails>, ApiError> {
    let mut fresh = caller.freshness();
    let device = device_of(&state, &caller, &id, &mut fresh).await?;
    Ok(axum::Json(details_of(&state, &caller, device, fresh).await?))
}

#[utoipa::path(patch, path = "/api/v1/me/devices/{id}", tag = "devices",
    params(("id" = String, Path, description = "A managed device id", example = "dev-amara-surface")),
    request_body = RenameDevice,
    responses((status = 200, body = DeviceDetails), (status = 404, body = portal_core::problem::Problem),
        (status = 422, description = "The name was refused; `reason` says why", body = portal_core::problem::Problem)),
    security(("bearer" = [])))]
pub async fn rename(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Json(body): Json<RenameDevice>,
) -> Result<axum::Json<DeviceDetails>, ApiError> {
    // Ownership first: someone else's device is a 404 whatever the name.
    let mut fresh = caller.freshness();
    let device = device_of(&state, &caller, &id, &mut fresh).await?;
    let org = settings_for(&state, &caller.person, &mut fresh).await?;
    if let Availability::Unavailable(reason) = availability(&device, RemoteAction::Rename, &caller.user_id, &org) {
        return Err(ApiError::refused(StatusCode::FORBIDDEN, "This device cannot be renamed", Refusal::Action(reason)));
    }
    let name = validate_device_name(&body.device_name).map_err(|e| {
        ApiError::refused(StatusCode::UNPROCESSABLE_ENTITY, "This name cannot be used", Refusal::Rename(e))
    })?;
    let device =
        state.tenant.rename_device(&caller.person, &id, &name).await?.ok_or_else(|| ApiError::not_found("device"))?;
    state.events.publish(
        &caller.user_id,
        Event::DeviceRenamed { device_id: device.id.clone(), device_name: device.device_name.clone() },
    );
    Ok(axum::Json(details_of(&state, &caller, device, caller.freshness()).await?))
}

#[utoipa::path(post, path = "/api/v1/me/devices/{id}/actions", tag = "devices",
    params(("id" = String, Path, description = "A managed device id", example = "dev-amara-surface")),
    request_body = ActionRequest,
    responses((status = 202, body = ActionAccepted),
        (status = 403, description = "Unavailable; `reason` is the portal-core reason", body = portal_core::problem::Problem),
        (status = 404, body = portal_core::problem::Problem),
        (status = 409, description = "The same action is already pending", body = portal_core::problem::Problem)),
    security(("bearer" = [])))]
pub async fn run_action(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Json(body): Json<ActionRequest>,
) -> Result<(StatusCode, axum::Json<ActionAccepted>), ApiError> {
    let mut fresh = caller.freshness();
    let device = device_of(&state, &caller, &id, &mut fresh).await?;
    if body.action == RemoteAction::Rename {
        return Err(ApiError::with_detail(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Rename is not a remote action",
            "Rename with PATCH /api/v1/me/devices/{id} and a `deviceName`.",
        ));
    }
    let org = settings_for(&state, &caller.person, &mut fresh).await?;
    match availability(&device, body.action, &caller.user_id, &org) {
        Availability::Available => {}
        Availability::Unavailable(Reason::AlreadyPending) => return Err(already_pending()),
        Availability::Unavailable(reason) => {
            return Err(ApiError::refused(
                StatusCode::FORBIDDEN,
                "This action is not available",
                Refusal::Action(reason),
            ))
        }
        Availability::NotApplicable => {
            return Err(ApiError::refused(
                StatusCode::FORBIDDEN,
                "This action does not exist on this platform",
                Refusal::App(portal_core::api::AppRefusal::NotApplicable),
            ))
        }
    }
    match state.tenant.request_action(&caller.person, &id, body.action).await? {
        ActionQueued::Queued { result, .. } => {
            state.events.publish(&caller.user_id, Event::Action { device_id: id.clone(), result: result.clone() });
            Ok((StatusCode::ACCEPTED, axum::Json(ActionAccepted { device_id: id, result })))
        }
        ActionQueued::NotFound => Err(ApiError::not_found("device")),
        // Lost a race with a concurrent request for the same action.
        ActionQueued::AlreadyPending => Err(already_pending()),
    }
}

fn already_pending() -> ApiError {
    ApiError::refused(
        StatusCode::CONFLICT,
        "The same action is already pending",
        Refusal::Action(Reason::AlreadyPending),
    )
}

#[utoipa::path(put, path = "/api/v1/me/devices/{id}/category", tag = "devices",
    params(("id" = String, Path, description = "A managed device id")),
    request_body = ChooseCategory,
    responses((status = 200, body = DeviceDetails),
        (status = 403, description = "The category cannot be chosen here; `reason` says why", body = portal_core::problem::Problem),
        (status = 404, body = portal_core::problem::Problem),
        (status = 409, description = "The device has a category already (`reason`: categoryAlreadyChosen)", body = portal_core::problem::Problem),
        (status = 422, description = "Not one of the organisation's categories", body = portal_core::problem::Problem)),
    security(("bearer" = [])))]
pub async fn choose_category(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Json(body): Json<ChooseCategory>,
) -> Result<axum::Json<DeviceDetails>, ApiError> {
    // Ownership first: someone else's device is a 404 whatever the category.
    let mut fresh = caller.freshness();
    let device = device_of(&state, &caller, &id, &mut fresh).await?;
    let org = settings_for(&state, &caller.person, &mut fresh).await?;
    let categories = fresh.take(state.tenant.device_categories().await?);
    let refused = |status, reason| {
        ApiError::refused(status, "This device's category cannot be chosen", Refusal::Category(reason))
    };
    if let Err(reason) = may_choose(&device, &caller.user_id, &org, &categories, state.tenant.can_set_device_category())
    {
        let status =
            if reason == CategoryReason::CategoryAlreadyChosen { StatusCode::CONFLICT } else { StatusCode::FORBIDDEN };
        return Err(refused(status, reason));
    }
    let Some(category) = categories.iter().find(|c| c.id == body.category_id) else {
        return Err(refused(StatusCode::UNPROCESSABLE_ENTITY, CategoryReason::UnknownCategory));
    };
    let device = state
        .tenant
        .set_device_category(&caller.person, &id, category)
        .await?
        .ok_or_else(|| refused(StatusCode::CONFLICT, CategoryReason::CategoryAlreadyChosen))?;
    state.events.publish(
        &caller.user_id,
        Event::DeviceCategory {
            device_id: device.id.clone(),
            device_category_display_name: category.display_name.clone(),
        },
    );
    Ok(axum::Json(details_of(&state, &caller, device, caller.freshness()).await?))
}

/// The caller's devices that still need a category and that they were never asked about:
/// each gets one notification (the device's page asks too, until a category is chosen).
/// How many notifications were sent.
pub(super) async fn ask_for_categories(
    state: &AppState,
    caller: &Caller,
    devices: &[ManagedDevice],
) -> Result<usize, ApiError> {
    if !state.tenant.can_set_device_category() || devices.iter().all(|d| d.device_category_display_name.is_some()) {
        return Ok(0);
    }
    let mut fresh = caller.freshness();
    let categories = fresh.take(state.tenant.device_categories().await?);
    if categories.is_empty() {
        return Ok(0);
    }
    let org = settings_for(state, &caller.person, &mut fresh).await?;
    let asked: Vec<String> = devices
        .iter()
        .filter(|d| may_choose(d, &caller.user_id, &org, &categories, true).is_ok())
        .map(|d| d.id.clone())
        .collect();
    let mut sent = 0;
    for device_id in state.store.note_category_prompts(&caller.user_id, asked).await? {
        let Some(device) = devices.iter().find(|d| d.id == device_id) else { continue };
        let message = crate::tenant::notify::category_needed(&device.id, &device.device_name);
        crate::tenant::notify::send(&state.store, &state.events, &caller.user_id, message).await?;
        sent += 1;
    }
    Ok(sent)
}
