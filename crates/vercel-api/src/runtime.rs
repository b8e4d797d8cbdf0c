//! The request pipeline that the generated operations call.
//!
//! A generated operation reads like this:
//!
//! ```text
//! self.call(Method::GET, "getProject", "/v9/projects/{idOrName}", &[id_or_name])
//!     .team_scope(team_id, slug)
//!     .query("withDeployments", &with_deployments)
//!     .send_json::<types::Project>()
//!     .await
//! ```
//!
//! [`Client::call`] builds the URL, [`Call`] collects the query, headers and
//! body, and the `send_*` methods add authentication, send with retries (see
//! [`RetryConfig`](crate::RetryConfig)) inside a tracing span, and turn the
//! response into a [`Response`] or an [`Error`]. The first problem found while
//! building the call is kept and returned by `send_*`, before anything is sent.

// The generated code decides which of these it uses; not every API uses every
// form of request or response.
#![allow(dead_code)]

use std::pin::Pin;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use futures::stream::{self, BoxStream, Stream, StreamExt};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use progenitor_client::{ByteStream, QueryParam};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use reqwest::{Method, RequestBuilder, StatusCode, Url};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tracing::{field, Instrument, Span};

use crate::client::{Client, Shared, TeamScope};
use crate::error::{ApiError, DecodeError, Error, Result};
use crate::retry;
use crate::Response;

/// Bytes left as they are in a path segment: RFC 3986 "unreserved".
/// Everything else, `/`, `?`, `#` and `%` included, is percent-encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

const JSON: &str = "application/json";

impl Client {
    /// Starts a call. `template` is the spec's path template, e.g.
    /// `/v1/webhooks/{id}`; `path_params` are the raw values in template
    /// order; each is percent-encoded as one path segment.
    pub(crate) fn call(
        &self,
        method: Method,
        operation_id: &'static str,
        template: &'static str,
        path_params: &[&str],
    ) -> Call<'_> {
        let request = expand_path(operation_id, template, path_params)
            .and_then(|path| {
                Url::parse(&format!("{}{path}", self.shared.base_url))
                    .map_err(|e| Error::InvalidRequest(format!("`{operation_id}`: invalid URL: {e}")))
            })
            .map(|url| self.shared.http.request(method.clone(), url));
        Call { client: self, operation_id, template, method, request }
    }
}

/// A request being built by a generated operation.
pub(crate) struct Call<'a> {
    client: &'a Client,
    operation_id: &'static str,
    template: &'static str,
    method: Method,
    /// The request so far, or the first problem found while building it.
    request: Result<RequestBuilder>,
}

impl<'a> Call<'a> {
    /// Adds a query parameter; `None` adds nothing; a Vec/slice repeats the
    /// name (explode=true); enums serialize to their wire string.
    pub(crate) fn query<T: Serialize + ?Sized>(self, name: &'static str, value: &T) -> Self {
        self.map(|request| Ok(request.query(&QueryParam::new(name, &value))))
    }

    /// Team scope for operations that declare the `teamId`/`slug` query
    /// parameters: if either per-call value is `Some`, sends exactly the
    /// per-call values; otherwise sends the client's scope, if any.
    pub(crate) fn team_scope(self, team_id: Option<&str>, slug: Option<&str>) -> Self {
        if team_id.is_some() || slug.is_some() {
            return self.query("teamId", &team_id).query("slug", &slug);
        }
        let client = self.client;
        match client.team.as_deref() {
            Some(TeamScope::TeamId(id)) => self.query("teamId", id.as_str()),
            Some(TeamScope::Slug(slug)) => self.query("slug", slug.as_str()),
            None => self,
        }
    }

