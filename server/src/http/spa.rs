//! Serving the built SPA: files from `--dist`, and its index.html for every other path
//! so that deep links (`/devices/{id}`) load the app, which then routes.
//!
//! - **Precompressed files.** The build writes `<file>.br` (brotli q11) and `<file>.gz`
//!   beside every static file (`scripts/precompress`); the one the client accepts is sent as
//!   it is, with `Vary: Accept-Encoding`. Files without them (`config.json`, which deployers
//!   edit) are compressed on the fly.
//! - **Caching.** Files named by their content — the wasm build's `/wasm/<hash>/…` folder and
//!   Trunk's `name-<16 hex>.css` — never change: `public, max-age=31536000, immutable`.
//!   Everything else (`index.html`, `config.json`, `sw.js`, the manifest and icons) is
//!   `no-cache`: revalidated, cheaply, with its ETag / Last-Modified.
//! - **No index.html for a missing build file.** A path under `/wasm/` that does not exist is
//!   a 404: a chunk of another build must fail to load as what it is (the page then offers
//!   to reload), not parse an HTML page as wasm.
//!
//! The result is one tower service (an axum `Router`), so layers such as security headers
//! can wrap it.

use anyhow::{bail, Context};
use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use axum::Router;
use std::path::Path;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

/// Content-addressed files: a year, and no revalidation.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

pub fn service(dist: &Path) -> anyhow::Result<Router> {
    let index = dist.join("index.html");
    if !index.is_file() {
        bail!("--dist {}: no index.html there (build the SPA with `trunk build --release`)", dist.display());
    }
    let dist = dist.canonicalize().with_context(|| format!("--dist {}", dist.display()))?;
    let index = ServeFile::new(dist.join("index.html")).precompressed_br().precompressed_gzip();
    let files = ServeDir::new(&dist).precompressed_br().precompressed_gzip().fallback(index);
    let build = ServeDir::new(dist.join("wasm")).precompressed_br().precompressed_gzip();
    Ok(Router::new().nest_service("/wasm", build).fallback_service(files).layer(
        ServiceBuilder::new()
            .layer(axum::middleware::from_fn(cache_headers))
            .layer(SetResponseHeaderLayer::if_not_present(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ))
            .layer(CompressionLayer::new()),
    ))
}

async fn cache_headers(request: Request, next: Next) -> Response {
    let immutable = is_content_addressed(request.uri().path());
    let mut response = next.run(request).await;
    let success = response.status().is_success();
    let headers = response.headers_mut();
    // Never index.html (the fallback for unknown paths) for a year.
    let html = headers.get(header::CONTENT_TYPE).is_some_and(|t| t.as_bytes().starts_with(b"text/html"));
    let value = if immutable && success && !html { IMMUTABLE } else { "no-cache" };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    // The same address answers differently by Accept-Encoding (precompressed or not).
    if !headers.contains_key(header::VARY) {
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

/// Whether `path` names a file by its content: under the wasm build's `/wasm/<hash>/`, or a
/// Trunk-hashed `/name-<16 hex digits>.css` (or `.js`, `.wasm`) at the top level.
fn is_content_addressed(path: &str) -> bool {
    if path.starts_with("/wasm/") {
        return true;
    }
    let Some(name) = path.strip_prefix('/').filter(|n| !n.contains('/')) else { return false };
    let Some((stem, "css" | "js" | "wasm")) = name.rsplit_once('.') else { return false };
    match stem.rsplit_once('-') {
        Some((_, hash)) => hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::is_content_addressed;

    #[test]
    fn content_addressed_files_are_the_builds_hashed_ones() {
        assert!(is_content_addressed("/wasm/0123456789abcdef/portal_bg.wasm"));
        assert!(is_content_addressed("/main-3c9b3a1f5e2d7a4b.css"));
        assert!(!is_content_addressed("/index.html"));
        assert!(!is_content_addressed("/sw.js"));
        assert!(!is_content_addressed("/config.json"));
        assert!(!is_content_addressed("/icon-192.png"));
        assert!(!is_content_addressed("/devices/dev-amara-surface"));
        assert!(!is_content_addressed("/apps/x-0123456789abcdef.css"));
        assert!(!is_content_addressed("/main-3c9b3a1f5e2d7a4b"));
        assert!(!is_content_addressed("/"));
    }
}
