//! The Intune tenant's changes (`serve --source graph`) against the fake Microsoft Graph: every
//! remote action to done and to failed, Reset's explicit body, rename with and without beta,
//! selective wipe, installs through the organisation file's groups, someone else's device
//! causing no Graph write at all, throttled writes, and a `kill -9` in the middle — each
//! change sent to Graph exactly once.

#[path = "support/intune.rs"]
mod intune;
mod support;

use fake_graph::{Fault, Outcome};
use intune::{app, device, group, tag, Intune, Setup, AMARA, JONAS};
use portal_core::api::{ActionAccepted, AppDetails, DeviceDetails, DeviceList, InstallAccepted, WipeAccepted};
use portal_core::domain::{ActionState, PendingNote, RemoteAction, ResultantAppState};
use reqwest::Method;
use serde_json::{json, Value};

fn manual() -> Setup {
    Setup { device_delay: None, fresh_secs: 1, ..Default::default() }
}

async fn act(intune: &Intune, oid: &str, device_id: &str, action: &str) -> reqwest::Response {
    intune
        .call(Method::POST, &format!("/api/v1/me/devices/{device_id}/actions"), oid)
        .json(&json!({ "action": action }))
        .send()
        .await
        .expect("action")
}

async fn state_of(intune: &Intune, oid: &str, device_id: &str, action: RemoteAction) -> Option<ActionState> {
    let res = intune.call(Method::GET, &format!("/api/v1/me/devices/{device_id}"), oid).send().await.expect("get");
    if res.status() != 200 {
        return None;
    }
    let details: DeviceDetails = res.json().await.expect("details");
    details.device.device_action_results.iter().rev().find(|r| r.action_name == action).map(|r| r.action_state)
}

/// Graph writes to `path_end` (e.g. `/remoteLock`), answered 2xx.
fn accepted_writes(intune: &Intune, path_end: &str) -> Vec<fake_graph::LoggedRequest> {
    intune.graph.writes().into_iter().filter(|w| w.path.ends_with(path_end) && (200..300).contains(&w.status)).collect()
}

#[tokio::test]
async fn every_action_reaches_done_or_failed_live() {
    let intune = Intune::start(manual()).await;
    let mut events = support::events::EventReader::open(&intune.server, &intune.token(AMARA)).await;
    let personal_iphone = device(2);
    for (action, code) in [("sync", RemoteAction::Sync), ("remoteLock", RemoteAction::RemoteLock)] {
        let res = act(&intune, AMARA, &personal_iphone, action).await;
        assert_eq!(res.status(), 202, "{action}");
        let accepted: ActionAccepted = res.json().await.expect("accepted");
        assert_eq!(accepted.result.action_state, ActionState::Pending);
        // Asked twice while pending: one Graph call.
        assert_eq!(act(&intune, AMARA, &personal_iphone, action).await.status(), 409);
        assert_eq!(accepted_writes(&intune, &format!("/{}", fake_action(action))).len(), 1, "{action}");
        intune.graph.advance(Some("actions"), Some(&personal_iphone), Outcome::Succeed);
        let event = events.until("done", |name, e| name == "action" && e["result"]["actionState"] == "done").await;
        assert_eq!(event["deviceId"], personal_iphone.as_str());
        assert_eq!(state_of(&intune, AMARA, &personal_iphone, code).await, Some(ActionState::Done));
    }
    // The notification, as the simulator sends it.
    let notifications: Value = intune.get(AMARA, "/api/v1/me/notifications").await;
    assert!(notifications.to_string().contains("deviceLocked"), "{notifications}");

    // A failure is a failure.
    assert_eq!(act(&intune, AMARA, &personal_iphone, "remoteLock").await.status(), 202);
    intune.graph.advance(Some("actions"), Some(&personal_iphone), Outcome::Fail);
    events.until("failed", |name, e| name == "action" && e["result"]["actionState"] == "failed").await;
    intune.assert_no_violations();
}

fn fake_action(portal: &str) -> &str {
    match portal {
        "sync" => "syncDevice",
        other => other,
    }
}

