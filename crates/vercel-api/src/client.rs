//! The [`Client`] and its [`ClientBuilder`].
//!
//! A `Client` is a handle: cloning it is cheap, and all clones, including the
//! ones made by [`Client::with_team_id`], [`Client::for_installation`] and
//! friends, share one connection pool.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;
use reqwest::redirect::{Attempt, Policy};
use reqwest::Url;

use crate::auth::Token;
use crate::error::{Error, Result};
use crate::retry::RetryConfig;

const DEFAULT_BASE_URL: &str = "https://api.vercel.com";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;
const MAX_REDIRECTS: usize = 10;

/// A client for the Vercel REST API.
///
/// Create one with [`Client::new`], [`Client::from_env`] or
/// [`Client::builder`]. Each API operation is a method on `Client`.
///
/// Cloning is cheap: clones share the connection pool and settings. The
/// `with_*`, [`without_team`](Self::without_team) and
/// [`for_installation`](Self::for_installation) methods return such clones
/// with one setting changed, so scoping a call costs nothing.
///
/// `Debug` never shows the token.
///
/// # Redirects
///
/// A client built by [`ClientBuilder::build`] follows a redirect only when it
/// stays on the same origin (scheme, host and port) as the request, at most 10
/// times. A redirect to another origin is not followed, so the token is never
/// sent anywhere but the configured base URL: the `3xx` response comes back as
/// [`Error::Api`], with the target in its `Location` header. A client passed
/// to [`ClientBuilder::http_client`] keeps its own redirect policy (`reqwest`'s
/// default drops `Authorization` on cross-origin redirects).
#[derive(Clone)]
pub struct Client {
    pub(crate) shared: Arc<Shared>,
    pub(crate) token: Token,
    pub(crate) team: Option<Arc<TeamScope>>,
    pub(crate) retry: RetryConfig,
}

/// What all clones of a client share.
pub(crate) struct Shared {
    pub(crate) http: reqwest::Client,
    /// Validated, without a trailing `/`.
    pub(crate) base_url: String,
    pub(crate) user_agent: HeaderValue,
    pub(crate) timeout: Duration,
    pub(crate) max_response_bytes: usize,
}

/// The team a client acts for.
///
/// Operations that accept the `teamId` and `slug` query parameters send the
/// client's scope unless the call gives its own.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TeamScope {
    /// A team id, sent as `teamId=...` (e.g. `team_1a2b3c`).
    TeamId(String),
    /// A team slug, sent as `slug=...` (e.g. `my-team`).
    Slug(String),
}

impl Client {
    /// A client with default settings that authenticates with `token`.
    ///
    /// Create tokens at <https://vercel.com/account/tokens>.
    pub fn new(token: impl Into<String>) -> Result<Client> {
        Self::builder().token(token).build()
    }

    /// A client configured from the environment:
    ///
    /// * `VERCEL_TOKEN` (required): the API token.
    /// * `VERCEL_TEAM_ID` (optional): the team scope, as a team id.
    /// * `VERCEL_API_URL` (optional): a base URL other than
    ///   `https://api.vercel.com`.
    ///
    /// Fails with [`Error::Config`] naming `VERCEL_TOKEN` if it is not set.
    pub fn from_env() -> Result<Client> {
        builder_from(|name| std::env::var(name).ok())?.build()
    }

    /// A builder to configure a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A clone of this client scoped to the team with id `team_id`.
    pub fn with_team_id(&self, team_id: impl Into<String>) -> Client {
        self.with_team(Some(TeamScope::TeamId(team_id.into())))
    }

    /// A clone of this client scoped to the team with slug `slug`.
    pub fn with_team_slug(&self, slug: impl Into<String>) -> Client {
        self.with_team(Some(TeamScope::Slug(slug.into())))
    }

    /// A clone of this client with no team scope (the personal account).
    pub fn without_team(&self) -> Client {
        self.with_team(None)
    }

    /// A clone of this client that retries as `retry` says, e.g.
    /// `client.with_retry(RetryConfig::disabled())` for one call.
    pub fn with_retry(&self, retry: RetryConfig) -> Client {
        Client { retry, ..self.clone() }
    }

