//! Serving the built SPA: files from `--dist`, and its index.html for every other path
//! so that deep links (`/devices/{id}`) load the app, which then routes.

use anyhow::{bail, Context};
use axum::http::{header, HeaderValue, Request};
use axum::response::Response;
use std::path::Path;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

pub fn service(
    dist: &Path,
) -> anyhow::Result<
    impl tower::Service<
            Request<axum::body::Body>,
            Response = Response<
                impl axum::body::HttpBody<Data = axum::body::Bytes, Error = impl Into<axum::BoxError>> + Send + 'static,
            >,
            Error = std::convert::Infallible,
            Future = impl Send + 'static,
        > + Clone
        + Send
        + Sync
        + 'static,
> {
    let index = dist.join("index.html");
    if !index.is_file() {
        bail!("--dist {}: no index.html there (build the SPA with `trunk build --release`)", dist.display());
    }
    let dist = dist.canonicalize().with_context(|| format!("--dist {}", dist.display()))?;
    // Trunk names the wasm, JS and CSS by content hash, but index.html, config.json and the
    // files from public/ keep their names: revalidate everything, cheaply, with ETags.
    Ok(ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-cache")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(CompressionLayer::new())
        .service(ServeDir::new(&dist).fallback(ServeFile::new(dist.join("index.html")))))
}
