//! `cargo xtask bench`: measures, in one run, the generator, what it emits,
//! the compile cost of the crate generated from the full official spec, and
//! the runtime (per-request overhead, decoding), and writes `BENCHMARKS.md`.
//!
//! - **Generator**: each stage of the pipeline ([`load`], [`resolve`] +
//!   [`lower`] + [`names`], [`emit_types`] + [`emit_ops`], [`format`](mod@format))
//!   called directly on the full spec, in a release build, the median of
//!   several runs; the staged output is checked against
//!   [`codegen::generate_bytes`]. Peak memory is that of one
//!   `xtask codegen --spec …` child process.
//! - **Size** of the output for the full spec and for `spec/vercel.yaml`.
//! - **Compile cost**: the full-spec crate is scaffolded into
//!   `target/bench/fullspec` ([`scaffold`]) and built once in its own target
//!   directory, `target/bench/target` (dependencies included); then
//!   `src/lib.rs` is touched before each timed `cargo check` / `cargo build`,
//!   so only the crate itself is rebuilt.
//! - **Runtime**: `cargo bench -p vercel-api --bench overhead --bench decode
//!   -- --json`; each bench prints one JSON line, read here.
//!
//! Peak RSS of a child process (with its own children, e.g. cargo and rustc)
//! comes from GNU `time -v` when `/usr/bin/time` is GNU time, otherwise from
//! `getrusage(RUSAGE_CHILDREN)` in a wrapper process (`xtask bench
//! --rusage-to FILE -- CMD…`): the same kernel figure either way.
//!
//! A debug build of xtask (what `cargo xtask` runs) re-runs itself with
//! `cargo run --release -p xtask -- bench …`. Nothing asserts a time.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant, SystemTime};

use proc_macro2::TokenStream;
use serde_json::Value;

use crate::codegen::{self, emit_ops, emit_types, format, load, lower, names, resolve, Generated, SpecError};
use crate::scaffold;

/// Arguments of `cargo xtask bench`.
#[derive(Debug, Clone, clap::Args)]
pub struct BenchArgs {
    /// The spec for the generator and compile-cost figures. Default: the
    /// newest official one in ../shared/specs.
    #[arg(long)]
    pub spec: Option<PathBuf>,
    /// Runs of the generator (the median is reported).
    #[arg(long, default_value_t = 7)]
    pub runs: usize,
    /// Timed rebuilds of the full-spec crate per cargo command.
    #[arg(long, default_value_t = 3)]
    pub compile_runs: usize,
    /// Fewer runs and requests everywhere: to try the bench out, not for
    /// figures to publish.
    #[arg(long)]
    pub quick: bool,
    /// Where to write the report. Default: BENCHMARKS.md in the workspace.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Internal: run the command after `--` and write its peak RSS to FILE.
    #[arg(long, hide = true, value_name = "FILE")]
    pub rusage_to: Option<PathBuf>,
    /// Internal: the command for `--rusage-to`.
    #[arg(last = true, hide = true)]
    pub command: Vec<String>,
}

/// Runs `cargo xtask bench`.
pub fn run(args: &BenchArgs) -> ExitCode {
    if let Some(report) = &args.rusage_to {
        return rusage_wrapper(report, &args.command);
    }
    if cfg!(debug_assertions) {
        return rerun_in_release();
    }
    match bench(args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `cargo run --release -p xtask -- <the same arguments>`.
fn rerun_in_release() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    eprintln!("note: benchmarks need a release build; running `cargo run --release -p xtask -- bench ...`");
    let status = Command::new(cargo_program())
        .args(["run", "--release", "--package", "xtask", "--"])
        .args(&args)
        .current_dir(codegen::workspace_root())
        .status();
    match status {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: cannot run cargo: {e}");
            ExitCode::FAILURE
        }
    }
}

fn cargo_program() -> OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Everything measured, section by section; a section that failed holds
/// its error.
struct Report {
    machine: Machine,
    spec: PathBuf,
    spec_bytes: usize,
    generator: Result<GeneratorFigures, String>,
    peak: Result<Measured, String>,
    sizes: Vec<(String, Result<Size, String>)>,
    compile: Result<CompileFigures, String>,
    runtime: Result<BTreeMap<String, Value>, String>,
    quick: bool,
    elapsed: Duration,
    rss_method: &'static str,
}

