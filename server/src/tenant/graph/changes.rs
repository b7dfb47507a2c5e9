//! What a person asks of Intune: remote actions, rename (beta `setDeviceName`), selective
//! wipe of one device's apps, and self-service installs through the organisation file's
//! groups (`installs`).
//!
//! Application permissions can act on *any* device, so before every change the device is
//! read **from Graph, not the cache**, and must be the caller's (in their managed devices,
//! `userId` theirs, and them as its primary user in the `users` navigation); then the same
//! `portal-core` rule as the page decides. Someone else's device is "not found" before any
//! write. Each change is recorded in the store *before* it is sent (so a restart resumes it
//! and a double click is one call) and followed to its outcome by `follow`.

use super::client::{Changed, GraphClient, GraphError, Version};
use super::installs::{AllowedGroup, Member};
use super::{map, model, path_segment, IntuneTenant};
use crate::store::{AuditEntry, IntuneRequest, NewRequest, RequestKind, RequestState, RequestUpdate};
use crate::tenant::{ActionQueued, InstallRecord, Person, TenantError};
use portal_core::api::{AppRefusal, InstallOperation, Refusal};
use portal_core::domain::{
    ActionState, DeviceActionResult, ManagedDevice, PendingNote, RemoteAction, ResultantAppState,
};
use portal_core::rules::actions::{availability, Availability, Reason};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::Duration;

/// What Reset keeps: nothing. A reset device leaves no data of the person or of the
/// organisation and is not enrolled again on its own (`keepEnrollmentData: false`); an eSIM
/// plan is removed too (the carrier can send it again), so a lost phone keeps nothing usable.
/// Graph's defaults are the same, but the body is always explicit: an empty one is the most
/// destructive call, and the portal says so rather than relying on a default.
pub fn wipe_body() -> Value {
    json!({ "keepEnrollmentData": false, "keepUserData": false, "persistEsimDataPlan": false })
}

/// Graph's action for the portal's.
pub fn graph_action(action: RemoteAction) -> Option<&'static str> {
    Some(match action {
        RemoteAction::Sync => "syncDevice",
        RemoteAction::RemoteLock => "remoteLock",
        RemoteAction::ResetPasscode => "resetPasscode",
        RemoteAction::Retire => "retire",
        RemoteAction::Wipe => "wipe",
        RemoteAction::Rename => return None,
    })
}

/// How sending a recorded change went.
pub(super) enum Sent {
    /// Graph accepted it (`request-id` for the audit).
    Accepted(Option<String>),
    /// Graph throttled it; try again after this.
    Throttled(Duration),
    /// No answer that says whether Graph acted (a timeout, a dropped connection, a 5xx):
    /// what Graph did is checked before anything is sent again.
    Unsure,
    /// Graph refused it; it will not work by sending it again.
    Refused(String),
}

impl Sent {
    fn of(result: Result<Changed, GraphError>) -> Sent {
        match result {
            Ok(changed) => Sent::Accepted(changed.request_id),
            Err(GraphError::Throttled { retry_after }) => Sent::Throttled(retry_after),
            Err(GraphError::Slow | GraphError::Unavailable(_)) => Sent::Unsure,
            Err(e) => Sent::Refused(e.to_string()),
        }
    }
}

pub(super) fn tenant_error(e: GraphError) -> TenantError {
    match e {
        GraphError::Throttled { retry_after } => TenantError::Unavailable {
            reason: portal_core::api::StaleReason::Throttled,
            retry_after: retry_after.max(Duration::from_secs(1)),
        },
        GraphError::Slow | GraphError::Unavailable(_) => {
            TenantError::Unavailable { reason: e.stale_reason(), retry_after: Duration::from_secs(5) }
        }
        other => TenantError::Other(anyhow::anyhow!("{other}")),
    }
}

fn in_seconds(d: Duration) -> String {
    let at = time::OffsetDateTime::now_utc() + d;
    crate::dates::format(at)
}

