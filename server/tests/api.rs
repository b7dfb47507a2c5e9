//! The Portal API v1 against the real binary and a real database (a SQLite file; a
//! PostgreSQL database when run with `PORTAL_TEST_STORE=postgres`, as scripts/test does a
//! second time), signed in over the real `/oidc` flow with the demo tenant: every endpoint's happy path and errors, the
//! authorisation matrix (someone else's ids are 404 and change nothing), the action
//! restrictions of DOMAIN.md, bad input, live changes over SSE, and restarts.

mod support;

use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;
use support::events::EventReader;
use support::{problem_of, sign_in, Server, TestDb, DEMO_PASSWORD};

/// Work never becomes due: pending state stays pending for the whole test.
const FROZEN: &[&str] = &["--simulator-delay-ms", "999999999999"];
/// The simulator carries work out at once.
const INSTANT: &[&str] = &["--simulator-delay-ms", "0"];

async fn token(server: &Server, user: &str) -> String {
    sign_in(server, &format!("{user}@contoso.example"), DEMO_PASSWORD).await.access_token
}

async fn get_json(server: &Server, path: &str, token: &str) -> Value {
    let res = server.call(Method::GET, path, token).send().await.expect("request");
    assert_eq!(res.status(), 200, "GET {path}");
    res.json().await.expect("json")
}

async fn post(server: &Server, path: &str, token: &str, body: Value) -> reqwest::Response {
    server.call(Method::POST, path, token).json(&body).send().await.expect("request")
}

/// Every row of the tables the API can change, as text: equal before and after means
/// nothing changed.
async fn snapshot(db: &TestDb) -> Vec<String> {
    let mut rows = Vec::new();
    for table in
        ["devices", "device_actions", "install_states", "app_registrations", "notifications", "unenrolled_devices"]
    {
        for values in db.rows(&format!("SELECT * FROM {table} ORDER BY 1")).await {
            rows.push(format!("{table}: {}", values.join(" | ")));
        }
    }
    rows
}

async fn wait_for<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..100 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