#[tokio::test]
async fn reset_says_exactly_what_it_keeps_and_remove_removes() {
    let intune = Intune::start(manual()).await;
    let pixel = device(4);
    assert_eq!(act(&intune, AMARA, &pixel, "wipe").await.status(), 202);
    let wipes = accepted_writes(&intune, "/wipe");
    assert_eq!(wipes.len(), 1);
    assert_eq!(
        wipes[0].body,
        Some(json!({ "keepEnrollmentData": false, "keepUserData": false, "persistEsimDataPlan": false }))
    );
    assert!(wipes[0].notes.is_empty(), "no empty or partial wipe body: {:?}", wipes[0].notes);

    let mac = device(5);
    assert_eq!(act(&intune, AMARA, &mac, "retire").await.status(), 202);
    intune.graph.advance(Some("actions"), Some(&mac), Outcome::Succeed);
    intune
        .eventually("the Mac leaves the list", || async {
            let list: DeviceList = intune.get(AMARA, "/api/v1/me/devices").await;
            list.devices.iter().all(|d| d.device.id != mac)
        })
        .await;
    let db = intune.server.db.arg();
    let audit = || async {
        let out = support::run_to_end(&["audit", "--db", db.as_str(), "--what", "action"]).await;
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).expect("json line"))
            .collect::<Vec<_>>()
    };
    intune
        .eventually("the Remove audited as done", || async {
            audit().await.iter().any(|e| e["what"] == "action.retire" && e["outcome"] == "done")
        })
        .await;
    let entries = audit().await;
    let wipe = entries.iter().find(|e| e["what"] == "action.wipe").expect("the Reset audited");
    assert_eq!(
        (wipe["upn"].as_str(), wipe["outcome"].as_str()),
        (Some("amara.okoye@contoso.example"), Some("accepted"))
    );
    assert!(wipe["requestId"].as_str().is_some_and(|id| !id.is_empty()), "Graph's request-id: {wipe}");
    intune.assert_no_violations();
}

#[tokio::test]
async fn rename_needs_beta_and_then_renames_the_device() {
    let v1 = Intune::start(manual()).await;
    let res = v1
        .call(Method::PATCH, &format!("/api/v1/me/devices/{}", device(4)), AMARA)
        .json(&json!({ "deviceName": "Amara's Pixel" }))
        .send()
        .await
        .expect("rename");
    assert_eq!(res.status(), 403);
    let problem = support::problem_of(res).await;
    assert_eq!(serde_json::to_value(problem.reason).expect("json")["code"], "renameNotSupported");
    assert!(v1.graph.writes().is_empty());

    let beta = Intune::start(Setup { beta: true, ..manual() }).await;
    let res = beta
        .call(Method::PATCH, &format!("/api/v1/me/devices/{}", device(4)), AMARA)
        .json(&json!({ "deviceName": "Amara's Pixel" }))
        .send()
        .await
        .expect("rename");
    assert_eq!(res.status(), 200);
    let details: DeviceDetails = res.json().await.expect("details");
    assert_eq!(details.device.device_name, "Amara's Pixel");
    let renames = accepted_writes(&beta, "/setDeviceName");
    assert_eq!(renames.len(), 1);
    assert_eq!(renames[0].body, Some(json!({ "deviceName": "Amara's Pixel" })));
    beta.graph.advance(Some("actions"), Some(&device(4)), Outcome::Succeed);
    beta.eventually("Intune reports the new name", || async {
        let d: DeviceDetails = beta.get(AMARA, &format!("/api/v1/me/devices/{}", device(4))).await;
        d.device.device_name == "Amara's Pixel"
    })
    .await;
    v1.assert_no_violations();
    beta.assert_no_violations();
}

