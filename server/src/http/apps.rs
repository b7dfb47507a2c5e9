//! `/api/v1/me/apps`: the catalog as one device context sees it, app details, and install
//! / uninstall requests — authorised by the same `portal_core::rules::catalog` entry that
//! decides whether the page shows the button.

use super::extract::{Json, Path, Query};
use super::ApiError;
use crate::auth::Caller;
use crate::tenant::{AppCatalog, CatalogApp, DeviceView, Freshness, InstallRecord};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use portal_core::api::{
    AppDetails, AppList, AppRefusal, CatalogItem, ContextRef, Event, InstallAccepted, InstallOperation, InstallRequest,
    InstallStatus, Refusal, APP_PAGE_DEFAULT, APP_PAGE_MAX, HOME_FEATURED_MAX,
};
use portal_core::domain::{AppRequest, Platform, ResultantAppState};
use portal_core::rules::catalog::{entry, Caller as CatalogCaller, CatalogEntry, DeviceContext, Visibility};
use portal_core::rules::requests::{gate_install, RequestOffer, RequestStatus};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContextQuery {
    /// A managed device id, `none` (the default), `unenrolled:<platform>`, or the tag of
    /// one of the caller's MAM-only devices.
    device: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// A managed device id, `none` (the default), `unenrolled:<platform>`, or the tag of
    /// one of the caller's MAM-only devices.
    device: Option<String>,
    /// Only apps whose name or publisher contains this (ignoring case).
    q: Option<String>,
    /// Only apps in this category (exact, ignoring case).
    category: Option<String>,
    /// Apps to skip (default 0).
    #[param(minimum = 0, maximum = 18_446_744_073_709_551_615_u64)]
    offset: Option<usize>,
    /// Page size (default 50, at most 200).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<usize>,
}

/// The device context a request names, resolved against the caller's own devices.
enum Context {
    Enrolled(Box<DeviceView>),
    Unenrolled(Platform),
    None,
}

impl Context {
    fn as_rules(&self) -> DeviceContext<'_> {
        match self {
            Context::Enrolled(view) => DeviceContext::Enrolled { device: &view.device, group_ids: &view.group_ids },
            Context::Unenrolled(p) => DeviceContext::Unenrolled(*p),
            Context::None => DeviceContext::None,
        }
    }

    fn reference(&self) -> ContextRef {
        match self {
            Context::Enrolled(view) => {
                ContextRef::Enrolled { device_id: view.device.id.clone(), platform: view.device.operating_system }
            }
            Context::Unenrolled(platform) => ContextRef::Unenrolled { platform: *platform },
            Context::None => ContextRef::None,
        }
    }

    fn install_of(&self, app_id: &str) -> Option<InstallStatus> {
        match self {
            Context::Enrolled(view) if !view.install_states_known => Some(InstallStatus {
                state: ResultantAppState::Unknown,
                pending: None,
                last_updated_date_time: view.device.last_sync_date_time.clone(),
                failure: None,
            }),
            Context::Enrolled(view) => view.install_states.get(app_id).map(install_status),
            _ => None,
        }
    }
}

pub fn install_status(record: &InstallRecord) -> InstallStatus {
    InstallStatus {
        state: record.state,
        pending: record.pending,
        last_updated_date_time: record.last_updated_date_time.clone(),
        failure: record.failure,
    }
}

/// The catalog and the context the query names, resolved against the caller's own devices
/// (one tenant read besides the catalog, which the tenant keeps in memory).
async fn load(
    state: &AppState,
    caller: &Caller,
    device: Option<&str>,
    fresh: &mut Freshness,
) -> Result<(Arc<AppCatalog>, Context), ApiError> {
    let catalog = fresh.take(state.tenant.catalog().await?);
    let device = device.map(str::trim).filter(|d| !d.is_empty()).unwrap_or("none");
    if device.eq_ignore_ascii_case("none") {
        return Ok((catalog, Context::None));
    }
    if let Some(platform) = device.strip_prefix("unenrolled:") {
        let platform: Platform = platform.parse().map_err(|_| {
            ApiError::with_detail(
                StatusCode::BAD_REQUEST,
                "Unknown platform",
                "`unenrolled:` takes ios, ipados, android, windows, macos or web.",
            )
        })?;
        return Ok((catalog, Context::Unenrolled(platform)));
    }
    if let Some(view) = fresh.take_opt(state.tenant.device(&caller.person, device).await?) {
        return Ok((catalog, Context::Enrolled(Box::new(view))));
    }
    // Not a managed device of theirs: one of their MAM-only devices, by its tag?
    let devices = fresh.take(state.tenant.devices(&caller.person).await?);
    match devices.unenrolled.into_iter().find(|d| d.device_tag == device) {
        Some(mam) => Ok((catalog, Context::Unenrolled(mam.platform))),
        None => Err(ApiError::not_found("device")),
    }
}

