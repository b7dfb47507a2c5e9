//! `POST /deviceManagement/reports/retrieveDeviceAppInstallationStatusReport`: the v1.0 way to
//! per-device install state (report `DeviceInstallStatusByApp`, filter `(ApplicationId eq '…')`).
//! Graph answers an octet stream holding the report as JSON — `TotalRowCount`, `Schema`
//! (columns with their types), `Values` (rows) — not the base64url string the schema says.
//!
//! Columns (the fake's reading of Intune's report; what the connector may rely on is in the
//! README): `InstallState` in words as Intune's report shows them ("Installed", "Failed",
//! "Not installed", "Install pending", "Uninstall failed", "Not applicable", "Unknown"),
//! `AppInstallState` the `resultantAppState` member, `HexErrorCode` for failures.

use serde_json::{json, Value};

use super::odata::{self, GraphError};
use super::{Call, Reply};
use crate::state::{id_of, Org};

pub const REPORT: &str = "DeviceInstallStatusByApp";

const COLUMNS: &[(&str, &str)] = &[
    ("DeviceId", "String"),
    ("DeviceName", "String"),
    ("UserId", "String"),
    ("UserName", "String"),
    ("UserPrincipalName", "String"),
    ("Platform", "String"),
    ("ApplicationId", "String"),
    ("AppVersion", "String"),
    ("InstallState", "String"),
    ("AppInstallState", "String"),
    ("InstallStateDetail", "String"),
    ("ErrorCode", "Int32"),
    ("HexErrorCode", "String"),
    ("LastModifiedDateTime", "DateTime"),
];

fn in_words(state: &str) -> &'static str {
    match state {
        "installed" => "Installed",
        "failed" => "Failed",
        "notInstalled" => "Not installed",
        "pendingInstall" => "Install pending",
        "uninstallFailed" => "Uninstall failed",
        "notApplicable" => "Not applicable",
        _ => "Unknown",
    }
}

pub fn install_status(call: &mut Call<'_>, org: &mut Org) -> Result<Reply, GraphError> {
    let body = call.body.clone().unwrap_or(Value::Null);
    if let Some(name) = body.get("name").and_then(Value::as_str) {
        if name != REPORT {
            return Err(GraphError::bad_request(format!("Invalid report name '{name}': this action serves {REPORT}.")));
        }
    }
    let clauses = match body.get("filter").and_then(Value::as_str).filter(|f| !f.trim().is_empty()) {
        Some(filter) => odata::parse_filter(filter)
            .map_err(|reason| GraphError::bad_request(format!("Invalid filter: {reason}")))?,
        None => Vec::new(),
    };
    if !clauses.iter().any(|(name, _)| name == "ApplicationId") {
        return Err(GraphError::bad_request("The filter must name the app: (ApplicationId eq '…')."));
    }
    let mut rows = Vec::new();
    for managed in &org.managed {
        let device_id = id_of(managed);
        for (app, intent) in org.apps_for(managed) {
            if intent == "exclude" {
                continue;
            }
            let state = org.install_state(device_id, id_of(app));
            let user_id = crate::state::Org::primary_user(managed).unwrap_or_default();
            let user = org.user(&user_id);
            let text =
                |v: Option<&Value>, k: &str| v.and_then(|u| u.get(k)).and_then(Value::as_str).unwrap_or("").to_owned();
            let error = state.error_code.clone().unwrap_or_default();
            let error_number =
                i64::from_str_radix(error.trim_start_matches("0x"), 16).map(|n| n as i32 as i64).unwrap_or(0);
            let row = json!({
                "DeviceId": device_id,
                "DeviceName": text(Some(managed), "deviceName"),
                "UserId": user_id,
                "UserName": text(user, "displayName"),
                "UserPrincipalName": text(user, "userPrincipalName"),
                "Platform": text(Some(managed), "operatingSystem"),
                "ApplicationId": id_of(app),
                "AppVersion": app.get("versionNumber").or(app.get("versionName")).or(app.get("version")).and_then(Value::as_str).unwrap_or(""),
                "InstallState": in_words(&state.state),
                "AppInstallState": state.state,
                "InstallStateDetail": if state.state == "failed" { "See the error code" } else { "" },
                "ErrorCode": error_number,
                "HexErrorCode": error,
                "LastModifiedDateTime": state.last_modified,
            });
            if odata::filter_matches(&row, &clauses) {
                rows.push(row);
            }
        }
    }
    let total = rows.len();
    let skip = body.get("skip").and_then(Value::as_u64).unwrap_or(0) as usize;
    let top = body.get("top").and_then(Value::as_u64).map(|t| t as usize).unwrap_or(usize::MAX);
    let selected: Vec<&str> = match body.get("select").and_then(Value::as_array) {
        Some(names) if !names.is_empty() => names.iter().filter_map(Value::as_str).collect(),
        _ => COLUMNS.iter().map(|(c, _)| *c).collect(),
    };
    if let Some(unknown) = selected.iter().find(|s| !COLUMNS.iter().any(|(c, _)| c == *s)) {
        return Err(GraphError::bad_request(format!("Invalid select column '{unknown}'.")));
    }
    let schema: Vec<Value> = selected
        .iter()
        .map(|name| json!({"Column": name, "PropertyType": COLUMNS.iter().find(|(c, _)| c == name).map(|(_, t)| *t).unwrap_or("String")}))
        .collect();
    let values: Vec<Value> = rows
        .iter()
        .skip(skip)
        .take(top)
        .map(|row| Value::Array(selected.iter().map(|c| row.get(*c).cloned().unwrap_or(Value::Null)).collect()))
        .collect();
    let report =
        json!({"TotalRowCount": total, "Schema": schema, "Values": values, "SessionId": "", "RowCount": values.len()});
    Ok(Reply::Bytes("application/octet-stream", report.to_string().into_bytes()))
}
