//! The development identity provider and bearer verification, over HTTP against the real
//! binary: sign-in with the login form, code + PKCE, refresh rotation, end-session, and the
//! Portal API refusing every kind of bad token with a problem document.

mod support;

use argon2::password_hash::PasswordHasher;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::path::Path;
use support::{browser, problem_of, Server};

const PASSWORD: &str = "Correct-Horse-2026!";

/// A tenant file with two users who can sign in and one who cannot.
fn write_tenant(dir: &Path) -> String {
    let hash = argon2::Argon2::default().hash_password(PASSWORD.as_bytes()).expect("hash").to_string();
    let file = dir.join("tenant.toml");
    let toml = format!(
        r##"[organisation]
name = "Northwind Test & Co"
theme_color = "#123456"

[[users]]
id = "u-adele"
display_name = "Adele Vance"
upn = "adele@northwind.example"
email = "adele.vance@northwind.example"
password_hash = "{hash}"

[[users]]
id = "u-alex"
display_name = "Alex Wilber"
upn = "alex@northwind.example"
password_hash = "{hash}"

[[users]]
id = "u-nopass"
display_name = "No Password"
upn = "nopass@northwind.example"
"##
    );
    std::fs::write(&file, toml).expect("write tenant");
    file.to_str().expect("utf-8").to_string()
}

/// A server with the test tenant; `extra` are more `serve` flags.
struct Fixture {
    server: Server,
    _dir: tempfile::TempDir,
}

impl Fixture {
    async fn start(extra: &[&str]) -> Fixture {
        let dir = tempfile::tempdir().expect("tempdir");
        let tenant = write_tenant(dir.path());
        let mut args = vec!["--tenant", tenant.as_str()];
        args.extend_from_slice(extra);
        let server = Server::start(&args).await;
        Fixture { server, _dir: dir }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.base)
    }

    fn redirect_uri(&self) -> String {
        self.url("/auth/callback")
    }

    fn issuer(&self) -> String {
        self.url("/oidc")
    }
}

struct Pkce {
    verifier: String,
    challenge: String,
}

fn pkce() -> Pkce {
    let verifier = format!("{}{}", URL_SAFE_NO_PAD.encode(rand_bytes()), URL_SAFE_NO_PAD.encode(rand_bytes()));
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    Pkce { verifier, challenge }
}

fn rand_bytes() -> [u8; 32] {
    let mut b = [0u8; 32];
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("time").as_nanos();
    let seed = Sha256::digest(format!("{nanos}-{:p}", &b).as_bytes());
    b.copy_from_slice(&seed);
    b
}

fn authorize_url(f: &Fixture, p: &Pkce, state: &str, extra: &[(&str, &str)]) -> String {
    let mut url = url::Url::parse(&f.url("/oidc/authorize")).expect("url");
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("response_type", "code")
            .append_pair("client_id", "portal")
            .append_pair("redirect_uri", &f.redirect_uri())
            .append_pair("scope", "openid profile email offline_access")
            .append_pair("state", state)
            .append_pair("nonce", "nonce-123")
            .append_pair("code_challenge", &p.challenge)
            .append_pair("code_challenge_method", "S256");
        for (k, v) in extra {
            q.append_pair(k, v);
        }
    }
    url.to_string()
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// The value of the hidden input `name` in a form.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).unwrap_or_else(|| panic!("no {name} field in {html}")) + marker.len();
    let end = html[start..].find('"').expect("closing quote") + start;
    unescape(&html[start..end])
}

fn location(res: &reqwest::Response) -> url::Url {
    let loc = res.headers().get("location").unwrap_or_else(|| panic!("no Location on {}", res.status()));
    url::Url::parse(loc.to_str().expect("ascii")).expect("absolute Location")
}

fn query(u: &url::Url, name: &str) -> Option<String> {
    u.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// GET authorize (expecting the form) and POST the credentials; returns the login response.
async fn submit_login(
    f: &Fixture,
    client: &reqwest::Client,
    auth_url: &str,
    user: &str,
    password: &str,
) -> reqwest::Response {
    let form = client.get(auth_url).send().await.expect("authorize");
    assert_eq!(form.status(), 200, "the login form");
    let html = form.text().await.expect("html");
    let csrf = hidden(&html, "csrf");
    let request = hidden(&html, "request");
    client
        .post(f.url("/oidc/login"))
        .form(&[("csrf", csrf.as_str()), ("request", request.as_str()), ("username", user), ("password", password)])
        .send()
        .await
        .expect("login")
}

/// Signs in through the form; returns the authorization code.
async fn sign_in(f: &Fixture, client: &reqwest::Client, p: &Pkce, state: &str) -> String {
    let res = submit_login(f, client, &authorize_url(f, p, state, &[]), "adele@northwind.example", PASSWORD).await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap_or_default());
    let loc = location(&res);
    assert_eq!(query(&loc, "state").as_deref(), Some(state));
    query(&loc, "code").expect("code")
}

