//! The organisation's app catalog as the rules read it: every app with its assignments, in
//! the organisation's order, with lookups by app id and by bundle / package id. Built by the
//! embedded tenant from the store and by the Intune tenant from Graph; immutable once built
//! (a new catalog replaces it).

use portal_core::domain::{App, Assignment};
use std::collections::HashMap;

/// One app of the catalog with everything the rules and the simulator need.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogApp {
    pub app: App,
    pub assignments: Vec<Assignment>,
    /// The embedded tenant's simulator fails installs of it (a tenant file's `fails_install`,
    /// to show a failure); always false on Intune. Not on the wire.
    pub fails_install: bool,
    /// Bundle ids / package ids.
    pub app_identifiers: Vec<String>,
    /// Whether the portal can carry out an install of it (on Intune: the organisation file
    /// names an install group for it).
    pub self_service: bool,
    /// People ask for it, and one of `approvers` decides (`rules::requests`).
    pub requestable: bool,
    /// Object ids of the people who approve requests for it.
    pub approvers: Vec<String>,
}

impl CatalogApp {
    pub fn is_approver(&self, user_id: &str) -> bool {
        self.requestable && self.approvers.iter().any(|a| a == user_id)
    }
}

/// The whole catalog in the organisation's order, with lookups by app id and by app identifier.
#[derive(Debug, Default)]
pub struct AppCatalog {
    apps: Vec<CatalogApp>,
    by_id: HashMap<String, usize>,
    /// Lowercased identifier → index.
    by_identifier: HashMap<String, usize>,
    /// Everyone who approves requests for some app.
    approvers: std::collections::HashSet<String>,
}

impl AppCatalog {
    pub fn new(apps: Vec<CatalogApp>) -> AppCatalog {
        let by_id = apps.iter().enumerate().map(|(i, a)| (a.app.id.clone(), i)).collect();
        let by_identifier = apps
            .iter()
            .enumerate()
            .flat_map(|(i, a)| a.app_identifiers.iter().map(move |id| (id.to_ascii_lowercase(), i)))
            .collect();
        let approvers = apps.iter().filter(|a| a.requestable).flat_map(|a| a.approvers.iter().cloned()).collect();
        AppCatalog { apps, by_id, by_identifier, approvers }
    }

    /// Whether `user_id` approves requests for at least one app.
    pub fn is_approver(&self, user_id: &str) -> bool {
        self.approvers.contains(user_id)
    }

    /// The requestable apps `user_id` approves requests for.
    pub fn approved_by<'a>(&'a self, user_id: &'a str) -> impl Iterator<Item = &'a CatalogApp> + 'a {
        self.apps.iter().filter(move |a| a.is_approver(user_id))
    }

    pub fn apps(&self) -> &[CatalogApp] {
        &self.apps
    }

    pub fn len(&self) -> usize {
        self.apps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.apps.is_empty()
    }

    pub fn get(&self, app_id: &str) -> Option<&CatalogApp> {
        self.by_id.get(app_id).map(|&i| &self.apps[i])
    }

    /// The app a protection registration's bundle / package id belongs to (ignoring case).
    pub fn by_identifier(&self, app_identifier: &str) -> Option<&CatalogApp> {
        self.by_identifier.get(&app_identifier.to_ascii_lowercase()).map(|&i| &self.apps[i])
    }

    /// The pairs `portal_core::rules::catalog::catalog` takes.
    pub fn for_rules(&self) -> impl Iterator<Item = (&App, &[Assignment])> {
        self.apps.iter().map(|a| (&a.app, a.assignments.as_slice()))
    }

    /// Apps the organisation features, in file order (still subject to the rules).
    pub fn featured(&self) -> impl Iterator<Item = &CatalogApp> {
        self.apps.iter().filter(|a| a.app.featured)
    }
}
