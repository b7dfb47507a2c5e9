//! From Microsoft Graph's objects to `portal-core`'s domain types. Pure functions: whatever
//! Graph sends, an item either maps or is left out with the reason (the caller counts and
//! logs those), and nothing here panics.

use super::model::{self, odata_type};
use crate::tenant::{CatalogApp, InstallRecord};
use portal_core::branding::{text_on, Branding, HexColor, SupportContact};
use portal_core::domain::{
    ActionState, App, AppProtectionPolicy, AppSource, Assignment, AssignmentTarget, BlockedAction,
    ClipboardSharingLevel, ComplianceState, DataTransferLevel, DeviceActionResult, DeviceEnrollmentType, DeviceRename,
    EnrollmentAvailability, FlaggedReason, InstallIntent, ManagedAppRegistration, ManagedDevice, OrganisationSettings,
    OwnerType, Platform, PolicyRef, RemoteAction, ResultantAppState, SelectiveWipeState,
};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::HashMap;

/// Graph sends this for "no date" (e.g. a grace period that is not running).
const NO_DATE_PREFIXES: [&str; 2] = ["0001-01-01", "9999-12-31"];

/// An RFC 3339 date from Graph in the portal's form (UTC, whole seconds); `None` for Graph's
/// "no date" values and anything unreadable.
pub fn date(value: Option<&str>) -> Option<String> {
    let value = value?.trim();
    if NO_DATE_PREFIXES.iter().any(|p| value.starts_with(p)) {
        return None;
    }
    crate::dates::normalise(value)
}

/// A Graph enum value through the portal's own enum (the same spellings), if it knows it.
fn graph_enum<T: DeserializeOwned>(value: Option<&str>) -> Option<T> {
    serde_json::from_value(Value::String(value?.to_string())).ok()
}

/// Decodes a list of Graph objects item by item: the readable ones, and how many were not.
pub fn items<T: DeserializeOwned>(values: Vec<Value>) -> (Vec<T>, usize) {
    let mut skipped = 0;
    let items = values
        .into_iter()
        .filter_map(|v| match serde_json::from_value(v) {
            Ok(item) => Some(item),
            Err(_) => {
                skipped += 1;
                None
            }
        })
        .collect();
    (items, skipped)
}

/// A link the page may show: http(s) only (Graph's text is the organisation's, but a
/// `javascript:` URL must never become a link).
pub fn safe_url(value: Option<&str>) -> Option<String> {
    let value = value?.trim();
    let url = url::Url::parse(value).ok()?;
    matches!(url.scheme(), "https" | "http").then(|| value.to_string())
}

fn text(value: Option<&str>) -> String {
    value.unwrap_or_default().trim().to_string()
}

/// A managed device's platform from `operatingSystem` (and the model, which tells an iPad
/// reported as iOS); `None` for platforms the portal does not show (Linux, ChromeOS, …).
pub fn platform_of_device(operating_system: Option<&str>, model: Option<&str>) -> Option<Platform> {
    let os = operating_system?.trim().to_ascii_lowercase();
    let ipad = model.is_some_and(|m| m.trim().to_ascii_lowercase().starts_with("ipad"));
    Some(match os.as_str() {
        "ipados" => Platform::Ipados,
        "ios" if ipad => Platform::Ipados,
        "ios" => Platform::Ios,
        "macos" | "mac os x" | "os x" | "mac" => Platform::Macos,
        _ if os.starts_with("android") => Platform::Android,
        _ if os.starts_with("windows") => Platform::Windows,
        _ => return None,
    })
}

/// Graph's `actionName` as the portal's action; `None` for actions the portal does not offer.
fn remote_action(name: Option<&str>) -> Option<RemoteAction> {
    Some(match name?.trim().to_ascii_lowercase().as_str() {
        "syncdevice" | "sync" => RemoteAction::Sync,
        "remotelock" | "lock" => RemoteAction::RemoteLock,
        "resetpasscode" => RemoteAction::ResetPasscode,
        "retire" | "remove" => RemoteAction::Retire,
        "wipe" | "factoryreset" => RemoteAction::Wipe,
        "setdevicename" | "rename" => RemoteAction::Rename,
        _ => return None,
    })
}

