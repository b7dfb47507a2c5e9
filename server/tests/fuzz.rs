//! Property tests (proptest) of every decoder of untrusted input, over HTTP against the
//! real binary: request bodies, query strings and path ids of every Portal API route,
//! bearer tokens, event tickets, and the authorize / token / login / logout parameters of
//! the development provider. Whatever arrives, the answer is a 2xx or a 4xx — an API 4xx is
//! a problem document, a token-endpoint 4xx an OAuth error — never a 5xx, a hang or a crash
//! (the server must still answer `/api/v1/health` after each property).

mod support;

use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestRunner};
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;
use support::{sign_in, Server, DEMO_PASSWORD};

fn config(local: u32, ci: u32) -> ProptestConfig {
    let ci_run = std::env::var("CI").is_ok_and(|v| v == "true");
    // Shrinking re-sends requests; a short bound keeps a failure's report quick.
    ProptestConfig { cases: if ci_run { ci } else { local }, max_shrink_iters: 200, ..ProptestConfig::default() }
}

struct Fixture {
    rt: tokio::runtime::Runtime,
    server: Server,
    token: String,
    http: reqwest::Client,
}

impl Fixture {
    fn start() -> Fixture {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
        let (server, token) = rt.block_on(async {
            let server = Server::start(&["--simulator-delay-ms", "0"]).await;
            let token = sign_in(&server, "amara.okoye@contoso.example", DEMO_PASSWORD).await.access_token;
            (server, token)
        });
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Fixture { rt, server, token, http }
    }

    /// Sends a request and checks the answer's status and shape.
    fn send(&self, what: &str, req: reqwest::RequestBuilder, problem_json: bool) -> Result<u16, TestCaseError> {
        self.rt.block_on(async {
            let res = req.send().await.map_err(|e| TestCaseError::fail(format!("{what}: no answer: {e}")))?;
            let status = res.status().as_u16();
            let content_type =
                res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
            let body = res.text().await.unwrap_or_default();
            prop_assert!(status < 500, "{}: {} {}", what, status, body);
            if problem_json && status >= 400 {
                prop_assert_eq!(content_type.as_str(), "application/problem+json", "{}: {} {}", what, status, body);
                let problem: Value =
                    serde_json::from_str(&body).map_err(|e| TestCaseError::fail(format!("{what}: {e}")))?;
                prop_assert_eq!(problem["status"].as_u64(), Some(u64::from(status)), "{}: {}", what, body);
            }
            Ok(status)
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.base)
    }

    fn still_alive(&self) {
        let status = self.rt.block_on(async { self.server.get("/api/v1/health").await.status() });
        assert_eq!(status, 200, "the server still answers");
    }
}

fn run<S: Strategy>(cases: (u32, u32), strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let mut runner = TestRunner::new(config(cases.0, cases.1));
    if let Err(e) = runner.run(&strategy, test) {
        panic!("{e}");
    }
}

fn percent(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>().replace('+', "%20")
}

/// Any JSON value, nested a little.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| json!(f)),
        "\\PC{0,40}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map("[a-zA-Z]{0,12}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A body for a route whose field is `field`: raw bytes, any JSON, or the right shape with
/// a wrong, odd or extra value.
fn body_for(field: &'static str) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..120),
        any_json().prop_map(|v| v.to_string().into_bytes()),
        (any_json(), proptest::option::of(("[a-zA-Z]{1,10}", any_json()))).prop_map(move |(v, extra)| {
            let mut o = serde_json::Map::new();
            o.insert(field.to_string(), v);
            if let Some((k, x)) = extra {
                o.insert(k, x);
            }
            Value::Object(o).to_string().into_bytes()
        }),
        "\\PC{0,80}".prop_map(move |s| json!({ field: s }).to_string().into_bytes()),
    ]
}

fn content_type() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        4 => Just(Some("application/json".to_string())),
        1 => Just(Some("application/json; charset=utf-8".to_string())),
        1 => Just(Some("text/plain".to_string())),
        1 => Just(None),
        1 => "[a-z]{1,10}/[a-z+\\-]{1,12}".prop_map(Some),
    ]
}

/// An id for a path: a real one of the caller's, someone else's, or anything at all.
fn id(real: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![proptest::sample::select(real).prop_map(str::to_string), "\\PC{1,30}", "[a-z0-9\\-]{1,20}",]
}

const DEVICES: &[&str] = &["dev-amara-iphone", "dev-amara-pixel", "dev-amara-macbook", "dev-jonas-workstation"];
const APPS: &[&str] = &["teams", "contoso-expenses", "outlook", "nope"];

