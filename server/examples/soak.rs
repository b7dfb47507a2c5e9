//! The soak load generator (`scripts/soak` builds and runs it; a benchmark, not a test).
//!
//! Signs `--users` users in through the real `/oidc` flow, then for `--duration` seconds
//! keeps `--connections` connections busy, each its own HTTP client: most send a mix of the
//! portal's reads (home, apps, app details, devices, device details, protected apps,
//! notifications) and writes (Check status and Lock on the user's devices, installs and
//! uninstalls), `--streams` of them hold live event streams open (a ticket, then
//! `EventSource`'s request) and reconnect every 5–30 s, and `--slow` more open a stream and
//! never read it. Records per route and minute the latency (p50/p99, HdrHistogram), the
//! count and the errors (5xx, transport failures and any status a route should not answer),
//! and the server's resident memory (`/proc/<pid>/status`) every 5 s.

use hdrhistogram::Histogram;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Args {
    base: String,
    pid: u32,
    tenant: String,
    users: usize,
    connections: usize,
    streams: usize,
    slow: usize,
    duration: u64,
    out: String,
}

fn args() -> Args {
    let mut a = Args {
        base: "http://127.0.0.1:8798".into(),
        pid: 0,
        tenant: String::new(),
        users: 50,
        connections: 100,
        streams: 20,
        slow: 5,
        duration: 600,
        out: "target/soak/soak.json".into(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_default();
        match flag.as_str() {
            "--base" => a.base = value,
            "--pid" => a.pid = value.parse().unwrap_or(0),
            "--tenant" => a.tenant = value,
            "--users" => a.users = value.parse().unwrap_or(a.users),
            "--connections" => a.connections = value.parse().unwrap_or(a.connections),
            "--streams" => a.streams = value.parse().unwrap_or(a.streams),
            "--slow" => a.slow = value.parse().unwrap_or(a.slow),
            "--duration" => a.duration = value.parse().unwrap_or(a.duration),
            "--out" => a.out = value,
            other => panic!("unknown flag {other}"),
        }
    }
    a
}

/// One route's results in one minute.
struct Window {
    latency: Histogram<u64>,
    count: u64,
    errors: u64,
    /// Statuses the route may answer under this load (409 pending, 403 refused, 429 …).
    expected_refusals: u64,
}

impl Window {
    fn new() -> Window {
        Window {
            latency: Histogram::new_with_bounds(1, 60_000_000, 3).expect("histogram"),
            count: 0,
            errors: 0,
            expected_refusals: 0,
        }
    }
}

#[derive(Default)]
struct Stats {
    /// (route, minute) → window.
    windows: BTreeMap<(String, u64), Window>,
    error_samples: Vec<String>,
    events_received: u64,
    streams_opened: u64,
}

type Shared = Arc<Mutex<Stats>>;

fn record(stats: &Shared, started: Instant, route: &str, took: Duration, outcome: Outcome) {
    let minute = started.elapsed().as_secs() / 60;
    let mut s = stats.lock().unwrap_or_else(|e| e.into_inner());
    let w = s.windows.entry((route.to_string(), minute)).or_insert_with(Window::new);
    w.count += 1;
    let _ = w.latency.record(took.as_micros().max(1) as u64);
    match outcome {
        Outcome::Ok => {}
        Outcome::Refused => w.expected_refusals += 1,
        Outcome::Error(e) => {
            w.errors += 1;
            if s.error_samples.len() < 50 {
                s.error_samples.push(format!("{route}: {e}"));
            }
        }
    }
}

enum Outcome {
    Ok,
    Refused,
    Error(String),
}

struct User {
    token: String,
    devices: Vec<String>,
    apps: Vec<String>,
}

/// The OpenID Connect code + PKCE flow, as the SPA does it.
async fn sign_in(base: &str, upn: &str) -> anyhow::Result<String> {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let client = reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build()?;
    let verifier = URL_SAFE_NO_PAD.encode(Sha256::digest(format!("{upn}{:?}", Instant::now())));
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let redirect = format!("{base}/auth/callback");
    let html = client
        .get(format!("{base}/oidc/authorize"))
        .query(&[
            ("response_type", "code"),
            ("client_id", "portal"),
            ("redirect_uri", &redirect),
            ("scope", "openid profile offline_access"),
            ("state", "soak"),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await?
        .text()
        .await?;
    let field = |name: &str| -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let start = html.find(&marker).map(|i| i + marker.len()).unwrap_or(0);
        let end = html[start..].find('"').map(|i| i + start).unwrap_or(start);
        html[start..end].replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
    };
    let res = client
        .post(format!("{base}/oidc/login"))
        .form(&[
            ("csrf", field("csrf")),
            ("request", field("request")),
            ("username", upn.to_string()),
            ("password", "Portal-Demo-2026!".to_string()),
        ])
        .send()
        .await?;
    let location = res.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let code = url::Url::parse(&location)?
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .ok_or_else(|| anyhow::anyhow!("no code for {upn}: {location}"))?;
    let tokens: Value = client
        .post(format!("{base}/oidc/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", "portal"),
            ("code", &code),
            ("redirect_uri", &redirect),
            ("code_verifier", &verifier),
        ])
        .send()
        .await?
        .json()
        .await?;
    Ok(tokens["access_token"].as_str().unwrap_or_default().to_string())
}

async fn prepare(base: &str, upn: &str) -> anyhow::Result<User> {
    let token = sign_in(base, upn).await?;
    let http = reqwest::Client::new();
    let devices: Value = http.get(format!("{base}/api/v1/me/devices")).bearer_auth(&token).send().await?.json().await?;
    let devices: Vec<String> = devices["devices"]
        .as_array()
        .map(|d| d.iter().filter_map(|x| x["device"]["id"].as_str().map(String::from)).collect())
        .unwrap_or_default();
    let device = devices.first().cloned().unwrap_or_else(|| "none".into());
    let apps: Value = http
        .get(format!("{base}/api/v1/me/apps?device={device}&limit=100"))
        .bearer_auth(&token)
        .send()
        .await?
        .json()
        .await?;
    let apps = apps["apps"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|x| x["catalog"]["canInstall"] == true && x["app"]["source"] != "webLink")
                .filter_map(|x| x["app"]["id"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    Ok(User { token, devices, apps })
}

/// One connection sending the mixed traffic until `deadline`.
async fn worker(base: String, users: Arc<Vec<User>>, first: usize, stats: Shared, started: Instant, deadline: Instant) {
    let http =
        reqwest::Client::builder().pool_max_idle_per_host(1).timeout(Duration::from_secs(30)).build().expect("client");
    let mut n = first;
    while Instant::now() < deadline {
        n += 1;
        let user = &users[n % users.len()];
        let device = user.devices.get(n % user.devices.len().max(1)).cloned().unwrap_or_else(|| "none".into());
        let app = user.apps.get(n % user.apps.len().max(1)).cloned().unwrap_or_else(|| "teams".into());
        let roll = fastrand::u32(0..100);
        let (route, method, path, body, refusals): (&str, reqwest::Method, String, Option<Value>, &[u16]) = match roll {
            0..=19 => ("GET /me/home", reqwest::Method::GET, "/api/v1/me/home".into(), None, &[]),
            20..=39 => {
                let offset = fastrand::usize(0..4) * 50;
                (
                    "GET /me/apps",
                    reqwest::Method::GET,
                    format!("/api/v1/me/apps?device={device}&offset={offset}"),
                    None,
                    &[],
                )
            }
            40..=47 => {
                ("GET /me/apps/{id}", reqwest::Method::GET, format!("/api/v1/me/apps/{app}?device={device}"), None, &[])
            }
            48..=57 => ("GET /me/devices", reqwest::Method::GET, "/api/v1/me/devices".into(), None, &[]),
            58..=67 => {
                ("GET /me/devices/{id}", reqwest::Method::GET, format!("/api/v1/me/devices/{device}"), None, &[])
            }
            68..=75 => ("GET /me/protected-apps", reqwest::Method::GET, "/api/v1/me/protected-apps".into(), None, &[]),
            76..=87 => ("GET /me/notifications", reqwest::Method::GET, "/api/v1/me/notifications".into(), None, &[]),
            88..=93 => {
                let action = if roll % 2 == 0 { "sync" } else { "remoteLock" };
                let body = json!({ "action": action });
                // 409: the same action is still pending; 403: not available on that device.
                (
                    "POST /me/devices/{id}/actions",
                    reqwest::Method::POST,
                    format!("/api/v1/me/devices/{device}/actions"),
                    Some(body),
                    &[403, 409],
                )
            }
            _ => {
                let op = if roll % 2 == 0 { "install" } else { "uninstall" };
                let body = json!({ "deviceId": device });
                (
                    "POST /me/apps/{id}/install|uninstall",
                    reqwest::Method::POST,
                    format!("/api/v1/me/apps/{app}/{op}"),
                    Some(body),
                    &[403],
                )
            }
        };
        let mut req = http.request(method, format!("{base}{path}")).bearer_auth(&user.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let t = Instant::now();
        let outcome = match req.send().await {
            Ok(res) => {
                let status = res.status().as_u16();
                let body = res.bytes().await;
                match (status, body) {
                    (_, Err(e)) => Outcome::Error(format!("body: {e}")),
                    (200..=299, _) => Outcome::Ok,
                    (s, _) if refusals.contains(&s) => Outcome::Refused,
                    (s, Ok(b)) => Outcome::Error(format!("{s} {}", String::from_utf8_lossy(&b[..b.len().min(200)]))),
                }
            }
            Err(e) => Outcome::Error(format!("transport: {e}")),
        };
        record(&stats, started, route, t.elapsed(), outcome);
    }
}

/// Holds an event stream for 5–30 s, reading it, then reconnects (ticket, then the stream).
async fn streamer(
    base: String,
    users: Arc<Vec<User>>,
    index: usize,
    stats: Shared,
    started: Instant,
    deadline: Instant,
) {
    let http = reqwest::Client::new();
    let user = &users[index % users.len()];
    while Instant::now() < deadline {
        let t = Instant::now();
        let ticket = match http.post(format!("{base}/api/v1/me/events/ticket")).bearer_auth(&user.token).send().await {
            Ok(res) if res.status() == 200 => {
                res.json::<Value>().await.ok().and_then(|v| v["ticket"].as_str().map(String::from))
            }
            Ok(res) => {
                record(
                    &stats,
                    started,
                    "POST /me/events/ticket",
                    t.elapsed(),
                    Outcome::Error(res.status().to_string()),
                );
                None
            }
            Err(e) => {
                record(&stats, started, "POST /me/events/ticket", t.elapsed(), Outcome::Error(e.to_string()));
                None
            }
        };
        let Some(ticket) = ticket else {
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        };
        record(&stats, started, "POST /me/events/ticket", t.elapsed(), Outcome::Ok);
        let t = Instant::now();
        let mut res = match http.get(format!("{base}/api/v1/me/events?ticket={ticket}")).send().await {
            Ok(res) if res.status() == 200 => res,
            Ok(res) => {
                let outcome =
                    if res.status() == 429 { Outcome::Refused } else { Outcome::Error(res.status().to_string()) };
                record(&stats, started, "GET /me/events (to ready)", t.elapsed(), outcome);
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
            Err(e) => {
                record(&stats, started, "GET /me/events (to ready)", t.elapsed(), Outcome::Error(e.to_string()));
                continue;
            }
        };
        let hold = Instant::now() + Duration::from_secs(fastrand::u64(5..=30));
        let mut ready = false;
        stats.lock().unwrap_or_else(|e| e.into_inner()).streams_opened += 1;
        while Instant::now() < hold.min(deadline) {
            match tokio::time::timeout(Duration::from_secs(1), res.chunk()).await {
                Ok(Ok(Some(chunk))) => {
                    let text = String::from_utf8_lossy(&chunk);
                    if !ready && text.contains("event: ready") {
                        ready = true;
                        record(&stats, started, "GET /me/events (to ready)", t.elapsed(), Outcome::Ok);
                    }
                    let events = text.matches("\nevent: ").count() as u64 + u64::from(text.starts_with("event: "));
                    stats.lock().unwrap_or_else(|e| e.into_inner()).events_received += events;
                }
                Ok(Ok(None)) => {
                    record(
                        &stats,
                        started,
                        "GET /me/events (held)",
                        t.elapsed(),
                        Outcome::Error("the server ended the stream".into()),
                    );
                    break;
                }
                Ok(Err(e)) => {
                    record(&stats, started, "GET /me/events (held)", t.elapsed(), Outcome::Error(e.to_string()));
                    break;
                }
                Err(_) => {} // nothing in the last second
            }
        }
    }
}

/// Opens a stream and never reads it: the server must not buffer for it.
async fn slow_reader(base: String, users: Arc<Vec<User>>, index: usize, deadline: Instant) {
    let user = &users[index % users.len()];
    let http = reqwest::Client::new();
    if let Ok(res) = http.get(format!("{base}/api/v1/me/events")).bearer_auth(&user.token).send().await {
        tokio::time::sleep_until(tokio::time::Instant::from_std(deadline)).await;
        drop(res);
    }
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let a = args();
    let tenant = std::fs::read_to_string(&a.tenant)?;
    let upns: Vec<String> = tenant
        .lines()
        .filter_map(|l| l.strip_prefix("upn = \"").and_then(|r| r.strip_suffix('"')).map(String::from))
        .take(a.users)
        .collect();
    eprintln!("soak: signing in {} users …", upns.len());
    let mut users = Vec::new();
    for upn in &upns {
        users.push(prepare(&a.base, upn).await?);
    }
    let users = Arc::new(users);

    // Bounded streams per user: the eleventh of one user is refused.
    let http = reqwest::Client::new();
    let mut held = Vec::new();
    let mut refused_at = None;
    for i in 0..12 {
        let res = http.get(format!("{}/api/v1/me/events", a.base)).bearer_auth(&users[0].token).send().await?;
        if res.status() == 429 && refused_at.is_none() {
            refused_at = Some(i + 1);
        }
        held.push(res);
    }
    drop(held);
    eprintln!("soak: one user's streams: number {} refused (429)", refused_at.map_or("none".into(), |n| n.to_string()));

    let stats: Shared = Arc::new(Mutex::new(Stats::default()));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(a.duration);
    let mut memory = vec![(0u64, rss_kib(a.pid))];
    let mut tasks = Vec::new();
    let plain = a.connections.saturating_sub(a.streams);
    for i in 0..plain {
        tasks.push(tokio::spawn(worker(a.base.clone(), users.clone(), i * 7, stats.clone(), started, deadline)));
    }
    for i in 0..a.streams {
        tasks.push(tokio::spawn(streamer(a.base.clone(), users.clone(), i + 1, stats.clone(), started, deadline)));
    }
    for i in 0..a.slow {
        tasks.push(tokio::spawn(slow_reader(a.base.clone(), users.clone(), i + 2, deadline)));
    }
    while Instant::now() < deadline {
        tokio::time::sleep(Duration::from_secs(5)).await;
        memory.push((started.elapsed().as_secs(), rss_kib(a.pid)));
        let s = stats.lock().unwrap_or_else(|e| e.into_inner());
        let (count, errors): (u64, u64) = s.windows.values().fold((0, 0), |(c, e), w| (c + w.count, e + w.errors));
        eprint!(
            "\rsoak: {:>4} s, {count} requests, {errors} errors, {} KiB   ",
            started.elapsed().as_secs(),
            rss_kib(a.pid)
        );
    }
    for t in tasks {
        let _ = t.await;
    }
    memory.push((started.elapsed().as_secs(), rss_kib(a.pid)));
    eprintln!();

    // The report.
    let s = stats.lock().unwrap_or_else(|e| e.into_inner());
    let secs = started.elapsed().as_secs_f64();
    let mut routes: BTreeMap<String, (Histogram<u64>, u64, u64, u64)> = BTreeMap::new();
    for ((route, _), w) in &s.windows {
        let e = routes
            .entry(route.clone())
            .or_insert_with(|| (Histogram::new_with_bounds(1, 60_000_000, 3).expect("h"), 0, 0, 0));
        let _ = e.0.add(&w.latency);
        e.1 += w.count;
        e.2 += w.errors;
        e.3 += w.expected_refusals;
    }
    println!("\n| route | requests | req/s | p50 | p99 | errors | expected refusals |");
    println!("|---|---|---|---|---|---|---|");
    let (mut total, mut errors) = (0, 0);
    for (route, (h, count, err, refused)) in &routes {
        total += count;
        errors += err;
        println!(
            "| {route} | {count} | {:.0} | {:.1} ms | {:.1} ms | {err} | {refused} |",
            *count as f64 / secs,
            h.value_at_quantile(0.5) as f64 / 1000.0,
            h.value_at_quantile(0.99) as f64 / 1000.0
        );
    }
    println!("\nall routes: {total} requests in {secs:.0} s ({:.0}/s), {errors} errors", total as f64 / secs);
    println!("event streams opened and read: {}, events received: {}", s.streams_opened, s.events_received);
    println!("\np50 / p99 per minute (ms):\n");
    let minutes: Vec<u64> =
        s.windows.keys().map(|(_, m)| *m).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    println!("| route | {} |", minutes.iter().map(|m| format!("min {}", m + 1)).collect::<Vec<_>>().join(" | "));
    println!("|---|{}", "---|".repeat(minutes.len()));
    for route in routes.keys() {
        let cells: Vec<String> = minutes
            .iter()
            .map(|m| match s.windows.get(&(route.clone(), *m)) {
                Some(w) => format!(
                    "{:.1} / {:.1}",
                    w.latency.value_at_quantile(0.5) as f64 / 1000.0,
                    w.latency.value_at_quantile(0.99) as f64 / 1000.0
                ),
                None => "—".into(),
            })
            .collect();
        println!("| {route} | {} |", cells.join(" | "));
    }
    let at = |secs: u64| memory.iter().find(|(t, _)| *t >= secs).or(memory.last()).map(|(_, k)| *k).unwrap_or(0);
    let (start, minute, end) = (memory[0].1, at(60), memory.last().map(|(_, k)| *k).unwrap_or(0));
    let growth = if minute > 0 { (end as f64 - minute as f64) / minute as f64 * 100.0 } else { 0.0 };
    println!(
        "\nserver memory (RSS): start {:.1} MiB, after 1 min {:.1} MiB, end {:.1} MiB ({growth:+.1} % after warm-up)",
        start as f64 / 1024.0,
        minute as f64 / 1024.0,
        end as f64 / 1024.0
    );
    if !s.error_samples.is_empty() {
        println!("\nerrors (first {}):", s.error_samples.len());
        for e in &s.error_samples {
            println!("  {e}");
        }
    }
    let report = json!({
        "seconds": secs, "connections": a.connections, "streams": a.streams, "slow_readers": a.slow, "users": users.len(),
        "requests": total, "errors": errors, "stream_refused_at": refused_at,
        "memory_kib": memory, "routes": routes.iter().map(|(r, (h, c, e, x))| json!({
            "route": r, "requests": c, "errors": e, "expected_refusals": x,
            "p50_ms": h.value_at_quantile(0.5) as f64 / 1000.0, "p99_ms": h.value_at_quantile(0.99) as f64 / 1000.0,
        })).collect::<Vec<_>>(),
    });
    if let Some(dir) = std::path::Path::new(&a.out).parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&a.out, serde_json::to_vec_pretty(&report)?)?;
    println!("\n(report: {})", a.out);
    Ok(())
}
