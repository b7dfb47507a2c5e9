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