#[test]
fn request_bodies_of_every_route_are_answered_with_a_4xx_problem_or_accepted() {
    let fx = Fixture::start();
    let routes: [(Method, &str, &'static str); 5] = [
        (Method::PATCH, "/api/v1/me/devices/{id}", "deviceName"),
        (Method::POST, "/api/v1/me/devices/{id}/actions", "action"),
        (Method::POST, "/api/v1/me/apps/{app}/install", "deviceId"),
        (Method::POST, "/api/v1/me/apps/{app}/uninstall", "deviceId"),
        (Method::POST, "/api/v1/me/protected-apps/wipe", "deviceTag"),
    ];
    for (method, template, field) in routes {
        run((96, 24), (id(DEVICES), id(APPS), body_for(field), content_type()), |(device, app, body, ct)| {
            let path = template.replace("{id}", &percent(&device)).replace("{app}", &percent(&app));
            let mut req = fx.http.request(method.clone(), fx.url(&path)).bearer_auth(&fx.token).body(body.clone());
            if let Some(ct) = &ct {
                req = req.header("content-type", ct);
            }
            fx.send(&format!("{method} {path} {ct:?} {}", String::from_utf8_lossy(&body)), req, true).map(|_| ())
        });
        fx.still_alive();
    }
    // Over the size limit: 413, a problem.
    let big = json!({ "deviceName": "x".repeat(20_000) }).to_string();
    let req = fx.http.patch(fx.url("/api/v1/me/devices/dev-amara-iphone")).bearer_auth(&fx.token).json(&big);
    assert_eq!(fx.send("a 20 KB body", req, true).expect("answer"), 413);
}

/// A query string: pairs of names the routes know or do not, with any values, encoded or
/// raw (`%ZZ`, a lone `%FF` that is not UTF-8).
fn query() -> impl Strategy<Value = String> {
    let name = prop_oneof![
        proptest::sample::select(&["device", "q", "category", "offset", "limit", "ticket"][..])
            .prop_map(str::to_string),
        "[a-z]{1,8}",
    ];
    let value = prop_oneof![
        "\\PC{0,30}".prop_map(|v| percent(&v)),
        "[0-9\\-]{0,25}",
        Just("unenrolled:ios".to_string()),
        "unenrolled:[a-z]{0,8}",
        "(%[0-9A-Fa-fZ]{2}|[a-z&=;+]){0,10}",
    ];
    proptest::collection::vec((name, value), 0..5)
        .prop_map(|pairs| pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&"))
}

#[test]
fn query_strings_and_path_ids_are_answered_with_a_4xx_problem_or_the_data() {
    let fx = Fixture::start();
    for path in ["/api/v1/me/apps", "/api/v1/me/apps/teams", "/api/v1/me/devices", "/api/v1/me/home"] {
        run((96, 24), query(), |q| {
            let url = format!("{}?{q}", fx.url(path));
            fx.send(&format!("GET {path}?{q}"), fx.http.get(url).bearer_auth(&fx.token), true).map(|_| ())
        });
    }
    const TEMPLATES: &[&str] = &["/api/v1/me/devices/{}", "/api/v1/me/apps/{}", "/api/v1/me/notifications/{}/read"];
    run((128, 32), (proptest::sample::select(TEMPLATES), "\\PC{1,40}", any::<bool>()), |(t, raw, post)| {
        let path = t.replace("{}", &percent(&raw));
        let req = if post { fx.http.post(fx.url(&path)) } else { fx.http.get(fx.url(&path)) };
        fx.send(&path, req.bearer_auth(&fx.token), true).map(|_| ())
    });
    fx.still_alive();
}

/// Authorization headers: anything printable, `Bearer` with garbage, and JWT-shaped tokens
/// with any header and claims (unsigned, HMAC, `none`, or signed by nobody we trust).
fn authorization() -> impl Strategy<Value = String> {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    let b64 = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
    let header = prop_oneof![
        any_json(),
        proptest::sample::select(&["none", "HS256", "RS256", "ES256", "PS256", "EdDSA"][..])
            .prop_flat_map(|alg| proptest::option::of("[a-zA-Z0-9\\-]{0,20}")
                .prop_map(move |kid| json!({"alg": alg, "kid": kid, "typ": "JWT"}))),
    ];
    let claims = prop_oneof![
        any_json(),
        (any::<i64>(), "\\PC{0,20}", "\\PC{0,20}").prop_map(|(exp, sub, aud)| json!({
            "iss": "http://127.0.0.1/oidc", "aud": aud, "sub": sub, "oid": sub, "exp": exp, "nbf": exp - 10
        })),
    ];
    prop_oneof![
        "[ -~]{0,80}",
        "Bearer [ -~]{0,200}",
        "(bearer|BEARER|Basic) [A-Za-z0-9._\\-]{0,60}",
        (header, claims, "[A-Za-z0-9_\\-]{0,60}").prop_map(move |(h, c, sig)| format!(
            "Bearer {}.{}.{sig}",
            b64(&h),
            b64(&c)
        )),
    ]
}

#[test]
fn bearer_tokens_and_event_tickets_that_are_not_valid_are_401_problems() {
    let fx = Fixture::start();
    run((192, 48), authorization(), |auth| {
        prop_assume!(reqwest::header::HeaderValue::from_str(&auth).is_ok());
        let req = fx.http.get(fx.url("/api/v1/me")).header("authorization", &auth);
        let status = fx.send(&format!("Authorization: {auth}"), req, true)?;
        prop_assert_eq!(status, 401, "Authorization: {}", auth);
        Ok(())
    });
    // Tickets: anything but a ticket the server issued (and not yet used) is refused.
    run((96, 24), "\\PC{0,60}", |ticket| {
        let url = format!("{}?ticket={}", fx.url("/api/v1/me/events"), percent(&ticket));
        let status = fx.send(&format!("ticket {ticket:?}"), fx.http.get(url), true)?;
        prop_assert_eq!(status, 401, "ticket {:?}", ticket);
        Ok(())
    });
    fx.still_alive();
}

/// Form or query parameters an OAuth endpoint reads: its own names with any values, and
/// other names; sometimes the same name twice.
fn oauth_params() -> impl Strategy<Value = String> {
    let names = &[
        "response_type",
        "client_id",
        "redirect_uri",
        "scope",
        "state",
        "nonce",
        "code_challenge",
        "code_challenge_method",
        "prompt",
        "max_age",
        "grant_type",
        "code",
        "code_verifier",
        "refresh_token",
        "csrf",
        "request",
        "username",
        "password",
        "id_token_hint",
        "post_logout_redirect_uri",
        "confirm",
        "response_mode",
        "request_uri",
    ][..];
    let name = prop_oneof![4 => proptest::sample::select(names).prop_map(str::to_string), 1 => "[a-z_]{1,10}"];
    let value = prop_oneof![
        "\\PC{0,40}".prop_map(|v| percent(&v)),
        proptest::sample::select(
            &["portal", "code", "S256", "none", "login", "authorization_code", "refresh_token", "openid"][..]
        )
        .prop_map(str::to_string),
        "(%[0-9A-Fa-fZ]{2}|[a-zA-Z0-9&=;+]){0,16}",
        "[0-9\\-]{1,22}",
    ];
    proptest::collection::vec((name, value), 0..8)
        .prop_map(|pairs| pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&"))
}

#[test]
fn authorize_token_login_and_logout_parameters_never_reach_a_500() {
    let fx = Fixture::start();
    run((128, 32), oauth_params(), |q| {
        let req = fx.http.get(format!("{}?{q}", fx.url("/oidc/authorize")));
        fx.send(&format!("authorize?{q}"), req, false).map(|_| ())
    });
    run(
        (128, 32),
        (oauth_params(), prop_oneof![Just("application/x-www-form-urlencoded"), Just("text/plain")]),
        |(body, ct)| {
            let req = fx.http.post(fx.url("/oidc/token")).header("content-type", ct).body(body.clone());
            let status = fx.send(&format!("token {body}"), req, false)?;
            prop_assert!(status == 200 || status == 400 || status == 401, "token {}: {}", body, status);
            Ok(())
        },
    );
    run(
        (96, 24),
        (oauth_params(), proptest::collection::vec(any::<u8>(), 0..60), any::<bool>()),
        |(form, bytes, raw)| {
            let body = if raw { bytes } else { form.into_bytes() };
            let req = fx
                .http
                .post(fx.url("/oidc/login"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body.clone());
            fx.send(&format!("login {}", String::from_utf8_lossy(&body)), req, false).map(|_| ())
        },
    );
    run((96, 24), (oauth_params(), any::<bool>()), |(q, post)| {
        let req = if post {
            fx.http
                .post(fx.url("/oidc/logout"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(q.clone())
        } else {
            fx.http.get(format!("{}?{q}", fx.url("/oidc/logout")))
        };
        fx.send(&format!("logout {q}"), req, false).map(|_| ())
    });
    fx.still_alive();
}
