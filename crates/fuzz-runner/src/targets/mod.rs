//! The fuzz targets. Each is a module with `run(&[u8]) -> u64` (the target's body, also what
//! `fuzz/fuzz_targets/<name>.rs` calls), `seeds()` (its starting corpus) and `DICTIONARY`
//! (tokens of its input language), gathered in [`TARGETS`].
//!
//! A target panics only on a bug; whatever the input, it returns a [label](crate::label).

pub mod cli_values;
pub mod emulator_request;
pub mod response_decoder;
pub mod spec_loader;
pub mod wire;

/// A fuzz target as the runners see it.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// Its name: the module's, and the cargo-fuzz target's.
    pub name: &'static str,
    /// What it feeds and what it checks.
    pub about: &'static str,
    /// Runs one input; returns a label of what happened.
    pub run: fn(&[u8]) -> u64,
    /// The starting corpus.
    pub seeds: fn() -> Vec<Vec<u8>>,
    /// Tokens the mutator inserts.
    pub dictionary: &'static [&'static [u8]],
    /// The longest input worth trying.
    pub max_len: usize,
}

/// Every target.
pub const TARGETS: &[Target] = &[
    Target {
        name: "spec_loader",
        about: spec_loader::ABOUT,
        run: spec_loader::run,
        seeds: spec_loader::seeds,
        dictionary: spec_loader::DICTIONARY,
        max_len: 64 * 1024,
    },
    Target {
        name: "response_decoder",
        about: response_decoder::ABOUT,
        run: response_decoder::run,
        seeds: response_decoder::seeds,
        dictionary: response_decoder::DICTIONARY,
        max_len: 16 * 1024,
    },
    Target {
        name: "emulator_request",
        about: emulator_request::ABOUT,
        run: emulator_request::run,
        seeds: emulator_request::seeds,
        dictionary: emulator_request::DICTIONARY,
        max_len: 16 * 1024,
    },
    Target {
        name: "cli_values",
        about: cli_values::ABOUT,
        run: cli_values::run,
        seeds: cli_values::seeds,
        dictionary: cli_values::DICTIONARY,
        max_len: 8 * 1024,
    },
];

/// The target named `name`.
pub fn find(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|t| t.name == name)
}
