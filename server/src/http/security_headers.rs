//! Security headers: what a browser may do with the portal's pages and API answers.
//!
//! The SPA's Content-Security-Policy is derived from the deployment, once at start-up:
//! `connect-src` and `form-action` name the origins `config.json` (in `--dist`) points the
//! app at (`authority`, `apiBase`), and `script-src` carries the SHA-256 of every inline
//! `<script>` in the served `index.html` (the colour-scheme script, Trunk's loader), so
//! nothing else can run: no `'unsafe-inline'`, no `'unsafe-eval'` (`'wasm-unsafe-eval'`
//! lets the page compile its own wasm). HSTS is sent when `--public-url` is https.
//! Changing `config.json` or `index.html` in a deployed `dist/` takes a restart.
//!
//! API answers are data, never documents: `nosniff`, a CSP that allows nothing, and
//! `Cache-Control: no-store` on everything under `/api/v1/me` (personal data is never
//! kept by a browser or a proxy cache).

use anyhow::{bail, Context};
use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Request};
use axum::response::Response;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::Arc;

/// Browser features the portal never uses, turned off for the page and anything it embeds.
const PERMISSIONS_POLICY: &str = "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), \
gyroscope=(), hid=(), magnetometer=(), microphone=(), midi=(), payment=(), publickey-credentials-get=(), serial=(), \
usb=(), xr-spatial-tracking=()";

/// One year, the usual HSTS lifetime. No `includeSubDomains`: other hosts of the
/// organisation's domain are not this server's to decide.
const HSTS: &str = "max-age=31536000";

/// The headers of every response, computed once per process.
#[derive(Clone)]
pub struct SecurityHeaders {
    spa: Arc<HeaderMap>,
    api: Arc<HeaderMap>,
    /// `no-store` for `/api/v1/me*` (in addition to `api`).
    personal: Arc<HeaderMap>,
}

/// The parts of `config.json` that name other origins.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct SpaConfig {
    authority: Option<String>,
    api_base: Option<String>,
}

impl SecurityHeaders {
    /// For a server whose public URL is `public_url`, serving the SPA in `dist` (if any).
    pub fn new(public_url: &str, dist: Option<&Path>, report_uri: Option<&str>) -> anyhow::Result<SecurityHeaders> {
        let https = url::Url::parse(public_url).is_ok_and(|u| u.scheme() == "https");
        let mut common = HeaderMap::new();
        common.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        common.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
        common.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        if https {
            common.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
        }

        let mut api = common.clone();
        api.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"),
        );
        let mut personal = HeaderMap::new();
        personal.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));

        let mut spa = common;
        if let Some(dist) = dist {
            let mut csp = spa_policy(dist, https)?;
            if let Some(uri) = report_uri {
                let uri = url::Url::parse(uri).with_context(|| format!("--csp-report-uri {uri} is not a URL"))?;
                if uri.as_str().contains([';', ',']) {
                    bail!("--csp-report-uri {uri}: a URL with ';' or ',' would change the policy");
                }
                csp.push_str(&format!("; report-uri {uri}"));
            }
            spa.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_str(&csp).context("the CSP header")?);
        }
        spa.insert(HeaderName::from_static("permissions-policy"), HeaderValue::from_static(PERMISSIONS_POLICY));
        spa.insert(HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin"));
        spa.insert(HeaderName::from_static("cross-origin-resource-policy"), HeaderValue::from_static("same-origin"));
        Ok(SecurityHeaders { spa: Arc::new(spa), api: Arc::new(api), personal: Arc::new(personal) })
    }

    /// Adds the headers for a response to `path`: the API's under `/api`, none under
    /// `/oidc` (the provider's pages set their own, stricter ones), the SPA's elsewhere
    /// (its files, `index.html` for deep links, `/assets`). They replace any the inner
    /// service set.
    pub fn apply(&self, path: &str, mut res: Response) -> Response {
        let headers = res.headers_mut();
        if path == "/api" || path.starts_with("/api/") {
            extend(headers, &self.api);
            if path == "/api/v1/me" || path.starts_with("/api/v1/me/") {
                extend(headers, &self.personal);
            }
        } else if path != "/oidc" && !path.starts_with("/oidc/") {
            extend(headers, &self.spa);
        }
        res
    }

    /// The middleware (`axum::middleware::from_fn`) around the whole router.
    pub async fn middleware(self, req: Request<Body>, next: axum::middleware::Next) -> Response {
        let path = req.uri().path().to_string();
        let res = next.run(req).await;
        self.apply(&path, res)
    }
}

