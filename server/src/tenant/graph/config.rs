//! `portal-server serve --source graph`: which Entra tenant and app registration to read
//! Microsoft Intune with, and how the app proves who it is (a client secret from a file or
//! the environment, or a certificate). Secrets are never flag values: `ps` would show them.

use anyhow::{bail, Context};
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use std::time::Duration;

/// Where tenant facts come from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum SourceKind {
    /// A tenant file imported into the store, and the device simulator (the default).
    #[default]
    Embedded,
    /// Microsoft Intune and Entra ID through Microsoft Graph (application permissions).
    Graph,
}

/// The environment variable a client secret may come in (instead of `--graph-client-secret-file`).
pub const SECRET_ENV: &str = "PORTAL_GRAPH_CLIENT_SECRET";

#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Microsoft Intune (with --source graph)")]
pub struct GraphArgs {
    /// Where tenant facts come from: `embedded` (a tenant file and the device simulator) or
    /// `graph` (Microsoft Intune through Microsoft Graph; needs --issuer for sign-in).
    #[arg(long, value_enum, env = "PORTAL_SOURCE", default_value_t = SourceKind::Embedded)]
    pub source: SourceKind,

    /// The Entra tenant (directory) id, or a verified domain of it.
    #[arg(long, value_name = "ID", env = "PORTAL_GRAPH_TENANT_ID")]
    pub graph_tenant_id: Option<String>,

    /// The application (client) id of the portal's app registration.
    #[arg(long, value_name = "ID", env = "PORTAL_GRAPH_CLIENT_ID")]
    pub graph_client_id: Option<String>,

    /// A file holding the app registration's client secret (one line). Or put the secret in
    /// the environment variable PORTAL_GRAPH_CLIENT_SECRET. A certificate is better.
    #[arg(long, value_name = "PATH", env = "PORTAL_GRAPH_CLIENT_SECRET_FILE")]
    pub graph_client_secret_file: Option<PathBuf>,

    /// The certificate uploaded to the app registration (PEM), with --graph-private-key:
    /// the portal signs a client assertion instead of sending a secret.
    #[arg(long, value_name = "PATH", env = "PORTAL_GRAPH_CERTIFICATE")]
    pub graph_certificate: Option<PathBuf>,

    /// The certificate's private key (PEM, PKCS#8 or PKCS#1 RSA).
    #[arg(long, value_name = "PATH", env = "PORTAL_GRAPH_PRIVATE_KEY")]
    pub graph_private_key: Option<PathBuf>,

    /// Also use Microsoft Graph's beta endpoints: per-device install state, branding profiles
    /// (Remove/Reset settings, enrollment availability), the link from a protected app to its
    /// managed device. Without it the portal reads v1.0 only and says what it cannot show.
    #[arg(long, env = "PORTAL_GRAPH_BETA")]
    pub graph_beta: bool,

    /// Microsoft Graph's address (another cloud, or a test double).
    #[arg(long, value_name = "URL", env = "PORTAL_GRAPH_URL", default_value = "https://graph.microsoft.com")]
    pub graph_url: String,

    /// Microsoft Entra ID's sign-in address for app tokens (another cloud, or a test double).
    #[arg(
        long,
        value_name = "URL",
        env = "PORTAL_GRAPH_LOGIN_URL",
        default_value = "https://login.microsoftonline.com"
    )]
    pub graph_login_url: String,

    /// The longest any one Graph call may take, retries included, in milliseconds.
    #[arg(long, value_name = "MS", env = "PORTAL_GRAPH_TIMEOUT_MS", default_value_t = 10_000)]
    pub graph_timeout_ms: u64,

    /// How long a page waits for a refresh before it shows what was read earlier (marked with
    /// when it was read), in milliseconds.
    #[arg(long, value_name = "MS", env = "PORTAL_GRAPH_WAIT_MS", default_value_t = 2_000)]
    pub graph_wait_ms: u64,

    /// How long a person's devices, groups, app protection and install states are fresh, in
    /// seconds (for as long again they are shown while a refresh runs in the background).
    #[arg(long, value_name = "SECONDS", env = "PORTAL_GRAPH_USER_FRESH_SECS", default_value_t = 30)]
    pub graph_user_fresh_secs: u64,

    /// The organisation file (TOML): which Entra group carries each app's Required assignment,
    /// so that Install can add people to it (see README, "Using Microsoft Intune"). Without it,
    /// Available apps say where to get them instead of offering Install.
    #[arg(long, value_name = "PATH", env = "PORTAL_GRAPH_ORGANISATION")]
    pub graph_organisation: Option<PathBuf>,

    /// How often the catalog, the protection policies and the branding are read again, in seconds.
    #[arg(long, value_name = "SECONDS", env = "PORTAL_GRAPH_REFRESH_SECS", default_value_t = 300)]
    pub graph_refresh_secs: u64,
}

