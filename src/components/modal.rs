//! A question asked in a modal `<dialog>` that is in the page only while it is asked (the
//! Apps pages' "Uninstall …?", "Request …" and "Withdraw …?").
//!
//! `showModal` gives the focus trap (the rest of the page is inert) and, on closing, returns
//! focus to the button that opened it. The page learns of the closing at once, not from the
//! `close` event: that event comes a task later, and a quick Escape-then-Enter would reopen
//! the question only for the late event to close it again.

use leptos::html;
use leptos::prelude::*;

/// The dialog of one question: put [`Modal::node`] on the `<dialog>` and
/// [`Modal::on_cancel`] in its `on:cancel`; buttons that end the question call
/// [`Modal::close`].
#[derive(Clone, Copy)]
pub struct Modal {
    pub node: NodeRef<html::Dialog>,
    on_close: Callback<()>,
}

impl Modal {
    /// A dialog opened as a modal once it is in the page; `on_close` takes it away.
    pub fn opened(on_close: Callback<()>) -> Modal {
        let node = NodeRef::<html::Dialog>::new();
        Effect::new(move |_| {
            if let Some(d) = node.get() {
                if !d.open() {
                    let _ = d.show_modal();
                }
            }
        });
        Modal { node, on_close }
    }

    /// Closes the dialog (the browser restores focus as it closes) and tells the page.
    pub fn close(self) {
        if let Some(d) = self.node.get_untracked() {
            d.close();
        }
        self.on_close.run(());
    }

    /// Escape: `cancel` comes first and synchronously; the dialog is closed right there, the
    /// same way as by its buttons.
    pub fn on_cancel(self) -> impl Fn(leptos::ev::Event) + Copy + 'static {
        move |ev: leptos::ev::Event| {
            ev.prevent_default();
            self.close();
        }
    }
}
