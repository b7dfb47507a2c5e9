//! Helpers the component-test files share (each `tests/*.rs` is its own crate and includes
//! this with `mod support;`).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// A fresh element to mount into, so tests don't see each other's output.
pub fn container() -> web_sys::HtmlElement {
    let doc = document();
    let el = doc.create_element("div").expect("div").unchecked_into::<web_sys::HtmlElement>();
    doc.body().expect("body").append_child(&el).expect("append");
    el
}

/// Lets Leptos run its effects (scheduled as tasks), then returns.
pub async fn settle() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 20).expect("timer");
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.expect("timer");
}
