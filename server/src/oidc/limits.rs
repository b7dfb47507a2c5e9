//! Sign-in limits at the development provider: guessing passwords does not pay.
//!
//! Failures are counted per account (the name as typed, lower-cased — whether or not such
//! an account exists, so the answers never tell) and per client address. Past a few
//! failures each further attempt must wait (1 s, doubling, at most [`MAX_DELAY`]); past
//! more, the key is locked out for a while. An attempt that comes too early is refused
//! without checking the password and counts as a failure of the key that made it wait, so
//! hammering ends in the lockout; attempts while locked out change nothing.
//!
//! Every attempt is counted *before* its password is checked (in one transaction), so
//! parallel attempts cannot all slip through; a success then clears the account's failures
//! and takes back its own count from its address — never another address's.

use super::secret::digest;
use crate::store::Store;
use rusqlite::{OptionalExtension, TransactionBehavior};
use std::net::IpAddr;
use std::time::Duration;

/// The first wait once the free attempts are used up; it doubles per failure.
const FIRST_DELAY: Duration = Duration::from_secs(1);
/// The longest wait between two attempts before the lockout.
pub const MAX_DELAY: Duration = Duration::from_secs(60);

/// When one key (an account or an address) must wait, and when it is locked out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Failures allowed without waiting.
    pub delay_after: u32,
    /// Failures that lock the key out.
    pub lockout_after: u32,
}

/// The provider's sign-in limits (`portal-server serve --sign-in-…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInLimits {
    pub account: Limit,
    pub address: Limit,
    /// How long a lockout lasts; failures are also forgotten this long after the last one.
    pub lockout: Duration,
}

/// Whether an attempt may check its password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Check the password, then report [`succeeded`] (a failure is already counted).
    Check(Attempt),
    /// Refused without a check: try again after `retry_after`.
    Refused { retry_after: Duration, locked: bool },
}

/// An attempt counted against its keys, before the password check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    account: String,
    address: String,
    /// Failures of each key, this attempt included (for the log).
    pub account_failures: u32,
    pub address_failures: u32,
    /// This attempt, if it fails, locked a key out.
    pub locks: bool,
}

/// The key of an account name as typed. Only a digest is stored: a password typed into the
/// name field by mistake never lands in the database.
fn account_key(name: &str) -> String {
    format!("account:{}", digest(&name.trim().to_lowercase()))
}

/// The key of a client address: IPv4 as is; IPv6 by its /64, which one client usually owns
/// whole (one address each would make the limit worthless).
pub fn address_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => format!("address:{v4}"),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => format!("address:{v4}"),
            None => {
                let s = v6.segments();
                format!("address:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// One key's row, as it stands `now` (forgotten and finished lockouts read as fresh).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Row {
    failures: u32,
    next_attempt_at: i64,
    locked_until: Option<i64>,
}

#[derive(Clone, Copy)]
enum Standing {
    Free,
    Wait,
    Locked(i64),
}

impl Row {
    fn standing(&self, now: i64) -> Standing {
        match self.locked_until {
            Some(until) if until > now => Standing::Locked(until),
            _ if self.next_attempt_at > now => Standing::Wait,
            _ => Standing::Free,
        }
    }

    /// Counts one more failure at `now`; returns whether it locked the key.
    fn fail(&mut self, limit: Limit, lockout: Duration, now: i64) -> bool {
        self.failures = self.failures.saturating_add(1);
        if self.failures >= limit.lockout_after {
            let until = now.saturating_add(millis(lockout));
            self.locked_until = Some(until);
            self.next_attempt_at = until;
            return true;
        }
        if self.failures >= limit.delay_after {
            let doublings = (self.failures - limit.delay_after).min(16);
            let delay = FIRST_DELAY.saturating_mul(1 << doublings).min(MAX_DELAY);
            self.next_attempt_at = now.saturating_add(millis(delay));
        }
        false
    }
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 4)
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 4))
        .unwrap_or(0)
}

fn read(tx: &rusqlite::Transaction<'_>, key: &str, forget_before: i64, now: i64) -> rusqlite::Result<Row> {
    let row = tx
        .query_row(
            "SELECT failures, next_attempt_at, locked_until, last_failure_at FROM sign_in_failures WHERE key = ?1",
            [key],
            |r| {
                Ok((
                    Row { failures: r.get(0)?, next_attempt_at: r.get(1)?, locked_until: r.get(2)? },
                    r.get::<_, i64>(3)?,
                ))
            },
        )
        .optional()?;
    Ok(match row {
        // A finished lockout, or failures long past, start afresh.
        Some((row, _)) if row.locked_until.is_some_and(|until| until <= now) => Row::default(),
        Some((row, last)) if row.locked_until.is_none() && last < forget_before => Row::default(),
        Some((row, _)) => row,
        None => Row::default(),
    })
}

fn write(tx: &rusqlite::Transaction<'_>, key: &str, row: &Row, now: i64) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO sign_in_failures (key, failures, next_attempt_at, locked_until, last_failure_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (key) DO UPDATE SET failures = ?2, next_attempt_at = ?3, locked_until = ?4, last_failure_at = ?5",
        rusqlite::params![key, row.failures, row.next_attempt_at, row.locked_until, now],
    )?;
    Ok(())
}

