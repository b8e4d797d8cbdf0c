//! Every operation of spec/vercel.yaml, called through the generated client
//! against Prism's mock server for the spec (`prism mock --dynamic`, installed
//! and run by `scripts/prism.sh`): the requests must break nothing in the spec,
//! and every random response must decode. See `xtask::codegen::emit_conformance`.
//!
//! The crate is a throwaway copy in `target/spec-crates/vercel/` (built in
//! `target/scaffold/`) with the generated `tests/conformance.rs`. Skipped,
//! loudly, where Node.js or npm is missing.

use std::time::Instant;

use xtask::{codegen, prism, scaffold};

#[test]
fn every_operation_of_spec_conforms_against_prism() {
    let missing = prism::missing_tools();
    if !missing.is_empty() {
        eprintln!(
            "\n{bar}\nSKIPPED: the conformance test of spec/vercel.yaml needs Node.js and npm to run Prism \
             ({} not found on PATH).\n{bar}\n",
            missing.join(", "),
            bar = "*".repeat(100)
        );
        return;
    }
    let spec = codegen::default_spec();
    let generated = codegen::generate(&spec).unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
    let test = codegen::conformance_test(&generated, &spec).unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
    let dir = codegen::workspace_root().join("target/spec-crates/vercel");
    let options = scaffold::Options {
        extra: [("tests/conformance.rs".to_string(), test)].into_iter().collect(),
        ..scaffold::Options::default()
    };
    scaffold::scaffold_with(&dir, &generated.files, &options)
        .unwrap_or_else(|e| panic!("cannot scaffold {}: {e}", dir.display()));

    // Built before Prism starts, so Prism runs for the calls only.
    let start = Instant::now();
    let built = scaffold::cargo(&dir, &["test", "--test", "conformance", "--no-run", "--color", "never"])
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("run cargo");
    assert!(
        built.status.success(),
        "the conformance test of {} does not build (crate in {}):\n{}",
        spec.display(),
        dir.display(),
        String::from_utf8_lossy(&built.stderr)
    );
    eprintln!("built the conformance test in {:.1?}", start.elapsed());

    let start = Instant::now();
    let prism = prism::Prism::start(&spec).unwrap_or_else(|e| panic!("cannot start Prism: {e}"));
    eprintln!("Prism serves {} at {} (started in {:.1?})", spec.display(), prism.url(), start.elapsed());
    let out = scaffold::cargo(&dir, &["test", "--test", "conformance", "--color", "never", "--", "--nocapture"])
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env("VERCEL_API_URL", prism.url())
        // A mock server gets the harness's dummy token, never a real one.
        .env_remove("VERCEL_TOKEN")
        .env_remove("CONFORMANCE_OPS")
        .output()
        .expect("run cargo");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let report: Vec<&str> = stderr
        .lines()
        .skip_while(|l| !l.starts_with("note: ") && !l.starts_with("FAILED ") && !l.starts_with("conformance: "))
        .take_while(|l| !l.starts_with("thread '"))
        .collect();
    eprintln!("{}", report.join("\n"));
    assert!(
        out.status.success(),
        "operations of {} do not conform (crate in {}; Prism's log: {}):\n{stderr}",
        spec.display(),
        dir.display(),
        prism.log().display()
    );
    assert!(
        stderr.contains("conformance: ") && !stderr.contains("conformance SKIPPED"),
        "the conformance test did not run:\n{stderr}"
    );
    drop(prism);

    // Against a server whose spec wants one more query parameter of every
    // operation, every operation fails, naming the violation.
    let mut strict: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(&spec).expect("read the spec")).expect("the spec is YAML");
    let required = serde_yaml::from_str::<serde_yaml::Value>(
        "{name: conformanceCheck, in: query, required: true, schema: {type: integer}}",
    )
    .unwrap();
    let paths = strict.get_mut("paths").and_then(serde_yaml::Value::as_mapping_mut).expect("paths");
    for (_, item) in paths.iter_mut() {
        let item = item.as_mapping_mut().expect("a path item");
        let params = item.entry("parameters".into()).or_insert_with(|| serde_yaml::Value::Sequence(Vec::new()));
        params.as_sequence_mut().expect("parameters").push(required.clone());
    }
    let strict_spec = tempfile::Builder::new().suffix(".yaml").tempfile().expect("a temporary file");
    std::fs::write(strict_spec.path(), serde_yaml::to_string(&strict).unwrap()).unwrap();
    let prism = prism::Prism::start(strict_spec.path()).unwrap_or_else(|e| panic!("cannot start Prism: {e}"));
    let out = scaffold::cargo(&dir, &["test", "--test", "conformance", "--color", "never", "--", "--nocapture"])
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env("VERCEL_API_URL", prism.url())
        .env("CONFORMANCE_CALLS", "1")
        .env_remove("VERCEL_TOKEN")
        .env_remove("CONFORMANCE_OPS")
        .output()
        .expect("run cargo");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let ops = generated.api.ops.len();
    assert!(!out.status.success(), "a server that wants another parameter must fail the test:\n{stderr}");
    assert!(
        stderr.contains(&format!("conformance: 0 of {ops} operations passed, 0 inconclusive")),
        "every operation must fail:\n{stderr}"
    );
    assert_eq!(
        stderr
            .matches("sl-violations): request.query: Request query must have required property 'conformancecheck'")
            .count(),
        ops,
        "each failure names the violation:\n{stderr}"
    );
}
