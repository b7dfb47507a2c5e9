//! The portal's own requests laid over what Graph says: Graph may not list a remote action
//! for a few seconds after it accepted it, and knows nothing of a request the portal is still
//! waiting to send (throttled) — the pages must show both as pending, and the action rule
//! must see them (a second Remove while one is pending is refused).

use crate::store::{IntuneRequest, RequestKind, RequestState};
use crate::tenant::InstallRecord;
use portal_core::api::InstallOperation;
use portal_core::domain::{
    ActionState, DeviceActionResult, ManagedAppRegistration, ManagedDevice, PendingNote, RemoteAction,
    ResultantAppState, SelectiveWipeState,
};
use serde_json::Value;
use std::collections::HashMap;

fn note(request: &IntuneRequest) -> Option<PendingNote> {
    match (request.state, &request.retry_at) {
        (RequestState::StillPending, _) => Some(PendingNote::StillPendingOnDevice),
        (RequestState::Queued, Some(retry_at)) => Some(PendingNote::WaitingForIntune { retry_at: retry_at.clone() }),
        _ => None,
    }
}

/// Pending actions of `device` that Graph does not show (yet), with their notes.
pub fn actions(device: &mut ManagedDevice, requests: &[IntuneRequest]) {
    for request in requests.iter().filter(|r| r.kind == RequestKind::Action && r.device_id == device.id) {
        let pending = request.state.in_flight() || request.state == RequestState::StillPending;
        let Ok(action) = crate::store::codec::decode::<RemoteAction>(&request.subject) else { continue };
        let listed = device
            .device_action_results
            .iter_mut()
            .find(|r| r.action_name == action && r.start_date_time.as_str() >= request.requested_at.as_str());
        match listed {
            Some(result) if result.action_state.is_in_progress() => result.pending_note = note(request),
            Some(_) => {}
            None if pending => device.device_action_results.push(DeviceActionResult {
                action_name: action,
                action_state: ActionState::Pending,
                start_date_time: request.requested_at.clone(),
                last_updated_date_time: request.sent_at.clone().unwrap_or_else(|| request.requested_at.clone()),
                passcode: None,
                pending_note: note(request),
            }),
            None => {}
        }
    }
}

/// Installs and uninstalls in flight on the device with `device_id`.
pub fn installs(device_id: &str, states: &mut HashMap<String, InstallRecord>, requests: &[IntuneRequest]) {
    for request in requests.iter().filter(|r| r.device_id == device_id && r.state.in_flight()) {
        let operation = match request.kind {
            RequestKind::Install => InstallOperation::Install,
            RequestKind::Uninstall => InstallOperation::Uninstall,
            _ => continue,
        };
        let record = states.entry(request.subject.clone()).or_insert_with(|| InstallRecord {
            app_id: request.subject.clone(),
            state: ResultantAppState::NotInstalled,
            pending: None,
            last_updated_date_time: request.requested_at.clone(),
            failure: None,
        });
        record.pending = Some(operation);
        if operation == InstallOperation::Install {
            record.state = ResultantAppState::PendingInstall;
            record.failure = None;
        }
    }
}

/// Registrations a selective wipe is pending for, or was carried out on.
pub fn wipes(registrations: &mut [ManagedAppRegistration], requests: &[IntuneRequest]) {
    for request in requests.iter().filter(|r| r.kind == RequestKind::SelectiveWipe) {
        let listed = |key: &str| -> Vec<String> {
            request
                .detail
                .get(key)
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
                .unwrap_or_default()
        };
        let (all, done) = (listed("registrations"), listed("done"));
        for registration in registrations.iter_mut().filter(|r| all.contains(&r.id)) {
            registration.selective_wipe_state =
                if done.contains(&registration.id) || request.state == RequestState::Done {
                    SelectiveWipeState::Done
                } else {
                    SelectiveWipeState::Pending
                };
        }
    }
}
