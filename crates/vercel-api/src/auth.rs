//! The API token, kept out of logs and error messages.
//!
//! [`Token`] is the only place the token lives. It has a redacted `Debug`
//! (`Token(***)`) and no `Display`, so it cannot end up in a log line by
//! accident. The token leaves the process only in the `Authorization: Bearer`
//! header, which is marked sensitive so that HTTP-level logging redacts it too.

use std::fmt;
use std::sync::Arc;

use reqwest::header::HeaderValue;

use crate::error::{Error, Result};

/// A bearer token: a Vercel access token or a marketplace installation token.
///
/// Cloning is cheap (the text is shared).
#[derive(Clone)]
pub(crate) struct Token(Arc<str>);

impl Token {
    /// Wraps a raw token. The token is checked by [`Token::validate`] and
    /// again whenever [`Token::authorization`] builds the header.
    pub(crate) fn new(raw: impl Into<String>) -> Self {
        Self(Arc::from(raw.into()))
    }

    /// Checks that the token is usable, without putting it in the error.
    pub(crate) fn validate(&self) -> Result<()> {
        self.authorization().map(drop)
    }

    /// The value of the `Authorization` header: `Bearer <token>`, marked
    /// sensitive.
    pub(crate) fn authorization(&self) -> Result<HeaderValue> {
        let token = self.0.trim();
        if token.is_empty() {
            return Err(Error::Config("the API token is empty".into()));
        }
        let mut value = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
            Error::Config("the API token contains characters that cannot be sent in an HTTP header".into())
        })?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let token = Token::new("very-secret");
        assert_eq!(format!("{token:?}"), "Token(***)");
        assert_eq!(format!("{token:#?}"), "Token(***)");
    }

    #[test]
    fn header_is_bearer_and_sensitive() {
        let value = Token::new(" abc ").authorization().unwrap();
        assert_eq!(value, "Bearer abc");
        assert!(value.is_sensitive());
    }

    #[test]
    fn bad_tokens_are_config_errors_without_the_token() {
        for raw in ["", "   ", "abc\ndef-secret"] {
            let err = Token::new(raw).validate().unwrap_err();
            assert!(matches!(err, Error::Config(_)), "{err:?}");
            assert!(!err.to_string().contains("secret"));
        }
    }
}
