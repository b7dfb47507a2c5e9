//! Following what was asked of Intune to its outcome. Graph answers a change with `204` and
//! has no change notifications for Intune data, so the portal looks: a few seconds after the
//! request, then less and less often (3 s growing to a minute), for at most
//! [`FOLLOW_FOR`]; then it says "still pending on the device" and stops asking. What it
//! sees is published as the same live events the embedded tenant's simulator sends, so every
//! page updates without a reload.
//!
//! The work is in the store (`intune_requests`): after a restart the follow-up resumes where
//! it was, and a request that may not have reached Graph is checked before it is sent again.
//!
//! One request is worked on by one worker at a time ([`IntuneTenant::exclusively`]): within
//! an instance the handler that recorded it and the follow-up never send it both, and of
//! several instances over one database the one holding its claim (`store/leases.rs`) does;
//! a dead instance's claims lapse within seconds and another instance follows its requests.

use super::client::{GraphError, Version};
use super::{map, model, path_segment, IntuneTenant};
use crate::store::{IntuneRequest, RequestKind, RequestState, RequestUpdate};
use crate::tenant::notify;
use portal_core::api::{Event, InstallOperation, InstallStatus};
use portal_core::domain::{
    ActionState, DeviceActionResult, PendingNote, RemoteAction, ResultantAppState, SelectiveWipeState,
};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::sync::{Mutex, Weak};
use std::time::Duration;

/// The ids of the requests this instance is working on.
#[derive(Default)]
pub(super) struct InHand(Mutex<HashSet<i64>>);

/// Takes a request out of [`InHand`] when the work on it ends, however it ends.
struct Holding<'a> {
    in_hand: &'a InHand,
    id: i64,
}

impl Drop for Holding<'_> {
    fn drop(&mut self) {
        self.in_hand.0.lock().unwrap_or_else(|e| e.into_inner()).remove(&self.id);
    }
}

/// How long the portal follows a request before it stops asking.
pub const FOLLOW_FOR: Duration = Duration::from_secs(15 * 60);
/// Graph's clock and the portal's may differ by this much.
const SKEW: time::Duration = time::Duration::seconds(120);

/// The wait before the next look, growing with the number of looks so far.
fn next_look(checks: u32) -> Duration {
    const STEPS: [u64; 6] = [3, 5, 10, 20, 30, 60];
    Duration::from_secs(STEPS[(checks as usize).min(STEPS.len() - 1)])
}

pub(super) fn spawn(tenant: Weak<IntuneTenant>) {
    tokio::spawn(async move {
        loop {
            let Some(strong) = tenant.upgrade() else { return };
            let wake = strong.follow_up.clone();
            if let Err(e) = strong.follow_due().await {
                tracing::warn!("graph: following requests: {e:#}");
            }
            drop(strong);
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                _ = wake.notified() => {}
            }
        }
    });
}

/// The entry of `deviceActionResults` for `graph_action` that started after `since`.
pub(super) fn result_since<'a>(device: &'a model::ManagedDevice, graph_action: &str, since: &str) -> Option<&'a Value> {
    let since = time::OffsetDateTime::parse(since, &time::format_description::well_known::Rfc3339).ok()? - SKEW;
    device.device_action_results.iter().find(|r| {
        let Ok(raw) = serde_json::from_value::<model::DeviceActionResult>((*r).clone()) else { return false };
        raw.action_name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(graph_action))
            && raw
                .start_date_time
                .as_deref()
                .and_then(|s| time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok())
                .is_some_and(|start| start >= since)
    })
}

fn elapsed_since(rfc3339: Option<&str>) -> Duration {
    rfc3339
        .and_then(|s| time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok())
        .map(|at| (time::OffsetDateTime::now_utc() - at).try_into().unwrap_or_default())
        .unwrap_or_default()
}

