//! v1.0 reads: the directory (users, groups, Entra devices and their memberships) and Intune
//! (managed devices, apps and categories, app protection policies, registrations, branding).

use serde_json::Value;

use super::odata::{self, GraphError, Shape};
use super::{not_served, Call, Reply};
use crate::permissions;
use crate::state::{id_of, Org};

/// Expands a navigation property: stored references resolved to their entities (without
/// their own navigation), stored complex values as they are, memberships computed.
pub fn expand(org: &Org, entity: &Value, name: &str) -> Option<Value> {
    let id = id_of(entity);
    let computed = |groups: std::collections::HashSet<String>| {
        Value::Array(org.groups.iter().filter(|g| groups.contains(id_of(g))).map(odata::strip_navigation).collect())
    };
    match name {
        "transitiveMemberOf" => return Some(computed(org.transitive_groups(id))),
        "memberOf" => {
            let direct: std::collections::HashSet<String> = org
                .groups
                .iter()
                .filter(|g| org.members(id_of(g)).iter().any(|m| m == id))
                .map(|g| id_of(g).to_owned())
                .collect();
            return Some(computed(direct));
        }
        _ => {}
    }
    let stored = entity.get(name)?.as_array()?;
    Some(Value::Array(stored.iter().map(|item| resolve(org, item)).collect()))
}

/// A stored reference (`{"@odata.type", "id"}` only) → the entity it names.
fn resolve(org: &Org, item: &Value) -> Value {
    let is_reference = item.as_object().is_some_and(|m| m.len() <= 2 && m.contains_key("id"));
    if !is_reference {
        return item.clone();
    }
    let id = id_of(item);
    let found =
        org.directory_object(id).or_else(|| org.categories.iter().find(|c| id_of(c) == id)).or_else(|| org.policy(id));
    found.map(odata::strip_navigation).unwrap_or_else(|| item.clone())
}

pub fn entity(call: &Call<'_>, org: &Org, value: &Value) -> Result<Reply, GraphError> {
    let expander = |e: &Value, n: &str| expand(org, e, n);
    let shape = Shape::from_query(&call.query, &expander);
    let mut body = shape.apply(value);
    if let Value::Object(map) = &mut body {
        map.insert("@odata.context".into(), Value::String(call.context()));
    }
    Ok(Reply::Json(body))
}

pub fn collection(call: &mut Call<'_>, org: &Org, items: Vec<Value>) -> Result<Reply, GraphError> {
    for option in ["$search", "$orderby"] {
        if call.query.get(option).is_some() {
            return Err(not_served(call));
        }
    }
    if call.query.get("$count") == Some("true")
        && permissions::is_directory(call.op)
        && !call.headers.iter().any(|(k, v)| k == "consistencylevel" && v.eq_ignore_ascii_case("eventual"))
    {
        return Err(GraphError::new(400, "Request_BadRequest", "$count is not currently supported."));
    }
    let mut items = items;
    if let Some(filter) = call.query.get("$filter").map(str::to_owned) {
        if call.op.template == "/deviceManagement/managedDevices" && filter.to_lowercase().starts_with("userid eq") {
            // The reported behaviour: this filter is ignored and every device comes back.
            call.notes.push("$filter=userId eq … ignored on /deviceManagement/managedDevices (as reported of Graph): every device returned".into());
        } else {
            let clauses = odata::parse_filter(&filter).map_err(|reason| {
                let message = format!("The fake Graph does not evaluate this $filter: {reason}");
                call.shared.lock_log().violation("unsupported", &call.op.method, &call.path, "$filter", &message);
                GraphError::new(501, "NotImplemented", message)
            })?;
            items.retain(|i| odata::filter_matches(i, &clauses));
        }
    }
    let expander = |e: &Value, n: &str| expand(org, e, n);
    let shape = Shape::from_query(&call.query, &expander);
    odata::page(items, &call.query, call.page_size(), &call.url(), &call.context(), &shape).map(Reply::Json)
}

fn directory_not_found(id: &str) -> GraphError {
    GraphError::new(
        404,
        "Request_ResourceNotFound",
        format!("Resource '{id}' does not exist or one of its queried reference-property objects are not present."),
    )
}

fn intune_not_found(what: &str, id: &str) -> GraphError {
    GraphError::not_found(format!("{{\"_version\": 3, \"Message\": \"Resource not found: {what} '{id}' - Operation ID (for customer support): {}\"}}", odata::new_request_id()))
}

