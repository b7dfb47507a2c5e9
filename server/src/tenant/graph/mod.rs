//! Microsoft Intune as the tenant: Entra ID's people and groups and Intune's devices, apps,
//! assignments and app protection, read through Microsoft Graph with application permissions
//! (`serve --source graph`; the README's "Using Microsoft Intune").
//!
//! Application permissions are tenant-wide, so this module is where "only the caller's own"
//! holds: everything about a person is read under `/users/{their oid}/…`, and every item is
//! checked again against them (a managed device whose `userId` is someone else's is dropped,
//! whatever Graph's filter did).
//!
//! Reads are cached per kind (`cache`): a person's facts — profile, groups, managed devices
//! with their primary users, app protection registrations and (beta) install states — as one
//! snapshot read with one `$batch`; device groups per Entra device; the catalog, the policies
//! and the branding for the organisation, refreshed in the background.

mod cache;
mod changes;
mod client;
pub mod config;
mod features;
mod follow;
mod icons;
pub mod installs;
mod map;
mod model;
mod overlay;
mod token;

pub use client::GraphError;

use self::cache::{Cell, Keyed, Policy};
use self::client::{BatchRequest, GraphClient, Version, BATCH_MAX};
use self::config::GraphSettings;
use super::{
    ActionQueued, Answer, AppCatalog, AppProtection, DeviceView, Image, InstallRecord, Organisation, Person, Tenant,
    TenantError, TermsConfig, UserDevices,
};
use anyhow::Context;
use async_trait::async_trait;
use futures::future::FutureExt;
use portal_core::api::{InstallOperation, RecoveryKey};
use portal_core::branding::Branding;
use portal_core::domain::{
    AppProtectionPolicy, DeviceCategory, DeviceRename, ManagedAppRegistration, ManagedDevice, OrganisationSettings,
    RemoteAction, UnenrolledDevice,
};
use portal_core::rules::recovery::Escrow;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

/// People whose facts are kept at most (the least recently used go first).
const PEOPLE_MAX: usize = 20_000;
/// Device groups change rarely; they are read again after this.
const DEVICE_GROUPS_FRESH: Duration = Duration::from_secs(600);

/// What the portal knows about one person from Graph, read together.
#[derive(Debug)]
struct Snapshot {
    person: Person,
    devices: UserDevices,
    /// By managed device id; the Entra device id (`azureADDeviceId`) for device groups.
    entra_device_ids: HashMap<String, String>,
    /// By managed device id, then app id (beta only; empty without it).
    install_states: HashMap<String, HashMap<String, InstallRecord>>,
    registrations: Vec<ManagedAppRegistration>,
    /// Graph's own `deviceTag` for each device tag the portal shows (which is the managed
    /// device's id for an enrolled device), for selective wipes.
    graph_tags: HashMap<String, String>,
}

/// The organisation's branding and, with beta, its branding profiles.
#[derive(Debug)]
struct OrganisationFacts {
    default: Organisation,
    /// Beta branding profiles other than the default, with the groups they are assigned to
    /// (`None`: all users).
    profiles: Vec<(Option<Vec<String>>, Organisation)>,
}

pub struct IntuneTenant {
    graph: GraphClient,
    settings: Arc<GraphSettings>,
    /// The portal's own state: requests in flight, the audit trail, notifications.
    store: crate::store::Store,
    events: crate::events::EventBus,
    install_groups: installs::InstallGroupFile,
    /// Wakes the follow-up when a request was recorded.
    follow_up: Arc<tokio::sync::Notify>,
    /// Requests this instance is working on (sending or looking), see `follow::exclusively`.
    in_hand: follow::InHand,
    people: Keyed<String, Option<Snapshot>>,
    device_groups: Keyed<String, Vec<String>>,
    organisation: Arc<Cell<OrganisationFacts>>,
    catalog: Arc<Cell<AppCatalog>>,
    policies: Arc<Cell<Vec<AppProtectionPolicy>>>,
    categories: Arc<Cell<Vec<DeviceCategory>>>,
    icons: icons::Icons,
    /// The application permissions the app's token carries (read at start-up): some
    /// features need one the portal's least-privilege set does not include.
    roles: std::sync::OnceLock<Vec<String>>,
    /// The organisation file's terms of use.
    terms: Option<Arc<TermsConfig>>,
}

