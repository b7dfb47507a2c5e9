//! The catalog in memory: every app the device context shows, with search, filters and
//! sort orders that answer within a frame for thousands of apps. Pure data, no view code,
//! so component tests can check it directly.
//!
//! Why in memory: the server pages the list (at most 200 a request), but filtering as the
//! user types must not wait for the network; the page loads every page once and then only
//! this module runs per keystroke. Sort orders are computed once per load, so a keystroke
//! costs one pass over pre-lowercased text.

use portal_core::api::{CatalogItem, InstallOperation, InstallStatus};
use portal_core::domain::ResultantAppState;
use portal_core::rules::catalog::{ShownReason, Visibility};
use portal_core::rules::requests::{RequestOffer, RequestStatus};
use std::cmp::Ordering;
use std::collections::HashMap;

/// How an app's assignment reads in the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assignment {
    /// The organisation installs it (it may also be offered).
    Required,
    /// The user may install it.
    Available,
}

impl Assignment {
    pub fn of(item: &CatalogItem) -> Assignment {
        match item.catalog.visibility {
            Visibility::Shown(
                ShownReason::Required
                | ShownReason::RequiredAndAvailable
                | ShownReason::RequiredAndAvailableWithoutEnrollment,
            ) => Assignment::Required,
            _ => Assignment::Available,
        }
    }
}

/// Where an app stands on the device, as the page says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstallState {
    NotInstalled,
    /// The tenant does not report install states (Intune through Graph v1.0).
    Unknown,
    Installing,
    Uninstalling,
    Installed,
    Failed,
}

impl InstallState {
    pub fn of(install: Option<&InstallStatus>) -> InstallState {
        let Some(install) = install else { return InstallState::NotInstalled };
        match (install.pending, install.state) {
            (Some(InstallOperation::Install), _) | (None, ResultantAppState::PendingInstall) => {
                InstallState::Installing
            }
            (Some(InstallOperation::Uninstall), _) => InstallState::Uninstalling,
            (None, ResultantAppState::Installed) => InstallState::Installed,
            (None, ResultantAppState::Failed | ResultantAppState::UninstallFailed) => InstallState::Failed,
            (None, ResultantAppState::Unknown) => InstallState::Unknown,
            (None, _) => InstallState::NotInstalled,
        }
    }

    /// Counts as "on the device" for the Installed view: installed, on its way, or failed
    /// (a failure is something to see there, with its retry).
    pub fn is_in_installed_view(self) -> bool {
        !matches!(self, InstallState::NotInstalled | InstallState::Unknown)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Name,
    Publisher,
    Newest,
}

impl Sort {
    pub const ALL: [Sort; 3] = [Sort::Name, Sort::Publisher, Sort::Newest];

    pub fn code(self) -> &'static str {
        match self {
            Sort::Name => "name",
            Sort::Publisher => "publisher",
            Sort::Newest => "newest",
        }
    }

    pub fn from_code(code: &str) -> Sort {
        Sort::ALL.into_iter().find(|s| s.code() == code).unwrap_or_default()
    }
}

/// What the user narrowed the list to. The default shows everything, by name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    /// Words to find in the name, publisher or description (every word must match).
    pub text: String,
    pub sort: Sort,
    pub assignment: Option<Assignment>,
    pub category: Option<String>,
    pub publisher: Option<String>,
    pub state: Option<InstallState>,
    /// Only what is on the device (or on its way, or failed): the Installed view.
    pub installed_only: bool,
}

impl Filters {
    /// Whether anything narrows the list (the page then hides Featured and offers "Clear").
    pub fn narrows(&self) -> bool {
        !self.text.trim().is_empty()
            || self.assignment.is_some()
            || self.category.is_some()
            || self.publisher.is_some()
            || self.state.is_some()
    }

    /// The same view and sort, nothing else.
    pub fn cleared(&self) -> Filters {
        Filters { sort: self.sort, installed_only: self.installed_only, ..Filters::default() }
    }
}

struct Entry {
    item: CatalogItem,
    /// Name, publisher and description, lowercased once.
    haystack: String,
    /// Name lowercased, for sorting.
    name_key: String,
    publisher_key: String,
}

/// Every app of one device context, in the organisation's order.
#[derive(Default)]
pub struct Catalog {
    entries: Vec<Entry>,
    by_id: HashMap<String, usize>,
    /// Entry indices in each [`Sort`] order.
    orders: [Vec<usize>; 3],
    categories: Vec<String>,
    publishers: Vec<String>,
}

impl Catalog {
    pub fn new(items: Vec<CatalogItem>) -> Catalog {
        let mut catalog = Catalog::default();
        catalog.extend(items);
        catalog
    }

