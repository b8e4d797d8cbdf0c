//! `cargo xtask diff OLD NEW`: what changed in the API between two specs, as
//! a Markdown changelog for a Rust caller of this SDK.
//!
//! Operations are matched by method and path. For each operation present in
//! both specs the parameters (by location and name), the request body and
//! each response with a schema are compared. Bodies are compared field by
//! field: each schema is walked, resolving `$ref`s and merging `allOf`,
//! `oneOf` and `anyOf` branches, into a list of property paths such as
//! `POST /v1/x 200 .items[].name` (`[]` is an array's items, `{}` a map's
//! values); recursion stops at a schema that is already being walked and at
//! [`MAX_DEPTH`] levels.
//!
//! Each change is classed as **breaking** or not for a Rust caller of this SDK:
//!
//! | Change | Breaking |
//! | --- | --- |
//! | operation added | no |
//! | operation removed, or its `operationId` (so its method name) changed | yes |
//! | parameter added | only if required |
//! | parameter removed, or made required | yes |
//! | request or response body added (e.g. an error status gets a schema) | only if it is a required request body |
//! | request or response body removed | yes |
//! | field added | only if it is a required field of a request body |
//! | field removed or retyped | yes |
//! | request field made required | yes |
//! | enum value added | no (generated enums have an `Unknown` variant) |
//! | enum value removed | yes |
//!
//! A field's type is what decides its Rust type: `string`, `string(date-time)`,
//! `string(binary)`, `string enum`, `integer`, `number`, `boolean`, `array`,
//! `object`, `map`, or several of them joined by `|` for a `oneOf`. Only the
//! topmost added or removed field is listed (not each field inside it), and
//! nothing is listed inside a retyped field.

use std::collections::{BTreeSet, HashSet};
use std::fmt::Write as _;
use std::path::Path;

use indexmap::IndexMap;
use serde_json::Value;

use crate::codegen::load::{self, SpecError};

/// How many levels of nested fields below a body or parameter are compared.
pub const MAX_DEPTH: usize = 24;

/// How many fields of one body are compared at most (a guard against
/// schemas that blow up when their references are expanded).
pub const MAX_FIELDS: usize = 100_000;

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// The kind of a change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    OperationAdded,
    OperationRemoved,
    OperationRenamed,
    ParameterAdded,
    ParameterRemoved,
    ParameterRequired,
    BodyAdded,
    BodyRemoved,
    FieldAdded,
    FieldRemoved,
    FieldRetyped,
    FieldRequired,
    EnumValueAdded,
    EnumValueRemoved,
}

impl Kind {
    /// Every kind, in the order of the changelog's sections.
    pub const ALL: [Kind; 14] = [
        Kind::OperationAdded,
        Kind::OperationRemoved,
        Kind::OperationRenamed,
        Kind::ParameterAdded,
        Kind::ParameterRemoved,
        Kind::ParameterRequired,
        Kind::BodyAdded,
        Kind::BodyRemoved,
        Kind::FieldAdded,
        Kind::FieldRemoved,
        Kind::FieldRetyped,
        Kind::FieldRequired,
        Kind::EnumValueAdded,
        Kind::EnumValueRemoved,
    ];

    /// The title of the kind's section (and row of the summary).
    pub fn title(self) -> &'static str {
        match self {
            Kind::OperationAdded => "Operations added",
            Kind::OperationRemoved => "Operations removed",
            Kind::OperationRenamed => "Operations renamed",
            Kind::ParameterAdded => "Parameters added",
            Kind::ParameterRemoved => "Parameters removed",
            Kind::ParameterRequired => "Parameters made required",
            Kind::BodyAdded => "Bodies added",
            Kind::BodyRemoved => "Bodies removed",
            Kind::FieldAdded => "Fields added",
            Kind::FieldRemoved => "Fields removed",
            Kind::FieldRetyped => "Fields retyped",
            Kind::FieldRequired => "Request fields made required",
            Kind::EnumValueAdded => "Enum values added",
            Kind::EnumValueRemoved => "Enum values removed",
        }
    }
}

/// One change: its kind, whether it breaks a Rust caller, and what it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub kind: Kind,
    pub breaking: bool,
    /// What changed, in Markdown, e.g. ``` `GET /v1/x`: query parameter `limit` ```.
    pub text: String,
}

impl Change {
    /// The change as a line of the changelog: `- ` then, for a breaking
    /// change, `**breaking** `, then the text.
    pub fn line(&self) -> String {
        format!("- {}{}", if self.breaking { "**breaking** " } else { "" }, self.text)
    }
}

