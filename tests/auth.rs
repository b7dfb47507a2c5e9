//! Sign-in checks in a real browser (headless Chromium and Firefox, chosen by
//! scripts/test): every way a callback or an ID token can be wrong is rejected, each with
//! its own message. They run the app's own code (storage, callback check, ID-token parsing
//! and validation) without a provider.
#![cfg(target_arch = "wasm32")]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use leptos::prelude::*;
use portal::auth::attempt::{self, Attempt};
use portal::auth::callback::{self, Response};
use portal::auth::discovery::ProviderMetadata;
use portal::auth::id_token::{self, Expected};
use portal::auth::AuthError;
use portal::i18n::{lookup, use_i18n, I18nProvider, Locale};
use serde_json::json;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const ISSUER: &str = "https://id.example/oidc";
const CLIENT: &str = "portal";
const NOW: i64 = 1_800_000_000;

fn provider() -> ProviderMetadata {
    ProviderMetadata {
        issuer: ISSUER.into(),
        authorization_endpoint: format!("{ISSUER}/authorize"),
        token_endpoint: format!("{ISSUER}/token"),
        end_session_endpoint: Some(format!("{ISSUER}/logout")),
        authorization_response_iss_parameter_supported: true,
    }
}

fn attempt() -> Attempt {
    Attempt {
        state: "state-123".into(),
        nonce: "nonce-456".into(),
        pkce_verifier: "v".repeat(43),
        return_to: "/devices/d-1?tab=apps&x=1#top".into(),
        silent: false,
    }
}

fn response(query: &str) -> Response {
    Response::from_query(query)
}

/// The English message of an error: what the page shows.
fn message(e: &AuthError) -> &'static str {
    lookup(Locale::en, e.key())
}

/// A compact JWS with these claims (the signature is not checked by the SPA).
fn token(claims: serde_json::Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","typ":"JWT","kid":"k1"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    format!("{header}.{payload}.c2lnbmF0dXJl")
}

fn claims() -> serde_json::Value {
    json!({
        "iss": ISSUER, "sub": "u-amara", "aud": CLIENT, "exp": NOW + 600, "iat": NOW, "nbf": NOW,
        "nonce": "nonce-456", "name": "Amara Okoye"
    })
}

fn with(mut base: serde_json::Value, key: &str, value: serde_json::Value) -> serde_json::Value {
    base[key] = value;
    base
}

fn expected() -> Expected<'static> {
    Expected { issuer: ISSUER, client_id: CLIENT, nonce: Some("nonce-456"), now: NOW }
}

#[wasm_bindgen_test]
fn a_matching_callback_yields_its_code() {
    let r = response("?code=abc&state=state-123&iss=https%3A%2F%2Fid.example%2Foidc");
    assert_eq!(callback::check(&r, Some(&attempt()), &provider()), Ok("abc".to_string()));
}

#[wasm_bindgen_test]
fn a_wrong_state_is_rejected() {
    let r = response("?code=abc&state=someone-elses&iss=https%3A%2F%2Fid.example%2Foidc");
    let e = callback::check(&r, Some(&attempt()), &provider()).unwrap_err();
    assert_eq!(e, AuthError::StateMismatch);
    assert_eq!(
        message(&e),
        "The sign-in response doesn't belong to the sign-in started here (its state doesn't match). Start again."
    );
}

#[wasm_bindgen_test]
fn a_replayed_callback_is_rejected() {
    // The attempt survives the redirect in sessionStorage, and the callback takes it: a
    // second delivery of the same response finds nothing.
    assert!(attempt::save(&attempt()));
    let first = attempt::take();
    assert_eq!(first, Some(attempt()));
    let storage = window().session_storage().expect("storage").expect("sessionStorage");
    assert_eq!(storage.get_item(attempt::ATTEMPT_KEY).expect("read"), None, "deleted as soon as it was taken");
    let r = response("?code=abc&state=state-123&iss=https%3A%2F%2Fid.example%2Foidc");
    assert_eq!(callback::check(&r, first.as_ref(), &provider()), Ok("abc".into()));

    let replay = attempt::take();
    let e = callback::check(&r, replay.as_ref(), &provider()).unwrap_err();
    assert_eq!(e, AuthError::NoAttempt);
    assert_eq!(message(&e), "This sign-in response was already used, or no sign-in was started in this tab.");
}

