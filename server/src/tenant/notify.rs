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
    Message { title, body, link, message: PortalMessage { code, app: None, device: Some(name.to_string()) } }
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
        message: PortalMessage { code, app: Some(app_name.to_string()), device: Some(device_name.to_string()) },
    }
}

/// An app checked in and removed its company data.
pub fn company_data_removed() -> Message {
    Message {
        title: "Company data removed",
        body: "An app checked in and removed its company data. Your personal data was not touched.".to_string(),
        link: "/protected-apps".to_string(),
        message: PortalMessage { code: MessageCode::CompanyDataRemoved, app: None, device: None },
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
