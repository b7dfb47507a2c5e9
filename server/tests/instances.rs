//! Several `portal-server` instances over one PostgreSQL database (scripts/test-postgres),
//! as behind a load balancer: any instance answers any request — sign in on A, redeem the
//! code on B, refresh on C, act on C; codes, refresh tokens and event tickets are single-use
//! across instances; a change made through one reaches a stream held by another within a
//! second; the tenant is imported once when instances start together, and an import through
//! any is seen by all; a listener that lost its connection reconnects and its streams
//! re-read; and `kill -9` of the instance holding a pending action: another finishes it,
//! exactly once.

#[path = "support/intune.rs"]
mod intune;
mod support;

use reqwest::Method;
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use support::db::{new_postgres_database, TestDb};
use support::events::EventReader;
use support::{redeem_code, refresh, sign_in_across, sign_in_code, Server, DEMO_PASSWORD};

/// The one URL people open; every instance is configured with it (the issuer, redirect URIs).
const PUBLIC: &str = "http://portal.test";
const AMARA: &str = "amara.okoye@contoso.example";

async fn database() -> TestDb {
    TestDb::Postgres(new_postgres_database().await)
}

/// `n` instances on `db`, with `extra` flags, started at the same time.
async fn instances(db: &TestDb, n: usize, extra: &[&str]) -> Vec<Server> {
    let mut args = vec!["--public-url", PUBLIC];
    args.extend_from_slice(extra);
    futures::future::join_all(
        (0..n).map(|_| Server::start_with_env(db, &args, &[("PORTAL_LOG", "portal_server=info")])),
    )
    .await
}

async fn get_json(server: &Server, path: &str, token: &str) -> Value {
    let res = server.call(Method::GET, path, token).send().await.expect("request");
    assert_eq!(res.status(), 200, "GET {path} at {}", server.base);
    res.json().await.expect("json")
}

async fn ticket(server: &Server, token: &str) -> String {
    let res = server.call(Method::POST, "/api/v1/me/events/ticket", token).send().await.expect("ticket");
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.expect("json");
    body["ticket"].as_str().expect("ticket").to_string()
}

async fn stream_with_ticket(server: &Server, ticket: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(format!("{}/api/v1/me/events?ticket={ticket}", server.base))
        .send()
        .await
        .expect("events")
}

