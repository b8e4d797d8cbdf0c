//! Stage 1: read a spec file (YAML or JSON) into `openapiv3` types.
//!
//! Every failure names the JSON pointer of the offending node and what is
//! wrong with it; nothing here panics on bad input.

use std::fmt;

use openapiv3::OpenAPI;
use serde_json::Value;

/// A spec that could not be read, with the JSON pointer of the node at fault.
#[derive(Debug)]
pub struct SpecError {
    /// JSON pointer (RFC 6901) to the offending node; empty for the document.
    pub pointer: String,
    /// What is wrong there.
    pub message: String,
}

impl SpecError {
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        SpecError { pointer: pointer.into(), message: message.into() }
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = if self.pointer.is_empty() { "/" } else { &self.pointer };
        write!(f, "spec error at {pointer}: {}", self.message)
    }
}

impl std::error::Error for SpecError {}

/// A loaded spec: the typed document plus the raw JSON tree, which later
/// stages use to report pointers and to read what `openapiv3` drops.
pub struct Loaded {
    pub spec: OpenAPI,
    pub raw: Value,
}

/// Parses a spec from bytes (YAML or JSON).
pub fn load_bytes(bytes: &[u8]) -> Result<Loaded, SpecError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        SpecError::new("", format!("the spec is not UTF-8 (invalid byte at offset {})", e.valid_up_to()))
    })?;
    let raw: Value = if text.trim_start().starts_with('{') {
        serde_json::from_str(text)
            .map_err(|e| SpecError::new("", format!("invalid JSON at line {}, column {}: {e}", e.line(), e.column())))?
    } else {
        serde_yaml::from_str(text).map_err(|e| SpecError::new("", format!("invalid YAML: {e}")))?
    };
    check_shape(&raw)?;
    let spec: OpenAPI = serde_path_to_error::deserialize(&raw).map_err(|e| {
        let pointer = pointer_of(e.path());
        SpecError::new(pointer, e.into_inner().to_string())
    })?;
    Ok(Loaded { spec, raw })
}

/// Checks what `openapiv3` would otherwise report without a location.
fn check_shape(raw: &Value) -> Result<(), SpecError> {
    let Some(root) = raw.as_object() else {
        return Err(SpecError::new("", "the document is not an object"));
    };
    match root.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0") => {}
        Some(v) => {
            return Err(SpecError::new("/openapi", format!("unsupported OpenAPI version {v:?}; 3.0.x is supported")))
        }
        None => return Err(SpecError::new("/openapi", "missing required key `openapi`")),
    }
    for key in ["info", "paths"] {
        if !root.contains_key(key) {
            return Err(SpecError::new(format!("/{key}"), format!("missing required key `{key}`")));
        }
    }
    Ok(())
}

/// Converts a serde path (`paths./v1/x.get`) into a JSON pointer.
fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        out.push('/');
        match seg {
            Segment::Seq { index } => out.push_str(&index.to_string()),
            Segment::Map { key } | Segment::Enum { variant: key } => out.push_str(&escape(key)),
            Segment::Unknown => out.push('?'),
        }
    }
    out
}

/// Escapes one JSON pointer reference token.
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}
