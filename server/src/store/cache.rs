//! Tenant data that only an import changes — the app catalog with its assignments, the
//! app protection policies, the organisation settings and the people with their groups —
//! kept in memory, so that `/me/apps` over a 2,000-app catalog costs no catalog query per
//! request and knowing who a caller is costs none at all.
//!
//! Loaded on first use after each import and dropped by [`Store::load_tenant`]. A
//! generation counter keeps a load that raced an import from installing stale data.
//! With several server instances over one database, each instance caches what it loaded,
//! and an import by any of them (or by `portal-server import`) drops every instance's
//! copy: the import announces itself to the others (`cluster.rs`), and an instance that
//! lost touch with the others drops its copy when it reconnects.

use super::Store;
use crate::tenant::{AppCatalog, Person, TermsConfig};
use portal_core::domain::{AppProtectionPolicy, DeviceCategory, OrganisationSettings};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

/// The immutable part of the loaded tenant.
#[derive(Debug)]
pub struct TenantCache {
    pub catalog: Arc<AppCatalog>,
    /// In file order, with `protected_app_identifiers` expanded from the protected apps.
    pub policies: Arc<Vec<AppProtectionPolicy>>,
    pub settings: OrganisationSettings,
    /// The public branding (`None` before a tenant is imported).
    pub branding: Option<portal_core::branding::Branding>,
    /// Every user by id, with their groups (5,000 users are a few hundred KB).
    pub people: HashMap<String, Arc<Person>>,
    /// The organisation's device categories, in file order.
    pub device_categories: Arc<Vec<DeviceCategory>>,
    /// The organisation's terms of use, if it publishes any.
    pub terms: Option<Arc<TermsConfig>>,
}

#[derive(Clone, Default)]
pub(super) struct Shared {
    current: Arc<RwLock<Option<Arc<TenantCache>>>>,
    generation: Arc<AtomicU64>,
}

impl Store {
    /// The cached tenant data, loading it if an import dropped it.
    pub async fn tenant_cache(&self) -> anyhow::Result<Arc<TenantCache>> {
        if let Some(cached) = self.cache.current.read().unwrap_or_else(|e| e.into_inner()).as_ref() {
            return Ok(cached.clone());
        }
        let generation = self.cache.generation.load(Ordering::Acquire);
        let branding = self.branding().await?;
        let loaded = Arc::new(
            self.run(|db| {
                db.read(|tx| {
                    Ok(TenantCache {
                        catalog: Arc::new(super::apps::load_catalog(tx)?),
                        policies: Arc::new(super::protection::load_policies(tx)?),
                        settings: super::users::load_settings(tx)?,
                        people: super::users::load_people(tx)?,
                        device_categories: Arc::new(super::categories::load_categories(tx)?),
                        terms: super::terms::load_terms(tx)?.map(Arc::new),
                        branding,
                    })
                })
            })
            .await?,
        );
        let mut slot = self.cache.current.write().unwrap_or_else(|e| e.into_inner());
        if self.cache.generation.load(Ordering::Acquire) == generation {
            *slot = Some(loaded.clone());
        }
        Ok(loaded)
    }

    /// Forgets the cached tenant (an import here or in another instance).
    pub fn invalidate_cache(&self) {
        let mut slot = self.cache.current.write().unwrap_or_else(|e| e.into_inner());
        self.cache.generation.fetch_add(1, Ordering::AcqRel);
        *slot = None;
    }

    /// Counts imports seen by this instance (here or announced by another): caches of
    /// derived facts (verified tokens) start afresh when it moves.
    pub fn tenant_generation(&self) -> u64 {
        self.cache.generation.load(Ordering::Acquire)
    }
}