impl IntuneTenant {
    /// Runs `work` on request `id` unless another worker — here or in another instance — is
    /// on it (`None` then).
    pub(super) async fn exclusively<T>(
        &self,
        id: i64,
        work: impl std::future::Future<Output = T>,
    ) -> anyhow::Result<Option<T>> {
        if !self.in_hand.0.lock().unwrap_or_else(|e| e.into_inner()).insert(id) {
            return Ok(None);
        }
        let _holding = Holding { in_hand: &self.in_hand, id };
        let key = format!("intune:{id}");
        if !self.store.claim(&key).await? {
            return Ok(None);
        }
        let out = work.await;
        if let Err(e) = self.store.release(&key).await {
            tracing::warn!("graph: releasing request {id}: {e:#}");
        }
        Ok(Some(out))
    }

    async fn follow_due(&self) -> anyhow::Result<()> {
        let now = crate::dates::now();
        for due in self.store.intune_requests_due(&now).await? {
            let worked = self
                .exclusively(due.id, async {
                    // Read again under the claim: another instance may have moved it on since.
                    let request = match self.store.intune_request(due.id).await {
                        Ok(Some(r)) if r.state.in_flight() && r.next_check_at <= now => r,
                        Ok(_) => return Ok(()),
                        Err(e) => return Err(crate::tenant::TenantError::Other(e)),
                    };
                    match request.state {
                        RequestState::Queued => self.send(&request).await.map(|_| ()),
                        _ => self.look(&request).await,
                    }
                })
                .await?;
            let Some(outcome) = worked else { continue };
            let request = due;
            if let Err(e) = outcome {
                tracing::warn!("graph: following request {}: {e}", request.id);
                let later = crate::dates::format(time::OffsetDateTime::now_utc() + time::Duration::seconds(10));
                self.store
                    .update_intune_request(
                        request.id,
                        RequestUpdate { next_check_at: Some(later), ..Default::default() },
                    )
                    .await?;
            }
        }
        Ok(())
    }

    /// One look at Graph for a sent request.
    async fn look(&self, request: &IntuneRequest) -> Result<(), crate::tenant::TenantError> {
        if elapsed_since(request.sent_at.as_deref()) >= FOLLOW_FOR {
            return self.still_pending(request).await;
        }
        let ended = match request.kind {
            RequestKind::Action => self.look_at_action(request).await,
            RequestKind::Rename => self.look_at_rename(request).await,
            RequestKind::SelectiveWipe => self.look_at_wipe(request).await,
            RequestKind::Install | RequestKind::Uninstall => self.look_at_install(request).await,
        };
        match ended {
            Ok(true) => Ok(()),
            Ok(false) | Err(_) => {
                if let Err(e) = ended {
                    tracing::debug!("graph: look at request {} failed: {e}", request.id);
                }
                let next = crate::dates::format(time::OffsetDateTime::now_utc() + next_look(request.checks));
                self.store
                    .update_intune_request(
                        request.id,
                        RequestUpdate { next_check_at: Some(next), checked: true, ..Default::default() },
                    )
                    .await?;
                Ok(())
            }
        }
    }

    fn device_name_of(request: &IntuneRequest) -> String {
        request.detail.get("deviceName").and_then(Value::as_str).unwrap_or(&request.device_id).to_string()
    }

