//! Fuzz targets for cloudcall, and a small stable-Rust runner for them.
//!
//! Each target in [`targets`] is a plain function from bytes to a label of what happened; it
//! panics only on a bug (a panic inside the code under test, or a broken invariant such as an
//! untyped error). Two runners call the same functions:
//!
//! - `fuzz/` (cargo-fuzz, libFuzzer, nightly Rust) for long, coverage-guided runs:
//!   `cargo +nightly fuzz run spec_loader -- -runs=1000000`;
//! - the `fuzz-runner` binary of this crate ([`runner`]), on stable Rust with no dependency:
//!   a deterministic mutational loop ([`mutate`]) over each target's seed corpus, guided by the
//!   labels the target returns. CI runs it for a few seconds per target so no target rots.
//!
//! Inputs that once crashed a target are kept in `regressions/<target>/` and replayed by the
//! tests of this crate (and used as seeds).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod label;
pub mod mutate;
pub mod regressions;
pub mod runner;
pub mod targets;
