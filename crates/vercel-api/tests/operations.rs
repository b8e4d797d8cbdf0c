//! Every generated operation against a local mock server: method and path
//! (with hostile path values), team scope, authorization, the JSON request
//! body, decoding of a realistic response, and the error paths.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::future::Future;

use chrono::{DateTime, Utc};
use percent_encoding::percent_decode_str;
use serde_json::{json, Value};
use vercel_api::operations::*;
use vercel_api::types::*;
use vercel_api::{ApiError, Client, Error, RetryConfig};
use wiremock::matchers::{any, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "vercel_user_token_Xy12Zq";
const INSTALLATION_TOKEN: &str = "inst_token";
const REQUEST_ID: &str = "fra1::iad1::8x7kq-1718000000000-2b3c4d5e6f70";

/// Path values that must each travel as exactly one percent-encoded segment:
/// (raw value, how it must appear in the URL path).
const HOSTILE: [(&str, &str); 6] = [
    ("a/b?c#d", "a%2Fb%3Fc%23d"),
    ("../x", "..%2Fx"),
    ("%2F", "%252F"),
    ("my project", "my%20project"),
    ("ünï/日本", "%C3%BCn%C3%AF%2F%E6%97%A5%E6%9C%AC"),
    ("prj_1+2=3&x;y", "prj_1%2B2%3D3%26x%3By"),
];

type Result<T> = vercel_api::Result<T>;

fn client(server: &MockServer) -> Client {
    Client::builder().token(TOKEN).base_url(&server.uri()).retry(RetryConfig::disabled()).build().unwrap()
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

/// The decoded query pairs, sorted.
fn query(request: &Request) -> Vec<(String, String)> {
    let mut pairs: Vec<_> = request.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    pairs.sort();
    pairs
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut pairs: Vec<_> = expected.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    pairs.sort();
    pairs
}

fn authorization(request: &Request) -> &str {
    request.headers.get("authorization").expect("no Authorization header").to_str().unwrap()
}

/// The JSON body of a request, which must say it is JSON.
fn sent_json(request: &Request) -> Value {
    assert_eq!(request.headers.get("content-type").map(|v| v.to_str().unwrap()), Some("application/json"));
    serde_json::from_slice(&request.body).unwrap()
}

/// JSON numbers compared by value, so that `2000` and `2000.0` are equal (the
/// generated `f64` fields send integers as `2000.0`; see
/// `integer_numbers_are_sent_as_integers`).
fn by_value(value: Value) -> Value {
    match value {
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => json!(f as i64),
            _ => Value::Number(n),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(by_value).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, by_value(v))).collect()),
        other => other,
    }
}

fn assert_json_eq(actual: Value, expected: Value) {
    assert_eq!(by_value(actual), by_value(expected));
}

