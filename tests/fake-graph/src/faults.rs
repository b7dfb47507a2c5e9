//! Fault injection: the next N Graph requests that match a method and a path prefix are
//! answered with a fault instead (a 429 with or without `Retry-After`, a 503), delayed, or
//! carried out with their answer delayed.
//! A rule can be limited to requests inside a `$batch` (Graph answers the batch 200 with
//! inner 429s).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum FaultKind {
    /// `429 Too Many Requests`; `retryAfter` seconds in `Retry-After`, or no header.
    Throttle {
        #[serde(default)]
        retry_after: Option<u64>,
    },
    /// `503 Service Unavailable` (with `Retry-After` when given).
    Unavailable {
        #[serde(default)]
        retry_after: Option<u64>,
    },
    /// The request is answered normally, `ms` later (a slow Graph, a timeout).
    Delay { ms: u64 },
    /// The request is carried out at once but its answer comes `ms` later: a caller that
    /// gives up or dies before then does not know Graph took it (the case a portal must
    /// not send twice).
    SlowAnswer { ms: u64 },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
// (No deny_unknown_fields: serde does not combine it with the flattened kind.)
#[serde(rename_all = "camelCase")]
pub struct Fault {
    /// `GET`, `POST`, …; absent: any method.
    #[serde(default)]
    pub method: Option<String>,
    /// Matches paths starting with it, version included: `/v1.0/users/`; absent: every path.
    #[serde(default)]
    pub path_prefix: Option<String>,
    /// How many matching requests it takes (default 1).
    #[serde(default = "one")]
    pub count: u32,
    /// Only requests inside a `$batch` (default: only top-level requests).
    #[serde(default)]
    pub in_batch: bool,
    #[serde(flatten)]
    pub kind: FaultKind,
}

fn one() -> u32 {
    1
}

impl Fault {
    pub fn throttle(path_prefix: &str, retry_after: Option<u64>) -> Fault {
        Fault {
            method: None,
            path_prefix: Some(path_prefix.into()),
            count: 1,
            in_batch: false,
            kind: FaultKind::Throttle { retry_after },
        }
    }

    pub fn unavailable(path_prefix: &str) -> Fault {
        Fault {
            method: None,
            path_prefix: Some(path_prefix.into()),
            count: 1,
            in_batch: false,
            kind: FaultKind::Unavailable { retry_after: None },
        }
    }

    pub fn delay(path_prefix: &str, ms: u64) -> Fault {
        Fault {
            method: None,
            path_prefix: Some(path_prefix.into()),
            count: 1,
            in_batch: false,
            kind: FaultKind::Delay { ms },
        }
    }

    pub fn slow_answer(path_prefix: &str, ms: u64) -> Fault {
        Fault { kind: FaultKind::SlowAnswer { ms }, ..Fault::delay(path_prefix, ms) }
    }

    pub fn times(mut self, count: u32) -> Fault {
        self.count = count;
        self
    }

    pub fn method(mut self, method: &str) -> Fault {
        self.method = Some(method.to_uppercase());
        self
    }

    pub fn inside_batch(mut self) -> Fault {
        self.in_batch = true;
        self
    }

    fn matches(&self, method: &str, path: &str, in_batch: bool) -> bool {
        self.count > 0
            && self.in_batch == in_batch
            && self.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method))
            && self.path_prefix.as_deref().is_none_or(|p| path.to_lowercase().starts_with(&p.to_lowercase()))
    }
}

#[derive(Default)]
pub struct Faults {
    pub rules: Vec<Fault>,
}

impl Faults {
    /// The fault this request gets, if any (its rule's count goes down by one).
    pub fn take(&mut self, method: &str, path: &str, in_batch: bool) -> Option<FaultKind> {
        let rule = self.rules.iter_mut().find(|r| r.matches(method, path, in_batch))?;
        rule.count -= 1;
        let kind = rule.kind.clone();
        self.rules.retain(|r| r.count > 0);
        Some(kind)
    }
}
