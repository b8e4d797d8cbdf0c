//! `cargo xtask fetch-spec` against a tiny HTTP server on 127.0.0.1: a good
//! spec is written in a stable form with a changelog; every bad download
//! leaves the target byte for byte as it was, and the error says why.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::Value;
use xtask::diff::Kind;
use xtask::fetch_spec::{fetch_spec, FetchError, Previous};

/// One canned answer.
#[derive(Clone)]
struct Reply {
    status: &'static str,
    content_type: &'static str,
    body: Vec<u8>,
    /// Announce this many more bytes than are sent, then hang up.
    short_by: usize,
}

impl Reply {
    fn ok(content_type: &'static str, body: impl Into<Vec<u8>>) -> Reply {
        Reply { status: "200 OK", content_type, body: body.into(), short_by: 0 }
    }

    fn json(body: impl Into<Vec<u8>>) -> Reply {
        Reply::ok("application/json", body)
    }
}

/// Serves `replies`, one per connection, in order, then stops. Returns the
/// URL and the thread (joined to be sure every reply was asked for).
fn serve(replies: Vec<Reply>) -> (String, JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let url = format!("http://{}/openapi.json", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let mut requests = Vec::new();
        for reply in replies {
            let (mut stream, _) = listener.accept().expect("accept");
            requests.push(read_request(&mut stream));
            let head = format!(
                "HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                reply.status,
                reply.content_type,
                reply.body.len() + reply.short_by
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&reply.body);
            let _ = stream.flush();
        }
        requests
    });
    (url, handle)
}

fn read_request(stream: &mut TcpStream) -> String {
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).map(|n| n == 1).unwrap_or(false) {
        head.push(byte[0]);
    }
    String::from_utf8_lossy(&head).into_owned()
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// A fixture spec as compact JSON (as a server would send it).
fn spec_json(name: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(fixture(name)).unwrap();
    let value: Value = serde_yaml::from_str(&text).unwrap();
    serde_json::to_vec(&value).unwrap()
}

fn temp_target() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("spec/vercel-official.json");
    (dir, out)
}

/// The names of the files in `dir`.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn a_good_spec_is_written_pretty_in_document_order() {
    let (dir, out) = temp_target();
    let body = spec_json("diff/rules.old.yaml");
    let (url, server) = serve(vec![Reply::json(body.clone())]);

    let fetched = fetch_spec(&url, &out).unwrap_or_else(|e| panic!("{e}"));
    let requests = server.join().unwrap();
    assert!(requests[0].starts_with("GET /openapi.json HTTP/1.1\r\n"), "{}", requests[0]);

    assert!(fetched.written);
    assert_eq!(fetched.operations, 5);
    assert!(matches!(fetched.previous, Previous::NewFile));
    assert_eq!(fetched.report(&url), format!("new file: {} (5 operations)\n", out.display()));

    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text, fetched.text);
    // Pretty JSON, 2-space indent, the document's key order, a final newline.
    assert!(
        text.starts_with("{\n  \"openapi\": \"3.0.3\",\n  \"info\": {\n    \"title\": \"Diff fixture\",\n"),
        "{text}"
    );
    assert!(text.ends_with("}\n") && !text.ends_with("\n\n"));
    let written: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(written, serde_json::from_slice::<Value>(&body).unwrap());
    let paths: Vec<&String> = written["paths"].as_object().unwrap().keys().collect();
    assert_eq!(paths, ["/v1/things", "/v1/things/{id}", "/v1/things/{id}/archive"]);
    // No temporary file is left behind.
    assert_eq!(listing(out.parent().unwrap()), ["vercel-official.json"]);
    drop(dir);
}