fn dt(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn ok_json(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

fn api_error(err: &Error) -> &ApiError {
    match err {
        Error::Api(e) => e,
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

/// Calls `call` once per hostile value against a server that only answers
/// `http_method` on `template` with `{}` replaced by the encoded value, and
/// checks that the value came back whole as one segment.
async fn assert_hostile_path<F, Fut, T>(http_method: &str, template: &str, success: ResponseTemplate, call: F)
where
    F: Fn(Client, &'static str) -> Fut,
    Fut: Future<Output = Result<T>>,
{
    for (raw, encoded) in HOSTILE {
        let server = MockServer::start().await;
        let expected = template.replace("{}", encoded);
        Mock::given(method(http_method))
            .and(path(expected.as_str()))
            .respond_with(success.clone())
            .expect(1)
            .mount(&server)
            .await;
        if let Err(e) = call(client(&server), raw).await {
            panic!("{raw:?} was not sent as {expected}: {e}");
        }
        let request = &requests(&server).await[0];
        let segments: Vec<String> = request
            .url
            .path_segments()
            .unwrap()
            .map(|s| percent_decode_str(s).decode_utf8().unwrap().into_owned())
            .collect();
        let wanted: Vec<&str> =
            template.trim_start_matches('/').split('/').map(|s| if s == "{}" { raw } else { s }).collect();
        assert_eq!(segments, wanted, "{raw:?}");
        assert_eq!(request.url.query(), None, "{raw:?}");
    }
}

/// Calls `call` (with a per-call team id and slug) as differently scoped
/// clients and checks the query of each request.
async fn assert_team_scope<F, Fut, T>(success: ResponseTemplate, call: F)
where
    F: Fn(Client, Option<&'static str>, Option<&'static str>) -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(success).mount(&server).await;
    let base = client(&server);
    let from_builder = Client::builder().token(TOKEN).base_url(&server.uri()).team_slug("built-slug").build().unwrap();
    let cases = vec![
        // The client's team id...
        (base.with_team_id("team_default"), None, None, pairs(&[("teamId", "team_default")])),
        // ...or slug (encoded as one query value).
        (base.with_team_slug("acme & co/#1"), None, None, pairs(&[("slug", "acme & co/#1")])),
        (from_builder, None, None, pairs(&[("slug", "built-slug")])),
        // A per-call value wins over the client's scope.
        (base.with_team_id("team_default"), Some("team_call"), None, pairs(&[("teamId", "team_call")])),
        (base.with_team_slug("acme"), Some("team_call"), None, pairs(&[("teamId", "team_call")])),
        (base.with_team_id("team_default"), None, Some("other-team"), pairs(&[("slug", "other-team")])),
        // No scope at all.
        (base.clone(), None, None, vec![]),
        (base.with_team_id("team_default").without_team(), None, None, vec![]),
    ];
    for (client, team_id, slug, _) in &cases {
        if let Err(e) = call(client.clone(), *team_id, *slug).await {
            panic!("{team_id:?} {slug:?}: {e}");
        }
    }
    let seen = requests(&server).await;
    assert_eq!(seen.len(), cases.len());
    for (request, (client, team_id, slug, expected)) in seen.iter().zip(&cases) {
        assert_eq!(&query(request), expected, "{:?} with {team_id:?} {slug:?}", client.team_scope());
        assert_eq!(authorization(request), format!("Bearer {TOKEN}"));
    }
}

/// For operations without `teamId`/`slug` (the marketplace ones): no scope is
/// ever sent, and `for_installation` sends the installation token.
async fn assert_installation_scope<F, Fut, T>(success: ResponseTemplate, call: F)
where
    F: Fn(Client) -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(success).mount(&server).await;
    let user = client(&server);
    let clients = [
        user.with_team_id("team_default").for_installation(INSTALLATION_TOKEN),
        user.with_team_slug("acme").for_installation(INSTALLATION_TOKEN),
        user.with_team_id("team_default"),
        user.with_team_slug("acme"),
    ];
    for client in clients {
        call(client).await.unwrap();
    }
    let seen = requests(&server).await;
    let tokens: Vec<_> = seen.iter().map(authorization).collect();
    let inst = format!("Bearer {INSTALLATION_TOKEN}");
    let user = format!("Bearer {TOKEN}");
    assert_eq!(tokens, [&inst, &inst, &user, &user].map(String::as_str));
    for request in &seen {
        assert_eq!(request.url.query(), None, "{}", request.url);
    }
}

/// Runs `call` against a server that answers `response` once; returns the error.
async fn fail_with<F, Fut, T>(call: &F, response: ResponseTemplate) -> Error
where
    F: Fn(Client) -> Fut,
    Fut: Future<Output = Result<T>>,
    T: Debug,
{
    let server = MockServer::start().await;
    // `expect(1)`: with retries disabled, exactly one attempt.
    Mock::given(any()).respond_with(response).expect(1).mount(&server).await;
    let err = call(client(&server)).await.unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(TOKEN) && !shown.contains(INSTALLATION_TOKEN), "token leaked: {shown}");
    err
}

/// Vercel's error envelope, an empty 404 and a proxy's HTML 502 all come back
/// as `Error::Api` with what could be parsed and the raw body.
async fn assert_error_paths<F, Fut, T>(call: F)
where
    F: Fn(Client) -> Fut,
    Fut: Future<Output = Result<T>>,
    T: Debug,
{
    let body = r#"{"error":{"code":"forbidden","message":"Not authorized"}}"#;
    let err = fail_with(
        &call,
        ResponseTemplate::new(403).insert_header("x-vercel-id", REQUEST_ID).set_body_raw(body, "application/json"),
    )
    .await;
    let api = api_error(&err);
    assert_eq!(api.status, 403);
    assert_eq!(api.code.as_deref(), Some("forbidden"));
    assert_eq!(api.message.as_deref(), Some("Not authorized"));
    assert_eq!(api.request_id.as_deref(), Some(REQUEST_ID));
    assert_eq!(api.body, body.as_bytes());
    assert_eq!(api.body_json::<Value>().unwrap()["error"]["code"], "forbidden");
    assert_eq!(err.status(), Some(reqwest::StatusCode::FORBIDDEN));
    assert_eq!(
        err.to_string(),
        format!("the Vercel API answered 403 Forbidden [forbidden]: Not authorized (request id {REQUEST_ID})")
    );

    let err = fail_with(&call, ResponseTemplate::new(404)).await;
    let api = api_error(&err);
    assert_eq!(api.status, 404);
    assert_eq!((api.code.as_deref(), api.message.as_deref(), api.request_id.as_deref()), (None, None, None));
    assert!(api.body.is_empty());
    assert_eq!(err.to_string(), "the Vercel API answered 404 Not Found");

    let html = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n";
    let err = fail_with(&call, ResponseTemplate::new(502).set_body_raw(html, "text/html")).await;
    let api = api_error(&err);
    assert_eq!(api.status, 502);
    assert_eq!((api.code.as_deref(), api.message.as_deref()), (None, None));
    assert_eq!(api.body_text(), html);
    assert_eq!(api.headers["content-type"], "text/html");
    assert_eq!(err.to_string(), "the Vercel API answered 502 Bad Gateway");
}

/// A `200` whose body does not decode: `Error::Decode` with the JSON path and
/// the raw body.
async fn assert_decode_error<F, Fut, T>(call: F, body: &str, expected_path: &str)
where
    F: Fn(Client) -> Fut,
    Fut: Future<Output = Result<T>>,
    T: Debug,
{
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;
    let err = call(client(&server)).await.unwrap_err();
    let Error::Decode(decode) = &err else { panic!("expected Error::Decode, got {err:?}") };
    assert_eq!(decode.path, expected_path);
    assert_eq!(decode.status, 200);
    assert_eq!(decode.body_text(), body);
    assert_eq!(err.status(), Some(reqwest::StatusCode::OK));
    let shown = err.to_string();
    assert!(shown.contains(&format!("`{expected_path}`")) && shown.contains("200 OK"), "{shown}");
}

// ---------------------------------------------------------------------------
// GET /v1/installations/{integrationConfigurationId}/resources
// ---------------------------------------------------------------------------

fn resources_json() -> Value {
    json!({
        "resources": [
            {
                "partnerId": "db_8f2c1a",
                "internalId": "store_Xk29aLpQ81mZ",
                "name": "acme-postgres",
                "status": "ready",
                "productId": "iap_postgres",
                "protocolSettings": {
                    "experimentation": {
                        "edgeConfigSyncingEnabled": true,
                        "edgeConfigId": "ecfg_5xq2ne8kpz",
                        "edgeConfigTokenId": "tok_9c8b7a"
                    }
                },
                "notification": {
                    "level": "warn",
                    "title": "Storage almost full",
                    "message": "You have used 92% of your plan's storage.",
                    "href": "https://partner.example.com/dashboard/db_8f2c1a"
                },
                "billingPlanId": "plan_pro_monthly",
                "metadata": {
                    "region": "iad1",
                    "replicas": 3,
                    "highAvailability": true,
                    "tags": ["prod", "eu"],
                    "ports": [5432, 6432]
                },
                "ownerId": "team_1a2b3c4d5e6f7g8h9i0j1k2l",
                "createdAt": 1717171717171_u64
            },
            {
                "partnerId": "db_legacy",
                "internalId": "store_0ld",
                "name": "old-db",
                "productId": "iap_postgres",
                "status": "hibernating"
            }
        ],
        "pagination": {"count": 2, "next": null}
    })
}

#[tokio::test]
async fn get_integration_resources_request_and_response() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/installations/icfg_3aZ9kLmQ/resources"))
        .and(header("authorization", "Bearer inst_token"))
        .respond_with(ok_json(resources_json()))
        .expect(1)
        .mount(&server)
        .await;
    let installation = client(&server).with_team_id("team_default").for_installation(INSTALLATION_TOKEN);
    let response = installation.get_integration_resources("icfg_3aZ9kLmQ").await.unwrap();
    assert_eq!(response.status(), 200);
    let request = &requests(&server).await[0];
    assert_eq!(request.url.query(), None);
    assert!(request.body.is_empty());

    let body = response.into_inner();
    assert_eq!(body.extra["pagination"], json!({"count": 2, "next": null}));
    let [db, legacy] = &body.resources[..] else { panic!("{:?}", body.resources) };
    assert_eq!((db.partner_id.as_str(), db.internal_id.as_str()), ("db_8f2c1a", "store_Xk29aLpQ81mZ"));
    assert_eq!((db.name.as_str(), db.product_id.as_str()), ("acme-postgres", "iap_postgres"));
    assert_eq!(db.status, Some(ResourceStatus::Ready));
    assert_eq!(db.billing_plan_id.as_deref(), Some("plan_pro_monthly"));
    let experimentation = db.protocol_settings.as_ref().unwrap().experimentation.as_ref().unwrap();
    assert_eq!(experimentation.edge_config_syncing_enabled, Some(true));
    assert_eq!(experimentation.edge_config_id.as_deref(), Some("ecfg_5xq2ne8kpz"));
    assert_eq!(experimentation.edge_config_token_id.as_deref(), Some("tok_9c8b7a"));
    let notification = db.notification.as_ref().unwrap();
    assert_eq!(notification.level, Level::Warn);
    assert_eq!(notification.title, "Storage almost full");
    assert_eq!(notification.href.as_deref(), Some("https://partner.example.com/dashboard/db_8f2c1a"));
    let metadata = db.metadata.as_ref().unwrap();
    assert_eq!(metadata["region"], Metadata::String("iad1".into()));
    assert_eq!(metadata["replicas"], Metadata::Number(vercel_api::Number(3.0)));
    assert_eq!(metadata["highAvailability"], Metadata::Bool(true));
    assert_eq!(metadata["tags"], Metadata::Strings(vec!["prod".into(), "eu".into()]));
    assert_eq!(metadata["ports"], Metadata::Numbers(vec![vercel_api::Number(5432.0), vercel_api::Number(6432.0)]));
    assert_eq!(db.extra["ownerId"], "team_1a2b3c4d5e6f7g8h9i0j1k2l");
    assert_eq!(db.extra["createdAt"], 1717171717171_u64);
    assert_eq!(legacy.status, Some(ResourceStatus::Unknown("hibernating".into())));
    assert_eq!((legacy.notification.as_ref(), legacy.metadata.as_ref()), (None, None));
}

#[tokio::test]
async fn get_integration_resources_path_values_stay_one_segment() {
    let success = ok_json(json!({"resources": []}));
    assert_hostile_path("GET", "/v1/installations/{}/resources", success, |c, id| async move {
        c.get_integration_resources(id).await
    })
    .await;
}

#[tokio::test]
async fn get_integration_resources_is_never_team_scoped() {
    assert_installation_scope(ok_json(json!({"resources": []})), |c| async move {
        c.get_integration_resources("icfg_3aZ9kLmQ").await
    })
    .await;
}

#[tokio::test]
async fn get_integration_resources_error_paths() {
    assert_error_paths(
        |c| async move { c.for_installation(INSTALLATION_TOKEN).get_integration_resources("icfg_1").await },
    )
    .await;
}

#[tokio::test]
async fn get_integration_resources_decode_error() {
    let body = r#"{"resources":[{"partnerId":"db_1","internalId":"store_1","name":"db","productId":"iap","status":"ready"},{"partnerId":"db_2","internalId":"store_2","name":"db2","productId":"iap","status":42}]}"#;
    assert_decode_error(|c| async move { c.get_integration_resources("icfg_1").await }, body, "resources[1].status")
        .await;
    let body = r#"{"resources":[{"partnerId":"db_1","internalId":"store_1","name":"db","productId":"iap","metadata":{"size":{"gb":1}},"notification":{"title":"no level"}}]}"#;
    assert_decode_error(
        |c| async move { c.get_integration_resources("icfg_1").await },
        body,
        "resources[0].notification",
    )
    .await;
}

// ---------------------------------------------------------------------------
// GET /v1/projects/{projectIdOrName}/feature-flags/sdk-keys
// ---------------------------------------------------------------------------

fn sdk_keys_json() -> Value {
    json!({
        "data": [
            {
                "hashKey": "b5f0c9e2a1d84c7f",
                "projectId": "prj_12HKQaOmR5t5Uy6vdcQsNIiZgHGB",
                "type": "server",
                "environment": "production",
                "createdBy": "usr_4Ft2wXv9kLmN",
                "createdAt": 1718000000000_u64,
                "updatedAt": 1718000500000_u64,
                "label": "Backend",
                "partialKeyValue": "vf_server_abc********",
                "connectionString": "flags:edgeConfigId=ecfg_x&edgeConfigItemKey=flags"
            },
            {
                "hashKey": "0e1d2c3b4a596877",
                "projectId": "prj_12HKQaOmR5t5Uy6vdcQsNIiZgHGB",
                "type": "edge",
                "environment": "preview",
                "createdBy": "usr_4Ft2wXv9kLmN",
                "createdAt": 1718000000000_u64,
                "updatedAt": 1718100000000_u64,
                "deletedAt": 1718100000000_u64,
                "partialKeyValue": "vf_edge_xyz********"
            }
        ]
    })
}

#[tokio::test]
async fn get_sdk_keys_request_and_response() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/projects/my-storefront/feature-flags/sdk-keys"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ok_json(sdk_keys_json()))
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server)
        .with_team_id("team_1a2b3c")
        .get_sdk_keys("my-storefront", &GetSdkKeysParams::default())
        .await
        .unwrap();
    assert_eq!(query(&requests(&server).await[0]), pairs(&[("teamId", "team_1a2b3c")]));

    let keys = response.into_inner().data;
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0].hash_key, "b5f0c9e2a1d84c7f");
    assert_eq!(keys[0].project_id, "prj_12HKQaOmR5t5Uy6vdcQsNIiZgHGB");
    assert_eq!(keys[0].type_, SdkKeyType::Server);
    assert_eq!(keys[0].environment, "production");
    assert_eq!(keys[0].created_by, "usr_4Ft2wXv9kLmN");
    assert_eq!(
        (keys[0].created_at, keys[0].updated_at),
        (vercel_api::Number(1718000000000.0), vercel_api::Number(1718000500000.0))
    );
    assert_eq!(keys[0].label.as_deref(), Some("Backend"));
    assert_eq!(keys[0].partial_key_value, "vf_server_abc********");
    assert_eq!(keys[0].deleted_at, None);
    assert_eq!(keys[0].extra["connectionString"], "flags:edgeConfigId=ecfg_x&edgeConfigItemKey=flags");
    assert_eq!(keys[1].type_, SdkKeyType::Unknown("edge".into()));
    assert_eq!(keys[1].deleted_at, Some(vercel_api::Number(1718100000000.0)));
    assert_eq!(keys[1].label, None);
}

