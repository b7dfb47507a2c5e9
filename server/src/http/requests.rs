//! Asking for an app, and deciding: `POST /me/apps/{appId}/requests`, the caller's own
//! requests (`/me/app-requests`, withdraw), and the approvals of the apps the caller approves
//! (`/me/approvals`). Authorised with `portal_core::rules::requests`, the rules the pages use:
//! someone else's request is a 404 (as is one of an app the caller does not approve), nobody
//! decides their own, and a decided request stays decided. Requester and approvers hear of
//! every step live and as a notification.

use super::extract::{Json, Path};
use super::ApiError;
use crate::auth::Caller;
use crate::store::{AuditEntry, NewAppRequest as StoredRequest};
use crate::tenant::notify;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use portal_core::api::{AppRequestList, DecideRequest, Decision, Event, NewAppRequest, Refusal};
use portal_core::domain::{AppRequest, AppRequestState};
use portal_core::rules::catalog::{entry, Caller as CatalogCaller, DeviceContext};
use portal_core::rules::requests::{
    may_decide, may_request, may_withdraw, validate_comment, validate_reason, RequestOffer, RequestRefusal,
    RequestStatus,
};

fn refused(status: StatusCode, reason: RequestRefusal) -> ApiError {
    ApiError::refused(status, "This request cannot be made", Refusal::Request(reason))
}

/// Publishes `request` live to its requester and every approver of its app.
fn publish(state: &AppState, request: &AppRequest, approvers: &[String]) {
    let event = || Event::AppRequest { request: request.clone() };
    state.events.publish(&request.requester_id, event());
    for approver in approvers.iter().filter(|a| **a != request.requester_id) {
        state.events.publish(approver, event());
    }
}

async fn audit(
    state: &AppState,
    caller: &Caller,
    what: &str,
    request: &AppRequest,
    detail: Option<String>,
) -> Result<(), ApiError> {
    state
        .store
        .audit(AuditEntry {
            user_id: caller.user_id.clone(),
            upn: caller.person.upn.clone(),
            tenant: state.tenant.audit_name().into(),
            what: format!("appRequest.{what}"),
            target: format!("{}@{}", request.app_id, request.id),
            outcome: "done".into(),
            detail,
            ..Default::default()
        })
        .await?;
    Ok(())
}

#[utoipa::path(post, path = "/api/v1/me/apps/{appId}/requests", tag = "apps",
    params(("appId" = String, Path, description = "An app id")),
    request_body = NewAppRequest,
    responses((status = 201, description = "Waiting for an approver", body = AppRequest),
        (status = 403, description = "Not an app to ask for; `reason` says why", body = portal_core::problem::Problem),
        (status = 404, body = portal_core::problem::Problem),
        (status = 409, description = "A request is already waiting, or was approved", body = portal_core::problem::Problem),
        (status = 422, description = "The reason is missing or too long", body = portal_core::problem::Problem)),
    security(("bearer" = [])))]
pub async fn create(
    caller: Caller,
    State(state): State<AppState>,
    Path(app_id): Path<String>,
    Json(body): Json<NewAppRequest>,
) -> Result<(StatusCode, axum::Json<AppRequest>), ApiError> {
    let catalog = state.tenant.catalog().await?.value;
    let app = catalog.get(&app_id).ok_or_else(|| ApiError::not_found("app"))?;
    // Whether it is offered to them at all is the catalog's answer without a device: a
    // request is the person's, not one device's.
    let rules_caller = CatalogCaller { user_id: &caller.user_id, group_ids: &caller.person.group_ids };
    let verdict = entry(&app.app, &app.assignments, &rules_caller, &DeviceContext::None);
    let latest = state.store.latest_app_requests_of_user(&caller.user_id).await?;
    let offer = RequestOffer { latest: latest.get(&app_id).map(RequestStatus::of) };
    if let Err(reason) = may_request(&verdict, app.requestable, &offer) {
        let status = match reason {
            RequestRefusal::AlreadyRequested | RequestRefusal::AlreadyApproved => StatusCode::CONFLICT,
            _ => StatusCode::FORBIDDEN,
        };
        return Err(refused(status, reason));
    }
    let reason = validate_reason(&body.reason).map_err(|r| refused(StatusCode::UNPROCESSABLE_ENTITY, r))?;
    let new = StoredRequest {
        app_id: app_id.clone(),
        app_name: app.app.name.clone(),
        requester_id: caller.user_id.clone(),
        requester_name: caller.person.display_name.clone(),
        requester_upn: caller.person.upn.clone(),
        reason,
    };
    let request = state
        .store
        .insert_app_request(new)
        .await?
        .ok_or_else(|| refused(StatusCode::CONFLICT, RequestRefusal::AlreadyRequested))?;
    audit(&state, &caller, "create", &request, None).await?;
    // The request's new state first, then the news about it: a page that hears of both shows
    // the request before the notification that links to it.
    publish(&state, &request, &app.approvers);
    for approver in app.approvers.iter().filter(|a| **a != caller.user_id) {
        let message = notify::app_requested(&app.app.name, &caller.person.display_name);
        notify::send(&state.store, &state.events, approver, message).await?;
    }
    Ok((StatusCode::CREATED, axum::Json(request)))
}

