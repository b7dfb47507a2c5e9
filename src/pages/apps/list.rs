//! The catalog list of one device context: loads every page of `/me/apps` (the first is
//! shown as soon as it arrives, the rest follow with a progress line), then search,
//! filters, sort and the Installed view run in memory over [`Catalog`]. Only
//! [`PAGE_SIZE`] rows are in the DOM at a time, whatever the catalog's size.

use super::catalog::{Assignment, Catalog, Filters, InstallState};
use super::install::{assignment_key, state_key, why_key, InstallControl, Target};
use super::toolbar::Toolbar;
use crate::api::events::use_live_events;
use crate::api::{self, ApiError};
use crate::auth::use_auth;
use crate::components::error_text::ErrorText;
use crate::components::this_device::UserDevices;
use crate::config::PortalConfig;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use portal_core::api::{AppList, ContextRef, Event, InstallStatus, APP_PAGE_MAX};
use portal_core::domain::{AppRequest, AppRequestState};
use portal_core::rules::requests::RequestStatus;

/// Rows rendered at once: a few phone screens.
pub const PAGE_SIZE: usize = 30;
/// Featured apps shown above the list.
const FEATURED_MAX: usize = 8;

/// Where loading the catalog stands.
#[derive(Clone, PartialEq)]
enum Load {
    Loading { loaded: usize, total: Option<usize> },
    Done,
    Failed(ApiError),
}

/// Marks `name` on the Performance timeline (read by the end-to-end benchmark).
fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}

/// After the next frame's rendering work: "apps:rendered", and the measure from the data's
/// arrival to the first rendered catalog.
fn mark_first_render() {
    let callback = wasm_bindgen::closure::Closure::once_into_js(|| {
        mark("apps:rendered");
        if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
            let _ = performance.measure_with_start_mark_and_end_mark("apps:first-render", "apps:data", "apps:rendered");
        }
    });
    if let Some(window) = web_sys::window() {
        let _ = window.request_animation_frame(wasm_bindgen::JsCast::unchecked_ref(&callback));
    }
}

