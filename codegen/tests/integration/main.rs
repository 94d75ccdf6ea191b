//! Integration tests of codegen, one module per area.
//!
//! One test binary rather than one per file: each binary links the whole dependency graph, and on
//! two-core CI those links cost more time and disk than the tests themselves.

mod common;

mod diff_classes;
mod freshness;
mod fuzz;
mod generate;
mod golden;
mod load_errors;
mod readme;
mod validate_errors;
mod validate_lifecycle;
