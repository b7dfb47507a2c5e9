//! The organisation's terms of use before the personal pages (issue 16). Once signed in, the
//! `signed_in` chunk asks `GET /api/v1/me/terms`; while it asks, pages render as usual (most
//! people have no terms to accept, and the server refuses personal data until they are
//! accepted anyway); if the current version must be accepted, every personal route shows the
//! terms page instead (its own chunk) until the person accepts — or declines, which signs
//! them out. Public pages (Help, Settings, About) stay public.

use leptos::prelude::*;
use portal_core::api::TermsStatus;

// No derives: only `with` reads it, so none of TermsStatus's Clone or PartialEq code is in
// the first load.
pub enum TermsState {
    /// Signed out, or the answer is not in yet.
    Checking,
    /// Nothing to accept (or accepted).
    Clear,
    /// The current version must be accepted first.
    MustAccept(TermsStatus),
}

#[derive(Clone, Copy)]
pub struct TermsGate(pub RwSignal<TermsState>);

impl TermsGate {
    /// Whether personal routes show the terms page (tracked).
    pub fn blocks(self) -> bool {
        self.0.with(|s| matches!(s, TermsState::MustAccept(_)))
    }

    /// Whether the terms are known to be accepted or absent (tracked).
    pub fn is_clear(self) -> bool {
        self.0.with(|s| matches!(s, TermsState::Clear))
    }
}

pub fn provide() {
    provide_context(TermsGate(RwSignal::new(TermsState::Checking)));
}

pub fn use_terms_gate() -> Option<TermsGate> {
    use_context::<TermsGate>()
}
