//! The Apps catalog in a real browser (headless Chromium and Firefox, chosen by
//! scripts/test): instant search over name, publisher and description, the filters
//! (assignment, category, publisher, install state, the Installed view), the three sort
//! orders, live install updates, and a catalog of thousands of apps filtered per keystroke.
#![cfg(target_arch = "wasm32")]

use portal::device_context::{platform_of_user_agent, unenrolled, unenrolled_platform};
use portal::pages::apps::catalog::{Assignment, Catalog, Filters, InstallState, Sort};
use portal_core::api::{CatalogItem, InstallOperation, InstallStatus};
use portal_core::domain::{App, AppSource, Platform, ResolvedIntent, ResultantAppState};
use portal_core::rules::catalog::{CatalogEntry, ShownReason, Visibility};
use wasm_bindgen_test::*;

mod support;

wasm_bindgen_test_configure!(run_in_browser);

fn item(id: &str, name: &str, publisher: &str, description: &str, category: &str, published: &str) -> CatalogItem {
    CatalogItem {
        app: App {
            id: id.into(),
            name: name.into(),
            publisher: publisher.into(),
            description: description.into(),
            version: None,
            size_bytes: None,
            platforms: vec![Platform::Ios],
            minimum_os: None,
            categories: vec![category.into()],
            featured: false,
            source: AppSource::Store,
            icon_url: None,
            information_url: None,
            privacy_url: None,
            published: published.into(),
        },
        catalog: CatalogEntry {
            app_id: id.into(),
            intent: ResolvedIntent::Available,
            visibility: Visibility::Shown(ShownReason::Available),
            can_install: true,
            can_uninstall: false,
        },
        install: None,
        self_service: true,
        request: None,
    }
}

fn required(mut item: CatalogItem) -> CatalogItem {
    item.catalog.intent = ResolvedIntent::Required;
    item.catalog.visibility = Visibility::Shown(ShownReason::Required);
    item.catalog.can_install = false;
    item
}

fn with_state(mut item: CatalogItem, state: ResultantAppState, pending: Option<InstallOperation>) -> CatalogItem {
    item.install =
        Some(InstallStatus { state, pending, last_updated_date_time: "2026-11-21T07:00:00Z".into(), failure: None });
    item
}

fn sample() -> Catalog {
    Catalog::new(vec![
        with_state(
            required(item(
                "teams",
                "Microsoft Teams",
                "Microsoft Corporation",
                "Chat and meetings.",
                "Collaboration",
                "2026-03-01T00:00:00Z",
            )),
            ResultantAppState::Installed,
            None,
        ),
        item(
            "expenses",
            "Contoso Expenses",
            "Contoso IT",
            "Photograph receipts and file expense reports.",
            "Finance",
            "2026-05-01T00:00:00Z",
        ),
        with_state(
            item(
                "notebook",
                "Lab Notebook",
                "Contoso IT",
                "Electronic lab notebook.",
                "Research",
                "2026-01-01T00:00:00Z",
            ),
            ResultantAppState::Failed,
            None,
        ),
        with_state(
            item(
                "atlas",
                "Atlas Maps",
                "Tailspin Mapping",
                "Maps for the sales team.",
                "Sales",
                "2026-07-01T00:00:00Z",
            ),
            ResultantAppState::NotInstalled,
            Some(InstallOperation::Install),
        ),
        required(item(
            "vpn",
            "Contoso VPN",
            "Contoso IT",
            "Secure tunnel to the office.",
            "Security",
            "2025-12-01T00:00:00Z",
        )),
    ])
}

fn ids(catalog: &Catalog, filters: &Filters) -> Vec<String> {
    catalog.matching(filters).into_iter().map(|i| catalog.item(i).unwrap().app.id.clone()).collect()
}

fn text(t: &str) -> Filters {
    Filters { text: t.into(), ..Filters::default() }
}

