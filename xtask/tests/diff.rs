//! `cargo xtask diff`: each rule on a fixture pair we wrote
//! (`tests/fixtures/diff/rules.{old,new}.yaml`), recursion and depth guards,
//! and the two official specs of `../shared/specs/` when they are there.

use std::path::{Path, PathBuf};
use std::process::Command;

use xtask::codegen;
use xtask::diff::{diff_bytes, diff_files, Changelog, Kind};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn rules() -> Changelog {
    diff_files(&fixture("diff/rules.old.yaml"), &fixture("diff/rules.new.yaml")).unwrap_or_else(|e| panic!("{e}"))
}

#[track_caller]
fn assert_lines(log: &Changelog, kind: Kind, expected: &[&str]) {
    assert_eq!(log.lines(kind), expected, "{}", kind.title());
}

#[test]
fn operations_added_removed_and_renamed() {
    let log = rules();
    assert_lines(&log, Kind::OperationAdded, &["- `POST /v1/things` (`createThing`)"]);
    assert_lines(&log, Kind::OperationRemoved, &["- **breaking** `DELETE /v1/things/{id}` (`deleteThing`)"]);
    assert_lines(
        &log,
        Kind::OperationRenamed,
        &["- **breaking** `POST /v1/things/{id}/archive`: `archive_thing` → `archiveThing`"],
    );
}

#[test]
fn parameters_added_removed_and_made_required() {
    let log = rules();
    assert_lines(
        &log,
        Kind::ParameterAdded,
        &[
            "- `GET /v1/things`: query parameter `limit` (integer)",
            "- **breaking** `GET /v1/things`: required query parameter `owner` (string)",
        ],
    );
    assert_lines(&log, Kind::ParameterRemoved, &["- **breaking** `GET /v1/things`: query parameter `legacy`"]);
    assert_lines(
        &log,
        Kind::ParameterRequired,
        &["- **breaking** `GET /v1/things`: query parameter `since` is now required"],
    );
}

#[test]
fn bodies_added_and_removed() {
    let log = rules();
    // An error status that gets a schema; one that loses it (its typed error goes).
    assert_lines(&log, Kind::BodyAdded, &["- `GET /v1/things/{id} 404` (object)"]);
    assert_lines(&log, Kind::BodyRemoved, &["- **breaking** `GET /v1/things 400` (object)"]);
}

#[test]
fn fields_added_through_refs_all_of_and_one_of() {
    let log = rules();
    assert_lines(
        &log,
        Kind::FieldAdded,
        &[
            // In `Base`, reached through `allOf` inside array items.
            "- `GET /v1/things 200 .things[].createdAt` (string(date-time))",
            // In one branch of a `oneOf`.
            "- `GET /v1/things 200 .things[].source.revision` (string)",
            // Only the new object is listed, not `.pagination.next` inside it.
            "- `GET /v1/things 200 .pagination` (object)",
            "- `GET /v1/things/{id} 200 .createdAt` (string(date-time))",
            "- `GET /v1/things/{id} 200 .source.revision` (string)",
            // A new required request field breaks callers; an optional one does not.
            "- **breaking** `PATCH /v1/things/{id} request .name` (string, required)",
            "- `PATCH /v1/things/{id} request .tags` (array)",
        ],
    );
}

#[test]
fn fields_removed_retyped_and_made_required() {
    let log = rules();
    assert_lines(
        &log,
        Kind::FieldRemoved,
        &[
            "- **breaking** `GET /v1/things 200 .things[].legacyId` (string)",
            "- **breaking** `GET /v1/things/{id} 200 .legacyId` (string)",
            "- **breaking** `PATCH /v1/things/{id} request .color` (string)",
        ],
    );
    // `.owner` became an object: its new fields are not listed one by one.
    assert_lines(
        &log,
        Kind::FieldRetyped,
        &[
            "- **breaking** `GET /v1/things` query parameter `until`: integer → string",
            "- **breaking** `GET /v1/things 200 .things[].size`: integer → string",
            "- **breaking** `GET /v1/things 200 .things[].owner`: string → object",
            "- **breaking** `GET /v1/things/{id} 200 .size`: integer → string",
            "- **breaking** `GET /v1/things/{id} 200 .owner`: string → object",
        ],
    );
    assert_lines(
        &log,
        Kind::FieldRequired,
        &["- **breaking** `PATCH /v1/things/{id} request .description` is now required"],
    );
}

