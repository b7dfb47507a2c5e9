//! What the fake serves and the traps it holds: pages, `$select`, `$expand`, filters, the
//! deviceId alternate key and the group cast, a device of someone else in a user's list,
//! `jailBroken` as a string, beta branding and install state, the v1.0 report, `$batch`.

use crate::support::*;
use serde_json::{json, Value};

fn ids(items: &[Value]) -> Vec<&str> {
    items.iter().filter_map(|i| i["id"].as_str()).collect()
}

#[tokio::test]
async fn the_catalog_comes_in_three_or_more_pages_with_absolute_next_links() {
    let graph = start().await;
    let (apps, pages) = graph.all_pages("/v1.0/deviceAppManagement/mobileApps?$expand=assignments,categories").await;
    assert!(pages >= 3, "{pages} pages");
    assert_eq!(apps.len(), 35);
    let (first_status, first) = graph.get("/v1.0/deviceAppManagement/mobileApps?$top=4").await;
    assert_eq!(first_status, 200);
    assert_eq!(first["value"].as_array().map(Vec::len), Some(4), "$top is the page size");
    let next = first["@odata.nextLink"].as_str().expect("a next link");
    assert!(
        next.starts_with(&graph.fake.base_url()) && next.contains("$skiptoken=") && next.contains("$top=4"),
        "{next}"
    );
    // Expanded: assignments of every kind of target, categories resolved.
    let targets: Vec<&str> = apps
        .iter()
        .flat_map(|a| a["assignments"].as_array().into_iter().flatten())
        .filter_map(|a| a["target"]["@odata.type"].as_str())
        .collect();
    for kind in [
        "groupAssignmentTarget",
        "exclusionGroupAssignmentTarget",
        "allLicensedUsersAssignmentTarget",
        "allDevicesAssignmentTarget",
    ] {
        assert!(targets.contains(&format!("#microsoft.graph.{kind}").as_str()), "{kind}");
    }
    assert!(apps.iter().any(|a| a["assignments"].as_array().is_some_and(Vec::is_empty)), "an unassigned app");
    assert!(
        apps.iter().any(|a| a["@odata.type"] == "#microsoft.graph.microsoftStoreForBusinessApp"),
        "a type the portal does not know"
    );
    assert!(apps[0]["categories"][0]["displayName"].is_string(), "{}", apps[0]["categories"]);
    // Without $expand, navigation properties are not served.
    let (_, plain) = graph.get("/v1.0/deviceAppManagement/mobileApps?$top=1").await;
    assert!(plain["value"][0].get("assignments").is_none());
    graph.assert_no_violations();
}

#[tokio::test]
async fn a_users_device_list_holds_the_traps() {
    let graph = start().await;
    let (devices, _) = graph
        .all_pages(&format!(
            "/v1.0/users/{AMARA}/managedDevices?$select=id,deviceName,userId,jailBroken,operatingSystem&$expand=users"
        ))
        .await;
    let foreign: Vec<&Value> = devices.iter().filter(|d| d["userId"] != AMARA).collect();
    assert_eq!(
        ids(&foreign.into_iter().cloned().collect::<Vec<_>>()),
        vec![JONAS_IPHONE],
        "someone else's device is in the list"
    );
    let reassigned = devices.iter().find(|d| d["id"] == REASSIGNED_LAPTOP).expect("the reassigned laptop");
    assert_eq!(reassigned["userId"], AMARA, "userId: the enrolling user");
    assert_eq!(reassigned["users"][0]["id"], JONAS, "the users navigation: the primary user");
    assert!(devices.iter().all(|d| d["jailBroken"].is_string()), "jailBroken is a string");
    // $select: only what was asked, and id and @odata.type.
    let keys: Vec<&String> = devices[0].as_object().expect("object").keys().collect();
    assert!(
        keys.iter().all(|k| ["id", "@odata.type", "deviceName", "userId", "jailBroken", "operatingSystem", "users"]
            .contains(&k.as_str())),
        "{keys:?}"
    );
    // The filter-ignoring trap of /deviceManagement/managedDevices.
    let (all, _) = graph.all_pages(&format!("/v1.0/deviceManagement/managedDevices?$filter=userId eq '{AMARA}'")).await;
    assert_eq!(all.len(), 10, "the filter is ignored");
    assert!(graph.fake.requests().iter().any(|r| r.notes.iter().any(|n| n.contains("ignored"))));
    graph.assert_no_violations();
}

