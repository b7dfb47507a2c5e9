//! Event-stream tickets: short-lived, single-use, stored as hashes.

use super::sql::params;
use super::Store;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::time::{SystemTime, UNIX_EPOCH};

fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

fn hash(ticket: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(ticket.as_bytes()))
}

impl Store {
    /// Issues a ticket for `user_id`, valid for `ttl_secs`; returns the ticket (only its
    /// hash is stored). Expired tickets are swept on the way.
    pub async fn issue_event_ticket(&self, user_id: &str, ttl_secs: u64) -> anyhow::Result<String> {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let ticket = URL_SAFE_NO_PAD.encode(bytes);
        let (user_id, digest) = (user_id.to_string(), hash(&ticket));
        self.run(move |db| {
            let now = unix_now();
            db.execute("DELETE FROM event_tickets WHERE expires_at <= ?1", params![now])?;
            db.execute(
                "INSERT INTO event_tickets (ticket_hash, user_id, expires_at) VALUES (?1, ?2, ?3)",
                params![digest, user_id, now + ttl_secs as i64],
            )?;
            Ok(())
        })
        .await?;
        Ok(ticket)
    }

    /// Consumes a ticket: the user it was issued to, once, if it has not expired.
    pub async fn redeem_event_ticket(&self, ticket: &str) -> anyhow::Result<Option<String>> {
        let digest = hash(ticket);
        self.run(move |db| {
            // One statement: of two instances redeeming the same ticket at once, one deletes it.
            let redeemed: Option<(String,)> = db.query_opt(
                "DELETE FROM event_tickets WHERE ticket_hash = ?1 AND expires_at > ?2 RETURNING user_id",
                params![digest, unix_now()],
            )?;
            Ok(redeemed.map(|(user,)| user))
        })
        .await
    }
}