    /// `Ok(true)` when the request ended.
    async fn look_at_action(&self, request: &IntuneRequest) -> Result<bool, GraphError> {
        let action: RemoteAction =
            crate::store::codec::decode(&request.subject).map_err(|e| GraphError::Invalid(e.to_string()))?;
        let graph_name = request.detail.get("graphAction").and_then(Value::as_str).unwrap_or_default().to_string();
        let path = format!(
            "/deviceManagement/managedDevices/{}?$select=id,deviceName,deviceActionResults,lastSyncDateTime,complianceState",
            path_segment(&request.device_id)
        );
        let raw: model::ManagedDevice = match self.graph.get(Version::V1, &path).await {
            Ok(raw) => raw,
            // Removed or reset: the device left Intune, which is the action's outcome.
            Err(GraphError::NotFound) if matches!(action, RemoteAction::Retire | RemoteAction::Wipe) => {
                self.action_ended(request, action, ActionState::Done, None).await;
                return Ok(true);
            }
            Err(e) => return Err(e),
        };
        let entry = result_since(&raw, &graph_name, &request.requested_at)
            .and_then(|v| serde_json::from_value::<model::DeviceActionResult>(v.clone()).ok());
        let state = entry.as_ref().and_then(|e| e.action_state.as_deref()).unwrap_or("pending");
        let state = match state {
            "done" => ActionState::Done,
            "failed" | "canceled" | "notSupported" => ActionState::Failed,
            _ if action == RemoteAction::Sync && entry.is_none() => {
                // Intune may not list a check-in among the actions: the check-in itself says it.
                let synced = map::date(raw.last_sync_date_time.as_deref()).unwrap_or_default();
                if synced.as_str() > request.requested_at.as_str() {
                    ActionState::Done
                } else {
                    return Ok(false);
                }
            }
            _ => return Ok(false),
        };
        if action == RemoteAction::Sync && state == ActionState::Done {
            if let Some(device) = map::managed_device(&raw, None) {
                self.events.publish(
                    &request.user_id,
                    Event::CheckIn {
                        device_id: request.device_id.clone(),
                        last_sync_date_time: device.last_sync_date_time,
                        compliance_state: device.compliance_state,
                    },
                );
            }
        }
        let passcode = entry.and_then(|e| e.passcode).filter(|p| !p.trim().is_empty());
        self.action_ended(request, action, state, passcode).await;
        Ok(true)
    }

    async fn action_ended(
        &self,
        request: &IntuneRequest,
        action: RemoteAction,
        state: ActionState,
        passcode: Option<String>,
    ) {
        let outcome = if state == ActionState::Done { RequestState::Done } else { RequestState::Failed };
        if let Err(e) = self.finish(request, outcome).await {
            tracing::warn!("graph: recording the end of request {}: {e}", request.id);
        }
        let now = crate::dates::now();
        self.events.publish(
            &request.user_id,
            Event::Action {
                device_id: request.device_id.clone(),
                result: DeviceActionResult {
                    action_name: action,
                    action_state: state,
                    start_date_time: request.requested_at.clone(),
                    last_updated_date_time: now,
                    // Shown for five minutes by the page; never stored by the portal.
                    passcode: passcode.clone(),
                    pending_note: None,
                },
            },
        );
        if action == RemoteAction::Retire && state == ActionState::Done {
            self.events.publish(&request.user_id, Event::DeviceRemoved { device_id: request.device_id.clone() });
        }
        let name = Self::device_name_of(request);
        let done = if state == ActionState::Done { "done" } else { "failed" };
        self.audit_request(request, done, None, None).await;
        if state == ActionState::Done {
            let message = notify::action_done(action, &request.device_id, &name, passcode.is_some());
            if let Err(e) = notify::send(&self.store, &self.events, &request.user_id, message).await {
                tracing::warn!("notifying {}: {e:#}", request.user_id);
            }
        }
    }

    async fn look_at_rename(&self, request: &IntuneRequest) -> Result<bool, GraphError> {
        let path =
            format!("/deviceManagement/managedDevices/{}?$select=id,deviceName", path_segment(&request.device_id));
        let raw: model::ManagedDevice = self.graph.get(Version::V1, &path).await?;
        if raw.device_name.as_deref() != Some(request.subject.as_str()) {
            return Ok(false);
        }
        let _ = self.finish(request, RequestState::Done).await;
        self.events.publish(
            &request.user_id,
            Event::DeviceRenamed { device_id: request.device_id.clone(), device_name: request.subject.clone() },
        );
        self.audit_request(request, "done", None, None).await;
        Ok(true)
    }