async fn exchange(f: &Fixture, code: &str, verifier: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(f.url("/oidc/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", "portal"),
            ("code", code),
            ("redirect_uri", &f.redirect_uri()),
            ("code_verifier", verifier),
        ])
        .send()
        .await
        .expect("token")
}

async fn refresh(f: &Fixture, token: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(f.url("/oidc/token"))
        .form(&[("grant_type", "refresh_token"), ("client_id", "portal"), ("refresh_token", token)])
        .send()
        .await
        .expect("refresh")
}

async fn tokens(f: &Fixture) -> Value {
    let client = browser();
    let p = pkce();
    let code = sign_in(f, &client, &p, "s").await;
    let res = exchange(f, &code, &p.verifier).await;
    assert_eq!(res.status(), 200);
    res.json().await.expect("token json")
}

async fn me(f: &Fixture, token: &str) -> reqwest::Response {
    reqwest::Client::new().get(f.url("/api/v1/me")).bearer_auth(token).send().await.expect("me")
}

async fn oauth_error(res: reqwest::Response) -> String {
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.expect("error json");
    body["error"].as_str().expect("error").to_string()
}

/// The signing key the server stored, to forge tokens with bad claims.
fn stored_key(db: &Path) -> (String, EncodingKey) {
    let conn = rusqlite::Connection::open(db).expect("open db");
    let (kid, pem): (String, String) = conn
        .query_row("SELECT kid, private_key_pem FROM oidc_signing_keys WHERE active = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("a stored key");
    (kid, EncodingKey::from_rsa_pem(pem.as_bytes()).expect("pem"))
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("time").as_secs() as i64
}

#[tokio::test]
async fn discovery_names_every_endpoint_under_the_issuer() {
    let f = Fixture::start(&[]).await;
    let res = f.server.get("/oidc/.well-known/openid-configuration").await;
    assert_eq!(res.status(), 200);
    let d: Value = res.json().await.expect("json");
    let iss = f.issuer();
    assert_eq!(d["issuer"], iss.as_str());
    assert_eq!(d["authorization_endpoint"], format!("{iss}/authorize"));
    assert_eq!(d["token_endpoint"], format!("{iss}/token"));
    assert_eq!(d["jwks_uri"], format!("{iss}/jwks"));
    assert_eq!(d["end_session_endpoint"], format!("{iss}/logout"));
    assert_eq!(d["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(d["authorization_response_iss_parameter_supported"], true);

    let jwks: JwkSet = f.server.get("/oidc/jwks").await.json().await.expect("jwks");
    assert_eq!(jwks.keys.len(), 1);
    assert!(jwks.keys[0].common.key_id.is_some());
}

#[tokio::test]
async fn full_sign_in_code_pkce_id_token_and_api_call() {
    let f = Fixture::start(&[]).await;
    let client = browser();
    let p = pkce();

    let form = client.get(authorize_url(&f, &p, "st-1", &[])).send().await.expect("authorize");
    assert_eq!(form.status(), 200);
    assert_eq!(form.headers()["cache-control"], "no-store");
    let html = form.text().await.expect("html");
    assert!(html.contains("Northwind Test &amp; Co"), "organisation name on the form");
    assert!(html.contains("<label for=\"password\">"));
    assert!(html.contains("name=\"viewport\""));

    let res = submit_login(&f, &client, &authorize_url(&f, &p, "st-1", &[]), "ADELE@northwind.example", PASSWORD).await;
    assert_eq!(res.status(), 303);
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().expect("ascii").to_string())
        .find(|c| c.starts_with("portal_oidc_session="))
        .expect("session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/oidc"),
        "{cookie}"
    );
    let loc = location(&res);
    assert!(loc.as_str().starts_with(&f.redirect_uri()));
    assert_eq!(query(&loc, "state").as_deref(), Some("st-1"));
    assert_eq!(query(&loc, "iss"), Some(f.issuer()));
    let code = query(&loc, "code").expect("code");

    let res = exchange(&f, &code, &p.verifier).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let t: Value = res.json().await.expect("json");
    assert_eq!(t["token_type"], "Bearer");
    assert!(t["refresh_token"].as_str().is_some());

    // The ID token, checked against the published JWKS.
    let jwks: JwkSet = f.server.get("/oidc/jwks").await.json().await.expect("jwks");
    let id_token = t["id_token"].as_str().expect("id_token");
    let header = jsonwebtoken::decode_header(id_token).expect("header");
    assert_eq!(header.alg, Algorithm::RS256);
    let jwk = jwks.find(header.kid.as_deref().expect("kid")).expect("kid in jwks");
    let mut v = Validation::new(Algorithm::RS256);
    v.set_audience(&["portal"]);
    v.set_issuer(&[f.issuer()]);
    let claims =
        jsonwebtoken::decode::<Value>(id_token, &DecodingKey::from_jwk(jwk).expect("key"), &v).expect("valid").claims;
    assert_eq!(claims["sub"], "u-adele");
    assert_eq!(claims["oid"], "u-adele");
    assert_eq!(claims["nonce"], "nonce-123");
    assert_eq!(claims["name"], "Adele Vance");
    assert_eq!(claims["preferred_username"], "adele@northwind.example");
    assert_eq!(claims["email"], "adele.vance@northwind.example");
    assert!(claims["exp"].as_i64().expect("exp") > claims["iat"].as_i64().expect("iat"));

    // The access token: for the Portal API audience.
    let access = t["access_token"].as_str().expect("access_token");
    let mut v = Validation::new(Algorithm::RS256);
    v.set_audience(&["api://portal"]);
    v.set_issuer(&[f.issuer()]);
    let at =
        jsonwebtoken::decode::<Value>(access, &DecodingKey::from_jwk(jwk).expect("key"), &v).expect("valid").claims;
    assert_eq!(at["scp"], "access_as_user");
    for claim in ["sub", "oid", "exp", "iat", "nbf", "jti"] {
        assert!(!at[claim].is_null(), "access token has {claim}");
    }

    let res = me(&f, access).await;
    assert_eq!(res.status(), 200);
    let profile: Value = res.json().await.expect("json");
    assert_eq!(
        profile,
        json!({"id": "u-adele", "displayName": "Adele Vance", "upn": "adele@northwind.example", "email": "adele.vance@northwind.example"})
    );

    // A second authorization request is answered from the provider's session, without the form.
    let p2 = pkce();
    let res = client.get(authorize_url(&f, &p2, "st-2", &[])).send().await.expect("authorize again");
    assert_eq!(res.status(), 303);
    let code2 = query(&location(&res), "code").expect("code from the session");
    assert_eq!(exchange(&f, &code2, &p2.verifier).await.status(), 200);
}

#[tokio::test]
async fn a_wrong_password_or_user_shows_the_form_again_with_one_generic_error() {
    let f = Fixture::start(&[]).await;
    let p = pkce();
    let url = authorize_url(&f, &p, "s", &[]);
    let mut pages = Vec::new();
    for (user, password) in
        [("adele@northwind.example", "wrong"), ("nobody@northwind.example", PASSWORD), ("nopass@northwind.example", "")]
    {
        let client = browser();
        let res = submit_login(&f, &client, &url, user, password).await;
        assert_eq!(res.status(), 200, "{user}");
        assert!(res.headers().get("location").is_none());
        assert!(!res
            .headers()
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap_or("").starts_with("portal_oidc_session=")));
        let html = res.text().await.expect("html");
        assert!(html.contains("role=\"alert\""), "{user}");
        assert!(html.contains("don&#39;t match an account"), "{html}");
        assert!(html.contains(&format!("value=\"{user}\"")), "the user name is kept");
        pages.push(html.replace(user, "USER"));
    }
    let errors: Vec<&str> = pages
        .iter()
        .map(|h| h.split("role=\"alert\">").nth(1).expect("alert").split('<').next().expect("text"))
        .collect();
    assert!(errors.iter().all(|e| *e == errors[0]), "the same message whatever was wrong: {errors:?}");
}

