//! The terms-of-use gate of [`super::Caller`]: whether the organisation's current terms are
//! for this person and not yet accepted by them. Asked on every personal request, so it costs
//! no database query for people the terms are not for, and none once they accepted (a positive
//! answer is remembered: an acceptance is never taken back).

use super::{Caller, Rejection};
use crate::AppState;
use std::collections::HashSet;
use std::sync::Mutex;

/// Remembered acceptances at most; the set is emptied when full.
const REMEMBER_MAX: usize = 20_000;

/// (user id, version) pairs known to be accepted.
#[derive(Default)]
pub struct TermsAccepted {
    known: Mutex<HashSet<(String, String)>>,
}

impl TermsAccepted {
    pub fn knows(&self, user_id: &str, version: &str) -> bool {
        self.known.lock().unwrap_or_else(|e| e.into_inner()).contains(&(user_id.to_string(), version.to_string()))
    }

    pub fn remember(&self, user_id: &str, version: &str) {
        let mut known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        if known.len() >= REMEMBER_MAX {
            known.clear();
        }
        known.insert((user_id.to_string(), version.to_string()));
    }
}

/// Whether `caller` must still accept the organisation's current terms.
pub async fn must_accept(state: &AppState, caller: &Caller) -> Result<bool, Rejection> {
    let terms = state.tenant.terms().await.map_err(Rejection::Tenant)?.value;
    let Some(config) = terms else { return Ok(false) };
    if !portal_core::rules::terms::applies_to(config.groups.as_deref(), &caller.person.group_ids) {
        return Ok(false);
    }
    let version = &config.terms.version;
    if state.terms_accepted.knows(&caller.user_id, version) {
        return Ok(false);
    }
    let accepted = state.store.terms_acceptance(&caller.user_id, version).await.map_err(Rejection::Internal)?;
    if accepted.is_some() {
        state.terms_accepted.remember(&caller.user_id, version);
    }
    Ok(accepted.is_none())
}
