//! Integration tests of the importers, one module per area, against the trimmed vendor packages
//! in `tests/fixtures/import.bundle` (and, ignored by default, the full pinned sources).
//!
//! One test binary rather than one per file: each binary links the whole dependency graph, and on
//! two-core CI those links cost more time and disk than the tests themselves.

mod import_common;

mod import_doc_pages;
mod import_errors;
mod import_fixtures;
mod import_full_sources;
mod import_sensitive;
mod translation;