/// How long a temporary passcode is shown after it was set; Graph keeps it, the portal
/// passes it on only for this long (and never stores it).
pub const PASSCODE_SHOWN_FOR: time::Duration = time::Duration::minutes(5);

fn action_result(value: &Value) -> Option<DeviceActionResult> {
    let raw: model::DeviceActionResult = serde_json::from_value(value.clone()).ok()?;
    let start = date(raw.start_date_time.as_deref())?;
    let updated = date(raw.last_updated_date_time.as_deref()).unwrap_or_else(|| start.clone());
    let recent = time::OffsetDateTime::parse(&updated, &time::format_description::well_known::Rfc3339)
        .is_ok_and(|at| time::OffsetDateTime::now_utc() - at <= PASSCODE_SHOWN_FOR);
    Some(DeviceActionResult {
        action_name: remote_action(raw.action_name.as_deref())?,
        action_state: graph_enum(raw.action_state.as_deref()).unwrap_or(ActionState::None),
        last_updated_date_time: updated,
        start_date_time: start,
        passcode: raw.passcode.filter(|p| !p.trim().is_empty() && recent),
        pending_note: None,
    })
}

/// A managed device as the portal shows it. `primary_user` is who the device's `users`
/// navigation names (Graph's `userId` has been reported to be the enrolling user); the
/// caller has already checked `userId`. `None` when the platform is not one the portal shows.
pub fn managed_device(raw: &model::ManagedDevice, primary_user: Option<String>) -> Option<ManagedDevice> {
    let operating_system = platform_of_device(raw.operating_system.as_deref(), raw.model.as_deref())?;
    let compliance_state: ComplianceState =
        graph_enum(raw.compliance_state.as_deref()).unwrap_or(ComplianceState::Unknown);
    let grace = (compliance_state == ComplianceState::InGracePeriod)
        .then(|| date(raw.compliance_grace_period_expiration_date_time.as_deref()))
        .flatten();
    let jail_broken = match raw.jail_broken.as_deref().map(|s| s.trim().to_ascii_lowercase()) {
        Some(s) if s == "true" => Some(true),
        Some(s) if s == "false" => Some(false),
        _ => None,
    };
    let enrolled = date(raw.enrolled_date_time.as_deref()).unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string());
    let mut results: Vec<DeviceActionResult> = raw.device_action_results.iter().filter_map(action_result).collect();
    results.sort_by(|a, b| a.start_date_time.cmp(&b.start_date_time));
    Some(ManagedDevice {
        id: raw.id.clone(),
        device_name: raw.device_name.clone().filter(|n| !n.trim().is_empty()).unwrap_or_else(|| raw.id.clone()),
        operating_system,
        os_version: text(raw.os_version.as_deref()),
        model: text(raw.model.as_deref()),
        manufacturer: text(raw.manufacturer.as_deref()),
        serial_number: raw.serial_number.clone().filter(|s| !s.trim().is_empty()),
        managed_device_owner_type: graph_enum(raw.managed_device_owner_type.as_deref()).unwrap_or(OwnerType::Unknown),
        device_enrollment_type: enrollment_type(raw),
        last_sync_date_time: date(raw.last_sync_date_time.as_deref()).unwrap_or_else(|| enrolled.clone()),
        enrolled_date_time: enrolled,
        compliance_state,
        compliance_grace_period_expiration_date_time: grace,
        // Graph's managed device does not list the failing settings (they are per compliance
        // policy state); the page still says the device is out of compliance.
        failing_settings: Vec::new(),
        is_encrypted: raw.is_encrypted.unwrap_or(false),
        jail_broken,
        user_id: primary_user,
        device_action_results: results,
        device_category_display_name: raw
            .device_category_display_name
            .clone()
            .filter(|c| !c.trim().is_empty() && !c.eq_ignore_ascii_case("unknown")),
    })
}