#[tokio::test]
async fn get_sdk_keys_path_values_stay_one_segment() {
    assert_hostile_path(
        "GET",
        "/v1/projects/{}/feature-flags/sdk-keys",
        ok_json(json!({"data": []})),
        |c, p| async move { c.get_sdk_keys(p, &GetSdkKeysParams::default()).await },
    )
    .await;
}

#[tokio::test]
async fn get_sdk_keys_team_scope() {
    assert_team_scope(ok_json(json!({"data": []})), |c, team_id, slug| async move {
        let params = GetSdkKeysParams { team_id: team_id.map(Into::into), slug: slug.map(Into::into) };
        c.get_sdk_keys("prj_1", &params).await
    })
    .await;
}

#[tokio::test]
async fn get_sdk_keys_error_paths() {
    assert_error_paths(|c| async move { c.get_sdk_keys("prj_1", &GetSdkKeysParams::default()).await }).await;
}

#[tokio::test]
async fn get_sdk_keys_decode_error() {
    let mut body = sdk_keys_json();
    body["data"][1]["createdAt"] = json!("2024-06-10T06:13:20Z");
    let body = body.to_string();
    assert_decode_error(
        |c| async move { c.get_sdk_keys("prj_1", &Default::default()).await },
        &body,
        "data[1].createdAt",
    )
    .await;
}

// ---------------------------------------------------------------------------
// POST /v1/installations/{integrationConfigurationId}/billing/balance
// ---------------------------------------------------------------------------

fn balances() -> SubmitPrepaymentBalancesRequest {
    SubmitPrepaymentBalancesRequest {
        timestamp: dt("2025-06-15T10:30:00Z"),
        balances: vec![
            PrepaymentBalance {
                resource_id: Some("db_8f2c1a".into()),
                credit: Some("2,000 Tokens".into()),
                name_label: Some("Tokens".into()),
                currency_value_in_cents: vercel_api::Number(2000.0),
                extra: Default::default(),
            },
            PrepaymentBalance { currency_value_in_cents: vercel_api::Number(150.5), ..Default::default() },
        ],
        extra: Default::default(),
    }
}

#[tokio::test]
async fn submit_prepayment_balances_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/installations/icfg_3aZ9kLmQ/billing/balance"))
        .and(header("authorization", "Bearer inst_token"))
        .respond_with(ResponseTemplate::new(201))
        .expect(1)
        .mount(&server)
        .await;
    let installation = client(&server).for_installation(INSTALLATION_TOKEN);
    let response = installation.submit_prepayment_balances("icfg_3aZ9kLmQ", &balances()).await.unwrap();
    assert_eq!(response.status(), 201);
    let request = &requests(&server).await[0];
    assert_eq!(request.url.query(), None);
    assert_json_eq(
        sent_json(request),
        json!({
            "timestamp": "2025-06-15T10:30:00Z",
            "balances": [
                {"resourceId": "db_8f2c1a", "credit": "2,000 Tokens", "nameLabel": "Tokens", "currencyValueInCents": 2000},
                {"currencyValueInCents": 150.5}
            ]
        }),
    );
}

#[tokio::test]
async fn integer_numbers_are_sent_as_integers() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(201)).mount(&server).await;
    client(&server)
        .for_installation(INSTALLATION_TOKEN)
        .submit_prepayment_balances("icfg_1", &balances())
        .await
        .unwrap();
    let request = &requests(&server).await[0];
    let text = String::from_utf8_lossy(&request.body);
    assert!(
        text.contains(r#""currencyValueInCents":2000}"#) || text.contains(r#""currencyValueInCents":2000,"#),
        "{text}"
    );
    assert_eq!(sent_json(request)["balances"][0]["currencyValueInCents"], json!(2000));
}

