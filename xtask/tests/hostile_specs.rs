//! Hostile specs: the generator either generates code that is valid Rust, or
//! rejects the spec with a [`SpecError`] that says where and what; it never
//! panics, never hangs, never overflows its stack and never leaves a partial
//! output tree.
//!
//! Every case goes through [`check`], which runs `generate_bytes` on a thread
//! of its own (8 MiB of stack, what the main thread of `cargo xtask codegen`
//! has) with a 10 s timeout, catches panics, and then checks the outcome:
//!
//! - generated: every file parses (`syn::parse_file`), and static checks of
//!   what would not compile or would silently be wrong: unique item, field,
//!   variant and method names, no method that clashes with a hand-written
//!   `Client` method, no repeated argument name, ASCII module names, no
//!   generated type shadowed by a name a module imports, and serde names that
//!   are exactly the spec's wire names. Problems of known bugs (names rustc
//!   warns about, a `Default` that never returns, Cargo feature names Cargo
//!   refuses) are counted apart: the fuzzers report them but do not fail on
//!   them (see [`check_generated_all`]);
//! - rejected: the message is not an internal error, and the pointer (when
//!   there is one) names a node of the document, or the missing key of one.
//!
//! The specs come from hand-written cases (one test each), from proptest
//! (with a fixed seed and case count, so the run is the same every time):
//! random specs built from hostile names, random structural mutations of
//! `spec/vercel.yaml`, and random byte-level mutations of its text; and from
//! a few representative cases that are compiled for real with `xtask::scaffold`
//! (sharing the target directory and `RUSTFLAGS` of `tests/fixtures_compile.rs`).
//!
//! Cases that hit a known bug are `#[ignore = "BUG: …"]` and assert the right
//! behaviour; the tests of bugs since fixed stay, as regression tests. Stack
//! overflows abort the process, so the deep cases run in a child process
//! ([`in_child_process`]).
//!
//! To explore beyond the fixed run: `HOSTILE_SEED=<u64>` and
//! `HOSTILE_CASES=<n>` change the seed and the number of cases;
//! `HOSTILE_LAST_SPEC=<file>` keeps the spec of the case being run (what a
//! stack overflow leaves); `HOSTILE_DUMP=1` prints the specs whose code has
//! known-bug problems.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::process::Command;
use std::sync::{mpsc, OnceLock};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use serde_json::{json, Map, Value};
use xtask::codegen::model::{Api, Ty, TypeKind};
use xtask::codegen::{self, Generated, SpecError};
use xtask::scaffold;

/// A case that runs longer than this is taken for a loop.
const TIMEOUT: Duration = Duration::from_secs(10);
/// The stack of the main thread, which `cargo xtask codegen` runs on.
const MAIN_STACK: usize = 8 << 20;
/// The stack of a thread spawned with the defaults (and of a test thread).
const DEFAULT_STACK: usize = 2 << 20;

// ------------------------------------------------------------------ harness

/// What went wrong with a case, as the test failure says it.
type Problem = String;

/// Runs the generator on `bytes` on a thread with `stack` bytes of stack.
/// `Err` for a panic or a timeout.
fn generate_guarded(bytes: Vec<u8>, stack: usize, timeout: Duration) -> Result<Result<Generated, SpecError>, Problem> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("generate".into())
        .stack_size(stack)
        .spawn(move || {
            let result = catch_unwind(AssertUnwindSafe(|| codegen::generate_bytes(&bytes, "fuzz")));
            let _ = tx.send(result.map_err(|payload| {
                payload
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "(no message)".into())
            }));
        })
        .expect("spawn a thread");
    match rx.recv_timeout(timeout) {
        Ok(Ok(result)) => Ok(result),
        Ok(Err(panic)) => Err(format!("the generator panicked: {panic}")),
        Err(_) => Err(format!("the generator did not finish within {timeout:?} (a loop?)")),
    }
}

enum Outcome {
    Generated(Box<Generated>),
    Rejected(SpecError),
}

/// Runs one case and checks its outcome (see the module docs).
fn check(bytes: Vec<u8>) -> Result<Outcome, Problem> {
    let raw = parse_raw(&bytes);
    match generate_guarded(bytes, MAIN_STACK, TIMEOUT)? {
        Ok(generated) => {
            let problems = check_generated(&generated);
            if problems.is_empty() {
                Ok(Outcome::Generated(Box::new(generated)))
            } else {
                Err(format!("the generated code is wrong:\n- {}", problems.join("\n- ")))
            }
        }
        Err(e) => {
            check_error(&e, raw.as_ref())?;
            Ok(Outcome::Rejected(e))
        }
    }
}

/// [`check`] for a case that must generate.
#[track_caller]
fn generates(bytes: impl Into<Vec<u8>>) -> Generated {
    let bytes = bytes.into();
    match check(bytes.clone()) {
        Ok(Outcome::Generated(g)) => *g,
        Ok(Outcome::Rejected(e)) => panic!("rejected: {e}\nspec: {}", String::from_utf8_lossy(&bytes)),
        Err(problem) => panic!("{problem}\nspec: {}", String::from_utf8_lossy(&bytes)),
    }
}

/// [`check`] for a case that must be rejected.
#[track_caller]
fn rejects(bytes: impl Into<Vec<u8>>) -> SpecError {
    let bytes = bytes.into();
    match check(bytes.clone()) {
        Ok(Outcome::Rejected(e)) => e,
        Ok(Outcome::Generated(_)) => panic!("generated, but must be rejected: {}", String::from_utf8_lossy(&bytes)),
        Err(problem) => panic!("{problem}\nspec: {}", String::from_utf8_lossy(&bytes)),
    }
}

/// [`check`] for a case that may go either way, as long as it is well behaved.
#[track_caller]
fn well_behaved(bytes: impl Into<Vec<u8>>) -> Outcome {
    let bytes = bytes.into();
    check(bytes.clone()).unwrap_or_else(|problem| panic!("{problem}\nspec: {}", String::from_utf8_lossy(&bytes)))
}

/// The document as the generator's loader reads it (JSON if it starts with
/// `{`, else YAML), to check error pointers against.
fn parse_raw(bytes: &[u8]) -> Option<Value> {
    let text = std::str::from_utf8(bytes).ok()?;
    if text.trim_start().starts_with('{') {
        serde_json::from_str(text).ok()
    } else {
        serde_yaml::from_str(text).ok()
    }
}

fn check_error(e: &SpecError, raw: Option<&Value>) -> Result<(), Problem> {
    if e.message.trim().is_empty() {
        return Err(format!("an error without a message at {:?}", e.pointer));
    }
    if e.message.contains("internal error") {
        return Err(format!("an internal error, not a spec error: {e}"));
    }
    if e.pointer.is_empty() {
        return Ok(());
    }
    if !e.pointer.starts_with('/') {
        return Err(format!("the pointer {:?} is not a JSON pointer: {e}", e.pointer));
    }
    if let Some(raw) = raw {
        // The node at fault, or the object a required key is missing from.
        let parent = e.pointer.rsplit_once('/').map_or("", |(p, _)| p);
        if raw.pointer(&e.pointer).is_none() && raw.pointer(parent).is_none() {
            return Err(format!("the pointer {:?} names no node of the document: {e}", e.pointer));
        }
    }
    Ok(())
}

// ------------------------------------------------------ static code checks

/// The methods of the hand-written `impl Client` blocks of the runtime.
fn handwritten_client_methods() -> &'static BTreeSet<String> {
    static METHODS: OnceLock<BTreeSet<String>> = OnceLock::new();
    METHODS.get_or_init(|| {
        let src = scaffold::crate_dir().join("src");
        let mut out = BTreeSet::new();
        let mut dirs = vec![src.clone()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("read crates/vercel-api/src").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    if path != src.join("generated") {
                        dirs.push(path);
                    }
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).expect("read a source file");
                    if let Ok(file) = syn::parse_file(&text) {
                        collect_client_methods(&file.items, &mut out);
                    }
                }
            }
        }
        assert!(out.contains("builder") && out.contains("call"), "found no Client methods: {out:?}");
        out
    })
}

fn collect_client_methods(items: &[syn::Item], out: &mut BTreeSet<String>) {
    for item in items {
        match item {
            syn::Item::Impl(imp) if imp.trait_.is_none() && is_client(&imp.self_ty) => {
                for it in &imp.items {
                    if let syn::ImplItem::Fn(f) = it {
                        out.insert(f.sig.ident.to_string());
                    }
                }
            }
            syn::Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    collect_client_methods(items, out);
                }
            }
            _ => {}
        }
    }
}

fn is_client(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Client"))
}

/// Names a `use` item brings in by name (not through a glob).
fn explicit_imports(tree: &syn::UseTree, out: &mut BTreeSet<String>) {
    match tree {
        syn::UseTree::Path(p) => explicit_imports(&p.tree, out),
        syn::UseTree::Name(n) => {
            out.insert(n.ident.to_string());
        }
        syn::UseTree::Rename(r) => {
            out.insert(r.rename.to_string());
        }
        syn::UseTree::Group(g) => g.items.iter().for_each(|t| explicit_imports(t, out)),
        syn::UseTree::Glob(_) => {}
    }
}

/// serde's `rename_all = "camelCase"` for a field, as `serde_derive` does it:
/// ASCII-only case changes, and a panic (here `None`) when the name does not
/// start with an ASCII character.
fn serde_camel_case(field: &str) -> Option<String> {
    let mut pascal = String::new();
    let mut capitalize = true;
    for ch in field.chars() {
        if ch == '_' {
            capitalize = true;
        } else if capitalize {
            pascal.push(ch.to_ascii_uppercase());
            capitalize = false;
        } else {
            pascal.push(ch);
        }
    }
    if pascal.is_empty() || !pascal.is_char_boundary(1) {
        return None;
    }
    Some(pascal[..1].to_ascii_lowercase() + &pascal[1..])
}

/// `(rename, rename_all, flatten)` from the `#[serde(...)]` attributes.
fn serde_attrs(attrs: &[syn::Attribute]) -> (Option<String>, Option<String>, bool) {
    let (mut rename, mut rename_all, mut flatten) = (None, None, false);
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            let key = meta.path.get_ident().map(|i| i.to_string()).unwrap_or_default();
            if meta.input.peek(syn::Token![=]) {
                let value: syn::LitStr = meta.value()?.parse()?;
                match key.as_str() {
                    "rename" => rename = Some(value.value()),
                    "rename_all" => rename_all = Some(value.value()),
                    _ => {}
                }
            } else if key == "flatten" {
                flatten = true;
            }
            Ok(())
        });
    }
    (rename, rename_all, flatten)
}