/// How the device was enrolled. Graph's `deviceEnrollmentType` names an Android Enterprise
/// work profile `userEnrollment` like any personal enrollment; beta's `deviceType`
/// (`androidForWork`) says it is one, which the action rules need (no passcode reset).
fn enrollment_type(raw: &model::ManagedDevice) -> DeviceEnrollmentType {
    let graph: DeviceEnrollmentType =
        graph_enum(raw.device_enrollment_type.as_deref()).unwrap_or(DeviceEnrollmentType::Unknown);
    let work_profile = raw.device_type.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("androidForWork"));
    match (graph, work_profile, raw.managed_device_owner_type.as_deref()) {
        (DeviceEnrollmentType::UserEnrollment | DeviceEnrollmentType::Unknown, true, Some("company")) => {
            DeviceEnrollmentType::AndroidEnterpriseCorporateWorkProfile
        }
        (DeviceEnrollmentType::UserEnrollment | DeviceEnrollmentType::Unknown, true, _) => {
            DeviceEnrollmentType::AndroidEnterprisePersonalWorkProfile
        }
        (other, _, _) => other,
    }
}

/// The bundle id or package id of a `mobileAppIdentifier` (iOS or Android).
pub fn app_identifier(value: &Value) -> Option<String> {
    value
        .get("bundleId")
        .or_else(|| value.get("packageId"))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// How a `mobileApp` subtype maps: its platforms and source, or why it is left out.
fn app_kind(odata_type: &str, ios_devices: Option<model::IosDeviceType>) -> Option<(Vec<Platform>, AppSource)> {
    let apple = || match ios_devices {
        Some(t) if t.ipad && !t.iphone_and_ipod => vec![Platform::Ipados],
        Some(t) if t.iphone_and_ipod && !t.ipad => vec![Platform::Ios],
        _ => vec![Platform::Ios, Platform::Ipados],
    };
    use AppSource::*;
    Some(match odata_type {
        "iosStoreApp" | "iosVppApp" | "managedIOSStoreApp" => (apple(), Store),
        "iosLobApp" | "managedIOSLobApp" => (apple(), LineOfBusiness),
        "iosiPadOSWebClip" => (vec![Platform::Ios, Platform::Ipados], WebLink),
        "androidStoreApp" | "managedAndroidStoreApp" | "androidManagedStoreApp" => (vec![Platform::Android], Store),
        "androidLobApp" | "managedAndroidLobApp" => (vec![Platform::Android], LineOfBusiness),
        // Not `microsoftStoreForBusinessApp`: Microsoft retired the Store for Business, its
        // apps no longer install.
        "winGetApp" | "windowsMicrosoftEdgeApp" | "officeSuiteApp" => (vec![Platform::Windows], Store),
        "win32LobApp" | "windowsAppX" | "windowsMobileMSI" | "windowsUniversalAppX" => {
            (vec![Platform::Windows], LineOfBusiness)
        }
        "windowsWebApp" => (vec![Platform::Windows], WebLink),
        "macOSMicrosoftEdgeApp" | "macOSMicrosoftDefenderApp" | "macOSOfficeSuiteApp" | "macOsVppApp" => {
            (vec![Platform::Macos], Store)
        }
        "macOSLobApp" | "macOSDmgApp" | "macOSPkgApp" => (vec![Platform::Macos], LineOfBusiness),
        "webApp" => (vec![Platform::Web], WebLink),
        _ => return None,
    })
}

/// The highest `vX_Y: true` of a `minimumSupportedOperatingSystem`, as "iOS 16.0".
fn minimum_os(value: Option<&Value>, platform: Platform) -> Option<String> {
    let flags = value?.as_object()?;
    let version = flags
        .iter()
        .filter(|(_, v)| v.as_bool() == Some(true))
        .filter_map(|(k, _)| {
            let parts: Vec<u32> = k.strip_prefix('v')?.split('_').map(|p| p.parse().ok()).collect::<Option<_>>()?;
            Some(parts)
        })
        .max()?;
    let dotted = version.iter().map(u32::to_string).collect::<Vec<_>>().join(".");
    let dotted = if version.len() == 1 { format!("{dotted}.0") } else { dotted };
    Some(format!("{} {dotted}", platform.display_name()))
}

/// Why an app of the catalog is not in the portal's catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeftOut {
    /// An `@odata.type` the portal does not know how to offer.
    UnsupportedType(String),
    /// Not published yet (`publishingState` is not `published`).
    NotPublished,
}

