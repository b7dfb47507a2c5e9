//! What a tenant answers: the facts, and whether they are as fresh as they should be.
//!
//! The embedded tenant always answers fresh. Microsoft Graph can be slow, throttle or be
//! down; then the Intune tenant answers with what it read last and says when
//! ([`Answer::stale`]), and a handler passes that on to the page (`stale` in the response),
//! which shows the data with its time instead of an error. Only a question that was never
//! answered before fails, with [`TenantError::Unavailable`].

use portal_core::api::{StaleReason, Staleness};
use std::time::Duration;

/// Facts from the tenant, possibly older than they should be.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer<T> {
    pub value: T,
    /// `None`: as fresh as this kind of fact is meant to be.
    pub stale: Option<Staleness>,
}

impl<T> Answer<T> {
    pub fn fresh(value: T) -> Answer<T> {
        Answer { value, stale: None }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Answer<U> {
        Answer { value: f(self.value), stale: self.stale }
    }
}

impl<T> Answer<Option<T>> {
    /// `None` when there is no value; the staleness goes with the value.
    pub fn transpose_option(self) -> Option<Answer<T>> {
        let stale = self.stale;
        self.value.map(|value| Answer { value, stale })
    }
}

/// Collects the staleness of the answers one response is made of: the response is as stale
/// as its oldest part.
#[derive(Debug, Default)]
pub struct Freshness {
    stale: Option<Staleness>,
}

impl Freshness {
    /// The value of `answer`, noting its staleness.
    pub fn take<T>(&mut self, answer: Answer<T>) -> T {
        self.note(answer.stale);
        answer.value
    }

    /// [`Freshness::take`] for an answer that may be absent.
    pub fn take_opt<T>(&mut self, answer: Option<Answer<T>>) -> Option<T> {
        answer.map(|a| self.take(a))
    }

    fn note(&mut self, stale: Option<Staleness>) {
        let Some(stale) = stale else { return };
        // RFC 3339 UTC strings compare in time order.
        match &self.stale {
            Some(kept) if kept.read_at <= stale.read_at => {}
            _ => self.stale = Some(stale),
        }
    }

    /// The staleness to put in a response (`None` when every part was fresh).
    pub fn stale(&self) -> Option<Staleness> {
        self.stale.clone()
    }

    /// `value` as an answer as stale as what was taken.
    pub fn answer<T>(self, value: T) -> Answer<T> {
        Answer { value, stale: self.stale }
    }
}

/// Why a tenant could not answer.
#[derive(Debug, thiserror::Error)]
pub enum TenantError {
    /// The back end did not answer and nothing was read before that could stand in: the
    /// page says "try again in a minute" (a 503 with `Retry-After`).
    #[error("the organisation's device management is not answering ({reason:?}); retry in {retry_after:?}")]
    Unavailable { reason: StaleReason, retry_after: Duration },
    /// What the tenant says now (read fresh before a change) makes the rule refuse it.
    #[error("refused: {0:?}")]
    Refused(portal_core::api::Refusal),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}
