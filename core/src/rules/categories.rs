//! Whether a person is asked to put their device in a category, and why not when they are
//! not. The page asks it to show the prompt; the server asks it before it records a choice.

use crate::domain::{DeviceCategory, ManagedDevice, OrganisationSettings};
use serde::{Deserialize, Serialize};

/// Why the device's category cannot be chosen here. Codes are distinct from every other
/// refusal's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "code", rename_all = "camelCase")]
pub enum CategoryReason {
    /// Only the device's primary user picks its category.
    CategoryOnlyForPrimaryUser,
    /// The device already has one (chosen once; the organisation changes it).
    CategoryAlreadyChosen,
    /// The organisation doesn't ask people to pick categories.
    CategorySelectionDisabled,
    /// The organisation defines no categories.
    NoCategories,
    /// The tenant cannot record a choice from the portal (Intune without the permission).
    CategoryNotSettableHere,
    /// The category asked for is not one of the organisation's.
    UnknownCategory,
}

/// Whether `caller` is asked to pick a category for `device`: `Ok` when they are.
pub fn may_choose(
    device: &ManagedDevice,
    caller: &str,
    settings: &OrganisationSettings,
    categories: &[DeviceCategory],
    tenant_can_set: bool,
) -> Result<(), CategoryReason> {
    if !device.is_primary_user(caller) {
        return Err(CategoryReason::CategoryOnlyForPrimaryUser);
    }
    if device.device_category_display_name.as_deref().is_some_and(|c| !c.trim().is_empty()) {
        return Err(CategoryReason::CategoryAlreadyChosen);
    }
    if settings.disable_device_category_selection {
        return Err(CategoryReason::CategorySelectionDisabled);
    }
    if categories.is_empty() {
        return Err(CategoryReason::NoCategories);
    }
    if !tenant_can_set {
        return Err(CategoryReason::CategoryNotSettableHere);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{DeviceEnrollmentType as E, OwnerType, Platform};
    use crate::rules::fixtures::{device, ME};

    #[test]
    fn asked_once_by_the_primary_user_when_the_organisation_asks() {
        let categories =
            vec![DeviceCategory { id: "c1".into(), display_name: "Sales laptop".into(), description: None }];
        let open = device(Platform::Windows, E::WindowsAzureAdJoin, OwnerType::Company);
        let mut chosen = open.clone();
        chosen.device_category_display_name = Some("Sales laptop".into());
        let disabled = OrganisationSettings { disable_device_category_selection: true, ..Default::default() };
        let on = OrganisationSettings::default();
        // (label, device, caller, settings, categories, the tenant can record it, answer)
        type Case<'a> = (
            &'a str,
            &'a ManagedDevice,
            &'a str,
            &'a OrganisationSettings,
            &'a [DeviceCategory],
            bool,
            Result<(), CategoryReason>,
        );
        let cases: [Case; 6] = [
            ("asked", &open, ME, &on, &categories, true, Ok(())),
            (
                "someone else's device",
                &open,
                "other",
                &on,
                &categories,
                true,
                Err(CategoryReason::CategoryOnlyForPrimaryUser),
            ),
            ("already chosen", &chosen, ME, &on, &categories, true, Err(CategoryReason::CategoryAlreadyChosen)),
            ("turned off", &open, ME, &disabled, &categories, true, Err(CategoryReason::CategorySelectionDisabled)),
            ("no categories", &open, ME, &on, &[], true, Err(CategoryReason::NoCategories)),
            (
                "the tenant cannot record it",
                &open,
                ME,
                &on,
                &categories,
                false,
                Err(CategoryReason::CategoryNotSettableHere),
            ),
        ];
        for (label, device, caller, settings, categories, can, want) in cases {
            assert_eq!(may_choose(device, caller, settings, categories, can), want, "{label}");
        }
    }
}
