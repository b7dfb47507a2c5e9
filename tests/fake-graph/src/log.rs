//! What the fake saw: every request (method, path, query, body, the status it answered) and
//! every contract violation, so a test can count writes ("zero writes") or fail on a violation.

use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoggedRequest {
    /// 1, 2, … in arrival order (inner `$batch` requests get their own).
    pub seq: u64,
    pub time: String,
    pub method: String,
    /// As sent, e.g. `/v1.0/users/…/managedDevices` (inner batch requests: with the version).
    pub path: String,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// The JSON body (the token endpoint's secret and assertion are redacted), or the raw text.
    pub body: Option<Value>,
    /// The status answered (0 while in flight).
    pub status: u16,
    /// The `$batch` request this one was part of.
    pub batch: Option<u64>,
    /// A state-changing Graph call (not a read, a report or the `$batch` envelope).
    pub write: bool,
    /// What the fake noticed that is legal but worth a test's attention (an empty wipe body).
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Violation {
    /// `request` (the client sent what Graph refuses), `response` (the fake was about to serve
    /// what the schema refuses), `unsupported` (legal for Graph, not served by the fake).
    pub kind: String,
    pub method: String,
    pub path: String,
    /// A JSON pointer into the body, or the query option.
    pub pointer: String,
    pub message: String,
}

#[derive(Default)]
pub struct Log {
    pub requests: Vec<LoggedRequest>,
    pub violations: Vec<Violation>,
    next: u64,
}

impl Log {
    pub fn start(
        &mut self,
        method: &str,
        path: &str,
        query: Option<&str>,
        body: Option<Value>,
        batch: Option<u64>,
    ) -> u64 {
        self.next += 1;
        self.requests.push(LoggedRequest {
            seq: self.next,
            time: crate::time_util::now(),
            method: method.to_owned(),
            path: path.to_owned(),
            query: query.map(str::to_owned),
            body,
            status: 0,
            batch,
            write: false,
            notes: Vec::new(),
        });
        self.next
    }

    pub fn entry(&mut self, seq: u64) -> Option<&mut LoggedRequest> {
        self.requests.iter_mut().rev().find(|r| r.seq == seq)
    }

    pub fn finish(&mut self, seq: u64, status: u16) {
        if let Some(entry) = self.entry(seq) {
            entry.status = status;
        }
    }

    pub fn violation(&mut self, kind: &str, method: &str, path: &str, pointer: &str, message: &str) {
        self.violations.push(Violation {
            kind: kind.into(),
            method: method.into(),
            path: path.into(),
            pointer: pointer.into(),
            message: message.into(),
        });
    }
}
