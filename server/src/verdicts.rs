//! Remembered catalog verdicts. `rules::catalog::entry` over a 2,000-app catalog is most of
//! the cost of `/me/apps`; its result depends only on the catalog (immutable per import)
//! and the rule's inputs — the user's groups, the device's groups, the platform, whether
//! the device is enrolled and whether the caller is its primary user. Keyed by exactly
//! those inputs, a remembered verdict is the one the rule would compute, and it is shared
//! by everyone with the same inputs (people in the same groups on the same kind of device).

use crate::tenant::AppCatalog;
use portal_core::domain::Platform;
use portal_core::rules::catalog::{entry, Caller, CatalogEntry, DeviceContext};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Remembered input combinations; the map is emptied when full.
const MAX_KEYS: usize = 512;

/// The apps a context shows: (index in the catalog, verdict), in catalog order.
pub type Visible = Arc<Vec<(usize, CatalogEntry)>>;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    user_groups: Vec<String>,
    device_groups: Vec<String>,
    platform: Option<Platform>,
    enrolled: bool,
    primary: bool,
}

#[derive(Default)]
struct Inner {
    /// The catalog the verdicts are about; another one (an import) empties the map.
    catalog: Option<Arc<AppCatalog>>,
    visible: HashMap<Key, Visible>,
}

#[derive(Default)]
pub struct VerdictCache {
    inner: Mutex<Inner>,
}

impl VerdictCache {
    /// The visible apps of `catalog` for `caller` in `context`, computed by the rule once
    /// per input combination.
    pub fn visible(&self, catalog: &Arc<AppCatalog>, caller: &Caller<'_>, context: &DeviceContext<'_>) -> Visible {
        let key = match context {
            DeviceContext::Enrolled { device, group_ids } => Key {
                user_groups: caller.group_ids.to_vec(),
                device_groups: group_ids.to_vec(),
                platform: context.platform(),
                enrolled: true,
                primary: device.is_primary_user(caller.user_id),
            },
            _ => Key {
                user_groups: caller.group_ids.to_vec(),
                device_groups: Vec::new(),
                platform: context.platform(),
                enrolled: false,
                primary: false,
            },
        };
        {
            let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            if inner.catalog.as_ref().is_some_and(|c| Arc::ptr_eq(c, catalog)) {
                if let Some(found) = inner.visible.get(&key) {
                    return found.clone();
                }
            }
        }
        let computed: Visible = Arc::new(
            catalog
                .apps()
                .iter()
                .enumerate()
                .filter_map(|(i, app)| {
                    let verdict = entry(&app.app, &app.assignments, caller, context);
                    verdict.is_visible().then_some((i, verdict))
                })
                .collect(),
        );
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if !inner.catalog.as_ref().is_some_and(|c| Arc::ptr_eq(c, catalog)) {
            inner.catalog = Some(catalog.clone());
            inner.visible.clear();
        }
        if inner.visible.len() >= MAX_KEYS {
            inner.visible.clear();
        }
        inner.visible.insert(key, computed.clone());
        computed
    }
}