#[tokio::test]
async fn home_devices_apps_protection_notifications_and_openapi() {
    let server = Server::start(FROZEN).await;
    let amara = token(&server, "amara.okoye").await;

    let home = get_json(&server, "/api/v1/me/home", &amara).await;
    assert_eq!(home["profile"]["id"], "u-amara");
    assert_eq!(home["branding"]["organisationName"], "Contoso Pharmaceuticals");
    assert_eq!(home["devices"].as_array().expect("devices").len(), 5);
    assert_eq!(home["unenrolledDevices"][0]["deviceTag"], "mam-amara-ipad");
    let surface = home["devices"]
        .as_array()
        .expect("devices")
        .iter()
        .find(|d| d["device"]["id"] == "dev-amara-surface")
        .expect("surface");
    assert_eq!(surface["access"]["status"], "gracePeriod");
    assert!(home["unreadNotifications"].as_u64().expect("count") >= 1);
    assert!(!home["featuredApps"].as_array().expect("featured").is_empty());
    let p = &home["protection"];
    let total: u64 = ["protected", "waitingForCheckIn", "blocked", "wipePending", "wipeDone", "notProtected"]
        .iter()
        .map(|k| p[k].as_u64().expect("count"))
        .sum();
    assert_eq!(total, 4, "amara has four protected app registrations: {p}");

    let devices = get_json(&server, "/api/v1/me/devices", &amara).await;
    assert_eq!(devices["devices"].as_array().expect("list").len(), 5);
    assert_eq!(devices["unenrolledDevices"].as_array().expect("list").len(), 1);

    // Details: access status as a code, what to fix, every action with its availability.
    let mac = get_json(&server, "/api/v1/me/devices/dev-amara-macbook", &amara).await;
    assert_eq!(mac["access"]["status"], "cannotAccess");
    assert!(!mac["settingsToFix"].as_array().expect("settings").is_empty());
    let actions = mac["actions"].as_array().expect("actions");
    let of = |name: &str| actions.iter().find(|a| a["action"] == name).expect("action")["availability"].clone();
    assert_eq!(of("remoteLock")["status"], "notApplicable");
    assert_eq!(of("wipe")["status"], "notApplicable");
    assert_eq!(of("sync")["status"], "available");
    let iphone = get_json(&server, "/api/v1/me/devices/dev-amara-iphone", &amara).await;
    let actions = iphone["actions"].as_array().expect("actions");
    let retire = actions.iter().find(|a| a["action"] == "retire").expect("retire");
    assert_eq!(
        retire["availability"],
        json!({"status": "unavailable", "reason": {"code": "appleAutomatedDeviceEnrollment"}})
    );
    assert!(iphone["device"]["deviceActionResults"].as_array().is_some_and(|h| !h.is_empty()), "history");

    // Apps: an enrolled Android device sees Android (and web) apps only, with install state.
    let apps = get_json(&server, "/api/v1/me/apps?device=dev-amara-pixel", &amara).await;
    assert_eq!(apps["context"], json!({"kind": "enrolled", "deviceId": "dev-amara-pixel", "platform": "android"}));
    let list = apps["apps"].as_array().expect("apps");
    assert!(!list.is_empty());
    for item in list {
        let platforms = item["app"]["platforms"].as_array().expect("platforms");
        assert!(platforms.iter().any(|p| p == "android" || p == "web"), "{}", item["app"]["id"]);
        assert_eq!(item["catalog"]["visibility"]["visibility"], "shown");
    }
    let none = get_json(&server, "/api/v1/me/apps?device=none", &amara).await;
    assert_eq!(none["context"]["kind"], "none");
    let default = get_json(&server, "/api/v1/me/apps", &amara).await;
    assert_eq!(default["apps"], none["apps"]);
    for item in none["apps"].as_array().expect("apps") {
        let reason = item["catalog"]["visibility"]["reason"].as_str().expect("reason");
        assert!(!reason.starts_with("required"), "no Required app without a device: {item}");
    }
    // Pages, search and category filter; `total` counts every match.
    let all = none["apps"].as_array().expect("apps").clone();
    assert_eq!(none["total"].as_u64(), Some(all.len() as u64));
    assert_eq!((none["offset"].as_u64(), none["limit"].as_u64()), (Some(0), Some(50)));
    let page = get_json(&server, "/api/v1/me/apps?device=none&offset=2&limit=3", &amara).await;
    assert_eq!(page["apps"].as_array().expect("page")[..], all[2..5]);
    assert_eq!(page["total"], none["total"]);
    let name = all[0]["app"]["name"].as_str().expect("name");
    let found =
        get_json(&server, &format!("/api/v1/me/apps?q={}", name.to_uppercase().replace(' ', "%20")), &amara).await;
    assert!(found["apps"].as_array().expect("found").iter().any(|a| a["app"]["id"] == all[0]["app"]["id"]));
    let category = all[0]["app"]["categories"][0].as_str().expect("category");
    let in_category =
        get_json(&server, &format!("/api/v1/me/apps?category={}", category.replace(' ', "%20")), &amara).await;
    for a in in_category["apps"].as_array().expect("apps") {
        assert!(a["app"]["categories"].as_array().expect("categories").iter().any(|c| c == category));
    }
    for bad in ["limit=0", "limit=201", "offset=-1", "limit=many"] {
        let res = server.call(Method::GET, &format!("/api/v1/me/apps?{bad}"), &amara).send().await.expect("bad page");
        assert_eq!(problem_of(res).await.status, 400, "{bad}");
    }
    let ios = get_json(&server, "/api/v1/me/apps?device=unenrolled:ios", &amara).await;
    assert_eq!(ios["context"], json!({"kind": "unenrolled", "platform": "ios"}));
    let mam = get_json(&server, "/api/v1/me/apps?device=mam-amara-ipad", &amara).await;
    assert_eq!(mam["context"], json!({"kind": "unenrolled", "platform": "ipados"}));

    let app_id = list[0]["app"]["id"].as_str().expect("id").to_string();
    let details = get_json(&server, &format!("/api/v1/me/apps/{app_id}?device=dev-amara-pixel"), &amara).await;
    assert_eq!(details["app"]["id"], app_id.as_str());
    assert_eq!(details["catalog"]["appId"], app_id.as_str());
    // A hidden app says why.
    let hidden = get_json(&server, "/api/v1/me/apps/lab-notebook?device=dev-amara-pixel", &amara).await;
    assert_eq!(hidden["catalog"]["visibility"], json!({"visibility": "hidden", "reason": "otherPlatform"}));

    // Protected apps: grouped by device, policy lines and status from portal-core.
    let protected = get_json(&server, "/api/v1/me/protected-apps", &amara).await;
    let groups = protected["devices"].as_array().expect("devices");
    assert!(!groups.is_empty());
    for group in groups {
        for app in group["apps"].as_array().expect("apps") {
            assert_eq!(app["registration"]["deviceTag"], group["deviceTag"]);
            assert!(app["status"]["status"].is_string());
        }
    }
    assert!(groups.iter().flat_map(|g| g["apps"].as_array().expect("apps")).any(|a| a["policies"]
        .as_array()
        .is_some_and(|p| p.iter().any(|p| !p["lines"].as_array().expect("lines").is_empty()))));

    // Notifications: list, mark read (idempotent), unknown → 404.
    let notes = get_json(&server, "/api/v1/me/notifications", &amara).await;
    let unread = notes["unread"].as_u64().expect("unread");
    let res = post(&server, "/api/v1/me/notifications/n-amara-grace/read", &amara, json!({})).await;
    assert_eq!(res.status(), 204);
    let res =
        server.call(Method::POST, "/api/v1/me/notifications/n-amara-grace/read", &amara).send().await.expect("again");
    assert_eq!(res.status(), 204, "marking a read notification again");
    let notes = get_json(&server, "/api/v1/me/notifications", &amara).await;
    assert_eq!(notes["unread"].as_u64(), Some(unread - 1));
    let res = server.call(Method::POST, "/api/v1/me/notifications/n-nope/read", &amara).send().await.expect("unknown");
    assert_eq!(problem_of(res).await.status, 404);

    // The contract, generated from the code.
    let doc: Value = server.get("/api/v1/openapi.json").await.json().await.expect("openapi");
    assert!(doc["openapi"].as_str().expect("version").starts_with("3."));
    for path in [
        "/api/v1/me/home",
        "/api/v1/me/devices/{id}",
        "/api/v1/me/devices/{id}/actions",
        "/api/v1/me/apps",
        "/api/v1/me/apps/{appId}/install",
        "/api/v1/me/protected-apps/wipe",
        "/api/v1/me/notifications/{id}/read",
        "/api/v1/me/events",
        "/api/v1/me/events/ticket",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} in the OpenAPI document");
    }
    for schema in ["Home", "DeviceDetails", "Availability", "Reason", "CatalogEntry", "Problem", "Event"] {
        assert!(doc["components"]["schemas"][schema].is_object(), "schema {schema}");
    }
}