impl IntuneTenant {
    /// Connects to Graph with `settings` and checks, before the server starts, that the app
    /// can get a token and read everything the portal needs: a missing permission or a bad
    /// credential stops the server with what to fix.
    pub async fn start(
        mut settings: GraphSettings,
        store: crate::store::Store,
        events: crate::events::EventBus,
    ) -> anyhow::Result<Arc<IntuneTenant>> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("portal-server/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(5))
            .build()
            .context("building the HTTP client for Microsoft Graph")?;
        let credential = std::mem::replace(&mut settings.credential, config::Credential::Secret(String::new()));
        let tokens = token::TokenSource::new(http.clone(), &settings, credential);
        let graph = GraphClient::new(http, &settings.graph_url, tokens, settings.timeout);
        let install_groups = match &settings.organisation_file {
            Some(path) => installs::InstallGroupFile::load(path)?,
            None => installs::InstallGroupFile::default(),
        };
        let terms = install_groups.terms().cloned().map(Arc::new);
        let tenant = Arc::new(IntuneTenant {
            icons: icons::Icons::new(graph.clone()),
            categories: Arc::default(),
            roles: std::sync::OnceLock::new(),
            terms,
            graph,
            store,
            events,
            install_groups,
            follow_up: Arc::default(),
            in_hand: Default::default(),
            people: Keyed::new(PEOPLE_MAX),
            device_groups: Keyed::new(PEOPLE_MAX * 2),
            organisation: Arc::default(),
            catalog: Arc::default(),
            policies: Arc::default(),
            settings: Arc::new(settings),
        });
        tenant.check_access().await?;
        tenant.check_install_groups().await?;
        tenant.spawn_refresh();
        follow::spawn(Arc::downgrade(&tenant));
        Ok(tenant)
    }

    fn user_policy(&self) -> Policy {
        Policy { fresh_for: self.settings.user_fresh, wait: self.settings.wait, first_wait: self.settings.timeout }
    }

    fn organisation_policy(&self) -> Policy {
        Policy { fresh_for: self.settings.refresh, wait: self.settings.wait, first_wait: self.settings.timeout }
    }

    /// Start-up: a token, then one small read per permission the portal needs.
    async fn check_access(&self) -> anyhow::Result<()> {
        let token = self.graph.tokens().token().await.map_err(|e| anyhow::anyhow!("{e}"))?;
        let needed = permissions::needed(self.settings.beta);
        if let Some(granted) = token::granted_roles(&token) {
            let optional = |permissions: &[&str]| permissions.iter().any(|p| granted.iter().any(|g| g == p));
            tracing::info!(
                "Microsoft Graph: device categories {} ({}); FileVault recovery keys {} ({}); BitLocker keys are read \
                 by their owners at My Account (Graph allows no app-only read)",
                if optional(&[features::CATEGORY_WRITE]) { "are set from the portal" } else { "are not asked for" },
                features::CATEGORY_WRITE,
                if optional(&[features::FILEVAULT_READ]) { "can be shown" } else { "cannot be shown" },
                features::FILEVAULT_READ,
            );
            let _ = self.roles.set(granted.clone());
            let writes = permissions::writes(!self.install_groups.is_empty(), self.install_groups.has_device_members());
            let missing: Vec<&str> = needed
                .iter()
                .map(|p| p.permission)
                .chain(writes)
                .filter(|p| !granted.iter().any(|g| g == p || permissions::implies(g, p)))
                .collect::<HashSet<_>>()
                .into_iter()
                .collect();
            if !missing.is_empty() {
                let mut missing = missing;
                missing.sort_unstable();
                anyhow::bail!(
                    "the app registration lacks the application permission{} {} (add {} under API permissions → \
                     Microsoft Graph → Application permissions, then grant admin consent)",
                    if missing.len() == 1 { "" } else { "s" },
                    missing.join(", "),
                    if missing.len() == 1 { "it" } else { "them" }
                );
            }
        }
        for probe in needed {
            match self.graph.get::<Value>(probe.version, probe.path).await {
                Ok(_) => {}
                Err(GraphError::Denied(message)) => anyhow::bail!(
                    "Microsoft Graph refused {} ({message}): the app registration needs the application permission \
                     {} with admin consent (and, for Intune data, an Intune licence in the tenant)",
                    probe.what,
                    probe.permission
                ),
                Err(e) => anyhow::bail!("Microsoft Graph could not be read ({}): {e}", probe.what),
            }
        }
        tracing::info!(
            "Microsoft Graph: tenant {}, app {}, {} — every read the portal needs is allowed",
            self.settings.tenant_id,
            self.settings.client_id,
            if self.settings.beta { "v1.0 and beta" } else { "v1.0 only (no --graph-beta)" }
        );
        Ok(())
    }

    /// Keeps the organisation's data warm: nobody waits for the catalog after the first read.
    fn spawn_refresh(self: &Arc<Self>) {
        let tenant = Arc::downgrade(self);
        let every = self.settings.refresh / 2;
        tokio::spawn(async move {
            loop {
                let Some(tenant) = tenant.upgrade() else { return };
                let _ = tokio::join!(
                    tenant.catalog(),
                    tenant.policies(),
                    tenant.organisation_facts(),
                    tenant.device_categories()
                );
                drop(tenant);
                tokio::time::sleep(every).await;
            }
        });
    }

