//! The development identity provider under `/oidc`: a small OpenID Connect provider so that
//! one `portal-server` process is a complete portal. Production deployments point the SPA and
//! `--issuer` at their real provider (Entra ID or any other); nothing else depends on this one.
//!
//! Flow: `GET /oidc/authorize` → login form (`POST /oidc/login`) → redirect with a code →
//! `POST /oidc/token` (code + PKCE) → ID, access and refresh tokens. `/oidc/logout` ends the
//! provider's session. All state (keys, sessions, codes, refresh tokens) is in the store.

mod address;
mod authorize;
mod config;
mod discovery;
pub mod keys;
pub mod limits;
mod logout;
mod page;
mod params;
mod secret;
mod store;
mod token;

pub use config::{IdentityArgs, Lifetimes};

use crate::store::Store;
use crate::AppState;
use anyhow::Context;
use axum::http::{header, HeaderValue, Method};
use axum::routing::get;
use axum::Router;
use keys::SigningKey;
use std::time::Duration;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// The one registered client: the portal SPA, a public client (no secret, PKCE required).
#[derive(Debug, Clone)]
pub struct Client {
    pub id: String,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
}

/// The provider's configuration and signing key, shared by its handlers.
pub struct Provider {
    /// `{public_url}/oidc`.
    pub issuer: String,
    /// The Portal API's audience: the `aud` of the access tokens issued here.
    pub audience: String,
    pub client: Client,
    /// Origins allowed by CORS on discovery, JWKS, token and `/api/*`.
    pub cors_origins: Vec<String>,
    pub lifetimes: Lifetimes,
    /// `Secure` on cookies when the public URL is https.
    pub secure_cookies: bool,
    /// How many failed sign-ins an account and an address get (`limits`).
    pub sign_in_limits: limits::SignInLimits,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`address`).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    signing: SigningKey,
}

/// The only scope of the Portal API; every access token carries it in `scp`.
pub const API_SCOPE: &str = "access_as_user";

impl Provider {
    /// Loads the signing key from the store, generating and storing one on first start.
    pub async fn start(store: Store, public_url: &str, args: &IdentityArgs) -> anyhow::Result<Provider> {
        let public = url::Url::parse(public_url).with_context(|| format!("--public-url {public_url} is not a URL"))?;
        let public_origin = public.origin().ascii_serialization();
        let mut cors_origins = vec![public_origin];
        for o in &args.spa_origins {
            let parsed = url::Url::parse(o).with_context(|| format!("--spa-origin {o} is not a URL"))?;
            let origin = parsed.origin().ascii_serialization();
            if origin == "null" {
                anyhow::bail!("--spa-origin {o} has no origin (use scheme://host[:port])");
            }
            if !cors_origins.contains(&origin) {
                cors_origins.push(origin);
            }
        }

        let mut redirect_uris = vec![format!("{public_url}/auth/callback")];
        let mut post_logout = vec![format!("{public_url}/")];
        for origin in cors_origins.iter().skip(1) {
            redirect_uris.push(format!("{origin}/auth/callback"));
            post_logout.push(format!("{origin}/"));
        }
        for uri in &args.redirect_uris {
            url::Url::parse(uri).with_context(|| format!("--redirect-uri {uri} is not an absolute URL"))?;
            redirect_uris.push(uri.clone());
        }
        for uri in &args.post_logout_redirect_uris {
            url::Url::parse(uri).with_context(|| format!("--post-logout-redirect-uri {uri} is not an absolute URL"))?;
            post_logout.push(uri.clone());
        }
        redirect_uris.dedup();
        post_logout.dedup();

        let signing = keys::load_or_create(&store).await.context("loading the identity provider's signing key")?;
        Ok(Provider {
            issuer: format!("{public_url}/oidc"),
            audience: args.audience.clone(),
            client: Client { id: args.client_id.clone(), redirect_uris, post_logout_redirect_uris: post_logout },
            cors_origins,
            lifetimes: args.lifetimes(),
            secure_cookies: public.scheme() == "https",
            sign_in_limits: args.sign_in_limits(),
            trusted_proxies: args.trusted_proxies.clone(),
            signing,
        })
    }

    /// The client registered under `id`, if any.
    pub fn client(&self, id: &str) -> Option<&Client> {
        (self.client.id == id).then_some(&self.client)
    }

    /// The CORS policy for the endpoints a browser app calls with `fetch`: only the configured
    /// SPA origins, no credentials (bearer tokens travel in a header, never in cookies).
    pub fn cors(&self) -> CorsLayer {
        let origins: Vec<HeaderValue> =
            self.cors_origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect();
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::DELETE, Method::OPTIONS])
            .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT, header::ACCEPT_LANGUAGE])
            .expose_headers([header::WWW_AUTHENTICATE, header::LOCATION, header::RETRY_AFTER])
            .max_age(Duration::from_secs(600))
    }
}

/// The `/oidc` routes; `cors` applies to the endpoints called by `fetch` (discovery, JWKS,
/// token), not to the pages the browser navigates to.
pub fn routes(cors: CorsLayer) -> Router<AppState> {
    let fetched = Router::new()
        .route("/.well-known/openid-configuration", get(discovery::configuration))
        .route("/jwks", get(discovery::jwks))
        .route("/token", axum::routing::post(token::token))
        .layer(cors);
    let pages = Router::new()
        .route("/authorize", get(authorize::authorize))
        .route("/login", axum::routing::post(authorize::login))
        .route("/logout", get(logout::logout).post(logout::logout));
    fetched.merge(pages)
}