#[tokio::test]
async fn rename_is_validated_by_the_core_rule() {
    let server = Server::start(FROZEN).await;
    let amara = token(&server, "amara.okoye").await;
    let path = "/api/v1/me/devices/dev-amara-pixel";
    let res = server
        .call(Method::PATCH, path, &amara)
        .json(&json!({"deviceName": "  Work phone  "}))
        .send()
        .await
        .expect("patch");
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["device"]["deviceName"], "Work phone");
    let cases = [
        (json!({"deviceName": "   "}), "empty"),
        (json!({"deviceName": "x".repeat(65)}), "tooLong"),
        (json!({"deviceName": "a\u{7}b"}), "controlCharacter"),
    ];
    for (body, code) in cases {
        let res = server.call(Method::PATCH, path, &amara).json(&body).send().await.expect("patch");
        assert_eq!(res.status(), 422, "{code}");
        let problem = problem_of(res).await;
        assert_eq!(serde_json::to_value(problem.reason).expect("reason")["code"], code);
    }
    let details = get_json(&server, path, &amara).await;
    assert_eq!(details["device"]["deviceName"], "Work phone", "refused names changed nothing");
}

/// Every restriction on the demo devices answers 403 with the portal-core reason; the same
/// action pending answers 409; an accepted action is 202 with its record.
#[tokio::test]
async fn actions_are_authorised_by_the_core_rule() {
    let server = Server::start(FROZEN).await;
    let amara = token(&server, "amara.okoye").await;
    let jonas = token(&server, "jonas.weber").await;
    let hannah = token(&server, "hannah.lindqvist").await;
    let before = snapshot(&server.db).await;
    let refused = [
        (&amara, "dev-amara-iphone", "retire", "appleAutomatedDeviceEnrollment"),
        (&amara, "dev-amara-iphone", "wipe", "appleAutomatedDeviceEnrollment"),
        (&amara, "dev-amara-iphone-personal", "wipe", "iosUserEnrollment"),
        (&amara, "dev-amara-surface", "retire", "entraJoinedWindows"),
        (&amara, "dev-amara-surface", "wipe", "hiddenByOrganisation"),
        (&amara, "dev-amara-pixel", "resetPasscode", "androidWorkProfileNoPasscodeReset"),
        (&jonas, "dev-jonas-workstation", "retire", "hiddenByOrganisation"),
        (&jonas, "dev-jonas-workstation", "wipe", "hiddenByOrganisation"),
        (&hannah, "dev-lab-ipad", "sync", "deviceEnrollmentManager"),
        (&hannah, "dev-lab-ipad", "remoteLock", "deviceEnrollmentManager"),
        (&hannah, "dev-lab-ipad", "retire", "deviceEnrollmentManager"),
    ];
    for (who, device, action, code) in refused {
        let res =
            post(&server, &format!("/api/v1/me/devices/{device}/actions"), who, json!({ "action": action })).await;
        assert_eq!(res.status(), 403, "{action} on {device}");
        let problem = problem_of(res).await;
        assert_eq!(serde_json::to_value(problem.reason).expect("reason")["code"], code, "{action} on {device}");
        assert!(problem.detail.expect("detail").contains(code));
    }
    // Not on this platform at all.
    let res =
        post(&server, "/api/v1/me/devices/dev-amara-macbook/actions", &amara, json!({"action": "remoteLock"})).await;
    assert_eq!(res.status(), 403);
    assert_eq!(snapshot(&server.db).await, before, "refused actions changed nothing");

    // Jonas's iPhone has a Remote lock pending in the tenant.
    let res =
        post(&server, "/api/v1/me/devices/dev-jonas-iphone/actions", &jonas, json!({"action": "remoteLock"})).await;
    assert_eq!(res.status(), 409);
    assert_eq!(serde_json::to_value(problem_of(res).await.reason).expect("reason")["code"], "alreadyPending");

    let res = post(&server, "/api/v1/me/devices/dev-amara-pixel/actions", &amara, json!({"action": "sync"})).await;
    assert_eq!(res.status(), 202);
    let accepted: Value = res.json().await.expect("json");
    assert_eq!(accepted["deviceId"], "dev-amara-pixel");
    assert_eq!(accepted["result"]["actionName"], "sync");
    assert_eq!(accepted["result"]["actionState"], "pending");
    let res = post(&server, "/api/v1/me/devices/dev-amara-pixel/actions", &amara, json!({"action": "sync"})).await;
    assert_eq!(res.status(), 409, "the same action pending");
    let details = get_json(&server, "/api/v1/me/devices/dev-amara-pixel", &amara).await;
    let sync =
        details["actions"].as_array().expect("actions").iter().find(|a| a["action"] == "sync").expect("sync").clone();
    assert_eq!(sync["availability"]["reason"]["code"], "alreadyPending");

    // Two concurrent requests for the same action: exactly one is queued.
    let a = post(&server, "/api/v1/me/devices/dev-amara-pixel/actions", &amara, json!({"action": "remoteLock"}));
    let b = post(&server, "/api/v1/me/devices/dev-amara-pixel/actions", &amara, json!({"action": "remoteLock"}));
    let (a, b) = tokio::join!(a, b);
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [202, 409]);
}

