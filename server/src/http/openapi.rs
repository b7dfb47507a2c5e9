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