#[tokio::test]
async fn someone_elses_device_or_app_is_a_404_and_no_graph_write() {
    let setup = Setup { beta: true, organisation: Some(organisation_file()), ..manual() };
    let intune = Intune::start(setup).await;
    // Jonas's iPhone (in Amara's list, his) and the laptop handed to him (Amara enrolled it).
    for other in [device(6), device(8)] {
        for action in ["sync", "remoteLock", "resetPasscode", "retire", "wipe"] {
            assert_eq!(act(&intune, AMARA, &other, action).await.status(), 404, "{action} on {other}");
        }
        let rename = intune
            .call(Method::PATCH, &format!("/api/v1/me/devices/{other}"), AMARA)
            .json(&json!({ "deviceName": "mine now" }))
            .send()
            .await
            .expect("rename");
        assert_eq!(rename.status(), 404);
        for operation in ["install", "uninstall"] {
            let res = intune
                .call(Method::POST, &format!("/api/v1/me/apps/{}/{operation}", app(0x0b)), AMARA)
                .json(&json!({ "deviceId": other }))
                .send()
                .await
                .expect("install");
            assert_eq!(res.status(), 404, "{operation} on {other}");
        }
    }
    let wipe = intune
        .call(Method::POST, "/api/v1/me/protected-apps/wipe", AMARA)
        .json(&json!({ "deviceTag": tag(4) }))
        .send()
        .await
        .expect("wipe");
    assert_eq!(wipe.status(), 404, "Jonas's Galaxy");
    assert!(intune.graph.writes().is_empty(), "no Graph write at all: {:#?}", intune.graph.writes());
    intune.assert_no_violations();
}

fn organisation_file() -> String {
    format!(
        "[[install_groups]]\napp = \"{}\"\ninstall_group = \"{}\"\nuninstall_group = \"{}\"\n\n\
         [[install_groups]]\napp = \"{}\"\ninstall_group = \"{}\"\n",
        app(0x0b),
        group(0x15),
        group(0x16),
        app(0x0d),
        group(0x17)
    )
}

async fn install_state(intune: &Intune, app_id: &str, device_id: &str) -> Option<(ResultantAppState, bool)> {
    let details: AppDetails = intune.get(AMARA, &format!("/api/v1/me/apps/{app_id}?device={device_id}")).await;
    details.install.map(|i| (i.state, i.pending.is_some()))
}

