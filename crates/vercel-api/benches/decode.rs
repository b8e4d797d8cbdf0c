//! Decoding a large, realistic response: 1,000 webhooks as the body of
//! `GET /v1/webhooks`, into the generated types, into `serde_json::Value` and
//! into a minimal hand-written struct with the same fields.
//!
//! The body is built from a realistic template with varied values (ids, URLs,
//! 1–6 events, 0–5 projects with their metadata, timestamps) by a fixed
//! pseudo-random sequence, so every run decodes the same bytes. Each way of
//! decoding runs in turn, round after round; the report gives the median and
//! the fastest time of one decode, and the throughput (MB/s, 10^6 bytes) and
//! ratios of the fastest (the round least disturbed by the rest of the
//! machine).
//!
//! Two bodies are decoded: the webhooks with their `projectsMetadata` (the
//! first shape of the response's `oneOf`) and the same webhooks without it
//! (the second shape, which the generated untagged enum tries after the
//! first fails).
//!
//! ```text
//! cargo bench -p vercel-api --bench decode              # human-readable
//! cargo bench -p vercel-api --bench decode -- --json    # plus one JSON line on stdout
//! cargo bench -p vercel-api --bench decode -- --quick   # fewer rounds
//! ```
//!
//! The bench names only `vercel_api::types::GetWebhooksResponse`, so it also
//! compiles in crates generated from other specs (`cargo xtask check-spec`).

use std::hint::black_box;
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::{json, Map, Value};
use vercel_api::types::GetWebhooksResponse;

const WEBHOOKS: usize = 1_000;