#[component]
pub fn CatalogView(context: String, devices: UserDevices) -> impl IntoView {
    let auth = use_auth();
    let config = StoredValue::new(use_context::<PortalConfig>());
    let i18n = use_i18n();
    let live = use_live_events();
    let catalog: RwSignal<Catalog, LocalStorage> = RwSignal::new_local(Catalog::default());
    let reference: RwSignal<Option<ContextRef>> = RwSignal::new(None);
    // Whether the tenant answered the last page from what it read earlier.
    let stale = RwSignal::new(None);
    let load_state = RwSignal::new(Load::Loading { loaded: 0, total: None });
    let filters = RwSignal::new(Filters::default());
    let page = RwSignal::new(0usize);
    let announcement = RwSignal::new(String::new());
    let context = StoredValue::new(context);

    // Every page of the context's catalog, one request after another (each bounded by the
    // API client's timeout). A failure keeps what arrived and offers to load the rest.
    let load = move || {
        let Some(config) = config.get_value() else { return };
        let context = context.get_value();
        leptos::task::spawn_local(async move {
            let mut offset = catalog.with_untracked(Catalog::len);
            let total = match load_state.get_untracked() {
                Load::Loading { total, .. } => total,
                _ => None,
            };
            load_state.set(Load::Loading { loaded: offset, total });
            loop {
                let result: Result<AppList, ApiError> =
                    api::apps::page(auth, &config, &context, offset, APP_PAGE_MAX).await;
                match result {
                    Ok(list) => {
                        let first = offset == 0;
                        if first {
                            mark("apps:data");
                        }
                        let count = list.apps.len();
                        let total = list.total;
                        reference.set(Some(list.context));
                        stale.set(list.stale);
                        catalog.update(|c| c.extend(list.apps));
                        if first {
                            mark_first_render();
                        }
                        offset += count;
                        if count == 0 || offset >= total {
                            load_state.set(Load::Done);
                            break;
                        }
                        load_state.set(Load::Loading { loaded: offset, total: Some(total) });
                    }
                    Err(error) => {
                        load_state.set(Load::Failed(error));
                        break;
                    }
                }
            }
        });
    };
    load();

    // The device installs go to, when the context is an enrolled device.
    let target = Memo::new(move |_| match reference.get() {
        Some(ContextRef::Enrolled { device_id, .. }) => Some(device_id),
        _ => None,
    });

    // A new install state for this device, from a request's answer or a live event.
    let apply = move |app_id: String, install: InstallStatus| {
        let mut name = None;
        catalog.update(|c| {
            if c.set_install(&app_id, install.clone()) {
                name = c.get(&app_id).map(|i| i.app.name.clone());
            }
        });
        if let Some(app) = name {
            let state = InstallState::of(Some(&install));
            announcement.set(format!("{app}: {}", i18n.text(state_key(state))));
        }
    };
    let on_status = Callback::new(move |(app_id, install): (String, InstallStatus)| apply(app_id, install));

    // The person's request for an app moved on (their own answer, or live). Waiting,
    // declined or withdrawn: shown as it is. Approved: the server's verdict changes (the app
    // becomes installable), so the app is read again for this context.
    let me = crate::components::shell::use_current_user();
    let on_request = Callback::new(move |request: AppRequest| {
        if request.state != AppRequestState::Approved {
            catalog.update(|c| {
                c.set_request(&request.app_id, RequestStatus::of(&request));
            });
            return;
        }
        let Some(config) = config.get_value() else { return };
        let context = context.get_value();
        leptos::task::spawn_local(async move {
            if let Ok(details) = api::apps::details(auth, &config, &request.app_id, &context).await {
                catalog.update(|c| {
                    c.replace(details.item());
                });
            }
        });
    });
    Effect::new(move |first: Option<()>| {
        let event = live.latest();
        if first.is_none() {
            return;
        }
        match event {
            Some(Event::Install { device_id, app_id, install })
                if target.get_untracked().as_deref() == Some(device_id.as_str()) =>
            {
                apply(app_id, install);
            }
            // Approvers hear of others' requests too: only the person's own change their list.
            Some(Event::AppRequest { request }) => {
                let mine = me.with_untracked(|p| p.as_ref().map(|p| p.id == request.requester_id));
                if mine == Some(true) {
                    on_request.run(request);
                }
            }
            _ => {}
        }
    });

    // The matches, recomputed per keystroke; a new search starts at the first page.
    let matches = Memo::new(move |_| filters.with(|f| catalog.with(|c| c.matching(f))));
    Effect::new(move |_| {
        filters.track();
        page.set(0);
    });
    let unenrolled = move || matches!(reference.get(), Some(ContextRef::Unenrolled { .. } | ContextRef::None));

    view! {
        {move || view! { <crate::components::stale::StaleNotice stale=stale.get() /> }}
        {move || unenrolled().then(|| view! {
            <p class="context-note">{move || if matches!(reference.get(), Some(ContextRef::None)) {
                i18n.text(key!(apps.none_note))
            } else {
                i18n.text(key!(apps.unenrolled_note))
            }}</p>
        })}
        <Progress load_state catalog retry=Callback::new(move |_| load()) />
        <div class="sr-only" role="status" aria-live="polite">{move || announcement.get()}</div>
        {move || (!catalog.with(Catalog::is_empty)).then(|| view! {
            <Toolbar filters catalog />
            <Featured filters catalog />
            <Results filters catalog matches page target devices on_status on_request />
        })}
        {move || (load_state.get() == Load::Done && catalog.with(Catalog::is_empty)).then(|| view! {
            <p class="empty">{tr!(apps.empty_context)}</p>
        })}
    }
}

