//! The Intune tenant's reads (`serve --source graph`) against the fake Microsoft Graph: what a
//! person sees — their devices and nobody else's, the catalog per device context with the
//! reasons portal-core gives, app protection in words, branding — and how the portal behaves
//! when Graph is slow, throttling or down. Every test ends with the fake having seen no request
//! and served no answer that Microsoft's schema refuses.

#[path = "support/intune.rs"]
mod intune;
mod support;

use intune::{app, device, tag, Intune, Setup, AMARA, JONAS, SOFIA};
use portal_core::api::{AppDetails, AppList, DeviceDetails, DeviceList, Home, ProtectedApps, StaleReason};
use portal_core::domain::{ResultantAppState, SelectiveWipeState};
use portal_core::rules::actions::{Availability, Reason};
use portal_core::rules::catalog::{HiddenReason, ShownReason, Visibility};
use portal_core::rules::protection::ProtectionStatus;
use std::time::Duration;

fn shown(list: &AppList, app_id: &str) -> Option<ShownReason> {
    list.apps.iter().find(|a| a.app.id == app_id).and_then(|a| match a.catalog.visibility {
        Visibility::Shown(reason) => Some(reason),
        Visibility::Hidden(_) => None,
    })
}

async fn catalog(intune: &Intune, oid: &str, context: &str) -> AppList {
    intune.get(oid, &format!("/api/v1/me/apps?device={context}&limit=200")).await
}

async fn hidden(intune: &Intune, oid: &str, app_id: &str, context: &str) -> Option<HiddenReason> {
    let details: AppDetails = intune.get(oid, &format!("/api/v1/me/apps/{app_id}?device={context}")).await;
    match details.catalog.visibility {
        Visibility::Hidden(reason) => Some(reason),
        Visibility::Shown(_) => None,
    }
}

#[tokio::test]
async fn a_person_sees_their_devices_and_nobody_elses() {
    let intune = Intune::start(Setup::default()).await;
    let me: portal_core::api::Profile = intune.get(AMARA, "/api/v1/me").await;
    assert_eq!((me.display_name.as_str(), me.upn.as_str()), ("Amara Okoye", "amara.okoye@contoso.example"));

    let list: DeviceList = intune.get(AMARA, "/api/v1/me/devices").await;
    let mut ids: Vec<String> = list.devices.iter().map(|d| d.device.id.clone()).collect();
    ids.sort();
    // Graph lists Jonas's iPhone (6) and the laptop handed to Jonas (8) under Amara too.
    assert_eq!(ids, (1..=5).map(device).collect::<Vec<_>>());
    assert_eq!(list.unenrolled_devices.iter().map(|d| d.device_tag.clone()).collect::<Vec<_>>(), [tag(1)]);
    assert_eq!(list.unenrolled_devices[0].device_name, "Amara's iPad");
    assert!(list.stale.is_none());
    for other in [device(6), device(8), "not-a-device".to_string()] {
        let res =
            intune.call(reqwest::Method::GET, &format!("/api/v1/me/devices/{other}"), AMARA).send().await.expect("get");
        assert_eq!(res.status(), 404, "{other}");
    }
    let jonas: DeviceList = intune.get(JONAS, "/api/v1/me/devices").await;
    let mut ids: Vec<String> = jonas.devices.iter().map(|d| d.device.id.clone()).collect();
    ids.sort();
    assert_eq!(ids, [device(6), device(7), device(8)], "the primary user owns a device, not the enrolling one");

    // The grace period and its deadline, the string jailBroken, Graph's "no date".
    let surface: DeviceDetails = intune.get(AMARA, &format!("/api/v1/me/devices/{}", device(3))).await;
    assert_eq!(surface.device.compliance_state, portal_core::domain::ComplianceState::InGracePeriod);
    assert!(surface.device.compliance_grace_period_expiration_date_time.is_some());
    let iphone: DeviceDetails = intune.get(AMARA, &format!("/api/v1/me/devices/{}", device(1))).await;
    assert_eq!(iphone.device.compliance_grace_period_expiration_date_time, None);
    // portal-core's rules: ADE (no Remove, no Reset); v1.0 cannot rename.
    let availability = |d: &DeviceDetails, a| d.actions.iter().find(|o| o.action == a).map(|o| o.availability);
    use portal_core::domain::RemoteAction::*;
    assert_eq!(availability(&iphone, Retire), Some(Availability::Unavailable(Reason::AppleAutomatedDeviceEnrollment)));
    assert_eq!(availability(&iphone, Rename), Some(Availability::Unavailable(Reason::RenameNotSupported)));
    assert_eq!(availability(&surface, Retire), Some(Availability::Unavailable(Reason::EntraJoinedWindows)));
    intune.assert_no_violations();
}