#[wasm_bindgen_test]
fn a_callback_from_another_issuer_is_rejected() {
    let e = callback::check(
        &response("?code=abc&state=state-123&iss=https%3A%2F%2Fevil.example"),
        Some(&attempt()),
        &provider(),
    )
    .unwrap_err();
    assert_eq!(e, AuthError::CallbackIssuer);
    // The provider promised `iss` (RFC 9207): a response without it is refused too.
    let e = callback::check(&response("?code=abc&state=state-123"), Some(&attempt()), &provider()).unwrap_err();
    assert_eq!(e, AuthError::CallbackIssuer);
    assert_eq!(message(&e), "The sign-in response came from an unexpected sign-in service (its issuer doesn't match).");
    // A provider that does not send it is fine without.
    let mut quiet = provider();
    quiet.authorization_response_iss_parameter_supported = false;
    assert_eq!(callback::check(&response("?code=abc&state=state-123"), Some(&attempt()), &quiet), Ok("abc".into()));
}

#[wasm_bindgen_test]
fn a_provider_error_keeps_its_description() {
    let r = response(
        "?error=access_denied&error_description=The+user+cancelled&state=state-123&iss=https%3A%2F%2Fid.example%2Foidc",
    );
    let e = callback::check(&r, Some(&attempt()), &provider()).unwrap_err();
    assert_eq!(
        e,
        AuthError::Provider { error: "access_denied".into(), description: Some("The user cancelled".into()) }
    );
    assert_eq!(message(&e), "Sign-in was cancelled, or your account isn't allowed to use this portal.");
    assert_eq!(e.detail().as_deref(), Some("The user cancelled (access_denied)"));
    let silent = AuthError::Provider { error: "login_required".into(), description: None };
    assert!(silent.needs_interaction() && !e.needs_interaction());
}

#[wasm_bindgen_test]
fn a_valid_id_token_is_accepted() {
    let accepted = id_token::accept(&token(claims()), &expected()).expect("valid");
    assert_eq!(accepted.name.as_deref(), Some("Amara Okoye"));
    // Within the leeway either side.
    let late = with(claims(), "exp", json!(NOW - 30));
    assert!(id_token::accept(&token(late), &expected()).is_ok());
    let early = with(claims(), "nbf", json!(NOW + 30));
    assert!(id_token::accept(&token(early), &expected()).is_ok());
}

#[wasm_bindgen_test]
fn a_wrong_nonce_is_rejected() {
    let e = id_token::accept(&token(with(claims(), "nonce", json!("replayed-nonce"))), &expected()).unwrap_err();
    assert_eq!(e, AuthError::IdTokenNonce);
    assert_eq!(message(&e), "The ID token doesn't belong to this sign-in (its nonce doesn't match).");
    let missing = claims().as_object().cloned().map(|mut m| {
        m.remove("nonce");
        serde_json::Value::Object(m)
    });
    assert_eq!(id_token::accept(&token(missing.expect("object")), &expected()).unwrap_err(), AuthError::IdTokenNonce);
}

#[wasm_bindgen_test]
fn a_wrong_audience_is_rejected() {
    let e = id_token::accept(&token(with(claims(), "aud", json!("another-app"))), &expected()).unwrap_err();
    assert_eq!(e, AuthError::IdTokenAudience);
    assert_eq!(message(&e), "The ID token was issued for another application (wrong audience).");
    // Several audiences: azp must name this client.
    let many = with(claims(), "aud", json!([CLIENT, "api://other"]));
    assert_eq!(id_token::accept(&token(many.clone()), &expected()).unwrap_err(), AuthError::IdTokenAudience);
    assert!(id_token::accept(&token(with(many, "azp", json!(CLIENT))), &expected()).is_ok());
}

#[wasm_bindgen_test]
fn an_expired_token_is_rejected() {
    let e = id_token::accept(&token(with(claims(), "exp", json!(NOW - id_token::LEEWAY_SECONDS - 1))), &expected())
        .unwrap_err();
    assert_eq!(e, AuthError::IdTokenExpired);
    assert_eq!(message(&e), "The ID token has expired. Check that this device's date and time are correct.");
    let e = id_token::accept(&token(with(claims(), "nbf", json!(NOW + 3600))), &expected()).unwrap_err();
    assert_eq!(e, AuthError::IdTokenNotYetValid);
    assert_ne!(message(&e), message(&AuthError::IdTokenExpired));
}

#[wasm_bindgen_test]
fn a_wrong_issuer_is_rejected() {
    let e =
        id_token::accept(&token(with(claims(), "iss", json!("https://evil.example/oidc"))), &expected()).unwrap_err();
    assert!(matches!(&e, AuthError::IdTokenIssuer { got, .. } if got == "https://evil.example/oidc"));
    assert_eq!(
        message(&e),
        "The ID token was issued by another sign-in service than the one configured (wrong issuer)."
    );
}