#[wasm_bindgen_test]
fn search_matches_name_publisher_and_description_ignoring_case_every_word() {
    let c = sample();
    assert_eq!(ids(&c, &text("teams")), ["teams"]);
    assert_eq!(ids(&c, &text("TAILSPIN")), ["atlas"], "publisher");
    assert_eq!(ids(&c, &text("receipts")), ["expenses"], "description");
    assert_eq!(ids(&c, &text("contoso tunnel")), ["vpn"], "every word must match");
    assert_eq!(ids(&c, &text("  ")).len(), 5, "blank search shows everything");
    assert!(ids(&c, &text("no-such-app")).is_empty());
}

#[wasm_bindgen_test]
fn sorts_by_name_publisher_and_newest() {
    let c = sample();
    let by = |sort| ids(&c, &Filters { sort, ..Filters::default() });
    assert_eq!(by(Sort::Name), ["atlas", "expenses", "vpn", "notebook", "teams"]);
    let publishers: Vec<String> = c
        .matching(&Filters { sort: Sort::Publisher, ..Filters::default() })
        .into_iter()
        .map(|i| c.item(i).unwrap().app.publisher.clone())
        .collect();
    assert_eq!(publishers, ["Contoso IT", "Contoso IT", "Contoso IT", "Microsoft Corporation", "Tailspin Mapping"]);
    assert_eq!(by(Sort::Newest), ["atlas", "expenses", "teams", "notebook", "vpn"]);
    // Within a publisher, by name (the sort is stable over the name order).
    assert_eq!(&by(Sort::Publisher)[..3], ["expenses", "vpn", "notebook"]);
}

#[wasm_bindgen_test]
fn filters_narrow_by_assignment_category_publisher_and_state() {
    let c = sample();
    assert_eq!(ids(&c, &Filters { assignment: Some(Assignment::Required), ..Filters::default() }), ["vpn", "teams"]);
    assert_eq!(
        ids(&c, &Filters { assignment: Some(Assignment::Available), ..Filters::default() }),
        ["atlas", "expenses", "notebook"]
    );
    assert_eq!(ids(&c, &Filters { category: Some("Finance".into()), ..Filters::default() }), ["expenses"]);
    assert_eq!(
        ids(&c, &Filters { publisher: Some("Contoso IT".into()), ..Filters::default() }),
        ["expenses", "vpn", "notebook"]
    );
    assert_eq!(ids(&c, &Filters { state: Some(InstallState::Failed), ..Filters::default() }), ["notebook"]);
    assert_eq!(ids(&c, &Filters { state: Some(InstallState::Installing), ..Filters::default() }), ["atlas"]);
    assert_eq!(
        ids(&c, &Filters { state: Some(InstallState::NotInstalled), ..Filters::default() }),
        ["expenses", "vpn"]
    );
    // Filters combine with search.
    let f = Filters { text: "contoso".into(), assignment: Some(Assignment::Required), ..Filters::default() };
    assert_eq!(ids(&c, &f), ["vpn"]);
    assert!(f.narrows());
    assert_eq!(f.cleared(), Filters::default());
    assert_eq!(c.categories(), ["Collaboration", "Finance", "Research", "Sales", "Security"]);
    assert_eq!(c.publishers(), ["Contoso IT", "Microsoft Corporation", "Tailspin Mapping"]);
}

#[wasm_bindgen_test]
fn the_installed_view_lists_what_is_on_the_device_or_on_its_way() {
    let c = sample();
    let installed = Filters { installed_only: true, ..Filters::default() };
    assert_eq!(ids(&c, &installed), ["atlas", "notebook", "teams"]);
    assert!(!installed.narrows(), "a view, not a filter");
}

#[wasm_bindgen_test]
fn live_install_states_update_in_place() {
    let mut c = sample();
    let status = InstallStatus {
        state: ResultantAppState::Installed,
        pending: None,
        last_updated_date_time: "2026-11-21T08:00:00Z".into(),
        failure: None,
    };
    assert!(c.set_install("expenses", status.clone()));
    assert!(!c.set_install("someone-elses", status));
    assert_eq!(InstallState::of(c.get("expenses").unwrap().install.as_ref()), InstallState::Installed);
    // A second page replaces an app it repeats rather than listing it twice.
    c.extend(vec![item("expenses", "Contoso Expenses", "Contoso IT", "", "Finance", "2026-05-01T00:00:00Z")]);
    assert_eq!(c.len(), 5);
}