#[tokio::test]
async fn the_login_form_refuses_a_post_without_its_csrf_token() {
    let f = Fixture::start(&[]).await;
    let p = pkce();
    let client = browser();
    let html = client.get(authorize_url(&f, &p, "s", &[])).send().await.expect("form").text().await.expect("html");
    let request = hidden(&html, "request");
    // Another site's form post: no CSRF cookie, a guessed token.
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .post(f.url("/oidc/login"))
        .form(&[
            ("csrf", "guess"),
            ("request", request.as_str()),
            ("username", "adele@northwind.example"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 200);
    assert!(res.headers().get("location").is_none(), "no code without the CSRF token");
    assert!(res.text().await.expect("html").contains("expired"));
}

#[tokio::test]
async fn a_code_needs_the_right_pkce_verifier_and_works_once() {
    let f = Fixture::start(&[]).await;
    let p = pkce();
    let code = sign_in(&f, &browser(), &p, "s").await;
    let other = pkce();
    assert_eq!(oauth_error(exchange(&f, &code, &other.verifier).await).await, "invalid_grant");
    // A failed presentation uses the code up too.
    assert_eq!(oauth_error(exchange(&f, &code, &p.verifier).await).await, "invalid_grant");

    // Replaying a redeemed code fails and revokes what the first redemption issued.
    let p = pkce();
    let code = sign_in(&f, &browser(), &p, "s").await;
    let first: Value = exchange(&f, &code, &p.verifier).await.json().await.expect("json");
    assert_eq!(oauth_error(exchange(&f, &code, &p.verifier).await).await, "invalid_grant");
    let rt = first["refresh_token"].as_str().expect("refresh");
    assert_eq!(oauth_error(refresh(&f, rt).await).await, "invalid_grant", "the family died with the replay");

    // Missing verifier.
    let p = pkce();
    let code = sign_in(&f, &browser(), &p, "s").await;
    let res = reqwest::Client::new()
        .post(f.url("/oidc/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", "portal"),
            ("code", &code),
            ("redirect_uri", &f.redirect_uri()),
        ])
        .send()
        .await
        .expect("token");
    assert_eq!(oauth_error(res).await, "invalid_request");
}

#[tokio::test]
async fn an_expired_code_is_refused() {
    let f = Fixture::start(&["--code-ttl", "1"]).await;
    let client = browser();
    let p = pkce();
    let code = sign_in(&f, &client, &p, "s").await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let res = exchange(&f, &code, &p.verifier).await;
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["error"], "invalid_grant");
    assert!(body["error_description"].as_str().expect("text").contains("expired"));
}

