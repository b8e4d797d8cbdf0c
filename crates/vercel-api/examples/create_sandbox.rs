//! Create a sandbox from a git repository.
//!
//! ```sh
//! VERCEL_TOKEN=... VERCEL_TEAM_ID=team_... cargo run -p vercel-api --example create_sandbox \
//!     [REPOSITORY_URL [REVISION]]
//! ```
//!
//! Clones `REPOSITORY_URL` (default: `https://github.com/vercel/examples.git`)
//! at `REVISION` (default: the default branch) into a new Node 22 sandbox that
//! exposes port 3000 and stops after 5 minutes, then prints the sandbox and
//! its public URLs. `VERCEL_API_URL` sends the request to another base URL.

use std::process::ExitCode;

use vercel_api::operations::CreateSandboxParams;
use vercel_api::types::{CreateSandboxRequest, Runtime, SandboxGitSource, SandboxSource};
use vercel_api::{Client, Error};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let url = args.next().unwrap_or_else(|| "https://github.com/vercel/examples.git".to_string());
    let revision = args.next();
    let client = match Client::from_env() {
        Ok(client) => client,
        Err(e) => return fail(&e),
    };
    let request = CreateSandboxRequest {
        source: Some(SandboxSource::Git(SandboxGitSource {
            url: url.clone(),
            revision,
            depth: Some(1),
            ..Default::default()
        })),
        runtime: Some(Runtime::Node22),
        ports: Some(vec![3000]),
        timeout: Some(5 * 60 * 1000),
        ..Default::default()
    };
    let created = match client.create_sandbox(&request, &CreateSandboxParams::default()).await {
        Ok(response) => response.into_inner(),
        Err(e) => return fail(&e),
    };
    let sandbox = &created.sandbox;
    println!("sandbox {} created from {url}", sandbox.id);
    println!("  status: {}", wire(&sandbox.status));
    println!("  runtime: {} in {}", sandbox.runtime, sandbox.region);
    println!("  resources: {} vCPUs, {} MB", sandbox.vcpus, sandbox.memory);
    println!("  working directory: {}", sandbox.cwd);
    println!("  stops after: {} ms", sandbox.timeout);
    for route in &created.routes {
        println!("  port {} -> {}", route.port, route.url);
    }
    ExitCode::SUCCESS
}

/// An enum value as Vercel spells it (`running`).
fn wire<T: serde::Serialize + std::fmt::Debug>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => format!("{value:?}"),
    }
}

/// Prints the error, with Vercel's code, message and request id when the API
/// answered with one.
fn fail(error: &Error) -> ExitCode {
    match error {
        Error::Api(api) => {
            eprintln!("error: Vercel answered {}", api.status);
            eprintln!("  code: {}", api.code.as_deref().unwrap_or("(none)"));
            eprintln!("  message: {}", api.message.as_deref().unwrap_or("(none)"));
            if let Some(id) = &api.request_id {
                eprintln!("  request id: {id}");
            }
        }
        Error::Config(why) => eprintln!("error: {why}"),
        other => eprintln!("error: {other}"),
    }
    ExitCode::FAILURE
}