#[wasm_bindgen_test]
fn thousands_of_apps_filter_within_a_frame() {
    let items: Vec<CatalogItem> = (0..2_000)
        .map(|i| {
            item(
                &format!("a-{i:05}"),
                &format!("App {i} {}", ["Ledger", "Atlas", "Pulse", "Beacon"][i % 4]),
                ["Northwind", "Fabrikam", "Contoso", "Tailspin"][i % 4],
                &format!("Generated app number {i} helps you get work done."),
                ["Finance", "Sales", "Research"][i % 3],
                &format!("2026-{:02}-01T00:00:00Z", i % 12 + 1),
            )
        })
        .collect();
    let performance = web_sys::window().unwrap().performance().unwrap();
    let started = performance.now();
    let catalog = Catalog::new(items);
    let indexed = performance.now() - started;
    let mut worst: f64 = 0.0;
    let mut typed = String::new();
    for c in "beacon 19".chars() {
        typed.push(c);
        let filters = Filters { text: typed.clone(), sort: Sort::Newest, ..Filters::default() };
        // The best of three runs: filtering costs the same each time, so the best run is its
        // cost and the others add only what the machine did meanwhile (a garbage collection,
        // another process). A single run once took 4.96 ms in Firefox on a busy CI machine
        // where it usually takes 0.7 ms.
        let cost = (0..3)
            .map(|_| {
                let t = performance.now();
                let _ = catalog.matching(&filters);
                performance.now() - t
            })
            .fold(f64::INFINITY, f64::min);
        worst = worst.max(cost);
    }
    assert_eq!(catalog.matching(&text("beacon 1999")).len(), 1);
    // A frame is 16 ms; filtering is only part of a keystroke's work, so it gets a quarter.
    assert!(worst < 4.0, "the slowest keystroke filtered in {worst:.2} ms (indexing took {indexed:.1} ms)");
}

#[wasm_bindgen_test]
fn user_agents_suggest_a_platform() {
    let iphone = "mozilla/5.0 (iphone; cpu iphone os 17_0 like mac os x) applewebkit/605.1.15";
    assert_eq!(platform_of_user_agent(iphone), Some(Platform::Ios));
    assert_eq!(platform_of_user_agent("mozilla/5.0 (ipad; cpu os 17_0 like mac os x)"), Some(Platform::Ipados));
    assert_eq!(platform_of_user_agent("mozilla/5.0 (linux; android 14; pixel 8)"), Some(Platform::Android));
    assert_eq!(platform_of_user_agent("mozilla/5.0 (windows nt 10.0; win64; x64)"), Some(Platform::Windows));
    assert_eq!(platform_of_user_agent("mozilla/5.0 (macintosh; intel mac os x 14_0)"), Some(Platform::Macos));
    assert_eq!(platform_of_user_agent("mozilla/5.0 (x11; linux x86_64)"), None);
}

#[wasm_bindgen_test]
fn unlisted_device_contexts_round_trip() {
    for p in Platform::ALL {
        assert_eq!(unenrolled_platform(&unenrolled(p)), Some(p));
    }
    assert_eq!(unenrolled_platform("unenrolled:tv"), None);
    assert_eq!(unenrolled_platform("dev-1"), None);
}

// ---- Asking for an app (issue 16): every text in every language, and the controls as a
// person sees them.

mod requests {
    use super::item;
    use super::support::{container, settle};
    use leptos::prelude::*;
    use portal::i18n::{fill, lookup, use_i18n, I18nProvider, Locale};
    use portal::pages::approvals::outcome_key;
    use portal::pages::apps::request::{refusal_key, RequestControl, RequestDialog};
    use portal_core::api::CatalogItem;
    use portal_core::domain::AppRequestState;
    use portal_core::rules::requests::{RequestOffer, RequestRefusal as R, RequestStatus};
    use wasm_bindgen::JsCast;
    use wasm_bindgen_test::*;