#[tokio::test]
async fn entra_devices_groups_and_memberships() {
    let graph = start().await;
    let (_, device) =
        graph.get(&format!("/v1.0/users/{AMARA}/managedDevices/{AMARA_IPHONE}?$select=azureADDeviceId")).await;
    let device_id = device["azureADDeviceId"].as_str().expect("azureADDeviceId").to_owned();
    let (status, entra) = graph.get(&format!("/v1.0/devices(deviceId='{device_id}')")).await;
    assert_eq!(status, 200, "{entra}");
    assert_eq!(entra["deviceId"], device_id.as_str());
    assert_ne!(entra["id"], device_id.as_str(), "the object id is not the deviceId");
    let (_, filtered) =
        graph.get(&format!("/v1.0/devices?$filter=deviceId eq '{device_id}'&$select=id,deviceId")).await;
    assert_eq!(filtered["value"][0]["id"], entra["id"]);
    let object_id = entra["id"].as_str().expect("id");
    let (status, groups) = graph
        .get(&format!("/v1.0/devices/{object_id}/transitiveMemberOf/microsoft.graph.group?$select=id,displayName"))
        .await;
    assert_eq!(status, 200, "{groups}");
    let names: Vec<&str> =
        groups["value"].as_array().expect("groups").iter().filter_map(|g| g["displayName"].as_str()).collect();
    assert!(names.contains(&"Corporate iPhones and iPads") && names.contains(&"Legacy software removal"), "{names:?}");
    let (_, groups) = graph.get(&format!("/v1.0/users/{AMARA}/transitiveMemberOf?$select=id,displayName")).await;
    let groups = groups["value"].as_array().cloned().unwrap_or_default();
    assert!(ids(&groups).contains(&G_ALL_STAFF), "all staff, through Sales");
    assert!(ids(&groups).contains(&G_SALES));
    let (status, user) = graph.get("/v1.0/users/amara.okoye@contoso.example?$select=id,displayName").await;
    assert_eq!((status, user["id"].as_str()), (200, Some(AMARA)), "by user principal name");
    let (status, _) = graph.get("/v1.0/users/00000001-0000-4000-8000-0000000000ff").await;
    assert_eq!(status, 404);
    let (status, body) = graph.get(&format!("/v1.0/users/{AMARA}/transitiveMemberOf?$count=true")).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("Request_BadRequest")),
        "$count needs ConsistencyLevel: eventual"
    );
    graph.assert_no_violations();
}

#[tokio::test]
async fn app_protection_and_registrations() {
    let graph = start().await;
    let (registrations, _) = graph
        .all_pages(&format!("/v1.0/users/{AMARA}/managedAppRegistrations?$expand=appliedPolicies,intendedPolicies"))
        .await;
    let ipad: Vec<&Value> = registrations.iter().filter(|r| r["deviceTag"] == TAG_AMARA_IPAD).collect();
    assert_eq!(ipad.len(), 2);
    assert!(
        ipad.iter()
            .any(|r| r["appliedPolicies"].as_array().map(Vec::len) != r["intendedPolicies"].as_array().map(Vec::len)),
        "applied ≠ intended"
    );
    assert!(registrations
        .iter()
        .all(|r| r["@odata.type"].as_str().is_some_and(|t| t.ends_with("ManagedAppRegistration"))));
    assert!(ipad[0]["appliedPolicies"][0]["pinRequired"].is_boolean(), "expanded to the policy: {}", ipad[0]);
    let (_, sofia) = graph.get(&format!("/v1.0/users/{SOFIA}/managedAppRegistrations")).await;
    assert!(sofia["value"].as_array().expect("value").iter().any(|r| r["flaggedReasons"] == json!(["rootedDevice"])));
    let (_, policies) = graph.get("/v1.0/deviceAppManagement/iosManagedAppProtections?$expand=apps,assignments").await;
    let policy = &policies["value"][0];
    assert_eq!(policy["periodOfflineBeforeWipeIsEnforced"], "P90D");
    assert!(policy["apps"][0]["mobileAppIdentifier"]["bundleId"].is_string());
    assert!(policy["assignments"][0]["target"]["groupId"].is_string());
    graph.assert_no_violations();
}