fn derives_default(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().filter(|a| a.path().is_ident("derive")).any(|a| {
        let mut found = false;
        let _ = a.parse_nested_meta(|meta| {
            found |= meta.path.is_ident("Default");
            Ok(())
        });
        found
    })
}

/// Names of generated types a type expression mentions.
fn type_names(api: &Api, ty: &Ty, out: &mut BTreeSet<String>) {
    match ty {
        Ty::Array(inner) | Ty::Map(inner) => type_names(api, inner, out),
        Ty::Named(id) => {
            out.insert(api.types[*id].name.clone());
        }
        _ => {}
    }
}

/// Whether struct `id` contains itself through required, non-nullable
/// fields only: such a value has no end, and a derived `Default` recurses
/// until the stack overflows.
fn requires_itself(api: &Api, from: usize, to: usize, seen: &mut HashSet<usize>) -> bool {
    if !seen.insert(from) {
        return false;
    }
    let next: Vec<usize> = match &api.types[from].kind {
        TypeKind::Struct { fields, .. } => fields
            .iter()
            .filter(|f| f.required && !f.nullable)
            .filter_map(|f| if let Ty::Named(t) = f.ty { Some(t) } else { None })
            .collect(),
        TypeKind::Alias(Ty::Named(t)) => vec![*t],
        _ => vec![],
    };
    next.into_iter().any(|t| t == to || requires_itself(api, t, to, seen))
}

/// Static checks of generated code: what would not compile or would be
/// wrong, each problem in words.
fn check_generated(generated: &Generated) -> Vec<Problem> {
    check_generated_all(generated).0
}

/// rustc's `non_camel_case_types` rule.
fn is_camel_case(name: &str) -> bool {
    let name = name.trim_matches('_');
    let chars: Vec<char> = name.chars().collect();
    let has_case = |c: char| c.is_lowercase() || c.is_uppercase();
    chars.first().is_none_or(|c| !c.is_lowercase())
        && !name.contains("__")
        && !chars.windows(2).any(|w| (has_case(w[0]) && w[1] == '_') || (has_case(w[1]) && w[0] == '_'))
}

/// rustc's `non_snake_case` rule.
fn is_snake_case(name: &str) -> bool {
    let name = name.trim_matches('_');
    !name.contains("__") && !name.chars().any(char::is_uppercase)
}