    /// A clone of this client that authenticates as a marketplace
    /// installation instead of as the user.
    ///
    /// The Vercel Marketplace endpoints for integration providers (installation
    /// billing data and balance, finalizing an installation, updating its
    /// resources and secrets, experimentation items...) are authorized with
    /// the installation's access token, not with a user's token. Vercel hands
    /// that token to the integration in the Upsert Installation request, as
    /// `credentials.access_token`; store it with the installation.
    ///
    /// The returned client shares the connection pool, base URL and retry
    /// configuration, sends `access_token` as its bearer token, and has no team
    /// scope (the installation token already identifies the installation).
    /// If `access_token` is not a valid token, calls fail with
    /// [`Error::Config`].
    ///
    /// ```no_run
    /// # fn example(access_token: String) -> vercel_api::Result<()> {
    /// use vercel_api::Client;
    ///
    /// // A client for your own account or team, e.g. from VERCEL_TOKEN.
    /// let client = Client::from_env()?;
    ///
    /// // `access_token` is `credentials.access_token` from the Upsert
    /// // Installation request, loaded from your database.
    /// let installation = client.for_installation(access_token);
    ///
    /// // Call the marketplace operations on `installation`, e.g. to submit
    /// // billing data or update a resource of the installation.
    /// # let _ = installation;
    /// # Ok(())
    /// # }
    /// ```
    pub fn for_installation(&self, access_token: impl Into<String>) -> Client {
        Client { token: Token::new(access_token), team: None, ..self.clone() }
    }

    /// The base URL requests are sent to, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The team this client acts for, if any.
    pub fn team_scope(&self) -> Option<&TeamScope> {
        self.team.as_deref()
    }

    /// This client's retry configuration.
    pub fn retry_config(&self) -> &RetryConfig {
        &self.retry
    }

