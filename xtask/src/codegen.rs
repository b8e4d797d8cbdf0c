//! `cargo xtask codegen`: spec -> `crates/vercel-api/src/generated/`.
//!
//! The pipeline, one stage a file: [`load`] (YAML/JSON into `openapiv3`),
//! [`resolve`] (`$ref`s), [`lower`] (into the plain [`model`]), [`names`]
//! (every Rust name), [`emit_types`] and [`emit_ops`] (tokens), [`format`](mod@format)
//! (prettyplease). Everything is generated in memory first; the output tree
//! is replaced whole, or not at all.

pub mod docs;
pub mod emit_conformance;
pub mod emit_examples;
pub mod emit_ops;
pub mod emit_types;
pub mod format;
pub mod load;
pub mod lower;
pub mod model;
pub mod names;
pub mod resolve;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use quote::quote;

pub use load::SpecError;

/// The workspace root (where `Cargo.toml` of the workspace is).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// The committed spec.
pub fn default_spec() -> PathBuf {
    workspace_root().join("spec/vercel.yaml")
}

/// The committed output directory.
pub fn default_out() -> PathBuf {
    workspace_root().join("crates/vercel-api/src/generated")
}

/// What one generation produced.
pub struct Generated {
    /// File name (relative to the output directory) -> contents.
    pub files: BTreeMap<String, String>,
    pub api: model::Api,
}

/// Runs the pipeline on a spec file.
pub fn generate(spec: &Path) -> Result<Generated, SpecError> {
    let bytes = std::fs::read(spec).map_err(|e| SpecError::new("", format!("cannot read {}: {e}", spec.display())))?;
    generate_bytes(&bytes, &source_name(spec))
}

/// Runs the pipeline on spec bytes; `source` is named in each file's header.
pub fn generate_bytes(bytes: &[u8], source: &str) -> Result<Generated, SpecError> {
    // Specs nest deeply and reference in long chains, and the stages recurse:
    // they run on a thread with a large stack. A panic (a generator bug)
    // becomes an error instead of taking the caller down.
    let (bytes, source) = (bytes.to_vec(), source.to_string());
    let worker = std::thread::Builder::new()
        .name("codegen".into())
        .stack_size(512 << 20)
        .spawn(move || generate_on_this_thread(&bytes, &source))
        .map_err(|e| SpecError::new("", format!("cannot start the generator thread: {e}")))?;
    worker.join().unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        Err(SpecError::new("", format!("internal error in the generator (please report it): {what}")))
    })
}

fn generate_on_this_thread(bytes: &[u8], source: &str) -> Result<Generated, SpecError> {
    let loaded = load::load_bytes(bytes)?;
    resolve::check_refs(&loaded.raw)?;
    let mut api = lower::lower(&loaded)?;
    names::name(&mut api);
    let mut files = BTreeMap::new();
    let modules = emit_ops::by_module(&api);
    let mod_names: Vec<_> = modules.keys().map(|m| emit_types::ident(m)).collect();
    let module_docs: Vec<String> = modules.keys().map(|m| format!(" Operations tagged `{m}`.")).collect();
    let mod_features: Vec<&String> = modules.values().map(|ops| &ops[0].feature).collect();
    let root = quote! {
        #[doc = " The parameter structs, per-status response enums and typed error enums of the operations."]
        pub mod operations;
        #[doc = " The request and response types of the API operations."]
        pub mod types;
        #(#[doc = #module_docs] #[cfg(feature = #mod_features)] mod #mod_names;)*
    };
    files.insert(
        "mod.rs".to_string(),
        format::format(
            root,
            source,
            &format!("Generated from {source} ({}).", one_line(&format!("{} {}", api.title, api.version))),
        )?,
    );
    files.insert(
        "types.rs".to_string(),
        format::format(emit_types::emit_types(&api), source, "Types of the API's schemas.")?,
    );
    files.insert(
        "operations.rs".to_string(),
        format::format(
            emit_ops::emit_operation_types(&api),
            source,
            "Parameter structs and response enums of the operations.",
        )?,
    );
    for (module, ops) in &modules {
        let doc = format!("Operations tagged `{module}`.");
        files.insert(format!("{module}.rs"), format::format(emit_ops::emit_module(&api, ops), source, &doc)?);
    }
    Ok(Generated { files, api })
}

/// Text from the spec made safe for a `//!` line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn source_name(spec: &Path) -> String {
    let root = workspace_root();
    let abs = spec.canonicalize().unwrap_or_else(|_| spec.to_path_buf());
    match abs.strip_prefix(root.canonicalize().unwrap_or(root)) {
        Ok(rel) => rel.display().to_string(),
        Err(_) => spec.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default(),
    }
}