fn bench(args: &BenchArgs) -> Result<bool, String> {
    let started = Instant::now();
    let root = codegen::workspace_root();
    let spec = args.spec.clone().unwrap_or_else(scaffold::default_official_spec);
    let spec = spec.canonicalize().map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let bytes = std::fs::read(&spec).map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let (runs, compile_runs) = if args.quick { (3, 1) } else { (args.runs.max(1), args.compile_runs.max(1)) };
    let bench_dir = root.join("target/bench");
    std::fs::create_dir_all(&bench_dir).map_err(|e| format!("cannot create {}: {e}", bench_dir.display()))?;
    let machine = Machine::read();
    let rss = RssMethod::detect(&bench_dir);

    step(&format!("generator: {} runs on {}", runs, spec.display()));
    let source = spec.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    let generator = bench_generator(&bytes, &source, runs).map_err(|e| e.to_string());
    if let Ok(g) = &generator {
        eprintln!("generator: {:.0} ms a run (median)", ms(g.total));
    }

    step("generator peak memory: one `xtask codegen` child process");
    let peak = generator_peak(&rss, &spec, &bench_dir);
    if let Ok(p) = &peak {
        eprintln!("codegen: {:.0} ms, peak RSS {}", ms(p.wall), mib(p.peak_kb));
    }

    step("size of the output");
    let full = codegen::generate_bytes(&bytes, &source);
    let committed = codegen::generate(&codegen::default_spec());
    let sizes = vec![
        ("spec/vercel.yaml".to_string(), committed.as_ref().map(Size::of).map_err(ToString::to_string)),
        (display_spec(&spec), full.as_ref().map(Size::of).map_err(ToString::to_string)),
    ];

    step(&format!("compile cost of the full-spec crate: {compile_runs} timed run(s) per command"));
    let compile = match &full {
        Ok(generated) => bench_compile(&rss, generated, &bench_dir, compile_runs),
        Err(e) => Err(format!("the spec does not generate: {e}")),
    };

    step("runtime: cargo bench -p vercel-api --bench overhead --bench decode");
    let runtime = bench_runtime(&root, args.quick);

    let report = Report {
        machine: Machine { load_end: load_average(), ..machine },
        spec: spec.clone(),
        spec_bytes: bytes.len(),
        generator,
        peak,
        sizes,
        compile,
        runtime,
        quick: args.quick,
        elapsed: started.elapsed(),
        rss_method: rss.describe(),
    };
    let ok = report.generator.is_ok()
        && report.peak.is_ok()
        && report.sizes.iter().all(|(_, s)| s.is_ok())
        && report.compile.is_ok()
        && report.runtime.is_ok();
    let out = args.out.clone().unwrap_or_else(|| root.join("BENCHMARKS.md"));
    std::fs::write(&out, render(&report)).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    eprintln!("\nwrote {} ({:.1} min)", out.display(), report.elapsed.as_secs_f64() / 60.0);
    if !ok {
        eprintln!("error: some measurements failed; see {}", out.display());
    }
    Ok(ok)
}

fn step(what: &str) {
    eprintln!("\n==> {what}");
}

/// The spec's path relative to the workspace when it can be.
fn display_spec(spec: &Path) -> String {
    let root = codegen::workspace_root();
    let root = root.canonicalize().unwrap_or(root);
    if let Some(parent) = root.parent() {
        if let Ok(rel) = spec.strip_prefix(parent) {
            return format!("../{}", rel.display());
        }
    }
    spec.display().to_string()
}

// ---------------------------------------------------------------- generator

/// Stages as they are timed, in pipeline order.
const STAGES: [&str; 7] = ["load", "resolve", "lower", "names", "emit types", "emit operations", "format"];

/// How the stages are grouped in the report: name, what it covers, and the
/// indexes into [`STAGES`].
const GROUPS: [(&str, &str, &[usize]); 4] = [
    ("parse", "`load`: YAML/JSON into `openapiv3`", &[0]),
    ("model", "`resolve::check_refs`, `lower`, `names`", &[1, 2, 3]),
    ("emit", "`emit_types`, `emit_ops` (token streams)", &[4, 5]),
    ("format", "`format`: `syn` parse + `prettyplease`", &[6]),
];

struct GeneratorFigures {
    runs: usize,
    /// Per run, the time of each of [`STAGES`].
    stages: Vec<[Duration; STAGES.len()]>,
    /// The sum of the medians of the stage groups ([`GROUPS`]).
    total: Duration,
    /// Per run, `generate_bytes` end to end.
    end_to_end: Vec<Duration>,
    /// Files where the staged pipeline and `generate_bytes` differ.
    mismatched: Vec<String>,
}

impl GeneratorFigures {
    /// Per run, the time of the stages at `indexes` together.
    fn times_of(&self, indexes: &[usize]) -> Vec<Duration> {
        self.stages.iter().map(|run| indexes.iter().map(|&i| run[i]).sum()).collect()
    }

    fn median_of(&self, indexes: &[usize]) -> Duration {
        median(self.times_of(indexes))
    }

    fn fastest_of(&self, indexes: &[usize]) -> Duration {
        self.times_of(indexes).into_iter().min().unwrap_or_default()
    }
}

/// The pipeline of [`codegen::generate_bytes`], one timed stage at a time
/// (`mod.rs`, a few lines of `mod` items, is left out).
fn staged(bytes: &[u8], source: &str) -> Result<([Duration; STAGES.len()], BTreeMap<String, String>), SpecError> {
    let mut times = [Duration::ZERO; STAGES.len()];
    let mut clock = Instant::now();
    let mut lap = |stage: usize| {
        times[stage] = clock.elapsed();
        clock = Instant::now();
    };
    let loaded = load::load_bytes(bytes)?;
    lap(0);
    resolve::check_refs(&loaded.raw)?;
    lap(1);
    let mut api = lower::lower(&loaded)?;
    lap(2);
    names::name(&mut api);
    lap(3);
    let types = emit_types::emit_types(&api);
    lap(4);
    let operations = emit_ops::emit_operation_types(&api);
    let modules: Vec<(String, TokenStream, String)> = emit_ops::by_module(&api)
        .iter()
        .map(|(module, ops)| {
            (format!("{module}.rs"), emit_ops::emit_module(&api, ops), format!("Operations tagged `{module}`."))
        })
        .collect();
    lap(5);
    let mut files = BTreeMap::new();
    files.insert("types.rs".to_string(), format::format(types, source, "Types of the API's schemas.")?);
    files.insert(
        "operations.rs".to_string(),
        format::format(operations, source, "Parameter structs and response enums of the operations.")?,
    );
    for (name, tokens, doc) in modules {
        files.insert(name, format::format(tokens, source, &doc)?);
    }
    lap(6);
    Ok((times, files))
}