#[tokio::test]
async fn the_catalog_as_each_device_context_sees_it() {
    // Devices that act only when told: the fixtures' pending install stays pending.
    let intune = Intune::start(Setup { beta: true, device_delay: None, ..Default::default() }).await;
    let iphone = catalog(&intune, AMARA, &device(1)).await;
    assert_eq!(shown(&iphone, &app(1)), Some(ShownReason::RequiredAndAvailable), "Teams");
    assert_eq!(shown(&iphone, &app(4)), Some(ShownReason::RequiredAndAvailableWithoutEnrollment), "Outlook");
    assert_eq!(shown(&iphone, &app(0x1b)), Some(ShownReason::RemovedUnlessInstalledFromPortal), "Photo Share");
    assert_eq!(shown(&iphone, &app(6)), Some(ShownReason::AvailableWithoutEnrollment), "Word");
    assert_eq!(shown(&iphone, &app(0x11)), None, "Legacy Expense Tracker");
    assert_eq!(hidden(&intune, AMARA, &app(0x11), &device(1)).await, Some(HiddenReason::RemovedByOrganisation));
    for never in [app(0x22), app(0x23)] {
        assert!(iphone.apps.iter().all(|a| a.app.id != never), "unassigned / unknown type {never}");
    }
    // The unassigned app is in the catalog, and says why it is not offered; the app of a
    // type the portal does not know is not in it at all.
    assert_eq!(hidden(&intune, AMARA, &app(0x22), &device(1)).await, Some(HiddenReason::NotAssigned));
    let res =
        intune.call(reqwest::Method::GET, &format!("/api/v1/me/apps/{}", app(0x23)), AMARA).send().await.expect("get");
    assert_eq!(res.status(), 404);
    // Install states (beta): installed, pending.
    let state = |list: &AppList, id: &str| {
        list.apps.iter().find(|a| a.app.id == id).and_then(|a| a.install.as_ref()).map(|i| i.state)
    };
    assert_eq!(state(&iphone, &app(1)), Some(ResultantAppState::Installed));
    assert_eq!(state(&iphone, &app(0x10)), Some(ResultantAppState::PendingInstall), "Sales Hub");

    let surface = catalog(&intune, AMARA, &device(3)).await;
    assert_eq!(shown(&surface, &app(0x12)), Some(ShownReason::Required), "Endpoint Agent (user and device group)");
    assert_eq!(state(&surface, &app(0x13)), Some(ResultantAppState::Failed), "Print Connector");
    assert_eq!(shown(&surface, &app(0x14)), Some(ShownReason::RequiredAndAvailable), "Lab Scheduler");
    assert_eq!(
        hidden(&intune, AMARA, &app(0x19), &device(3)).await,
        Some(HiddenReason::Excluded),
        "VPN: device-group exclusion"
    );
    assert_eq!(
        hidden(&intune, AMARA, &app(0x17), &device(3)).await,
        Some(HiddenReason::RemovedByOrganisation),
        "OldMeet"
    );

    let ipad = catalog(&intune, AMARA, &tag(1)).await;
    assert!(matches!(
        ipad.context,
        portal_core::api::ContextRef::Unenrolled { platform: portal_core::domain::Platform::Ipados }
    ));
    assert_eq!(
        shown(&ipad, &app(1)),
        Some(ShownReason::AvailableOnceEnrolled),
        "Teams: offered to enrolled devices, so enrolling this one gets it"
    );
    assert!(ipad.apps.iter().all(|a| a.install.is_none()));

    let none = catalog(&intune, AMARA, "none").await;
    // Teams for Android is Required only: it needs an enrolled device (the iOS one, an Apple
    // store app, carries Available with its Required assignment).
    assert_eq!(hidden(&intune, AMARA, &app(2), "none").await, Some(HiddenReason::RequiresEnrollment));
    assert!(shown(&none, &app(0x1e)).is_some(), "Sales Maps (Android) with no device");

    // A contractor: excluded from Contoso Expenses.
    assert_eq!(hidden(&intune, SOFIA, &app(0x0c), &device(0x0a)).await, Some(HiddenReason::Excluded));
    intune.assert_no_violations();
}

