//! `cargo xtask fetch-spec [--url URL] [--out PATH]`: downloads Vercel's
//! published OpenAPI description, checks that it loads and that the client
//! generates from it, writes it in a stable, diff-friendly form, and tells
//! what changed in the API since the file it replaces.
//!
//! The default target is `spec/vercel-official.json`, next to our own
//! `spec/vercel.yaml` (which we write by hand and which the crate is generated
//! from); `--out spec/vercel.yaml` would replace ours.
//!
//! The target is written only when everything succeeded, through a temporary
//! file in the same folder renamed over it: a failed download, an error page,
//! a truncated body or a document that is not an OpenAPI 3.0 spec leaves the
//! target as it was.

use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::codegen::{self, load, SpecError};
use crate::diff::{self, Changelog};

/// Where Vercel publishes its OpenAPI description.
pub const DEFAULT_URL: &str = "https://openapi.vercel.sh/";

/// The largest spec accepted, in bytes (the published one is about 4 MiB).
pub const MAX_BYTES: u64 = 256 * 1024 * 1024;

/// How long the whole download may take.
const TIMEOUT: Duration = Duration::from_secs(120);

/// The default target: `spec/vercel-official.json` in the workspace.
pub fn default_out() -> PathBuf {
    codegen::workspace_root().join("spec/vercel-official.json")
}

/// Why fetching failed. The target was not touched.
#[derive(Debug)]
pub enum FetchError {
    /// The request could not be made or the body could not be read.
    Download { url: String, message: String },
    /// The server answered with a status other than 2xx.
    Status { url: String, status: u16, body: String },
    /// The body is not an OpenAPI 3.0 document.
    NotASpec { url: String, why: String },
    /// The body is an OpenAPI document, but the client does not generate from it.
    DoesNotGenerate { url: String, error: SpecError },
    /// The target could not be written.
    Write { path: PathBuf, error: std::io::Error },
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::Download { url, message } => write!(f, "cannot download {url}: {message}"),
            FetchError::Status { url, status, body } => {
                write!(f, "{url} answered HTTP {status}")?;
                if !body.is_empty() {
                    write!(f, ": {body}")?;
                }
                Ok(())
            }
            FetchError::NotASpec { url, why } => write!(f, "{url} did not send an OpenAPI 3.0 spec: {why}"),
            FetchError::DoesNotGenerate { url, error } => {
                write!(f, "the spec from {url} loads, but the client does not generate from it: {error}")
            }
            FetchError::Write { path, error } => write!(f, "cannot write {}: {error}", path.display()),
        }
    }
}

impl std::error::Error for FetchError {}

/// What [`fetch_spec`] did.
#[derive(Debug)]
pub struct Fetched {
    /// Where the spec was (or would have been) written.
    pub out: PathBuf,
    /// The bytes written (the normalized spec).
    pub text: String,
    /// How many operations the spec has.
    pub operations: usize,
    /// What was at `out` before.
    pub previous: Previous,
    /// Whether `out` was written (false when it already held exactly `text`).
    pub written: bool,
}

/// What the target held before.
#[derive(Debug)]
pub enum Previous {
    /// Nothing: the file is new.
    NewFile,
    /// A spec; the changes from it to the downloaded one.
    Spec(Changelog),
    /// Something that does not load as a spec, hence no changelog.
    Unreadable(String),
}

impl Fetched {
    /// A report for people: the changelog in Markdown, `new file`, or why there
    /// is no changelog.
    pub fn report(&self, url: &str) -> String {
        let out = self.out.display();
        match &self.previous {
            Previous::NewFile => format!("new file: {out} ({} operations)\n", self.operations),
            Previous::Unreadable(why) => {
                format!("{out} did not hold a spec that loads ({why}); no changelog\n")
            }
            Previous::Spec(log) => log.to_markdown(&out.to_string(), url),
        }
    }
}

