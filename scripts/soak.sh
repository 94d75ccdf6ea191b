#!/usr/bin/env bash
# Fault soak (not a CI step): the generated crates, through cloud-transport, against the
# in-process emulator with random fault rules on, for 10 minutes at 300 calls/s by default.
# Checks that every call returns a success or a typed error within its bound, that no mutation
# applies more than once per call, and reports resident memory (start, peak, end).
#
#   bash scripts/soak.sh [--minutes 10] [--rate 300] [--concurrency 64] [--fault-percent 25] [--seed 1]
#
# SOAK_PROFILE=dev skips the release build (slower calls, quicker to start). The program is
# tests/examples/soak.rs; its doc comment says what it checks and how. Exit status 0 = PASS.
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${SOAK_PROFILE:-release}"
cargo build --profile "$profile" -p cloudcall-tests --example soak
case "$profile" in
    dev) dir=debug ;;
    *) dir="$profile" ;;
esac
exec "target/$dir/examples/soak" "$@"