/// Every change between two specs, in the order of the new spec's paths
/// (removals in the order of the old spec).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changelog {
    pub changes: Vec<Change>,
}

impl Changelog {
    /// How many changes of `kind` are (or are not) breaking.
    pub fn count(&self, kind: Kind, breaking: bool) -> usize {
        self.changes.iter().filter(|c| c.kind == kind && c.breaking == breaking).count()
    }

    /// How many changes are breaking.
    pub fn breaking(&self) -> usize {
        self.changes.iter().filter(|c| c.breaking).count()
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The lines of the changelog for changes of `kind`.
    pub fn lines(&self, kind: Kind) -> Vec<String> {
        self.changes.iter().filter(|c| c.kind == kind).map(Change::line).collect()
    }

    /// A one-line summary: `N changes (B breaking)`.
    pub fn summary(&self) -> String {
        let n = self.changes.len();
        format!("{n} change{} ({} breaking)", if n == 1 { "" } else { "s" }, self.breaking())
    }

    /// The changelog as Markdown: a title naming both specs, a table of counts
    /// by kind, then one section per kind that has changes.
    pub fn to_markdown(&self, old: &str, new: &str) -> String {
        let mut out = format!("# API changes\n\nFrom `{old}` to `{new}`: {}.\n\n", self.summary());
        out.push_str("| Change | Breaking | Not breaking |\n| --- | ---: | ---: |\n");
        for kind in Kind::ALL {
            let _ = writeln!(out, "| {} | {} | {} |", kind.title(), self.count(kind, true), self.count(kind, false));
        }
        let _ = writeln!(out, "| **Total** | **{}** | **{}** |", self.breaking(), self.changes.len() - self.breaking());
        for kind in Kind::ALL {
            let lines = self.lines(kind);
            if lines.is_empty() {
                continue;
            }
            let _ = write!(out, "\n## {}\n\n", kind.title());
            for line in lines {
                out.push_str(&line);
                out.push('\n');
            }
        }
        if self.is_empty() {
            out.push_str("\nNo changes.\n");
        }
        out
    }
}

/// Compares two spec files (YAML or JSON).
pub fn diff_files(old: &Path, new: &Path) -> Result<Changelog, String> {
    let read = |path: &Path| {
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        load::load_bytes(&bytes).map_err(|e| format!("{}: {e}", path.display()))
    };
    let (old, new) = (read(old)?, read(new)?);
    Ok(diff(&old.raw, &new.raw))
}

/// Compares two specs given as bytes (YAML or JSON).
pub fn diff_bytes(old: &[u8], new: &[u8]) -> Result<Changelog, SpecError> {
    let old = load::load_bytes(old)?;
    let new = load::load_bytes(new)?;
    Ok(diff(&old.raw, &new.raw))
}

/// Compares two loaded specs (their raw JSON trees).
pub fn diff(old: &Value, new: &Value) -> Changelog {
    let old_ops = operations(old);
    let new_ops = operations(new);
    let mut log = Log::default();
    for (key, op) in &new_ops {
        match old_ops.get(key) {
            None => log.push(Kind::OperationAdded, false, format!("`{key}` ({})", op_id(op.id))),
            Some(before) => diff_operation(&mut log, key, (old, before), (new, op)),
        }
    }
    for (key, op) in &old_ops {
        if !new_ops.contains_key(key) {
            log.push(Kind::OperationRemoved, true, format!("`{key}` ({})", op_id(op.id)));
        }
    }
    Changelog { changes: log.changes }
}

#[derive(Default)]
struct Log {
    changes: Vec<Change>,
}

impl Log {
    fn push(&mut self, kind: Kind, breaking: bool, text: String) {
        self.changes.push(Change { kind, breaking, text });
    }
}

fn op_id(id: Option<&str>) -> String {
    match id {
        Some(id) => format!("`{id}`"),
        None => "no operationId".to_string(),
    }
}

/// What of an operation is compared.
struct Operation<'a> {
    id: Option<&'a str>,
    /// `(location, name)` -> parameter.
    params: IndexMap<(String, String), Param<'a>>,
    request: Option<Body<'a>>,
    /// Status -> the response's schema.
    responses: IndexMap<String, &'a Value>,
}

struct Param<'a> {
    required: bool,
    schema: Option<&'a Value>,
}

struct Body<'a> {
    required: bool,
    schema: &'a Value,
}

