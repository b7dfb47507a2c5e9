//! The provider's state in SQLite (`sql/0003_identity.sql`): sign-in sessions, authorization
//! codes and refresh-token families. Nothing lives in process memory, so several instances
//! over one store behave as one provider.

use super::secret::{digest, now, random};
use crate::store::Store;
use rusqlite::{OptionalExtension, TransactionBehavior};
use std::time::Duration;

/// A live provider session.
#[derive(Debug, Clone)]
pub struct Session {
    pub user_id: String,
    pub auth_time: i64,
    /// Session id for the ID token's `sid`: derived from, but not revealing, the cookie value.
    pub sid: String,
}

/// What an authorization code was issued for.
#[derive(Debug, Clone)]
pub struct Grant {
    pub client_id: String,
    pub redirect_uri: String,
    pub user_id: String,
    pub scope: String,
    pub nonce: Option<String>,
    pub code_challenge: String,
    pub auth_time: i64,
    pub sid: Option<String>,
}

/// Why a code or refresh token was refused (all are `invalid_grant` on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    Unknown,
    Expired,
    /// Already used: the tokens issued from it are revoked.
    Replayed,
    Revoked,
}

impl Refused {
    pub fn description(self) -> &'static str {
        match self {
            Refused::Unknown => "the grant is not known",
            Refused::Expired => "the grant has expired",
            Refused::Replayed => "the grant was already used; the tokens issued from it are revoked",
            Refused::Revoked => "the grant was revoked",
        }
    }
}

fn sid_of(session_hash: &str) -> String {
    digest(session_hash).chars().take(22).collect()
}

fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 4)
}

/// Starts a session for `user_id`; returns the cookie value.
pub async fn create_session(store: &Store, user_id: &str, ttl: Duration) -> anyhow::Result<(String, Session)> {
    let raw = random(32);
    let hash = digest(&raw);
    let now = now();
    let session = Session { user_id: user_id.to_string(), auth_time: now, sid: sid_of(&hash) };
    let user_id = user_id.to_string();
    store
        .run(move |conn| {
            conn.execute("DELETE FROM oidc_sessions WHERE expires_at < ?1", [now])?;
            conn.execute(
                "INSERT INTO oidc_sessions (id_hash, user_id, auth_time, expires_at) VALUES (?1, ?2, ?3, ?4)",
                (&hash, &user_id, now, now.saturating_add(secs(ttl))),
            )?;
            Ok(())
        })
        .await?;
    Ok((raw, session))
}

/// The live session behind a cookie value, if any.
pub async fn session(store: &Store, raw: &str) -> anyhow::Result<Option<Session>> {
    let hash = digest(raw);
    store
        .run(move |conn| {
            let row = conn
                .query_row(
                    "SELECT user_id, auth_time FROM oidc_sessions WHERE id_hash = ?1 AND expires_at >= ?2",
                    (&hash, now()),
                    |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
                )
                .optional()?;
            Ok(row.map(|(user_id, auth_time)| Session { user_id, auth_time, sid: sid_of(&hash) }))
        })
        .await
}

/// Ends the session behind a cookie value and revokes the refresh tokens issued under it.
pub async fn end_session(store: &Store, raw: &str) -> anyhow::Result<()> {
    let hash = digest(raw);
    let sid = sid_of(&hash);
    store
        .run(move |conn| {
            let tx = conn.transaction()?;
            tx.execute("DELETE FROM oidc_sessions WHERE id_hash = ?1", [&hash])?;
            tx.execute(
                "UPDATE oidc_refresh_families SET revoked_at = ?2 WHERE sid = ?1 AND revoked_at IS NULL",
                (&sid, now()),
            )?;
            tx.commit()?;
            Ok(())
        })
        .await
}

