//! The organisation as it is now: the fixtures, then every write applied to them. Entities
//! are kept in Graph's JSON (so what is served is what was checked); relations the fixtures
//! write as navigation properties (`members`, `users`, `assignments`, …) stay on them and are
//! cut or expanded per request by `routes::odata`.

pub mod intent;
mod work;

use std::collections::{HashMap, HashSet, VecDeque};

use serde_json::{json, Value};

use crate::fixtures::{FakeFacts, Fixtures};
pub use intent::Platform;
pub use work::{Outcome, Pending, Work};

/// One app's install state on one managed device.
#[derive(Debug, Clone)]
pub struct InstallState {
    /// A `resultantAppState` member.
    pub state: String,
    pub last_modified: String,
    /// The report's `HexErrorCode` for a failure.
    pub error_code: Option<String>,
}

pub struct Org {
    pub users: Vec<Value>,
    pub groups: Vec<Value>,
    pub devices: Vec<Value>,
    pub managed: Vec<Value>,
    pub apps: Vec<Value>,
    pub categories: Vec<Value>,
    /// The organisation's device categories (`/deviceManagement/deviceCategories`).
    pub device_categories: Vec<Value>,
    pub policies: Vec<Value>,
    pub registrations: Vec<Value>,
    pub device_management: Value,
    pub branding_profiles: Vec<Value>,
    /// `(managedDeviceId, appId)` → state.
    pub installs: HashMap<(String, String), InstallState>,
    pub facts: FakeFacts,
    /// Work the devices have not done yet (actions, installs, selective wipes).
    pub pending: Vec<Pending>,
    next_work: u64,
}

pub fn id_of(value: &Value) -> &str {
    value.get("id").and_then(Value::as_str).unwrap_or("")
}

fn ids(values: Option<&Value>) -> Vec<String> {
    values.and_then(Value::as_array).map(|v| v.iter().map(|x| id_of(x).to_owned()).collect()).unwrap_or_default()
}

impl Org {
    pub fn new(fixtures: &Fixtures) -> Org {
        let mut policies = fixtures.get("iosManagedAppProtections.json").to_vec();
        policies.extend(fixtures.get("androidManagedAppProtections.json").iter().cloned());
        let mut installs = HashMap::new();
        for entry in fixtures.get("beta-mobileAppIntentAndStates.json") {
            let device = entry.get("managedDeviceIdentifier").and_then(Value::as_str).unwrap_or("").to_owned();
            for app in entry.get("mobileAppList").and_then(Value::as_array).into_iter().flatten() {
                let app_id = app.get("applicationId").and_then(Value::as_str).unwrap_or("").to_owned();
                let state = app.get("installState").and_then(Value::as_str).unwrap_or("unknown").to_owned();
                let error_code = fixtures.facts.install_errors.get(&format!("{device}/{app_id}")).cloned();
                installs.insert(
                    (device.clone(), app_id),
                    InstallState { state, last_modified: crate::time_util::now(), error_code },
                );
            }
        }
        Org {
            users: fixtures.get("users.json").to_vec(),
            groups: fixtures.get("groups.json").to_vec(),
            devices: fixtures.get("devices.json").to_vec(),
            managed: fixtures.get("managedDevices.json").to_vec(),
            apps: fixtures.get("mobileApps.json").to_vec(),
            categories: fixtures.get("mobileAppCategories.json").to_vec(),
            device_categories: fixtures.get("deviceCategories.json").to_vec(),
            policies,
            registrations: fixtures.get("managedAppRegistrations.json").to_vec(),
            device_management: fixtures.get("deviceManagement.json").first().cloned().unwrap_or_else(|| json!({})),
            branding_profiles: fixtures.get("beta-intuneBrandingProfiles.json").to_vec(),
            installs,
            facts: fixtures.facts.clone(),
            pending: Vec::new(),
            next_work: 1,
        }
    }

    // ------------------------------------------------------------ lookups

    /// A user by object id or user principal name (Graph accepts both in `/users/{id}`).
    pub fn user(&self, key: &str) -> Option<&Value> {
        self.users.iter().find(|u| {
            id_of(u).eq_ignore_ascii_case(key)
                || u.get("userPrincipalName").and_then(Value::as_str).is_some_and(|upn| upn.eq_ignore_ascii_case(key))
        })
    }

    pub fn group(&self, id: &str) -> Option<&Value> {
        self.groups.iter().find(|g| id_of(g).eq_ignore_ascii_case(id))
    }