async fn until<F, Fut>(what: &str, bound: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !check().await {
        assert!(started.elapsed() < bound, "not within {bound:?}: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn any_instance_answers_any_request_and_secrets_are_single_use_across_them() {
    let db = database().await;
    let servers = instances(&db, 3, &["--simulator-delay-ms", "0"]).await;
    let [a, b, c] = [&servers[0], &servers[1], &servers[2]];

    // Sign in on A, redeem the code on B; the same code at C is refused (and revokes).
    let code = sign_in_code(a, PUBLIC, AMARA, DEMO_PASSWORD).await;
    let tokens = redeem_code(b, PUBLIC, &code).await.expect("the code works on another instance");
    assert_eq!(redeem_code(c, PUBLIC, &code).await.err().as_deref(), Some("invalid_grant"), "a code works once");
    // The access token B issued is good on A and C (one signing key, in the database).
    get_json(a, "/api/v1/me", &tokens.access_token).await;
    get_json(c, "/api/v1/me", &tokens.access_token).await;

    // A second sign-in; its refresh token rotates on C, the successor works on A, and the
    // first token presented again on B is a replay.
    let tokens = sign_in_across(a, b, PUBLIC, AMARA, DEMO_PASSWORD).await;
    let first = tokens.refresh_token.clone().expect("a refresh token");
    let rotated = refresh(c, &first).await.expect("refresh on C");
    let again = refresh(a, rotated.refresh_token.as_deref().expect("rotated")).await.expect("its successor on A");
    assert_eq!(refresh(b, &first).await.err().as_deref(), Some("invalid_grant"), "a used refresh token, on B");
    assert_eq!(
        refresh(c, again.refresh_token.as_deref().expect("latest")).await.err().as_deref(),
        Some("invalid_grant"),
        "the replay revoked the family on every instance"
    );

    // Act on C with the access token B issued, see it from A.
    let token = rotated.access_token;
    let res = c
        .call(Method::POST, "/api/v1/me/devices/dev-amara-pixel/actions", &token)
        .json(&json!({"action": "remoteLock"}))
        .send()
        .await
        .expect("action");
    assert_eq!(res.status(), 202);
    until("the lock done, as A reads it", Duration::from_secs(10), || async {
        let d = get_json(a, "/api/v1/me/devices/dev-amara-pixel", &token).await;
        d["device"]["deviceActionResults"]
            .as_array()
            .expect("history")
            .iter()
            .any(|r| r["actionName"] == "remoteLock" && r["actionState"] == "done")
    })
    .await;

    // An event ticket from A opens a stream on B, once; C refuses it after.
    let t = ticket(a, &token).await;
    let mut events = EventReader::new(stream_with_ticket(b, &t).await);
    events.until("ready", |name, _| name == "ready").await;
    assert_eq!(stream_with_ticket(c, &t).await.status(), 401, "a ticket works once");
    // The simulator's completion was done once, whichever instance's simulator did it.
    assert_eq!(db.count("SELECT count(*) FROM audit WHERE what = 'action.remoteLock' AND target = 'dev-amara-pixel' AND outcome = 'done'").await, 1);
}

#[tokio::test]
async fn a_change_through_one_instance_reaches_a_stream_held_by_another_within_a_second() {
    let db = database().await;
    let servers = instances(&db, 2, &["--simulator-delay-ms", "999999999"]).await;
    let [a, b] = [&servers[0], &servers[1]];
    let token = sign_in_across(a, a, PUBLIC, AMARA, DEMO_PASSWORD).await.access_token;
    let mut on_b = EventReader::open(b, &token).await;

    for (n, name) in ["CPH-PX-0001", "CPH-PX-0002", "CPH-PX-0003"].into_iter().enumerate() {
        let sent = Instant::now();
        let res = a
            .call(Method::PATCH, "/api/v1/me/devices/dev-amara-pixel", &token)
            .json(&json!({"deviceName": name}))
            .send()
            .await
            .expect("rename");
        assert_eq!(res.status(), 200, "rename {n}");
        let event = on_b.until("the rename, on B", |name, _| name == "deviceRenamed").await;
        assert_eq!(event["deviceName"], name, "in order");
        assert!(sent.elapsed() < Duration::from_secs(1), "within a second: {:?}", sent.elapsed());
    }
    let res = a
        .call(Method::POST, "/api/v1/me/devices/dev-amara-pixel/actions", &token)
        .json(&json!({"action": "sync"}))
        .send()
        .await
        .expect("action");
    assert_eq!(res.status(), 202);
    let event = on_b.until("the queued action, on B", |name, _| name == "action").await;
    assert_eq!(event["result"]["actionState"], "pending");
}

#[tokio::test]
async fn a_listener_that_lost_its_connection_reconnects_and_its_streams_re_read() {
    let db = database().await;
    let servers = instances(&db, 2, &["--simulator-delay-ms", "999999999"]).await;
    let [a, b] = [&servers[0], &servers[1]];
    let token = sign_in_across(a, a, PUBLIC, AMARA, DEMO_PASSWORD).await.access_token;
    let mut on_b = EventReader::open(b, &token).await;

    // The database ends B's listening connection (as a restart or a network cut would).
    let killed = db
        .count(&format!(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name LIKE 'portal-server listener {}%'",
            b.instance_prefix()
        ))
        .await;
    assert_eq!(killed, 1, "B's listener");
    on_b.until("lagged, when B listens again", |name, _| name == "lagged").await;
    // And the events flow again.
    let res = a
        .call(Method::PATCH, "/api/v1/me/devices/dev-amara-pixel", &token)
        .json(&json!({"deviceName": "After the cut"}))
        .send()
        .await
        .expect("rename");
    assert_eq!(res.status(), 200);
    let event = on_b.until("the rename after reconnecting", |name, _| name == "deviceRenamed").await;
    assert_eq!(event["deviceName"], "After the cut");
}

#[tokio::test]
async fn instances_starting_together_import_the_tenant_once_and_an_import_reaches_all() {
    let db = database().await;
    let servers = instances(&db, 3, &[]).await;
    let logs: Vec<String> = servers.iter().map(Server::logs).collect();
    let imported = logs.iter().filter(|l| l.contains("tenant: imported")).count();
    let unchanged = logs.iter().filter(|l| l.contains("unchanged since its last import")).count();
    assert_eq!((imported, unchanged), (1, 2), "one import, two that found it done:\n{}", logs.join("\n---\n"));
    let actions = db.count("SELECT count(*) FROM device_actions").await;
    let users = db.count("SELECT count(*) FROM users").await;
    assert!(actions > 0 && users > 0);

    // An import of another file by `portal-server import`: every instance serves it at once
    // (its per-import cache dropped on the announcement), without a restart.
    let demo = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tenants/demo.toml")).expect("demo");
    let renamed = demo.replacen("name = \"Contoso Pharmaceuticals\"", "name = \"Contoso Renamed\"", 1);
    assert_ne!(renamed, demo);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("tenant.toml");
    std::fs::write(&file, renamed).expect("write");
    let before: Vec<Value> = futures::future::join_all(
        servers.iter().map(|s| async { s.get("/api/v1/branding").await.json::<Value>().await.expect("json") }),
    )
    .await;
    assert!(before.iter().all(|b| b["organisationName"] == "Contoso Pharmaceuticals"));
    let out = support::run_to_end(&["import", "--db", &db.arg(), "--tenant", file.to_str().expect("utf-8")]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for server in &servers {
        until("the new organisation name on every instance", Duration::from_secs(5), || async {
            server.get("/api/v1/branding").await.json::<Value>().await.expect("json")["organisationName"]
                == "Contoso Renamed"
        })
        .await;
    }
    assert_eq!(db.count("SELECT count(*) FROM device_actions").await, actions, "replaced, not added");
}

#[tokio::test]
async fn kill_9_of_the_instance_holding_a_pending_action_another_finishes_it_exactly_once() {
    let db = database().await;
    // Work waits 4 s: long enough to kill its holder while it is pending.
    let mut servers = instances(&db, 2, &["--simulator-delay-ms", "4000"]).await;
    let token = sign_in_across(&servers[0], &servers[1], PUBLIC, AMARA, DEMO_PASSWORD).await.access_token;
    let mut streams = [EventReader::open(&servers[0], &token).await, EventReader::open(&servers[1], &token).await];

    let res = servers[0]
        .call(Method::POST, "/api/v1/me/devices/dev-amara-pixel/actions", &token)
        .json(&json!({"action": "remoteLock"}))
        .send()
        .await
        .expect("action");
    assert_eq!(res.status(), 202);
    let id = db
        .count("SELECT id FROM device_actions WHERE device_id = 'dev-amara-pixel' AND action = 'remoteLock' AND state = 'pending'")
        .await;
    let work = format!("action:{id}");
    // One of the two simulators claims it (usually A's, woken by its own handler).
    let prefixes = [servers[0].instance_prefix(), servers[1].instance_prefix()];
    let started = Instant::now();
    let holder = loop {
        let rows = db.rows(&format!("SELECT holder FROM work_leases WHERE work = '{work}'")).await;
        if let Some(n) = rows.first().and_then(|r| prefixes.iter().position(|p| r[0].starts_with(p.as_str()))) {
            break n;
        }
        assert!(started.elapsed() < Duration::from_secs(5), "no instance holds the action");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let other = 1 - holder;
    let pid = servers[holder].pid.expect("pid");
    let killed = std::process::Command::new("kill").args(["-9", &pid.to_string()]).status().expect("kill");
    assert!(killed.success());
    let killed_at = Instant::now();
    assert_eq!(
        db.count(&format!("SELECT count(*) FROM device_actions WHERE id = {id} AND state = 'pending'")).await,
        1,
        "still pending when its holder died"
    );

    // The other takes it over once the dead holder's claim is void, carries it out, and its
    // stream says so.
    let done = streams[other]
        .until("the lock done, from the survivor", |name, e| name == "action" && e["result"]["actionState"] == "done")
        .await;
    assert_eq!(done["deviceId"], "dev-amara-pixel");
    assert!(killed_at.elapsed() < Duration::from_secs(15), "within seconds: {:?}", killed_at.elapsed());
    assert_eq!(db.count(&format!("SELECT count(*) FROM device_actions WHERE id = {id} AND state = 'done'")).await, 1);
    assert_eq!(
        db.count("SELECT count(*) FROM audit WHERE what = 'action.remoteLock' AND target = 'dev-amara-pixel' AND outcome = 'done'").await,
        1,
        "done exactly once"
    );
    let locked = db
        .count("SELECT count(*) FROM notifications WHERE user_id = 'u-amara' AND message LIKE '%deviceLocked%'")
        .await;
    assert_eq!(locked, 1, "one notification");
    assert!(db.rows(&format!("SELECT holder FROM work_leases WHERE work = '{work}'")).await.is_empty(), "released");
    servers.clear();
}

#[tokio::test]
async fn intune_changes_are_sent_once_and_another_instance_follows_them_after_kill_9() {
    use fake_graph::Outcome;
    use intune::{device, Intune, Setup, AMARA};
    let db = database().await;
    let intune =
        Intune::start_on(Setup { device_delay: None, fresh_secs: 1, ..Default::default() }, Some(db.clone())).await;
    let b = intune.another_instance().await;
    let mut on_b = EventReader::open(&b, &intune.token(AMARA)).await;
    let phone = device(2);
    let res = intune
        .call(Method::POST, &format!("/api/v1/me/devices/{phone}/actions"), AMARA)
        .json(&json!({"action": "remoteLock"}))
        .send()
        .await
        .expect("action");
    assert_eq!(res.status(), 202);
    // Both instances' follow-ups run; the request is looked at, and was sent once.
    until("a follow-up to look at the request", Duration::from_secs(15), || async {
        db.count("SELECT count(*) FROM intune_requests WHERE kind = 'action' AND checks >= 1").await == 1
    })
    .await;
    let locks = || intune.graph.writes().into_iter().filter(|w| w.path.ends_with("/remoteLock")).count();
    assert_eq!(locks(), 1, "sent once");

    let killed = std::process::Command::new("kill")
        .args(["-9", &intune.server.pid.expect("pid").to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    intune.graph.advance(Some("actions"), Some(&phone), Outcome::Succeed);
    let done = on_b
        .until("the lock done, followed by B", |name, e| name == "action" && e["result"]["actionState"] == "done")
        .await;
    assert_eq!(done["deviceId"], phone.as_str());
    assert_eq!(locks(), 1, "still sent once");
    assert_eq!(db.count("SELECT count(*) FROM intune_requests WHERE state = 'done'").await, 1);
    intune.assert_no_violations();
}