#[tokio::test]
async fn branding_v1_and_beta() {
    let graph = start().await;
    let (status, brand) = graph.get("/v1.0/deviceManagement?$select=intuneBrand").await;
    assert_eq!(status, 200, "{brand}");
    assert_eq!(brand["intuneBrand"]["displayName"], "Contoso Pharmaceuticals");
    assert_eq!(
        brand["intuneBrand"]["themeColor"],
        json!({"@odata.type": "#microsoft.graph.rgbColor", "r": 15, "g": 108, "b": 189})
    );
    let (status, profiles) = graph.get("/beta/deviceManagement/intuneBrandingProfiles?$expand=assignments").await;
    assert_eq!(status, 200, "{profiles}");
    let profiles = profiles["value"].as_array().cloned().unwrap_or_default();
    assert!(profiles.iter().any(|p| p["isDefaultProfile"] == true && p["isRemoveDeviceDisabled"] == true));
    assert!(profiles.iter().any(|p| p["assignments"][0]["target"]["groupId"].is_string()), "one assigned to a group");
    graph.assert_no_violations();
}

#[tokio::test]
async fn install_state_in_beta_and_in_the_v1_report() {
    let graph = start().await;
    let (status, states) = graph.get(&format!("/beta/users/{AMARA}/mobileAppIntentAndStates")).await;
    assert_eq!(status, 200, "{states}");
    let iphone = states["value"]
        .as_array()
        .expect("value")
        .iter()
        .find(|s| s["managedDeviceIdentifier"] == AMARA_IPHONE)
        .cloned()
        .expect("the iPhone");
    let expenses = iphone["mobileAppList"]
        .as_array()
        .expect("list")
        .iter()
        .find(|a| a["applicationId"] == APP_EXPENSES_IOS)
        .cloned()
        .expect("Expenses");
    assert_eq!(
        (expenses["mobileAppIntent"].as_str(), expenses["installState"].as_str()),
        (Some("availableInstallWithoutEnrollment"), Some("notInstalled"))
    );
    let response = graph
        .http
        .post(graph.url("/v1.0/deviceManagement/reports/retrieveDeviceAppInstallationStatusReport"))
        .bearer_auth(&graph.token)
        .json(
            &json!({"name": "DeviceInstallStatusByApp", "filter": format!("(ApplicationId eq '{APP_LAB_NOTEBOOK}')")}),
        )
        .send()
        .await
        .expect("report");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["content-type"], "application/octet-stream");
    let report: Value = serde_json::from_slice(&response.bytes().await.expect("bytes")).expect("the report is JSON");
    let columns: Vec<&str> =
        report["Schema"].as_array().expect("Schema").iter().filter_map(|c| c["Column"].as_str()).collect();
    let row = &report["Values"][0];
    let at = |name: &str| columns.iter().position(|c| *c == name).map(|i| row[i].clone()).unwrap_or(Value::Null);
    assert_eq!(at("DeviceId"), json!(AMARA_SURFACE));
    assert_eq!(at("AppInstallState"), json!("failed"));
    assert_eq!(at("HexErrorCode"), json!("0x87D1041C"));
    graph.assert_no_violations();
}

#[tokio::test]
async fn a_json_batch_answers_each_request_and_can_carry_inner_throttling() {
    let graph = start().await;
    graph.fake.inject(fake_graph::Fault::throttle("/v1.0/users", Some(7)).inside_batch());
    let (status, body) = graph
        .post("/v1.0/$batch", json!({"requests": [
            {"id": "devices", "method": "GET", "url": format!("/users/{AMARA}/managedDevices?$select=id")},
            {"id": "groups", "method": "GET", "url": format!("/users/{AMARA}/transitiveMemberOf/microsoft.graph.group?$select=id")},
            {"id": "brand", "method": "GET", "url": "/deviceManagement?$select=intuneBrand", "dependsOn": ["devices"]},
        ]}))
        .await;
    assert_eq!(status, 200, "{body}");
    let responses = body["responses"].as_array().expect("responses");
    assert_eq!(responses[0]["status"], 429, "the first inner request is throttled");
    assert_eq!(responses[0]["headers"]["Retry-After"], "7");
    assert_eq!(responses[1]["status"], 200);
    assert_eq!(responses[2]["status"], 424, "depends on a failed request");
    let inner: Vec<_> = graph.fake.requests().into_iter().filter(|r| r.batch.is_some()).collect();
    assert_eq!(inner.len(), 3, "each inner request is logged");
    graph.assert_no_violations();
}

