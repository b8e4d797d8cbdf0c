//! The crate's error type.
//!
//! Every operation returns [`Result<T>`](Result), whose error is [`Error`]:
//!
//! * [`Error::Api`]: Vercel answered with a non-success status. The
//!   [`ApiError`] keeps the status, the headers and the whole raw body, and the
//!   `code` and `message` parsed from Vercel's `{"error": {...}}` envelope.
//! * [`Error::Decode`]: the status was a success but the body did not match the
//!   expected type. The [`DecodeError`] names the JSON path that failed.
//! * [`Error::Timeout`] and [`Error::Transport`]: the exchange itself failed.
//! * [`Error::InvalidRequest`] and [`Error::Config`]: caught before sending.
//!
//! No message produced here ever contains the API token.

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::ratelimit::RateLimit;

/// A `Result` whose error is this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong when calling the Vercel API.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request could not be sent or the response could not be read:
    /// DNS, connection refused or reset, TLS, a redirect loop...
    #[error("could not talk to the Vercel API: {0}")]
    Transport(#[source] reqwest::Error),

    /// The request did not complete within the client's timeout
    /// ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout)).
    #[error("the request to the Vercel API timed out")]
    Timeout(#[source] reqwest::Error),

    /// Vercel answered with a status that is not a success (including a
    /// redirect that was not followed).
    #[error(transparent)]
    Api(Box<ApiError>),

    /// Vercel answered with a success status, but the body did not decode into
    /// the expected type.
    #[error(transparent)]
    Decode(Box<DecodeError>),

    /// A body was larger than the client's limit
    /// ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)).
    #[error("the {status} response body is larger than the limit of {limit} bytes")]
    ResponseTooLarge {
        /// The status of the oversized response.
        status: StatusCode,
        /// The configured limit, in bytes.
        limit: usize,
    },

    /// The request cannot be sent as asked; nothing was sent. For example a
    /// path parameter that is `..`, or a header value with a line break.
    #[error("invalid request: {0}")]
    InvalidRequest(String),

    /// The client is misconfigured: a missing token, an invalid base URL...
    #[error("invalid configuration: {0}")]
    Config(String),

    /// A paginated list sent a cursor it had sent before; the stream stops
    /// here rather than loop forever.
    #[error("the server repeated the pagination cursor {0}; stopping")]
    RepeatedCursor(String),
}

impl Error {
    /// The HTTP status of the response that caused this error, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            Error::ResponseTooLarge { status, .. } => Some(*status),
            Error::Transport(e) | Error::Timeout(e) => e.status(),
            Error::InvalidRequest(_) | Error::Config(_) | Error::RepeatedCursor(_) => None,
        }
    }

    /// Whether the request timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout(_))
    }

    /// The API error, if Vercel answered with a non-success status.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The rate limit reported with an API error, if any.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.api().and_then(|e| e.rate_limit)
    }

    /// Wraps a `reqwest` error, telling timeouts apart and dropping the query
    /// string from the URL that `reqwest` keeps in its message.
    pub(crate) fn from_reqwest(mut error: reqwest::Error) -> Self {
        if let Some(url) = error.url_mut() {
            url.set_query(None);
        }
        if error.is_timeout() {
            Error::Timeout(error)
        } else {
            Error::Transport(error)
        }
    }
}

/// A non-success response from the Vercel API.
///
/// Vercel reports errors as `{"error": {"code": "...", "message": "..."}}`;
/// [`code`](Self::code) and [`message`](Self::message) are taken from there
/// when the body has that shape. The whole raw body is kept in
/// [`body`](Self::body) whatever its shape (empty, HTML from a proxy, ...), and
/// [`body_json`](Self::body_json) decodes it into an operation's typed error.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The raw response body, whole.
    pub body: Bytes,
    /// Vercel's error code (`error.code`), e.g. `not_found` or `forbidden`.
    pub code: Option<String>,
    /// Vercel's human-readable message (`error.message`).
    pub message: Option<String>,
    /// The request id from the `x-vercel-id` (or `x-request-id`) header, to
    /// quote to Vercel support.
    pub request_id: Option<String>,
    /// The rate limit reported by the headers, or by a `rate_limited` body.
    pub rate_limit: Option<RateLimit>,
}