fn user<'o>(org: &'o Org, key: &str) -> Result<&'o Value, GraphError> {
    org.user(key).ok_or_else(|| directory_not_found(key))
}

/// A device of `/users/{id}/managedDevices` (the list as Graph gives it, traps included).
fn listed<'o>(org: &'o Org, user_key: &str, device_id: &str) -> Result<&'o Value, GraphError> {
    let user_id = id_of(user(org, user_key)?).to_owned();
    org.listed_devices(&user_id)
        .into_iter()
        .find(|d| id_of(d).eq_ignore_ascii_case(device_id))
        .ok_or_else(|| intune_not_found("managedDevice", device_id))
}

fn groups_of(org: &Org, member: &str) -> Vec<Value> {
    let groups = org.transitive_groups(member);
    org.groups.iter().filter(|g| groups.contains(id_of(g))).cloned().collect()
}

fn direct_groups_of(org: &Org, member: &str) -> Vec<Value> {
    org.groups
        .iter()
        .filter(|g| org.members(id_of(g)).iter().any(|m| m.eq_ignore_ascii_case(member)))
        .cloned()
        .collect()
}

pub fn route(call: &mut Call<'_>, org: &mut Org) -> Result<Reply, GraphError> {
    let org = &*org;
    let p0 = call.param(0).to_owned();
    let p1 = call.param(1).to_owned();
    match call.op.template.as_str() {
        // ---------------------------------------------------------------- directory
        "/users" => collection(call, org, org.users.clone()),
        "/users/{id}" => entity(call, org, user(org, &p0)?),
        "/users/{id}/transitiveMemberOf" | "/users/{id}/transitiveMemberOf/microsoft.graph.group" => {
            let id = id_of(user(org, &p0)?).to_owned();
            collection(call, org, groups_of(org, &id))
        }
        "/users/{id}/memberOf" => {
            let id = id_of(user(org, &p0)?).to_owned();
            collection(call, org, direct_groups_of(org, &id))
        }
        "/groups" => collection(call, org, org.groups.clone()),
        "/groups/{id}" => entity(call, org, org.group(&p0).ok_or_else(|| directory_not_found(&p0))?),
        "/groups/{id}/members" => {
            org.group(&p0).ok_or_else(|| directory_not_found(&p0))?;
            let members: Vec<Value> =
                org.members(&p0).iter().filter_map(|m| org.directory_object(m)).cloned().collect();
            collection(call, org, members)
        }
        "/groups/{id}/transitiveMemberOf" | "/groups/{id}/transitiveMemberOf/microsoft.graph.group" => {
            org.group(&p0).ok_or_else(|| directory_not_found(&p0))?;
            collection(call, org, groups_of(org, &p0))
        }
        "/devices" => collection(call, org, org.devices.clone()),
        "/devices/{id}" => entity(call, org, org.entra_device(&p0).ok_or_else(|| directory_not_found(&p0))?),
        "/devices(deviceId='{deviceId}')" => {
            entity(call, org, org.entra_device_by_device_id(&p0).ok_or_else(|| directory_not_found(&p0))?)
        }
        "/devices/{id}/transitiveMemberOf" | "/devices/{id}/transitiveMemberOf/microsoft.graph.group" => {
            org.entra_device(&p0).ok_or_else(|| directory_not_found(&p0))?;
            collection(call, org, groups_of(org, &p0))
        }
        "/devices/{id}/memberOf" => {
            org.entra_device(&p0).ok_or_else(|| directory_not_found(&p0))?;
            collection(call, org, direct_groups_of(org, &p0))
        }
        // ---------------------------------------------------------------- managed devices
        "/users/{id}/managedDevices" => {
            let id = id_of(user(org, &p0)?).to_owned();
            let devices = org.listed_devices(&id).into_iter().cloned().collect();
            collection(call, org, devices)
        }
        "/users/{id}/managedDevices/{id_1}" => entity(call, org, listed(org, &p0, &p1)?),
        "/users/{id}/managedDevices/{id_1}/users" => {
            let device = listed(org, &p0, &p1)?.clone();
            collection(call, org, expand(org, &device, "users").and_then(|v| v.as_array().cloned()).unwrap_or_default())
        }
        "/deviceManagement/managedDevices" => collection(call, org, org.managed.clone()),
        "/deviceManagement/managedDevices/{id_1}" => {
            entity(call, org, org.managed_device(&p0).ok_or_else(|| intune_not_found("managedDevice", &p0))?)
        }
        "/deviceManagement/managedDevices/{id_1}/users" => {
            let device = org.managed_device(&p0).ok_or_else(|| intune_not_found("managedDevice", &p0))?.clone();
            collection(call, org, expand(org, &device, "users").and_then(|v| v.as_array().cloned()).unwrap_or_default())
        }
        // ---------------------------------------------------------------- apps
        "/deviceAppManagement/mobileApps" => collection(call, org, org.apps.clone()),
        "/deviceAppManagement/mobileApps/{id_1}" => {
            entity(call, org, org.app(&p0).ok_or_else(|| intune_not_found("mobileApp", &p0))?)
        }
        "/deviceAppManagement/mobileApps/{id_1}/assignments" | "/deviceAppManagement/mobileApps/{id_1}/categories" => {
            let app = org.app(&p0).ok_or_else(|| intune_not_found("mobileApp", &p0))?.clone();
            let name = if call.op.template.ends_with("assignments") { "assignments" } else { "categories" };
            collection(call, org, expand(org, &app, name).and_then(|v| v.as_array().cloned()).unwrap_or_default())
        }
        "/deviceAppManagement/mobileAppCategories" => collection(call, org, org.categories.clone()),
        "/deviceAppManagement/mobileAppCategories/{id_1}" => entity(
            call,
            org,
            org.categories.iter().find(|c| id_of(c) == p0).ok_or_else(|| intune_not_found("mobileAppCategory", &p0))?,
        ),
        // ---------------------------------------------------------------- app protection
        "/deviceAppManagement/iosManagedAppProtections" | "/deviceAppManagement/androidManagedAppProtections" => {
            let wanted = if call.op.template.contains("/ios") {
                "#microsoft.graph.iosManagedAppProtection"
            } else {
                "#microsoft.graph.androidManagedAppProtection"
            };
            collection(call, org, org.policies.iter().filter(|p| p["@odata.type"] == wanted).cloned().collect())
        }
        "/deviceAppManagement/managedAppPolicies" => collection(call, org, org.policies.clone()),
        "/deviceAppManagement/iosManagedAppProtections/{id_1}"
        | "/deviceAppManagement/androidManagedAppProtections/{id_1}"
        | "/deviceAppManagement/managedAppPolicies/{id_1}" => {
            entity(call, org, org.policy(&p0).ok_or_else(|| intune_not_found("managedAppPolicy", &p0))?)
        }
        "/deviceAppManagement/iosManagedAppProtections/{id_1}/apps"
        | "/deviceAppManagement/androidManagedAppProtections/{id_1}/apps"
        | "/deviceAppManagement/iosManagedAppProtections/{id_1}/assignments"
        | "/deviceAppManagement/androidManagedAppProtections/{id_1}/assignments" => {
            let policy = org.policy(&p0).ok_or_else(|| intune_not_found("managedAppPolicy", &p0))?.clone();
            let name = if call.op.template.ends_with("apps") { "apps" } else { "assignments" };
            collection(call, org, expand(org, &policy, name).and_then(|v| v.as_array().cloned()).unwrap_or_default())
        }
        "/users/{id}/managedAppRegistrations" => {
            let id = id_of(user(org, &p0)?).to_owned();
            let registrations = org.registrations_of(&id).into_iter().cloned().collect();
            collection(call, org, registrations)
        }
        "/deviceAppManagement/managedAppRegistrations" => collection(call, org, org.registrations.clone()),
        "/deviceAppManagement/managedAppRegistrations/{id_1}" => entity(
            call,
            org,
            org.registrations
                .iter()
                .find(|r| id_of(r) == p0)
                .ok_or_else(|| intune_not_found("managedAppRegistration", &p0))?,
        ),
        "/deviceAppManagement/managedAppRegistrations/{id_1}/appliedPolicies"
        | "/deviceAppManagement/managedAppRegistrations/{id_1}/intendedPolicies" => {
            let registration = org
                .registrations
                .iter()
                .find(|r| id_of(r) == p0)
                .ok_or_else(|| intune_not_found("managedAppRegistration", &p0))?
                .clone();
            let name =
                if call.op.template.ends_with("appliedPolicies") { "appliedPolicies" } else { "intendedPolicies" };
            collection(
                call,
                org,
                expand(org, &registration, name).and_then(|v| v.as_array().cloned()).unwrap_or_default(),
            )
        }
        // ---------------------------------------------------------------- device categories
        "/deviceManagement/deviceCategories" => collection(call, org, org.device_categories.clone()),
        // ---------------------------------------------------------------- branding
        "/deviceManagement" => entity(call, org, &org.device_management),
        _ => Err(not_served(call)),
    }
}