#[test]
fn a_newer_spec_replaces_the_file_and_reports_the_changes() {
    let (_dir, out) = temp_target();
    let (url, server) = serve(vec![
        Reply::json(spec_json("diff/rules.old.yaml")),
        Reply::json(spec_json("diff/rules.new.yaml")),
        Reply::json(spec_json("diff/rules.new.yaml")),
    ]);
    fetch_spec(&url, &out).unwrap_or_else(|e| panic!("{e}"));

    let fetched = fetch_spec(&url, &out).unwrap_or_else(|e| panic!("{e}"));
    assert!(fetched.written);
    let Previous::Spec(log) = &fetched.previous else { panic!("{:?}", fetched.previous) };
    assert_eq!(log.lines(Kind::OperationAdded), ["- `POST /v1/things` (`createThing`)"]);
    assert_eq!(log.breaking(), 19);
    let report = fetched.report(&url);
    assert!(
        report.starts_with(&format!("# API changes\n\nFrom `{}` to `{url}`: 32 changes", out.display())),
        "{report}"
    );
    assert!(report.contains("\n- **breaking** `DELETE /v1/things/{id}` (`deleteThing`)\n"), "{report}");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("\"operationId\": \"createThing\""));

    // The same spec again: nothing to write, no changes.
    let again = fetch_spec(&url, &out).unwrap_or_else(|e| panic!("{e}"));
    assert!(!again.written);
    let Previous::Spec(log) = &again.previous else { panic!("{:?}", again.previous) };
    assert!(log.is_empty());
    assert!(again.report(&url).contains("0 changes (0 breaking)"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), text);
    server.join().unwrap();
}

#[test]
fn a_yaml_target_gets_yaml_and_a_yaml_download_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("vercel.yaml");
    let yaml = std::fs::read(fixture("diff/rules.new.yaml")).unwrap();
    let (url, server) = serve(vec![Reply::ok("application/yaml", yaml.clone())]);
    let fetched = fetch_spec(&url, &out).unwrap_or_else(|e| panic!("{e}"));
    server.join().unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text, fetched.text);
    assert!(text.starts_with("openapi: 3.0.3\ninfo:\n  title: Diff fixture\n"), "{text}");
    let back: Value = serde_yaml::from_str(&text).unwrap();
    assert_eq!(back, serde_yaml::from_slice::<Value>(&yaml).unwrap());
}

/// Fetches `reply` over a target that already holds a spec, and returns the
/// error, after checking that the target and its folder are untouched.
fn failed_fetch(reply: Option<Reply>) -> FetchError {
    let (_dir, out) = temp_target();
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    let before = b"{\n  \"openapi\": \"3.0.3\"\n}\n";
    std::fs::write(&out, before).unwrap();
    let (url, server) = match reply {
        Some(reply) => {
            let (url, server) = serve(vec![reply]);
            (url, Some(server))
        }
        None => {
            // A port nobody listens on.
            let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
            (format!("http://127.0.0.1:{port}/"), None)
        }
    };
    let err = match fetch_spec(&url, &out) {
        Ok(fetched) => panic!("the fetch succeeded: {:?}", fetched.previous),
        Err(e) => e,
    };
    if let Some(server) = server {
        server.join().unwrap();
    }
    assert_eq!(std::fs::read(&out).unwrap(), before, "the target changed");
    assert_eq!(listing(out.parent().unwrap()), ["vercel-official.json"], "a file was left behind");
    assert!(err.to_string().contains(&url), "the error does not name the URL: {err}");
    err
}

#[track_caller]
fn assert_mentions(err: &FetchError, words: &[&str]) {
    let shown = err.to_string();
    for w in words {
        assert!(shown.contains(w), "{shown:?} does not mention {w:?}");
    }
}

#[test]
fn an_html_page_is_refused() {
    let page = "<!DOCTYPE html>\n<html><head><title>Vercel</title></head><body>Sign in</body></html>";
    let err = failed_fetch(Some(Reply::ok("text/html; charset=utf-8", page)));
    assert!(matches!(err, FetchError::NotASpec { .. }), "{err:?}");
    assert_mentions(&err, &["did not send an OpenAPI 3.0 spec", "the body is HTML"]);
}

#[test]
fn truncated_json_is_refused() {
    let mut body = spec_json("diff/rules.new.yaml");
    body.truncate(body.len() / 2);
    let err = failed_fetch(Some(Reply::json(body)));
    assert!(matches!(err, FetchError::NotASpec { .. }), "{err:?}");
    assert_mentions(&err, &["invalid JSON at line 1", "EOF while parsing"]);
}