/// A catalog app with its assignments; the group target kinds are resolved later against
/// the person's and the device's groups (see [`assignments`]).
pub fn catalog_app(raw: &model::MobileApp) -> Result<CatalogApp, LeftOut> {
    let kind = raw.odata_type.as_deref().unwrap_or_default().trim_start_matches("#microsoft.graph.");
    let (platforms, source) =
        app_kind(kind, raw.applicable_device_type).ok_or_else(|| LeftOut::UnsupportedType(kind.to_string()))?;
    if raw.publishing_state.as_deref().is_some_and(|s| s != "published") {
        return Err(LeftOut::NotPublished);
    }
    let identifiers: Vec<String> = [raw.bundle_id.as_deref(), raw.package_id.as_deref()]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let version = [&raw.display_version, &raw.version_name, &raw.version_number, &raw.version]
        .into_iter()
        .find_map(|v| v.clone().filter(|v| !v.trim().is_empty()));
    let size_bytes = raw.size.as_ref().and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()));
    // A web link opens its address; a store app without its own page links to the store.
    let information_url = if source == AppSource::WebLink {
        safe_url(raw.app_url.as_deref()).or_else(|| safe_url(raw.information_url.as_deref()))
    } else {
        safe_url(raw.information_url.as_deref()).or_else(|| safe_url(raw.app_store_url.as_deref()))
    };
    let mut categories: Vec<String> =
        raw.categories.iter().filter_map(|c| c.display_name.clone()).filter(|c| !c.trim().is_empty()).collect();
    categories.dedup();
    let name = raw.display_name.clone().filter(|n| !n.trim().is_empty()).unwrap_or_else(|| raw.id.clone());
    Ok(CatalogApp {
        app: App {
            id: raw.id.clone(),
            publisher: raw
                .publisher
                .clone()
                .or_else(|| raw.developer.clone())
                .filter(|p| !p.trim().is_empty())
                .unwrap_or_default(),
            name,
            description: text(raw.description.as_deref()),
            version,
            size_bytes,
            minimum_os: platforms.first().and_then(|p| minimum_os(raw.minimum_supported_operating_system.as_ref(), *p)),
            platforms,
            categories,
            featured: raw.is_featured,
            source,
            // Served from the portal's own origin (see `icons`); filled in by the catalog.
            icon_url: None,
            information_url,
            privacy_url: safe_url(raw.privacy_information_url.as_deref()),
            published: date(raw.created_date_time.as_deref()).unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string()),
        },
        assignments: assignments(&raw.assignments),
        fails_install: false,
        // The organisation file's install groups decide (see `installs`).
        self_service: false,
        requestable: false,
        approvers: Vec::new(),
        app_identifiers: identifiers,
    })
}

/// An app's assignments in the rules' terms. Graph targets a *group* without saying whether
/// it holds users or devices, so a group target becomes a user-group target (it reaches the
/// person when they are a member) and, for Required and Uninstall — the intents Intune applies
/// to devices — also a device-group target (it reaches the device when it is a member).
/// Graph's exclusion targets are assignments of their own per intent; here they become the
/// `excluded_groups` of every assignment with that intent.
pub fn assignments(values: &[Value]) -> Vec<Assignment> {
    let mut included: Vec<(InstallIntent, AssignmentTarget)> = Vec::new();
    let mut excluded: HashMap<InstallIntent, Vec<String>> = HashMap::new();
    for value in values {
        let Ok(raw) = serde_json::from_value::<model::MobileAppAssignment>(value.clone()) else { continue };
        let Some(intent) = graph_enum::<InstallIntent>(raw.intent.as_deref()) else { continue };
        let group = raw.target.get("groupId").and_then(Value::as_str).map(str::to_string);
        match (odata_type(&raw.target), group) {
            (Some("allLicensedUsersAssignmentTarget"), _) => included.push((intent, AssignmentTarget::AllUsers)),
            (Some("allDevicesAssignmentTarget"), _) => included.push((intent, AssignmentTarget::AllDevices)),
            (Some("exclusionGroupAssignmentTarget"), Some(id)) => excluded.entry(intent).or_default().push(id),
            (Some("groupAssignmentTarget"), Some(id)) => {
                if matches!(intent, InstallIntent::Required | InstallIntent::Uninstall) {
                    included.push((intent, AssignmentTarget::DeviceGroup { id: id.clone() }));
                }
                included.push((intent, AssignmentTarget::UserGroup { id }));
            }
            // Configuration Manager collections and anything newer: not something the
            // portal can evaluate, so it reaches no one here.
            _ => {}
        }
    }
    included
        .into_iter()
        .map(|(intent, target)| Assignment {
            intent,
            target,
            excluded_groups: excluded.get(&intent).cloned().unwrap_or_default(),
        })
        .collect()
}

