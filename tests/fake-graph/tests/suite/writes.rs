//! Writes with state: device actions pending → done (or failed), the reset passcode, retire
//! removing the device, the beta rename, selective wipe, group membership reaching install
//! state, and the request log counting writes.

use std::time::Duration;

use crate::support::*;
use fake_graph::Outcome;
use serde_json::{json, Value};

async fn action_result(graph: &Graph, device: &str, action: &str) -> Value {
    let (_, body) = graph
        .get(&format!(
            "/v1.0/deviceManagement/managedDevices/{device}?$select=deviceActionResults,lastSyncDateTime,deviceName"
        ))
        .await;
    body["deviceActionResults"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["actionName"] == action)
        .cloned()
        .unwrap_or(Value::Null)
}

async fn app_state(graph: &Graph, user: &str, device: &str, app: &str) -> (String, String) {
    let (status, body) = graph.get(&format!("/beta/users/{user}/mobileAppIntentAndStates/{device}")).await;
    assert_eq!(status, 200, "{body}");
    let entry = body["mobileAppList"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["applicationId"] == app)
        .cloned()
        .unwrap_or(Value::Null);
    (
        entry["mobileAppIntent"].as_str().unwrap_or("notAvailable").to_owned(),
        entry["installState"].as_str().unwrap_or("").to_owned(),
    )
}

fn reference(id: &str) -> Value {
    json!({"@odata.id": format!("https://graph.microsoft.com/v1.0/directoryObjects/{id}")})
}

#[tokio::test]
async fn a_sync_is_pending_then_done() {
    let graph = start().await;
    let before = action_result(&graph, AMARA_IPHONE, "syncDevice").await;
    let (status, _) =
        graph.send("POST", &format!("/v1.0/users/{AMARA}/managedDevices/{AMARA_IPHONE}/syncDevice"), None).await;
    assert_eq!(status, 204);
    assert_eq!(action_result(&graph, AMARA_IPHONE, "syncDevice").await["actionState"], "pending");
    let done = graph.fake.advance(Some("actions"), Some(AMARA_IPHONE), Outcome::Succeed);
    assert_eq!(done.len(), 1, "{done:?}");
    let after = action_result(&graph, AMARA_IPHONE, "syncDevice").await;
    assert_eq!(after["actionState"], "done");
    assert_ne!(after["startDateTime"], before["startDateTime"]);
    let writes = graph.fake.writes();
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert_eq!(writes[0].status, 204);
    graph.assert_no_violations();
}

#[tokio::test]
async fn reset_passcode_shows_a_temporary_passcode_on_windows_and_is_not_supported_on_a_work_profile() {
    let graph = start().await;
    for device in [AMARA_SURFACE, AMARA_PIXEL] {
        let (status, _) =
            graph.send("POST", &format!("/v1.0/deviceManagement/managedDevices/{device}/resetPasscode"), None).await;
        assert_eq!(status, 204);
    }
    graph.fake.advance(Some("actions"), None, Outcome::Succeed);
    let windows = action_result(&graph, AMARA_SURFACE, "resetPasscode").await;
    assert_eq!(windows["@odata.type"], "#microsoft.graph.resetPasscodeActionResult");
    assert!(windows["passcode"].as_str().is_some_and(|p| p.len() == 11), "{windows}");
    assert_eq!(action_result(&graph, AMARA_PIXEL, "resetPasscode").await["actionState"], "notSupported");
    graph.assert_no_violations();
}

#[tokio::test]
async fn wipe_bodies_are_recorded_and_a_failed_wipe_says_so() {
    let graph = start().await;
    let path = format!("/v1.0/deviceManagement/managedDevices/{AMARA_MACBOOK}/wipe");
    let (status, _) = graph.send("POST", &path, None).await;
    assert_eq!(status, 204, "an empty wipe body is accepted, as Graph does");
    let logged = graph.fake.writes();
    assert!(logged[0].notes.iter().any(|n| n.contains("keepUserData and keepEnrollmentData")), "{logged:?}");
    graph.fake.advance(None, Some(AMARA_MACBOOK), Outcome::Fail);
    assert_eq!(action_result(&graph, AMARA_MACBOOK, "wipe").await["actionState"], "failed");
    let (status, _) = graph.post(&path, json!({"keepUserData": false, "keepEnrollmentData": true})).await;
    assert_eq!(status, 204);
    assert_eq!(graph.fake.writes()[1].body, Some(json!({"keepUserData": false, "keepEnrollmentData": true})));
    assert!(graph.fake.writes()[1].notes.is_empty());
    graph.fake.advance(None, Some(AMARA_MACBOOK), Outcome::Succeed);
    assert_eq!(
        action_result(&graph, AMARA_MACBOOK, "wipe").await["actionState"],
        "done",
        "kept enrollment: still managed"
    );
    graph.assert_no_violations();
}

