//! Wire-level tests of the request pipeline, against a wiremock server.

use std::fmt;
use std::time::{Duration, Instant};

use futures::StreamExt;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use wiremock::matchers::{any, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;
use crate::{RateLimit, RateLimitExt, RetryConfig};

const TOKEN: &str = "tok-5ecret-do-not-leak";

/// Retries that wait a few milliseconds at most.
fn fast_retry() -> RetryConfig {
    RetryConfig::default().initial_backoff(Duration::from_millis(1)).max_backoff(Duration::from_millis(50))
}

fn client(server: &MockServer) -> Client {
    Client::builder().token(TOKEN).base_url(&server.uri()).retry(fast_retry()).build().unwrap()
}

async fn requests(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.unwrap()
}

async fn get_json(client: &Client, template: &'static str) -> Result<Response<Value>> {
    client.call(Method::GET, "testOp", template, &[]).send_json().await
}

async fn mount(server: &MockServer, response: ResponseTemplate) {
    Mock::given(any()).respond_with(response).mount(server).await;
}

/// Responds with `first` `times` times, then with `then`.
async fn mount_sequence(server: &MockServer, first: ResponseTemplate, times: u64, then: ResponseTemplate) {
    Mock::given(any()).respond_with(first).up_to_n_times(times).with_priority(1).mount(server).await;
    Mock::given(any()).respond_with(then).with_priority(2).mount(server).await;
}

fn api_error(err: &Error) -> &ApiError {
    match err {
        Error::Api(e) => e,
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn assert_no_token(text: &str) {
    assert!(!text.contains(TOKEN) && !text.contains("5ecret"), "token leaked: {text}");
}

#[tokio::test]
async fn sends_auth_user_agent_and_accept() {
    let server = MockServer::start().await;
    mount(&server, ResponseTemplate::new(200).set_body_json(json!({"ok": true}))).await;

    let response = get_json(&client(&server), "/v1/ping").await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(*response, json!({"ok": true}));

    let custom = Client::builder().token(TOKEN).base_url(&server.uri()).user_agent("my-app/1.0").build().unwrap();
    get_json(&custom, "/v1/ping").await.unwrap();

    let seen = requests(&server).await;
    let header = |i: usize, name: &str| seen[i].headers.get(name).unwrap().to_str().unwrap().to_owned();
    assert_eq!(header(0, "authorization"), format!("Bearer {TOKEN}"));
    assert_eq!(header(0, "user-agent"), concat!("vercel-api-rs/", env!("CARGO_PKG_VERSION")));
    assert_eq!(header(0, "accept"), "application/json");
    assert_eq!(seen[0].url.path(), "/v1/ping");
    assert_eq!(seen[0].url.query(), None);
    assert_eq!(header(1, "user-agent"), "my-app/1.0");
}

#[tokio::test]
async fn base_url_path_prefix_is_kept() {
    let server = MockServer::start().await;
    mount(&server, ResponseTemplate::new(200).set_body_json(json!({}))).await;
    let client = Client::builder().token(TOKEN).base_url(&format!("{}/proxy/vercel/", server.uri())).build().unwrap();
    get_json(&client, "/v2/user").await.unwrap();
    assert_eq!(requests(&server).await[0].url.path(), "/proxy/vercel/v2/user");
}

#[tokio::test]
async fn hostile_path_values_stay_one_segment() {
    let server = MockServer::start().await;
    mount(&server, ResponseTemplate::new(204)).await;
    let client = client(&server);
    let cases = [
        ("a/../b", "a%2F..%2Fb"),
        ("..%2F", "..%252F"),
        ("?x", "%3Fx"),
        ("#y", "%23y"),
        ("a b", "a%20b"),
        ("héllo/wörld", "h%C3%A9llo%2Fw%C3%B6rld"),
        ("...", "..."),
        ("a+b&c=d;e:f@g", "a%2Bb%26c%3Dd%3Be%3Af%40g"),
        ("%2E%2E", "%252E%252E"),
        ("prj_AbC-1.2_~", "prj_AbC-1.2_~"),
    ];
    for (value, _) in cases {
        client.call(Method::DELETE, "testOp", "/v1/items/{id}/meta", &[value]).send_empty().await.unwrap();
    }
    let seen = requests(&server).await;
    assert_eq!(seen.len(), cases.len());
    for ((value, encoded), request) in cases.iter().zip(&seen) {
        assert_eq!(request.url.path(), format!("/v1/items/{encoded}/meta"), "{value}");
        let segments: Vec<_> = request.url.path_segments().unwrap().collect();
        assert_eq!(segments.len(), 4, "{value}");
        let decoded = percent_encoding::percent_decode_str(segments[2]).decode_utf8().unwrap();
        assert_eq!(decoded, *value);
        assert_eq!(request.url.query(), None, "{value}");
    }
}

#[tokio::test]
async fn dot_segments_and_wrong_arity_are_rejected_before_sending() {
    let server = MockServer::start().await;
    mount(&server, ResponseTemplate::new(204)).await;
    let client = client(&server);
    for value in ["", ".", ".."] {
        let err = client.call(Method::GET, "getItem", "/v1/items/{id}", &[value]).send_empty().await.unwrap_err();
        let Error::InvalidRequest(message) = &err else { panic!("{err:?}") };
        assert!(message.contains("getItem") && message.contains("`id`"), "{message}");
        assert!(message.contains("path segment"), "{message}");
    }
    for params in [&[][..], &["a", "b"][..]] {
        let err = client.call(Method::GET, "getItem", "/v1/items/{id}", params).send_empty().await.unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    }
    assert!(requests(&server).await.is_empty());
}

#[derive(Serialize)]
enum State {
    #[serde(rename = "READY")]
    Ready,
    #[serde(rename = "BUILDING")]
    Building,
}

#[tokio::test]
async fn query_parameters() {
    let server = MockServer::start().await;
    mount(&server, ResponseTemplate::new(200).set_body_json(json!([]))).await;
    client(&server)
        .call(Method::GET, "testOp", "/v6/deployments", &[])
        .query("skipped", &None::<String>)
        .query("tags", &vec!["a", "b c"])
        .query("state", &State::Ready)
        .query("states", &Some(vec![State::Ready, State::Building]))
        .query("limit", &Some(20))
        .query("flag", &true)
        .query("q", "x&y=z")
        .send_json::<Value>()
        .await
        .unwrap();
    let seen = requests(&server).await;
    assert_eq!(
        seen[0].url.query(),
        Some("tags=a&tags=b+c&state=READY&states=READY&states=BUILDING&limit=20&flag=true&q=x%26y%3Dz")
    );
}

#[tokio::test]
async fn team_scope() {
    let server = MockServer::start().await;
    mount(&server, ResponseTemplate::new(204)).await;
    let client = Client::builder().token(TOKEN).base_url(&server.uri()).team_id("team_default").build().unwrap();
    let send = |client: Client, team_id: Option<&'static str>, slug: Option<&'static str>, scoped: bool| async move {
        let call = client.call(Method::GET, "testOp", "/v1/x", &[]);
        let call = if scoped { call.team_scope(team_id, slug) } else { call };
        call.send_empty().await.unwrap();
    };
    send(client.clone(), None, None, true).await;
    send(client.clone(), Some("team_call"), None, true).await;
    send(client.clone(), None, Some("slug-call"), true).await;
    send(client.clone(), None, None, false).await;
    send(client.with_team_slug("acme"), None, None, true).await;
    send(client.without_team(), None, None, true).await;

    let queries: Vec<_> = requests(&server).await.iter().map(|r| r.url.query().map(str::to_owned)).collect();
    assert_eq!(
        queries,
        [
            Some("teamId=team_default".to_owned()),
            Some("teamId=team_call".to_owned()),
            Some("slug=slug-call".to_owned()),
            None,
            Some("slug=acme".to_owned()),
            None,
        ]
    );
}

#[tokio::test]
async fn header_parameters() {
    let server = MockServer::start().await;
    mount(&server, ResponseTemplate::new(204)).await;
    let client = client(&server);
    client
        .call(Method::GET, "testOp", "/v1/x", &[])
        .header("x-number", &Some(42))
        .header("x-none", &None::<String>)
        .header("x-list", &["a", "b"])
        .header("x-enum", &State::Building)
        .header("X-Mixed-Case", "text value")
        .send_empty()
        .await
        .unwrap();
    let seen = requests(&server).await;
    let header = |name: &str| seen[0].headers.get(name).map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(header("x-number").as_deref(), Some("42"));
    assert_eq!(header("x-none"), None);
    assert_eq!(header("x-list").as_deref(), Some("a,b"));
    assert_eq!(header("x-enum").as_deref(), Some("BUILDING"));
    assert_eq!(header("x-mixed-case").as_deref(), Some("text value"));

    for bad in ["line\nbreak", "carriage\rreturn"] {
        let err = client.call(Method::GET, "testOp", "/v1/x", &[]).header("x-bad", bad).send_empty().await.unwrap_err();
        let Error::InvalidRequest(message) = &err else { panic!("{err:?}") };
        assert!(message.contains("x-bad"), "{message}");
    }
    let err = client
        .call(Method::GET, "testOp", "/v1/x", &[])
        .header("x-object", &json!({"a": 1}))
        .send_empty()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn json_and_raw_bodies() {
    let server = MockServer::start().await;
    mount(&server, ResponseTemplate::new(201).set_body_json(json!({"id": "x"}))).await;
    let client = client(&server);
    client
        .call(Method::POST, "testOp", "/v1/things", &[])
        .json(&json!({"name": "thing", "n": [1, 2]}))
        .send_json::<Value>()
        .await
        .unwrap();
    client
        .call(Method::PUT, "testOp", "/v2/files", &[])
        .body("application/octet-stream", reqwest::Body::from(vec![0u8, 1, 2, 255]))
        .send_empty()
        .await
        .unwrap();
    let seen = requests(&server).await;
    assert_eq!(seen[0].method, Method::POST);
    assert_eq!(seen[0].headers["content-type"], "application/json");
    assert_eq!(seen[0].body_json::<Value>().unwrap(), json!({"name": "thing", "n": [1, 2]}));
    assert_eq!(seen[1].headers["content-type"], "application/octet-stream");
    assert_eq!(seen[1].body, [0, 1, 2, 255]);
}

#[derive(Debug, Deserialize, PartialEq)]
struct Resources {
    resources: Vec<Resource>,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Resource {
    status: String,
}

#[tokio::test]
async fn decodes_success_bodies() {
    let server = MockServer::start().await;
    mount(
        &server,
        ResponseTemplate::new(200)
            .insert_header("x-custom", "yes")
            .set_body_json(json!({"resources": [{"status": "ready", "extra": 1}]})),
    )
    .await;
    let response =
        client(&server).call(Method::GET, "testOp", "/v1/resources", &[]).send_json::<Resources>().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["x-custom"], "yes");
    assert_eq!(response.resources[0].status, "ready");
    assert_eq!(response.into_inner(), Resources { resources: vec![Resource { status: "ready".into() }] });
}

#[tokio::test]
async fn decode_failure_has_path_and_raw_body() {
    let server = MockServer::start().await;
    let body = r#"{"resources":[{"status":"ok"},{"status":5}]}"#;
    mount(&server, ResponseTemplate::new(200).set_body_raw(body, "application/json")).await;
    let err =
        client(&server).call(Method::GET, "testOp", "/v1/resources", &[]).send_json::<Resources>().await.unwrap_err();
    let Error::Decode(decode) = &err else { panic!("{err:?}") };
    assert_eq!(decode.path, "resources[1].status");
    assert_eq!(decode.body, body.as_bytes());
    assert_eq!(decode.status, 200);
    assert_eq!(err.status(), Some(StatusCode::OK));
    let shown = err.to_string();
    assert!(shown.contains("resources[1].status") && shown.contains("200 OK"), "{shown}");
    assert_no_token(&format!("{err} {err:?}"));
}

#[tokio::test]
async fn trailing_garbage_is_a_decode_error() {
    let server = MockServer::start().await;
    mount(&server, ResponseTemplate::new(200).set_body_string(r#"{"a":1} x"#)).await;
    let err = get_json(&client(&server), "/v1/x").await.unwrap_err();
    let Error::Decode(decode) = &err else { panic!("{err:?}") };
    assert_eq!(decode.path, ".");
}

#[tokio::test]
async fn vercel_error_body() {
    let server = MockServer::start().await;
    mount(
        &server,
        ResponseTemplate::new(404)
            .insert_header("x-vercel-id", "fra1::iad1::abc-123")
            .set_body_json(json!({"error": {"code": "not_found", "message": "Project not found"}})),
    )
    .await;
    let err = get_json(&client(&server), "/v9/projects/x").await.unwrap_err();
    let api = api_error(&err);
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert_eq!(api.code.as_deref(), Some("not_found"));
    assert_eq!(api.message.as_deref(), Some("Project not found"));
    assert_eq!(api.request_id.as_deref(), Some("fra1::iad1::abc-123"));
    assert_eq!(api.body_json::<Value>().unwrap()["error"]["code"], "not_found");
    let shown = err.to_string();
    for part in ["404", "not_found", "Project not found", "fra1::iad1::abc-123"] {
        assert!(shown.contains(part), "{shown}");
    }
    assert_eq!(err.status(), Some(StatusCode::NOT_FOUND));
    assert_eq!(requests(&server).await.len(), 1, "a 404 is not retried");
}

#[tokio::test]
async fn empty_and_html_error_bodies() {
    let server = MockServer::start().await;
    mount_sequence(
        &server,
        ResponseTemplate::new(500),
        1,
        ResponseTemplate::new(403).set_body_raw("<html><body>Forbidden</body></html>", "text/html"),
    )
    .await;
    let client = client(&server);

    let err = get_json(&client, "/v1/x").await.unwrap_err();
    let api = api_error(&err);
    assert_eq!(api.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(api.body.is_empty());
    assert_eq!((api.code.as_deref(), api.message.as_deref()), (None, None));

    let err = get_json(&client, "/v1/x").await.unwrap_err();
    let api = api_error(&err);
    assert_eq!(api.status, StatusCode::FORBIDDEN);
    assert_eq!(api.body_text(), "<html><body>Forbidden</body></html>");
    assert_eq!(api.code, None);
    assert_eq!(err.to_string(), "the Vercel API answered 403 Forbidden");
    assert_eq!(requests(&server).await.len(), 2, "500 and 403 are not retried");
}

#[tokio::test]
async fn retries_429_after_retry_after() {
    let server = MockServer::start().await;
    mount_sequence(
        &server,
        ResponseTemplate::new(429).insert_header("retry-after", "0"),
        1,
        ResponseTemplate::new(200).set_body_json(json!({"ok": 1})),
    )
    .await;
    let response = get_json(&client(&server), "/v1/x").await.unwrap();
    assert_eq!(*response, json!({"ok": 1}));
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn retries_503_twice_then_succeeds() {
    let server = MockServer::start().await;
    mount_sequence(&server, ResponseTemplate::new(503), 2, ResponseTemplate::new(200).set_body_json(json!(true))).await;
    let response = get_json(&client(&server), "/v1/x").await.unwrap();
    assert_eq!(*response, json!(true));
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn post_and_patch_are_not_retried_on_5xx() {
    for status in [500, 502, 503, 504] {
        for verb in [Method::POST, Method::PATCH] {
            let server = MockServer::start().await;
            mount(&server, ResponseTemplate::new(status)).await;
            let err = client(&server)
                .call(verb.clone(), "testOp", "/v1/x", &[])
                .json(&json!({}))
                .send_empty()
                .await
                .unwrap_err();
            assert_eq!(err.status(), Some(StatusCode::from_u16(status).unwrap()));
            assert_eq!(requests(&server).await.len(), 1, "{verb} {status}");
        }
    }
}

#[tokio::test]
async fn post_is_retried_on_429() {
    let server = MockServer::start().await;
    mount_sequence(
        &server,
        ResponseTemplate::new(429).insert_header("retry-after", "0"),
        1,
        ResponseTemplate::new(201).set_body_json(json!({"id": 1})),
    )
    .await;
    let response = client(&server)
        .call(Method::POST, "testOp", "/v1/x", &[])
        .json(&json!({"a": 1}))
        .send_json::<Value>()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let seen = requests(&server).await;
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].body_json::<Value>().unwrap(), json!({"a": 1}), "body replayed");
}

#[tokio::test]
async fn gives_up_after_max_attempts_with_the_last_error() {
    let server = MockServer::start().await;
    mount_sequence(
        &server,
        ResponseTemplate::new(503).set_body_string("first"),
        2,
        ResponseTemplate::new(503).set_body_string("last"),
    )
    .await;
    let err = get_json(&client(&server), "/v1/x").await.unwrap_err();
    assert_eq!(api_error(&err).body_text(), "last");
    assert_eq!(requests(&server).await.len(), 3);

    let server = MockServer::start().await;
    mount(&server, ResponseTemplate::new(503)).await;
    let once = client(&server).with_retry(RetryConfig::disabled());
    get_json(&once, "/v1/x").await.unwrap_err();
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn a_wait_longer_than_max_backoff_is_not_retried() {
    let server = MockServer::start().await;
    mount(
        &server,
        ResponseTemplate::new(429).insert_header("retry-after", "120").insert_header("x-ratelimit-reset", "4102444800"),
    )
    .await;
    let start = Instant::now();
    let err = get_json(&client(&server), "/v1/x").await.unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(err.status(), Some(StatusCode::TOO_MANY_REQUESTS));
    assert_eq!(err.rate_limit().unwrap().reset, Some(4_102_444_800));
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn a_streaming_body_is_sent_once() {
    let server = MockServer::start().await;
    mount(&server, ResponseTemplate::new(503)).await;
    let chunks: Vec<std::io::Result<Bytes>> = vec![Ok(Bytes::from_static(b"abc"))];
    let err = client(&server)
        .call(Method::PUT, "testOp", "/v1/upload", &[])
        .body("application/octet-stream", reqwest::Body::wrap_stream(futures::stream::iter(chunks)))
        .send_empty()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    let seen = requests(&server).await;
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].body, b"abc");
}

#[tokio::test]
async fn timeouts() {
    let server = MockServer::start().await;
    mount(&server, ResponseTemplate::new(200).set_delay(Duration::from_secs(2))).await;
    let client = Client::builder()
        .token(TOKEN)
        .base_url(&server.uri())
        .timeout(Duration::from_millis(200))
        .retry(fast_retry().max_attempts(2))
        .build()
        .unwrap();

    let start = Instant::now();
    let err = get_json(&client, "/v1/slow").await.unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert!(err.is_timeout());
    assert!(std::error::Error::source(&err).is_some(), "the source is kept");
    assert_no_token(&format!("{err} {err:?}"));
    assert_eq!(requests(&server).await.len(), 2, "an idempotent request is retried");

    let err = client.call(Method::POST, "testOp", "/v1/slow", &[]).send_empty().await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(requests(&server).await.len(), 3, "a POST that timed out is not retried");
    assert!(start.elapsed() < Duration::from_millis(1900));
}

#[tokio::test]
async fn connection_failures_are_retried_for_every_method() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let client = Client::builder()
        .token(TOKEN)
        .base_url(&url)
        .retry(RetryConfig::default().jitter(false).initial_backoff(Duration::from_millis(60)))
        .build()
        .unwrap();
    let start = Instant::now();
    let err = client
        .call(Method::POST, "testOp", "/v1/x", &[])
        .query("teamId", "team_query_value")
        .json(&json!({}))
        .send_empty()
        .await
        .unwrap_err();
    // Three attempts: waits of 60 ms and 120 ms in between.
    assert!(start.elapsed() >= Duration::from_millis(180), "{:?}", start.elapsed());
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    let shown = format!("{err} {err:?}");
    assert_no_token(&shown);
    assert!(!shown.contains("team_query_value"), "{shown}");
}

#[tokio::test]
async fn rate_limit_headers_on_success_and_error() {
    let server = MockServer::start().await;
    let limited = |status| {
        ResponseTemplate::new(status)
            .insert_header("x-ratelimit-limit", "100")
            .insert_header("x-ratelimit-remaining", "99")
            .insert_header("x-ratelimit-reset", "1700000000")
            .set_body_json(json!({}))
    };
    mount_sequence(&server, limited(200), 1, limited(403)).await;
    let client = client(&server);
    let expected = RateLimit { limit: Some(100), remaining: Some(99), reset: Some(1_700_000_000) };
    let response = get_json(&client, "/v1/x").await.unwrap();
    assert_eq!(response.rate_limit(), Some(expected));
    let err = get_json(&client, "/v1/x").await.unwrap_err();
    assert_eq!(err.rate_limit(), Some(expected));
}

#[tokio::test]
async fn rate_limited_body_fallback() {
    let server = MockServer::start().await;
    mount(
        &server,
        ResponseTemplate::new(429).set_body_json(json!({"error": {
            "code": "rate_limited",
            "message": "Rate limit exceeded",
            "limit": {"remaining": 0, "reset": 1571432075, "resetMs": 1571432075563u64, "total": 60}
        }})),
    )
    .await;
    let client = client(&server).with_retry(RetryConfig::disabled());
    let err = get_json(&client, "/v1/x").await.unwrap_err();
    assert_eq!(err.rate_limit(), Some(RateLimit { limit: Some(60), remaining: Some(0), reset: Some(1_571_432_075) }));
    assert_eq!(api_error(&err).code.as_deref(), Some("rate_limited"));
}

#[tokio::test]
async fn no_error_shows_the_token() {
    let server = MockServer::start().await;
    mount(
        &server,
        ResponseTemplate::new(401).set_body_json(json!({"error": {"code": "forbidden", "message": "Not authorized"}})),
    )
    .await;
    let client = client(&server);
    assert_no_token(&format!("{client:?} {client:#?}"));
    let errors = [
        get_json(&client, "/v1/x").await.unwrap_err(),
        client.call(Method::GET, "testOp", "/v1/{id}", &[".."]).send_empty().await.unwrap_err(),
        client.call(Method::GET, "testOp", "/v1/x", &[]).header("x-bad", "a\nb").send_empty().await.unwrap_err(),
        client
            .for_installation("bad\ntok-5ecret")
            .call(Method::GET, "testOp", "/v1/x", &[])
            .send_empty()
            .await
            .unwrap_err(),
    ];
    for err in &errors {
        assert_no_token(&format!("{err} {err:?} {err:#?}"));
    }
    assert!(matches!(errors[3], Error::Config(_)), "{:?}", errors[3]);
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn installation_token_replaces_the_user_token_and_team() {
    let server = MockServer::start().await;
    mount(&server, ResponseTemplate::new(204)).await;
    let installation = client(&server).with_team_id("team_1").for_installation("inst_abc");
    installation
        .call(Method::POST, "submitBillingData", "/v1/installations/{id}/billing", &["icfg_1"])
        .team_scope(None, None)
        .json(&json!({}))
        .send_empty()
        .await
        .unwrap();
    let seen = requests(&server).await;
    assert_eq!(seen[0].headers["authorization"], "Bearer inst_abc");
    assert_eq!(seen[0].url.query(), None);
}

#[tokio::test]
async fn redirects_to_another_host_are_not_followed() {
    let elsewhere = MockServer::start().await;
    mount(&elsewhere, ResponseTemplate::new(200).set_body_json(json!({}))).await;
    let server = MockServer::start().await;
    // Same host name but another port is another origin.
    let target = format!("{}/steal", elsewhere.uri());
    Mock::given(path("/v1/moved"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", target.as_str()))
        .mount(&server)
        .await;
    Mock::given(path("/v1/old"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/v1/new"))
        .mount(&server)
        .await;
    Mock::given(path("/v1/new"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"moved": true})))
        .mount(&server)
        .await;
    let client = client(&server);

    let err = get_json(&client, "/v1/moved").await.unwrap_err();
    let api = api_error(&err);
    assert_eq!(api.status, StatusCode::FOUND);
    assert_eq!(api.headers["location"], target.as_str());
    assert!(err.to_string().contains("redirect not followed"), "{err}");
    assert!(requests(&elsewhere).await.is_empty());

    let response = get_json(&client, "/v1/old").await.unwrap();
    assert_eq!(*response, json!({"moved": true}));
    let seen = requests(&server).await;
    assert_eq!(seen.last().unwrap().url.path(), "/v1/new");
    assert_eq!(seen.last().unwrap().headers["authorization"], format!("Bearer {TOKEN}"));
}

#[tokio::test]
async fn response_kinds() {
    let server = MockServer::start().await;
    Mock::given(path("/empty")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    Mock::given(path("/bytes"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(vec![1u8, 2, 3], "application/octet-stream"))
        .mount(&server)
        .await;
    Mock::given(path("/lines"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw("{\"n\":1}\n\n{\"n\":2}\r\n  {\"n\":3}", "application/stream+json"),
        )
        .mount(&server)
        .await;
    Mock::given(path("/bad-lines"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw("{\"n\":1}\n{\"n\":\"x\"}\n{\"n\":3}\n", "application/stream+json"),
        )
        .mount(&server)
        .await;
    Mock::given(path("/raw"))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({"queued": true})))
        .mount(&server)
        .await;
    let client = client(&server);
    let call = |template| client.call(Method::GET, "testOp", template, &[]);

    let empty = call("/empty").send_empty().await.unwrap();
    assert_eq!(empty.status(), StatusCode::NO_CONTENT);

    let stream = call("/bytes").send_stream().await.unwrap().into_inner();
    let chunks: Vec<Bytes> = stream.into_inner().map(|chunk| chunk.unwrap()).collect().await;
    assert_eq!(chunks.concat(), [1, 2, 3]);

    #[derive(Debug, Deserialize, PartialEq)]
    struct Item {
        n: u32,
    }
    let items = call("/lines").send_json_lines::<Item>().await.unwrap().into_inner();
    let items: Vec<Item> = items.map(|item| item.unwrap()).collect().await;
    assert_eq!(items, [Item { n: 1 }, Item { n: 2 }, Item { n: 3 }]);

    let items = call("/bad-lines").send_json_lines::<Item>().await.unwrap().into_inner();
    let items: Vec<Result<Item>> = items.collect().await;
    assert_eq!(items.len(), 2, "the stream ends after an error");
    let Err(Error::Decode(decode)) = &items[1] else { panic!("{items:?}") };
    assert_eq!((decode.path.as_str(), decode.body_text().as_ref()), ("n", "{\"n\":\"x\"}"));

    let raw = call("/raw").send_raw().await.unwrap();
    assert_eq!(raw.status, StatusCode::ACCEPTED);
    let decoded = raw.decode::<Value>().unwrap();
    assert_eq!(decoded.status(), StatusCode::ACCEPTED);
    assert_eq!(*decoded, json!({"queued": true}));

    let seen = requests(&server).await;
    assert_eq!(seen[1].headers["accept"], "*/*");
    assert_eq!(seen[2].headers["accept"], "application/stream+json");
}

#[tokio::test]
async fn streamed_errors_are_api_errors() {
    let server = MockServer::start().await;
    mount(&server, ResponseTemplate::new(404).set_body_json(json!({"error": {"code": "not_found"}}))).await;
    let client = client(&server);
    let err = client.call(Method::GET, "testOp", "/v1/file", &[]).send_stream().await.err().unwrap();
    assert_eq!(api_error(&err).code.as_deref(), Some("not_found"));
    let err = client.call(Method::GET, "testOp", "/v1/events", &[]).send_json_lines::<Value>().await.err().unwrap();
    assert_eq!(err.status(), Some(StatusCode::NOT_FOUND));
}

#[tokio::test]
async fn response_size_is_bounded() {
    let server = MockServer::start().await;
    Mock::given(path("/big"))
        .respond_with(ResponseTemplate::new(200).set_body_string("x".repeat(100)))
        .mount(&server)
        .await;
    Mock::given(path("/big-error"))
        .respond_with(ResponseTemplate::new(400).set_body_string("x".repeat(100)))
        .mount(&server)
        .await;
    Mock::given(path("/long-line"))
        .respond_with(ResponseTemplate::new(200).set_body_string(format!("1\n{}\n", "2".repeat(100))))
        .mount(&server)
        .await;
    Mock::given(path("/small"))
        .respond_with(ResponseTemplate::new(200).set_body_string("\"0123456789abcd\""))
        .mount(&server)
        .await;
    let client = Client::builder().token(TOKEN).base_url(&server.uri()).max_response_bytes(16).build().unwrap();
    for (template, status) in [("/big", 200), ("/big-error", 400)] {
        let err = get_json(&client, template).await.unwrap_err();
        assert!(matches!(err, Error::ResponseTooLarge { limit: 16, .. }), "{err:?}");
        assert_eq!(err.status(), Some(StatusCode::from_u16(status).unwrap()));
    }
    assert_eq!(*get_json(&client, "/small").await.unwrap(), json!("0123456789abcd"));

    let lines =
        client.call(Method::GET, "testOp", "/long-line", &[]).send_json_lines::<u64>().await.unwrap().into_inner();
    let lines: Vec<Result<u64>> = lines.collect().await;
    assert!(matches!(lines[..], [Ok(1), Err(Error::ResponseTooLarge { .. })]), "{lines:?}");
}

#[tokio::test]
async fn tracing_span_records_the_call_but_no_secrets() {
    let server = MockServer::start().await;
    mount_sequence(&server, ResponseTemplate::new(503), 1, ResponseTemplate::new(200).set_body_json(json!({}))).await;
    let client = client(&server).with_team_id("team_in_query");
    let call = client
        .call(Method::GET, "getThing", "/v1/things/{id}", &["thing_secret_id"])
        .team_scope(None, None)
        .query("q", "query_value")
        .send_json::<Value>();
    let captured = Capture::run(call).await.join("\n");
    for expected in [
        "span=vercel_api.request",
        "operation=getThing",
        "method=GET",
        "path=/v1/things/{id}",
        "status=503",
        "status=200",
        "attempt=2",
        "duration_ms=",
    ] {
        assert!(captured.contains(expected), "{expected} missing from\n{captured}");
    }
    for secret in [TOKEN, "team_in_query", "query_value", "thing_secret_id"] {
        assert!(!captured.contains(secret), "{secret} leaked into\n{captured}");
    }
}

/// A global subscriber that records, as text, the span and event fields seen
/// by the thread running [`Capture::run`]. (A thread-local subscriber would
/// miss callsites whose interest other test threads already cached.)
struct Capture;

thread_local! {
    static CAPTURED: std::cell::RefCell<Option<Vec<String>>> = const { std::cell::RefCell::new(None) };
}

impl Capture {
    /// Runs `future` on this thread, returning what it traced.
    async fn run<F: std::future::Future>(future: F) -> Vec<String> {
        static INSTALL: std::sync::Once = std::sync::Once::new();
        INSTALL.call_once(|| {
            let _ = tracing::subscriber::set_global_default(Capture);
        });
        CAPTURED.with(|c| *c.borrow_mut() = Some(Vec::new()));
        future.await;
        CAPTURED.with(|c| c.borrow_mut().take()).unwrap_or_default()
    }

    fn push(line: String) {
        CAPTURED.with(|c| {
            if let Some(lines) = c.borrow_mut().as_mut() {
                lines.push(line);
            }
        });
    }
}

struct Fields;

impl tracing::field::Visit for Fields {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        Capture::push(format!("{}={value}", field.name()));
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
        Capture::push(format!("{}={value:?}", field.name()));
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        Capture::push(format!("span={}", span.metadata().name()));
        span.record(&mut Fields);
        tracing::span::Id::from_u64(1)
    }

    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        values.record(&mut Fields);
    }

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        event.record(&mut Fields);
    }

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test]
async fn classifies_connection_failures() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", closed.local_addr().unwrap());
    drop(closed);
    let error = reqwest::get(url).await.unwrap_err();
    assert!(error.is_connect());
    assert!(matches!(Failure::transport(error).retry, Retry::Always));
}

#[test]
fn client_errors_and_call_futures_are_send() {
    fn assert_send<T: Send>(_: &T) {}
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<Client>();
    assert_send_sync::<Error>();

    let client = Client::new(TOKEN).unwrap();
    let call = || client.call(Method::GET, "testOp", "/v1/x", &[]);
    assert_send(&call().send_json::<Value>());
    assert_send(&call().send_empty());
    assert_send(&call().send_raw());
    assert_send(&call().send_stream());
    assert_send(&call().send_json_lines::<Value>());
}