impl IntuneTenant {
    /// The device as Graph has it now, if it is `person`'s; its `user_id` is the primary
    /// user from the `users` navigation (so the rule refuses when that is someone else).
    pub(super) async fn fresh_device(
        &self,
        person: &Person,
        device_id: &str,
    ) -> Result<Option<(ManagedDevice, model::ManagedDevice)>, GraphError> {
        let oid = path_segment(&person.id);
        let id = path_segment(device_id);
        let select = model::managed_device_select(self.settings.beta);
        let device_path = format!("/users/{oid}/managedDevices/{id}?$select={select}");
        let users_path = format!("/deviceManagement/managedDevices/{id}/users?$select=id");
        // One round trip; with beta the device is beta's, the navigation v1.0's (a batch is
        // one version).
        let mut answers = if self.settings.beta {
            let (device, users) = tokio::join!(
                self.graph.get::<Value>(Version::Beta, &device_path),
                self.graph.get::<Value>(Version::V1, &users_path)
            );
            HashMap::from([("device".to_string(), device), ("users".to_string(), users)])
        } else {
            let requests = vec![super::get("device", device_path), super::get("users", users_path)];
            self.graph.batch(Version::V1, requests).await?
        };
        let raw = match answers.remove("device") {
            Some(Ok(value)) => value,
            Some(Err(GraphError::NotFound)) | None => return Ok(None),
            Some(Err(e)) => return Err(e),
        };
        let Ok(raw) = serde_json::from_value::<model::ManagedDevice>(raw) else { return Ok(None) };
        if raw.id != device_id {
            return Ok(None);
        }
        let primary = match answers.remove("users") {
            Some(Ok(page)) => page
                .get("value")
                .and_then(Value::as_array)
                .and_then(|users| users.first())
                .and_then(|u| u.get("id"))
                .and_then(Value::as_str)
                .map(str::to_string),
            Some(Err(e)) => return Err(e),
            None => return Err(GraphError::Invalid("no answer for the device's users".into())),
        };
        // Theirs only as its primary user (not as the user who enrolled it).
        if primary.as_deref() != Some(person.id.as_str()) {
            return Ok(None);
        }
        let Some(device) = map::managed_device(&raw, primary) else { return Ok(None) };
        Ok(Some((device, raw)))
    }

    /// The settings the rules consult for `person`, as the pages see them.
    async fn settings_for(&self, person: &Person) -> Result<portal_core::domain::OrganisationSettings, TenantError> {
        use crate::tenant::Tenant;
        Ok(self.organisation_for(person).await?.value.map(|o| o.settings).unwrap_or_default())
    }

    /// The rule on the device as Graph has it now, with the portal's own pending requests.
    async fn checked_device(
        &self,
        person: &Person,
        device_id: &str,
        action: RemoteAction,
    ) -> Result<Option<(ManagedDevice, model::ManagedDevice)>, TenantError> {
        let Some((mut device, raw)) = self.fresh_device(person, device_id).await.map_err(tenant_error)? else {
            return Ok(None);
        };
        let requests = self.recent_requests(&person.id).await?;
        super::overlay::actions(&mut device, &requests);
        let settings = self.settings_for(person).await?;
        match availability(&device, action, &person.id, &settings) {
            Availability::Available => Ok(Some((device, raw))),
            Availability::Unavailable(reason) => Err(TenantError::Refused(Refusal::Action(reason))),
            Availability::NotApplicable => Err(TenantError::Refused(Refusal::App(AppRefusal::NotApplicable))),
        }
    }

    pub(super) async fn recent_requests(&self, user_id: &str) -> Result<Vec<IntuneRequest>, TenantError> {
        let since = crate::dates::format(time::OffsetDateTime::now_utc() - time::Duration::days(1));
        Ok(self.store.intune_requests_of_user(user_id, &since).await?)
    }