#[wasm_bindgen_test]
fn entra_multi_tenant_issuers_take_the_tokens_tenant() {
    let template = "https://login.microsoftonline.com/{tenantid}/v2.0";
    let tid = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    let expected = Expected { issuer: template, ..expected() };
    let good =
        with(with(claims(), "tid", json!(tid)), "iss", json!(format!("https://login.microsoftonline.com/{tid}/v2.0")));
    assert!(id_token::accept(&token(good), &expected).is_ok());
    // Another tenant's issuer with this tenant's tid, or no tid at all: refused.
    let mixed = with(with(claims(), "tid", json!(tid)), "iss", json!("https://login.microsoftonline.com/other/v2.0"));
    assert!(matches!(id_token::accept(&token(mixed), &expected), Err(AuthError::IdTokenIssuer { .. })));
    let untenanted = with(claims(), "iss", json!(template));
    assert!(matches!(id_token::accept(&token(untenanted), &expected), Err(AuthError::IdTokenIssuer { .. })));
}

#[wasm_bindgen_test]
fn an_unreadable_token_is_rejected() {
    for bad in ["", "a.b", "a.!!!.c", "a.e30.c.d"] {
        assert_eq!(id_token::accept(bad, &expected()).unwrap_err(), AuthError::IdTokenMalformed, "{bad:?}");
    }
}

#[wasm_bindgen_test]
fn every_check_has_its_own_message() {
    let errors = [
        AuthError::StateMismatch,
        AuthError::NoAttempt,
        AuthError::CallbackIssuer,
        AuthError::IdTokenNonce,
        AuthError::IdTokenAudience,
        AuthError::IdTokenExpired,
        AuthError::IdTokenNotYetValid,
        AuthError::IdTokenIssuer { expected: String::new(), got: String::new() },
        AuthError::IdTokenMalformed,
        AuthError::TooManyRedirects,
    ];
    let mut texts: Vec<&str> = errors.iter().map(message).collect();
    texts.sort();
    texts.dedup();
    assert_eq!(texts.len(), errors.len());
    // And in German too.
    assert_eq!(
        lookup(Locale::de, AuthError::NoAttempt.key()),
        "Diese Anmeldeantwort wurde bereits verwendet, oder in diesem Tab wurde keine Anmeldung begonnen."
    );
}

#[wasm_bindgen_test]
fn return_paths_stay_on_this_origin() {
    assert_eq!(attempt::safe_return_path("/devices/d-1?x=1#y"), "/devices/d-1?x=1#y");
    assert_eq!(attempt::safe_return_path("//evil.example/x"), "/");
    assert_eq!(attempt::safe_return_path("https://evil.example/"), "/");
    assert_eq!(attempt::safe_return_path("/\\evil.example"), "/");
}

#[wasm_bindgen_test]
fn automatic_redirects_are_limited_to_one_per_window() {
    attempt::clear_redirect_note();
    let now = 5_000_000;
    assert!(attempt::may_redirect_automatically(now));
    attempt::note_redirect(now);
    assert!(!attempt::may_redirect_automatically(now + 1_000));
    assert!(attempt::may_redirect_automatically(now + attempt::REDIRECT_WINDOW_MS));
    attempt::clear_redirect_note();
}

#[component]
fn InLocale(locale: Locale, children: Children) -> impl IntoView {
    use_i18n().set_locale(locale);
    children()
}

#[wasm_bindgen_test]
async fn the_error_page_shows_the_providers_description_and_sign_in_again() {
    let doc = document();
    let root = doc.create_element("div").expect("div").unchecked_into::<web_sys::HtmlElement>();
    doc.body().expect("body").append_child(&root).expect("append");
    let error = AuthError::Provider { error: "access_denied".into(), description: Some("The user cancelled".into()) };
    let _app = leptos::mount::mount_to(root.clone(), move || {
        let error = error.clone();
        view! {
            <I18nProvider>
                <InLocale locale=Locale::en>
                    <portal::pages::sign_in_failed::SignInFailed error />
                </InLocale>
            </I18nProvider>
        }
    });
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 20).expect("timer");
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.expect("timer");
    let text = |sel: &str| {
        root.query_selector(sel).ok().flatten().and_then(|e| e.text_content()).unwrap_or_default().trim().to_string()
    };
    assert_eq!(text("h1"), "Sign-in didn't work");
    assert_eq!(text(".sign-in-error"), "Sign-in was cancelled, or your account isn't allowed to use this portal.");
    assert_eq!(text(".provider-detail"), "The user cancelled (access_denied)");
    assert_eq!(text("button.sign-in-again"), "Sign in again");
    root.remove();
}
