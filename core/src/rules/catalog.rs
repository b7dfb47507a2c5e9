//! What a device context shows: for each app, whether it is visible, why (as a code the UI
//! localises), its resolved intent, and whether the caller may install or uninstall it.

use super::intent::{self, Audience, DeviceAudience, Enrollment};
use crate::domain::{App, AppSource, Assignment, ManagedDevice, Platform, ResolvedIntent};
use serde::{Deserialize, Serialize};

/// The device the app list is for. A browser cannot know which device it runs on, so the
/// user picks it; "none of these" is [`DeviceContext::None`].
#[derive(Debug, Clone, Copy)]
pub enum DeviceContext<'a> {
    /// An enrolled device, with the ids of the device groups it belongs to.
    Enrolled { device: &'a ManagedDevice, group_ids: &'a [String] },
    /// A MAM-only device, known by its platform.
    Unenrolled(Platform),
    /// No device: only what may be installed without enrollment, on any platform.
    None,
}

impl DeviceContext<'_> {
    /// The platform apps are filtered by; `None` shows every platform.
    pub fn platform(&self) -> Option<Platform> {
        match self {
            DeviceContext::Enrolled { device, .. } => Some(device.operating_system),
            DeviceContext::Unenrolled(p) => Some(*p),
            DeviceContext::None => None,
        }
    }
}

/// The signed-in user.
#[derive(Debug, Clone, Copy)]
pub struct Caller<'a> {
    pub user_id: &'a str,
    pub group_ids: &'a [String],
}

/// Why an app is listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum ShownReason {
    /// Required by the organisation; installs automatically.
    Required,
    /// Required, and the user may install it now.
    RequiredAndAvailable,
    /// Required on this device, and available to the user without enrollment.
    RequiredAndAvailableWithoutEnrollment,
    /// Available to install.
    Available,
    /// Available without enrollment.
    AvailableWithoutEnrollment,
    /// The organisation removes it unless the user installs it from the portal.
    RemovedUnlessInstalledFromPortal,
    /// Offered on enrolled devices only ("Available for enrolled devices"), and this device
    /// isn't enrolled: enrolling it gets the app.
    AvailableOnceEnrolled,
}

/// Why an app is not listed, so that "where is my app?" has an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum HiddenReason {
    /// Not built for this device's platform.
    OtherPlatform,
    /// Not assigned to this user or device.
    NotAssigned,
    /// Assigned, but this user or device is excluded.
    Excluded,
    /// Offered to the user, but on an enrolled device only its primary user sees offers.
    NotPrimaryUser,
    /// Assigned as Required — to the user, or to every device — which applies only to
    /// enrolled devices: enrolling this one gets it.
    RequiresEnrollment,
    /// The organisation uninstalls it from this device.
    RemovedByOrganisation,
}

/// Whether and why an app is listed in a context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "visibility", content = "reason", rename_all = "camelCase")]
pub enum Visibility {
    Shown(ShownReason),
    Hidden(HiddenReason),
}

/// One app as a device context sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CatalogEntry {
    pub app_id: String,
    /// `notAvailable` for an app of another platform.
    pub intent: ResolvedIntent,
    pub visibility: Visibility,
    /// An install (or, for a web link, open) button makes sense. On an unenrolled context
    /// this means "get it from the store"; the portal cannot push to that device.
    pub can_install: bool,
    /// The user may uninstall it through the portal: only on an enrolled device they are
    /// the primary user of, and only for apps that are offered and not required.
    pub can_uninstall: bool,
}

impl CatalogEntry {
    pub fn is_visible(&self) -> bool {
        matches!(self.visibility, Visibility::Shown(_))
    }
}

/// Whether the app is built for a platform the context runs (`None`: every platform).
pub fn platform_matches(app: &App, platform: Option<Platform>) -> bool {
    match platform {
        Some(p) => app.platforms.iter().any(|&a| p.runs_apps_of(a)),
        None => true,
    }
}

/// Apple store apps assigned Required are also offered as Available (DOMAIN.md). Applies
/// when the context is an iPhone/iPad, or no device, and the app is built for iOS/iPadOS.
pub fn required_carries_available(app: &App, platform: Option<Platform>) -> bool {
    app.source == AppSource::Store
        && platform.is_none_or(Platform::is_apple_mobile)
        && app.platforms.iter().any(|p| p.is_apple_mobile())
}

