//! The notifications the portal sends when something a person asked for has ended, the same
//! for both tenants (the embedded tenant's simulator and the Intune tenant's follow-up): a
//! code and names for the page to word in the reader's language, and the same in English for
//! other clients. Sent to the person's notifications and published live.

use crate::events::EventBus;
use crate::store::Store;
use portal_core::api::Event;
use portal_core::domain::{MessageCode, PortalMessage, RemoteAction, ResultantAppState};

/// One notification to send.
pub struct Message {
    pub title: &'static str,
    pub body: String,
    pub link: String,
    pub message: PortalMessage,
}

/// An action on `device_name` has finished (`passcode`: a temporary passcode was set).
pub fn action_done(action: RemoteAction, device_id: &str, device_name: &str, passcode: bool) -> Message {
    let name = device_name;
    let (title, body, code) = match action {
        RemoteAction::Sync => (
            "Device checked in",
            format!("{name} checked in and its access was re-evaluated."),
            MessageCode::DeviceCheckedIn,
        ),
        RemoteAction::RemoteLock => ("Device locked", format!("{name} was locked."), MessageCode::DeviceLocked),
        RemoteAction::ResetPasscode if passcode => (
            "Passcode reset",
            format!("{name} has a temporary passcode. See the device's page."),
            MessageCode::PasscodeReset,
        ),
        RemoteAction::ResetPasscode => {
            ("Passcode removed", format!("The passcode of {name} was removed."), MessageCode::PasscodeRemoved)
        }
        RemoteAction::Retire => (
            "Device removed",
            format!("{name} was removed and company data deleted from it."),
            MessageCode::DeviceRemoved,
        ),
        RemoteAction::Wipe => {
            ("Device reset", format!("{name} was reset to factory settings."), MessageCode::DeviceReset)
        }
        RemoteAction::Rename => ("Device renamed", format!("{name} was renamed."), MessageCode::DeviceRenamed),
    };
    let link = if action == RemoteAction::Retire { "/devices".to_string() } else { format!("/devices/{device_id}") };
    Message {
        title,
        body,
        link,
        message: PortalMessage { code, app: None, device: Some(name.to_string()), person: None },
    }
}

/// An install or uninstall of `app_name` on `device_name` ended in `state`.
pub fn install_done(state: ResultantAppState, app_id: &str, app_name: &str, device_name: &str) -> Message {
    let (title, body, code) = match state {
        ResultantAppState::Failed => (
            "App install failed",
            format!("{app_name} could not be installed on {device_name}. Try again later or contact your IT support."),
            MessageCode::AppInstallFailed,
        ),
        ResultantAppState::NotInstalled => {
            ("App uninstalled", format!("{app_name} was removed from {device_name}."), MessageCode::AppUninstalled)
        }
        _ => ("App installed", format!("{app_name} is ready on {device_name}."), MessageCode::AppInstalled),
    };
    Message {
        title,
        body,
        link: format!("/apps/{app_id}"),
        message: PortalMessage {
            code,
            app: Some(app_name.to_string()),
            device: Some(device_name.to_string()),
            person: None,
        },
    }
}

/// An app checked in and removed its company data.
pub fn company_data_removed() -> Message {
    Message {
        title: "Company data removed",
        body: "An app checked in and removed its company data. Your personal data was not touched.".to_string(),
        link: "/protected-apps".to_string(),
        message: PortalMessage { code: MessageCode::CompanyDataRemoved, app: None, device: None, person: None },
    }
}

/// A recovery key of `device_name` was shown to its user: they hear of it, so a key shown
/// to someone else with their sign-in does not go unnoticed. Never carries the key.
pub fn recovery_key_shown(kind: portal_core::domain::RecoveryKeyKind, device_id: &str, device_name: &str) -> Message {
    let what = match kind {
        portal_core::domain::RecoveryKeyKind::BitLocker => "BitLocker",
        portal_core::domain::RecoveryKeyKind::FileVault => "FileVault",
    };
    Message {
        title: "A recovery key was shown",
        body: format!(
            "The {what} recovery key of {device_name} was shown in the portal. If that wasn't you, contact your IT support."
        ),
        link: format!("/devices/{device_id}"),
        message: PortalMessage {
            code: MessageCode::RecoveryKeyShown,
            app: None,
            device: Some(device_name.to_string()),
            person: None,
        },
    }
}

/// `device_name` has no category yet.
pub fn category_needed(device_id: &str, device_name: &str) -> Message {
    Message {
        title: "Choose a category for your device",
        body: format!("Your organisation asks you to choose a category for {device_name}."),
        link: format!("/devices/{device_id}"),
        message: PortalMessage {
            code: MessageCode::DeviceCategoryNeeded,
            app: None,
            device: Some(device_name.to_string()),
            person: None,
        },
    }
}

/// To an approver: `requester` asked for `app_name`.
pub fn app_requested(app_name: &str, requester: &str) -> Message {
    Message {
        title: "An app request is waiting",
        body: format!("{requester} asks for {app_name}."),
        link: "/approvals".to_string(),
        message: PortalMessage {
            code: MessageCode::AppRequested,
            app: Some(app_name.to_string()),
            device: None,
            person: Some(requester.to_string()),
        },
    }
}

/// To an approver: `requester` withdrew their request for `app_name`.
pub fn app_request_withdrawn(app_name: &str, requester: &str) -> Message {
    Message {
        title: "An app request was withdrawn",
        body: format!("{requester} no longer asks for {app_name}."),
        link: "/approvals".to_string(),
        message: PortalMessage {
            code: MessageCode::AppRequestWithdrawn,
            app: Some(app_name.to_string()),
            device: None,
            person: Some(requester.to_string()),
        },
    }
}

/// To the requester: their request for `app_name` was approved or declined.
pub fn app_request_decided(approved: bool, app_id: &str, app_name: &str, approver: &str) -> Message {
    let (title, body, code) = if approved {
        (
            "App request approved",
            format!("{approver} approved your request for {app_name}."),
            MessageCode::AppRequestApproved,
        )
    } else {
        (
            "App request declined",
            format!("{approver} declined your request for {app_name}."),
            MessageCode::AppRequestDeclined,
        )
    };
    Message {
        title,
        body,
        link: format!("/apps/{app_id}"),
        message: PortalMessage {
            code,
            app: Some(app_name.to_string()),
            device: None,
            person: Some(approver.to_string()),
        },
    }
}

/// Stores `message` for `user_id` and publishes it live.
pub async fn send(store: &Store, events: &EventBus, user_id: &str, message: Message) -> anyhow::Result<()> {
    let notification = store
        .insert_notification(user_id, message.title, &message.body, Some(&message.link), Some(message.message))
        .await?;
    events.publish(user_id, Event::Notification { notification });
    Ok(())
}
