//! The device simulator: stands in for the devices and apps of the tenant, so that a person
//! using the portal sees real state transitions. A background task takes the store's
//! pending work and, once each item has waited `--simulator-delay-ms`, carries it out:
//!
//! - installs become `installed` (or `failed` for apps the tenant marks `fails_install`),
//!   uninstalls `notInstalled`;
//! - Check status records a check-in and re-evaluates compliance: a grace period past its
//!   deadline becomes noncompliant, a not-yet-evaluated device becomes compliant when it
//!   fails no setting (and noncompliant otherwise); other states stay as the tenant says
//!   (nothing on a simulated device fixes a failing setting by itself);
//! - Remote lock completes; Reset passcode completes, and on Android and Windows sets a
//!   temporary passcode shown to the primary user (iOS removes the passcode);
//! - Remove (retire) unenrolls: the device and its history leave the portal;
//! - Reset (wipe) completes, after which the device is reset and takes no more actions;
//! - a selective wipe completes per app at its next check-in.
//!
//! Each completion, its notification to the user and its audit entry are one transaction,
//! taken only while the work is still pending (`store/completion.rs`), then published on the
//! event bus. Everything lives in the store, so a restarted server — even after `kill -9` —
//! continues where it stopped and carries every request out exactly once.

use crate::events::EventBus;
use crate::http::install_status;
use crate::store::codec::code;
use crate::store::{
    ActionOutcome, AuditEntry, CheckIn, Notice, PendingAction, PendingInstall, PendingWipe, Record, Store,
};
use crate::tenant::notify;
use portal_core::api::{Event, InstallOperation};
use portal_core::domain::{
    ActionState, ComplianceState, DeviceActionResult, Notification, Platform, RemoteAction, ResultantAppState,
    SelectiveWipeState,
};
use rand::Rng;
use std::time::Duration;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Starts the simulator on the runtime; it runs until the process ends.
pub fn spawn(store: Store, events: EventBus, delay: Duration) -> tokio::task::JoinHandle<()> {
    // Zero delay: react to the wake-up a handler sends; otherwise look often enough to be
    // roughly on time, but not more than every 50 ms.
    let poll = if delay.is_zero() {
        Duration::from_millis(250)
    } else {
        (delay / 4).clamp(Duration::from_millis(50), Duration::from_secs(1))
    };
    tokio::spawn(async move {
        let simulator = Simulator { store, events, delay };
        loop {
            if let Err(e) = simulator.tick().await {
                tracing::warn!("device simulator: {e:#}");
            }
            tokio::select! {
                _ = tokio::time::sleep(poll) => {}
                _ = simulator.events.wait_for_work() => {}
            }
        }
    })
}

struct Simulator {
    store: Store,
    events: EventBus,
    delay: Duration,
}

impl Simulator {
    /// Whether work requested at `since` (RFC 3339) has waited long enough.
    fn is_due(&self, since: &str) -> bool {
        match OffsetDateTime::parse(since, &Rfc3339) {
            Ok(at) => (OffsetDateTime::now_utc() - at) >= self.delay,
            Err(_) => true,
        }
    }

    async fn tick(&self) -> anyhow::Result<()> {
        let work = self.store.pending_work().await?;
        for install in work.installs.iter().filter(|i| self.is_due(&i.since)) {
            self.install(install).await?;
        }
        for action in work.actions.iter().filter(|a| self.is_due(&a.since)) {
            self.action(action).await?;
        }
        for wipe in work.wipes.iter().filter(|w| self.is_due(&w.since)) {
            self.selective_wipe(wipe).await?;
        }
        Ok(())
    }

    async fn install(&self, work: &PendingInstall) -> anyhow::Result<()> {
        let state = match (work.operation, work.fails_install) {
            (InstallOperation::Install, false) => ResultantAppState::Installed,
            (InstallOperation::Install, true) => ResultantAppState::Failed,
            (InstallOperation::Uninstall, _) => ResultantAppState::NotInstalled,
        };
        // A failing app fails the way most real line-of-business installs do: the installer
        // runs, but its detection rule does not find the app afterwards.
        let failure = (state == ResultantAppState::Failed).then_some(portal_core::api::InstallFailure::NotDetected);
        let app_name = match self.store.apps_with_assignments().await?.get(&work.app_id) {
            Some(app) => app.app.name.clone(),
            None => work.app_id.clone(),
        };
        let device_name = self.store.device(&work.device_id).await?.map(|d| d.device_name).unwrap_or_default();
        let record = match work.user_id.as_deref() {
            Some(user_id) => {
                let what = if work.operation == InstallOperation::Install { "install" } else { "uninstall" };
                let outcome = if state == ResultantAppState::Failed { "failed" } else { "done" };
                let target = format!("{}@{}", work.app_id, work.device_id);
                let message = notify::install_done(state, &work.app_id, &app_name, &device_name);
                self.record(user_id, what, &target, outcome, message).await?
            }
            None => Record::default(),
        };
        let done =
            self.store.complete_install(&work.device_id, &work.app_id, work.operation, state, failure, record).await?;
        // Not pending any more: carried out before (by another instance, or before a restart).
        let (Some((installed, notification)), Some(user_id)) = (done, work.user_id.as_deref()) else {
            return Ok(());
        };
        self.events.publish(
            user_id,
            Event::Install {
                device_id: work.device_id.clone(),
                app_id: work.app_id.clone(),
                install: install_status(&installed),
            },
        );
        self.published(user_id, notification);
        Ok(())
    }