    /// One of each refusal. The match makes a new variant a compile error here.
    fn every_refusal() -> Vec<R> {
        let all = vec![
            R::NotRequestable,
            R::RequestNotOffered,
            R::AlreadyRequested,
            R::AlreadyApproved,
            R::ReasonRequired,
            R::ReasonTooLong,
            R::CommentTooLong,
            R::OwnRequest,
            R::RequestNotPending,
        ];
        for r in &all {
            match r {
                R::NotRequestable
                | R::RequestNotOffered
                | R::AlreadyRequested
                | R::AlreadyApproved
                | R::ReasonRequired
                | R::ReasonTooLong
                | R::CommentTooLong
                | R::OwnRequest
                | R::RequestNotPending => {}
            }
        }
        all
    }

    #[wasm_bindgen_test]
    fn every_request_text_reads_in_every_language() {
        use portal::key;
        for locale in Locale::ALL {
            for reason in every_refusal() {
                let text = lookup(*locale, refusal_key(reason));
                assert!(text.len() > 15 && !text.contains("{{"), "{locale:?} {reason:?}: {text:?}");
            }
            for state in [
                AppRequestState::Pending,
                AppRequestState::Approved,
                AppRequestState::Declined,
                AppRequestState::Withdrawn,
            ] {
                assert!(!lookup(*locale, outcome_key(state)).is_empty(), "{locale:?} {state:?}");
            }
            for k in [
                key!(nav.approvals),
                key!(requests.request),
                key!(requests.ask_again),
                key!(requests.pending),
                key!(requests.withdraw),
                key!(requests.declined),
                key!(requests.approver_comment),
                key!(requests.approved),
                key!(requests.dialog.intro),
                key!(requests.dialog.cancel),
                key!(requests.dialog.send),
                key!(requests.withdraw_dialog.body),
                key!(requests.withdraw_dialog.cancel),
                key!(requests.withdraw_dialog.confirm),
                key!(approvals.title),
                key!(approvals.intro),
                key!(approvals.loading),
                key!(approvals.waiting),
                key!(approvals.none_waiting),
                key!(approvals.decided),
                key!(approvals.none_decided),
                key!(approvals.reason),
                key!(approvals.own_request),
                key!(approvals.approve),
                key!(approvals.decline),
                key!(approvals.comment_was),
            ] {
                let text = lookup(*locale, k);
                assert!(!text.is_empty() && !text.contains("{{"), "{locale:?}: {text:?}");
            }
            for k in [
                key!(requests.request_label),
                key!(requests.withdraw_label),
                key!(requests.dialog.title),
                key!(requests.dialog.reason),
                key!(requests.withdraw_dialog.title),
            ] {
                let text = fill(lookup(*locale, k), &[("app", "Contoso Data Lab")]);
                assert!(text.contains("Contoso Data Lab") && !text.contains("{{"), "{locale:?}: {text}");
            }
            for k in [key!(approvals.approve_label), key!(approvals.decline_label)] {
                let text = fill(lookup(*locale, k), &[("app", "Contoso Data Lab"), ("person", "Kenji Sato")]);
                assert!(text.contains("Contoso Data Lab") && text.contains("Kenji Sato"), "{locale:?}: {text}");
            }
            for k in [key!(approvals.asks), key!(approvals.comment), key!(approvals.decided_by)] {
                let text = fill(lookup(*locale, k), &[("person", "Kenji Sato")]);
                assert!(text.contains("Kenji Sato") && !text.contains("{{"), "{locale:?}: {text}");
            }
            for k in [key!(approvals.asked_at), key!(approvals.decided_at), key!(approvals.withdrawn_at)] {
                let text = fill(lookup(*locale, k), &[("when", "21/11/2026 07:00")]);
                assert!(text.contains("21/11/2026 07:00") && !text.contains("{{"), "{locale:?}: {text}");
            }
            for n in [0.0, 1.0, 2.0, 3.0, 12.0, 100.0, 500.0] {
                let max = portal::i18n::number(*locale, 500.0);
                let count = portal::i18n::plural(*locale, key!(requests.count), n, &[("max", &max)]);
                assert!(count.contains(&max) && !count.contains("{{"), "{locale:?} {n}: {count}");
            }
            // The notifications about requests, in words (the server's English is only a fallback).
            for k in [
                key!(notifications.portal.app_requested.title),
                key!(notifications.portal.app_requested.body),
                key!(notifications.portal.app_request_approved.title),
                key!(notifications.portal.app_request_approved.body),
                key!(notifications.portal.app_request_declined.title),
                key!(notifications.portal.app_request_declined.body),
                key!(notifications.portal.app_request_withdrawn.title),
                key!(notifications.portal.app_request_withdrawn.body),
            ] {
                let text = fill(lookup(*locale, k), &[("app", "Contoso Data Lab"), ("person", "Hannah Lindqvist")]);
                assert!(text.contains("Contoso Data Lab") && !text.contains("{{"), "{locale:?}: {text}");
            }
        }
    }

