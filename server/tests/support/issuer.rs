//! An OpenID Connect issuer for API tests of `serve --source graph`, where sign-in is the
//! organisation's Entra ID: discovery and a JWK set on 127.0.0.1, and RS256 access tokens
//! whose `oid` is a person of the fake Graph's organisation. The server verifies them exactly
//! as Entra's (`--issuer`: discovery, JWKS, signature, `iss`, `aud`, `exp`); the sign-in flow
//! itself is the end-to-end tests' (`tests/e2e`, against `oidc-provider`).
#![allow(dead_code)]

use axum::routing::get;
use axum::{Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rsa::pkcs8::EncodePrivateKey;
use rsa::traits::PublicKeyParts;
use serde_json::json;

pub const AUDIENCE: &str = "api://portal";

pub struct TestIssuer {
    pub issuer: String,
    key: jsonwebtoken::EncodingKey,
    task: tokio::task::JoinHandle<()>,
}

impl TestIssuer {
    pub async fn start() -> TestIssuer {
        let private = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).expect("rsa key");
        let pem = private.to_pkcs8_pem(rsa::pkcs8::LineEnding::LF).expect("pem");
        let key = jsonwebtoken::EncodingKey::from_rsa_pem(pem.as_bytes()).expect("encoding key");
        let public = private.to_public_key();
        let jwk = json!({
            "kty": "RSA", "use": "sig", "alg": "RS256", "kid": "test-issuer",
            "n": URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()),
            "e": URL_SAFE_NO_PAD.encode(public.e().to_bytes_be()),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let issuer = format!("http://{}", listener.local_addr().expect("addr"));
        let discovery = json!({
            "issuer": issuer,
            "jwks_uri": format!("{issuer}/keys"),
            "authorization_endpoint": format!("{issuer}/authorize"),
            "token_endpoint": format!("{issuer}/token"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
        });
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(move || async move { Json(discovery.clone()) }))
            .route("/keys", get(move || async move { Json(json!({ "keys": [jwk.clone()] })) }));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        TestIssuer { issuer, key, task }
    }

    /// An access token for the person with object id `oid`, valid for ten minutes.
    pub fn token_for(&self, oid: &str) -> String {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs();
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
        header.kid = Some("test-issuer".into());
        let claims = json!({
            "iss": self.issuer, "aud": AUDIENCE, "oid": oid, "sub": format!("sub-{oid}"),
            "scp": "access_as_user", "iat": now, "nbf": now, "exp": now + 600,
        });
        jsonwebtoken::encode(&header, &claims, &self.key).expect("token")
    }
}

impl Drop for TestIssuer {
    fn drop(&mut self) {
        self.task.abort();
    }
}