fn extend(into: &mut HeaderMap, from: &HeaderMap) {
    for (name, value) in from {
        into.insert(name, value.clone());
    }
}

/// The SPA's CSP for the build in `dist`.
fn spa_policy(dist: &Path, https: bool) -> anyhow::Result<String> {
    let index = dist.join("index.html");
    let html = std::fs::read_to_string(&index).with_context(|| format!("reading {}", index.display()))?;
    let hashes: Vec<String> = inline_scripts(&html).iter().map(|s| script_hash(s)).collect();

    let config_path = dist.join("config.json");
    let config: SpaConfig = match std::fs::read(&config_path) {
        Ok(bytes) => {
            serde_json::from_slice(&bytes).with_context(|| format!("{} is not valid JSON", config_path.display()))?
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => SpaConfig::default(),
        Err(e) => return Err(e).with_context(|| format!("reading {}", config_path.display())),
    };
    let mut connect = vec!["'self'".to_string()];
    let mut forms = vec!["'self'".to_string()];
    if let Some(origin) = config.authority.as_deref().map(origin_of).transpose()?.flatten() {
        connect.push(origin.clone());
        forms.push(origin);
    }
    if let Some(origin) = config.api_base.as_deref().map(origin_of).transpose()?.flatten() {
        connect.push(origin);
    }
    connect.dedup();
    let mut script = vec!["'self'".to_string(), "'wasm-unsafe-eval'".to_string()];
    script.extend(hashes.iter().map(|h| format!("'{h}'")));

    let mut directives = vec![
        "default-src 'self'".to_string(),
        format!("script-src {}", script.join(" ")),
        "style-src 'self'".to_string(),
        "img-src 'self' data:".to_string(),
        format!("connect-src {}", connect.join(" ")),
        "object-src 'none'".to_string(),
        "base-uri 'none'".to_string(),
        format!("form-action {}", forms.join(" ")),
        "frame-ancestors 'none'".to_string(),
        "frame-src 'none'".to_string(),
        "worker-src 'self'".to_string(),
        "manifest-src 'self'".to_string(),
    ];
    if https {
        directives.push("upgrade-insecure-requests".to_string());
    }
    Ok(directives.join("; "))
}

/// The origin a `config.json` URL names: `None` for a path on this origin (`/oidc`).
fn origin_of(value: &str) -> anyhow::Result<Option<String>> {
    let value = value.trim();
    if value.starts_with('/') && !value.starts_with("//") {
        return Ok(None);
    }
    let url = url::Url::parse(value).with_context(|| format!("config.json: {value:?} is neither a path nor a URL"))?;
    if !matches!(url.scheme(), "https" | "http") {
        bail!("config.json: {value:?} is not an http(s) URL");
    }
    Ok(Some(url.origin().ascii_serialization()))
}

/// `sha256-…` of a script's text, as CSP hashes it (the exact characters between the tags).
fn script_hash(text: &str) -> String {
    format!("sha256-{}", STANDARD.encode(Sha256::digest(text.as_bytes())))
}

/// The text of every `<script>` element without a `src` in `html`. Enough HTML for a page
/// we build ourselves: comments are skipped, tag names and attributes are case-insensitive.
fn inline_scripts(html: &str) -> Vec<&str> {
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(found) = next_tag(&lower, at) {
        match found {
            Tag::Comment(end) => at = end,
            Tag::Script(start) => {
                let Some(open_end) = lower[start..].find('>').map(|i| start + i) else { break };
                let attributes = &lower[start + "<script".len()..open_end];
                let body_start = open_end + 1;
                let Some(close) = lower[body_start..].find("</script").map(|i| body_start + i) else { break };
                if !has_src(attributes) {
                    out.push(&html[body_start..close]);
                }
                at = close;
            }
        }
    }
    out
}

enum Tag {
    /// Where a comment ends.
    Comment(usize),
    /// Where a `<script` tag starts.
    Script(usize),
}

fn next_tag(lower: &str, from: usize) -> Option<Tag> {
    let script = find_script_open(lower, from);
    let comment = lower[from..].find("<!--").map(|i| from + i);
    match (script, comment) {
        (Some(s), Some(c)) if c < s => {
            Some(Tag::Comment(lower[c..].find("-->").map(|i| c + i + 3).unwrap_or(lower.len())))
        }
        (Some(s), _) => Some(Tag::Script(s)),
        (None, _) => None,
    }
}

/// `<script` followed by whitespace, `>` or `/` (not `<scripts`).
fn find_script_open(lower: &str, from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(i) = lower[at..].find("<script") {
        let start = at + i;
        let next = lower[start + "<script".len()..].chars().next();
        if matches!(next, Some(c) if c.is_ascii_whitespace() || c == '>' || c == '/') {
            return Some(start);
        }
        at = start + 1;
    }
    None
}

fn has_src(attributes: &str) -> bool {
    attributes
        .split(|c: char| c.is_ascii_whitespace())
        .any(|a| a == "src" || a.starts_with("src=") || a.starts_with("src "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_found_and_scripts_with_src_or_in_comments_are_not() {
        let html = "<html><head><!-- <script>nope()</script> --><SCRIPT>a()</SCRIPT>\
            <script type=\"module\">import x from '/x.js';</script><script src=\"/y.js\"></script>\
            <scripts>no</scripts><script\n>b()</script></head></html>";
        assert_eq!(inline_scripts(html), vec!["a()", "import x from '/x.js';", "b()"]);
    }

    #[test]
    fn script_hashes_are_csp_sha256_of_the_exact_text() {
        // echo -n 'alert(1)' | openssl dgst -sha256 -binary | base64
        assert_eq!(script_hash("alert(1)"), "sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI=");
    }

    #[test]
    fn config_urls_name_their_origin_and_paths_name_none() {
        assert_eq!(origin_of("/oidc").expect("ok"), None);
        assert_eq!(
            origin_of("https://login.microsoftonline.com/t/v2.0").expect("ok").as_deref(),
            Some("https://login.microsoftonline.com")
        );
        assert_eq!(origin_of("http://127.0.0.1:9000/x").expect("ok").as_deref(), Some("http://127.0.0.1:9000"));
        assert!(origin_of("javascript:alert(1)").is_err());
        assert!(origin_of("//evil.example/x").is_err());
    }

    #[test]
    fn the_policy_follows_config_json_and_index_html() {
        let dist = tempfile::tempdir().expect("tempdir");
        std::fs::write(dist.path().join("index.html"), "<script>one()</script><script>two()</script>").expect("write");
        std::fs::write(
            dist.path().join("config.json"),
            r#"{"authority":"https://login.example.com/tenant/v2.0","apiBase":"https://api.example.com/api/v1"}"#,
        )
        .expect("write");
        let csp = spa_policy(dist.path(), true).expect("policy");
        assert!(csp.contains(&format!("'{}'", script_hash("one()"))), "{csp}");
        assert!(csp.contains(&format!("'{}'", script_hash("two()"))), "{csp}");
        assert!(csp.contains("connect-src 'self' https://login.example.com https://api.example.com;"), "{csp}");
        assert!(csp.contains("form-action 'self' https://login.example.com;"), "{csp}");
        assert!(csp.ends_with("upgrade-insecure-requests"), "{csp}");
        assert!(!csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"), "{csp}");
    }
}