#[tokio::test]
async fn retire_removes_the_device_when_done() {
    let graph = start().await;
    let (status, _) =
        graph.send("POST", &format!("/v1.0/deviceManagement/managedDevices/{AMARA_MACBOOK}/retire"), None).await;
    assert_eq!(status, 204);
    let (status, _) = graph.get(&format!("/v1.0/deviceManagement/managedDevices/{AMARA_MACBOOK}")).await;
    assert_eq!(status, 200, "still there while pending");
    graph.fake.advance(Some("actions"), None, Outcome::Succeed);
    let (status, body) = graph.get(&format!("/v1.0/deviceManagement/managedDevices/{AMARA_MACBOOK}")).await;
    assert_eq!(status, 404, "{body}");
    let (devices, _) = graph.all_pages(&format!("/v1.0/users/{AMARA}/managedDevices?$select=id")).await;
    assert!(!devices.iter().any(|d| d["id"] == AMARA_MACBOOK));
    let (status, _) =
        graph.send("POST", &format!("/v1.0/deviceManagement/managedDevices/{AMARA_MACBOOK}/retire"), None).await;
    assert_eq!(status, 404, "a device that is gone");
    graph.assert_no_violations();
}

#[tokio::test]
async fn the_beta_rename_renames_when_the_device_checks_in() {
    let graph = start().await;
    let (status, body) = graph
        .post(
            &format!("/beta/users/{AMARA}/managedDevices/{AMARA_SURFACE}/setDeviceName"),
            json!({"deviceName": "Amara's laptop"}),
        )
        .await;
    assert_eq!(status, 204, "{body}");
    graph.fake.advance(Some("actions"), None, Outcome::Succeed);
    let (_, device) =
        graph.get(&format!("/v1.0/deviceManagement/managedDevices/{AMARA_SURFACE}?$select=deviceName")).await;
    assert_eq!(device["deviceName"], "Amara's laptop");
    graph.assert_no_violations();
}

#[tokio::test]
async fn selective_wipe_removes_each_registration_at_its_check_in() {
    let graph = start().await;
    let (status, _) = graph
        .post(
            &format!("/v1.0/users/{AMARA}/wipeManagedAppRegistrationsByDeviceTag"),
            json!({"deviceTag": TAG_AMARA_IPAD}),
        )
        .await;
    assert_eq!(status, 204);
    let pending = graph.fake.pending();
    assert_eq!(pending.iter().filter(|p| p["kind"] == "selectiveWipe").count(), 2, "{pending:?}");
    graph.fake.advance(Some("wipes"), None, Outcome::Succeed);
    let (_, registrations) = graph.get(&format!("/v1.0/users/{AMARA}/managedAppRegistrations")).await;
    let registrations = registrations["value"].as_array().cloned().unwrap_or_default();
    assert!(!registrations.iter().any(|r| r["deviceTag"] == TAG_AMARA_IPAD), "the iPad's registrations are gone");
    assert!(!registrations.is_empty(), "the other devices' stay");
    graph.assert_no_violations();
}

#[tokio::test]
async fn joining_a_required_group_installs_and_joining_an_uninstall_group_uninstalls() {
    let graph = start().await;
    assert_eq!(
        app_state(&graph, AMARA, AMARA_IPHONE, APP_EXPENSES_IOS).await,
        ("availableInstallWithoutEnrollment".into(), "notInstalled".into())
    );
    let (status, body) = graph.post(&format!("/v1.0/groups/{G_SS_EXPENSES}/members/$ref"), reference(AMARA)).await;
    assert_eq!(status, 204, "{body}");
    assert_eq!(
        app_state(&graph, AMARA, AMARA_IPHONE, APP_EXPENSES_IOS).await,
        ("requiredInstall".into(), "pendingInstall".into())
    );
    let (status, body) = graph.post(&format!("/v1.0/groups/{G_SS_EXPENSES}/members/$ref"), reference(AMARA)).await;
    assert_eq!(status, 400, "already a member");
    assert_eq!(
        body["error"]["message"],
        "One or more added object references already exist for the following modified properties: 'members'."
    );
    // The device checks in (a sync) and installs it.
    let (status, _) =
        graph.send("POST", &format!("/v1.0/deviceManagement/managedDevices/{AMARA_IPHONE}/syncDevice"), None).await;
    assert_eq!(status, 204);
    graph.fake.advance(Some("actions"), Some(AMARA_IPHONE), Outcome::Succeed);
    assert_eq!(app_state(&graph, AMARA, AMARA_IPHONE, APP_EXPENSES_IOS).await.1, "installed");
    // Uninstall: leave the install group, join the uninstall group.
    let (status, _) = graph.send("DELETE", &format!("/v1.0/groups/{G_SS_EXPENSES}/members/{AMARA}/$ref"), None).await;
    assert_eq!(status, 204);
    let (status, body) =
        graph.send("DELETE", &format!("/v1.0/groups/{G_SS_EXPENSES}/members/{AMARA}/$ref"), None).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("Request_ResourceNotFound")),
        "not a member any more"
    );
    let (status, _) =
        graph.post(&format!("/v1.0/groups/{G_SS_EXPENSES_UNINSTALL}/members/$ref"), reference(AMARA)).await;
    assert_eq!(status, 204);
    assert_eq!(app_state(&graph, AMARA, AMARA_IPHONE, APP_EXPENSES_IOS).await.0, "requiredUninstall");
    graph.fake.advance(Some("installs"), None, Outcome::Succeed);
    assert_eq!(app_state(&graph, AMARA, AMARA_IPHONE, APP_EXPENSES_IOS).await.1, "notInstalled");
    assert_eq!(graph.fake.writes().len(), 4, "two adds, a sync, a removal: {:?}", graph.fake.writes());
    graph.assert_no_violations();
}