/// Decides whether a sign-in as `name` from `address` may check its password, counting it.
pub async fn begin(store: &Store, limits: SignInLimits, name: &str, address: IpAddr) -> anyhow::Result<Verdict> {
    let (account, address) = (account_key(name), address_key(address));
    store
        .run(move |conn| {
            let now = now_ms();
            let forget_before = now.saturating_sub(millis(limits.lockout));
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
                "DELETE FROM sign_in_failures WHERE last_failure_at < ?1 AND (locked_until IS NULL OR locked_until < ?2)",
                (forget_before, now),
            )?;
            let mut a = read(&tx, &account, forget_before, now)?;
            let mut d = read(&tx, &address, forget_before, now)?;
            let verdict = match (a.standing(now), d.standing(now)) {
                (Standing::Locked(x), other) | (other, Standing::Locked(x)) => {
                    let until = match other {
                        Standing::Locked(y) => x.max(y),
                        _ => x,
                    };
                    Verdict::Refused { retry_after: until_from(until, now), locked: true }
                }
                (sa, sd) if matches!(sa, Standing::Wait) || matches!(sd, Standing::Wait) => {
                    // Too early: a failure of whichever key had to wait.
                    let mut locked = false;
                    if matches!(sa, Standing::Wait) {
                        locked |= a.fail(limits.account, limits.lockout, now);
                        write(&tx, &account, &a, now)?;
                    }
                    if matches!(sd, Standing::Wait) {
                        locked |= d.fail(limits.address, limits.lockout, now);
                        write(&tx, &address, &d, now)?;
                    }
                    let until = a.next_attempt_at.max(d.next_attempt_at);
                    Verdict::Refused { retry_after: until_from(until, now), locked }
                }
                _ => {
                    let locks = a.fail(limits.account, limits.lockout, now) | d.fail(limits.address, limits.lockout, now);
                    write(&tx, &account, &a, now)?;
                    write(&tx, &address, &d, now)?;
                    Verdict::Check(Attempt {
                        account: account.clone(),
                        address: address.clone(),
                        account_failures: a.failures,
                        address_failures: d.failures,
                        locks,
                    })
                }
            };
            tx.commit()?;
            Ok(verdict)
        })
        .await
}

fn until_from(until: i64, now: i64) -> Duration {
    Duration::from_millis(u64::try_from(until.saturating_sub(now)).unwrap_or(0))
}

/// The attempt's password was right: its account starts afresh, and its address gets back
/// the failure counted in advance. Other addresses keep theirs.
pub async fn succeeded(store: &Store, limits: SignInLimits, attempt: Attempt) -> anyhow::Result<()> {
    store
        .run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute("DELETE FROM sign_in_failures WHERE key = ?1", [&attempt.account])?;
            tx.execute(
                "UPDATE sign_in_failures SET failures = max(failures - 1, 0),
                    next_attempt_at = CASE WHEN failures - 1 < ?2 THEN 0 ELSE next_attempt_at END,
                    locked_until = CASE WHEN failures - 1 < ?3 THEN NULL ELSE locked_until END
                 WHERE key = ?1",
                rusqlite::params![attempt.address, limits.address.delay_after, limits.address.lockout_after],
            )?;
            tx.execute("DELETE FROM sign_in_failures WHERE key = ?1 AND failures = 0", [&attempt.address])?;
            tx.commit()?;
            Ok(())
        })
        .await
}

/// "30 seconds", "2 minutes": how long to wait, in words for the sign-in page.
pub fn wait_in_words(d: Duration) -> String {
    let secs = d.as_secs() + u64::from(d.subsec_millis() > 0);
    match secs {
        0 | 1 => "a second".to_string(),
        2..=90 => format!("{secs} seconds"),
        _ => format!("{} minutes", secs.div_ceil(60)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: Limit = Limit { delay_after: 3, lockout_after: 10 };
    const LOCKOUT: Duration = Duration::from_secs(900);

    #[test]
    fn waits_double_after_the_free_attempts_and_the_tenth_failure_locks() {
        let mut row = Row::default();
        let mut waits = Vec::new();
        for _ in 0..9 {
            assert!(!row.fail(LIMIT, LOCKOUT, 0));
            waits.push(row.next_attempt_at);
        }
        assert_eq!(waits, vec![0, 0, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000]);
        assert!(row.fail(LIMIT, LOCKOUT, 0));
        assert_eq!(row.locked_until, Some(900_000));
        assert!(matches!(row.standing(899_999), Standing::Locked(900_000)));
    }

    #[test]
    fn addresses_are_keyed_by_ipv4_or_ipv6_slash_64() {
        assert_eq!(address_key("192.0.2.7".parse().expect("ip")), "address:192.0.2.7");
        assert_eq!(address_key("::ffff:192.0.2.7".parse().expect("ip")), "address:192.0.2.7");
        assert_eq!(
            address_key("2001:db8:1:2:aaaa::1".parse().expect("ip")),
            address_key("2001:db8:1:2:bbbb::2".parse().expect("ip"))
        );
        assert_ne!(
            address_key("2001:db8:1:2::1".parse().expect("ip")),
            address_key("2001:db8:1:3::1".parse().expect("ip"))
        );
    }

    #[test]
    fn account_names_are_keyed_ignoring_case_and_spaces_and_never_stored_as_typed() {
        assert_eq!(account_key(" Amara.Okoye@contoso.example "), account_key("amara.okoye@contoso.example"));
        assert!(!account_key("secret-typed-in-the-name-field").contains("secret"));
    }

    #[test]
    fn waits_are_worded_for_people() {
        assert_eq!(wait_in_words(Duration::from_millis(300)), "a second");
        assert_eq!(wait_in_words(Duration::from_millis(1_500)), "2 seconds");
        assert_eq!(wait_in_words(Duration::from_secs(900)), "15 minutes");
    }
}
