//! Static assets the tenant refers to (app icons, logos), embedded in the binary from
//! `server/assets/` so one binary is a complete portal and the page never loads anything
//! from another host. Served at `/assets/*`.

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use include_dir::{include_dir, Dir};

static ASSETS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/assets");

/// Whether `url_path` (e.g. `/assets/icons/teams.svg`) names an embedded asset.
pub fn exists(url_path: &str) -> bool {
    url_path.strip_prefix("/assets/").is_some_and(|p| ASSETS.get_file(p).is_some())
}

/// `GET /assets/{*path}`.
pub async fn serve(Path(path): Path<String>) -> Response {
    let Some(file) = ASSETS.get_file(&path) else {
        return crate::http::ApiError::new(StatusCode::NOT_FOUND, "Not found").into_response();
    };
    let content_type = match path.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()).as_deref() {
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    };
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            // Embedded in the binary: they change only with a new release.
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400")),
            (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
            // An SVG opened on its own must not run script.
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; sandbox"),
            ),
        ],
        file.contents(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    #[test]
    fn embedded_icons_are_found_by_url_path() {
        assert!(super::exists("/assets/icons/teams.svg"));
        assert!(!super::exists("/assets/icons/nope.svg"));
        assert!(!super::exists("/elsewhere/icons/teams.svg"));
    }
}
