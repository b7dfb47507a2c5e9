//! Crashes lose nothing: the real binary killed with SIGKILL (`kill -9`) while each kind of
//! pending work of the embedded tenant's simulator is in flight — installs and uninstalls,
//! every remote action, selective wipes — and during refresh-token rotations; restarted on
//! the same database, again and again, at random moments of its work. Every accepted
//! request completes exactly once (one state change, one notification), every token that
//! was handed out and should work still works, and `PRAGMA integrity_check` passes.

mod support;

use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};
use support::{sign_in, Server, DEMO_PASSWORD};

/// Work never becomes due while requests are accepted.
const FROZEN: &[&str] = &["--simulator-delay-ms", "999999999999"];
/// Work is carried out at once after each restart.
const INSTANT: &[&str] = &["--simulator-delay-ms", "0"];

fn db_count(db: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).expect("open db");
    conn.query_row(sql, [], |r| r.get(0)).expect(sql)
}

fn integrity(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).expect("open db");
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("integrity_check")
}

fn pending(db: &Path) -> i64 {
    db_count(
        db,
        "SELECT (SELECT count(*) FROM install_states WHERE pending IS NOT NULL)
              + (SELECT count(*) FROM device_actions WHERE state IN ('pending', 'active'))
              + (SELECT count(*) FROM app_registrations WHERE wipe_state = 'pending')",
    )
}

/// The portal notifications sent since the test began, by their code and the names in them.
fn notifications_since(db: &Path, since: &str) -> BTreeMap<String, usize> {
    let conn = rusqlite::Connection::open(db).expect("open db");
    let mut stmt = conn
        .prepare("SELECT user_id, message FROM notifications WHERE message IS NOT NULL AND created_at >= ?1")
        .expect("prepare");
    let mut out = BTreeMap::new();
    for row in stmt.query_map([since], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).expect("query") {
        let (user, message) = row.expect("row");
        let m: Value = serde_json::from_str(&message).expect("message json");
        let key = format!("{user} {} {} {}", m["code"], m["device"], m["app"]);
        *out.entry(key).or_insert(0) += 1;
    }
    out
}

async fn json_of(server: &Server, path: &str, token: &str) -> Value {
    let res = server.call(Method::GET, path, token).send().await.expect("request");
    assert_eq!(res.status(), 200, "GET {path}");
    res.json().await.expect("json")
}