    /// Records how a request moved on in the audit trail (a failure to record is logged,
    /// never a failed change).
    pub(super) async fn audit_request(
        &self,
        request: &IntuneRequest,
        outcome: &str,
        request_id: Option<String>,
        detail: Option<String>,
    ) {
        let entry = AuditEntry {
            user_id: request.user_id.clone(),
            upn: request.detail.get("upn").and_then(Value::as_str).unwrap_or_default().to_string(),
            tenant: "intune".into(),
            what: audit_what(request),
            target: audit_target(request),
            outcome: outcome.to_string(),
            request_id,
            detail,
            ..Default::default()
        };
        if let Err(e) = self.store.audit(entry).await {
            tracing::error!("audit: could not record request {}: {e:#}", request.id);
        }
    }

    pub(super) async fn request_action_now(
        &self,
        person: &Person,
        device_id: &str,
        action: RemoteAction,
    ) -> Result<ActionQueued, TenantError> {
        let Some(graph_name) = graph_action(action) else {
            return Err(TenantError::Refused(Refusal::App(AppRefusal::NotApplicable)));
        };
        let Some((device, _)) = self.checked_device(person, device_id, action).await? else {
            return Ok(ActionQueued::NotFound);
        };
        let new = NewRequest {
            user_id: person.id.clone(),
            kind: RequestKind::Action,
            device_id: device_id.to_string(),
            subject: crate::store::codec::code(&action),
            detail: json!({ "upn": person.upn, "deviceName": device.device_name, "graphAction": graph_name }),
        };
        let Some(request) = self.store.queue_intune_request(new).await? else {
            return Ok(ActionQueued::AlreadyPending);
        };
        let note = self.send_recorded(&request).await?;
        self.follow_up.notify_one();
        Ok(ActionQueued::Queued {
            id: request.id,
            result: DeviceActionResult {
                action_name: action,
                action_state: ActionState::Pending,
                start_date_time: request.requested_at.clone(),
                last_updated_date_time: request.requested_at,
                passcode: None,
                pending_note: note,
            },
        })
    }

    pub(super) async fn rename_now(
        &self,
        person: &Person,
        device_id: &str,
        name: &str,
    ) -> Result<Option<ManagedDevice>, TenantError> {
        let Some((mut device, _)) = self.checked_device(person, device_id, RemoteAction::Rename).await? else {
            return Ok(None);
        };
        let new = NewRequest {
            user_id: person.id.clone(),
            kind: RequestKind::Rename,
            device_id: device_id.to_string(),
            subject: name.to_string(),
            detail: json!({ "upn": person.upn, "deviceName": device.device_name }),
        };
        let Some(request) = self.store.queue_intune_request(new).await? else {
            return Err(TenantError::Refused(Refusal::Action(Reason::AlreadyPending)));
        };
        self.send_recorded(&request).await?;
        self.follow_up.notify_one();
        // The page shows the name asked for at once; `follow` waits for Intune to report it.
        device.device_name = name.to_string();
        Ok(Some(device))
    }

    pub(super) async fn selective_wipe_now(
        &self,
        person: &Person,
        device_tag: &str,
    ) -> Result<Option<Vec<String>>, TenantError> {
        // Read fresh: the registrations on that device now, and Graph's own device tag.
        let fresh = super::read_snapshot(&self.graph, self.settings.beta, &person.id, &Default::default())
            .await
            .map_err(tenant_error)?;
        let Some(snapshot) = fresh else { return Ok(None) };
        let on_device: Vec<&portal_core::domain::ManagedAppRegistration> =
            snapshot.registrations.iter().filter(|r| r.device_tag == device_tag).collect();
        let Some(graph_tag) = snapshot.graph_tags.get(device_tag).cloned() else { return Ok(None) };
        if on_device.is_empty() {
            return Ok(None);
        }
        let ids: Vec<String> = on_device.iter().map(|r| r.id.clone()).collect();
        let new = NewRequest {
            user_id: person.id.clone(),
            kind: RequestKind::SelectiveWipe,
            device_id: device_tag.to_string(),
            subject: graph_tag.clone(),
            detail: json!({ "upn": person.upn, "registrations": ids, "done": [] }),
        };
        // Already in flight: nothing new becomes pending.
        let Some(request) = self.store.queue_intune_request(new).await? else { return Ok(Some(Vec::new())) };
        self.send_recorded(&request).await?;
        self.follow_up.notify_one();
        Ok(Some(ids))
    }