/// The catalog entry of one app with all of its assignments.
pub fn entry(app: &App, assignments: &[Assignment], caller: &Caller<'_>, context: &DeviceContext<'_>) -> CatalogEntry {
    let platform = context.platform();
    if !platform_matches(app, platform) {
        return CatalogEntry {
            app_id: app.id.clone(),
            intent: ResolvedIntent::NotAvailable,
            visibility: Visibility::Hidden(HiddenReason::OtherPlatform),
            can_install: false,
            can_uninstall: false,
        };
    }
    let (device_groups, primary): (&[String], bool) = match context {
        DeviceContext::Enrolled { device, group_ids } => (group_ids, device.is_primary_user(caller.user_id)),
        _ => (&[], false),
    };
    let enrolled = matches!(context, DeviceContext::Enrolled { .. });
    let audience = Audience {
        user_group_ids: caller.group_ids,
        device: enrolled.then_some(DeviceAudience { group_ids: device_groups, caller_is_primary_user: primary }),
    };
    let carries = required_carries_available(app, platform);
    let reached = intent::reach(assignments, &audience);
    let enrollment =
        if enrolled { Enrollment::Enrolled { caller_is_primary_user: primary } } else { Enrollment::NotEnrolled };
    let resolved = intent::resolve(&reached, enrollment, carries);

    let as_primary = || intent::resolve(&reached, Enrollment::Enrolled { caller_is_primary_user: true }, carries);
    // What this device would get once enrolled (with the caller as its primary user): an
    // all-devices assignment reaches an enrolled device; which device groups it would join
    // cannot be known, so those are left out.
    let once_enrolled = || {
        let hypothetical = Audience {
            user_group_ids: caller.group_ids,
            device: Some(DeviceAudience { group_ids: &[], caller_is_primary_user: true }),
        };
        intent::resolve(
            &intent::reach(assignments, &hypothetical),
            Enrollment::Enrolled { caller_is_primary_user: true },
            carries,
        )
    };
    // "Available for enrolled devices" seen from a device that isn't enrolled: shown, with
    // "enroll this device to get it" instead of an install.
    let enrolled_only = !enrolled && resolved == ResolvedIntent::Available;
    let visibility = match shown_reason(resolved) {
        Some(_) if enrolled_only => Visibility::Shown(ShownReason::AvailableOnceEnrolled),
        Some(reason) => Visibility::Shown(reason),
        None => Visibility::Hidden(match resolved {
            ResolvedIntent::Exclude => HiddenReason::Excluded,
            ResolvedIntent::Uninstall => HiddenReason::RemovedByOrganisation,
            _ if enrolled && !primary && as_primary().user_may_install() => HiddenReason::NotPrimaryUser,
            _ if !enrolled && once_enrolled().is_required() => HiddenReason::RequiresEnrollment,
            _ => HiddenReason::NotAssigned,
        }),
    };
    let shown = matches!(visibility, Visibility::Shown(_));
    CatalogEntry {
        app_id: app.id.clone(),
        intent: resolved,
        visibility,
        can_install: shown && !enrolled_only && resolved.user_may_install(),
        can_uninstall: enrolled
            && primary
            && !app.is_web_link()
            && matches!(resolved, ResolvedIntent::Available | ResolvedIntent::AvailableWithoutEnrollment),
    }
}

/// The catalog entries of many apps, in the order given.
pub fn catalog<'a, I>(apps: I, caller: &Caller<'_>, context: &DeviceContext<'_>) -> Vec<CatalogEntry>
where
    I: IntoIterator<Item = (&'a App, &'a [Assignment])>,
{
    apps.into_iter().map(|(app, assignments)| entry(app, assignments, caller, context)).collect()
}

fn shown_reason(intent: ResolvedIntent) -> Option<ShownReason> {
    match intent {
        ResolvedIntent::Required => Some(ShownReason::Required),
        ResolvedIntent::RequiredAndAvailable => Some(ShownReason::RequiredAndAvailable),
        ResolvedIntent::RequiredAndAvailableWithoutEnrollment => {
            Some(ShownReason::RequiredAndAvailableWithoutEnrollment)
        }
        ResolvedIntent::Available => Some(ShownReason::Available),
        ResolvedIntent::AvailableWithoutEnrollment => Some(ShownReason::AvailableWithoutEnrollment),
        ResolvedIntent::UninstallAndAvailableWithoutEnrollment => Some(ShownReason::RemovedUnlessInstalledFromPortal),
        ResolvedIntent::NotAvailable | ResolvedIntent::Exclude | ResolvedIntent::Uninstall => None,
    }
}

#[cfg(test)]
#[rustfmt::skip] // one case per line reads as the table it is
mod tests;