/// An ISO 8601 duration (`PT30M`, `P90D`, `P1DT12H`) in whole minutes.
pub fn duration_minutes(value: Option<&str>) -> Option<u32> {
    let value = value?.trim().strip_prefix('P')?;
    let (date_part, time_part) = value.split_once('T').unwrap_or((value, ""));
    let mut minutes: f64 = 0.0;
    let mut read = |part: &str, units: &[(char, f64)]| -> Option<()> {
        let mut number = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' {
                number.push(c);
            } else {
                let (_, factor) = units.iter().find(|(u, _)| *u == c)?;
                minutes += number.parse::<f64>().ok()? * factor;
                number.clear();
            }
        }
        number.is_empty().then_some(())
    };
    read(date_part, &[('Y', 525_600.0), ('M', 43_200.0), ('W', 10_080.0), ('D', 1_440.0)])?;
    read(time_part, &[('H', 60.0), ('M', 1.0), ('S', 1.0 / 60.0)])?;
    (minutes.is_finite() && minutes >= 0.0 && minutes <= u32::MAX as f64).then(|| minutes.round() as u32)
}

/// An app protection policy with the settings the portal explains.
pub fn protection_policy(raw: &model::ManagedAppProtection) -> AppProtectionPolicy {
    AppProtectionPolicy {
        id: raw.id.clone(),
        display_name: raw.display_name.clone().filter(|n| !n.trim().is_empty()).unwrap_or_else(|| raw.id.clone()),
        description: text(raw.description.as_deref()),
        save_as_blocked: raw.save_as_blocked,
        allowed_outbound_clipboard_sharing_level: graph_enum::<ClipboardSharingLevel>(
            raw.allowed_outbound_clipboard_sharing_level.as_deref(),
        )
        .unwrap_or_default(),
        allowed_outbound_data_transfer_destinations: graph_enum::<DataTransferLevel>(
            raw.allowed_outbound_data_transfer_destinations.as_deref(),
        )
        .unwrap_or_default(),
        pin_required: raw.pin_required,
        simple_pin_blocked: raw.simple_pin_blocked,
        minimum_pin_length: raw.minimum_pin_length.and_then(|n| u32::try_from(n).ok()).unwrap_or(0),
        device_compliance_required: raw.device_compliance_required,
        period_online_before_access_check_minutes: duration_minutes(raw.period_online_before_access_check.as_deref()),
        period_offline_before_wipe_minutes: duration_minutes(raw.period_offline_before_wipe_is_enforced.as_deref()),
        targeted_group_ids: raw
            .assignments
            .iter()
            .filter(|a| odata_type(&a.target) == Some("groupAssignmentTarget"))
            .filter_map(|a| a.target.get("groupId").and_then(Value::as_str).map(str::to_string))
            .collect(),
        protected_app_identifiers: raw.apps.iter().filter_map(|a| app_identifier(&a.mobile_app_identifier)).collect(),
    }
}