#[tokio::test]
async fn an_app_marked_to_fail_fails_and_device_members_need_device_permission() {
    let graph = start().await;
    // Lab Notebook fails on every device: leave and re-join its group, it is tried again and fails.
    let (status, _) =
        graph.send("DELETE", &format!("/v1.0/groups/{G_SS_LAB_NOTEBOOK}/members/{AMARA}/$ref"), None).await;
    assert_eq!(status, 204);
    let (status, _) = graph.post(&format!("/v1.0/groups/{G_SS_LAB_NOTEBOOK}/members/$ref"), reference(AMARA)).await;
    assert_eq!(status, 204);
    assert_eq!(app_state(&graph, AMARA, AMARA_SURFACE, APP_LAB_NOTEBOOK).await.1, "pendingInstall");
    graph.fake.advance(Some("installs"), Some(AMARA_SURFACE), Outcome::Succeed);
    assert_eq!(
        app_state(&graph, AMARA, AMARA_SURFACE, APP_LAB_NOTEBOOK).await.1,
        "failed",
        "it fails however it is advanced"
    );
    let response = graph
        .http
        .post(graph.url("/v1.0/deviceManagement/reports/retrieveDeviceAppInstallationStatusReport"))
        .bearer_auth(&graph.token)
        .json(&json!({"filter": format!("(ApplicationId eq '{APP_LAB_NOTEBOOK}') and (DeviceId eq '{AMARA_SURFACE}')"), "select": ["AppInstallState", "HexErrorCode"]}))
        .send()
        .await
        .expect("report");
    let report: Value = serde_json::from_slice(&response.bytes().await.expect("bytes")).expect("JSON");
    assert_eq!(report["Values"], json!([["failed", "0x87D1041C"]]), "the report says so too");
    // A device member: the portal's roles lack Device.ReadWrite.All.
    let (status, body) =
        graph.post(&format!("/v1.0/groups/{G_SS_DESIGN_DEVICES}/members/$ref"), reference(AMARA_MACBOOK_ENTRA)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("Authorization_RequestDenied")), "{body}");
    graph.fake.set_roles(&[
        "GroupMember.ReadWrite.All",
        "Device.ReadWrite.All",
        "DeviceManagementManagedDevices.Read.All",
    ]);
    let token = secret_token(&graph.http, &graph.fake).await;
    let response = graph
        .http
        .post(graph.url(&format!("/v1.0/groups/{G_SS_DESIGN_DEVICES}/members/$ref")))
        .bearer_auth(&token)
        .json(&reference(AMARA_MACBOOK_ENTRA))
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status().as_u16(), 204);
    assert!(
        graph.fake.pending().iter().any(|p| p["appId"] == APP_DESIGN_STUDIO)
            || graph.fake.shared().org().install_state(AMARA_MACBOOK, APP_DESIGN_STUDIO).state == "installed"
    );
    graph.assert_no_violations();
}

#[tokio::test]
async fn another_users_device_through_the_users_path_is_404_and_no_write() {
    let graph = start().await;
    let (status, _) = graph
        .send(
            "POST",
            &format!("/v1.0/users/{SOFIA}/managedDevices/{AMARA_IPHONE}/wipe"),
            Some(json!({"keepUserData": true, "keepEnrollmentData": true})),
        )
        .await;
    assert_eq!(status, 404);
    assert!(graph.fake.writes().is_empty());
    assert!(graph.fake.pending().iter().all(|p| !(p["kind"] == "action" && p["managedDeviceId"] == AMARA_IPHONE)));
}

#[tokio::test]
async fn with_a_device_delay_devices_act_by_themselves() {
    let graph = start_with(fake_graph::Options {
        device_delay: Some(Duration::from_millis(30)),
        ..fake_graph::Options::default()
    })
    .await;
    let (status, _) =
        graph.send("POST", &format!("/v1.0/deviceManagement/managedDevices/{AMARA_IPHONE}/remoteLock"), None).await;
    assert_eq!(status, 204);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while action_result(&graph, AMARA_IPHONE, "remoteLock").await["actionState"] != "done" {
        assert!(std::time::Instant::now() < deadline, "the lock never happened");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    graph.assert_no_violations();
}