    /// Start-up: every group of the organisation file exists. Read through its members, which
    /// `GroupMember.ReadWrite.All` allows (reading the group itself would need another
    /// permission); a group with dynamic membership refuses members, and an install into it
    /// then fails with Graph's reason.
    async fn check_install_groups(&self) -> anyhow::Result<()> {
        for group in self.install_groups.groups() {
            let path = format!("/groups/{}/members?$top=1&$select=id", path_segment(group.id()));
            match self.graph.get::<Value>(Version::V1, &path).await {
                Ok(_) => {}
                Err(GraphError::NotFound) => {
                    anyhow::bail!("group {} of the organisation file does not exist in the tenant", group.id())
                }
                Err(e) => anyhow::bail!("group {} of the organisation file could not be read: {e}", group.id()),
            }
        }
        if !self.install_groups.is_empty() {
            tracing::info!(
                "self-service installs: {} groups of the organisation file checked",
                self.install_groups.groups().count()
            );
        }
        Ok(())
    }

    /// The catalog as it is now in memory, if read at all (for names in notifications).
    async fn catalog_now(&self) -> Option<Arc<AppCatalog>> {
        self.catalog().await.ok().map(|a| a.value)
    }

    async fn snapshot(&self, user_id: &str) -> Result<Answer<Arc<Option<Snapshot>>>, TenantError> {
        let cell = self.people.cell(&user_id.to_string());
        let (graph, beta, oid) = (self.graph.clone(), self.settings.beta, user_id.to_string());
        let policies = self.policies.clone();
        let policy = self.organisation_policy();
        cell.get(self.user_policy(), move || {
            async move {
                // The policy ids tell protection policies from others a registration names.
                let known = match policies.get(policy, || read_policies(graph.clone()).boxed()).await {
                    Ok(answer) => answer.value.iter().map(|p| p.id.clone()).collect(),
                    Err(_) => HashSet::new(),
                };
                read_snapshot(&graph, beta, &oid, &known).await
            }
            .boxed()
        })
        .await
    }

    async fn policies(&self) -> Result<Answer<Arc<Vec<AppProtectionPolicy>>>, TenantError> {
        let graph = self.graph.clone();
        self.policies.get(self.organisation_policy(), move || read_policies(graph).boxed()).await
    }

    async fn organisation_facts(&self) -> Result<Answer<Arc<OrganisationFacts>>, TenantError> {
        let (graph, beta, icons) = (self.graph.clone(), self.settings.beta, self.icons.clone());
        self.organisation.get(self.organisation_policy(), move || read_organisation(graph, beta, icons).boxed()).await
    }

    /// The groups of the Entra device behind a managed device (device-group assignments).
    async fn device_group_ids(&self, entra_device_id: &str) -> Result<Answer<Arc<Vec<String>>>, TenantError> {
        let cell = self.device_groups.cell(&entra_device_id.to_string());
        let (graph, id) = (self.graph.clone(), entra_device_id.to_string());
        let policy = Policy { fresh_for: DEVICE_GROUPS_FRESH, ..self.user_policy() };
        cell.get(policy, move || read_device_groups(graph, id).boxed()).await
    }

    /// How many HTTP requests went to Graph so far.
    pub fn graph_calls(&self) -> u64 {
        self.graph.calls()
    }

    /// Forgets the freshness of a person's facts (after a change the portal asked for), so
    /// the next read goes to Graph.
    pub fn expire_person(&self, user_id: &str) {
        if let Some(cell) = self.people.existing(&user_id.to_string()) {
            cell.expire();
        }
    }
}

