//! The beta calls the portal makes with `--graph-beta`: branding profiles (and their
//! assignments), per-user app intent and install state, and `setDeviceName`.

use serde_json::{json, Value};

use super::odata::GraphError;
use super::reads::{collection, entity};
use super::{not_served, Call, Reply};
use crate::state::intent::{app_platform, Platform};
use crate::state::{id_of, Org};

pub fn route(call: &mut Call<'_>, org: &mut Org) -> Result<Reply, GraphError> {
    let p0 = call.param(0).to_owned();
    let p1 = call.param(1).to_owned();
    match (call.op.method.as_str(), call.op.template.as_str()) {
        ("GET", "/deviceManagement/intuneBrandingProfiles") => collection(call, org, org.branding_profiles.clone()),
        ("GET", "/deviceManagement/intuneBrandingProfiles/{id}") => {
            let profile = org
                .branding_profiles
                .iter()
                .find(|p| id_of(p) == p0)
                .ok_or_else(|| not_found("intuneBrandingProfile", &p0))?;
            entity(call, org, profile)
        }
        ("GET", "/deviceManagement/intuneBrandingProfiles/{id}/assignments") => {
            let profile = org
                .branding_profiles
                .iter()
                .find(|p| id_of(p) == p0)
                .ok_or_else(|| not_found("intuneBrandingProfile", &p0))?;
            let assignments = profile.get("assignments").and_then(Value::as_array).cloned().unwrap_or_default();
            collection(call, org, assignments)
        }
        ("GET", "/users/{id}/mobileAppIntentAndStates") => {
            let user = org.user(&p0).map(|u| id_of(u).to_owned()).ok_or_else(|| not_found("user", &p0))?;
            let states = intent_and_states(org, &user);
            collection(call, org, states)
        }
        ("GET", "/users/{id}/mobileAppIntentAndStates/{id_1}") => {
            let user = org.user(&p0).map(|u| id_of(u).to_owned()).ok_or_else(|| not_found("user", &p0))?;
            let state = intent_and_states(org, &user)
                .into_iter()
                .find(|s| id_of(s) == p1)
                .ok_or_else(|| not_found("mobileAppIntentAndState", &p1))?;
            entity(call, org, &state)
        }
        ("GET", "/users/{id}/managedDevices") => {
            let user = org.user(&p0).map(|u| id_of(u).to_owned()).ok_or_else(|| not_found("user", &p0))?;
            let devices = org.listed_devices(&user).into_iter().map(|d| beta_device(org, d)).collect();
            collection(call, org, devices)
        }
        ("GET", "/users/{id}/managedDevices/{id_1}") => {
            let user = org.user(&p0).map(|u| id_of(u).to_owned()).ok_or_else(|| not_found("user", &p0))?;
            let device = org
                .listed_devices(&user)
                .into_iter()
                .find(|d| id_of(d).eq_ignore_ascii_case(&p1))
                .ok_or_else(|| not_found("managedDevice", &p1))?;
            entity(call, org, &beta_device(org, device))
        }
        ("GET", "/deviceManagement/managedDevices/{id}") => {
            let device = org.managed_device(&p0).ok_or_else(|| not_found("managedDevice", &p0))?;
            entity(call, org, &beta_device(org, device))
        }
        ("GET", "/users/{id}/managedAppRegistrations") => {
            let user = org.user(&p0).map(|u| id_of(u).to_owned()).ok_or_else(|| not_found("user", &p0))?;
            let registrations = org.registrations_of(&user).into_iter().map(|r| beta_registration(org, r)).collect();
            collection(call, org, registrations)
        }
        ("POST", "/deviceManagement/managedDevices/{id}/setDeviceName") => {
            super::writes::device_action(call, org, None, &p0, "setDeviceName")
        }
        ("POST", "/users/{id}/managedDevices/{id_1}/setDeviceName") => {
            super::writes::device_action(call, org, Some(&p0), &p1, "setDeviceName")
        }
        _ => Err(not_served(call)),
    }
}

/// A managed device as beta shows it: with its `deviceType` (`androidForWork` for a work profile).
fn beta_device(org: &Org, device: &Value) -> Value {
    let mut device = device.clone();
    if let Some(kind) = org.facts.beta_device_types.get(id_of(&device)) {
        device["deviceType"] = Value::from(kind.as_str());
    }
    device
}

/// A registration as beta shows it: with `managedDeviceId` and `azureADDeviceId` when its
/// device is enrolled (v1.0 has no link).
fn beta_registration(org: &Org, registration: &Value) -> Value {
    let mut registration = registration.clone();
    let tag = registration.get("deviceTag").and_then(Value::as_str).unwrap_or("").to_owned();
    if let Some(device) = org.facts.registration_devices.get(&tag).and_then(|id| org.managed_device(id)) {
        registration["managedDeviceId"] = Value::from(id_of(device));
        registration["azureADDeviceId"] = device.get("azureADDeviceId").cloned().unwrap_or(Value::Null);
    }
    registration
}

fn not_found(what: &str, id: &str) -> GraphError {
    GraphError::not_found(format!("{{\"_version\": 3, \"Message\": \"Resource not found: {what} '{id}'\"}}"))
}

/// One entry per managed device whose primary user is `user`: the apps that concern it, with
/// their intent and install state.
fn intent_and_states(org: &Org, user: &str) -> Vec<Value> {
    org.managed
        .iter()
        .filter(|d| Org::primary_user(d).as_deref() == Some(user))
        .map(|device| {
            let device_id = id_of(device);
            let list: Vec<Value> = org
                .apps_for(device)
                .into_iter()
                .map(|(app, intent)| {
                    let version = ["versionNumber", "versionName", "version", "displayVersion"]
                        .iter()
                        .find_map(|k| app.get(*k).and_then(Value::as_str))
                        .unwrap_or("");
                    json!({
                        "applicationId": id_of(app),
                        "displayName": app.get("displayName").cloned().unwrap_or(Value::Null),
                        "displayVersion": version,
                        "mobileAppIntent": intent,
                        "installState": org.install_state(device_id, id_of(app)).state,
                        "supportedDeviceTypes": supported_device_types(app),
                    })
                })
                .collect();
            json!({"id": device_id, "managedDeviceIdentifier": device_id, "userId": user, "mobileAppList": list})
        })
        .collect()
}

fn supported_device_types(app: &Value) -> Vec<Value> {
    let types: Vec<&str> = match app_platform(app) {
        Some(Platform::Ios) => {
            let kinds = app.get("applicableDeviceType");
            let ipad = kinds.and_then(|k| k.get("iPad")).and_then(Value::as_bool).unwrap_or(true);
            let iphone = kinds.and_then(|k| k.get("iPhoneAndIPod")).and_then(Value::as_bool).unwrap_or(true);
            [(iphone, "iPhone"), (ipad, "iPad")].iter().filter(|(on, _)| *on).map(|(_, t)| *t).collect()
        }
        Some(Platform::Android) => vec!["android"],
        Some(Platform::Windows) => vec!["desktop"],
        Some(Platform::MacOs) => vec!["mac"],
        _ => Vec::new(),
    };
    types.into_iter().map(|t| json!({"type": t})).collect()
}