#[tokio::test]
async fn refresh_tokens_rotate_and_reuse_revokes_the_family() {
    let f = Fixture::start(&[]).await;
    let t = tokens(&f).await;
    let rt1 = t["refresh_token"].as_str().expect("rt").to_string();

    let res = refresh(&f, &rt1).await;
    assert_eq!(res.status(), 200);
    let t2: Value = res.json().await.expect("json");
    let rt2 = t2["refresh_token"].as_str().expect("rt").to_string();
    assert_ne!(rt1, rt2, "a new refresh token each time");
    assert_eq!(me(&f, t2["access_token"].as_str().expect("at")).await.status(), 200);

    let t3: Value = refresh(&f, &rt2).await.json().await.expect("json");
    let rt3 = t3["refresh_token"].as_str().expect("rt").to_string();

    // rt1 was used already: reuse is theft, and the whole family goes.
    assert_eq!(oauth_error(refresh(&f, &rt1).await).await, "invalid_grant");
    assert_eq!(oauth_error(refresh(&f, &rt3).await).await, "invalid_grant", "the newest token is revoked too");
    assert_eq!(oauth_error(refresh(&f, "not-a-token").await).await, "invalid_grant");
}

#[tokio::test]
async fn a_rotation_whose_answer_was_lost_can_be_retried_while_its_successor_is_unused() {
    let f = Fixture::start(&[]).await;
    let rt1 = tokens(&f).await["refresh_token"].as_str().expect("rt").to_string();
    // The answer to this rotation never reaches the client (a dropped connection, a crash).
    let lost: Value = refresh(&f, &rt1).await.json().await.expect("json");
    let lost = lost["refresh_token"].as_str().expect("rt").to_string();

    // The client tries again with what it has: a new successor, and the lost one is void.
    let res = refresh(&f, &rt1).await;
    assert_eq!(res.status(), 200, "a retry of a rotation");
    let t: Value = res.json().await.expect("json");
    let rt2 = t["refresh_token"].as_str().expect("rt").to_string();
    assert_ne!(rt2, lost);
    assert_eq!(me(&f, t["access_token"].as_str().expect("at")).await.status(), 200);
    assert_eq!(oauth_error(refresh(&f, &lost).await).await, "invalid_grant", "the lost successor is void");

    // Once the successor is used, the old token again is theft: the family goes.
    let t3: Value = refresh(&f, &rt2).await.json().await.expect("json");
    let rt3 = t3["refresh_token"].as_str().expect("rt").to_string();
    assert_eq!(oauth_error(refresh(&f, &rt1).await).await, "invalid_grant");
    assert_eq!(oauth_error(refresh(&f, &rt3).await).await, "invalid_grant", "the family is revoked");
}

