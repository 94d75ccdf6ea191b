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
//! | `Cargo.toml`, `README.md`, `src/lib.rs`, `src/client.rs`, `src/operations.rs`, `src/error_codes.rs` | [`krate`] |
//! | each operation's items in `src/operations.rs` and method in `src/client.rs` | [`operation`] |
//! | waiting and paging: `Paged`/`Waits` impls, task APIs, the resource, state waiters | [`lifecycle`] |
//! | `src/types.rs` | [`shapes`] |
//! | `tests/examples.rs`, `tests/examples.json` | [`tests_file`] |

use std::fmt;
use std::path::PathBuf;

use proc_macro2::TokenStream;

use crate::{GeneratedFile, GENERATED_NOTICE};

mod doc_example;
mod docs;
mod fields;
mod krate;
mod layout;
mod lifecycle;
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

/// A lifecycle key `cloud-spec` cannot turn into a description.
impl From<cloud_spec::facts::FactsError> for EmitError {
    fn from(e: cloud_spec::facts::FactsError) -> EmitError {
        EmitError {
            path: e.path,
            message: e.problem.to_string(),
        }
    }
}

/// Generates every file of the service's crate (`crates/<vendor>-<name>/...`), in memory.
///
/// Every problem the spec validator does not already catch and that would make the crate wrong
/// (two wire names that become the same Rust name, a Rust keyword, an enum value of the wrong
/// type, an example that does not fit its member) is an [`EmitError`]; no input panics.
pub fn emit_service(service: &cloud_spec::Service) -> Result<Vec<GeneratedFile>, EmitError> {
    emit_service_at(service, crate::versions::FIRST_VERSION)
}

/// [`emit_service`] for a crate at `version` (its `Cargo.toml` says it).
pub fn emit_service_at(
    service: &cloud_spec::Service,
    version: &str,
) -> Result<Vec<GeneratedFile>, EmitError> {
    let plan = plan::Plan::new(service)?;
    let root = PathBuf::from("crates").join(&plan.crate_name);
    let mut files = vec![
        GeneratedFile {
            path: root.join("Cargo.toml"),
            contents: krate::cargo_toml(&plan, version),
        },
        GeneratedFile {
            path: root.join("README.md"),
            contents: krate::readme(&plan)?,
        },
        format_file(
            root.join("src/lib.rs"),
            krate::lib_rs(&plan)?,
            Rustfmt::SkipFile,
        )?,
        rust_file(root.join("src/client.rs"), krate::client_rs(&plan)?)?,
        constants_file(rust_file(
            root.join("src/error_codes.rs"),
            krate::error_codes_rs(&plan),
        )?),
        rust_file(root.join("src/operations.rs"), krate::operations_rs(&plan)?)?,
    ];
    if krate::has_types(&plan) {
        files.push(rust_file(
            root.join("src/types.rs"),
            shapes::types_file(&plan),
        )?);
    }
    let (tests, data) = tests_file::tests_file(&plan)?;
    files.push(format_file(
        root.join("tests/examples.rs"),
        tests,
        Rustfmt::SkipFile,
    )?);
    files.push(GeneratedFile {
        path: root.join("tests/examples.json"),
        contents: data,
    });
    Ok(files)
}

/// A file of documented constants, read like a table: no blank line between one constant and the
/// docs of the next.
fn constants_file(mut file: GeneratedFile) -> GeneratedFile {
    let mut out = String::with_capacity(file.contents.len());
    let mut lines = file.contents.lines().peekable();
    while let Some(line) = lines.next() {
        out.push_str(line);
        out.push('\n');
        let next_is_docs = || {
            let mut ahead = lines.clone();
            ahead.next().is_some_and(str::is_empty)
                && ahead.next().is_some_and(|l| l.starts_with("///"))
        };
        if line.starts_with("pub const ") && next_is_docs() {
            lines.next();
        }
    }
    file.contents = out;
    file
}

/// Parses generated tokens as a Rust file, formats it with prettyplease, lays it out (blank lines
/// between items) and puts the "generated" notice first.
///
/// rustfmt must leave generated files alone: prettyplease and rustfmt break long lines by
/// different rules (rustfmt's per-construct width heuristics against prettyplease's single
/// margin), so they cannot agree on every file, and `cargo fmt` must never rewrite what
/// `cargo xtask codegen --check` compares. The crate roots (`src/lib.rs`, `tests/examples.rs`)
/// say so themselves (`#![cfg_attr(rustfmt, rustfmt::skip)]`, [`Rustfmt::SkipFile`]); `lib.rs`
/// marks its `mod` declarations `#[rustfmt::skip]`, which rustfmt honours for the module files
/// and everything under them.
fn rust_file(path: PathBuf, tokens: TokenStream) -> Result<GeneratedFile, EmitError> {
    format_file(path, tokens, Rustfmt::SkippedByParent)
}

/// How a generated file keeps rustfmt away.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rustfmt {
    /// A crate root: says so itself.
    SkipFile,
    /// A module whose `mod` declaration carries `#[rustfmt::skip]`.
    SkippedByParent,
}

fn format_file(
    path: PathBuf,
    tokens: TokenStream,
    rustfmt: Rustfmt,
) -> Result<GeneratedFile, EmitError> {
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| EmitError {
        path: path.display().to_string(),
        message: format!("internal error: the generated code does not parse: {e}"),
    })?;
    if rustfmt == Rustfmt::SkipFile {
        file.attrs
            .push(syn::parse_quote!(#![cfg_attr(rustfmt, rustfmt::skip)]));
    }
    let text = layout::blank_lines_between_items(&prettyplease::unparse(&file));
    Ok(GeneratedFile {
        path,
        contents: format!("// {GENERATED_NOTICE}\n{text}"),
    })
}