/// The caller's latest request per app, read only when the catalog has requestable apps.
pub(super) async fn latest_requests(
    state: &AppState,
    catalog: &AppCatalog,
    user_id: &str,
) -> Result<HashMap<String, AppRequest>, ApiError> {
    if !catalog.apps().iter().any(|a| a.requestable) {
        return Ok(HashMap::new());
    }
    Ok(state.store.latest_app_requests_of_user(user_id).await?)
}

/// A requestable app's offer (the caller's latest request), with install gated on an
/// approval (`rules::requests::gate_install`); other apps as the catalog rule says.
pub(super) fn with_request(
    app: &CatalogApp,
    mut verdict: CatalogEntry,
    latest: &HashMap<String, AppRequest>,
) -> (CatalogEntry, Option<RequestOffer>) {
    if !app.requestable {
        return (verdict, None);
    }
    let offer = RequestOffer { latest: latest.get(&app.app.id).map(RequestStatus::of) };
    gate_install(&mut verdict, &offer);
    (verdict, Some(offer))
}

fn item(
    app: &CatalogApp,
    caller: &CatalogCaller<'_>,
    context: &Context,
    latest: &HashMap<String, AppRequest>,
) -> CatalogItem {
    let (catalog, request) = with_request(app, entry(&app.app, &app.assignments, caller, &context.as_rules()), latest);
    CatalogItem {
        catalog,
        install: context.install_of(&app.app.id),
        app: app.app.clone(),
        self_service: app.self_service,
        request,
    }
}

/// Featured apps as the "none" context shows them (the home page names no device).
pub fn featured_items(
    state: &AppState,
    catalog: &Arc<AppCatalog>,
    user_id: &str,
    group_ids: &[String],
    latest: &HashMap<String, AppRequest>,
) -> Vec<CatalogItem> {
    let caller = CatalogCaller { user_id, group_ids };
    let visible = state.verdicts.visible(catalog, &caller, &DeviceContext::None);
    let apps = catalog.apps();
    visible
        .iter()
        .filter_map(|(i, verdict)| apps.get(*i).filter(|a| a.app.featured).map(|a| (a, verdict)))
        .take(HOME_FEATURED_MAX)
        .map(|(app, verdict)| {
            let (catalog, request) = with_request(app, verdict.clone(), latest);
            CatalogItem { app: app.app.clone(), catalog, install: None, self_service: app.self_service, request }
        })
        .collect()
}

#[utoipa::path(get, path = "/api/v1/me/apps", tag = "apps", operation_id = "listApps", params(ListQuery),
    responses((status = 200, body = AppList), (status = 400, body = portal_core::problem::Problem),
        (status = 404, body = portal_core::problem::Problem)),
    security(("bearer" = [])))]
pub async fn list(
    caller: Caller,
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<axum::Json<AppList>, ApiError> {
    let limit = query.limit.unwrap_or(APP_PAGE_DEFAULT);
    if limit == 0 || limit > APP_PAGE_MAX {
        return Err(ApiError::with_detail(
            StatusCode::BAD_REQUEST,
            "The page size is not valid",
            format!("`limit` is 1 to {APP_PAGE_MAX}."),
        ));
    }
    let offset = query.offset.unwrap_or(0);
    let mut fresh = caller.freshness();
    let (catalog, context) = load(&state, &caller, query.device.as_deref(), &mut fresh).await?;
    let rules_caller = CatalogCaller { user_id: &caller.user_id, group_ids: &caller.person.group_ids };
    let visible = state.verdicts.visible(&catalog, &rules_caller, &context.as_rules());
    let needle = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(str::to_lowercase);
    let category = query.category.as_deref().map(str::trim).filter(|c| !c.is_empty());
    let latest = latest_requests(&state, &catalog, &caller.user_id).await?;
    let apps = catalog.apps();
    let matches = |i: usize| {
        let Some(app) = apps.get(i).map(|a| &a.app) else { return false };
        needle
            .as_deref()
            .is_none_or(|n| app.name.to_lowercase().contains(n) || app.publisher.to_lowercase().contains(n))
            && category.is_none_or(|c| app.categories.iter().any(|a| a.eq_ignore_ascii_case(c)))
    };
    let mut total = 0;
    let mut page = Vec::new();
    for (i, verdict) in visible.iter() {
        if !matches(*i) {
            continue;
        }
        if total >= offset && page.len() < limit {
            if let Some(app) = apps.get(*i) {
                let (catalog, request) = with_request(app, verdict.clone(), &latest);
                page.push(CatalogItem {
                    install: context.install_of(&app.app.id),
                    app: app.app.clone(),
                    catalog,
                    self_service: app.self_service,
                    request,
                });
            }
        }
        total += 1;
    }
    Ok(axum::Json(AppList { context: context.reference(), total, offset, limit, apps: page, stale: fresh.stale() }))
}

#[utoipa::path(get, path = "/api/v1/me/apps/{appId}", tag = "apps", operation_id = "appDetails",
    params(("appId" = String, Path, description = "An app id", example = "teams"), ContextQuery),
    responses((status = 200, body = AppDetails), (status = 404, body = portal_core::problem::Problem)),
    security(("bearer" = [])))]