    /// Adds a header parameter (`None` adds nothing). Strings are sent as
    /// they are, numbers and booleans as text, enums as their wire string,
    /// lists comma-separated. A value that cannot be sent in a header (a line
    /// break, for one) makes `send_*` fail with [`Error::InvalidRequest`].
    pub(crate) fn header<T: Serialize + ?Sized>(self, name: &'static str, value: &T) -> Self {
        let operation_id = self.operation_id;
        self.map(|request| {
            let invalid = |why: &str| {
                Error::InvalidRequest(format!("`{operation_id}`: header `{name}` {why}"))
            };
            let Some(text) = header_text(value).map_err(&invalid)? else {
                return Ok(request);
            };
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| invalid("is not a valid header name"))?;
            let value = HeaderValue::from_str(&text).map_err(|_| {
                invalid("has a value that cannot be sent in an HTTP header (line breaks and other control characters are not allowed)")
            })?;
            Ok(request.header(name, value))
        })
    }

    /// JSON request body.
    pub(crate) fn json<B: Serialize + ?Sized>(self, body: &B) -> Self {
        let operation_id = self.operation_id;
        self.map(|request| {
            let bytes = serde_json::to_vec(body).map_err(|e| {
                Error::InvalidRequest(format!("`{operation_id}`: could not serialize the request body: {e}"))
            })?;
            Ok(request.header(CONTENT_TYPE, HeaderValue::from_static(JSON)).body(bytes))
        })
    }

    /// Raw request body with a content type (binary uploads, e.g.
    /// `application/octet-stream`). A streaming body is sent only once: it
    /// cannot be replayed for a retry.
    pub(crate) fn body(self, content_type: &'static str, body: reqwest::Body) -> Self {
        let operation_id = self.operation_id;
        self.map(|request| {
            let content_type = HeaderValue::from_str(content_type)
                .map_err(|_| Error::InvalidRequest(format!("`{operation_id}`: invalid content type")))?;
            Ok(request.header(CONTENT_TYPE, content_type).body(body))
        })
    }

    /// Sends (with retries) and decodes a JSON success body into `T`.
    /// A non-2xx status is [`Error::Api`]; a body that does not decode is
    /// [`Error::Decode`], with the JSON path that failed.
    pub(crate) async fn send_json<T: DeserializeOwned>(self) -> Result<Response<T>> {
        self.send_raw().await?.decode()
    }

    /// Sends and ignores the success body (e.g. `204 No Content`).
    pub(crate) async fn send_empty(self) -> Result<Response<()>> {
        let raw = self.send_raw().await?;
        Ok(Response::new((), raw.status, raw.headers))
    }

    /// Sends and returns the success body as a byte stream, unbuffered (and
    /// so not limited by `max_response_bytes`).
    pub(crate) async fn send_stream(self) -> Result<Response<ByteStream>> {
        let (status, headers, body) = self.send("*/*", true).await?.into_stream();
        Ok(Response::new(ByteStream::new(body), status, headers))
    }

    /// Sends and returns the success status, headers and raw body, for
    /// operations whose success responses differ per status; the caller then
    /// decodes with [`RawResponse::decode`].
    pub(crate) async fn send_raw(self) -> Result<RawResponse> {
        let limit = self.client.shared.max_response_bytes;
        match self.send(JSON, false).await? {
            Success::Buffered(raw) => Ok(raw),
            Success::Streaming(response) => {
                let (status, headers) = (response.status(), response.headers().clone());
                let body = read_body(response, limit).await.map_err(|f| f.error)?;
                Ok(RawResponse { status, headers, body })
            }
        }
    }

    /// For `application/stream+json` (newline-delimited JSON) responses: a
    /// stream of decoded items. Each line may be up to `max_response_bytes`
    /// long; blank lines are skipped. The stream ends after the first error.
    pub(crate) async fn send_json_lines<T: DeserializeOwned + Send + 'static>(
        self,
    ) -> Result<Response<BoxStream<'static, Result<T>>>> {
        let limit = self.client.shared.max_response_bytes;
        let (status, headers, body) = self.send("application/stream+json", true).await?.into_stream();
        let lines = Lines {
            body,
            buffer: BytesMut::new(),
            scanned: 0,
            finished: false,
            status,
            headers: headers.clone(),
            limit,
        };
        Ok(Response::new(lines.decode(), status, headers))
    }

    /// Applies `f` to the request unless an earlier step failed.
    fn map(mut self, f: impl FnOnce(RequestBuilder) -> Result<RequestBuilder>) -> Self {
        self.request = self.request.and_then(f);
        self
    }

    /// Sends the request with retries, inside the request's tracing span.
    async fn send(self, accept: &'static str, streaming: bool) -> Result<Success> {
        let span = tracing::info_span!(
            "vercel_api.request",
            operation = self.operation_id,
            method = %self.method,
            path = self.template,
            status = field::Empty,
            attempt = field::Empty,
            duration_ms = field::Empty,
        );
        let start = Instant::now();
        let result = self.send_with_retries(accept, streaming, span.clone()).instrument(span.clone()).await;
        span.record("duration_ms", millis(start.elapsed()));
        result
    }

    async fn send_with_retries(self, accept: &'static str, streaming: bool, span: Span) -> Result<Success> {
        let Call { client, operation_id, method, request, .. } = self;
        let mut request = request?.build().map_err(|mut e| {
            if let Some(url) = e.url_mut() {
                url.set_query(None);
            }
            Error::InvalidRequest(format!("`{operation_id}`: {}", with_sources(&e)))
        })?;
        let headers = request.headers_mut();
        headers.insert(AUTHORIZATION, client.token.authorization()?);
        headers.insert(USER_AGENT, client.shared.user_agent.clone());
        if !headers.contains_key(ACCEPT) {
            headers.insert(ACCEPT, HeaderValue::from_static(accept));
        }
        *request.timeout_mut() = Some(client.shared.timeout);

        let idempotent = retry::is_idempotent(&method);
        let max_attempts = client.retry.max_attempts.max(1);
        let mut attempt = 1;
        loop {
            span.record("attempt", attempt);
            // Copied before sending: the copy is the next attempt. `None` for
            // a streaming body, which cannot be replayed.
            let next = request.try_clone();
            let failure = match send_once(&client.shared, request, streaming, &span).await {
                Ok(success) => return Ok(success),
                Err(failure) => failure,
            };
            let may_retry = match failure.retry {
                Retry::Always => true,
                Retry::IfIdempotent => idempotent,
                Retry::Never => false,
            };
            let delay =
                if may_retry && attempt < max_attempts { client.retry.delay(attempt, failure.wait) } else { None };
            let (Some(next), Some(delay)) = (next, delay) else {
                return Err(failure.error);
            };
            tracing::debug!(
                attempt,
                delay_ms = millis(delay),
                error = %failure.error,
                "retrying Vercel API request"
            );
            tokio::time::sleep(delay).await;
            request = next;
            attempt += 1;
        }
    }
}

