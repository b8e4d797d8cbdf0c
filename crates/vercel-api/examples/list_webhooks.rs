//! List a team's webhooks.
//!
//! ```sh
//! VERCEL_TOKEN=... VERCEL_TEAM_ID=team_... cargo run -p vercel-api --example list_webhooks [PROJECT_ID]
//! ```
//!
//! `VERCEL_TEAM_ID` picks the team (without it, the personal account's
//! webhooks are listed); a project id as argument keeps only that project's
//! webhooks. `VERCEL_API_URL` sends the requests to another base URL, such as
//! a mock server.

use std::process::ExitCode;

use vercel_api::operations::GetWebhooksParams;
use vercel_api::types::{GetWebhooksResponse, WebhookEvent};
use vercel_api::{Client, Error, RateLimitExt, TeamScope};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let client = match Client::from_env() {
        Ok(client) => client,
        Err(e) => return fail(&e),
    };
    let params = GetWebhooksParams { project_id: std::env::args().nth(1), ..Default::default() };
    let response = match client.get_webhooks(&params).await {
        Ok(response) => response,
        Err(e) => return fail(&e),
    };
    let owner = match client.team_scope() {
        Some(TeamScope::TeamId(id) | TeamScope::Slug(id)) => format!("team {id}"),
        _ => "your account".to_string(),
    };
    let rate_limit = response.rate_limit();
    // The spec describes two shapes (with and without `projectsMetadata`);
    // both carry the same fields we print here.
    let rows: Vec<(String, String, Vec<WebhookEvent>, Vec<String>)> = match response.into_inner() {
        GetWebhooksResponse::WebhookWithProjectsMetadatas(hooks) => hooks
            .into_iter()
            .map(|h| {
                let projects = h.projects_metadata.unwrap_or_default().into_iter().map(|p| p.name).collect();
                (h.id, h.url, h.events, projects)
            })
            .collect(),
        GetWebhooksResponse::Webhooks(hooks) => {
            hooks.into_iter().map(|h| (h.id, h.url, h.events, h.project_ids.unwrap_or_default())).collect()
        }
        other => {
            println!("{owner}: a list of webhooks this version of the crate does not know: {other:?}");
            return ExitCode::SUCCESS;
        }
    };
    println!("{} webhook{} for {owner}:", rows.len(), if rows.len() == 1 { "" } else { "s" });
    for (id, url, events, projects) in rows {
        let events: Vec<String> = events.iter().map(wire).collect();
        println!("- {id} -> {url}");
        println!("  events: {}", events.join(", "));
        if !projects.is_empty() {
            println!("  projects: {}", projects.join(", "));
        }
    }
    if let Some(limit) = rate_limit {
        let show = |n: Option<u64>| n.map_or("?".to_string(), |n| n.to_string());
        println!("rate limit: {} of {} requests left", show(limit.remaining), show(limit.limit));
    }
    ExitCode::SUCCESS
}

/// An enum value as Vercel spells it (`deployment.created`).
fn wire(event: &WebhookEvent) -> String {
    match serde_json::to_value(event) {
        Ok(serde_json::Value::String(s)) => s,
        _ => format!("{event:?}"),
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
