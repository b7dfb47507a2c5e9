//! Harness for the end-to-end tests: a real `portal-server` serving the release build of
//! the SPA, and a real headless Chromium driven over WebDriver (chromedriver + fantoccini).
//!
//! `scripts/test` builds both first and points at them with `PORTAL_SERVER_BIN` and
//! `PORTAL_DIST`; without those the defaults below are the workspace's own build outputs.

pub mod interop;
pub mod postgres;

use anyhow::{anyhow, bail, Context, Result};
use fantoccini::{Client, ClientBuilder, Locator};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// How long any single wait in a test may take before it fails with a message.
pub const WAIT: Duration = Duration::from_secs(20);

/// The workspace this harness belongs to (artifacts go under its `target/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn path_from_env(var: &str, default: &str) -> PathBuf {
    std::env::var_os(var).map(PathBuf::from).unwrap_or_else(|| workspace_root().join(default))
}

/// A `portal-server serve` process with its own temporary database; killed on drop.
pub struct Portal {
    pub url: String,
    pub dir: tempfile::TempDir,
    child: Child,
}

impl Portal {
    /// Starts the server on an ephemeral port, serving the built SPA, with `tenant`
    /// (TOML text) as its tenant file, or the demo tenant when `None`.
    pub async fn start(tenant: Option<&str>) -> Result<Portal> {
        Portal::start_with(tenant, None, &[]).await
    }

    /// [`Portal::start`], serving `dist` instead of the built SPA when given (e.g. a copy
    /// with another config.json), with `args` added to `portal-server serve`.
    pub async fn start_with(tenant: Option<&str>, dist: Option<&Path>, args: &[&str]) -> Result<Portal> {
        Portal::start_on(None, tenant, dist, args).await
    }

    /// [`Portal::start_with`] on the database `db` (`--db`: e.g. a PostgreSQL URL several
    /// instances share) instead of a new SQLite file.
    pub async fn start_on(
        db: Option<&str>,
        tenant: Option<&str>,
        dist: Option<&Path>,
        args: &[&str],
    ) -> Result<Portal> {
        let bin = path_from_env("PORTAL_SERVER_BIN", "target/debug/portal-server");
        let dist = dist.map(Path::to_path_buf).unwrap_or_else(|| path_from_env("PORTAL_DIST", "dist"));
        if !bin.is_file() {
            bail!("{} is missing: build it with `cargo build -p portal-server` (scripts/test does)", bin.display());
        }
        if !dist.join("index.html").is_file() {
            bail!(
                "{} has no index.html: build the SPA with `trunk build --release` (scripts/test does)",
                dist.display()
            );
        }
        let dir = tempfile::tempdir()?;
        let db = db.map_or_else(|| dir.path().join("portal.db").into_os_string(), std::ffi::OsString::from);
        let mut cmd = Command::new(&bin);
        cmd.arg("serve").arg("--listen").arg("127.0.0.1:0").arg("--db").arg(&db).arg("--dist").arg(&dist);
        if let Some(text) = tenant {
            let file = dir.path().join("tenant.toml");
            std::fs::write(&file, text)?;
            cmd.arg("--tenant").arg(&file);
        }
        cmd.args(args);
        let mut child = cmd
            .env("PORTAL_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        let mut lines = BufReader::new(child.stdout.take().ok_or_else(|| anyhow!("no stdout"))?).lines();
        let url = tokio::time::timeout(WAIT, async {
            while let Some(line) = lines.next_line().await? {
                if let Some(url) = line.strip_prefix("portal-server listening on ") {
                    return Ok(url.to_string());
                }
            }
            bail!("portal-server exited before it listened")
        })
        .await
        .map_err(|_| anyhow!("portal-server did not listen within {WAIT:?}"))??;
        Ok(Portal { url, dir, child })
    }

    pub async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T> {
        Ok(reqwest::get(format!("{}{path}", self.url)).await?.error_for_status()?.json().await?)
    }
}

impl Drop for Portal {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

/// A headless Chromium session through chromedriver; both end on drop (call
/// [`Browser::close`] to end the session cleanly).
pub struct Browser {
    pub client: Client,
    pub engine: Engine,
    driver: Child,
    _profile: tempfile::TempDir,
}

/// Which browser a session drives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Chromium,
    Firefox,
}

impl Browser {
    pub async fn chromium(width: u32, height: u32) -> Result<Browser> {
        Browser::chromium_in_language(width, height, "en-US").await
    }