    pub(super) async fn install_now(
        &self,
        person: &Person,
        device_id: &str,
        app_id: &str,
        operation: InstallOperation,
    ) -> Result<Option<InstallRecord>, TenantError> {
        let Some((device, raw)) = self.fresh_device(person, device_id).await.map_err(tenant_error)? else {
            return Ok(None);
        };
        if !device.is_primary_user(&person.id) {
            return Err(TenantError::Refused(Refusal::Action(Reason::NotPrimaryUser)));
        }
        let Some(groups) = self.install_groups.for_app(app_id) else {
            return Err(TenantError::Refused(Refusal::App(AppRefusal::NotSelfService)));
        };
        let entra_device = raw.azure_ad_device_id.clone().filter(|id| !id.is_empty());
        if groups.member == Member::Device && entra_device.is_none() {
            return Err(TenantError::Refused(Refusal::App(AppRefusal::NotSelfService)));
        }
        let kind = match operation {
            InstallOperation::Install => RequestKind::Install,
            InstallOperation::Uninstall => RequestKind::Uninstall,
        };
        let new = NewRequest {
            user_id: person.id.clone(),
            kind,
            device_id: device_id.to_string(),
            subject: app_id.to_string(),
            detail: json!({ "upn": person.upn, "deviceName": device.device_name, "entraDeviceId": entra_device }),
        };
        let Some(request) = self.store.queue_intune_request(new).await? else {
            return Err(TenantError::Refused(Refusal::Action(Reason::AlreadyPending)));
        };
        self.send_recorded(&request).await?;
        self.follow_up.notify_one();
        let now = request.requested_at.clone();
        Ok(Some(InstallRecord {
            app_id: app_id.to_string(),
            state: match operation {
                InstallOperation::Install => ResultantAppState::PendingInstall,
                InstallOperation::Uninstall => ResultantAppState::Installed,
            },
            pending: Some(operation),
            last_updated_date_time: now,
            failure: None,
        }))
    }

    /// Sends a change just recorded, unless another worker took it first (then it sends it).
    async fn send_recorded(&self, request: &IntuneRequest) -> Result<Option<PendingNote>, TenantError> {
        Ok(self.exclusively(request.id, self.send(request)).await?.transpose()?.flatten())
    }

    /// Sends a recorded change and records how that went. A request sent before and not
    /// known to have arrived — including one whose sender died mid-send — is first checked
    /// against Graph (`arrived`), so nothing that Graph already has is sent twice. The pending note for the page, when there is one.
    pub(super) async fn send(&self, request: &IntuneRequest) -> Result<Option<PendingNote>, TenantError> {
        let (what, target) = (audit_what(request), audit_target(request));
        if request.checks > 0 {
            if self.arrived(request).await.unwrap_or(false) {
                self.mark_sent(request, None).await?;
                return Ok(None);
            }
        } else {
            // Counted as a check before the first send: if this process dies before it hears
            // how the send went (Graph may have taken it), whoever resumes the request asks
            // Graph first instead of sending it again.
            self.store.update_intune_request(request.id, RequestUpdate { checked: true, ..Default::default() }).await?;
        }
        let sent = match request.kind {
            RequestKind::Action => self.send_action(request).await,
            RequestKind::Rename => Sent::of(
                self.graph
                    .post(
                        Version::Beta,
                        &format!("/deviceManagement/managedDevices/{}/setDeviceName", path_segment(&request.device_id)),
                        Some(&json!({ "deviceName": request.subject })),
                    )
                    .await,
            ),
            RequestKind::SelectiveWipe => Sent::of(
                self.graph
                    .post(
                        Version::V1,
                        &format!("/users/{}/wipeManagedAppRegistrationsByDeviceTag", path_segment(&request.user_id)),
                        Some(&json!({ "deviceTag": request.subject })),
                    )
                    .await,
            ),
            RequestKind::Install | RequestKind::Uninstall => self.send_membership(request).await,
        };
        match sent {
            Sent::Accepted(request_id) => {
                self.mark_sent(request, request_id.clone()).await?;
                self.audit_request(request, "accepted", request_id, None).await;
                Ok(None)
            }
            Sent::Throttled(wait) => {
                let retry_at = in_seconds(wait);
                self.store
                    .update_intune_request(
                        request.id,
                        RequestUpdate {
                            next_check_at: Some(retry_at.clone()),
                            retry_at: Some(Some(retry_at.clone())),
                            checked: true,
                            ..Default::default()
                        },
                    )
                    .await?;
                let note = PendingNote::WaitingForIntune { retry_at };
                self.publish_pending(request, Some(note.clone()));
                Ok(Some(note))
            }
            Sent::Unsure => {
                self.store
                    .update_intune_request(
                        request.id,
                        RequestUpdate {
                            next_check_at: Some(in_seconds(Duration::from_secs(5))),
                            checked: true,
                            ..Default::default()
                        },
                    )
                    .await?;
                Ok(None)
            }
            Sent::Refused(why) => {
                tracing::warn!("graph: {what} on {target} refused: {why}");
                self.finish(request, RequestState::Failed).await?;
                self.audit_request(request, "failed", None, Some(why)).await;
                Ok(None)
            }
        }
    }