#[tokio::test]
async fn submit_prepayment_balances_path_values_stay_one_segment() {
    let body = &balances();
    assert_hostile_path(
        "POST",
        "/v1/installations/{}/billing/balance",
        ResponseTemplate::new(201),
        |c, id| async move { c.submit_prepayment_balances(id, body).await },
    )
    .await;
}

#[tokio::test]
async fn submit_prepayment_balances_is_never_team_scoped() {
    let body = &balances();
    assert_installation_scope(ResponseTemplate::new(201), |c| async move {
        c.submit_prepayment_balances("icfg_1", body).await
    })
    .await;
}

#[tokio::test]
async fn submit_prepayment_balances_error_paths() {
    let body = &balances();
    assert_error_paths(|c| async move {
        c.for_installation(INSTALLATION_TOKEN).submit_prepayment_balances("icfg_1", body).await
    })
    .await;
}

// ---------------------------------------------------------------------------
// GET /v1/webhooks/{id}
// ---------------------------------------------------------------------------

fn webhook_json() -> Value {
    json!({
        "id": "account_hook_GflD6EYyo7F4ViYS",
        "url": "https://example.com/api/vercel-webhook",
        "ownerId": "team_ZspSRT4ljIEEmMHgoDwKWDei",
        "events": ["deployment.created", "deployment.ready", "deployment-ready", "project.created", "deployment.teleported"],
        "createdAt": 1567024758130_u64,
        "updatedAt": 1567024758999_u64,
        "projectIds": ["prj_12HKQaOmR5t5Uy6vdcQsNIiZgHGB"],
        "secretPrefix": "whsec_a1",
        "apiVersion": 2
    })
}

#[tokio::test]
async fn get_webhook_request_and_response() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/webhooks/account_hook_GflD6EYyo7F4ViYS"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ok_json(webhook_json()))
        .expect(1)
        .mount(&server)
        .await;
    let params = GetWebhookParams { slug: Some("acme".into()), ..Default::default() };
    let response = client(&server)
        .with_team_id("team_default")
        .get_webhook("account_hook_GflD6EYyo7F4ViYS", &params)
        .await
        .unwrap();
    assert_eq!(query(&requests(&server).await[0]), pairs(&[("slug", "acme")]));

    let hook = response.into_inner();
    assert_eq!(hook.id, "account_hook_GflD6EYyo7F4ViYS");
    assert_eq!(hook.url, "https://example.com/api/vercel-webhook");
    assert_eq!(hook.owner_id, "team_ZspSRT4ljIEEmMHgoDwKWDei");
    assert_eq!(
        (hook.created_at, hook.updated_at),
        (vercel_api::Number(1567024758130.0), vercel_api::Number(1567024758999.0))
    );
    assert_eq!(hook.project_ids, Some(vec!["prj_12HKQaOmR5t5Uy6vdcQsNIiZgHGB".to_owned()]));
    assert_eq!(
        hook.events,
        [
            WebhookEvent::DeploymentCreated,
            WebhookEvent::DeploymentReady,
            WebhookEvent::DeploymentReadyKebab,
            WebhookEvent::ProjectCreated,
            WebhookEvent::Unknown("deployment.teleported".into()),
        ]
    );
    assert_eq!(hook.extra["secretPrefix"], "whsec_a1");
    assert_eq!(hook.extra["apiVersion"], 2);
}

#[tokio::test]
async fn get_webhook_path_values_stay_one_segment() {
    assert_hostile_path("GET", "/v1/webhooks/{}", ok_json(webhook_json()), |c, id| async move {
        c.get_webhook(id, &GetWebhookParams::default()).await
    })
    .await;
}

#[tokio::test]
async fn dot_segments_are_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ok_json(webhook_json())).mount(&server).await;
    for value in ["..", ".", ""] {
        let err = client(&server).get_webhook(value, &GetWebhookParams::default()).await.unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{value:?}: {err:?}");
    }
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn get_webhook_team_scope() {
    assert_team_scope(ok_json(webhook_json()), |c, team_id, slug| async move {
        let params = GetWebhookParams { team_id: team_id.map(Into::into), slug: slug.map(Into::into) };
        c.get_webhook("account_hook_1", &params).await
    })
    .await;
}

#[tokio::test]
async fn get_webhook_error_paths() {
    assert_error_paths(|c| async move { c.get_webhook("account_hook_1", &GetWebhookParams::default()).await }).await;
}

#[tokio::test]
async fn get_webhook_decode_error() {
    let mut body = webhook_json();
    body["events"] = json!(["deployment.created", 7]);
    let body = body.to_string();
    assert_decode_error(|c| async move { c.get_webhook("hook", &Default::default()).await }, &body, "events[1]").await;
    let body = r#"{"id":"hook","url":"https://x","ownerId":"o","events":[],"createdAt":1,"updatedAt":"later"}"#;
    assert_decode_error(|c| async move { c.get_webhook("hook", &Default::default()).await }, body, "updatedAt").await;
}

// ---------------------------------------------------------------------------
// POST /v1/installations/{integrationConfigurationId}/billing/finalize
// ---------------------------------------------------------------------------

#[tokio::test]
async fn finalize_installation_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/installations/icfg_3aZ9kLmQ/billing/finalize"))
        .and(header("authorization", "Bearer inst_token"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let response =
        client(&server).for_installation(INSTALLATION_TOKEN).finalize_installation("icfg_3aZ9kLmQ").await.unwrap();
    assert_eq!(response.status(), 204);
    let request = &requests(&server).await[0];
    assert_eq!(request.url.query(), None);
    assert!(request.body.is_empty());
    assert!(request.headers.get("content-type").is_none());
}

#[tokio::test]
async fn finalize_installation_path_values_stay_one_segment() {
    assert_hostile_path(
        "POST",
        "/v1/installations/{}/billing/finalize",
        ResponseTemplate::new(204),
        |c, id| async move { c.finalize_installation(id).await },
    )
    .await;
}

#[tokio::test]
async fn finalize_installation_is_never_team_scoped() {
    assert_installation_scope(ResponseTemplate::new(204), |c| async move { c.finalize_installation("icfg_1").await })
        .await;
}

#[tokio::test]
async fn finalize_installation_error_paths() {
    assert_error_paths(|c| async move { c.for_installation(INSTALLATION_TOKEN).finalize_installation("icfg_1").await })
        .await;
}

// ---------------------------------------------------------------------------
// GET /v1/webhooks
// ---------------------------------------------------------------------------

fn webhooks_with_metadata_json() -> Value {
    json!([
        {
            "id": "account_hook_GflD6EYyo7F4ViYS",
            "url": "https://example.com/api/vercel-webhook",
            "ownerId": "team_ZspSRT4ljIEEmMHgoDwKWDei",
            "events": ["deployment.succeeded", "deployment.error", "deployment-error"],
            "createdAt": 1567024758130_u64,
            "updatedAt": 1567024758130_u64,
            "projectIds": ["prj_1", "prj_2", "prj_3"],
            "projectsMetadata": [
                {"id": "prj_1", "name": "storefront", "framework": "nextjs", "latestDeployment": "dpl_89qyp1cskzkLrVicDaZoDbjyHuDJ"},
                {"id": "prj_2", "name": "api", "framework": null},
                {"id": "prj_3", "name": "edge-app", "framework": "qwik-city", "productionBranch": "main"}
            ]
        },
        {
            "id": "account_hook_2",
            "url": "https://hooks.example.org/vercel",
            "ownerId": "team_ZspSRT4ljIEEmMHgoDwKWDei",
            "events": ["project.created", "project-created"],
            "createdAt": 1700000000000_u64,
            "updatedAt": 1700000000001_u64,
            "projectsMetadata": null
        }
    ])
}

fn plain_webhooks_json() -> Value {
    json!([
        {
            "id": "account_hook_3",
            "url": "https://example.com/hook",
            "ownerId": "team_ZspSRT4ljIEEmMHgoDwKWDei",
            "events": ["domain.created"],
            "createdAt": 1567024758130_u64,
            "updatedAt": 1567024758130_u64
        }
    ])
}

#[tokio::test]
async fn get_webhooks_request_and_response_with_projects_metadata() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/webhooks"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ok_json(webhooks_with_metadata_json()))
        .expect(1)
        .mount(&server)
        .await;
    // A hostile project id stays one query value and cannot add a team.
    let params = GetWebhooksParams { project_id: Some("prj_1&teamId=evil#x".into()), ..Default::default() };
    let response = client(&server).with_team_id("team_1a2b3c").get_webhooks(&params).await.unwrap();
    assert_eq!(
        query(&requests(&server).await[0]),
        pairs(&[("projectId", "prj_1&teamId=evil#x"), ("teamId", "team_1a2b3c")])
    );

    let GetWebhooksResponse::WebhookWithProjectsMetadatas(hooks) = response.into_inner() else {
        panic!("expected the branch with projectsMetadata")
    };
    assert_eq!(hooks.len(), 2);
    assert_eq!(hooks[0].id, "account_hook_GflD6EYyo7F4ViYS");
    assert_eq!(
        hooks[0].events,
        [WebhookEvent::DeploymentSucceeded, WebhookEvent::DeploymentError, WebhookEvent::DeploymentErrorKebab]
    );
    assert_eq!(hooks[0].project_ids.as_ref().map(Vec::len), Some(3));
    let projects = hooks[0].projects_metadata.as_ref().unwrap();
    assert_eq!((projects[0].id.as_str(), projects[0].name.as_str()), ("prj_1", "storefront"));
    assert_eq!(projects[0].framework, Some(Framework::Nextjs));
    assert_eq!(projects[0].latest_deployment.as_deref(), Some("dpl_89qyp1cskzkLrVicDaZoDbjyHuDJ"));
    assert_eq!(projects[1].framework, None);
    assert_eq!(projects[2].framework, Some(Framework::Unknown("qwik-city".into())));
    assert_eq!(projects[2].extra["productionBranch"], "main");
    assert_eq!(hooks[1].events, [WebhookEvent::ProjectCreated, WebhookEvent::ProjectCreatedKebab]);
    assert_eq!(hooks[1].projects_metadata, None);
    assert_eq!(hooks[1].project_ids, None);
}

