//! The embedded tenant: the organisation described by a tenant file, imported into the
//! store, with the device simulator standing in for its devices and apps. The default for
//! `scripts/run`, the demo and the tests.
//!
//! Reads are the store's (catalog, policies, settings and people from its per-import cache);
//! changes are written to the store as pending work that the simulator carries out.

pub mod simulator;

use super::{
    ActionQueued, Answer, AppCatalog, AppProtection, DeviceView, InstallRecord, Organisation, Overview, Person, Tenant,
    TenantError, UserDevices,
};
use crate::events::EventBus;
use crate::store::codec::code;
use crate::store::{AuditEntry, Store};
use async_trait::async_trait;
use portal_core::api::InstallOperation;
use portal_core::branding::Branding;
use portal_core::domain::{ManagedDevice, RemoteAction};
use std::sync::Arc;
use std::time::Duration;

pub struct EmbeddedTenant {
    store: Store,
    events: EventBus,
    /// Where the tenant file came from, for logs.
    source: String,
}

impl EmbeddedTenant {
    /// The tenant in `store` (imported already), with its simulator started on the runtime:
    /// pending work waits `delay` before it is carried out.
    pub fn start(store: Store, events: EventBus, source: String, delay: Duration) -> EmbeddedTenant {
        simulator::spawn(store.clone(), events.clone(), delay);
        EmbeddedTenant { store, events, source }
    }

    /// Records an accepted change in the audit trail (the simulator records how it ends).
    async fn audit(&self, person: &Person, what: String, target: String) -> anyhow::Result<()> {
        let entry = AuditEntry {
            user_id: person.id.clone(),
            upn: person.upn.clone(),
            tenant: "embedded".into(),
            what,
            target,
            outcome: "accepted".into(),
            ..Default::default()
        };
        self.store.audit(entry).await
    }
}

#[async_trait]
impl Tenant for EmbeddedTenant {
    fn describe(&self) -> String {
        format!("the embedded tenant ({})", self.source)
    }

    async fn branding(&self) -> Result<Answer<Option<Branding>>, TenantError> {
        Ok(Answer::fresh(self.store.cached_branding().await?))
    }

    async fn organisation_for(&self, _person: &Person) -> Result<Answer<Option<Organisation>>, TenantError> {
        let cache = self.store.tenant_cache().await?;
        let organisation =
            cache.branding.clone().map(|branding| Organisation { branding, settings: cache.settings.clone() });
        Ok(Answer::fresh(organisation))
    }

    async fn person(&self, user_id: &str) -> Result<Option<Answer<Person>>, TenantError> {
        Ok(self.store.person(user_id).await?.map(|p| Answer::fresh(Person::clone(&p))))
    }

    async fn devices(&self, person: &Person) -> Result<Answer<UserDevices>, TenantError> {
        Ok(Answer::fresh(self.store.user_devices(&person.id).await?))
    }

    async fn device(&self, person: &Person, device_id: &str) -> Result<Option<Answer<DeviceView>>, TenantError> {
        Ok(self.store.device_view_of_user(&person.id, device_id).await?.map(Answer::fresh))
    }

    async fn managed_device(
        &self,
        person: &Person,
        device_id: &str,
    ) -> Result<Option<Answer<ManagedDevice>>, TenantError> {
        Ok(self.store.device_of_user(&person.id, device_id).await?.map(Answer::fresh))
    }

    async fn catalog(&self) -> Result<Answer<Arc<AppCatalog>>, TenantError> {
        Ok(Answer::fresh(self.store.apps_with_assignments().await?))
    }

    async fn app_protection(&self, person: &Person) -> Result<Answer<AppProtection>, TenantError> {
        let policies = self.store.protection_policies().await?;
        let registrations = self.store.protected_apps_of_user(&person.id).await?;
        Ok(Answer::fresh(AppProtection { registrations, policies }))
    }

    /// One unit of work on one connection for the busiest page.
    async fn overview(&self, person: &Person) -> Result<Answer<Overview>, TenantError> {
        Ok(Answer::fresh(self.store.overview_of_user(&person.id).await?))
    }

    async fn rename_device(
        &self,
        person: &Person,
        device_id: &str,
        name: &str,
    ) -> Result<Option<ManagedDevice>, TenantError> {
        let renamed = self.store.rename_device(&person.id, device_id, name).await?;
        if renamed.is_some() {
            self.audit(person, "rename".into(), device_id.into()).await?;
        }
        Ok(renamed)
    }

    async fn request_action(
        &self,
        person: &Person,
        device_id: &str,
        action: RemoteAction,
    ) -> Result<ActionQueued, TenantError> {
        let queued = self.store.insert_action(&person.id, device_id, action).await?;
        if matches!(queued, ActionQueued::Queued { .. }) {
            self.audit(person, format!("action.{}", code(&action)), device_id.into()).await?;
            self.events.work_queued();
        }
        Ok(queued)
    }

    async fn request_install(
        &self,
        person: &Person,
        device_id: &str,
        app_id: &str,
        operation: InstallOperation,
    ) -> Result<Option<InstallRecord>, TenantError> {
        let record = self.store.request_install(&person.id, device_id, app_id, operation).await?;
        if record.is_some() {
            self.audit(person, code(&operation), format!("{app_id}@{device_id}")).await?;
            self.events.work_queued();
        }
        Ok(record)
    }

    async fn request_selective_wipe(
        &self,
        person: &Person,
        device_tag: &str,
    ) -> Result<Option<Vec<String>>, TenantError> {
        let pending = self.store.request_selective_wipe(&person.id, device_tag).await?;
        if pending.as_ref().is_some_and(|ids| !ids.is_empty()) {
            self.audit(person, "selectiveWipe".into(), device_tag.into()).await?;
            self.events.work_queued();
        }
        Ok(pending)
    }
}