    async fn send_action(&self, request: &IntuneRequest) -> Sent {
        let Some(graph_name) = request.detail.get("graphAction").and_then(Value::as_str) else {
            return Sent::Refused("no Graph action recorded".into());
        };
        let path = format!("/deviceManagement/managedDevices/{}/{graph_name}", path_segment(&request.device_id));
        // Only wipe takes parameters; it always gets them (see `wipe_body`).
        let body = (graph_name == "wipe").then(wipe_body);
        Sent::of(self.graph.post(Version::V1, &path, body.as_ref()).await)
    }

    /// An install joins the install group (and leaves the uninstall group); an uninstall does
    /// the opposite. "Already a member" and "not a member" are success: these are safe to
    /// send again. Then the device is asked to check in, so it happens now.
    async fn send_membership(&self, request: &IntuneRequest) -> Sent {
        let Some(groups) = self.install_groups.for_app(&request.subject) else {
            return Sent::Refused("the app has no install group any more".into());
        };
        let member = match groups.member {
            Member::User => request.user_id.clone(),
            Member::Device => {
                let Some(entra) = request.detail.get("entraDeviceId").and_then(Value::as_str) else {
                    return Sent::Refused("the device has no Entra device".into());
                };
                match super::device_object_id(&self.graph, entra).await {
                    Ok(Some(id)) => id,
                    Ok(None) => return Sent::Refused("the Entra device was not found".into()),
                    Err(e) => return Sent::of(Err(e)),
                }
            }
        };
        let (join, leave) = match request.kind {
            RequestKind::Install => (Some(&groups.install), groups.uninstall.as_ref()),
            _ => (groups.uninstall.as_ref(), Some(&groups.install)),
        };
        let mut request_id = None;
        if let Some(group) = leave {
            match remove_member(&self.graph, group, &member).await {
                Ok(changed) => request_id = changed.and_then(|c| c.request_id),
                Err(e) => return Sent::of(Err(e)),
            }
        }
        if let Some(group) = join {
            match add_member(&self.graph, &self.settings.graph_url, group, &member).await {
                Ok(changed) => request_id = changed.and_then(|c| c.request_id).or(request_id),
                Err(e) => return Sent::of(Err(e)),
            }
        }
        // A check-in makes the device pick the change up now rather than within hours.
        let sync = format!("/deviceManagement/managedDevices/{}/syncDevice", path_segment(&request.device_id));
        if let Err(e) = self.graph.post(Version::V1, &sync, None).await {
            tracing::info!("graph: check-in after a membership change not sent ({e}); the device picks it up later");
        }
        Sent::Accepted(request_id)
    }

