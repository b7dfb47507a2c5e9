//! Apps in the organisation's catalog and their install state on a device.

use super::Platform;
use serde::{Deserialize, Serialize};

/// Where an app comes from. It matters to the rules because Apple store apps assigned
/// Required are also offered as Available (DOMAIN.md), and web links are never installed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum AppSource {
    /// A public store app (App Store, managed Google Play, Microsoft Store).
    #[default]
    Store,
    /// A line-of-business app the organisation uploaded.
    LineOfBusiness,
    /// A link to a web app; opened, not installed.
    WebLink,
}

/// An app as the catalog lists it. Whether a simulated install fails is server-side test
/// state and deliberately not part of this wire type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct App {
    pub id: String,
    pub name: String,
    pub publisher: String,
    #[serde(default)]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_bytes: Option<u64>,
    /// Platforms the app is built for; a device context shows it when its platform runs any
    /// of them (see [`Platform::runs_apps_of`]).
    pub platforms: Vec<Platform>,
    /// Minimum OS version as the vendor writes it (e.g. `"16.0"`), shown as information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_os: Option<String>,
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub featured: bool,
    #[serde(default)]
    pub source: AppSource,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub information_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_url: Option<String>,
    /// RFC 3339 date-time the organisation published the app.
    pub published: String,
}

impl App {
    /// A web link: visible in every context, opened rather than installed or uninstalled.
    pub fn is_web_link(&self) -> bool {
        self.source == AppSource::WebLink || self.platforms.contains(&Platform::Web)
    }
}

/// Install state of an app on one device (Graph `resultantAppState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum ResultantAppState {
    Installed,
    Failed,
    NotInstalled,
    UninstallFailed,
    PendingInstall,
    NotApplicable,
    #[serde(other)]
    Unknown,
}
