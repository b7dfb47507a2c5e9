//! The tenant store over a real SQLite file: the demo tenant's contents, caller-scoped
//! reads and writes, all-or-nothing imports, and the `hash-password` and
//! `generate-tenant` commands of the real binary.

mod support;

use portal_core::api::InstallOperation;
use portal_core::domain::{
    ActionState, MessageCode, OrganisationSettings, PortalMessage, RemoteAction, ResolvedIntent, ResultantAppState,
};
use portal_core::rules::actions::{availability, Availability, Reason};
use portal_core::rules::catalog::{entry, Caller, DeviceContext};
use portal_core::rules::protection::{protection_status, ProtectionStatus};
use portal_server::store::Store;
use portal_server::tenant::ActionQueued;
use portal_server::tenant_file::Source;
use std::collections::BTreeSet;
use std::process::Stdio;
use tokio::io::AsyncWriteExt;

const PASSWORD: &str = "Portal-Demo-2026!";
const USERS: [&str; 7] = ["u-amara", "u-jonas", "u-priya", "u-mateo", "u-hannah", "u-kenji", "u-sofia"];

async fn demo_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("portal.db")).await.expect("open");
    store.load_tenant(&Source::demo(), false).await.expect("demo imports");
    (dir, store)
}

#[tokio::test]
async fn the_demo_tenant_has_what_the_issue_asks_for() {
    let (_dir, store) = demo_store().await;
    let catalog = store.apps_with_assignments().await.expect("catalog");
    assert!(catalog.len() >= 40, "{} apps", catalog.len());
    let platforms: BTreeSet<_> = catalog.apps().iter().flat_map(|a| a.app.platforms.clone()).collect();
    assert_eq!(platforms.len(), 6, "iOS, iPadOS, Android, Windows, macOS and web: {platforms:?}");
    assert!(catalog.apps().iter().any(|a| a.fails_install));
    assert!(catalog.apps().iter().any(|a| a.assignments.iter().any(|s| !s.excluded_groups.is_empty())));
    for a in catalog.apps() {
        let icon = a.app.icon_url.as_deref().expect("every demo app has an icon");
        assert!(portal_server::assets::exists(icon), "{icon}");
    }

    // Every user can sign in with the documented password.
    let conn = rusqlite::Connection::open(_dir.path().join("portal.db")).expect("open");
    let hashes: Vec<String> = conn
        .prepare("SELECT password_hash FROM users")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("hashes");
    assert!(hashes.len() >= 6);
    for hash in &hashes {
        assert!(verifies(PASSWORD, hash), "{hash}");
    }

    // Between them, the devices hit every restriction of DOMAIN.md's action table.
    let settings = store.organisation_settings().await.expect("settings");
    assert!(settings.is_remove_device_disabled && settings.is_factory_reset_disabled);
    let mut reasons = BTreeSet::new();
    let mut devices = 0;
    for user in USERS {
        for device in store.devices_of_user(user).await.expect("devices") {
            devices += 1;
            for action in RemoteAction::ALL {
                if let Availability::Unavailable(reason) = availability(&device, action, user, &settings) {
                    reasons.insert(format!("{reason:?}"));
                }
            }
            // Someone else's device: only its primary user may act.
            let stranger = if user == "u-amara" { "u-jonas" } else { "u-amara" };
            if let Availability::Unavailable(reason) = availability(&device, RemoteAction::Sync, stranger, &settings) {
                reasons.insert(format!("{reason:?}"));
            }
        }
    }
    assert!(devices >= 12, "{devices} devices with a primary user");
    let wanted = [
        Reason::NotPrimaryUser,
        Reason::DeviceEnrollmentManager,
        Reason::EntraJoinedWindows,
        Reason::AppleAutomatedDeviceEnrollment,
        Reason::IosUserEnrollment,
        Reason::HiddenByOrganisation,
        Reason::AndroidWorkProfileNoPasscodeReset,
        Reason::AndroidDeviceAdminNoPasscodeReset,
        Reason::AlreadyPending,
    ];
    for reason in wanted {
        assert!(reasons.contains(&format!("{reason:?}")), "no demo device shows {reason:?}: {reasons:?}");
    }
    for kind in ["FullyManaged", "CorporateWorkProfile"] {
        assert!(reasons.iter().any(|r| r.contains("AndroidCorporateOwned") && r.contains(kind)), "{kind}: {reasons:?}");
    }

    // Every protection status shows somewhere.
    let policies = store.protection_policies().await.expect("policies");
    assert!(policies.len() >= 2);
    let mut statuses = BTreeSet::new();
    for user in USERS {
        for registration in store.protected_apps_of_user(user).await.expect("registrations") {
            let status = match protection_status(&registration, &policies) {
                ProtectionStatus::Blocked { .. } => "blocked".to_string(),
                other => format!("{other:?}"),
            };
            statuses.insert(status);
        }
    }
    for status in ["Protected", "WaitingForCheckIn", "blocked", "WipePending", "WipeDone"] {
        assert!(statuses.contains(status), "{status}: {statuses:?}");
    }
    for user in ["u-amara", "u-jonas", "u-priya"] {
        assert!(!store.unenrolled_devices_of_user(user).await.expect("mam").is_empty(), "{user} has a MAM-only device");
    }
}