#[async_trait]
impl Tenant for IntuneTenant {
    fn audit_name(&self) -> &'static str {
        "intune"
    }

    fn describe(&self) -> String {
        format!(
            "Microsoft Intune (tenant {}, Graph {}{})",
            self.settings.tenant_id,
            self.settings.graph_url,
            if self.settings.beta { ", with beta" } else { ", v1.0 only" }
        )
    }

    async fn branding(&self) -> Result<Answer<Option<Branding>>, TenantError> {
        Ok(self.organisation_facts().await?.map(|o| Some(o.default.branding.clone())))
    }

    fn forget_person(&self, user_id: &str) {
        self.expire_person(user_id);
    }

    async fn organisation_for(&self, person: &Person) -> Result<Answer<Option<Organisation>>, TenantError> {
        let facts = self.organisation_facts().await?;
        Ok(facts.map(|o| {
            let applies = |groups: &Option<Vec<String>>| match groups {
                None => true,
                Some(ids) => ids.iter().any(|id| person.group_ids.binary_search(id).is_ok()),
            };
            let chosen = o.profiles.iter().find(|(groups, _)| applies(groups)).map(|(_, org)| org);
            let mut organisation = chosen.unwrap_or(&o.default).clone();
            // Renaming needs the beta `setDeviceName`.
            organisation.settings.device_rename =
                if self.settings.beta { DeviceRename::DeviceName } else { DeviceRename::Unavailable };
            Some(organisation)
        }))
    }

    async fn person(&self, user_id: &str) -> Result<Option<Answer<Person>>, TenantError> {
        let answer = self.snapshot(user_id).await?;
        let stale = answer.stale.clone();
        Ok(answer.value.as_ref().as_ref().map(|s| Answer { value: s.person.clone(), stale }))
    }

    async fn devices(&self, person: &Person) -> Result<Answer<UserDevices>, TenantError> {
        let (answer, requests) = tokio::try_join!(self.snapshot(&person.id), self.recent_requests(&person.id))?;
        let mut devices = answer.map(|s| s.as_ref().as_ref().map(|s| s.devices.clone()).unwrap_or_default());
        for device in &mut devices.value.managed {
            overlay::actions(device, &requests);
        }
        Ok(devices)
    }

    async fn device(&self, person: &Person, device_id: &str) -> Result<Option<Answer<DeviceView>>, TenantError> {
        let (answer, requests) = tokio::try_join!(self.snapshot(&person.id), self.recent_requests(&person.id))?;
        let mut fresh = super::Freshness::default();
        let snapshot = fresh.take(answer);
        let Some(snapshot) = snapshot.as_ref() else { return Ok(None) };
        let Some(device) = snapshot.devices.managed.iter().find(|d| d.id == device_id) else { return Ok(None) };
        let mut device = device.clone();
        overlay::actions(&mut device, &requests);
        let mut install_states = snapshot.install_states.get(device_id).cloned().unwrap_or_default();
        overlay::installs(device_id, &mut install_states, &requests);
        let group_ids = match snapshot.entra_device_ids.get(device_id) {
            Some(entra_id) => {
                let groups: Arc<Vec<String>> = fresh.take(self.device_group_ids(entra_id).await?);
                let mut ids = Vec::clone(&groups);
                ids.sort();
                ids
            }
            None => Vec::new(),
        };
        let view = DeviceView { device, group_ids, install_states, install_states_known: self.settings.beta };
        Ok(Some(fresh.answer(view)))
    }

    async fn managed_device(
        &self,
        person: &Person,
        device_id: &str,
    ) -> Result<Option<Answer<ManagedDevice>>, TenantError> {
        let devices = self.devices(person).await?;
        Ok(devices.map(|d| d.managed.into_iter().find(|d| d.id == device_id)).transpose_option())
    }

    async fn catalog(&self) -> Result<Answer<Arc<AppCatalog>>, TenantError> {
        let (graph, icons, groups) = (self.graph.clone(), self.icons.clone(), self.install_groups.clone());
        self.catalog.get(self.organisation_policy(), move || read_catalog(graph, icons, groups).boxed()).await
    }

    async fn app_protection(&self, person: &Person) -> Result<Answer<AppProtection>, TenantError> {
        let (snapshot, policies, requests) =
            tokio::try_join!(self.snapshot(&person.id), self.policies(), self.recent_requests(&person.id))?;
        let mut fresh = super::Freshness::default();
        let (snapshot, policies) = (fresh.take(snapshot), fresh.take(policies));
        let mut registrations = snapshot.as_ref().as_ref().map(|s| s.registrations.clone()).unwrap_or_default();
        overlay::wipes(&mut registrations, &requests);
        Ok(fresh.answer(AppProtection { registrations, policies }))
    }

    /// Only apps of the catalog: the endpoint is not a way to ask Graph for anything else.
    async fn app_icon(&self, app_id: &str) -> Option<Arc<Image>> {
        let catalog = self.catalog().await.ok()?;
        catalog.value.get(app_id)?;
        self.icons.get(app_id).await
    }

    async fn logo(&self) -> Option<Arc<Image>> {
        self.icons.get(icons::LOGO).await
    }

    async fn rename_device(
        &self,
        person: &Person,
        device_id: &str,
        name: &str,
    ) -> Result<Option<ManagedDevice>, TenantError> {
        self.rename_now(person, device_id, name).await
    }

    async fn request_action(
        &self,
        person: &Person,
        device_id: &str,
        action: RemoteAction,
    ) -> Result<ActionQueued, TenantError> {
        self.request_action_now(person, device_id, action).await
    }

    async fn request_install(
        &self,
        person: &Person,
        device_id: &str,
        app_id: &str,
        operation: InstallOperation,
    ) -> Result<Option<InstallRecord>, TenantError> {
        self.install_now(person, device_id, app_id, operation).await
    }

    async fn request_selective_wipe(
        &self,
        person: &Person,
        device_tag: &str,
    ) -> Result<Option<Vec<String>>, TenantError> {
        self.selective_wipe_now(person, device_tag).await
    }

    async fn device_categories(&self) -> Result<Answer<Arc<Vec<DeviceCategory>>>, TenantError> {
        let graph = self.graph.clone();
        self.categories.get(self.organisation_policy(), move || features::read_categories(graph).boxed()).await
    }

    fn can_set_device_category(&self) -> bool {
        self.has_role(&[features::CATEGORY_WRITE])
    }

    async fn set_device_category(
        &self,
        person: &Person,
        device_id: &str,
        category: &DeviceCategory,
    ) -> Result<Option<ManagedDevice>, TenantError> {
        self.set_category_now(person, device_id, category).await
    }

    async fn recovery_escrow(&self, _person: &Person, device: &ManagedDevice) -> Result<Escrow, TenantError> {
        self.escrow_of(device).await
    }

    async fn recovery_keys(&self, person: &Person, device_id: &str) -> Result<Option<Vec<RecoveryKey>>, TenantError> {
        self.keys_now(person, device_id).await
    }

    async fn terms(&self) -> Result<Answer<Option<Arc<TermsConfig>>>, TenantError> {
        Ok(Answer::fresh(self.terms.clone()))
    }

    async fn request_approved(&self, requester_id: &str, app_id: &str) -> Result<(), TenantError> {
        self.approve_now(requester_id, app_id).await
    }
}

