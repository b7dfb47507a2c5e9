//! App protection codes from `portal-core` (`PolicyLine`, `ProtectionStatus`) in the
//! reader's words. The server sends codes, never sentences, so every text here follows the
//! chosen language; the component tests check that each code has a text in each language.

use crate::i18n::{fill, lookup, Key, Locale};
use portal_core::rules::protection::{BlockReason, PolicyLine, ProtectionStatus};

/// What one policy line enforces, e.g. "PIN required to open work data (at least 6 digits)".
pub fn line_text(locale: Locale, line: &PolicyLine) -> String {
    let text = |key: Key| lookup(locale, key).to_string();
    match *line {
        PolicyLine::SaveAsBlocked => text(key!(protection.line.save_as_blocked)),
        PolicyLine::CopyPasteBlocked => text(key!(protection.line.copy_paste_blocked)),
        PolicyLine::CopyPasteManagedOnly => text(key!(protection.line.copy_paste_managed_only)),
        PolicyLine::CopyPasteManagedWithPasteIn => text(key!(protection.line.copy_paste_managed_paste_in)),
        PolicyLine::SendToUnmanagedBlocked => text(key!(protection.line.send_to_unmanaged_blocked)),
        PolicyLine::SendToAnyAppBlocked => text(key!(protection.line.send_to_any_app_blocked)),
        PolicyLine::PinRequired { simple_allowed, min_length } => {
            let key = if simple_allowed {
                key!(protection.line.pin_required)
            } else {
                key!(protection.line.pin_required_no_simple)
            };
            crate::i18n::plural(locale, key, f64::from(min_length), &[])
        }
        PolicyLine::BlockedOnJailbroken => text(key!(protection.line.blocked_on_jailbroken)),
        PolicyLine::RecheckAfterMinutes { minutes } => {
            fill(lookup(locale, key!(protection.line.recheck_after)), &[("duration", &duration(locale, minutes))])
        }
        PolicyLine::OfflineGraceMinutes { minutes } => {
            fill(lookup(locale, key!(protection.line.offline_grace)), &[("duration", &duration(locale, minutes))])
        }
    }
}

/// The status as a short label: "Protected", "Blocked: this device is jailbroken or rooted".
pub fn status_text(locale: Locale, status: &ProtectionStatus) -> String {
    let key = match status {
        ProtectionStatus::Protected => key!(protection.status.protected),
        ProtectionStatus::WaitingForCheckIn => key!(protection.status.waiting),
        ProtectionStatus::Blocked { reason } => {
            return fill(
                lookup(locale, key!(protection.status.blocked)),
                &[("reason", lookup(locale, reason_key(*reason)))],
            )
        }
        ProtectionStatus::WipePending => key!(protection.status.wipe_pending),
        ProtectionStatus::WipeDone => key!(protection.status.wipe_done),
        ProtectionStatus::NotProtected => key!(protection.status.not_protected),
    };
    lookup(locale, key).to_string()
}

/// What the status means for the person and what, if anything, to do about it.
pub fn status_hint(locale: Locale, status: &ProtectionStatus) -> &'static str {
    let key = match status {
        ProtectionStatus::Protected => key!(protection.hint.protected),
        ProtectionStatus::WaitingForCheckIn => key!(protection.hint.waiting),
        ProtectionStatus::Blocked { .. } => key!(protection.hint.blocked),
        ProtectionStatus::WipePending => key!(protection.hint.wipe_pending),
        ProtectionStatus::WipeDone => key!(protection.hint.wipe_done),
        ProtectionStatus::NotProtected => key!(protection.hint.not_protected),
    };
    lookup(locale, key)
}

/// A CSS modifier for the status badge (colour and icon follow the kind of status).
pub fn status_class(status: &ProtectionStatus) -> &'static str {
    match status {
        ProtectionStatus::Protected => "protection-status protected",
        ProtectionStatus::WaitingForCheckIn => "protection-status waiting",
        ProtectionStatus::Blocked { .. } => "protection-status blocked",
        ProtectionStatus::WipePending => "protection-status wipe-pending",
        ProtectionStatus::WipeDone => "protection-status wipe-done",
        ProtectionStatus::NotProtected => "protection-status not-protected",
    }
}

fn reason_key(reason: BlockReason) -> Key {
    match reason {
        BlockReason::RootedDevice => key!(protection.reason.rooted_device),
        BlockReason::AndroidBootloaderUnlocked => key!(protection.reason.bootloader_unlocked),
        BlockReason::AndroidFactoryRomModified => key!(protection.reason.factory_rom_modified),
    }
}

/// `minutes` in the largest whole unit (days, hours, minutes), spelled by the browser's
/// `Intl.NumberFormat` so plurals are right in every language ("90 days", "1 Tag").
pub fn duration(locale: Locale, minutes: u32) -> String {
    let (value, unit) = match minutes {
        m if m >= 1440 && m % 1440 == 0 => (m / 1440, "day"),
        m if m >= 60 && m % 60 == 0 => (m / 60, "hour"),
        m => (m, "minute"),
    };
    let options = js_sys::Object::new();
    let set = |k: &str, v: &str| js_sys::Reflect::set(&options, &k.into(), &v.into());
    let _ = set("style", "unit");
    let _ = set("unit", unit);
    let _ = set("unitDisplay", "long");
    let locales = js_sys::Array::of1(&locale.code().into());
    let format = js_sys::Intl::NumberFormat::new(&locales, &options).format();
    format
        .call1(&wasm_bindgen::JsValue::NULL, &f64::from(value).into())
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| format!("{value} {unit}"))
}
