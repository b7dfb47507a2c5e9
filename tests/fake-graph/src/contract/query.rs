//! Query options: each must be declared by the operation (the document declares none of
//! `$skiptoken`, which Graph's own next links carry, so it is accepted on every collection
//! GET), `$top`/`$skip` are non-negative integers, `$count` a boolean, and every `$select` and
//! `$expand` name must exist on the type (the document's `$select` enums on directory-object
//! collections are too narrow, README "Limits": the derived types' properties count there).

use serde_json::Value;

use super::operations::{Api, Operation};
use super::{Contract, Finding};

/// A request's query options, percent-decoded, in order.
#[derive(Debug, Clone, Default)]
pub struct QueryOptions {
    pub pairs: Vec<(String, String)>,
}

impl QueryOptions {
    pub fn parse(raw: Option<&str>) -> QueryOptions {
        let pairs = raw
            .map(|q| form_urlencoded::parse(q.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
            .unwrap_or_default();
        QueryOptions { pairs }
    }

    /// The value of a system query option (`$top`, with or without the `$`, any case).
    pub fn get(&self, name: &str) -> Option<&str> {
        let bare = name.trim_start_matches('$');
        self.pairs.iter().find(|(k, _)| k.trim_start_matches('$').eq_ignore_ascii_case(bare)).map(|(_, v)| v.as_str())
    }

    /// Comma-separated names (`$select=id,deviceName`), nested options (`assignments($select=id)`) cut off.
    pub fn names(&self, name: &str) -> Vec<String> {
        self.get(name).map(split_names).unwrap_or_default()
    }
}

/// `$expand` items with the `$select` nested in each: `a($select=x,y),b` → `[(a, [x, y]), (b, [])]`.
pub fn split_expand(list: &str) -> Vec<(String, Vec<String>)> {
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    for c in list.chars().chain(std::iter::once(',')) {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                let item = std::mem::take(&mut current);
                let (name, options) = match item.split_once('(') {
                    Some((name, rest)) => (name.trim().to_owned(), rest.trim_end().trim_end_matches(')').to_owned()),
                    None => (item.trim().to_owned(), String::new()),
                };
                let select = options
                    .split(';')
                    .filter_map(|o| o.trim().split_once('='))
                    .find(|(k, _)| k.trim().eq_ignore_ascii_case("$select"))
                    .map(|(_, v)| v.split(',').map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()).collect())
                    .unwrap_or_default();
                if !name.is_empty() {
                    items.push((name, select));
                }
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    items
}

/// Splits `a,b(x=1,y=2),c` at top-level commas and keeps the names before `(`.
pub fn split_names(list: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    for c in list.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                names.push(std::mem::take(&mut current));
                continue;
            }
            _ if depth == 0 => current.push(c),
            _ => {}
        }
    }
    names.push(current);
    names.into_iter().map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()).collect()
}

fn declared<'a>(op: &'a Operation, name: &str) -> Option<&'a str> {
    op.query_params.iter().find(|p| p.name.eq_ignore_ascii_case(name)).map(|p| p.name.as_str())
}

pub fn check(contract: &Contract, op: &Operation, query: &QueryOptions) -> Vec<Finding> {
    let mut out = Vec::new();
    for (key, value) in &query.pairs {
        let is_skiptoken = key.eq_ignore_ascii_case("$skiptoken");
        let Some(name) = declared(op, key).or(if is_skiptoken && op.collection { Some("$skiptoken") } else { None })
        else {
            let list: Vec<&str> = op.query_params.iter().map(|p| p.name.as_str()).collect();
            out.push(Finding::new(
                key.clone(),
                format!(
                    "query option {key:?} is not declared for {} {} (declared: {})",
                    op.method,
                    op.template,
                    list.join(", ")
                ),
            ));
            continue;
        };
        match name {
            "$top" | "$skip" if value.parse::<u64>().is_err() => {
                out.push(Finding::new(key.clone(), format!("{value:?} is not a non-negative integer")));
            }
            "$count" if value != "true" && value != "false" => {
                out.push(Finding::new(key.clone(), format!("{value:?} is not true or false")));
            }
            "$select" => {
                let known = select_names(contract, op);
                for field in split_names(value) {
                    if !known.iter().any(|k| k == &field) {
                        let owner = op.item_type.as_deref().unwrap_or("?");
                        out.push(Finding::new(key.clone(), format!("{field:?} is not a property of {owner}")));
                    }
                }
            }
            "$expand" => {
                let known = expand_names(contract, op);
                for (field, nested) in split_expand(value) {
                    if let (Api::V1, Some(target)) =
                        (op.api, op.item_type.as_deref().and_then(|t| contract.navigation_type(t, &field)))
                    {
                        let properties = contract.properties_of(&target).unwrap_or_default();
                        for name in nested.iter().filter(|n| !properties.contains(n)) {
                            out.push(Finding::new(
                                key.clone(),
                                format!("{name:?} (in $expand={field}(...)) is not a property of {target}"),
                            ));
                        }
                    }
                    if !known.iter().any(|k| k == &field) {
                        out.push(Finding::new(
                            key.clone(),
                            format!(
                                "{field:?} is not a navigation property that {} {} can expand (known: {})",
                                op.method,
                                op.template,
                                known.join(", ")
                            ),
                        ));
                    }
                }
            }
            "$orderby" => {
                if let Some(allowed) = op
                    .query_params
                    .iter()
                    .find(|p| p.name == "$orderby")
                    .and_then(|p| p.schema.pointer("/items/enum"))
                    .and_then(Value::as_array)
                {
                    for field in value.split(',').map(str::trim) {
                        if !allowed.iter().any(|a| a == field) {
                            out.push(Finding::new(
                                key.clone(),
                                format!("{field:?} is not an order Graph accepts here"),
                            ));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn select_names(contract: &Contract, op: &Operation) -> Vec<String> {
    let Some(item) = op.item_type.as_deref() else { return Vec::new() };
    match op.api {
        Api::Beta => contract.beta.names_of(item),
        Api::V1 => {
            let mut names = contract.properties_of(item).unwrap_or_default();
            if item == "directoryObject" {
                for derived in ["group", "user", "device"] {
                    names.extend(contract.properties_of(derived).unwrap_or_default());
                }
            }
            names
        }
    }
}

fn expand_names(contract: &Contract, op: &Operation) -> Vec<String> {
    match op.api {
        Api::V1 => op.expand_names(),
        Api::Beta => op.item_type.as_deref().map(|t| contract.beta.navigation_of(t)).unwrap_or_default(),
    }
}
