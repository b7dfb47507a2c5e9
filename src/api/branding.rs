//! `GET /api/v1/branding` (public).

use super::{get_text, json_object::JsonObject, ApiError};
use crate::config::PortalConfig;
use portal_core::branding::{Branding, HexColor, SupportContact};

pub async fn fetch(config: &PortalConfig) -> Result<Branding, ApiError> {
    let text = get_text(&config.api_url("/branding")).await?;
    decode(&text).map_err(ApiError::Decode)
}

/// The branding document as serde would read it with `Branding`'s derived `Deserialize` (a
/// test keeps the two the same), without serde_json in the first load (see [`JsonObject`]).
pub fn decode(text: &str) -> Result<Branding, String> {
    let branding = JsonObject::parse(text)?;
    let colour = |name: &str| -> Result<HexColor, String> {
        branding.string(name)?.parse().map_err(|e| format!("`{name}`: {e}"))
    };
    let support = branding.object("support")?;
    Ok(Branding {
        organisation_name: branding.string("organisationName")?,
        theme_color: colour("themeColor")?,
        theme_text_color: colour("themeTextColor")?,
        show_name_in_header: branding.bool_or("showNameInHeader", true)?,
        show_logo_in_header: branding.bool_or("showLogoInHeader", false)?,
        logo_url: branding.optional_string("logoUrl")?,
        support: SupportContact {
            name: support.optional_string("name")?,
            phone: support.optional_string("phone")?,
            email: support.optional_string("email")?,
            website_name: support.optional_string("websiteName")?,
            website_url: support.optional_string("websiteUrl")?,
            additional_information: support.optional_string("additionalInformation")?,
        },
        privacy_url: branding.optional_string("privacyUrl")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

    /// `decode` reads every document as serde reads it: the same branding, or an error for both.
    #[test]
    fn reads_the_branding_as_serde_does() {
        let full = r##"{"organisationName":"Contoso Pharmaceuticals","themeColor":"#0F6CBD","themeTextColor":"#ffffff","showNameInHeader":false,"showLogoInHeader":true,"logoUrl":"/logo.svg","support":{"name":"IT","phone":"+1 555","email":"help@contoso.example","websiteName":"Help","websiteUrl":"https://help.example","additionalInformation":"24/7"},"privacyUrl":"https://contoso.example/privacy","future":[1,2]}"##;
        let documents = [
            full,
            r##"{"organisationName":"Fabrikam","themeColor":"#107c10","themeTextColor":"#000000","support":{}}"##,
            r##"{"organisationName":"F","themeColor":"#107c10","themeTextColor":"#000000","support":{"email":null},"logoUrl":null,"privacyUrl":null}"##,
            // Errors: a colour that is not #rrggbb, a missing support, wrong types.
            r##"{"organisationName":"F","themeColor":"red","themeTextColor":"#000000","support":{}}"##,
            r##"{"organisationName":"F","themeColor":"#107c1","themeTextColor":"#000000","support":{}}"##,
            r##"{"organisationName":"F","themeColor":"#107c10","themeTextColor":"#000000"}"##,
            r##"{"organisationName":"F","themeColor":"#107c10","themeTextColor":"#000000","support":null}"##,
            r##"{"organisationName":"F","themeColor":"#107c10","themeTextColor":"#000000","support":{},"showNameInHeader":"yes"}"##,
            r##"{"organisationName":"F","themeColor":"#107c10","themeTextColor":"#000000","support":{},"showLogoInHeader":null}"##,
            r##"{"organisationName":"F","themeColor":"#107c10","themeTextColor":"#000000","support":{"phone":5}}"##,
            r##"{"organisationName":["F"],"themeColor":"#107c10","themeTextColor":"#000000","support":{}}"##,
            "[]",
            "<html>",
        ];
        for document in documents {
            let ours = decode(document);
            let serde = serde_json::from_str::<Branding>(document);
            assert_eq!(ours.as_ref().ok(), serde.as_ref().ok(), "{document}: {ours:?} vs {serde:?}");
        }
        assert!(decode(full).unwrap().show_logo_in_header);
        assert_eq!(decode("[]").unwrap_err(), "the document is not an object");
        // serde reads a struct written as a list field by field; this reader refuses it.
        let listed = r##"{"organisationName":"F","themeColor":"#107c10","themeTextColor":"#000000","support":[]}"##;
        assert_eq!(decode(listed).unwrap_err(), "`support` is not an object");
    }
}
