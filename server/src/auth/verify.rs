//! Checking a bearer access token: header algorithm on the allow-list (RS256, ES256 — never
//! `none` or an HMAC), signature with the issuer's key for its `kid`, then `iss`, `aud`,
//! `exp` and `nbf` with 60 s of leeway for clock skew.

use super::keys::{KeyCache, Source};
use super::Rejection;
use crate::oidc::{IdentityArgs, Provider};
use crate::store::Store;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Validation};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

const LEEWAY_SECS: u64 = 60;
const ACCEPTED: &[Algorithm] = &[Algorithm::RS256, Algorithm::ES256];
/// Far above any real access token; refuses absurd inputs before parsing them.
const MAX_TOKEN_LEN: usize = 16 * 1024;

/// How long a verified token is remembered at most (and never past its `exp`): an RS256
/// signature check is the most expensive part of an API call, and a page makes several
/// calls with the same token.
const REMEMBER_SECS: u64 = 300;
/// Bound on remembered tokens; the map is emptied when full.
const REMEMBER_MAX: usize = 10_000;

/// What the Portal API trusts, and the keys to check it with.
pub struct Verifier {
    issuer: String,
    audience: String,
    keys: KeyCache,
    /// SHA-256 of a token that passed every check → its result and until when (unix s).
    verified: Mutex<HashMap<[u8; 32], (Verified, u64)>>,
}

/// A token that passed every check.
#[derive(Debug, Clone)]
pub struct Verified {
    /// `oid`, else `sub`.
    pub subject: String,
    pub scopes: Vec<String>,
    /// When the user last signed in (unix seconds), if the token says (`auth_time`; Entra
    /// puts it in access tokens only as an optional claim).
    pub auth_time: Option<u64>,
}

#[derive(Deserialize)]
struct Claims {
    exp: Option<u64>,
    sub: Option<String>,
    oid: Option<String>,
    scp: Option<ScopeClaim>,
    scope: Option<String>,
    auth_time: Option<u64>,
}

/// `scp` is a space-separated string at Entra, a list at some providers.
#[derive(Deserialize)]
#[serde(untagged)]
enum ScopeClaim {
    Text(String),
    List(Vec<String>),
}

impl Verifier {
    /// The development provider's tokens by default; `--issuer`'s with that flag.
    pub fn new(store: Store, provider: &Provider, args: &IdentityArgs) -> anyhow::Result<Verifier> {
        let (issuer, source) = match &args.issuer {
            None => (provider.issuer.clone(), Source::Local(store)),
            Some(issuer) => {
                url::Url::parse(issuer).map_err(|e| anyhow::anyhow!("--issuer {issuer}: {e}"))?;
                let http = reqwest::Client::builder()
                    .user_agent(concat!("portal-server/", env!("CARGO_PKG_VERSION")))
                    .build()?;
                (issuer.clone(), Source::Remote { issuer: issuer.clone(), http })
            }
        };
        Ok(Verifier {
            issuer,
            audience: args.audience.clone(),
            keys: KeyCache::new(source),
            verified: Mutex::new(HashMap::new()),
        })
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// Forgets every verified token (the tenant changed: who may call is decided afresh).
    pub fn forget(&self) {
        self.verified.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    pub async fn verify(&self, token: &str) -> Result<Verified, Rejection> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(invalid("the token is too long"));
        }
        // The exact same token verified a moment ago: the same answer, without the RSA.
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let now = unix_now();
        if let Some((verified, until)) = self.verified.lock().unwrap_or_else(|e| e.into_inner()).get(&digest) {
            if now < *until {
                return Ok(verified.clone());
            }
        }
        let (verified, exp) = self.verify_uncached(token).await?;
        let until = exp.min(now + REMEMBER_SECS);
        let mut remembered = self.verified.lock().unwrap_or_else(|e| e.into_inner());
        if remembered.len() >= REMEMBER_MAX {
            remembered.retain(|_, (_, until)| now < *until);
            if remembered.len() >= REMEMBER_MAX {
                remembered.clear();
            }
        }
        remembered.insert(digest, (verified.clone(), until));
        Ok(verified)
    }

    /// Every check; returns the result and the token's `exp`.
    async fn verify_uncached(&self, token: &str) -> Result<(Verified, u64), Rejection> {
        let header =
            jsonwebtoken::decode_header(token).map_err(|_| invalid("the token is not a well-formed signed JWT"))?;
        if !ACCEPTED.contains(&header.alg) {
            return Err(invalid(&format!("tokens signed with {:?} are not accepted", header.alg)));
        }
        let key = self.keys.find(header.kid.as_deref(), header.alg).await?;

        let mut validation = Validation::new(key.alg);
        validation.leeway = LEEWAY_SECS;
        validation.validate_nbf = true;
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        let data =
            jsonwebtoken::decode::<Claims>(token, &key.key, &validation).map_err(|e| invalid(describe(e.kind())))?;

        let claims = data.claims;
        let exp = claims.exp.unwrap_or(0);
        let subject = claims
            .oid
            .filter(|s| !s.is_empty())
            .or(claims.sub.filter(|s| !s.is_empty()))
            .ok_or_else(|| invalid("the token has neither an oid nor a sub claim"))?;
        let scopes = match (claims.scp, claims.scope) {
            (Some(ScopeClaim::Text(s)), _) | (None, Some(s)) => {
                s.split(' ').filter(|s| !s.is_empty()).map(String::from).collect()
            }
            (Some(ScopeClaim::List(l)), _) => l,
            (None, None) => Vec::new(),
        };
        Ok((Verified { subject, scopes, auth_time: claims.auth_time }, exp))
    }
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

fn invalid(why: &str) -> Rejection {
    Rejection::InvalidToken(why.to_string())
}

fn describe(kind: &ErrorKind) -> &'static str {
    match kind {
        ErrorKind::ExpiredSignature => "the token has expired",
        ErrorKind::ImmatureSignature => "the token is not valid yet",
        ErrorKind::InvalidAudience => "the token is meant for another audience",
        ErrorKind::InvalidIssuer => "the token is from an issuer this portal does not trust",
        ErrorKind::InvalidSignature => "the token's signature does not verify",
        ErrorKind::InvalidAlgorithm => "the token's algorithm does not match its key",
        ErrorKind::MissingRequiredClaim(_) => "the token lacks a required claim (exp, iss or aud)",
        ErrorKind::InvalidClaimFormat(_) | ErrorKind::Json(_) => "the token's claims are malformed",
        _ => "the token could not be verified",
    }
}
