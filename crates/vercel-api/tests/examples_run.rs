//! Each example of `examples/` runs as a program against a local mock server
//! (through `VERCEL_API_URL`), and prints the mocked data or the typed error.
//!
//! `cargo test` builds the examples along with the tests, with the same
//! features, so the binaries next to this test's are used as they are. Only
//! when one is missing or older than its sources (e.g. after
//! `cargo test --test examples_run`, which builds no example) is it built
//! with `cargo build --example`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::SystemTime;

use serde_json::json;
use wiremock::matchers::{body_partial_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The newest modification time of `path` (a file, or every file under a folder).
fn newest(path: &Path) -> SystemTime {
    let meta = std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if !meta.is_dir() {
        return meta.modified().unwrap();
    }
    std::fs::read_dir(path).unwrap().map(|e| newest(&e.unwrap().path())).max().unwrap_or(SystemTime::UNIX_EPOCH)
}

/// The path of the example binary `name`, built if needed.
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(Path::parent).expect("the test runs from target/<profile>/deps");
    let bin = profile_dir.join("examples").join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sources = [manifest.join("examples").join(format!("{name}.rs")), manifest.join("src")];
    let built = std::fs::metadata(&bin).and_then(|m| m.modified()).ok();
    if built.is_none_or(|built| sources.iter().any(|s| newest(s) > built)) {
        let status = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "-p", "vercel-api", "--example", name])
            .current_dir(manifest)
            .status()
            .expect("run cargo build");
        assert!(status.success(), "cargo build --example {name} failed");
    }
    bin
}