    async fn look_at_wipe(&self, request: &IntuneRequest) -> Result<bool, GraphError> {
        let path =
            format!("/users/{}/managedAppRegistrations?$select=id,lastSyncDateTime", path_segment(&request.user_id));
        let present = self.graph.get_all(Version::V1, &path).await?;
        let sent_at = request.sent_at.clone().unwrap_or_else(|| request.requested_at.clone());
        let ids: Vec<String> = strings(request.detail.get("registrations"));
        let mut done: Vec<String> = strings(request.detail.get("done"));
        for id in &ids {
            if done.contains(id) {
                continue;
            }
            // Gone, or checked in since the wipe was sent: the app removed its company data.
            let registration = present.iter().find(|r| r.get("id").and_then(Value::as_str) == Some(id.as_str()));
            let checked_in = registration.is_none_or(|r| {
                map::date(r.get("lastSyncDateTime").and_then(Value::as_str)).is_some_and(|at| at > sent_at)
            });
            if checked_in {
                done.push(id.clone());
                self.events.publish(
                    &request.user_id,
                    Event::SelectiveWipe {
                        device_tag: request.device_id.clone(),
                        registration_id: id.clone(),
                        state: SelectiveWipeState::Done,
                    },
                );
                let _ = notify::send(&self.store, &self.events, &request.user_id, notify::company_data_removed()).await;
            }
        }
        let mut detail = request.detail.clone();
        detail["done"] = json!(done);
        if done.len() >= ids.len() {
            let _ = self
                .store
                .update_intune_request(request.id, RequestUpdate { detail: Some(detail), ..Default::default() })
                .await;
            let _ = self.finish(request, RequestState::Done).await;
            self.audit_request(request, "done", None, None).await;
            return Ok(true);
        }
        let _ = self
            .store
            .update_intune_request(request.id, RequestUpdate { detail: Some(detail), ..Default::default() })
            .await;
        Ok(false)
    }

    async fn look_at_install(&self, request: &IntuneRequest) -> Result<bool, GraphError> {
        let app_id = &request.subject;
        let state = self.install_state_now(&request.user_id, &request.device_id, app_id).await?;
        let wanted_install = request.kind == RequestKind::Install;
        let ended = match (wanted_install, state) {
            (true, Some(ResultantAppState::Installed | ResultantAppState::Failed)) => state,
            (false, None | Some(ResultantAppState::NotInstalled)) => Some(ResultantAppState::NotInstalled),
            (false, Some(ResultantAppState::UninstallFailed)) => state,
            _ => return Ok(false),
        };
        let Some(state) = ended else { return Ok(false) };
        let failed = matches!(state, ResultantAppState::Failed | ResultantAppState::UninstallFailed);
        let _ = self.finish(request, if failed { RequestState::Failed } else { RequestState::Done }).await;
        self.events.publish(
            &request.user_id,
            Event::Install {
                device_id: request.device_id.clone(),
                app_id: app_id.clone(),
                install: InstallStatus {
                    state,
                    pending: None,
                    last_updated_date_time: crate::dates::now(),
                    failure: failed.then_some(portal_core::api::InstallFailure::Other),
                },
            },
        );
        self.audit_request(request, if failed { "failed" } else { "done" }, None, None).await;
        let app_name = match self.catalog_now().await {
            Some(catalog) => catalog.get(app_id).map(|a| a.app.name.clone()).unwrap_or_else(|| app_id.clone()),
            None => app_id.clone(),
        };
        let message = notify::install_done(state, app_id, &app_name, &Self::device_name_of(request));
        let _ = notify::send(&self.store, &self.events, &request.user_id, message).await;
        Ok(true)
    }

    /// The install state of an app on a device as Graph reports it now: the beta per-user
    /// intent and state, or v1.0's install status report.
    async fn install_state_now(
        &self,
        user_id: &str,
        device_id: &str,
        app_id: &str,
    ) -> Result<Option<ResultantAppState>, GraphError> {
        if self.settings.beta {
            let values = self
                .graph
                .get_all(Version::Beta, &format!("/users/{}/mobileAppIntentAndStates", path_segment(user_id)))
                .await?;
            let (items, _) = map::items::<model::MobileAppIntentAndState>(values);
            let state = items
                .iter()
                .filter(|i| i.managed_device_identifier.as_deref() == Some(device_id))
                .flat_map(|i| &i.mobile_app_list)
                .find(|d| d.application_id.as_deref() == Some(app_id))
                .map(|d| map::install_states_value(d.install_state.as_deref()));
            return Ok(state);
        }
        let body = json!({
            "reportName": "DeviceInstallStatusByApp",
            "filter": format!("(ApplicationId eq '{}')", app_id.replace('\'', "''")),
            "select": ["DeviceId", "InstallState", "AppInstallState"],
        });
        let report = self
            .graph
            .post(Version::V1, "/deviceManagement/reports/retrieveDeviceAppInstallationStatusReport", Some(&body))
            .await?;
        Ok(map::report_install_state(&report.body, device_id))
    }

