//! A typed client for the [Vercel REST API](https://vercel.com/docs/rest-api).
//!
//! The operations are generated from Vercel's OpenAPI description: each one
//! is a method on [`Client`] that returns a [`Response`] (the decoded body plus
//! the status and headers) or an [`Error`]. The request and response types are
//! in [`types`], the parameter structs and per-status response enums in
//! [`operations`].
//!
//! ```no_run
//! use vercel_api::{Client, Error};
//!
//! # async fn example() -> vercel_api::Result<()> {
//! // Reads VERCEL_TOKEN, and optionally VERCEL_TEAM_ID and VERCEL_API_URL.
//! let client = Client::from_env()?;
//!
//! // Cheap, scoped clones that share the connection pool.
//! let acme = client.with_team_slug("acme");
//! # let _ = acme;
//!
//! // Every operation returns `vercel_api::Result<Response<T>>`:
//! # let result: vercel_api::Result<vercel_api::Response<()>> = Ok(vercel_api::Response::new(
//! #     (), reqwest::StatusCode::OK, Default::default()));
//! match result {
//!     Ok(response) => println!("status {}", response.status()),
//!     Err(Error::Api(e)) if e.status == 404 => println!("not found: {:?}", e.message),
//!     Err(e) => return Err(e),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Teams
//!
//! Operations that accept the `teamId`/`slug` query parameters send the
//! client's [`TeamScope`] (from [`ClientBuilder::team_id`],
//! [`Client::with_team_id`], `VERCEL_TEAM_ID`...) unless the call sets its own.
//!
//! # Marketplace integrations
//!
//! The endpoints an integration provider calls for an installation (billing,
//! balance, finalizing, resources, experimentation items) take the
//! installation's access token instead of a user token: use
//! [`Client::for_installation`].
//!
//! # Errors, retries and rate limits
//!
//! [`Error`] tells apart API errors (with Vercel's `code` and `message`, the
//! request id and the raw body), bodies that do not decode (with the JSON path
//! that failed), timeouts and transport failures. Transient failures are
//! retried as [`RetryConfig`] describes, honouring `Retry-After`. Rate limits
//! are read with [`RateLimitExt::rate_limit`] and [`Error::rate_limit`].
//!
//! # Security
//!
//! The token is sent only in the `Authorization` header, to the configured
//! base URL (redirects to other hosts are not followed), and never appears in
//! `Debug` output, error messages or tracing spans.
//!
//! # Tracing
//!
//! Each call runs in a `vercel_api.request` [`tracing`] span with the
//! operation id, method, path template, status, attempt count and duration.
//! Query values and the token are never recorded.
//!
//! # Cargo features
//!
//! * `rustls` (default): TLS through rustls.
//! * `native-tls`: TLS through the platform's library.

#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod auth;
mod client;
mod error;
#[rustfmt::skip]
mod generated;
pub mod nullable;
mod number;
pub mod pagination;
mod ratelimit;
mod retry;
mod runtime;

pub use generated::{operations, types};

pub use client::{Client, ClientBuilder, TeamScope};
pub use error::{ApiError, DecodeError, Error, Result};
pub use number::Number;
pub use progenitor_client::ByteStream;
/// A successful response: the decoded body (reachable through `Deref` and
/// [`into_inner`](progenitor_client::ResponseValue::into_inner)), the status
/// and the headers.
pub use progenitor_client::ResponseValue as Response;
pub use ratelimit::{RateLimit, RateLimitExt};
pub use retry::RetryConfig;

/// The README's examples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
