//! What an organisation sets about how its portal looks and whom to call for help
//! (`GET /api/v1/branding`), and the colour rule that keeps the themed header readable.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Maximum length of an organisation name, as the Intune admin centre enforces it.
pub const ORGANISATION_NAME_MAX_CHARS: usize = 40;

/// The public branding document. Everything here is safe to show before sign-in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Branding {
    pub organisation_name: String,
    /// Theme colour as `#rrggbb`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "#0f6cbd"))]
    pub theme_color: HexColor,
    /// Text colour for use on the theme colour, chosen for contrast by [`text_on`].
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub theme_text_color: HexColor,
    #[serde(default = "yes")]
    pub show_name_in_header: bool,
    #[serde(default)]
    pub show_logo_in_header: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<String>,
    pub support: SupportContact,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_url: Option<String>,
}

fn yes() -> bool {
    true
}

/// The IT support contact shown on Help & support.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SupportContact {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_information: Option<String>,
}

/// An sRGB colour written `#rrggbb`. Parsing is strict because the value comes from a
/// tenant file and ends up in a CSS custom property: nothing but six hex digits passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HexColor {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

pub const WHITE: HexColor = HexColor { r: 255, g: 255, b: 255 };
pub const BLACK: HexColor = HexColor { r: 0, g: 0, b: 0 };

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidColor(pub String);

impl fmt::Display for InvalidColor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a colour written as #rrggbb", self.0)
    }
}

impl std::error::Error for InvalidColor {}

impl FromStr for HexColor {
    type Err = InvalidColor;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || InvalidColor(s.to_string());
        let hex = s.strip_prefix('#').ok_or_else(bad)?;
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| bad());
        Ok(HexColor { r: channel(0)?, g: channel(2)?, b: channel(4)? })
    }
}

impl fmt::Display for HexColor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }
}

impl Serialize for HexColor {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for HexColor {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl HexColor {
    /// WCAG 2.x relative luminance.
    pub fn relative_luminance(self) -> f64 {
        fn linear(c: u8) -> f64 {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        }
        0.2126 * linear(self.r) + 0.7152 * linear(self.g) + 0.0722 * linear(self.b)
    }
}

/// WCAG contrast ratio between two colours, from 1.0 to 21.0.
pub fn contrast_ratio(a: HexColor, b: HexColor) -> f64 {
    let (la, lb) = (a.relative_luminance(), b.relative_luminance());
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// WCAG 2.2 AA minimum contrast for normal text.
pub const AA_NORMAL_TEXT: f64 = 4.5;

/// The text colour for use on `background`: white wherever white meets AA (the usual look
/// of a brand bar), otherwise whichever of white and black contrasts more.
///
/// Organisations pick any theme colour; the Intune admin centre picks the text colour for
/// them, and so do we, so a pale brand never yields unreadable header text. Black or white
/// always reaches at least 4.58:1 on any colour, so the result always meets AA.
pub fn text_on(background: HexColor) -> HexColor {
    let on_white = contrast_ratio(background, WHITE);
    if on_white >= AA_NORMAL_TEXT || on_white >= contrast_ratio(background, BLACK) {
        WHITE
    } else {
        BLACK
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> HexColor {
        s.parse().unwrap()
    }

    #[test]
    fn parses_and_prints_hex_colours() {
        assert_eq!(c("#0078D4"), HexColor { r: 0, g: 0x78, b: 0xd4 });
        assert_eq!(c("#0078D4").to_string(), "#0078d4");
    }

    #[test]
    fn rejects_anything_but_six_hex_digits() {
        for bad in ["", "#", "0078d4", "#0078d", "#0078d44", "#00g8d4", "red", "#fff", "#0078d4;x"] {
            assert!(bad.parse::<HexColor>().is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn contrast_ratio_matches_wcag_reference_values() {
        assert!((contrast_ratio(WHITE, BLACK) - 21.0).abs() < 1e-9);
        assert!((contrast_ratio(c("#777777"), WHITE) - 4.48).abs() < 0.01);
    }

    #[test]
    fn picks_the_readable_text_colour() {
        // (theme colour, expected text colour)
        let cases = [
            ("#0078d4", WHITE), // Microsoft blue
            ("#1b5e20", WHITE), // dark green
            ("#ffeb3b", BLACK), // yellow
            ("#ffffff", BLACK),
            ("#000000", WHITE),
            ("#00bcf2", BLACK), // light cyan: white text would fail AA
        ];
        for (theme, want) in cases {
            assert_eq!(text_on(c(theme)), want, "text on {theme}");
        }
    }

    #[test]
    fn chosen_text_meets_aa_on_every_colour() {
        // Sample the RGB cube; the worst case for a black/white choice is near mid grey.
        for r in (0..=255u8).step_by(17) {
            for g in (0..=255u8).step_by(17) {
                for b in (0..=255u8).step_by(17) {
                    let bg = HexColor { r, g, b };
                    assert!(contrast_ratio(bg, text_on(bg)) >= AA_NORMAL_TEXT, "{bg}");
                }
            }
        }
    }

    #[test]
    fn branding_round_trips_through_json() {
        let b = Branding {
            organisation_name: "Contoso".into(),
            theme_color: c("#0078d4"),
            theme_text_color: WHITE,
            show_name_in_header: true,
            show_logo_in_header: false,
            logo_url: None,
            support: SupportContact { email: Some("help@contoso.example".into()), ..Default::default() },
            privacy_url: None,
        };
        let json = serde_json::to_string(&b).unwrap();
        assert!(json.contains("\"organisationName\":\"Contoso\""));
        assert!(json.contains("\"themeColor\":\"#0078d4\""));
        assert_eq!(serde_json::from_str::<Branding>(&json).unwrap(), b);
    }
}