/// The first page of a collection from a `$batch` answer.
fn first_page(answers: &mut HashMap<String, Result<Value, GraphError>>, id: &str) -> Result<Value, GraphError> {
    answers.remove(id).unwrap_or_else(|| Err(GraphError::Invalid(format!("no answer for {id}"))))
}

/// One person's snapshot; `None` when Graph has no such user.
async fn read_snapshot(
    graph: &GraphClient,
    beta: bool,
    oid: &str,
    protection_ids: &HashSet<String>,
) -> Result<Option<Snapshot>, GraphError> {
    let user_path = format!("/users/{}", path_segment(oid));
    // With beta, devices (Android Enterprise enrollment types), registrations (their managed
    // device) and install states come from beta, in a batch of their own (a batch is one version).
    let v1 = vec![
        get("user", format!("{user_path}?$select=id,displayName,userPrincipalName,mail")),
        get("groups", format!("{user_path}/transitiveMemberOf?$select=id")),
    ];
    let mut per_device = vec![
        get("devices", format!("{user_path}/managedDevices?$select={}", model::managed_device_select(beta))),
        get(
            "registrations",
            format!("{user_path}/managedAppRegistrations?$expand=appliedPolicies($select=id,displayName),intendedPolicies($select=id,displayName)"),
        ),
    ];
    let (answers, beta_answers) = if beta {
        per_device.push(get("installStates", format!("{user_path}/mobileAppIntentAndStates")));
        let (v1, beta) = tokio::join!(graph.batch(Version::V1, v1), graph.batch(Version::Beta, per_device));
        (v1?, beta?)
    } else {
        let mut all = v1;
        all.extend(per_device);
        (graph.batch(Version::V1, all).await?, HashMap::new())
    };
    let mut answers = answers;
    answers.extend(beta_answers);
    let install_states = match answers.remove("installStates") {
        Some(Ok(page)) => graph.rest_of(page).await,
        Some(Err(e)) => Err(e),
        None => Ok(Vec::new()),
    };
    let user = match answers.remove("user") {
        Some(Err(GraphError::NotFound)) => return Ok(None),
        Some(answer) => answer?,
        None => return Err(GraphError::Invalid("no answer for the user".into())),
    };
    let user: model::User = serde_json::from_value(user).map_err(|e| GraphError::Invalid(format!("user: {e}")))?;
    if user.id != oid {
        return Err(GraphError::Invalid("Graph answered for another user".into()));
    }
    let (groups, devices, registrations) = (
        first_page(&mut answers, "groups")?,
        first_page(&mut answers, "devices")?,
        first_page(&mut answers, "registrations")?,
    );
    let (groups, devices, registrations) =
        tokio::try_join!(graph.rest_of(groups), graph.rest_of(devices), graph.rest_of(registrations))?;

    let (groups, _) = map::items::<model::DirectoryObject>(groups);
    let mut group_ids: Vec<String> = groups.into_iter().filter(|g| g.is_group()).map(|g| g.id).collect();
    group_ids.sort();
    group_ids.dedup();
    let person = Person {
        id: user.id.clone(),
        display_name: user.display_name.clone().unwrap_or_else(|| user.id.clone()),
        upn: user.user_principal_name.clone().unwrap_or_default(),
        email: user.mail.clone(),
        group_ids,
    };

    // Never trust the collection (it has listed other people's devices): a device is the
    // person's when they are its primary user — its `users` navigation, since `userId` has
    // been the enrolling user (a device handed on keeps the old `userId`). Only when the
    // navigation cannot be read does `userId` stand in.
    let (listed, unreadable) = map::items::<model::ManagedDevice>(devices);
    let primary_users = primary_users(graph, &listed).await?;
    let total = listed.len();
    let mut owned = Vec::new();
    for raw in listed {
        let primary = primary_users.get(&raw.id).cloned().unwrap_or_else(|| raw.user_id.clone());
        if primary.as_deref() == Some(oid) {
            owned.push((raw, primary));
        }
    }
    if owned.len() < total || unreadable > 0 {
        tracing::info!(
            "graph: {} of the devices listed for {oid} are not theirs, {unreadable} unreadable",
            total - owned.len()
        );
    }
    let mut managed = Vec::new();
    let mut entra_device_ids = HashMap::new();
    for (raw, primary) in &owned {
        let primary = primary.clone();
        match map::managed_device(raw, primary) {
            Some(device) => {
                if let Some(entra) = raw.azure_ad_device_id.clone().filter(|id| !id.is_empty()) {
                    entra_device_ids.insert(device.id.clone(), entra);
                }
                managed.push(device);
            }
            None => tracing::info!("graph: a device on {:?} is not one the portal shows", raw.operating_system),
        }
    }
    managed.sort_by(|a, b| (&a.enrolled_date_time, &a.id).cmp(&(&b.enrolled_date_time, &b.id)));

    let read_at = crate::dates::now();
    let mut states: HashMap<String, HashMap<String, InstallRecord>> = HashMap::new();
    match install_states {
        Ok(values) => {
            let (items, _) = map::items::<model::MobileAppIntentAndState>(values);
            for item in items.into_iter().filter(|i| i.user_id.as_deref().is_none_or(|u| u == oid)) {
                if let Some(device_id) = item.managed_device_identifier.clone() {
                    states.entry(device_id).or_default().extend(map::install_states(&item, &read_at));
                }
            }
        }
        // Install states are one part of the picture; without them the rest still shows.
        Err(e) => tracing::warn!("graph: install states of {oid} could not be read: {e}"),
    }

    let (raw_registrations, _) = map::items::<model::ManagedAppRegistration>(registrations);
    let known: HashSet<&str> = protection_ids.iter().map(String::as_str).collect();
    let mut registrations = Vec::new();
    let mut graph_tags = HashMap::new();
    let mut unenrolled: HashMap<String, UnenrolledDevice> = HashMap::new();
    for raw in raw_registrations.iter().filter(|r| r.user_id.as_deref().is_none_or(|u| u == oid)) {
        let graph_tag = raw.device_tag.clone().filter(|t| !t.is_empty()).unwrap_or_else(|| raw.id.clone());
        // Beta names the managed device; v1.0 does not, so an enrolled device is recognised
        // by its name and platform (a MAM-only device of the same name would be taken for it).
        let on_device =
            raw.managed_device_id.as_deref().and_then(|id| managed.iter().find(|d| d.id == id)).or_else(|| {
                let platform = map::platform_of_registration(raw);
                managed.iter().find(|d| {
                    raw.device_name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(&d.device_name))
                        && platform.is_none_or(|p| {
                            p == d.operating_system || (p.is_apple_mobile() && d.operating_system.is_apple_mobile())
                        })
                })
            });
        let tag = on_device.map_or_else(|| graph_tag.clone(), |d| d.id.clone());
        let Some(registration) = map::registration(raw, tag.clone(), &known) else { continue };
        graph_tags.insert(tag.clone(), graph_tag.clone());
        if on_device.is_none() {
            if let Some(platform) = map::platform_of_registration(raw) {
                unenrolled.entry(tag).or_insert_with(|| UnenrolledDevice {
                    device_tag: registration.device_tag.clone(),
                    device_name: registration.device_name.clone(),
                    platform,
                });
            }
        }
        registrations.push(registration);
    }
    registrations.sort_by(|a, b| (&a.device_tag, &a.app_identifier).cmp(&(&b.device_tag, &b.app_identifier)));
    let mut unenrolled: Vec<UnenrolledDevice> = unenrolled.into_values().collect();
    unenrolled.sort_by(|a, b| (&a.device_name, &a.device_tag).cmp(&(&b.device_name, &b.device_tag)));

    Ok(Some(Snapshot {
        person,
        devices: UserDevices { managed, unenrolled },
        entra_device_ids,
        install_states: states,
        registrations,
        graph_tags,
    }))
}