/// Names rustc warns about (`non_camel_case_types`, `non_snake_case`), which
/// fail a build with `-D warnings`.
fn lints(files: &BTreeMap<&str, syn::File>) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut camel = |what: &str, ident: &syn::Ident| {
        let name = ident.to_string();
        if !is_camel_case(&name) {
            out.push(format!("{what} `{name}` is not UpperCamelCase (non_camel_case_types)"));
        }
    };
    for file in files.values() {
        for item in &file.items {
            match item {
                syn::Item::Struct(s) => camel("type", &s.ident),
                syn::Item::Type(t) => camel("type", &t.ident),
                syn::Item::Enum(e) => {
                    camel("type", &e.ident);
                    e.variants.iter().for_each(|v| camel("variant", &v.ident));
                }
                _ => {}
            }
        }
    }
    let mut snake = |what: &str, ident: &syn::Ident| {
        let name = ident.to_string();
        if !is_snake_case(&name) {
            out.push(format!("{what} `{name}` is not snake_case (non_snake_case)"));
        }
    };
    for file in files.values() {
        for item in &file.items {
            match item {
                syn::Item::Struct(s) => {
                    s.fields.iter().filter_map(|f| f.ident.as_ref()).for_each(|i| snake("field", i))
                }
                syn::Item::Impl(imp) => {
                    for it in &imp.items {
                        if let syn::ImplItem::Fn(f) = it {
                            snake("method", &f.sig.ident);
                            for arg in &f.sig.inputs {
                                if let syn::FnArg::Typed(t) = arg {
                                    if let syn::Pat::Ident(p) = &*t.pat {
                                        snake("argument", &p.ident);
                                    }
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// [`check_generated`], and apart from those, the problems of known bugs
/// that the fuzzers count but do not fail on: names rustc warns about,
/// `Default`s that never return, Cargo feature names Cargo refuses. Each has
/// an ignored test.
fn check_generated_all(generated: &Generated) -> (Vec<Problem>, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut files = BTreeMap::new();
    for (name, text) in &generated.files {
        match syn::parse_file(text) {
            Ok(file) => {
                files.insert(name.as_str(), file);
            }
            Err(e) => problems.push(format!("{name} does not parse: {e}")),
        }
    }
    if !problems.is_empty() {
        return (problems, vec![]);
    }
    let mut known = lints(&files);
    // Cargo features named in `#[cfg(feature = "…")]` must be names Cargo takes.
    for (name, text) in &generated.files {
        for piece in text.split("feature = \"").skip(1) {
            let feature = piece.split('"').next().unwrap_or_default();
            if !valid_cargo_feature(feature) {
                known.push(format!("{name}: `feature = {feature:?}` is not a valid Cargo feature name"));
            }
        }
    }
    let api = &generated.api;

    // Modules: one file each, ASCII names (rustc refuses to load a file for
    // a module with a non-ASCII name).
    let mut declared = BTreeSet::new();
    for item in &files["mod.rs"].items {
        if let syn::Item::Mod(m) = item {
            let name = m.ident.to_string();
            if !name.is_ascii() {
                problems.push(format!("module `{name}` has a non-ASCII name: rustc cannot load its file (E0754)"));
            }
            if !generated.files.contains_key(&format!("{name}.rs")) {
                problems.push(format!("module `{name}` has no file"));
            }
            declared.insert(format!("{name}.rs"));
        }
    }
    for name in generated.files.keys().filter(|n| *n != "mod.rs") {
        if !declared.contains(name) {
            problems.push(format!("{name} is not declared in mod.rs"));
        }
    }

    // Items of types.rs and operations.rs: unique names, fields and variants.
    let mut items: BTreeMap<String, &str> = BTreeMap::new();
    let mut structs: BTreeMap<String, &syn::ItemStruct> = BTreeMap::new();
    let mut enums: BTreeMap<String, &syn::ItemEnum> = BTreeMap::new();
    for file in ["types.rs", "operations.rs"] {
        for item in &files[file].items {
            let ident = match item {
                syn::Item::Struct(s) => {
                    structs.insert(s.ident.to_string(), s);
                    &s.ident
                }
                syn::Item::Enum(e) => {
                    enums.insert(e.ident.to_string(), e);
                    &e.ident
                }
                syn::Item::Type(t) => &t.ident,
                _ => continue,
            };
            if let Some(other) = items.insert(ident.to_string(), file) {
                problems.push(format!("`{ident}` is defined twice ({other} and {file})"));
            }
        }
    }
    for s in structs.values() {
        let mut seen = HashSet::new();
        for f in &s.fields {
            if let Some(i) = &f.ident {
                if !seen.insert(i.to_string()) {
                    problems.push(format!("struct `{}` has two fields named `{i}`", s.ident));
                }
            }
        }
    }
    for e in enums.values() {
        let mut seen = HashSet::new();
        for v in &e.variants {
            if !seen.insert(v.ident.to_string()) {
                problems.push(format!("enum `{}` has two variants named `{}`", e.ident, v.ident));
            }
        }
    }

    // Serde names: exactly the spec's wire names.
    for def in &api.types {
        match &def.kind {
            TypeKind::Struct { fields, .. } => {
                let Some(s) = structs.get(&def.name) else {
                    problems.push(format!("no struct `{}` in types.rs", def.name));
                    continue;
                };
                let (_, rename_all, _) = serde_attrs(&s.attrs);
                let mut wires = Vec::new();
                for f in &s.fields {
                    let (rename, _, flatten) = serde_attrs(&f.attrs);
                    if flatten {
                        continue;
                    }
                    let ident = f.ident.as_ref().map(|i| i.to_string()).unwrap_or_default();
                    wires.push(match (rename, rename_all.as_deref()) {
                        (Some(r), _) => r,
                        (None, Some("camelCase")) => {
                            serde_camel_case(&ident).unwrap_or_else(|| format!("<serde_derive panics on `{ident}`>"))
                        }
                        (None, Some(other)) => format!("<rename_all {other}>"),
                        (None, None) => ident,
                    });
                }
                let expected: Vec<String> = fields.iter().map(|f| f.wire.clone()).collect();
                if wires != expected {
                    problems.push(format!(
                        "struct `{}` (de)serializes the fields {wires:?}, but the spec names them {expected:?}",
                        def.name
                    ));
                }
                if derives_default(&s.attrs)
                    && requires_itself(api, api_id(api, &def.name), api_id(api, &def.name), &mut HashSet::new())
                {
                    known.push(format!(
                        "struct `{}` derives Default but requires itself: `{}::default()` never returns",
                        def.name, def.name
                    ));
                }
            }
            TypeKind::Enum { values } if values.len() > 1 => {
                let Some(e) = enums.get(&def.name) else {
                    problems.push(format!("no enum `{}` in types.rs", def.name));
                    continue;
                };
                let wires: BTreeSet<String> = e.variants.iter().filter_map(|v| serde_attrs(&v.attrs).0).collect();
                let expected: BTreeSet<String> = values.iter().map(|v| v.wire.clone()).collect();
                if wires != expected {
                    problems.push(format!("enum `{}` has the values {wires:?}, the spec {expected:?}", def.name));
                }
            }
            _ => {}
        }
    }

    // Methods: unique, not a hand-written one, no repeated argument; the
    // types they name are not shadowed by a module's imports.
    let handwritten = handwritten_client_methods();
    let mut methods: BTreeMap<String, &str> = BTreeMap::new();
    for (name, file) in &files {
        if matches!(*name, "mod.rs" | "types.rs" | "operations.rs") {
            continue;
        }
        let mut imported = BTreeSet::new();
        for item in &file.items {
            match item {
                syn::Item::Use(u) => explicit_imports(&u.tree, &mut imported),
                syn::Item::Impl(imp) if is_client(&imp.self_ty) => {
                    for it in &imp.items {
                        let syn::ImplItem::Fn(f) = it else { continue };
                        let method = f.sig.ident.to_string();
                        if handwritten.contains(&method) {
                            problems.push(format!(
                                "{name}: method `{method}` clashes with the hand-written `Client::{method}`"
                            ));
                        }
                        if let Some(other) = methods.insert(method.clone(), name) {
                            problems.push(format!("method `{method}` is defined twice ({other} and {name})"));
                        }
                        let mut args = HashSet::new();
                        for arg in &f.sig.inputs {
                            if let syn::FnArg::Typed(t) = arg {
                                if let syn::Pat::Ident(p) = &*t.pat {
                                    if !args.insert(p.ident.to_string()) {
                                        problems
                                            .push(format!("{name}: `{method}` has two arguments named `{}`", p.ident));
                                    }
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        let module = name.trim_end_matches(".rs");
        for op in api.ops.iter().filter(|op| codegen::emit_ops::module_name(&op.tag) == module) {
            let mut named = BTreeSet::new();
            if let Some(codegen::model::Body { kind: codegen::model::BodyKind::Json(ty), .. }) = &op.body {
                type_names(api, ty, &mut named);
            }
            for r in op.responses.iter().filter(|r| r.is_success()) {
                if let codegen::model::ResponseKind::Json(ty) | codegen::model::ResponseKind::JsonLines(ty) = &r.kind {
                    type_names(api, ty, &mut named);
                }
            }
            for n in named.intersection(&imported) {
                problems.push(format!(
                    "{name}: `{}` names the generated type `{n}`, but the module imports another `{n}`",
                    op.name
                ));
            }
        }
    }
    (problems, known)
}

/// Cargo's rule for feature names: not empty, starting with a letter, digit
/// or `_`, then letters, digits, `_`, `-`, `+` and `.`.
fn valid_cargo_feature(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_alphanumeric() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '+' | '.'))
}

fn api_id(api: &Api, name: &str) -> usize {
    api.types.iter().position(|t| t.name == name).unwrap_or_default()
}

/// The generated Rust of a case, all files, for `contains` checks.
fn all_code(g: &Generated) -> String {
    g.files.values().cloned().collect::<Vec<_>>().join("\n")
}

// ------------------------------------------------------------ spec builders

/// A spec with these component schemas and paths, as JSON bytes.
fn spec(schemas: Value, paths: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "openapi": "3.0.3",
        "info": {"title": "Hostile", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas},
    }))
    .unwrap()
}

/// `GET` with this operation id whose 200 response is `schema`.
fn get(id: &str, schema: Value) -> Value {
    json!({"get": {"operationId": id, "responses": {"200": {
        "description": "ok", "content": {"application/json": {"schema": schema}}}}}})
}

/// A reference to the component schema `name` (escaped as a JSON pointer).
fn reference(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{}", name.replace('~', "~0").replace('/', "~1"))})
}

fn object(properties: Value) -> Value {
    json!({"type": "object", "properties": properties})
}

/// Component schemas `S0`…`S{n}`, each an object whose `next` is the next one.
fn ref_chain(n: usize) -> Vec<u8> {
    let mut schemas = Map::new();
    for i in 0..n {
        schemas.insert(format!("S{i}"), object(json!({"next": reference(&format!("S{}", i + 1))})));
    }
    schemas.insert(format!("S{n}"), json!({"type": "string"}));
    spec(Value::Object(schemas), json!({"/x": get("x", reference("S0"))}))
}

/// One schema nested `depth` objects deep, written as text (building it as a
/// `serde_json::Value` would itself recurse that deep).
fn inline_nesting(depth: usize) -> Vec<u8> {
    let schema = format!(
        "{}{{\"type\":\"string\"}}{}",
        "{\"type\":\"object\",\"properties\":{\"a\":".repeat(depth),
        "}}".repeat(depth)
    );
    format!(
        "{{\"openapi\":\"3.0.3\",\"info\":{{\"title\":\"T\",\"version\":\"1\"}},\"paths\":{{\"/x\":{{\"get\":{{\"operationId\":\"x\",\"responses\":{{\"200\":{{\"description\":\"ok\",\"content\":{{\"application/json\":{{\"schema\":{{\"$ref\":\"#/components/schemas/Deep\"}}}}}}}}}}}}}}}},\"components\":{{\"schemas\":{{\"Deep\":{schema}}}}}}}"
    )
    .into_bytes()
}

/// A spec of about `target` bytes: many schemas (with long descriptions,
/// enums, nested arrays of objects and references) and many operations.
fn big_spec(target: usize) -> (Vec<u8>, usize, usize) {
    use std::fmt::Write;
    let mut out = String::with_capacity(target + 100_000);
    out.push_str(r#"{"openapi":"3.0.3","info":{"title":"Big","version":"1"},"components":{"schemas":{"#);
    let desc = "A long description that goes on, with `code`, [links](https://example.com) and <tags>. ".repeat(3);
    let mut schemas = 0;
    while out.len() < target / 2 {
        if schemas > 0 {
            out.push(',');
        }
        let i = schemas;
        let next = i / 2 * 2;
        write!(
            out,
            r##""Schema{i}":{{"type":"object","description":"{desc}","required":["id"],"properties":{{"id":{{"type":"string","description":"{desc}"}},"count":{{"type":"integer"}},"state":{{"type":"string","enum":["a{i}","b","c"]}},"next":{{"$ref":"#/components/schemas/Schema{next}"}},"items":{{"type":"array","items":{{"type":"object","properties":{{"x{i}":{{"type":"number"}}}}}}}}}}}}"##
        )
        .unwrap();
        schemas += 1;
    }
    out.push_str(r#"}},"paths":{"#);
    let mut ops = 0;
    while out.len() < target {
        if ops > 0 {
            out.push(',');
        }
        let (j, tag, schema) = (ops, ops % 50, ops % schemas);
        write!(
            out,
            r##""/v1/things{j}/{{id}}":{{"get":{{"operationId":"getThing{j}","tags":["tag{tag}"],"description":"{desc}","parameters":[{{"name":"id","in":"path","required":true,"schema":{{"type":"string"}}}},{{"name":"teamId","in":"query","schema":{{"type":"string"}}}}],"responses":{{"200":{{"description":"ok","content":{{"application/json":{{"schema":{{"$ref":"#/components/schemas/Schema{schema}"}}}}}}}},"400":{{"description":"bad"}}}}}}}}"##
        )
        .unwrap();
        ops += 1;
    }
    out.push_str("}}");
    (out.into_bytes(), schemas, ops)
}

fn committed_spec_text() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| std::fs::read_to_string(codegen::default_spec()).expect("read spec/vercel.yaml"))
}

// ------------------------------------------------------------- child process

const CHILD_ENV: &str = "HOSTILE_SPECS_CHILD";

/// Address space a child process may use (`ulimit -v`, in KiB): a generator
/// that allocates without end fails there instead of taking the machine's
/// memory (it once took 21 GB before the OOM killer stopped the test run).
const CHILD_MEMORY_KIB: u64 = 4 << 20;

/// Runs `body` in a child process (this test binary, running only the test
/// `test_name`, with at most [`CHILD_MEMORY_KIB`] of memory), so that a stack
/// overflow or an allocation failure, which abort the whole process, fail this
/// one test with a clear message instead of killing the run. The child's
/// `stderr` is shown with `--nocapture`.
fn in_child_process(test_name: &str, body: impl FnOnce()) {
    if std::env::var(CHILD_ENV).is_ok_and(|v| v == test_name) {
        body();
        return;
    }
    let exe = std::env::current_exe().expect("current test binary");
    let output = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {CHILD_MEMORY_KIB} && exec \"$0\" \"$@\""))
        .arg(exe)
        .args([test_name, "--exact", "--include-ignored", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, test_name)
        .output()
        .expect("run the test binary");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    eprint!("{stderr}");
    if stderr.contains("has overflowed its stack") {
        panic!("the generator overflowed its stack ({})", output.status);
    }
    if stderr.contains("memory allocation of") {
        panic!(
            "the generator ran out of memory (the child may use {} GiB) ({})",
            CHILD_MEMORY_KIB >> 20,
            output.status
        );
    }
    assert!(output.status.success(), "the child process failed ({}):\n{stdout}", output.status);
    assert!(stdout.contains("1 passed"), "the child process ran no test:\n{stdout}");
}

/// Runs the generator on `bytes` on a thread with `stack` bytes of stack;
/// `Ok(true)` if it generated, `Ok(false)` if it rejected the spec.
fn generate_with_stack(bytes: Vec<u8>, stack: usize) -> Result<bool, Problem> {
    let start = Instant::now();
    let result = generate_guarded(bytes, stack, TIMEOUT)?;
    eprintln!(
        "  {:?} with {} MiB of stack: {}",
        start.elapsed(),
        stack >> 20,
        match &result {
            Ok(g) => format!("generated {} types", g.api.types.len()),
            Err(e) => format!("rejected: {e}"),
        }
    );
    match result {
        Ok(g) => {
            let problems = check_generated(&g);
            if problems.is_empty() {
                Ok(true)
            } else {
                Err(problems.join("\n"))
            }
        }
        Err(e) => check_error(&e, None).map(|()| false),
    }
}

// ------------------------------------------------------------ compile cases

/// Scaffolds a crate around `generated` and runs `cargo check` on it with
/// warnings denied, like `tests/fixtures_compile.rs` (and with the same
/// `RUSTFLAGS`, so the two share the build of the dependencies). `allow`:
/// lints allowed in every generated file, for names known to warn.
fn compiles(name: &str, generated: &Generated, allow: &[&str]) {
    let dir = codegen::workspace_root().join("target/fixture-crates").join(format!("hostile-{name}"));
    let options = scaffold::Options { crate_tests: false, ..Default::default() };
    let mut files = generated.files.clone();
    if !allow.is_empty() {
        for text in files.values_mut() {
            // After the header comment and the `//!` line, where inner attributes may go.
            let at = text.find("\n//! ").and_then(|i| text[i + 1..].find('\n').map(|j| i + j + 2)).unwrap_or(0);
            text.insert_str(at, &format!("#![allow({})]\n", allow.join(", ")));
        }
    }
    scaffold::scaffold_with(&dir, &files, &options)
        .unwrap_or_else(|e| panic!("cannot scaffold {}: {e}", dir.display()));
    let mut args = vec!["check", "--color", "never"];
    // Operation modules may sit behind one Cargo feature per API area.
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
    if manifest.lines().any(|l| l.starts_with("all-areas")) {
        args.extend(["--features", "all-areas"]);
    }
    let start = Instant::now();
    let output = scaffold::cargo(&dir, &args)
        .env("RUSTFLAGS", "-Dwarnings")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("run cargo");
    assert!(
        output.status.success(),
        "the code generated for {name} does not compile (crate in {}):\n{}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    eprintln!("{name}: cargo check in {:.1?}", start.elapsed());
}

// ============================================================== references

#[test]
fn dangling_ref_is_rejected_at_the_ref() {
    let e = rejects(spec(
        json!({"A": object(json!({"b": reference("Missing")}))}),
        json!({"/x": get("x", reference("A"))}),
    ));
    assert_eq!(e.pointer, "/components/schemas/A/properties/b/$ref", "{e}");
    assert!(e.message.contains("dangling"), "{e}");
}

#[test]
fn dangling_refs_of_every_kind_are_rejected() {
    for target in ["#/components/schemas/", "#/components/schemas/A/properties/zz", "#/nowhere", "#", "#/", "nope"] {
        let e = rejects(spec(json!({"A": object(json!({"b": {"$ref": target}}))}), json!({})));
        assert!(!e.pointer.is_empty(), "{target}: {e}");
    }
    // Parameters, bodies and responses that reference nothing.
    for (kind, at) in [("parameters", "parameters"), ("requestBodies", "requestBody"), ("responses", "responses")] {
        let reference = json!({"$ref": format!("#/components/{kind}/Nope")});
        let op = match at {
            "parameters" => json!({"parameters": [reference], "responses": {"200": {"description": "ok"}}}),
            "requestBody" => json!({"requestBody": reference, "responses": {"200": {"description": "ok"}}}),
            _ => json!({"responses": {"200": reference}}),
        };
        let e = rejects(spec(json!({}), json!({"/x": {"post": op}})));
        assert!(e.pointer.starts_with("/paths/~1x/post/"), "{kind}: {e}");
    }
}

#[test]
fn cyclic_bare_refs_are_rejected() {
    let e = rejects(spec(
        json!({"A": reference("B"), "B": reference("C"), "C": reference("A")}),
        json!({"/x": get("x", reference("A"))}),
    ));
    assert!(e.message.contains("cycle"), "{e}");
    // Through allOf/oneOf wrappers, which alias without adding anything.
    let e = rejects(spec(
        json!({"A": {"allOf": [reference("B")]}, "B": {"oneOf": [reference("A")]}}),
        json!({"/x": get("x", reference("A"))}),
    ));
    assert!(e.message.contains("loop") || e.message.contains("cycle"), "{e}");
}

fn recursive_schemas() -> Vec<u8> {
    spec(
        json!({
            // An object that holds itself, optionally and required-through-a-list.
            "Node": {"type": "object", "required": ["children"], "properties": {
                "parent": reference("Node"),
                "children": {"type": "array", "items": reference("Node")},
                "byName": {"type": "object", "additionalProperties": reference("Node")},
            }},
            // Two objects that hold each other.
            "Folder": object(json!({"file": reference("File")})),
            "File": object(json!({"folder": reference("Folder")})),
            // A union with a branch that holds the union.
            "Expr": {"oneOf": [
                {"type": "string"},
                {"type": "object", "required": ["left"], "properties": {"left": reference("Expr"), "op": {"type": "string"}}},
            ]},
            // An inline object that holds the component it sits in.
            "Outer": object(json!({"inner": object(json!({"outer": reference("Outer")}))})),
            // A nullable self-reference that is required.
            "Chain": {"type": "object", "required": ["next"], "properties": {
                "next": {"allOf": [reference("Chain")], "nullable": true}}},
            "List": {"type": "array", "items": reference("List")},
        }),
        json!({
            "/nodes": get("getNode", reference("Node")),
            "/folders": get("getFolder", reference("Folder")),
            "/exprs": {"post": {"operationId": "eval", "requestBody": {"content": {"application/json": {"schema": reference("Expr")}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": reference("Outer")}}}}}},
            "/chains": get("getChain", reference("Chain")),
            "/lists": get("getList", reference("List")),
        }),
    )
}

#[test]
fn self_recursive_schemas_generate_with_box() {
    let g = generates(recursive_schemas());
    let code = all_code(&g);
    for boxed in ["Option<Box<Node>>", "Option<Box<File>>", "Option<Box<Folder>>", "Box<Expr>"] {
        assert!(code.contains(boxed), "no `{boxed}` in\n{}", g.files["types.rs"]);
    }
    // Through a Vec or a map, no Box is needed.
    assert!(code.contains("pub children: Vec<Node>"), "{}", g.files["types.rs"]);
}

#[test]
fn self_recursive_schemas_compile() {
    compiles("recursion", &generates(recursive_schemas()), &[]);
}

// ================================================================== names

#[test]
fn duplicate_operation_ids_get_distinct_methods() {
    let g = generates(spec(
        json!({}),
        json!({
            "/a": {"get": {"operationId": "getThing", "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok"}, "404": {"description": "no", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
            "/b": {"get": {"operationId": "getThing", "parameters": [{"name": "q", "in": "query", "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "ok"}, "404": {"description": "no", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
            "/c": {"get": {"operationId": "get_thing", "responses": {"200": {"description": "ok"}}},
                   "post": {"operationId": "getThing", "responses": {"200": {"description": "ok"}}}},
        }),
    ));
    let names: BTreeSet<&str> = g.api.ops.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names.len(), 4, "{names:?}");
    let params: BTreeSet<&str> = g.api.ops.iter().map(|o| o.params_type.as_str()).filter(|p| !p.is_empty()).collect();
    assert_eq!(params.len(), 2, "{params:?}");
}

fn colliding_names() -> Vec<u8> {
    spec(
        json!({
            "FooBar": object(json!({"fooBar": {"type": "string"}, "foo_bar": {"type": "integer"}, "FooBar": {"type": "boolean"},
                "foo-bar": {"type": "number"}, "foo.bar": {"type": "string"}, "FOO_BAR": {"type": "string"}, "foo bar": {"type": "string"}})),
            "foo_bar": object(json!({"x": {"type": "string"}})),
            "foo-bar": object(json!({"y": {"type": "string"}})),
            "Foo.Bar": object(json!({"z": {"type": "string"}})),
            "FOO_BAR": {"type": "string", "enum": ["a", "b"]},
        }),
        json!({
            "/a": {"get": {"operationId": "getFoo", "tags": ["Foo Bar"], "parameters": [
                    {"name": "pageSize", "in": "query", "schema": {"type": "integer"}},
                    {"name": "page_size", "in": "query", "schema": {"type": "string"}},
                    {"name": "page-size", "in": "header", "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": reference("FooBar")}}}}}},
            "/b": get("get_foo", reference("foo_bar")),
            "/c": {"get": {"operationId": "GetFoo", "tags": ["foo-bar"], "responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": reference("foo-bar")}}}}}},
            "/d/{Id}/{id}/{ID}": {"get": {"operationId": "get-foo", "tags": ["FOO_BAR"], "parameters": [
                    {"name": "Id", "in": "path", "required": true, "schema": {"type": "string"}},
                    {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}},
                    {"name": "ID", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": reference("Foo.Bar")}}}}}},
            "/e": get("getFOO", reference("FOO_BAR")),
        }),
    )
}

#[test]
fn names_that_collide_after_case_conversion_stay_apart() {
    let g = generates(colliding_names());
    let types: BTreeSet<&str> = g.api.types.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(types.len(), g.api.types.len(), "{types:?}");
    let methods: BTreeSet<&str> = g.api.ops.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(methods.len(), 5, "{methods:?}");
    for op in &g.api.ops {
        let args: BTreeSet<&str> = op.path_params.iter().chain(&op.params).map(|p| p.name.as_str()).collect();
        assert_eq!(args.len(), op.path_params.len() + op.params.len(), "{}: {args:?}", op.id);
    }
}

const ODD_NAMES: &[&str] = &[
    "type",
    "self",
    "Self",
    "super",
    "crate",
    "fn",
    "async",
    "await",
    "dyn",
    "try",
    "gen",
    "union",
    "macro_rules",
    "r#type",
    "extra",
    "Extra",
    "Unknown",
    "unknown",
    "None",
    "Some",
    "Option",
    "Result",
    "Error",
    "Client",
    "Response",
    "Default",
    "String",
    "Vec",
    "Box",
    "Value",
    "Map",
    "123",
    "1st",
    "9lives",
    "0",
    "-",
    "_",
    "__",
    "a-b",
    "$ref",
    "$",
    "@id",
    "#",
    "/",
    "~",
    "~1",
    "*",
    "{}",
    "?",
    "%2F",
    "..",
    ".",
    "",
    " ",
    "名前",
    "ünïcødé",
    "😀",
    "html<b>",
    "`tick`",
    "quote\"",
    "back\\slash",
    "new\nline",
    "tab\t",
    "nul\u{0}",
    "über",
    "Ωmega",
    // Each once a bug (see the tests below).
    "x²",
    "½",
    "Ⅻ①",
    "aÉ",
    "éB",
    "Über",
    "new",
    "builder",
    "call",
    "withRetry",
    "Method",
    "method",
    "body",
    "params",
    "teamId",
    "slug",
];

fn odd_names() -> Vec<u8> {
    let hostile = ODD_NAMES;
    let mut props = Map::new();
    let mut schemas = Map::new();
    let mut paths = Map::new();
    for (i, name) in hostile.iter().enumerate() {
        props.insert(name.to_string(), json!({"type": "string"}));
        schemas.insert(name.to_string(), json!({"type": "object", "properties": {"v": {"type": "integer"}}}));
        let id = if name.is_ascii() && !name.is_empty() { name.to_string() } else { format!("{name}{i}") };
        paths.insert(
            format!("/p{i}/{{{name}}}"),
            json!({"post": {"operationId": id, "tags": [name],
                "parameters": [{"name": name, "in": "path", "required": true, "schema": {"type": "string"}},
                               {"name": name, "in": "query", "schema": {"type": "string"}},
                               {"name": format!("x-{i}"), "in": "header", "schema": {"type": "string"}}],
                "requestBody": {"content": {"application/json": {"schema": reference(if *name == "$ref" { "Everything" } else { name })}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": reference("Everything")}}}}}}),
        );
    }
    // OpenAPI allows only `[a-zA-Z0-9._-]` in component names; a schema named
    // `$ref` is refused (as a malformed reference), a property named so is not.
    schemas.remove("$ref");
    schemas.insert("Everything".into(), json!({"type": "object", "properties": props}));
    schemas.insert(
        "Values".into(),
        json!({"type": "string", "enum": hostile.iter().filter(|v| !v.is_empty()).collect::<Vec<_>>()}),
    );
    serde_json::to_vec(&json!({"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": paths,
        "components": {"schemas": schemas}}))
    .unwrap()
}

#[test]
fn keywords_digits_and_symbols_as_names() {
    let g = generates(odd_names());
    assert_eq!(g.api.ops.len(), ODD_NAMES.len());
    let code = all_code(&g);
    for expected in
        ["pub type_: Option<String>", "pub self_: Option<String>", "pub n123: Option<String>", "SelfValue", "V123"]
    {
        assert!(code.contains(expected), "no `{expected}` in the generated code");
    }
}

#[test]
fn keywords_digits_and_symbols_compile() {
    compiles("names", &generates(odd_names()), &[]);
}

#[test]
fn keyword_and_non_ascii_names_are_lint_clean() {
    let g = generates(odd_names());
    let (_, lints) = check_generated_all(&g);
    assert!(lints.is_empty(), "{}", lints.join("\n"));
}

#[test]
fn colliding_names_compile() {
    compiles("collisions", &generates(colliding_names()), &[]);
}

// ================================================================== enums

#[test]
fn enum_values_that_differ_only_in_case() {
    let values = json!(["ready", "Ready", "READY", "rEaDy", "ready ", "re-ady", "re_ady", "re.ady"]);
    let g = generates(spec(
        json!({"State": {"type": "string", "enum": values}}),
        json!({"/x": get("x", reference("State"))}),
    ));
    let TypeKind::Enum { values: got } = &g.api.types[0].kind else { panic!("not an enum") };
    let names: BTreeSet<&str> = got.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names.len(), 8, "{names:?}");
}

#[test]
fn empty_enums() {
    for schema in [
        json!({"type": "string", "enum": []}),
        json!({"enum": []}),
        json!({"type": "integer", "enum": []}),
        json!({"oneOf": [{"type": "string", "enum": []}, {"type": "string", "enum": []}]}),
    ] {
        match well_behaved(spec(json!({"E": schema.clone()}), json!({"/x": get("x", reference("E"))}))) {
            Outcome::Generated(g) => {
                let code = all_code(&g);
                assert!(!code.contains("pub enum E {\n    /// A value"), "{schema}: an enum without variants:\n{code}");
            }
            Outcome::Rejected(e) => assert!(!e.pointer.is_empty(), "{schema}: {e}"),
        }
    }
}

#[test]
fn enum_mixing_strings_and_numbers() {
    // Without `type`: kept as a JSON value, with a warning.
    let g = generates(spec(json!({"M": {"enum": ["a", 1, 2.5, true, null]}}), json!({"/x": get("x", reference("M"))})));
    assert!(g.api.warnings.iter().any(|w| w.contains("mixing")), "{:?}", g.api.warnings);
    assert!(g.files["types.rs"].contains("pub type M = serde_json::Value;"), "{}", g.files["types.rs"]);
    // With `type: string` too (`openapiv3` takes it for a schema of any type).
    let g =
        generates(spec(json!({"M": {"type": "string", "enum": ["a", 1]}}), json!({"/x": get("x", reference("M"))})));
    assert!(g.api.warnings.iter().any(|w| w.contains("mixing")), "{:?}", g.api.warnings);
}

// ============================================================ deep nesting

#[test]
fn a_thousand_levels_of_inline_objects_are_rejected_clearly() {
    let start = Instant::now();
    let e = rejects(inline_nesting(1000));
    assert!(e.message.contains("recursion limit"), "{e}");
    assert!(e.message.contains("line 1, column"), "{e}");
    eprintln!("1000 inline levels: rejected in {:?}: {e}", start.elapsed());
    // The YAML loader has the same limit.
    let mut yaml =
        String::from("openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Deep:");
    for level in 0..1000 {
        let pad = " ".repeat(6 + 4 * level);
        yaml.push_str(&format!("\n{pad}type: object\n{pad}properties:\n{pad}  a:"));
    }
    yaml.push_str(" {type: string}\n");
    let e = rejects(yaml);
    assert!(e.message.contains("recursion limit"), "{e}");
}

#[test]
fn a_thousand_levels_of_references_on_the_main_thread_stack() {
    in_child_process("a_thousand_levels_of_references_on_the_main_thread_stack", || {
        assert_eq!(generate_with_stack(ref_chain(1000), MAIN_STACK), Ok(true));
    });
}

#[test]
fn sixty_levels_of_inline_objects_on_a_default_thread_stack() {
    in_child_process("sixty_levels_of_inline_objects_on_a_default_thread_stack", || {
        assert!(generate_with_stack(inline_nesting(60), DEFAULT_STACK).is_ok());
    });
}

#[test]
fn a_thousand_levels_of_references_on_a_default_thread_stack() {
    in_child_process("a_thousand_levels_of_references_on_a_default_thread_stack", || {
        assert!(generate_with_stack(ref_chain(1000), DEFAULT_STACK).is_ok());
    });
}

#[test]
fn three_thousand_levels_of_references_on_the_main_thread_stack() {
    in_child_process("three_thousand_levels_of_references_on_the_main_thread_stack", || {
        assert!(generate_with_stack(ref_chain(3000), MAIN_STACK).is_ok());
    });
}

#[test]
#[ignore = "BUG: generation time is quadratic in the length of a chain of references: names::mark_boxes runs \
            `reaches` (a fresh depth-first search) for every field, so 1,000 links take 0.7 s, 2,000 take 2.3 s, \
            4,000 take 5.5 s in names::name alone, and 10,000 pass the 10 s limit (debug build)"]
fn ten_thousand_levels_of_references_in_reasonable_time() {
    in_child_process("ten_thousand_levels_of_references_in_reasonable_time", || {
        assert!(generate_with_stack(ref_chain(10_000), MAIN_STACK).is_ok());
    });
}

// ================================================================ big specs

#[test]
fn a_two_megabyte_spec() {
    let (bytes, schemas, ops) = big_spec(2 << 20);
    let size = bytes.len();
    let start = Instant::now();
    let g = generate_guarded(bytes, MAIN_STACK, Duration::from_secs(120)).expect("no panic").expect("generates");
    let took = start.elapsed();
    let lines: usize = g.files.values().map(|f| f.lines().count()).sum();
    eprintln!("{size} bytes, {schemas} schemas, {ops} operations: {lines} lines in {took:.1?}");
    assert_eq!(g.api.ops.len(), ops);
}

#[test]
#[ignore = "slow: a 50 MB spec takes ~105 s in a debug build (~2 s/MB, linear: emit and format dominate), \
            ~35 s in release with a peak RSS of ~4 GB; run `cargo test --release -p xtask --test hostile_specs -- \
            --ignored fifty`"]
fn a_fifty_megabyte_spec() {
    let (bytes, schemas, ops) = big_spec(50 << 20);
    let size = bytes.len();
    let start = Instant::now();
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .stack_size(MAIN_STACK)
        .spawn(move || {
            let _ = tx.send(catch_unwind(AssertUnwindSafe(|| {
                codegen::generate_bytes(&bytes, "fuzz").map(|g| g.api.ops.len())
            })));
        })
        .unwrap();
    let result = rx.recv_timeout(Duration::from_secs(600)).expect("finishes within 10 minutes");
    let generated = result.expect("no panic").expect("generates");
    eprintln!("{size} bytes, {schemas} schemas, {ops} operations: generated in {:.1?}", start.elapsed());
    assert_eq!(generated, ops);
}

// ============================================================= wrong types

#[test]
fn wrong_types_where_a_schema_is_expected() {
    let response = |schema: Value| spec(json!({}), json!({"/x": get("x", schema)}));
    let component = |schema: Value| spec(json!({"A": schema}), json!({"/x": get("x", reference("A"))}));
    // (what, bytes); all must be rejected but the one at the end.
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("response schema is a number", response(json!(42))),
        ("response schema is a string", response(json!("string"))),
        ("response schema is a list", response(json!([{"type": "string"}]))),
        ("component is a boolean", component(json!(true))),
        ("component is null", component(Value::Null)),
        ("properties is a list", component(json!({"type": "object", "properties": [{"a": {"type": "string"}}]}))),
        ("a property is a number", component(json!({"type": "object", "properties": {"a": 1}}))),
        ("items is a string", component(json!({"type": "array", "items": "string"}))),
        ("additionalProperties is a string", component(json!({"type": "object", "additionalProperties": "yes"}))),
        ("allOf is an object", component(json!({"allOf": {"type": "string"}}))),
        ("oneOf is a string", component(json!({"oneOf": "x"}))),
        ("a oneOf branch is a number", component(json!({"oneOf": [{"type": "string"}, 7]}))),
        ("type is a list (3.1)", component(json!({"type": ["string", "null"]}))),
        (
            "required is a string",
            component(json!({"type": "object", "required": "a", "properties": {"a": {"type": "string"}}})),
        ),
        ("enum is a string", component(json!({"type": "string", "enum": "a"}))),
        ("nullable is a string", component(json!({"type": "string", "nullable": "yes"}))),
        ("$ref is a number", component(json!({"$ref": 42}))),
        (
            "parameter schema is a list",
            spec(
                json!({}),
                json!({"/x": {"get": {"parameters": [{"name": "q", "in": "query", "schema": []}],
                "responses": {"200": {"description": "ok"}}}}}),
            ),
        ),
        ("a response is a string", spec(json!({}), json!({"/x": {"get": {"responses": {"200": "ok"}}}}))),
        ("parameters is an object", spec(json!({}), json!({"/x": {"get": {"parameters": {"q": 1}, "responses": {}}}}))),
        (
            "schemas is a list",
            serde_json::to_vec(&json!({"openapi": "3.0.3", "info": {"title": "T", "version": "1"},
            "paths": {}, "components": {"schemas": [{"type": "string"}]}}))
            .unwrap(),
        ),
        (
            "paths is a list",
            b"{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"T\",\"version\":\"1\"},\"paths\":[]}".to_vec(),
        ),
        (
            "paths is null",
            b"{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"T\",\"version\":\"1\"},\"paths\":null}".to_vec(),
        ),
        ("info is a string", b"{\"openapi\":\"3.0.3\",\"info\":\"T\",\"paths\":{}}".to_vec()),
        (
            "openapi is a number",
            b"{\"openapi\":3.0,\"info\":{\"title\":\"T\",\"version\":\"1\"},\"paths\":{}}".to_vec(),
        ),
        ("the document is a list", b"[1, 2]".to_vec()),
        ("the document is a number", b"42".to_vec()),
        ("the document is empty", Vec::new()),
    ];
    let mut report = Vec::new();
    for (what, bytes) in cases {
        let e = rejects(bytes);
        assert!(!e.pointer.is_empty() || e.message.contains("document"), "{what}: {e}");
        report.push(format!("{what}: {e}"));
    }
    eprintln!("{}", report.join("\n"));
    // `schema: null` is taken for no schema: a body of any JSON value.
    let g = generates(spec(
        json!({}),
        json!({"/x": {"post": {"requestBody": {"content": {"application/json": {"schema": null}}},
            "responses": {"200": {"description": "ok"}}}}}),
    ));
    assert!(all_code(&g).contains("body: &serde_json::Value"));
}

#[test]
fn an_unknown_type_is_an_error() {
    for ty in ["strin", "file", "null", "String"] {
        let e = rejects(spec(json!({"A": {"type": ty}}), json!({"/x": get("x", reference("A"))})));
        assert_eq!(e.pointer, "/components/schemas/A/type", "{e}");
    }
}

#[test]
fn a_property_named_dollar_ref() {
    generates(spec(
        json!({"A": {"type": "object", "properties": {"$ref": {"type": "string"}, "b": {"type": "string"}}}}),
        json!({"/x": get("x", reference("A"))}),
    ));
}

/// A spec whose texts in `place` are all `text`.
fn spec_with_text(text: &str, place: &str) -> Vec<u8> {
    let mut doc = json!({"openapi": "3.0.3", "info": {"title": "T", "version": "1"},
        "paths": {"/x": {"get": {"operationId": "x", "tags": ["t"],
            "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}],
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": reference("A")}}},
                          "400": {"description": "bad"}}}}},
        "components": {"schemas": {"A": {"type": "object", "properties": {"b": {"type": "string"}}}}}});
    match place {
        "title" | "version" => doc["info"][place] = json!(text),
        "description" => {
            doc["info"]["description"] = json!(text);
            doc["paths"]["/x"]["get"]["description"] = json!(text);
            doc["paths"]["/x"]["get"]["parameters"][0]["description"] = json!(text);
            doc["paths"]["/x"]["get"]["responses"]["200"]["description"] = json!(text);
            doc["paths"]["/x"]["get"]["responses"]["400"]["description"] = json!(text);
        }
        "summary" => doc["paths"]["/x"]["get"]["summary"] = json!(text),
        _ => {
            doc["components"]["schemas"]["A"]["title"] = json!(text);
            doc["components"]["schemas"]["A"]["description"] = json!(text);
            doc["components"]["schemas"]["A"]["properties"]["b"]["description"] = json!(text);
            doc["components"]["schemas"]["A"]["properties"]["b"]["example"] = json!(text);
        }
    }
    serde_json::to_vec(&doc).unwrap()
}

/// Every `(text, place)` whose spec does not give valid code.
fn broken_texts(texts: &[&str], places: &[&str]) -> Vec<String> {
    let mut report = Vec::new();
    for text in texts {
        for place in places {
            if let Err(problem) = check(spec_with_text(text, place)) {
                report.push(format!("{text:?} as {place}: {problem}"));
            }
        }
    }
    report
}

#[test]
fn odd_characters_in_titles_and_descriptions() {
    let all = ["title", "version", "description", "summary", "schema"];
    let report = broken_texts(&["*/ /*", "a\u{0}b", "\u{202e}rtl", "\"#[doc]\"", "\\", "\t", "` [x] <y>"], &all);
    assert!(report.is_empty(), "{}", report.join("\n"));
    let multi_line = ["description", "summary", "schema"];
    let report = broken_texts(&["a\nfn injected() {}", "```rust\npanic!()\n```", "a\n\n- b\n"], &multi_line);
    assert!(report.is_empty(), "{}", report.join("\n"));
}

#[test]
fn line_breaks_in_titles_and_descriptions() {
    let all = ["title", "version", "description", "summary", "schema"];
    let mut report = broken_texts(&["a\nb", "a\rb", "a\r\nb", "a\r\n\r\nb\r\n"], &all);
    // A title can even add items to mod.rs that parse.
    let g = generates(spec_with_text("x\npub fn injected() {}\n//", "title"));
    let file = syn::parse_file(&g.files["mod.rs"]).unwrap();
    if file.items.iter().any(|i| matches!(i, syn::Item::Fn(_))) {
        report.push(format!("the title adds a function to mod.rs:\n{}", g.files["mod.rs"]));
    }
    assert!(report.is_empty(), "{}", report.join("\n"));
}

// ================================================================== bytes

#[test]
fn non_utf8_input() {
    for bytes in [
        b"openapi: 3.0.3\ninfo: {title: \xff\xfe, version: '1'}\npaths: {}\n".to_vec(),
        b"\xff\xfe{\x00\"\x00".to_vec(),
        b"{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"\xc3\x28\",\"version\":\"1\"},\"paths\":{}}".to_vec(),
        b"\x80".to_vec(),
        [committed_spec_text().as_bytes(), b"\n# \xed\xa0\x80 (a surrogate)\n"].concat(),
    ] {
        let e = rejects(bytes);
        assert!(e.message.contains("not UTF-8") && e.message.contains("offset"), "{e}");
    }
}

#[test]
fn odd_but_valid_text() {
    let head = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\n";
    // A byte-order mark, a NUL inside a string, CRLF line ends, tabs.
    well_behaved(format!("\u{feff}{head}"));
    well_behaved("\u{feff}{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"T\",\"version\":\"1\"},\"paths\":{}}");
    well_behaved(head.replace("title: T", "title: \"T\\0\""));
    well_behaved(head.replace('\n', "\r\n"));
    // YAML bombs: an alias expanded a billion times, an alias of itself.
    let mut bomb = String::from(head);
    bomb.push_str("x-a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (i, name) in ["b", "c", "d", "e", "f", "g", "h", "i"].iter().enumerate() {
        let prev = ["a", "b", "c", "d", "e", "f", "g", "h"][i];
        bomb.push_str(&format!("x-{name}: &{name} [{}]\n", vec![format!("*{prev}"); 10].join(", ")));
    }
    let e = rejects(bomb);
    assert!(e.message.contains("repetition limit"), "{e}");
    let e = rejects(format!("{head}x-a: &a [*a]\n"));
    assert!(e.message.contains("limit") || e.message.contains("alias"), "{e}");
    // Several documents in one file, duplicate keys.
    rejects(format!("{head}---\n{head}"));
    well_behaved(format!("{head}openapi: 3.0.0\n"));
}

// =========================================================== partial output

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        out.insert(entry.file_name().to_string_lossy().into_owned(), std::fs::read(entry.path()).unwrap());
    }
    out
}

#[test]
fn a_failing_generation_leaves_the_previous_tree_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("generated");
    let first = generates(recursive_schemas());
    codegen::write(&first.files, &out).unwrap();
    let before = tree(&out);
    assert_eq!(before.len(), first.files.len());
    // Each failure happens before `write` can be called.
    for bad in [b"\xff".to_vec(), inline_nesting(1000), spec(json!({"A": reference("B")}), json!({}))] {
        if let Ok(g) = codegen::generate_bytes(&bad, "fuzz") {
            codegen::write(&g.files, &out).unwrap();
        }
        assert_eq!(tree(&out), before);
    }
    // `write` itself: a file it cannot write leaves the old tree as it was.
    let mut broken = first.files.clone();
    broken.insert("missing-dir/x.rs".into(), "x".into());
    assert!(codegen::write(&broken, &out).is_err());
    assert_eq!(tree(&out), before);
    // A successful write replaces the tree whole, and leaves nothing beside it.
    let second = generates(colliding_names());
    codegen::write(&second.files, &out).unwrap();
    assert_eq!(tree(&out).keys().collect::<Vec<_>>(), second.files.keys().collect::<Vec<_>>());
    let siblings: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(siblings, ["generated"]);
}

#[test]
fn write_into_a_directory_named_dot_tmp() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("generated.tmp");
    let g = generates(recursive_schemas());
    codegen::write(&g.files, &out).expect("write");
    assert_eq!(tree(&out).len(), g.files.len());
}

// ============================================== known bugs (hand-written)

#[test]
fn non_xid_characters_in_names_do_not_panic() {
    for name in ["x²", "½", "Ⅻ①"] {
        // As a property, an operation id and a tag.
        generates(spec(
            json!({"A": object(json!({name: {"type": "string"}}))}),
            json!({"/x": get("x", reference("A"))}),
        ));
        generates(spec(json!({}), json!({"/x": get(name, json!({"type": "string"}))})));
        generates(spec(
            json!({}),
            json!({"/x": {"get": {"operationId": "x", "tags": [name], "responses": {"200": {"description": "ok"}}}}}),
        ));
    }
}

#[test]
fn non_ascii_property_names_keep_their_wire_names() {
    for names in [["aÉ", "bC"], ["éB", "bC"], ["ünï", "fooBar"]] {
        let props: Map<String, Value> = names.iter().map(|n| (n.to_string(), json!({"type": "string"}))).collect();
        generates(spec(json!({"A": {"type": "object", "properties": props}}), json!({"/x": get("x", reference("A"))})));
    }
}

#[test]
fn non_ascii_tags_make_loadable_modules() {
    generates(spec(
        json!({}),
        json!({"/x": {"get": {"operationId": "x", "tags": ["Über"], "responses": {"200": {"description": "ok"}}}}}),
    ));
}

#[test]
fn unions_with_recursive_branches() {
    in_child_process("unions_with_recursive_branches", || {
        let list = json!({"type": "array", "items": reference("L")});
        let bytes = spec(
            json!({"U": {"oneOf": [{"type": "string"}, reference("L")]}, "L": list}),
            json!({"/x": get("x", reference("U"))}),
        );
        assert_eq!(generate_with_stack(bytes, MAIN_STACK), Ok(true), "recursive array");
        for wrapper in ["oneOf", "anyOf", "allOf"] {
            let bytes = spec(
                json!({"A": {"oneOf": [{"type": "string"}, reference("B")]}, "B": {wrapper: [reference("B")]}}),
                json!({"/x": get("x", reference("A"))}),
            );
            assert_eq!(generate_with_stack(bytes, MAIN_STACK), Ok(false), "{wrapper}");
        }
    });
}

#[test]
fn an_all_of_that_includes_its_own_schema() {
    in_child_process("an_all_of_that_includes_its_own_schema", || {
        // A tree node whose children extend the node: a common way to write it.
        let bytes = spec(
            json!({"Node": object(json!({"child": {"allOf": [reference("Node"), object(json!({"depth": {"type": "integer"}}))]}}))}),
            json!({"/x": get("x", reference("Node"))}),
        );
        assert!(generate_with_stack(bytes, MAIN_STACK).is_ok());
    });
}

/// Once a bug: `use serde::{Deserialize, Serialize};` unused, which fails `-D warnings`.
#[test]
fn a_spec_without_named_types_has_no_unused_import() {
    let g = generates(spec(json!({}), json!({"/x": get("x", json!({"type": "string"}))})));
    let types = &g.files["types.rs"];
    assert!(!types.contains("use serde::") || types.contains("derive("), "{types}");
}

#[test]
#[ignore = "BUG: memory without end: an `allOf` that includes its own schema is still merged forever when the \
            schema is first reached from another one (`Tree.root: allOf [Node, …]`, `Node.child: allOf [Node, …]`): \
            the generator took 21 GB before the OOM killer stopped it (found by fuzz_random_specs, seed 6)"]
fn an_all_of_that_includes_its_own_schema_reached_from_another() {
    in_child_process("an_all_of_that_includes_its_own_schema_reached_from_another", || {
        let extended = |of: &str| json!({"allOf": [reference(of), object(json!({"depth": {"type": "integer"}}))]});
        let bytes = spec(
            json!({"Tree": object(json!({"root": extended("Node")})), "Node": object(json!({"child": extended("Node")}))}),
            json!({"/x": get("x", reference("Tree"))}),
        );
        assert!(generate_with_stack(bytes, MAIN_STACK).is_ok());
        // The smallest form the fuzzer found: no `type`, an empty second branch.
        let extended = |of: &str| json!({"allOf": [reference(of), {}]});
        let bytes = spec(
            json!({"FooBar": {"properties": {"Some": extended("Type")}}, "Type": {"properties": {"Some": extended("Type")}}}),
            json!({}),
        );
        assert!(generate_with_stack(bytes, MAIN_STACK).is_ok());
    });
}

#[test]
#[ignore = "BUG: a `2XX` response beside a `200` one makes two `200 =>` arms in the multi-status match \
            (emit_ops::emit_method parses `2XX` as 200): an unreachable pattern, which fails `-D warnings`, \
            and the other 2xx statuses are unexpected"]
fn a_status_range_beside_a_status() {
    let g = generates(spec(
        json!({}),
        json!({"/x": {"get": {"operationId": "x", "responses": {
            "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}},
            "2XX": {"description": "other"}}}}}),
    ));
    let code = all_code(&g);
    let arms = code.matches("200u16 =>").count() + code.matches("200 =>").count();
    assert_eq!(arms, 1, "{code}");
}

#[test]
fn tags_without_letters_or_digits() {
    for tag in ["", "?", "*", "..", "😀"] {
        let g = generates(spec(
            json!({}),
            json!({"/x": {"get": {"operationId": "x", "tags": [tag], "responses": {"200": {"description": "ok"}}}}}),
        ));
        let (_, known) = check_generated_all(&g);
        assert!(known.is_empty(), "{tag:?}: {}", known.join("\n"));
    }
}

#[test]
fn operation_ids_named_like_client_methods() {
    let mut paths = Map::new();
    for (i, id) in ["new", "builder", "call", "withRetry", "baseUrl", "forInstallation"].iter().enumerate() {
        paths.insert(format!("/x{i}"), get(id, json!({"type": "string"})));
    }
    generates(spec(json!({}), Value::Object(paths)));
}

#[test]
fn stream_methods_do_not_clash_with_operations() {
    let page = object(json!({"pagination": object(json!({"next": {"type": "number"}})),
        "items": {"type": "array", "items": {"type": "string"}}}));
    generates(spec(
        json!({}),
        json!({"/items": get("list", page), "/s": get("list_stream", json!({"type": "string"}))}),
    ));
}

#[test]
fn a_type_named_method() {
    generates(spec(
        json!({"Method": object(json!({"a": {"type": "string"}}))}),
        json!({"/x": get("x", reference("Method"))}),
    ));
}

#[test]
fn path_parameters_named_body_or_params() {
    generates(spec(
        json!({}),
        json!({
            "/x/{body}": {"post": {"operationId": "x",
                "parameters": [{"name": "body", "in": "path", "required": true, "schema": {"type": "string"}}],
                "requestBody": {"content": {"application/json": {"schema": {"type": "string"}}}},
                "responses": {"200": {"description": "ok"}}}},
            "/y/{params}": {"get": {"operationId": "y",
                "parameters": [{"name": "params", "in": "path", "required": true, "schema": {"type": "string"}},
                               {"name": "q", "in": "query", "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok"}}}},
        }),
    ));
}

#[test]
fn team_scope_parameters_that_are_not_strings() {
    let g = generates(spec(
        json!({}),
        json!({"/x": {"get": {"operationId": "x", "parameters": [
            {"name": "teamId", "in": "query", "schema": {"type": "integer"}},
            {"name": "slug", "in": "query", "schema": {"type": "string", "enum": ["a", "b"]}}],
            "responses": {"200": {"description": "ok"}}}}}),
    ));
    let code = all_code(&g);
    assert!(!code.contains("params.team_id.as_deref()") && !code.contains("params.slug.as_deref()"), "{code}");
}

#[test]
fn a_struct_that_requires_itself_has_no_infinite_default() {
    let g = generates(spec(
        json!({"A": {"type": "object", "required": ["a"], "properties": {"a": reference("A")}}}),
        json!({"/x": get("x", reference("A"))}),
    ));
    let (_, known) = check_generated_all(&g);
    assert!(known.is_empty(), "{}", known.join("\n"));
}

// ================================================================ proptest

/// Hostile names for every place a name goes.
const NAMES: &[&str] = &[
    "type",
    "Type",
    "self",
    "Self",
    "super",
    "crate",
    "fn",
    "async",
    "await",
    "dyn",
    "try",
    "gen",
    "union",
    "r#type",
    "extra",
    "Extra",
    "Unknown",
    "unknown",
    "None",
    "Some",
    "Option",
    "Result",
    "Error",
    "Client",
    "Response",
    "Default",
    "String",
    "Vec",
    "Box",
    "Value",
    "Map",
    "Bytes",
    "123",
    "1st",
    "0",
    "-",
    "_",
    "__",
    "a-b",
    "a_b",
    "a.b",
    "aB",
    "AB",
    "ab",
    "a b",
    "A",
    "a",
    "$ref",
    "@id",
    "#",
    "/",
    "~1",
    "*",
    "{}",
    "?",
    "%2F",
    "..",
    "",
    " ",
    "名前",
    "😀",
    "fooBar",
    "foo_bar",
    "FooBar",
    "foo-bar",
    "FOO_BAR",
    "next",
    "pagination",
    "items",
    "teamId2",
    "slug2",
    "id",
    "Id",
    "ID",
    "node",
    "Node",
    "list",
    "data",
    "html<b>",
    "`tick`",
    "quote\"",
    "new\nline",
    // Each once a bug.
    "x²",
    "½",
    "aÉ",
    "Über",
    "new",
    "builder",
    "call",
    "list_stream",
    "Method",
    "method",
    "body",
    "params",
];

/// Names a component may have; references pick from the same list, so some
/// dangle and some loop.
const COMPONENTS: &[&str] =
    &["Node", "node", "A", "a", "Type", "Self", "Value", "1st", "foo-bar", "FooBar", "Unknown", "名前"];

fn any_name() -> impl Strategy<Value = String> {
    prop::sample::select(NAMES).prop_map(String::from)
}

fn property_name() -> impl Strategy<Value = String> {
    any_name()
}

fn schema_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        8 => Just(json!({"type": "string"})),
        4 => Just(json!({"type": "integer"})),
        2 => Just(json!({"type": "number"})),
        2 => Just(json!({"type": "boolean"})),
        2 => Just(json!({"type": "string", "format": "date-time"})),
        1 => Just(json!({"type": "string", "format": "binary"})),
        2 => Just(json!({})),
        1 => Just(json!({"nullable": true})),
        6 => prop::collection::vec(any_name(), 0..5).prop_map(|v| json!({"type": "string", "enum": v})),
        1 => prop::collection::vec(any_name(), 1..4).prop_map(|v| json!({"enum": [v[0], 1, null]})),
        2 => prop::collection::vec(any_name(), 1..4).prop_map(|v| json!({"type": "string", "enum": v, "nullable": true})),
        8 => prop::sample::select(COMPONENTS).prop_map(reference),
        1 => prop_oneof![Just(json!(42)), Just(json!("string")), Just(json!([])), Just(Value::Null), Just(json!(true)),
                         Just(json!({"type": "strange"})), Just(json!({"$ref": "#/nowhere"}))],
    ]
}

/// Every component name a document references.
fn referenced(node: &Value, out: &mut BTreeSet<String>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                if let Some(name) = r.strip_prefix("#/components/schemas/") {
                    out.insert(name.replace("~1", "/").replace("~0", "~"));
                }
            }
            map.values().for_each(|v| referenced(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| referenced(v, out)),
        _ => {}
    }
}

fn schema() -> impl Strategy<Value = Value> {
    schema_leaf().prop_recursive(4, 24, 5, |inner| {
        prop_oneof![
            4 => (prop::collection::vec((property_name(), inner.clone()), 0..5), prop::collection::vec(property_name(), 0..3),
                  prop::option::of(prop_oneof![Just(json!(true)), Just(json!(false)), inner.clone()]), any::<bool>())
                .prop_map(|(props, required, extra, nullable)| {
                    let mut s = json!({"type": "object", "properties": props.into_iter().collect::<Map<_, _>>(), "required": required});
                    if let Some(extra) = extra { s["additionalProperties"] = extra; }
                    if nullable { s["nullable"] = json!(true); }
                    s
                }),
            2 => inner.clone().prop_map(|items| json!({"type": "array", "items": items})),
            2 => (prop::sample::select(vec!["oneOf", "anyOf", "allOf"]), prop::collection::vec(inner.clone(), 0..4))
                .prop_map(|(key, branches)| json!({key: branches})),
            1 => inner.clone().prop_map(|s| json!({"type": "object", "additionalProperties": s})),
            1 => inner.prop_map(|s| json!({"not": s})),
        ]
    })
}

fn parameter() -> impl Strategy<Value = Value> {
    (prop::sample::select(NAMES), prop::sample::select(vec!["query", "header", "cookie", "path"]), schema_leaf(), any::<bool>())
        .prop_map(|(name, place, schema, required)| json!({"name": name, "in": place, "schema": schema, "required": required}))
}

fn response() -> impl Strategy<Value = Value> {
    prop_oneof![
        1 => Just(json!({"description": "empty"})),
        4 => schema().prop_map(|s| json!({"description": "json", "content": {"application/json": {"schema": s}}})),
        1 => schema().prop_map(|s| json!({"description": "lines", "content": {"application/stream+json": {"schema": s}}})),
        1 => Just(json!({"description": "bytes", "content": {"application/octet-stream": {}}})),
    ]
}

fn operation() -> impl Strategy<Value = (String, String, Value)> {
    let ids: Vec<&str> = NAMES.iter().copied().chain(["getThing", "get_thing", "GetThing", "list"]).collect();
    let tags: Vec<&str> = NAMES.to_vec();
    (
        prop::collection::vec(prop_oneof![3 => property_name().prop_map(|s| s.replace(['/', '{', '}'], "")), 1 => property_name().prop_map(|s| format!("{{{s}}}"))], 0..4),
        prop::sample::select(vec!["get", "post", "put", "delete", "patch", "head", "options", "trace"]),
        prop::option::of(prop::sample::select(ids)),
        prop::option::of(prop::sample::select(tags)),
        prop::collection::vec(parameter(), 0..4),
        prop::option::of(schema()),
        prop::collection::btree_map(prop::sample::select(vec!["200", "201", "204", "2XX", "400", "404", "4XX", "default", "500"]), response(), 0..4),
    )
        .prop_map(|(segments, method, id, tag, parameters, body, responses)| {
            let path = format!("/{}", segments.join("/"));
            let mut op = json!({"parameters": parameters, "responses": responses});
            if let Some(id) = id { op["operationId"] = json!(id); }
            if let Some(tag) = tag { op["tags"] = json!([tag]); }
            if let Some(body) = body { op["requestBody"] = json!({"content": {"application/json": {"schema": body}}}); }
            (path, method.to_string(), op)
        })
}

fn random_spec() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::collection::vec((prop::sample::select(COMPONENTS), schema()), 0..6),
        prop::collection::vec(operation(), 0..5),
        prop::collection::vec(schema(), 1..4),
        0..8u8,
        any::<bool>(),
    )
        .prop_map(|(schemas, ops, fillers, dangle, yaml)| {
            let mut paths = Map::new();
            for (path, method, op) in ops {
                let item = paths.entry(path).or_insert_with(|| json!({}));
                item[method] = op;
            }
            let mut components: Map<String, Value> = schemas.into_iter().map(|(n, s)| (n.to_string(), s)).collect();
            // Most specs define what they reference (so they get past `resolve`); one in eight may dangle.
            if dangle != 0 {
                let mut names = BTreeSet::new();
                referenced(&Value::Object(components.clone()), &mut names);
                referenced(&Value::Object(paths.clone()), &mut names);
                for (i, name) in names.into_iter().enumerate() {
                    let filler = fillers[i % fillers.len()].clone();
                    components.entry(name).or_insert(filler);
                }
            }
            let doc = json!({"openapi": "3.0.3", "info": {"title": "Fuzz", "version": "1"}, "paths": paths,
                "components": {"schemas": components}});
            if yaml {
                serde_yaml::to_string(&doc).unwrap().into_bytes()
            } else {
                serde_json::to_vec(&doc).unwrap()
            }
        })
}

/// The committed spec as a JSON tree, and every pointer in it.
fn committed() -> &'static (Value, Vec<String>) {
    static TREE: OnceLock<(Value, Vec<String>)> = OnceLock::new();
    TREE.get_or_init(|| {
        let raw: Value = serde_yaml::from_str(committed_spec_text()).unwrap();
        fn walk(node: &Value, at: String, out: &mut Vec<String>) {
            match node {
                Value::Object(map) => map
                    .iter()
                    .for_each(|(k, v)| walk(v, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out)),
                Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| walk(v, format!("{at}/{i}"), out)),
                _ => {}
            }
            out.push(at);
        }
        let mut pointers = Vec::new();
        walk(&raw, String::new(), &mut pointers);
        (raw, pointers)
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize),
    Replace(usize, Value),
    RenameKey(usize, String),
    CopyOver(usize, usize),
    DuplicateOperationId(usize, usize),
}

fn hostile_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        Just(json!(0)),
        Just(json!(-1)),
        Just(json!(1e308)),
        Just(json!("")),
        Just(json!("string")),
        Just(json!([])),
        Just(json!({})),
        Just(json!(true)),
        Just(json!({"$ref": "#/nowhere"})),
        Just(json!({"$ref": "#/components/schemas/Webhook"})),
        Just(json!({"type": "object"})),
        any_name().prop_map(Value::String),
        schema(),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        2 => any::<usize>().prop_map(Mutation::Delete),
        4 => (any::<usize>(), hostile_value()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        2 => (any::<usize>(), any_name()).prop_map(|(i, n)| Mutation::RenameKey(i, n)),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::CopyOver(a, b)),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::DuplicateOperationId(a, b)),
    ]
}

fn split(pointer: &str) -> (&str, String) {
    let (parent, last) = pointer.rsplit_once('/').unwrap_or(("", ""));
    (parent, last.replace("~1", "/").replace("~0", "~"))
}

fn apply(doc: &mut Value, pointers: &[String], m: &Mutation) {
    let pick = |i: usize| pointers[i % pointers.len()].as_str();
    match m {
        Mutation::Delete(i) => {
            let (parent, key) = split(pick(*i));
            match doc.pointer_mut(parent) {
                Some(Value::Object(map)) => {
                    map.shift_remove(&key);
                }
                Some(Value::Array(items)) => {
                    if let Ok(i) = key.parse::<usize>() {
                        if i < items.len() {
                            items.remove(i);
                        }
                    }
                }
                _ => {}
            }
        }
        Mutation::Replace(i, value) => {
            if let Some(node) = doc.pointer_mut(pick(*i)) {
                *node = value.clone();
            }
        }
        Mutation::RenameKey(i, name) => {
            let (parent, key) = split(pick(*i));
            if let Some(Value::Object(map)) = doc.pointer_mut(parent) {
                if let Some(v) = map.shift_remove(&key) {
                    map.insert(name.clone(), v);
                }
            }
        }
        Mutation::CopyOver(from, to) => {
            if let Some(v) = doc.pointer(pick(*from)).cloned() {
                if let Some(node) = doc.pointer_mut(pick(*to)) {
                    *node = v;
                }
            }
        }
        Mutation::DuplicateOperationId(a, b) => {
            let ids: Vec<String> = pointers.iter().filter(|p| p.ends_with("/operationId")).cloned().collect();
            if ids.len() > 1 {
                if let Some(v) = doc.pointer(&ids[a % ids.len()]).cloned() {
                    if let Some(node) = doc.pointer_mut(&ids[b % ids.len()]) {
                        *node = v;
                    }
                }
            }
        }
    }
}

/// Fixed seed, fixed number of cases, no files: the same run every time.
/// To explore further, `HOSTILE_SEED=<u64>` and `HOSTILE_CASES=<n>` change them.
fn config(cases: u32) -> Config {
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    Config {
        cases: env("HOSTILE_CASES").map_or(cases, |n| n as u32),
        rng_seed: RngSeed::Fixed(env("HOSTILE_SEED").unwrap_or(0x5eed_0a91)),
        failure_persistence: None,
        max_shrink_iters: 512,
        ..Config::default()
    }
}

/// Counts of what the fuzzers saw, printed at the end of each.
#[derive(Default)]
struct Tally {
    generated: usize,
    /// Generated cases with problems of known bugs (see [`check_generated_all`]), and a few of them.
    linted: usize,
    lint_examples: BTreeSet<String>,
    rejected: BTreeMap<String, usize>,
}

impl Tally {
    fn add(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::Generated(g) => {
                self.generated += 1;
                let (_, lints) = check_generated_all(g);
                if !lints.is_empty() {
                    if std::env::var_os("HOSTILE_DUMP").is_some() {
                        eprintln!("LINT {lints:?}\n{}", g.files["types.rs"]);
                    }
                    self.linted += 1;
                    if self.lint_examples.len() < 4 {
                        self.lint_examples.insert(lints[0].clone());
                    }
                }
            }
            Outcome::Rejected(e) => {
                let kind = e.message.split([':', '`', '"', '(']).next().unwrap_or_default().trim().to_string();
                *self.rejected.entry(kind).or_default() += 1;
            }
        }
    }
}

fn fuzz(name: &str, cases: u32, strategy: impl Strategy<Value = Vec<u8>>) {
    let start = Instant::now();
    let tally = std::sync::Mutex::new(Tally::default());
    let mut runner = proptest::test_runner::TestRunner::new(config(cases));
    let result = runner.run(&strategy, |bytes| {
        if let Some(path) = std::env::var_os("HOSTILE_LAST_SPEC") {
            // A stack overflow aborts the process: this leaves the spec that did it.
            std::fs::write(path, &bytes).unwrap();
        }
        let outcome = check(bytes.clone())
            .map_err(|problem| TestCaseError::fail(format!("{problem}\nspec:\n{}", String::from_utf8_lossy(&bytes))))?;
        if std::env::var_os("HOSTILE_DUMP").is_some() {
            if let Outcome::Generated(g) = &outcome {
                if !check_generated_all(g).1.is_empty() {
                    eprintln!("SPEC {}", String::from_utf8_lossy(&bytes));
                }
            }
        }
        tally.lock().unwrap().add(&outcome);
        Ok(())
    });
    let tally = tally.into_inner().unwrap();
    let rejected: usize = tally.rejected.values().sum();
    eprintln!(
        "{name}: {} cases in {:.1?}: {} generated ({} with known-bug problems, e.g. {:?}), {rejected} rejected {:?}",
        runner.config().cases,
        start.elapsed(),
        tally.generated,
        tally.linted,
        tally.lint_examples,
        tally.rejected
    );
    if let Err(e) = result {
        panic!("{name}: {e}");
    }
}

#[test]
fn fuzz_random_specs() {
    in_child_process("fuzz_random_specs", || fuzz("random specs", 400, random_spec()));
}

#[test]
fn fuzz_mutations_of_the_committed_spec() {
    in_child_process("fuzz_mutations_of_the_committed_spec", || {
        let strategy = (prop::collection::vec(mutation(), 1..4), any::<bool>()).prop_map(|(mutations, yaml)| {
            let (raw, pointers) = committed();
            let mut doc = raw.clone();
            for m in &mutations {
                apply(&mut doc, pointers, m);
            }
            if yaml {
                serde_yaml::to_string(&doc).unwrap().into_bytes()
            } else {
                serde_json::to_vec(&doc).unwrap()
            }
        });
        fuzz("mutations of spec/vercel.yaml", 60, strategy);
    });
}

#[test]
fn fuzz_bytes_of_the_committed_spec() {
    in_child_process("fuzz_bytes_of_the_committed_spec", || {
        let edit = prop_oneof![
            (any::<usize>(), any::<u8>()).prop_map(|(at, b)| (at, 1usize, vec![b])),
            (any::<usize>(), 1usize..64).prop_map(|(at, len)| (at, len, vec![])),
            (
                any::<usize>(),
                prop::collection::vec(prop::sample::select(b"{}[]:,-&*!|>'\"\n #\t\\\xff\x00".to_vec()), 1..6)
            )
                .prop_map(|(at, bytes)| (at, 0usize, bytes)),
        ];
        let strategy = prop::collection::vec(edit, 1..4).prop_map(|edits| {
            let mut bytes = committed_spec_text().as_bytes().to_vec();
            for (at, len, insert) in edits {
                let at = at % bytes.len();
                let end = (at + len).min(bytes.len());
                bytes.splice(at..end, insert);
            }
            bytes
        });
        fuzz("byte edits of spec/vercel.yaml", 80, strategy);
    });
}