#[tokio::test]
async fn get_webhooks_decodes_the_plain_webhook_branch() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/webhooks"))
        .respond_with(ok_json(plain_webhooks_json()))
        .mount(&server)
        .await;
    let response = client(&server).get_webhooks(&GetWebhooksParams::default()).await.unwrap();
    let GetWebhooksResponse::Webhooks(hooks) = response.into_inner() else {
        panic!("a list without projectsMetadata must decode as the plain Webhook branch")
    };
    assert_eq!(hooks[0].id, "account_hook_3");
    assert_eq!(hooks[0].events, [WebhookEvent::DomainCreated]);
}

#[tokio::test]
async fn get_webhooks_plain_list_keeps_its_values() {
    // Whatever branch it lands in (see the ignored test above), the values of
    // a list without `projectsMetadata` are decoded.
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ok_json(plain_webhooks_json())).mount(&server).await;
    let response = client(&server).get_webhooks(&GetWebhooksParams::default()).await.unwrap();
    let (id, events) = match response.into_inner() {
        GetWebhooksResponse::Webhooks(hooks) => (hooks[0].id.clone(), hooks[0].events.clone()),
        GetWebhooksResponse::WebhookWithProjectsMetadatas(hooks) => (hooks[0].id.clone(), hooks[0].events.clone()),
        other => panic!("{other:?}"),
    };
    assert_eq!(id, "account_hook_3");
    assert_eq!(events, [WebhookEvent::DomainCreated]);
}

#[tokio::test]
async fn get_webhooks_team_scope() {
    assert_team_scope(ok_json(json!([])), |c, team_id, slug| async move {
        let params =
            GetWebhooksParams { team_id: team_id.map(Into::into), slug: slug.map(Into::into), project_id: None };
        c.get_webhooks(&params).await
    })
    .await;
}

#[tokio::test]
async fn get_webhooks_error_paths() {
    assert_error_paths(|c| async move { c.get_webhooks(&GetWebhooksParams::default()).await }).await;
}

#[tokio::test]
async fn get_webhooks_decode_error() {
    // Any JSON value fits the oneOf (unknown shapes are kept), so only broken
    // JSON fails, at the place it breaks.
    let body = r#"[{"id":"account_hook_1","events":["deployment.created","#;
    assert_decode_error(|c| async move { c.get_webhooks(&Default::default()).await }, body, "[0].events").await;
    let body = "<html><body>maintenance</body></html>";
    assert_decode_error(|c| async move { c.get_webhooks(&Default::default()).await }, body, ".").await;
}

// ---------------------------------------------------------------------------
// POST /v1/installations/{integrationConfigurationId}/resources/{resourceId}/experimentation/items
// ---------------------------------------------------------------------------

fn experimentation_items() -> PostInstallationResourceExperimentationItemsRequest {
    PostInstallationResourceExperimentationItemsRequest {
        items: vec![
            ExperimentationItem {
                id: "exp_8c1f2a".into(),
                slug: "new-checkout".into(),
                origin: "https://partner.example.com/experiments/exp_8c1f2a".into(),
                category: Some(Category::Experiment),
                name: Some("New checkout".into()),
                description: Some("One-page checkout vs. the current flow".into()),
                is_archived: Some(false),
                created_at: Some(vercel_api::Number(1718000000000.0)),
                updated_at: Some(vercel_api::Number(1718000500000.0)),
                extra: Default::default(),
            },
            ExperimentationItem {
                id: "flag_2b9d".into(),
                slug: "dark-mode".into(),
                origin: "https://partner.example.com/flags/flag_2b9d".into(),
                category: Some(Category::Flag),
                ..Default::default()
            },
        ],
        extra: Default::default(),
    }
}

