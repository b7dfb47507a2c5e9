//! The provider's HTML pages: the login form, errors that cannot be sent back to the client,
//! and "signed out". Plain, accessible HTML with a little inline CSS that works at 360 px.
//! Every string comes from a [`Texts`] table so another language is one more table.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// The user-facing strings of the provider's pages.
pub struct Texts {
    pub lang: &'static str,
    pub sign_in_title: &'static str,
    pub sign_in_intro: &'static str,
    pub username: &'static str,
    pub username_hint: &'static str,
    pub password: &'static str,
    pub submit: &'static str,
    pub wrong_credentials: &'static str,
    pub form_expired: &'static str,
    /// `{wait}` is replaced with "30 seconds", "15 minutes", …
    pub too_many_attempts: &'static str,
    pub error_title: &'static str,
    pub signed_out_title: &'static str,
    pub sign_out_title: &'static str,
    pub sign_out_intro: &'static str,
    pub sign_out_submit: &'static str,
    pub stay_signed_in: &'static str,
    pub signed_out_body: &'static str,
    pub dev_notice: &'static str,
}

pub const EN: Texts = Texts {
    lang: "en",
    sign_in_title: "Sign in",
    sign_in_intro: "Use your work account.",
    username: "Work email or user name",
    username_hint: "For example adele@contoso.example",
    password: "Password",
    submit: "Sign in",
    wrong_credentials: "That user name and password don't match an account. Check both and try again.",
    form_expired: "This sign-in page expired. Enter your details again.",
    too_many_attempts: "Too many failed sign-ins. Wait {wait}, then try again.",
    error_title: "Sign-in can't continue",
    signed_out_title: "You're signed out",
    sign_out_title: "Sign out?",
    sign_out_intro: "You're signed in here with your work account. Sign out of this browser?",
    sign_out_submit: "Sign out",
    stay_signed_in: "Stay signed in",
    signed_out_body: "You can close this window.",
    dev_notice: "Development sign-in provided by Portal.",
};

/// Picks the strings for a request. Only English exists so far.
pub fn texts(_accept_language: Option<&str>) -> &'static Texts {
    &EN
}

