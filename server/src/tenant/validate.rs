//! Checks a parsed tenant file beyond its shape. Each failure names the field path.

use super::TenantFile;
use portal_core::branding::ORGANISATION_NAME_MAX_CHARS;

type Invalid = (String, String);

pub fn tenant(t: &TenantFile) -> Result<(), Invalid> {
    let org = &t.organisation;
    let name = org.name.trim();
    if name.is_empty() {
        return Err(("organisation.name".into(), "must not be empty".into()));
    }
    if name.chars().count() > ORGANISATION_NAME_MAX_CHARS {
        return Err((
            "organisation.name".into(),
            format!("is {} characters; at most {ORGANISATION_NAME_MAX_CHARS} are allowed", name.chars().count()),
        ));
    }
    optional_url("organisation.logo_url", org.logo_url.as_deref())?;
    optional_url("organisation.privacy_url", org.privacy_url.as_deref())?;
    optional_url("organisation.support.website_url", org.support.website_url.as_deref())?;
    if let Some(email) = org.support.email.as_deref() {
        let ok = email.split_once('@').is_some_and(|(user, host)| !user.is_empty() && host.contains('.'))
            && !email.chars().any(|c| c.is_whitespace() || c.is_control());
        if !ok {
            return Err(("organisation.support.email".into(), format!("`{email}` is not an email address")));
        }
    }
    if let Some(phone) = org.support.phone.as_deref() {
        let ok = phone.chars().any(|c| c.is_ascii_digit())
            && phone.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c));
        if !ok {
            return Err(("organisation.support.phone".into(), format!("`{phone}` is not a phone number")));
        }
    }
    Ok(())
}

/// Links end up in `href`s: only absolute http(s) URLs, or a path on this server.
fn optional_url(path: &str, value: Option<&str>) -> Result<(), Invalid> {
    match value {
        None => Ok(()),
        Some(v) if (v.starts_with("https://") || v.starts_with("http://") || v.starts_with('/'))
            && !v.starts_with("//")
            && !v.chars().any(|c| c.is_whitespace() || c.is_control()) =>
        {
            Ok(())
        }
        Some(v) => Err((path.into(), format!("`{v}` must be an http(s) URL or a path starting with /"))),
    }
}