/// Downloads the spec at `url`, checks it, and writes it to `out` (JSON, or
/// YAML when `out` ends with `.yaml`/`.yml`).
pub fn fetch_spec(url: &str, out: &Path) -> Result<Fetched, FetchError> {
    let body = download(url)?;
    let (raw, operations) = validate(url, &body)?;
    let text = render(&raw, out).map_err(|why| FetchError::NotASpec { url: url.to_string(), why })?;
    let before = match std::fs::read(out) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => return Err(FetchError::Write { path: out.to_path_buf(), error }),
    };
    let previous = match &before {
        None => Previous::NewFile,
        Some(bytes) => match load::load_bytes(bytes) {
            Ok(old) => Previous::Spec(diff::diff(&old.raw, &raw)),
            Err(e) => Previous::Unreadable(e.to_string()),
        },
    };
    let written = before.as_deref() != Some(text.as_bytes());
    if written {
        write_atomically(out, text.as_bytes()).map_err(|error| FetchError::Write { path: out.to_path_buf(), error })?;
    }
    Ok(Fetched { out: out.to_path_buf(), text, operations, previous, written })
}

/// The body of a 2xx answer to a GET of `url`.
pub fn download(url: &str) -> Result<Vec<u8>, FetchError> {
    let failed = |message: String| FetchError::Download { url: url.to_string(), message };
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let tls = ureq::tls::TlsConfig::builder()
        .provider(ureq::tls::TlsProvider::Rustls)
        .root_certs(ureq::tls::RootCerts::PlatformVerifier)
        .unversioned_rustls_crypto_provider(provider)
        .build();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(TIMEOUT))
        .user_agent(concat!("vercel-api-xtask/", env!("CARGO_PKG_VERSION")))
        .tls_config(tls)
        .build()
        .into();
    let mut response = agent.get(url).header("Accept", "application/json").call().map_err(|e| failed(e.to_string()))?;
    let status = response.status();
    let body = response.body_mut().with_config().limit(MAX_BYTES).read_to_vec();
    if !status.is_success() {
        let text = body.map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
        let mut text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.chars().count() > 200 {
            text = text.chars().take(200).collect::<String>() + "…";
        }
        return Err(FetchError::Status { url: url.to_string(), status: status.as_u16(), body: text });
    }
    body.map_err(|e| failed(format!("cannot read the body: {e}")))
}

/// Loads `body` as an OpenAPI 3.0 spec and generates the client from it;
/// returns the raw document and its number of operations.
pub fn validate(url: &str, body: &[u8]) -> Result<(Value, usize), FetchError> {
    let not_a_spec = |why: String| FetchError::NotASpec { url: url.to_string(), why };
    let start = String::from_utf8_lossy(&body[..body.len().min(512)]).trim_start().to_ascii_lowercase();
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(not_a_spec("the body is empty".into()));
    }
    if start.starts_with('<') {
        let what = if start.starts_with("<!doctype html") || start.starts_with("<html") { "HTML" } else { "markup" };
        return Err(not_a_spec(format!("the body is {what}, not JSON or YAML; is the URL right?")));
    }
    let loaded = load::load_bytes(body).map_err(|e| not_a_spec(e.to_string()))?;
    let generated = codegen::generate_bytes(body, url)
        .map_err(|error| FetchError::DoesNotGenerate { url: url.to_string(), error })?;
    Ok((loaded.raw, generated.api.ops.len()))
}

/// The spec as written: JSON with a 2-space indent, or YAML when `out` ends
/// with `.yaml`/`.yml`; keys in the document's order; a final newline.
pub fn render(raw: &Value, out: &Path) -> Result<String, String> {
    let yaml = out.extension().is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    let mut text = if yaml {
        serde_yaml::to_string(raw).map_err(|e| e.to_string())?
    } else {
        serde_json::to_string_pretty(raw).map_err(|e| e.to_string())?
    };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// Writes `bytes` to a temporary file next to `path`, then renames it over
/// `path`: readers see the old file or the new one, never part of one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new().prefix(".fetch-spec-").suffix(".tmp").tempfile_in(dir)?;
    // Keep the permissions of the file replaced; a new one gets the usual
    // 0644 rather than the temporary file's 0600.
    match std::fs::metadata(path) {
        Ok(meta) => tmp.as_file().set_permissions(meta.permissions())?,
        Err(_) => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt as _;
                tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644))?;
            }
        }
    }
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