fn bench_generator(bytes: &[u8], source: &str, runs: usize) -> Result<GeneratorFigures, SpecError> {
    // One of each first: page faults, allocator growth, lazy statics.
    let (_, staged_files) = staged(bytes, source)?;
    let reference = codegen::generate_bytes(bytes, source)?;
    let mut mismatched: Vec<String> = reference
        .files
        .iter()
        .filter(|(name, text)| name.as_str() != "mod.rs" && staged_files.get(*name) != Some(*text))
        .map(|(name, _)| name.clone())
        .collect();
    mismatched.extend(staged_files.keys().filter(|n| !reference.files.contains_key(*n)).cloned());
    drop(reference);
    if !mismatched.is_empty() {
        eprintln!("warning: the staged pipeline differs from generate_bytes in {}", mismatched.join(", "));
    }
    let mut stages = Vec::with_capacity(runs);
    let mut end_to_end = Vec::with_capacity(runs);
    for run in 0..runs {
        let (times, files) = staged(bytes, source)?;
        drop(files);
        stages.push(times);
        let start = Instant::now();
        let generated = codegen::generate_bytes(bytes, source)?;
        end_to_end.push(start.elapsed());
        drop(generated);
        eprintln!(
            "  run {}: staged {:.0} ms, generate_bytes {:.0} ms",
            run + 1,
            ms(times.iter().sum()),
            ms(end_to_end[run])
        );
    }
    let mut figures = GeneratorFigures { runs, stages, total: Duration::ZERO, end_to_end, mismatched };
    figures.total = GROUPS.iter().map(|(_, _, indexes)| figures.median_of(indexes)).sum();
    Ok(figures)
}

/// One `xtask codegen --spec SPEC --out target/bench/generated` child: the
/// generator as users run it, files written.
fn generator_peak(rss: &RssMethod, spec: &Path, bench_dir: &Path) -> Result<Measured, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find the xtask binary: {e}"))?;
    let mut cmd = Command::new(exe);
    cmd.arg("codegen").arg("--spec").arg(spec).arg("--out").arg(bench_dir.join("generated"));
    rss.measure(&cmd, bench_dir)
}

// --------------------------------------------------------------------- size

struct Size {
    operations: usize,
    types: usize,
    files: usize,
    lines: usize,
    bytes: usize,
    warnings: usize,
}

impl Size {
    fn of(generated: &Generated) -> Size {
        Size {
            operations: generated.api.ops.len(),
            types: generated.api.types.len(),
            files: generated.files.len(),
            lines: generated.files.values().map(|f| f.lines().count()).sum(),
            bytes: generated.files.values().map(String::len).sum(),
            warnings: generated.api.warnings.len(),
        }
    }
}

// ------------------------------------------------------------- compile cost

struct CompileFigures {
    dir: PathBuf,
    target: PathBuf,
    /// Wall time of the untimed first build of each variant.
    warm_up: Duration,
    variants: Vec<Variant>,
    /// `None`: the crate has no feature per API area; else the area measured.
    area: Option<String>,
    features: Vec<String>,
}

/// One cargo command line and its timed runs.
struct Variant {
    line: String,
    args: Vec<String>,
    runs: Vec<Measured>,
    /// Why it was not measured (it does not build).
    failed: Option<String>,
}