#[component]
fn Progress(
    load_state: RwSignal<Load>,
    catalog: RwSignal<Catalog, LocalStorage>,
    retry: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    move || match load_state.get() {
        Load::Loading { loaded, total } => {
            let text = match total {
                Some(total) => i18n.format(
                    key!(apps.loading_progress),
                    &[
                        ("loaded", &crate::i18n::number(i18n.locale(), loaded as f64)),
                        ("expected", &crate::i18n::number(i18n.locale(), total as f64)),
                    ],
                ),
                None => i18n.text(key!(apps.loading)).to_string(),
            };
            let max = total.unwrap_or(0).max(1).to_string();
            view! {
                <div class="loading waiting" role="status">
                    <span class="spinner" aria-hidden="true"></span> {text}
                    {total.map(|_| view! { <progress max=max value=loaded.to_string()></progress> })}
                </div>
            }
            .into_any()
        }
        Load::Done => ().into_any(),
        Load::Failed(error) => {
            let partial = !catalog.with_untracked(Catalog::is_empty);
            view! {
                <div class="error" role="alert">
                    <p><ErrorText error /></p>
                    {partial.then(|| view! { <p>{tr!(apps.partial)}</p> })}
                    <button class="button" on:click=move |_| retry.run(())>{tr!(apps.retry_load)}</button>
                </div>
            }
            .into_any()
        }
    }
}