/// The primary user of each device, from its `users` navigation, in `$batch`es of 20.
async fn primary_users(
    graph: &GraphClient,
    devices: &[model::ManagedDevice],
) -> Result<HashMap<String, Option<String>>, GraphError> {
    let mut primary = HashMap::new();
    for chunk in devices.chunks(BATCH_MAX) {
        let requests = chunk
            .iter()
            .map(|d| get(&d.id, format!("/deviceManagement/managedDevices/{}/users?$select=id", path_segment(&d.id))))
            .collect();
        let answers = graph.batch(Version::V1, requests).await?;
        for (device_id, answer) in answers {
            match answer {
                Ok(page) => {
                    let users = page.get("value").and_then(Value::as_array).cloned().unwrap_or_default();
                    let first = users.first().and_then(|u| u.get("id")).and_then(Value::as_str).map(str::to_string);
                    primary.insert(device_id, first);
                }
                // Without the navigation the device keeps `userId` (already checked).
                Err(e) => tracing::warn!("graph: the primary user of device {device_id} could not be read: {e}"),
            }
        }
    }
    Ok(primary)
}

/// The object id of the Entra device whose `deviceId` is a managed device's `azureADDeviceId`
/// (not the same id: `azureADDeviceId` is the device's `deviceId`, not its object `id`).
async fn device_object_id(graph: &GraphClient, entra_device_id: &str) -> Result<Option<String>, GraphError> {
    let filter = format!("deviceId eq '{}'", entra_device_id.replace('\'', "''"));
    let found: Value = graph.get(Version::V1, &format!("/devices?$filter={}&$select=id", urlencode(&filter))).await?;
    Ok(found
        .get("value")
        .and_then(Value::as_array)
        .and_then(|v| v.first())
        .and_then(|d| d.get("id"))
        .and_then(Value::as_str)
        .map(str::to_string))
}

