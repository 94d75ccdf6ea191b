//! Integration tests of cloud-emulator, one module per area.
//!
//! One test binary rather than one per file: each binary links the whole dependency graph, and on
//! two-core CI those links cost more time and disk than the tests themselves.

mod common;

mod binary;
mod certificates;
mod clock;
mod credentials;
mod faults;
mod huawei;
mod lifecycle;
mod resources;
mod robustness;
mod services;
mod spec_driven;
mod tencent;