/// For every `/me` route that takes an id, another user's id is 404 exactly like an id
/// that does not exist, and the database is unchanged.
#[tokio::test]
async fn other_users_ids_are_404_and_change_nothing() {
    let server = Server::start(FROZEN).await;
    let jonas = token(&server, "jonas.weber").await;
    let before = snapshot(&server.db).await;
    // (method, path with {ID}, body with {ID}, amara's id, an id that does not exist)
    let device = ("dev-amara-pixel", "dev-does-not-exist");
    type Case<'a> = (Method, String, Option<Value>, (&'a str, &'a str));
    let cases: Vec<Case> = vec![
        (Method::GET, "/api/v1/me/devices/{ID}".into(), None, device),
        (Method::PATCH, "/api/v1/me/devices/{ID}".into(), Some(json!({"deviceName": "Mine now"})), device),
        (Method::POST, "/api/v1/me/devices/{ID}/actions".into(), Some(json!({"action": "wipe"})), device),
        (Method::POST, "/api/v1/me/devices/{ID}/actions".into(), Some(json!({"action": "sync"})), device),
        (Method::GET, "/api/v1/me/apps?device={ID}".into(), None, device),
        (Method::GET, "/api/v1/me/apps/intranet?device={ID}".into(), None, device),
        (Method::POST, "/api/v1/me/apps/intranet/install".into(), Some(json!({"deviceId": "{ID}"})), device),
        (Method::POST, "/api/v1/me/apps/intranet/uninstall".into(), Some(json!({"deviceId": "{ID}"})), device),
        (Method::GET, "/api/v1/me/apps?device={ID}".into(), None, ("mam-amara-ipad", "mam-nope")),
        (
            Method::POST,
            "/api/v1/me/protected-apps/wipe".into(),
            Some(json!({"deviceTag": "{ID}"})),
            ("mam-amara-ipad", "mam-nope"),
        ),
        (Method::POST, "/api/v1/me/protected-apps/wipe".into(), Some(json!({"deviceTag": "{ID}"})), device),
        (Method::POST, "/api/v1/me/notifications/{ID}/read".into(), None, ("n-amara-grace", "n-nope")),
    ];
    for (method, path, body, (theirs, missing)) in cases {
        let mut answers = Vec::new();
        for id in [theirs, missing] {
            let mut req = server.call(method.clone(), &path.replace("{ID}", id), &jonas);
            if let Some(body) = &body {
                req = req.json(&serde_json::from_str::<Value>(&body.to_string().replace("{ID}", id)).expect("body"));
            }
            let res = req.send().await.expect("request");
            assert_eq!(res.status(), 404, "{method} {path} with {id}");
            assert_eq!(res.headers()["content-type"], "application/problem+json");
            answers.push(res.text().await.expect("body"));
        }
        assert_eq!(answers[0], answers[1], "{method} {path}: another user's id answers exactly like a missing one");
    }
    // The other user's things do not leak into lists either.
    let devices = get_json(&server, "/api/v1/me/devices", &jonas).await;
    assert!(devices["devices"].as_array().expect("list").iter().all(|d| d["device"]["userId"] == "u-jonas"));
    let notes = get_json(&server, "/api/v1/me/notifications", &jonas).await;
    assert!(notes["notifications"]
        .as_array()
        .expect("list")
        .iter()
        .all(|n| !n["id"].as_str().expect("id").contains("amara")));
    assert_eq!(snapshot(&server.db).await, before, "nothing changed in the database");
}

