//! Retry policy: which failures are retried and how long to wait.
//!
//! The rules are documented on [`RetryConfig`].

use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::Rng;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};

use crate::ratelimit::RateLimit;

/// How a client retries failed requests.
///
/// # What is retried
///
/// * `429 Too Many Requests`, for every method: the server refused the
///   request, so sending it again cannot apply it twice.
/// * `502`, `503` and `504`, timeouts, and connections that broke while the
///   request was in flight, only for idempotent methods (`GET`, `HEAD`, `PUT`,
///   `DELETE`, `OPTIONS`): the server may already have acted on a `POST` or
///   `PATCH`.
/// * Connection failures that happened before the request was sent (DNS,
///   connection refused, TLS handshake), for every method.
///
/// A request whose body is a stream is sent once, as the body cannot be
/// replayed. When all [`max_attempts`](Self::max_attempts) are used up, the
/// last error is returned.
///
/// # How long to wait
///
/// If the response says how long to wait, the client waits that long:
/// `Retry-After` (seconds or an HTTP date), or, on a `429`, the rate-limit
/// reset time (`X-RateLimit-Reset` or the `rate_limited` body). If that is
/// longer than [`max_backoff`](Self::max_backoff), the client does **not**
/// retry early (that would only burn an attempt against a closed window): it
/// returns the error at once, and the caller can read
/// [`Error::rate_limit`](crate::Error::rate_limit) to decide what to do.
///
/// Otherwise the client waits `initial_backoff * 2^(retry - 1)`, capped at
/// `max_backoff`. With jitter the wait is drawn uniformly between 50% and 100%
/// of that, so that clients spread out.
///
/// ```
/// use std::time::Duration;
/// use vercel_api::RetryConfig;
///
/// let patient = RetryConfig::default()
///     .max_attempts(5)
///     .max_backoff(Duration::from_secs(60));
/// let never = RetryConfig::disabled();
/// # let _ = (patient, never);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryConfig {
    /// Total attempts, the first one included (default 3). `0` counts as `1`.
    pub max_attempts: u32,
    /// Wait before the first retry (default 500 ms); doubled for each retry.
    pub initial_backoff: Duration,
    /// Longest wait between attempts (default 30 s), and the longest
    /// server-requested wait the client honours.
    pub max_backoff: Duration,
    /// Whether to randomise the computed waits (default `true`).
    pub jitter: bool,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            jitter: true,
        }
    }
}

impl RetryConfig {
    /// A configuration that never retries: every request is sent once.
    pub fn disabled() -> Self {
        Self { max_attempts: 1, ..Self::default() }
    }

    /// Sets the total number of attempts, the first one included.
    pub fn max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts;
        self
    }

    /// Sets the wait before the first retry.
    pub fn initial_backoff(mut self, initial_backoff: Duration) -> Self {
        self.initial_backoff = initial_backoff;
        self
    }

    /// Sets the longest wait between attempts.
    pub fn max_backoff(mut self, max_backoff: Duration) -> Self {
        self.max_backoff = max_backoff;
        self
    }

    /// Turns jitter on or off.
    pub fn jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// The wait before retry number `retry` (1 for the first retry), or
    /// `None` to give up because the server asked for a longer wait than
    /// `max_backoff`.
    pub(crate) fn delay(&self, retry: u32, server_wait: Option<Duration>) -> Option<Duration> {
        match server_wait {
            Some(wait) if wait > self.max_backoff => None,
            Some(wait) => Some(wait),
            None => Some(self.backoff(retry)),
        }
    }

    /// Exponential backoff, capped, with optional jitter.
    fn backoff(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        let wait = self.initial_backoff.saturating_mul(factor).min(self.max_backoff);
        if !self.jitter {
            return wait;
        }
        let scale = rand::rng().random_range(0.5..=1.0);
        Duration::try_from_secs_f64(wait.as_secs_f64() * scale).unwrap_or(wait)
    }
}

/// Whether sending `method` twice has the same effect as sending it once.
pub(crate) fn is_idempotent(method: &Method) -> bool {
    [Method::GET, Method::HEAD, Method::PUT, Method::DELETE, Method::OPTIONS].contains(method)
}

