//! "Get BitLocker recovery key" / "Get FileVault recovery key" on a Windows or Mac device's
//! page: for the person locked out of their own computer, often on their phone.
//!
//! The button first sends the person to sign in *again* (`prompt=login`, see
//! [`crate::auth::Auth::sign_in_fresh`]): the server shows a key only to a sign-in of the
//! last five minutes, so a token stolen earlier cannot read keys. Back on this page the key
//! is fetched once (the device id waits in `sessionStorage` across the sign-in, so a link
//! alone never asks for a key), shown with Copy and Hide, and hidden again after the time
//! the server says. It lives in this component's memory only: never stored, never logged
//! (the service worker never caches `/api/`); leaving the page drops it.
//!
//! Where no key can be shown, the section says why in the words of the portal-core reason.

use super::details::Page;
use crate::api::{self, ApiError};
use crate::auth::{attempt, use_auth};
use crate::components::error_text::ErrorText;
use crate::config::PortalConfig;
use crate::i18n::{use_i18n, Key};
use leptos::prelude::*;
use portal_core::api::{RecoveryKey as Key_, RecoveryKeyDisclosure, Refusal};
use portal_core::domain::{RecoveryKeyKind, VolumeType};
use portal_core::problem::FRESH_SIGN_IN_REQUIRED;
use portal_core::rules::recovery::{KeyAvailability, RecoveryKeyReason, Unreadable};

/// What the section shows once the person asked.
#[derive(Clone, PartialEq)]
enum Asked {
    Nothing,
    Loading,
    Shown(RecoveryKeyDisclosure),
    /// Hidden again (by Hide or by the timer).
    Hidden,
    /// The server still finds the sign-in too old (a provider that ignored `prompt=login`).
    NotFresh,
    Refused(RecoveryKeyReason),
    Failed(ApiError),
}

/// The catalog text of why no key can be shown.
pub fn reason_key(reason: RecoveryKeyReason) -> Key {
    match reason {
        RecoveryKeyReason::KeyOnlyForPrimaryUser => key!(recovery.reason.primary_user),
        RecoveryKeyReason::KeyDeviceRetired => key!(recovery.reason.retired),
        RecoveryKeyReason::DiskNotEncrypted => key!(recovery.reason.not_encrypted),
        RecoveryKeyReason::NoKeyEscrowed => key!(recovery.reason.none_escrowed),
        RecoveryKeyReason::KeysNotReadable { why: Unreadable::PermissionMissing } => {
            key!(recovery.reason.permission_missing)
        }
        RecoveryKeyReason::KeysNotReadable { why: Unreadable::SignedInOnly } => key!(recovery.reason.signed_in_only),
        RecoveryKeyReason::KeysNotReadable { why: Unreadable::BetaRequired } => key!(recovery.reason.beta_required),
    }
}

/// The section's heading and its button's label.
pub fn kind_keys(kind: RecoveryKeyKind) -> (Key, Key) {
    match kind {
        RecoveryKeyKind::BitLocker => (key!(recovery.title_bitlocker), key!(recovery.get_bitlocker)),
        RecoveryKeyKind::FileVault => (key!(recovery.title_filevault), key!(recovery.get_filevault)),
    }
}

pub fn volume_key(volume: VolumeType) -> Key {
    match volume {
        VolumeType::OperatingSystemVolume => key!(recovery.volume.os),
        VolumeType::FixedDataVolume => key!(recovery.volume.fixed),
        VolumeType::RemovableDataVolume => key!(recovery.volume.removable),
        VolumeType::Unknown => key!(recovery.volume.unknown),
    }
}

/// What the recovery screen shows of a BitLocker key ID: its first eight characters.
pub fn short_key_id(id: &str) -> String {
    id.chars().take(8).collect::<String>().to_uppercase()
}