#[tokio::test]
async fn bad_input_is_a_4xx_problem_never_a_500() {
    let server = Server::start(FROZEN).await;
    let amara = token(&server, "amara.okoye").await;
    let actions = "/api/v1/me/devices/dev-amara-pixel/actions";
    // No connection reuse: a 413 answered before the body was read ends its connection.
    let client = reqwest::Client::builder().pool_max_idle_per_host(0).build().expect("client");
    let raw = |method: Method, path: &str, content_type: Option<&str>, body: Vec<u8>| {
        let mut req = client.request(method, format!("{}{path}", server.base)).bearer_auth(&amara).body(body);
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        req
    };
    let json_ct = Some("application/json");
    let cases: Vec<(&str, reqwest::RequestBuilder, u16)> = vec![
        ("malformed JSON", raw(Method::POST, actions, json_ct, b"{\"action\": ".to_vec()), 400),
        ("not an object", raw(Method::POST, actions, json_ct, b"[1, 2]".to_vec()), 400),
        ("unknown action", raw(Method::POST, actions, json_ct, br#"{"action": "selfDestruct"}"#.to_vec()), 422),
        ("rename is not an action", raw(Method::POST, actions, json_ct, br#"{"action": "rename"}"#.to_vec()), 422),
        ("missing field", raw(Method::POST, actions, json_ct, b"{}".to_vec()), 422),
        ("unknown field", raw(Method::POST, actions, json_ct, br#"{"action": "sync", "force": true}"#.to_vec()), 422),
        ("wrong content type", raw(Method::POST, actions, Some("text/plain"), br#"{"action": "sync"}"#.to_vec()), 415),
        ("no content type", raw(Method::POST, actions, None, br#"{"action": "sync"}"#.to_vec()), 415),
        (
            "form body",
            raw(Method::POST, actions, Some("application/x-www-form-urlencoded"), b"action=sync".to_vec()),
            415,
        ),
        (
            "oversized body",
            raw(
                Method::POST,
                actions,
                json_ct,
                format!("{{\"action\": \"sync\", \"pad\": \"{}\"}}", "x".repeat(64 * 1024)).into_bytes(),
            ),
            413,
        ),
        (
            "oversized rename",
            raw(
                Method::PATCH,
                "/api/v1/me/devices/dev-amara-pixel",
                json_ct,
                format!("{{\"deviceName\": \"{}\"}}", "x".repeat(20_000)).into_bytes(),
            ),
            413,
        ),
        ("invalid UTF-8 JSON", raw(Method::POST, actions, json_ct, vec![b'{', 0xff, b'}']), 400),
        (
            "wrong type",
            raw(Method::PATCH, "/api/v1/me/devices/dev-amara-pixel", json_ct, br#"{"deviceName": 42}"#.to_vec()),
            422,
        ),
        (
            "install without deviceId",
            raw(Method::POST, "/api/v1/me/apps/intranet/install", json_ct, b"{}".to_vec()),
            422,
        ),
        (
            "wipe with null tag",
            raw(Method::POST, "/api/v1/me/protected-apps/wipe", json_ct, br#"{"deviceTag": null}"#.to_vec()),
            422,
        ),
        ("invalid percent-encoded id", raw(Method::GET, "/api/v1/me/devices/%FF%FE", None, vec![]), 400),
        ("a very long id", raw(Method::GET, &format!("/api/v1/me/devices/{}", "a".repeat(4000)), None, vec![]), 404),
        ("an id with SQL in it", raw(Method::GET, "/api/v1/me/devices/x'%20OR%20'1'='1", None, vec![]), 404),
        ("unknown platform", raw(Method::GET, "/api/v1/me/apps?device=unenrolled:symbian", None, vec![]), 400),
        ("unknown app", raw(Method::GET, "/api/v1/me/apps/no-such-app", None, vec![]), 404),
        ("repeated query parameter", raw(Method::GET, "/api/v1/me/apps?device=none&device=none", None, vec![]), 400),
        ("method not allowed", raw(Method::DELETE, "/api/v1/me/devices/dev-amara-pixel", None, vec![]), 405),
        ("unknown route", raw(Method::GET, "/api/v1/me/everything", None, vec![]), 404),
    ];
    for (label, req, status) in cases {
        let res = req.send().await.expect("request");
        assert_eq!(res.status().as_u16(), status, "{label}");
        assert_eq!(res.headers()["content-type"], "application/problem+json", "{label}");
        let problem: Value = res.json().await.expect("problem json");
        assert_eq!(problem["status"], status, "{label}");
        assert!(problem["title"].is_string(), "{label}");
    }
    // Without a token, every /me route is a 401 problem.
    for path in [
        "/api/v1/me/home",
        "/api/v1/me/devices",
        "/api/v1/me/apps",
        "/api/v1/me/protected-apps",
        "/api/v1/me/notifications",
        "/api/v1/me/events",
    ] {
        let res = server.get(path).await;
        assert_eq!(res.status(), 401, "{path}");
        assert_eq!(problem_of(res).await.status, 401);
    }
    // The server is still healthy after all of it.
    assert_eq!(server.get("/api/v1/health").await.status(), 200);
    // Liveness needs no token and says the same.
    let live = server.get("/api/v1/live").await;
    assert_eq!(live.status(), 200);
    let live: Value = live.json().await.expect("json");
    assert_eq!(live["status"], "ok");
}

/// With the simulator at zero delay, an install goes pending → installed on the event
/// stream (opened with a single-use ticket); a failing app fails with a notification.
#[tokio::test]
async fn installs_are_authorised_and_stream_live_over_sse() {
    let server = Server::start(INSTANT).await;
    let amara = token(&server, "amara.okoye").await;

    // A ticket works once.
    let res = server.call(Method::POST, "/api/v1/me/events/ticket", &amara).send().await.expect("ticket");
    assert_eq!(res.status(), 200);
    let ticket: Value = res.json().await.expect("json");
    let ticket = ticket["ticket"].as_str().expect("ticket").to_string();
    assert!(!ticket.contains('.'), "a ticket is not a JWT");
    let plain = reqwest::Client::new();
    let url = format!("{}/api/v1/me/events?ticket={ticket}", server.base);
    let mut events = EventReader::new(plain.get(&url).send().await.expect("events"));
    assert_eq!(events.next().await.0, "ready");
    let again = plain.get(&url).send().await.expect("events again");
    assert_eq!(again.status(), 401, "a ticket is single-use");
    assert_eq!(problem_of(again).await.status, 401);
    let forged = plain.get(format!("{}/api/v1/me/events?ticket=forged", server.base)).send().await.expect("forged");
    assert_eq!(forged.status(), 401);
    let token_in_url =
        plain.get(format!("{}/api/v1/me/events?ticket={amara}", server.base)).send().await.expect("token");
    assert_eq!(token_in_url.status(), 401, "the access token is not a ticket");

    // Jonas's stream (bearer header) must not see Amara's changes.
    let jonas = token(&server, "jonas.weber").await;
    let mut jonas_events =
        EventReader::new(server.call(Method::GET, "/api/v1/me/events", &jonas).send().await.expect("events"));
    assert_eq!(jonas_events.next().await.0, "ready");

    let apps = get_json(&server, "/api/v1/me/apps?device=dev-amara-pixel", &amara).await;
    let installable = apps["apps"]
        .as_array()
        .expect("apps")
        .iter()
        .find(|a| {
            a["catalog"]["canInstall"] == true
                && a["app"]["source"] != "webLink"
                && a["install"]["state"] != "installed"
        })
        .expect("an installable app");
    let app_id = installable["app"]["id"].as_str().expect("id").to_string();
    let res =
        post(&server, &format!("/api/v1/me/apps/{app_id}/install"), &amara, json!({"deviceId": "dev-amara-pixel"}))
            .await;
    assert_eq!(res.status(), 202);
    let accepted: Value = res.json().await.expect("json");
    assert_eq!(accepted["install"]["state"], "pendingInstall");

    let is_install = |state: &'static str| {
        let app_id = app_id.clone();
        move |name: &str, data: &Value| {
            name == "install" && data["appId"] == app_id.as_str() && data["install"]["state"] == state
        }
    };
    events.until("pending", is_install("pendingInstall")).await;
    let done = events.until("installed", is_install("installed")).await;
    assert_eq!(done["deviceId"], "dev-amara-pixel");
    assert!(done["install"]["pending"].is_null());
    let note = events.until("notification", |name, _| name == "notification").await;
    assert_eq!(note["notification"]["title"], "App installed");
    let apps = get_json(&server, "/api/v1/me/apps?device=dev-amara-pixel", &amara).await;
    let item =
        apps["apps"].as_array().expect("apps").iter().find(|a| a["app"]["id"] == app_id.as_str()).expect("app").clone();
    assert_eq!(item["install"]["state"], "installed");

    // Uninstall (the rule allows it for an offered app on the primary user's device).
    if item["catalog"]["canUninstall"] == true {
        let res = post(
            &server,
            &format!("/api/v1/me/apps/{app_id}/uninstall"),
            &amara,
            json!({"deviceId": "dev-amara-pixel"}),
        )
        .await;
        assert_eq!(res.status(), 202);
        events.until("uninstalled", is_install("notInstalled")).await;
    }

    // Not offered in this context (another platform): 403 with the catalog reason.
    let res =
        post(&server, "/api/v1/me/apps/lab-notebook/install", &amara, json!({"deviceId": "dev-amara-pixel"})).await;
    assert_eq!(res.status(), 403);
    let reason = serde_json::to_value(problem_of(res).await.reason).expect("reason");
    assert_eq!(reason, json!({"code": "notOffered", "hidden": "otherPlatform"}));
    // A required app cannot be uninstalled from the portal.
    let required =
        apps["apps"].as_array().expect("apps").iter().find(|a| a["catalog"]["intent"] == "requiredInstall").cloned();
    if let Some(required) = required {
        let id = required["app"]["id"].as_str().expect("id");
        let res =
            post(&server, &format!("/api/v1/me/apps/{id}/uninstall"), &amara, json!({"deviceId": "dev-amara-pixel"}))
                .await;
        assert_eq!(res.status(), 403);
        assert_eq!(serde_json::to_value(problem_of(res).await.reason).expect("reason")["code"], "notUninstallable");
    }

    // Amara is in the pilot ring: the beta lab notebook is offered on her Surface and fails.
    let res =
        post(&server, "/api/v1/me/apps/lab-notebook/install", &amara, json!({"deviceId": "dev-amara-surface"})).await;
    assert_eq!(res.status(), 202);
    let failed = events
        .until("failed", |name, data| {
            name == "install" && data["appId"] == "lab-notebook" && data["install"]["state"] == "failed"
        })
        .await;
    assert_eq!(failed["deviceId"], "dev-amara-surface");
    let note = events.until("notification", |name, _| name == "notification").await;
    assert_eq!(note["notification"]["title"], "App install failed");

    // Remote actions stream too: a sync checks in and completes.
    let res = post(&server, "/api/v1/me/devices/dev-amara-pixel/actions", &amara, json!({"action": "sync"})).await;
    assert_eq!(res.status(), 202);
    events.until("check-in", |name, data| name == "checkIn" && data["deviceId"] == "dev-amara-pixel").await;
    events
        .until("sync done", |name, data| {
            name == "action" && data["result"]["actionName"] == "sync" && data["result"]["actionState"] == "done"
        })
        .await;

    // Nothing of Amara's reached Jonas: his next event is his own.
    let res =
        server.call(Method::POST, "/api/v1/me/notifications/n-jonas-wipe/read", &jonas).send().await.expect("read");
    assert_eq!(res.status(), 204);
    let (name, data) = jonas_events.next().await;
    assert_eq!((name.as_str(), &data["id"]), ("notificationRead", &json!("n-jonas-wipe")));
}

/// Passcode reset on Android shows a temporary passcode; retire removes the device; a
/// selective wipe goes pending → done per app; each completion notifies.
#[tokio::test]
async fn the_simulator_completes_actions_and_selective_wipes() {
    let server = Server::start(INSTANT).await;
    let sofia = token(&server, "sofia.alvarez").await;

    let res =
        post(&server, "/api/v1/me/devices/dev-sofia-android/actions", &sofia, json!({"action": "resetPasscode"})).await;
    assert_eq!(res.status(), 202);
    let done_reset = |d: &Value| {
        d["device"]["deviceActionResults"]
            .as_array()
            .expect("history")
            .iter()
            .find(|r| r["actionName"] == "resetPasscode" && r["actionState"] == "done")
            .cloned()
    };
    wait_for("the passcode reset", || async {
        done_reset(&get_json(&server, "/api/v1/me/devices/dev-sofia-android", &sofia).await).is_some()
    })
    .await;
    let d = get_json(&server, "/api/v1/me/devices/dev-sofia-android", &sofia).await;
    let passcode = done_reset(&d).expect("done")["passcode"].clone();
    assert!(passcode.as_str().is_some_and(|p| p.len() == 6 && p.chars().all(|c| c.is_ascii_digit())), "{passcode}");

    let res = post(&server, "/api/v1/me/devices/dev-sofia-laptop/actions", &sofia, json!({"action": "retire"})).await;
    assert_eq!(res.status(), 202);
    wait_for("the device to be removed", || async {
        server.call(Method::GET, "/api/v1/me/devices/dev-sofia-laptop", &sofia).send().await.expect("get").status()
            == 404
    })
    .await;

    let protected = get_json(&server, "/api/v1/me/protected-apps", &sofia).await;
    let tag = protected["devices"][0]["deviceTag"].as_str().expect("a protected device").to_string();
    let res = post(&server, "/api/v1/me/protected-apps/wipe", &sofia, json!({"deviceTag": tag})).await;
    assert_eq!(res.status(), 202);
    let accepted: Value = res.json().await.expect("json");
    assert!(accepted["appsPending"].as_u64().expect("count") >= 1);
    wait_for("the selective wipe", || async {
        let p = get_json(&server, "/api/v1/me/protected-apps", &sofia).await;
        p["devices"]
            .as_array()
            .expect("devices")
            .iter()
            .filter(|d| d["deviceTag"] == tag.as_str())
            .all(|d| d["apps"].as_array().expect("apps").iter().all(|a| a["status"]["status"] == "wipeDone"))
    })
    .await;
    let notes = get_json(&server, "/api/v1/me/notifications", &sofia).await;
    let titles: Vec<&str> =
        notes["notifications"].as_array().expect("list").iter().filter_map(|n| n["title"].as_str()).collect();
    for title in ["Passcode reset", "Device removed", "Company data removed"] {
        assert!(titles.contains(&title), "{title} in {titles:?}");
    }
}

/// Pending work is in the database: stop the server while it is pending, start it again
/// with no delay, and it completes.
#[tokio::test]
async fn pending_work_survives_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = TestDb::fresh(dir.path()).await;
    let server = Server::start_with_db(&db, FROZEN).await;
    let amara = token(&server, "amara.okoye").await;
    let apps = get_json(&server, "/api/v1/me/apps?device=dev-amara-pixel", &amara).await;
    let app_id = apps["apps"]
        .as_array()
        .expect("apps")
        .iter()
        .find(|a| {
            a["catalog"]["canInstall"] == true
                && a["app"]["source"] != "webLink"
                && a["install"]["state"] != "installed"
        })
        .expect("an installable app")["app"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let res =
        post(&server, &format!("/api/v1/me/apps/{app_id}/install"), &amara, json!({"deviceId": "dev-amara-pixel"}))
            .await;
    assert_eq!(res.status(), 202);
    let res =
        post(&server, "/api/v1/me/devices/dev-amara-pixel/actions", &amara, json!({"action": "remoteLock"})).await;
    assert_eq!(res.status(), 202);
    let res = post(&server, "/api/v1/me/protected-apps/wipe", &amara, json!({"deviceTag": "mam-amara-ipad"})).await;
    assert_eq!(res.status(), 202);
    tokio::time::sleep(Duration::from_millis(300)).await;
    server.stop().await;

    assert_eq!(
        db.count(&format!("SELECT count(*) FROM install_states WHERE pending IS NOT NULL AND device_id = 'dev-amara-pixel' AND app_id = '{app_id}'")).await,
        1
    );
    assert_eq!(
        db.count("SELECT count(*) FROM device_actions WHERE device_id = 'dev-amara-pixel' AND state = 'pending'").await,
        1
    );
    assert!(db.count("SELECT count(*) FROM app_registrations WHERE wipe_state = 'pending'").await >= 1);

    let server = Server::start_with_db(&db, INSTANT).await;
    let amara = token(&server, "amara.okoye").await;
    wait_for("the pending work to complete after the restart", || async {
        let apps = get_json(&server, &format!("/api/v1/me/apps/{app_id}?device=dev-amara-pixel"), &amara).await;
        let d = get_json(&server, "/api/v1/me/devices/dev-amara-pixel", &amara).await;
        let p = get_json(&server, "/api/v1/me/protected-apps", &amara).await;
        apps["install"]["state"] == "installed"
            && d["device"]["deviceActionResults"]
                .as_array()
                .expect("history")
                .iter()
                .any(|r| r["actionName"] == "remoteLock" && r["actionState"] == "done")
            && p["devices"]
                .as_array()
                .expect("devices")
                .iter()
                .filter(|g| g["deviceTag"] == "mam-amara-ipad")
                .all(|g| g["apps"].as_array().expect("apps").iter().all(|a| a["status"]["status"] == "wipeDone"))
    })
    .await;
}
