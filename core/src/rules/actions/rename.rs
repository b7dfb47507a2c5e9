//! Validation of the portal display name a user gives their device.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest display name, in characters (not bytes), so that every script gets the same room.
pub const DEVICE_NAME_MAX_CHARS: usize = 64;

/// Why a device name was refused. The UI maps each to localised text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "code", rename_all = "camelCase")]
pub enum RenameError {
    /// Nothing but whitespace.
    Empty,
    /// Longer than [`DEVICE_NAME_MAX_CHARS`] after trimming.
    TooLong { max_chars: usize },
    /// Contains a control character or a line/paragraph separator, which would break
    /// layouts, logs and any export of the name.
    ControlCharacter,
}

impl fmt::Display for RenameError {
    /// For logs and problem details, not for users.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenameError::Empty => f.write_str("device name is empty"),
            RenameError::TooLong { max_chars } => {
                write!(f, "device name is longer than {max_chars} characters")
            }
            RenameError::ControlCharacter => f.write_str("device name contains a control character"),
        }
    }
}

impl std::error::Error for RenameError {}

/// Returns the name to store: `input` trimmed, if it is acceptable.
pub fn validate_device_name(input: &str) -> Result<String, RenameError> {
    let name = input.trim();
    if name.is_empty() {
        return Err(RenameError::Empty);
    }
    if name.chars().any(|c| c.is_control() || c == '\u{2028}' || c == '\u{2029}') {
        return Err(RenameError::ControlCharacter);
    }
    if name.chars().count() > DEVICE_NAME_MAX_CHARS {
        return Err(RenameError::TooLong { max_chars: DEVICE_NAME_MAX_CHARS });
    }
    Ok(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_names() {
        let sixty_four_e_acute = "é".repeat(64);
        let cases: Vec<(&str, String, Result<String, RenameError>)> = vec![
            ("plain", "Work phone".into(), Ok("Work phone".into())),
            ("trimmed", "  Work phone \t".into(), Ok("Work phone".into())),
            ("empty", "".into(), Err(RenameError::Empty)),
            ("only whitespace", " \t\n ".into(), Err(RenameError::Empty)),
            ("64 ascii chars", "a".repeat(64), Ok("a".repeat(64))),
            ("65 ascii chars", "a".repeat(65), Err(RenameError::TooLong { max_chars: 64 })),
            ("64 chars of 2 bytes", sixty_four_e_acute.clone(), Ok(sixty_four_e_acute)),
            ("65 chars of 2 bytes", "é".repeat(65), Err(RenameError::TooLong { max_chars: 64 })),
            ("emoji and CJK", "李的 📱".into(), Ok("李的 📱".into())),
            ("newline inside", "Work\nphone".into(), Err(RenameError::ControlCharacter)),
            ("tab inside", "Work\tphone".into(), Err(RenameError::ControlCharacter)),
            ("NUL", "Work\u{0}".into(), Err(RenameError::ControlCharacter)),
            ("DEL", "Work\u{7f}phone".into(), Err(RenameError::ControlCharacter)),
            ("C1 control", "Work\u{85}phone".into(), Err(RenameError::ControlCharacter)),
            ("line separator", "Work\u{2028}phone".into(), Err(RenameError::ControlCharacter)),
            ("padding does not count", format!("  {}  ", "a".repeat(64)), Ok("a".repeat(64))),
        ];
        for (label, input, expected) in cases {
            assert_eq!(validate_device_name(&input), expected, "{label}");
        }
    }
}