/// A success response with its body read, for operations that decode it
/// themselves (e.g. per status).
pub(crate) struct RawResponse {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl RawResponse {
    /// Decodes the body as JSON into `T`; [`Error::Decode`] on failure.
    pub(crate) fn decode<T: DeserializeOwned>(self) -> Result<Response<T>> {
        let value = decode_json(self.status, &self.headers, self.body)?;
        Ok(Response::new(value, self.status, self.headers))
    }

    /// Decodes the body as JSON into `T` and wraps it (a response-enum variant).
    pub(crate) fn decode_as<T: DeserializeOwned, U>(self, wrap: impl FnOnce(T) -> U) -> Result<Response<U>> {
        let value = decode_json(self.status, &self.headers, self.body)?;
        Ok(Response::new(wrap(value), self.status, self.headers))
    }

    /// A response whose body carries nothing to decode.
    pub(crate) fn into_response<U>(self, value: U) -> Response<U> {
        Response::new(value, self.status, self.headers)
    }

    /// A success status the spec does not list: an API error that keeps the
    /// status, headers and body, so nothing is dropped.
    pub(crate) fn unexpected(self) -> Error {
        Error::Api(Box::new(ApiError::new(self.status, self.headers, self.body)))
    }
}

/// A successful attempt.
enum Success {
    Buffered(RawResponse),
    /// A success whose body has not been read (streaming responses).
    Streaming(reqwest::Response),
}

/// The body of a success, as a stream.
type BodyStream = Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send + Sync>>;

impl Success {
    /// Status, headers and the body as a stream (a buffered body becomes a
    /// one-chunk stream).
    fn into_stream(self) -> (StatusCode, HeaderMap, BodyStream) {
        match self {
            Success::Streaming(response) => {
                (response.status(), response.headers().clone(), Box::pin(response.bytes_stream()))
            }
            Success::Buffered(raw) => (raw.status, raw.headers, Box::pin(stream::iter([Ok(raw.body)]))),
        }
    }
}

/// A failed attempt, and whether it may be retried.
struct Failure {
    error: Error,
    retry: Retry,
    /// How long the server asked us to wait, if it did.
    wait: Option<Duration>,
}

enum Retry {
    Always,
    IfIdempotent,
    Never,
}

impl Failure {
    fn new(error: Error, retry: Retry) -> Self {
        Self { error, retry, wait: None }
    }

