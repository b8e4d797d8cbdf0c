//! Snapshots of every generated file, for the committed spec and for each
//! hand-written fixture in `tests/fixtures/`, plus direct checks of the
//! properties the fixtures exist for.
//!
//! Snapshots are named `<spec>__<file>` (`vercel__types.rs`,
//! `names__mod.rs`) and live in `tests/snapshots/`. After an intended change
//! of the output, review and accept the new ones with `cargo insta review`,
//! or rewrite them all with `INSTA_UPDATE=always cargo test -p xtask --test snapshots`.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use xtask::codegen::model::{Api, Ty, TypeKind};
use xtask::codegen::{self, Generated};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(format!("{name}.yaml"))
}

/// Every spec that is snapshotted: `vercel` and the fixtures.
const SPECS: &[&str] = &["vercel", "unions", "names", "shapes", "operations", "recursion", "pagination"];

fn spec_path(name: &str) -> PathBuf {
    if name == "vercel" {
        codegen::default_spec()
    } else {
        fixture(name)
    }
}

fn generate(name: &str) -> Generated {
    let path = spec_path(name);
    codegen::generate(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Snapshots each generated file of `name` and returns the generation.
fn snapshot(name: &str) -> Generated {
    let generated = generate(name);
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    let path = spec_path(name);
    let rel = path.strip_prefix(codegen::workspace_root()).unwrap_or(&path).to_path_buf();
    settings.set_description(format!("generated from {}", rel.display()));
    settings.bind(|| {
        for (file, text) in &generated.files {
            insta::assert_snapshot!(format!("{name}__{file}"), text);
        }
    });
    generated
}

#[test]
fn snapshot_vercel() {
    snapshot("vercel");
}

#[test]
fn snapshot_unions() {
    snapshot("unions");
}

#[test]
fn snapshot_names() {
    snapshot("names");
}

#[test]
fn snapshot_shapes() {
    snapshot("shapes");
}

#[test]
fn snapshot_operations() {
    snapshot("operations");
}

#[test]
fn snapshot_pagination() {
    snapshot("pagination");
}

#[test]
fn snapshot_recursion() {
    snapshot("recursion");
}

/// A new fixture gets snapshotted (add it to `SPECS` and a test above), and
/// a snapshot of a file that is no longer generated is deleted.
#[test]
fn every_fixture_is_snapshotted_and_no_snapshot_is_stale() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut fixtures: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.strip_suffix(".yaml").map(String::from))
        .collect();
    fixtures.sort();
    let mut listed: Vec<String> = SPECS.iter().filter(|s| **s != "vercel").map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(fixtures, listed, "every fixture in tests/fixtures/ must be in SPECS (and have a snapshot test)");

    let mut expected = BTreeSet::new();
    for name in SPECS {
        for file in generate(name).files.keys() {
            expected.insert(format!("{name}__{file}.snap"));
        }
    }
    let snapshots = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let stale: Vec<String> = std::fs::read_dir(&snapshots)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".snap") && !expected.contains(n))
        .collect();
    assert!(stale.is_empty(), "snapshots of files that are no longer generated: {stale:?}; delete them");
}

// ------------------------------------------------------------ properties

fn type_named<'a>(api: &'a Api, name: &str) -> &'a xtask::codegen::model::TypeDef {
    api.types.iter().find(|t| t.name == name).unwrap_or_else(|| {
        let names: Vec<_> = api.types.iter().map(|t| t.name.as_str()).collect();
        panic!("no type {name}; types: {names:?}")
    })
}

fn enum_variants(api: &Api, name: &str) -> Vec<(String, String)> {
    match &type_named(api, name).kind {
        TypeKind::Enum { values } => values.iter().map(|v| (v.wire.clone(), v.name.clone())).collect(),
        other => panic!("{name} is not an enum: {other:?}"),
    }
}

/// Occurrences of `needle` in `haystack`.
fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

