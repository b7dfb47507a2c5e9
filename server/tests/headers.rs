//! Security headers of the real binary: the SPA's CSP derived from the deployment's
//! `config.json` and `index.html`, framing refused everywhere, and personal API answers
//! never cached.

mod support;

use support::{sign_in, Server, DEMO_PASSWORD};

fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers().get(name).map(|v| v.to_str().expect("ascii").to_string()).unwrap_or_default()
}

/// A `dist/` with an inline script and a config.json that points at other origins.
fn dist(config: &str) -> tempfile::TempDir {
    let dist = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dist.path().join("index.html"),
        "<!doctype html><title>spa</title><script>document.documentElement.dataset.x = 1;</script>\
         <script type=\"module\" src=\"/app.js\"></script>",
    )
    .expect("write");
    std::fs::write(dist.path().join("config.json"), config).expect("write");
    dist
}

#[tokio::test]
async fn the_spa_is_served_with_a_csp_from_its_config_and_cannot_be_framed() {
    let dist = dist(
        r#"{"authority":"https://login.microsoftonline.com/contoso/v2.0","clientId":"portal",
            "apiBase":"https://api.contoso.example/api/v1"}"#,
    );
    let server = Server::start(&[
        "--dist",
        dist.path().to_str().expect("utf-8"),
        "--public-url",
        "https://portal.contoso.example",
    ])
    .await;
    for path in ["/", "/devices/abc", "/config.json", "/assets/contoso-logo.svg"] {
        let res = server.get(path).await;
        let csp = header(&res, "content-security-policy");
        // sha256 of `document.documentElement.dataset.x = 1;`, computed from the served file.
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"), "{path}: {csp}");
        assert!(
            csp.contains("connect-src 'self' https://login.microsoftonline.com https://api.contoso.example;"),
            "{path}: {csp}"
        );
        assert!(csp.contains("form-action 'self' https://login.microsoftonline.com;"), "{path}: {csp}");
        for directive in ["default-src 'self'", "img-src 'self' data:", "frame-ancestors 'none'", "base-uri 'none'"] {
            assert!(csp.contains(directive), "{path}: {directive} in {csp}");
        }
        assert!(csp.contains("object-src 'none'"), "{path}: {csp}");
        assert_eq!(header(&res, "x-frame-options"), "DENY", "{path}");
        assert_eq!(header(&res, "referrer-policy"), "no-referrer", "{path}");
        assert_eq!(header(&res, "cross-origin-opener-policy"), "same-origin", "{path}");
        assert_eq!(header(&res, "x-content-type-options"), "nosniff", "{path}");
        assert!(header(&res, "permissions-policy").contains("camera=()"), "{path}");
        assert_eq!(header(&res, "strict-transport-security"), "max-age=31536000", "{path}: https public URL");
    }
}

#[tokio::test]
async fn a_same_origin_config_allows_only_self_and_plain_http_gets_no_hsts() {
    let dist = dist(r#"{"authority":"/oidc","clientId":"portal","apiBase":"/api/v1"}"#);
    let server = Server::start(&["--dist", dist.path().to_str().expect("utf-8")]).await;
    let res = server.get("/").await;
    let csp = header(&res, "content-security-policy");
    assert!(csp.contains("connect-src 'self';"), "{csp}");
    assert!(csp.contains("form-action 'self';"), "{csp}");
    assert!(!csp.contains("upgrade-insecure-requests"), "{csp}");
    assert_eq!(header(&res, "strict-transport-security"), "");
}

#[tokio::test]
async fn a_config_json_that_is_not_json_is_refused_at_start() {
    let dist = dist("{ not json");
    let db = dist.path().join("portal.db");
    let out = support::run_to_end(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--db",
        db.to_str().expect("utf-8"),
        "--dist",
        dist.path().to_str().expect("utf-8"),
    ])
    .await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("config.json is not valid JSON"), "{out:?}");
}

#[tokio::test]
async fn api_answers_are_not_sniffed_framed_or_cached_when_personal() {
    let server = Server::start(&[]).await;
    let token = sign_in(&server, "amara.okoye@contoso.example", DEMO_PASSWORD).await.access_token;
    for path in ["/api/v1/me", "/api/v1/me/devices", "/api/v1/me/devices/nope", "/api/v1/me/notifications"] {
        let res = server.call(reqwest::Method::GET, path, &token).send().await.expect("request");
        assert_eq!(header(&res, "cache-control"), "no-store", "{path}");
        assert_eq!(header(&res, "x-content-type-options"), "nosniff", "{path}");
        assert!(header(&res, "content-security-policy").contains("default-src 'none'"), "{path}");
        assert_eq!(header(&res, "x-frame-options"), "DENY", "{path}");
    }
    // Public, non-personal answers may be cached; they are still data, never documents.
    let res = server.get("/api/v1/branding").await;
    assert_ne!(header(&res, "cache-control"), "no-store");
    assert_eq!(header(&res, "x-content-type-options"), "nosniff");
    let res = server.get("/api/v1/nope").await;
    assert_eq!(header(&res, "x-content-type-options"), "nosniff");
    // The provider's pages keep their own, stricter policy.
    let res = server.get("/oidc/authorize").await;
    assert!(header(&res, "content-security-policy").starts_with("default-src 'none'"));
}
