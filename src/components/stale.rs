//! "Intune isn't answering — this is what it reported 5 minutes ago": shown above data the
//! server answered from what it read earlier (`stale` in a response), so a slow or throttled
//! back end is a note on the page, not an error page.

use crate::i18n::use_i18n;
use leptos::prelude::*;
use portal_core::api::{StaleReason, Staleness};

#[component]
pub fn StaleNotice(stale: Option<Staleness>) -> impl IntoView {
    let stale = stale?;
    let i18n = use_i18n();
    let key = match stale.reason {
        StaleReason::Throttled => key!(stale.throttled),
        StaleReason::Slow => key!(stale.slow),
        StaleReason::Unavailable | StaleReason::Other => key!(stale.unavailable),
    };
    let read_at = stale.read_at;
    let text = move || {
        let locale = i18n.locale().code();
        i18n.format(key, &[("time", &crate::dates::relative(&read_at, locale))])
    };
    Some(view! { <p class="notice stale-notice" role="status">{text}</p> })
}
