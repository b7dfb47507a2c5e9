//! `/api/v1/me/terms`: the organisation's terms of use, and accepting them. Both answer
//! before the terms are accepted (a [`SignedIn`], not a `Caller`): they are how a person gets
//! past the gate. Declining is the page's: it signs the person out.

use super::extract::Json;
use super::ApiError;
use crate::auth::SignedIn;
use crate::store::AuditEntry;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use portal_core::api::{AcceptTerms, Refusal, TermsStatus};
use portal_core::domain::TermsAcceptance;
use portal_core::rules::terms::{applies_to, may_accept};

#[utoipa::path(get, path = "/api/v1/me/terms", tag = "me",
    responses((status = 200, body = TermsStatus), (status = 401, body = portal_core::problem::Problem)),
    security(("bearer" = [])))]
pub async fn status(
    SignedIn(caller): SignedIn,
    State(state): State<AppState>,
) -> Result<axum::Json<TermsStatus>, ApiError> {
    let config = state.tenant.terms().await?.value;
    let config = config.filter(|c| applies_to(c.groups.as_deref(), &caller.person.group_ids));
    let Some(config) = config else {
        return Ok(axum::Json(TermsStatus { terms: None, must_accept: false, accepted: None }));
    };
    let accepted = state.store.terms_acceptance(&caller.user_id, &config.terms.version).await?;
    Ok(axum::Json(TermsStatus { must_accept: accepted.is_none(), accepted, terms: Some(config.terms.clone()) }))
}

#[utoipa::path(post, path = "/api/v1/me/terms/acceptance", tag = "me",
    request_body = AcceptTerms,
    responses((status = 200, description = "Accepted (again: the first time is kept)", body = TermsAcceptance),
        (status = 409, description = "Not the current version (`reason` says so), or no terms", body = portal_core::problem::Problem)),
    security(("bearer" = [])))]
pub async fn accept(
    SignedIn(caller): SignedIn,
    State(state): State<AppState>,
    Json(body): Json<AcceptTerms>,
) -> Result<axum::Json<TermsAcceptance>, ApiError> {
    let config = state.tenant.terms().await?.value;
    let config = config.filter(|c| applies_to(c.groups.as_deref(), &caller.person.group_ids));
    if let Err(reason) = may_accept(config.as_ref().map(|c| &c.terms), &body.version) {
        return Err(ApiError::refused(StatusCode::CONFLICT, "These terms cannot be accepted", Refusal::Terms(reason)));
    }
    let acceptance = state.store.accept_terms(&caller.user_id, &body.version).await?;
    state.terms_accepted.remember(&caller.user_id, &body.version);
    state
        .store
        .audit(AuditEntry {
            user_id: caller.user_id.clone(),
            upn: caller.person.upn.clone(),
            tenant: state.tenant.audit_name().into(),
            what: "terms.accept".into(),
            target: body.version.clone(),
            outcome: "done".into(),
            ..Default::default()
        })
        .await?;
    Ok(axum::Json(acceptance))
}