pub async fn details(
    caller: Caller,
    State(state): State<AppState>,
    Path(app_id): Path<String>,
    Query(query): Query<ContextQuery>,
) -> Result<axum::Json<AppDetails>, ApiError> {
    let mut fresh = caller.freshness();
    let (catalog, context) = load(&state, &caller, query.device.as_deref(), &mut fresh).await?;
    let app = catalog.get(&app_id).ok_or_else(|| ApiError::not_found("app"))?;
    let rules_caller = CatalogCaller { user_id: &caller.user_id, group_ids: &caller.person.group_ids };
    let latest = latest_requests(&state, &catalog, &caller.user_id).await?;
    let mut details = AppDetails::new(context.reference(), item(app, &rules_caller, &context, &latest));
    details.stale = fresh.stale();
    Ok(axum::Json(details))
}

#[utoipa::path(post, path = "/api/v1/me/apps/{appId}/install", tag = "apps",
    params(("appId" = String, Path, description = "An app id", example = "teams")),
    request_body = InstallRequest,
    responses((status = 202, body = InstallAccepted),
        (status = 403, description = "The catalog rule does not allow it; `reason` says why", body = portal_core::problem::Problem),
        (status = 404, body = portal_core::problem::Problem)),
    security(("bearer" = [])))]
pub async fn install(
    caller: Caller,
    State(state): State<AppState>,
    Path(app_id): Path<String>,
    Json(body): Json<InstallRequest>,
) -> Result<(StatusCode, axum::Json<InstallAccepted>), ApiError> {
    request(caller, state, app_id, body, InstallOperation::Install).await
}

#[utoipa::path(post, path = "/api/v1/me/apps/{appId}/uninstall", tag = "apps",
    params(("appId" = String, Path, description = "An app id", example = "teams")),
    request_body = InstallRequest,
    responses((status = 202, body = InstallAccepted),
        (status = 403, description = "The catalog rule does not allow it; `reason` says why", body = portal_core::problem::Problem),
        (status = 404, body = portal_core::problem::Problem)),
    security(("bearer" = [])))]
pub async fn uninstall(
    caller: Caller,
    State(state): State<AppState>,
    Path(app_id): Path<String>,
    Json(body): Json<InstallRequest>,
) -> Result<(StatusCode, axum::Json<InstallAccepted>), ApiError> {
    request(caller, state, app_id, body, InstallOperation::Uninstall).await
}

async fn request(
    caller: Caller,
    state: AppState,
    app_id: String,
    body: InstallRequest,
    operation: InstallOperation,
) -> Result<(StatusCode, axum::Json<InstallAccepted>), ApiError> {
    let catalog = state.tenant.catalog().await?.value;
    // The device first: someone else's device is a 404 whatever the app.
    let view =
        state.tenant.device(&caller.person, &body.device_id).await?.ok_or_else(|| ApiError::not_found("device"))?;
    let app = catalog.get(&app_id).ok_or_else(|| ApiError::not_found("app"))?;
    let context = Context::Enrolled(Box::new(view.value));
    let rules_caller = CatalogCaller { user_id: &caller.user_id, group_ids: &caller.person.group_ids };
    let verdict = entry(&app.app, &app.assignments, &rules_caller, &context.as_rules());
    let latest = latest_requests(&state, &catalog, &caller.user_id).await?;
    let (gated, request) = with_request(app, verdict.clone(), &latest);
    let refusal = match (operation, &verdict.visibility) {
        (_, Visibility::Hidden(hidden)) => Some(AppRefusal::NotOffered { hidden: *hidden }),
        // Allowed by the catalog rule, waiting for an approval.
        (InstallOperation::Install, _) if verdict.can_install && !gated.can_install && request.is_some() => {
            Some(AppRefusal::ApprovalRequired)
        }
        (InstallOperation::Install, _) if !verdict.can_install || app.app.is_web_link() => {
            Some(AppRefusal::NotInstallable)
        }
        (InstallOperation::Install, _) if !app.self_service => Some(AppRefusal::NotSelfService),
        (InstallOperation::Uninstall, _) if !verdict.can_uninstall => Some(AppRefusal::NotUninstallable),
        _ => None,
    };
    if let Some(reason) = refusal {
        return Err(ApiError::refused(
            StatusCode::FORBIDDEN,
            "This app cannot be changed on this device",
            Refusal::App(reason),
        ));
    }
    let record = state
        .tenant
        .request_install(&caller.person, &body.device_id, &app_id, operation)
        .await?
        .ok_or_else(|| ApiError::not_found("device"))?;
    let install = install_status(&record);
    state.events.publish(
        &caller.user_id,
        Event::Install { device_id: body.device_id.clone(), app_id: app_id.clone(), install: install.clone() },
    );
    Ok((StatusCode::ACCEPTED, axum::Json(InstallAccepted { app_id, device_id: body.device_id, install })))
}
