//! The Portal API as an OAuth 2.0 resource server: every `/api/v1/me*` handler takes a
//! [`Caller`], which exists only for a request with a valid bearer access token of the
//! configured issuer whose `oid` (else `sub`) is a user of the tenant (as the tenant says:
//! [`crate::tenant::Tenant::person`]).
//!
//! Failures are 401 problem documents with `WWW-Authenticate: Bearer error="invalid_token"`
//! (RFC 6750 §3); a bad token is never a 500.
//!
//! A [`Caller`] has also accepted the organisation's current terms of use, if it publishes
//! any for them (`rules::terms`); until then personal endpoints answer 403
//! `urn:portal:problem:terms-not-accepted`. The few endpoints a person needs before that —
//! their profile, the terms themselves, live events — take a [`SignedIn`] instead.

mod terms;

mod keys;
pub mod user;
mod verify;

pub use verify::Verifier;

use crate::http::ApiError;
use crate::tenant::{Freshness, Person, TenantError};
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use portal_core::api::Staleness;
use portal_core::problem::Problem;

/// The signed-in user a request acts for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The tenant user's object id (the token's `oid`, else `sub`).
    pub user_id: String,
    /// The token's delegated scopes (`scp`, else `scope`), for handlers that need one.
    pub scopes: Vec<String>,
    /// Who they are in the tenant, with their groups.
    pub person: Person,
    /// Set when the tenant answered who they are from what it read earlier.
    pub stale: Option<Staleness>,
    /// When they last signed in (unix seconds), if the token says: some requests need a
    /// recent sign-in (`rules::recovery::signed_in_recently`).
    pub auth_time: Option<u64>,
}

/// A signed-in user who may not have accepted the terms of use yet (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn(pub Caller);

pub use terms::TermsAccepted;

impl Caller {
    /// A freshness account for one response, starting with how fresh the caller's own
    /// facts were.
    pub fn freshness(&self) -> Freshness {
        let mut fresh = Freshness::default();
        fresh.take(crate::tenant::Answer { value: (), stale: self.stale.clone() });
        fresh
    }
}

/// Why a request has no [`Caller`].
#[derive(Debug)]
pub enum Rejection {
    /// No `Authorization: Bearer` header.
    Missing,
    /// The token is not acceptable; the text says why (safe to show).
    InvalidToken(String),
    /// A valid token for someone who is not a user of this tenant.
    UnknownUser,
    /// The issuer's keys could not be fetched.
    KeysUnavailable,
    /// The tenant could not say whether this is one of its users.
    Tenant(TenantError),
    /// The organisation's current terms of use are not accepted yet.
    TermsNotAccepted,
    /// The store could not say whether they were.
    Internal(anyhow::Error),
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let (problem, challenge) = match self {
            Rejection::Missing => (
                Problem::new(401, "Sign-in required")
                    .with_detail("Send an access token as `Authorization: Bearer <token>`."),
                Some("Bearer realm=\"portal\"".to_string()),
            ),
            Rejection::InvalidToken(why) => {
                let description: String = why.chars().filter(|c| *c != '"' && *c != '\\' && !c.is_control()).collect();
                (
                    Problem::new(401, "The access token is not valid").with_detail(why),
                    Some(format!(
                        "Bearer realm=\"portal\", error=\"invalid_token\", error_description=\"{description}\""
                    )),
                )
            }
            Rejection::UnknownUser => (
                Problem::new(403, "Not a user of this organisation")
                    .with_detail("The token is valid, but its subject is not a user of this portal's tenant."),
                None,
            ),
            Rejection::KeysUnavailable => (
                Problem::new(503, "Sign-in keys are unavailable")
                    .with_detail("The identity provider's signing keys could not be fetched. Try again in a moment."),
                None,
            ),
            Rejection::Tenant(e) => return ApiError::from(e).into_response(),
            Rejection::Internal(e) => return ApiError::Internal(e).into_response(),
            Rejection::TermsNotAccepted => (
                Problem::new(403, "Accept the terms of use first")
                    .with_kind(portal_core::problem::TERMS_NOT_ACCEPTED)
                    .with_detail("Read GET /api/v1/me/terms and accept them with POST /api/v1/me/terms/acceptance."),
                None,
            ),
        };
        let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::UNAUTHORIZED);
        let mut res = ApiError::Problem(problem).into_response();
        *res.status_mut() = status;
        if let Some(value) = challenge.and_then(|c| HeaderValue::from_str(&c).ok()) {
            res.headers_mut().insert(header::WWW_AUTHENTICATE, value);
        }
        res
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let SignedIn(caller) = SignedIn::from_request_parts(parts, state).await?;
        if terms::must_accept(state, &caller).await? {
            return Err(Rejection::TermsNotAccepted);
        }
        Ok(caller)
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Err(Rejection::Missing);
        };
        let value =
            value.to_str().map_err(|_| Rejection::InvalidToken("the Authorization header is not text".into()))?;
        let token = match value.split_once(' ') {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim(),
            _ => return Err(Rejection::Missing),
        };
        if token.is_empty() {
            return Err(Rejection::InvalidToken("the bearer token is empty".into()));
        }
        let verified = state.verifier.verify(token).await?;
        match state.tenant.person(&verified.subject).await {
            Ok(Some(answer)) => Ok(SignedIn(Caller {
                user_id: verified.subject,
                scopes: verified.scopes,
                person: answer.value,
                stale: answer.stale,
                auth_time: verified.auth_time,
            })),
            Ok(None) => Err(Rejection::UnknownUser),
            Err(e) => Err(Rejection::Tenant(e)),
        }
    }
}
