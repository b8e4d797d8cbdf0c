//! Maintenance tasks for vercel-api: `cargo xtask codegen [--check] [--spec PATH] [--out DIR]`
//! and `cargo xtask check-spec [--spec PATH] [--dir DIR] [--clippy] [--test] [--doc] [--examples] [--no-crate-tests] [--conformance]`.
//! `cargo xtask fetch-spec [--url URL] [--out PATH]` downloads Vercel's published spec (see
//! [`xtask::fetch_spec`]); `cargo xtask diff OLD NEW` prints an API changelog (see [`xtask::diff`]).
//! `cargo xtask bench [--quick]` measures the generator, compile cost and runtime and writes
//! BENCHMARKS.md (see [`xtask::bench`]).

use xtask::codegen;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "xtask", about = "Code generator and maintenance tasks for vercel-api")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate the client from an OpenAPI 3.0 spec.
    Codegen {
        /// Do not write; exit non-zero and name the stale files if the output differs.
        #[arg(long)]
        check: bool,
        /// The spec to read (YAML or JSON). Default: spec/vercel.yaml.
        #[arg(long)]
        spec: Option<PathBuf>,
        /// Where to write. Default: crates/vercel-api/src/generated.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Print every warning about flaws of the spec.
        #[arg(long, short)]
        verbose: bool,
        /// Also write a test that decodes every example of the spec (for throwaway crates).
        #[arg(long)]
        examples_test: Option<PathBuf>,
    },
    /// Generate from a spec (default: the newest official one in ../shared/specs)
    /// into a throwaway copy of the crate and compile it there.
    ///
    /// The copy goes to target/spec-crates/<spec file stem>/ and builds in
    /// target/scaffold/; the committed crate is not touched.
    CheckSpec {
        /// The spec to read (YAML or JSON).
        #[arg(long)]
        spec: Option<PathBuf>,
        /// Where to put the copy of the crate.
        #[arg(long)]
        dir: Option<PathBuf>,
        /// Also run `cargo clippy --all-targets -- -D warnings`.
        #[arg(long)]
        clippy: bool,
        /// Also run `cargo test --lib --tests` (doctests are written for spec/vercel.yaml).
        #[arg(long)]
        test: bool,
        /// Also run `RUSTDOCFLAGS=-Dwarnings cargo doc --no-deps`.
        #[arg(long)]
        doc: bool,
        /// Also write tests/examples.rs (every example of the spec decodes and
        /// round-trips) into the copy and run it.
        #[arg(long)]
        examples: bool,
        /// Leave out crates/vercel-api/tests/ (written against spec/vercel.yaml,
        /// they do not compile against specs with other operations).
        #[arg(long)]
        no_crate_tests: bool,
        /// Also write tests/conformance.rs (every operation, with arguments built
        /// from the spec) into the copy, start Prism's mock server for the spec
        /// (scripts/prism.sh; needs Node.js and npm) and run it against that.
        #[arg(long)]
        conformance: bool,
    },
    /// Download Vercel's published OpenAPI spec, check that the client
    /// generates from it, write it (pretty JSON, or YAML for a .yaml/.yml
    /// target) atomically, and print what changed since the file it replaces.
    ///
    /// The default target is spec/vercel-official.json; `--out spec/vercel.yaml`
    /// would replace our hand-written spec, which the crate is generated from.
    FetchSpec {
        /// Where to download the spec from.
        #[arg(long, default_value = xtask::fetch_spec::DEFAULT_URL)]
        url: String,
        /// Where to write it. Default: spec/vercel-official.json.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Print an API changelog (Markdown) from the OLD spec to the NEW one:
    /// operations, parameters, fields and enum values added, removed or
    /// changed, each classed as breaking or not for a Rust caller.
    Diff {
        /// The old spec (YAML or JSON).
        old: PathBuf,
        /// The new spec (YAML or JSON).
        new: PathBuf,
    },
    /// Measure the generator, its output, the compile cost of the full-spec crate and the
    /// runtime (request overhead, decoding); write BENCHMARKS.md. Runs in release.
    Bench(xtask::bench::BenchArgs),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Bench(args) => xtask::bench::run(&args),
        Command::FetchSpec { url, out } => {
            let out = out.unwrap_or_else(xtask::fetch_spec::default_out);
            match xtask::fetch_spec::fetch_spec(&url, &out) {
                Ok(fetched) => {
                    let verb = if fetched.written { "wrote" } else { "unchanged:" };
                    eprintln!("{url}: {} operations; {verb} {}", fetched.operations, out.display());
                    print!("{}", fetched.report(&url));
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    eprintln!("{} was not touched", out.display());
                    ExitCode::FAILURE
                }
            }
        }
        Command::Diff { old, new } => match xtask::diff::diff_files(&old, &new) {
            Ok(log) => {
                print!("{}", log.to_markdown(&old.display().to_string(), &new.display().to_string()));
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        Command::CheckSpec { spec, dir, clippy, test, doc, examples, no_crate_tests, conformance } => {
            let opts =
                xtask::scaffold::CheckSpec { spec, dir, clippy, test, doc, examples, no_crate_tests, conformance };
            if xtask::scaffold::check_spec(&opts) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Command::Codegen { check, spec, out, verbose, examples_test } => {
            let spec = spec.unwrap_or_else(codegen::default_spec);
            let out = out.unwrap_or_else(codegen::default_out);
            let start = Instant::now();
            let generated = match codegen::generate(&spec) {
                Ok(g) => g,
                Err(e) => {
                    eprintln!("error: {}: {e}", spec.display());
                    return ExitCode::FAILURE;
                }
            };
            let api = &generated.api;
            if verbose {
                for w in &api.warnings {
                    eprintln!("warning: {w}");
                }
            } else if !api.warnings.is_empty() {
                eprintln!("{} warnings about the spec (see them with --verbose)", api.warnings.len());
            }
            let lines: usize = generated.files.values().map(|f| f.lines().count()).sum();
            eprintln!(
                "{}: {} operations, {} types ({} inline duplicates folded), {} lines in {:.0?}",
                spec.display(),
                api.ops.len(),
                api.types.len(),
                api.deduplicated,
                lines,
                start.elapsed()
            );
            // The crate's API-area features follow the committed spec's tags.
            let manifest = if out == codegen::default_out() {
                match codegen::manifest_update(&generated) {
                    Ok(m) => m,
                    Err(e) => {
                        eprintln!("error: {e}");
                        return ExitCode::FAILURE;
                    }
                }
            } else {
                None
            };
            if check {
                let mut stale = codegen::stale(&generated.files, &out);
                if manifest.is_some() {
                    stale.push("crates/vercel-api/Cargo.toml (API-area features)".into());
                }
                if stale.is_empty() {
                    eprintln!("{} is up to date", out.display());
                    return ExitCode::SUCCESS;
                }
                eprintln!("stale generated files in {}: {}", out.display(), stale.join(", "));
                eprintln!("run `cargo xtask codegen` and commit the result");
                return ExitCode::FAILURE;
            }
            if let Some(path) = examples_test {
                let written = codegen::examples_test(&generated).map_err(|e| e.to_string()).and_then(|text| {
                    std::fs::create_dir_all(path.parent().unwrap_or(&path)).map_err(|e| e.to_string())?;
                    std::fs::write(&path, text).map_err(|e| e.to_string())
                });
                if let Err(e) = written {
                    eprintln!("error: cannot write {}: {e}", path.display());
                    return ExitCode::FAILURE;
                }
            }
            if let Some(manifest) = manifest {
                if let Err(e) = std::fs::write(codegen::workspace_root().join("crates/vercel-api/Cargo.toml"), manifest)
                {
                    eprintln!("error: cannot write the crate manifest: {e}");
                    return ExitCode::FAILURE;
                }
            }
            if let Err(e) = codegen::write(&generated.files, &out) {
                eprintln!("error: cannot write {}: {e}", out.display());
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
    }
}