#[test]
fn enum_values_added_and_removed() {
    let log = rules();
    assert_lines(
        &log,
        Kind::EnumValueAdded,
        &[
            // A parameter through `$ref: #/components/parameters/...`, array items.
            "- `GET /v1/things` query parameter `state[]`: `archived`",
            "- `GET /v1/things 200 .things[].status`: `archived`",
            "- `GET /v1/things/{id} 200 .status`: `archived`",
            "- `PATCH /v1/things/{id} request .kind`: `medium`",
        ],
    );
    assert_lines(
        &log,
        Kind::EnumValueRemoved,
        &[
            "- **breaking** `GET /v1/things 200 .things[].status`: `deleted`",
            "- **breaking** `GET /v1/things/{id} 200 .status`: `deleted`",
            "- **breaking** `PATCH /v1/things/{id} request .kind`: `large`",
        ],
    );
}

#[test]
fn nothing_is_listed_inside_a_recursive_schema_twice() {
    // `Thing.children[]` is a `Thing` again: the walk stops there, so the
    // fields of `Thing` are listed once per place, not once per level.
    let log = rules();
    assert!(log.changes.iter().all(|c| !c.text.contains(".children[].")), "{log:#?}");
}

#[test]
fn markdown_has_a_summary_table_then_sections() {
    let md = rules().to_markdown("old.yaml", "new.yaml");
    let lines: Vec<&str> = md.lines().collect();
    assert_eq!(lines[0], "# API changes");
    assert_eq!(lines[2], "From `old.yaml` to `new.yaml`: 32 changes (19 breaking).");
    assert_eq!(lines[4], "| Change | Breaking | Not breaking |");
    assert_eq!(lines[5], "| --- | ---: | ---: |");
    for row in [
        "| Operations added | 0 | 1 |",
        "| Parameters added | 1 | 1 |",
        "| Fields added | 1 | 6 |",
        "| Fields retyped | 5 | 0 |",
        "| Enum values added | 0 | 4 |",
        "| Enum values removed | 3 | 0 |",
        "| **Total** | **19** | **13** |",
    ] {
        assert!(lines.contains(&row), "no row {row:?} in:\n{md}");
    }
    // Every kind has a row, in order; the sections follow in the same order.
    let table_end = lines.iter().position(|l| l.starts_with("| **Total**")).unwrap();
    assert_eq!(table_end, 6 + Kind::ALL.len());
    let sections: Vec<&str> = lines.iter().filter_map(|l| l.strip_prefix("## ")).collect();
    let expected: Vec<&str> = Kind::ALL.iter().map(|k| k.title()).collect();
    assert_eq!(sections, expected, "every kind has changes in the fixture");
    assert!(md.contains(
        "\n## Fields retyped\n\n- **breaking** `GET /v1/things` query parameter `until`: integer → string\n"
    ));
    assert!(md.ends_with('\n') && !md.contains("No changes."));
}

#[test]
fn a_spec_has_no_changes_against_itself() {
    let mut specs = vec![codegen::default_spec(), fixture("diff/rules.old.yaml"), fixture("diff/rules.new.yaml")];
    for entry in std::fs::read_dir(fixture("")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            specs.push(path);
        }
    }
    for spec in specs {
        let log = diff_files(&spec, &spec).unwrap_or_else(|e| panic!("{e}"));
        assert!(log.is_empty(), "{}: {log:#?}", spec.display());
        let md = log.to_markdown("a", "a");
        assert!(md.contains("| **Total** | **0** | **0** |") && md.ends_with("\nNo changes.\n"), "{md}");
    }
}

const HEAD: &str = "openapi: 3.0.3\ninfo:\n  title: T\n  version: '1'\n";

/// A spec with `GET /x` returning `Node`, and `schemas` (YAML at the
/// indentation of `components.schemas` entries).
fn with_schemas(schemas: &str) -> String {
    format!(
        "{HEAD}paths:\n  /x:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Node'\ncomponents:\n  schemas:\n{schemas}"
    )
}