#[tokio::test]
async fn prompt_none_answers_login_required_without_a_session_and_a_code_with_one() {
    let f = Fixture::start(&[]).await;
    let client = browser();
    let p = pkce();
    let res = client.get(authorize_url(&f, &p, "quiet", &[("prompt", "none")])).send().await.expect("authorize");
    assert_eq!(res.status(), 303);
    let loc = location(&res);
    assert!(loc.as_str().starts_with(&f.redirect_uri()));
    assert_eq!(query(&loc, "error").as_deref(), Some("login_required"));
    assert_eq!(query(&loc, "state").as_deref(), Some("quiet"));
    assert_eq!(query(&loc, "iss"), Some(f.issuer()));
    assert!(query(&loc, "code").is_none());

    sign_in(&f, &client, &p, "s").await;
    let res = client.get(authorize_url(&f, &p, "quiet", &[("prompt", "none")])).send().await.expect("authorize");
    assert_eq!(res.status(), 303);
    assert!(query(&location(&res), "code").is_some());

    // prompt=login shows the form even with a session.
    let res = client.get(authorize_url(&f, &p, "again", &[("prompt", "login")])).send().await.expect("authorize");
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn end_session_clears_the_session_and_returns_only_to_registered_uris() {
    let f = Fixture::start(&[]).await;
    let client = browser();
    let p = pkce();
    let code = sign_in(&f, &client, &p, "s").await;
    let t: Value = exchange(&f, &code, &p.verifier).await.json().await.expect("json");
    let id_token = t["id_token"].as_str().expect("id");
    let rt = t["refresh_token"].as_str().expect("rt");

    let target = f.url("/");
    let mut url = url::Url::parse(&f.url("/oidc/logout")).expect("url");
    url.query_pairs_mut()
        .append_pair("id_token_hint", id_token)
        .append_pair("post_logout_redirect_uri", &target)
        .append_pair("state", "bye");
    let res = client.get(url).send().await.expect("logout");
    assert_eq!(res.status(), 303);
    let loc = location(&res);
    assert_eq!(loc.as_str(), format!("{target}?state=bye"));

    let res = client.get(authorize_url(&f, &p, "s", &[("prompt", "none")])).send().await.expect("authorize");
    assert_eq!(query(&location(&res), "error").as_deref(), Some("login_required"), "the session is gone");
    assert_eq!(oauth_error(refresh(&f, rt).await).await, "invalid_grant", "its refresh tokens too");

    // An unregistered address is never redirected to.
    let res = client
        .get(f.url("/oidc/logout?post_logout_redirect_uri=https%3A%2F%2Fevil.example%2F"))
        .send()
        .await
        .expect("logout");
    assert_eq!(res.status(), 200);
    assert!(res.headers().get("location").is_none());
    assert!(res.text().await.expect("html").contains("signed out"));
}

#[tokio::test]
async fn a_sign_out_without_proof_of_the_portal_only_asks_and_signs_out_on_the_confirmation() {
    let f = Fixture::start(&[]).await;
    let client = browser();
    let p = pkce();
    let code = sign_in(&f, &client, &p, "s").await;
    let t: Value = exchange(&f, &code, &p.verifier).await.json().await.expect("json");
    let rt = t["refresh_token"].as_str().expect("rt").to_string();
    let still_signed_in = |client: reqwest::Client| {
        let url = authorize_url(&f, &p, "s", &[("prompt", "none")]);
        async move {
            let res = client.get(url).send().await.expect("authorize");
            query(&location(&res), "code").is_some()
        }
    };

    // A link or an image on another site: GET, no hint. Only a question, nothing ends.
    let target = f.url("/");
    let link = format!("{}?post_logout_redirect_uri={}&state=x", f.url("/oidc/logout"), url_enc(&target));
    let res = client.get(&link).send().await.expect("logout");
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["x-frame-options"], "DENY");
    let csp = res.headers()["content-security-policy"].to_str().expect("ascii").to_string();
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains(&format!("form-action 'self' {}", f.server.base)),
        "{csp}"
    );
    let html = res.text().await.expect("html");
    assert!(html.contains("Sign out?"), "{html}");
    assert!(still_signed_in(client.clone()).await, "a GET must not sign out");

    // Another session's ID token is no proof either (someone signed in elsewhere).
    let other = browser();
    let q = pkce();
    let code = sign_in(&f, &other, &q, "o").await;
    let theirs: Value = exchange(&f, &code, &q.verifier).await.json().await.expect("json");
    let res = client
        .get(format!("{link}&id_token_hint={}", theirs["id_token"].as_str().expect("id")))
        .send()
        .await
        .expect("logout");
    assert_eq!(res.status(), 200);
    assert!(still_signed_in(client.clone()).await, "someone else's hint must not sign out");

    // A forged POST: the confirmation without its CSRF token.
    let res = client
        .post(f.url("/oidc/logout"))
        .form(&[("confirm", "yes"), ("post_logout_redirect_uri", target.as_str())])
        .send()
        .await
        .expect("logout");
    assert_eq!(res.status(), 200);
    assert!(still_signed_in(client.clone()).await, "a POST without the CSRF token must not sign out");

    // The person presses "Sign out": back to the registered address, session and refresh
    // tokens gone.
    let res = client
        .post(f.url("/oidc/logout"))
        .form(&[
            ("csrf", hidden(&html, "csrf").as_str()),
            ("confirm", "yes"),
            ("post_logout_redirect_uri", hidden(&html, "post_logout_redirect_uri").as_str()),
            ("state", hidden(&html, "state").as_str()),
        ])
        .send()
        .await
        .expect("logout");
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res).as_str(), format!("{target}?state=x"));
    assert!(!still_signed_in(client.clone()).await, "the confirmed sign-out ends the session");
    assert_eq!(oauth_error(refresh(&f, &rt).await).await, "invalid_grant");
    // The other browser's session was never touched.
    assert!(still_signed_in(other).await);
}