#[tokio::test]
async fn without_beta_install_states_are_unknown_and_said_so() {
    let intune = Intune::start(Setup::default()).await;
    let iphone = catalog(&intune, AMARA, &device(1)).await;
    assert!(!iphone.apps.is_empty());
    for item in &iphone.apps {
        assert_eq!(item.install.as_ref().map(|i| i.state), Some(ResultantAppState::Unknown), "{}", item.app.name);
    }
    // No beta call at all.
    assert!(intune.graph.requests().iter().all(|r| !r.path.starts_with("/beta/")), "v1.0 only");
    intune.assert_no_violations();
}

#[tokio::test]
async fn app_protection_in_plain_words() {
    let intune = Intune::start(Setup::default()).await;
    let protected: ProtectedApps = intune.get(AMARA, "/api/v1/me/protected-apps").await;
    let ipad = protected.devices.iter().find(|d| d.device_tag == tag(1)).expect("the MAM-only iPad");
    assert!(!ipad.enrolled);
    let status = |name: &str| ipad.apps.iter().find(|a| a.app_name.as_deref() == Some(name)).map(|a| a.status);
    assert_eq!(status("Microsoft Outlook"), Some(ProtectionStatus::Protected));
    assert_eq!(status("Microsoft Teams"), Some(ProtectionStatus::WaitingForCheckIn));
    let outlook = ipad.apps.iter().find(|a| a.app_name.as_deref() == Some("Microsoft Outlook")).expect("outlook");
    assert!(!outlook.policies.is_empty() && !outlook.policies[0].lines.is_empty(), "policy lines");
    assert_eq!(outlook.registration.selective_wipe_state, SelectiveWipeState::None);
    // Registrations on enrolled devices are grouped under the managed device.
    let on_iphone = protected.devices.iter().find(|d| d.device_tag == device(1)).expect("the iPhone's Edge");
    assert!(on_iphone.enrolled);

    let sofia: ProtectedApps = intune.get(SOFIA, "/api/v1/me/protected-apps").await;
    let blocked =
        sofia.devices.iter().flat_map(|d| &d.apps).find(|a| matches!(a.status, ProtectionStatus::Blocked { .. }));
    assert!(blocked.is_some(), "the rooted Moto's Teams is blocked: {sofia:#?}");
    intune.assert_no_violations();
}

#[tokio::test]
async fn branding_and_profiles_from_intune() {
    let intune = Intune::start(Setup { beta: true, ..Default::default() }).await;
    let res = intune.server.get("/api/v1/branding").await;
    assert_eq!(res.status(), 200);
    let branding: portal_core::branding::Branding = res.json().await.expect("branding");
    assert_eq!(branding.organisation_name, "Contoso Pharmaceuticals");
    assert_eq!(branding.theme_color.to_string(), "#0f6cbd");
    // The Default profile hides Reset on corporate Windows; Sofia's profile (Contractors) differs.
    let surface: DeviceDetails = intune.get(AMARA, &format!("/api/v1/me/devices/{}", device(3))).await;
    let reset =
        surface.actions.iter().find(|o| o.action == portal_core::domain::RemoteAction::Wipe).map(|o| o.availability);
    assert_eq!(reset, Some(Availability::Unavailable(Reason::HiddenByOrganisation)));
    let amara: Home = intune.get(AMARA, "/api/v1/me/home").await;
    let sofia: Home = intune.get(SOFIA, "/api/v1/me/home").await;
    assert_ne!(
        amara.branding.map(|b| b.support.name),
        sofia.branding.map(|b| b.support.name),
        "the Contractors profile has its own support contact"
    );
    // Icons come from the portal's own origin; only raster ones.
    let catalog = catalog(&intune, AMARA, "none").await;
    let with_icon: Vec<_> = catalog.apps.iter().filter_map(|a| a.app.icon_url.clone()).collect();
    assert!(!with_icon.is_empty() && with_icon.iter().all(|u| u.starts_with("/api/v1/icons/")), "{with_icon:?}");
    let icon = intune.server.get(&with_icon[0]).await;
    assert_eq!(icon.status(), 200);
    assert!(icon.headers()["content-type"].to_str().expect("type").starts_with("image/"));
    assert_eq!(intune.server.get(&format!("/api/v1/icons/{}", app(0x22))).await.status(), 404);
    intune.assert_no_violations();
}

