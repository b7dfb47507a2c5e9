//! The token endpoint (client secret and certificate assertion, Entra's AADSTS errors), the
//! bearer check in front of Graph, and permissions (403 as Graph words it).

use crate::support::*;
use base64::Engine;
use fake_graph::{FakeGraph, Options, CLIENT_ID, CLIENT_SECRET, TENANT_ID};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use sha1::Digest as _;

const SCOPE: &str = "https://graph.microsoft.com/.default";
const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

async fn token_request(fake: &FakeGraph, tenant: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let url = format!("{}/{tenant}/oauth2/v2.0/token", fake.login_url());
    let response = reqwest::Client::new().post(url).form(form).send().await.expect("token endpoint");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON"))
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs()
}

/// A client assertion as MSAL builds one: RS256, x5t#S256 of the certificate, aud = token URL.
fn assertion(audience: &str, exp: u64, jti: &str) -> String {
    let der = pem::parse(fake_graph::test_certificate_pem()).expect("cert").into_contents();
    let mut header = Header::new(Algorithm::RS256);
    header.x5t_s256 = Some(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(&der)));
    header.x5t = Some(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha1::Sha1::digest(&der)));
    let claims = json!({"aud": audience, "iss": CLIENT_ID, "sub": CLIENT_ID, "exp": exp, "nbf": now() - 10, "iat": now() - 10, "jti": jti});
    let key = EncodingKey::from_rsa_pem(fake_graph::test_private_key_pem().as_bytes()).expect("key");
    jsonwebtoken::encode(&header, &claims, &key).expect("sign")
}

fn assertion_form(assertion: &str) -> Vec<(&'static str, String)> {
    vec![
        ("grant_type", "client_credentials".into()),
        ("client_id", CLIENT_ID.into()),
        ("scope", SCOPE.into()),
        ("client_assertion_type", JWT_BEARER.into()),
        ("client_assertion", assertion.into()),
    ]
}

async fn with_assertion(fake: &FakeGraph, assertion: &str) -> (u16, Value) {
    let form = assertion_form(assertion);
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    token_request(fake, TENANT_ID, &form).await
}

fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("a JWT");
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).expect("base64"))
        .expect("claims")
}

#[tokio::test]
async fn a_client_secret_gets_a_token_with_the_granted_roles() {
    let fake = FakeGraph::start(Options::default()).await.expect("start");
    let (status, body) = token_request(
        &fake,
        TENANT_ID,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
            ("scope", SCOPE),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert!(body["expires_in"].as_u64().is_some_and(|s| s > 3000), "{body}");
    let claims = claims(body["access_token"].as_str().expect("token"));
    assert_eq!(claims["roles"], json!(fake_graph::PORTAL_ROLES));
    assert_eq!(claims["tid"], TENANT_ID);
    // The resource is Graph's (global cloud), whatever address the fake has.
    let own_scope = format!("{}/.default", fake.base_url());
    let (status, body) = token_request(
        &fake,
        TENANT_ID,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
            ("scope", &own_scope),
        ],
    )
    .await;
    assert_eq!((status, body["error_codes"][0].as_u64()), (400, Some(1002012)), "{body}");
    // The log keeps the request, never the secret.
    let logged = fake.requests();
    assert_eq!(logged[0].body.as_ref().and_then(|b| b.get("client_secret")), Some(&json!("(redacted)")));
}

#[tokio::test]
async fn wrong_tenant_client_secret_or_scope_are_entra_errors() {
    let fake = FakeGraph::start(Options::default()).await.expect("start");
    let form = |client: &'static str, secret: &'static str, scope: &'static str| {
        vec![("grant_type", "client_credentials"), ("client_id", client), ("client_secret", secret), ("scope", scope)]
    };
    let cases = [
        ("11111111-2222-4333-8444-555555555555", form(CLIENT_ID, CLIENT_SECRET, SCOPE), 400, "invalid_request", 90002),
        (
            TENANT_ID,
            form("0badc0de-0000-4000-8000-000000000000", CLIENT_SECRET, SCOPE),
            400,
            "unauthorized_client",
            700016,
        ),
        (TENANT_ID, form(CLIENT_ID, "not-the-secret", SCOPE), 401, "invalid_client", 7000215),
        (TENANT_ID, form(CLIENT_ID, CLIENT_SECRET, "User.Read"), 400, "invalid_scope", 1002012),
    ];
    for (tenant, form, status, error, code) in cases {
        let (got, body) = token_request(&fake, tenant, &form).await;
        println!("{got} {}", body["error_description"]);
        assert_eq!(got, status, "{body}");
        assert_eq!(body["error"], error);
        assert_eq!(body["error_codes"], json!([code]));
        assert!(
            body["error_description"].as_str().is_some_and(|d| d.starts_with(&format!("AADSTS{code}: "))),
            "{body}"
        );
        assert!(body["trace_id"].is_string() && body["correlation_id"].is_string());
    }
}

