//! Report billing data and the prepayment balance of a marketplace
//! installation, as an integration provider does once a day or more.
//!
//! ```sh
//! VERCEL_TOKEN=... VERCEL_INSTALLATION_TOKEN=... \
//!     cargo run -p vercel-api --example marketplace_billing INSTALLATION_ID
//! ```
//!
//! Marketplace billing endpoints are authorized with the installation's access
//! token (`credentials.access_token` from the Upsert Installation request), not
//! with a user token: the client from the environment is turned into one for
//! the installation with `Client::for_installation`. `INSTALLATION_ID` is the
//! integration configuration id (`icfg_...`). `VERCEL_API_URL` sends the
//! requests to another base URL.

use std::process::ExitCode;

use chrono::{Duration, Utc};
use vercel_api::types::{
    Billing, BillingItem, Period, PrepaymentBalance, SubmitBillingDataRequest, SubmitPrepaymentBalancesRequest,
    UsageMetric, UsageMetricType,
};
use vercel_api::{Client, Error};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let Some(installation_id) = std::env::args().nth(1) else {
        eprintln!("usage: marketplace_billing INSTALLATION_ID (with VERCEL_TOKEN and VERCEL_INSTALLATION_TOKEN set)");
        return ExitCode::FAILURE;
    };
    let Some(access_token) = std::env::var("VERCEL_INSTALLATION_TOKEN").ok().filter(|t| !t.is_empty()) else {
        eprintln!("error: set VERCEL_INSTALLATION_TOKEN to the installation's access token");
        return ExitCode::FAILURE;
    };
    let client = match Client::from_env() {
        Ok(client) => client,
        Err(e) => return fail(&e),
    };
    let installation = client.for_installation(access_token);

    // Today's interim invoice: one line item and one usage metric.
    let now = Utc::now();
    let items = vec![BillingItem {
        billing_plan_id: "pro".into(),
        resource_id: Some("db_primary".into()),
        name: "Database (Pro plan)".into(),
        price: "10.00".into(),
        quantity: 1.0.into(),
        units: "month".into(),
        total: "10.00".into(),
        ..Default::default()
    }];
    let usage = vec![UsageMetric {
        resource_id: Some("db_primary".into()),
        name: "Storage".into(),
        type_: UsageMetricType::Total,
        units: "GB".into(),
        day_value: 2.5.into(),
        period_value: 2.5.into(),
        plan_value: Some(10.0.into()),
        extra: Default::default(),
    }];
    let lines: Vec<String> = items.iter().map(|i| format!("{} ${}", i.name, i.total)).collect();
    let metrics: Vec<String> = usage.iter().map(|u| format!("{} {} {}", u.name, u.day_value, u.units)).collect();
    let billing = SubmitBillingDataRequest {
        timestamp: now,
        eod: now,
        period: Period { start: now - Duration::hours(1), end: now, ..Default::default() },
        billing: Billing::BillingItems(items),
        usage,
        extra: Default::default(),
    };
    match installation.submit_billing_data(&installation_id, &billing).await {
        Ok(response) => {
            println!("billing data for {installation_id} sent (HTTP {})", response.status());
            println!("  items: {}", lines.join(", "));
            println!("  usage: {}", metrics.join(", "));
        }
        Err(e) => return fail(&e),
    }

    // The prepaid credits left on the installation.
    let balances = SubmitPrepaymentBalancesRequest {
        timestamp: now,
        balances: vec![PrepaymentBalance {
            credit: Some("2,000 Tokens".into()),
            name_label: Some("Tokens".into()),
            currency_value_in_cents: 2000.0.into(),
            ..Default::default()
        }],
        extra: Default::default(),
    };
    match installation.submit_prepayment_balances(&installation_id, &balances).await {
        Ok(response) => {
            println!("prepayment balance for {installation_id} sent (HTTP {})", response.status());
            for b in &balances.balances {
                let credit = b.credit.as_deref().unwrap_or("credits");
                println!("  {credit} (worth {} cents)", b.currency_value_in_cents);
            }
        }
        Err(e) => return fail(&e),
    }
    ExitCode::SUCCESS
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
