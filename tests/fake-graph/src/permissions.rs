//! Which application permission a call needs: `permissions-subset.json` (Microsoft's
//! per-endpoint permission data), and by hand the rows that file lacks, each from the
//! Microsoft Graph documentation page named beside it.

use crate::contract::{Contract, Operation};

/// What a call needs: one of `any_of` (and every one of `all_of`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    pub any_of: Vec<String>,
    pub all_of: Vec<String>,
}

impl Requirement {
    pub fn allows(&self, roles: &[String]) -> bool {
        let has = |p: &String| roles.iter().any(|r| r.eq_ignore_ascii_case(p));
        (self.any_of.is_empty() || self.any_of.iter().any(has)) && self.all_of.iter().all(has)
    }
}

fn list(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

const DEVICES_READ: &[&str] =
    &["DeviceManagementManagedDevices.Read.All", "DeviceManagementManagedDevices.ReadWrite.All"];
const APPS_READ: &[&str] = &["DeviceManagementApps.Read.All", "DeviceManagementApps.ReadWrite.All"];
const GROUP_MEMBER_WRITE: &[&str] = &["GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.ReadWrite.All"];

/// Rows `permissions-subset.json` does not have (README "Limits of this schema").
fn by_hand(method: &str, path: &str) -> Option<Vec<String>> {
    Some(match (method, path) {
        // learn.microsoft.com/graph/api/user-list and user-get
        ("GET", "/users") | ("GET", "/users/{id}") => {
            list(&["User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"])
        }
        // learn.microsoft.com/graph/api/intune-devices-manageddevice-list and -get: the page lists
        // /users/{id}/managedDevices beside /deviceManagement/managedDevices, same permissions.
        ("GET", "/users/{id}/manageddevices") | ("GET", "/users/{id}/manageddevices/{id}") => list(DEVICES_READ),
        // learn.microsoft.com/graph/api/intune-devices-user-list (a managed device's users)
        ("GET", "/users/{id}/manageddevices/{id}/users") | ("GET", "/devicemanagement/manageddevices/{id}/users") => {
            list(DEVICES_READ)
        }
        // learn.microsoft.com/graph/api/device-get (also the deviceId alternate key)
        ("GET", "/devices/{id}") => {
            list(&["Device.Read.All", "Device.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"])
        }
        // learn.microsoft.com/graph/api/group-list and group-get
        ("GET", "/groups") | ("GET", "/groups/{id}") => list(&[
            "GroupMember.Read.All",
            "Group.Read.All",
            "Directory.Read.All",
            "Group.ReadWrite.All",
            "Directory.ReadWrite.All",
        ]),
        // learn.microsoft.com/graph/api/intune-mam-managedappregistration-list (/users/{id}/managedAppRegistrations)
        ("GET", "/users/{id}/managedappregistrations") => list(APPS_READ),
        // learn.microsoft.com/graph/api/group-post-members (a device member also needs
        // Device.ReadWrite.All: checked where the member is known, routes::writes)
        ("POST", "/groups/{id}/members/$ref") => list(GROUP_MEMBER_WRITE),
        // learn.microsoft.com/graph/api/group-delete-members
        ("DELETE", "/groups/{id}/members/{id}/$ref") => list(GROUP_MEMBER_WRITE),
        // learn.microsoft.com/graph/api/intune-reporting-devicemanagementreports-retrievedeviceappinstallationstatusreport
        ("POST", "/devicemanagement/reports/retrievedeviceappinstallationstatusreport") => list(APPS_READ),
        // learn.microsoft.com/graph/api/intune-onboarding-devicecategory-list
        ("GET", "/devicemanagement/devicecategories") => list(&[
            "DeviceManagementConfiguration.Read.All",
            "DeviceManagementConfiguration.ReadWrite.All",
            "DeviceManagementManagedDevices.Read.All",
            "DeviceManagementManagedDevices.ReadWrite.All",
        ]),
        // learn.microsoft.com/graph/json-batching: the batch needs nothing, each request its own.
        ("POST", "/$batch") => Vec::new(),
        _ => return None,
    })
}

/// The permissions that allow `op`.
pub fn required(contract: &Contract, op: &Operation) -> Option<Requirement> {
    let path = op.permission_path();
    let method = op.method.as_str();
    let any_of = by_hand(method, &path).or_else(|| contract.permissions_for(method, &path)).or_else(|| {
        // An action on /users/{id}/managedDevices/{id}/… needs what the same action on
        // /deviceManagement/managedDevices/{id}/… needs (both forms are on one Intune page).
        let rest = path.strip_prefix("/users/{id}/manageddevices/")?;
        contract.permissions_for(method, &format!("/devicemanagement/manageddevices/{rest}"))
    })?;
    Some(Requirement { any_of, all_of: Vec::new() })
}

/// Directory calls deny as `Authorization_RequestDenied`; Intune's answer names the scopes.
pub fn is_directory(op: &Operation) -> bool {
    let path = op.template.to_lowercase();
    (path.starts_with("/users") && !path.contains("managed") && !path.contains("mobileappintent"))
        || path.starts_with("/groups")
        || path.starts_with("/devices")
        || path.starts_with("/directoryobjects")
}
