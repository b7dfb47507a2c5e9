//! Device categories: labels an organisation defines ("Sales laptop", "Lab tablet") and
//! asks people to put on their devices, so that dynamic groups can target them (Graph
//! `deviceCategory`; a device's is `deviceCategoryDisplayName`).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DeviceCategory {
    pub id: String,
    pub display_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}
