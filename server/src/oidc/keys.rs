//! The provider's RS256 signing key: generated on first start and kept in the store, so
//! tokens issued before a restart still verify after it. Its `kid` is the RFC 7638 thumbprint.

use super::secret;
use crate::store::sql::{params, Db};
use crate::store::Store;
use anyhow::Context;
use jsonwebtoken::jwk::{Jwk, JwkSet, KeyAlgorithm, PublicKeyUse, ThumbprintHash};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::pkcs8::{EncodePrivateKey, LineEnding};
use serde::Serialize;

pub struct SigningKey {
    pub kid: String,
    encoding: EncodingKey,
    pub public: Jwk,
}

impl SigningKey {
    fn from_pem(pem: &str) -> anyhow::Result<SigningKey> {
        let encoding = EncodingKey::from_rsa_pem(pem.as_bytes()).context("reading the stored RSA key")?;
        let public = public_jwk(pem)?;
        let kid = public.common.key_id.clone().unwrap_or_default();
        Ok(SigningKey { kid, encoding, public })
    }

    /// Signs `claims` as a JWT with this key (`typ` is `JWT` or `at+jwt`, RFC 9068).
    pub fn sign<T: Serialize>(&self, typ: &str, claims: &T) -> anyhow::Result<String> {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        header.typ = Some(typ.to_string());
        jsonwebtoken::encode(&header, claims, &self.encoding).context("signing a token")
    }
}

/// The public half of a stored PEM key as a JWK with `kid`, `alg` and `use`.
fn public_jwk(pem: &str) -> anyhow::Result<Jwk> {
    let encoding = EncodingKey::from_rsa_pem(pem.as_bytes()).context("reading the stored RSA key")?;
    let mut jwk = Jwk::from_encoding_key(&encoding, Algorithm::RS256).context("deriving the public key")?;
    jwk.common.key_algorithm = Some(KeyAlgorithm::RS256);
    jwk.common.public_key_use = Some(PublicKeyUse::Signature);
    jwk.common.key_id = Some(jwk.thumbprint(ThumbprintHash::SHA256));
    Ok(jwk)
}

/// The newest active key, or a new one. Generation happens outside the write transaction
/// (it takes a moment); if another instance stored a key meanwhile, that one wins.
pub async fn load_or_create(store: &Store) -> anyhow::Result<SigningKey> {
    if let Some(pem) = store.run(newest).await? {
        return SigningKey::from_pem(&pem);
    }
    tracing::info!("generating the identity provider's RS256 signing key");
    let pem = tokio::task::spawn_blocking(generate).await.context("key generation task")??;
    let key = SigningKey::from_pem(&pem)?;
    let kid = key.kid.clone();
    let stored = store
        .run(move |db| {
            // Instances starting together on an empty database each generate a key; the
            // first to store it wins and the others use that one.
            db.locked("signing key", |tx| {
                let existing = newest(tx)?;
                if existing.is_none() {
                    tx.execute(
                        "INSERT INTO oidc_signing_keys (kid, private_key_pem, created_at) VALUES (?1, ?2, ?3)",
                        params![kid, pem, secret::now()],
                    )?;
                }
                Ok(existing)
            })
        })
        .await?;
    match stored {
        Some(other) => SigningKey::from_pem(&other),
        None => Ok(key),
    }
}

fn newest(db: &Db<'_>) -> anyhow::Result<Option<String>> {
    let row: Option<(String,)> = db.query_opt(
        "SELECT private_key_pem FROM oidc_signing_keys WHERE active = TRUE ORDER BY created_at DESC, kid LIMIT 1",
        params![],
    )?;
    Ok(row.map(|(pem,)| pem))
}

fn generate() -> anyhow::Result<String> {
    let key = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).context("generating an RSA key")?;
    let pem = key.to_pkcs8_pem(LineEnding::LF).context("encoding the RSA key")?;
    Ok(pem.to_string())
}

/// Every active key's public JWK: what `/oidc/jwks` publishes and what the Portal API
/// verifies against by default.
pub async fn published(store: &Store) -> anyhow::Result<JwkSet> {
    let pems = store
        .run(|db| {
            let rows: Vec<(String,)> = db.query(
                "SELECT private_key_pem FROM oidc_signing_keys WHERE active = TRUE ORDER BY created_at DESC",
                params![],
            )?;
            Ok(rows.into_iter().map(|(pem,)| pem).collect::<Vec<_>>())
        })
        .await?;
    let keys = pems.iter().map(|p| public_jwk(p)).collect::<anyhow::Result<Vec<_>>>()?;
    Ok(JwkSet { keys })
}

impl super::Provider {
    pub(super) fn signing_key(&self) -> &SigningKey {
        &self.signing
    }
}
