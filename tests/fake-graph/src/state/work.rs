//! What the devices do later: a remote action reaches its device, an install or uninstall
//! finishes, an app checks in and drops its company data. Each waits for its delay (the
//! `device_delay` option), for the device's next sync (installs), or for the control API's
//! `advance`, then succeeds — or fails, when told to or when the app is one `fake.json` marks.

use serde_json::{json, Value};

use super::{id_of, Org};
use crate::time_util;

#[derive(Debug, Clone, PartialEq)]
pub enum Work {
    /// A device action (`syncDevice`, `remoteLock`, `resetPasscode`, `retire`, `wipe`, `setDeviceName`).
    Action {
        device: String,
        action: String,
        parameters: Value,
    },
    Install {
        device: String,
        app: String,
    },
    Uninstall {
        device: String,
        app: String,
    },
    /// One registration dropping its company data at its next check-in.
    SelectiveWipe {
        registration: String,
    },
}

impl Work {
    pub fn device(&self) -> Option<&str> {
        match self {
            Work::Action { device, .. } | Work::Install { device, .. } | Work::Uninstall { device, .. } => Some(device),
            Work::SelectiveWipe { .. } => None,
        }
    }

    pub fn app(&self) -> Option<&str> {
        match self {
            Work::Install { app, .. } | Work::Uninstall { app, .. } => Some(app),
            _ => None,
        }
    }