#[tokio::test]
async fn post_experimentation_items_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/installations/icfg_3aZ9kLmQ/resources/res_77xQ/experimentation/items"))
        .and(header("authorization", "Bearer inst_token"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let installation = client(&server).for_installation(INSTALLATION_TOKEN);
    let response = installation
        .post_installation_resource_experimentation_items("icfg_3aZ9kLmQ", "res_77xQ", &experimentation_items())
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let request = &requests(&server).await[0];
    assert_eq!(request.url.query(), None);
    assert_json_eq(
        sent_json(request),
        json!({
            "items": [
                {
                    "id": "exp_8c1f2a",
                    "slug": "new-checkout",
                    "origin": "https://partner.example.com/experiments/exp_8c1f2a",
                    "category": "experiment",
                    "name": "New checkout",
                    "description": "One-page checkout vs. the current flow",
                    "isArchived": false,
                    "createdAt": 1718000000000_u64,
                    "updatedAt": 1718000500000_u64
                },
                {
                    "id": "flag_2b9d",
                    "slug": "dark-mode",
                    "origin": "https://partner.example.com/flags/flag_2b9d",
                    "category": "flag"
                }
            ]
        }),
    );
}

#[tokio::test]
async fn post_experimentation_items_path_values_stay_one_segment() {
    let body = &experimentation_items();
    let template = "/v1/installations/{}/resources/res_77xQ/experimentation/items";
    assert_hostile_path("POST", template, ResponseTemplate::new(204), |c, id| async move {
        c.post_installation_resource_experimentation_items(id, "res_77xQ", body).await
    })
    .await;
    let template = "/v1/installations/icfg_1/resources/{}/experimentation/items";
    assert_hostile_path("POST", template, ResponseTemplate::new(204), |c, id| async move {
        c.post_installation_resource_experimentation_items("icfg_1", id, body).await
    })
    .await;
}

#[tokio::test]
async fn post_experimentation_items_is_never_team_scoped() {
    let body = &experimentation_items();
    assert_installation_scope(ResponseTemplate::new(204), |c| async move {
        c.post_installation_resource_experimentation_items("icfg_1", "res_1", body).await
    })
    .await;
}

#[tokio::test]
async fn post_experimentation_items_error_paths() {
    let body = &experimentation_items();
    assert_error_paths(|c| async move {
        c.for_installation(INSTALLATION_TOKEN)
            .post_installation_resource_experimentation_items("icfg_1", "res_1", body)
            .await
    })
    .await;
}

// ---------------------------------------------------------------------------
// GET /v8/certs/{id}
// ---------------------------------------------------------------------------

fn cert_json() -> Value {
    json!({
        "id": "cert_a1b2c3d4e5f6",
        "createdAt": 1700000000000_u64,
        "expiresAt": 1707776000000_u64,
        "autoRenew": true,
        "cns": ["example.com", "*.example.com"],
        "issuer": "R11",
        "customCertificate": false
    })
}

#[tokio::test]
async fn get_cert_by_id_request_and_response() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v8/certs/cert_a1b2c3d4e5f6"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ok_json(cert_json()))
        .expect(1)
        .mount(&server)
        .await;
    let params = GetCertByIdParams { team_id: Some("team_call".into()), ..Default::default() };
    let response = client(&server).with_team_slug("acme").get_cert_by_id("cert_a1b2c3d4e5f6", &params).await.unwrap();
    assert_eq!(query(&requests(&server).await[0]), pairs(&[("teamId", "team_call")]));

    let cert = response.into_inner();
    assert_eq!(cert.id, "cert_a1b2c3d4e5f6");
    assert_eq!(
        (cert.created_at, cert.expires_at),
        (vercel_api::Number(1700000000000.0), vercel_api::Number(1707776000000.0))
    );
    assert!(cert.auto_renew);
    assert_eq!(cert.cns, ["example.com", "*.example.com"]);
    assert_eq!(cert.extra["issuer"], "R11");
    assert_eq!(cert.extra["customCertificate"], false);
}

#[tokio::test]
async fn get_cert_by_id_path_values_stay_one_segment() {
    assert_hostile_path("GET", "/v8/certs/{}", ok_json(cert_json()), |c, id| async move {
        c.get_cert_by_id(id, &GetCertByIdParams::default()).await
    })
    .await;
}

#[tokio::test]
async fn get_cert_by_id_team_scope() {
    assert_team_scope(ok_json(cert_json()), |c, team_id, slug| async move {
        let params = GetCertByIdParams { team_id: team_id.map(Into::into), slug: slug.map(Into::into) };
        c.get_cert_by_id("cert_1", &params).await
    })
    .await;
}

#[tokio::test]
async fn get_cert_by_id_error_paths() {
    assert_error_paths(|c| async move { c.get_cert_by_id("cert_1", &GetCertByIdParams::default()).await }).await;
}

#[tokio::test]
async fn get_cert_by_id_decode_error() {
    let mut body = cert_json();
    body["cns"] = json!(["example.com", null]);
    let body = body.to_string();
    assert_decode_error(|c| async move { c.get_cert_by_id("cert_1", &Default::default()).await }, &body, "cns[1]")
        .await;
    // Trailing garbage after a valid document.
    let body = format!("{} {{}}", cert_json());
    assert_decode_error(|c| async move { c.get_cert_by_id("cert_1", &Default::default()).await }, &body, ".").await;
}

// ---------------------------------------------------------------------------
// POST /v1/installations/{integrationConfigurationId}/billing
// ---------------------------------------------------------------------------

fn billing_item(start_end: bool) -> BillingItem {
    BillingItem {
        billing_plan_id: "plan_pro_monthly".into(),
        resource_id: Some("db_8f2c1a".into()),
        start: start_end.then(|| dt("2025-06-10T00:00:00Z")),
        end: start_end.then(|| dt("2025-06-30T23:59:59.999Z")),
        name: "Pro plan".into(),
        details: Some("Monthly subscription, prorated".into()),
        price: "25.00".into(),
        quantity: vercel_api::Number(1.0),
        units: "month".into(),
        total: "25.00".into(),
        extra: Default::default(),
    }
}

fn billing_request(billing: Billing) -> SubmitBillingDataRequest {
    SubmitBillingDataRequest {
        timestamp: dt("2025-06-15T10:30:00Z"),
        eod: dt("2025-06-15T00:00:00Z"),
        period: Period {
            start: dt("2025-06-01T00:00:00Z"),
            end: dt("2025-07-01T00:00:00Z"),
            extra: Default::default(),
        },
        billing,
        usage: vec![
            UsageMetric {
                resource_id: Some("db_8f2c1a".into()),
                name: "Storage".into(),
                type_: UsageMetricType::Total,
                units: "GB".into(),
                day_value: vercel_api::Number(1.5),
                period_value: vercel_api::Number(1.5),
                plan_value: Some(vercel_api::Number(10.0)),
                extra: Default::default(),
            },
            UsageMetric {
                resource_id: None,
                name: "Queries".into(),
                type_: UsageMetricType::Interval,
                units: "queries".into(),
                day_value: vercel_api::Number(1200.0),
                period_value: vercel_api::Number(38000.0),
                plan_value: None,
                extra: Default::default(),
            },
        ],
        extra: Default::default(),
    }
}

fn billing_request_json(billing: Value) -> Value {
    json!({
        "timestamp": "2025-06-15T10:30:00Z",
        "eod": "2025-06-15T00:00:00Z",
        "period": {"start": "2025-06-01T00:00:00Z", "end": "2025-07-01T00:00:00Z"},
        "billing": billing,
        "usage": [
            {"resourceId": "db_8f2c1a", "name": "Storage", "type": "total", "units": "GB", "dayValue": 1.5, "periodValue": 1.5, "planValue": 10},
            {"name": "Queries", "type": "interval", "units": "queries", "dayValue": 1200, "periodValue": 38000}
        ]
    })
}

async fn sent_billing(billing: Billing) -> Value {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/installations/icfg_3aZ9kLmQ/billing"))
        .and(header("authorization", "Bearer inst_token"))
        .respond_with(ResponseTemplate::new(201))
        .expect(1)
        .mount(&server)
        .await;
    let installation = client(&server).with_team_id("team_default").for_installation(INSTALLATION_TOKEN);
    let response = installation.submit_billing_data("icfg_3aZ9kLmQ", &billing_request(billing)).await.unwrap();
    assert_eq!(response.status(), 201);
    let request = &requests(&server).await[0];
    assert_eq!(request.url.query(), None);
    sent_json(request)
}

#[tokio::test]
async fn submit_billing_data_request_with_billing_items() {
    let sent = sent_billing(Billing::BillingItems(vec![billing_item(false)])).await;
    let item = json!({
        "billingPlanId": "plan_pro_monthly",
        "resourceId": "db_8f2c1a",
        "name": "Pro plan",
        "details": "Monthly subscription, prorated",
        "price": "25.00",
        "quantity": 1,
        "units": "month",
        "total": "25.00"
    });
    assert_json_eq(sent, billing_request_json(json!([item])));
}