/// The examples test (`tests/examples.rs`) for a crate scaffolded around `generated`.
pub fn examples_test(generated: &Generated) -> Result<String, SpecError> {
    let file: syn::File = syn::parse2(emit_examples::emit_examples(&generated.api))
        .map_err(|e| SpecError::new("", format!("internal error: examples test does not parse: {e}")))?;
    Ok(prettyplease::unparse(&file))
}

/// The conformance test (`tests/conformance.rs`) for a crate scaffolded around
/// `generated`, which was generated from `spec`: every operation, with
/// arguments built from the spec, against the server at `VERCEL_API_URL`.
pub fn conformance_test(generated: &Generated, spec: &Path) -> Result<String, SpecError> {
    let bytes = std::fs::read(spec).map_err(|e| SpecError::new("", format!("cannot read {}: {e}", spec.display())))?;
    let raw = load::load_bytes(&bytes)?.raw;
    let file: syn::File = syn::parse2(emit_conformance::emit_conformance(&generated.api, &raw))
        .map_err(|e| SpecError::new("", format!("internal error: conformance test does not parse: {e}")))?;
    Ok(prettyplease::unparse(&file))
}

/// The marked block of `crates/vercel-api/Cargo.toml` that declares one
/// Cargo feature per API area (tag) of the spec, and `all-areas`.
pub const FEATURES_BEGIN: &str =
    "# BEGIN API areas (generated by `cargo xtask codegen`: one feature per tag of the spec)";
/// End of the marked block.
pub const FEATURES_END: &str = "# END API areas";

/// `manifest` with its API-area block listing `features`.
pub fn with_features(manifest: &str, features: &std::collections::BTreeSet<String>) -> Result<String, String> {
    let (Some(begin), Some(end)) = (manifest.find(FEATURES_BEGIN), manifest.find(FEATURES_END)) else {
        return Err(format!("the manifest has no `{FEATURES_BEGIN}` ... `{FEATURES_END}` block in [features]"));
    };
    let list: Vec<String> = features.iter().map(|f| format!("{f:?}")).collect();
    let mut block = format!("{FEATURES_BEGIN}\n## Every API area.\nall-areas = [{}]\n", list.join(", "));
    for f in features {
        block.push_str(&format!("{f} = []\n"));
    }
    Ok(format!("{}{block}{}", &manifest[..begin], &manifest[end..]))
}

/// The crate manifest, if its API-area block differs from `generated`'s areas:
/// `Some(new text)` to write; `None` when up to date.
pub fn manifest_update(generated: &Generated) -> Result<Option<String>, String> {
    let path = workspace_root().join("crates/vercel-api/Cargo.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let new = with_features(&text, &emit_types::all_features(&generated.api))?;
    Ok((new != text).then_some(new))
}

/// Files under `out` that differ from `files` (changed, missing or extra).
pub fn stale(files: &BTreeMap<String, String>, out: &Path) -> Vec<String> {
    let mut stale = Vec::new();
    for (name, text) in files {
        if std::fs::read_to_string(out.join(name)).ok().as_deref() != Some(text.as_str()) {
            stale.push(name.clone());
        }
    }
    if let Ok(entries) = std::fs::read_dir(out) {
        let mut extra: Vec<String> = entries
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".rs") && !files.contains_key(n))
            .collect();
        extra.sort();
        stale.extend(extra);
    }
    stale
}

/// Replaces `out` with exactly `files`: written to a sibling folder first,
/// then swapped in, so a failure never leaves a half-written tree.
pub fn write(files: &BTreeMap<String, String>, out: &Path) -> std::io::Result<()> {
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "generated".into());
    let tmp = out.with_file_name(format!(".{name}.codegen-tmp"));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp)?;
    for (name, text) in files {
        std::fs::write(tmp.join(name), text)?;
    }
    if out.exists() {
        std::fs::remove_dir_all(out)?;
    }
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::rename(&tmp, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed output matches the committed spec. On drift this test
    /// rewrites the files and fails, so the fix is to commit the result
    /// (or run `cargo xtask codegen`).
    #[test]
    fn generated_code_is_fresh() {
        let generated = generate(&default_spec()).unwrap_or_else(|e| panic!("{e}"));
        let mut stale = stale(&generated.files, &default_out());
        if let Some(manifest) = manifest_update(&generated).unwrap_or_else(|e| panic!("{e}")) {
            std::fs::write(workspace_root().join("crates/vercel-api/Cargo.toml"), manifest).expect("write manifest");
            stale.push("crates/vercel-api/Cargo.toml".into());
        }
        if !stale.is_empty() {
            write(&generated.files, &default_out()).expect("write generated code");
            panic!("generated code was stale and has been updated: {stale:?}; run `cargo xtask codegen` and commit");
        }
    }

    #[test]
    fn generation_is_deterministic() {
        let a = generate(&default_spec()).unwrap_or_else(|e| panic!("{e}"));
        let b = generate(&default_spec()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.files, b.files);
    }
}