/// In every spec: type names, field names, variant names, method names and
/// parameter names are each unique where they share a scope, and every
/// name is a valid Rust identifier.
#[test]
fn names_are_unique_and_valid() {
    for spec in SPECS {
        let api = generate(spec).api;
        let valid =
            |n: &str| syn::parse_str::<syn::Ident>(n).is_ok() || panic!("{spec}: {n:?} is not a Rust identifier");
        let mut types = HashSet::new();
        for t in &api.types {
            valid(&t.name);
            assert!(types.insert(t.name.clone()), "{spec}: type {} twice", t.name);
            let names: Vec<&str> = match &t.kind {
                TypeKind::Struct { fields, .. } => fields.iter().map(|f| f.name.as_str()).chain(["extra"]).collect(),
                TypeKind::Enum { values } => values.iter().map(|v| v.name.as_str()).chain(["Unknown"]).collect(),
                TypeKind::Union { variants, .. } => {
                    variants.iter().map(|v| v.name.as_str()).chain(["Unknown"]).collect()
                }
                TypeKind::Alias(_) => vec![],
            };
            let mut seen = HashSet::new();
            for n in names {
                valid(n);
                assert!(seen.insert(n), "{spec}: {} has two members named {n}", t.name);
            }
        }
        let mut methods = HashSet::new();
        for op in &api.ops {
            valid(&op.name);
            assert!(methods.insert(op.name.clone()), "{spec}: method {} twice", op.name);
            let mut params = HashSet::new();
            for p in op.path_params.iter().chain(&op.params) {
                valid(&p.name);
                assert!(params.insert(p.name.clone()), "{spec}: {} has two parameters named {}", op.name, p.name);
            }
            for t in [&op.params_type, &op.response_type] {
                if !t.is_empty() {
                    valid(t);
                    assert!(types.insert(t.clone()), "{spec}: type {t} twice");
                }
            }
        }
    }
}

#[test]
fn enum_values_that_collide_after_case_conversion_get_distinct_names() {
    let api = generate("names").api;
    let variants = enum_variants(&api, "Event");
    let name_of = |wire: &str| variants.iter().find(|(w, _)| w == wire).map(|(_, n)| n.as_str()).unwrap();
    assert_eq!(name_of("deployment.ready"), "DeploymentReady");
    assert_eq!(name_of("deployment-ready"), "DeploymentReadyKebab");
    assert_eq!(name_of("deployment_ready"), "DeploymentReadySnake");
    assert_eq!(name_of("Foo"), "Foo");
    assert_eq!(name_of("foo"), "FooAlt");
    assert_eq!(name_of("self"), "SelfValue");
    assert_eq!(name_of("1080p"), "V1080p");
    assert_eq!(name_of(""), "Empty");
    // Each keeps its own wire value.
    let types = &generate("names").files["types.rs"];
    for wire in ["deployment.ready", "deployment-ready", "deployment_ready", "Foo", "foo"] {
        assert_eq!(count(types, &format!("#[serde(rename = \"{wire}\")]")), 1, "{wire}");
    }

    // The committed spec has such values too (`deployment.ready` / `deployment-ready`).
    let api = generate("vercel").api;
    let colliding = api.types.iter().any(|t| match &t.kind {
        TypeKind::Enum { values } => {
            values.iter().any(|v| v.wire == "deployment.ready") && values.iter().any(|v| v.wire == "deployment-ready")
        }
        _ => false,
    });
    assert!(
        colliding,
        "spec/vercel.yaml no longer has colliding webhook events; the uniqueness check above still covers it"
    );
}

#[test]
fn operation_without_id_gets_a_stable_derived_name() {
    for _ in 0..2 {
        let api = generate("names").api;
        let op = api.ops.iter().find(|o| o.path == "/v2/teams/{teamId}/members").unwrap();
        assert!(op.derived_id);
        assert_eq!(op.id, "getTeamMembers");
        assert_eq!(op.name, "get_team_members");
        assert!(api.warnings.iter().any(|w| w.contains("no operationId") && w.contains("getTeamMembers")));
    }
    let api = generate("vercel").api;
    let op = api.ops.iter().find(|o| o.derived_id).expect("spec/vercel.yaml has an operation without operationId");
    assert_eq!(op.name, "post_installation_resource_experimentation_items");
}

#[test]
fn identical_inline_schemas_are_emitted_once() {
    let generated = generate("shapes");
    let types = &generated.files["types.rs"];
    assert_eq!(count(types, "pub struct Creator {"), 1);
    assert_eq!(count(types, "pub enum Plan {"), 1);
    assert_eq!(count(types, "pub creator: Option<Creator>,"), 2, "Project.creator and Team.creator share one type");
    assert_eq!(count(types, "pub plan: Option<Plan>,"), 2);
    assert_eq!(generated.api.deduplicated, 2);
    let field_ty = |ty: &str, field: &str| match &type_named(&generated.api, ty).kind {
        TypeKind::Struct { fields, .. } => fields.iter().find(|f| f.wire == field).unwrap().ty.clone(),
        _ => panic!("{ty} is not a struct"),
    };
    assert_eq!(field_ty("Project", "creator"), field_ty("Team", "creator"));
}