/// The operations of a spec, keyed by `METHOD /path`, in the spec's order.
fn operations(root: &Value) -> IndexMap<String, Operation<'_>> {
    let mut ops = IndexMap::new();
    let Some(paths) = root.get("paths").and_then(Value::as_object) else {
        return ops;
    };
    for (path, item) in paths {
        let item = deref(root, item);
        let shared = item.get("parameters").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let mut params = IndexMap::new();
            let own = op.get("parameters").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
            for p in shared.iter().chain(own) {
                let p = deref(root, p);
                let (Some(name), Some(at)) =
                    (p.get("name").and_then(Value::as_str), p.get("in").and_then(Value::as_str))
                else {
                    continue;
                };
                let schema = p.get("schema").or_else(|| media_schema(p.get("content")));
                let required = at == "path" || p.get("required").and_then(Value::as_bool).unwrap_or(false);
                params.insert((at.to_string(), name.to_string()), Param { required, schema });
            }
            let request = op.get("requestBody").map(|b| deref(root, b)).and_then(|b| {
                let schema = media_schema(b.get("content"))?;
                Some(Body { required: b.get("required").and_then(Value::as_bool).unwrap_or(false), schema })
            });
            let mut responses = IndexMap::new();
            for (status, response) in op.get("responses").and_then(Value::as_object).into_iter().flatten() {
                if let Some(schema) = media_schema(deref(root, response).get("content")) {
                    responses.insert(status.clone(), schema);
                }
            }
            let id = op.get("operationId").and_then(Value::as_str);
            ops.insert(format!("{} {path}", method.to_uppercase()), Operation { id, params, request, responses });
        }
    }
    ops
}

/// The schema of a `content` map: its JSON media type's, else the first one's.
fn media_schema(content: Option<&Value>) -> Option<&Value> {
    let content = content?.as_object()?;
    let json = content.iter().find(|(media, v)| is_json(media) && v.get("schema").is_some());
    json.or_else(|| content.iter().find(|(_, v)| v.get("schema").is_some())).and_then(|(_, v)| v.get("schema"))
}

fn is_json(media: &str) -> bool {
    let media = media.split(';').next().unwrap_or_default().trim();
    media == "application/json" || media.ends_with("+json")
}

/// Follows a (non-schema) `$ref` chain; a dangling one gives the node itself.
fn deref<'a>(root: &'a Value, mut node: &'a Value) -> &'a Value {
    for _ in 0..32 {
        match node.get("$ref").and_then(Value::as_str).and_then(|r| resolve(root, r)) {
            Some(target) => node = target,
            None => break,
        }
    }
    node
}

fn resolve<'a>(root: &'a Value, reference: &str) -> Option<&'a Value> {
    root.pointer(reference.strip_prefix('#')?)
}

fn diff_operation(
    log: &mut Log,
    key: &str,
    (old_root, old): (&Value, &Operation),
    (new_root, new): (&Value, &Operation),
) {
    if old.id != new.id {
        log.push(Kind::OperationRenamed, true, format!("`{key}`: {} → {}", op_id(old.id), op_id(new.id)));
    }
    for ((at, name), param) in &new.params {
        let site = Site::Param { op: key, at, name };
        match old.params.get(&(at.clone(), name.clone())) {
            None => {
                let ty = param.schema.and_then(|s| fields(new_root, s, true).shift_remove(""));
                let ty = ty.map(|n| format!(" ({})", show_ty(&n.ty))).unwrap_or_default();
                let required = if param.required { "required " } else { "" };
                log.push(
                    Kind::ParameterAdded,
                    param.required,
                    format!("`{key}`: {required}{at} parameter `{name}`{ty}"),
                );
            }
            Some(before) => {
                if param.required && !before.required {
                    log.push(
                        Kind::ParameterRequired,
                        true,
                        format!("`{key}`: {at} parameter `{name}` is now required"),
                    );
                }
                let old_fields = before.schema.map(|s| fields(old_root, s, true)).unwrap_or_default();
                let new_fields = param.schema.map(|s| fields(new_root, s, true)).unwrap_or_default();
                diff_fields(log, &site, &old_fields, &new_fields);
            }
        }
    }
    for (at, name) in old.params.keys() {
        if !new.params.contains_key(&(at.clone(), name.clone())) {
            log.push(Kind::ParameterRemoved, true, format!("`{key}`: {at} parameter `{name}`"));
        }
    }
    let body = |root, body: Option<&Body>| body.map(|b| fields(root, b.schema, b.required)).unwrap_or_default();
    let site = Site::Body { op: key, at: "request", request: true };
    diff_fields(log, &site, &body(old_root, old.request.as_ref()), &body(new_root, new.request.as_ref()));
    let statuses: Vec<&String> =
        new.responses.keys().chain(old.responses.keys().filter(|s| !new.responses.contains_key(*s))).collect();
    for status in statuses {
        let walk = |root, schema: Option<&&Value>| schema.map(|s| fields(root, s, true)).unwrap_or_default();
        let site = Site::Body { op: key, at: status, request: false };
        diff_fields(log, &site, &walk(old_root, old.responses.get(status)), &walk(new_root, new.responses.get(status)));
    }
}

