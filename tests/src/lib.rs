//! Helpers shared by the end-to-end tests in `tests/tests/`.
//!
//! The tests start the in-process [`cloud_emulator`] on a random loopback port and call it over
//! real HTTP through the generated service crates, so every request is signed by
//! `cloud-transport` and verified by the emulator. These helpers keep each test short:
//!
//! - [`setup`]: an emulator with short async delays, client configurations pointing at it with
//!   the demo credentials, and the four typed clients in one [`setup::Clients`];
//! - [`services`]: the four services behind one enum, so a fault or lifecycle test runs the
//!   same steps on every one of them;
//! - [`http`]: HTTP layers wrapped around the real one, to count attempts and to play a client
//!   whose clock is off;
//! - [`wait`]: a time bound for every test and bounded polling for async changes.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod http;
pub mod services;
pub mod setup;
pub mod wait;

/// The repository README, compiled: its Rust examples are doc tests of this crate, so they
/// cannot drift from the API.
#[doc = include_str!("../../README.md")]
pub mod readme {}
