//! Prism, Stoplight's OpenAPI mock server, for the conformance tests: a
//! guard around `scripts/prism.sh` that stops the server when dropped (also
//! when a test panics).
//!
//! `prism mock --dynamic` answers every operation of a spec with random,
//! schema-valid data, and a request that breaks the spec with a 4xx whose
//! `sl-violations` header names what is wrong. The version is pinned in
//! `tools/prism/package-lock.json`; the script `npm ci`s it on first use.

use std::io;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::codegen;

/// `scripts/prism.sh`.
pub fn script() -> PathBuf {
    codegen::workspace_root().join("scripts/prism.sh")
}

/// The programs Prism needs (`node`, `npm`) that are not on `PATH`.
pub fn missing_tools() -> Vec<&'static str> {
    ["node", "npm"]
        .into_iter()
        .filter(|tool| !matches!(Command::new(tool).arg("--version").output(), Ok(out) if out.status.success()))
        .collect()
}

/// A running Prism; stopped when dropped.
#[derive(Debug)]
pub struct Prism {
    port: u16,
    url: String,
}

impl Prism {
    /// Installs Prism if needed and starts `prism mock --dynamic` for `spec`
    /// on a free loopback port; returns once it listens.
    pub fn start(spec: &Path) -> io::Result<Prism> {
        let mut last = None;
        // The free port may be taken between finding and binding it: try again.
        for _ in 0..3 {
            let port = free_port()?;
            let out = Command::new("bash").arg(script()).arg("start").arg(spec).arg(port.to_string()).output()?;
            if out.status.success() {
                let url = String::from_utf8_lossy(&out.stdout).trim().to_string();
                return Ok(Prism { port, url });
            }
            last = Some(format!(
                "`scripts/prism.sh start {} {port}` failed ({}):\n{}",
                spec.display(),
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Err(io::Error::other(last.unwrap_or_default()))
    }

    /// The base URL, e.g. `http://127.0.0.1:40123`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Prism's log (every request, and what it found wrong with it).
    pub fn log(&self) -> PathBuf {
        codegen::workspace_root().join(format!("target/prism/{}.log", self.port))
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let stopped = Command::new("bash").arg(script()).arg("stop").arg(self.port.to_string()).status();
        if !matches!(stopped, Ok(s) if s.success()) {
            eprintln!("warning: could not stop Prism on port {} ({stopped:?})", self.port);
        }
    }
}

fn free_port() -> io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}