#[component]
pub(super) fn RecoveryKey() -> impl IntoView {
    let page = expect_context::<Page>();
    let auth = use_auth();
    let config = use_context::<PortalConfig>();
    let asked = RwSignal::new(Asked::Nothing);
    let offer = move || page.details.with(|d| d.as_ref().and_then(|d| d.as_ref().ok()).and_then(|d| d.recovery_key));
    let id = page.id.get_value();

    // Each answer gets its own hide timer; a newer answer or Hide makes older timers no-ops.
    let shown_at = StoredValue::new(0u64);
    let fetch = {
        let id = id.clone();
        move || {
            let Some(config) = config.clone() else { return };
            let id = id.clone();
            asked.set(Asked::Loading);
            leptos::task::spawn_local(async move {
                let next = match api::devices::recovery_key(auth, &config, &id).await {
                    Ok(disclosure) => {
                        shown_at.update_value(|n| *n += 1);
                        let this = shown_at.get_value();
                        let after = std::time::Duration::from_secs(u64::from(disclosure.show_for_seconds));
                        set_timeout(
                            move || {
                                if shown_at.try_get_value() == Some(this) {
                                    asked.set(Asked::Hidden);
                                }
                            },
                            after,
                        );
                        Asked::Shown(disclosure)
                    }
                    Err(ApiError::Status { status: 401, problem: Some(p) }) if p.kind == FRESH_SIGN_IN_REQUIRED => {
                        Asked::NotFresh
                    }
                    Err(ApiError::Status { problem: Some(p), .. })
                        if matches!(p.reason, Some(Refusal::RecoveryKey(_))) =>
                    {
                        match p.reason {
                            Some(Refusal::RecoveryKey(reason)) => Asked::Refused(reason),
                            _ => Asked::Failed(ApiError::Status { status: p.status, problem: Some(p) }),
                        }
                    }
                    Err(e) => Asked::Failed(e),
                };
                // The page may be gone meanwhile.
                let _ = asked.try_set(next);
            });
        }
    };
    // Back from the fresh sign-in this device's page asked for: fetch the key once.
    if attempt::take_reveal().as_deref() == Some(id.as_str()) {
        fetch();
    }
    let ask = {
        let id = id.clone();
        move |_| {
            if attempt::note_reveal(&id) {
                auth.sign_in_fresh(format!("/devices/{}", String::from(js_sys::encode_uri_component(&id))));
            } else {
                // No session storage (a locked-down browser): ask with the token there is;
                // the server says whether its sign-in is recent enough.
                fetch();
            }
        }
    };
    let hide = move |_| {
        shown_at.update_value(|n| *n += 1);
        asked.set(Asked::Hidden);
    };

    move || {
        let offer = offer()?;
        let (title, button) = kind_keys(offer.kind);
        let ask = ask.clone();
        let body = match (offer.availability, asked.get()) {
            (KeyAvailability::Unavailable(reason), _) | (_, Asked::Refused(reason)) => {
                view! { <p id="recovery-reason" class="muted">{crate::text::text(reason_key(reason))}</p> }.into_any()
            }
            (_, Asked::Shown(disclosure)) => view! { <Shown disclosure hide /> }.into_any(),
            (_, Asked::Loading) => view! { <p role="status">{tr!(recovery.loading)}</p> }.into_any(),
            (_, state) => view! {
                {match state {
                    Asked::NotFresh => Some(view! { <p class="warning" role="alert">{tr!(recovery.not_fresh)}</p> }.into_any()),
                    Asked::Hidden => Some(view! { <p role="status">{tr!(recovery.hidden)}</p> }.into_any()),
                    Asked::Failed(error) => Some(view! { <p class="error" role="alert"><ErrorText error /></p> }.into_any()),
                    _ => None,
                }}
                <p>{tr!(recovery.intro)}</p>
                <p><button class="button primary" data-recovery-key="" on:click=ask>{crate::text::text(button)}</button></p>
            }
            .into_any(),
        };
        Some(view! {
            <section class="card recovery-key" aria-labelledby="recovery-title">
                <h2 id="recovery-title">{crate::text::text(title)}</h2>
                {body}
            </section>
        })
    }
}

/// The keys, each with what the recovery screen shows to tell them apart, Copy and Hide.
#[component]
fn Shown(disclosure: RecoveryKeyDisclosure, hide: impl Fn(leptos::ev::MouseEvent) + Clone + 'static) -> impl IntoView {
    let copied: RwSignal<Option<bool>> = RwSignal::new(None);
    let several = disclosure.keys.len() > 1;
    view! {
        <p class="muted">{tr!(recovery.shown_for)}</p>
        <ul class="recovery-keys">
            {disclosure.keys.into_iter().map(|key| view! { <KeyRow key several copied /> }).collect_view()}
        </ul>
        <p class="live-status" role="status" aria-live="polite">
            {move || match copied.get() {
                Some(true) => tr!(recovery.copied).into_any(),
                Some(false) => tr!(recovery.copy_failed).into_any(),
                None => ().into_any(),
            }}
        </p>
        <p><button class="button" data-hide-key="" on:click=hide>{tr!(recovery.hide)}</button></p>
    }
}

#[component]
fn KeyRow(key: Key_, several: bool, copied: RwSignal<Option<bool>>) -> impl IntoView {
    let i18n = use_i18n();
    let value = key.key.clone();
    let copy = move |_| {
        let value = value.clone();
        leptos::task::spawn_local(async move {
            let promise = window().navigator().clipboard().write_text(&value);
            copied.set(Some(wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()));
        });
    };
    let (key_id, volume) = (key.key_id.clone(), key.volume_type);
    // Several keys (a BitLocker data drive too): which drive; always the key ID, as the
    // recovery screen asks for the key by it.
    let label = move || match (&key_id, volume) {
        (Some(id), Some(volume)) if several => Some(format!(
            "{} · {} {}",
            i18n.text(volume_key(volume)),
            i18n.text(key!(recovery.key_id)),
            short_key_id(id)
        )),
        (Some(id), _) => Some(format!("{} {}", i18n.text(key!(recovery.key_id)), short_key_id(id))),
        (None, Some(volume)) if several => Some(i18n.text(volume_key(volume)).to_string()),
        _ => None,
    };
    view! {
        <li class="recovery-key-item">
            {move || label().map(|label| view! { <p class="muted">{label}</p> })}
            <p><code class="recovery-key-value" translate="no" dir="ltr">{key.key}</code></p>
            <button class="button" data-copy-key="" on:click=copy>{tr!(recovery.copy)}</button>
        </li>
    }
}