    /// `actions`, `installs` or `wipes`: what the control API's `advance` can pick.
    pub fn kind(&self) -> &'static str {
        match self {
            Work::Action { .. } => "actions",
            Work::Install { .. } | Work::Uninstall { .. } => "installs",
            Work::SelectiveWipe { .. } => "wipes",
        }
    }

    pub fn describe(&self) -> Value {
        match self {
            Work::Action { device, action, .. } => {
                json!({"kind": "action", "managedDeviceId": device, "action": action})
            }
            Work::Install { device, app } => json!({"kind": "install", "managedDeviceId": device, "appId": app}),
            Work::Uninstall { device, app } => json!({"kind": "uninstall", "managedDeviceId": device, "appId": app}),
            Work::SelectiveWipe { registration } => json!({"kind": "selectiveWipe", "registrationId": registration}),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Pending {
    pub id: u64,
    pub work: Work,
    /// When it happens by itself (`None`: only when advanced).
    pub due: Option<std::time::Instant>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Succeed,
    Fail,
}

impl Org {
    /// Records a device action as Graph shows it: a `deviceActionResults` entry, pending.
    pub fn request_action(
        &mut self,
        device_id: &str,
        action: &str,
        parameters: Value,
        delay: Option<std::time::Duration>,
    ) {
        let now = time_util::now();
        if let Some(device) = self.managed_device_mut(device_id) {
            let entry = json!({"actionName": action, "actionState": "pending", "startDateTime": now, "lastUpdatedDateTime": now});
            if let Some(results) = device.get_mut("deviceActionResults").and_then(Value::as_array_mut) {
                // Graph keeps one result per action: the latest request replaces the last one.
                results.retain(|r| r.get("actionName").and_then(Value::as_str) != Some(action));
                results.push(entry);
            } else if let Some(object) = device.as_object_mut() {
                object.insert("deviceActionResults".into(), json!([entry]));
            }
        }
        self.pending.retain(
            |p| !matches!(&p.work, Work::Action { device, action: a, .. } if device == device_id && a == action),
        );
        self.schedule(Work::Action { device: device_id.to_owned(), action: action.to_owned(), parameters }, delay);
    }

    /// The ids of the work that is due by now.
    pub fn due(&self, now: std::time::Instant) -> Vec<u64> {
        self.pending.iter().filter(|p| p.due.is_some_and(|d| d <= now)).map(|p| p.id).collect()
    }

    /// The ids of pending work matching the control API's filter.
    pub fn matching(&self, kind: Option<&str>, device: Option<&str>) -> Vec<u64> {
        self.pending
            .iter()
            .filter(|p| kind.is_none_or(|k| p.work.kind() == k))
            .filter(|p| device.is_none_or(|d| p.work.device() == Some(d)))
            .map(|p| p.id)
            .collect()
    }

    /// Carries out one piece of pending work; returns what was done.
    pub fn complete(&mut self, id: u64, outcome: Outcome) -> Option<Value> {
        let index = self.pending.iter().position(|p| p.id == id)?;
        let work = self.pending.remove(index).work;
        let done = work.describe();
        match work {
            Work::Action { device, action, parameters } => self.finish_action(&device, &action, &parameters, outcome),
            Work::Install { device, app } => {
                let fails = outcome == Outcome::Fail
                    || self.facts.failing_installs.iter().any(|a| a.eq_ignore_ascii_case(&app));
                if fails {
                    // 0x87D1041C: the app was not detected after the installation completed.
                    self.set_install(&device, &app, "failed", Some("0x87D1041C".into()));
                } else {
                    self.set_install(&device, &app, "installed", None);
                }
            }
            Work::Uninstall { device, app } => match outcome {
                Outcome::Succeed => self.set_install(&device, &app, "notInstalled", None),
                Outcome::Fail => self.set_install(&device, &app, "uninstallFailed", Some("0x87D1041C".into())),
            },
            Work::SelectiveWipe { registration } => {
                if outcome == Outcome::Succeed {
                    // The app checked in and signed the work account out: Intune drops the registration.
                    self.registrations.retain(|r| id_of(r) != registration);
                }
            }
        }
        Some(done)
    }

    fn finish_action(&mut self, device_id: &str, action: &str, parameters: &Value, outcome: Outcome) {
        let now = time_util::now();
        // A personally owned work profile (beta deviceType androidForWork): Intune cannot reset its passcode.
        let work_profile = self.facts.beta_device_types.get(device_id).is_some_and(|t| t == "androidForWork");
        let Some(device) = self.managed_device(device_id).cloned() else { return };
        let os = device.get("operatingSystem").and_then(Value::as_str).unwrap_or("").to_lowercase();
        let mut state = match outcome {
            Outcome::Succeed => "done",
            Outcome::Fail => "failed",
        };
        let mut result = json!({"actionName": action, "actionState": state, "lastUpdatedDateTime": now});
        if outcome == Outcome::Succeed {
            match action {
                "resetPasscode" if work_profile => state = "notSupported",
                "resetPasscode" if os == "android" || os == "windows" => {
                    result = json!({
                        "@odata.type": "#microsoft.graph.resetPasscodeActionResult",
                        "actionName": action, "actionState": "done", "lastUpdatedDateTime": now,
                        "passcode": temporary_passcode(), "errorCode": 0
                    });
                }
                _ => {}
            }
        }
        result["actionState"] = Value::from(state);
        let removes = outcome == Outcome::Succeed
            && (action == "retire"
                || (action == "wipe" && parameters.get("keepEnrollmentData") != Some(&Value::Bool(true))));
        if let Some(device) = self.managed_device_mut(device_id) {
            if let Some(results) = device.get_mut("deviceActionResults").and_then(Value::as_array_mut) {
                for entry in results.iter_mut().filter(|r| r.get("actionName").and_then(Value::as_str) == Some(action))
                {
                    let start = entry.get("startDateTime").cloned().unwrap_or(Value::from(now.clone()));
                    let mut updated = result.clone();
                    updated["startDateTime"] = start;
                    *entry = updated;
                }
            }
            if outcome == Outcome::Succeed {
                match action {
                    "syncDevice" => device["lastSyncDateTime"] = Value::from(now.clone()),
                    "setDeviceName" => {
                        if let Some(name) = parameters.get("deviceName").and_then(Value::as_str) {
                            device["deviceName"] = Value::from(name);
                        }
                    }
                    _ => {}
                }
            }
        }
        if outcome == Outcome::Succeed && action == "syncDevice" {
            // The device checked in: Required apps that failed are tried again, and what it
            // had to install or uninstall happens now.
            self.reevaluate(&[device_id.to_owned()], None);
            let now_ids: Vec<u64> = self
                .pending
                .iter()
                .filter(|p| matches!(&p.work, Work::Install { device, .. } | Work::Uninstall { device, .. } if device == device_id))
                .map(|p| p.id)
                .collect();
            for id in now_ids {
                self.complete(id, Outcome::Succeed);
            }
        }
        if removes {
            // Retired, or wiped without keeping enrollment: Intune no longer manages it.
            self.managed.retain(|d| id_of(d) != device_id);
            self.installs.retain(|(d, _), _| d != device_id);
            self.pending.retain(|p| p.work.device() != Some(device_id));
        }
    }

    /// A selective wipe: each registration of that user and tag drops its data at its next check-in.
    pub fn selective_wipe(&mut self, user_id: &str, tag: &str, delay: Option<std::time::Duration>) -> usize {
        let registrations: Vec<String> = self
            .registrations
            .iter()
            .filter(|r| {
                r.get("userId").and_then(Value::as_str) == Some(user_id)
                    && r.get("deviceTag").and_then(Value::as_str) == Some(tag)
            })
            .map(|r| id_of(r).to_owned())
            .collect();
        for registration in &registrations {
            let already =
                self.pending.iter().any(|p| p.work == Work::SelectiveWipe { registration: registration.clone() });
            if !already {
                self.schedule(Work::SelectiveWipe { registration: registration.clone() }, delay);
            }
        }
        registrations.len()
    }
}

/// Windows and Android show a temporary passcode like `417-293-058`.
fn temporary_passcode() -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    format!("{:03}-{:03}-{:03}", rng.gen_range(0..1000), rng.gen_range(0..1000), rng.gen_range(0..1000))
}