    /// [`Browser::chromium`] whose preferred language (`navigator.languages`, the UI
    /// language) is `language`, e.g. `ar`, followed by English.
    pub async fn chromium_in_language(width: u32, height: u32, language: &str) -> Result<Browser> {
        Browser::chromium_with(width, height, language, false).await
    }

    /// [`Browser::chromium`] that keeps Chromium's network log ([`Browser::network_log`]).
    pub async fn chromium_with_network_log(width: u32, height: u32) -> Result<Browser> {
        Browser::chromium_with(width, height, "en-US", true).await
    }

    async fn chromium_with(width: u32, height: u32, language: &str, network_log: bool) -> Result<Browser> {
        let driver_bin = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let port = free_port()?;
        let driver = Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {driver_bin}"))?;
        wait_for_port(port).await.context("chromedriver did not start")?;

        let profile = tempfile::tempdir()?;
        let accept_languages =
            if language.starts_with("en") { format!("{language},en") } else { format!("{language},en-US,en") };
        let caps = serde_json::json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                // Without the background-networking flags Chromium keeps trying to reach
                // Google's hosts, which this closed network refuses.
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-quic", "--no-first-run", format!("--lang={language}"),
                    // Room for every viewport the tests use; set_viewport sets the page's size.
                    "--window-size=1600,1200".to_string(),
                    format!("--user-data-dir={}", profile.path().display()),
                ],
                "prefs": { "intl.accept_languages": accept_languages }
            }
        });
        let serde_json::Value::Object(mut caps) = caps else { unreachable!("a JSON object literal") };
        if network_log {
            caps.insert("goog:loggingPrefs".into(), serde_json::json!({ "performance": "ALL" }));
        }
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .context("opening a Chromium session")?;
        let browser = Browser { client, engine: Engine::Chromium, driver, _profile: profile };
        browser.set_viewport(width, height).await?;
        Ok(browser)
    }

    /// A headless Firefox (ESR) session through geckodriver, in English, with a window of
    /// `width`×`height` (Firefox has no device-metrics override; the window is the size).
    pub async fn firefox(width: u32, height: u32) -> Result<Browser> {
        let driver_bin = std::env::var("GECKODRIVER").unwrap_or_else(|_| "geckodriver".into());
        let firefox = std::env::var("FIREFOX").unwrap_or_else(|_| "/usr/bin/firefox-esr".into());
        let port = free_port()?;
        let driver = Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {driver_bin} (scripts/bootstrap installs it)"))?;
        wait_for_port(port).await.context("geckodriver did not start")?;
        let profile = tempfile::tempdir()?;
        let caps = serde_json::json!({
            "browserName": "firefox",
            "moz:firefoxOptions": {
                "binary": firefox,
                "args": ["-headless", "-profile", profile.path().display().to_string()],
                // Nothing of Mozilla's own background traffic on this closed network.
                "prefs": {
                    "intl.accept_languages": "en-US, en",
                    "app.update.enabled": false,
                    "browser.safebrowsing.malware.enabled": false,
                    "browser.safebrowsing.phishing.enabled": false,
                    "network.captive-portal-service.enabled": false,
                    "network.connectivity-service.enabled": false,
                    "datareporting.policy.dataSubmissionEnabled": false,
                    "toolkit.telemetry.enabled": false
                }
            }
        });
        let serde_json::Value::Object(caps) = caps else { unreachable!("a JSON object literal") };
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .context("opening a Firefox session")?;
        let browser = Browser { client, engine: Engine::Firefox, driver, _profile: profile };
        browser.set_viewport(width, height).await?;
        Ok(browser)
    }

    /// A session of `engine` (see [`Browser::chromium`] and [`Browser::firefox`]).
    pub async fn start(engine: Engine, width: u32, height: u32) -> Result<Browser> {
        match engine {
            Engine::Chromium => Browser::chromium(width, height).await,
            Engine::Firefox => Browser::firefox(width, height).await,
        }
    }

    /// Runs one DevTools (CDP) command, e.g. `Network.clearBrowserCache`.
    pub async fn devtools(&self, method: &'static str, params: serde_json::Value) -> Result<serde_json::Value> {
        self.client.issue_cmd(DevTools { method, params }).await.with_context(|| format!("DevTools {method}"))
    }

    /// Makes the page's viewport `width`×`height` CSS pixels, as on a phone or a desktop.
    /// A window size is not enough: headless Chromium keeps its windows at least 500 px
    /// wide and counts a frame in their height, so a "360×740" window laid the page out at
    /// 500×597. DevTools' device-metrics override sets the page's size exactly.
    pub async fn set_viewport(&self, width: u32, height: u32) -> Result<()> {
        if self.engine == Engine::Firefox {
            self.client.set_window_size(width, height).await.context("setting the window size")?;
            return Ok(());
        }
        self.client
            .issue_cmd(DevTools {
                method: "Emulation.setDeviceMetricsOverride",
                params: serde_json::json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": false }),
            })
            .await
            .context("setting the viewport")?;
        let inner = self.eval("[window.innerWidth, window.innerHeight]").await?;
        anyhow::ensure!(
            inner == serde_json::json!([width, height]),
            "asked for a {width}×{height} viewport, got {inner}"
        );
        Ok(())
    }

    /// The trimmed text of the first element matching `css`, waiting for it to appear.
    ///
    /// The app navigates by itself (the silent `prompt=none` sign-in after a load, the
    /// callback's redirect), and chromedriver aborts a command that meets a navigation or an
    /// element that the new page replaced: those are retried until [`WAIT`] runs out.
    pub async fn text_of(&self, css: &str) -> Result<String> {
        let text = self.on_element(css, "waiting for", |el| async move { el.text().await }).await?;
        Ok(text.trim().to_string())
    }

    /// Waits for `css` and runs `act` on it, again from the start when the page changed
    /// under the command (see [`Browser::text_of`]) until [`WAIT`] runs out.
    async fn on_element<T, F, Fut>(&self, css: &str, doing: &str, act: F) -> Result<T>
    where
        F: Fn(fantoccini::elements::Element) -> Fut,
        Fut: std::future::Future<Output = Result<T, fantoccini::error::CmdError>>,
    {
        let started = Instant::now();
        loop {
            let attempt = async { act(self.client.wait().at_most(WAIT).for_element(Locator::Css(css)).await?).await };
            match attempt.await {
                Ok(value) => return Ok(value),
                Err(e) if is_transient(&e) && started.elapsed() < WAIT => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => return Err(e).with_context(|| format!("{doing} `{css}`")),
            }
        }
    }

    /// Waits until `css` has exactly `want` as its text (it may render in steps).
    pub async fn wait_for_text(&self, css: &str, want: &str) -> Result<()> {
        let started = Instant::now();
        loop {
            let got = self.text_of(css).await?;
            if got == want {
                return Ok(());
            }
            if started.elapsed() > WAIT {
                bail!("`{css}` shows {got:?}, expected {want:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits for `css` and clicks it.
    pub async fn click(&self, css: &str) -> Result<()> {
        self.on_element(css, "clicking", |el| async move { el.click().await }).await
    }

    /// Waits for the input `css` and types `text` into it.
    pub async fn fill(&self, css: &str, text: &str) -> Result<()> {
        self.on_element(css, "typing into", |el| async move { el.send_keys(text).await }).await
    }

    /// Waits until the page's path is `want`.
    pub async fn wait_for_path(&self, want: &str) -> Result<()> {
        let started = Instant::now();
        loop {
            let url = self.client.current_url().await?;
            if url.path() == want {
                return Ok(());
            }
            if started.elapsed() > WAIT {
                bail!("the page is at {url}, expected the path {want:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Evaluates a JavaScript expression in the page and returns its JSON value (a promise
    /// is awaited by WebDriver).
    /// Retried like [`Browser::text_of`] when a navigation aborts it, so the expression must
    /// be a read or idempotent (tests click with [`Browser::click`], not through here).
    pub async fn eval(&self, expr: &str) -> Result<serde_json::Value> {
        let started = Instant::now();
        loop {
            match self.client.execute(&format!("return {expr};"), vec![]).await {
                Ok(value) => return Ok(value),
                Err(e) if is_transient(&e) && started.elapsed() < WAIT => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Saves a PNG of the viewport under target/e2e-artifacts/ (kept as a test artifact).
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        let dir = workspace_root().join("target/e2e-artifacts");
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, self.client.screenshot().await?)?;
        Ok(path)
    }

    pub async fn close(mut self) -> Result<()> {
        self.client.clone().close().await?;
        let _ = self.driver.start_kill();
        Ok(())
    }
}

impl Drop for Browser {
    /// A test that fails before [`Browser::close`] would leave Chromium running: chromedriver
    /// dies with `kill_on_drop`, but the browser it started outlives it. This session's
    /// profile directory appears in the command line of exactly its own browser processes.
    fn drop(&mut self) {
        let needle = self._profile.path().to_string_lossy().into_owned();
        let Ok(entries) = std::fs::read_dir("/proc") else { return };
        let pids: Vec<String> = entries
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().bytes().all(|b| b.is_ascii_digit()))
            .filter(|e| {
                std::fs::read(e.path().join("cmdline"))
                    .is_ok_and(|c| c.windows(needle.len()).any(|w| w == needle.as_bytes()))
            })
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        if !pids.is_empty() {
            let _ = std::process::Command::new("sh").arg("-c").arg(format!("kill -9 {}", pids.join(" "))).status();
        }
    }
}

/// Errors that mean "the page changed under the command", not "the page is wrong".
/// A command the page's own navigation or re-render interrupted: worth sending again.
/// The stale element is matched by its WebDriver status, not its wording: geckodriver says
/// "The element with the reference … is stale", chromedriver "stale element reference".
fn is_transient(e: &fantoccini::error::CmdError) -> bool {
    e.is_stale_element_reference() || e.to_string().contains("aborted by navigation")
}

/// A port nothing listens on right now (for a helper process that needs its URL up front).
pub fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

async fn wait_for_port(port: u16) -> Result<()> {
    let started = Instant::now();
    while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
        if started.elapsed() > WAIT {
            bail!("nothing listens on port {port} after {WAIT:?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

/// Runs `step` again while it fails, up to [`WAIT`]: a WebDriver command sent while the page
/// navigates (the silent sign-in attempt, the provider's form) fails with "aborted by
/// navigation" instead of waiting.
pub async fn settled<T, F, Fut>(mut step: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    let started = Instant::now();
    loop {
        match step().await {
            Ok(value) => return Ok(value),
            Err(e) if started.elapsed() > WAIT => return Err(e),
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

/// The demo tenant's password for every user (server/tenants/demo.toml).
pub const DEMO_PASSWORD: &str = "Portal-Demo-2026!";

impl Browser {
    /// Opens `path` signed in as `user` through the development provider's form.
    pub async fn sign_in(&self, portal: &Portal, user: &str, path: &str) -> Result<()> {
        self.client.goto(&format!("{}{path}", portal.url)).await?;
        self.click("main button.sign-in").await?;
        self.fill("#username", user).await?;
        self.fill("#password", DEMO_PASSWORD).await?;
        self.click("form button[type=submit]").await?;
        self.wait_for_path(path).await?;
        // Signed in, not only back: the callback shows "/" while the token exchange's chunk
        // loads, and a visit started before the exchange ends would race it.
        self.wait_until("signed in", "document.querySelector('.site-header .sign-out') !== null").await
    }

    /// Goes to `path` inside the app (the router follows `popstate`), as a link would: a
    /// full page load would need a silent sign-in redirect, which the SPA allows once in 30 s.
    pub async fn visit(&self, path: &str) -> Result<()> {
        self.eval(&format!(
            "(history.pushState(null, '', {path:?}), dispatchEvent(new PopStateEvent('popstate')), true)"
        ))
        .await?;
        let want = path.split('?').next().unwrap_or(path);
        self.wait_for_path(want).await
    }

    /// Reloads the page signed in: lifts the SPA's once-in-30-s limit on silent sign-in
    /// redirects first, then waits for the header's Sign out.
    pub async fn reload_signed_in(&self) -> Result<()> {
        self.eval("(sessionStorage.removeItem('portal.auth.redirectedAt'), true)").await?;
        self.client.refresh().await?;
        self.wait_until("signed in again", "document.querySelector('.site-header .sign-out') !== null").await
    }

    /// Waits until the JavaScript expression `expr` is true.
    pub async fn wait_until(&self, what: &str, expr: &str) -> Result<()> {
        let started = Instant::now();
        loop {
            if self.eval(expr).await? == serde_json::Value::Bool(true) {
                return Ok(());
            }
            if started.elapsed() > WAIT {
                let text = self.eval("document.querySelector('main')?.innerText").await?;
                bail!("waited for {what}; the page shows: {text}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the text of the first element matching `css` contains `want`.
    pub async fn wait_for_contains(&self, css: &str, want: &str) -> Result<()> {
        let expr = format!("(document.querySelector({css:?})?.innerText ?? '').includes({want:?})");
        self.wait_until(&format!("`{css}` to contain {want:?}"), &expr).await
    }

    /// Presses `keys` (WebDriver key values: text, or `fantoccini::key::Key` as `char`s) as
    /// the keyboard would, into whatever has focus.
    pub async fn press(&self, keys: &str) -> Result<()> {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let mut actions = KeyActions::new("keyboard".into());
        for c in keys.chars() {
            actions = actions.then(KeyAction::Down { value: c }).then(KeyAction::Up { value: c });
        }
        self.client.perform_actions(actions).await?;
        Ok(())
    }

    /// Presses `key` while Shift is held (Shift+Tab).
    pub async fn press_shifted(&self, key: fantoccini::key::Key) -> Result<()> {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let shift: char = fantoccini::key::Key::Shift.into();
        let key: char = key.into();
        let actions = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: shift })
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key })
            .then(KeyAction::Up { value: shift });
        self.client.perform_actions(actions).await?;
        Ok(())
    }

    /// Presses Tab (Shift+Tab when `back`) until `expr` (JavaScript, about
    /// `document.activeElement`) is true; at most `max` presses.
    pub async fn tab_until(&self, what: &str, expr: &str, back: bool, max: usize) -> Result<()> {
        for _ in 0..max {
            if self.eval(expr).await? == serde_json::Value::Bool(true) {
                return Ok(());
            }
            if back {
                self.press_shifted(fantoccini::key::Key::Tab).await?;
            } else {
                self.press(&char::from(fantoccini::key::Key::Tab).to_string()).await?;
            }
        }
        let at = self.eval("document.activeElement?.outerHTML?.slice(0, 200)").await?;
        bail!("{max} presses of Tab did not reach {what}; focus is on {at}")
    }
}

/// axe-core's source, where scripts/bootstrap installs it (tests/e2e/axe; `AXE_CORE_JS`
/// names another copy).
pub fn axe_source() -> Result<String> {
    let path = std::env::var_os("AXE_CORE_JS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("axe/node_modules/axe-core/axe.min.js"));
    std::fs::read_to_string(&path)
        .with_context(|| format!("reading {} (scripts/bootstrap installs it: npm ci in tests/e2e/axe)", path.display()))
}

impl Browser {
    /// Injects axe-core unless the page already has it, runs it with the WCAG A and AA tags and
    /// returns one line per violation.
    pub async fn axe(&self, source: &str, page: &str) -> Result<Vec<String>> {
        let present = self.eval("typeof window.axe === 'object'").await?;
        if present != serde_json::Value::Bool(true) {
            // Run by WebDriver itself: the page's Content-Security-Policy allows no inline
            // `<script>` (a script element with axe's text in it would be blocked).
            self.client.execute(&format!("{source}\n;return typeof window.axe;"), vec![]).await?;
        }
        let result = self
            .client
            .execute(
                "return axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'] }, resultTypes: ['violations'] })
                   .then(r => r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, url: v.helpUrl,
                       targets: v.nodes.map(n => n.target.join(' ') + (n.failureSummary ? ' — ' + n.failureSummary.replace(/\\s+/g, ' ') : '')) })));",
                vec![],
            )
            .await?;
        let serde_json::Value::Array(violations) = result else { bail!("axe.run returned {result}") };
        Ok(violations
            .iter()
            .map(|v| {
                let targets: Vec<String> = v["targets"]
                    .as_array()
                    .map(|t| t.iter().filter_map(|x| x.as_str().map(String::from)).collect())
                    .unwrap_or_default();
                format!(
                    "{page}: {} ({}) {}\n      {}\n      help: {}",
                    v["id"].as_str().unwrap_or("?"),
                    v["impact"].as_str().unwrap_or("?"),
                    v["help"].as_str().unwrap_or(""),
                    targets.join("\n      "),
                    v["url"].as_str().unwrap_or("")
                )
            })
            .collect())
    }
}

/// A Chrome DevTools Protocol command, sent through chromedriver's `goog/cdp/execute`.
/// One request in Chromium's network log: its URL, the bytes that came over the network for
/// it (headers and body as sent, compressed; 0 from the memory or disk cache or the service
/// worker), and whether it was a page load.
#[derive(Debug, Clone)]
pub struct NetworkEntry {
    pub url: String,
    pub transferred: u64,
    pub document: bool,
    pub from_cache: bool,
    /// The request finished (or failed) by the time the log was read.
    pub finished: bool,
}

impl Browser {
    /// Every request since the last call (the log is emptied as it is read), from Chromium's
    /// DevTools network events. Needs [`Browser::chromium_with_network_log`].
    pub async fn network_log(&self) -> Result<Vec<NetworkEntry>> {
        Ok(parse_network_log(&self.read_performance_log().await?))
    }

    async fn read_performance_log(&self) -> Result<Vec<serde_json::Value>> {
        let log = self.client.issue_cmd(PerformanceLog).await.context("reading the performance log")?;
        Ok(log.as_array().cloned().unwrap_or_default())
    }
}

fn parse_network_log(log: &[serde_json::Value]) -> Vec<NetworkEntry> {
    {
        let mut entries: Vec<(String, NetworkEntry)> = Vec::new();
        for item in log {
            let Some(text) = item["message"].as_str() else { continue };
            let Ok(message) = serde_json::from_str::<serde_json::Value>(text) else { continue };
            let (method, params) = (&message["message"]["method"], &message["message"]["params"]);
            let id = params["requestId"].as_str().unwrap_or_default().to_string();
            let find = |entries: &mut Vec<(String, NetworkEntry)>| entries.iter().rposition(|(i, _)| *i == id);
            match method.as_str() {
                Some("Network.requestWillBeSent") => {
                    // A redirect reuses the request's id: the redirect response finished it.
                    if params.get("redirectResponse").is_some() {
                        if let Some(i) = find(&mut entries) {
                            let redirect = &params["redirectResponse"];
                            entries[i].1.transferred = redirect["encodedDataLength"].as_f64().unwrap_or(0.0) as u64;
                            entries[i].1.finished = true;
                        }
                    }
                    entries.push((
                        id.clone(),
                        NetworkEntry {
                            url: params["request"]["url"].as_str().unwrap_or_default().to_string(),
                            transferred: 0,
                            document: params["type"] == "Document",
                            from_cache: false,
                            finished: false,
                        },
                    ))
                }
                Some("Network.responseReceived") => {
                    if let Some(i) = find(&mut entries) {
                        let response = &params["response"];
                        entries[i].1.from_cache = response["fromDiskCache"] == true
                            || response["fromServiceWorker"] == true
                            || response["fromPrefetchCache"] == true;
                    }
                }
                Some("Network.loadingFinished") => {
                    if let Some(i) = find(&mut entries) {
                        entries[i].1.transferred = params["encodedDataLength"].as_f64().unwrap_or(0.0) as u64;
                        entries[i].1.finished = true;
                    }
                }
                Some("Network.loadingFailed") => {
                    if let Some(i) = find(&mut entries) {
                        entries[i].1.finished = true;
                    }
                }
                _ => {}
            }
        }
        entries.into_iter().map(|(_, e)| e).collect()
    }
}

#[derive(Debug)]
struct PerformanceLog;

impl fantoccini::wd::WebDriverCompatibleCommand for PerformanceLog {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(serde_json::json!({ "type": "performance" }).to_string()))
    }
}

impl Browser {
    /// [`Browser::network_log`] once every request in it has finished, or after [`WAIT`] with
    /// what is still pending named on stdout (a request Chromium neither finishes nor fails
    /// in its log, such as the event stream, then counts what it had so far).
    pub async fn network_log_when_idle(&self) -> Result<Vec<NetworkEntry>> {
        let started = Instant::now();
        let mut raw: Vec<serde_json::Value> = Vec::new();
        loop {
            raw.extend(self.read_performance_log().await?);
            let all = parse_network_log(&raw);
            let pending: Vec<&str> =
                all.iter().filter(|e| !e.finished && !e.url.contains("/me/events")).map(|e| e.url.as_str()).collect();
            if pending.is_empty() {
                return Ok(all);
            }
            if started.elapsed() > WAIT {
                println!("network log: still pending after {WAIT:?}: {pending:?}");
                return Ok(all);
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

#[derive(Debug)]
struct DevTools {
    method: &'static str,
    params: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for DevTools {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/goog/cdp/execute", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = serde_json::json!({ "cmd": self.method, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}
