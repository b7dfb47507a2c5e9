//! Help & support: the organisation's IT contact from branding, with links that open the
//! phone dialler, the mail client or the website.

use leptos::prelude::*;
use portal_core::branding::Branding;

#[component]
pub fn Help() -> impl IntoView {
    let branding = use_context::<Branding>();
    let organisation = branding.as_ref().map(|b| b.organisation_name.clone()).unwrap_or_default();
    let support = branding.as_ref().map(|b| b.support.clone()).unwrap_or_default();
    let privacy = branding.and_then(|b| b.privacy_url);
    let has_contact =
        support.name.is_some() || support.phone.is_some() || support.email.is_some() || support.website_url.is_some();
    view! {
        <h1>{tr!(help.title)}</h1>
        <p>{tr_with!(help.intro, organisation = organisation)}</p>
        {(!has_contact).then(|| view! { <p>{tr!(help.none)}</p> })}
        {has_contact.then(|| view! {
            <dl class="contact">
                {support.name.clone().map(|n| view! { <dt>{tr!(help.contact_name)}</dt><dd>{n}</dd> })}
                {support.phone.clone().map(|p| {
                    let tel = format!("tel:{}", p.replace(|c: char| !(c.is_ascii_digit() || c == '+'), ""));
                    view! { <dt>{tr!(help.phone)}</dt><dd><a href=tel>{p}</a></dd> }
                })}
                {support.email.clone().map(|e| {
                    let mailto = format!("mailto:{e}");
                    view! { <dt>{tr!(help.email)}</dt><dd><a href=mailto>{e}</a></dd> }
                })}
                {support.website_url.clone().map(|url| {
                    let label = support.website_name.clone().unwrap_or_else(|| url.clone());
                    view! { <dt>{tr!(help.website)}</dt><dd><a href=url>{label}</a></dd> }
                })}
            </dl>
        })}
        {support.additional_information.clone().map(|info| view! { <p class="additional">{info}</p> })}
        {privacy.map(|url| view! { <p><a href=url>{tr!(help.privacy)}</a></p> })}
    }
}
