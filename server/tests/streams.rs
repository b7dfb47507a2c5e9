//! Live event streams are bounded per user: the eleventh at once is refused (429, a problem
//! document), another user is unaffected, and a stream the client closes frees its place.

mod support;

use reqwest::Method;
use std::time::{Duration, Instant};
use support::{problem_of, sign_in, Server, DEMO_PASSWORD};

async fn open(server: &Server, token: &str) -> reqwest::Response {
    server.call(Method::GET, "/api/v1/me/events", token).send().await.expect("events")
}

#[tokio::test]
async fn a_user_holds_at_most_ten_streams_and_a_closed_one_frees_its_place() {
    let server = Server::start(&[]).await;
    let amara = sign_in(&server, "amara.okoye@contoso.example", DEMO_PASSWORD).await.access_token;
    let jonas = sign_in(&server, "jonas.weber@contoso.example", DEMO_PASSWORD).await.access_token;
    let mut streams = Vec::new();
    for i in 0..10 {
        let res = open(&server, &amara).await;
        assert_eq!(res.status(), 200, "stream {i}");
        streams.push(res);
    }
    let refused = open(&server, &amara).await;
    assert_eq!(refused.status(), 429);
    assert_eq!(refused.headers()["retry-after"], "15");
    assert_eq!(problem_of(refused).await.title, "Too many open event streams");
    // A ticket does not get round it.
    let ticket: serde_json::Value = server
        .call(Method::POST, "/api/v1/me/events/ticket", &amara)
        .send()
        .await
        .expect("ticket")
        .json()
        .await
        .expect("json");
    let by_ticket =
        server.get(&format!("/api/v1/me/events?ticket={}", ticket["ticket"].as_str().expect("ticket"))).await;
    assert_eq!(by_ticket.status(), 429);

    // Someone else is not affected.
    assert_eq!(open(&server, &jonas).await.status(), 200);

    // The client closes one: its place is free again (once the server notices).
    drop(streams.pop());
    let started = Instant::now();
    loop {
        let res = open(&server, &amara).await;
        if res.status() == 200 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "the closed stream's place was never freed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!("a closed stream's place was free after {:?}", started.elapsed());
}
