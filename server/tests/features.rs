//! Recovery keys, device categories, terms of use, enrolling and asking for an app, against
//! the real binary with the demo tenant, signed in over the real `/oidc` flow: each happy
//! path, the authorisation matrix (someone else's device, key or request is a 404 and
//! nothing is disclosed or changed), the fresh sign-in a key needs, and what is recorded
//! (audit, notifications, live events) — never a key.

mod support;

use reqwest::Method;
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use support::events::EventReader;
use support::{problem_of, sign_in, Server, TestDb, DEMO_PASSWORD};

const FROZEN: &[&str] = &["--simulator-delay-ms", "999999999999"];

async fn token(server: &Server, user: &str) -> String {
    sign_in(server, &format!("{user}@contoso.example"), DEMO_PASSWORD).await.access_token
}

async fn get(server: &Server, path: &str, token: &str) -> reqwest::Response {
    server.call(Method::GET, path, token).send().await.expect("request")
}

async fn get_json(server: &Server, path: &str, token: &str) -> Value {
    let res = get(server, path, token).await;
    assert_eq!(res.status(), 200, "GET {path}");
    res.json().await.expect("json")
}

async fn send(server: &Server, method: Method, path: &str, token: &str, body: Option<Value>) -> reqwest::Response {
    let mut request = server.call(method, path, token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.expect("request")
}

/// The problem's `reason.code`.
async fn refusal(res: reqwest::Response) -> (u16, String) {
    let status = res.status().as_u16();
    let problem = problem_of(res).await;
    let code = serde_json::to_value(problem.reason).ok().and_then(|r| r["code"].as_str().map(String::from));
    (status, code.unwrap_or_default())
}

/// Every row of the tables these features change, as text.
async fn snapshot(db: &TestDb) -> Vec<String> {
    let mut rows = Vec::new();
    for table in ["audit", "notifications", "devices", "app_requests", "terms_acceptances", "device_category_prompts"] {
        for row in db.rows(&format!("SELECT * FROM {table} ORDER BY 1")).await {
            rows.push(format!("{table}: {}", row.join(" | ")));
        }
    }
    rows
}

async fn everything_in(db: &TestDb) -> String {
    snapshot(db).await.join("\n")
}

const SURFACE_KEY: &str = "123453-234564-345675-456786-567897-678909-012342-110011";
const SURFACE_DATA_KEY: &str = "702207-011011-220220-330330-440440-550550-660660-010120";

#[tokio::test]
async fn a_recovery_key_is_shown_to_its_user_after_a_fresh_sign_in_audited_and_notified_never_kept() {
    let server = Server::start(FROZEN).await;
    let amara = token(&server, "amara.okoye").await;

    // The offers: BitLocker on Windows, FileVault on the Mac (not encrypted: none), none on an iPhone.
    let surface = get_json(&server, "/api/v1/me/devices/dev-amara-surface", &amara).await;
    assert_eq!(surface["recoveryKey"], json!({"kind": "bitLocker", "availability": {"status": "available"}}));
    let mac = get_json(&server, "/api/v1/me/devices/dev-amara-macbook", &amara).await;
    assert_eq!(
        mac["recoveryKey"],
        json!({"kind": "fileVault", "availability": {"status": "unavailable", "reason": {"code": "diskNotEncrypted"}}})
    );
    let iphone = get_json(&server, "/api/v1/me/devices/dev-amara-iphone", &amara).await;
    assert!(iphone.get("recoveryKey").is_none(), "{iphone}");

    // Shown: the start-up volume's key first, no-store, and named in the audit by key ID only.
    let before = snapshot(&server.db).await;
    let res = send(&server, Method::POST, "/api/v1/me/devices/dev-amara-surface/recovery-key", &amara, None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let shown: Value = res.json().await.expect("json");
    assert_eq!(shown["kind"], "bitLocker");
    assert_eq!(shown["showForSeconds"], 300);
    assert_eq!(shown["keys"][0]["key"], SURFACE_KEY);
    assert_eq!(shown["keys"][0]["keyId"], "5b2ad4c9-1c2d-4e5f-8a9b-0c1d2e3f4a5b");
    assert_eq!(shown["keys"][0]["volumeType"], "operatingSystemVolume");
    assert_eq!(shown["keys"][1]["key"], SURFACE_DATA_KEY);
    let after = snapshot(&server.db).await;
    let added: Vec<&String> = after.iter().filter(|r| !before.contains(r)).collect();
    let audit: Vec<&&String> = added.iter().filter(|r| r.starts_with("audit: ")).collect();
    assert_eq!(audit.len(), 1, "{added:#?}");
    for fact in
        ["u-amara", "recoveryKey.bitLocker", "dev-amara-surface", "disclosed", "5b2ad4c9-1c2d-4e5f-8a9b-0c1d2e3f4a5b"]
    {
        assert!(audit[0].contains(fact), "{fact} in {}", audit[0]);
    }
    // The person hears of it, without the key; no table holds the key.
    let notes = get_json(&server, "/api/v1/me/notifications", &amara).await;
    let note = &notes["notifications"][0];
    assert_eq!(note["message"]["code"], "recoveryKeyShown");
    assert_eq!(note["message"]["device"], "CPH-LT-0142");
    let kept = everything_in(&server.db).await;
    for key in [SURFACE_KEY, SURFACE_DATA_KEY] {
        assert!(!kept.contains(key), "a key was written to the store: {key}");
    }
    assert!(added.iter().all(|r| !r.contains("110011")), "{added:#?}");

    // The authorisation matrix: someone else's device is a 404 and nothing is recorded.
    let jonas = token(&server, "jonas.weber").await;
    let before = snapshot(&server.db).await;
    for (who, device) in [(&jonas, "dev-amara-surface"), (&amara, "dev-jonas-workstation"), (&amara, "no-such-device")]
    {
        let res = send(&server, Method::POST, &format!("/api/v1/me/devices/{device}/recovery-key"), who, None).await;
        assert_eq!(res.status(), 404, "{device}");
        assert!(!res.text().await.expect("body").contains("-"), "nothing disclosed");
    }
    let res = send(&server, Method::POST, "/api/v1/me/devices/dev-amara-macbook/recovery-key", &amara, None).await;
    assert_eq!(refusal(res).await, (403, "diskNotEncrypted".into()));
    let res = send(&server, Method::POST, "/api/v1/me/devices/dev-amara-iphone/recovery-key", &amara, None).await;
    assert_eq!(res.status(), 403);
    assert_eq!(snapshot(&server.db).await, before, "refusals record nothing");

    // FileVault: Kenji's MacBook.
    let kenji = token(&server, "kenji.sato").await;
    let res = send(&server, Method::POST, "/api/v1/me/devices/dev-kenji-macbook/recovery-key", &kenji, None).await;
    let shown: Value = res.json().await.expect("json");
    assert_eq!(shown["kind"], "fileVault");
    assert_eq!(
        shown["keys"],
        json!([{"key": "K7QF-2MZP-9WXD-4HTC-6RVB-3NJY", "createdDateTime": shown["keys"][0]["createdDateTime"]}])
    );

    // `portal-server audit` lists the disclosures.
    let out = support::run_to_end(&["audit", "--db", &server.db.arg(), "--what", "recoveryKey"]).await;
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(!text.contains(SURFACE_KEY) && !text.contains("K7QF"), "{text}");
}

#[tokio::test]
async fn an_older_sign_in_is_refused_with_a_reason_the_page_explains_and_the_provider_honours_prompt_login() {
    // A window of 0 s: any token is too old once a second has passed since its sign-in.
    let server = Server::start(&["--simulator-delay-ms", "999999999999", "--fresh-sign-in-secs", "0"]).await;
    let amara = token(&server, "amara.okoye").await;
    let started = Instant::now();
    let res = loop {
        let res = send(&server, Method::POST, "/api/v1/me/devices/dev-amara-surface/recovery-key", &amara, None).await;
        if res.status() == 401 || started.elapsed() > Duration::from_secs(10) {
            break res;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(res.status(), 401);
    let challenge = res.headers()["www-authenticate"].to_str().expect("ascii").to_string();
    assert!(challenge.contains("error=\"insufficient_user_authentication\""), "{challenge}");
    assert!(challenge.contains("max_age=0"), "{challenge}");
    let problem = problem_of(res).await;
    assert_eq!(problem.kind, portal_core::problem::FRESH_SIGN_IN_REQUIRED);

    // The provider: prompt=login shows the form even with a live session, and the new
    // tokens carry the new sign-in's auth_time (access token included).
    let default = Server::start(FROZEN).await;
    let client = support::browser();
    let authorize = |extra: &[(&str, &str)]| {
        let mut url = url::Url::parse(&format!("{}/oidc/authorize", default.base)).expect("url");
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", "portal")
            .append_pair("redirect_uri", &format!("{}/auth/callback", default.base))
            .append_pair("scope", "openid")
            .append_pair("state", "s")
            .append_pair("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
            .append_pair("code_challenge_method", "S256");
        for (k, v) in extra {
            url.query_pairs_mut().append_pair(k, v);
        }
        url
    };
    let form = client
        .get(authorize(&[("prompt", "login"), ("login_hint", "amara.okoye@contoso.example")]))
        .send()
        .await
        .expect("authorize");
    assert_eq!(form.status(), 200);
    let html = form.text().await.expect("html");
    assert!(html.contains("value=\"amara.okoye@contoso.example\""), "login_hint prefills the user name");
    let tokens = sign_in(&default, "amara.okoye@contoso.example", DEMO_PASSWORD).await;
    let claims = jwt_claims(&tokens.access_token);
    let auth_time = claims["auth_time"].as_u64().expect("auth_time in the access token");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs();
    assert!(now.abs_diff(auth_time) < 60, "{claims}");
    let res =
        send(&default, Method::POST, "/api/v1/me/devices/dev-amara-surface/recovery-key", &tokens.access_token, None)
            .await;
    assert_eq!(res.status(), 200, "a fresh sign-in is enough");
}

fn jwt_claims(token: &str) -> Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).expect("payload");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).expect("base64");
    serde_json::from_slice(&bytes).expect("claims")
}

#[tokio::test]
async fn recovery_keys_from_a_file_of_their_own_stay_out_of_the_database() {
    let dir = tempfile::tempdir().expect("tempdir");
    let keys = dir.path().join("keys.toml");
    std::fs::write(
        &keys,
        "[[recovery_keys]]\ndevice = \"dev-hannah-thinkpad\"\nkind = \"bitLocker\"\nkey = \"111111-222222-333333-444444-555555-666666-121121-010010\"\n",
    )
    .expect("write");
    let server =
        Server::start(&["--simulator-delay-ms", "999999999999", "--recovery-keys", keys.to_str().expect("utf-8")])
            .await;
    let hannah = token(&server, "hannah.lindqvist").await;
    let res = send(&server, Method::POST, "/api/v1/me/devices/dev-hannah-thinkpad/recovery-key", &hannah, None).await;
    let shown: Value = res.json().await.expect("json");
    assert_eq!(shown["keys"][0]["key"], "111111-222222-333333-444444-555555-666666-121121-010010");
    assert!(!everything_in(&server.db).await.contains("111111-222222"), "the file's keys are never stored");
    let stored: i64 = server.db.count("SELECT count(*) FROM recovery_keys").await;
    assert_eq!(stored, 4, "the tenant file's keys only");

    // A wrong file stops the start, naming the file, the entry and the reason (never the key).
    std::fs::write(&keys, "[[recovery_keys]]\ndevice = \"dev-amara-iphone\"\nkind = \"bitLocker\"\nkey = \"111111-222222-333333-444444-555555-666666-121121-010010\"\n").expect("write");
    let out = support::run_to_end(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--db",
        dir.path().join("x.db").to_str().expect("utf-8"),
        "--recovery-keys",
        keys.to_str().expect("utf-8"),
    ])
    .await;
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("keys.toml: at `recovery_keys[0].kind`: device `dev-amara-iphone` runs iOS"), "{err}");
    assert!(!err.contains("111111"), "{err}");
}