#[test]
fn recursive_fields_are_boxed_and_lists_are_not() {
    let generated = generate("unions");
    let TypeKind::Struct { fields, .. } = &type_named(&generated.api, "TreeNode").kind else { panic!() };
    let field = |wire: &str| fields.iter().find(|f| f.wire == wire).unwrap();
    assert!(field("parent").boxed);
    assert!(!field("children").boxed, "a Vec is indirection enough");
    let types = &generated.files["types.rs"];
    assert!(types.contains("pub parent: Option<Box<TreeNode>>,"));
    assert!(types.contains("pub children: Option<Vec<TreeNode>>,"));

    // Through a union and through an alias.
    let generated = generate("recursion");
    let types = &generated.files["types.rs"];
    assert!(types.contains("pub first: Option<Box<Expr>>,"), "{types}");
    assert!(types.contains("pub parent: Option<Box<FolderRef>>,"), "{types}");
    // An array or map of itself cannot be a type alias (E0391).
    for name in ["NestedList", "Tree"] {
        assert!(!types.contains(&format!("pub type {name} =")), "{name} is a recursive alias:\n{types}");
        assert!(types.contains(&format!("pub struct {name}(")), "{types}");
    }
}

#[test]
fn keywords_become_trailing_underscore_names_with_the_wire_name_kept() {
    let generated = generate("names");
    let types = &generated.files["types.rs"];
    for kw in ["type", "match", "self", "fn"] {
        let renamed = format!("#[serde(rename = \"{kw}\")]");
        let field = format!("pub {kw}_: ");
        let at = types.find(&field).unwrap_or_else(|| panic!("no field {kw}_ in\n{types}"));
        let before = &types[..at];
        let attrs = &before[before.rfind("///").unwrap()..];
        assert!(attrs.contains(&renamed), "{kw}_ lacks {renamed}: {attrs}");
    }
    // A keyword as a schema name, operation id, parameter and tag.
    assert!(types.contains("pub struct SelfValue {"));
    let api = &generated.api;
    let names: Vec<&str> = api.ops.iter().map(|o| o.name.as_str()).collect();
    assert!(names.contains(&"match_") && names.contains(&"self_"), "{names:?}");
    let op = api.ops.iter().find(|o| o.id == "match").unwrap();
    let params: Vec<(&str, &str)> = op.params.iter().map(|p| (p.wire.as_str(), p.name.as_str())).collect();
    assert_eq!(params, [("type", "type_"), ("self", "self_")]);
    assert!(generated.files.contains_key("type_.rs"), "{:?}", generated.files.keys());
    assert!(generated.files["operations.rs"].contains("pub type_: Option<String>,"));
    assert!(generated.files["type_.rs"].contains(".query(\"type\", &params.type_)"));

    // Where every field is camelCase of its name, one `rename_all` does it:
    // serde turns `type_` into `type`.
    let types = &generate("unions").files["types.rs"];
    let circle = &types[types.find("pub struct Circle {").unwrap()..];
    let circle = &circle[..circle.find('}').unwrap()];
    assert!(circle.contains("pub type_: CircleType,"));
    let before = &types[..types.find("pub struct Circle {").unwrap()];
    assert!(before.trim_end().ends_with("#[serde(rename_all = \"camelCase\")]"), "{before}");
}

#[test]
fn names_starting_with_a_digit_get_a_letter_in_front() {
    let generated = generate("names");
    let types = &generated.files["types.rs"];
    assert!(types.contains("pub struct V2faConfig {"));
    assert!(types.contains("#[serde(rename = \"3rdParty\")]"));
    assert!(types.contains("pub n3rd_party: Option<String>,"));
    assert!(types.contains("pub n2fa: Option<bool>,"));
    let TypeKind::Struct { fields, .. } = &type_named(&generated.api, "Keywords").kind else { panic!() };
    let names: Vec<(&str, &str)> = fields.iter().map(|f| (f.wire.as_str(), f.name.as_str())).collect();
    assert!(names.contains(&("fooBar", "foo_bar")) && names.contains(&("foo_bar", "foo_bar_value")), "{names:?}");
}

#[test]
fn unions_are_tagged_by_one_value_enums() {
    let api = generate("unions").api;
    let TypeKind::Union { variants, tag } = &type_named(&api, "Shape").kind else { panic!() };
    assert_eq!(tag.as_deref(), Some("type"));
    let values: Vec<(&str, Option<&str>)> =
        variants.iter().map(|v| (v.name.as_str(), v.tag_value.as_deref())).collect();
    assert_eq!(values, [("Circle", Some("circle")), ("Square", Some("square"))]);
    // oneOf of a string and a string enum: one open enum.
    let target = enum_variants(&api, "Target");
    assert_eq!(target.len(), 2);
    // oneOf of two arrays: a union of two Vecs.
    let TypeKind::Union { variants, .. } = &type_named(&api, "Members").kind else { panic!() };
    assert!(variants.iter().all(|v| matches!(v.ty, Ty::Array(_))));
    assert_eq!(variants.len(), 2);
    // allOf: the properties of both branches.
    let TypeKind::Struct { fields, .. } = &type_named(&api, "Project").kind else { panic!() };
    let wires: BTreeSet<&str> = fields.iter().map(|f| f.wire.as_str()).collect();
    assert_eq!(wires, BTreeSet::from(["id", "name", "createdAt"]));
    assert!(fields.iter().all(|f| f.required));
}

