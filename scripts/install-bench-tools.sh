#!/usr/bin/env bash
# Installs the tools the benchmarks use that cargo does not build: hyperfine (CLI start-up,
# scripts/bench-cli.sh), from Debian's packages. Nothing else needs it; CI does not run it.
set -euo pipefail
if ! command -v hyperfine >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        apt-get install -y --no-install-recommends hyperfine
    else
        sudo apt-get install -y --no-install-recommends hyperfine
    fi
fi
hyperfine --version