#[tokio::test]
async fn installs_and_uninstalls_go_through_the_organisations_groups() {
    let setup = Setup {
        beta: true,
        organisation: Some(organisation_file()),
        device_delay: Some(std::time::Duration::from_millis(300)),
        fresh_secs: 1,
        ..Default::default()
    };
    let intune = Intune::start(setup).await;
    let (expenses, iphone) = (app(0x0b), device(2));
    let details: AppDetails = intune.get(AMARA, &format!("/api/v1/me/apps/{expenses}?device={iphone}")).await;
    assert!(details.self_service && details.catalog.can_install, "{details:?}");
    let res = intune
        .call(Method::POST, &format!("/api/v1/me/apps/{expenses}/install"), AMARA)
        .json(&json!({ "deviceId": iphone }))
        .send()
        .await
        .expect("install");
    assert_eq!(res.status(), 202);
    let accepted: InstallAccepted = res.json().await.expect("accepted");
    assert_eq!(accepted.install.pending, Some(portal_core::api::InstallOperation::Install));
    let joined = accepted_writes(&intune, &format!("/groups/{}/members/$ref", group(0x15)));
    assert_eq!(joined.len(), 1);
    assert!(joined[0]
        .body
        .as_ref()
        .is_some_and(|b| b["@odata.id"].as_str().is_some_and(|r| r.ends_with(&format!("/directoryObjects/{AMARA}")))));
    assert_eq!(
        accepted_writes(&intune, &format!("/managedDevices/{iphone}/syncDevice")).len(),
        1,
        "a check-in asked for"
    );
    intune
        .eventually("installed", || async {
            install_state(&intune, &expenses, &iphone).await == Some((ResultantAppState::Installed, false))
        })
        .await;

    let res = intune
        .call(Method::POST, &format!("/api/v1/me/apps/{expenses}/uninstall"), AMARA)
        .json(&json!({ "deviceId": iphone }))
        .send()
        .await
        .expect("uninstall");
    assert_eq!(res.status(), 202);
    assert_eq!(
        accepted_writes(&intune, &format!("/groups/{}/members/{AMARA}/$ref", group(0x15))).len(),
        1,
        "left the install group"
    );
    assert_eq!(
        accepted_writes(&intune, &format!("/groups/{}/members/$ref", group(0x16))).len(),
        1,
        "joined the uninstall group"
    );
    intune
        .eventually("uninstalled", || async {
            matches!(
                install_state(&intune, &expenses, &iphone).await,
                None | Some((ResultantAppState::NotInstalled, false))
            )
        })
        .await;

    // Already a member of the Lab Notebook's group: still an install (and this one fails).
    let (notebook, surface) = (app(0x0d), device(3));
    let res = intune
        .call(Method::POST, &format!("/api/v1/me/apps/{notebook}/install"), AMARA)
        .json(&json!({ "deviceId": surface }))
        .send()
        .await
        .expect("install");
    assert_eq!(res.status(), 202, "{}", res.text().await.unwrap_or_default());
    intune
        .eventually("failed", || async {
            install_state(&intune, &notebook, &surface).await == Some((ResultantAppState::Failed, false))
        })
        .await;

    // An app without an install group: the page says where to get it; the server refuses.
    let word: AppDetails = intune.get(AMARA, &format!("/api/v1/me/apps/{}?device={iphone}", app(6))).await;
    assert!(!word.self_service);
    let before = intune.graph.writes().len();
    let res = intune
        .call(Method::POST, &format!("/api/v1/me/apps/{}/install", app(6)), AMARA)
        .json(&json!({ "deviceId": iphone }))
        .send()
        .await
        .expect("install");
    assert_eq!(res.status(), 403);
    let problem = support::problem_of(res).await;
    assert_eq!(serde_json::to_value(problem.reason).expect("json")["code"], "notSelfService");
    assert_eq!(intune.graph.writes().len(), before);
    intune.assert_no_violations();
}

#[tokio::test]
async fn a_group_the_tenant_does_not_have_stops_the_start() {
    let graph = fake_graph::FakeGraph::start(fake_graph::Options::default()).await.expect("fake");
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("organisation.toml");
    std::fs::write(
        &file,
        format!("[[install_groups]]\napp = \"{}\"\ninstall_group = \"{}\"\n", app(0x0b), group(0xff)),
    )
    .expect("file");
    let base = graph.base_url();
    let db = dir.path().join("portal.db");
    let output = tokio::process::Command::new(support::BIN)
        .args([
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
            "--graph-organisation",
            file.to_str().expect("utf-8"),
        ])
        .env("PORTAL_GRAPH_CLIENT_SECRET", fake_graph::CLIENT_SECRET)
        .env("PORTAL_LOG", "error")
        .output()
        .await
        .expect("run");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("does not exist in the tenant"), "{stderr}");
}

#[tokio::test]
async fn a_selective_wipe_goes_pending_then_removed_per_app() {
    let intune = Intune::start(manual()).await;
    let res = intune
        .call(Method::POST, "/api/v1/me/protected-apps/wipe", AMARA)
        .json(&json!({ "deviceTag": tag(1) }))
        .send()
        .await
        .expect("wipe");
    assert_eq!(res.status(), 202);
    let accepted: WipeAccepted = res.json().await.expect("accepted");
    assert_eq!(accepted.apps_pending, 2, "the iPad's Outlook and Teams");
    let sent = accepted_writes(&intune, "/wipeManagedAppRegistrationsByDeviceTag");
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].body, Some(json!({ "deviceTag": tag(1) })));
    intune.graph.advance(Some("wipes"), None, Outcome::Succeed);
    intune
        .eventually("both apps removed their company data", || async {
            let notes: Value = intune.get(AMARA, "/api/v1/me/notifications").await;
            notes["notifications"]
                .as_array()
                .is_some_and(|n| n.iter().filter(|n| n.to_string().contains("companyDataRemoved")).count() == 2)
        })
        .await;
    intune.assert_no_violations();
}