    #[component]
    fn InLocale(locale: Locale, children: Children) -> impl IntoView {
        use_i18n().set_locale(locale);
        children()
    }

    fn requestable(latest: Option<(AppRequestState, Option<&str>)>) -> CatalogItem {
        let mut item = item("data-lab", "Contoso Data Lab", "Contoso IT", "", "Research", "2026-10-01T09:00:00Z");
        item.catalog.can_install = false;
        item.request = Some(RequestOffer {
            latest: latest.map(|(state, comment)| RequestStatus {
                id: "req-1".into(),
                state,
                comment: comment.map(str::to_string),
            }),
        });
        item
    }

    fn mount_control(root: &web_sys::HtmlElement, locale: Locale, item: CatalogItem) -> impl Drop {
        leptos::mount::mount_to(root.clone(), move || {
            let item = Signal::derive({
                let item = item.clone();
                move || Some(item.clone())
            });
            view! {
                <I18nProvider>
                    <InLocale locale>
                        <RequestControl item on_request=Callback::new(|_| ()) />
                    </InLocale>
                </I18nProvider>
            }
        })
    }

    /// Request, waiting (with Withdraw), declined (the approver's comment, Ask again) and
    /// approved, as the app's control shows them, in every language; RTL for Arabic.
    #[wasm_bindgen_test]
    async fn the_request_control_shows_where_a_request_stands_in_every_language() {
        use portal::key;
        for locale in Locale::ALL {
            let cases = [
                (None, Some(key!(requests.request)), None),
                (Some((AppRequestState::Withdrawn, None)), Some(key!(requests.request)), None),
                (Some((AppRequestState::Pending, None)), Some(key!(requests.withdraw)), Some(key!(requests.pending))),
                (
                    Some((AppRequestState::Declined, Some("No licence left"))),
                    Some(key!(requests.ask_again)),
                    Some(key!(requests.declined)),
                ),
                (Some((AppRequestState::Approved, None)), None, Some(key!(requests.approved))),
            ];
            for (latest, button, state) in cases {
                let root = container();
                let handle = mount_control(&root, *locale, requestable(latest));
                settle().await;
                let text = root.text_content().unwrap_or_default();
                let buttons: Vec<String> = {
                    let list = root.query_selector_all("button").expect("selector");
                    (0..list.length()).filter_map(|i| list.item(i)).filter_map(|n| n.text_content()).collect()
                };
                match button {
                    Some(k) => assert_eq!(buttons, vec![lookup(*locale, k).to_string()], "{locale:?} {latest:?}"),
                    None => assert!(buttons.is_empty(), "{locale:?} {latest:?}: {buttons:?}"),
                }
                if let Some(k) = state {
                    assert!(text.contains(lookup(*locale, k)), "{locale:?} {latest:?}: {text}");
                }
                if latest.is_some_and(|(_, c)| c.is_some()) {
                    assert!(text.contains("No licence left"), "the approver's comment: {text}");
                }
                if let Some(b) = root.query_selector("button").expect("selector") {
                    let label = b.get_attribute("aria-label").unwrap_or_default();
                    assert!(label.contains("Contoso Data Lab"), "{locale:?}: the button names the app: {label}");
                }
                drop(handle);
                root.remove();
            }
        }
    }