    pub fn managed_device(&self, id: &str) -> Option<&Value> {
        self.managed.iter().find(|d| id_of(d).eq_ignore_ascii_case(id))
    }

    pub fn managed_device_mut(&mut self, id: &str) -> Option<&mut Value> {
        self.managed.iter_mut().find(|d| id_of(d).eq_ignore_ascii_case(id))
    }

    pub fn entra_device(&self, object_id: &str) -> Option<&Value> {
        self.devices.iter().find(|d| id_of(d).eq_ignore_ascii_case(object_id))
    }

    pub fn entra_device_by_device_id(&self, device_id: &str) -> Option<&Value> {
        self.devices
            .iter()
            .find(|d| d.get("deviceId").and_then(Value::as_str).is_some_and(|x| x.eq_ignore_ascii_case(device_id)))
    }

    /// The Entra device of a managed device (`azureADDeviceId` = `device.deviceId`).
    pub fn entra_of_managed(&self, managed: &Value) -> Option<&Value> {
        managed.get("azureADDeviceId").and_then(Value::as_str).and_then(|d| self.entra_device_by_device_id(d))
    }

    pub fn app(&self, id: &str) -> Option<&Value> {
        self.apps.iter().find(|a| id_of(a).eq_ignore_ascii_case(id))
    }

    /// Any directory object (user, group, Entra device) by id, with its `@odata.type`.
    pub fn directory_object(&self, id: &str) -> Option<&Value> {
        self.user(id)
            .filter(|u| id_of(u).eq_ignore_ascii_case(id))
            .or_else(|| self.group(id))
            .or_else(|| self.entra_device(id))
    }

    /// The primary user: the first of the device's `users` navigation.
    pub fn primary_user(managed: &Value) -> Option<String> {
        ids(managed.get("users")).into_iter().next()
    }

    /// What `/users/{id}/managedDevices` lists: the devices whose `userId` or primary user is
    /// the user, and — the reported filter trap — the extra devices `fake.json` names.
    pub fn listed_devices(&self, user_id: &str) -> Vec<&Value> {
        let extra = self.facts.extra_managed_devices.get(user_id).cloned().unwrap_or_default();
        self.managed
            .iter()
            .filter(|d| {
                d.get("userId").and_then(Value::as_str) == Some(user_id)
                    || Self::primary_user(d).as_deref() == Some(user_id)
                    || extra.iter().any(|e| e == id_of(d))
            })
            .collect()
    }

    pub fn members(&self, group_id: &str) -> Vec<String> {
        ids(self.group(group_id).and_then(|g| g.get("members")))
    }

    /// Every group `member` is in, directly or through nested groups.
    pub fn transitive_groups(&self, member: &str) -> HashSet<String> {
        let mut found = HashSet::new();
        let mut todo = VecDeque::from([member.to_owned()]);
        while let Some(next) = todo.pop_front() {
            for group in &self.groups {
                let gid = id_of(group).to_owned();
                if !found.contains(&gid) && ids(group.get("members")).iter().any(|m| m.eq_ignore_ascii_case(&next)) {
                    found.insert(gid.clone());
                    todo.push_back(gid);
                }
            }
        }
        found
    }

    /// The groups of a managed device's Entra device.
    pub fn device_groups(&self, managed: &Value) -> HashSet<String> {
        self.entra_of_managed(managed).map(|d| self.transitive_groups(id_of(d))).unwrap_or_default()
    }

    pub fn registrations_of(&self, user_id: &str) -> Vec<&Value> {
        self.registrations.iter().filter(|r| r.get("userId").and_then(Value::as_str) == Some(user_id)).collect()
    }

    pub fn policy(&self, id: &str) -> Option<&Value> {
        self.policies.iter().find(|p| id_of(p) == id)
    }

    // ------------------------------------------------------------ apps on devices

