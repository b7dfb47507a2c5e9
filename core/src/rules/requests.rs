//! Asking for an app: who may ask, who may decide, and what an approval changes. The page
//! asks these to show its buttons; the server asks the same before it changes anything.
//!
//! An app the organisation marks requestable is still assigned as usual (the assignments
//! say who sees it); for it, "Install" becomes "Request" until one of the app's approvers
//! approves a request of the person's. A person cannot approve their own request.

use crate::domain::{AppRequest, AppRequestState};
use crate::rules::catalog::CatalogEntry;
use serde::{Deserialize, Serialize};

/// The longest reason a requester may give, and the longest comment an approver may add.
pub const REASON_MAX_CHARS: usize = 500;
pub const COMMENT_MAX_CHARS: usize = 500;

/// Why a request (or a decision on one) is refused. Codes are distinct from every other
/// refusal's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "code", rename_all = "camelCase")]
pub enum RequestRefusal {
    /// The app is not one the organisation lets people ask for.
    NotRequestable,
    /// The app isn't offered to the person (not assigned, excluded, another platform only…).
    RequestNotOffered,
    /// A request of theirs is already waiting.
    AlreadyRequested,
    /// A request of theirs was approved: they can install it.
    AlreadyApproved,
    /// A reason is required.
    ReasonRequired,
    /// The reason is longer than [`REASON_MAX_CHARS`].
    ReasonTooLong,
    /// The comment is longer than [`COMMENT_MAX_CHARS`].
    CommentTooLong,
    /// Nobody approves their own request.
    OwnRequest,
    /// The request was already decided or withdrawn.
    RequestNotPending,
}

/// Where the person's latest request for an app stands, as the catalog shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RequestStatus {
    pub id: String,
    pub state: AppRequestState,
    /// The approver's comment, when they left one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl RequestStatus {
    pub fn of(request: &AppRequest) -> RequestStatus {
        RequestStatus { id: request.id.clone(), state: request.state, comment: request.comment.clone() }
    }
}

/// A requestable app as one person sees it: their latest request, if any.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RequestOffer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest: Option<RequestStatus>,
}

impl RequestOffer {
    pub fn approved(&self) -> bool {
        self.latest.as_ref().is_some_and(|r| r.state == AppRequestState::Approved)
    }
}

/// The reason as it is kept (trimmed), or why it cannot be.
pub fn validate_reason(reason: &str) -> Result<String, RequestRefusal> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(RequestRefusal::ReasonRequired);
    }
    if reason.chars().count() > REASON_MAX_CHARS {
        return Err(RequestRefusal::ReasonTooLong);
    }
    Ok(reason.to_string())
}

/// The comment as it is kept (trimmed, `None` when empty), or why it cannot be.
pub fn validate_comment(comment: Option<&str>) -> Result<Option<String>, RequestRefusal> {
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    if comment.is_some_and(|c| c.chars().count() > COMMENT_MAX_CHARS) {
        return Err(RequestRefusal::CommentTooLong);
    }
    Ok(comment.map(str::to_string))
}

/// Whether the person may ask for the app, given how the catalog shows it to them without a
/// device (`entry`), whether it is requestable, and their latest request.
pub fn may_request(entry: &CatalogEntry, requestable: bool, offer: &RequestOffer) -> Result<(), RequestRefusal> {
    if !requestable {
        return Err(RequestRefusal::NotRequestable);
    }
    if !entry.is_visible() || !entry.intent.user_may_install() {
        return Err(RequestRefusal::RequestNotOffered);
    }
    match offer.latest.as_ref().map(|r| r.state) {
        Some(AppRequestState::Pending) => Err(RequestRefusal::AlreadyRequested),
        Some(AppRequestState::Approved) => Err(RequestRefusal::AlreadyApproved),
        Some(AppRequestState::Declined | AppRequestState::Withdrawn) | None => Ok(()),
    }
}

/// Whether `approver` may decide `request` (the caller has checked they approve the app).
pub fn may_decide(request: &AppRequest, approver: &str) -> Result<(), RequestRefusal> {
    if request.requester_id == approver {
        return Err(RequestRefusal::OwnRequest);
    }
    if !request.state.is_open() {
        return Err(RequestRefusal::RequestNotPending);
    }
    Ok(())
}

/// Whether the requester may withdraw `request` (it is theirs: the caller checked).
pub fn may_withdraw(request: &AppRequest) -> Result<(), RequestRefusal> {
    if request.state.is_open() {
        Ok(())
    } else {
        Err(RequestRefusal::RequestNotPending)
    }
}