async fn read_device_groups(graph: GraphClient, entra_device_id: String) -> Result<Vec<String>, GraphError> {
    let Some(object_id) = device_object_id(&graph, &entra_device_id).await? else { return Ok(Vec::new()) };
    let groups = graph
        .get_all(Version::V1, &format!("/devices/{}/transitiveMemberOf?$select=id", path_segment(&object_id)))
        .await?;
    let (groups, _) = map::items::<model::DirectoryObject>(groups);
    Ok(groups.into_iter().filter(|g| g.is_group()).map(|g| g.id).collect())
}

async fn read_catalog(
    graph: GraphClient,
    icons: icons::Icons,
    install_groups: installs::InstallGroupFile,
) -> Result<AppCatalog, GraphError> {
    let (apps, categories) = tokio::try_join!(
        graph.get_all(Version::V1, "/deviceAppManagement/mobileApps?$expand=assignments,categories"),
        graph.get_all(Version::V1, "/deviceAppManagement/mobileAppCategories?$select=id,displayName"),
    )?;
    let (categories, _) = map::items::<model::Category>(categories);
    let category_names: HashMap<String, String> =
        categories.into_iter().filter_map(|c| Some((c.id, c.display_name?))).collect();
    let (raw_apps, unreadable) = map::items::<model::MobileApp>(apps);
    let mut left_out: HashMap<String, usize> = HashMap::new();
    let mut apps = Vec::new();
    for mut raw in raw_apps {
        for category in &mut raw.categories {
            if let Some(name) = category_names.get(&category.id) {
                category.display_name = Some(name.clone());
            }
        }
        match map::catalog_app(&raw) {
            Ok(app) => apps.push(app),
            Err(map::LeftOut::UnsupportedType(kind)) => *left_out.entry(kind).or_default() += 1,
            Err(map::LeftOut::NotPublished) => *left_out.entry("not published".into()).or_default() += 1,
        }
    }
    if unreadable > 0 || !left_out.is_empty() {
        tracing::info!("graph: catalog of {} apps; left out: {left_out:?}, {unreadable} unreadable", apps.len());
    }
    let with_icons = icons.fetch_missing(apps.iter().map(|a| a.app.id.clone()).collect()).await;
    for app in &mut apps {
        if with_icons.contains(&app.app.id) {
            app.app.icon_url = Some(format!("/api/v1/icons/{}", path_segment(&app.app.id)));
        }
        // The organisation file's groups are how the portal installs, not what the
        // organisation intends: a person in an app's install group installed it from the
        // portal, and may uninstall it again, so their assignments are not the rules' input.
        if let Some(groups) = install_groups.for_app(&app.app.id) {
            app.self_service = true;
            app.requestable = groups.requestable;
            app.approvers = groups.approvers.clone();
            let mechanism = |id: &str| {
                id.eq_ignore_ascii_case(groups.install.id())
                    || groups.uninstall.as_ref().is_some_and(|g| id.eq_ignore_ascii_case(g.id()))
            };
            app.assignments.retain(|a| match &a.target {
                portal_core::domain::AssignmentTarget::UserGroup { id }
                | portal_core::domain::AssignmentTarget::DeviceGroup { id } => !mechanism(id),
                _ => true,
            });
        }
    }
    Ok(AppCatalog::new(apps))
}

async fn read_policies(graph: GraphClient) -> Result<Vec<AppProtectionPolicy>, GraphError> {
    let (ios, android) = tokio::try_join!(
        graph.get_all(Version::V1, "/deviceAppManagement/iosManagedAppProtections?$expand=apps,assignments"),
        graph.get_all(Version::V1, "/deviceAppManagement/androidManagedAppProtections?$expand=apps,assignments"),
    )?;
    let (mut policies, _) = map::items::<model::ManagedAppProtection>(ios);
    policies.extend(map::items::<model::ManagedAppProtection>(android).0);
    Ok(policies.iter().map(map::protection_policy).collect())
}