/// Stores a new authorization code for `grant`; returns the code.
pub async fn create_code(store: &Store, grant: Grant, ttl: Duration) -> anyhow::Result<String> {
    let raw = random(32);
    let hash = digest(&raw);
    let now = now();
    store
        .run(move |conn| {
            // Used codes are kept a while past expiry so that a late replay is still detected.
            conn.execute("DELETE FROM oidc_auth_codes WHERE expires_at < ?1", [now - 3600])?;
            conn.execute(
                "INSERT INTO oidc_auth_codes (code_hash, client_id, redirect_uri, user_id, scope, nonce,
                    code_challenge, auth_time, sid, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                rusqlite::params![
                    hash,
                    grant.client_id,
                    grant.redirect_uri,
                    grant.user_id,
                    grant.scope,
                    grant.nonce,
                    grant.code_challenge,
                    grant.auth_time,
                    grant.sid,
                    now.saturating_add(secs(ttl)),
                ],
            )?;
            Ok(())
        })
        .await?;
    Ok(raw)
}

/// Marks a code used and returns its grant. A second use revokes the refresh family issued
/// from the first (RFC 6749 §4.1.2).
pub async fn redeem_code(store: &Store, raw: &str) -> anyhow::Result<Result<Grant, Refused>> {
    let hash = digest(raw);
    store
        .run(move |conn| {
            let now = now();
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let row = tx
                .query_row(
                    "SELECT client_id, redirect_uri, user_id, scope, nonce, code_challenge, auth_time, sid,
                            expires_at, used_at, family_id
                     FROM oidc_auth_codes WHERE code_hash = ?1",
                    [&hash],
                    |r| {
                        Ok((
                            Grant {
                                client_id: r.get(0)?,
                                redirect_uri: r.get(1)?,
                                user_id: r.get(2)?,
                                scope: r.get(3)?,
                                nonce: r.get(4)?,
                                code_challenge: r.get(5)?,
                                auth_time: r.get(6)?,
                                sid: r.get(7)?,
                            },
                            r.get::<_, i64>(8)?,
                            r.get::<_, Option<i64>>(9)?,
                            r.get::<_, Option<String>>(10)?,
                        ))
                    },
                )
                .optional()?;
            let Some((grant, expires_at, used_at, family)) = row else {
                return Ok(Err(Refused::Unknown));
            };
            if used_at.is_some() {
                if let Some(family) = family {
                    tx.execute(
                        "UPDATE oidc_refresh_families SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
                        (&family, now),
                    )?;
                }
                tx.commit()?;
                return Ok(Err(Refused::Replayed));
            }
            // Any presentation uses the code up, even a failed one (wrong verifier, expired).
            tx.execute("UPDATE oidc_auth_codes SET used_at = ?2 WHERE code_hash = ?1", (&hash, now))?;
            tx.commit()?;
            if expires_at < now {
                return Ok(Err(Refused::Expired));
            }
            Ok(Ok(grant))
        })
        .await
}

/// What a refresh-token family was granted.
#[derive(Debug, Clone)]
pub struct Family {
    pub id: String,
    pub client_id: String,
    pub user_id: String,
    pub scope: String,
    pub auth_time: i64,
    pub sid: Option<String>,
}

