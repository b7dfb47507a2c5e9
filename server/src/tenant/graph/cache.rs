//! What the Intune tenant read from Graph, kept per kind with its own freshness. Graph has no
//! change notifications for Intune data, so freshness is time:
//!
//! - **fresh** (younger than `fresh_for`): answered from memory;
//! - **usable** (younger than twice that): answered from memory at once, and read again in
//!   the background (the next request gets the new data);
//! - **old**: read again, and the request waits up to `wait` for it; if Graph is slow,
//!   throttling or down, the old data is answered marked stale with when it was read.
//!
//! Concurrent requests for the same thing share one read (a hundred requests for one person
//! cause one Graph read). A read runs in its own task, so a request that stops waiting does
//! not cancel it. After a failure, nobody asks Graph again before the time it said
//! (`Retry-After`), and meanwhile the old data or the failure is answered at once.

use super::client::GraphError;
use crate::tenant::{Answer, TenantError};
use futures::future::{BoxFuture, FutureExt, Shared};
use portal_core::api::Staleness;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type Read<V> = Shared<BoxFuture<'static, Result<Arc<V>, GraphError>>>;

/// How fresh a kind of data must be.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub fresh_for: Duration,
    /// How long a request waits for a read when it has old data to fall back on.
    pub wait: Duration,
    /// How long it waits when it has nothing (then it is `TenantError::Unavailable`).
    pub first_wait: Duration,
}

struct Kept<V> {
    value: Arc<V>,
    read: Instant,
    /// RFC 3339, for the page.
    read_at: String,
}

struct State<V> {
    kept: Option<Kept<V>>,
    reading: Option<Read<V>>,
    /// After a failed read: not before this, and why.
    backoff: Option<(Instant, GraphError)>,
    /// For eviction from a [`Keyed`] map.
    last_used: Instant,
}

/// One cached value and its reads.
pub struct Cell<V> {
    state: Mutex<State<V>>,
}

impl<V> Default for Cell<V> {
    fn default() -> Self {
        Cell { state: Mutex::new(State { kept: None, reading: None, backoff: None, last_used: Instant::now() }) }
    }
}

