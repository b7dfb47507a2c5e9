//! Fault injection and latency: 429 with and without Retry-After, 503, a delay, N times, by
//! method and path prefix; the global added latency; the control API over HTTP.

use std::time::{Duration, Instant};

use crate::support::*;
use fake_graph::Fault;
use serde_json::{json, Value};

#[tokio::test]
async fn throttling_and_outages_for_the_next_n_matching_requests() {
    let graph = start().await;
    let devices = format!("/v1.0/users/{AMARA}/managedDevices");
    graph.fake.inject(Fault::throttle("/v1.0/users/", Some(3)).times(2));
    graph.fake.inject(Fault::throttle("/v1.0/deviceAppManagement/", None).method("GET"));
    graph.fake.inject(Fault::unavailable("/v1.0/deviceManagement"));
    for _ in 0..2 {
        let response = graph.http.get(graph.url(&devices)).bearer_auth(&graph.token).send().await.expect("GET");
        assert_eq!(response.status().as_u16(), 429);
        assert_eq!(response.headers()["retry-after"], "3");
        let body: Value = response.json().await.expect("JSON");
        assert_eq!(body["error"]["code"], "TooManyRequests");
    }
    assert_eq!(graph.get(&devices).await.0, 200, "two times only");
    let response = graph
        .http
        .get(graph.url("/v1.0/deviceAppManagement/mobileApps"))
        .bearer_auth(&graph.token)
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status().as_u16(), 429);
    assert!(response.headers().get("retry-after").is_none(), "a 429 without Retry-After");
    assert_eq!(graph.get("/v1.0/deviceManagement?$select=intuneBrand").await.0, 503);
    assert_eq!(graph.get("/v1.0/deviceManagement?$select=intuneBrand").await.0, 200);
    let statuses: Vec<u16> =
        graph.fake.requests().iter().filter(|r| r.path.starts_with("/v1.0")).map(|r| r.status).collect();
    assert_eq!(statuses, [429, 429, 200, 429, 503, 200], "the log has each answer");
    assert!(graph.fake.writes().is_empty());
}

#[tokio::test]
async fn delays_and_the_global_latency() {
    let graph = start().await;
    graph.fake.inject(Fault::delay("/v1.0/deviceAppManagement/mobileAppCategories", 300));
    let started = Instant::now();
    assert_eq!(graph.get("/v1.0/deviceAppManagement/mobileAppCategories").await.0, 200);
    assert!(started.elapsed() >= Duration::from_millis(300), "the delayed answer came after {:?}", started.elapsed());
    graph.fake.set_latency(Duration::from_millis(50));
    let started = Instant::now();
    for _ in 0..3 {
        assert_eq!(graph.get("/v1.0/deviceAppManagement/mobileAppCategories").await.0, 200);
    }
    assert!(
        started.elapsed() >= Duration::from_millis(150),
        "three calls with 50 ms each took {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn the_control_api_over_http() {
    let graph = start().await;
    let control = |path: &str| graph.url(&format!("/_fake{path}"));
    let rule = json!({"kind": "throttle", "retryAfter": 1, "pathPrefix": "/v1.0/groups", "count": 1});
    let response = graph.http.post(control("/faults")).json(&rule).send().await.expect("POST");
    assert_eq!(response.status().as_u16(), 200);
    let response = graph.http.post(control("/faults")).json(&json!({"kind": "explode"})).send().await.expect("POST");
    assert_eq!(response.status().as_u16(), 400, "a rule it cannot read");
    assert_eq!(graph.get(&format!("/v1.0/groups/{G_SALES}")).await.0, 429);
    let (status, _) =
        graph.send("POST", &format!("/v1.0/deviceManagement/managedDevices/{AMARA_IPHONE}/remoteLock"), None).await;
    assert_eq!(status, 204);
    let pending: Value = graph.http.get(control("/pending")).send().await.expect("GET").json().await.expect("JSON");
    assert!(pending.as_array().expect("list").iter().any(|p| p["action"] == "remoteLock"));
    let done: Value = graph
        .http
        .post(control("/advance"))
        .json(&json!({"kind": "actions", "outcome": "fail"}))
        .send()
        .await
        .expect("POST")
        .json()
        .await
        .expect("JSON");
    assert_eq!(done["completed"][0]["action"], "remoteLock");
    let writes: Value = graph.http.get(control("/writes")).send().await.expect("GET").json().await.expect("JSON");
    assert_eq!(writes.as_array().map(Vec::len), Some(1));
    let log: Value = graph.http.get(control("/requests")).send().await.expect("GET").json().await.expect("JSON");
    assert!(log.as_array().expect("log").iter().any(|r| r["status"] == 429));
    let response = graph.http.put(control("/roles")).json(&json!({"roles": []})).send().await.expect("PUT");
    assert_eq!(response.status().as_u16(), 200);
    let response = graph.http.post(control("/reset")).send().await.expect("POST");
    assert_eq!(response.status().as_u16(), 204);
    assert!(graph.fake.requests().is_empty(), "reset clears the log");
    let violations: Value =
        graph.http.get(control("/violations")).send().await.expect("GET").json().await.expect("JSON");
    assert_eq!(violations, json!([]));
}