/// How the app registration proves who it is.
pub enum Credential {
    Secret(String),
    Certificate {
        /// DER of the certificate (its SHA-256 is the assertion's `x5t#S256`).
        certificate_der: Vec<u8>,
        private_key: jsonwebtoken::EncodingKey,
    },
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secret or the key, whatever is logged.
        match self {
            Credential::Secret(_) => f.write_str("Credential::Secret(…)"),
            Credential::Certificate { .. } => f.write_str("Credential::Certificate(…)"),
        }
    }
}

/// The validated settings the Intune tenant runs with.
#[derive(Debug)]
pub struct GraphSettings {
    pub tenant_id: String,
    pub client_id: String,
    pub credential: Credential,
    pub beta: bool,
    /// Without a trailing slash.
    pub graph_url: String,
    pub login_url: String,
    pub timeout: Duration,
    pub wait: Duration,
    pub user_fresh: Duration,
    pub refresh: Duration,
    pub organisation_file: Option<PathBuf>,
}

impl GraphArgs {
    /// Checks the flags and reads the credential; every error names the flag to fix.
    pub fn settings(&self) -> anyhow::Result<GraphSettings> {
        let tenant_id = required(&self.graph_tenant_id, "--graph-tenant-id (the Entra tenant id)")?;
        let client_id = required(&self.graph_client_id, "--graph-client-id (the app registration's client id)")?;
        let secret_env = std::env::var(SECRET_ENV).ok().filter(|s| !s.trim().is_empty());
        let credential = match (&self.graph_client_secret_file, &secret_env, &self.graph_certificate) {
            (None, None, None) => bail!(
                "--source graph needs a credential: --graph-certificate with --graph-private-key (recommended), \
                 --graph-client-secret-file, or the environment variable {SECRET_ENV}"
            ),
            (_, _, Some(certificate)) if self.graph_client_secret_file.is_some() || secret_env.is_some() => {
                bail!("give either a certificate ({}) or a client secret, not both", certificate.display())
            }
            (_, _, Some(certificate)) => {
                let key_path = self
                    .graph_private_key
                    .as_ref()
                    .context("--graph-certificate needs --graph-private-key (the certificate's private key)")?;
                certificate_credential(certificate, key_path)?
            }
            (Some(_), Some(_), None) => {
                bail!("give the client secret either in --graph-client-secret-file or in {SECRET_ENV}, not both")
            }
            (Some(path), None, None) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("--graph-client-secret-file {}: cannot read it", path.display()))?;
                let secret = text.trim().to_string();
                if secret.is_empty() {
                    bail!("--graph-client-secret-file {}: the file is empty", path.display());
                }
                Credential::Secret(secret)
            }
            (None, Some(secret), None) => Credential::Secret(secret.trim().to_string()),
        };
        Ok(GraphSettings {
            tenant_id,
            client_id,
            credential,
            beta: self.graph_beta,
            graph_url: base_url(&self.graph_url, "--graph-url")?,
            login_url: base_url(&self.graph_login_url, "--graph-login-url")?,
            timeout: Duration::from_millis(self.graph_timeout_ms.max(100)),
            wait: Duration::from_millis(self.graph_wait_ms),
            user_fresh: Duration::from_secs(self.graph_user_fresh_secs.max(1)),
            refresh: Duration::from_secs(self.graph_refresh_secs.max(5)),
            organisation_file: self.graph_organisation.clone(),
        })
    }
}

fn required(value: &Option<String>, what: &str) -> anyhow::Result<String> {
    match value.as_deref().map(str::trim) {
        Some(v) if !v.is_empty() => Ok(v.to_string()),
        _ => bail!("--source graph needs {what}"),
    }
}

fn base_url(value: &str, flag: &str) -> anyhow::Result<String> {
    let url = url::Url::parse(value).with_context(|| format!("{flag} {value}: not a URL"))?;
    if !matches!(url.scheme(), "https" | "http") {
        bail!("{flag} {value}: must be an https URL");
    }
    Ok(value.trim_end_matches('/').to_string())
}

fn certificate_credential(certificate: &std::path::Path, key: &std::path::Path) -> anyhow::Result<Credential> {
    let text = std::fs::read_to_string(certificate)
        .with_context(|| format!("--graph-certificate {}: cannot read it", certificate.display()))?;
    let block = pem::parse_many(&text)
        .with_context(|| format!("--graph-certificate {}: not PEM", certificate.display()))?
        .into_iter()
        .find(|b| b.tag() == "CERTIFICATE")
        .with_context(|| format!("--graph-certificate {}: no CERTIFICATE block in it", certificate.display()))?;
    let key_text =
        std::fs::read(key).with_context(|| format!("--graph-private-key {}: cannot read it", key.display()))?;
    let private_key = jsonwebtoken::EncodingKey::from_rsa_pem(&key_text)
        .map_err(|e| anyhow::anyhow!("--graph-private-key {}: not an RSA private key in PEM ({e})", key.display()))?;
    Ok(Credential::Certificate { certificate_der: block.contents().to_vec(), private_key })
}