#[tokio::test]
async fn the_demo_catalog_has_one_app_per_row_of_the_conflict_table() {
    let (_dir, store) = demo_store().await;
    let catalog = store.apps_with_assignments().await.expect("catalog");
    let groups = store.user_groups_of("u-amara").await.expect("groups");
    let caller = Caller { user_id: "u-amara", group_ids: &groups };
    let surface = store.device_of_user("u-amara", "dev-amara-surface").await.expect("q").expect("surface");
    let iphone = store.device_of_user("u-amara", "dev-amara-iphone").await.expect("q").expect("iphone");
    let surface_groups = store.device_groups_of(&surface.id).await.expect("groups");
    let iphone_groups = store.device_groups_of(&iphone.id).await.expect("groups");
    let on_surface = DeviceContext::Enrolled { device: &surface, group_ids: &surface_groups };
    let on_iphone = DeviceContext::Enrolled { device: &iphone, group_ids: &iphone_groups };
    use ResolvedIntent as R;
    // (app, context, DOMAIN.md's result)
    let rows = [
        ("sales-hub", &on_surface, R::RequiredAndAvailable),
        ("vpn", &on_surface, R::Required),
        ("legacy-expenses", &on_iphone, R::Uninstall),
        ("endpoint-agent", &on_surface, R::Required),
        ("print-connector", &on_surface, R::Required),
        ("lab-scheduler", &on_surface, R::RequiredAndAvailable),
        ("screen-recorder", &on_surface, R::Available),
        ("remote-assist", &on_surface, R::Required),
        ("oldmeet", &on_surface, R::Uninstall),
        ("asset-inventory", &on_surface, R::Required),
        ("travel", &on_surface, R::RequiredAndAvailable),
        ("learning", &on_surface, R::RequiredAndAvailable),
        ("timesheets", &on_surface, R::RequiredAndAvailable),
        ("forms", &on_surface, R::RequiredAndAvailable),
        ("benefits", &on_surface, R::RequiredAndAvailable),
        ("security-training", &on_surface, R::Required),
        ("directory", &on_surface, R::Available),
        ("field-notes", &on_surface, R::RequiredAndAvailableWithoutEnrollment),
        ("photo-share", &on_surface, R::UninstallAndAvailableWithoutEnrollment),
    ];
    for (app_id, context, want) in rows {
        let app = catalog.get(app_id).expect(app_id);
        let got = entry(&app.app, &app.assignments, &caller, context);
        assert_eq!(got.intent, want, "{app_id}");
    }

    // The exclusion: a contractor is excluded from Contoso Expenses.
    let sofia_groups = store.user_groups_of("u-sofia").await.expect("groups");
    let sofia = Caller { user_id: "u-sofia", group_ids: &sofia_groups };
    let expenses = catalog.get("contoso-expenses").expect("expenses");
    assert_eq!(entry(&expenses.app, &expenses.assignments, &sofia, &DeviceContext::None).intent, R::Exclude);
}

