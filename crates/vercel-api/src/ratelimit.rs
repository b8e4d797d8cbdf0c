//! Vercel's rate-limit information.
//!
//! Vercel reports rate limits in the `X-RateLimit-Limit`,
//! `X-RateLimit-Remaining` and `X-RateLimit-Reset` headers, and, on a `429`,
//! in the body: `{"error": {"code": "rate_limited", "limit": {"total",
//! "remaining", "reset", "resetMs"}}}`. [`RateLimit`] holds either.
//!
//! Read it from a successful response with [`RateLimitExt::rate_limit`] and
//! from an error with [`Error::rate_limit`](crate::Error::rate_limit).

use chrono::{DateTime, Utc};
use reqwest::header::HeaderMap;

use crate::Response;

/// The rate limit of the endpoint that answered a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct RateLimit {
    /// How many requests the window allows (`X-RateLimit-Limit`).
    pub limit: Option<u64>,
    /// How many requests are left in the window (`X-RateLimit-Remaining`).
    pub remaining: Option<u64>,
    /// When the window resets, in Unix seconds (`X-RateLimit-Reset`).
    pub reset: Option<u64>,
}

impl RateLimit {
    /// Reads the `X-RateLimit-*` headers; `None` when none of them is present
    /// and valid.
    pub fn from_headers(headers: &HeaderMap) -> Option<Self> {
        let number = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<u64>().ok();
        Self {
            limit: number("x-ratelimit-limit"),
            remaining: number("x-ratelimit-remaining"),
            reset: number("x-ratelimit-reset"),
        }
        .non_empty()
    }

    /// Reads the `limit` object of a Vercel `rate_limited` error body.
    pub(crate) fn from_error_body(body: &[u8]) -> Option<Self> {
        let value: serde_json::Value = serde_json::from_slice(body).ok()?;
        let limit = value.get("error")?.get("limit")?;
        let number = |name: &str| limit.get(name)?.as_u64();
        Self {
            limit: number("total"),
            remaining: number("remaining"),
            reset: number("reset").or_else(|| number("resetMs").map(|ms| ms / 1000)),
        }
        .non_empty()
    }

    /// When the window resets, if known.
    pub fn reset_at(&self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp(i64::try_from(self.reset?).ok()?, 0)
    }

    fn non_empty(self) -> Option<Self> {
        (self != Self::default()).then_some(self)
    }
}

/// Reads the rate limit from a successful response.
///
/// ```no_run
/// use vercel_api::{RateLimitExt, Response};
///
/// fn log_quota<T>(response: &Response<T>) {
///     if let Some(limit) = response.rate_limit() {
///         println!("{:?} requests left", limit.remaining);
///     }
/// }
/// ```
pub trait RateLimitExt: sealed::Sealed {
    /// The rate limit from the response's `X-RateLimit-*` headers, if any.
    fn rate_limit(&self) -> Option<RateLimit>;
}

impl<T> RateLimitExt for Response<T> {
    fn rate_limit(&self) -> Option<RateLimit> {
        RateLimit::from_headers(self.headers())
    }
}

mod sealed {
    pub trait Sealed {}
    impl<T> Sealed for crate::Response<T> {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn parses_headers() {
        let mut headers = HeaderMap::new();
        assert_eq!(RateLimit::from_headers(&headers), None);
        headers.insert("X-RateLimit-Limit", HeaderValue::from_static("100"));
        headers.insert("x-ratelimit-remaining", HeaderValue::from_static(" 7 "));
        headers.insert("x-ratelimit-reset", HeaderValue::from_static("1700000000"));
        let limit = RateLimit::from_headers(&headers).unwrap();
        assert_eq!(limit, RateLimit { limit: Some(100), remaining: Some(7), reset: Some(1_700_000_000) });
        assert_eq!(limit.reset_at().unwrap().timestamp(), 1_700_000_000);
    }

    #[test]
    fn ignores_garbage_headers() {
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-limit", HeaderValue::from_static("lots"));
        assert_eq!(RateLimit::from_headers(&headers), None);
    }

    #[test]
    fn parses_rate_limited_body() {
        let body = br#"{"error":{"code":"rate_limited","message":"slow down",
            "limit":{"remaining":0,"reset":1571432075,"resetMs":1571432075563,"total":60}}}"#;
        assert_eq!(
            RateLimit::from_error_body(body),
            Some(RateLimit { limit: Some(60), remaining: Some(0), reset: Some(1_571_432_075) })
        );
        let only_ms = br#"{"error":{"limit":{"resetMs":1571432075563}}}"#;
        assert_eq!(RateLimit::from_error_body(only_ms).unwrap().reset, Some(1_571_432_075));
        assert_eq!(RateLimit::from_error_body(b"<html>"), None);
        assert_eq!(RateLimit::from_error_body(br#"{"error":{"limit":{}}}"#), None);
    }
}
