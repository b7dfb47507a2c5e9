//! What Intune works out for one app on one device (beta `mobileAppIntent`), from the app's
//! assignments and the groups of the device's primary user and of its Entra device, following
//! `../shared/DOMAIN.md`'s conflict table. The portal computes this itself with `portal-core`;
//! the fake needs it to know which installs a group change starts, and to fill in the beta
//! `mobileAppIntentAndStates`.

use std::collections::HashSet;

use serde_json::Value;

/// What a device is, for app applicability.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    Ios,
    Android,
    Windows,
    MacOs,
    /// Web links: every platform, nothing installed.
    Web,
}

/// The platform an app's `@odata.type` installs on (`None`: a type the fake does not place).
pub fn app_platform(app: &Value) -> Option<Platform> {
    let odata_type = app.get("@odata.type")?.as_str()?.strip_prefix("#microsoft.graph.")?;
    Some(match odata_type {
        "iosStoreApp" | "iosVppApp" | "iosLobApp" | "managedIOSStoreApp" | "managedIOSLobApp" | "iosiPadOSWebClip" => {
            Platform::Ios
        }
        "androidStoreApp" | "androidLobApp" | "managedAndroidStoreApp" | "managedAndroidLobApp" => Platform::Android,
        "win32LobApp"
        | "windowsMicrosoftEdgeApp"
        | "windowsUniversalAppX"
        | "windowsAppX"
        | "windowsMobileMSI"
        | "microsoftStoreForBusinessApp"
        | "windowsWebApp" => Platform::Windows,
        "macOSLobApp"
        | "macOSDmgApp"
        | "macOSMicrosoftEdgeApp"
        | "macOSMicrosoftDefenderApp"
        | "macOSOfficeSuiteApp" => Platform::MacOs,
        "webApp" => Platform::Web,
        _ => return None,
    })
}

pub fn device_platform(device: &Value) -> Option<Platform> {
    match device.get("operatingSystem")?.as_str()?.to_lowercase().as_str() {
        "ios" | "ipados" => Some(Platform::Ios),
        "android" => Some(Platform::Android),
        "windows" => Some(Platform::Windows),
        "macos" => Some(Platform::MacOs),
        _ => None,
    }
}

#[derive(Default)]
struct Reach {
    user: HashSet<String>,
    device: HashSet<String>,
}

/// The resolved intent (`mobileAppIntent` member) for an app, the user's groups and (for an
/// enrolled context) the device's groups. `None` means `notAvailable`.
pub fn resolve(app: &Value, user_groups: &HashSet<String>, device_groups: Option<&HashSet<String>>) -> &'static str {
    let assignments = app.get("assignments").and_then(Value::as_array).cloned().unwrap_or_default();
    // intent → where its include assignments reach, and whom its exclusions take out.
    let mut included: std::collections::HashMap<String, Reach> = Default::default();
    let mut excluded: std::collections::HashMap<String, Reach> = Default::default();
    for assignment in &assignments {
        let Some(intent) = assignment.get("intent").and_then(Value::as_str) else { continue };
        let target = assignment.get("target").cloned().unwrap_or(Value::Null);
        let target_type = target.get("@odata.type").and_then(Value::as_str).unwrap_or("");
        let group = target.get("groupId").and_then(Value::as_str).unwrap_or("").to_owned();
        let (map, side_user, side_device) = match target_type {
            "#microsoft.graph.allLicensedUsersAssignmentTarget" => (&mut included, Some("*".to_owned()), None),
            "#microsoft.graph.allDevicesAssignmentTarget" => (&mut included, None, Some("*".to_owned())),
            "#microsoft.graph.exclusionGroupAssignmentTarget" => (&mut excluded, Some(group.clone()), Some(group)),
            "#microsoft.graph.groupAssignmentTarget" => (&mut included, Some(group.clone()), Some(group)),
            _ => continue,
        };
        let reach = map.entry(intent.to_owned()).or_default();
        if let Some(g) = side_user {
            reach.user.insert(g);
        }
        if let Some(g) = side_device {
            reach.device.insert(g);
        }
    }
    let empty = HashSet::new();
    let devices = device_groups.unwrap_or(&empty);
    let in_user = |g: &String| g == "*" || user_groups.contains(g);
    let in_device = |g: &String| device_groups.is_some() && (g == "*" || devices.contains(g));
    let excluded_from = |intent: &str| {
        excluded.get(intent).is_some_and(|r| {
            r.user.iter().any(|g| user_groups.contains(g)) || r.device.iter().any(|g| devices.contains(g))
        })
    };
    // Whether an assignment reached the app but an exclusion took it away (`exclude`).
    let mut any_excluded = false;
    let mut hit = |intent: &str, device_side: bool| -> bool {
        let Some(reach) = included.get(intent) else { return false };
        let reached = if device_side { reach.device.iter().any(in_device) } else { reach.user.iter().any(in_user) };
        let excluded = reached && excluded_from(intent);
        any_excluded |= excluded;
        reached && !excluded
    };
    let user_required = hit("required", false);
    let device_required = hit("required", true);
    let user_available = hit("available", false);
    let user_awe = hit("availableWithoutEnrollment", false);
    let user_uninstall = hit("uninstall", false);
    let device_uninstall = hit("uninstall", true);
    let enrolled = device_groups.is_some();
    if !enrolled {
        // Unenrolled: Required and Uninstall do not apply.
        return if user_awe {
            "availableInstallWithoutEnrollment"
        } else if user_available {
            "available"
        } else if any_excluded {
            "exclude"
        } else {
            "notAvailable"
        };
    }
    if user_required || device_required {
        if user_available || (user_awe && device_required && !user_required) {
            return "requiredAndAvailableInstall";
        }
        return "requiredInstall";
    }
    if user_uninstall {
        return "requiredUninstall";
    }
    if device_uninstall {
        return if user_available { "available" } else { "requiredUninstall" };
    }
    if user_available {
        return "available";
    }
    if user_awe {
        return "availableInstallWithoutEnrollment";
    }
    if any_excluded {
        "exclude"
    } else {
        "notAvailable"
    }
}