#[tokio::test]
async fn reads_return_only_the_callers_own_things() {
    let (_dir, store) = demo_store().await;
    for user in USERS {
        for d in store.devices_of_user(user).await.expect("devices") {
            assert_eq!(d.user_id.as_deref(), Some(user));
        }
        // The demo names notifications after their user: n-<name>-….
        let prefix = user.replacen("u-", "n-", 1);
        for n in store.notifications_of_user(user).await.expect("notifications") {
            assert!(n.id.starts_with(&prefix), "{user}: {}", n.id);
        }
    }
    let amara: Vec<String> = store.devices_of_user("u-amara").await.expect("d").into_iter().map(|d| d.id).collect();
    assert_eq!(amara.len(), 5, "{amara:?}");

    // The people (from memory) and the one-round-trip bundles.
    let person = store.person("u-amara").await.expect("q").expect("amara");
    assert_eq!(person.upn, "amara.okoye@contoso.example");
    assert!(person.group_ids.contains(&"g-sales".to_string()));
    assert!(store.person("u-nobody").await.expect("q").is_none());
    let overview = store.overview_of_user("u-amara").await.expect("q");
    assert_eq!(overview.devices.managed.iter().map(|d| d.id.clone()).collect::<Vec<_>>(), amara);
    assert_eq!(overview.devices.unenrolled.len(), 1);
    assert!(!overview.protection.registrations.is_empty());
    let unread = store.unread_notifications_of_user("u-amara").await.expect("q");
    assert!(!unread.is_empty() && unread.iter().all(|n| !n.read && n.id.starts_with("n-amara")));
    let view = store.device_view_of_user("u-amara", "dev-amara-surface").await.expect("q").expect("hers");
    assert_eq!(view.group_ids, ["dg-corp-windows", "dg-legacy-removal"]);
    assert_eq!(view.install_states["print-connector"].state, ResultantAppState::Failed);
    assert!(store.device_view_of_user("u-amara", "dev-jonas-iphone").await.expect("q").is_none());

    // Another user's ids answer exactly like ids that do not exist.
    let cases = [("dev-jonas-iphone", "another user's"), ("dev-lab-kiosk", "userless"), ("no-such-device", "unknown")];
    for (device, label) in cases {
        assert_eq!(store.device_of_user("u-amara", device).await.expect("q"), None, "{label}");
        assert_eq!(store.rename_device("u-amara", device, "Mine now").await.expect("q"), None, "{label}");
        assert_eq!(
            store.insert_action("u-amara", device, RemoteAction::Sync).await.expect("q"),
            ActionQueued::NotFound,
            "{label}"
        );
        assert_eq!(
            store.request_install("u-amara", device, "teams", InstallOperation::Install).await.expect("q"),
            None,
            "{label}"
        );
    }
    assert!(store.unenrolled_device_of_user("u-amara", "mam-jonas-galaxy").await.expect("q").is_none());
    assert!(store.unenrolled_device_of_user("u-amara", "mam-amara-ipad").await.expect("q").is_some());
    assert!(!store.mark_notification_read("u-amara", "n-jonas-wipe").await.expect("q"));
    assert_eq!(store.request_selective_wipe("u-amara", "mam-jonas-galaxy").await.expect("q"), None);

    // Nothing of Jonas's changed.
    let jonas = store.device_of_user("u-jonas", "dev-jonas-iphone").await.expect("q").expect("his");
    assert_eq!(jonas.device_name, "Jonas's iPhone");
    assert_eq!(jonas.device_action_results.len(), 1);
    assert!(store.notifications_of_user("u-jonas").await.expect("n").iter().all(|n| n.id != "n-jonas-wipe" || !n.read));
    assert!(store
        .install_states("dev-jonas-iphone")
        .await
        .expect("s")
        .get("teams")
        .is_some_and(|s| s.pending.is_none()));
    let registrations = store.protected_apps_of_user("u-amara").await.expect("r");
    assert!(!registrations.is_empty());
    assert!(registrations.iter().all(|r| r.device_tag.contains("amara")), "{registrations:?}");
}