#[utoipa::path(get, path = "/api/v1/me/app-requests", tag = "apps",
    responses((status = 200, body = AppRequestList), (status = 401, body = portal_core::problem::Problem)),
    security(("bearer" = [])))]
pub async fn mine(caller: Caller, State(state): State<AppState>) -> Result<axum::Json<AppRequestList>, ApiError> {
    Ok(axum::Json(AppRequestList { requests: state.store.app_requests_of_user(&caller.user_id).await? }))
}

#[utoipa::path(post, path = "/api/v1/me/app-requests/{id}/withdraw", tag = "apps",
    params(("id" = String, Path, description = "A request id")),
    responses((status = 200, body = AppRequest),
        (status = 404, body = portal_core::problem::Problem),
        (status = 409, description = "Already decided or withdrawn", body = portal_core::problem::Problem)),
    security(("bearer" = [])))]
pub async fn withdraw(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<axum::Json<AppRequest>, ApiError> {
    let request = state
        .store
        .app_request(&id)
        .await?
        .filter(|r| r.requester_id == caller.user_id)
        .ok_or_else(|| ApiError::not_found("request"))?;
    may_withdraw(&request).map_err(|r| refused(StatusCode::CONFLICT, r))?;
    let request = state
        .store
        .close_app_request(&id, AppRequestState::Withdrawn, None, None)
        .await?
        .ok_or_else(|| refused(StatusCode::CONFLICT, RequestRefusal::RequestNotPending))?;
    audit(&state, &caller, "withdraw", &request, None).await?;
    let approvers =
        state.tenant.catalog().await?.value.get(&request.app_id).map(|a| a.approvers.clone()).unwrap_or_default();
    publish(&state, &request, &approvers);
    for approver in approvers.iter().filter(|a| **a != caller.user_id) {
        let message = notify::app_request_withdrawn(&request.app_name, &request.requester_name);
        notify::send(&state.store, &state.events, approver, message).await?;
    }
    Ok(axum::Json(request))
}

#[utoipa::path(get, path = "/api/v1/me/approvals", tag = "apps",
    responses((status = 200, description = "Requests for the apps the caller approves: waiting ones first (oldest \
        first), then the latest decided", body = AppRequestList),
        (status = 401, body = portal_core::problem::Problem)),
    security(("bearer" = [])))]
pub async fn approvals(caller: Caller, State(state): State<AppState>) -> Result<axum::Json<AppRequestList>, ApiError> {
    let catalog = state.tenant.catalog().await?.value;
    let apps: Vec<String> = catalog.approved_by(&caller.user_id).map(|a| a.app.id.clone()).collect();
    Ok(axum::Json(AppRequestList { requests: state.store.app_requests_for_apps(apps).await? }))
}

#[utoipa::path(post, path = "/api/v1/me/approvals/{id}", tag = "apps",
    params(("id" = String, Path, description = "A request id")),
    request_body = DecideRequest,
    responses((status = 200, body = AppRequest),
        (status = 403, description = "The caller's own request (`reason`: ownRequest)", body = portal_core::problem::Problem),
        (status = 404, description = "No such request for an app the caller approves", body = portal_core::problem::Problem),
        (status = 409, description = "Already decided or withdrawn", body = portal_core::problem::Problem),
        (status = 422, description = "The comment is too long", body = portal_core::problem::Problem)),
    security(("bearer" = [])))]
pub async fn decide(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Json(body): Json<DecideRequest>,
) -> Result<axum::Json<AppRequest>, ApiError> {
    let catalog = state.tenant.catalog().await?.value;
    // Not an approver of its app: exactly like a request that does not exist.
    let request = state.store.app_request(&id).await?.ok_or_else(|| ApiError::not_found("request"))?;
    let Some(app) = catalog.get(&request.app_id).filter(|a| a.is_approver(&caller.user_id)) else {
        return Err(ApiError::not_found("request"));
    };
    if let Err(reason) = may_decide(&request, &caller.user_id) {
        let status = if reason == RequestRefusal::OwnRequest { StatusCode::FORBIDDEN } else { StatusCode::CONFLICT };
        return Err(refused(status, reason));
    }
    let comment =
        validate_comment(body.comment.as_deref()).map_err(|r| refused(StatusCode::UNPROCESSABLE_ENTITY, r))?;
    let approved = body.decision == Decision::Approve;
    if approved {
        // The tenant first (Intune: the install group), so an approval that Intune refused is
        // not recorded as one.
        state.tenant.request_approved(&request.requester_id, &request.app_id).await?;
    }
    let state_to = if approved { AppRequestState::Approved } else { AppRequestState::Declined };
    let decided = state
        .store
        .close_app_request(&id, state_to, Some((&caller.user_id, &caller.person.display_name)), comment.clone())
        .await?
        .ok_or_else(|| refused(StatusCode::CONFLICT, RequestRefusal::RequestNotPending))?;
    audit(&state, &caller, if approved { "approve" } else { "decline" }, &decided, comment).await?;
    let message =
        notify::app_request_decided(approved, &decided.app_id, &decided.app_name, &caller.person.display_name);
    publish(&state, &decided, &app.approvers);
    notify::send(&state.store, &state.events, &decided.requester_id, message).await?;
    Ok(axum::Json(decided))
}