#[tokio::test]
async fn a_slow_throttling_or_failing_graph_shows_the_last_data_with_its_time() {
    let intune = Intune::start(Setup { fresh_secs: 1, ..Default::default() }).await;
    let first: DeviceList = intune.get(AMARA, "/api/v1/me/devices").await;
    assert!(first.stale.is_none());
    for (fault, reason) in [
        (fake_graph::Fault::unavailable("/v1.0/$batch").times(1000), StaleReason::Unavailable),
        (fake_graph::Fault::delay("/v1.0/$batch", 10_000).times(1000), StaleReason::Slow),
        // Last: the portal then leaves Graph alone for the 30 s it asked.
        (fake_graph::Fault::throttle("/v1.0/$batch", Some(30)).times(1000), StaleReason::Throttled),
    ] {
        intune.graph.clear_faults();
        // Graph answers again; wait until the portal has read fresh data.
        intune
            .eventually("fresh data again", || async {
                tokio::time::sleep(Duration::from_millis(300)).await;
                intune.get::<DeviceList>(AMARA, "/api/v1/me/devices").await.stale.is_none()
            })
            .await;
        tokio::time::sleep(Duration::from_millis(2_200)).await; // older than twice the 1 s freshness
        intune.graph.inject(fault);
        // The first answer comes within the wait (500 ms), marked stale; Graph may still be
        // trying (then "slow"). Once the read has failed, the answer says why at once.
        let started = std::time::Instant::now();
        let list: DeviceList = intune.get(AMARA, "/api/v1/me/devices").await;
        assert!(started.elapsed() < Duration::from_secs(2), "bounded: {:?}", started.elapsed());
        assert_eq!(list.devices.len(), first.devices.len(), "the last data");
        assert!(list.stale.is_some(), "marked stale");
        tokio::time::sleep(Duration::from_millis(3_500)).await; // the read gives up (3 s bound)
        let started = std::time::Instant::now();
        let list: DeviceList = intune.get(AMARA, "/api/v1/me/devices").await;
        assert!(started.elapsed() < Duration::from_secs(1), "at once: {:?}", started.elapsed());
        let stale = list.stale.expect("still stale");
        assert_eq!(stale.reason, reason);
        assert!(portal_server::dates::normalise(&stale.read_at).is_some(), "{}", stale.read_at);
    }
    // Someone never read before, with Graph down: a clear 503, not a 500.
    intune.graph.clear_faults();
    intune.graph.inject(fake_graph::Fault::unavailable("/v1.0/").times(1000));
    let res = intune.call(reqwest::Method::GET, "/api/v1/me/devices", JONAS).send().await.expect("get");
    assert_eq!(res.status(), 503);
    assert!(res.headers().contains_key("retry-after"));
    let problem = support::problem_of(res).await;
    assert_eq!(problem.kind, portal_core::problem::TENANT_UNAVAILABLE);
    intune.graph.clear_faults();
    intune.assert_no_violations();
}

#[tokio::test]
async fn retry_after_is_honoured_and_concurrent_requests_share_one_read() {
    let intune = Intune::start(Setup::default()).await;
    intune.graph.inject(fake_graph::Fault::throttle("/v1.0/$batch", Some(1)).times(1));
    let started = std::time::Instant::now();
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let request = intune.call(reqwest::Method::GET, "/api/v1/me/devices", AMARA);
            tokio::spawn(async move { request.send().await.map(|r| r.status().as_u16()) })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.expect("task").expect("request"), 200);
    }
    assert!(started.elapsed() >= Duration::from_secs(1), "waited as Graph said");
    let requests = intune.graph.requests();
    let reads_of_groups =
        requests.iter().filter(|r| r.path.ends_with(&format!("/users/{AMARA}/transitiveMemberOf"))).count();
    let throttled = requests.iter().filter(|r| r.path == "/v1.0/$batch" && r.status == 429).count();
    // Fifty requests, one read (after the one Graph throttled).
    assert_eq!(
        (reads_of_groups, throttled),
        (1, 1),
        "{:#?}",
        requests.iter().map(|r| (&r.method, &r.path, r.status)).collect::<Vec<_>>()
    );
    intune.assert_no_violations();
}

