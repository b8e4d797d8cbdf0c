//! Stage 1: read a spec file (YAML or JSON) into `openapiv3` types.
//!
//! Every failure names the JSON pointer of the offending node and what is
//! wrong with it; nothing here panics on bad input.

use std::fmt;

use openapiv3::{OpenAPI, ReferenceOr, Schema};
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
        // `openapiv3` flattens and untags much of the document, which hides
        // where an error is; deserializing the parts one by one finds it.
        locate(&raw).unwrap_or_else(|| SpecError::new(pointer_of(e.path()), e.into_inner().to_string()))
    })?;
    if let Some(e) = locate_refs(&raw, "").or_else(|| locate_types(&raw, "")) {
        return Err(e);
    }
    Ok(Loaded { spec, raw })
}

/// The deepest part of the document that does not deserialize, if any.
fn locate(raw: &Value) -> Option<SpecError> {
    fn try_part<T: serde::de::DeserializeOwned>(node: &Value, at: &str) -> Option<SpecError> {
        serde_path_to_error::deserialize::<_, T>(node)
            .err()
            .map(|e| SpecError::new(format!("{at}{}", pointer_of(e.path())), e.into_inner().to_string()))
    }
    if let Some(schemas) = raw.pointer("/components/schemas").and_then(Value::as_object) {
        for (name, node) in schemas {
            let at = format!("/components/schemas/{}", escape(name));
            let found = locate_schema(node, &at).or_else(|| try_part::<ReferenceOr<Schema>>(node, &at));
            if found.is_some() {
                return found;
            }
        }
    }
    let paths = raw.get("paths")?.as_object()?;
    for (path, item) in paths {
        let at = format!("/paths/{}", escape(path));
        let Some(methods) = item.as_object() else {
            return Some(SpecError::new(at, "a path item must be an object"));
        };
        for (method, op) in methods {
            let at = format!("{at}/{}", escape(method));
            let found = match method.as_str() {
                "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace" => {
                    let responses = op.get("responses").and_then(Value::as_object).into_iter().flatten();
                    let mut found = None;
                    for (code, r) in responses {
                        found = try_part::<ReferenceOr<openapiv3::Response>>(
                            r,
                            &format!("{at}/responses/{}", escape(code)),
                        );
                        if found.is_some() {
                            break;
                        }
                    }
                    found.or_else(|| try_part::<openapiv3::Operation>(op, &at))
                }
                "parameters" => try_part::<Vec<ReferenceOr<openapiv3::Parameter>>>(op, &at),
                _ => None,
            };
            if found.is_some() {
                return found;
            }
        }
    }
    None
}

/// A schema `type` that is not a JSON Schema type, in any schema of the
/// document (`openapiv3` would take `type: strin` for "any value").
fn locate_types(node: &Value, at: &str) -> Option<SpecError> {
    match node {
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            let here = format!("{at}/{}", escape(k));
            let schema_here = k == "schema" || at == "/components/schemas";
            let found = if schema_here { locate_schema(v, &here) } else { None };
            found.or_else(|| if k == "example" || k == "examples" { None } else { locate_types(v, &here) })
        }),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, v)| locate_types(v, &format!("{at}/{i}"))),
        _ => None,
    }
}

/// A `$ref` that is not a string, anywhere (`openapiv3` would ignore it).
fn locate_refs(node: &Value, at: &str) -> Option<SpecError> {
    match node {
        Value::Object(map) => {
            if let Some(r) = map.get("$ref").filter(|r| !r.is_string()) {
                return Some(SpecError::new(format!("{at}/$ref"), format!("`$ref` must be a string, found {r}")));
            }
            map.iter().find_map(|(k, v)| match (k.as_str(), v) {
                // Under `properties`, `$ref` is a property's name, not a reference.
                ("properties", Value::Object(props)) => {
                    props.iter().find_map(|(name, p)| locate_refs(p, &format!("{at}/properties/{}", escape(name))))
                }
                _ => locate_refs(v, &format!("{at}/{}", escape(k))),
            })
        }
        Value::Array(items) => items.iter().enumerate().find_map(|(i, v)| locate_refs(v, &format!("{at}/{i}"))),
        _ => None,
    }
}

/// A schema `type` of the wrong kind, which `openapiv3`'s untagged schema
/// type reports only for the whole schema.
fn locate_schema(node: &Value, at: &str) -> Option<SpecError> {
    let map = node.as_object()?;
    if let Some(t) = map.get("type") {
        const TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "array", "object"];
        if !t.as_str().is_some_and(|t| TYPES.contains(&t)) {
            let message = format!("`type` must be one of {}; found {t}", TYPES.join(", "));
            return Some(SpecError::new(format!("{at}/type"), message));
        }
    }
    if let Some(props) = map.get("properties").and_then(Value::as_object) {
        for (name, sub) in props {
            if let Some(e) = locate_schema(sub, &format!("{at}/properties/{}", escape(name))) {
                return Some(e);
            }
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(e) = map.get(key).and_then(|sub| locate_schema(sub, &format!("{at}/{key}"))) {
            return Some(e);
        }
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        for (i, sub) in map.get(key).and_then(Value::as_array).into_iter().flatten().enumerate() {
            if let Some(e) = locate_schema(sub, &format!("{at}/{key}/{i}")) {
                return Some(e);
            }
        }
    }
    None
}

/// Checks what `openapiv3` would otherwise report without a location.
fn check_shape(raw: &Value) -> Result<(), SpecError> {
    let Some(root) = raw.as_object() else {
        return Err(SpecError::new("", "the document is not an object"));
    };
    if let Some(v) = root.get("swagger") {
        return Err(SpecError::new(
            "/swagger",
            format!("Swagger/OpenAPI {v} is not supported; convert the document to OpenAPI 3.0"),
        ));
    }
    match root.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.0") => {}
        Some(Value::String(v)) => {
            return Err(SpecError::new("/openapi", format!("unsupported OpenAPI version {v:?}; 3.0.x is supported")))
        }
        Some(other) => {
            return Err(SpecError::new(
                "/openapi",
                format!("`openapi` must be a version string such as \"3.0.3\", found {other}"),
            ))
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