/// The hand-written struct: the fields of the spec's webhook, with plain
/// `String`s for the events and framework, no `extra` map.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // Read by `Debug` only.
struct HandWebhook {
    events: Vec<String>,
    id: String,
    url: String,
    owner_id: String,
    created_at: f64,
    updated_at: f64,
    project_ids: Option<Vec<String>>,
    #[serde(default)]
    projects_metadata: Option<Vec<HandProject>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct HandProject {
    id: String,
    name: String,
    framework: Option<String>,
    latest_deployment: Option<String>,
}

/// [`HandWebhook`] plus what the generated struct adds on top of the
/// fields: a `#[serde(flatten)]` map that keeps unknown properties.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct HandWebhookExtra {
    events: Vec<String>,
    id: String,
    url: String,
    owner_id: String,
    created_at: f64,
    updated_at: f64,
    project_ids: Option<Vec<String>>,
    #[serde(default)]
    projects_metadata: Option<Vec<HandProjectExtra>>,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct HandProjectExtra {
    id: String,
    name: String,
    framework: Option<String>,
    latest_deployment: Option<String>,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

/// How one body is decoded.
struct Way {
    name: &'static str,
    /// Whether it appears in the headline table (the others explain it).
    headline: bool,
    decode: fn(&[u8]) -> usize,
}

fn ways() -> Vec<Way> {
    vec![
        Way { name: "serde_json::Value", headline: true, decode: |b| count(serde_json::from_slice::<Value>(b)) },
        Way {
            name: "hand-written struct",
            headline: true,
            decode: |b| count(serde_json::from_slice::<Vec<HandWebhook>>(b)),
        },
        Way {
            name: "generated (serde_json::from_slice)",
            headline: true,
            decode: |b| count(serde_json::from_slice::<GetWebhooksResponse>(b)),
        },
        Way { name: "generated, as the client decodes", headline: true, decode: |b| count(client_decode(b)) },
        Way {
            name: "hand-written + flatten `extra` map",
            headline: false,
            decode: |b| count(serde_json::from_slice::<Vec<HandWebhookExtra>>(b)),
        },
        Way {
            name: "hand-written + flatten + untagged list enum",
            headline: false,
            decode: |b| count(serde_json::from_slice::<HandUntagged>(b)),
        },
    ]
}

/// The shape of the generated response enum, over the hand-written structs
/// with `extra` (the branch without metadata is the first struct minus the
/// required `projectsMetadata`: the hand-written one defaults it, so both
/// bodies match the first branch here).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
#[allow(dead_code)]
enum HandUntagged {
    WithMetadata(Vec<HandWebhookExtra>),
    Unknown(Value),
}

/// What `vercel_api` does with a success body: `serde_path_to_error` over
/// `serde_json`, then a check that nothing follows the value.
fn client_decode(bytes: &[u8]) -> serde_json::Result<GetWebhooksResponse> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(serde_path_to_error::Error::into_inner)?;
    de.end()?;
    Ok(value)
}

fn count<T: std::fmt::Debug, E: std::fmt::Display>(decoded: Result<T, E>) -> usize {
    match decoded {
        Ok(value) => {
            black_box(&value);
            1
        }
        Err(e) => panic!("decode failed: {e}"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let json_out = args.iter().any(|a| a == "--json");
    let rounds = if args.iter().any(|a| a == "--quick") { 7 } else { 51 };

    let mut bodies = Vec::new();
    for with_metadata in [true, false] {
        let body = serde_json::to_vec(&webhooks(WEBHOOKS, with_metadata)).expect("serialize");
        let shape = check(&body);
        bodies.push(bench_body(&body, with_metadata, &shape, rounds));
    }
    let report = json!({ "bench": "decode", "webhooks": WEBHOOKS, "rounds": rounds, "bodies": bodies });
    if json_out {
        println!("{report}");
    }
}

/// Checks that the body decodes into a known shape of the generated enum
/// (not its `Unknown` fallback); returns the shape's name.
fn check(body: &[u8]) -> String {
    let decoded: GetWebhooksResponse = serde_json::from_slice(body).expect("generated decode");
    let shape: String = format!("{decoded:?}").chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    assert_ne!(shape, "Unknown", "the body should decode into a known shape");
    shape
}

fn bench_body(body: &[u8], with_metadata: bool, shape: &str, rounds: usize) -> Value {
    let ways = ways();
    let mut times: Vec<Vec<Duration>> = vec![Vec::with_capacity(rounds); ways.len()];
    // Warm-up, then every way once a round, in turn.
    for way in &ways {
        (way.decode)(body);
    }
    for _ in 0..rounds {
        for (way, t) in ways.iter().zip(&mut times) {
            let start = Instant::now();
            black_box((way.decode)(black_box(body)));
            t.push(start.elapsed());
        }
    }
    // (median, fastest) in seconds. The fastest round is the one the rest
    // of the machine disturbed least: on a shared machine it is the steadier
    // figure for this CPU-bound work, so throughput and ratios use it.
    let figures: Vec<(f64, f64)> = times
        .iter_mut()
        .map(|t| {
            t.sort_unstable();
            (t[t.len() / 2].as_secs_f64(), t[0].as_secs_f64())
        })
        .collect();
    let (ref_median, ref_fastest) = figures[1]; // the hand-written struct
    let results: Vec<Value> = ways
        .iter()
        .zip(&figures)
        .map(|(way, &(median, fastest))| {
            json!({
                "name": way.name,
                "headline": way.headline,
                "median_ms": round3(median * 1e3),
                "fastest_ms": round3(fastest * 1e3),
                "mb_per_s": round3(body.len() as f64 / fastest / 1e6),
                "mb_per_s_median": round3(body.len() as f64 / median / 1e6),
                "time_vs_hand_written": round3(fastest / ref_fastest),
                "time_vs_hand_written_median": round3(median / ref_median),
            })
        })
        .collect();
    let label = if with_metadata { "with projectsMetadata" } else { "without projectsMetadata" };
    eprintln!("decode: {WEBHOOKS} webhooks {label}, {} bytes, generated shape {shape}:", body.len());
    for r in &results {
        eprintln!(
            "  {:<45} median {:>7.3} ms, fastest {:>7.3} ms {:>7.1} MB/s {:>5.2}x the hand-written time",
            r["name"].as_str().unwrap_or_default(),
            r["median_ms"].as_f64().unwrap_or_default(),
            r["fastest_ms"].as_f64().unwrap_or_default(),
            r["mb_per_s"].as_f64().unwrap_or_default(),
            r["time_vs_hand_written"].as_f64().unwrap_or_default(),
        );
    }
    json!({
        "body": label,
        "bytes": body.len(),
        "generated_shape": shape,
        "results": results,
    })
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// A small xorshift generator: the same values on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    fn id(&mut self, prefix: &str, len: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let mut id = String::from(prefix);
        id.extend((0..len).map(|_| ALPHABET[self.below(ALPHABET.len())] as char));
        id
    }
}

const EVENTS: &[&str] = &[
    "deployment.created",
    "deployment.succeeded",
    "deployment.ready",
    "deployment.error",
    "deployment.canceled",
    "deployment.promoted",
    "deployment.checks.failed",
    "project.created",
    "project.removed",
    "project.env-variable.created",
    "project.domain.created",
    "domain.created",
    "domain.certificate.renew",
    "integration-configuration.removed",
    "firewall.attack",
    "budget.reached",
];

const FRAMEWORKS: &[&str] = &["nextjs", "vite", "astro", "remix", "sveltekit-1", "nuxtjs", "gatsby", "hugo"];

const WORDS: &[&str] =
    &["acme", "shop", "docs", "blog", "api", "dashboard", "marketing", "checkout", "status", "landing", "admin"];

/// `n` webhooks as `GET /v1/webhooks` returns them.
fn webhooks(n: usize, with_metadata: bool) -> Value {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let hooks: Vec<Value> = (0..n)
        .map(|i| {
            let mut events: Vec<&str> = Vec::new();
            for _ in 0..1 + rng.below(6) {
                let event = rng.pick(EVENTS);
                if !events.contains(&event) {
                    events.push(event);
                }
            }
            let created = 1_600_000_000_000u64 + rng.next() % 150_000_000_000;
            let updated = created + rng.next() % 20_000_000_000;
            let mut hook = Map::new();
            hook.insert("events".into(), json!(events));
            hook.insert("id".into(), json!(rng.id("account_hook_", 16)));
            hook.insert(
                "url".into(),
                json!(format!("https://{}-{i}.example.com/api/webhooks/vercel", rng.pick(WORDS))),
            );
            hook.insert("ownerId".into(), json!(rng.id("team_", 24)));
            hook.insert("createdAt".into(), json!(created));
            hook.insert("updatedAt".into(), json!(updated));
            // A fifth of the webhooks are account-wide: no projects.
            let projects = if rng.below(5) == 0 { None } else { Some(1 + rng.below(5)) };
            let ids: Vec<String> = (0..projects.unwrap_or(0)).map(|_| rng.id("prj_", 28)).collect();
            if projects.is_some() {
                hook.insert("projectIds".into(), json!(ids));
            }
            if with_metadata {
                let metadata: Option<Vec<Value>> = projects.map(|_| {
                    ids.iter()
                        .map(|id| {
                            let mut project = Map::new();
                            project.insert("id".into(), json!(id));
                            project.insert("name".into(), json!(format!("{}-{}", rng.pick(WORDS), rng.pick(WORDS))));
                            if rng.below(6) != 0 {
                                project.insert("framework".into(), json!(rng.pick(FRAMEWORKS)));
                            }
                            if rng.below(4) != 0 {
                                project.insert("latestDeployment".into(), json!(rng.id("dpl_", 28)));
                            }
                            Value::Object(project)
                        })
                        .collect()
                });
                hook.insert("projectsMetadata".into(), json!(metadata));
            }
            Value::Object(hook)
        })
        .collect();
    Value::Array(hooks)
}
