//! v1.0 writes, with state: device actions (204, then a `deviceActionResults` entry pending →
//! done or failed), the selective wipe by device tag, and group membership by `$ref` (which
//! reaches install state: a Required app starts installing on the member's devices).

use serde_json::Value;

use super::odata::GraphError;
use super::{not_served, Call, Reply};
use crate::state::{id_of, Org};

/// The device actions the fake carries out (the document has more; they answer 501).
const ACTIONS: &[&str] = &["syncDevice", "remoteLock", "resetPasscode", "retire", "wipe"];

pub fn route(call: &mut Call<'_>, org: &mut Org) -> Result<Reply, GraphError> {
    let template = call.op.template.clone();
    let last = template.rsplit('/').next().unwrap_or("").to_owned();
    match (call.op.method.as_str(), template.as_str()) {
        ("POST", t)
            if t.starts_with("/deviceManagement/managedDevices/{id_1}/") && ACTIONS.contains(&last.as_str()) =>
        {
            let device = call.param(0).to_owned();
            device_action(call, org, None, &device, &last)
        }
        ("POST", t) if t.starts_with("/users/{id}/managedDevices/{id_1}/") && ACTIONS.contains(&last.as_str()) => {
            let (user, device) = (call.param(0).to_owned(), call.param(1).to_owned());
            device_action(call, org, Some(&user), &device, &last)
        }
        ("POST", "/users/{id}/wipeManagedAppRegistrationsByDeviceTag") => selective_wipe(call, org),
        ("POST", "/groups/{id}/members/$ref") => add_member(call, org),
        ("DELETE", "/groups/{id}/members/{id_1}/$ref") => remove_member(call, org),
        _ => Err(not_served(call)),
    }
}

fn device_not_found(id: &str) -> GraphError {
    GraphError::not_found(format!("{{\"_version\": 3, \"Message\": \"Resource not found: managedDevice '{id}' - Operation ID (for customer support): {}\"}}", super::odata::new_request_id()))
}

/// `POST …/managedDevices/{id}/{action}` → 204; the device does it later.
pub fn device_action(
    call: &mut Call<'_>,
    org: &mut Org,
    user: Option<&str>,
    device_id: &str,
    action: &str,
) -> Result<Reply, GraphError> {
    let exists = match user {
        Some(user_key) => {
            let user_id = org.user(user_key).map(|u| id_of(u).to_owned()).ok_or_else(|| device_not_found(device_id))?;
            org.listed_devices(&user_id).iter().any(|d| id_of(d).eq_ignore_ascii_case(device_id))
        }
        None => org.managed_device(device_id).is_some(),
    };
    if !exists {
        return Err(device_not_found(device_id));
    }
    let device_id = org.managed_device(device_id).map(|d| id_of(d).to_owned()).unwrap_or_else(|| device_id.to_owned());
    let parameters = call.body.clone().unwrap_or(Value::Null);
    if action == "wipe" {
        let keeps = |name: &str| parameters.get(name).and_then(Value::as_bool);
        if keeps("keepUserData").is_none() || keeps("keepEnrollmentData").is_none() {
            call.notes.push(format!(
                "wipe sent without {}: Graph takes false for what is missing (keepUserData=false wipes user data, keepEnrollmentData=false unenrolls)",
                ["keepUserData", "keepEnrollmentData"].iter().filter(|n| keeps(n).is_none()).copied().collect::<Vec<_>>().join(" and ")
            ));
        }
    }
    let delay = call.delay();
    org.request_action(&device_id, action, parameters, delay);
    Ok(Reply::NoContent)
}

fn selective_wipe(call: &mut Call<'_>, org: &mut Org) -> Result<Reply, GraphError> {
    let key = call.param(0).to_owned();
    let user_id = org.user(&key).map(|u| id_of(u).to_owned()).ok_or_else(|| {
        GraphError::new(
            404,
            "Request_ResourceNotFound",
            format!(
                "Resource '{key}' does not exist or one of its queried reference-property objects are not present."
            ),
        )
    })?;
    let Some(tag) = call.body.as_ref().and_then(|b| b.get("deviceTag")).and_then(Value::as_str).map(str::to_owned)
    else {
        return Err(GraphError::bad_request("The parameter 'deviceTag' is required."));
    };
    let delay = call.delay();
    let count = org.selective_wipe(&user_id, &tag, delay);
    if count == 0 {
        call.notes.push(format!("selective wipe of device tag {tag}: the user has no registration with that tag"));
    }
    Ok(Reply::NoContent)
}

