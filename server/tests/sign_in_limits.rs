//! Guessing passwords at the development provider does not pay: the real binary, its real
//! login form, attempts as fast as a script can send them.

mod support;

use std::time::{Duration, Instant};
use support::{browser, Server, DEMO_PASSWORD};

const AMARA: &str = "amara.okoye@contoso.example";
const JONAS: &str = "jonas.weber@contoso.example";

/// The provider's login form for one browser: its CSRF token and authorization request are
/// reused for every attempt (as a person retrying on the same page does).
struct Form {
    client: reqwest::Client,
    base: String,
    csrf: String,
    request: String,
}

/// One attempt's answer: the status and the page's error text.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Answer {
    status: u16,
    error: String,
    retry_after: Option<u64>,
}

impl Form {
    async fn open(server: &Server) -> Form {
        let client = browser();
        let authorize = format!(
            "{}/oidc/authorize?response_type=code&client_id=portal&redirect_uri={}&scope=openid&state=s\
             &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256",
            server.base,
            url::form_urlencoded::byte_serialize(format!("{}/auth/callback", server.base).as_bytes())
                .collect::<String>()
        );
        let html = client.get(authorize).send().await.expect("authorize").text().await.expect("form");
        Form { csrf: field(&html, "csrf"), request: field(&html, "request"), client, base: server.base.clone() }
    }

    /// Posts a sign-in, from `address` when given (the test server trusts 127.0.0.1 as a proxy).
    async fn attempt(&self, user: &str, password: &str, address: Option<&str>) -> Answer {
        let mut req = self.client.post(format!("{}/oidc/login", self.base)).form(&[
            ("csrf", self.csrf.as_str()),
            ("request", self.request.as_str()),
            ("username", user),
            ("password", password),
        ]);
        if let Some(a) = address {
            req = req.header("x-forwarded-for", a);
        }
        let res = req.send().await.expect("login");
        let status = res.status().as_u16();
        let retry_after = res.headers().get("retry-after").and_then(|v| v.to_str().ok()?.parse().ok());
        let html = res.text().await.expect("body");
        let error = html
            .split_once("role=\"alert\">")
            .and_then(|(_, rest)| rest.split_once('<'))
            .map(|(text, _)| text.to_string())
            .unwrap_or_default();
        Answer { status, error, retry_after }
    }
}

fn field(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).unwrap_or_else(|| panic!("no {name} in {html}")) + marker.len();
    let end = html[start..].find('"').expect("quote") + start;
    html[start..end].replace("&amp;", "&").replace("&quot;", "\"").replace("&#39;", "'")
}

const WRONG: &str = "That user name and password don&#39;t match an account. Check both and try again.";

/// How many password checks the limits allow in `elapsed`: the free attempts, then one
/// after each wait (1 s, 2 s, 4 s, …).
fn checks_allowed_in(elapsed: Duration, free: u32) -> u32 {
    let (mut allowed, mut waited, mut wait) = (free, 0u64, 1u64);
    while waited + wait <= elapsed.as_secs() + 1 {
        waited += wait;
        wait *= 2;
        allowed += 1;
    }
    allowed
}