/// The text of the item that starts with `head` (up to its closing brace at
/// the start of a line).
fn item<'a>(text: &'a str, head: &str) -> &'a str {
    let start = text.find(head).unwrap_or_else(|| panic!("no {head:?} in\n{text}"));
    let rest = &text[start..];
    &rest[..rest.find("\n}").map_or(rest.len(), |e| e + 2)]
}

/// The attributes and declaration of field `name` in a struct's text.
fn field<'a>(item: &'a str, name: &str) -> &'a str {
    let decl = format!("    pub {name}: ");
    let at = item.find(&decl).unwrap_or_else(|| panic!("no field {name} in\n{item}"));
    let start = item[..at].rfind(",\n").map_or(0, |p| p + 2);
    let end = at + item[at..].find(",\n").unwrap_or(item.len() - at);
    &item[start..end]
}

#[test]
fn fields_keep_nullability_maps_and_deprecation() {
    let generated = generate("shapes");
    let types = &generated.files["types.rs"];
    let project = item(types, "pub struct Project {");
    // Required and nullable: an Option that is always sent (null when None).
    for name in ["framework", "description"] {
        let f = field(project, name);
        assert!(f.contains(&format!("pub {name}: Option<")), "{f}");
        assert!(!f.contains("skip_serializing_if"), "a required field is always sent: {f}");
    }
    // Optional: skipped when None.
    for name in ["owner", "labels", "metadata", "settings", "build", "legacy_id"] {
        let f = field(project, name);
        assert!(f.contains("skip_serializing_if = \"Option::is_none\""), "{f}");
    }
    assert!(field(project, "owner").contains("pub owner: Option<User>"), "nullable through allOf of a reference");
    assert!(field(project, "labels").contains("Option<std::collections::BTreeMap<String, String>>"));
    assert!(field(project, "metadata").contains("Option<serde_json::Map<String, serde_json::Value>>"));
    assert!(field(project, "settings").contains("Option<serde_json::Map<String, serde_json::Value>>"));
    assert!(field(project, "legacy_id").contains("#[deprecated]"));
    assert!(!field(project, "id").contains("#[deprecated]"));
    let limits = item(types, "pub struct Limits {");
    assert!(
        field(limits, "extra").contains("std::collections::BTreeMap<String, i64>"),
        "typed additionalProperties next to properties"
    );
    let at = types.find("pub struct OldProject {").unwrap();
    let attrs = &types[types[..at].rfind("///").unwrap()..at];
    assert!(attrs.contains("#[deprecated]"), "{attrs}");
    // Three levels of inline objects, each a named struct.
    assert!(field(project, "build").contains("Option<Build>"));
    assert!(field(item(types, "pub struct Build {"), "env").contains("Option<Env>"));
    assert!(field(item(types, "pub struct Env {"), "vars").contains("Option<Vars>"));
    assert!(field(item(types, "pub struct Vars {"), "name").contains("pub name: String"));
}

#[test]
fn operations_map_their_parameters_bodies_and_responses() {
    let generated = generate("operations");
    let files = &generated.files;
    let ops = |m: &str| files[&format!("{m}.rs")].clone();
    let files_rs = ops("files");
    assert!(files_rs.contains("Method::HEAD, \"headFile\""));
    assert!(files_rs.contains("body: impl Into<reqwest::Body>,"));
    assert!(files_rs.contains(".body(\"application/octet-stream\", body.into())"));
    assert!(files_rs.contains(".header(\"x-content-digest\", &params.x_content_digest)"));
    assert!(files_rs.contains("Result<Response<crate::ByteStream>>"));
    let logs = ops("logs");
    assert!(logs.contains(".send_json_lines()"));
    assert!(logs.contains(".team_scope(params.team_id.as_deref(), params.slug.as_deref())"));
    assert!(!logs.contains(".query(\"teamId\""), "teamId/slug go through team_scope only");
    let items = ops("items");
    assert!(items.contains("index: i64,"));
    for (status, variant) in [("200u16", "CreateItemResponse::Ok"), ("201u16", "CreateItemResponse::Created")] {
        let arm =
            items.lines().find(|l| l.trim_start().starts_with(status)).unwrap_or_else(|| panic!("no {status} arm"));
        assert!(arm.contains(variant), "{arm}");
    }
    assert!(items.contains("#[deprecated]\n    pub async fn delete_item"));
    let operations = &files["operations.rs"];
    assert!(operations.contains("Ok(CreateItemResponse200),"));
    assert!(operations.contains("Created(CreateItemResponse201),"));
    assert!(operations.contains("pub view: Option<View>,"));
}
