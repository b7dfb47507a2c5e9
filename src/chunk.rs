//! Code that loads on demand: each page (and each language but the default) is a *split
//! point* whose code and data leave the first load and come in their own wasm chunk when
//! first needed.
//!
//! How: [`split!`] marks a function as a split point with `wasm_split_helpers` (Leptos's
//! `leptos::wasm_split`, the machinery behind `#[lazy]`). `scripts/build-wasm` (Trunk's
//! `pre_build` hook) links the app with `--emit-relocs` and runs `wasm-split-cli`, which moves
//! everything reachable only from a split point into `split_<chunk>.wasm` (and code shared
//! by several into `chunk_<n>.wasm`). Calling the function fetches its chunk once, then runs it.
//!
//! Why not `#[lazy]` / `#[lazy_route]`: they panic when a chunk fails to load, and with
//! `panic = "abort"` that kills the app. [`split!`] uses the helpers' `fallible` option, so a
//! failed load is a [`ChunkError`] the page shows as "This page couldn't load — Reload"
//! ([`LazyPage`]), and the next call tries again.
//!
//! The split happens only with the `split` feature, which only `scripts/build-wasm` turns
//! on: every Trunk build (`trunk build`, `trunk serve`) is split. Without the feature (the
//! wasm-bindgen-test component tests, `cargo check`) a split point is a plain `async fn`;
//! with it but without the split step the module would import `__wasm_split_placeholder__`
//! and fail to load, which is why nothing else may build with it.

use leptos::prelude::*;

/// A chunk could not be fetched or instantiated (offline, a deploy replaced it, a refused
/// request). The details are in the browser console.
#[derive(Debug, Clone, PartialEq)]
pub struct ChunkError;

#[cfg(feature = "split")]
impl From<leptos::wasm_split::SplitLoaderError> for ChunkError {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> ChunkError {
        ChunkError
    }
}

/// Declares a split point: `split!(chunk, preload_fn => fn name(args) -> T { body })` becomes
/// `async fn name(args) -> Result<T, ChunkError>`, and `async fn preload_fn()` fetches the
/// chunk without running anything (its `Result` says whether that worked). Functions naming the same
/// `chunk` share one wasm file.
macro_rules! split {
    ($chunk:ident, $preload:ident => $(#[$meta:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty $body:block) => {
        #[cfg(feature = "split")]
        #[::leptos::wasm_split::wasm_split(
            $chunk,
            wasm_split_path = ::leptos::wasm_split,
            preload(#[allow(dead_code)] $preload),
            fallible
        )]
        $(#[$meta])*
        $vis fn $name($($arg: $ty),*) -> ::core::result::Result<$ret, $crate::chunk::ChunkError> {
            let value: $ret = $body;
            ::core::result::Result::Ok(value)
        }

        #[cfg(not(feature = "split"))]
        $(#[$meta])*
        $vis async fn $name($($arg: $ty),*) -> ::core::result::Result<$ret, $crate::chunk::ChunkError> {
            let value: $ret = $body;
            ::core::result::Result::Ok(value)
        }

        #[cfg(not(feature = "split"))]
        #[allow(dead_code)]
        $vis async fn $preload() -> ::core::result::Result<(), $crate::chunk::ChunkError> {
            ::core::result::Result::Ok(())
        }
    };
}

/// A page whose code is in a chunk: nothing while the chunk loads (a spinner if that takes
/// longer than [`SPINNER_AFTER`]), then the page; if the chunk cannot load, [`PageFailed`].
#[component]
pub fn LazyPage<Fut>(load: Fut) -> impl IntoView
where
    Fut: std::future::Future<Output = Result<AnyView, ChunkError>> + 'static,
{
    let loaded = RwSignal::new(false);
    let slow = RwSignal::new(false);
    set_timeout(move || slow.set(true), SPINNER_AFTER);
    // Suspend wants a `Send` future; in the browser everything runs on one thread.
    let page = Suspend::new(send_wrapper::SendWrapper::new(async move {
        let page = load.await;
        loaded.set(true);
        match page {
            Ok(page) => page,
            Err(ChunkError) => view! { <PageFailed /> }.into_any(),
        }
    }));
    view! {
        {move || {
            (slow.get() && !loaded.get())
                .then(|| {
                    view! {
                        <div class="boot" role="status" aria-live="polite">
                            <span class="spinner" aria-hidden="true"></span>
                            <p>{tr!(page_load.loading)}</p>
                        </div>
                    }
                })
        }}
        {page}
    }
}

/// How long a chunk may take before the page says it is loading (most come from the
/// service worker's cache or the HTTP cache in a few milliseconds).
pub const SPINNER_AFTER: std::time::Duration = std::time::Duration::from_millis(300);

/// "This page couldn't load — Reload": a chunk failed to load (offline, or a deploy replaced
/// the files this tab was started with). A reload fetches the current build; it is an
/// alert so that screen readers announce it, and its button takes focus.
#[component]
pub fn PageFailed() -> impl IntoView {
    let button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(button) = button.get() {
            let _ = button.focus();
        }
    });
    view! {
        <section class="page-failed" role="alert">
            <h1>{tr!(page_load.failed_title)}</h1>
            <p>{tr!(page_load.failed_body)}</p>
            <button class="button primary" node_ref=button on:click=move |_| {
                let _ = window().location().reload();
            }>
                {tr!(page_load.reload)}
            </button>
        </section>
    }
}
