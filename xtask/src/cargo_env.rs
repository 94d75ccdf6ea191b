//! Running cargo from inside `cargo xtask`.

use std::process::Command;

/// Prefixes of the variables cargo sets for the package it runs (not user settings such as
/// `CARGO_HOME` or `CARGO_TARGET_DIR`).
const PACKAGE_VARIABLES: &[&str] = &[
    "CARGO_PKG_",
    "CARGO_MANIFEST_",
    "CARGO_CRATE_NAME",
    "CARGO_BIN_NAME",
    "CARGO_PRIMARY_PACKAGE",
    "CARGO_RUSTC_CURRENT_DIR",
];

/// `cargo run` (the `cargo xtask` alias) gives xtask the package variables of xtask itself. A
/// cargo started from xtask with them would pass them on to build scripts, and those that rerun
/// when one changes (ring: `CARGO_PKG_NAME`, `CARGO_MANIFEST_DIR`) would rebuild there, and
/// again in the next plain `cargo` command.
pub fn remove_package_variables(cmd: &mut Command) {
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if PACKAGE_VARIABLES
            .iter()
            .any(|prefix| name.starts_with(prefix))
        {
            cmd.env_remove(name.as_ref());
        }
    }
}
