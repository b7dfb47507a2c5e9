//! The embedded tenant: the organisation described by a tenant file, imported into the
//! store, with the device simulator standing in for its devices and apps. The default for
//! `scripts/run`, the demo and the tests.
//!
//! Reads are the store's (catalog, policies, settings and people from its per-import cache);
//! changes are written to the store as pending work that the simulator carries out.

pub mod simulator;

use super::{
    ActionQueued, Answer, AppCatalog, AppProtection, DeviceView, InstallRecord, Organisation, Overview, Person, Tenant,
    TenantError, TermsConfig, UserDevices,
};
use crate::events::EventBus;
use crate::store::codec::code;
use crate::store::{AuditEntry, Store};
use anyhow::Context;
use async_trait::async_trait;
use portal_core::api::{InstallOperation, RecoveryKey};
use portal_core::branding::Branding;
use portal_core::domain::{DeviceCategory, ManagedDevice, RemoteAction};
use portal_core::rules::recovery::Escrow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

pub struct EmbeddedTenant {
    store: Store,
    events: EventBus,
    /// Where the tenant file came from, for logs.
    source: String,
    /// Recovery keys from `serve --recovery-keys`, by device id: in memory only.
    extra_keys: HashMap<String, Vec<RecoveryKey>>,
}

impl EmbeddedTenant {
    /// The tenant in `store` (imported already), with its simulator started on the runtime:
    /// pending work waits `delay` before it is carried out.
    pub fn start(store: Store, events: EventBus, source: String, delay: Duration) -> EmbeddedTenant {
        simulator::spawn(store.clone(), events.clone(), delay);
        EmbeddedTenant { store, events, source, extra_keys: HashMap::new() }
    }

    /// Adds the recovery keys of a file of their own (`serve --recovery-keys`), checked
    /// against the imported tenant's devices like a tenant file's (a wrong one stops the
    /// start with the file, the field path and the reason). The keys stay in memory.
    pub async fn with_recovery_keys(mut self, path: &Path) -> anyhow::Result<EmbeddedTenant> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).with_context(|| format!("{name}: cannot read it"))?;
        let deserializer = toml::Deserializer::parse(&text).map_err(|e| anyhow::anyhow!("{name}: {}", e.message()))?;
        let file: crate::tenant_file::RecoveryKeysFile = serde_path_to_error::deserialize(deserializer)
            .map_err(|e| anyhow::anyhow!("{name}: at `{}`: {}", e.path(), e.inner().message()))?;
        let platforms = self.store.device_platforms().await?;
        // Keys of the tenant file count too: one key per volume, wherever it is written.
        let mut all = self.store.recovery_key_rows().await?;
        let from_file = all.len();
        all.extend(file.recovery_keys);
        crate::tenant_file::check_recovery_keys("recovery_keys", &all, |id| platforms.get(id).copied()).map_err(
            |(path, reason)| {
                // Paths name this file's entries, after the tenant file's own.
                let path = renumber(&path, from_file);
                anyhow::anyhow!("{name}: at `{path}`: {reason}")
            },
        )?;
        for key in all.into_iter().skip(from_file) {
            let volume = key.volume_type.unwrap_or_default();
            self.extra_keys.entry(key.device).or_default().push(RecoveryKey {
                key_id: key.key_id,
                key: key.key,
                volume_type: (key.kind == portal_core::domain::RecoveryKeyKind::BitLocker).then_some(volume),
                created_date_time: key.created_date_time.as_deref().and_then(crate::dates::normalise),
            });
        }
        tracing::info!("recovery keys: {} devices' keys from {name}, in memory only", self.extra_keys.len());
        Ok(self)
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

    fn audit_name(&self) -> &'static str {
        "embedded"
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

    async fn device_categories(&self) -> Result<Answer<Arc<Vec<DeviceCategory>>>, TenantError> {
        Ok(Answer::fresh(self.store.device_categories().await?))
    }

    fn can_set_device_category(&self) -> bool {
        true
    }

    async fn set_device_category(
        &self,
        person: &Person,
        device_id: &str,
        category: &DeviceCategory,
    ) -> Result<Option<ManagedDevice>, TenantError> {
        let device = self.store.set_device_category(&person.id, device_id, &category.id).await?;
        if device.is_some() {
            self.audit(person, "category".into(), device_id.into()).await?;
        }
        Ok(device)
    }

    async fn recovery_escrow(&self, _person: &Person, device: &ManagedDevice) -> Result<Escrow, TenantError> {
        let stored = self.store.recovery_key_count(&device.id).await?;
        let extra = self.extra_keys.get(&device.id).map_or(0, Vec::len);
        Ok(if stored + extra > 0 { Escrow::Escrowed } else { Escrow::NotEscrowed })
    }

    async fn recovery_keys(&self, person: &Person, device_id: &str) -> Result<Option<Vec<RecoveryKey>>, TenantError> {
        let Some(mut keys) = self.store.recovery_keys_of_user(&person.id, device_id).await? else { return Ok(None) };
        keys.extend(self.extra_keys.get(device_id).cloned().unwrap_or_default());
        // The start-up volume's key first: that is the one a recovery screen asks for.
        keys.sort_by_key(|k| {
            k.volume_type.is_some_and(|v| v != portal_core::domain::VolumeType::OperatingSystemVolume)
        });
        Ok(Some(keys))
    }

    async fn terms(&self) -> Result<Answer<Option<Arc<TermsConfig>>>, TenantError> {
        Ok(Answer::fresh(self.store.terms().await?))
    }

    async fn request_approved(&self, _requester_id: &str, _app_id: &str) -> Result<(), TenantError> {
        Ok(())
    }
}

/// `recovery_keys[12]` of the combined list as the `n`-th entry of the file.
fn renumber(path: &str, offset: usize) -> String {
    let Some(rest) = path.strip_prefix("recovery_keys[") else { return path.to_string() };
    let Some((index, tail)) = rest.split_once(']') else { return path.to_string() };
    match index.parse::<usize>() {
        Ok(i) if i >= offset => format!("recovery_keys[{}]{tail}", i - offset),
        _ => format!("the tenant file's recovery_keys[{index}]{tail}"),
    }
}
