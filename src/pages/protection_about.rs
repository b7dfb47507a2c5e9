//! "What is app protection?": a plain-words explanation, linked from Protected apps, of
//! what the organisation's app protection policies do, why personal use of the same apps
//! is untouched (the policy follows the work account, not the app or the device), what the
//! organisation can and cannot see, and what removing company data does. Not personal data,
//! so it renders signed out too.

use leptos::prelude::*;

#[component]
pub fn ProtectionAbout() -> impl IntoView {
    view! {
        <article class="protection-about">
            <h1>{tr!(protection_about.title)}</h1>
            <p>{tr!(protection_about.intro)}</p>
            <h2>{tr!(protection_about.work_only_title)}</h2>
            <p>{tr!(protection_about.work_only)}</p>
            <h2>{tr!(protection_about.rules_title)}</h2>
            <ul>
                <li>{tr!(protection_about.rule_pin)}</li>
                <li>{tr!(protection_about.rule_copy)}</li>
                <li>{tr!(protection_about.rule_recheck)}</li>
                <li>{tr!(protection_about.rule_jailbreak)}</li>
            </ul>
            <h2>{tr!(protection_about.sees_title)}</h2>
            <p>{tr!(protection_about.sees)}</p>
            <p>{tr!(protection_about.not_sees)}</p>
            <h2>{tr!(protection_about.statuses_title)}</h2>
            <dl class="status-glossary">
                <dt>{tr!(protection.status.protected)}</dt><dd>{tr!(protection.hint.protected)}</dd>
                <dt>{tr!(protection.status.waiting)}</dt><dd>{tr!(protection.hint.waiting)}</dd>
                <dt>{tr!(protection_about.blocked)}</dt><dd>{tr!(protection.hint.blocked)}</dd>
                <dt>{tr!(protection.status.wipe_pending)}</dt><dd>{tr!(protection.hint.wipe_pending)}</dd>
                <dt>{tr!(protection.status.wipe_done)}</dt><dd>{tr!(protection.hint.wipe_done)}</dd>
            </dl>
            <h2>{tr!(protection_about.remove_title)}</h2>
            <p>{tr!(protection_about.remove)}</p>
            <p><a href="/protected-apps">{tr!(protection_about.back)}</a></p>
        </article>
    }
}
