//! Integration tests of cloudcall, one module per area.
//!
//! One test binary rather than one per file: each binary links the whole dependency graph, and on
//! two-core CI those links cost more time and disk than the tests themselves.

mod common;

#[cfg(feature = "audit")]
mod audit;
mod cli;
#[cfg(feature = "demo")]
mod demo;
mod habits;
mod hostile;
mod lifecycle;
