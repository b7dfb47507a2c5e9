//! `portal-core`: the Portal API's wire types and the domain rules.
//!
//! Plain Rust with no browser or server dependencies, compiled into both the
//! SPA (to explain) and the server (to enforce), so the two can never disagree.

pub mod api;
pub mod branding;
pub mod domain;
pub mod problem;
pub mod rules;
