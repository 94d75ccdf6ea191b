//! Helpers shared by the codegen integration tests.

use std::path::{Path, PathBuf};

use codegen::error::SpecErrors;
use codegen::load::{load_str, LoadedSpec};

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("codegen lives in the repository root")
        .to_path_buf()
}

/// A committed spec (`specs/<vendor>/<service>.yaml`), loaded.
pub fn committed(vendor: &str, service: &str) -> LoadedSpec {
    codegen::load::load_file(
        &repo_root(),
        Path::new(&format!("specs/{vendor}/{service}.yaml")),
    )
    .expect("the committed spec loads")
}

/// A valid Tencent spec (the README's complete example), as `specs/tencent/mongodb.yaml`.
pub const TENCENT: &str = include_str!("../../specs/tencent-mongodb.yaml");
/// A valid Huawei spec, as `specs/huawei/geminidb.yaml`.
pub const HUAWEI: &str = include_str!("../../specs/huawei-geminidb.yaml");

/// Loads and validates `source` as if it were `file`.
pub fn check(file: &str, source: &str) -> Result<LoadedSpec, SpecErrors> {
    let spec = load_str(file, source)?;
    codegen::validate::validate(&spec)?;
    Ok(spec)
}

/// The error lines (as displayed) for `source` loaded as `file`; panics if it is valid.
pub fn errors(file: &str, source: &str) -> Vec<String> {
    match check(file, source) {
        Ok(_) => panic!("expected errors, the spec is valid:\n{source}"),
        Err(errors) => errors.0.iter().map(ToString::to_string).collect(),
    }
}

/// `source` with `from` replaced by `to` exactly once (panics if `from` is not there once).
pub fn edit(source: &str, from: &str, to: &str) -> String {
    assert_eq!(
        source.matches(from).count(),
        1,
        "`{from}` must occur exactly once"
    );
    source.replacen(from, to, 1)
}

/// The YAML blocks of a Markdown file that are whole specs (they start with the schema header).
pub fn markdown_specs(markdown: &str) -> Vec<String> {
    let mut specs = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match &mut current {
            None if line == "```yaml" => current = Some(String::new()),
            Some(block) if line == "```" => {
                if block.starts_with("# yaml-language-server:") {
                    specs.push(block.clone());
                }
                current = None;
            }
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None => {}
        }
    }
    specs
}
