//! The catalog's toolbar: instant search, the All / Installed views, sort and the filters
//! (assignment, category, publisher, install state), and the category chips. It only edits
//! [`Filters`]; the list recomputes its matches from them.

use super::catalog::{Assignment, Catalog, Filters, InstallState, Sort};
use super::install::state_key;
use crate::i18n::use_i18n;
use leptos::prelude::*;

/// Search, the All / Installed views, sort and filters.
#[component]
pub fn Toolbar(filters: RwSignal<Filters>, catalog: RwSignal<Catalog, LocalStorage>) -> impl IntoView {
    let i18n = use_i18n();
    let view_button = move |installed: bool| {
        let pressed = move || (filters.with(|f| f.installed_only) == installed).to_string();
        view! {
            <button type="button" class="segment" aria-pressed=pressed
                on:click=move |_| filters.update(|f| f.installed_only = installed)>
                {if installed { tr!(apps.view_installed).into_any() } else { tr!(apps.view_all).into_any() }}
            </button>
        }
    };
    let select = move |id: &'static str,
                       label: crate::i18n::Key,
                       options: Vec<(String, String)>,
                       value: Signal<String>,
                       set: Callback<String>| {
        view! {
            <div class="filter">
                <label for=id>{crate::text::text(label)}</label>
                <select id=id prop:value=move || value.get() on:change=move |ev| set.run(event_target_value(&ev))>
                    {options.into_iter().map(|(v, text)| view! { <option value=v>{text}</option> }).collect_view()}
                </select>
            </div>
        }
    };
    let any = move || i18n.text(key!(apps.filter.any)).to_string();
    let sort_options = move || {
        Sort::ALL
            .iter()
            .map(|s| {
                let key = match s {
                    Sort::Name => key!(apps.sort.name),
                    Sort::Publisher => key!(apps.sort.publisher),
                    Sort::Newest => key!(apps.sort.newest),
                };
                (s.code().to_string(), i18n.text(key).to_string())
            })
            .collect::<Vec<_>>()
    };
    let assignment_options = move || {
        vec![
            (String::new(), any()),
            ("required".into(), i18n.text(key!(apps.filter.required)).into()),
            ("available".into(), i18n.text(key!(apps.filter.available)).into()),
        ]
    };
    let state_options = move || {
        let mut options = vec![(String::new(), any())];
        for (code, state) in STATES {
            options.push((code.to_string(), i18n.text(state_key(*state)).to_string()));
        }
        options
    };
    let listed = move |values: Vec<String>| {
        let mut options = vec![(String::new(), any())];
        options.extend(values.into_iter().map(|v| (v.clone(), v)));
        options
    };
    let non_empty = |v: String| (!v.is_empty()).then_some(v);
    view! {
        <div class="catalog-toolbar">
            <div class="search">
                <label for="app-search">{tr!(apps.search_label)}</label>
                <input id="app-search" type="search" autocomplete="off"
                    placeholder=crate::text::attr(key!(apps.search_placeholder))
                    prop:value=move || filters.with(|f| f.text.clone())
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        filters.update(|f| f.text = text);
                    } />
            </div>
            <div class="segments" role="group" aria-label=crate::text::attr(key!(apps.view_label))>
                {view_button(false)} {view_button(true)}
            </div>
            <details class="filters">
                <summary>{tr!(apps.filters)}</summary>
                <div class="filter-grid">
                    {move || select("app-sort", key!(apps.sort_label), sort_options(),
                        Signal::derive(move || filters.with(|f| f.sort.code().to_string())),
                        Callback::new(move |v: String| filters.update(|f| f.sort = Sort::from_code(&v))))}
                    {move || select("app-assignment", key!(apps.filter.assignment), assignment_options(),
                        Signal::derive(move || filters.with(|f| match f.assignment {
                            Some(Assignment::Required) => "required".into(),
                            Some(Assignment::Available) => "available".into(),
                            None => String::new(),
                        })),
                        Callback::new(move |v: String| filters.update(|f| f.assignment = match v.as_str() {
                            "required" => Some(Assignment::Required),
                            "available" => Some(Assignment::Available),
                            _ => None,
                        })))}
                    {move || select("app-category", key!(apps.filter.category), listed(catalog.with(|c| c.categories().to_vec())),
                        Signal::derive(move || filters.with(|f| f.category.clone().unwrap_or_default())),
                        Callback::new(move |v: String| filters.update(|f| f.category = non_empty(v))))}
                    {move || select("app-publisher", key!(apps.filter.publisher), listed(catalog.with(|c| c.publishers().to_vec())),
                        Signal::derive(move || filters.with(|f| f.publisher.clone().unwrap_or_default())),
                        Callback::new(move |v: String| filters.update(|f| f.publisher = non_empty(v))))}
                    {move || select("app-state", key!(apps.filter.state), state_options(),
                        Signal::derive(move || filters.with(|f| f.state.and_then(|s| STATES.iter().find(|(_, x)| *x == s)).map(|(c, _)| c.to_string()).unwrap_or_default())),
                        Callback::new(move |v: String| filters.update(|f| f.state = STATES.iter().find(|(c, _)| *c == v).map(|(_, s)| *s))))}
                </div>
            </details>
            <Categories filters catalog />
        </div>
    }
}

const STATES: &[(&str, InstallState)] = &[
    ("installed", InstallState::Installed),
    ("installing", InstallState::Installing),
    ("failed", InstallState::Failed),
    ("notInstalled", InstallState::NotInstalled),
];

/// Categories as one-tap chips ("browse"), the same filter as the Category select.
#[component]
fn Categories(filters: RwSignal<Filters>, catalog: RwSignal<Catalog, LocalStorage>) -> impl IntoView {
    let chip = move |category: Option<String>| {
        let pressed = {
            let category = category.clone();
            move || filters.with(|f| f.category == category).to_string()
        };
        let label = category.clone();
        view! {
            <li>
                <button type="button" class="chip" aria-pressed=pressed
                    on:click=move |_| filters.update(|f| f.category = category.clone())>
                    {match label { Some(l) => l.into_any(), None => tr!(apps.all_categories).into_any() }}
                </button>
            </li>
        }
    };
    view! {
        <nav class="categories" aria-label=crate::text::attr(key!(apps.categories))>
            <ul>
                {chip(None)}
                {move || catalog.with(|c| c.categories().to_vec()).into_iter().map(|c| chip(Some(c))).collect_view()}
            </ul>
        </nav>
    }
}
