use super::*;
use serde_json::json;
use std::collections::HashSet;

fn device(value: Value) -> model::ManagedDevice {
    serde_json::from_value(value).expect("device json")
}

#[test]
fn dates_normalise_and_graph_no_date_values_are_none() {
    assert_eq!(date(Some("2026-11-20T16:02:00.1234567Z")).as_deref(), Some("2026-11-20T16:02:00Z"));
    assert_eq!(date(Some("9999-12-31T23:59:59Z")), None);
    assert_eq!(date(Some("0001-01-01T00:00:00Z")), None);
    assert_eq!(date(Some("yesterday")), None);
    assert_eq!(date(None), None);
}

#[test]
fn platforms_of_devices() {
    let cases = [
        (Some("iOS"), Some("iPhone 15"), Some(Platform::Ios)),
        (Some("iOS"), Some("iPad Pro"), Some(Platform::Ipados)),
        (Some("iPadOS"), None, Some(Platform::Ipados)),
        (Some("Android"), None, Some(Platform::Android)),
        (Some("AndroidForWork"), None, Some(Platform::Android)),
        (Some("Windows"), None, Some(Platform::Windows)),
        (Some("macOS"), None, Some(Platform::Macos)),
        (Some("Linux"), None, None),
        (None, None, None),
    ];
    for (os, model, expected) in cases {
        assert_eq!(platform_of_device(os, model), expected, "{os:?} {model:?}");
    }
}

#[test]
fn a_managed_device_maps_with_its_primary_user_and_string_jailbreak() {
    let now = crate::dates::now();
    let raw = device(json!({
        "id": "d1", "userId": "enroller", "deviceName": "CPH-LT-0142", "operatingSystem": "Windows",
        "osVersion": "10.0.22631", "model": "Surface Laptop 5", "manufacturer": "Microsoft",
        "managedDeviceOwnerType": "company", "deviceEnrollmentType": "windowsAzureADJoin",
        "enrolledDateTime": "2025-09-15T09:00:00Z", "lastSyncDateTime": "2026-11-21T06:30:00.5Z",
        "complianceState": "inGracePeriod", "complianceGracePeriodExpirationDateTime": "2026-12-05T17:00:00Z",
        "isEncrypted": true, "jailBroken": "False",
        "deviceActionResults": [
            {"actionName": "remoteLock", "actionState": "done", "startDateTime": "2026-11-20T16:02:00Z", "lastUpdatedDateTime": "2026-11-20T16:03:00Z"},
            {"@odata.type": "#microsoft.graph.resetPasscodeActionResult", "actionName": "resetPasscode", "actionState": "done",
             "startDateTime": "2026-11-19T10:00:00Z", "lastUpdatedDateTime": now, "passcode": "417293"},
            {"@odata.type": "#microsoft.graph.resetPasscodeActionResult", "actionName": "resetPasscode", "actionState": "done",
             "startDateTime": "2026-11-18T10:00:00Z", "lastUpdatedDateTime": "2026-11-18T10:01:00Z", "passcode": "000111"},
            {"actionName": "rotateBitLockerKeys", "actionState": "done", "startDateTime": "2026-11-19T10:00:00Z"}
        ]
    }));
    let d = managed_device(&raw, Some("primary".into())).expect("maps");
    assert_eq!(d.user_id.as_deref(), Some("primary"));
    assert_eq!(d.operating_system, Platform::Windows);
    assert_eq!(d.device_enrollment_type, DeviceEnrollmentType::WindowsAzureAdJoin);
    assert_eq!(d.compliance_state, ComplianceState::InGracePeriod);
    assert_eq!(d.compliance_grace_period_expiration_date_time.as_deref(), Some("2026-12-05T17:00:00Z"));
    assert_eq!(d.last_sync_date_time, "2026-11-21T06:30:00Z");
    assert_eq!(d.jail_broken, Some(false));
    // The action the portal does not offer is left out; the rest in time order; a passcode
    // only while it is five minutes old at most.
    let actions: Vec<_> = d.device_action_results.iter().map(|r| (r.action_name, r.passcode.clone())).collect();
    assert_eq!(
        actions,
        [
            (RemoteAction::ResetPasscode, None),
            (RemoteAction::ResetPasscode, Some("417293".into())),
            (RemoteAction::RemoteLock, None)
        ]
    );
}

#[test]
fn unknown_values_are_unknown_not_errors() {
    let raw = device(json!({
        "id": "d2", "operatingSystem": "Android", "complianceState": "somethingNew",
        "deviceEnrollmentType": "unknownFutureValue", "managedDeviceOwnerType": "unknownFutureValue",
        "jailBroken": "Unknown", "complianceGracePeriodExpirationDateTime": "9999-12-31T23:59:59Z"
    }));
    let d = managed_device(&raw, None).expect("maps");
    assert_eq!(d.compliance_state, ComplianceState::Unknown);
    assert_eq!(d.device_enrollment_type, DeviceEnrollmentType::Unknown);
    assert_eq!(d.managed_device_owner_type, OwnerType::Unknown);
    assert_eq!(d.jail_broken, None);
    assert_eq!(d.device_name, "d2");
    assert_eq!(d.compliance_grace_period_expiration_date_time, None);
}