/// The id an `@odata.id` reference names: `https://graph.microsoft.com/v1.0/directoryObjects/{id}`
/// (or `/users/{id}`, `/devices/{id}`, `/groups/{id}`, on Graph's host or the fake's).
fn referenced_id(call: &Call<'_>, reference: &str) -> Option<String> {
    let rest = reference
        .strip_prefix("https://graph.microsoft.com/v1.0/")
        .or_else(|| reference.strip_prefix(&format!("{}/v1.0/", call.shared.base_url)))?;
    let (collection, id) = rest.split_once('/')?;
    if !["directoryObjects", "users", "devices", "groups"].iter().any(|c| c.eq_ignore_ascii_case(collection))
        || id.is_empty()
        || id.contains('/')
    {
        return None;
    }
    Some(id.to_owned())
}

fn add_member(call: &mut Call<'_>, org: &mut Org) -> Result<Reply, GraphError> {
    let group_id = call.param(0).to_owned();
    let reference =
        call.body.as_ref().and_then(|b| b.get("@odata.id")).and_then(Value::as_str).unwrap_or("").to_owned();
    let Some(member_id) = referenced_id(call, &reference) else {
        return Err(GraphError::new(400, "Request_BadRequest", format!("Invalid object identifier '{reference}'.")));
    };
    let not_found = |id: &str| {
        GraphError::new(
            404,
            "Request_ResourceNotFound",
            format!("Resource '{id}' does not exist or one of its queried reference-property objects are not present."),
        )
    };
    let group = org.group(&group_id).ok_or_else(|| not_found(&group_id))?;
    let group_id = id_of(group).to_owned();
    let member = org.directory_object(&member_id).ok_or_else(|| not_found(&member_id))?.clone();
    let member_id = id_of(&member).to_owned();
    let member_type =
        member.get("@odata.type").and_then(Value::as_str).unwrap_or("#microsoft.graph.directoryObject").to_owned();
    // learn.microsoft.com/graph/api/group-post-members: a device member also needs Device.ReadWrite.All.
    if member_type == "#microsoft.graph.device" && !call.roles.iter().any(|r| r == "Device.ReadWrite.All") {
        return Err(GraphError::new(
            403,
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.",
        ));
    }
    if org.members(&group_id).iter().any(|m| m.eq_ignore_ascii_case(&member_id)) {
        return Err(GraphError::new(
            400,
            "Request_BadRequest",
            "One or more added object references already exist for the following modified properties: 'members'.",
        ));
    }
    if let Some(group) = org.groups.iter_mut().find(|g| id_of(g) == group_id) {
        let entry = serde_json::json!({"@odata.type": member_type, "id": member_id});
        match group.get_mut("members").and_then(Value::as_array_mut) {
            Some(members) => members.push(entry),
            None => group["members"] = Value::Array(vec![entry]),
        }
    }
    let delay = call.delay();
    let concerned = org.devices_concerned(&member_id);
    org.reevaluate(&concerned, delay);
    Ok(Reply::NoContent)
}

fn remove_member(call: &mut Call<'_>, org: &mut Org) -> Result<Reply, GraphError> {
    let (group_id, member_id) = (call.param(0).to_owned(), call.param(1).to_owned());
    let not_found = |id: &str| {
        GraphError::new(
            404,
            "Request_ResourceNotFound",
            format!("Resource '{id}' does not exist or one of its queried reference-property objects are not present."),
        )
    };
    let group_id = id_of(org.group(&group_id).ok_or_else(|| not_found(&group_id))?).to_owned();
    if !org.members(&group_id).iter().any(|m| m.eq_ignore_ascii_case(&member_id)) {
        return Err(not_found(&member_id));
    }
    // Computed before the change: the member's devices stop getting what the group gave.
    let concerned = org.devices_concerned(&member_id);
    if let Some(members) = org
        .groups
        .iter_mut()
        .find(|g| id_of(g) == group_id)
        .and_then(|g| g.get_mut("members"))
        .and_then(Value::as_array_mut)
    {
        members.retain(|m| !id_of(m).eq_ignore_ascii_case(&member_id));
    }
    let delay = call.delay();
    org.reevaluate(&concerned, delay);
    Ok(Reply::NoContent)
}