#[tokio::test]
async fn submit_billing_data_request_with_items_and_discounts() {
    let billing = Billing::BillingItemsWithDiscounts(BillingItemsWithDiscounts {
        items: vec![billing_item(true)],
        discounts: Some(vec![BillingDiscount {
            billing_plan_id: "plan_pro_monthly".into(),
            resource_id: Some("db_8f2c1a".into()),
            start: Some(dt("2025-06-10T00:00:00Z")),
            end: Some(dt("2025-06-30T23:59:59.999Z")),
            name: "Launch discount".into(),
            details: Some("20% off the first month".into()),
            amount: "5.00".into(),
            extra: Default::default(),
        }]),
        extra: Default::default(),
    });
    let sent = sent_billing(billing).await;
    let expected = json!({
        "items": [{
            "billingPlanId": "plan_pro_monthly",
            "resourceId": "db_8f2c1a",
            "start": "2025-06-10T00:00:00Z",
            "end": "2025-06-30T23:59:59.999Z",
            "name": "Pro plan",
            "details": "Monthly subscription, prorated",
            "price": "25.00",
            "quantity": 1,
            "units": "month",
            "total": "25.00"
        }],
        "discounts": [{
            "billingPlanId": "plan_pro_monthly",
            "resourceId": "db_8f2c1a",
            "start": "2025-06-10T00:00:00Z",
            "end": "2025-06-30T23:59:59.999Z",
            "name": "Launch discount",
            "details": "20% off the first month",
            "amount": "5.00"
        }]
    });
    assert_json_eq(sent, billing_request_json(expected));
}

#[tokio::test]
async fn submit_billing_data_path_values_stay_one_segment() {
    let body = &billing_request(Billing::BillingItems(vec![]));
    assert_hostile_path("POST", "/v1/installations/{}/billing", ResponseTemplate::new(201), |c, id| async move {
        c.submit_billing_data(id, body).await
    })
    .await;
}

#[tokio::test]
async fn submit_billing_data_is_never_team_scoped() {
    let body = &billing_request(Billing::BillingItems(vec![billing_item(false)]));
    assert_installation_scope(
        ResponseTemplate::new(201),
        |c| async move { c.submit_billing_data("icfg_1", body).await },
    )
    .await;
}

#[tokio::test]
async fn submit_billing_data_error_paths() {
    let body = &billing_request(Billing::BillingItems(vec![billing_item(false)]));
    assert_error_paths(
        |c| async move { c.for_installation(INSTALLATION_TOKEN).submit_billing_data("icfg_1", body).await },
    )
    .await;
}

// ---------------------------------------------------------------------------
// GET /v1/microfrontends/groups
// ---------------------------------------------------------------------------

fn microfrontends_json() -> Value {
    json!({
        "groups": [
            {
                "group": {"id": "mfe_grp_4kQz", "slug": "storefront", "name": "Storefront", "fallbackEnvironment": "SAME_ENV"},
                "projects": [
                    {"id": "prj_1", "name": "storefront-shell", "microfrontends": {"isDefaultApp": true}},
                    {"id": "prj_2", "name": "storefront-docs", "microfrontends": {"isDefaultApp": false, "routeObservabilityToThisProject": true}}
                ]
            }
        ],
        "maxMicrofrontendsGroupsPerTeam": 3,
        "maxMicrofrontendsPerGroup": 10
    })
}

#[tokio::test]
async fn get_microfrontends_groups_request_and_response() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/microfrontends/groups"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ok_json(microfrontends_json()))
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server).with_team_slug("acme").get_microfrontends_groups(&Default::default()).await.unwrap();
    assert_eq!(query(&requests(&server).await[0]), pairs(&[("slug", "acme")]));

    let groups = response.into_inner();
    assert_eq!(groups.len(), 3);
    assert_eq!(groups["groups"][0]["group"]["id"], "mfe_grp_4kQz");
    assert_eq!(groups["groups"][0]["projects"][1]["microfrontends"]["isDefaultApp"], false);
    assert_eq!(groups["maxMicrofrontendsPerGroup"], 10);
    assert_eq!(Value::Object(groups), microfrontends_json());
}

#[tokio::test]
async fn get_microfrontends_groups_team_scope() {
    assert_team_scope(ok_json(json!({"groups": []})), |c, team_id, slug| async move {
        let params = GetMicrofrontendsGroupsParams { team_id: team_id.map(Into::into), slug: slug.map(Into::into) };
        c.get_microfrontends_groups(&params).await
    })
    .await;
}

#[tokio::test]
async fn get_microfrontends_groups_error_paths() {
    assert_error_paths(|c| async move { c.get_microfrontends_groups(&GetMicrofrontendsGroupsParams::default()).await })
        .await;
}

#[tokio::test]
async fn get_microfrontends_groups_decode_error() {
    let body = r#"[{"group":{"id":"mfe_grp_4kQz"}}]"#;
    assert_decode_error(|c| async move { c.get_microfrontends_groups(&Default::default()).await }, body, ".").await;
}

// ---------------------------------------------------------------------------
// POST /v1/sandboxes
// ---------------------------------------------------------------------------

fn sandbox_response_json() -> Value {
    json!({
        "sandbox": {
            "id": "sbx_123a6c5209bc3778245d011443644c8d27dc2c50",
            "memory": 4096,
            "vcpus": 2,
            "region": "iad1",
            "runtime": "node24",
            "timeout": 300000,
            "status": "pending",
            "requestedAt": 1750344501629_u64,
            "cwd": "/vercel/sandbox",
            "createdAt": 1750344501629_u64,
            "updatedAt": 1750344501702_u64,
            "sourceSnapshotId": "snap_abc123",
            "networkPolicy": {
                "mode": "custom",
                "allowedDomains": ["api.github.com", "*.npmjs.org"],
                "allowedCIDRs": ["35.192.0.0/12"],
                "deniedCIDRs": ["10.0.0.0/8"],
                "injectionRules": [{"domain": "api.github.com", "headerNames": ["Authorization"]}]
            },
            "projectId": "prj_abc123",
            "persistent": false
        },
        "routes": [
            {"url": "https://sb-5a2c7d1e9f3b.vercel.run", "port": 3000, "subdomain": "sb-5a2c7d1e9f3b"},
            {"url": "https://sb-0c4e6a8b2d1f.vercel.run", "port": 4000, "subdomain": "sb-0c4e6a8b2d1f", "system": true}
        ]
    })
}

/// Sends `body` with `create_sandbox` and returns what went out and what came back.
async fn sent_sandbox(body: &CreateSandboxRequest) -> (Value, CreateSandboxResponse) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/sandboxes"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ok_json(sandbox_response_json()))
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server)
        .with_team_id("team_1a2b3c")
        .create_sandbox(body, &CreateSandboxParams::default())
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let request = &requests(&server).await[0];
    assert_eq!(query(request), pairs(&[("teamId", "team_1a2b3c")]));
    (sent_json(request), response.into_inner())
}

fn matcher(exact: Option<&str>, starts_with: Option<&str>) -> Option<SandboxValueMatcher> {
    Some(SandboxValueMatcher {
        exact: exact.map(Into::into),
        starts_with: starts_with.map(Into::into),
        extra: Default::default(),
    })
}