/// Starts a refresh-token family for a redeemed code; returns the first refresh token.
pub async fn create_family(store: &Store, code: &str, grant: &Grant, ttl: Duration) -> anyhow::Result<String> {
    let code_hash = digest(code);
    let family = Family {
        id: random(16),
        client_id: grant.client_id.clone(),
        user_id: grant.user_id.clone(),
        scope: grant.scope.clone(),
        auth_time: grant.auth_time,
        sid: grant.sid.clone(),
    };
    let raw = random(32);
    let token_hash = digest(&raw);
    store
        .run(move |conn| {
            let now = now();
            let tx = conn.transaction()?;
            tx.execute(
                "DELETE FROM oidc_refresh_families WHERE NOT EXISTS
                   (SELECT 1 FROM oidc_refresh_tokens t WHERE t.family_id = oidc_refresh_families.id AND t.expires_at >= ?1)",
                [now],
            )?;
            tx.execute(
                "INSERT INTO oidc_refresh_families (id, client_id, user_id, scope, auth_time, sid, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                rusqlite::params![family.id, family.client_id, family.user_id, family.scope, family.auth_time, family.sid, now],
            )?;
            tx.execute(
                "INSERT INTO oidc_refresh_tokens (token_hash, family_id, issued_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
                (&token_hash, &family.id, now, now.saturating_add(secs(ttl))),
            )?;
            tx.execute("UPDATE oidc_auth_codes SET family_id = ?2 WHERE code_hash = ?1", (&code_hash, &family.id))?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(raw)
}

/// How long after a rotation its old token still counts as a retry of it (see `rotate`).
const RETRY_SECS: i64 = 60;

/// Uses a refresh token: returns its family and the next token of the family. Presenting a
/// token that was already used revokes the family — unless it is a retry: the same token
/// again within [`RETRY_SECS`] while its successor is still unused (the client never got the
/// answer). The unused successor is then withdrawn and a new one issued, so one live token
/// remains and a thief replaying the old token later still revokes everything.
pub async fn rotate(store: &Store, raw: &str, ttl: Duration) -> anyhow::Result<Result<(Family, String), Refused>> {
    let hash = digest(raw);
    let next = random(32);
    let next_hash = digest(&next);
    store
        .run(move |conn| {
            let now = now();
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let row = tx
                .query_row(
                    "SELECT f.id, f.client_id, f.user_id, f.scope, f.auth_time, f.sid, f.revoked_at,
                            t.expires_at, t.used_at,
                            (SELECT s.used_at IS NULL FROM oidc_refresh_tokens s WHERE s.token_hash = t.replaced_by)
                     FROM oidc_refresh_tokens t JOIN oidc_refresh_families f ON f.id = t.family_id
                     WHERE t.token_hash = ?1",
                    [&hash],
                    |r| {
                        Ok((
                            Family {
                                id: r.get(0)?,
                                client_id: r.get(1)?,
                                user_id: r.get(2)?,
                                scope: r.get(3)?,
                                auth_time: r.get(4)?,
                                sid: r.get(5)?,
                            },
                            r.get::<_, Option<i64>>(6)?,
                            r.get::<_, i64>(7)?,
                            r.get::<_, Option<i64>>(8)?,
                            r.get::<_, Option<bool>>(9)?,
                        ))
                    },
                )
                .optional()?;
            let Some((family, revoked_at, expires_at, used_at, successor_unused)) = row else {
                return Ok(Err(Refused::Unknown));
            };
            if revoked_at.is_some() {
                return Ok(Err(Refused::Revoked));
            }
            if let Some(used) = used_at {
                let retry = now - used <= RETRY_SECS && successor_unused == Some(true);
                if !retry {
                    tx.execute("UPDATE oidc_refresh_families SET revoked_at = ?2 WHERE id = ?1", (&family.id, now))?;
                    tx.commit()?;
                    return Ok(Err(Refused::Replayed));
                }
                // The successor the client never received can never be used.
                tx.execute(
                    "DELETE FROM oidc_refresh_tokens WHERE token_hash = (SELECT replaced_by FROM oidc_refresh_tokens WHERE token_hash = ?1)",
                    [&hash],
                )?;
            } else if expires_at < now {
                return Ok(Err(Refused::Expired));
            }
            tx.execute(
                "UPDATE oidc_refresh_tokens SET used_at = COALESCE(used_at, ?2), replaced_by = ?3 WHERE token_hash = ?1",
                (&hash, now, &next_hash),
            )?;
            tx.execute(
                "INSERT INTO oidc_refresh_tokens (token_hash, family_id, issued_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
                (&next_hash, &family.id, now, now.saturating_add(secs(ttl))),
            )?;
            tx.commit()?;
            Ok(Ok((family, next)))
        })
        .await
}

/// The organisation's name for the login page, if a tenant is loaded.
pub async fn organisation_name(store: &Store) -> anyhow::Result<Option<String>> {
    store
        .run(|conn| Ok(conn.query_row("SELECT name FROM organisation WHERE id = 1", [], |r| r.get(0)).optional()?))
        .await
}
