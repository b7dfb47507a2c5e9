//! The platforms an app targets and a device runs.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A platform. iPadOS is separate from iOS because an iPad context also sees iOS apps
/// (see [`Platform::runs_apps_of`]), while an iPhone does not see iPad-only apps.
/// `web` is a web link: it runs everywhere and is never the platform of a managed device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum Platform {
    Ios,
    Ipados,
    Android,
    Windows,
    Macos,
    Web,
}

impl Platform {
    pub const ALL: [Platform; 6] =
        [Platform::Ios, Platform::Ipados, Platform::Android, Platform::Windows, Platform::Macos, Platform::Web];

    /// The wire code (`"ios"`, `"ipados"`, …), as used in query strings and JSON.
    pub fn code(self) -> &'static str {
        match self {
            Platform::Ios => "ios",
            Platform::Ipados => "ipados",
            Platform::Android => "android",
            Platform::Windows => "windows",
            Platform::Macos => "macos",
            Platform::Web => "web",
        }
    }

    /// The product name as its vendor writes it. Product names are not translated, so this
    /// is the one piece of display text core provides.
    pub fn display_name(self) -> &'static str {
        match self {
            Platform::Ios => "iOS",
            Platform::Ipados => "iPadOS",
            Platform::Android => "Android",
            Platform::Windows => "Windows",
            Platform::Macos => "macOS",
            Platform::Web => "Web",
        }
    }

    /// iOS and iPadOS share management behaviour (enrollment types, remote actions,
    /// organisation settings), so rules about "iOS" apply to both.
    pub fn is_apple_mobile(self) -> bool {
        matches!(self, Platform::Ios | Platform::Ipados)
    }

    /// Whether a device of this platform shows apps built for `app_platform`.
    /// Decision: an iPad runs iPhone apps, so `ipados` also shows `ios` apps; an iPhone
    /// shows only `ios` apps; web links show on every platform.
    pub fn runs_apps_of(self, app_platform: Platform) -> bool {
        app_platform == self
            || app_platform == Platform::Web
            || (self == Platform::Ipados && app_platform == Platform::Ios)
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.display_name())
    }
}

/// The text was not one of the platform codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownPlatform;

impl FromStr for Platform {
    type Err = UnknownPlatform;

    /// Parses the wire code, case-insensitively (query strings are typed by people).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Platform::ALL.into_iter().find(|p| p.code().eq_ignore_ascii_case(s.trim())).ok_or(UnknownPlatform)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_through_serde_and_from_str() {
        for p in Platform::ALL {
            let json = serde_json::to_string(&p).map_err(|e| e.to_string());
            assert_eq!(json, Ok(format!("\"{}\"", p.code())), "{p:?}");
            assert_eq!(p.code().parse::<Platform>(), Ok(p), "{p:?}");
        }
        assert_eq!(" IPadOS ".parse::<Platform>(), Ok(Platform::Ipados));
        assert_eq!("symbian".parse::<Platform>(), Err(UnknownPlatform));
    }

    #[test]
    fn which_apps_a_device_platform_runs() {
        let cases = [
            ("iphone runs ios", Platform::Ios, Platform::Ios, true),
            ("iphone does not run ipados", Platform::Ios, Platform::Ipados, false),
            ("ipad runs ipados", Platform::Ipados, Platform::Ipados, true),
            ("ipad runs ios", Platform::Ipados, Platform::Ios, true),
            ("windows runs web", Platform::Windows, Platform::Web, true),
            ("android does not run windows", Platform::Android, Platform::Windows, false),
            ("macos does not run ios", Platform::Macos, Platform::Ios, false),
        ];
        for (label, device, app, expected) in cases {
            assert_eq!(device.runs_apps_of(app), expected, "{label}");
        }
    }
}