/// Where the fields being compared are.
enum Site<'s> {
    Param { op: &'s str, at: &'s str, name: &'s str },
    Body { op: &'s str, at: &'s str, request: bool },
}

impl Site<'_> {
    /// The field at `path`, in Markdown.
    fn show(&self, path: &str) -> String {
        match self {
            Site::Param { op, at, name } => format!("`{op}` {at} parameter `{name}{path}`"),
            Site::Body { op, at, .. } if path.is_empty() => format!("`{op} {at}`"),
            Site::Body { op, at, .. } => format!("`{op} {at} {path}`"),
        }
    }

    fn is_request(&self) -> bool {
        matches!(self, Site::Param { .. } | Site::Body { request: true, .. })
    }
}

fn diff_fields(log: &mut Log, site: &Site, old: &Fields, new: &Fields) {
    let mut retyped: HashSet<&str> = HashSet::new();
    // A path is skipped when an ancestor was retyped (its fields are not
    // comparable) or, for an added or removed path, when its parent is
    // itself added or removed (the parent is listed instead).
    let under_retyped = |fields: &Fields, path: &str, retyped: &HashSet<&str>| {
        let mut parent = fields.get(path).and_then(|n| n.parent.as_deref());
        while let Some(p) = parent {
            if retyped.contains(p) {
                return true;
            }
            parent = fields.get(p).and_then(|n| n.parent.as_deref());
        }
        false
    };
    for (path, node) in new {
        if under_retyped(new, path, &retyped) {
            continue;
        }
        let Some(before) = old.get(path) else {
            if node.parent.as_ref().is_none_or(|p| old.contains_key(p)) {
                let breaking = site.is_request() && node.required;
                let required = if site.is_request() && node.required { ", required" } else { "" };
                let kind = if path.is_empty() { Kind::BodyAdded } else { Kind::FieldAdded };
                log.push(kind, breaking, format!("{} ({}{required})", site.show(path), show_ty(&node.ty)));
            }
            continue;
        };
        if before.ty != node.ty {
            let text = format!("{}: {} → {}", site.show(path), show_ty(&before.ty), show_ty(&node.ty));
            log.push(Kind::FieldRetyped, true, text);
            retyped.insert(path);
            continue;
        }
        if site.is_request() && node.required && !before.required && matches!(site, Site::Body { .. }) {
            log.push(Kind::FieldRequired, true, format!("{} is now required", site.show(path)));
        }
        let added: Vec<&Value> = node.values.iter().filter(|v| !before.values.contains(v)).collect();
        if !added.is_empty() {
            log.push(Kind::EnumValueAdded, false, format!("{}: {}", site.show(path), show_values(&added)));
        }
        let removed: Vec<&Value> = before.values.iter().filter(|v| !node.values.contains(v)).collect();
        if !removed.is_empty() {
            log.push(Kind::EnumValueRemoved, true, format!("{}: {}", site.show(path), show_values(&removed)));
        }
    }
    for (path, node) in old {
        if new.contains_key(path) || under_retyped(old, path, &retyped) {
            continue;
        }
        if node.parent.as_ref().is_none_or(|p| new.contains_key(p)) {
            let kind = if path.is_empty() { Kind::BodyRemoved } else { Kind::FieldRemoved };
            log.push(kind, true, format!("{} ({})", site.show(path), show_ty(&node.ty)));
        }
    }
}

fn show_ty(ty: &BTreeSet<String>) -> String {
    if ty.is_empty() {
        "any".to_string()
    } else {
        ty.iter().map(String::as_str).collect::<Vec<_>>().join(" | ")
    }
}

fn show_values(values: &[&Value]) -> String {
    let shown: Vec<String> = values
        .iter()
        .map(|v| match v {
            Value::String(s) => format!("`{s}`"),
            other => format!("`{other}`"),
        })
        .collect();
    shown.join(", ")
}

