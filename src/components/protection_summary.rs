//! The home page's app protection summary: how many of the user's apps with work data are
//! protected, and a call to attention when any is blocked or waiting to check in, linking
//! to Protected apps. Counted here from the same list that page shows (portal-core's
//! `ProtectionSummary::count`), so the two never disagree.

use crate::api::events::use_live_events;
use crate::api::{self, ApiError};
use crate::auth::use_auth;
use crate::components::error_text::ErrorText;
use crate::config::PortalConfig;
use leptos::prelude::*;
use portal_core::api::{Event, ProtectionSummary as Counts};

#[component]
pub fn ProtectionSummary() -> impl IntoView {
    let auth = use_auth();
    let config = StoredValue::new(use_context::<PortalConfig>());
    let counts: RwSignal<Option<Result<Counts, ApiError>>> = RwSignal::new(None);
    let load = move || {
        let Some(config) = config.get_value() else { return };
        leptos::task::spawn_local(async move {
            let result = api::protected_apps::fetch(auth, &config).await.map(|list| {
                let mut counts = Counts::default();
                list.devices.iter().flat_map(|d| &d.apps).for_each(|a| counts.count(&a.status));
                counts
            });
            counts.set(Some(result));
        });
    };
    load();
    // A removal moving on, or missed events: count again.
    let live = use_live_events();
    Effect::new(move |first: Option<()>| {
        let wipe = matches!(live.latest(), Some(Event::SelectiveWipe { .. }));
        if first.is_some() && wipe {
            load();
        }
    });
    Effect::new(move |first: Option<()>| {
        live.resync();
        if first.is_some() {
            load();
        }
    });

    let body = move || match counts.get() {
        None => view! { <p class="waiting">{tr!(protected_apps.loading)}</p> }.into_any(),
        Some(Err(error)) => view! { <p><ErrorText error /></p> }.into_any(),
        Some(Ok(c)) => {
            let total =
                c.protected + c.waiting_for_check_in + c.blocked + c.wipe_pending + c.wipe_done + c.not_protected;
            if total == 0 {
                return view! { <p>{tr!(protection_summary.none)}</p> }.into_any();
            }
            let attention = c.blocked + c.waiting_for_check_in > 0;
            view! {
                <p class="summary-count">{tr_count!(protection_summary.protected, count = total, protected = c.protected)}</p>
                {attention.then(|| view! {
                    <div class="attention">
                        <p class="attention-title">{tr!(protection_summary.attention)}</p>
                        <ul>
                            {(c.blocked > 0).then(|| view! { <li class="attention-blocked">{tr_count!(protection_summary.blocked, count = c.blocked)}</li> })}
                            {(c.waiting_for_check_in > 0).then(|| view! { <li class="attention-waiting">{tr_count!(protection_summary.waiting, count = c.waiting_for_check_in)}</li> })}
                        </ul>
                    </div>
                })}
            }
            .into_any()
        }
    };
    view! {
        <section class="protection-summary" aria-labelledby="protection-summary-title">
            <h2 id="protection-summary-title">{tr!(protection_summary.title)}</h2>
            <div aria-live="polite">{body}</div>
            <p><a href="/protected-apps">{tr!(protection_summary.link)}</a></p>
        </section>
    }
}