#[test]
fn mutual_and_self_recursion_terminate() {
    // Node -> Edge -> Node through properties, and a schema that is its own
    // `allOf` and `oneOf` branch.
    let schemas = |extra: &str| {
        format!(
            "    Node:\n      type: object\n      properties:\n        edges:\n          type: array\n          items:\n            $ref: '#/components/schemas/Edge'\n        loop:\n          $ref: '#/components/schemas/Loop'\n{extra}    Edge:\n      type: object\n      properties:\n        to:\n          $ref: '#/components/schemas/Node'\n    Loop:\n      allOf:\n        - $ref: '#/components/schemas/Loop'\n      oneOf:\n        - $ref: '#/components/schemas/Loop'\n        - type: object\n          properties:\n            id:\n              type: string\n"
        )
    };
    let old = with_schemas(&schemas(""));
    let new = with_schemas(&schemas("        name:\n          type: string\n"));
    let log = diff_bytes(old.as_bytes(), new.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(log.lines(Kind::FieldAdded), ["- `GET /x 200 .name` (string)"], "{log:#?}");
    assert_eq!(log.changes.len(), 1, "{log:#?}");
}

#[test]
fn deep_schemas_are_walked_down_to_the_depth_limit() {
    // Forty nested objects `a.a.a...`, with `b` added at two depths: above
    // the limit it is listed; below it, the walk has stopped.
    let nest = |added_at: &[usize]| {
        let mut schema = String::from("{type: string}");
        for depth in (0..40).rev() {
            let extra = if added_at.contains(&depth) { ", b: {type: integer}" } else { "" };
            schema = format!("{{type: object, properties: {{a: {schema}{extra}}}}}");
        }
        format!("    Node: {schema}\n")
    };
    let old = with_schemas(&nest(&[]));
    let new = with_schemas(&nest(&[3, 30]));
    let log = diff_bytes(old.as_bytes(), new.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(log.lines(Kind::FieldAdded), ["- `GET /x 200 .a.a.a.b` (integer)"], "{log:#?}");
    const { assert!(xtask::diff::MAX_DEPTH < 30) };
}

#[test]
fn the_command_prints_the_changelog() {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("diff")
        .arg(fixture("diff/rules.old.yaml"))
        .arg(fixture("diff/rules.new.yaml"))
        .output()
        .expect("run xtask diff");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.starts_with("# API changes\n"), "{stdout}");
    assert!(stdout.contains("- **breaking** `DELETE /v1/things/{id}` (`deleteThing`)\n"), "{stdout}");

    let missing = fixture("diff/missing.yaml");
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("diff")
        .arg(&missing)
        .arg(fixture("diff/rules.new.yaml"))
        .output()
        .expect("run xtask diff");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot read") && stderr.contains("missing.yaml"), "{stderr}");
}

/// The two official specs of `../shared/specs/`; the changes asserted here
/// were checked by hand (with python) against the JSON files.
#[test]
fn official_specs_2025_10_02_to_2025_10_27() {
    let dir = codegen::workspace_root().join("../shared/specs");
    let (old, new) = (dir.join("vercel-2025-10-02.json"), dir.join("vercel-2025-10-27.json"));
    if !old.exists() || !new.exists() {
        eprintln!(
            "\n!!! SKIPPED: {} or {} not found; the official-spec diff was not tested !!!\n",
            old.display(),
            new.display()
        );
        return;
    }
    let log = diff_files(&old, &new).unwrap_or_else(|e| panic!("{e}"));
    let has = |kind: Kind, line: &str| {
        assert!(log.lines(kind).iter().any(|l| l == line), "no {} line {line:?}", kind.title());
    };
    // 216 operations against 178, none removed.
    assert_eq!(log.count(Kind::OperationAdded, false), 38);
    assert_eq!(log.count(Kind::OperationRemoved, true), 0);
    has(Kind::OperationAdded, "- `GET /v1/registrar/tlds/supported` (`getSupportedTlds`)");
    has(Kind::OperationAdded, "- `GET /v1/security/firewall/events` (no operationId)");
    has(Kind::ParameterAdded, "- `GET /v1/security/firewall/attack-status`: query parameter `since` (number)");
    has(Kind::FieldAdded, "- `POST /v1/integrations/sso/token 200 .expires_in` (number)");
    // `FileTree.symlink` is gone; `FileTree` is recursive (`children[]`).
    has(Kind::FieldRemoved, "- **breaking** `GET /v6/deployments/{id}/files 200 [].symlink` (string)");
    has(
        Kind::EnumValueAdded,
        "- `GET /v1/webhooks/{id} 200 .events[]`: `observability.usage-anomaly`, `observability.error-anomaly`, `observability.anomaly-botId`",
    );
    // In one of the 164 `oneOf` branches of `UserEvent.payload`.
    has(
        Kind::EnumValueRemoved,
        "- **breaking** `GET /v3/events 200 .events[].payload.grantType`: `refresh_token`, `client_credentials`",
    );
    // Every error response of the old spec had a schema (VercelBadRequestError...);
    // the new one drops all 470 of them.
    assert_eq!(log.count(Kind::BodyRemoved, true), 470);
    has(Kind::BodyRemoved, "- **breaking** `GET /v1/access-groups/{idOrName} 400` (object)");
    for kind in [Kind::ParameterAdded, Kind::FieldAdded, Kind::EnumValueAdded] {
        assert!(log.count(kind, false) > 0, "{}", kind.title());
    }
    for kind in [Kind::FieldRemoved, Kind::EnumValueRemoved] {
        assert!(log.count(kind, true) > 0, "{}", kind.title());
    }
    eprintln!("{}", log.summary());
}