    /// Adds the next page of apps (an app seen before is replaced, not doubled).
    pub fn extend(&mut self, items: Vec<CatalogItem>) {
        for item in items {
            let app = &item.app;
            let haystack = format!("{}\n{}\n{}", app.name, app.publisher, app.description).to_lowercase();
            let entry = Entry {
                name_key: app.name.to_lowercase(),
                publisher_key: app.publisher.to_lowercase(),
                haystack,
                item,
            };
            match self.by_id.get(&entry.item.app.id) {
                Some(&i) => self.entries[i] = entry,
                None => {
                    self.by_id.insert(entry.item.app.id.clone(), self.entries.len());
                    self.entries.push(entry);
                }
            }
        }
        self.index();
    }

    fn index(&mut self) {
        let entries = &self.entries;
        let mut by_name: Vec<usize> = (0..entries.len()).collect();
        by_name.sort_by(|&a, &b| entries[a].name_key.cmp(&entries[b].name_key));
        let mut by_publisher = by_name.clone();
        by_publisher.sort_by(|&a, &b| entries[a].publisher_key.cmp(&entries[b].publisher_key));
        let mut by_newest = by_name.clone();
        // RFC 3339 in UTC sorts as text; newest first, then by name (stable sort).
        by_newest.sort_by(|&a, &b| newest_first(&entries[a].item, &entries[b].item));
        self.orders = [by_name, by_publisher, by_newest];
        let mut categories: Vec<String> = entries.iter().flat_map(|e| e.item.app.categories.iter().cloned()).collect();
        categories.sort_by_key(|c| c.to_lowercase());
        categories.dedup();
        let mut publishers: Vec<String> = entries.iter().map(|e| e.item.app.publisher.clone()).collect();
        publishers.sort_by_key(|p| p.to_lowercase());
        publishers.dedup();
        self.categories = categories;
        self.publishers = publishers;
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn item(&self, index: usize) -> Option<&CatalogItem> {
        self.entries.get(index).map(|e| &e.item)
    }

    pub fn get(&self, app_id: &str) -> Option<&CatalogItem> {
        self.by_id.get(app_id).and_then(|&i| self.item(i))
    }

    /// The categories of the loaded apps, alphabetically.
    pub fn categories(&self) -> &[String] {
        &self.categories
    }

    pub fn publishers(&self) -> &[String] {
        &self.publishers
    }

    /// Featured apps, in the organisation's order.
    pub fn featured(&self, max: usize) -> Vec<usize> {
        (0..self.entries.len()).filter(|&i| self.entries[i].item.app.featured).take(max).collect()
    }

    /// Records a new install state (from a request's answer or a live event). Returns
    /// whether the app is in this catalog.
    pub fn set_install(&mut self, app_id: &str, install: InstallStatus) -> bool {
        match self.by_id.get(app_id) {
            Some(&i) => {
                self.entries[i].item.install = Some(install);
                true
            }
            None => false,
        }
    }

    /// The person's latest request for `app_id` (a requestable app) is now `request`.
    pub fn set_request(&mut self, app_id: &str, request: RequestStatus) -> bool {
        match self.by_id.get(app_id) {
            Some(&i) => {
                self.entries[i].item.request = Some(RequestOffer { latest: Some(request) });
                true
            }
            None => false,
        }
    }

    /// The app as the server now answers for it (same app, new verdict: e.g. installable
    /// once a request was approved). Its texts are unchanged, so the orders stay valid.
    pub fn replace(&mut self, item: CatalogItem) -> bool {
        match self.by_id.get(&item.app.id) {
            Some(&i) => {
                self.entries[i].item = item;
                true
            }
            None => false,
        }
    }

    /// The indices of the apps that pass `filters`, in its sort order.
    pub fn matching(&self, filters: &Filters) -> Vec<usize> {
        let words: Vec<String> = filters.text.to_lowercase().split_whitespace().map(str::to_string).collect();
        let order = &self.orders[filters.sort as usize];
        order
            .iter()
            .copied()
            .filter(|&i| {
                let entry = &self.entries[i];
                let item = &entry.item;
                let state = InstallState::of(item.install.as_ref());
                words.iter().all(|w| entry.haystack.contains(w.as_str()))
                    && filters.assignment.is_none_or(|a| Assignment::of(item) == a)
                    && filters.category.as_ref().is_none_or(|c| item.app.categories.iter().any(|x| x == c))
                    && filters.publisher.as_ref().is_none_or(|p| &item.app.publisher == p)
                    && filters.state.is_none_or(|s| s == state)
                    && (!filters.installed_only || state.is_in_installed_view())
            })
            .collect()
    }
}

fn newest_first(a: &CatalogItem, b: &CatalogItem) -> Ordering {
    b.app.published.cmp(&a.app.published)
}