async fn read_organisation(
    graph: GraphClient,
    beta: bool,
    icons: icons::Icons,
) -> Result<OrganisationFacts, GraphError> {
    let management: Value = graph.get(Version::V1, "/deviceManagement?$select=intuneBrand").await?;
    let brand: model::IntuneBrand = management
        .get("intuneBrand")
        .cloned()
        .map(serde_json::from_value)
        .transpose()
        .map_err(|e| GraphError::Invalid(format!("intuneBrand: {e}")))?
        .unwrap_or_default();
    let logo = icons.remember_logo(brand.light_background_logo.as_ref());
    let logo_url = logo.then(|| "/api/v1/branding/logo".to_string());
    let mut default =
        Organisation { branding: map::branding(&brand, logo_url.clone()), settings: OrganisationSettings::default() };
    let mut profiles = Vec::new();
    if beta {
        let values =
            graph.get_all(Version::Beta, "/deviceManagement/intuneBrandingProfiles?$expand=assignments").await?;
        let (raw, _) = map::items::<model::IntuneBrand>(values);
        for profile in raw {
            let organisation =
                Organisation { branding: map::branding(&profile, logo_url.clone()), settings: map::settings(&profile) };
            if profile.is_default_profile == Some(true) {
                default = organisation;
                continue;
            }
            let mut groups = Vec::new();
            let mut everyone = false;
            for assignment in &profile.assignments {
                match model::odata_type(&assignment.target) {
                    Some("allLicensedUsersAssignmentTarget") => everyone = true,
                    Some("groupAssignmentTarget") => {
                        groups.extend(assignment.target.get("groupId").and_then(Value::as_str).map(str::to_string))
                    }
                    _ => {}
                }
            }
            if everyone {
                profiles.push((None, organisation));
            } else if !groups.is_empty() {
                profiles.push((Some(groups), organisation));
            }
        }
    }
    Ok(OrganisationFacts { default, profiles })
}

fn get(id: &str, url: String) -> BatchRequest {
    BatchRequest { id: id.to_string(), method: "GET", url }
}

/// An id from the browser or Graph as one URL path segment (ids are GUIDs, but a hostile id
/// must not change the path).
fn path_segment(id: &str) -> String {
    url::form_urlencoded::byte_serialize(id.as_bytes()).collect::<String>().replace('+', "%20")
}

fn urlencode(text: &str) -> String {
    path_segment(text)
}

/// Which application permissions the portal needs, and one small read that proves each.
mod permissions {
    use super::Version;

    pub struct Probe {
        pub permission: &'static str,
        pub what: &'static str,
        pub version: Version,
        pub path: &'static str,
    }

    /// Least privilege for reading (`../shared/graph/README.md`; part 2 adds the writes).
    pub fn needed(beta: bool) -> Vec<Probe> {
        let mut probes = vec![
            Probe {
                permission: "User.Read.All",
                what: "users and their groups",
                version: Version::V1,
                path: "/users?$top=1&$select=id",
            },
            Probe {
                permission: "Device.Read.All",
                what: "Entra devices and their groups",
                version: Version::V1,
                path: "/devices?$top=1&$select=id",
            },
            Probe {
                permission: "DeviceManagementManagedDevices.Read.All",
                what: "managed devices",
                version: Version::V1,
                path: "/deviceManagement/managedDevices?$top=1&$select=id",
            },
            Probe {
                permission: "DeviceManagementApps.Read.All",
                what: "apps, assignments and app protection",
                version: Version::V1,
                path: "/deviceAppManagement/mobileApps?$top=1&$select=id",
            },
            Probe {
                permission: "DeviceManagementApps.Read.All",
                what: "the organisation's branding",
                version: Version::V1,
                path: "/deviceManagement?$select=intuneBrand",
            },
        ];
        if beta {
            probes.push(Probe {
                permission: "DeviceManagementApps.Read.All",
                what: "branding profiles (beta)",
                version: Version::Beta,
                path: "/deviceManagement/intuneBrandingProfiles?$top=1",
            });
        }
        probes
    }

    /// The application permissions the changes need (checked against the token's roles;
    /// a write cannot be tried out at start-up).
    pub fn writes(installs: bool, device_members: bool) -> Vec<&'static str> {
        let mut needed = vec![
            // syncDevice, remoteLock, resetPasscode, retire, wipe, setDeviceName
            "DeviceManagementManagedDevices.PrivilegedOperations.All",
            // wipeManagedAppRegistrationsByDeviceTag
            "DeviceManagementApps.ReadWrite.All",
        ];
        if installs {
            needed.push("GroupMember.ReadWrite.All");
        }
        if device_members {
            needed.push("Device.ReadWrite.All");
        }
        needed
    }

    /// Whether `granted` includes `needed` (a ReadWrite permission includes its Read).
    pub fn implies(granted: &str, needed: &str) -> bool {
        needed.strip_suffix(".Read.All").is_some_and(|base| granted == format!("{base}.ReadWrite.All"))
            || (needed == "User.Read.All" && granted == "Directory.Read.All")
            || (needed == "Device.Read.All" && granted == "Directory.Read.All")
    }
}
