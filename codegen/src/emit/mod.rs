//! The Rust emitter: turns one [`cloud_spec::Service`] into the files of its service crate.
//!
//! The work is split in two. [`plan`] decides every Rust name and type once, and is where bad
//! specs are caught ([`EmitError`] names the spec path). The other modules write one kind of file
//! each from the plan, as tokens (`quote`), which [`rust_file`] parses (`syn`) and formats
//! (`prettyplease`). Output depends only on the spec: it is byte-for-byte deterministic.
//!
//! A generated crate (`crates/<vendor>-<name>/`):
//!
//! | file | made by |
//! |---|---|
//! | `Cargo.toml`, `README.md`, `src/lib.rs`, `src/client.rs`, `src/operations/mod.rs`, `src/error_codes.rs` | [`krate`] |
//! | `src/operations/<operation>.rs` | [`operation`] |
//! | `src/types.rs` | [`shapes`] |
//! | `tests/examples.rs` | [`tests_file`] |

use std::fmt;
use std::path::PathBuf;

use proc_macro2::TokenStream;

use crate::{GeneratedFile, GENERATED_NOTICE};

mod doc_example;
mod docs;
mod fields;
mod krate;
mod layout;
mod operation;
mod plan;
mod shapes;
mod tests_file;
mod values;

#[cfg(test)]
mod tests;

/// A spec the emitter cannot turn into Rust, named by its path inside the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmitError {
    /// Where in the spec: `operations.DescribeInstanceSSL.input.InstanceId`.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for EmitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for EmitError {}

/// Generates every file of the service's crate (`crates/<vendor>-<name>/...`), in memory.
///
/// Every problem the spec validator does not already catch and that would make the crate wrong
/// (two wire names that become the same Rust name, a Rust keyword, an enum value of the wrong
/// type, an example that does not fit its member) is an [`EmitError`]; no input panics.
pub fn emit_service(service: &cloud_spec::Service) -> Result<Vec<GeneratedFile>, EmitError> {
    let plan = plan::Plan::new(service)?;
    let root = PathBuf::from("crates").join(&plan.crate_name);
    let mut files = vec![
        GeneratedFile {
            path: root.join("Cargo.toml"),
            contents: krate::cargo_toml(&plan),
        },
        GeneratedFile {
            path: root.join("README.md"),
            contents: krate::readme(&plan)?,
        },
        rust_file(root.join("src/lib.rs"), krate::lib_rs(&plan)?)?,
        rust_file(root.join("src/client.rs"), krate::client_rs(&plan))?,
        rust_file(
            root.join("src/error_codes.rs"),
            krate::error_codes_rs(&plan),
        )?,
        rust_file(
            root.join("src/operations/mod.rs"),
            krate::operations_mod(&plan),
        )?,
    ];
    for op in &plan.operations {
        let path = root
            .join("src/operations")
            .join(format!("{}.rs", op.method));
        files.push(rust_file(path, operation::operation_file(&plan, op)?)?);
    }
    if krate::has_types(&plan) {
        files.push(rust_file(
            root.join("src/types.rs"),
            shapes::types_file(&plan),
        )?);
    }
    files.push(rust_file(
        root.join("tests/examples.rs"),
        tests_file::tests_file(&plan)?,
    )?);
    Ok(files)
}

/// Parses generated tokens as a Rust file, formats it with prettyplease, lays it out (blank lines
/// between items) and puts the "generated" notice first.
///
/// Every file also tells rustfmt to leave it alone (`#![cfg_attr(rustfmt, rustfmt::skip)]`):
/// prettyplease and rustfmt break long lines by different rules (rustfmt's per-construct width
/// heuristics against prettyplease's single margin), so they cannot agree on every file, and
/// `cargo fmt` must never rewrite what `cargo xtask codegen --check` compares.
fn rust_file(path: PathBuf, tokens: TokenStream) -> Result<GeneratedFile, EmitError> {
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| EmitError {
        path: path.display().to_string(),
        message: format!("internal error: the generated code does not parse: {e}"),
    })?;
    file.attrs
        .push(syn::parse_quote!(#![cfg_attr(rustfmt, rustfmt::skip)]));
    let text = layout::blank_lines_between_items(&prettyplease::unparse(&file));
    Ok(GeneratedFile {
        path,
        contents: format!("// {GENERATED_NOTICE}\n{text}"),
    })
}