#[tokio::test]
async fn writes_change_the_callers_own_things() {
    let (_dir, store) = demo_store().await;
    let renamed = store.rename_device("u-amara", "dev-amara-pixel", "  Work phone ").await.expect("q").expect("hers");
    assert_eq!(renamed.device_name, "Work phone");

    // Queue an action; the same one again is refused; the simulator sees it.
    let queued = store.insert_action("u-amara", "dev-amara-pixel", RemoteAction::RemoteLock).await.expect("q");
    let ActionQueued::Queued { id, result } = queued else { panic!("not queued: {queued:?}") };
    assert_eq!(result.action_state, ActionState::Pending);
    assert_eq!(
        store.insert_action("u-amara", "dev-amara-pixel", RemoteAction::RemoteLock).await.expect("q"),
        ActionQueued::AlreadyPending
    );
    let work = store.pending_work().await.expect("work");
    assert!(work.actions.iter().any(|a| a.id == id && a.user_id.as_deref() == Some("u-amara")));
    store.set_action_state(id, ActionState::Done, None).await.expect("done");
    let pixel = store.device_of_user("u-amara", "dev-amara-pixel").await.expect("q").expect("hers");
    assert!(pixel.has_done(RemoteAction::RemoteLock));
    assert!(matches!(
        store.insert_action("u-amara", "dev-amara-pixel", RemoteAction::RemoteLock).await.expect("q"),
        ActionQueued::Queued { .. }
    ));

    // Installs: requested → pending work (with the failing flag) → settled.
    let record = store
        .request_install("u-amara", "dev-amara-surface", "lab-notebook", InstallOperation::Install)
        .await
        .expect("q")
        .expect("hers");
    assert_eq!((record.state, record.pending), (ResultantAppState::PendingInstall, Some(InstallOperation::Install)));
    let work = store.pending_work().await.expect("work");
    let pending = work.installs.iter().find(|i| i.app_id == "lab-notebook").expect("pending install");
    assert!(pending.fails_install);
    assert!(
        work.installs.iter().any(|i| i.app_id == "sales-hub" && i.device_id == "dev-amara-iphone"),
        "from the tenant file"
    );
    store.set_install_state("dev-amara-surface", "lab-notebook", ResultantAppState::Failed, None).await.expect("set");
    let states = store.install_states("dev-amara-surface").await.expect("states");
    assert_eq!(states["lab-notebook"].state, ResultantAppState::Failed);
    assert_eq!(states["lab-notebook"].pending, None);

    // Notifications and selective wipe.
    assert!(store.mark_notification_read("u-amara", "n-amara-grace").await.expect("q"));
    assert!(store.unread_notifications_of_user("u-amara").await.expect("q").iter().all(|n| n.id != "n-amara-grace"));
    let message = PortalMessage {
        code: MessageCode::AppInstallFailed,
        app: Some("Lab Notebook".into()),
        device: None,
        person: None,
    };
    let note = store
        .insert_notification(
            "u-amara",
            "Install failed",
            "Try again later.",
            Some("/apps/lab-notebook"),
            Some(message.clone()),
        )
        .await
        .expect("q");
    let newest = &store.notifications_of_user("u-amara").await.expect("q")[0];
    assert_eq!(newest.id, note.id);
    // The portal's code and names come back from the store for the page to word.
    assert_eq!(newest.message, Some(message));
    let pending = store.request_selective_wipe("u-amara", "mam-amara-ipad").await.expect("q");
    assert_eq!(pending.map(|ids| ids.len()), Some(2));
    let wipes = store.pending_work().await.expect("work").wipes;
    assert!(wipes.iter().filter(|w| w.user_id == "u-amara").count() == 2);
    for w in wipes.iter().filter(|w| w.user_id == "u-amara") {
        store.check_in_registration(&w.registration_id).await.expect("check in");
    }
    let policies = store.protection_policies().await.expect("p");
    for r in
        store.protected_apps_of_user("u-amara").await.expect("r").iter().filter(|r| r.device_tag == "mam-amara-ipad")
    {
        assert_eq!(protection_status(r, &policies), ProtectionStatus::WipeDone);
    }

    // Retire: the device and its registrations go.
    store.delete_device("dev-amara-pixel").await.expect("delete");
    assert!(store.device_of_user("u-amara", "dev-amara-pixel").await.expect("q").is_none());
    assert!(store
        .protected_apps_of_user("u-amara")
        .await
        .expect("r")
        .iter()
        .all(|r| r.device_tag != "dev-amara-pixel"));
}

