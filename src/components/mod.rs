//! Pieces shared by several pages.

pub mod error_text;
pub mod shell;
