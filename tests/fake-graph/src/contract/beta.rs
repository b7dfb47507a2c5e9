//! Beta calls, checked by name: `beta-names-subset.json` has the property, navigation
//! property and enum-member names of the beta pieces, but neither types nor base types. What
//! it lacks is written here by hand, each with where it comes from:
//! - which property holds which complex type or enum (from the beta resource pages on
//!   learn.microsoft.com: intune-branding-intunebrandingprofile, intune-apps-mobileappintentandstate,
//!   intune-apps-mobileappintentandstatedetail, intune-apps-mobileappsupporteddevicetype,
//!   intune-shared-companyportalblockedaction);
//! - base types (every entity has `id`; the assignment targets derive from
//!   `deviceAndAppManagementAssignmentTarget`);
//! - the members of `deviceType` (intune-apps-mobileappsupporteddevicetype: the file lacks them);
//! - `setDeviceName`'s one parameter, `deviceName` (intune-devices-manageddevice-setdevicename).

use std::collections::HashSet;

use serde_json::Value;

use super::{Finding, LoadError};

/// `(type, property)` → what the property holds.
const SHAPES: &[(&str, &str, Shape)] = &[
    ("intuneBrandingProfile", "companyPortalBlockedActions", Shape::Complex("companyPortalBlockedAction")),
    ("intuneBrandingProfile", "enrollmentAvailability", Shape::Enum("enrollmentAvailabilityOptions")),
    ("intuneBrandingProfile", "themeColor", Shape::Complex("rgbColor")),
    ("intuneBrandingProfile", "lightBackgroundLogo", Shape::Complex("mimeContent")),
    ("intuneBrandingProfile", "themeColorLogo", Shape::Complex("mimeContent")),
    ("intuneBrandingProfile", "landingPageCustomizedImage", Shape::Complex("mimeContent")),
    ("intuneBrandingProfile", "assignments", Shape::Entity("intuneBrandingProfileAssignment")),
    ("intuneBrandingProfileAssignment", "target", Shape::Complex("deviceAndAppManagementAssignmentTarget")),
    (
        "deviceAndAppManagementAssignmentTarget",
        "deviceAndAppManagementAssignmentFilterType",
        Shape::Enum("deviceAndAppManagementAssignmentFilterType"),
    ),
    ("companyPortalBlockedAction", "action", Shape::Enum("companyPortalAction")),
    ("companyPortalBlockedAction", "ownerType", Shape::Enum("ownerType")),
    ("companyPortalBlockedAction", "platform", Shape::Enum("devicePlatformType")),
    ("mobileAppIntentAndState", "mobileAppList", Shape::Complex("mobileAppIntentAndStateDetail")),
    ("mobileAppIntentAndStateDetail", "installState", Shape::Enum("resultantAppState")),
    ("mobileAppIntentAndStateDetail", "mobileAppIntent", Shape::Enum("mobileAppIntent")),
    ("mobileAppIntentAndStateDetail", "supportedDeviceTypes", Shape::Complex("mobileAppSupportedDeviceType")),
    ("mobileAppSupportedDeviceType", "type", Shape::Enum("deviceType")),
    ("managedDevice", "deviceEnrollmentType", Shape::Enum("deviceEnrollmentType")),
    ("managedDevice", "deviceType", Shape::Enum("deviceType")),
    ("managedDevice", "complianceState", Shape::Enum("complianceState")),
    ("managedDevice", "managedDeviceOwnerType", Shape::Enum("managedDeviceOwnerType")),
    ("managedDevice", "deviceActionResults", Shape::Complex("deviceActionResult")),
    ("managedDevice", "users", Shape::Entity("user")),
    ("deviceActionResult", "actionState", Shape::Enum("actionState")),
    ("managedAppRegistration", "flaggedReasons", Shape::Enum("managedAppFlaggedReason")),
];

/// Types the file lacks, with their own properties (their bases give the rest):
/// intune-devices-resetpasscodeactionresult, intune-mam-iosmanagedappregistration,
/// intune-mam-androidmanagedappregistration (beta).
const HAND_TYPES: &[(&str, &[&str])] = &[
    ("resetPasscodeActionResult", &["passcode", "errorCode"]),
    ("iosManagedAppRegistration", &[]),
    ("androidManagedAppRegistration", &[]),
];

/// Derived type → its base (the file has no base types).
const BASES: &[(&str, &str)] = &[
    ("groupAssignmentTarget", "deviceAndAppManagementAssignmentTarget"),
    ("exclusionGroupAssignmentTarget", "groupAssignmentTarget"),
    ("allLicensedUsersAssignmentTarget", "deviceAndAppManagementAssignmentTarget"),
    ("allDevicesAssignmentTarget", "deviceAndAppManagementAssignmentTarget"),
    ("resetPasscodeActionResult", "deviceActionResult"),
    ("iosManagedAppRegistration", "managedAppRegistration"),
    ("androidManagedAppRegistration", "managedAppRegistration"),
];

