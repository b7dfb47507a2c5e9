//! The contract: Microsoft's own description of Graph v1.0 (`../shared/graph/v1.0-intune-subset.openapi31.json`),
//! the beta names (`beta-names-subset.json`) and the permissions (`permissions-subset.json`).
//!
//! Every request the fake receives and every body it serves is checked here, in two layers:
//! 1. **the schema** — the `jsonschema` crate against the document's `components` (types, enums,
//!    formats such as `date-time` and `duration`), one validator per type or inline schema,
//!    compiled the first time it is needed and kept (`schema.rs`);
//! 2. **the strict layer** the schema lacks (README "Limits of this schema"): every property
//!    must be declared on the type named by `@odata.type` (or the declared type), `@odata.type`
//!    must name that type or one derived from it, abstract types must say which one they are,
//!    query options must be declared, `$select`/`$expand` names must exist (`strict.rs`,
//!    `query.rs`); beta bodies are checked by name (`beta.rs`).

mod beta;
mod operations;
pub mod query;
mod schema;
mod strict;

use std::path::{Path, PathBuf};

use serde_json::Value;

pub use beta::BetaNames;
pub use operations::{Api, Operation, PathMatch};
pub use query::QueryOptions;

/// One thing the contract refuses: where (a JSON pointer into the checked document, or the
/// query option) and why, in the schema's words where it has them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    pub pointer: String,
    pub message: String,
}

impl Finding {
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Finding { pointer: pointer.into(), message: message.into() }
    }
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.pointer.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.pointer, self.message)
        }
    }
}

/// The environment variable that names the folder holding Microsoft's schema files.
pub const CONTRACT_DIR_ENV: &str = "GRAPH_CONTRACT_DIR";

/// Where the schema files are: `$GRAPH_CONTRACT_DIR`, else `../shared/graph/` beside the
/// repository (where CI has it).
pub fn default_contract_dir() -> PathBuf {
    match std::env::var_os(CONTRACT_DIR_ENV) {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/graph"),
    }
}

/// The loaded contract. Cheap to share (`Arc`); validators are compiled lazily and cached.
pub struct Contract {
    schema: schema::Schemas,
    operations: operations::Operations,
    pub beta: BetaNames,
    permissions: Value,
}

/// Why the contract could not be loaded.
#[derive(Debug)]
pub struct LoadError(pub String);

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LoadError {}

fn read_json(dir: &Path, file: &str) -> Result<Value, LoadError> {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        LoadError(format!(
            "cannot read Microsoft's Graph schema file {} ({e}). The fake Graph checks every request and \
             response against it: check out the shared folder beside the repository (../shared/graph/) \
             or set {CONTRACT_DIR_ENV} to the folder holding v1.0-intune-subset.openapi31.json, \
             beta-names-subset.json and permissions-subset.json",
            path.display()
        ))
    })?;
    serde_json::from_str(&text).map_err(|e| LoadError(format!("{}: not JSON: {e}", path.display())))
}

impl Contract {
    /// Loads the three files from `dir`.
    pub fn load(dir: &Path) -> Result<Contract, LoadError> {
        let openapi = read_json(dir, "v1.0-intune-subset.openapi31.json")?;
        let beta = BetaNames::new(read_json(dir, "beta-names-subset.json")?)?;
        let permissions = read_json(dir, "permissions-subset.json")?;
        let operations = operations::Operations::new(&openapi)?;
        let schema = schema::Schemas::new(openapi)?;
        Ok(Contract { schema, operations, beta, permissions })
    }