#[tokio::test]
async fn create_sandbox_request_from_git_and_response() {
    let body = CreateSandboxRequest {
        resources: Some(Resources { vcpus: Some(2), memory: Some(4096), extra: Default::default() }),
        runtime: Some(Runtime::Node24),
        source: Some(SandboxSource::Git(SandboxGitSource {
            type_: SandboxGitSourceType::Git,
            url: "https://github.com/vercel/next.js.git".into(),
            username: Some("x-access-token".into()),
            password: Some("ghp_16C7e42F292c6912E7710c838347Ae178B4a".into()),
            depth: Some(1),
            revision: Some("canary".into()),
            extra: Default::default(),
        })),
        project_id: Some("prj_abc123".into()),
        ports: Some(vec![3000, 4000]),
        timeout: Some(300000),
        network_policy: Some(CreateSandboxNetworkPolicy {
            mode: CreateSandboxNetworkPolicyMode::Custom,
            allowed_domains: Some(vec!["api.github.com".into(), "*.npmjs.org".into()]),
            allowed_cid_rs: Some(vec!["35.192.0.0/12".into(), "104.16.0.0/12".into()]),
            denied_cid_rs: Some(vec!["10.0.0.0/8".into()]),
            injection_rules: Some(vec![CreateSandboxInjectionRule {
                domain: "api.github.com".into(),
                headers: BTreeMap::from([("Authorization".to_owned(), "Bearer ghp_secret".to_owned())]),
                match_: Some(SandboxInjectionRuleMatch {
                    path: matcher(None, Some("/repos/")),
                    method: Some(vec!["GET".into(), "HEAD".into()]),
                    query_string: Some(vec![SandboxEntryMatcher {
                        key: matcher(Some("per_page"), None),
                        value: matcher(None, Some("1")),
                        extra: Default::default(),
                    }]),
                    headers: Some(vec![SandboxEntryMatcher {
                        key: matcher(Some("accept"), None),
                        value: None,
                        extra: Default::default(),
                    }]),
                    extra: Default::default(),
                }),
                extra: Default::default(),
            }]),
            extra: Default::default(),
        }),
        env: Some(BTreeMap::from([
            ("NODE_ENV".to_owned(), "production".to_owned()),
            ("HELLO".to_owned(), "world".to_owned()),
        ])),
        extra: Default::default(),
    };
    let (sent, response) = sent_sandbox(&body).await;
    assert_json_eq(
        sent,
        json!({
            "resources": {"vcpus": 2, "memory": 4096},
            "runtime": "node24",
            "source": {
                "type": "git",
                "url": "https://github.com/vercel/next.js.git",
                "username": "x-access-token",
                "password": "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
                "depth": 1,
                "revision": "canary"
            },
            "projectId": "prj_abc123",
            "ports": [3000, 4000],
            "timeout": 300000,
            "networkPolicy": {
                "mode": "custom",
                "allowedDomains": ["api.github.com", "*.npmjs.org"],
                "allowedCIDRs": ["35.192.0.0/12", "104.16.0.0/12"],
                "deniedCIDRs": ["10.0.0.0/8"],
                "injectionRules": [{
                    "domain": "api.github.com",
                    "headers": {"Authorization": "Bearer ghp_secret"},
                    "match": {
                        "path": {"startsWith": "/repos/"},
                        "method": ["GET", "HEAD"],
                        "queryString": [{"key": {"exact": "per_page"}, "value": {"startsWith": "1"}}],
                        "headers": [{"key": {"exact": "accept"}}]
                    }
                }]
            },
            "env": {"NODE_ENV": "production", "HELLO": "world"}
        }),
    );

    let sandbox = &response.sandbox;
    assert_eq!(sandbox.id, "sbx_123a6c5209bc3778245d011443644c8d27dc2c50");
    assert_eq!(
        (sandbox.memory, sandbox.vcpus, sandbox.timeout),
        (vercel_api::Number(4096.0), vercel_api::Number(2.0), vercel_api::Number(300000.0))
    );
    assert_eq!(
        (sandbox.region.as_str(), sandbox.runtime.as_str(), sandbox.cwd.as_str()),
        ("iad1", "node24", "/vercel/sandbox")
    );
    assert_eq!(sandbox.status, SandboxStatus::Pending);
    assert_eq!(
        (sandbox.requested_at, sandbox.updated_at),
        (vercel_api::Number(1750344501629.0), vercel_api::Number(1750344501702.0))
    );
    assert_eq!((sandbox.started_at, sandbox.stopped_at, sandbox.network_transfer.as_ref()), (None, None, None));
    assert_eq!(sandbox.source_snapshot_id.as_deref(), Some("snap_abc123"));
    let policy = sandbox.network_policy.as_ref().unwrap();
    assert_eq!(policy.mode, SandboxNetworkPolicyMode::Custom);
    assert_eq!(policy.allowed_cid_rs.as_deref(), Some(&["35.192.0.0/12".to_owned()][..]));
    assert_eq!(policy.denied_cid_rs.as_deref(), Some(&["10.0.0.0/8".to_owned()][..]));
    assert_eq!(policy.allowed_domains.as_ref().map(Vec::len), Some(2));
    let rules = policy.injection_rules.as_ref().unwrap();
    assert_eq!(rules[0].domain, "api.github.com");
    assert_eq!(rules[0].header_names, Some(vec!["Authorization".to_owned()]));
    assert_eq!(sandbox.extra["projectId"], "prj_abc123");
    assert_eq!(sandbox.extra["persistent"], false);
    assert_eq!(response.routes.len(), 2);
    assert_eq!(response.routes[0].url, "https://sb-5a2c7d1e9f3b.vercel.run");
    assert_eq!((response.routes[0].port, response.routes[0].system), (vercel_api::Number(3000.0), None));
    assert_eq!((response.routes[1].subdomain.as_str(), response.routes[1].system), ("sb-0c4e6a8b2d1f", Some(true)));
}

#[tokio::test]
async fn create_sandbox_request_from_tarball() {
    let body = CreateSandboxRequest {
        runtime: Some(Runtime::Python313),
        source: Some(SandboxSource::Tarball(SandboxTarballSource {
            type_: SandboxTarballSourceType::Tarball,
            url: "https://example.com/project.tar.gz".into(),
            extra: Default::default(),
        })),
        network_policy: Some(CreateSandboxNetworkPolicy {
            mode: CreateSandboxNetworkPolicyMode::DenyAll,
            allowed_domains: None,
            allowed_cid_rs: None,
            denied_cid_rs: None,
            injection_rules: None,
            extra: Default::default(),
        }),
        ..Default::default()
    };
    let (sent, _) = sent_sandbox(&body).await;
    assert_eq!(
        sent,
        json!({
            "runtime": "python3.13",
            "source": {"type": "tarball", "url": "https://example.com/project.tar.gz"},
            "networkPolicy": {"mode": "deny-all"}
        })
    );
}

#[tokio::test]
async fn create_sandbox_request_from_snapshot() {
    let body = CreateSandboxRequest {
        source: Some(SandboxSource::Snapshot(SandboxSnapshotSource {
            type_: SandboxSnapshotSourceType::Snapshot,
            snapshot_id: "snap_abc123".into(),
            extra: Default::default(),
        })),
        ..Default::default()
    };
    let (sent, _) = sent_sandbox(&body).await;
    assert_eq!(sent, json!({"source": {"type": "snapshot", "snapshotId": "snap_abc123"}}));
    // Nothing set, nothing sent.
    let (sent, _) = sent_sandbox(&CreateSandboxRequest::default()).await;
    assert_eq!(sent, json!({}));
}

#[tokio::test]
async fn create_sandbox_team_scope() {
    let body = &CreateSandboxRequest::default();
    assert_team_scope(ok_json(sandbox_response_json()), |c, team_id, slug| async move {
        let params = CreateSandboxParams { team_id: team_id.map(Into::into), slug: slug.map(Into::into) };
        c.create_sandbox(body, &params).await
    })
    .await;
}

#[tokio::test]
async fn create_sandbox_error_paths() {
    let body = &CreateSandboxRequest::default();
    assert_error_paths(|c| async move { c.create_sandbox(body, &CreateSandboxParams::default()).await }).await;
}

#[tokio::test]
async fn create_sandbox_decode_error() {
    let body = &CreateSandboxRequest::default();
    let mut response = sandbox_response_json();
    response["sandbox"]["status"] = json!(3);
    let text = response.to_string();
    assert_decode_error(|c| async move { c.create_sandbox(body, &Default::default()).await }, &text, "sandbox.status")
        .await;
    let mut response = sandbox_response_json();
    response["routes"][1]["port"] = json!("4000");
    let text = response.to_string();
    assert_decode_error(|c| async move { c.create_sandbox(body, &Default::default()).await }, &text, "routes[1].port")
        .await;
}