impl<V: Send + Sync + 'static> Cell<V> {
    /// The value, fresh enough for `policy`, reading it with `read` when needed.
    pub async fn get<F>(self: &Arc<Self>, policy: Policy, read: F) -> Result<Answer<Arc<V>>, TenantError>
    where
        F: FnOnce() -> BoxFuture<'static, Result<V, GraphError>>,
    {
        let now = Instant::now();
        let (pending, kept_for_fallback) = {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            state.last_used = now;
            let age = state.kept.as_ref().map(|k| now.duration_since(k.read));
            if let (Some(age), Some(kept)) = (age, state.kept.as_ref()) {
                if age < policy.fresh_for {
                    return Ok(Answer::fresh(kept.value.clone()));
                }
            }
            let backing_off = state.backoff.as_ref().is_some_and(|(until, _)| now < *until);
            if !backing_off && state.reading.is_none() {
                state.reading = Some(self.start(read));
            }
            let fallback = state.kept.as_ref().map(|k| (k.value.clone(), k.read_at.clone()));
            // Usable: answer now, the read goes on in the background.
            if let (Some(age), Some((value, _))) = (age, &fallback) {
                if age < policy.fresh_for * 2 {
                    return Ok(Answer::fresh(value.clone()));
                }
            }
            if backing_off {
                let (until, error) = state.backoff.clone().unwrap_or((now, GraphError::Slow));
                return match fallback {
                    Some((value, read_at)) => Ok(stale(value, read_at, &error)),
                    None => Err(unavailable(&error, until.saturating_duration_since(now))),
                };
            }
            (state.reading.clone(), fallback)
        };
        let Some(pending) = pending else {
            return Err(unavailable(&GraphError::Slow, Duration::from_secs(5)));
        };
        let wait = if kept_for_fallback.is_some() { policy.wait } else { policy.first_wait };
        match tokio::time::timeout(wait, pending).await {
            Ok(Ok(value)) => Ok(Answer::fresh(value)),
            Ok(Err(error)) => match kept_for_fallback {
                Some((value, read_at)) => Ok(stale(value, read_at, &error)),
                None => Err(unavailable(&error, error.retry_after())),
            },
            Err(_) => match kept_for_fallback {
                Some((value, read_at)) => Ok(stale(value, read_at, &GraphError::Slow)),
                None => Err(unavailable(&GraphError::Slow, Duration::from_secs(5))),
            },
        }
    }

    /// Forgets the value's freshness, so the next request reads again (after a change the
    /// portal made). The value itself stays as the fallback.
    pub fn expire(&self) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(kept) = state.kept.as_mut() {
            kept.read = Instant::now() - Duration::from_secs(86_400);
        }
        state.backoff = None;
    }

    /// Starts a read in its own task; its result lands in the cell whoever is waiting.
    fn start<F>(self: &Arc<Self>, read: F) -> Read<V>
    where
        F: FnOnce() -> BoxFuture<'static, Result<V, GraphError>>,
    {
        let shared: Read<V> = read().map(|r| r.map(Arc::new)).boxed().shared();
        let cell = Arc::clone(self);
        let driven = shared.clone();
        tokio::spawn(async move {
            let outcome = driven.await;
            let mut state = cell.state.lock().unwrap_or_else(|e| e.into_inner());
            state.reading = None;
            match outcome {
                Ok(value) => {
                    state.kept = Some(Kept { value, read: Instant::now(), read_at: crate::dates::now() });
                    state.backoff = None;
                }
                Err(error) => {
                    tracing::warn!("graph: a read failed ({error}); using what was read before, if anything");
                    state.backoff = Some((Instant::now() + error.retry_after(), error));
                }
            }
        });
        shared
    }

    fn last_used(&self) -> Instant {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).last_used
    }
}

fn stale<V>(value: Arc<V>, read_at: String, error: &GraphError) -> Answer<Arc<V>> {
    Answer { value, stale: Some(Staleness { read_at, reason: error.stale_reason() }) }
}

fn unavailable(error: &GraphError, retry_after: Duration) -> TenantError {
    match error {
        // Not Graph being unavailable: a bug or a missing permission, which waiting won't fix.
        GraphError::Denied(_) | GraphError::Refused { .. } | GraphError::Invalid(_) | GraphError::Token(_) => {
            TenantError::Other(anyhow::anyhow!("{error}"))
        }
        _ => TenantError::Unavailable {
            reason: error.stale_reason(),
            retry_after: retry_after.max(Duration::from_secs(1)),
        },
    }
}

/// Cells by key (one per person, one per device), at most `capacity` of them: the least
/// recently used go first.
pub struct Keyed<K, V> {
    cells: Mutex<HashMap<K, Arc<Cell<V>>>>,
    capacity: usize,
}

