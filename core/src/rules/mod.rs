//! Domain rules (see DOMAIN.md): pure functions the server enforces and the page explains.
//! They return codes and enums, never sentences; the UI localises them.

pub mod actions;
pub mod catalog;
pub mod categories;
pub mod compliance;
pub mod intent;
pub mod protection;
pub mod recovery;
pub mod requests;
pub mod terms;

#[cfg(test)]
mod fixtures;
