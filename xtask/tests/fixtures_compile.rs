//! The code generated from each fixture compiles, without warnings, inside a
//! throwaway copy of the crate (see `xtask::scaffold`).
//!
//! One `cargo check` per fixture, with `RUSTFLAGS=-Dwarnings`, in
//! `target/fixture-crates/<fixture>/`; all share the target directory
//! `target/scaffold/`, so the dependencies compile once (the first run takes
//! a minute or two; later ones a few seconds per fixture).

use std::path::Path;
use std::time::Instant;

use xtask::{codegen, scaffold};

fn check_fixture(name: &str) {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(format!("{name}.yaml"));
    let generated = codegen::generate(&spec).unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
    let dir = codegen::workspace_root().join("target/fixture-crates").join(name);
    scaffold::scaffold(&dir, &generated.files).unwrap_or_else(|e| panic!("cannot scaffold {}: {e}", dir.display()));
    let start = Instant::now();
    let output = scaffold::cargo(&dir, &["check", "--color", "never"])
        .env("RUSTFLAGS", "-Dwarnings")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("run cargo");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the code generated from {} does not compile (crate in {}):\n{stderr}",
        spec.display(),
        dir.display()
    );
    eprintln!("{name}: cargo check in {:.1?}", start.elapsed());
}

#[test]
fn unions_compile() {
    check_fixture("unions");
}

#[test]
fn names_compile() {
    check_fixture("names");
}

#[test]
fn shapes_compile() {
    check_fixture("shapes");
}

#[test]
fn operations_compile() {
    check_fixture("operations");
}

#[test]
fn recursion_compile() {
    check_fixture("recursion");
}

/// The `…_stream` methods generated from `pagination.yaml`, run against a
/// local server inside that crate (`tests/fixture_tests/pagination.rs`).
#[test]
fn pagination_streams_work() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pagination.yaml");
    let generated = codegen::generate(&spec).unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
    let dir = codegen::workspace_root().join("target/fixture-crates/pagination");
    let test = include_str!("fixture_tests/pagination.rs").to_string();
    let options = scaffold::Options { extra: [("tests/pagination.rs".to_string(), test)].into(), crate_tests: false };
    scaffold::scaffold_with(&dir, &generated.files, &options).unwrap_or_else(|e| panic!("cannot scaffold: {e}"));
    let output = scaffold::cargo(&dir, &["test", "--color", "never", "--test", "pagination"])
        .env("RUSTFLAGS", "-Dwarnings")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("run cargo");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "pagination tests failed in {}:\n{stdout}\n{stderr}", dir.display());
    assert!(stdout.contains("7 passed"), "expected 7 pagination tests to run:\n{stdout}");
}

/// Each fixture has a test above.
#[test]
fn every_fixture_is_compiled() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut fixtures: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.strip_suffix(".yaml").map(String::from))
        .collect();
    fixtures.sort();
    assert_eq!(fixtures, ["names", "operations", "pagination", "recursion", "shapes", "unions"]);
}
