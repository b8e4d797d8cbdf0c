//! Runs inside the crate generated from `tests/fixtures/pagination.yaml`
//! (see `fixtures_compile.rs`): the `…_stream` methods against a local server.

use futures::{StreamExt, TryStreamExt};
use serde_json::json;
use vercel_api::operations::{GetDeploymentsParams, GetProjectsParams, ListAccessGroupMembersParams};
use vercel_api::{Client, Error, RetryConfig};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder().token("tok").base_url(&server.uri()).retry(RetryConfig::disabled()).build().unwrap()
}

fn deployments(uids: &[&str], next: Option<u64>) -> serde_json::Value {
    let items: Vec<_> = uids.iter().map(|u| json!({"uid": u, "created": 1})).collect();
    json!({"deployments": items, "pagination": {"count": uids.len(), "next": next, "prev": null}})
}

#[tokio::test]
async fn follows_next_through_until_across_pages() {
    let server = MockServer::start().await;
    let page = |q: Option<&str>, body| {
        let m = Mock::given(method("GET")).and(path("/v6/deployments")).and(query_param("limit", "2"));
        let m = match q {
            Some(until) => m.and(query_param("until", until)),
            None => m.and(query_param_is_missing("until")),
        };
        m.respond_with(ResponseTemplate::new(200).set_body_json(body)).expect(1)
    };
    page(None, deployments(&["a", "b"], Some(300))).mount(&server).await;
    page(Some("300"), deployments(&["c", "d"], Some(200))).mount(&server).await;
    page(Some("200"), deployments(&["e"], None)).mount(&server).await;
    let client = client(&server);
    let params = GetDeploymentsParams { limit: Some(2.into()), ..Default::default() };
    let uids: Vec<String> = client.get_deployments_stream(&params).map_ok(|d| d.uid).try_collect().await.unwrap();
    assert_eq!(uids, ["a", "b", "c", "d", "e"]);
}

#[tokio::test]
async fn fetches_a_page_only_when_the_previous_one_is_consumed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v6/deployments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(deployments(&["a", "b"], Some(1))))
        .mount(&server)
        .await;
    let client = client(&server);
    let mut stream = client.get_deployments_stream(&GetDeploymentsParams::default());
    assert_eq!(stream.next().await.unwrap().unwrap().uid, "a");
    assert_eq!(stream.next().await.unwrap().unwrap().uid, "b");
    assert_eq!(server.received_requests().await.unwrap().len(), 1, "the second page is not fetched yet");
    drop(stream);
}

#[tokio::test]
async fn an_empty_first_page_ends_the_stream() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v6/deployments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(deployments(&[], None)))
        .expect(1)
        .mount(&server)
        .await;
    let items: Vec<_> = client(&server).get_deployments_stream(&Default::default()).collect().await;
    assert!(items.is_empty());
}

#[tokio::test]
async fn a_repeated_cursor_stops_with_an_error_instead_of_looping() {
    let server = MockServer::start().await;
    // Every page says the next one is at 100: a server bug that would loop forever.
    Mock::given(method("GET"))
        .and(path("/v6/deployments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(deployments(&["x"], Some(100))))
        .mount(&server)
        .await;
    let items: Vec<_> = client(&server).get_deployments_stream(&Default::default()).collect().await;
    assert_eq!(items.len(), 3, "{items:?}");
    assert_eq!(items[0].as_ref().unwrap().uid, "x");
    assert_eq!(items[1].as_ref().unwrap().uid, "x");
    assert!(matches!(items[2], Err(Error::RepeatedCursor(_))), "{:?}", items[2]);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn an_error_page_ends_the_stream_with_the_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v6/deployments"))
        .and(query_param_is_missing("until"))
        .respond_with(ResponseTemplate::new(200).set_body_json(deployments(&["a"], Some(5))))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v6/deployments"))
        .and(query_param("until", "5"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({"error": {"code": "boom", "message": "no"}})))
        .mount(&server)
        .await;
    let items: Vec<_> = client(&server).get_deployments_stream(&Default::default()).collect().await;
    assert_eq!(items.len(), 2);
    match &items[1] {
        Err(Error::Api(e)) => assert_eq!(e.code.as_deref(), Some("boom")),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn string_cursor_in_a_oneof_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v10/projects"))
        .and(query_param_is_missing("from"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"projects": [{"id": "p1"}], "pagination": {"count": 1, "next": 42, "prev": null}}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v10/projects"))
        .and(query_param("from", "42"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"projects": [{"id": "p2"}], "pagination": {"count": 1, "next": null, "prev": 42}}),
        ))
        .mount(&server)
        .await;
    let ids: Vec<String> = client(&server)
        .get_projects_stream(&GetProjectsParams::default())
        .map_ok(|p| p.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["p1", "p2"]);
}

#[tokio::test]
async fn cursor_named_next_with_a_path_parameter() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/access-groups/ag%2F1/members"))
        .and(query_param_is_missing("next"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"members": [{"uid": "u1"}], "pagination": {"count": 1, "next": "cur_2"}}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/access-groups/ag%2F1/members"))
        .and(query_param("next", "cur_2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"members": [{"uid": "u2"}], "pagination": {"count": 1, "next": null}}),
        ))
        .mount(&server)
        .await;
    let uids: Vec<String> = client(&server)
        .list_access_group_members_stream("ag/1", &ListAccessGroupMembersParams::default())
        .map_ok(|m| m.uid)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(uids, ["u1", "u2"]);
}