#[tokio::test]
async fn thirty_wrong_passwords_are_slowed_then_locked_out_and_another_account_is_unaffected() {
    // Everything at its default but the lockout, shortened so the test sees it end.
    let lockout = 8;
    let server = Server::start(&["--sign-in-lockout", &lockout.to_string()]).await;
    let form = Form::open(&server).await;

    let started = Instant::now();
    let mut answers = Vec::new();
    for i in 0..30 {
        answers.push(form.attempt(AMARA, &format!("guess-{i}"), None).await);
    }
    let elapsed = started.elapsed();
    let checked = answers.iter().filter(|a| a.status == 200).count() as u32;
    assert!(checked <= checks_allowed_in(elapsed, 3), "{checked} passwords were checked in {elapsed:?}: {answers:#?}");
    assert!(answers.iter().filter(|a| a.status == 200).all(|a| a.error == WRONG), "{answers:#?}");
    let refused: Vec<_> = answers.iter().filter(|a| a.status == 429).collect();
    assert_eq!(refused.len() as u32, 30 - checked, "{answers:#?}");
    assert!(refused.iter().all(|a| a.error.starts_with("Too many failed sign-ins. Wait ")), "{answers:#?}");
    assert!(refused.iter().all(|a| a.retry_after.is_some_and(|s| s >= 1)), "{answers:#?}");

    // The 31st, with the right password: refused while the lockout lasts…
    let locked_at = Instant::now();
    let right = form.attempt(AMARA, DEMO_PASSWORD, None).await;
    assert_eq!(right.status, 429, "the right password during the lockout: {right:?}");

    // …while another account signs in from the same address at once.
    let other = Form::open(&server).await;
    let jonas = other.attempt(JONAS, DEMO_PASSWORD, None).await;
    assert_eq!(jonas.status, 303, "another account: {jonas:?}");

    // Attempts during the lockout do not extend it: polling with the right password works
    // once it is over, and not much before.
    let mut polls = 0;
    loop {
        let answer = form.attempt(AMARA, DEMO_PASSWORD, None).await;
        if answer.status == 303 {
            break;
        }
        assert_eq!(answer.status, 429, "{answer:?}");
        polls += 1;
        assert!(locked_at.elapsed() < Duration::from_secs(lockout + 20), "still locked out after {polls} polls");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(
        started.elapsed() >= Duration::from_secs(lockout - 1),
        "signed in {:?} after the first failure, the lockout is {lockout} s",
        started.elapsed()
    );

    // Every failure and the lockout are in the log, with the address.
    let logs = server.logs();
    let failed = logs.lines().filter(|l| l.contains("sign-in failed") && l.contains("127.0.0.1")).count() as u32;
    assert_eq!(failed, checked, "{logs}");
    assert!(
        logs.lines().any(|l| l.contains("locked out after repeated failures") && l.contains("127.0.0.1")),
        "{logs}"
    );
    assert!(logs.contains("amara.okoye@contoso.example"), "{logs}");
    assert!(!logs.contains("guess-"), "a password in the log: {logs}");
}

#[tokio::test]
async fn an_account_that_does_not_exist_gets_the_same_answers_in_the_same_time() {
    let server = Server::start(&[]).await;
    let form = Form::open(&server).await;
    let mut real = Vec::new();
    let mut ghost = Vec::new();
    for i in 0..12 {
        real.push(form.attempt(AMARA, &format!("guess-{i}"), None).await);
        ghost.push(form.attempt("nobody@contoso.example", &format!("guess-{i}"), None).await);
    }
    // Waits are rounded to whole seconds; everything else is identical.
    let strip = |a: &Answer| Answer {
        retry_after: None,
        error: a.error.split(" Wait ").next().unwrap_or("").into(),
        ..a.clone()
    };
    assert_eq!(real.iter().map(strip).collect::<Vec<_>>(), ghost.iter().map(strip).collect::<Vec<_>>());

    // Timing: a password check happens for a missing account too. Interleaved samples of
    // fresh names (each its own counter) and the medians compared: skipping the check would
    // answer ~50 times faster.
    let timing = Server::start(&["--sign-in-delay-after", "1000", "--sign-in-address-delay-after", "1000"]).await;
    let form = Form::open(&timing).await;
    let users =
        ["amara.okoye", "jonas.weber", "priya.raman", "mateo.rossi", "hannah.lindqvist", "kenji.sato", "sofia.alvarez"];
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    for round in 0..3 {
        for (i, user) in users.iter().enumerate() {
            let started = Instant::now();
            form.attempt(&format!("{user}@contoso.example"), "wrong", None).await;
            known.push(started.elapsed());
            let started = Instant::now();
            form.attempt(&format!("ghost-{round}-{i}@contoso.example"), "wrong", None).await;
            unknown.push(started.elapsed());
        }
    }
    known.sort();
    unknown.sort();
    let (k, u) = (known[known.len() / 2].as_secs_f64(), unknown[unknown.len() / 2].as_secs_f64());
    assert!((0.33..3.0).contains(&(k / u)), "median {k:.4} s for accounts, {u:.4} s for names that are none");
}

#[tokio::test]
async fn an_address_is_limited_across_accounts_and_another_address_cannot_reset_it() {
    let server = Server::start(&[
        "--trusted-proxy",
        "127.0.0.1",
        "--sign-in-address-delay-after",
        "2",
        "--sign-in-address-lockout-after",
        "50",
    ])
    .await;
    let form = Form::open(&server).await;
    let attacker = Some("198.51.100.7");
    // One guess each for two accounts: the address, not the accounts, must now wait.
    assert_eq!(form.attempt(AMARA, "guess", attacker).await.status, 200);
    assert_eq!(form.attempt(JONAS, "guess", attacker).await.status, 200);
    assert_eq!(form.attempt("priya.raman@contoso.example", "guess", attacker).await.status, 429);

    // A success from another address does not clear the attacker's address…
    let other = Form::open(&server).await;
    assert_eq!(other.attempt(AMARA, DEMO_PASSWORD, Some("203.0.113.20")).await.status, 303);
    assert_eq!(form.attempt(JONAS, "guess", attacker).await.status, 429);
    // …and the same accounts from a third address are not held back by it.
    assert_eq!(other.attempt(JONAS, DEMO_PASSWORD, Some("203.0.113.30")).await.status, 303);

    let logs = server.logs();
    assert!(logs.lines().any(|l| l.contains("sign-in failed") && l.contains("198.51.100.7")), "{logs}");
    assert!(logs.lines().any(|l| l.contains("sign-in refused") && l.contains("198.51.100.7")), "{logs}");
}

#[tokio::test]
async fn forwarded_addresses_are_ignored_unless_the_peer_is_a_trusted_proxy() {
    let server = Server::start(&["--sign-in-address-delay-after", "2"]).await;
    let form = Form::open(&server).await;
    assert_eq!(form.attempt(AMARA, "guess", Some("198.51.100.1")).await.status, 200);
    assert_eq!(form.attempt(JONAS, "guess", Some("198.51.100.2")).await.status, 200);
    // Both counted against 127.0.0.1, whatever the header said.
    assert_eq!(form.attempt("kenji.sato@contoso.example", "guess", Some("198.51.100.3")).await.status, 429);
}