#[tokio::test]
async fn someone_who_is_not_in_the_organisation_is_refused() {
    let intune = Intune::start(Setup::default()).await;
    let res = intune
        .call(reqwest::Method::GET, "/api/v1/me", "00000001-0000-4000-8000-0000000000ff")
        .send()
        .await
        .expect("get");
    assert_eq!(res.status(), 403);
    intune.assert_no_violations();
}

#[tokio::test]
async fn start_up_stops_with_what_to_fix() {
    use support::run_to_end;
    let graph = fake_graph::FakeGraph::start(fake_graph::Options::default()).await.expect("fake");
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("portal.db");
    let base = graph.base_url();
    let common = [
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--db",
        db.to_str().expect("utf-8"),
        "--source",
        "graph",
        "--graph-tenant-id",
        fake_graph::TENANT_ID,
        "--graph-client-id",
        fake_graph::CLIENT_ID,
        "--graph-url",
        &base,
        "--graph-login-url",
        &base,
        "--issuer",
        "http://127.0.0.1:9",
        "--audience",
        "api://portal",
    ];
    let run = |env: Vec<(&'static str, String)>, extra: Vec<String>| {
        let mut args: Vec<String> = common.iter().map(|s| s.to_string()).collect();
        args.extend(extra);
        async move {
            let output = tokio::process::Command::new(support::BIN)
                .args(&args)
                .envs(env)
                .env("PORTAL_LOG", "error")
                .output()
                .await
                .expect("run");
            assert!(!output.status.success());
            String::from_utf8_lossy(&output.stderr).to_string()
        }
    };
    let _ = run_to_end; // (the helper for other suites)
    let wrong = run(vec![("PORTAL_GRAPH_CLIENT_SECRET", "not-the-secret".into())], vec![]).await;
    assert!(wrong.contains("client secret is wrong") && wrong.contains("AADSTS7000215"), "{wrong}");
    assert!(!wrong.contains("not-the-secret"), "the secret is never printed: {wrong}");

    graph.set_roles(&["User.Read.All", "Device.Read.All", "DeviceManagementManagedDevices.Read.All"]);
    let missing = run(vec![("PORTAL_GRAPH_CLIENT_SECRET", fake_graph::CLIENT_SECRET.into())], vec![]).await;
    assert!(missing.contains("DeviceManagementApps.Read.All"), "names the missing permission: {missing}");

    let none = run(vec![], vec![]).await;
    assert!(none.contains("needs a credential"), "{none}");
}

#[tokio::test]
async fn a_certificate_credential_works() {
    let cert_dir = tempfile::tempdir().expect("dir");
    let (cert, key) = (cert_dir.path().join("app.crt"), cert_dir.path().join("app.key"));
    std::fs::write(&cert, fake_graph::test_certificate_pem()).expect("cert");
    std::fs::write(&key, fake_graph::test_private_key_pem()).expect("key");
    // The secret is set too, but a certificate and a secret together are refused: no secret
    // is given here, only the certificate.
    let graph = fake_graph::FakeGraph::start(fake_graph::Options { client_secret: None, ..Default::default() })
        .await
        .expect("fake");
    let issuer = support::issuer::TestIssuer::start().await;
    let dir = tempfile::tempdir().expect("dir");
    let base = graph.base_url();
    let args = [
        "--source",
        "graph",
        "--graph-tenant-id",
        fake_graph::TENANT_ID,
        "--graph-client-id",
        fake_graph::CLIENT_ID,
        "--graph-url",
        &base,
        "--graph-login-url",
        &base,
        "--issuer",
        &issuer.issuer,
        "--audience",
        "api://portal",
        "--graph-certificate",
        cert.to_str().expect("utf-8"),
        "--graph-private-key",
        key.to_str().expect("utf-8"),
    ];
    let server = support::Server::start_with_db(&dir.path().join("portal.db"), &args).await;
    let res = server.call(reqwest::Method::GET, "/api/v1/me", &issuer.token_for(AMARA)).send().await.expect("me");
    assert_eq!(res.status(), 200);
    let token_requests: Vec<_> =
        graph.requests().into_iter().filter(|r| r.path.ends_with("/oauth2/v2.0/token")).collect();
    assert!(!token_requests.is_empty());
    assert!(graph.violations().is_empty(), "{:#?}", graph.violations());
}
