//! Where tenant facts come from: the seam between the Portal API and the organisation's
//! tenant — its branding and settings, its people and their groups, their managed and
//! MAM-only devices, the app catalog with its assignments and install states, and app
//! protection — and where self-service changes go.
//!
//! Two tenants implement [`Tenant`]:
//! - [`embedded::EmbeddedTenant`]: a tenant file imported into the store, with the device
//!   simulator carrying out what users ask for (the default, the demo and the tests);
//! - [`graph::IntuneTenant`]: Microsoft Intune and Entra ID, read through Microsoft Graph with
//!   application permissions (`serve --source graph`).
//!
//! Handlers and `portal-core`'s rules do not know which one answers: both give the same
//! domain types, and the same rules decide what a device context sees and which actions are
//! allowed. Ownership is part of the contract: every method that takes a `user_id` answers
//! only about that user's things — someone else's device is `None`, exactly like one that
//! does not exist. The portal's own state (notifications it sends, action records, event
//! tickets, sign-in keys) is not the tenant's: it stays in [`crate::store::Store`].

mod answer;
mod catalog;
pub mod embedded;
pub mod graph;
pub mod notify;

pub use answer::{Answer, Freshness, TenantError};
pub use catalog::{AppCatalog, CatalogApp};

use async_trait::async_trait;
use portal_core::api::RecoveryKey;
use portal_core::api::{InstallFailure, InstallOperation};
use portal_core::branding::Branding;
use portal_core::domain::{
    AppProtectionPolicy, DeviceActionResult, DeviceCategory, ManagedAppRegistration, ManagedDevice,
    OrganisationSettings, RemoteAction, ResultantAppState, UnenrolledDevice,
};
use portal_core::rules::recovery::Escrow;
use std::collections::HashMap;
use std::sync::Arc;

/// A user of the tenant as the portal knows them: profile and the groups the catalog and
/// policy rules match against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// The object id tokens carry as `oid` (or `sub`).
    pub id: String,
    pub display_name: String,
    /// Sign-in name.
    pub upn: String,
    pub email: Option<String>,
    /// User group ids (direct and, on Graph, transitive), sorted.
    pub group_ids: Vec<String>,
}

/// What the organisation sets for a person: the branding they see and the settings the
/// action rules consult. On Intune with branding profiles, it can differ between groups.
#[derive(Debug, Clone, PartialEq)]
pub struct Organisation {
    pub branding: Branding,
    pub settings: OrganisationSettings,
}

/// A person's devices: enrolled ones (they are the primary user) and MAM-only ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserDevices {
    /// Oldest enrollment first.
    pub managed: Vec<ManagedDevice>,
    /// By name.
    pub unenrolled: Vec<UnenrolledDevice>,
}

/// One of a person's managed devices with what the catalog rules and the app list need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceView {
    pub device: ManagedDevice,
    /// Device group ids (for device-group assignments), sorted.
    pub group_ids: Vec<String>,
    /// By app id; an app without a record is not installed, when `install_states_known`.
    pub install_states: HashMap<String, InstallRecord>,
    /// Whether the tenant reports install states at all (Microsoft Graph v1.0 does not: the
    /// page then says the state is unknown rather than "not installed").
    pub install_states_known: bool,
}

/// A person's apps used with the work account, and the policies they may name.
#[derive(Debug, Clone, Default)]
pub struct AppProtection {
    /// Ordered by device tag, so one device's apps are adjacent.
    pub registrations: Vec<ManagedAppRegistration>,
    pub policies: Arc<Vec<AppProtectionPolicy>>,
}

/// Everything the first screen shows about a person, read together.
#[derive(Debug, Clone)]
pub struct Overview {
    pub devices: UserDevices,
    pub protection: AppProtection,
}

/// The organisation's terms of use and whom they are for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermsConfig {
    pub terms: portal_core::domain::TermsOfUse,
    /// User group ids the terms are for; `None`: everyone.
    pub groups: Option<Vec<String>>,
}

/// The install state of one app on one device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallRecord {
    pub app_id: String,
    pub state: ResultantAppState,
    /// An install or uninstall the device has not finished yet.
    pub pending: Option<InstallOperation>,
    /// RFC 3339.
    pub last_updated_date_time: String,
    /// Why the last install failed, when known.
    pub failure: Option<InstallFailure>,
}

/// What a request for a remote action did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionQueued {
    /// Queued as `pending`; `id` is the portal's record of it.
    Queued { id: i64, result: DeviceActionResult },
    /// No device of the caller's has this id.
    NotFound,
    /// The same action is already pending or active on the device (→ 409).
    AlreadyPending,
}

/// The organisation's tenant, as the portal reads it and changes it. See the module docs.
#[async_trait]
pub trait Tenant: Send + Sync {
    /// For logs: which tenant this is ("the embedded tenant (demo)", "Microsoft Intune …").
    fn describe(&self) -> String;

    /// The audit trail's name for it: `embedded` or `intune`.
    fn audit_name(&self) -> &'static str;

    /// The organisation's branding for everyone, before sign-in. `None` before an embedded
    /// tenant is imported.
    async fn branding(&self) -> Result<Answer<Option<Branding>>, TenantError>;

    /// The branding and settings that apply to `person`.
    async fn organisation_for(&self, person: &Person) -> Result<Answer<Option<Organisation>>, TenantError>;

    /// The user with this object id, with their groups; `None`: not a user of this tenant.
    async fn person(&self, user_id: &str) -> Result<Option<Answer<Person>>, TenantError>;