// ------------------------------------------------------------ schema walk

/// Property path -> what is there, in the order of the schema.
type Fields = IndexMap<String, Field>;

/// A field of a body (or of a parameter's value).
#[derive(Debug, Clone, PartialEq)]
struct Field {
    /// The path of the field that contains this one; `None` for the root.
    parent: Option<String>,
    /// What decides the Rust type (see the module docs); empty for any value.
    ty: BTreeSet<String>,
    /// Whether its object lists it as required (the root: whether the body is).
    required: bool,
    /// Its enum values, if any.
    values: Vec<Value>,
}

/// Walks a schema into its fields.
fn fields<'a>(root: &'a Value, schema: &'a Value, required: bool) -> Fields {
    let mut walker = Walker { root, fields: IndexMap::new(), ancestors: Vec::new() };
    walker.walk(S::One(schema), String::new(), None, required, 0);
    walker.fields
}

/// A schema, or several that apply together (`allOf`) or one of which does
/// (`oneOf`, `anyOf`).
enum S<'a> {
    One(&'a Value),
    All(Vec<S<'a>>),
    Any(Vec<S<'a>>),
}

/// A schema with its `$ref`s resolved and its branches merged, one level deep.
#[derive(Default)]
struct Flat<'a> {
    ty: BTreeSet<String>,
    values: Vec<Value>,
    /// Name -> (schema, required).
    props: IndexMap<String, (S<'a>, bool)>,
    items: Option<S<'a>>,
    additional: Option<S<'a>>,
    /// The references resolved on the way, to stop at recursion.
    refs: Vec<&'a str>,
}

impl<'a> Flat<'a> {
    /// Both apply (`allOf`).
    fn and(mut self, other: Flat<'a>) -> Flat<'a> {
        if self.ty.is_empty() {
            self.ty = other.ty;
        } else if !other.ty.is_empty() {
            self.ty.extend(other.ty);
        }
        merge_values(&mut self.values, other.values);
        for (name, (schema, required)) in other.props {
            match self.props.shift_remove(&name) {
                Some((mine, mine_required)) => {
                    self.props.insert(name, (S::All(vec![mine, schema]), mine_required || required));
                }
                None => {
                    self.props.insert(name, (schema, required));
                }
            }
        }
        self.items = join(self.items, other.items, S::All);
        self.additional = join(self.additional, other.additional, S::All);
        self.refs.extend(other.refs);
        self
    }

    /// One of them applies (`oneOf`, `anyOf`).
    fn or(mut self, other: Flat<'a>) -> Flat<'a> {
        if self.ty.is_empty() || other.ty.is_empty() {
            self.ty.clear();
        } else {
            self.ty.extend(other.ty);
        }
        merge_values(&mut self.values, other.values);
        let mut props = IndexMap::new();
        let mut other_props = other.props;
        for (name, (schema, required)) in std::mem::take(&mut self.props) {
            match other_props.shift_remove(&name) {
                Some((theirs, their_required)) => {
                    props.insert(name, (S::Any(vec![schema, theirs]), required && their_required));
                }
                None => {
                    props.insert(name, (schema, false));
                }
            }
        }
        for (name, (schema, _)) in other_props {
            props.insert(name, (schema, false));
        }
        self.props = props;
        self.items = join(self.items, other.items, S::Any);
        self.additional = join(self.additional, other.additional, S::Any);
        self.refs.extend(other.refs);
        self
    }
}

fn join<'a>(a: Option<S<'a>>, b: Option<S<'a>>, both: fn(Vec<S<'a>>) -> S<'a>) -> Option<S<'a>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(both(vec![a, b])),
        (a, b) => a.or(b),
    }
}

fn merge_values(values: &mut Vec<Value>, more: Vec<Value>) {
    for v in more {
        if !values.contains(&v) {
            values.push(v);
        }
    }
}

struct Walker<'a> {
    root: &'a Value,
    fields: Fields,
    /// The references being walked, outermost first.
    ancestors: Vec<&'a str>,
}

