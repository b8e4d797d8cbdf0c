//! Stage 2: `$ref` resolution and the checks the later stages rely on.
//!
//! Only local references (`#/components/...`) are supported. Every reference
//! is checked once, up front, so later stages can look targets up without
//! failing; a chain of references that loops back on itself is an error.

use openapiv3::{OpenAPI, Parameter, ReferenceOr, RequestBody, Response, Schema};
use serde_json::Value;

use super::load::{escape, SpecError};

/// Checks every `$ref` in the document: it must be local and point at an
/// existing node, and chains of bare references must end.
pub fn check_refs(raw: &Value) -> Result<(), SpecError> {
    let mut refs = Vec::new();
    collect_refs(raw, String::new(), &mut refs);
    for (site, target) in &refs {
        let pointer = target.strip_prefix('#').ok_or_else(|| {
            SpecError::new(site.clone(), format!("only local references are supported, found {target:?}"))
        })?;
        let mut seen = vec![pointer.to_string()];
        let mut node = raw.pointer(pointer);
        while let Some(next) = node.and_then(|n| n.get("$ref")).and_then(Value::as_str) {
            let next = next.strip_prefix('#').unwrap_or(next);
            if seen.iter().any(|s| s == next) {
                return Err(SpecError::new(site.clone(), format!("reference cycle: {} -> {next}", seen.join(" -> "))));
            }
            seen.push(next.to_string());
            node = raw.pointer(next);
        }
        if node.is_none() {
            return Err(SpecError::new(site.clone(), format!("dangling reference {target:?}: no such node")));
        }
    }
    Ok(())
}

fn collect_refs(node: &Value, at: String, out: &mut Vec<(String, String)>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                out.push((format!("{at}/$ref"), target.clone()));
            }
            for (k, v) in map {
                collect_refs(v, format!("{at}/{}", escape(k)), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                collect_refs(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// The component name a schema reference points at (`#/components/schemas/X` -> `X`).
pub fn schema_ref_name(reference: &str) -> Option<&str> {
    reference.strip_prefix("#/components/schemas/")
}

/// Looks up a component schema by reference; `None` when missing.
pub fn schema<'a>(spec: &'a OpenAPI, reference: &str) -> Option<&'a ReferenceOr<Schema>> {
    let name = schema_ref_name(reference)?;
    spec.components.as_ref()?.schemas.get(&unescape(name))
}

/// Resolves a parameter, following references.
pub fn parameter<'a>(
    spec: &'a OpenAPI,
    item: &'a ReferenceOr<Parameter>,
    at: &str,
) -> Result<&'a Parameter, SpecError> {
    follow(item, at, |name| {
        let c = spec.components.as_ref()?;
        c.parameters.get(name.strip_prefix("#/components/parameters/")?)
    })
}

/// Resolves a request body, following references.
pub fn request_body<'a>(
    spec: &'a OpenAPI,
    item: &'a ReferenceOr<RequestBody>,
    at: &str,
) -> Result<&'a RequestBody, SpecError> {
    follow(item, at, |name| {
        let c = spec.components.as_ref()?;
        c.request_bodies.get(name.strip_prefix("#/components/requestBodies/")?)
    })
}

/// Resolves a response, following references.
pub fn response<'a>(spec: &'a OpenAPI, item: &'a ReferenceOr<Response>, at: &str) -> Result<&'a Response, SpecError> {
    follow(item, at, |name| {
        let c = spec.components.as_ref()?;
        c.responses.get(name.strip_prefix("#/components/responses/")?)
    })
}

fn follow<'a, T>(
    mut item: &'a ReferenceOr<T>,
    at: &str,
    lookup: impl Fn(&str) -> Option<&'a ReferenceOr<T>>,
) -> Result<&'a T, SpecError> {
    for _ in 0..64 {
        match item {
            ReferenceOr::Item(value) => return Ok(value),
            ReferenceOr::Reference { reference } => {
                item = lookup(reference).ok_or_else(|| {
                    SpecError::new(at, format!("reference {reference:?} does not name a component of the right kind"))
                })?;
            }
        }
    }
    Err(SpecError::new(at, "reference chain too long"))
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}
