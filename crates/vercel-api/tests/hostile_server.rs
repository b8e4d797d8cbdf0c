//! The client against servers that misbehave: every case ends in a typed
//! error (that keeps the status, headers and raw body when there was a
//! response), nothing panics or hangs, and the token never shows in an
//! error's `Display` or `Debug`.
//!
//! wiremock serves what it can; a raw `TcpListener` on 127.0.0.1 serves what
//! it cannot (a wrong `Content-Length`, invalid UTF-8 on the wire, a body
//! streamed for as long as the client reads, a connection that is accepted
//! and never answered, a reset). The calls are the generated operations of
//! `spec/vercel.yaml` (`get_webhook`, `get_webhooks`).
//!
//! Tests marked `#[ignore = "BUG: …"]` assert the behaviour we want where the
//! client does not give it yet.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use vercel_api::operations::{GetWebhookParams, GetWebhooksParams};
use vercel_api::{Client, Error, RetryConfig};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "tok_secret_123";
const TIMEOUT: Duration = Duration::from_secs(5);

fn client(base_url: &str) -> Client {
    client_with(base_url, |b| b)
}

fn client_with(
    base_url: &str,
    configure: impl FnOnce(vercel_api::ClientBuilder) -> vercel_api::ClientBuilder,
) -> Client {
    configure(Client::builder().token(TOKEN).base_url(base_url).retry(RetryConfig::disabled()).timeout(TIMEOUT))
        .build()
        .unwrap()
}

/// The error of a call that must fail, checked for the token in every form.
#[track_caller]
fn failed<T: std::fmt::Debug>(result: vercel_api::Result<T>) -> Error {
    let e = match result {
        Ok(value) => panic!("the call succeeded: {value:?}"),
        Err(e) => e,
    };
    assert_no_token(&e);
    e
}

#[track_caller]
fn assert_no_token(e: &Error) {
    let mut shown = vec![format!("{e}"), format!("{e:?}"), format!("{e:#?}")];
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        shown.push(format!("{cause} {cause:?}"));
        source = cause.source();
    }
    for text in shown {
        assert!(!text.contains(TOKEN), "the token shows in an error: {text}");
    }
}

async fn get_webhook(
    client: &Client,
    id: &str,
) -> vercel_api::Result<vercel_api::Response<vercel_api::types::Webhook>> {
    client.get_webhook(id, &GetWebhookParams::default()).await
}