#[tokio::test]
async fn an_invalid_file_changes_nothing_and_a_reimport_replaces_everything() {
    let (dir, store) = demo_store().await;
    store.rename_device("u-amara", "dev-amara-pixel", "Renamed").await.expect("q");
    let bad = Source {
        name: "bad.toml".into(),
        text: Source::demo().text.replace("primary_user = \"u-jonas\"", "primary_user = \"u-nobody\""),
    };
    let err = store.load_tenant(&bad, true).await.expect_err("dangling user");
    let message = format!("{err:#}");
    assert!(
        message.contains("bad.toml") && message.contains("primary_user") && message.contains("u-nobody"),
        "{message}"
    );
    let pixel = store.device_of_user("u-amara", "dev-amara-pixel").await.expect("q").expect("still there");
    assert_eq!(pixel.device_name, "Renamed", "an invalid file changes nothing");

    // The same content again keeps state; --force resets it.
    assert!(matches!(
        store.load_tenant(&Source::demo(), false).await.expect("q"),
        portal_server::store::ImportOutcome::Unchanged { .. }
    ));
    store.load_tenant(&Source::demo(), true).await.expect("forced");
    let pixel = store.device_of_user("u-amara", "dev-amara-pixel").await.expect("q").expect("there");
    assert_eq!(pixel.device_name, "Amara's Pixel 8");

    // A smaller tenant replaces the demo entirely (and the cached catalog with it).
    let small = Source {
        name: "small.toml".into(),
        text: "[organisation]\nname = \"Small\"\ntheme_color = \"#123456\"\n".into(),
    };
    store.load_tenant(&small, false).await.expect("small");
    assert!(store.apps_with_assignments().await.expect("q").is_empty());
    assert!(store.devices_of_user("u-amara").await.expect("q").is_empty());
    assert_eq!(store.user("u-amara").await.expect("q"), None);
    assert_eq!(store.organisation_settings().await.expect("q"), OrganisationSettings::default());
    let conn = rusqlite::Connection::open(dir.path().join("portal.db")).expect("open");
    for table in [
        "users",
        "devices",
        "apps",
        "app_assignments",
        "install_states",
        "app_registrations",
        "notifications",
        "device_actions",
    ] {
        let n: i64 = conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).expect("count");
        assert_eq!(n, 0, "{table}");
    }
}

#[tokio::test]
async fn every_kind_of_invalid_file_is_refused_by_the_binary_and_imports_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("portal.db");
    let demo = Source::demo().text;
    // (edit of the demo tenant, expected path, expected reason)
    let cases = [
        (
            "primary_user = \"u-jonas\"",
            "primary_user = \"u-ghost\"",
            "devices[5].primary_user",
            "no user has the id `u-ghost`",
        ),
        ("id = \"u-jonas\"", "id = \"u-amara\"", "users[1].id", "duplicate id"),
        (
            "information_url = \"https://contoso.example/apps/teams\"",
            "information_url = \"ftp://contoso.example\"",
            "apps[0].information_url",
            "http(s)",
        ),
        (
            "enrolled_date_time = \"2026-02-03T08:12:00Z\"",
            "enrolled_date_time = \"3 Feb 2026\"",
            "devices[0].enrolled_date_time",
            "RFC 3339",
        ),
        ("name = \"Microsoft Word\"", "name = \"  \"", "apps[2].name", "must not be empty"),
        (
            "compliance_state = \"noncompliant\"",
            "compliance_state = \"nonCompliant\"",
            "devices[4].compliance_state",
            "unknown value",
        ),
    ];
    for (from, to, path, reason) in cases {
        assert!(demo.contains(from), "{from}");
        let file = dir.path().join("bad.toml");
        std::fs::write(&file, demo.replacen(from, to, 1)).expect("write");
        let out = support::import(&db, &file).await;
        assert!(!out.status.success(), "{to}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("bad.toml") && stderr.contains(path) && stderr.contains(reason), "{to}: {stderr}");
    }
    let conn = rusqlite::Connection::open(&db).expect("open");
    for table in ["organisation", "users", "devices", "apps"] {
        let n: i64 = conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).expect("count");
        assert_eq!(n, 0, "{table}");
    }
}