/// A managed app registration as the portal shows it. `device_tag` is what groups it with
/// its device in the portal: the managed device's id when it runs on one of the person's
/// enrolled devices, else Graph's own `deviceTag`. Only protection policies are named
/// (`appliedPolicies` also lists app configuration policies).
pub fn registration(
    raw: &model::ManagedAppRegistration,
    device_tag: String,
    protection_ids: &std::collections::HashSet<&str>,
) -> Option<ManagedAppRegistration> {
    let refs = |policies: &[model::PolicyRef]| -> Vec<PolicyRef> {
        policies
            .iter()
            .filter(|p| {
                protection_ids.contains(p.id.as_str())
                    || p.odata_type.as_deref().is_some_and(|t| t.ends_with("ManagedAppProtection"))
            })
            .map(|p| PolicyRef {
                id: p.id.clone(),
                display_name: p.display_name.clone().filter(|n| !n.is_empty()).unwrap_or_else(|| p.id.clone()),
            })
            .collect()
    };
    let created = date(raw.created_date_time.as_deref()).unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string());
    Some(ManagedAppRegistration {
        id: raw.id.clone(),
        app_identifier: app_identifier(&raw.app_identifier)?,
        application_version: text(raw.application_version.as_deref()),
        device_name: raw.device_name.clone().filter(|n| !n.trim().is_empty()).unwrap_or_else(|| device_tag.clone()),
        device_type: text(raw.device_type.as_deref()),
        device_tag,
        platform_version: text(raw.platform_version.as_deref()),
        last_sync_date_time: date(raw.last_sync_date_time.as_deref()).unwrap_or_else(|| created.clone()),
        created_date_time: created,
        management_sdk_version: text(raw.management_sdk_version.as_deref()),
        flagged_reasons: raw
            .flagged_reasons
            .iter()
            .filter_map(|r| graph_enum::<FlaggedReason>(Some(r)))
            .filter(|r| *r != FlaggedReason::None)
            .collect(),
        applied_policies: refs(&raw.applied_policies),
        intended_policies: refs(&raw.intended_policies),
        selective_wipe_state: SelectiveWipeState::None,
    })
}

/// The platform of a MAM-only device, from its registration's type and device type.
pub fn platform_of_registration(raw: &model::ManagedAppRegistration) -> Option<Platform> {
    let device_type = raw.device_type.as_deref().unwrap_or_default().to_ascii_lowercase();
    match raw.odata_type.as_deref().map(|t| t.trim_start_matches("#microsoft.graph.")) {
        Some("iosManagedAppRegistration") if device_type.contains("ipad") => Some(Platform::Ipados),
        Some("iosManagedAppRegistration") => Some(Platform::Ios),
        Some("androidManagedAppRegistration") => Some(Platform::Android),
        _ if device_type.contains("ipad") => Some(Platform::Ipados),
        _ if device_type.contains("iphone") => Some(Platform::Ios),
        _ if device_type.contains("android") => Some(Platform::Android),
        _ => None,
    }
}

/// The public branding from `intuneBrand` (or a branding profile's same fields).
pub fn branding(raw: &model::IntuneBrand, logo_url: Option<String>) -> Branding {
    // Intune's default theme colour when none is set.
    let color = raw.theme_color.unwrap_or(model::RgbColor { r: 0x00, g: 0x78, b: 0xd4 });
    let theme_color = HexColor { r: color.r, g: color.g, b: color.b };
    let name: String = raw.display_name.as_deref().unwrap_or("Company Portal").trim().chars().take(40).collect();
    let optional = |v: &Option<String>| v.clone().map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    Branding {
        organisation_name: if name.is_empty() { "Company Portal".to_string() } else { name },
        theme_color,
        theme_text_color: text_on(theme_color),
        show_name_in_header: raw.show_display_name_next_to_logo.or(raw.show_name_next_to_logo).unwrap_or(true),
        show_logo_in_header: raw.show_logo.unwrap_or(false) && logo_url.is_some(),
        logo_url,
        support: SupportContact {
            name: optional(&raw.contact_it_name),
            phone: optional(&raw.contact_it_phone_number),
            email: optional(&raw.contact_it_email_address),
            website_name: optional(&raw.online_support_site_name),
            website_url: safe_url(raw.online_support_site_url.as_deref()),
            additional_information: optional(&raw.contact_it_notes),
        },
        privacy_url: safe_url(raw.privacy_url.as_deref()),
    }
}

/// The settings a beta branding profile sets for the action rules.
pub fn settings(raw: &model::IntuneBrand) -> OrganisationSettings {
    OrganisationSettings {
        is_remove_device_disabled: raw.is_remove_device_disabled.unwrap_or(false),
        is_factory_reset_disabled: raw.is_factory_reset_disabled.unwrap_or(false),
        enrollment_availability: graph_enum::<EnrollmentAvailability>(raw.enrollment_availability.as_deref())
            .unwrap_or_default(),
        blocked_actions: raw.company_portal_blocked_actions.iter().flat_map(blocked_action).collect(),
        device_rename: DeviceRename::DeviceName,
        disable_device_category_selection: raw.disable_device_category_selection.unwrap_or(false),
    }
}