#[tokio::test]
async fn a_certificate_assertion_gets_a_token_and_a_bad_one_does_not() {
    let fake = FakeGraph::start(Options::default()).await.expect("start");
    let (status, body) = with_assertion(&fake, &assertion(&fake.token_url(), now() + 300, "jti-1")).await;
    assert_eq!(status, 200, "{body}");
    // Replayed, expired, for another audience, or with a broken signature.
    let (status, body) = with_assertion(&fake, &assertion(&fake.token_url(), now() + 300, "jti-1")).await;
    assert_eq!((status, body["error_codes"][0].as_u64()), (401, Some(700027)), "replayed: {body}");
    let (status, body) = with_assertion(&fake, &assertion(&fake.token_url(), now() - 600, "jti-2")).await;
    assert_eq!((status, body["error_codes"][0].as_u64()), (401, Some(700024)), "expired: {body}");
    let (status, body) = with_assertion(
        &fake,
        &assertion("https://login.microsoftonline.com/x/oauth2/v2.0/token", now() + 300, "jti-3"),
    )
    .await;
    assert_eq!(status, 401, "wrong audience: {body}");
    // A signature byte changed (well inside the base64, where every bit counts).
    let signed = assertion(&fake.token_url(), now() + 300, "jti-4");
    let at = signed.len() - 20;
    let flipped = if &signed[at..=at] == "A" { "B" } else { "A" };
    let broken = format!("{}{flipped}{}", &signed[..at], &signed[at + 1..]);
    let (status, body) = with_assertion(&fake, &broken).await;
    println!("{}", body["error_description"]);
    assert_eq!((status, body["error_codes"][0].as_u64()), (401, Some(700027)), "bad signature: {body}");
}

#[tokio::test]
async fn graph_needs_a_valid_bearer_token() {
    let options = Options { token_lifetime: std::time::Duration::from_secs(1), ..Options::default() };
    let graph = start_with(options).await;
    let url = graph.url(&format!("/v1.0/users/{AMARA}"));
    let anonymous = graph.http.get(&url).send().await.expect("GET");
    assert_eq!(anonymous.status().as_u16(), 401);
    assert!(anonymous.headers().contains_key("www-authenticate"));
    let body: Value = anonymous.json().await.expect("JSON");
    assert_eq!(body["error"]["code"], "InvalidAuthenticationToken");
    let forged = graph.http.get(&url).bearer_auth("not.a.token").send().await.expect("GET");
    assert_eq!(forged.status().as_u16(), 401);
    // The one-second token expires: poll (bounded) until Graph says so.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let (status, body) = graph.get(&format!("/v1.0/users/{AMARA}")).await;
        if status == 401 {
            assert_eq!(body["error"]["message"], "Lifetime validation failed, the token is expired.");
            break;
        }
        assert_eq!(status, 200, "{body}");
        assert!(std::time::Instant::now() < deadline, "the token never expired");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn a_call_without_its_permission_is_403_as_graph_words_it() {
    let options =
        Options { granted_roles: vec!["DeviceManagementManagedDevices.Read.All".into()], ..Options::default() };
    let graph = start_with(options).await;
    let (status, body) = graph.get("/v1.0/deviceAppManagement/mobileApps").await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "Forbidden");
    let message = body["error"]["message"].as_str().unwrap_or("");
    println!("{message}");
    assert!(message.contains("DeviceManagementApps.Read.All"), "Intune names the scopes: {message}");
    let (status, body) = graph.get(&format!("/v1.0/users/{AMARA}")).await;
    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("Authorization_RequestDenied")), "{body}");
    let (status, _) = graph.get(&format!("/v1.0/users/{AMARA}/managedDevices")).await;
    assert_eq!(status, 200, "granted");
    let (status, body) =
        graph.post(&format!("/v1.0/deviceManagement/managedDevices/{AMARA_IPHONE}/syncDevice"), json!({})).await;
    assert_eq!(status, 403, "a write needs PrivilegedOperations: {body}");
    assert!(graph.fake.writes().is_empty());
    // New tokens carry new consent.
    graph.fake.set_roles(&["DeviceManagementApps.Read.All"]);
    let token = secret_token(&graph.http, &graph.fake).await;
    let status = graph
        .http
        .get(graph.url("/v1.0/deviceAppManagement/mobileApps"))
        .bearer_auth(token)
        .send()
        .await
        .expect("GET")
        .status();
    assert_eq!(status.as_u16(), 200);
}
