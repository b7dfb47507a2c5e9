//! Domain rules (see DOMAIN.md): pure functions the server enforces and the page explains.
//! They return codes and enums, never sentences; the UI localises them.

pub mod actions;
pub mod catalog;
pub mod compliance;
pub mod intent;
pub mod protection;

#[cfg(test)]
mod fixtures;
