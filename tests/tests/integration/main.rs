//! Integration tests of cloudcall-tests, one module per area.
//!
//! One test binary rather than one per file: each binary links the whole dependency graph, and on
//! two-core CI those links cost more time and disk than the tests themselves.

mod call_descriptions;
mod credential_providers;
mod failures;
mod faults;
mod lifecycle;
mod lifecycle_coverage;
mod lifecycle_library;
mod lifecycle_more;
mod operations;
mod secrets;
mod waiters;