    /// The dialog: labelled, modal, focus in the reason; the count follows the typing in
    /// the reader's language, and an empty or too long reason is refused with the server's
    /// rule before anything is sent.
    #[wasm_bindgen_test]
    async fn the_request_dialog_counts_and_checks_the_reason_in_every_language() {
        use portal::key;
        for locale in Locale::ALL {
            let root = container();
            let closed = RwSignal::new(false);
            let handle = leptos::mount::mount_to(root.clone(), move || {
                view! {
                    <I18nProvider>
                        <InLocale locale=*locale>
                            <RequestDialog app_id="data-lab".into() app="Contoso Data Lab".into()
                                on_sent=Callback::new(|_| ()) on_close=Callback::new(move |_| closed.set(true)) />
                        </InLocale>
                    </I18nProvider>
                }
            });
            settle().await;
            let dialog = root
                .query_selector("dialog")
                .expect("selector")
                .expect("a dialog")
                .unchecked_into::<web_sys::HtmlDialogElement>();
            assert!(dialog.open(), "{locale:?}: shown as a modal");
            let title = root.query_selector("#request-title").expect("selector").expect("title");
            assert_eq!(dialog.get_attribute("aria-labelledby").as_deref(), Some("request-title"));
            assert!(title.text_content().unwrap_or_default().contains("Contoso Data Lab"));
            let label = root.query_selector("label[for=request-reason]").expect("selector").expect("a label");
            assert!(label.text_content().unwrap_or_default().contains("Contoso Data Lab"), "{locale:?}");
            let count = || root.query_selector("#request-count").ok().flatten().and_then(|c| c.text_content());
            let zero = portal::i18n::plural(
                *locale,
                key!(requests.count),
                0.0,
                &[("max", &portal::i18n::number(*locale, 500.0))],
            );
            assert_eq!(count(), Some(zero), "{locale:?}");

            // Empty: refused in words, nothing closes.
            let send = root.query_selector("button[data-send-request]").expect("selector").expect("send");
            send.unchecked_ref::<web_sys::HtmlElement>().click();
            settle().await;
            let invalid = root.query_selector("#request-invalid").expect("selector").expect("error").text_content();
            assert_eq!(invalid.as_deref(), Some(lookup(*locale, refusal_key(R::ReasonRequired))), "{locale:?}");
            assert!(!closed.get_untracked());

            // Typing: counted (characters, not bytes), and too long is refused.
            let area = root.query_selector("#request-reason").expect("selector").expect("textarea");
            js_sys::Reflect::set(&area, &"value".into(), &"é".repeat(501).into()).expect("value");
            area.dispatch_event(&web_sys::Event::new("input").expect("event")).expect("input");
            settle().await;
            let used = portal::i18n::number(*locale, 501.0);
            assert!(count().unwrap_or_default().contains(&used), "{locale:?}: {:?}", count());
            assert_eq!(area.get_attribute("aria-invalid").as_deref(), Some("true"), "{locale:?}");
            let invalid = root.query_selector("#request-invalid").expect("selector").expect("error").text_content();
            assert_eq!(invalid.as_deref(), Some(lookup(*locale, refusal_key(R::ReasonTooLong))), "{locale:?}");

            // Escape (the dialog's cancel) closes it.
            dialog.dispatch_event(&web_sys::Event::new("cancel").expect("event")).expect("cancel");
            settle().await;
            assert!(closed.get_untracked(), "{locale:?}: Escape closes the dialog");
            assert!(!dialog.open());
            if *locale == Locale::ar {
                assert_eq!(document().document_element().and_then(|e| e.get_attribute("dir")).as_deref(), Some("rtl"));
            }
            drop(handle);
            root.remove();
        }
    }
}
