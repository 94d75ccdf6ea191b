#!/usr/bin/env bash
# CLI start-up benchmark (issue 14, item 5), with hyperfine (scripts/install-bench-tools.sh).
#
# Builds release `cloudcall` and `cloud-emulator`, starts the emulator (rate limits off) and
# times, interleaved by hyperfine in one run:
#   - `cloudcall tencent-mongodb describe-db-instances` (one signed call to the emulator),
#   - `cloudcall huawei-geminidb list-instances` (the same for Huawei),
#   - `cloudcall tencent-mongodb --help` (spec loading and help, no network),
#   - `cloudcall --version`: the process start-up floor (no spec read at all).
# Goal: under 20 ms a call with the full bundle.
#
# Usage: scripts/bench-cli.sh [--quick] [JSON_OUT]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=30
if [ "${1:-}" = "--quick" ]; then
    runs=10
    shift
fi
json="${1:-target/bench-cli.json}"
command -v hyperfine >/dev/null || { echo "hyperfine is missing: run scripts/install-bench-tools.sh" >&2; exit 1; }
cargo build --release --quiet -p cloudcall -p cloud-emulator
bin=target/release
out="$(mktemp)"
"$bin/cloud-emulator" --no-rate-limit --log-level off --listen 127.0.0.1:0 > "$out" &
emulator=$!
trap 'kill "$emulator" 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 100); do
    grep -q "listening on" "$out" && break
    sleep 0.05
done
endpoint="$(grep -o 'http://[0-9.:]*' "$out" | head -1)"
[ -n "$endpoint" ] || { echo "the emulator did not start" >&2; exit 1; }

secret() { grep -o "$1: &str = \"[^\"]*\"" -r crates/cloud-emulator/src | head -1 | cut -d'"' -f2; }
export TENCENTCLOUD_SECRET_ID="$(secret DEMO_TENCENT_SECRET_ID)"
export TENCENTCLOUD_SECRET_KEY="$(secret DEMO_TENCENT_SECRET_KEY)"
export HUAWEICLOUD_SDK_AK="$(secret DEMO_HUAWEI_AK)"
export HUAWEICLOUD_SDK_SK="$(secret DEMO_HUAWEI_SK)"
export HUAWEICLOUD_SDK_PROJECT_ID="$(secret DEFAULT_HUAWEI_PROJECT_ID)"
cc="$bin/cloudcall"
hyperfine --warmup 3 --runs "$runs" -N --export-json "$json" \
    -n "cloudcall tencent-mongodb describe-db-instances (emulator)" \
    "$cc tencent-mongodb describe-db-instances --endpoint $endpoint --region ap-guangzhou" \
    -n "cloudcall huawei-geminidb list-instances (emulator)" \
    "$cc huawei-geminidb list-instances --endpoint $endpoint --region cn-north-4" \
    -n "cloudcall tencent-mongodb --help" \
    "$cc tencent-mongodb --help" \
    -n "cloudcall --version (floor)" \
    "$cc --version"