/// `deviceType` members (intune-apps-mobileappsupporteddevicetype, beta).
const DEVICE_TYPES: &[&str] = &[
    "desktop",
    "windowsRT",
    "winMO6",
    "nokia",
    "windowsPhone",
    "mac",
    "winCE",
    "winEmbedded",
    "iPhone",
    "iPad",
    "iPod",
    "android",
    "iSocConsumer",
    "unix",
    "macMDM",
    "holoLens",
    "surfaceHub",
    "androidForWork",
    "androidEnterprise",
    "windows10x",
    "androidnGMS",
    "chromeOS",
    "linux",
    "blackberry",
    "palm",
    "unknown",
    "cloudPC",
];

#[derive(Clone, Copy)]
enum Shape {
    Complex(&'static str),
    Entity(&'static str),
    Enum(&'static str),
}

pub struct BetaNames {
    file: Value,
}

impl BetaNames {
    pub fn new(file: Value) -> Result<BetaNames, LoadError> {
        for section in ["entityTypes", "complexTypes", "enumTypes"] {
            if !file.get(section).is_some_and(Value::is_object) {
                return Err(LoadError(format!("beta-names-subset.json has no {section}")));
            }
        }
        Ok(BetaNames { file })
    }

    fn declared(&self, type_name: &str) -> Option<&Value> {
        self.file
            .pointer(&format!("/entityTypes/{type_name}"))
            .or_else(|| self.file.pointer(&format!("/complexTypes/{type_name}")))
    }

    fn is_entity(&self, type_name: &str) -> bool {
        let mut next = Some(type_name);
        while let Some(t) = next {
            if self.file.pointer(&format!("/entityTypes/{t}")).is_some() {
                return true;
            }
            next = BASES.iter().find(|(d, _)| *d == t).map(|(_, b)| *b);
        }
        false
    }

    /// Whether the type exists in beta (the file or, for what it lacks, [`HAND_TYPES`]).
    fn exists(&self, type_name: &str) -> bool {
        self.declared(type_name).is_some() || HAND_TYPES.iter().any(|(t, _)| *t == type_name)
    }

    fn list(&self, type_name: &str, key: &str) -> Vec<String> {
        let mut names = Vec::new();
        let mut next = Some(type_name);
        while let Some(t) = next {
            if let Some(items) = self.declared(t).and_then(|d| d.get(key)).and_then(Value::as_array) {
                names.extend(items.iter().filter_map(Value::as_str).map(str::to_owned));
            }
            if key == "properties" {
                if let Some((_, own)) = HAND_TYPES.iter().find(|(h, _)| *h == t) {
                    names.extend(own.iter().map(|p| (*p).to_owned()));
                }
            }
            next = BASES.iter().find(|(d, _)| *d == t).map(|(_, b)| *b);
        }
        names
    }

    /// Properties (with navigation properties and `id` for entities) of a beta type and its bases.
    pub fn names_of(&self, type_name: &str) -> Vec<String> {
        let mut names = self.list(type_name, "properties");
        names.extend(self.list(type_name, "navigationProperties"));
        if self.is_entity(type_name) {
            names.push("id".into());
        }
        names
    }

    pub fn navigation_of(&self, type_name: &str) -> Vec<String> {
        self.list(type_name, "navigationProperties")
    }

    fn enum_members(&self, enum_name: &str) -> Option<HashSet<String>> {
        if enum_name == "deviceType" {
            return Some(DEVICE_TYPES.iter().map(|s| (*s).to_owned()).collect());
        }
        let members = self.file.pointer(&format!("/enumTypes/{enum_name}"))?.as_array()?;
        Some(members.iter().filter_map(Value::as_str).map(str::to_owned).collect())
    }

    fn is_derived(&self, derived: &str, base: &str) -> bool {
        let mut next = Some(derived);
        while let Some(t) = next {
            if t == base {
                return true;
            }
            next = BASES.iter().find(|(d, _)| *d == t).map(|(_, b)| *b);
        }
        false
    }

    /// Checks a beta response: `{"collection": T}` or `{"entity": T}`.
    pub fn check_response(&self, schema: &Value, body: &Value) -> Vec<Finding> {
        let mut out = Vec::new();
        if let Some(t) = schema.get("collection").and_then(Value::as_str) {
            let Some(object) = body.as_object() else {
                return vec![Finding::new("", "a collection response must be an object")];
            };
            for key in object.keys() {
                if key != "value" && !key.starts_with("@odata.") {
                    out.push(Finding::new(
                        format!("/{key}"),
                        format!("property {key:?} is not part of a collection response"),
                    ));
                }
            }
            match object.get("value") {
                Some(Value::Array(items)) => {
                    for (i, item) in items.iter().enumerate() {
                        self.check_object(t, item, &format!("/value/{i}"), &mut out);
                    }
                }
                _ => out.push(Finding::new("/value", "a collection response needs a value array")),
            }
        } else if let Some(t) = schema.get("entity").and_then(Value::as_str) {
            self.check_object(t, body, "", &mut out);
        }
        out
    }

    /// Checks an object of a beta type by name: every property must exist on it (or its bases),
    /// enum values must be members, `@odata.type` must name the type or a derived one.
    pub fn check_object(&self, declared: &str, value: &Value, pointer: &str, out: &mut Vec<Finding>) {
        let Some(object) = value.as_object() else {
            out.push(Finding::new(pointer, format!("a {declared} must be an object")));
            return;
        };
        let mut effective = declared.to_owned();
        if let Some(odata_type) = object.get("@odata.type") {
            match odata_type.as_str().and_then(|t| t.strip_prefix("#microsoft.graph.")) {
                Some(named) if self.exists(named) && self.is_derived(named, declared) => effective = named.to_owned(),
                _ => out.push(Finding::new(
                    format!("{pointer}/@odata.type"),
                    format!("{odata_type} is not #microsoft.graph.{declared} or a beta type derived from it"),
                )),
            }
        }
        let names = self.names_of(&effective);
        for (key, item) in object {
            if key.starts_with("@odata.")
                || key.split_once('@').is_some_and(|(p, a)| a.starts_with("odata.") && names.contains(&p.to_owned()))
            {
                continue;
            }
            let here = format!("{pointer}/{key}");
            if !names.contains(key) {
                out.push(Finding::new(here, format!("property {key:?} does not exist on beta {effective}")));
                continue;
            }
            let shape = SHAPES
                .iter()
                .find(|(t, p, _)| (*t == effective || self.is_derived(&effective, t)) && p == key)
                .map(|(_, _, s)| *s);
            match (shape, item) {
                (_, Value::Null) | (None, _) => {}
                (Some(Shape::Enum(e)), Value::String(member)) => self.check_enum(e, member, &here, out),
                (Some(Shape::Enum(e)), Value::Array(members)) => {
                    for (i, m) in members.iter().enumerate() {
                        match m.as_str() {
                            Some(member) => self.check_enum(e, member, &format!("{here}/{i}"), out),
                            None => {
                                out.push(Finding::new(format!("{here}/{i}"), format!("a {e} member must be a string")))
                            }
                        }
                    }
                }
                (Some(Shape::Enum(e)), other) => out.push(Finding::new(here, format!("{other} is not a {e} member"))),
                (Some(Shape::Complex(t) | Shape::Entity(t)), Value::Array(items)) => {
                    for (i, it) in items.iter().enumerate() {
                        self.check_object(t, it, &format!("{here}/{i}"), out);
                    }
                }
                (Some(Shape::Complex(t) | Shape::Entity(t)), other) => self.check_object(t, other, &here, out),
            }
        }
    }

    fn check_enum(&self, enum_name: &str, member: &str, pointer: &str, out: &mut Vec<Finding>) {
        match self.enum_members(enum_name) {
            Some(members) if members.contains(member) => {}
            Some(members) => {
                let mut list: Vec<_> = members.into_iter().collect();
                list.sort();
                out.push(Finding::new(
                    pointer,
                    format!("{member:?} is not a member of beta {enum_name} ({})", list.join(", ")),
                ));
            }
            None => out.push(Finding::new(pointer, format!("beta enum {enum_name} is unknown"))),
        }
    }

    /// Checks a beta action's body: `{"action": name, "parameters": {name: "string"|…}}`.
    pub fn check_body(&self, schema: &Value, body: &Value) -> Vec<Finding> {
        let action = schema.get("action").and_then(Value::as_str).unwrap_or("the action");
        let Some(parameters) = schema.get("parameters").and_then(Value::as_object) else { return Vec::new() };
        let Some(object) = body.as_object() else {
            return vec![Finding::new("", format!("{action}'s body must be a JSON object"))];
        };
        let mut out = Vec::new();
        for (key, value) in object {
            match parameters.get(key).and_then(Value::as_str) {
                Some("string") if value.is_string() => {}
                Some(kind) => out.push(Finding::new(format!("/{key}"), format!("{value} is not a {kind}"))),
                None => out.push(Finding::new(format!("/{key}"), format!("{action} has no parameter {key:?}"))),
            }
        }
        for key in parameters.keys() {
            if !object.contains_key(key) {
                out.push(Finding::new("", format!("{action} needs its parameter {key:?}")));
            }
        }
        out
    }
}