#[tokio::test]
async fn beta_views_of_devices_and_registrations() {
    let graph = start().await;
    let (status, devices) =
        graph.get(&format!("/beta/users/{AMARA}/managedDevices?$select=id,deviceEnrollmentType,deviceType")).await;
    assert_eq!(status, 200, "{devices}");
    let pixel = devices["value"]
        .as_array()
        .expect("value")
        .iter()
        .find(|d| d["id"] == AMARA_PIXEL)
        .cloned()
        .expect("the Pixel");
    assert_eq!(pixel["deviceType"], "androidForWork", "beta says it is a work profile");
    assert_eq!(pixel["deviceEnrollmentType"], "userEnrollment");
    let (_, v1) =
        graph.get(&format!("/v1.0/deviceManagement/managedDevices/{AMARA_PIXEL}?$select=deviceEnrollmentType")).await;
    assert_eq!(v1["deviceEnrollmentType"], "userEnrollment", "v1.0 cannot say more");
    let (status, registrations) = graph.get(&format!("/beta/users/{AMARA}/managedAppRegistrations")).await;
    assert_eq!(status, 200, "{registrations}");
    let registrations = registrations["value"].as_array().cloned().unwrap_or_default();
    assert!(
        registrations.iter().any(|r| r["managedDeviceId"] == AMARA_IPHONE),
        "an enrolled device's registration names it"
    );
    assert!(
        registrations.iter().filter(|r| r["deviceTag"] == TAG_AMARA_IPAD).all(|r| r.get("managedDeviceId").is_none()),
        "a MAM-only one does not"
    );
    let (status, _) = graph.get("/beta/deviceAppManagement/mobileApps").await;
    assert_eq!(status, 501, "a beta call the fake does not serve");
    assert!(graph.fake.violations().iter().all(|v| v.kind == "unsupported"), "{:#?}", graph.fake.violations());
}

#[tokio::test]
async fn the_connectors_probes_and_nested_selects() {
    let graph = start().await;
    for probe in [
        "/v1.0/users?$top=1&$select=id",
        "/v1.0/devices?$top=1&$select=id",
        "/v1.0/deviceManagement/managedDevices?$top=1&$select=id",
        "/v1.0/deviceAppManagement/mobileApps?$top=1&$select=id",
        "/v1.0/deviceManagement?$select=intuneBrand",
        "/beta/deviceManagement/intuneBrandingProfiles?$top=1",
    ] {
        let (status, body) = graph.get(probe).await;
        assert_eq!(status, 200, "{probe}: {body}");
    }
    let (status, body) = graph
        .get(&format!("/v1.0/users/{AMARA}/managedAppRegistrations?$expand=appliedPolicies($select=id,displayName),intendedPolicies($select=id,displayName)"))
        .await;
    assert_eq!(status, 200, "{body}");
    let policy = body["value"][0]["appliedPolicies"][0].as_object().cloned().expect("an expanded policy");
    let mut keys: Vec<&str> = policy.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["@odata.type", "displayName", "id"], "the nested $select is applied");
    let (status, body) =
        graph.get(&format!("/v1.0/users/{AMARA}/managedAppRegistrations?$expand=appliedPolicies($select=pin)")).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"]["message"].as_str().is_some_and(
            |m| m.contains("\"pin\" (in $expand=appliedPolicies(...)) is not a property of managedAppPolicy")
        ),
        "{body}"
    );
}

/// The reads portal-server's Graph source makes for one user, as one `$batch`
/// (server/src/tenant/graph: the user snapshot), answer without a violation.
#[tokio::test]
async fn the_connectors_user_snapshot_batch() {
    let graph = start().await;
    let user = format!("/users/{AMARA}");
    let select = "id,userId,deviceName,operatingSystem,osVersion,model,manufacturer,serialNumber,managedDeviceOwnerType,\
deviceEnrollmentType,enrolledDateTime,lastSyncDateTime,complianceState,complianceGracePeriodExpirationDateTime,isEncrypted,\
jailBroken,azureADDeviceId,deviceActionResults";
    let (status, body) = graph
        .post("/v1.0/$batch", json!({"requests": [
            {"id": "user", "method": "GET", "url": format!("{user}?$select=id,displayName,userPrincipalName,mail")},
            {"id": "groups", "method": "GET", "url": format!("{user}/transitiveMemberOf?$select=id")},
            {"id": "devices", "method": "GET", "url": format!("{user}/managedDevices?$select={select}")},
            {"id": "registrations", "method": "GET", "url": format!("{user}/managedAppRegistrations?$expand=appliedPolicies($select=id,displayName),intendedPolicies($select=id,displayName)")},
            {"id": "primary", "method": "GET", "url": format!("/deviceManagement/managedDevices/{REASSIGNED_LAPTOP}/users?$select=id")},
        ]}))
        .await;
    assert_eq!(status, 200, "{body}");
    for response in body["responses"].as_array().expect("responses") {
        assert_eq!(response["status"], 200, "{response}");
    }
    assert_eq!(body["responses"][4]["body"]["value"][0]["id"], JONAS, "the primary user of CPH-LT-0200");
    graph.assert_no_violations();
}
