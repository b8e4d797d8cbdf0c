//! Per-request overhead of [`vercel_api::Client`] compared with a hand-written
//! `reqwest` + `serde_json` call doing the same request.
//!
//! A minimal HTTP/1.1 server on 127.0.0.1 (one thread of its own for all
//! connections, no parsing beyond the end of the headers) answers every
//! request with the same canned `GET /v1/webhooks/{id}` body. On one current-thread tokio runtime,
//! the two clients then take turns: `client.get_webhook(..)` and
//! `reqwest::Client::get(..).send()` + `.json::<T>()`, where `T` is the type
//! `get_webhook` returns (so both decode into the same generated type). The
//! order within each pair alternates, so drift (CPU frequency, the other
//! process) hits both sides alike. Each request is timed on its own; the
//! report gives the medians and the ratio of the medians.
//!
//! ```text
//! cargo bench -p vercel-api --bench overhead              # human-readable
//! cargo bench -p vercel-api --bench overhead -- --json    # plus one JSON line on stdout
//! cargo bench -p vercel-api --bench overhead -- --quick   # fewer requests
//! ```
//!
//! Nothing is asserted about the times: this is a measurement, not a test.
//! The bench only uses `Client::get_webhook` and type inference, so it also
//! compiles in crates generated from other specs (`cargo xtask check-spec`).

use std::hint::black_box;
use std::io;
use std::marker::PhantomData;
use std::net::{SocketAddr, TcpListener};
use std::time::{Duration, Instant};

use reqwest::header::{ACCEPT, USER_AGENT};
use serde::de::DeserializeOwned;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use vercel_api::Client;

const TOKEN: &str = "vercel_bench_token_Xy12Zq";
const ID: &str = "account_hook_GflD6EYyo7F4ViYS";

/// The canned body: a webhook as `GET /v1/webhooks/{id}` returns it.
const BODY: &str = r#"{"events":["deployment.created","deployment.ready","deployment.error","project.created"],"id":"account_hook_GflD6EYyo7F4ViYS","url":"https://example.com/api/vercel-webhook","ownerId":"team_ZspSRT4ljIEEmMHgoDwKWDei","createdAt":1567024758130,"updatedAt":1567024758999,"projectIds":["prj_12HKQaOmR5t5Uy6vdcQsNIiZgHGB","prj_9pJlTkRrq6LzyYkSpZDn3SG1vcMk"]}"#;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let json_out = args.iter().any(|a| a == "--json");
    let quick = args.iter().any(|a| a == "--quick");
    let (rounds, pairs) = if quick { (3, 1_000) } else { (5, 4_000) };

    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("local address");
    std::thread::spawn(move || serve(listener));

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime");
    let report = runtime.block_on(run(addr, rounds, pairs));
    eprintln!(
        "overhead: {} requests per client; median {:.1} µs (vercel-api) vs {:.1} µs (reqwest + serde_json): {:.3}x; \
         per round {:?}",
        report["requests_per_client"],
        report["ours"]["median_us"].as_f64().unwrap_or_default(),
        report["baseline"]["median_us"].as_f64().unwrap_or_default(),
        report["ratio"].as_f64().unwrap_or_default(),
        report["round_ratios"].as_array().map(|r| r.iter().filter_map(|x| x.as_f64()).collect::<Vec<_>>()),
    );
    if json_out {
        println!("{report}");
    }
}