#[tokio::test]
async fn hash_password_prints_an_argon2id_hash_that_verifies() {
    for (input, password) in
        [("Portal-Demo-2026!", "Portal-Demo-2026!"), ("with spaces \n", "with spaces "), ("crlf\r\n", "crlf")]
    {
        let mut child = tokio::process::Command::new(support::BIN)
            .arg("hash-password")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(input.as_bytes()).await.expect("write");
        drop(stdin);
        let out = child.wait_with_output().await.expect("run");
        assert!(out.status.success(), "{out:?}");
        let hash = String::from_utf8(out.stdout).expect("utf-8");
        let hash = hash.trim();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verifies(password, hash), "{input:?}");
        assert!(!verifies("wrong", hash));
    }
    let empty = tokio::process::Command::new(support::BIN)
        .arg("hash-password")
        .stdin(Stdio::null())
        .output()
        .await
        .expect("run");
    assert!(!empty.status.success());
}

#[tokio::test]
async fn generate_tenant_is_deterministic_and_imports() {
    let args = ["generate-tenant", "--apps", "120", "--users", "50", "--devices", "90", "--seed", "42"];
    let one = support::run_to_end(&args).await;
    let two = support::run_to_end(&args).await;
    assert!(one.status.success(), "{one:?}");
    assert_eq!(one.stdout, two.stdout, "same seed, same file");

    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("big.toml");
    std::fs::write(&file, &one.stdout).expect("write");
    let db = dir.path().join("portal.db");
    let out = support::import(&db, &file).await;
    assert!(out.status.success(), "{out:?}");

    let store = Store::open(&db).await.expect("open");
    assert_eq!(store.apps_with_assignments().await.expect("catalog").len(), 120);
    let groups = store.user_groups_of("u-00001").await.expect("groups");
    let catalog = store.apps_with_assignments().await.expect("catalog");
    let caller = Caller { user_id: "u-00001", group_ids: &groups };
    let visible = catalog
        .apps()
        .iter()
        .filter(|a| entry(&a.app, &a.assignments, &caller, &DeviceContext::None).is_visible())
        .count();
    assert_eq!(visible, 120, "the benchmark user sees every app with no device selected");
    let hash: String = rusqlite::Connection::open(&db)
        .expect("open")
        .query_row("SELECT password_hash FROM users WHERE id = 'u-00001'", [], |r| r.get(0))
        .expect("hash");
    assert!(verifies(PASSWORD, &hash));
}

#[tokio::test]
async fn icons_are_served_from_the_binary() {
    let server = support::Server::start(&[]).await;
    let res = server.get("/assets/icons/teams.svg").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/svg+xml");
    assert!(res.text().await.expect("body").starts_with("<svg"));
    let missing = server.get("/assets/icons/nope.svg").await;
    assert_eq!(missing.status(), 404);
    let escape = server.get("/assets/../Cargo.toml").await;
    assert_eq!(escape.status(), 404);
}

fn verifies(password: &str, hash: &str) -> bool {
    use argon2::password_hash::phc::PasswordHash;
    use argon2::password_hash::PasswordVerifier;
    PasswordHash::new(hash)
        .is_ok_and(|parsed| argon2::Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}
