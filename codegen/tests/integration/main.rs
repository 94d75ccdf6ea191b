//! Integration tests of codegen, one module per area.
//!
//! One test binary rather than one per file: each binary links the whole dependency graph, and on
//! two-core CI those links cost more time and disk than the tests themselves.

mod common;
mod import_common;

mod diff_classes;
mod freshness;
mod fuzz;
mod generate;
mod golden;
mod import_doc_pages;
mod import_errors;
mod import_fixtures;
mod import_full_sources;
mod import_sensitive;
mod load_errors;
mod readme;
mod translation;
mod validate_errors;
mod validate_lifecycle;
