//! Microsoft Graph's JSON, as far as the portal reads it (names as Graph spells them). Every
//! field is optional or defaulted: Graph leaves out what is null or not selected, and an
//! item that still cannot be read is skipped and counted, never a failed page.

use serde::Deserialize;
use serde_json::Value;

/// `@odata.type`, e.g. `#microsoft.graph.iosStoreApp` → `iosStoreApp`.
pub fn odata_type(value: &Value) -> Option<&str> {
    value.get("@odata.type").and_then(Value::as_str).map(|t| t.trim_start_matches("#microsoft.graph."))
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct User {
    pub id: String,
    pub display_name: Option<String>,
    pub user_principal_name: Option<String>,
    pub mail: Option<String>,
}

/// An item of `transitiveMemberOf` (groups, directory roles, administrative units).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DirectoryObject {
    pub id: String,
    #[serde(rename = "@odata.type")]
    pub odata_type: Option<String>,
}

impl DirectoryObject {
    pub fn is_group(&self) -> bool {
        self.odata_type.as_deref() == Some("#microsoft.graph.group")
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ManagedDevice {
    pub id: String,
    pub user_id: Option<String>,
    pub device_name: Option<String>,
    pub operating_system: Option<String>,
    pub os_version: Option<String>,
    pub model: Option<String>,
    pub manufacturer: Option<String>,
    pub serial_number: Option<String>,
    pub managed_device_owner_type: Option<String>,
    pub device_enrollment_type: Option<String>,
    pub enrolled_date_time: Option<String>,
    pub last_sync_date_time: Option<String>,
    pub compliance_state: Option<String>,
    pub compliance_grace_period_expiration_date_time: Option<String>,
    pub is_encrypted: Option<bool>,
    /// A *string*: `"True"`, `"False"` or `"Unknown"`.
    pub jail_broken: Option<String>,
    #[serde(rename = "azureADDeviceId")]
    pub azure_ad_device_id: Option<String>,
    pub device_action_results: Vec<Value>,
    /// Beta only: e.g. `androidForWork` for an Android Enterprise work profile.
    pub device_type: Option<String>,
    /// The category's name; Intune reports `Unknown` for a device without one.
    pub device_category_display_name: Option<String>,
}

/// The `$select` of a user's managed devices: what [`ManagedDevice`] reads, nothing more
/// (beta's `deviceType` tells an Android work profile, which `deviceEnrollmentType` does not).
pub fn managed_device_select(beta: bool) -> String {
    let v1 = "id,userId,deviceName,operatingSystem,osVersion,model,manufacturer,serialNumber,managedDeviceOwnerType,\
              deviceEnrollmentType,enrolledDateTime,lastSyncDateTime,complianceState,\
              complianceGracePeriodExpirationDateTime,isEncrypted,jailBroken,azureADDeviceId,deviceActionResults,\
              deviceCategoryDisplayName";
    let v1: String = v1.split_whitespace().collect();
    if beta {
        format!("{v1},deviceType")
    } else {
        v1
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DeviceActionResult {
    pub action_name: Option<String>,
    pub action_state: Option<String>,
    pub start_date_time: Option<String>,
    pub last_updated_date_time: Option<String>,
    /// On `#microsoft.graph.resetPasscodeActionResult`.
    pub passcode: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MimeContent {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Base64.
    pub value: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MobileApp {
    pub id: String,
    #[serde(rename = "@odata.type")]
    pub odata_type: Option<String>,
    pub display_name: Option<String>,
    pub publisher: Option<String>,
    pub developer: Option<String>,
    pub description: Option<String>,
    pub is_featured: bool,
    pub information_url: Option<String>,
    pub privacy_information_url: Option<String>,
    pub created_date_time: Option<String>,
    pub publishing_state: Option<String>,
    pub assignments: Vec<Value>,
    pub categories: Vec<Category>,
    // Properties of derived types the portal reads.
    pub bundle_id: Option<String>,
    pub package_id: Option<String>,
    pub app_url: Option<String>,
    pub app_store_url: Option<String>,
    pub applicable_device_type: Option<IosDeviceType>,
    pub minimum_supported_operating_system: Option<Value>,
    pub size: Option<Value>,
    pub version_number: Option<String>,
    pub version_name: Option<String>,
    pub version: Option<String>,
    pub display_version: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IosDeviceType {
    #[serde(rename = "iPad")]
    pub ipad: bool,
    #[serde(rename = "iPhoneAndIPod")]
    pub iphone_and_ipod: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Category {
    pub id: String,
    pub display_name: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MobileAppAssignment {
    pub intent: Option<String>,
    pub target: Value,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ManagedAppRegistration {
    pub id: String,
    #[serde(rename = "@odata.type")]
    pub odata_type: Option<String>,
    pub user_id: Option<String>,
    pub app_identifier: Value,
    pub application_version: Option<String>,
    pub device_name: Option<String>,
    pub device_tag: Option<String>,
    pub device_type: Option<String>,
    pub platform_version: Option<String>,
    pub created_date_time: Option<String>,
    pub last_sync_date_time: Option<String>,
    pub management_sdk_version: Option<String>,
    pub flagged_reasons: Vec<String>,
    pub applied_policies: Vec<PolicyRef>,
    pub intended_policies: Vec<PolicyRef>,
    /// Beta: the managed device the app runs on, when it is enrolled.
    pub managed_device_id: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PolicyRef {
    pub id: String,
    #[serde(rename = "@odata.type")]
    pub odata_type: Option<String>,
    pub display_name: Option<String>,
}

/// `iosManagedAppProtection` / `androidManagedAppProtection`, the settings the portal explains.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ManagedAppProtection {
    pub id: String,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub save_as_blocked: bool,
    pub allowed_outbound_clipboard_sharing_level: Option<String>,
    pub allowed_outbound_data_transfer_destinations: Option<String>,
    pub pin_required: bool,
    pub simple_pin_blocked: bool,
    pub minimum_pin_length: Option<i64>,
    pub device_compliance_required: bool,
    /// ISO 8601 durations, e.g. `PT30M`, `P90D`.
    pub period_online_before_access_check: Option<String>,
    pub period_offline_before_wipe_is_enforced: Option<String>,
    pub apps: Vec<ManagedMobileApp>,
    pub assignments: Vec<PolicyAssignment>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ManagedMobileApp {
    pub mobile_app_identifier: Value,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PolicyAssignment {
    pub target: Value,
}

/// `deviceManagement.intuneBrand` (v1.0) and the same fields of a beta `intuneBrandingProfile`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IntuneBrand {
    pub display_name: Option<String>,
    pub theme_color: Option<RgbColor>,
    pub show_logo: Option<bool>,
    pub show_name_next_to_logo: Option<bool>,
    pub show_display_name_next_to_logo: Option<bool>,
    pub light_background_logo: Option<MimeContent>,
    // Graph spells these with a capital IT.
    #[serde(rename = "contactITName")]
    pub contact_it_name: Option<String>,
    #[serde(rename = "contactITPhoneNumber")]
    pub contact_it_phone_number: Option<String>,
    #[serde(rename = "contactITEmailAddress")]
    pub contact_it_email_address: Option<String>,
    #[serde(rename = "contactITNotes")]
    pub contact_it_notes: Option<String>,
    pub online_support_site_name: Option<String>,
    pub online_support_site_url: Option<String>,
    pub privacy_url: Option<String>,
    // Beta `intuneBrandingProfile` only.
    pub id: Option<String>,
    pub profile_name: Option<String>,
    pub is_default_profile: Option<bool>,
    pub is_remove_device_disabled: Option<bool>,
    pub is_factory_reset_disabled: Option<bool>,
    pub enrollment_availability: Option<String>,
    /// Beta profiles: don't ask people for a device category.
    pub disable_device_category_selection: Option<bool>,
    pub company_portal_blocked_actions: Vec<BlockedAction>,
    pub assignments: Vec<PolicyAssignment>,
}

#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(default)]
pub struct RgbColor {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

/// Beta `companyPortalBlockedAction`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BlockedAction {
    pub platform: Option<String>,
    pub owner_type: Option<String>,
    pub action: Option<String>,
}

/// Beta `mobileAppIntentAndState`: one managed device's apps for one user.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MobileAppIntentAndState {
    pub managed_device_identifier: Option<String>,
    pub user_id: Option<String>,
    pub mobile_app_list: Vec<MobileAppIntentAndStateDetail>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MobileAppIntentAndStateDetail {
    pub application_id: Option<String>,
    pub install_state: Option<String>,
    pub mobile_app_intent: Option<String>,
}