#[tokio::test]
async fn a_throttled_change_waits_as_intune_says_and_is_sent_once() {
    let intune = Intune::start(manual()).await;
    intune.graph.inject(Fault::throttle("/v1.0/deviceManagement/managedDevices/", Some(2)).method("POST").times(1));
    let res = act(&intune, AMARA, &device(2), "remoteLock").await;
    assert_eq!(res.status(), 202);
    let accepted: ActionAccepted = res.json().await.expect("accepted");
    assert!(matches!(accepted.result.pending_note, Some(PendingNote::WaitingForIntune { .. })), "{accepted:?}");
    intune.eventually("sent after the wait", || async { accepted_writes(&intune, "/remoteLock").len() == 1 }).await;
    let attempts = intune.graph.requests().into_iter().filter(|r| r.path.ends_with("/remoteLock")).count();
    assert_eq!(attempts, 2, "one throttled, one accepted");
    intune.graph.advance(Some("actions"), Some(&device(2)), Outcome::Succeed);
    intune
        .eventually("done", || async {
            state_of(&intune, AMARA, &device(2), RemoteAction::RemoteLock).await == Some(ActionState::Done)
        })
        .await;
    assert_eq!(accepted_writes(&intune, "/remoteLock").len(), 1);
    intune.assert_no_violations();
}

#[tokio::test]
async fn kill_9_while_changes_are_pending_loses_nothing_and_sends_nothing_twice() {
    let setup = Setup { beta: true, organisation: Some(organisation_file()), ..manual() };
    let intune = Intune::start(setup).await;
    // A Remove in flight and an install in flight.
    assert_eq!(act(&intune, AMARA, &device(5), "retire").await.status(), 202);
    let res = intune
        .call(Method::POST, &format!("/api/v1/me/apps/{}/install", app(0x0b)), AMARA)
        .json(&json!({ "deviceId": device(2) }))
        .send()
        .await
        .expect("install");
    assert_eq!(res.status(), 202);
    // A lock whose answer never comes back in time: the portal cannot tell if Graph took it.
    intune.graph.inject(Fault::delay("/v1.0/deviceManagement/managedDevices/", 4_000).method("POST").times(1));
    assert_eq!(act(&intune, AMARA, &device(1), "remoteLock").await.status(), 202);

    let intune = intune.kill_and_restart().await;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    intune.graph.advance(None, None, Outcome::Succeed);
    intune
        .eventually("the Mac removed", || async {
            let list: DeviceList = intune.get(AMARA, "/api/v1/me/devices").await;
            list.devices.iter().all(|d| d.device.id != device(5))
        })
        .await;
    intune
        .eventually("the install done", || async {
            intune.graph.advance(None, None, Outcome::Succeed);
            install_state(&intune, &app(0x0b), &device(2)).await == Some((ResultantAppState::Installed, false))
        })
        .await;
    intune
        .eventually("the lock done", || async {
            intune.graph.advance(None, None, Outcome::Succeed);
            state_of(&intune, AMARA, &device(1), RemoteAction::RemoteLock).await == Some(ActionState::Done)
        })
        .await;
    assert_eq!(accepted_writes(&intune, "/retire").len(), 1, "one Remove");
    assert_eq!(accepted_writes(&intune, &format!("/groups/{}/members/$ref", group(0x15))).len(), 1, "one group add");
    let locks = intune.graph.writes().into_iter().filter(|w| w.path.ends_with("/remoteLock")).count();
    assert_eq!(locks, 1, "the lock Graph did take is not sent again");
    let _ = JONAS;
    intune.assert_no_violations();
}

