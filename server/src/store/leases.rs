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
            if claimed == 1 {
                return Ok(true);
            }
            // Held by a process of this machine that is gone (a restart after a crash): its
            // claims are void at once rather than after their lease.
            let Some((stale,)) =
                db.query_opt::<(String,)>("SELECT holder FROM work_leases WHERE work = ?1", params![work])?
            else {
                return Ok(false);
            };
            if !dead_here(&stale, &holder) {
                return Ok(false);
            }
            let taken = db.execute(
                "UPDATE work_leases SET holder = ?2, expires_at = ?3 WHERE work = ?1 AND holder = ?4",
                params![work, holder, now + lease_ms(), stale],
            )?;
            Ok(taken == 1)
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

/// Whether `holder` (`host/pid/tag`, see `Store::open`) is a process of this machine — the
/// same host as `me` — that no longer runs. A process id that runs is taken as alive, even
/// if it is some other program now: only certainty voids a claim.
fn dead_here(holder: &str, me: &str) -> bool {
    let (Some((host, rest)), Some((my_host, _))) = (holder.split_once('/'), me.split_once('/')) else { return false };
    let Some(pid) = rest.split('/').next().and_then(|p| p.parse::<u32>().ok()) else { return false };
    host == my_host
        && pid != std::process::id()
        && !std::path::Path::new(&format!("/proc/{pid}")).exists()
        && std::path::Path::new("/proc/self").exists()
}

/// Renews this instance's claims every third of a lease, for as long as it runs: a claim
/// lapses only when its instance is gone (or cannot reach the database).
pub fn spawn_lease_keeper(store: Store) {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(LEASE / 3).await;
            if let Err(e) = store.renew_claims().await {
                tracing::warn!("renewing this instance's claims on pending work: {e:#}");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::dead_here;

    #[test]
    fn only_a_gone_process_of_this_machine_holds_nothing() {
        let me = format!("host-a/{}/0001", std::process::id());
        assert!(dead_here("host-a/4000000/00aa", &me), "no such process here");
        assert!(!dead_here("host-b/4000000/00aa", &me), "another machine's: it may be alive");
        assert!(!dead_here(&format!("host-a/{}/00bb", std::process::id()), &me), "this process");
        assert!(!dead_here("host-a/1/00aa", &me), "a process that runs");
        assert!(!dead_here("garbage", &me));
    }
}
