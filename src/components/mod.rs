//! Pieces shared by several pages.

pub mod error_text;
pub mod modal;
pub mod notifications;
pub mod protection_summary;
pub mod shell;
pub mod stale;
pub mod terms_gate;
pub mod this_device;