    /// Whether Graph already has the change a previous attempt may have sent.
    async fn arrived(&self, request: &IntuneRequest) -> Result<bool, GraphError> {
        match request.kind {
            RequestKind::Action => {
                let path = format!(
                    "/deviceManagement/managedDevices/{}?$select=id,deviceActionResults,lastSyncDateTime",
                    path_segment(&request.device_id)
                );
                let raw: model::ManagedDevice = self.graph.get(Version::V1, &path).await?;
                let graph_name = request.detail.get("graphAction").and_then(Value::as_str).unwrap_or_default();
                Ok(super::follow::result_since(&raw, graph_name, &request.requested_at).is_some())
            }
            // Membership and a selective wipe are safe to send again; a rename too.
            _ => Ok(false),
        }
    }

    async fn mark_sent(&self, request: &IntuneRequest, _request_id: Option<String>) -> Result<(), TenantError> {
        self.store
            .update_intune_request(
                request.id,
                RequestUpdate {
                    state: Some(RequestState::Sent),
                    sent_at: Some(crate::dates::now()),
                    next_check_at: Some(in_seconds(Duration::from_secs(3))),
                    retry_at: Some(None),
                    ..Default::default()
                },
            )
            .await?;
        Ok(())
    }

    pub(super) async fn finish(&self, request: &IntuneRequest, state: RequestState) -> Result<(), TenantError> {
        self.store
            .update_intune_request(request.id, RequestUpdate { state: Some(state), ..Default::default() })
            .await?;
        self.expire_person(&request.user_id);
        // Other instances (one PostgreSQL database) read this person afresh too.
        self.events.announce(crate::events::Announcement::PersonChanged(request.user_id.as_str().into()));
        Ok(())
    }
}

/// `action.wipe`, `install`, … for the audit trail.
pub(super) fn audit_what(request: &IntuneRequest) -> String {
    match request.kind {
        RequestKind::Action => format!("action.{}", request.subject),
        RequestKind::Rename => "rename".into(),
        RequestKind::SelectiveWipe => "selectiveWipe".into(),
        RequestKind::Install => "install".into(),
        RequestKind::Uninstall => "uninstall".into(),
    }
}

pub(super) fn audit_target(request: &IntuneRequest) -> String {
    match request.kind {
        RequestKind::Install | RequestKind::Uninstall => format!("{}@{}", request.subject, request.device_id),
        _ => request.device_id.clone(),
    }
}

/// Adds `member` to an allowed group; `None` when it already was one (Graph's 400).
pub(super) async fn add_member(
    graph: &GraphClient,
    graph_url: &str,
    group: &AllowedGroup,
    member: &str,
) -> Result<Option<Changed>, GraphError> {
    let body = json!({ "@odata.id": format!("{graph_url}/v1.0/directoryObjects/{}", path_segment(member)) });
    match graph.post(Version::V1, &format!("/groups/{}/members/$ref", path_segment(group.id())), Some(&body)).await {
        Ok(changed) => Ok(Some(changed)),
        Err(GraphError::Refused { status: 400, message, .. }) if message.contains("already exist") => Ok(None),
        Err(e) => Err(e),
    }
}

/// Removes `member` from an allowed group; `None` when it was not one (Graph's 404).
async fn remove_member(graph: &GraphClient, group: &AllowedGroup, member: &str) -> Result<Option<Changed>, GraphError> {
    let path = format!("/groups/{}/members/{}/$ref", path_segment(group.id()), path_segment(member));
    match graph.delete(Version::V1, &path).await {
        Ok(changed) => Ok(Some(changed)),
        Err(GraphError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_keeps_nothing_and_says_so() {
        let body = wipe_body();
        for field in ["keepEnrollmentData", "keepUserData", "persistEsimDataPlan"] {
            assert_eq!(body.get(field), Some(&Value::Bool(false)), "{field}");
        }
    }

    #[test]
    fn every_remote_action_but_rename_has_a_graph_action() {
        for action in RemoteAction::ALL {
            assert_eq!(graph_action(action).is_some(), action != RemoteAction::Rename, "{action:?}");
        }
    }
}
