//! `specs/schema.json`: the JSON Schema of the spec model, for editors checking spec files as
//! they are typed (each spec's first line points the YAML language server at it).

use std::path::PathBuf;

use serde_json::{Map, Value};

use crate::{GeneratedFile, GENERATED_NOTICE};

/// Where the schema lives, relative to the repository root.
pub const SCHEMA_PATH: &str = "specs/schema.json";

/// Generates `specs/schema.json` from [`cloud_spec::Service`].
///
/// Draft-07, because every YAML/JSON editor integration understands it. The output only depends on
/// the model, so it is byte-for-byte stable.
pub fn schema_file() -> GeneratedFile {
    let generator = schemars::generate::SchemaSettings::draft07()
        .for_deserialize()
        .into_generator();
    let schema = generator.into_root_schema_for::<cloud_spec::Service>();
    // JSON has no comments: the notice goes first, as the schema keyword meant for them.
    let mut root = Map::new();
    root.insert(
        "$comment".to_owned(),
        Value::String(format!(
            "{GENERATED_NOTICE}; the schema of specs/<vendor>/<service>.yaml, from the cloud-spec model"
        )),
    );
    if let Value::Object(fields) = schema.to_value() {
        for (key, value) in fields {
            root.entry(key).or_insert(value);
        }
    }
    GeneratedFile {
        path: PathBuf::from(SCHEMA_PATH),
        contents: to_pretty_json(&Value::Object(root)),
    }
}

/// Pretty JSON with a final newline.
pub(crate) fn to_pretty_json(value: &impl serde::Serialize) -> String {
    // Serializing plain data (maps, strings, numbers) to a String cannot fail.
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}