/// A requestable app can be installed only once a request of the person's was approved:
/// until then the install button is "Request".
pub fn gate_install(entry: &mut CatalogEntry, offer: &RequestOffer) {
    if !offer.approved() {
        entry.can_install = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ResolvedIntent;
    use crate::rules::catalog::{HiddenReason, ShownReason, Visibility};

    fn entry(visibility: Visibility, intent: ResolvedIntent) -> CatalogEntry {
        CatalogEntry { app_id: "a".into(), intent, visibility, can_install: true, can_uninstall: false }
    }

    fn latest(state: AppRequestState) -> RequestOffer {
        RequestOffer { latest: Some(RequestStatus { id: "r".into(), state, comment: None }) }
    }

    fn request(requester: &str, state: AppRequestState) -> AppRequest {
        AppRequest {
            id: "r".into(),
            app_id: "a".into(),
            app_name: "A".into(),
            requester_id: requester.into(),
            requester_name: requester.into(),
            reason: "need it".into(),
            state,
            created_date_time: "2026-01-01T00:00:00Z".into(),
            decided_date_time: None,
            decided_by_name: None,
            comment: None,
        }
    }

    #[test]
    fn who_may_ask() {
        let offered = entry(Visibility::Shown(ShownReason::Available), ResolvedIntent::Available);
        let hidden = entry(Visibility::Hidden(HiddenReason::NotAssigned), ResolvedIntent::NotAvailable);
        let required = entry(Visibility::Shown(ShownReason::Required), ResolvedIntent::Required);
        let none = RequestOffer::default();
        assert_eq!(may_request(&offered, true, &none), Ok(()));
        assert_eq!(may_request(&offered, false, &none), Err(RequestRefusal::NotRequestable));
        assert_eq!(may_request(&hidden, true, &none), Err(RequestRefusal::RequestNotOffered));
        assert_eq!(may_request(&required, true, &none), Err(RequestRefusal::RequestNotOffered));
        assert_eq!(
            may_request(&offered, true, &latest(AppRequestState::Pending)),
            Err(RequestRefusal::AlreadyRequested)
        );
        assert_eq!(
            may_request(&offered, true, &latest(AppRequestState::Approved)),
            Err(RequestRefusal::AlreadyApproved)
        );
        assert_eq!(may_request(&offered, true, &latest(AppRequestState::Declined)), Ok(()), "ask again after a no");
        assert_eq!(may_request(&offered, true, &latest(AppRequestState::Withdrawn)), Ok(()));
    }

    #[test]
    fn who_may_decide_and_withdraw() {
        assert_eq!(may_decide(&request("u1", AppRequestState::Pending), "u2"), Ok(()));
        assert_eq!(may_decide(&request("u1", AppRequestState::Pending), "u1"), Err(RequestRefusal::OwnRequest));
        assert_eq!(may_decide(&request("u1", AppRequestState::Approved), "u2"), Err(RequestRefusal::RequestNotPending));
        assert_eq!(may_withdraw(&request("u1", AppRequestState::Pending)), Ok(()));
        assert_eq!(may_withdraw(&request("u1", AppRequestState::Declined)), Err(RequestRefusal::RequestNotPending));
    }

    #[test]
    fn reasons_and_comments() {
        assert_eq!(validate_reason("  for the Q3 budget  "), Ok("for the Q3 budget".into()));
        assert_eq!(validate_reason("   "), Err(RequestRefusal::ReasonRequired));
        assert_eq!(validate_reason(&"x".repeat(501)), Err(RequestRefusal::ReasonTooLong));
        assert_eq!(validate_reason(&"é".repeat(500)).map(|r| r.chars().count()), Ok(500), "characters, not bytes");
        assert_eq!(validate_comment(Some("  ")), Ok(None));
        assert_eq!(validate_comment(Some(&"x".repeat(501))), Err(RequestRefusal::CommentTooLong));
    }

    #[test]
    fn install_waits_for_an_approval() {
        let mut e = entry(Visibility::Shown(ShownReason::Available), ResolvedIntent::Available);
        gate_install(&mut e, &latest(AppRequestState::Pending));
        assert!(!e.can_install);
        let mut e = entry(Visibility::Shown(ShownReason::Available), ResolvedIntent::Available);
        gate_install(&mut e, &latest(AppRequestState::Approved));
        assert!(e.can_install);
    }
}