/// What was accepted before the crashes, for the checks after them.
#[derive(Default)]
struct Accepted {
    /// (user, device id, action) of every 202 action request.
    actions: Vec<(String, String, String)>,
    /// (user, device id, app id, operation).
    installs: Vec<(String, String, String, &'static str)>,
    /// (user, device tag, apps pending).
    wipes: Vec<(String, String, u64)>,
    /// Device names as the notifications will say them (a removed device's too).
    names: BTreeMap<String, String>,
}

/// Queues every action that portal-core allows on `user`'s devices (at most one of Remove
/// and Reset per device: either takes the device away), installs or uninstalls what the
/// catalog allows on one device, and every selective wipe.
async fn queue_everything(server: &Server, user: &str, token: &str, accepted: &mut Accepted) {
    let devices = json_of(server, "/api/v1/me/devices", token).await;
    for summary in devices["devices"].as_array().cloned().unwrap_or_default() {
        let id = summary["device"]["id"].as_str().expect("id").to_string();
        let name = summary["device"]["deviceName"].as_str().expect("name").to_string();
        accepted.names.insert(id.clone(), name);
        let details = json_of(server, &format!("/api/v1/me/devices/{id}"), token).await;
        let mut destructive = false;
        for option in details["actions"].as_array().cloned().unwrap_or_default() {
            let action = option["action"].as_str().expect("action").to_string();
            if action == "rename" || option["availability"]["status"] != "available" {
                continue;
            }
            if matches!(action.as_str(), "retire" | "wipe") {
                // Both kinds across the devices: Reset where it is allowed and none is queued yet.
                let wipe_queued = accepted.actions.iter().any(|a| a.2 == "wipe");
                let wipe_here = details["actions"].as_array().is_some_and(|all| {
                    all.iter().any(|o| o["action"] == "wipe" && o["availability"]["status"] == "available")
                });
                if destructive || (action == "retire" && wipe_here && !wipe_queued) {
                    continue;
                }
                destructive = true;
            }
            let res = server
                .call(Method::POST, &format!("/api/v1/me/devices/{id}/actions"), token)
                .json(&json!({ "action": action }))
                .send()
                .await
                .expect("action");
            assert_eq!(res.status(), 202, "{user} {action} on {id}");
            accepted.actions.push((user.to_string(), id.clone(), action));
        }
        if destructive {
            continue; // installs on a device that goes away would go with it
        }
        let apps = json_of(server, &format!("/api/v1/me/apps?device={id}&limit=200"), token).await;
        for item in apps["apps"].as_array().cloned().unwrap_or_default().iter().take(40) {
            let app = item["app"]["id"].as_str().expect("app id").to_string();
            let web = item["app"]["source"] == "webLink";
            let installed = item["install"]["state"] == "installed";
            let operation = match (item["catalog"]["canInstall"].as_bool(), item["catalog"]["canUninstall"].as_bool()) {
                (_, Some(true)) if installed => "uninstall",
                (Some(true), _) if !web && !installed => "install",
                _ => continue,
            };
            let res = server
                .call(Method::POST, &format!("/api/v1/me/apps/{app}/{operation}"), token)
                .json(&json!({ "deviceId": id }))
                .send()
                .await
                .expect("install");
            assert_eq!(res.status(), 202, "{user} {operation} {app} on {id}");
            accepted.installs.push((user.to_string(), id.clone(), app, operation));
        }
    }
    let protected = json_of(server, "/api/v1/me/protected-apps", token).await;
    for device in protected["devices"].as_array().cloned().unwrap_or_default() {
        let tag = device["deviceTag"].as_str().expect("tag").to_string();
        let res = server
            .call(Method::POST, "/api/v1/me/protected-apps/wipe", token)
            .json(&json!({ "deviceTag": tag }))
            .send()
            .await
            .expect("wipe");
        assert_eq!(res.status(), 202, "{user} wipe {tag}");
        let body: Value = res.json().await.expect("json");
        let n = body["appsPending"].as_u64().expect("appsPending");
        if n > 0 {
            accepted.wipes.push((user.to_string(), tag, n));
        }
    }
}

#[tokio::test]
async fn kill_9_during_every_kind_of_pending_work_loses_and_repeats_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("portal.db");
    // Every notification with a portal message code (the demo tenant's own have none).
    let since = "2000-01-01T00:00:00Z";

    // First the work the demo tenant itself leaves pending, and its notifications forgotten,
    // so that what follows is only what this test asked for.
    let server = Server::start_with_db(&db, INSTANT).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    while pending(&db) > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.stop().await;
    assert_eq!(pending(&db), 0);
    rusqlite::Connection::open(&db)
        .expect("db")
        .execute("DELETE FROM notifications WHERE message IS NOT NULL", [])
        .expect("delete");

    // Everything queued while nothing becomes due, and a rename, then kill -9.
    let server = Server::start_with_db(&db, FROZEN).await;
    let mut accepted = Accepted::default();
    let users = ["amara.okoye", "sofia.alvarez", "jonas.weber", "priya.raman", "hannah.lindqvist"];
    for user in users {
        let token = sign_in(&server, &format!("{user}@contoso.example"), DEMO_PASSWORD).await.access_token;
        queue_everything(&server, user, &token, &mut accepted).await;
    }
    let amara = sign_in(&server, "amara.okoye@contoso.example", DEMO_PASSWORD).await.access_token;
    let res = server
        .call(Method::PATCH, "/api/v1/me/devices/dev-amara-iphone", &amara)
        .json(&json!({ "deviceName": "Renamed before the crash" }))
        .send()
        .await
        .expect("rename");
    assert_eq!(res.status(), 200);
    accepted.names.insert("dev-amara-iphone".into(), "Renamed before the crash".into());
    server.stop().await;

    let kinds: std::collections::BTreeSet<&str> = accepted.actions.iter().map(|(_, _, a)| a.as_str()).collect();
    assert_eq!(
        kinds,
        ["remoteLock", "resetPasscode", "retire", "sync", "wipe"].into_iter().collect(),
        "every kind of action is in flight"
    );
    assert!(accepted.installs.iter().any(|i| i.3 == "install") && accepted.installs.iter().any(|i| i.3 == "uninstall"));
    assert!(!accepted.wipes.is_empty());
    let queued = pending(&db);
    assert!(queued > 20, "{queued} items of work in flight");

