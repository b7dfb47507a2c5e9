//! The verification keys of the trusted issuer, cached in memory. An unknown `kid` triggers
//! a refetch (the issuer may have rotated), at most once every few seconds so that tokens with
//! made-up key ids cannot turn the server into a JWKS-fetching amplifier.

use super::Rejection;
use crate::store::Store;
use anyhow::{bail, Context};
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// The shortest time between two fetches of the key set.
const MIN_REFETCH: Duration = Duration::from_secs(10);
const HTTP_TIMEOUT: Duration = Duration::from_secs(5);

/// Where the keys come from.
pub enum Source {
    /// The development provider's keys, read straight from the store.
    Local(Store),
    /// Any OpenID Connect issuer: discovery, then `jwks_uri`, over HTTP(S).
    Remote { issuer: String, http: reqwest::Client },
}

pub struct VerificationKey {
    pub alg: Algorithm,
    pub key: DecodingKey,
}

pub struct KeyCache {
    source: Source,
    keys: RwLock<HashMap<String, Arc<VerificationKey>>>,
    /// When the keys were last fetched (successfully or not); held while fetching.
    fetched: tokio::sync::Mutex<Option<Instant>>,
}

impl KeyCache {
    pub fn new(source: Source) -> KeyCache {
        KeyCache { source, keys: RwLock::new(HashMap::new()), fetched: tokio::sync::Mutex::new(None) }
    }

    fn cached(&self, kid: Option<&str>, alg: Algorithm) -> Option<Arc<VerificationKey>> {
        let keys = self.keys.read().ok()?;
        match kid {
            Some(kid) => keys.get(kid).filter(|k| k.alg == alg).cloned(),
            // Without a `kid`, only an unambiguous key will do.
            None => {
                let mut matching = keys.values().filter(|k| k.alg == alg);
                match (matching.next(), matching.next()) {
                    (Some(k), None) => Some(k.clone()),
                    _ => None,
                }
            }
        }
    }

    /// The key for a token header's `kid` and `alg`.
    pub async fn find(&self, kid: Option<&str>, alg: Algorithm) -> Result<Arc<VerificationKey>, Rejection> {
        if let Some(k) = self.cached(kid, alg) {
            return Ok(k);
        }
        let mut fetched = self.fetched.lock().await;
        if let Some(k) = self.cached(kid, alg) {
            return Ok(k);
        }
        let have_keys = self.keys.read().map(|k| !k.is_empty()).unwrap_or(false);
        if fetched.is_some_and(|at| at.elapsed() < MIN_REFETCH) {
            return Err(if have_keys { unknown_key() } else { Rejection::KeysUnavailable });
        }
        *fetched = Some(Instant::now());
        match self.fetch().await {
            Ok(new) => {
                if let Ok(mut keys) = self.keys.write() {
                    *keys = new;
                }
            }
            Err(e) => {
                tracing::warn!("fetching the issuer's signing keys: {e:#}");
                if !have_keys {
                    return Err(Rejection::KeysUnavailable);
                }
            }
        }
        self.cached(kid, alg).ok_or_else(unknown_key)
    }

    async fn fetch(&self) -> anyhow::Result<HashMap<String, Arc<VerificationKey>>> {
        let jwks: Vec<serde_json::Value> = match &self.source {
            Source::Local(store) => {
                let set = crate::oidc::keys::published(store).await?;
                set.keys.iter().filter_map(|k| serde_json::to_value(k).ok()).collect()
            }
            Source::Remote { issuer, http } => fetch_remote(http, issuer).await?,
        };
        let mut out = HashMap::new();
        for (i, value) in jwks.into_iter().enumerate() {
            // One key of a kind we do not use must not make the whole set unusable.
            let Ok(jwk) = serde_json::from_value::<Jwk>(value) else {
                continue;
            };
            if let Some(key) = usable(&jwk) {
                let kid = jwk.common.key_id.clone().unwrap_or_else(|| format!("#{i}"));
                out.insert(kid, Arc::new(key));
            }
        }
        if out.is_empty() {
            bail!("the key set has no RS256 or ES256 signing key");
        }
        Ok(out)
    }
}

fn unknown_key() -> Rejection {
    Rejection::InvalidToken("the token is signed with an unknown key".into())
}

/// A JWK usable for verification: a signing key for RS256 (RSA) or ES256 (P-256) only.
fn usable(jwk: &Jwk) -> Option<VerificationKey> {
    if matches!(jwk.common.public_key_use, Some(PublicKeyUse::Encryption) | Some(PublicKeyUse::Other(_))) {
        return None;
    }
    let alg = match (&jwk.algorithm, jwk.common.key_algorithm) {
        (AlgorithmParameters::RSA(_), None | Some(KeyAlgorithm::RS256)) => Algorithm::RS256,
        (AlgorithmParameters::EllipticCurve(p), None | Some(KeyAlgorithm::ES256)) if p.curve == EllipticCurve::P256 => {
            Algorithm::ES256
        }
        _ => return None,
    };
    let key = DecodingKey::from_jwk(jwk).ok()?;
    Some(VerificationKey { alg, key })
}

async fn fetch_remote(http: &reqwest::Client, issuer: &str) -> anyhow::Result<Vec<serde_json::Value>> {
    let url = format!("{}/.well-known/openid-configuration", issuer.trim_end_matches('/'));
    let config: serde_json::Value = http
        .get(&url)
        .timeout(HTTP_TIMEOUT)
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .with_context(|| format!("GET {url}"))?
        .json()
        .await
        .with_context(|| format!("reading {url}"))?;
    // OpenID Connect Discovery §4.3: the document must name exactly the issuer we asked.
    let named = config.get("issuer").and_then(|v| v.as_str()).unwrap_or_default();
    if named != issuer {
        bail!("{url} names issuer {named:?}, not {issuer:?}");
    }
    let jwks_uri = config.get("jwks_uri").and_then(|v| v.as_str()).context("the discovery document has no jwks_uri")?;
    let set: serde_json::Value = http
        .get(jwks_uri)
        .timeout(HTTP_TIMEOUT)
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .with_context(|| format!("GET {jwks_uri}"))?
        .json()
        .await
        .with_context(|| format!("reading {jwks_uri}"))?;
    match set.get("keys") {
        Some(serde_json::Value::Array(keys)) => Ok(keys.clone()),
        _ => bail!("{jwks_uri} is not a JWK set"),
    }
}