fn bench_compile(
    rss: &RssMethod,
    generated: &Generated,
    bench_dir: &Path,
    runs: usize,
) -> Result<CompileFigures, String> {
    let dir = bench_dir.join("fullspec");
    let target = bench_dir.join("target");
    let options = scaffold::Options { crate_tests: false, ..scaffold::Options::default() };
    scaffold::scaffold_with(&dir, &generated.files, &options)
        .map_err(|e| format!("cannot scaffold {}: {e}", dir.display()))?;
    let manifest: toml::Table = std::fs::read_to_string(dir.join("Cargo.toml"))
        .map_err(|e| e.to_string())
        .and_then(|m| m.parse().map_err(|e: toml::de::Error| e.to_string()))?;
    let features: Vec<String> = manifest
        .get("features")
        .and_then(toml::Value::as_table)
        .map(|t| t.keys().cloned().collect())
        .unwrap_or_default();
    // A feature per API area is named after the area's module.
    let modules: Vec<&str> = generated
        .files
        .keys()
        .filter_map(|f| f.strip_suffix(".rs"))
        .filter(|m| !["mod", "types", "operations"].contains(m))
        .collect();
    let areas: Vec<&String> = features.iter().filter(|f| modules.contains(&f.replace('-', "_").as_str())).collect();
    let area = areas.iter().find(|a| a.as_str() == "webhooks").or(areas.first()).map(|a| a.to_string());

    let mut arg_lists: Vec<Vec<String>> = vec![vec!["check".into()], vec!["build".into()]];
    if let Some(area) = &area {
        for cmd in ["check", "build"] {
            arg_lists.push(vec![cmd.into(), "--no-default-features".into(), "--features".into(), area.clone()]);
        }
    }
    let mut variants: Vec<Variant> = arg_lists
        .into_iter()
        .map(|args| Variant { line: format!("cargo {}", args.join(" ")), args, runs: Vec::new(), failed: None })
        .collect();
    let cargo = |args: &[String]| {
        let mut cmd = scaffold::cargo(&dir, &[]);
        cmd.args(args).env("CARGO_TARGET_DIR", &target);
        cmd
    };

    // Dependencies (and the crate) built once, untimed.
    let start = Instant::now();
    for (i, variant) in variants.iter_mut().enumerate() {
        eprintln!("$ {} (warm-up; builds the dependencies the first time, minutes)", variant.line);
        let output = cargo(&variant.args).output().map_err(|e| format!("cannot run cargo: {e}"))?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let mut errors: Vec<&str> = Vec::new();
            for line in stderr.lines().filter(|l| l.starts_with("error[")) {
                if !errors.contains(&line) {
                    errors.push(line);
                }
            }
            if errors.is_empty() {
                errors.extend(stderr.lines().rev().find(|l| !l.trim().is_empty()));
            }
            eprintln!("{stderr}");
            if i < 2 {
                return Err(format!("`{}` failed in {}: {}", variant.line, dir.display(), errors.join("; ")));
            }
            variant.failed = Some(errors.join("; "));
        }
    }
    let warm_up = start.elapsed();

    let lib = dir.join("src/lib.rs");
    for run in 0..runs {
        for variant in variants.iter_mut().filter(|v| v.failed.is_none()) {
            std::fs::File::options()
                .write(true)
                .open(&lib)
                .and_then(|f| f.set_modified(SystemTime::now()))
                .map_err(|e| format!("cannot touch {}: {e}", lib.display()))?;
            let m = rss.measure(&cargo(&variant.args), bench_dir)?;
            if !m.output.contains("vercel-api") {
                eprintln!("warning: `{}` did not seem to rebuild vercel-api:\n{}", variant.line, m.output);
            }
            eprintln!(
                "  run {}: {}: {:.1} s, peak RSS {}",
                run + 1,
                variant.line,
                m.wall.as_secs_f64(),
                mib(m.peak_kb)
            );
            variant.runs.push(m);
        }
    }
    Ok(CompileFigures { dir, target, warm_up, variants, area, features })
}

// ------------------------------------------------------------------ runtime

/// Runs the runtime benches; bench name -> its JSON summary.
fn bench_runtime(root: &Path, quick: bool) -> Result<BTreeMap<String, Value>, String> {
    let mut cmd = Command::new(cargo_program());
    cmd.args(["bench", "--package", "vercel-api", "--bench", "overhead", "--bench", "decode", "--", "--json"]);
    if quick {
        cmd.arg("--quick");
    }
    let output = cmd
        .current_dir(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !output.status.success() {
        return Err("`cargo bench -p vercel-api` failed".into());
    }
    let mut out = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines().filter(|l| l.starts_with('{')) {
        let value: Value = serde_json::from_str(line).map_err(|e| format!("bench output is not JSON: {e}: {line}"))?;
        if let Some(name) = value["bench"].as_str() {
            out.insert(name.to_string(), value);
        }
    }
    for name in ["overhead", "decode"] {
        if !out.contains_key(name) {
            return Err(format!("the `{name}` bench printed no JSON summary"));
        }
    }
    Ok(out)
}

// ------------------------------------------------------------- peak memory

/// A command's wall time, peak RSS (with its descendants) and output.
struct Measured {
    wall: Duration,
    peak_kb: Option<u64>,
    output: String,
}

enum RssMethod {
    GnuTime,
    Wrapper,
}

const MAXRSS_LINE: &str = "Maximum resident set size (kbytes):";

impl RssMethod {
    /// GNU time if `/usr/bin/time -v` works and reports the peak RSS.
    fn detect(bench_dir: &Path) -> RssMethod {
        let report = bench_dir.join("rusage-probe.txt");
        let works = Command::new("/usr/bin/time")
            .arg("-v")
            .arg("-o")
            .arg(&report)
            .arg("true")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
            && read_peak(&report).is_some();
        if works {
            RssMethod::GnuTime
        } else {
            RssMethod::Wrapper
        }
    }

    fn describe(&self) -> &'static str {
        match self {
            RssMethod::GnuTime => "GNU `/usr/bin/time -v` (maximum resident set size of the command and its children)",
            RssMethod::Wrapper => {
                "`getrusage(RUSAGE_CHILDREN)` in a wrapper process (maximum resident set size of the command and its children)"
            }
        }
    }

    /// Runs `cmd` (its program, arguments, directory and environment)
    /// under the method, capturing its output.
    fn measure(&self, cmd: &Command, bench_dir: &Path) -> Result<Measured, String> {
        let report = bench_dir.join("rusage.txt");
        let _ = std::fs::remove_file(&report);
        let mut wrapped = match self {
            RssMethod::GnuTime => {
                let mut w = Command::new("/usr/bin/time");
                w.arg("-v").arg("-o").arg(&report);
                w
            }
            RssMethod::Wrapper => {
                let exe = std::env::current_exe().map_err(|e| format!("cannot find the xtask binary: {e}"))?;
                let mut w = Command::new(exe);
                w.arg("bench").arg("--rusage-to").arg(&report).arg("--");
                w
            }
        };
        wrapped.arg(cmd.get_program()).args(cmd.get_args());
        if let Some(dir) = cmd.get_current_dir() {
            wrapped.current_dir(dir);
        }
        for (key, value) in cmd.get_envs() {
            match value {
                Some(v) => wrapped.env(key, v),
                None => wrapped.env_remove(key),
            };
        }
        let shown = format!("{} {}", cmd.get_program().to_string_lossy(), join(cmd.get_args()));
        let start = Instant::now();
        let output = wrapped.output().map_err(|e| format!("cannot run `{shown}`: {e}"))?;
        let wall = start.elapsed();
        let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        if !output.status.success() {
            return Err(format!("`{shown}` failed:\n{text}"));
        }
        Ok(Measured { wall, peak_kb: read_peak(&report), output: text })
    }
}