fn decode_error(e: &Error) -> &vercel_api::DecodeError {
    match e {
        Error::Decode(d) => d,
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

fn api_error(e: &Error) -> &vercel_api::ApiError {
    match e {
        Error::Api(a) => a,
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

// ---------------------------------------------------------------- raw server

/// A server on 127.0.0.1 that answers every connection with `behaviour`.
struct Raw {
    url: String,
    /// The head (request line and headers) of every request received.
    heads: Arc<Mutex<Vec<String>>>,
    /// Bytes of response written, over all connections.
    written: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Raw {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[derive(Clone)]
enum Behaviour {
    /// Writes these bytes, then closes the connection.
    Reply(Vec<u8>),
    /// Accepts, reads the request, and never answers (nor closes).
    Silent,
    /// Reads the request, then resets the connection (RST).
    Reset,
    /// Writes `head`, then chunks of `chunk` bytes of `[` (a JSON array that
    /// never ends) for as long as the client reads, up to `total` bytes;
    /// `chunked` sends them with `Transfer-Encoding: chunked`.
    Stream { head: String, chunk: usize, total: usize, chunked: bool },
    /// Writes `unit` again and again for as long as the client reads, up to `total` bytes.
    Repeat { unit: Vec<u8>, total: usize },
    /// Writes `head` and part of the body, then stalls without closing.
    Stall(Vec<u8>),
}

async fn raw(behaviour: Behaviour) -> Raw {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let heads = Arc::new(Mutex::new(Vec::new()));
    let written = Arc::new(AtomicUsize::new(0));
    let (h, w) = (heads.clone(), written.clone());
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            let head = read_head(&mut socket).await;
            h.lock().unwrap().push(head);
            match behaviour.clone() {
                Behaviour::Reply(bytes) => {
                    let _ = socket.write_all(&bytes).await;
                    w.fetch_add(bytes.len(), Ordering::SeqCst);
                    let _ = socket.shutdown().await;
                }
                Behaviour::Silent => held.push(socket),
                Behaviour::Reset => {
                    socket.set_zero_linger().unwrap();
                    drop(socket);
                }
                Behaviour::Stall(bytes) => {
                    let _ = socket.write_all(&bytes).await;
                    w.fetch_add(bytes.len(), Ordering::SeqCst);
                    held.push(socket);
                }
                Behaviour::Repeat { unit, total } => {
                    let w = w.clone();
                    tokio::spawn(async move {
                        let mut sent = 0;
                        while sent < total && socket.write_all(&unit).await.is_ok() {
                            sent += unit.len();
                            w.fetch_add(unit.len(), Ordering::SeqCst);
                        }
                    });
                }
                Behaviour::Stream { head, chunk, total, chunked } => {
                    let w = w.clone();
                    tokio::spawn(async move {
                        if socket.write_all(head.as_bytes()).await.is_err() {
                            return;
                        }
                        let data = vec![b'['; chunk];
                        let framed =
                            if chunked { [format!("{chunk:x}\r\n").as_bytes(), &data, b"\r\n"].concat() } else { data };
                        let mut sent = 0;
                        while sent < total {
                            if socket.write_all(&framed).await.is_err() {
                                return;
                            }
                            sent += chunk;
                            w.fetch_add(chunk, Ordering::SeqCst);
                        }
                    });
                }
            }
        }
    });
    Raw { url, heads, written, task }
}

/// Reads up to the end of the request head (the operations here send no body).
async fn read_head(socket: &mut TcpStream) -> String {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 64 * 1024 {
        match tokio::time::timeout(Duration::from_secs(5), socket.read(&mut byte)).await {
            Ok(Ok(n)) if n > 0 => buf.extend_from_slice(&byte[..n]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&buf).into_owned()
}

fn response(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {status}\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    [head.as_bytes(), body].concat()
}

const WEBHOOK: &str = r#"{"id":"hook_1","url":"https://example.com/hook","events":["deployment.created"],"ownerId":"team_1","createdAt":1,"updatedAt":2}"#;

// ================================================================= bodies

#[tokio::test]
async fn truncated_json() {
    let server = MockServer::start().await;
    let body = &WEBHOOK[..40];
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(body, "application/json").insert_header("x-vercel-id", "r1"),
        )
        .mount(&server)
        .await;
    let e = failed(get_webhook(&client(&server.uri()), "hook_1").await);
    let d = decode_error(&e);
    assert_eq!(d.status, StatusCode::OK);
    assert_eq!(d.body, body.as_bytes());
    assert_eq!(d.headers["x-vercel-id"], "r1");
    assert!(d.source.is_eof(), "{:?}", d.source);
}

#[tokio::test]
async fn empty_body_for_a_json_operation() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let e = failed(get_webhook(&client(&server.uri()), "hook_1").await);
    let d = decode_error(&e);
    assert_eq!((d.status, d.body.len()), (StatusCode::OK, 0));
}

/// The server promises more bytes than it sends, then closes.
#[tokio::test]
async fn truncated_body_with_a_wrong_content_length() {
    let body = &WEBHOOK.as_bytes()[..40];
    for status in ["200 OK", "404 Not Found"] {
        let server = raw(Behaviour::Reply(response(
            status,
            &[("Content-Type", "application/json"), ("Content-Length", "1000")],
            body,
        )))
        .await;
        let start = Instant::now();
        let e = failed(get_webhook(&client(&server.url), "hook_1").await);
        assert!(matches!(e, Error::Transport(_)), "{status}: {e:?}");
        assert!(start.elapsed() < TIMEOUT, "{status}: waited for the missing bytes");
    }
}

#[tokio::test]
#[ignore = "BUG: a body cut short (Content-Length larger than what comes, or a body that stalls until the \
            timeout) is Error::Transport / Error::Timeout with no status, headers or partial body, though the \
            status line and headers were received (runtime::read_body maps the body error to Failure::transport)"]
async fn a_body_cut_short_keeps_the_status_and_headers() {
    let head = response(
        "200 OK",
        &[("Content-Type", "application/json"), ("Content-Length", "1000"), ("x-vercel-id", "r1")],
        &WEBHOOK.as_bytes()[..40],
    );
    let truncated = raw(Behaviour::Reply(head.clone())).await;
    let stalled = raw(Behaviour::Stall(head)).await;
    for url in [&truncated.url, &stalled.url] {
        let c = client_with(url, |b| b.timeout(Duration::from_millis(500)));
        let e = failed(get_webhook(&c, "hook_1").await);
        assert_eq!(e.status(), Some(StatusCode::OK), "{e:?}");
        assert!(format!("{e:?}").contains("r1"), "no headers in {e:?}");
    }
}

#[tokio::test]
#[ignore = "BUG: Error::ResponseTooLarge keeps the status but not the headers (no x-vercel-id to quote to \
            support, no rate limit), though they were received before the body was refused"]
async fn a_body_too_large_keeps_the_headers() {
    let head =
        format!("HTTP/1.1 500 Internal Server Error\r\nContent-Length: {HUNDRED_MB}\r\nx-vercel-id: big-1\r\n\r\n");
    let server = raw(Behaviour::Stream { head, chunk: 64 << 10, total: 4 << 20, chunked: false }).await;
    let c = client_with(&server.url, |b| b.max_response_bytes(LIMIT));
    let e = failed(get_webhook(&c, "big").await);
    assert!(matches!(e, Error::ResponseTooLarge { .. }), "{e:?}");
    assert!(format!("{e:?}").contains("big-1"), "no headers in {e:?}");
}

/// More bytes than `Content-Length`: the extra ones are not part of the body.
#[tokio::test]
async fn body_longer_than_its_content_length() {
    let body = format!("{WEBHOOK}garbage after the body");
    let len = WEBHOOK.len().to_string();
    let server = raw(Behaviour::Reply(response(
        "200 OK",
        &[("Content-Type", "application/json"), ("Content-Length", &len)],
        body.as_bytes(),
    )))
    .await;
    let hook = get_webhook(&client(&server.url), "hook_1").await.unwrap();
    assert_eq!(hook.id, "hook_1");
}

#[tokio::test]
async fn a_200_carrying_vercels_error_body_for_a_struct() {
    let server = MockServer::start().await;
    let body = r#"{"error":{"code":"forbidden","message":"Not authorized"}}"#;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;
    let e = failed(get_webhook(&client(&server.uri()), "hook_1").await);
    let d = decode_error(&e);
    assert_eq!((d.status, d.body.as_ref()), (StatusCode::OK, body.as_bytes()));
}

#[tokio::test]
#[ignore = "BUG: a 200 whose body is Vercel's error envelope is a success for an operation whose response \
            type is a union: get_webhooks returns Ok(GetWebhooksResponse::Unknown({\"error\": …}))"]
async fn a_200_carrying_vercels_error_body_for_a_union() {
    let server = MockServer::start().await;
    let body = r#"{"error":{"code":"forbidden","message":"Not authorized"}}"#;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;
    let e = failed(client(&server.uri()).get_webhooks(&GetWebhooksParams::default()).await);
    assert_eq!(e.status(), Some(StatusCode::OK));
}

#[tokio::test]
async fn the_wrong_content_type() {
    let server = MockServer::start().await;
    let html = "<html><body>502 Bad Gateway</body></html>";
    Mock::given(path("/v1/webhooks/html"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(html, "text/html"))
        .mount(&server)
        .await;
    Mock::given(path("/v1/webhooks/text"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(WEBHOOK, "text/plain"))
        .mount(&server)
        .await;
    Mock::given(path("/v1/webhooks/none"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(WEBHOOK))
        .mount(&server)
        .await;
    let c = client(&server.uri());
    let e = failed(get_webhook(&c, "html").await);
    let d = decode_error(&e);
    assert_eq!((d.status, d.body.as_ref()), (StatusCode::OK, html.as_bytes()));
    assert_eq!(d.headers["content-type"], "text/html");
    // JSON is decoded whatever the content type says.
    assert_eq!(get_webhook(&c, "text").await.unwrap().id, "hook_1");
    assert_eq!(get_webhook(&c, "none").await.unwrap().id, "hook_1");
}

#[tokio::test]
async fn invalid_utf8() {
    let mut body = WEBHOOK.replace("hook_1", "hook_\u{1}").into_bytes();
    let at = body.iter().position(|b| *b == 1).unwrap();
    body[at] = 0xff;
    let server = MockServer::start().await;
    Mock::given(path("/v1/webhooks/ok"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body.clone(), "application/json"))
        .mount(&server)
        .await;
    let error_body = b"{\"error\":{\"code\":\"bad\xff\xfe\",\"message\":\"caf\xe9\"}}".to_vec();
    Mock::given(path("/v1/webhooks/err"))
        .respond_with(ResponseTemplate::new(400).set_body_raw(error_body.clone(), "application/json"))
        .mount(&server)
        .await;
    let c = client(&server.uri());
    let e = failed(get_webhook(&c, "ok").await);
    assert_eq!(decode_error(&e).body, body);
    let e = failed(get_webhook(&c, "err").await);
    let a = api_error(&e);
    assert_eq!((a.status, a.body.as_ref()), (StatusCode::BAD_REQUEST, error_body.as_slice()));
    assert_eq!((a.code.as_deref(), a.message.as_deref()), (None, None));
    assert!(a.body_text().contains('\u{fffd}'));
    // Invalid UTF-8 in a header value, on the wire.
    let server =
        raw(Behaviour::Reply(response("404 Not Found", &[("X-Vercel-Id", "r\u{e9}1"), ("Content-Length", "0")], b"")))
            .await;
    let e = failed(get_webhook(&client(&server.url), "x").await);
    let a = api_error(&e);
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert!(a.headers.contains_key("x-vercel-id"));
}

#[tokio::test]
async fn not_http_at_all() {
    for reply in [
        &b"SSH-2.0-OpenSSH_9.6\r\n"[..],
        b"HTTP/1.1 abc Weird\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
        b"",
    ] {
        let server = raw(Behaviour::Reply(reply.to_vec())).await;
        let e = failed(get_webhook(&client(&server.url), "x").await);
        assert!(matches!(e, Error::Transport(_)), "{reply:?}: {e:?}");
    }
}

#[tokio::test]
async fn odd_statuses_keep_status_headers_and_body() {
    for (status, code) in [("999 Whatever", 999), ("299 Odd Success", 299), ("600 Beyond", 600)] {
        let body = b"{\"error\":{\"code\":\"odd\"}}";
        let server =
            raw(Behaviour::Reply(response(status, &[("Content-Length", "24"), ("X-Request-Id", "rq")], body))).await;
        let e = failed(get_webhook(&client(&server.url), "x").await);
        assert_eq!(e.status().map(|s| s.as_u16()), Some(code), "{status}: {e:?}");
        let (headers, kept) = match &e {
            Error::Api(a) => (&a.headers, &a.body),
            Error::Decode(d) => (&d.headers, &d.body),
            other => panic!("{status}: {other:?}"),
        };
        assert_eq!((headers["x-request-id"].to_str().unwrap(), kept.as_ref()), ("rq", &body[..]), "{status}");
    }
}

#[tokio::test]
async fn huge_headers() {
    let big = "x".repeat(1 << 20);
    let server = raw(Behaviour::Reply(response("200 OK", &[("X-Big", &big), ("Content-Length", "2")], b"{}"))).await;
    let e = failed(get_webhook(&client(&server.url), "x").await);
    assert!(matches!(e, Error::Transport(_)), "{e:?}");
}

// ============================================================= big bodies

const LIMIT: usize = 1 << 20;
const HUNDRED_MB: usize = 100 << 20;

/// Runs a call against a server that streams 100 MB and checks it fails
/// with `ResponseTooLarge` without the whole body being sent.
async fn assert_too_large(status: &str, chunked: bool, declared: bool) {
    let mut head = format!("HTTP/1.1 {status}\r\nContent-Type: application/json\r\n");
    if chunked {
        head.push_str("Transfer-Encoding: chunked\r\n");
    } else if declared {
        head.push_str(&format!("Content-Length: {HUNDRED_MB}\r\n"));
    }
    head.push_str("\r\n");
    let server = raw(Behaviour::Stream { head, chunk: 64 << 10, total: HUNDRED_MB, chunked }).await;
    let c = client_with(&server.url, |b| b.max_response_bytes(LIMIT));
    let start = Instant::now();
    let e = failed(get_webhook(&c, "big").await);
    let took = start.elapsed();
    let expected = StatusCode::from_u16(status[..3].parse().unwrap()).unwrap();
    match e {
        Error::ResponseTooLarge { status, limit } => assert_eq!((status, limit), (expected, LIMIT)),
        other => panic!("{status} (chunked {chunked}, declared {declared}): expected ResponseTooLarge, got {other:?}"),
    }
    // Give the server a moment to notice the closed connection.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let sent = server.written.load(Ordering::SeqCst);
    eprintln!(
        "{status} chunked={chunked} declared={declared}: refused after {took:.1?}; the server wrote {} KiB",
        sent >> 10
    );
    assert!(sent < 32 << 20, "the server wrote {sent} bytes: the client kept reading");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_megabyte_body() {
    assert_too_large("200 OK", true, false).await;
    assert_too_large("200 OK", false, true).await;
    assert_too_large("500 Internal Server Error", true, false).await;
    assert_too_large("404 Not Found", false, true).await;
    // Read to the end of a connection that is closed after 100 MB, no length given.
    assert_too_large("200 OK", false, false).await;
}

#[tokio::test]
async fn a_body_just_under_and_at_the_limit() {
    let server = MockServer::start().await;
    let padding = " ".repeat(LIMIT - WEBHOOK.len());
    Mock::given(path("/v1/webhooks/at"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(format!("{WEBHOOK}{padding}"), "application/json"))
        .mount(&server)
        .await;
    Mock::given(path("/v1/webhooks/over"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(format!("{WEBHOOK}{padding} "), "application/json"))
        .mount(&server)
        .await;
    let c = client_with(&server.uri(), |b| b.max_response_bytes(LIMIT));
    assert_eq!(get_webhook(&c, "at").await.unwrap().id, "hook_1");
    assert!(matches!(failed(get_webhook(&c, "over").await), Error::ResponseTooLarge { .. }));
}

// ============================================================ no answers

#[tokio::test]
async fn accepted_and_never_answered() {
    let server = raw(Behaviour::Silent).await;
    let c = client_with(&server.url, |b| b.timeout(Duration::from_millis(500)));
    let start = Instant::now();
    let e = failed(get_webhook(&c, "x").await);
    let took = start.elapsed();
    assert!(matches!(e, Error::Timeout(_)) && e.is_timeout(), "{e:?}");
    assert!(took >= Duration::from_millis(450) && took < Duration::from_secs(3), "{took:?}");
    assert_eq!(server.heads.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn headers_then_a_body_that_never_ends() {
    let head = response(
        "200 OK",
        &[("Content-Type", "application/json"), ("Content-Length", "1000")],
        &WEBHOOK.as_bytes()[..20],
    );
    let server = raw(Behaviour::Stall(head)).await;
    let c = client_with(&server.url, |b| b.timeout(Duration::from_millis(500)));
    let start = Instant::now();
    let e = failed(get_webhook(&c, "x").await);
    assert!(matches!(e, Error::Timeout(_)), "{e:?}");
    assert!(start.elapsed() < Duration::from_secs(3));
}

/// Informational responses (`100 Continue`) and then nothing else, endlessly.
#[tokio::test]
async fn endless_informational_responses() {
    let server = raw(Behaviour::Repeat { unit: b"HTTP/1.1 100 Continue\r\n\r\n".to_vec(), total: 64 << 20 }).await;
    let c = client_with(&server.url, |b| b.timeout(Duration::from_millis(500)));
    let start = Instant::now();
    let e = failed(get_webhook(&c, "x").await);
    assert!(matches!(e, Error::Timeout(_) | Error::Transport(_)), "{e:?}");
    assert!(start.elapsed() < Duration::from_secs(3), "{:?}", start.elapsed());
}

#[tokio::test]
async fn connection_reset() {
    let server = raw(Behaviour::Reset).await;
    let e = failed(get_webhook(&client(&server.url), "x").await);
    assert!(matches!(e, Error::Transport(_)), "{e:?}");
    // Closed after a partial status line.
    let server = raw(Behaviour::Reply(b"HTTP/1.1 20".to_vec())).await;
    let e = failed(get_webhook(&client(&server.url), "x").await);
    assert!(matches!(e, Error::Transport(_)), "{e:?}");
}

#[tokio::test]
async fn nobody_listening() {
    let port = TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap().port();
    let e = failed(get_webhook(&client(&format!("http://127.0.0.1:{port}")), "x").await);
    assert!(matches!(e, Error::Transport(_)), "{e:?}");
}

// ============================================================== retries

/// Hostile `Retry-After` and rate-limit values, with retries on: no panic, no
/// endless waiting, and the last answer comes back whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_retry_after_and_rate_limit_values() {
    /// Status, headers, body.
    type Case = (u16, &'static [(&'static str, &'static str)], &'static str);
    let cases: [Case; 9] = [
        (429, &[("retry-after", "18446744073709551615")], ""),
        (429, &[("retry-after", "-5")], ""),
        (429, &[("retry-after", "Fri, 31 Dec 9999 23:59:59 GMT")], ""),
        (429, &[("retry-after", "Thu, 01 Jan 1970 00:00:00 GMT")], ""),
        (429, &[("x-ratelimit-reset", "18446744073709551615"), ("x-ratelimit-remaining", "0")], ""),
        (429, &[("x-ratelimit-reset", "-9223372036854775808")], ""),
        (
            429,
            &[],
            r#"{"error":{"code":"rate_limited","limit":{"total":1e308,"remaining":-1,"reset":18446744073709551615,"resetMs":1e400}}}"#,
        ),
        (503, &[("retry-after", "0")], "<html>busy</html>"),
        (503, &[("retry-after", "0.5"), ("retry-after", "1")], ""),
    ];
    for (status, headers, body) in cases {
        let server = MockServer::start().await;
        let mut template = ResponseTemplate::new(status).set_body_string(body);
        for (k, v) in headers {
            template = template.append_header(*k, *v);
        }
        Mock::given(any()).respond_with(template).mount(&server).await;
        let retry = RetryConfig::default()
            .max_attempts(3)
            .initial_backoff(Duration::from_millis(10))
            .max_backoff(Duration::from_millis(200));
        let c = client_with(&server.uri(), |b| b.retry(retry));
        let start = Instant::now();
        let e = failed(get_webhook(&c, "x").await);
        let a = api_error(&e);
        assert_eq!((a.status.as_u16(), a.body.as_ref()), (status, body.as_bytes()), "{headers:?}");
        assert!(start.elapsed() < Duration::from_secs(3), "{headers:?}: {:?}", start.elapsed());
        let attempts = requests(&server).await.len();
        assert!((1..=3).contains(&attempts), "{headers:?}: {attempts} attempts");
        let _ = e.rate_limit().and_then(|r| r.reset_at());
    }
}

// ============================================================= redirects

/// A server that answers everything with `status` and `Location: location`.
async fn redirecting(status: u16, location: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(status).insert_header("location", location).set_body_string("moved"))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_redirect_to_another_host_is_not_followed() {
    let other = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(WEBHOOK, "application/json"))
        .mount(&other)
        .await;
    let other_port = other.address().port();
    for status in [301, 302, 303, 307, 308] {
        for target in [
            format!("http://127.0.0.1:{other_port}/v1/webhooks/x"),
            format!("//127.0.0.1:{other_port}/v1/webhooks/x"),
            format!("http://localhost:{other_port}/v1/webhooks/x"),
        ] {
            let server = redirecting(status, &target).await;
            let e = failed(get_webhook(&client(&server.uri()), "x").await);
            let a = api_error(&e);
            assert_eq!(a.status.as_u16(), status, "{target}");
            assert_eq!(a.headers["location"], target.as_str());
            assert_eq!(a.body.as_ref(), b"moved");
            assert!(e.to_string().contains("redirect not followed"), "{e}");
        }
    }
    let received = requests(&other).await;
    assert!(received.iter().all(|r| !r.headers.contains_key("authorization")), "the token followed a redirect");
    assert!(received.is_empty(), "{} requests reached the other host", received.len());
}

#[tokio::test]
async fn a_redirect_to_the_same_host_on_another_port_or_scheme() {
    let server = MockServer::start().await;
    let port = server.address().port();
    // Same host, other port; the other scheme on the same port.
    for target in
        [format!("http://127.0.0.1:{}/v1/webhooks/x", port + 1), format!("https://127.0.0.1:{port}/v1/webhooks/x")]
    {
        let redirect = redirecting(302, &target).await;
        let e = failed(get_webhook(&client(&redirect.uri()), "x").await);
        assert_eq!(api_error(&e).status, StatusCode::FOUND, "{target}");
    }
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn a_same_origin_redirect_then_a_cross_origin_one() {
    let other = MockServer::start().await;
    let server = MockServer::start().await;
    Mock::given(path("/v1/webhooks/first"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/v1/webhooks/second"))
        .mount(&server)
        .await;
    let away = format!("{}/steal", other.uri());
    Mock::given(path("/v1/webhooks/second"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", away.as_str()))
        .mount(&server)
        .await;
    let e = failed(get_webhook(&client(&server.uri()), "first").await);
    let a = api_error(&e);
    assert_eq!((a.status, a.headers["location"].to_str().unwrap()), (StatusCode::FOUND, away.as_str()));
    // The same-origin hop kept the token; nothing reached the other host.
    let seen = requests(&server).await;
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|r| r.headers.get("authorization").is_some()));
    assert!(requests(&other).await.is_empty());
}

#[tokio::test]
async fn a_redirect_loop() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/webhooks/a"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/v1/webhooks/b"))
        .mount(&server)
        .await;
    Mock::given(path("/v1/webhooks/b"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/v1/webhooks/a"))
        .mount(&server)
        .await;
    let start = Instant::now();
    let e = failed(get_webhook(&client(&server.uri()), "a").await);
    assert!(matches!(&e, Error::Transport(t) if t.is_redirect()), "{e:?}");
    assert!(start.elapsed() < Duration::from_secs(2));
    let hops = requests(&server).await.len();
    assert!((2..=12).contains(&hops), "{hops} requests");
    // Onto itself.
    let server = redirecting(308, "/v1/webhooks/self").await;
    let e = failed(get_webhook(&client(&server.uri()), "self").await);
    assert!(matches!(&e, Error::Transport(t) if t.is_redirect()), "{e:?}");
}

#[tokio::test]
async fn a_redirect_with_a_broken_location() {
    for location in ["http://[::1", "http://exa mple.com/", "", "ftp://127.0.0.1/x", "javascript:alert(1)"] {
        let server = redirecting(302, location).await;
        let e = failed(get_webhook(&client(&server.uri()), "x").await);
        // Either not followed (an API error that keeps the 302) or refused by the HTTP client.
        match &e {
            Error::Api(a) => assert_eq!(a.status, StatusCode::FOUND, "{location:?}"),
            Error::Transport(_) => {}
            other => panic!("{location:?}: {other:?}"),
        }
    }
}

// ======================================================== hostile values

#[tokio::test]
async fn path_parameters_with_separators() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(WEBHOOK, "application/json"))
        .mount(&server)
        .await;
    let c = client(&server.uri());
    let cases = [
        ("../", "/v1/webhooks/..%2F"),
        ("../../v2/admin", "/v1/webhooks/..%2F..%2Fv2%2Fadmin"),
        ("%2F", "/v1/webhooks/%252F"),
        ("%2e%2e", "/v1/webhooks/%252e%252e"),
        ("?admin=1", "/v1/webhooks/%3Fadmin%3D1"),
        ("#frag", "/v1/webhooks/%23frag"),
        ("a\nb", "/v1/webhooks/a%0Ab"),
        ("a\r\nHost: evil", "/v1/webhooks/a%0D%0AHost%3A%20evil"),
        ("...", "/v1/webhooks/..."),
        ("\u{0}", "/v1/webhooks/%00"),
    ];
    for (value, expected) in cases {
        get_webhook(&c, value).await.unwrap_or_else(|e| panic!("{value:?}: {e}"));
        let last = requests(&server).await.pop().unwrap();
        assert_eq!(last.url.path(), expected, "{value:?}");
        assert_eq!(last.url.query(), None, "{value:?}");
    }
    // Values that cannot be one segment: refused, nothing sent.
    let before = requests(&server).await.len();
    for value in ["", ".", ".."] {
        let e = failed(get_webhook(&c, value).await);
        assert!(matches!(e, Error::InvalidRequest(_)), "{value:?}: {e:?}");
    }
    assert_eq!(requests(&server).await.len(), before);
}

/// `spec/vercel.yaml` has no header parameter, so line breaks go through a
/// query value and the team scope (both percent-encoded), and through the
/// client's own header settings (refused at build time).
#[tokio::test]
async fn line_breaks_in_values() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("[]", "application/json"))
        .mount(&server)
        .await;
    let c = client(&server.uri()).with_team_id("team\r\nX-Injected: 1");
    let params = GetWebhooksParams { project_id: Some("prj\nX-Injected: 2".into()), ..Default::default() };
    c.get_webhooks(&params).await.unwrap();
    let r = requests(&server).await.pop().unwrap();
    assert!(!r.headers.contains_key("x-injected"));
    let pairs: Vec<(String, String)> = r.url.query_pairs().map(|(k, v)| (k.into(), v.into())).collect();
    assert!(pairs.contains(&("projectId".into(), "prj\nX-Injected: 2".into())), "{pairs:?}");
    assert!(pairs.contains(&("teamId".into(), "team\r\nX-Injected: 1".into())), "{pairs:?}");
    assert!(!r.url.as_str().contains('\n') && !r.url.as_str().contains('\r'));
    for e in [
        Client::builder().token("tok\nX-Injected: 1").build().unwrap_err(),
        Client::builder().token(TOKEN).user_agent("ua\r\nX-Injected: 1").build().unwrap_err(),
    ] {
        assert_no_token(&e);
        assert!(matches!(e, Error::Config(_)), "{e:?}");
    }
}

// ================================================================ secrets

#[tokio::test]
async fn the_token_is_in_no_error() {
    // Every case above checks its error; here, errors whose text quotes the request.
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_raw(r#"{"error":{"code":"forbidden","message":"bad token"}}"#, "application/json"),
        )
        .mount(&server)
        .await;
    let e = failed(get_webhook(&client(&server.uri()), "x").await);
    assert_eq!(api_error(&e).status, StatusCode::UNAUTHORIZED);
    let r = requests(&server).await.pop().unwrap();
    assert_eq!(r.headers["authorization"], format!("Bearer {TOKEN}").as_str());
    // A token in the base URL is refused without repeating it.
    let e = Client::builder().token(TOKEN).base_url(&format!("http://user:{TOKEN}@127.0.0.1/")).build().unwrap_err();
    assert_no_token(&e);
}

#[tokio::test]
#[ignore = "BUG (needs a decision): a server that echoes the request's Authorization header back (in a header \
            or the body, as debugging proxies and echo endpoints do) puts the token into Error::Api's \
            `headers`/`body`, which `{e:?}` prints"]
async fn a_server_that_echoes_the_token() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(|r: &Request| {
            let auth = r.headers["authorization"].to_str().unwrap().to_string();
            ResponseTemplate::new(400)
                .insert_header("x-echo-authorization", auth.as_str())
                .set_body_string(format!("you sent {auth}"))
        })
        .mount(&server)
        .await;
    failed(get_webhook(&client(&server.uri()), "x").await);
}