    // Restarts that carry the work out, each killed at a random moment of it.
    let mut crashes = 0;
    let started = Instant::now();
    while pending(&db) > 0 {
        assert!(started.elapsed() < Duration::from_secs(120), "work still pending after {crashes} crashes");
        let server = Server::start_with_db(&db, INSTANT).await;
        if crashes < 8 {
            tokio::time::sleep(Duration::from_millis(fastrand::u64(0..60))).await;
            server.stop().await;
            crashes += 1;
            assert_eq!(integrity(&db), "ok", "after crash {crashes}");
        } else {
            let deadline = Instant::now() + Duration::from_secs(30);
            while pending(&db) > 0 && Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            server.stop().await;
        }
    }
    eprintln!("{queued} items of work through {crashes} kills in {:?}", started.elapsed());

    // Exactly once: every accepted request has one outcome and one notification.
    let sent = notifications_since(&db, since);
    let once = |key: String| {
        let n = sent.get(&key).copied().unwrap_or(0);
        assert_eq!(n, 1, "{key}: {n} notifications; all: {sent:#?}");
    };
    let conn = rusqlite::Connection::open(&db).expect("open db");
    let name_of = |id: &str| -> Option<String> {
        conn.query_row("SELECT device_name FROM devices WHERE id = ?1", [id], |r| r.get(0)).ok()
    };
    let mut expected = 0;
    let retired: Vec<&str> = accepted.actions.iter().filter(|a| a.2 == "retire").map(|a| a.1.as_str()).collect();
    for (user, device, action) in &accepted.actions {
        let user_id = format!("u-{}", user.split('.').next().unwrap_or_default());
        if action == "retire" {
            assert!(name_of(device).is_none(), "{device} was removed");
            continue; // counted below
        }
        let code = match action.as_str() {
            "sync" => "deviceCheckedIn",
            "remoteLock" => "deviceLocked",
            "wipe" => "deviceReset",
            _ => "",
        };
        if !code.is_empty() {
            once(format!("{user_id} {code:?} {:?} null", accepted.names[device]));
            expected += 1;
        }
        if retired.contains(&device.as_str()) {
            continue; // its history went with it
        }
        let done: i64 = conn
            .query_row(
                "SELECT count(*) FROM device_actions WHERE device_id = ?1 AND action = ?2 AND state = 'done'",
                [device, action],
                |r| r.get(0),
            )
            .expect("count");
        assert!(done >= 1, "{action} on {device} done");
    }
    let retired_ids = retired.clone();
    let retired = retired.len();
    let removed: usize = sent.iter().filter(|(k, _)| k.contains("\"deviceRemoved\"")).map(|(_, n)| *n).sum();
    assert_eq!(removed, retired, "one 'removed' notification per retire: {sent:#?}");
    let resets: usize = sent
        .iter()
        .filter(|(k, _)| k.contains("\"passcodeReset\"") || k.contains("\"passcodeRemoved\""))
        .map(|(_, n)| *n)
        .sum();
    assert_eq!(resets, accepted.actions.iter().filter(|a| a.2 == "resetPasscode").count(), "{sent:#?}");
    for (user, device, app, operation) in &accepted.installs {
        let (state, pending): (String, Option<String>) = conn
            .query_row(
                "SELECT state, pending FROM install_states WHERE device_id = ?1 AND app_id = ?2",
                [device, app],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("install state");
        assert_eq!(pending, None, "{operation} {app} on {device}");
        let want =
            if *operation == "install" { ["installed", "failed"].as_slice() } else { ["notInstalled"].as_slice() };
        assert!(want.contains(&state.as_str()), "{operation} {app} on {device}: {state}");
        let _ = user;
    }
    let installs: usize = sent
        .iter()
        .filter(|(k, _)| {
            ["appInstalled", "appInstallFailed", "appUninstalled"].iter().any(|c| k.contains(&format!("\"{c}\"")))
        })
        .map(|(_, n)| *n)
        .sum();
    assert_eq!(installs, accepted.installs.len(), "one notification per install: {sent:#?}");
    // A selective wipe of a device that Remove took away goes with it (as its data does).
    let wiped: u64 = accepted.wipes.iter().filter(|w| !retired_ids.contains(&w.1.as_str())).map(|w| w.2).sum();
    let wipe_notes: usize = sent.iter().filter(|(k, _)| k.contains("\"companyDataRemoved\"")).map(|(_, n)| *n).sum();
    assert_eq!(wipe_notes as u64, wiped, "one notification per wiped app");
    assert_eq!(db_count(&db, "SELECT count(*) FROM app_registrations WHERE wipe_state = 'pending'"), 0);
    let total: usize = sent.values().sum();
    assert_eq!(total, expected + retired + resets + installs + wipe_notes, "nothing else was sent: {sent:#?}");

    // The rename accepted just before the first kill is there, and the database is sound.
    assert_eq!(name_of("dev-amara-iphone").as_deref(), Some("Renamed before the crash"));
    assert_eq!(integrity(&db), "ok");
    drop(conn);
}

async fn refresh(base: &str, token: &str) -> Result<Value, reqwest::Error> {
    reqwest::Client::new()
        .post(format!("{base}/oidc/token"))
        .form(&[("grant_type", "refresh_token"), ("client_id", "portal"), ("refresh_token", token)])
        .send()
        .await?
        .error_for_status()?
        .json()
        .await
}

#[tokio::test]
async fn kill_9_during_refresh_token_rotations_leaves_the_last_token_working() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("portal.db");
    // One address throughout: the issuer (http://<address>/oidc) stays the same.
    let listen = format!(
        "127.0.0.1:{}",
        std::net::TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("addr").port()
    );
    let server = Server::start_listening(&db, &listen, FROZEN, &[]).await;
    let tokens = sign_in(&server, "amara.okoye@contoso.example", DEMO_PASSWORD).await;
    let mut refresh_token = tokens.refresh_token.expect("refresh token");
    let mut access_tokens = vec![tokens.access_token];
    let mut server = Some(server);
    let mut rotations = 0;
    for crash in 0..6 {
        let running = server.take().expect("server");
        let base = running.base.clone();
        // Rotate as fast as possible; the server is killed in the middle of it.
        let kill_after = Duration::from_millis(fastrand::u64(20..200));
        let killer = tokio::spawn(async move {
            tokio::time::sleep(kill_after).await;
            running.stop().await;
        });
        loop {
            match refresh(&base, &refresh_token).await {
                Ok(t) => {
                    refresh_token = t["refresh_token"].as_str().expect("refresh token").to_string();
                    access_tokens.push(t["access_token"].as_str().expect("access token").to_string());
                    rotations += 1;
                }
                Err(e) if e.is_connect() || e.is_request() || e.is_body() || e.is_decode() => break,
                Err(e) => panic!("rotation {rotations} before crash {crash}: {e}"),
            }
        }
        killer.await.expect("killer");
        assert_eq!(integrity(&db), "ok", "after crash {crash}");

        // Restarted on the same database: the last refresh token the client holds works,
        // and every access token handed out is still accepted.
        let restarted = Server::start_listening(&db, &listen, FROZEN, &[]).await;
        let me =
            restarted.call(Method::GET, "/api/v1/me", access_tokens.last().expect("token")).send().await.expect("me");
        let status = me.status();
        assert_eq!(status, 200, "the last access token after crash {crash}: {}", me.text().await.unwrap_or_default());
        let first = restarted.call(Method::GET, "/api/v1/me", &access_tokens[0]).send().await;
        assert_eq!(first.expect("me").status(), 200, "the first access token after crash {crash}");
        let t = refresh(&restarted.base, &refresh_token)
            .await
            .unwrap_or_else(|e| panic!("the client's refresh token after crash {crash} ({rotations} rotations): {e}"));
        refresh_token = t["refresh_token"].as_str().expect("refresh token").to_string();
        access_tokens.push(t["access_token"].as_str().expect("access token").to_string());
        server = Some(restarted);
    }
    eprintln!("{rotations} rotations through 6 kills");
    assert!(rotations > 6, "rotations happened: {rotations}");
    if let Some(s) = server {
        s.stop().await;
    }
    assert_eq!(integrity(&db), "ok");
}