fn join<'a>(args: impl Iterator<Item = &'a std::ffi::OsStr>) -> String {
    args.map(|a| a.to_string_lossy().into_owned()).collect::<Vec<_>>().join(" ")
}

fn read_peak(report: &Path) -> Option<u64> {
    let text = std::fs::read_to_string(report).ok()?;
    text.lines().find_map(|l| l.trim().strip_prefix(MAXRSS_LINE)).and_then(|n| n.trim().parse().ok())
}

/// `xtask bench --rusage-to FILE -- CMD…`: runs CMD, then writes the peak
/// RSS of its process tree to FILE in GNU time's words.
fn rusage_wrapper(report: &Path, command: &[String]) -> ExitCode {
    let Some((program, args)) = command.split_first() else {
        eprintln!("error: --rusage-to needs a command after `--`");
        return ExitCode::FAILURE;
    };
    let status = match Command::new(program).args(args).status() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot run {program}: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(kb) = children_peak_rss_kb() {
        if let Err(e) = std::fs::write(report, format!("{MAXRSS_LINE} {kb}\n")) {
            eprintln!("error: cannot write {}: {e}", report.display());
        }
    }
    if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The largest peak RSS (KiB) among the waited-for descendants of this
/// process.
#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
fn children_peak_rss_kb() -> Option<u64> {
    /// `struct rusage` on 64-bit Linux: two `struct timeval`s, then 14
    /// `long`s of which `ru_maxrss` (KiB) is the first.
    #[repr(C)]
    struct RUsage {
        times: [i64; 4],
        maxrss: i64,
        rest: [i64; 13],
    }
    const RUSAGE_CHILDREN: i32 = -1;
    unsafe extern "C" {
        fn getrusage(who: i32, usage: *mut RUsage) -> i32;
    }
    let mut usage = RUsage { times: [0; 4], maxrss: 0, rest: [0; 13] };
    // SAFETY: `usage` is a writable `struct rusage` of this platform's layout.
    let rc = unsafe { getrusage(RUSAGE_CHILDREN, &mut usage) };
    (rc == 0).then(|| u64::try_from(usage.maxrss).unwrap_or(0))
}

#[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
fn children_peak_rss_kb() -> Option<u64> {
    None
}

// ------------------------------------------------------------------ machine

struct Machine {
    nproc: usize,
    memory: String,
    cpu: String,
    rustc: String,
    date: String,
    commit: String,
    load_start: String,
    load_end: String,
}

impl Machine {
    fn read() -> Machine {
        let nproc = std::thread::available_parallelism().map(usize::from).unwrap_or(1);
        let memory = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|m| {
                m.lines()
                    .find_map(|l| l.strip_prefix("MemTotal:"))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            })
            .map_or_else(|| "unknown".to_string(), |kb| format!("{:.1} GiB", kb / 1024.0 / 1024.0));
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|c| {
                c.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split_once(':'))
                    .map(|(_, v)| v.trim().to_string())
            })
            .unwrap_or_else(|| "unknown".into());
        let rustc = command_line("rustc", &["-V"]).unwrap_or_else(|| "unknown".into());
        let commit = match command_line("git", &["rev-parse", "--short", "HEAD"]) {
            Some(hash) => {
                let dirty = Command::new("git")
                    .args(["status", "--porcelain", "--untracked-files=no"])
                    .current_dir(codegen::workspace_root())
                    .output()
                    .is_ok_and(|o| !o.stdout.is_empty());
                if dirty {
                    format!("{hash} with uncommitted changes")
                } else {
                    hash
                }
            }
            None => "unknown".into(),
        };
        Machine {
            nproc,
            memory,
            cpu,
            rustc,
            date: utc_now(),
            commit,
            load_start: load_average(),
            load_end: String::new(),
        }
    }
}

fn command_line(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).current_dir(codegen::workspace_root()).output().ok()?;
    output.status.success().then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// The 1-, 5- and 15-minute load averages.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// `YYYY-MM-DD HH:MM UTC`.
fn utc_now() -> String {
    let secs = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let (hour, minute) = ((secs % 86_400) / 3600, (secs % 3600) / 60);
    // Days since 1970-01-01 to a civil date (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02} UTC")
}

