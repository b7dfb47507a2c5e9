//! Wire and domain types of the Portal API (see `DOMAIN.md`).
//!
//! Names follow Microsoft Graph wherever the concept is the same, so that a later Graph
//! connector maps one to one; where the portal needs a distinction Graph encodes elsewhere
//! (e.g. Android work profile on a personal device), the extra variant says so in its doc.
//! These types carry no behaviour beyond small classifications; the decisions live in
//! [`crate::rules`].

mod app;
mod assignment;
mod category;
mod device;
mod enrollment;
mod notification;
mod organisation;
mod platform;
mod protection;
mod recovery;
mod request;
mod terms;

pub use app::{App, AppSource, ResultantAppState};
pub use assignment::{Assignment, AssignmentTarget, InstallIntent, MobileAppIntent, ResolvedIntent};
pub use category::DeviceCategory;
pub use device::{
    ActionState, ComplianceState, DeviceActionResult, FailingSetting, ManagedDevice, OwnerType, PendingNote,
    RemoteAction, UnenrolledDevice,
};
pub use enrollment::{AndroidCorporateKind, DeviceEnrollmentType};
pub use notification::{MessageCode, Notification, PortalMessage};
pub use organisation::{BlockedAction, DeviceRename, EnrollmentAvailability, OrganisationSettings};
pub use platform::Platform;
pub use protection::{
    AppProtectionPolicy, ClipboardSharingLevel, DataTransferLevel, FlaggedReason, ManagedAppRegistration, PolicyRef,
    SelectiveWipeState,
};
pub use recovery::{RecoveryKeyKind, VolumeType};
pub use request::{AppRequest, AppRequestState};
pub use terms::{TermsAcceptance, TermsOfUse, TermsText};
