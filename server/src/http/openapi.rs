//! `GET /api/v1/openapi.json`: the Portal API's contract, generated from the handlers'
//! `#[utoipa::path]` annotations and the `portal-core` wire types (`ToSchema` behind
//! portal-core's `openapi` feature), so the document cannot drift from the code.

use super::openapi_contract::{self, Contract};
use super::{apps, devices, events, home, notifications, protected_apps, recovery, requests, terms};
use axum::http::header;
use axum::response::IntoResponse;
use std::sync::LazyLock;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "Portal API", description = "The self-service Company Portal API: only the signed-in user's own things."),
    paths(
        super::profile::me, super::profile::enrollment,
        terms::status, terms::accept,
        home::home,
        devices::list, devices::details, devices::rename, devices::run_action,
        devices::choose_category, recovery::reveal,
        apps::list, apps::details, apps::install, apps::uninstall,
        requests::create, requests::mine, requests::withdraw, requests::approvals, requests::decide,
        protected_apps::list, protected_apps::wipe,
        notifications::list, notifications::mark_read,
        events::ticket, events::stream,
    ),
    components(schemas(portal_core::api::Refusal, portal_core::api::Event)),
    modifiers(&BearerAuth, &Contract),
    tags(
        (name = "me", description = "The signed-in user"),
        (name = "devices", description = "Enrolled and MAM-only devices, renaming and remote actions"),
        (name = "apps", description = "The catalog as a device context sees it; installs"),
        (name = "protection", description = "App protection (MAM) and selective wipe"),
        (name = "notifications"),
        (name = "events", description = "Live changes (server-sent events)"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
    }
}

/// Rendered once: the document only changes with the binary.
static DOCUMENT: LazyLock<String> = LazyLock::new(|| {
    serde_json::to_value(ApiDoc::openapi())
        .map(openapi_contract::finish)
        .and_then(|doc| serde_json::to_string_pretty(&doc))
        .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
});

pub async fn document() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], DOCUMENT.as_str())
}

#[cfg(test)]
mod tests {
    use super::DOCUMENT;
    use portal_core::rules::actions::validate_device_name;
    use proptest::prelude::*;

    /// The document's pattern for a new device name, compiled.
    static DEVICE_NAME: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        let doc: serde_json::Value = serde_json::from_str(&DOCUMENT).expect("the document is JSON");
        let pattern = doc["components"]["schemas"]["RenameDevice"]["properties"]["deviceName"]["pattern"]
            .as_str()
            .expect("RenameDevice.deviceName has a pattern");
        regex::Regex::new(pattern).expect("the pattern compiles")
    });

    /// Names made of what the rule cares about: letters, spaces and other whitespace at
    /// either end or inside, control characters, line and paragraph separators, and lengths
    /// around the limit.
    fn names() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            4 => "[a-zé李📱]{1,3}",
            2 => Just(" ".to_string()),
            1 => prop::sample::select(vec!["\t", "\n", "\r", "\u{a0}", "\u{3000}", "\u{2003}", "\u{85}"]).prop_map(String::from),
            1 => prop::sample::select(vec!["\u{0}", "\u{1c}", "\u{7f}", "\u{9f}", "\u{2028}", "\u{2029}"]).prop_map(String::from),
            1 => "a{60,66}",
        ];
        proptest::collection::vec(piece, 0..8).prop_map(|pieces| pieces.concat())
    }

    proptest! {
        /// The OpenAPI document accepts exactly the names the server accepts, so a client
        /// (and Schemathesis) can trust it both ways.
        #[test]
        fn the_documented_device_name_pattern_is_the_rule(name in names()) {
            prop_assert_eq!(DEVICE_NAME.is_match(&name), validate_device_name(&name).is_ok(), "{:?}", name);
        }
    }
}