#[test]
fn a_connection_closed_before_the_end_of_the_body_is_refused() {
    let mut reply = Reply::json(spec_json("diff/rules.new.yaml"));
    reply.short_by = 1000;
    let err = failed_fetch(Some(reply));
    assert!(matches!(err, FetchError::Download { .. }), "{err:?}");
    assert_mentions(&err, &["cannot download", "cannot read the body"]);
}

#[test]
fn a_server_error_is_refused_with_its_status_and_body() {
    let reply = Reply {
        status: "500 Internal Server Error",
        content_type: "text/plain",
        body: b"upstream exploded\n".to_vec(),
        short_by: 0,
    };
    let err = failed_fetch(Some(reply));
    assert!(matches!(err, FetchError::Status { status: 500, .. }), "{err:?}");
    assert_mentions(&err, &["answered HTTP 500", "upstream exploded"]);
}

#[test]
fn a_not_found_is_refused() {
    let reply = Reply { status: "404 Not Found", content_type: "application/json", body: b"{}".to_vec(), short_by: 0 };
    let err = failed_fetch(Some(reply));
    assert_mentions(&err, &["answered HTTP 404"]);
}

#[test]
fn json_that_is_not_openapi_3_0_is_refused() {
    let cases: [(&str, &[&str]); 4] = [
        (r#"{"hello": "world"}"#, &["missing required key `openapi`"]),
        (r#"{"swagger": "2.0", "info": {}, "paths": {}}"#, &["/swagger", "Swagger/OpenAPI \"2.0\" is not supported"]),
        (
            r#"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}"#,
            &["unsupported OpenAPI version \"3.1.0\""],
        ),
        (r#"[1, 2, 3]"#, &["the document is not an object"]),
    ];
    for (body, words) in cases {
        let err = failed_fetch(Some(Reply::json(body)));
        assert!(matches!(err, FetchError::NotASpec { .. }), "{body}: {err:?}");
        assert_mentions(&err, words);
    }
}

#[test]
fn a_spec_the_client_does_not_generate_from_is_refused() {
    let spec = r##"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/x": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Nope"}}}}}}}}}"##;
    let err = failed_fetch(Some(Reply::json(spec)));
    assert!(matches!(err, FetchError::DoesNotGenerate { .. }), "{err:?}");
    assert_mentions(&err, &["does not generate", "dangling", "#/components/schemas/Nope"]);
}

#[test]
fn an_empty_body_and_a_refused_connection_are_refused() {
    let err = failed_fetch(Some(Reply::json("")));
    assert_mentions(&err, &["the body is empty"]);
    let err = failed_fetch(None);
    assert!(matches!(err, FetchError::Download { .. }), "{err:?}");
    assert_mentions(&err, &["cannot download"]);
}

#[test]
fn the_command_writes_and_reports_or_leaves_the_target() {
    let (_dir, out) = temp_target();
    let (url, server) = serve(vec![Reply::json(spec_json("diff/rules.old.yaml")), Reply::ok("text/html", "<html>")]);
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["fetch-spec", "--url", &url, "--out"])
            .arg(&out)
            .env_remove("HTTP_PROXY")
            .env_remove("http_proxy")
            .env_remove("ALL_PROXY")
            .env_remove("all_proxy")
            .output()
            .expect("run xtask fetch-spec")
    };
    let ok = run();
    let (stdout, stderr) = (String::from_utf8_lossy(&ok.stdout), String::from_utf8_lossy(&ok.stderr));
    assert!(ok.status.success(), "{stderr}");
    assert_eq!(stdout, format!("new file: {} (5 operations)\n", out.display()));
    assert!(stderr.contains("5 operations; wrote"), "{stderr}");
    let written = std::fs::read(&out).unwrap();

    let failed = run();
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(!failed.status.success());
    assert!(stderr.contains("the body is HTML") && stderr.contains("was not touched"), "{stderr}");
    assert_eq!(std::fs::read(&out).unwrap(), written);
    server.join().unwrap();
}