/// How long the server asked the client to wait, if it said:
/// `Retry-After`, or on a `429` the rate-limit reset time.
pub(crate) fn server_wait(status: StatusCode, headers: &HeaderMap, rate_limit: Option<&RateLimit>) -> Option<Duration> {
    let now = Utc::now();
    if let Some(wait) = retry_after(headers, now) {
        return Some(wait);
    }
    if status != StatusCode::TOO_MANY_REQUESTS {
        return None;
    }
    let now = u64::try_from(now.timestamp()).unwrap_or_default();
    Some(Duration::from_secs(rate_limit?.reset?.saturating_sub(now)))
}

/// Parses `Retry-After`: delay-seconds or an HTTP date.
fn retry_after(headers: &HeaderMap, now: DateTime<Utc>) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = DateTime::parse_from_rfc2822(value).ok()?;
    Some(at.signed_duration_since(now).to_std().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn no_jitter() -> RetryConfig {
        RetryConfig::default().jitter(false)
    }

    #[test]
    fn defaults() {
        let config = RetryConfig::default();
        assert_eq!(config.max_attempts, 3);
        assert_eq!(config.initial_backoff, Duration::from_millis(500));
        assert_eq!(config.max_backoff, Duration::from_secs(30));
        assert!(config.jitter);
        assert_eq!(RetryConfig::disabled().max_attempts, 1);
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let config = no_jitter();
        let waits: Vec<_> = (1..=8).map(|n| config.backoff(n).as_millis()).collect();
        assert_eq!(waits, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
        assert_eq!(config.backoff(u32::MAX), Duration::from_secs(30));
        let huge = no_jitter().max_backoff(Duration::MAX).initial_backoff(Duration::MAX);
        assert_eq!(huge.backoff(3), Duration::MAX);
    }

    #[test]
    fn jitter_stays_in_the_upper_half() {
        let config = RetryConfig::default();
        for _ in 0..100 {
            let wait = config.backoff(2);
            assert!(wait >= Duration::from_millis(500) && wait <= Duration::from_millis(1000));
        }
        let huge = RetryConfig::default().max_backoff(Duration::MAX).initial_backoff(Duration::MAX);
        assert!(huge.backoff(1) > Duration::ZERO);
    }

    #[test]
    fn server_wait_wins_unless_too_long() {
        let config = no_jitter();
        assert_eq!(config.delay(1, Some(Duration::ZERO)), Some(Duration::ZERO));
        assert_eq!(config.delay(1, Some(Duration::from_secs(30))), Some(Duration::from_secs(30)));
        assert_eq!(config.delay(1, Some(Duration::from_secs(31))), None);
        assert_eq!(config.delay(2, None), Some(Duration::from_secs(1)));
    }

    #[test]
    fn idempotent_methods() {
        for m in [Method::GET, Method::HEAD, Method::PUT, Method::DELETE, Method::OPTIONS] {
            assert!(is_idempotent(&m), "{m}");
        }
        for m in [Method::POST, Method::PATCH] {
            assert!(!is_idempotent(&m), "{m}");
        }
    }

    #[test]
    fn parses_retry_after() {
        let now = DateTime::from_timestamp(784_111_777, 0).unwrap(); // Sun, 06 Nov 1994 08:49:37 GMT
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers, now), None);
        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(7)));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("Sun, 06 Nov 1994 08:50:07 GMT"));
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(30)));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("Sun, 06 Nov 1994 08:00:00 GMT"));
        assert_eq!(retry_after(&headers, now), Some(Duration::ZERO));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers, now), None);
    }

    #[test]
    fn rate_limit_reset_only_counts_on_429() {
        let far = u64::try_from(Utc::now().timestamp()).unwrap() + 100;
        let limit = RateLimit { reset: Some(far), ..RateLimit::default() };
        let headers = HeaderMap::new();
        let wait = server_wait(StatusCode::TOO_MANY_REQUESTS, &headers, Some(&limit)).unwrap();
        assert!(wait > Duration::from_secs(90) && wait <= Duration::from_secs(100));
        assert_eq!(server_wait(StatusCode::SERVICE_UNAVAILABLE, &headers, Some(&limit)), None);
        let never = RateLimit { reset: Some(u64::MAX), ..RateLimit::default() };
        let wait = server_wait(StatusCode::TOO_MANY_REQUESTS, &headers, Some(&never)).unwrap();
        assert_eq!(RetryConfig::default().delay(1, Some(wait)), None);
        let past = RateLimit { reset: Some(1), ..RateLimit::default() };
        assert_eq!(server_wait(StatusCode::TOO_MANY_REQUESTS, &headers, Some(&past)), Some(Duration::ZERO));
    }
}