    fn with_team(&self, team: Option<TeamScope>) -> Client {
        Client { team: team.map(Arc::new), ..self.clone() }
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.shared.base_url)
            .field("team", &self.team)
            .field("token", &self.token)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// Configures and builds a [`Client`].
///
/// ```no_run
/// use std::time::Duration;
/// use vercel_api::{Client, RetryConfig};
///
/// # fn example() -> vercel_api::Result<()> {
/// let client = Client::builder()
///     .token("my-token")
///     .team_slug("my-team")
///     .timeout(Duration::from_secs(30))
///     .retry(RetryConfig::default().max_attempts(5))
///     .build()?;
/// # let _ = client;
/// # Ok(())
/// # }
/// ```
///
/// `Debug` never shows the token.
#[derive(Debug)]
pub struct ClientBuilder {
    token: Option<Token>,
    base_url: Option<String>,
    team: Option<TeamScope>,
    user_agent: Option<String>,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryConfig,
    http_client: Option<reqwest::Client>,
    max_response_bytes: usize,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl ClientBuilder {
    /// A builder with the default settings and no token.
    pub fn new() -> Self {
        Self {
            token: None,
            base_url: None,
            team: None,
            user_agent: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryConfig::default(),
            http_client: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }

    /// The API token (required).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(Token::new(token));
        self
    }

    /// The base URL (default `https://api.vercel.com`), e.g. a proxy or a
    /// mock server. It must be an `http` or `https` URL without credentials,
    /// query or fragment; [`build`](Self::build) fails otherwise. It may have
    /// a path prefix.
    pub fn base_url(mut self, base_url: &str) -> Self {
        self.base_url = Some(base_url.to_owned());
        self
    }

    /// Acts for the team with id `team_id` (see [`TeamScope`]).
    pub fn team_id(mut self, team_id: impl Into<String>) -> Self {
        self.team = Some(TeamScope::TeamId(team_id.into()));
        self
    }

    /// Acts for the team with slug `slug` (see [`TeamScope`]).
    pub fn team_slug(mut self, slug: impl Into<String>) -> Self {
        self.team = Some(TeamScope::Slug(slug.into()));
        self
    }

    /// The `User-Agent` header (default `vercel-api-rs/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// How long one attempt of a request may take, from sending it to reading
    /// the whole body (default 60 s). Applies to a client passed to
    /// [`http_client`](Self::http_client) too.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long connecting may take (default 10 s). Ignored with
    /// [`http_client`](Self::http_client), which keeps its own setting.
    pub fn connect_timeout(mut self, connect_timeout: Duration) -> Self {
        self.connect_timeout = connect_timeout;
        self
    }

    /// How requests are retried (default [`RetryConfig::default`]).
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// Uses this `reqwest` client (its connection pool, proxy, TLS and
    /// redirect settings) instead of building one. The token, user agent,
    /// timeout and retries are still applied to each request.
    pub fn http_client(mut self, http_client: reqwest::Client) -> Self {
        self.http_client = Some(http_client);
        self
    }

    /// The largest response body the client reads into memory (default
    /// 64 MiB); a larger one fails with
    /// [`Error::ResponseTooLarge`](crate::Error::ResponseTooLarge). Streamed
    /// bodies are not limited.
    pub fn max_response_bytes(mut self, max_response_bytes: usize) -> Self {
        self.max_response_bytes = max_response_bytes;
        self
    }

    /// Builds the client.
    ///
    /// Fails with [`Error::Config`] if there is no token, or if the token, base
    /// URL or user agent is invalid.
    pub fn build(self) -> Result<Client> {
        let token = self.token.ok_or_else(|| {
            Error::Config(
                "no API token: set one with `ClientBuilder::token` or the VERCEL_TOKEN \
                 environment variable"
                    .into(),
            )
        })?;
        token.validate()?;
        let base_url = parse_base_url(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
        let user_agent = match self.user_agent {
            Some(agent) => HeaderValue::from_str(&agent)
                .map_err(|_| Error::Config("the user agent is not a valid HTTP header value".into()))?,
            None => HeaderValue::from_static(concat!("vercel-api-rs/", env!("CARGO_PKG_VERSION"))),
        };
        let http = match self.http_client {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .redirect(Policy::custom(same_origin_redirects))
                .build()
                .map_err(|e| Error::Config(format!("could not create the HTTP client: {e}")))?,
        };
        Ok(Client {
            shared: Arc::new(Shared {
                http,
                base_url,
                user_agent,
                timeout: self.timeout,
                max_response_bytes: self.max_response_bytes,
            }),
            token,
            team: self.team.map(Arc::new),
            retry: self.retry,
        })
    }
}

/// A builder filled from environment variables read through `var`.
fn builder_from(var: impl Fn(&str) -> Option<String>) -> Result<ClientBuilder> {
    let set = |name: &str| var(name).filter(|value| !value.trim().is_empty());
    let token = set("VERCEL_TOKEN").ok_or_else(|| {
        Error::Config(
            "the VERCEL_TOKEN environment variable is not set (create a token at \
             https://vercel.com/account/tokens)"
                .into(),
        )
    })?;
    let mut builder = ClientBuilder::new().token(token);
    if let Some(team_id) = set("VERCEL_TEAM_ID") {
        builder = builder.team_id(team_id.trim());
    }
    if let Some(url) = set("VERCEL_API_URL") {
        builder = builder.base_url(&url);
    }
    Ok(builder)
}

/// Checks a base URL and returns it without a trailing `/`. Error messages do
/// not repeat the URL, which could hold a secret.
fn parse_base_url(raw: &str) -> Result<String> {
    let invalid = |why: &str| Error::Config(format!("invalid base URL: {why}"));
    let url = Url::parse(raw.trim()).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if !url.has_host() {
        return Err(invalid("it has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("it must not contain credentials"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it must not have a query or a fragment"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// The redirect policy: follow same-origin redirects only (see the module
/// docs).
fn same_origin_redirects(attempt: Attempt<'_>) -> reqwest::redirect::Action {
    let previous = attempt.previous();
    if previous.len() > MAX_REDIRECTS {
        return attempt.error("too many redirects");
    }
    let same_origin = previous.first().is_some_and(|first| {
        let target = attempt.url();
        first.scheme() == target.scheme()
            && first.host_str() == target.host_str()
            && first.port_or_known_default() == target.port_or_known_default()
    });
    if same_origin {
        attempt.follow()
    } else {
        attempt.stop()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| vars.iter().find(|(key, _)| *key == name).map(|(_, value)| value.to_string())
    }

    #[test]
    fn defaults() {
        let client = Client::new("tok").unwrap();
        assert_eq!(client.base_url(), "https://api.vercel.com");
        assert_eq!(client.team_scope(), None);
        assert_eq!(client.retry_config(), &RetryConfig::default());
        assert_eq!(client.shared.timeout, Duration::from_secs(60));
        assert_eq!(client.shared.max_response_bytes, 64 * 1024 * 1024);
        assert_eq!(client.shared.user_agent, concat!("vercel-api-rs/", env!("CARGO_PKG_VERSION")));
    }

    #[test]
    fn missing_or_bad_settings_are_config_errors() {
        let err = Client::builder().build().unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{err}");
        let err = Client::new("").unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{err}");
        let err = Client::builder().token("t").user_agent("a\nb").build().unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{err}");
    }

    #[test]
    fn base_url_is_validated() {
        let ok = |raw: &str| parse_base_url(raw).unwrap();
        assert_eq!(ok("https://api.vercel.com/"), "https://api.vercel.com");
        assert_eq!(ok(" http://127.0.0.1:8080 "), "http://127.0.0.1:8080");
        assert_eq!(ok("https://proxy.example/vercel/"), "https://proxy.example/vercel");
        for bad in [
            "",
            "api.vercel.com",
            "ftp://api.vercel.com",
            "https://user:hunter2@api.vercel.com",
            "https://api.vercel.com/?teamId=x",
            "https://api.vercel.com/#x",
            "mailto:someone@example.com",
        ] {
            let err = parse_base_url(bad).unwrap_err();
            assert!(matches!(err, Error::Config(_)), "{bad}: {err}");
            assert!(!err.to_string().contains("hunter2"));
        }
        assert!(Client::builder().token("t").base_url("nope").build().is_err());
    }

    #[test]
    fn from_env_reads_token_team_and_url() {
        let client = builder_from(env(&[
            ("VERCEL_TOKEN", "tok"),
            ("VERCEL_TEAM_ID", "team_123"),
            ("VERCEL_API_URL", "http://localhost:3000/"),
        ]))
        .unwrap()
        .build()
        .unwrap();
        assert_eq!(client.team_scope(), Some(&TeamScope::TeamId("team_123".into())));
        assert_eq!(client.base_url(), "http://localhost:3000");

        let client = builder_from(env(&[("VERCEL_TOKEN", "tok"), ("VERCEL_TEAM_ID", "")])).unwrap().build().unwrap();
        assert_eq!(client.team_scope(), None);
        assert_eq!(client.base_url(), "https://api.vercel.com");
    }

    #[test]
    fn from_env_names_the_missing_variable() {
        for vars in [&[][..], &[("VERCEL_TOKEN", "  ")][..]] {
            let err = builder_from(env(vars)).unwrap_err();
            assert!(matches!(err, Error::Config(_)));
            assert!(err.to_string().contains("VERCEL_TOKEN"), "{err}");
        }
    }

    #[test]
    fn scoped_clones_share_the_pool() {
        let client = Client::builder().token("tok").team_slug("acme").build().unwrap();
        assert_eq!(client.team_scope(), Some(&TeamScope::Slug("acme".into())));

        let team = client.with_team_id("team_1");
        assert_eq!(team.team_scope(), Some(&TeamScope::TeamId("team_1".into())));
        assert!(Arc::ptr_eq(&client.shared, &team.shared));
        assert_eq!(team.without_team().team_scope(), None);
        assert_eq!(client.with_team_slug("x").team_scope(), Some(&TeamScope::Slug("x".into())));

        let once = client.with_retry(RetryConfig::disabled());
        assert_eq!(once.retry_config().max_attempts, 1);
        assert_eq!(client.retry_config().max_attempts, 3);

        let installation = team.with_retry(RetryConfig::disabled()).for_installation("inst-token");
        assert_eq!(installation.team_scope(), None);
        assert_eq!(installation.retry_config().max_attempts, 1);
        assert!(Arc::ptr_eq(&client.shared, &installation.shared));
        assert_eq!(installation.token.authorization().unwrap(), "Bearer inst-token");
    }

    #[test]
    fn debug_never_shows_the_token() {
        let builder = Client::builder().token("super-secret-token").team_id("team_1");
        let shown = format!("{builder:?} {builder:#?}");
        assert!(!shown.contains("super-secret-token"), "{shown}");
        assert!(shown.contains("Token(***)"));

        let client = builder.build().unwrap();
        let shown = format!("{client:?} {client:#?}");
        assert!(!shown.contains("super-secret-token"), "{shown}");
        assert!(shown.contains("Token(***)") && shown.contains("team_1"), "{shown}");
        let shown = format!("{:?}", client.for_installation("inst-secret"));
        assert!(!shown.contains("inst-secret"), "{shown}");
    }
}