    /// The operation a request addresses, or `None` for a path Graph does not have.
    pub fn find(&self, api: Api, method: &str, segments: &[String]) -> Option<PathMatch<'_>> {
        self.operations.find(api, method, segments)
    }

    /// Whether some operation (any method) has this path.
    pub fn path_exists(&self, api: Api, segments: &[String]) -> bool {
        self.operations.path_exists(api, segments)
    }

    /// Checks one entity (or complex value) of the named type, e.g. `managedDevice`.
    pub fn check_type(&self, type_name: &str, value: &Value) -> Vec<Finding> {
        let reference = serde_json::json!({ "$ref": format!("#/components/schemas/microsoft.graph.{type_name}") });
        self.check_schema(&format!("type {type_name}"), &reference, value)
    }

    /// Checks a value against a schema taken from the document (`key` names it in the cache).
    pub fn check_schema(&self, key: &str, schema: &Value, value: &Value) -> Vec<Finding> {
        let mut findings = self.schema.validate(key, schema, value);
        strict::check(&self.schema, schema, value, &mut String::new(), &mut findings);
        // The type named by @odata.type is validated on its own too: say each thing once.
        let mut seen = std::collections::HashSet::new();
        findings.retain(|f| seen.insert((f.pointer.clone(), f.message.clone())));
        findings
    }

    /// Checks a request's query options against what the operation declares.
    pub fn check_query(&self, op: &Operation, query: &QueryOptions) -> Vec<Finding> {
        query::check(self, op, query)
    }

    /// Checks a request body against the operation's `requestBody` (an empty body is `None`).
    pub fn check_request_body(&self, op: &Operation, body: Option<&Value>) -> Vec<Finding> {
        match (&op.request_schema, body) {
            (_, None) => Vec::new(),
            (None, Some(Value::Object(map))) if map.is_empty() => Vec::new(),
            (None, Some(_)) => vec![Finding::new("", format!("{} {} takes no request body", op.method, op.template))],
            (Some(schema), Some(body)) => match op.api {
                Api::V1 => self.check_schema(&format!("{} {} request", op.method, op.template), schema, body),
                Api::Beta => self.beta.check_body(schema, body),
            },
        }
    }

    /// Checks a response body the fake is about to serve.
    pub fn check_response(&self, op: &Operation, status: u16, body: &Value) -> Vec<Finding> {
        if status >= 400 {
            return self.check_schema("error", &serde_json::json!({"$ref": "#/components/schemas/error"}), body);
        }
        match (op.api, &op.response_schema) {
            (Api::V1, Some(schema)) => {
                self.check_schema(&format!("{} {} response", op.method, op.template), schema, body)
            }
            (Api::Beta, Some(schema)) => self.beta.check_response(schema, body),
            (_, None) => Vec::new(),
        }
    }

    /// The declared properties of a v1.0 type (inherited ones included), for `$select`.
    pub fn properties_of(&self, type_name: &str) -> Option<Vec<String>> {
        self.schema.properties_of(&format!("microsoft.graph.{type_name}"))
    }

    /// The type a navigation property of a v1.0 type holds (`appliedPolicies` → `managedAppPolicy`).
    pub fn navigation_type(&self, type_name: &str, property: &str) -> Option<String> {
        let schema =
            self.schema.schema(&format!("microsoft.graph.{type_name}"))?.pointer(&format!("/properties/{property}"))?;
        let target = schema.get("items").unwrap_or(schema);
        schema::ref_name(target).and_then(|n| n.strip_prefix("microsoft.graph.")).map(str::to_owned)
    }

    /// Whether `derived` is `base` or a type derived from it (v1.0).
    pub fn is_a(&self, derived: &str, base: &str) -> bool {
        self.schema.is_a(&format!("microsoft.graph.{derived}"), &format!("microsoft.graph.{base}"))
    }

    /// The application permissions that allow a call, from `permissions-subset.json` (keys are
    /// lower-case, every parameter written `{id}`). `None` when the file has no row.
    pub fn permissions_for(&self, method: &str, normalised_path: &str) -> Option<Vec<String>> {
        let rows = self.permissions.get(format!("{} {}", method.to_uppercase(), normalised_path))?.as_array()?;
        let granted: Vec<String> = rows
            .iter()
            .filter(|row| {
                row.get("schemes")
                    .and_then(Value::as_array)
                    .is_some_and(|schemes| schemes.iter().any(|s| s == "Application"))
            })
            .filter_map(|row| row.get("permission").and_then(Value::as_str).map(str::to_owned))
            .collect();
        Some(granted)
    }

    /// How many validators have been compiled so far (start-up measurements).
    pub fn compiled_validators(&self) -> usize {
        self.schema.compiled()
    }
}