/// A `companyPortalBlockedAction`: Graph's platform names cover several of the portal's.
fn blocked_action(raw: &model::BlockedAction) -> Vec<BlockedAction> {
    let action = match raw.action.as_deref() {
        Some("remove") => RemoteAction::Retire,
        Some("reset") => RemoteAction::Wipe,
        _ => return Vec::new(),
    };
    let Some(owner_type) = graph_enum::<OwnerType>(raw.owner_type.as_deref()).filter(|o| *o != OwnerType::Unknown)
    else {
        return Vec::new();
    };
    let platforms: &[Platform] = match raw.platform.as_deref() {
        Some("iOS") => &[Platform::Ios],
        Some("macOS") => &[Platform::Macos],
        Some(
            "android" | "androidForWork" | "androidWorkProfile" | "androidASOP" | "androidMobileApplicationManagement",
        ) => &[Platform::Android],
        Some("windows81AndLater" | "windows10AndLater" | "windows10XProfile") => &[Platform::Windows],
        _ => &[],
    };
    platforms.iter().map(|platform| BlockedAction { platform: *platform, owner_type, action }).collect()
}

/// A `resultantAppState` as the portal's (unknown values are `unknown`).
pub fn install_states_value(value: Option<&str>) -> ResultantAppState {
    graph_enum::<ResultantAppState>(value).unwrap_or(ResultantAppState::Unknown)
}

/// The install state of `device_id` in a `DeviceInstallStatusByApp` report: Graph answers it
/// as a file of JSON (`Schema` with the column names, `Values` with one row per device), whose
/// state column is words ("Installed", "Failed", "Not Installed", "Pending install", …).
pub fn report_install_state(report: &Value, device_id: &str) -> Option<ResultantAppState> {
    let columns: Vec<&str> = report
        .get("Schema")?
        .as_array()?
        .iter()
        .map(|c| c.get("Column").and_then(Value::as_str).unwrap_or_default())
        .collect();
    let device_column = columns.iter().position(|c| c.eq_ignore_ascii_case("DeviceId"))?;
    let state_column = columns
        .iter()
        .position(|c| c.eq_ignore_ascii_case("AppInstallState"))
        .or_else(|| columns.iter().position(|c| c.eq_ignore_ascii_case("InstallState")))?;
    let row = report.get("Values")?.as_array()?.iter().filter_map(Value::as_array).find(|row| {
        row.get(device_column).and_then(Value::as_str).is_some_and(|d| d.eq_ignore_ascii_case(device_id))
    })?;
    let words: String = row
        .get(state_column)
        .and_then(|v| v.as_str().map(str::to_string).or_else(|| v.as_i64().map(|n| n.to_string())))?
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    Some(match words.as_str() {
        "installed" | "1" => ResultantAppState::Installed,
        "failed" | "2" => ResultantAppState::Failed,
        "notinstalled" | "3" => ResultantAppState::NotInstalled,
        "uninstallfailed" | "4" => ResultantAppState::UninstallFailed,
        "pendinginstall" | "pending" | "5" => ResultantAppState::PendingInstall,
        "notapplicable" | "99" => ResultantAppState::NotApplicable,
        _ => ResultantAppState::Unknown,
    })
}

/// Install states of one device from the beta `mobileAppIntentAndStates`.
pub fn install_states(raw: &model::MobileAppIntentAndState, read_at: &str) -> HashMap<String, InstallRecord> {
    raw.mobile_app_list
        .iter()
        .filter_map(|detail| {
            let app_id = detail.application_id.clone()?;
            let state =
                graph_enum::<ResultantAppState>(detail.install_state.as_deref()).unwrap_or(ResultantAppState::Unknown);
            let record = InstallRecord {
                app_id: app_id.clone(),
                state,
                pending: None,
                last_updated_date_time: read_at.to_string(),
                failure: None,
            };
            Some((app_id, record))
        })
        .collect()
}

#[cfg(test)]
mod tests;
