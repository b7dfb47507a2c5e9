//! The control API for tests, under `/_fake` (no token needed; it is not part of Graph):
//!
//! | method & path | what |
//! |---|---|
//! | GET `/_fake/requests`, DELETE | the request log (DELETE clears it and the violations) |
//! | GET `/_fake/writes` | the state-changing Graph calls only |
//! | GET `/_fake/violations` | recorded contract violations |
//! | GET `/_fake/faults`, POST (a rule or a list), DELETE | fault injection |
//! | PUT `/_fake/latency` `{"ms": 50}` | added to every Graph call |
//! | PUT `/_fake/device-delay` `{"ms": 2000 \| null}` | how long devices take (`null`: only on advance) |
//! | GET/PUT `/_fake/roles` `{"roles": [...]}` | the permissions new tokens carry |
//! | GET `/_fake/pending` | work the devices have not done yet |
//! | POST `/_fake/advance` `{"kind"?, "managedDeviceId"?, "outcome"?}` | do it now (`succeed` or `fail`) |
//! | POST `/_fake/reset` | back to the fixtures |
//! | GET `/_fake/health` | `{"status": "ok"}` |

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::faults::Fault;
use crate::state::Outcome;
use crate::Shared;

type Reply = (StatusCode, Json<Value>);

fn ok(value: Value) -> Reply {
    (StatusCode::OK, Json(value))
}

fn bad(message: String) -> Reply {
    (StatusCode::BAD_REQUEST, Json(json!({"error": message})))
}

pub fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/health", get(|| async { Json(json!({"status": "ok"})) }))
        .route("/requests", get(requests).delete(clear))
        .route("/writes", get(writes))
        .route("/violations", get(violations))
        .route("/faults", get(faults).post(add_faults).delete(clear_faults))
        .route("/latency", put(latency))
        .route("/device-delay", put(device_delay))
        .route("/roles", get(roles).put(set_roles))
        .route("/pending", get(pending))
        .route("/advance", post(advance))
        .route("/reset", post(reset))
}

async fn requests(State(shared): State<Arc<Shared>>) -> Reply {
    ok(json!(shared.lock_log().requests))
}

async fn writes(State(shared): State<Arc<Shared>>) -> Reply {
    let log = shared.lock_log();
    ok(json!(log.requests.iter().filter(|r| r.write).collect::<Vec<_>>()))
}

async fn clear(State(shared): State<Arc<Shared>>) -> StatusCode {
    *shared.lock_log() = crate::log::Log::default();
    StatusCode::NO_CONTENT
}

async fn violations(State(shared): State<Arc<Shared>>) -> Reply {
    ok(json!(shared.lock_log().violations))
}

async fn faults(State(shared): State<Arc<Shared>>) -> Reply {
    ok(json!(shared.faults.lock().unwrap_or_else(|e| e.into_inner()).rules))
}

async fn add_faults(State(shared): State<Arc<Shared>>, Json(body): Json<Value>) -> Reply {
    let rules: Result<Vec<Fault>, _> = match body {
        Value::Array(_) => serde_json::from_value(body),
        other => serde_json::from_value(other).map(|f| vec![f]),
    };
    match rules {
        Ok(rules) => {
            let mut faults = shared.faults.lock().unwrap_or_else(|e| e.into_inner());
            faults.rules.extend(rules);
            ok(json!(faults.rules))
        }
        Err(e) => bad(format!("not a fault rule ({e}); e.g. {{\"kind\": \"throttle\", \"retryAfter\": 2, \"pathPrefix\": \"/v1.0/users\", \"count\": 1}}")),
    }
}

async fn clear_faults(State(shared): State<Arc<Shared>>) -> StatusCode {
    shared.faults.lock().unwrap_or_else(|e| e.into_inner()).rules.clear();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Millis {
    ms: Option<u64>,
}

async fn latency(State(shared): State<Arc<Shared>>, Json(body): Json<Millis>) -> Reply {
    let ms = body.ms.unwrap_or(0);
    shared.update_settings(|s| s.latency = Duration::from_millis(ms));
    ok(json!({"ms": ms}))
}

async fn device_delay(State(shared): State<Arc<Shared>>, Json(body): Json<Millis>) -> Reply {
    shared.update_settings(|s| s.device_delay = body.ms.map(Duration::from_millis));
    ok(json!({"ms": body.ms}))
}

async fn roles(State(shared): State<Arc<Shared>>) -> Reply {
    ok(json!({"roles": shared.settings().roles}))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Roles {
    roles: Vec<String>,
}

async fn set_roles(State(shared): State<Arc<Shared>>, Json(body): Json<Roles>) -> Reply {
    shared.update_settings(|s| s.roles = body.roles.clone());
    ok(json!({"roles": body.roles}))
}

async fn pending(State(shared): State<Arc<Shared>>) -> Reply {
    ok(json!(shared.org().pending.iter().map(|p| p.work.describe()).collect::<Vec<_>>()))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Advance {
    kind: Option<String>,
    managed_device_id: Option<String>,
    outcome: Option<String>,
}

async fn advance(State(shared): State<Arc<Shared>>, body: Option<Json<Advance>>) -> Reply {
    let body = body.map(|Json(b)| b).unwrap_or_default();
    let outcome = match body.outcome.as_deref() {
        None | Some("succeed") => Outcome::Succeed,
        Some("fail") => Outcome::Fail,
        Some(other) => return bad(format!("outcome must be succeed or fail, not {other:?}")),
    };
    if let Some(kind) = body.kind.as_deref() {
        if !["actions", "installs", "wipes"].contains(&kind) {
            return bad(format!("kind must be actions, installs or wipes, not {kind:?}"));
        }
    }
    let done = shared.advance(body.kind.as_deref(), body.managed_device_id.as_deref(), outcome);
    ok(json!({"completed": done}))
}

async fn reset(State(shared): State<Arc<Shared>>) -> StatusCode {
    shared.reset();
    StatusCode::NO_CONTENT
}
