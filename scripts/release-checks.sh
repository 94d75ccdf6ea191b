#!/usr/bin/env bash
# The release checks, run by `.ci/run` after its main steps (nothing is ever published here):
#
#   1. the pinned tools (scripts/install-tools.sh: cargo-semver-checks);
#   2. package sizes and license files (`cargo xtask release sizes`);
#   3. `cargo publish --workspace --dry-run`: every publishable crate packaged and built from its
#      `.crate` file (workspace dependencies resolved from the packages being published);
#   4. the release plan, and `cargo semver-checks` on every crate whose Rust API can have changed
#      (a .rs file, features, dependencies) since its last release tag, or since the merge base
#      with main before the first release; a generated crate whose spec changed is decided by its
#      spec-diff (step 5 checks the two agree);
#   5. the three-way test: a spec changed in a temporary clone (operation added, member removed,
#      docs changed) gives minor, major and patch in spec-diff, release plan and semver-checks.
#
# Budget: RELEASE_CHECKS_BUDGET seconds (default 900; measured 605 s on the shared 2-core machine
# for a branch changing every hand-written crate, cold semver-checks builds). Each step prints its
# time; going over the budget prints a warning and, with RELEASE_CHECKS_STRICT=1, fails.
#
# Usage: scripts/release-checks.sh [BASE]   (BASE: the revision for crates never released;
#                                            default: the merge base with main, or HEAD)
set -euo pipefail
cd "$(dirname "$0")/.."

budget="${RELEASE_CHECKS_BUDGET:-900}"
started=$SECONDS
step_started=$SECONDS
step() { printf '\n==> %s\n' "$*"; step_started=$SECONDS; }
took() { printf '    (%ss)\n' "$((SECONDS - step_started))"; }

if [ $# -ge 1 ]; then
    base="$1"
elif git rev-parse --verify --quiet main >/dev/null; then
    base="$(git merge-base HEAD main)"
elif git rev-parse --verify --quiet origin/main >/dev/null; then
    base="$(git merge-base HEAD origin/main)"
else
    base="HEAD"
fi

forget_unpacked_packages() {
    local cargo_home="${CARGO_HOME:-$HOME/.cargo}" name_version
    cargo metadata --no-deps --format-version 1 --offline \
        | python3 -c 'import json, sys
for p in json.load(sys.stdin)["packages"]:
    print(p["name"] + "-" + p["version"])' \
        | while read -r name_version; do
            rm -rf "$cargo_home"/registry/src/-*/"$name_version"
        done
}

step "tools (scripts/install-tools.sh)"
bash scripts/install-tools.sh
took

step "package sizes and license files (cargo xtask release sizes)"
cargo xtask release sizes
took

step "publish dry run with verification (cargo publish --workspace --dry-run)"
# `--workspace` skips the `publish = false` tools and publishes in dependency order; the dry run
# resolves the workspace crates from the packages it just made, so it works before the first
# release too (cargo 1.90+).
#
# Cargo unpacks the packages it made into $CARGO_HOME/registry/src/-<hash of the path of
# target/package/tmp-registry>/NAME-VERSION and reuses such a directory when it exists, whatever
# it holds: a clone at the same path (a CI machine's), with versions not bumped since, verified
# the new packages against an earlier run's sources (CI failed that way, stale cloud-spec). Our
# own unpacked sources are removed before and after; the `-<hash>` directories are the local
# registries' (crates.io's is `index.crates.io-<hash>`).
forget_unpacked_packages
cargo publish --workspace --dry-run --quiet
forget_unpacked_packages
# The .crate files and their unpacked sources; nothing later needs them.
rm -rf target/package
took

step "release plan since the last release tags (crates never released: since $base)"
cargo xtask release plan --no-semver-checks --since "$base"
took

step "cargo semver-checks on the crates whose API can have changed since then"
cargo xtask release semver-checks --since "$base"
took

step "spec changed three ways: spec-diff, release plan and semver-checks agree"
cargo test -q -p xtask -- --ignored spec_changes_agree
# semver-checks builds every crate's dependencies apart (about 0.2-0.4 GB a crate): free the disk.
rm -rf target/release-three-ways target/semver-checks
took

spent=$((SECONDS - started))
printf '\nrelease checks finished in %ss (budget %ss)\n' "$spent" "$budget"
if [ "$spent" -gt "$budget" ]; then
    echo "warning: the release checks went over their budget of ${budget}s" >&2
    if [ "${RELEASE_CHECKS_STRICT:-0}" = 1 ]; then
        exit 1
    fi
fi