// ------------------------------------------------------------------ numbers

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort_unstable();
    values.get(values.len() / 2).copied().unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn mib(kb: Option<u64>) -> String {
    kb.map_or_else(|| "n/a".into(), |kb| format!("{:.0} MiB", kb as f64 / 1024.0))
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

// ------------------------------------------------------------------- report

fn render(r: &Report) -> String {
    let mut md = String::new();
    let m = &r.machine;
    let _ = writeln!(md, "# Benchmarks\n");
    let _ = writeln!(
        md,
        "Written by `cargo xtask bench` on {} (commit {}); the whole run took {:.1} min.{} \
         Figures are from one machine and one run: compare the ratios, which are measured side by side, \
         more than the absolute times. Nothing here is asserted by a test.\n",
        m.date,
        m.commit,
        r.elapsed.as_secs_f64() / 60.0,
        if r.quick { " **Quick run (`--quick`): fewer runs and requests, rough figures.**" } else { "" },
    );
    render_summary(&mut md, r);
    let _ = writeln!(md, "## Machine\n");
    let _ = writeln!(md, "| | |\n|---|---|");
    let _ = writeln!(md, "| CPU | {} |", m.cpu);
    let _ = writeln!(md, "| Cores (`nproc`) | {} |", m.nproc);
    let _ = writeln!(md, "| Memory | {} |", m.memory);
    let _ = writeln!(md, "| Compiler | `{}` |", m.rustc);
    let _ = writeln!(md, "| Load average (1, 5, 15 min) | {} at the start, {} at the end |", m.load_start, m.load_end);
    let _ = writeln!(md, "| Peak RSS measured with | {} |\n", r.rss_method);

    let _ = writeln!(md, "## How to rerun\n");
    let _ = writeln!(
        md,
        "```sh\n\
         cargo xtask bench                  # everything; rebuilds xtask in release and re-runs itself\n\
         cargo run --release -p xtask -- bench --runs 7 --compile-runs 3 --spec ../shared/specs/vercel-2025-10-27.json\n\
         cargo xtask bench --quick          # a smoke run: fewer runs and requests, rough figures\n\
         cargo bench -p vercel-api --bench overhead   # the per-request overhead alone\n\
         cargo bench -p vercel-api --bench decode     # the decoding throughput alone\n\
         ```\n"
    );
    let _ = writeln!(
        md,
        "The first run also builds the release profile of the workspace and the dependencies of the \
         full-spec crate (in `target/bench/target`); later runs reuse them. The report is written to \
         `BENCHMARKS.md` (`--out` to change it).\n"
    );

    render_generator(&mut md, r);
    render_sizes(&mut md, r);
    render_compile(&mut md, r);
    render_runtime(&mut md, r);
    md
}

/// The headline figures, one line each.
fn render_summary(md: &mut String, r: &Report) {
    let _ = writeln!(md, "## At a glance\n");
    if let (Ok(g), Ok(p)) = (&r.generator, &r.peak) {
        let _ = writeln!(
            md,
            "- Generator, full official spec: **{:.0} ms** (median, release), **{}** peak RSS.",
            ms(g.total),
            mib(p.peak_kb)
        );
    }
    if let Ok(c) = &r.compile {
        let figures: Vec<String> = c
            .variants
            .iter()
            .take(2)
            .filter(|v| v.failed.is_none())
            .map(|v| {
                let walls = v.runs.iter().map(|m| m.wall).collect();
                let peak = v.runs.iter().filter_map(|m| m.peak_kb).max();
                format!("`{}` **{:.1} s** ({})", v.line, median(walls).as_secs_f64(), mib(peak))
            })
            .collect();
        let _ = writeln!(md, "- Full-spec crate, rebuilding only itself: {}.", figures.join(", "));
    }
    if let Ok(rt) = &r.runtime {
        if let Some(o) = rt.get("overhead") {
            let _ = writeln!(
                md,
                "- Per request against a local server: **{:.3}×** the time of a hand-written reqwest + serde_json \
                 call ({:.1} µs against {:.1} µs; target ≤ 1.05×).",
                num(&o["ratio"]),
                num(&o["ours"]["median_us"]),
                num(&o["baseline"]["median_us"])
            );
        }
        if let Some(body) = rt.get("decode").and_then(|d| d["bodies"].get(0)) {
            let rows: Vec<&Value> = body["results"].as_array().map(|a| a.iter().collect()).unwrap_or_default();
            let speed = |name: &str| rows.iter().find(|r| r["name"] == name).map_or(f64::NAN, |r| num(&r["mb_per_s"]));
            let _ = writeln!(
                md,
                "- Decoding 1,000 webhooks (fastest round): generated types {:.0} MB/s ({:.0} MB/s as the client decodes), \
                 hand-written struct {:.0} MB/s, `serde_json::Value` {:.0} MB/s.",
                speed("generated (serde_json::from_slice)"),
                speed("generated, as the client decodes"),
                speed("hand-written struct"),
                speed("serde_json::Value"),
            );
        }
    }
    let _ = writeln!(md);
}

fn render_generator(md: &mut String, r: &Report) {
    let _ = writeln!(md, "## Generator on the full official spec\n");
    let _ = writeln!(
        md,
        "`{}` ({:.1} MB), release build. Each stage of `xtask::codegen` is called directly, in the order of \
         `generate_bytes`.\n",
        display_spec(&r.spec),
        r.spec_bytes as f64 / 1e6
    );
    match &r.generator {
        Err(e) => {
            let _ = writeln!(md, "Not measured: {e}\n");
        }
        Ok(g) => {
            let _ = writeln!(
                md,
                "Median and fastest of {} runs (after one untimed run); the fastest run is the one the \
                 rest of the machine disturbed least:\n",
                g.runs
            );
            let _ = writeln!(md, "| Stage | What | Median | Fastest | Share |\n|---|---|---:|---:|---:|");
            for (name, what, indexes) in GROUPS {
                let t = g.median_of(indexes);
                let _ = writeln!(
                    md,
                    "| {name} | {what} | {:.1} ms | {:.1} ms | {:.0} % |",
                    ms(t),
                    ms(g.fastest_of(indexes)),
                    100.0 * t.as_secs_f64() / g.total.as_secs_f64()
                );
                if indexes.len() > 1 {
                    for &i in indexes {
                        let _ = writeln!(
                            md,
                            "| | — {} | {:.1} ms | {:.1} ms | |",
                            STAGES[i],
                            ms(g.median_of(&[i])),
                            ms(g.fastest_of(&[i]))
                        );
                    }
                }
            }
            let _ = writeln!(
                md,
                "| **total** | sum of the four | **{:.1} ms** | {:.1} ms | 100 % |",
                ms(g.total),
                ms(g.fastest_of(&[0, 1, 2, 3, 4, 5, 6]))
            );
            let _ = writeln!(
                md,
                "| `generate_bytes` | end to end, with `mod.rs` and dropping the model | {:.1} ms | {:.1} ms | |\n",
                ms(median(g.end_to_end.clone())),
                ms(g.end_to_end.iter().min().copied().unwrap_or_default())
            );
            if !g.mismatched.is_empty() {
                let _ = writeln!(
                    md,
                    "**Warning**: the staged pipeline no longer produces what `generate_bytes` does ({}); \
                     update `xtask/src/bench.rs`.\n",
                    g.mismatched.join(", ")
                );
            }
        }
    }
    match &r.peak {
        Ok(p) => {
            let _ = writeln!(
                md,
                "Peak memory: **{}** peak RSS for one `xtask codegen --spec {} --out target/bench/generated` \
                 (release binary, a child process: reading the spec, generating, writing the files), \
                 which took {:.0} ms.\n",
                mib(p.peak_kb),
                display_spec(&r.spec),
                ms(p.wall)
            );
        }
        Err(e) => {
            let _ = writeln!(md, "Peak memory not measured: {e}\n");
        }
    }
}

fn render_sizes(md: &mut String, r: &Report) {
    let _ = writeln!(md, "## What the generator emits\n");
    let _ = writeln!(
        md,
        "| Spec | Operations | Types | Files | Lines | Bytes | Spec warnings |\n|---|---:|---:|---:|---:|---:|---:|"
    );
    for (name, size) in &r.sizes {
        match size {
            Ok(s) => {
                let _ = writeln!(
                    md,
                    "| `{name}` | {} | {} | {} | {} | {} | {} |",
                    thousands(s.operations),
                    thousands(s.types),
                    s.files,
                    thousands(s.lines),
                    thousands(s.bytes),
                    s.warnings
                );
            }
            Err(e) => {
                let _ = writeln!(md, "| `{name}` | does not generate: {e} | | | | | |");
            }
        }
    }
    if let [(_, Ok(small)), (_, Ok(full))] = r.sizes.as_slice() {
        let _ = writeln!(
            md,
            "\nThe full spec has {:.0}× the operations and gives {:.0}× the lines ({:.0} lines an operation, \
             against {:.0} for `spec/vercel.yaml`).",
            full.operations as f64 / small.operations.max(1) as f64,
            full.lines as f64 / small.lines.max(1) as f64,
            full.lines as f64 / full.operations.max(1) as f64,
            small.lines as f64 / small.operations.max(1) as f64,
        );
    }
    let _ = writeln!(md);
}

fn render_compile(md: &mut String, r: &Report) {
    let _ = writeln!(md, "## Compile cost of the full-spec crate\n");
    let c = match &r.compile {
        Ok(c) => c,
        Err(e) => {
            let _ = writeln!(md, "Not measured: {e}\n");
            return;
        }
    };
    let root = codegen::workspace_root();
    let rel = |p: &Path| p.strip_prefix(&root).unwrap_or(p).display().to_string();
    let _ = writeln!(
        md,
        "The crate is `crates/vercel-api` around the code generated from the full spec, scaffolded into `{}` \
         (without `tests/`), with its own target directory `{}`. Its dependencies are built first (untimed; \
         {:.0} s in this run). Each timed run touches `src/lib.rs`, so cargo rebuilds this crate alone. Peak RSS \
         is that of cargo with rustc.\n",
        rel(&c.dir),
        rel(&c.target),
        c.warm_up.as_secs_f64()
    );
    let _ = writeln!(md, "| Command | Wall, median | Min – max | Peak RSS, max | Runs |\n|---|---:|---:|---:|---:|");
    for variant in &c.variants {
        if let Some(why) = &variant.failed {
            let _ = writeln!(md, "| `{}` | does not compile: {} | | | |", variant.line, why.replace('|', "\\|"));
            continue;
        }
        let walls: Vec<Duration> = variant.runs.iter().map(|m| m.wall).collect();
        let min = walls.iter().min().copied().unwrap_or_default();
        let max = walls.iter().max().copied().unwrap_or_default();
        let peak = variant.runs.iter().filter_map(|m| m.peak_kb).max();
        let _ = writeln!(
            md,
            "| `{}` | {:.1} s | {:.1} – {:.1} s | {} | {} |",
            variant.line,
            median(walls).as_secs_f64(),
            min.as_secs_f64(),
            max.as_secs_f64(),
            mib(peak),
            variant.runs.len()
        );
    }
    match &c.area {
        Some(area) => {
            let _ = writeln!(
                md,
                "\nThe crate has a feature per API area: `--no-default-features --features {area}` compiles that \
                 area alone (and no TLS backend); the default features compile every area."
            );
        }
        None => {
            let _ = writeln!(
                md,
                "\nFeatures per API area: **not yet available** (the crate's features are {}).",
                c.features.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ")
            );
        }
    }
    let _ = writeln!(md);
}

fn render_runtime(md: &mut String, r: &Report) {
    let runtime = match &r.runtime {
        Ok(rt) => rt,
        Err(e) => {
            let _ = writeln!(md, "## Runtime\n\nNot measured: {e}\n");
            return;
        }
    };
    if let Some(o) = runtime.get("overhead") {
        let _ = writeln!(md, "## Per-request overhead\n");
        let _ = writeln!(
            md,
            "`crates/vercel-api/benches/overhead.rs`: a minimal local HTTP/1.1 server on 127.0.0.1 (one thread \
             of its own) answers `{}` with a canned {}-byte webhook. `client.get_webhook(..)` (default client \
             settings) and a hand-written `reqwest` + `serde_json` call (same URL and headers, \
             `reqwest::Client::new()`, `.json::<T>()`) take turns, in alternating order, {} requests each \
             in {} rounds; both decode into the same generated type, `{}`.\n",
            o["request"].as_str().unwrap_or_default(),
            o["body_bytes"],
            thousands(o["requests_per_client"].as_u64().unwrap_or(0) as usize),
            o["rounds"],
            o["decoded_as"].as_str().unwrap_or_default(),
        );
        let _ = writeln!(md, "| Client | Median | p10 | p90 | p99 |\n|---|---:|---:|---:|---:|");
        for (label, key) in [("vercel-api `get_webhook`", "ours"), ("hand-written reqwest + serde_json", "baseline")] {
            let s = &o[key];
            let _ = writeln!(
                md,
                "| {label} | {:.1} µs | {:.1} µs | {:.1} µs | {:.1} µs |",
                num(&s["median_us"]),
                num(&s["p10_us"]),
                num(&s["p90_us"]),
                num(&s["p99_us"])
            );
        }
        let ratio = num(&o["ratio"]);
        let rounds: Vec<String> = o["round_ratios"]
            .as_array()
            .map(|a| a.iter().map(|x| format!("{:.3}", num(x))).collect())
            .unwrap_or_default();
        let extra = num(&o["ours"]["median_us"]) - num(&o["baseline"]["median_us"]);
        let _ = writeln!(
            md,
            "\nRatio of the medians: **{ratio:.3}×** ({extra:+.1} µs a request; target ≤ 1.05×: {}). \
             Ratio per round: {}.\n",
            if ratio <= 1.05 { "met" } else { "**not met**" },
            rounds.join(", ")
        );
    }
    if let Some(d) = runtime.get("decode") {
        let _ = writeln!(md, "## Decoding a large response\n");
        let _ = writeln!(
            md,
            "`crates/vercel-api/benches/decode.rs`: {} webhooks as the body of `GET /v1/webhooks`, built from a \
             realistic template with varied values (fixed seed), decoded from bytes in memory; {} rounds, \
             each way in turn. MB/s is 10⁶ bytes of JSON a second in the fastest round, the one the rest of the \
             machine disturbed least (steadier than the median on a shared machine). \"Hand-written\" is a minimal struct \
             with the same fields (`String` for the enums, no map of unknown properties); \"as the client \
             decodes\" adds `serde_path_to_error`, which the client uses to name the failing field. The last two \
             rows are hand-written structs with one generated feature added each, to show where the time goes.\n",
            thousands(d["webhooks"].as_u64().unwrap_or(0) as usize),
            d["rounds"],
        );
        for body in d["bodies"].as_array().into_iter().flatten() {
            let _ = writeln!(
                md,
                "**{}** ({:.0} kB; the generated enum decodes it as `{}`):\n",
                body["body"].as_str().unwrap_or_default(),
                num(&body["bytes"]) / 1e3,
                body["generated_shape"].as_str().unwrap_or_default()
            );
            let _ = writeln!(
                md,
                "| Into | Median | Fastest | MB/s (fastest) | Time vs hand-written: fastest (median) |\n\
                 |---|---:|---:|---:|---:|"
            );
            for row in body["results"].as_array().into_iter().flatten() {
                let name = row["name"].as_str().unwrap_or_default();
                let name = if row["headline"].as_bool() == Some(false) { format!("*{name}*") } else { name.into() };
                let _ = writeln!(
                    md,
                    "| {name} | {:.2} ms | {:.2} ms | {:.0} | {:.2}× ({:.2}×) |",
                    num(&row["median_ms"]),
                    num(&row["fastest_ms"]),
                    num(&row["mb_per_s"]),
                    num(&row["time_vs_hand_written"]),
                    num(&row["time_vs_hand_written_median"])
                );
            }
            let _ = writeln!(md);
        }
    }
}