/// Runs example `name` with `args` against `server`, with the token
/// `test-token` and the variables `env`, and no other `VERCEL_*` variable.
async fn run(name: &str, args: &[&str], server: &MockServer, env: &[(&str, &str)]) -> Output {
    let bin = example(name);
    let mut command = Command::new(bin);
    command.args(args);
    for var in ["VERCEL_TOKEN", "VERCEL_TEAM_ID", "VERCEL_API_URL", "VERCEL_INSTALLATION_TOKEN"] {
        command.env_remove(var);
    }
    command.env("VERCEL_TOKEN", "test-token").env("VERCEL_API_URL", server.uri());
    for (key, value) in env {
        command.env(key, value);
    }
    tokio::task::spawn_blocking(move || command.output().expect("run the example")).await.unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[track_caller]
fn assert_contains(haystack: &str, needles: &[&str]) {
    for needle in needles {
        assert!(haystack.contains(needle), "{needle:?} not in:\n{haystack}");
    }
}

fn webhook(id: &str, url: &str, events: &[&str], project: Option<(&str, &str)>) -> serde_json::Value {
    json!({
        "id": id,
        "url": url,
        "events": events,
        "ownerId": "team_test",
        "createdAt": 1_700_000_000_000_i64,
        "updatedAt": 1_700_000_000_000_i64,
        "projectIds": project.map(|(id, _)| vec![id]),
        "projectsMetadata": project.map(|(id, name)| vec![json!({"id": id, "name": name, "framework": "nextjs"})]),
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn list_webhooks_prints_the_teams_webhooks() {
    let server = MockServer::start().await;
    let hooks = json!([
        webhook(
            "hook_abc",
            "https://example.com/hook",
            &["deployment.created", "deployment.ready"],
            Some(("prj_1", "my-app"))
        ),
        // A value the crate does not know is printed as sent.
        webhook("hook_def", "https://example.com/other", &["brand.new-event"], None),
    ]);
    Mock::given(method("GET"))
        .and(path("/v1/webhooks"))
        .and(query_param("teamId", "team_test"))
        .and(query_param("projectId", "prj_1"))
        .and(header("authorization", "Bearer test-token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(hooks)
                .insert_header("x-ratelimit-limit", "100")
                .insert_header("x-ratelimit-remaining", "99")
                .insert_header("x-ratelimit-reset", "1700000000"),
        )
        .expect(1)
        .mount(&server)
        .await;

    let output = run("list_webhooks", &["prj_1"], &server, &[("VERCEL_TEAM_ID", "team_test")]).await;
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", text(&output.stderr));
    assert_contains(
        &stdout,
        &[
            "2 webhooks for team team_test:",
            "- hook_abc -> https://example.com/hook",
            "  events: deployment.created, deployment.ready",
            "  projects: my-app",
            "- hook_def -> https://example.com/other",
            "  events: brand.new-event",
            "rate limit: 99 of 100 requests left",
        ],
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn list_webhooks_prints_the_typed_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/webhooks"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_json(json!({"error": {"code": "forbidden", "message": "Not authorized to list webhooks"}}))
                .insert_header("x-vercel-id", "fra1::abc123"),
        )
        .expect(1)
        .mount(&server)
        .await;

    let output = run("list_webhooks", &[], &server, &[]).await;
    assert!(!output.status.success());
    assert_contains(
        &text(&output.stderr),
        &[
            "error: Vercel answered 403 Forbidden",
            "code: forbidden",
            "message: Not authorized to list webhooks",
            "request id: fra1::abc123",
        ],
    );
    assert!(!text(&output.stderr).contains("test-token"));
}

#[tokio::test(flavor = "multi_thread")]
async fn create_sandbox_clones_the_repository_and_prints_the_sandbox() {
    let server = MockServer::start().await;
    let sandbox = json!({
        "sandbox": {
            "id": "sbx_123",
            "memory": 2048,
            "vcpus": 1,
            "region": "iad1",
            "runtime": "node22",
            "timeout": 300000,
            "status": "running",
            "requestedAt": 1_750_344_501_629_i64,
            "cwd": "/vercel/sandbox",
            "createdAt": 1_750_344_501_629_i64,
            "updatedAt": 1_750_344_501_629_i64
        },
        "routes": [{"url": "https://sb-123-3000.vercel.run", "port": 3000, "subdomain": "sb-123-3000"}]
    });
    Mock::given(method("POST"))
        .and(path("/v1/sandboxes"))
        .and(query_param("teamId", "team_test"))
        .and(header("authorization", "Bearer test-token"))
        .and(body_partial_json(json!({
            "source": {"type": "git", "url": "https://github.com/acme/app.git", "revision": "main", "depth": 1},
            "runtime": "node22",
            "ports": [3000],
            "timeout": 300000
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(sandbox))
        .expect(1)
        .mount(&server)
        .await;

    let args = ["https://github.com/acme/app.git", "main"];
    let output = run("create_sandbox", &args, &server, &[("VERCEL_TEAM_ID", "team_test")]).await;
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", text(&output.stderr));
    assert_contains(
        &stdout,
        &[
            "sandbox sbx_123 created from https://github.com/acme/app.git",
            "status: running",
            "runtime: node22 in iad1",
            "resources: 1 vCPUs, 2048 MB",
            "port 3000 -> https://sb-123-3000.vercel.run",
        ],
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn marketplace_billing_reports_with_the_installation_token() {
    let server = MockServer::start().await;
    let base = "/v1/installations/icfg_test/billing";
    Mock::given(method("POST"))
        .and(path(base))
        .and(header("authorization", "Bearer installation-token"))
        .and(body_partial_json(json!({
            "billing": [{"billingPlanId": "pro", "name": "Database (Pro plan)", "total": "10.00", "quantity": 1}],
            "usage": [{"name": "Storage", "type": "total", "units": "GB", "dayValue": 2.5}]
        })))
        .respond_with(ResponseTemplate::new(201))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{base}/balance")))
        .and(header("authorization", "Bearer installation-token"))
        .and(body_partial_json(json!({"balances": [{"credit": "2,000 Tokens", "currencyValueInCents": 2000}]})))
        .respond_with(ResponseTemplate::new(201))
        .expect(1)
        .mount(&server)
        .await;

    let env = [("VERCEL_INSTALLATION_TOKEN", "installation-token"), ("VERCEL_TEAM_ID", "team_ignored")];
    let output = run("marketplace_billing", &["icfg_test"], &server, &env).await;
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", text(&output.stderr));
    assert_contains(
        &stdout,
        &[
            "billing data for icfg_test sent (HTTP 201 Created)",
            "items: Database (Pro plan) $10.00",
            "usage: Storage 2.5 GB",
            "prepayment balance for icfg_test sent (HTTP 201 Created)",
            "2,000 Tokens (worth 2000 cents)",
        ],
    );
    // The installation client has no team scope and never sends the user token.
    for request in server.received_requests().await.unwrap() {
        assert_eq!(request.url.query(), None, "{}", request.url);
        assert_eq!(request.headers["authorization"], "Bearer installation-token");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn marketplace_billing_prints_the_typed_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/installations/icfg_gone/billing"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"error": {"code": "not_found", "message": "Installation not found"}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let env = [("VERCEL_INSTALLATION_TOKEN", "installation-token")];
    let output = run("marketplace_billing", &["icfg_gone"], &server, &env).await;
    assert!(!output.status.success());
    let stderr = text(&output.stderr);
    assert_contains(
        &stderr,
        &["error: Vercel answered 404 Not Found", "code: not_found", "message: Installation not found"],
    );
    assert!(!stderr.contains("installation-token"), "{stderr}");
}
