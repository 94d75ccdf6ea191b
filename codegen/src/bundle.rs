//! The spec bundle: each validated spec as normalized JSON in `crates/cloud-spec/bundle/`, and the
//! generated `crates/cloud-spec/src/bundle.rs` that embeds them, so the emulator and the CLI read
//! the specs without a YAML parser.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::schema::to_pretty_json;
use crate::{GeneratedFile, GENERATED_NOTICE};

/// The directory of the bundled JSON files, relative to the repository root.
pub const BUNDLE_DIR: &str = "crates/cloud-spec/bundle";

/// The generated module that embeds them.
pub const BUNDLE_MODULE: &str = "crates/cloud-spec/src/bundle.rs";

/// The bundle files for `services` (each with the spec file it comes from), plus the module.
pub fn bundle_files(services: &[(&Path, &cloud_spec::Service)]) -> Vec<GeneratedFile> {
    let mut sorted: Vec<(String, &Path, &cloud_spec::Service)> = services
        .iter()
        .map(|(file, service)| (service.crate_name(), *file, *service))
        .collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));

    let mut files = Vec::with_capacity(sorted.len() + 1);
    for (crate_name, source, service) in &sorted {
        let mut root = Map::new();
        root.insert(
            "$comment".to_owned(),
            Value::String(format!(
                "{GENERATED_NOTICE}; normalized from {}",
                source.display().to_string().replace('\\', "/")
            )),
        );
        // A `Service` is plain data; serializing it to a JSON value cannot fail.
        root.insert(
            "service".to_owned(),
            serde_json::to_value(service).unwrap_or(Value::Null),
        );
        files.push(GeneratedFile {
            path: PathBuf::from(format!("{BUNDLE_DIR}/{crate_name}.json")),
            contents: to_pretty_json(&Value::Object(root)),
        });
    }
    let names: Vec<&str> = sorted.iter().map(|(name, ..)| name.as_str()).collect();
    files.push(GeneratedFile {
        path: PathBuf::from(BUNDLE_MODULE),
        contents: bundle_module(&names),
    });
    files
}

/// The text of `bundle.rs`, laid out exactly as rustfmt would.
fn bundle_module(crate_names: &[&str]) -> String {
    let mut entries = String::new();
    for name in crate_names {
        // Writing to a String cannot fail.
        let _ = write!(
            entries,
            "    Bundled {{\n        crate_name: \"{name}\",\n        json: include_str!(\"../bundle/{name}.json\"),\n    }},\n"
        );
    }
    let list = if entries.is_empty() {
        "&[]".to_owned()
    } else {
        format!("&[\n{entries}]")
    };
    format!(
        r#"// {GENERATED_NOTICE}.
//! The normalized specs of every service, generated from `specs/` into `bundle/*.json`.
//!
//! The emulator and the CLI read the specs from here, so they never compile a YAML parser.

use serde::Deserialize;

use crate::Service;

/// One bundled spec: the crate it generates and its normalized JSON.
struct Bundled {{
    crate_name: &'static str,
    json: &'static str,
}}

/// Every bundled spec, sorted by crate name.
const BUNDLED: &[Bundled] = {list};

/// The layout of a bundle file: a `$comment` with the generated-file notice, then the spec.
#[derive(Deserialize)]
struct BundleFile {{
    service: Service,
}}

/// The crate names of the bundled services (`tencent-mongodb`, ...), sorted.
pub fn crate_names() -> impl Iterator<Item = &'static str> {{
    BUNDLED.iter().map(|bundled| bundled.crate_name)
}}

/// Every bundled service spec, parsed, sorted by crate name.
pub fn services() -> Vec<Service> {{
    BUNDLED.iter().map(parse).collect()
}}

/// The bundled spec of one service, by crate name (`tencent-mongodb`).
pub fn service(crate_name: &str) -> Option<Service> {{
    BUNDLED
        .iter()
        .find(|bundled| bundled.crate_name == crate_name)
        .map(parse)
}}

fn parse(bundled: &Bundled) -> Service {{
    // The files are written by the code generator from validated specs with this very model, and
    // both the test below and the generator's freshness test parse them, so this cannot fail
    // unless a bundle file was edited by hand.
    match serde_json::from_str::<BundleFile>(bundled.json) {{
        Ok(file) => file.service,
        Err(error) => panic!(
            "bundled spec {{}} does not parse ({{error}}); run `cargo xtask codegen`",
            bundled.crate_name
        ),
    }}
}}

#[cfg(test)]
mod tests {{
    #[test]
    fn every_bundled_spec_parses_and_names_its_crate() {{
        for bundled in super::BUNDLED {{
            let service = super::parse(bundled);
            assert_eq!(service.crate_name(), bundled.crate_name);
        }}
        assert_eq!(super::services().len(), super::crate_names().count());
    }}
}}
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_module_lists_every_bundle_file() {
        let module = bundle_module(&["huawei-geminidb", "tencent-cdb"]);
        assert!(module.starts_with(&format!("// {GENERATED_NOTICE}")));
        assert!(module.contains("include_str!(\"../bundle/huawei-geminidb.json\")"));
        assert!(module.contains("include_str!(\"../bundle/tencent-cdb.json\")"));
        assert!(bundle_module(&[]).contains("const BUNDLED: &[Bundled] = &[];"));
    }
}