#[tokio::test]
async fn the_portal_signs_out_at_once_with_its_id_token_by_get_or_post() {
    let f = Fixture::start(&[]).await;
    let target = f.url("/");
    for method in ["GET", "POST"] {
        let client = browser();
        let p = pkce();
        let code = sign_in(&f, &client, &p, "s").await;
        let t: Value = exchange(&f, &code, &p.verifier).await.json().await.expect("json");
        let params = [
            ("id_token_hint", t["id_token"].as_str().expect("id")),
            ("post_logout_redirect_uri", target.as_str()),
            ("client_id", "portal"),
        ];
        let res = match method {
            "GET" => client.get(f.url("/oidc/logout")).query(&params).send().await,
            _ => client.post(f.url("/oidc/logout")).form(&params).send().await,
        }
        .expect("logout");
        assert_eq!(res.status(), 303, "{method}");
        assert_eq!(location(&res).as_str(), target, "{method}");
        let res = client.get(authorize_url(&f, &p, "s", &[("prompt", "none")])).send().await.expect("authorize");
        assert_eq!(query(&location(&res), "error").as_deref(), Some("login_required"), "{method}");
    }
}

#[tokio::test]
async fn bad_authorization_requests_are_pages_or_error_redirects() {
    let f = Fixture::start(&[]).await;
    let client = browser();
    let p = pkce();

    // Untrusted client or redirect URI: a page, never a redirect.
    for url in [
        authorize_url(&f, &p, "s", &[]).replace("client_id=portal", "client_id=intruder"),
        authorize_url(&f, &p, "s", &[]).replace("auth%2Fcallback", "evil"),
    ] {
        let res = client.get(&url).send().await.expect("authorize");
        assert_eq!(res.status(), 400, "{url}");
        assert!(res.headers().get("location").is_none());
        assert!(res.headers()["content-type"].to_str().expect("ct").starts_with("text/html"));
    }

    // Registered client: the error goes back to it, with state and iss.
    let cases = [
        (
            authorize_url(&f, &p, "s", &[]).replace("response_type=code", "response_type=token"),
            "unsupported_response_type",
        ),
        (
            authorize_url(&f, &p, "s", &[]).replace("code_challenge_method=S256", "code_challenge_method=plain"),
            "invalid_request",
        ),
        (authorize_url(&f, &p, "s", &[]).replace(&format!("code_challenge={}", p.challenge), ""), "invalid_request"),
        (authorize_url(&f, &p, "s", &[]).replace("scope=openid+", "scope="), "invalid_scope"),
    ];
    for (url, error) in cases {
        let res = client.get(&url).send().await.expect("authorize");
        assert_eq!(res.status(), 303, "{url}");
        let loc = location(&res);
        assert_eq!(query(&loc, "error").as_deref(), Some(error), "{url}");
        assert_eq!(query(&loc, "state").as_deref(), Some("s"));
        assert_eq!(query(&loc, "iss"), Some(f.issuer()));
        assert!(query(&loc, "error_description").is_some());
    }
}