    /// The request could not be sent or its response not read. A connection
    /// that failed to open never carried the request, so it is safe to retry
    /// whatever the method.
    fn transport(error: reqwest::Error) -> Self {
        let retry = if error.is_connect() {
            Retry::Always
        } else if error.is_redirect() {
            Retry::Never
        } else {
            Retry::IfIdempotent
        };
        Self::new(Error::from_reqwest(error), retry)
    }
}

/// One attempt: sends `request` and reads the body, unless this is a
/// streaming call and the status is a success.
async fn send_once(
    shared: &Shared,
    request: reqwest::Request,
    streaming: bool,
    span: &Span,
) -> Result<Success, Failure> {
    let response = shared.http.execute(request).await.map_err(Failure::transport)?;
    let status = response.status();
    span.record("status", status.as_u16());
    if streaming && status.is_success() {
        return Ok(Success::Streaming(response));
    }
    let headers = response.headers().clone();
    let body = read_body(response, shared.max_response_bytes).await?;
    if status.is_success() {
        return Ok(Success::Buffered(RawResponse { status, headers, body }));
    }
    let error = ApiError::new(status, headers, body);
    let retry = match status {
        StatusCode::TOO_MANY_REQUESTS => Retry::Always,
        StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT => Retry::IfIdempotent,
        _ => Retry::Never,
    };
    let wait = retry::server_wait(status, &error.headers, error.rate_limit.as_ref());
    Err(Failure { error: Error::Api(Box::new(error)), retry, wait })
}

/// Reads a whole body, refusing to buffer more than `limit` bytes.
async fn read_body(mut response: reqwest::Response, limit: usize) -> Result<Bytes, Failure> {
    let status = response.status();
    let too_large = || Failure::new(Error::ResponseTooLarge { status, limit }, Retry::Never);
    let declared = response.content_length().unwrap_or_default();
    if declared > u64::try_from(limit).unwrap_or(u64::MAX) {
        return Err(too_large());
    }
    let mut body = BytesMut::new();
    while let Some(chunk) = response.chunk().await.map_err(Failure::transport)? {
        if chunk.len() > limit - body.len() {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Decodes JSON, recording where it failed.
fn decode_json<T: DeserializeOwned>(status: StatusCode, headers: &HeaderMap, body: Bytes) -> Result<T> {
    let decoded = {
        let mut de = serde_json::Deserializer::from_slice(&body);
        serde_path_to_error::deserialize(&mut de)
            .map_err(|e| (e.path().to_string(), e.into_inner()))
            .and_then(|value| de.end().map(|()| value).map_err(|e| (".".to_owned(), e)))
    };
    decoded.map_err(|(path, source)| {
        Error::Decode(Box::new(DecodeError { status, headers: headers.clone(), body, path, source }))
    })
}

/// Splits a byte stream into lines, for newline-delimited JSON.
struct Lines {
    body: BodyStream,
    /// Bytes received but not yet returned.
    buffer: BytesMut,
    /// How much of `buffer` is known to hold no newline.
    scanned: usize,
    finished: bool,
    status: StatusCode,
    headers: HeaderMap,
    limit: usize,
}

impl Lines {
    /// The next line (without trimming), `None` at the end.
    async fn next_line(&mut self) -> Option<Result<Bytes>> {
        loop {
            let newline = self.buffer[self.scanned..].iter().position(|b| *b == b'\n');
            let line_len = newline.map_or(self.buffer.len(), |at| self.scanned + at + 1);
            if line_len > self.limit {
                self.stop();
                return Some(Err(Error::ResponseTooLarge { status: self.status, limit: self.limit }));
            }
            if newline.is_some() {
                self.scanned = 0;
                return Some(Ok(self.buffer.split_to(line_len).freeze()));
            }
            self.scanned = self.buffer.len();
            if self.finished {
                self.scanned = 0;
                return (!self.buffer.is_empty()).then(|| Ok(self.buffer.split().freeze()));
            }
            match self.body.next().await {
                Some(Ok(chunk)) => self.buffer.extend_from_slice(&chunk),
                Some(Err(e)) => {
                    self.stop();
                    return Some(Err(Error::from_reqwest(e)));
                }
                None => self.finished = true,
            }
        }
    }

    /// Ends the stream after an error.
    fn stop(&mut self) {
        self.finished = true;
        self.buffer.clear();
        self.scanned = 0;
    }

    /// The stream of decoded items.
    fn decode<T: DeserializeOwned + Send + 'static>(self) -> BoxStream<'static, Result<T>> {
        stream::unfold(self, |mut lines| async move {
            loop {
                let line = match lines.next_line().await? {
                    Ok(line) => line,
                    Err(error) => return Some((Err(error), lines)),
                };
                let text = line.trim_ascii();
                if text.is_empty() {
                    continue;
                }
                let item = decode_json(lines.status, &lines.headers, line.slice_ref(text));
                if item.is_err() {
                    lines.stop();
                }
                return Some((item, lines));
            }
        })
        .boxed()
    }
}

/// Expands a path template, encoding each value as one path segment.
fn expand_path(operation_id: &str, template: &str, params: &[&str]) -> Result<String> {
    let invalid = |why: String| Error::InvalidRequest(format!("`{operation_id}`: {why}"));
    let mut path = String::with_capacity(template.len() + 32);
    let mut params = params.iter();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|at| open + at) else {
            return Err(invalid(format!("malformed path template `{template}`")));
        };
        let name = &rest[open + 1..close];
        let Some(value) = params.next() else {
            return Err(invalid(format!("no value for path parameter `{name}`")));
        };
        if matches!(*value, "" | "." | "..") {
            let what = if value.is_empty() { "empty".to_owned() } else { format!("`{value}`") };
            return Err(invalid(format!("path parameter `{name}` is {what}, which cannot be sent as a path segment")));
        }
        path.push_str(&rest[..open]);
        path.extend(utf8_percent_encode(value, SEGMENT));
        rest = &rest[close + 1..];
    }
    path.push_str(rest);
    if params.next().is_some() {
        return Err(invalid(format!("too many path parameters for `{template}`")));
    }
    Ok(path)
}

/// The text of a header parameter, or `None` to leave the header out.
fn header_text<T: Serialize + ?Sized>(value: &T) -> Result<Option<String>, &'static str> {
    use serde_json::Value;
    let scalar = |value: &Value| match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    let unsupported = "has a value that is not a string, number, boolean or list of those";
    match serde_json::to_value(value).map_err(|_| unsupported)? {
        Value::Null => Ok(None),
        Value::Array(items) => {
            items.iter().map(scalar).collect::<Option<Vec<_>>>().map(|items| Some(items.join(","))).ok_or(unsupported)
        }
        other => scalar(&other).map(Some).ok_or(unsupported),
    }
}

/// An error's message followed by its sources' messages.
fn with_sources(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests;