    /// `person`'s enrolled and MAM-only devices.
    async fn devices(&self, person: &Person) -> Result<Answer<UserDevices>, TenantError>;

    /// One of `person`'s managed devices with its groups and install states; `None` when it
    /// does not exist or is not theirs.
    async fn device(&self, person: &Person, device_id: &str) -> Result<Option<Answer<DeviceView>>, TenantError>;

    /// One of `person`'s managed devices alone (the device pages need neither its groups nor
    /// its install states); `None` when it does not exist or is not theirs.
    async fn managed_device(
        &self,
        person: &Person,
        device_id: &str,
    ) -> Result<Option<Answer<ManagedDevice>>, TenantError> {
        Ok(self.device(person, device_id).await?.map(|view| view.map(|v| v.device)))
    }

    /// The whole app catalog with assignments, in the organisation's order.
    async fn catalog(&self) -> Result<Answer<Arc<AppCatalog>>, TenantError>;

    /// `person`'s managed app registrations and the protection policies.
    async fn app_protection(&self, person: &Person) -> Result<Answer<AppProtection>, TenantError>;

    /// The first screen's facts about `person` in one go (a tenant may read them together).
    async fn overview(&self, person: &Person) -> Result<Answer<Overview>, TenantError> {
        let (devices, protection) = tokio::try_join!(self.devices(person), self.app_protection(person))?;
        let mut fresh = Freshness::default();
        let overview = Overview { devices: fresh.take(devices), protection: fresh.take(protection) };
        Ok(fresh.answer(overview))
    }

    /// Renames (the portal's display name) one of `person`'s devices; `None` when not theirs.
    /// The caller has checked the rules (`availability`, `validate_device_name`).
    async fn rename_device(
        &self,
        person: &Person,
        device_id: &str,
        name: &str,
    ) -> Result<Option<ManagedDevice>, TenantError>;

    /// Asks one of `person`'s devices to carry out `action`. The caller has checked
    /// `availability`; the tenant still refuses a second pending action of the same kind.
    async fn request_action(
        &self,
        person: &Person,
        device_id: &str,
        action: RemoteAction,
    ) -> Result<ActionQueued, TenantError>;

    /// Asks for an install or uninstall of `app_id` on one of `person`'s devices; `None`
    /// when the device is not theirs. The caller has checked the catalog rule.
    async fn request_install(
        &self,
        person: &Person,
        device_id: &str,
        app_id: &str,
        operation: InstallOperation,
    ) -> Result<Option<InstallRecord>, TenantError>;

    /// An app's icon when the tenant holds it as an image (Intune's `largeIcon`), served from
    /// the portal's own origin at `/api/v1/icons/{appId}`. The embedded tenant's icons are
    /// files under `/assets`, so it has none here.
    async fn app_icon(&self, _app_id: &str) -> Option<Arc<Image>> {
        None
    }

    /// The organisation's logo when the tenant holds it as an image (`/api/v1/branding/logo`).
    async fn logo(&self) -> Option<Arc<Image>> {
        None
    }

    /// Another instance changed what the tenant knows of this person: the next read of
    /// them is fresh (Intune). The embedded tenant's facts are in the store already.
    fn forget_person(&self, _user_id: &str) {}

    /// Asks for a selective wipe of the work data in `person`'s apps on the device
    /// `device_tag`: the ids of the registrations that became pending (those already pending
    /// or done are left alone), or `None` when they have no app registered on such a device.
    async fn request_selective_wipe(
        &self,
        person: &Person,
        device_tag: &str,
    ) -> Result<Option<Vec<String>>, TenantError>;

    /// The organisation's device categories, in its order (empty: it defines none).
    async fn device_categories(&self) -> Result<Answer<Arc<Vec<DeviceCategory>>>, TenantError>;

    /// Whether a category a person picks can be recorded in this tenant.
    fn can_set_device_category(&self) -> bool;

    /// Puts one of `person`'s devices in `category`, once: `None` when the device is not
    /// theirs or already has one. The caller has checked `rules::categories`.
    async fn set_device_category(
        &self,
        person: &Person,
        device_id: &str,
        category: &DeviceCategory,
    ) -> Result<Option<ManagedDevice>, TenantError>;

    /// What the tenant holds of the recovery keys of `device`, one of `person`'s (no key is
    /// read).
    async fn recovery_escrow(&self, person: &Person, device: &ManagedDevice) -> Result<Escrow, TenantError>;

    /// The recovery keys of one of `person`'s devices, read now and never kept; `None` when
    /// the device is not theirs. The caller has checked `rules::recovery` and that the
    /// person signed in just now.
    async fn recovery_keys(&self, person: &Person, device_id: &str) -> Result<Option<Vec<RecoveryKey>>, TenantError>;

    /// The organisation's terms of use and whom they are for.
    async fn terms(&self) -> Result<Answer<Option<Arc<TermsConfig>>>, TenantError>;

    /// An approver approved `requester_id`'s request for `app_id`: whatever the tenant needs
    /// so that they can have the app. The embedded tenant needs nothing (the approval lets
    /// them install it); Intune adds them to the app's install group.
    async fn request_approved(&self, requester_id: &str, app_id: &str) -> Result<(), TenantError>;
}

/// An image to serve (an app icon, a logo): a raster type and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// The tenant the server runs on, shared by every handler.
pub type SharedTenant = Arc<dyn Tenant>;