    /// The notification and audit entry a completion commits with its change.
    async fn record(
        &self,
        user_id: &str,
        what: &str,
        target: &str,
        outcome: &str,
        message: notify::Message,
    ) -> anyhow::Result<Record> {
        let upn = self.store.person(user_id).await?.map(|p| p.upn.clone()).unwrap_or_default();
        Ok(Record {
            notice: Some(Notice {
                user_id: user_id.to_string(),
                title: message.title.to_string(),
                body: message.body,
                link: Some(message.link),
                message: message.message,
            }),
            audit: Some(AuditEntry {
                user_id: user_id.to_string(),
                upn,
                tenant: "embedded".into(),
                what: what.into(),
                target: target.into(),
                outcome: outcome.into(),
                ..Default::default()
            }),
        })
    }

    /// Publishes a notification a completion committed.
    fn published(&self, user_id: &str, notification: Option<Notification>) {
        if let Some(notification) = notification {
            self.events.publish(user_id, Event::Notification { notification });
        }
    }

    async fn action(&self, work: &PendingAction) -> anyhow::Result<()> {
        let Some(device) = self.store.device(&work.device_id).await? else { return Ok(()) };
        let mut passcode = None;
        let mut check_in = None;
        match work.action {
            RemoteAction::Sync => {
                let compliance = match device.compliance_state {
                    ComplianceState::InGracePeriod
                        if grace_expired(device.compliance_grace_period_expiration_date_time.as_deref()) =>
                    {
                        ComplianceState::Noncompliant
                    }
                    ComplianceState::Unknown if device.failing_settings.is_empty() => ComplianceState::Compliant,
                    ComplianceState::Unknown => ComplianceState::Noncompliant,
                    other => other,
                };
                let grace_period_expires = (compliance == ComplianceState::InGracePeriod)
                    .then(|| device.compliance_grace_period_expiration_date_time.clone())
                    .flatten();
                check_in = Some(CheckIn {
                    compliance,
                    grace_period_expires,
                    failing_settings: device.failing_settings.clone(),
                });
            }
            RemoteAction::ResetPasscode if matches!(device.operating_system, Platform::Android | Platform::Windows) => {
                passcode = Some(format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000u32)));
            }
            _ => {}
        }
        let record = match work.user_id.as_deref() {
            Some(user_id) => {
                let message = notify::action_done(work.action, &device.id, &device.device_name, passcode.is_some());
                let what = format!("action.{}", code(&work.action));
                self.record(user_id, &what, &device.id, "done", message).await?
            }
            None => Record::default(),
        };
        let compliance = check_in.as_ref().map(|c| c.compliance);
        let outcome = if work.action == RemoteAction::Retire {
            ActionOutcome::Retired
        } else {
            ActionOutcome::Done { passcode: passcode.clone(), check_in }
        };
        let Some(notification) = self.store.complete_action(work.id, &device.id, outcome, record).await? else {
            return Ok(());
        };
        let Some(user_id) = work.user_id.as_deref() else { return Ok(()) };
        if let Some(compliance_state) = compliance {
            let synced = self.store.device(&device.id).await?;
            self.events.publish(
                user_id,
                Event::CheckIn {
                    device_id: device.id.clone(),
                    last_sync_date_time: synced.map(|d| d.last_sync_date_time).unwrap_or_default(),
                    compliance_state,
                },
            );
        }
        self.events.publish(
            user_id,
            Event::Action {
                device_id: device.id.clone(),
                result: DeviceActionResult {
                    action_name: work.action,
                    action_state: ActionState::Done,
                    start_date_time: work.since.clone(),
                    last_updated_date_time: crate::dates::now(),
                    passcode,
                    pending_note: None,
                },
            },
        );
        if work.action == RemoteAction::Retire {
            self.events.publish(user_id, Event::DeviceRemoved { device_id: device.id.clone() });
        }
        self.published(user_id, notification);
        Ok(())
    }

    async fn selective_wipe(&self, work: &PendingWipe) -> anyhow::Result<()> {
        let record = self
            .record(&work.user_id, "selectiveWipe", &work.device_tag, "done", notify::company_data_removed())
            .await?;
        let Some(notification) = self.store.complete_selective_wipe(&work.registration_id, record).await? else {
            return Ok(());
        };
        self.events.publish(
            &work.user_id,
            Event::SelectiveWipe {
                device_tag: work.device_tag.clone(),
                registration_id: work.registration_id.clone(),
                state: SelectiveWipeState::Done,
            },
        );
        self.published(&work.user_id, notification);
        Ok(())
    }
}

fn grace_expired(deadline: Option<&str>) -> bool {
    deadline.and_then(|d| OffsetDateTime::parse(d, &Rfc3339).ok()).is_some_and(|d| d <= OffsetDateTime::now_utc())
}
