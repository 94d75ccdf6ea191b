#!/usr/bin/env bash
# Installs the pinned cargo tools the release checks use (from crates.io, built with the lock
# file their authors published). A tool already installed at the pinned version is left alone, so
# CI and a developer machine can run this every time.
#
#   cargo-semver-checks   `scripts/release-checks.sh` and the release plan's bump for the
#                         hand-written crates (cloud-transport, cloud-spec, cloud-emulator, cloudcall)
#
# Usage: scripts/install-tools.sh
set -euo pipefail

# Pinned: a newer release may add lints (and so change what the release plan says). 0.51 reads
# the rustdoc JSON of the toolchain in rust-toolchain / CI (Rust 1.85 and newer).
SEMVER_CHECKS_VERSION="0.51.0"

installed_version() {
    # `cargo install --list` prints `name vX.Y.Z:` per installed package.
    cargo install --list 2>/dev/null | sed -n "s/^$1 v\([0-9.]*\):\$/\1/p"
}

if [ "$(installed_version cargo-semver-checks)" = "$SEMVER_CHECKS_VERSION" ]; then
    echo "cargo-semver-checks $SEMVER_CHECKS_VERSION already installed"
else
    echo "installing cargo-semver-checks $SEMVER_CHECKS_VERSION (a few minutes: built from source)"
    # Its release profile asks for fat LTO with one codegen unit: about 14 minutes on 2 cores.
    # The tool's speed hardly matters here (rustdoc does the work), so build it the quick way.
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
        cargo install --locked --quiet cargo-semver-checks --version "=$SEMVER_CHECKS_VERSION"
fi
