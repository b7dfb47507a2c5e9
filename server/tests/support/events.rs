//! Reading the Portal API's live events (server-sent events) in tests.
#![allow(dead_code)]

use serde_json::Value;
use std::time::Duration;

/// Reads server-sent events from a streaming response.
pub struct EventReader {
    res: reqwest::Response,
    buffer: String,
}

impl EventReader {
    pub fn new(res: reqwest::Response) -> EventReader {
        assert_eq!(res.status(), 200);
        assert!(res.headers()["content-type"].to_str().expect("ascii").starts_with("text/event-stream"));
        EventReader { res, buffer: String::new() }
    }

    /// The next event (name, data), skipping keep-alive comments.
    pub async fn next(&mut self) -> (String, Value) {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut name = String::from("message");
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        name = v.trim().to_string();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim_start());
                    }
                }
                if data.is_empty() && name == "message" {
                    continue; // a comment
                }
                return (name, serde_json::from_str(&data).unwrap_or(Value::String(data)));
            }
            let chunk = tokio::time::timeout(Duration::from_secs(20), self.res.chunk())
                .await
                .expect("an event within 20 s")
                .expect("stream")
                .expect("stream still open");
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// Skips events until one satisfies `pred` (within 50 events and 30 s: keep-alive
    /// comments alone never end the wait otherwise).
    pub async fn until(&mut self, what: &str, pred: impl Fn(&str, &Value) -> bool) -> Value {
        let waiting = async {
            for _ in 0..50 {
                let (name, data) = self.next().await;
                if pred(&name, &data) {
                    return Some(data);
                }
            }
            None
        };
        match tokio::time::timeout(Duration::from_secs(30), waiting).await {
            Ok(Some(data)) => data,
            _ => panic!("no event: {what}"),
        }
    }
}

impl EventReader {
    /// Opens `/api/v1/me/events` on `server` with `token` (a streamed request, as the page's
    /// fetch does) and reads up to the `ready` event.
    pub async fn open(server: &super::Server, token: &str) -> EventReader {
        let res = server.call(reqwest::Method::GET, "/api/v1/me/events", token).send().await.expect("events");
        let mut reader = EventReader::new(res);
        reader.until("ready", |name, _| name == "ready").await;
        reader
    }
}