#[tokio::test]
async fn a_device_without_a_category_asks_its_user_once_and_the_choice_is_kept() {
    let server = Server::start(FROZEN).await;
    let kenji = token(&server, "kenji.sato").await;
    let galaxy = get_json(&server, "/api/v1/me/devices/dev-kenji-galaxy", &kenji).await;
    let names: Vec<&str> = galaxy["categoryPrompt"]["categories"]
        .as_array()
        .expect("asked")
        .iter()
        .filter_map(|c| c["displayName"].as_str())
        .collect();
    assert_eq!(names.len(), 6, "{names:?}");
    assert!(names.contains(&"Field phone"));
    let mac = get_json(&server, "/api/v1/me/devices/dev-kenji-macbook", &kenji).await;
    assert!(mac.get("categoryPrompt").is_none(), "a device with a category is not asked about");
    assert_eq!(mac["device"]["deviceCategoryDisplayName"], "Office computer");

    // Once as a notification, however often the first screen is read.
    let home = get_json(&server, "/api/v1/me/home", &kenji).await;
    assert_eq!(home["unreadNotifications"], 1, "{home}");
    get_json(&server, "/api/v1/me/home", &kenji).await;
    // The device list (what the SPA reads) asks too, but never again.
    get_json(&server, "/api/v1/me/devices", &kenji).await;
    let notes = get_json(&server, "/api/v1/me/notifications", &kenji).await;
    let asked: Vec<&Value> = notes["notifications"]
        .as_array()
        .expect("list")
        .iter()
        .filter(|n| n["message"]["code"] == "deviceCategoryNeeded")
        .collect();
    assert_eq!(asked.len(), 1, "{notes}");
    assert_eq!(asked[0]["link"], "/devices/dev-kenji-galaxy");

    // Someone else's device: 404, nothing changes.
    let amara = token(&server, "amara.okoye").await;
    let before = snapshot(&server.db).await;
    let body = || Some(json!({"categoryId": "cat-field-phone"}));
    let res = send(&server, Method::PUT, "/api/v1/me/devices/dev-kenji-galaxy/category", &amara, body()).await;
    assert_eq!(res.status(), 404);
    let res = send(
        &server,
        Method::PUT,
        "/api/v1/me/devices/dev-kenji-galaxy/category",
        &kenji,
        Some(json!({"categoryId": "cat-nope"})),
    )
    .await;
    assert_eq!(refusal(res).await, (422, "unknownCategory".into()));
    let res = send(
        &server,
        Method::PUT,
        "/api/v1/me/devices/dev-kenji-galaxy/category",
        &kenji,
        Some(json!({"category": "x"})),
    )
    .await;
    assert_eq!(res.status(), 422, "unknown fields are refused");
    assert_eq!(snapshot(&server.db).await, before);

    // Chosen, shown, live; once only.
    let events = EventReader::new(
        server
            .call(Method::GET, "/api/v1/me/events", &kenji)
            .header("accept", "text/event-stream")
            .send()
            .await
            .expect("events"),
    );
    let mut events = events;
    events.until("ready", |name, _| name == "ready").await;
    let res = send(&server, Method::PUT, "/api/v1/me/devices/dev-kenji-galaxy/category", &kenji, body()).await;
    assert_eq!(res.status(), 200);
    let details: Value = res.json().await.expect("json");
    assert_eq!(details["device"]["deviceCategoryDisplayName"], "Field phone");
    assert!(details.get("categoryPrompt").is_none());
    let event = events.until("the category", |name, _| name == "deviceCategory").await;
    assert_eq!(event["deviceCategoryDisplayName"], "Field phone");
    let res = send(
        &server,
        Method::PUT,
        "/api/v1/me/devices/dev-kenji-galaxy/category",
        &kenji,
        Some(json!({"categoryId": "cat-personal"})),
    )
    .await;
    assert_eq!(refusal(res).await, (409, "categoryAlreadyChosen".into()));
    let list = get_json(&server, "/api/v1/me/devices", &kenji).await;
    let galaxy =
        list["devices"].as_array().expect("list").iter().find(|d| d["device"]["id"] == "dev-kenji-galaxy").cloned();
    assert_eq!(galaxy.expect("listed")["device"]["deviceCategoryDisplayName"], "Field phone");
}

