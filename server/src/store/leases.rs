//! Leases on pending work, so that of several instances over one database one carries out
//! each piece (`0011_work_leases.sql`). An instance claims a piece for [`LEASE`] and renews
//! its claims while it lives (the device simulator on every tick, the Intune follow-up while
//! it works); a dead instance's claims run out and another instance takes the work over
//! within seconds. A claim is never what makes work happen exactly once — each completion is
//! one transaction taken only while the work is still pending (`completion.rs`) — it is what
//! keeps two instances from doing the same work, and from sending Intune the same change, at
//! the same time.

use super::sql::params;
use super::Store;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long a claim holds without renewal: the longest a dead instance's work waits.
pub const LEASE: Duration = Duration::from_secs(5);

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

fn lease_ms() -> i64 {
    LEASE.as_millis() as i64
}

impl Store {
    /// Claims `work` for this instance unless another instance holds a live claim on it;
    /// `true` when this instance holds it now (a claim it held already is renewed).
    pub async fn claim(&self, work: &str) -> anyhow::Result<bool> {
        let (work, holder) = (work.to_string(), self.instance.to_string());
        self.run(move |db| {
            let now = now_ms();
            // One statement: of two instances claiming at once, one inserts or takes over, and
            // the other's conditional update finds the claim live and changes nothing.
            let claimed = db.execute(
                "INSERT INTO work_leases (work, holder, expires_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (work) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                 WHERE work_leases.holder = excluded.holder OR work_leases.expires_at <= ?4",
                params![work, holder, now + lease_ms(), now],
            )?;
            Ok(claimed == 1)
        })
        .await
    }

    /// Renews every claim this instance holds; claims older than an hour past their end
    /// (left by instances long gone, on work that finished) are swept on the way.
    pub async fn renew_claims(&self) -> anyhow::Result<()> {
        let holder = self.instance.to_string();
        self.run(move |db| {
            let now = now_ms();
            db.execute("UPDATE work_leases SET expires_at = ?2 WHERE holder = ?1", params![holder, now + lease_ms()])?;
            db.execute("DELETE FROM work_leases WHERE expires_at < ?1", params![now - 3_600_000])?;
            Ok(())
        })
        .await
    }

    /// Gives `work` up (done, or no longer this instance's to do).
    pub async fn release(&self, work: &str) -> anyhow::Result<()> {
        let (work, holder) = (work.to_string(), self.instance.to_string());
        self.run(move |db| {
            db.execute("DELETE FROM work_leases WHERE work = ?1 AND holder = ?2", params![work, holder])?;
            Ok(())
        })
        .await
    }

    /// Who holds a live claim on `work`, if anyone (for tests and logs).
    pub async fn holder_of(&self, work: &str) -> anyhow::Result<Option<String>> {
        let work = work.to_string();
        self.run(move |db| {
            let row: Option<(String,)> = db.query_opt(
                "SELECT holder FROM work_leases WHERE work = ?1 AND expires_at > ?2",
                params![work, now_ms()],
            )?;
            Ok(row.map(|(holder,)| holder))
        })
        .await
    }
}