    /// The intent of `app` on a managed device (its primary user's and its own groups).
    pub fn intent_on(&self, app: &Value, managed: &Value) -> &'static str {
        let user_groups = Self::primary_user(managed).map(|u| self.transitive_groups(&u)).unwrap_or_default();
        let device_groups = self.device_groups(managed);
        intent::resolve(app, &user_groups, Some(&device_groups))
    }

    /// The apps that concern a managed device: its platform, not web links, some intent.
    pub fn apps_for(&self, managed: &Value) -> Vec<(&Value, &'static str)> {
        let platform = intent::device_platform(managed);
        // The groups once per device, not once per app.
        let user_groups = Self::primary_user(managed).map(|u| self.transitive_groups(&u)).unwrap_or_default();
        let device_groups = self.device_groups(managed);
        self.apps
            .iter()
            .filter(|a| platform.is_some() && intent::app_platform(a) == platform)
            .map(|a| (a, intent::resolve(a, &user_groups, Some(&device_groups))))
            .filter(|(_, intent)| *intent != "notAvailable")
            .collect()
    }

    pub fn install_state(&self, device_id: &str, app_id: &str) -> InstallState {
        self.installs.get(&(device_id.to_owned(), app_id.to_owned())).cloned().unwrap_or(InstallState {
            state: "notInstalled".into(),
            last_modified: crate::time_util::now(),
            error_code: None,
        })
    }

    pub fn set_install(&mut self, device_id: &str, app_id: &str, state: &str, error_code: Option<String>) {
        self.installs.insert(
            (device_id.to_owned(), app_id.to_owned()),
            InstallState { state: state.into(), last_modified: crate::time_util::now(), error_code },
        );
    }

    /// After a membership change: Required apps that are not installed start installing on the
    /// affected devices, Uninstall apps that are installed start uninstalling.
    pub fn reevaluate(&mut self, device_ids: &[String], delay: Option<std::time::Duration>) {
        for device_id in device_ids {
            let Some(managed) = self.managed_device(device_id).cloned() else { continue };
            let decisions: Vec<(String, &'static str)> =
                self.apps_for(&managed).into_iter().map(|(a, intent)| (id_of(a).to_owned(), intent)).collect();
            for (app_id, intent) in decisions {
                let state = self.install_state(device_id, &app_id).state;
                let already = self
                    .pending
                    .iter()
                    .any(|p| p.work.device() == Some(device_id.as_str()) && p.work.app() == Some(app_id.as_str()));
                if already {
                    continue;
                }
                match intent {
                    "requiredInstall" | "requiredAndAvailableInstall"
                        if state != "installed" && state != "pendingInstall" =>
                    {
                        self.set_install(device_id, &app_id, "pendingInstall", None);
                        self.schedule(Work::Install { device: device_id.clone(), app: app_id }, delay);
                    }
                    "requiredUninstall" if state == "installed" => {
                        self.schedule(Work::Uninstall { device: device_id.clone(), app: app_id }, delay);
                    }
                    _ => {}
                }
            }
        }
    }

    /// The managed devices a directory object's membership change concerns: a user's devices
    /// (as primary user), an Entra device's managed device, every member's for a group.
    pub fn devices_concerned(&self, member: &str) -> Vec<String> {
        let mut out = Vec::new();
        for managed in &self.managed {
            let primary = Self::primary_user(managed);
            let entra = self.entra_of_managed(managed).map(|d| id_of(d).to_owned());
            let user_groups = primary.as_deref().map(|u| self.transitive_groups(u)).unwrap_or_default();
            let device_groups = entra.as_deref().map(|d| self.transitive_groups(d)).unwrap_or_default();
            if primary.as_deref() == Some(member)
                || entra.as_deref() == Some(member)
                || user_groups.contains(member)
                || device_groups.contains(member)
            {
                out.push(id_of(managed).to_owned());
            }
        }
        out
    }

    pub fn schedule(&mut self, work: Work, delay: Option<std::time::Duration>) -> u64 {
        let id = self.next_work;
        self.next_work += 1;
        self.pending.push(Pending { id, work, due: delay.map(|d| std::time::Instant::now() + d) });
        id
    }

    /// Starts the fixtures' own pending installs (a `pendingInstall` state finishes like any other).
    pub fn schedule_fixture_work(&mut self, delay: Option<std::time::Duration>) {
        let pending: Vec<(String, String)> =
            self.installs.iter().filter(|(_, s)| s.state == "pendingInstall").map(|(k, _)| k.clone()).collect();
        for (device, app) in pending {
            self.schedule(Work::Install { device, app }, delay);
        }
        let actions: Vec<(String, String)> = self
            .managed
            .iter()
            .flat_map(|d| {
                d.get("deviceActionResults")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter(|r| r.get("actionState").and_then(Value::as_str) == Some("pending"))
                    .filter_map(|r| {
                        r.get("actionName").and_then(Value::as_str).map(|n| (id_of(d).to_owned(), n.to_owned()))
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        for (device, action) in actions {
            self.schedule(Work::Action { device, action, parameters: Value::Null }, delay);
        }
    }
}