async fn run(addr: SocketAddr, rounds: usize, pairs: usize) -> serde_json::Value {
    let base = format!("http://{addr}");
    // The client as users get it: default settings (retries, timeouts).
    let ours = Client::builder().token(TOKEN).base_url(&base).build().expect("client");
    let http = reqwest::Client::new();
    let url = format!("{base}/v1/webhooks/{ID}");
    let user_agent = concat!("vercel-api-rs/", env!("CARGO_PKG_VERSION"));

    // One call of each shows they agree, and names the type for the baseline.
    let first = ours.get_webhook(ID, &Default::default()).await.expect("get_webhook").into_inner();
    let ty = like(&first);
    let same = baseline(&http, &url, user_agent, ty).await;
    assert!(same == first, "the two clients decode the same body differently");
    let decoded_as = std::any::type_name_of_val(&first);

    // Warm-up: connections, allocator, caches.
    for _ in 0..500 {
        black_box(ours.get_webhook(ID, &Default::default()).await.expect("get_webhook"));
        black_box(baseline(&http, &url, user_agent, ty).await);
    }

    let mut all_ours = Vec::with_capacity(rounds * pairs);
    let mut all_base = Vec::with_capacity(rounds * pairs);
    let mut round_ratios = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let mut t_ours = Vec::with_capacity(pairs);
        let mut t_base = Vec::with_capacity(pairs);
        for i in 0..pairs {
            if i % 2 == 0 {
                t_ours.push(time(ours.get_webhook(ID, &Default::default())).await);
                t_base.push(time(baseline(&http, &url, user_agent, ty)).await);
            } else {
                t_base.push(time(baseline(&http, &url, user_agent, ty)).await);
                t_ours.push(time(ours.get_webhook(ID, &Default::default())).await);
            }
        }
        round_ratios.push(round3(median(&mut t_ours.clone()) / median(&mut t_base.clone())));
        all_ours.extend(t_ours);
        all_base.extend(t_base);
    }
    let ours_stats = stats(&mut all_ours);
    let base_stats = stats(&mut all_base);
    let ratio = ours_stats["median_us"].as_f64().unwrap_or(f64::NAN) / base_stats["median_us"].as_f64().unwrap_or(1.0);
    json!({
        "bench": "overhead",
        "request": format!("GET /v1/webhooks/{ID}"),
        "body_bytes": BODY.len(),
        "decoded_as": decoded_as,
        "requests_per_client": rounds * pairs,
        "rounds": rounds,
        "ours": ours_stats,
        "baseline": base_stats,
        "ratio": round3(ratio),
        "round_ratios": round_ratios,
    })
}

/// The hand-written call: same URL, headers (bearer token, `Accept`,
/// `User-Agent`) and decoding target, with a default `reqwest::Client`.
async fn baseline<T: DeserializeOwned>(http: &reqwest::Client, url: &str, user_agent: &str, _: PhantomData<T>) -> T {
    let response = http
        .get(url)
        .bearer_auth(TOKEN)
        .header(ACCEPT, "application/json")
        .header(USER_AGENT, user_agent)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .expect("baseline request");
    response.json::<T>().await.expect("baseline decode")
}

fn like<T>(_: &T) -> PhantomData<T> {
    PhantomData
}

async fn time<T>(f: impl std::future::Future<Output = T>) -> Duration {
    let start = Instant::now();
    black_box(f.await);
    start.elapsed()
}

fn median(samples: &mut [Duration]) -> f64 {
    percentile(samples, 0.5)
}

/// Microseconds at quantile `q` (nearest rank).
fn percentile(samples: &mut [Duration], q: f64) -> f64 {
    samples.sort_unstable();
    let at = ((samples.len() as f64 - 1.0) * q).round() as usize;
    samples.get(at).map_or(f64::NAN, |d| d.as_secs_f64() * 1e6)
}

fn stats(samples: &mut [Duration]) -> serde_json::Value {
    json!({
        "median_us": round3(percentile(samples, 0.5)),
        "p10_us": round3(percentile(samples, 0.1)),
        "p90_us": round3(percentile(samples, 0.9)),
        "p99_us": round3(percentile(samples, 0.99)),
    })
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Serves on one thread of its own: a current-thread tokio runtime that
/// answers every connection, so both clients' connections are served by the
/// same thread (with a thread per connection, where the scheduler puts each
/// thread shows up as a steady difference between the clients).
fn serve(listener: TcpListener) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_io().build().expect("server runtime");
    runtime.block_on(async move {
        listener.set_nonblocking(true).expect("non-blocking listener");
        let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let _ = answer(stream).await;
            });
        }
    });
}

/// Answers every request on a keep-alive connection with [`BODY`]. The
/// requests are GETs without a body: a request ends at its blank line.
async fn answer(mut stream: tokio::net::TcpStream) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: {}\r\n\r\n{BODY}",
        BODY.len()
    );
    let mut pending = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        pending.extend_from_slice(&chunk[..n]);
        while let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
            pending.drain(..end + 4);
            stream.write_all(response.as_bytes()).await?;
        }
    }
}