impl<'a> Walker<'a> {
    fn walk(&mut self, schema: S<'a>, path: String, parent: Option<String>, required: bool, depth: usize) {
        let flat = self.flat(&schema, &mut Vec::new());
        let recursive = flat.refs.iter().any(|r| self.ancestors.contains(r));
        let field = Field { parent, ty: flat.ty, required, values: flat.values };
        self.fields.insert(path.clone(), field);
        if recursive || depth >= MAX_DEPTH || self.fields.len() >= MAX_FIELDS {
            return;
        }
        let pushed = flat.refs.len();
        self.ancestors.extend(flat.refs);
        for (name, (sub, required)) in flat.props {
            let sub_path = format!("{path}{}", segment(&name));
            self.walk(sub, sub_path, Some(path.clone()), required, depth + 1);
        }
        if let Some(items) = flat.items {
            self.walk(items, format!("{path}[]"), Some(path.clone()), true, depth + 1);
        }
        if let Some(values) = flat.additional {
            self.walk(values, format!("{path}{{}}"), Some(path.clone()), true, depth + 1);
        }
        self.ancestors.truncate(self.ancestors.len() - pushed);
    }

    /// Resolves and merges a schema one level deep. `seen` holds the
    /// references being resolved, to stop at a schema that is its own
    /// `allOf`/`oneOf` branch.
    fn flat(&self, schema: &S<'a>, seen: &mut Vec<&'a str>) -> Flat<'a> {
        match schema {
            S::One(node) => self.flat_one(node, seen),
            S::All(parts) => parts.iter().map(|p| self.flat(p, seen)).reduce(Flat::and).unwrap_or_default(),
            S::Any(parts) => parts.iter().map(|p| self.flat(p, seen)).reduce(Flat::or).unwrap_or_default(),
        }
    }

    fn flat_one(&self, node: &'a Value, seen: &mut Vec<&'a str>) -> Flat<'a> {
        if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
            if seen.contains(&reference) {
                return Flat { refs: vec![reference], ..Flat::default() };
            }
            let Some(target) = resolve(self.root, reference) else {
                return Flat { ty: BTreeSet::from([format!("unresolved {reference}")]), ..Flat::default() };
            };
            seen.push(reference);
            let mut flat = self.flat_one(target, seen);
            seen.pop();
            flat.refs.push(reference);
            return flat;
        }
        let Some(map) = node.as_object() else {
            return Flat::default();
        };
        let mut flat = leaf(map);
        for part in map.get("allOf").and_then(Value::as_array).into_iter().flatten() {
            flat = flat.and(self.flat_one(part, seen));
        }
        for key in ["oneOf", "anyOf"] {
            let branches = map.get(key).and_then(Value::as_array).into_iter().flatten();
            if let Some(any) = branches.map(|b| self.flat_one(b, seen)).reduce(Flat::or) {
                flat = flat.and(any);
            }
        }
        flat
    }
}

/// A schema's own keywords (not its `allOf`/`oneOf`/`anyOf`).
fn leaf(map: &serde_json::Map<String, Value>) -> Flat<'_> {
    let values: Vec<Value> = map.get("enum").and_then(Value::as_array).cloned().unwrap_or_default();
    let required: HashSet<&str> =
        map.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
    let props: IndexMap<String, (S, bool)> = map
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, schema)| (name.clone(), (S::One(schema), required.contains(name.as_str()))))
        .collect();
    let items = map.get("items").map(S::One);
    let additional = map.get("additionalProperties").filter(|v| v.is_object()).map(S::One);
    let map_like = props.is_empty() && map.get("additionalProperties").is_some_and(|v| v.is_object() || v == true);
    let ty = match map.get("type").and_then(Value::as_str) {
        Some("string") | None if !values.is_empty() && values.iter().all(|v| v.is_string() || v.is_null()) => {
            "string enum".to_string()
        }
        Some("string") => match map.get("format").and_then(Value::as_str) {
            Some(format @ ("date-time" | "binary")) => format!("string({format})"),
            _ => "string".to_string(),
        },
        Some("object") if map_like => "map".to_string(),
        Some(t) => t.to_string(),
        None if map_like => "map".to_string(),
        None if !props.is_empty() => "object".to_string(),
        None if items.is_some() => "array".to_string(),
        None => String::new(),
    };
    let ty = if ty.is_empty() { BTreeSet::new() } else { BTreeSet::from([ty]) };
    Flat { ty, values, props, items, additional, refs: Vec::new() }
}

/// A property's segment of a path: `.name`, or `["name"]` for a name that
/// would be ambiguous.
fn segment(name: &str) -> String {
    if !name.is_empty() && !name.contains(['.', '[', ']', '{', '}', ' ', '"']) {
        format!(".{name}")
    } else {
        format!("[{}]", Value::String(name.to_string()))
    }
}