#[tokio::test]
async fn bad_bearer_tokens_are_401_problems_with_a_bearer_challenge() {
    let f = Fixture::start(&[]).await;
    let good = tokens(&f).await["access_token"].as_str().expect("at").to_string();
    assert_eq!(me(&f, &good).await.status(), 200);

    let (kid, key) = stored_key(&f.server.db);
    let sign = |claims: Value| {
        let mut h = Header::new(Algorithm::RS256);
        h.kid = Some(kid.clone());
        jsonwebtoken::encode(&h, &claims, &key).expect("sign")
    };
    let base = |overrides: Value| {
        let mut c = json!({"iss": f.issuer(), "aud": "api://portal", "sub": "u-adele", "oid": "u-adele",
            "iat": now(), "nbf": now(), "exp": now() + 600, "scp": "access_as_user"});
        if let (Some(c), Some(o)) = (c.as_object_mut(), overrides.as_object()) {
            for (k, v) in o {
                c.insert(k.clone(), v.clone());
            }
        }
        c
    };
    // Sanity: a forged-but-correct token passes, so the failures below are the claims'.
    assert_eq!(me(&f, &sign(base(json!({})))).await.status(), 200);

    let mut parts: Vec<String> = good.split('.').map(String::from).collect();
    let mut payload: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&parts[1]).expect("b64")).expect("json");
    payload["oid"] = json!("u-alex");
    parts[1] = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&payload).expect("json"));
    let tampered = parts.join(".");

    let none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&base(json!({}))).expect("json"))
    );
    let hs256 = {
        let mut h = Header::new(Algorithm::HS256);
        h.kid = Some(kid.clone());
        jsonwebtoken::encode(&h, &base(json!({})), &EncodingKey::from_secret(kid.as_bytes())).expect("sign")
    };
    let unknown_kid = {
        let mut h = Header::new(Algorithm::RS256);
        h.kid = Some("no-such-key".into());
        jsonwebtoken::encode(&h, &base(json!({})), &key).expect("sign")
    };

    let cases: Vec<(&str, Option<String>)> = vec![
        ("missing", None),
        ("malformed", Some("not.a.jwt".into())),
        ("garbage", Some("%%%".into())),
        ("tampered signature", Some(tampered)),
        ("wrong audience", Some(sign(base(json!({"aud": "api://other"}))))),
        ("id token as access token", Some(sign(base(json!({"aud": "portal"}))))),
        ("expired", Some(sign(base(json!({"exp": now() - 120, "iat": now() - 900, "nbf": now() - 900}))))),
        ("not yet valid", Some(sign(base(json!({"nbf": now() + 600}))))),
        ("wrong issuer", Some(sign(base(json!({"iss": "https://evil.example/oidc"}))))),
        (
            "no exp",
            Some(sign({
                let mut c = base(json!({}));
                c.as_object_mut().expect("obj").remove("exp");
                c
            })),
        ),
        ("alg none", Some(none)),
        ("alg HS256", Some(hs256)),
        ("unknown kid", Some(unknown_kid)),
    ];
    let client = reqwest::Client::new();
    for (name, token) in cases {
        let mut req = client.get(f.url("/api/v1/me"));
        if let Some(t) = &token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.expect("me");
        assert_eq!(res.status(), 401, "{name}");
        let challenge = res.headers()["www-authenticate"].to_str().expect("ascii").to_string();
        assert!(challenge.starts_with("Bearer"), "{name}: {challenge}");
        if token.is_some() {
            assert!(challenge.contains("error=\"invalid_token\""), "{name}: {challenge}");
        }
        let problem = problem_of(res).await;
        assert_eq!(problem.status, 401, "{name}");
    }

    // A valid token for someone who is not in the tenant.
    let res = me(&f, &sign(base(json!({"oid": "u-stranger", "sub": "u-stranger"})))).await;
    assert_eq!(res.status(), 403);
    assert_eq!(problem_of(res).await.status, 403);
}