    async fn still_pending(&self, request: &IntuneRequest) -> Result<(), crate::tenant::TenantError> {
        self.finish(request, RequestState::StillPending).await?;
        self.audit_request(request, "stillPending", None, None).await;
        if request.kind == RequestKind::Action {
            if let Ok(action) = crate::store::codec::decode::<RemoteAction>(&request.subject) {
                self.events.publish(
                    &request.user_id,
                    Event::Action {
                        device_id: request.device_id.clone(),
                        result: DeviceActionResult {
                            action_name: action,
                            action_state: ActionState::Pending,
                            start_date_time: request.requested_at.clone(),
                            last_updated_date_time: crate::dates::now(),
                            passcode: None,
                            pending_note: Some(PendingNote::StillPendingOnDevice),
                        },
                    },
                );
            }
        }
        Ok(())
    }

    /// Publishes a request's pending state with a note (Intune throttled it).
    pub(super) fn publish_pending(&self, request: &IntuneRequest, note: Option<PendingNote>) {
        match request.kind {
            RequestKind::Action => {
                let Ok(action) = crate::store::codec::decode::<RemoteAction>(&request.subject) else { return };
                self.events.publish(
                    &request.user_id,
                    Event::Action {
                        device_id: request.device_id.clone(),
                        result: DeviceActionResult {
                            action_name: action,
                            action_state: ActionState::Pending,
                            start_date_time: request.requested_at.clone(),
                            last_updated_date_time: crate::dates::now(),
                            passcode: None,
                            pending_note: note,
                        },
                    },
                );
            }
            RequestKind::Install | RequestKind::Uninstall => {
                let operation = if request.kind == RequestKind::Install {
                    InstallOperation::Install
                } else {
                    InstallOperation::Uninstall
                };
                self.events.publish(
                    &request.user_id,
                    Event::Install {
                        device_id: request.device_id.clone(),
                        app_id: request.subject.clone(),
                        install: InstallStatus {
                            state: ResultantAppState::PendingInstall,
                            pending: Some(operation),
                            last_updated_date_time: crate::dates::now(),
                            failure: None,
                        },
                    },
                );
            }
            _ => {}
        }
    }
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looks_grow_to_a_minute() {
        let waits: Vec<u64> = (0..8).map(|n| next_look(n).as_secs()).collect();
        assert_eq!(waits, [3, 5, 10, 20, 30, 60, 60, 60]);
        let total: u64 = (0..40).map(|n| next_look(n).as_secs()).sum();
        assert!(total as u128 > FOLLOW_FOR.as_secs() as u128, "the bound ends the looks");
    }

    #[test]
    fn finds_the_result_of_this_request_not_an_older_one() {
        let device: model::ManagedDevice = serde_json::from_value(json!({
            "id": "d",
            "deviceActionResults": [
                {"actionName": "remoteLock", "actionState": "done", "startDateTime": "2026-11-01T10:00:00Z"},
                {"actionName": "wipe", "actionState": "pending", "startDateTime": "2026-12-01T10:00:30Z"}
            ]
        }))
        .expect("device");
        assert!(result_since(&device, "remoteLock", "2026-12-01T10:00:00Z").is_none());
        assert!(result_since(&device, "wipe", "2026-12-01T10:00:00Z").is_some());
        assert!(result_since(&device, "Wipe", "2026-12-01T10:01:00Z").is_some(), "within the clock skew");
    }
}