/// Escapes text for HTML element content and double-quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = "\
*{box-sizing:border-box}\
body{margin:0;font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;background:#f5f5f5;color:#1b1b1b;line-height:1.5}\
main{max-width:26rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.15)}\
@media (max-width:30rem){main{margin:0;border-radius:0;box-shadow:none;min-height:100vh}}\
.org{margin:0 0 .25rem;font-size:1rem;color:#424242}\
h1{margin:0 0 1rem;font-size:1.5rem}\
label{display:block;font-weight:600;margin-top:1rem}\
.hint{display:block;font-size:.875rem;color:#595959}\
input[type=text],input[type=password]{display:block;width:100%;margin-top:.25rem;padding:.6rem;font:inherit;border:1px solid #8a8a8a;border-radius:4px}\
input:focus,button:focus{outline:3px solid #0f6cbd;outline-offset:2px}\
button{margin-top:1.5rem;width:100%;padding:.7rem;font:inherit;font-weight:600;color:#fff;background:#0f6cbd;border:0;border-radius:4px;cursor:pointer}\
.error{margin:1rem 0 0;padding:.75rem;border-left:4px solid #c50f1f;background:#fdf3f4}\
footer{margin-top:1.5rem;font-size:.8rem;color:#595959}";

fn document(texts: &Texts, title: &str, organisation: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<meta name=\"referrer\" content=\"no-referrer\">\
<title>{title} – {org}</title><style>{STYLE}</style></head>\
<body><main><p class=\"org\">{org}</p>{body}<footer>{notice}</footer></main></body></html>",
        lang = texts.lang,
        title = escape(title),
        org = escape(organisation),
        notice = escape(texts.dev_notice),
    )
}

/// What the login form shows.
pub struct LoginForm<'a> {
    pub organisation: &'a str,
    /// The authorization request's query string, resubmitted and re-validated on POST.
    pub request: &'a str,
    pub csrf: &'a str,
    pub username: &'a str,
    pub error: Option<&'a str>,
}

pub fn login(texts: &Texts, form: &LoginForm<'_>) -> String {
    let error = match form.error {
        Some(e) => format!("<p class=\"error\" id=\"form-error\" role=\"alert\">{}</p>", escape(e)),
        None => String::new(),
    };
    let described = if form.error.is_some() { " aria-describedby=\"form-error\"" } else { "" };
    let autofocus_user = if form.username.is_empty() { " autofocus" } else { "" };
    let autofocus_password = if form.username.is_empty() { "" } else { " autofocus" };
    let body = format!(
        "<h1>{title}</h1><p>{intro}</p>{error}\
<form method=\"post\" action=\"login\" novalidate>\
<input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
<input type=\"hidden\" name=\"request\" value=\"{request}\">\
<label for=\"username\">{username}<span class=\"hint\" id=\"username-hint\">{hint}</span></label>\
<input type=\"text\" id=\"username\" name=\"username\" value=\"{user_value}\" autocomplete=\"username\" \
autocapitalize=\"none\" spellcheck=\"false\" required aria-describedby=\"username-hint\"{described}{autofocus_user}>\
<label for=\"password\">{password}</label>\
<input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" required{described}{autofocus_password}>\
<button type=\"submit\">{submit}</button></form>",
        title = escape(texts.sign_in_title),
        intro = escape(texts.sign_in_intro),
        csrf = escape(form.csrf),
        request = escape(form.request),
        username = escape(texts.username),
        hint = escape(texts.username_hint),
        user_value = escape(form.username),
        password = escape(texts.password),
        submit = escape(texts.submit),
    );
    document(texts, texts.sign_in_title, form.organisation, &body)
}

pub fn error(texts: &Texts, organisation: &str, message: &str) -> String {
    let body = format!("<h1>{}</h1><p role=\"alert\">{}</p>", escape(texts.error_title), escape(message));
    document(texts, texts.error_title, organisation, &body)
}

/// What the sign-out confirmation carries back when it is posted.
pub struct LogoutForm<'a> {
    pub organisation: &'a str,
    pub csrf: &'a str,
    /// A registered return address, already checked.
    pub post_logout_redirect_uri: Option<&'a str>,
    pub state: Option<&'a str>,
}

/// "Sign out?" with a button: asked when a sign-out request does not prove it comes from
/// the portal (see `logout.rs`).
pub fn confirm_logout(texts: &Texts, form: &LogoutForm<'_>) -> String {
    let hidden = |name: &str, value: Option<&str>| match value {
        Some(v) => format!("<input type=\"hidden\" name=\"{name}\" value=\"{}\">", escape(v)),
        None => String::new(),
    };
    let stay = match form.post_logout_redirect_uri {
        Some(uri) => format!("<p><a href=\"{}\">{}</a></p>", escape(uri), escape(texts.stay_signed_in)),
        None => String::new(),
    };
    let body = format!(
        "<h1>{title}</h1><p>{intro}</p><form method=\"post\" action=\"logout\">\
<input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><input type=\"hidden\" name=\"confirm\" value=\"yes\">{uri}{state}\
<button type=\"submit\">{submit}</button></form>{stay}",
        title = escape(texts.sign_out_title),
        intro = escape(texts.sign_out_intro),
        csrf = escape(form.csrf),
        uri = hidden("post_logout_redirect_uri", form.post_logout_redirect_uri),
        state = hidden("state", form.state),
        submit = escape(texts.sign_out_submit),
    );
    document(texts, texts.sign_out_title, form.organisation, &body)
}

pub fn signed_out(texts: &Texts, organisation: &str) -> String {
    let body = format!("<h1>{}</h1><p>{}</p>", escape(texts.signed_out_title), escape(texts.signed_out_body));
    document(texts, texts.signed_out_title, organisation, &body)
}

/// The origins of registered addresses, sorted and without repeats: where a form's answer
/// may redirect to (CSP `form-action` governs redirects after a post too).
pub fn origins_of(uris: &[String]) -> Vec<String> {
    let mut out: Vec<String> = uris
        .iter()
        .filter_map(|u| url::Url::parse(u).ok())
        .map(|u| u.origin().ascii_serialization())
        .filter(|o| o != "null")
        .collect();
    out.sort();
    out.dedup();
    out
}

/// An HTML response that is never cached or framed. `form_targets` are the origins the
/// page's form may end up redirecting to ([`origins_of`]).
pub fn respond(status: StatusCode, html: String, form_targets: &[String]) -> Response {
    let csp = format!(
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' {}; frame-ancestors 'none'; base-uri 'none'",
        form_targets.join(" ")
    );
    let mut res = (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response();
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_login_form_escapes_what_it_echoes() {
        let html = login(
            &EN,
            &LoginForm {
                organisation: "A & B <Ltd>",
                request: "client_id=portal&state=\"x\"",
                csrf: "c",
                username: "<script>",
                error: Some(EN.wrong_credentials),
            },
        );
        assert!(html.contains("A &amp; B &lt;Ltd&gt;"));
        assert!(html.contains("value=\"client_id=portal&amp;state=&quot;x&quot;\""));
        assert!(!html.contains("<script>"));
        assert!(html.contains("role=\"alert\""));
        assert!(html.contains("autocomplete=\"current-password\""));
    }
}