#[tokio::test]
async fn signing_keys_survive_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tenant = write_tenant(dir.path());
    let db = dir.path().join("portal.db");
    // A fixed public URL: the issuer must not change with the ephemeral port.
    let args = ["--tenant", tenant.as_str(), "--public-url", "http://portal.test"];

    let first = Server::start_with_db(&db, &args).await;
    let f = Fixture { server: first, _dir: tempfile::tempdir().expect("tempdir") };
    let client = browser();
    let p = pkce();
    let res = submit_login(
        &f,
        &client,
        &authorize_url(&f, &p, "s", &[])
            .replace(&url_enc(&f.redirect_uri()), &url_enc("http://portal.test/auth/callback")),
        "alex@northwind.example",
        PASSWORD,
    )
    .await;
    let code = query(&location(&res), "code").expect("code");
    let res = reqwest::Client::new()
        .post(f.url("/oidc/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", "portal"),
            ("code", &code),
            ("redirect_uri", "http://portal.test/auth/callback"),
            ("code_verifier", &p.verifier),
        ])
        .send()
        .await
        .expect("token");
    assert_eq!(res.status(), 200);
    let t: Value = res.json().await.expect("json");
    let access = t["access_token"].as_str().expect("at").to_string();
    let jwks_before: Value = f.server.get("/oidc/jwks").await.json().await.expect("jwks");
    drop(f);

    let second = Server::start_with_db(&db, &args).await;
    let f = Fixture { server: second, _dir: tempfile::tempdir().expect("tempdir") };
    let jwks_after: Value = f.server.get("/oidc/jwks").await.json().await.expect("jwks");
    assert_eq!(jwks_before, jwks_after, "the same key after a restart");
    let res = me(&f, &access).await;
    assert_eq!(res.status(), 200, "a token from before the restart verifies");
    let profile: Value = res.json().await.expect("json");
    assert_eq!(profile["id"], "u-alex");
    assert!(profile["email"].is_null());
    // The refresh token from before the restart still works.
    assert_eq!(refresh(&f, t["refresh_token"].as_str().expect("rt")).await.status(), 200);
}

fn url_enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn the_api_trusts_an_external_issuer_by_configuration() {
    // Server A plays "any OIDC provider"; server B trusts it with --issuer and fetches its
    // discovery document and JWKS over HTTP.
    let a = Fixture::start(&[]).await;
    let b = Fixture::start(&["--issuer", &a.issuer(), "--audience", "api://portal"]).await;

    let t = tokens(&a).await;
    let access = t["access_token"].as_str().expect("at");
    let res = me(&b, access).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.expect("json")["id"], "u-adele");

    // B no longer accepts its own development provider's tokens: it trusts A only.
    let own = tokens(&b).await;
    let res = me(&b, own["access_token"].as_str().expect("at")).await;
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn cors_allows_only_the_configured_spa_origins() {
    let f = Fixture::start(&["--spa-origin", "http://localhost:8080"]).await;
    let client = reqwest::Client::new();
    for (path, method) in [("/api/v1/me", "GET"), ("/oidc/token", "POST"), ("/oidc/jwks", "GET")] {
        let res = client
            .request(reqwest::Method::OPTIONS, f.url(path))
            .header("origin", "http://localhost:8080")
            .header("access-control-request-method", method)
            .header("access-control-request-headers", "authorization")
            .send()
            .await
            .expect("preflight");
        assert_eq!(
            res.headers().get("access-control-allow-origin").map(|v| v.to_str().expect("ascii")),
            Some("http://localhost:8080"),
            "{path}"
        );

        let res = client
            .request(reqwest::Method::OPTIONS, f.url(path))
            .header("origin", "https://evil.example")
            .header("access-control-request-method", method)
            .send()
            .await
            .expect("preflight");
        assert!(res.headers().get("access-control-allow-origin").is_none(), "{path}");
    }
    // The SPA origin's callback is a registered redirect URI.
    let p = pkce();
    let url = authorize_url(&f, &p, "s", &[])
        .replace(&url_enc(&f.redirect_uri()), &url_enc("http://localhost:8080/auth/callback"));
    assert_eq!(browser().get(url).send().await.expect("authorize").status(), 200);
}

#[tokio::test]
async fn serve_help_documents_the_sign_in_flags() {
    let out = support::run_to_end(&["serve", "--help"]).await;
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in ["--issuer", "--audience", "--spa-origin", "--redirect-uri", "--code-ttl", "--post-logout-redirect-uri"]
    {
        assert!(help.contains(flag), "{flag} in {help}");
    }
}