#[tokio::test]
async fn the_organisation_can_turn_the_category_prompt_off() {
    let tenant = portal_server::tenant_file::DEMO_TENANT.replacen(
        "enrollment_availability = \"availableWithPrompts\"",
        "enrollment_availability = \"unavailable\"\ndisable_device_category_selection = true",
        1,
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("tenant.toml");
    std::fs::write(&file, tenant).expect("write");
    let server =
        Server::start(&["--simulator-delay-ms", "999999999999", "--tenant", file.to_str().expect("utf-8")]).await;
    let kenji = token(&server, "kenji.sato").await;
    let galaxy = get_json(&server, "/api/v1/me/devices/dev-kenji-galaxy", &kenji).await;
    assert!(galaxy.get("categoryPrompt").is_none(), "{galaxy}");
    let home = get_json(&server, "/api/v1/me/home", &kenji).await;
    assert_eq!(home["unreadNotifications"], 0);
    let res = send(
        &server,
        Method::PUT,
        "/api/v1/me/devices/dev-kenji-galaxy/category",
        &kenji,
        Some(json!({"categoryId": "cat-field-phone"})),
    )
    .await;
    assert_eq!(refusal(res).await, (403, "categorySelectionDisabled".into()));
    assert_eq!(get_json(&server, "/api/v1/me/enrollment", &kenji).await["availability"], "unavailable");
}

#[tokio::test]
async fn terms_of_use_come_before_the_personal_pages_once_per_version() {
    let server = Server::start(FROZEN).await;
    let mateo = token(&server, "mateo.rossi").await;
    for path in ["/api/v1/me/devices", "/api/v1/me/home", "/api/v1/me/apps", "/api/v1/me/notifications"] {
        let res = get(&server, path, &mateo).await;
        assert_eq!(res.status(), 403, "{path}");
        assert_eq!(problem_of(res).await.kind, portal_core::problem::TERMS_NOT_ACCEPTED, "{path}");
    }
    // What a person needs to get past the gate still answers.
    assert_eq!(get_json(&server, "/api/v1/me", &mateo).await["displayName"], "Mateo Rossi");
    assert_eq!(send(&server, Method::POST, "/api/v1/me/events/ticket", &mateo, None).await.status(), 200);
    let status = get_json(&server, "/api/v1/me/terms", &mateo).await;
    assert_eq!(status["mustAccept"], true);
    assert_eq!(status["terms"]["version"], "2026-11");
    let languages: Vec<&str> =
        status["terms"]["texts"].as_array().expect("texts").iter().filter_map(|t| t["language"].as_str()).collect();
    assert_eq!(languages, ["en", "de", "fr", "ar"]);

    let accept = |version: &str| Some(json!({"version": version}));
    let res = send(&server, Method::POST, "/api/v1/me/terms/acceptance", &mateo, accept("2025-01")).await;
    assert_eq!(refusal(res).await, (409, "notCurrentVersion".into()));
    let res = send(&server, Method::POST, "/api/v1/me/terms/acceptance", &mateo, accept("2026-11")).await;
    assert_eq!(res.status(), 200);
    let accepted: Value = res.json().await.expect("json");
    assert_eq!(accepted["version"], "2026-11");
    assert_eq!(get(&server, "/api/v1/me/devices", &mateo).await.status(), 200);
    let status = get_json(&server, "/api/v1/me/terms", &mateo).await;
    assert_eq!((status["mustAccept"].clone(), status["accepted"]["version"].clone()), (json!(false), json!("2026-11")));
    // Accepting again keeps the first time.
    let again: Value = send(&server, Method::POST, "/api/v1/me/terms/acceptance", &mateo, accept("2026-11"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(again["acceptedDateTime"], accepted["acceptedDateTime"]);

    // Terms for Field operations only: Amara is not asked, and has nothing to accept.
    let amara = token(&server, "amara.okoye").await;
    let status = get_json(&server, "/api/v1/me/terms", &amara).await;
    assert_eq!(status, json!({"mustAccept": false}));
    let res = send(&server, Method::POST, "/api/v1/me/terms/acceptance", &amara, accept("2026-11")).await;
    assert_eq!(refusal(res).await, (409, "noTerms".into()));

    // A restart (another instance, the same database) still knows the acceptance.
    let out = support::run_to_end(&["audit", "--db", &server.db.arg(), "--what", "terms"]).await;
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2, "each acceptance is audited");
}

#[tokio::test]
async fn asking_for_an_app_approving_and_installing_with_live_news_and_no_self_approval() {
    let server = Server::start(FROZEN).await;
    let kenji = token(&server, "kenji.sato").await;
    let hannah = token(&server, "hannah.lindqvist").await;
    let amara = token(&server, "amara.okoye").await;
    assert_eq!(get_json(&server, "/api/v1/me", &hannah).await["isApprover"], true);
    assert!(get_json(&server, "/api/v1/me", &kenji).await.get("isApprover").is_none());

    // Requestable: offered with its request state, Install waits for an approval.
    let app = get_json(&server, "/api/v1/me/apps/data-lab?device=dev-kenji-macbook", &kenji).await;
    assert_eq!(app["request"], json!({}));
    assert_eq!(app["catalog"]["canInstall"], false);
    let install = || Some(json!({"deviceId": "dev-kenji-macbook"}));
    let res = send(&server, Method::POST, "/api/v1/me/apps/data-lab/install", &kenji, install()).await;
    assert_eq!(refusal(res).await, (403, "approvalRequired".into()));

    // Who may ask, and what a reason must be.
    let ask = |reason: &str| Some(json!({"reason": reason}));
    let res = send(&server, Method::POST, "/api/v1/me/apps/data-lab/requests", &amara, ask("please")).await;
    assert_eq!(refusal(res).await, (403, "requestNotOffered".into()));
    let res = send(&server, Method::POST, "/api/v1/me/apps/teams/requests", &kenji, ask("please")).await;
    assert_eq!(refusal(res).await, (403, "notRequestable".into()));
    let res = send(&server, Method::POST, "/api/v1/me/apps/data-lab/requests", &kenji, ask("   ")).await;
    assert_eq!(refusal(res).await, (422, "reasonRequired".into()));
    let res = send(&server, Method::POST, "/api/v1/me/apps/data-lab/requests", &kenji, ask(&"x".repeat(501))).await;
    assert_eq!(refusal(res).await, (422, "reasonTooLong".into()));

    let mut kenji_events = EventReader::new(
        server
            .call(Method::GET, "/api/v1/me/events", &kenji)
            .header("accept", "text/event-stream")
            .send()
            .await
            .expect("events"),
    );
    kenji_events.until("ready", |name, _| name == "ready").await;
    let mut hannah_events = EventReader::new(
        server
            .call(Method::GET, "/api/v1/me/events", &hannah)
            .header("accept", "text/event-stream")
            .send()
            .await
            .expect("events"),
    );
    hannah_events.until("ready", |name, _| name == "ready").await;

    let res =
        send(&server, Method::POST, "/api/v1/me/apps/data-lab/requests", &kenji, ask("  Quarterly forecasts in R  "))
            .await;
    assert_eq!(res.status(), 201);
    let request: Value = res.json().await.expect("json");
    let id = request["id"].as_str().expect("id").to_string();
    assert_eq!(
        (request["state"].clone(), request["reason"].clone()),
        (json!("pending"), json!("Quarterly forecasts in R"))
    );
    let res = send(&server, Method::POST, "/api/v1/me/apps/data-lab/requests", &kenji, ask("again")).await;
    assert_eq!(refusal(res).await, (409, "alreadyRequested".into()));
    let seen = hannah_events
        .until("the request", |name, data| name == "appRequest" && data["request"]["id"] == id.as_str())
        .await;
    assert_eq!(seen["request"]["requesterName"], "Kenji Sato");
    hannah_events
        .until("her notification", |name, data| {
            name == "notification" && data["notification"]["message"]["code"] == "appRequested"
        })
        .await;
    let mine = get_json(&server, "/api/v1/me/app-requests", &kenji).await;
    assert_eq!(mine["requests"][0]["id"], id.as_str());
    let waiting = get_json(&server, "/api/v1/me/approvals", &hannah).await;
    assert_eq!(waiting["requests"][0]["id"], id.as_str());

    // The matrix: not an approver of the app → 404; someone else's request → 404; nothing changes.
    let before = snapshot(&server.db).await;
    let approve = |comment: &str| Some(json!({"decision": "approve", "comment": comment}));
    for who in [&amara, &kenji] {
        let res = send(&server, Method::POST, &format!("/api/v1/me/approvals/{id}"), who, approve("ok")).await;
        assert_eq!(res.status(), 404);
    }
    assert!(get_json(&server, "/api/v1/me/approvals", &amara).await["requests"].as_array().expect("list").is_empty());
    let res = send(&server, Method::POST, &format!("/api/v1/me/app-requests/{id}/withdraw"), &amara, None).await;
    assert_eq!(res.status(), 404);
    let res = send(
        &server,
        Method::POST,
        &format!("/api/v1/me/approvals/{id}"),
        &hannah,
        Some(json!({"decision": "approve", "comment": "x".repeat(501)})),
    )
    .await;
    assert_eq!(refusal(res).await, (422, "commentTooLong".into()));
    assert_eq!(snapshot(&server.db).await, before);

    // Approved with a comment: Kenji hears of it live, and can install.
    let res =
        send(&server, Method::POST, &format!("/api/v1/me/approvals/{id}"), &hannah, approve(" Licence assigned. "))
            .await;
    assert_eq!(res.status(), 200);
    let decided: Value = res.json().await.expect("json");
    assert_eq!(
        (decided["state"].clone(), decided["comment"].clone(), decided["decidedByName"].clone()),
        (json!("approved"), json!("Licence assigned."), json!("Hannah Lindqvist"))
    );
    let live = kenji_events
        .until("the decision", |name, data| name == "appRequest" && data["request"]["state"] == "approved")
        .await;
    assert_eq!(live["request"]["id"], id.as_str());
    kenji_events
        .until("his notification", |name, data| {
            name == "notification" && data["notification"]["message"]["code"] == "appRequestApproved"
        })
        .await;
    let res = send(&server, Method::POST, &format!("/api/v1/me/approvals/{id}"), &hannah, approve("twice")).await;
    assert_eq!(refusal(res).await, (409, "requestNotPending".into()));
    let app = get_json(&server, "/api/v1/me/apps/data-lab?device=dev-kenji-macbook", &kenji).await;
    assert_eq!(app["request"]["latest"]["state"], "approved");
    assert_eq!(app["catalog"]["canInstall"], true);
    assert_eq!(send(&server, Method::POST, "/api/v1/me/apps/data-lab/install", &kenji, install()).await.status(), 202);
    let res = send(&server, Method::POST, "/api/v1/me/apps/data-lab/requests", &kenji, ask("more")).await;
    assert_eq!(refusal(res).await, (409, "alreadyApproved".into()));

    // Declined, asked again, withdrawn.
    let priya = token(&server, "priya.raman").await;
    let res = send(&server, Method::POST, "/api/v1/me/apps/data-lab/requests", &priya, ask("Trial statistics")).await;
    let first: Value = res.json().await.expect("json");
    let res = send(
        &server,
        Method::POST,
        &format!("/api/v1/me/approvals/{}", first["id"].as_str().expect("id")),
        &hannah,
        Some(json!({"decision": "decline", "comment": "Use the shared workstation."})),
    )
    .await;
    assert_eq!(res.json::<Value>().await.expect("json")["state"], "declined");
    let app = get_json(&server, "/api/v1/me/apps/data-lab", &priya).await;
    assert_eq!(app["request"]["latest"]["comment"], "Use the shared workstation.");
    let res =
        send(&server, Method::POST, "/api/v1/me/apps/data-lab/requests", &priya, ask("Trial statistics, urgently"))
            .await;
    let second: Value = res.json().await.expect("json");
    let withdraw = format!("/api/v1/me/app-requests/{}/withdraw", second["id"].as_str().expect("id"));
    assert_eq!(
        send(&server, Method::POST, &withdraw, &priya, None).await.json::<Value>().await.expect("json")["state"],
        "withdrawn"
    );
    assert_eq!(
        refusal(send(&server, Method::POST, &withdraw, &priya, None).await).await,
        (409, "requestNotPending".into())
    );
    let out = support::run_to_end(&["audit", "--db", &server.db.arg(), "--what", "appRequest"]).await;
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().count(),
        6,
        "create, approve, create, decline, create, withdraw"
    );
}

#[tokio::test]
async fn nobody_approves_their_own_request() {
    let tenant = portal_server::tenant_file::DEMO_TENANT.replacen(
        "approvers = [\"u-hannah\"]",
        "approvers = [\"u-hannah\", \"u-kenji\"]",
        1,
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("tenant.toml");
    std::fs::write(&file, tenant).expect("write");
    let server =
        Server::start(&["--simulator-delay-ms", "999999999999", "--tenant", file.to_str().expect("utf-8")]).await;
    let kenji = token(&server, "kenji.sato").await;
    let res =
        send(&server, Method::POST, "/api/v1/me/apps/data-lab/requests", &kenji, Some(json!({"reason": "mine"}))).await;
    let request: Value = res.json().await.expect("json");
    let id = request["id"].as_str().expect("id");
    // He sees it among the approvals (he approves the app), but cannot decide it.
    assert_eq!(get_json(&server, "/api/v1/me/approvals", &kenji).await["requests"][0]["id"], id);
    let res = send(
        &server,
        Method::POST,
        &format!("/api/v1/me/approvals/{id}"),
        &kenji,
        Some(json!({"decision": "approve"})),
    )
    .await;
    assert_eq!(refusal(res).await, (403, "ownRequest".into()));
    let notes = get_json(&server, "/api/v1/me/notifications", &kenji).await;
    assert!(
        notes["notifications"].as_array().expect("list").iter().all(|n| n["message"]["code"] != "appRequested"),
        "not told of his own"
    );
}

#[tokio::test]
async fn the_new_routes_and_bodies_are_in_the_openapi_document() {
    let server = Server::start(FROZEN).await;
    let doc: Value = server.get("/api/v1/openapi.json").await.json().await.expect("json");
    for path in [
        "/api/v1/me/devices/{id}/recovery-key",
        "/api/v1/me/devices/{id}/category",
        "/api/v1/me/terms",
        "/api/v1/me/terms/acceptance",
        "/api/v1/me/enrollment",
        "/api/v1/me/apps/{appId}/requests",
        "/api/v1/me/app-requests",
        "/api/v1/me/app-requests/{id}/withdraw",
        "/api/v1/me/approvals",
        "/api/v1/me/approvals/{id}",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} is documented");
    }
    for schema in [
        "RecoveryKeyDisclosure",
        "ChooseCategory",
        "TermsStatus",
        "AcceptTerms",
        "NewAppRequest",
        "DecideRequest",
        "AppRequestList",
    ] {
        assert!(doc["components"]["schemas"].get(schema).is_some(), "{schema} is documented");
    }
}