#[component]
fn Featured(filters: RwSignal<Filters>, catalog: RwSignal<Catalog, LocalStorage>) -> impl IntoView {
    let shown = move || filters.with(|f| !f.narrows() && !f.installed_only);
    let featured = Memo::new(move |_| catalog.with(|c| c.featured(FEATURED_MAX)));
    move || {
        (shown() && !featured.with(Vec::is_empty)).then(|| {
            view! {
                <section class="featured" aria-labelledby="featured-title">
                    <h2 id="featured-title">{tr!(apps.featured)}</h2>
                    <ul class="featured-list">
                        {featured.get().into_iter().filter_map(|i| catalog.with_untracked(|c| c.item(i).map(|i| i.app.clone()))).map(|app| view! {
                            <li class="featured-app">
                                <a href=format!("/apps/{}", app.id)>
                                    <AppIcon src=app.icon_url.clone() />
                                    <span class="featured-name">{app.name.clone()}</span>
                                </a>
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
            }
        })
    }
}

#[component]
pub fn AppIcon(src: Option<String>) -> impl IntoView {
    match src {
        // Decorative: the app's name is always next to it.
        Some(src) => view! { <img class="app-icon" src=src alt="" width="40" height="40" loading="lazy" /> }.into_any(),
        None => view! { <span class="app-icon placeholder-icon" aria-hidden="true"></span> }.into_any(),
    }
}

#[component]
fn Results(
    filters: RwSignal<Filters>,
    catalog: RwSignal<Catalog, LocalStorage>,
    matches: Memo<Vec<usize>>,
    page: RwSignal<usize>,
    target: Memo<Option<String>>,
    devices: UserDevices,
    on_status: Callback<(String, InstallStatus)>,
    on_request: Callback<AppRequest>,
) -> impl IntoView {
    let i18n = use_i18n();
    let count = move || matches.with(Vec::len);
    let pages = move || count().div_ceil(PAGE_SIZE).max(1);
    let is_empty = Memo::new(move |_| count() == 0);
    let several_pages = Memo::new(move |_| pages() > 1);
    let rows = move || {
        let start = page.get() * PAGE_SIZE;
        matches.with(|m| m.iter().skip(start).take(PAGE_SIZE).copied().collect::<Vec<_>>())
    };
    let summary = move || {
        let start = page.get() * PAGE_SIZE;
        let end = (start + PAGE_SIZE).min(count());
        i18n.format(
            key!(apps.showing),
            &[
                ("from", &crate::i18n::number(i18n.locale(), (start + 1) as f64)),
                ("to", &crate::i18n::number(i18n.locale(), end as f64)),
                ("matching", &crate::i18n::number(i18n.locale(), count() as f64)),
            ],
        )
    };
    let target_for_row = move || {
        target.get().map(|device_id| {
            let id = device_id.clone();
            Target { device_id, device_name: Signal::derive(move || devices.device_name(&id)) }
        })
    };
    let empty = move || {
        filters.with(|f| {
            if f.narrows() {
                view! {
                    <div class="empty">
                        <p>{tr!(apps.empty_filtered)}</p>
                        <button class="button" on:click=move |_| filters.update(|f| *f = f.cleared())>{tr!(apps.clear)}</button>
                    </div>
                }
                .into_any()
            } else if f.installed_only {
                view! {
                    <div class="empty">
                        <p>{tr!(apps.empty_installed)}</p>
                        <button class="button" on:click=move |_| filters.update(|f| f.installed_only = false)>{tr!(apps.browse_all)}</button>
                    </div>
                }
                .into_any()
            } else {
                ().into_any()
            }
        })
    };
    view! {
        <section class="results" aria-labelledby="results-title">
            <h2 id="results-title" class="results-title">
                {move || if filters.with(|f| f.installed_only) { i18n.text(key!(apps.view_installed)) } else { i18n.text(key!(apps.view_all)) }}
            </h2>
            // Only the parts that change are reactive: rows stay in place while the
            // matches change around them (a keystroke re-renders only rows that differ).
            {move || is_empty.get().then(empty)}
            <p class="results-summary" aria-live="polite" hidden=move || count() == 0
                data-matches=move || count().to_string()>{summary}</p>
            <ul class="app-list">
                <For each=rows key=|i| *i let:index>
                    <AppRow index catalog target=target_for_row() on_status on_request />
                </For>
            </ul>
            {move || several_pages.get().then(|| view! {
                <nav class="pager" aria-label=crate::text::attr(key!(apps.pagination))>
                    <button class="button" disabled=move || page.get() == 0
                        on:click=move |_| { page.update(|p| *p = p.saturating_sub(1)); scroll_to_results(); }>
                        {tr!(apps.previous)}
                    </button>
                    <span>{move || i18n.format(key!(apps.page_of), &[
                        ("page", &crate::i18n::number(i18n.locale(), (page.get() + 1) as f64)),
                        ("pages", &crate::i18n::number(i18n.locale(), pages() as f64)),
                    ])}</span>
                    <button class="button" disabled=move || { page.get() + 1 >= pages() }
                        on:click=move |_| { page.update(|p| *p += 1); scroll_to_results(); }>
                        {tr!(apps.next)}
                    </button>
                </nav>
            })}
        </section>
    }
}

/// A new page starts at its heading (focus there too, so keyboard users begin at the top).
fn scroll_to_results() {
    if let Some(heading) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("results-title"))
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
    {
        heading.set_tab_index(-1);
        let _ = heading.focus();
        heading.scroll_into_view();
    }
}

#[component]
fn AppRow(
    index: usize,
    catalog: RwSignal<Catalog, LocalStorage>,
    target: Option<Target>,
    on_status: Callback<(String, InstallStatus)>,
    on_request: Callback<AppRequest>,
) -> impl IntoView {
    let Some(item) = catalog.with_untracked(|c| c.item(index).cloned()) else { return ().into_any() };
    let app = item.app.clone();
    let why = why_key(&item);
    let assignment = Assignment::of(&item);
    // Memoised: the row's controls read it often, and only a change to this app re-renders them.
    let live_item: Signal<Option<portal_core::api::CatalogItem>> =
        Memo::new(move |_| catalog.with(|c| c.item(index).cloned())).into();
    view! {
        <li class="app-row card" data-app=app.id.clone()>
            <AppIcon src=app.icon_url.clone() />
            <div class="app-body">
                <h3 class="app-name"><a href=format!("/apps/{}", app.id)>{app.name.clone()}</a></h3>
                <p class="app-meta">{app.publisher.clone()}</p>
                <p class="app-why">
                    <span class=format!("badge assignment-{:?}", assignment).to_lowercase()>{crate::text::text(assignment_key(assignment))}</span>
                    " " {why.map(crate::text::text)}
                </p>
            </div>
            <InstallControl item=live_item target on_status on_request />
        </li>
    }
    .into_any()
}
