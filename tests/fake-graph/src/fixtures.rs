//! The organisation the fake serves, read from `fixtures/*.json` (Graph's own JSON shapes:
//! a collection file is `{"value": [...]}` as Graph answers it) and checked against the
//! contract before anything is served: one bad value and the fake refuses to start, naming the
//! file, the JSON pointer and the schema's complaint.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;
use time::OffsetDateTime;

use crate::contract::Contract;
use crate::time_util;

/// The fixture files and the type of their entities. `beta-` files are checked by name against
/// `beta-names-subset.json`.
pub const FILES: &[(&str, &str)] = &[
    ("users.json", "user"),
    ("groups.json", "group"),
    ("devices.json", "device"),
    ("managedDevices.json", "managedDevice"),
    ("mobileApps.json", "mobileApp"),
    ("mobileAppCategories.json", "mobileAppCategory"),
    ("deviceCategories.json", "deviceCategory"),
    ("iosManagedAppProtections.json", "iosManagedAppProtection"),
    ("androidManagedAppProtections.json", "androidManagedAppProtection"),
    ("managedAppRegistrations.json", "managedAppRegistration"),
    ("deviceManagement.json", "deviceManagement"),
    ("beta-intuneBrandingProfiles.json", "intuneBrandingProfile"),
    ("beta-mobileAppIntentAndStates.json", "mobileAppIntentAndState"),
];

/// Facts a real tenant has that Graph's shapes cannot carry in a fixture (`fake.json`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FakeFacts {
    #[serde(rename = "_comment", default)]
    pub comment: Option<String>,
    /// The moment the fixtures' dates were written for: every date moves by the time since.
    pub dates_as_of: Option<String>,
    /// The tenant id the fixtures belong to.
    pub tenant_id: Option<String>,
    /// The trap: user id → managed devices `/users/{id}/managedDevices` also lists although
    /// they are not the user's (the filter-ignoring behaviour reported against Graph).
    #[serde(default)]
    pub extra_managed_devices: HashMap<String, Vec<String>>,
    /// Apps whose installs fail on every device.
    #[serde(default)]
    pub failing_installs: Vec<String>,
    /// `"{managedDeviceId}/{appId}"` → the hex error code of a failed install (the report's HexErrorCode).
    #[serde(default)]
    pub install_errors: HashMap<String, String>,
    /// Device tag → managed device id (beta registrations carry `managedDeviceId`; v1.0 has no link).
    #[serde(default)]
    pub registration_devices: HashMap<String, String>,
    /// Managed device id → its beta `deviceType` (`androidForWork`: a personally owned work
    /// profile, which neither version's `deviceEnrollmentType` can say).
    #[serde(default)]
    pub beta_device_types: HashMap<String, String>,
}

/// The fixture files, checked, dates moved to now.
#[derive(Debug, Clone)]
pub struct Fixtures {
    pub dir: PathBuf,
    /// File name → its entities (a single-entity file gives one).
    pub entities: HashMap<&'static str, Vec<Value>>,
    pub facts: FakeFacts,
}

#[derive(Debug)]
pub struct FixtureError(pub String);

impl std::fmt::Display for FixtureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FixtureError {}

/// The fixtures shipped beside this crate.
pub fn default_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

impl Fixtures {
    pub fn get(&self, file: &str) -> &[Value] {
        self.entities.get(file).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Reads and checks every fixture file of `dir`; the first file with findings stops it.
    pub fn load(dir: &Path, contract: &Contract, now: OffsetDateTime) -> Result<Fixtures, FixtureError> {
        let facts_path = dir.join("fake.json");
        let facts: FakeFacts = match std::fs::read_to_string(&facts_path) {
            Ok(text) => {
                serde_json::from_str(&text).map_err(|e| FixtureError(format!("{}: {e}", facts_path.display())))?
            }
            Err(_) => FakeFacts::default(),
        };
        let shift = match &facts.dates_as_of {
            Some(as_of) => {
                let as_of = time_util::parse(as_of).ok_or_else(|| {
                    FixtureError(format!("{}: datesAsOf {as_of:?} is not an RFC 3339 date", facts_path.display()))
                })?;
                let minutes = (now - as_of).whole_minutes();
                time::Duration::minutes(minutes)
            }
            None => time::Duration::ZERO,
        };
        let mut entities = HashMap::new();
        for (file, type_name) in FILES {
            let path = dir.join(file);
            let text = std::fs::read_to_string(&path)
                .map_err(|e| FixtureError(format!("{}: cannot read the fixture ({e})", path.display())))?;
            let document: Value =
                serde_json::from_str(&text).map_err(|e| FixtureError(format!("{}: not JSON: {e}", path.display())))?;
            let beta = file.starts_with("beta-");
            let items: Vec<Value> = match document.get("value") {
                Some(Value::Array(items)) => items.clone(),
                Some(_) => {
                    return Err(FixtureError(format!(
                        "{}: /value: a collection fixture's value must be an array",
                        path.display()
                    )))
                }
                None => vec![document.clone()],
            };
            let mut findings = Vec::new();
            for (index, item) in items.iter().enumerate() {
                let pointer = if document.get("value").is_some() { format!("/value/{index}") } else { String::new() };
                let mut found = Vec::new();
                if beta {
                    contract.beta.check_object(type_name, item, &pointer, &mut found);
                } else {
                    for f in contract.check_type(type_name, item) {
                        found.push(crate::contract::Finding::new(format!("{pointer}{}", f.pointer), f.message));
                    }
                }
                if item.get("id").and_then(Value::as_str).is_none_or(str::is_empty) {
                    found.push(crate::contract::Finding::new(format!("{pointer}/id"), "every entity needs an id"));
                }
                findings.extend(found);
            }
            if !findings.is_empty() {
                let lines: Vec<String> = findings.iter().map(|f| format!("{}: {f}", path.display())).collect();
                return Err(FixtureError(format!(
                    "the fixture does not match Microsoft's Graph schema ({} finding{}):\n{}",
                    findings.len(),
                    if findings.len() == 1 { "" } else { "s" },
                    lines.join("\n")
                )));
            }
            let items = items.into_iter().map(|item| time_util::shift_dates(item, shift)).collect();
            entities.insert(*file, items);
        }
        Ok(Fixtures { dir: dir.to_owned(), entities, facts })
    }
}
