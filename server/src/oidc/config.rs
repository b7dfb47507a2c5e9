//! Command-line settings for sign-in: the development provider's client registration and
//! lifetimes, and which issuer the Portal API trusts. Flattened into `portal-server serve`.

use clap::Args;
use std::time::Duration;

#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Sign-in")]
pub struct IdentityArgs {
    /// Trust access tokens from this OpenID Connect issuer instead of the built-in development
    /// provider, e.g. https://login.microsoftonline.com/<tenant>/v2.0. Its keys are read from
    /// `<issuer>/.well-known/openid-configuration` → `jwks_uri`. Token `oid` (else `sub`) must
    /// be a user id of the tenant.
    #[arg(long, value_name = "URL", env = "PORTAL_ISSUER")]
    pub issuer: Option<String>,

    /// The `aud` the Portal API requires in access tokens (the development provider issues
    /// its access tokens for it).
    #[arg(long, value_name = "AUD", env = "PORTAL_AUDIENCE", default_value = "api://portal")]
    pub audience: String,

    /// Client id of the portal SPA at the development provider (a public client with PKCE).
    #[arg(long, value_name = "ID", env = "PORTAL_CLIENT_ID", default_value = "portal")]
    pub client_id: String,

    /// Origin of the SPA when it is served from elsewhere (repeatable), e.g.
    /// http://localhost:8080 for `trunk serve`. Allowed by CORS on discovery, JWKS, token and
    /// /api; `<origin>/auth/callback` becomes a redirect URI and `<origin>/` a post-logout
    /// redirect URI. The public URL's origin is always allowed.
    #[arg(long = "spa-origin", value_name = "ORIGIN", env = "PORTAL_SPA_ORIGINS", value_delimiter = ',')]
    pub spa_origins: Vec<String>,

    /// Another exact redirect URI for the portal client (repeatable).
    /// `<public-url>/auth/callback` is always registered.
    #[arg(long = "redirect-uri", value_name = "URI", env = "PORTAL_REDIRECT_URIS", value_delimiter = ',')]
    pub redirect_uris: Vec<String>,

    /// Another exact post-logout redirect URI (repeatable). `<public-url>/` is always registered.
    #[arg(
        long = "post-logout-redirect-uri",
        value_name = "URI",
        env = "PORTAL_POST_LOGOUT_REDIRECT_URIS",
        value_delimiter = ','
    )]
    pub post_logout_redirect_uris: Vec<String>,

    /// Lifetime of an authorization code, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub code_ttl: u64,

    /// Lifetime of access and ID tokens, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 600)]
    pub access_token_ttl: u64,

    /// Lifetime of a refresh token, in seconds (each use returns a new one).
    #[arg(long, value_name = "SECONDS", default_value_t = 86_400)]
    pub refresh_token_ttl: u64,

    /// Lifetime of the development provider's sign-in session, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 28_800)]
    pub session_ttl: u64,

    /// Failed sign-ins of one account before each further attempt must wait (1 s, doubling
    /// per failure, at most 60 s). Counted whether or not the account exists.
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    pub sign_in_delay_after: u32,

    /// Failed sign-ins of one account that lock it out for --sign-in-lockout seconds (the
    /// right password is refused too until then).
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    pub sign_in_lockout_after: u32,

    /// Failed sign-ins from one client address (IPv6: one /64) before each further attempt
    /// from it must wait.
    #[arg(long, value_name = "N", default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..))]
    pub sign_in_address_delay_after: u32,

    /// Failed sign-ins from one client address that lock it out.
    #[arg(long, value_name = "N", default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..))]
    pub sign_in_address_lockout_after: u32,

    /// How long a lockout lasts, in seconds; failures are forgotten this long after the last.
    #[arg(long, value_name = "SECONDS", default_value_t = 900, value_parser = clap::value_parser!(u64).range(1..))]
    pub sign_in_lockout: u64,

    /// A reverse proxy in front of the server (repeatable): for requests from it, the client
    /// address for the sign-in limits is taken from X-Forwarded-For.
    #[arg(long = "trusted-proxy", value_name = "IP", env = "PORTAL_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

/// How long the things the provider hands out stay valid.
#[derive(Debug, Clone, Copy)]
pub struct Lifetimes {
    pub code: Duration,
    pub access_token: Duration,
    pub refresh_token: Duration,
    pub session: Duration,
}

impl IdentityArgs {
    pub fn sign_in_limits(&self) -> super::limits::SignInLimits {
        use super::limits::{Limit, SignInLimits};
        SignInLimits {
            account: Limit { delay_after: self.sign_in_delay_after, lockout_after: self.sign_in_lockout_after },
            address: Limit {
                delay_after: self.sign_in_address_delay_after,
                lockout_after: self.sign_in_address_lockout_after,
            },
            lockout: Duration::from_secs(self.sign_in_lockout),
        }
    }

    pub fn lifetimes(&self) -> Lifetimes {
        Lifetimes {
            code: Duration::from_secs(self.code_ttl),
            access_token: Duration::from_secs(self.access_token_ttl),
            refresh_token: Duration::from_secs(self.refresh_token_ttl),
            session: Duration::from_secs(self.session_ttl),
        }
    }
}