#[test]
fn group_assignments_reach_users_and_for_required_devices_with_exclusions_per_intent() {
    let values = vec![
        json!({"intent": "required", "target": {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": "g1"}}),
        json!({"intent": "available", "target": {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": "g2"}}),
        json!({"intent": "available", "target": {"@odata.type": "#microsoft.graph.exclusionGroupAssignmentTarget", "groupId": "gx"}}),
        json!({"intent": "availableWithoutEnrollment", "target": {"@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget"}}),
        json!({"intent": "uninstall", "target": {"@odata.type": "#microsoft.graph.allDevicesAssignmentTarget"}}),
        json!({"intent": "required", "target": {"@odata.type": "#microsoft.graph.configurationManagerCollectionAssignmentTarget", "collectionId": "c"}}),
        json!({"intent": "sideways", "target": {"@odata.type": "#microsoft.graph.allDevicesAssignmentTarget"}}),
        json!("not an object"),
    ];
    let got = assignments(&values);
    let expected = vec![
        Assignment {
            intent: InstallIntent::Required,
            target: AssignmentTarget::DeviceGroup { id: "g1".into() },
            excluded_groups: vec![],
        },
        Assignment {
            intent: InstallIntent::Required,
            target: AssignmentTarget::UserGroup { id: "g1".into() },
            excluded_groups: vec![],
        },
        Assignment {
            intent: InstallIntent::Available,
            target: AssignmentTarget::UserGroup { id: "g2".into() },
            excluded_groups: vec!["gx".into()],
        },
        Assignment {
            intent: InstallIntent::AvailableWithoutEnrollment,
            target: AssignmentTarget::AllUsers,
            excluded_groups: vec![],
        },
        Assignment { intent: InstallIntent::Uninstall, target: AssignmentTarget::AllDevices, excluded_groups: vec![] },
    ];
    assert_eq!(got, expected);
}

fn app(value: Value) -> model::MobileApp {
    serde_json::from_value(value).expect("app json")
}

#[test]
fn apps_map_by_type_and_unknown_types_are_left_out() {
    let ios = app(json!({
        "@odata.type": "#microsoft.graph.iosStoreApp", "id": "a1", "displayName": "Teams", "publisher": "Microsoft",
        "bundleId": "com.microsoft.skype.teams", "isFeatured": true, "publishingState": "published",
        "applicableDeviceType": {"iPad": false, "iPhoneAndIPod": true},
        "minimumSupportedOperatingSystem": {"v8_0": true, "v15_0": true, "v16_0": false},
        "informationUrl": "javascript:alert(1)", "privacyInformationUrl": "https://contoso.example/privacy",
        "createdDateTime": "2026-01-15T09:00:00Z",
        "categories": [{"id": "c1", "displayName": "Collaboration"}]
    }));
    let mapped = catalog_app(&ios).expect("maps");
    assert_eq!(mapped.app.platforms, [Platform::Ios]);
    assert_eq!(mapped.app.source, AppSource::Store);
    assert_eq!(mapped.app_identifiers, ["com.microsoft.skype.teams"]);
    assert_eq!(mapped.app.minimum_os.as_deref(), Some("iOS 15.0"));
    assert_eq!(mapped.app.information_url, None, "a javascript: URL never becomes a link");
    assert_eq!(mapped.app.privacy_url.as_deref(), Some("https://contoso.example/privacy"));
    assert_eq!(mapped.app.categories, ["Collaboration"]);
    assert!(mapped.app.featured);

    let web = app(
        json!({"@odata.type": "#microsoft.graph.webApp", "id": "w", "displayName": "Intranet", "appUrl": "https://intranet.contoso.example"}),
    );
    let web = catalog_app(&web).expect("maps");
    assert_eq!((web.app.platforms.as_slice(), web.app.source), (&[Platform::Web][..], AppSource::WebLink));
    assert_eq!(web.app.information_url.as_deref(), Some("https://intranet.contoso.example"));

    let odd = app(json!({"@odata.type": "#microsoft.graph.windowsPhone81StoreApp", "id": "x"}));
    assert_eq!(catalog_app(&odd).err(), Some(LeftOut::UnsupportedType("windowsPhone81StoreApp".into())));
    let draft =
        app(json!({"@odata.type": "#microsoft.graph.androidStoreApp", "id": "y", "publishingState": "processing"}));
    assert_eq!(catalog_app(&draft).err(), Some(LeftOut::NotPublished));
}

#[test]
fn iso_durations_in_minutes() {
    let cases = [
        ("PT30M", Some(30)),
        ("P90D", Some(129_600)),
        ("P1DT12H", Some(2_160)),
        ("PT0S", Some(0)),
        ("PT90S", Some(2)),
        ("30M", None),
        ("P1X", None),
        ("", None),
    ];
    for (text, minutes) in cases {
        assert_eq!(duration_minutes(Some(text)), minutes, "{text}");
    }
}

#[test]
fn protection_policies_map_settings_groups_and_apps() {
    let raw: model::ManagedAppProtection = serde_json::from_value(json!({
        "id": "p1", "displayName": "Contoso work data protection", "saveAsBlocked": true,
        "allowedOutboundClipboardSharingLevel": "managedAppsWithPasteIn", "allowedOutboundDataTransferDestinations": "managedApps",
        "pinRequired": true, "simplePinBlocked": true, "minimumPinLength": 6, "deviceComplianceRequired": true,
        "periodOnlineBeforeAccessCheck": "PT30M", "periodOfflineBeforeWipeIsEnforced": "P90D",
        "apps": [{"mobileAppIdentifier": {"@odata.type": "#microsoft.graph.iosMobileAppIdentifier", "bundleId": "com.microsoft.skype.teams"}}],
        "assignments": [{"target": {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": "g-sales"}}]
    })).expect("policy json");
    let p = protection_policy(&raw);
    assert_eq!(p.allowed_outbound_clipboard_sharing_level, ClipboardSharingLevel::ManagedAppsWithPasteIn);
    assert_eq!(p.allowed_outbound_data_transfer_destinations, DataTransferLevel::ManagedApps);
    assert_eq!(
        (p.minimum_pin_length, p.period_online_before_access_check_minutes, p.period_offline_before_wipe_minutes),
        (6, Some(30), Some(129_600))
    );
    assert_eq!(p.targeted_group_ids, ["g-sales"]);
    assert_eq!(p.protected_app_identifiers, ["com.microsoft.skype.teams"]);
}

#[test]
fn registrations_name_only_protection_policies() {
    let raw: model::ManagedAppRegistration = serde_json::from_value(json!({
        "@odata.type": "#microsoft.graph.iosManagedAppRegistration", "id": "r1",
        "appIdentifier": {"@odata.type": "#microsoft.graph.iosMobileAppIdentifier", "bundleId": "com.microsoft.skype.teams"},
        "deviceName": "Amara's iPad", "deviceType": "iPad", "deviceTag": "tag-1", "flaggedReasons": ["rootedDevice", "none", "newReason"],
        "appliedPolicies": [{"@odata.type": "#microsoft.graph.iosManagedAppProtection", "id": "p1", "displayName": "Protect"},
                            {"@odata.type": "#microsoft.graph.targetedManagedAppConfiguration", "id": "cfg", "displayName": "Config"}],
        "intendedPolicies": [{"id": "p2", "displayName": "New"}]
    })).expect("registration json");
    let known: HashSet<&str> = ["p2"].into_iter().collect();
    let r = registration(&raw, "tag-1".into(), &known).expect("maps");
    assert_eq!(r.applied_policies.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), ["p1"]);
    assert_eq!(r.intended_policies.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), ["p2"]);
    assert_eq!(r.flagged_reasons, [FlaggedReason::RootedDevice]);
    assert_eq!(platform_of_registration(&raw), Some(Platform::Ipados));
}

#[test]
fn branding_and_profile_settings() {
    let raw: model::IntuneBrand = serde_json::from_value(json!({
        "displayName": "Contoso Pharmaceuticals and a very long tail that goes on", "themeColor": {"r": 15, "g": 108, "b": 189},
        "showLogo": true, "showDisplayNameNextToLogo": true, "contactITName": "IT", "onlineSupportSiteUrl": "ftp://x",
        "isRemoveDeviceDisabled": true, "enrollmentAvailability": "availableWithoutPrompts",
        "companyPortalBlockedActions": [{"platform": "androidForWork", "ownerType": "personal", "action": "reset"},
                                        {"platform": "iOS", "ownerType": "company", "action": "remove"},
                                        {"platform": "iOS", "ownerType": "company", "action": "unknown"}]
    })).expect("brand json");
    let b = branding(&raw, None);
    assert_eq!(b.organisation_name.chars().count(), 40);
    assert_eq!(b.theme_color.to_string(), "#0f6cbd");
    assert!(!b.show_logo_in_header, "no logo to show");
    assert_eq!(b.support.website_url, None);
    let s = settings(&raw);
    assert!(s.is_remove_device_disabled && !s.is_factory_reset_disabled);
    assert_eq!(s.enrollment_availability, EnrollmentAvailability::AvailableWithoutPrompts);
    assert_eq!(
        s.blocked_actions,
        [
            BlockedAction { platform: Platform::Android, owner_type: OwnerType::Personal, action: RemoteAction::Wipe },
            BlockedAction { platform: Platform::Ios, owner_type: OwnerType::Company, action: RemoteAction::Retire },
        ]
    );
}

#[test]
fn items_skip_what_cannot_be_read() {
    let (users, skipped) = items::<model::User>(vec![json!({"id": "u1"}), json!({"id": 5}), json!("text")]);
    assert_eq!((users.len(), skipped), (1, 2));
}