impl ApiError {
    /// Builds an `ApiError` from a response, parsing what it can.
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, body: Bytes) -> Self {
        let (code, message) = parse_error_body(&body);
        let request_id = ["x-vercel-id", "x-request-id"]
            .iter()
            .find_map(|name| headers.get(*name)?.to_str().ok())
            .map(str::to_owned);
        let rate_limit = RateLimit::from_headers(&headers).or_else(|| RateLimit::from_error_body(&body));
        Self { status, headers, body, code, message, request_id, rate_limit }
    }

    /// Decodes the body as JSON into `T`, e.g. an operation's typed error.
    pub fn body_json<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }

    /// The body as text; invalid UTF-8 is replaced with `�`.
    pub fn body_text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the Vercel API answered {}", self.status)?;
        if self.status.is_redirection() {
            f.write_str(" (redirect not followed)")?;
        }
        if let Some(code) = &self.code {
            write!(f, " [{code}]")?;
        }
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// Pulls `code` and `message` out of an error body, tolerating other shapes:
/// `{"error": {"code", "message"}}` (Vercel), `{"error": "text"}` and
/// `{"code", "message"}`.
fn parse_error_body(body: &[u8]) -> (Option<String>, Option<String>) {
    let Ok(serde_json::Value::Object(root)) = serde_json::from_slice(body) else {
        return (None, None);
    };
    let text = |v: Option<&serde_json::Value>| match v? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    match root.get("error") {
        Some(serde_json::Value::Object(error)) => (text(error.get("code")), text(error.get("message"))),
        Some(serde_json::Value::String(message)) => (text(root.get("code")), Some(message.clone())),
        _ => (text(root.get("code")), text(root.get("message"))),
    }
}

/// A success response whose body did not decode into the expected type.
#[derive(Debug)]
#[non_exhaustive]
pub struct DecodeError {
    /// The HTTP status (a success).
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The raw body that failed to decode (for a newline-delimited JSON
    /// stream, the line that failed).
    pub body: Bytes,
    /// Where in the document decoding failed, e.g. `resources[3].status`
    /// (`.` for the document itself).
    pub path: String,
    /// The underlying JSON error.
    pub source: serde_json::Error,
}

impl DecodeError {
    /// The body as text; invalid UTF-8 is replaced with `�`.
    pub fn body_text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "could not decode the {} response from the Vercel API at `{}`: {}",
            self.status, self.path, self.source
        )
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, headers: &[(&'static str, &'static str)], body: &'static str) -> ApiError {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(*name, reqwest::header::HeaderValue::from_static(value));
        }
        ApiError::new(StatusCode::from_u16(status).unwrap(), map, Bytes::from_static(body.as_bytes()))
    }

    #[test]
    fn parses_vercel_error_envelope() {
        let e = api(
            404,
            &[("x-vercel-id", "fra1::abc")],
            r#"{"error":{"code":"not_found","message":"Project not found","extra":1}}"#,
        );
        assert_eq!(e.code.as_deref(), Some("not_found"));
        assert_eq!(e.message.as_deref(), Some("Project not found"));
        assert_eq!(e.request_id.as_deref(), Some("fra1::abc"));
        assert_eq!(
            e.to_string(),
            "the Vercel API answered 404 Not Found [not_found]: Project not found (request id fra1::abc)"
        );
    }

    #[test]
    fn tolerates_other_shapes() {
        let e = api(400, &[("x-request-id", "r1")], r#"{"error":"bad","code":"x"}"#);
        assert_eq!((e.code.as_deref(), e.message.as_deref()), (Some("x"), Some("bad")));
        assert_eq!(e.request_id.as_deref(), Some("r1"));

        let e = api(400, &[], r#"{"code":42,"message":"flat"}"#);
        assert_eq!((e.code.as_deref(), e.message.as_deref()), (Some("42"), Some("flat")));

        for body in ["", "<html><body>Bad gateway</body></html>", "[1,2]", "{\"error\":null}"] {
            let e = api(502, &[], body);
            assert_eq!((e.code.as_deref(), e.message.as_deref()), (None, None));
            assert_eq!(e.body_text(), body);
            assert_eq!(e.to_string(), "the Vercel API answered 502 Bad Gateway");
        }
    }

    #[test]
    fn body_json_decodes_typed_errors() {
        #[derive(serde::Deserialize)]
        struct Body {
            error: Inner,
        }
        #[derive(serde::Deserialize)]
        struct Inner {
            code: String,
        }
        let e = api(403, &[], r#"{"error":{"code":"forbidden"}}"#);
        assert_eq!(e.body_json::<Body>().unwrap().error.code, "forbidden");
    }

    #[test]
    fn helpers() {
        let err = Error::Api(Box::new(api(429, &[("x-ratelimit-remaining", "0")], "")));
        assert_eq!(err.status(), Some(StatusCode::TOO_MANY_REQUESTS));
        assert_eq!(err.rate_limit().and_then(|r| r.remaining), Some(0));
        assert!(err.api().is_some());
        assert!(!err.is_timeout());
        assert_eq!(Error::Config("x".into()).status(), None);
    }
}