/// Graph carried out a change, and the portal died before it heard so (its answer was
/// slow): the instance that resumes the request asks Graph first and does not send it again.
#[tokio::test]
async fn a_change_graph_took_while_the_portal_died_is_not_sent_twice() {
    let intune = Intune::start(Setup { beta: true, ..manual() }).await;
    // The lock is carried out at once; its answer comes a minute later.
    intune.graph.inject(Fault::slow_answer("/v1.0/deviceManagement/managedDevices/", 60_000).method("POST"));
    let lock = intune
        .call(Method::POST, &format!("/api/v1/me/devices/{}/actions", device(1)), AMARA)
        .json(&json!({ "action": "remoteLock" }));
    let waiting = tokio::spawn(lock.send());
    intune.eventually("Graph has the lock", || async { !accepted_writes(&intune, "/remoteLock").is_empty() }).await;
    waiting.abort();

    let intune = intune.kill_and_restart().await;
    intune
        .eventually("the lock done", || async {
            intune.graph.advance(None, None, Outcome::Succeed);
            state_of(&intune, AMARA, &device(1), RemoteAction::RemoteLock).await == Some(ActionState::Done)
        })
        .await;
    let locks = intune.graph.writes().into_iter().filter(|w| w.path.ends_with("/remoteLock")).count();
    assert_eq!(locks, 1, "the lock Graph took is not sent again");
    intune.assert_no_violations();
}

/// The Expenses app made requestable, Jonas its approver (the organisation file).
fn requestable_file() -> String {
    format!(
        "[[install_groups]]\napp = \"{}\"\ninstall_group = \"{}\"\nrequestable = true\napprovers = [\"{JONAS}\"]\n",
        app(0x0b),
        group(0x15),
    )
}

async fn ask(intune: &Intune, oid: &str, app_id: &str) -> Value {
    let res = intune
        .call(Method::POST, &format!("/api/v1/me/apps/{app_id}/requests"), oid)
        .json(&json!({ "reason": "For the travel claims" }))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 201);
    res.json().await.expect("request")
}

async fn decide(intune: &Intune, oid: &str, id: &str, decision: &str) -> reqwest::StatusCode {
    intune
        .call(Method::POST, &format!("/api/v1/me/approvals/{id}"), oid)
        .json(&json!({ "decision": decision, "comment": "ok" }))
        .send()
        .await
        .expect("decide")
        .status()
}

#[tokio::test]
async fn an_approved_request_adds_the_person_to_the_install_group_once() {
    let setup = Setup { beta: true, organisation: Some(requestable_file()), fresh_secs: 1, ..Default::default() };
    let intune = Intune::start(setup).await;
    let (expenses, iphone) = (app(0x0b), device(2));
    let joins = || accepted_writes(&intune, &format!("/groups/{}/members/$ref", group(0x15)));
    let details: AppDetails = intune.get(AMARA, &format!("/api/v1/me/apps/{expenses}?device={iphone}")).await;
    assert!(details.request.is_some() && !details.catalog.can_install, "Request instead of Install: {details:?}");

    // Declined: nothing is written to Graph.
    let first = ask(&intune, AMARA, &expenses).await;
    assert_eq!(decide(&intune, JONAS, first["id"].as_str().expect("id"), "decline").await, 200);
    assert!(joins().is_empty(), "a declined request changes no group");

    // Approved: Amara joins the app's install group, once, and may install.
    let second = ask(&intune, AMARA, &expenses).await;
    let id = second["id"].as_str().expect("id");
    assert_eq!(decide(&intune, AMARA, id, "approve").await, 404, "she approves nothing");
    assert!(joins().is_empty());
    assert_eq!(decide(&intune, JONAS, id, "approve").await, 200);
    let joined = joins();
    assert_eq!(joined.len(), 1, "one membership write");
    assert!(joined[0]
        .body
        .as_ref()
        .is_some_and(|b| b["@odata.id"].as_str().is_some_and(|r| r.ends_with(&format!("/directoryObjects/{AMARA}")))));
    assert_eq!(decide(&intune, JONAS, id, "approve").await, 409, "decided once");
    assert_eq!(joins().len(), 1, "and written once");
    let details: AppDetails = intune.get(AMARA, &format!("/api/v1/me/apps/{expenses}?device={iphone}")).await;
    assert!(details.catalog.can_install, "installable once approved: {details:?}");
    intune.assert_no_violations();
}