impl<K: Eq + Hash + Clone, V: Send + Sync + 'static> Keyed<K, V> {
    pub fn new(capacity: usize) -> Keyed<K, V> {
        Keyed { cells: Mutex::new(HashMap::new()), capacity: capacity.max(1) }
    }

    pub fn cell(&self, key: &K) -> Arc<Cell<V>> {
        let mut cells = self.cells.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(cell) = cells.get(key) {
            return cell.clone();
        }
        if cells.len() >= self.capacity {
            // Drop the least recently used tenth in one go (rare; O(n log n) then).
            let mut by_use: Vec<(Instant, K)> = cells.iter().map(|(k, c)| (c.last_used(), k.clone())).collect();
            by_use.sort_by_key(|(used, _)| *used);
            for (_, key) in by_use.into_iter().take((self.capacity / 10).max(1)) {
                cells.remove(&key);
            }
        }
        let cell = Arc::new(Cell::default());
        cells.insert(key.clone(), cell.clone());
        cell
    }

    /// The cell for `key` if it exists (to expire it after a change).
    pub fn existing(&self, key: &K) -> Option<Arc<Cell<V>>> {
        self.cells.lock().unwrap_or_else(|e| e.into_inner()).get(key).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn policy() -> Policy {
        Policy {
            fresh_for: Duration::from_millis(200),
            wait: Duration::from_millis(100),
            first_wait: Duration::from_millis(300),
        }
    }

    #[tokio::test]
    async fn concurrent_misses_share_one_read() {
        let cell: Arc<Cell<u32>> = Arc::default();
        let reads = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..100 {
            let (cell, reads) = (cell.clone(), reads.clone());
            tasks.push(tokio::spawn(async move {
                cell.get(policy(), move || {
                    async move {
                        reads.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        Ok(7)
                    }
                    .boxed()
                })
                .await
            }));
        }
        for task in tasks {
            let answer = task.await.expect("task").expect("answer");
            assert_eq!((*answer.value, answer.stale), (7, None));
        }
        assert_eq!(reads.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn old_data_is_answered_stale_when_graph_fails_and_nothing_is_an_error() {
        let cell: Arc<Cell<u32>> = Arc::default();
        let first = cell.get(policy(), || async { Ok(1) }.boxed()).await.expect("first");
        assert_eq!(*first.value, 1);
        tokio::time::sleep(Duration::from_millis(450)).await; // older than twice fresh_for
        let throttled = || async { Err(GraphError::Throttled { retry_after: Duration::from_secs(9) }) }.boxed();
        let answer = cell.get(policy(), throttled).await.expect("stale answer");
        assert_eq!(*answer.value, 1);
        assert_eq!(answer.stale.map(|s| s.reason), Some(portal_core::api::StaleReason::Throttled));
        // Backing off: no new read, the same stale answer at once.
        let again = cell.get(policy(), || panic!("no read while backing off")).await.expect("stale");
        assert!(again.stale.is_some());

        let empty: Arc<Cell<u32>> = Arc::default();
        let error = empty.get(policy(), || async { Err(GraphError::Unavailable("503".into())) }.boxed()).await;
        assert!(matches!(error, Err(TenantError::Unavailable { .. })), "{error:?}");
    }

    #[tokio::test]
    async fn slow_reads_fall_back_then_land() {
        let cell: Arc<Cell<u32>> = Arc::default();
        cell.get(policy(), || async { Ok(1) }.boxed()).await.expect("first");
        tokio::time::sleep(Duration::from_millis(450)).await;
        let slow = || {
            async {
                tokio::time::sleep(Duration::from_millis(250)).await;
                Ok(2)
            }
            .boxed()
        };
        let answer = cell.get(policy(), slow).await.expect("answer");
        assert_eq!((*answer.value, answer.stale.map(|s| s.reason)), (1, Some(portal_core::api::StaleReason::Slow)));
        tokio::time::sleep(Duration::from_millis(300)).await;
        let later = cell.get(policy(), || panic!("fresh now")).await.expect("answer");
        assert_eq!((*later.value, later.stale), (2, None));
    }

    #[tokio::test]
    async fn usable_data_is_answered_at_once_and_refreshed_behind() {
        let cell: Arc<Cell<u32>> = Arc::default();
        cell.get(policy(), || async { Ok(1) }.boxed()).await.expect("first");
        tokio::time::sleep(Duration::from_millis(250)).await; // past fresh_for, within twice it
        let answer = cell.get(policy(), || async { Ok(2) }.boxed()).await.expect("answer");
        assert_eq!((*answer.value, answer.stale), (1, None));
        tokio::time::sleep(Duration::from_millis(20)).await;
        let later = cell.get(policy(), || panic!("fresh now")).await.expect("answer");
        assert_eq!(*later.value, 2);
    }
}
