#!/usr/bin/env bash
# Footprint benchmark (issue 6, item 7). Not a test: it measures and prints, it does not judge.
#
# In one run, on this machine, it builds
#   - the full-coverage `tencent-postgres` crate, generated from specs/tencent/postgres.yaml (or
#     $SPEC, e.g. an import preview) into a throwaway workspace (crates/ is not touched), and
#   - `aws-sdk-docdb`, the comparable AWS crate (latest 1.x from crates.io),
# each alone, debug profile, clean, in its own target directory under target/footprint/, and
# reports:
#   - the wall time of a clean build of each crate with its dependencies (one run), and of the
#     crate alone once its dependencies are built (`cargo clean -p` between runs, hyperfine);
#   - the ratios (target: ours <= 1/3 of aws-sdk-docdb's crate build time);
#   - generated lines per operation (every generated .rs line of the crate, docs and tests
#     included, divided by its operations) of both;
#   - `cargo tree` crate counts for a one-call program of each.
#
# Usage: scripts/footprint.sh
# Environment: JOBS (default 2), RUNS (hyperfine runs, default 3),
#              SPEC (default specs/tencent/postgres.yaml),
#              FOOTPRINT_DIR (default target/footprint).
# Needs: cargo, python3, network access to crates.io for the AWS crates (first run);
#        hyperfine if installed (`apt-get install -y hyperfine`), else /usr/bin/time.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
JOBS=${JOBS:-2}
RUNS=${RUNS:-3}
SPEC=${SPEC:-$ROOT/specs/tencent/postgres.yaml}
FP=${FOOTPRINT_DIR:-$ROOT/target/footprint}
OURS=$FP/ours
AWS=$FP/aws
# Build scripts and rustc see the same environment for both crates.
export CARGO_INCREMENTAL=0

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'footprint: %s\n' "$*" >&2; exit 1; }

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
[ -f "$SPEC" ] || die "no spec at $SPEC"
command -v python3 >/dev/null || die "python3 is needed to read cargo's and hyperfine's JSON"
mkdir -p "$FP"

# ---------------------------------------------------------------------------------------------
say "generating the full-coverage tencent-postgres crate from $SPEC"
# A small program around the repository's generator, built once into its own target directory.
mkdir -p "$FP/gen/src"
cat > "$FP/gen/Cargo.toml" <<EOF
[package]
name = "footprint-gen"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
codegen = { path = "$ROOT/codegen" }

[workspace]
EOF
cat > "$FP/gen/src/main.rs" <<'EOF'
//! Generates the crates of every spec under `<root>/specs/` into `<root>/crates/`.
fn main() {
    let root = std::path::PathBuf::from(std::env::args().nth(1).expect("usage: footprint-gen <root>"));
    let result = codegen::generate::generate_all(&root)
        .and_then(|files| codegen::generate::write_all(&root, &files));
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
EOF
cp "$ROOT/Cargo.lock" "$FP/gen/Cargo.lock"
cargo build --quiet -j "$JOBS" --manifest-path "$FP/gen/Cargo.toml" --target-dir "$FP/gen-target"
rm -rf "$OURS"
mkdir -p "$OURS/specs/tencent" "$OURS/one-call/src" "$AWS/one-call/src"
cp "$SPEC" "$OURS/specs/tencent/postgres.yaml"
"$FP/gen-target/debug/footprint-gen" "$OURS"

# The throwaway workspace: the generated crate and a one-call program, with the repository's
# workspace values and lock file. Both workspaces use cargo's default dev profile.
cat > "$OURS/Cargo.toml" <<EOF
[workspace]
resolver = "2"
members = ["crates/tencent-postgres", "one-call"]

[workspace.package]
version = "0.1.0"
edition = "2021"
rust-version = "1.85"
license = "MIT OR Apache-2.0"
repository = "https://github.com/cloudcall/cloudcall"

[workspace.dependencies]
cloud-transport = { path = "$ROOT/crates/cloud-transport", version = "0.1.0", default-features = false }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
tokio = { version = "1", default-features = false }
EOF
cat > "$OURS/one-call/Cargo.toml" <<'EOF'
[package]
name = "one-call-postgres"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
tencent-postgres = { path = "../crates/tencent-postgres" }
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
EOF
cat > "$OURS/one-call/src/main.rs" <<'EOF'
#[tokio::main]
async fn main() {
    let config = tencent_postgres::Config::builder().region("ap-guangzhou").build();
    let client = tencent_postgres::Client::new(config.expect("a region is enough"));
    let output = client.describe_db_instances().limit(10).send().await;
    println!("{output:?}");
}
EOF
cp "$ROOT/Cargo.lock" "$OURS/Cargo.lock"

cat > "$AWS/Cargo.toml" <<'EOF'
[workspace]
resolver = "2"
members = ["one-call"]
EOF
cat > "$AWS/one-call/Cargo.toml" <<'EOF'
[package]
name = "one-call-docdb"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
aws-config = { version = "1", features = ["behavior-version-latest"] }
aws-sdk-docdb = "1"
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
EOF
cat > "$AWS/one-call/src/main.rs" <<'EOF'
#[tokio::main]
async fn main() {
    let config = aws_config::load_from_env().await;
    let client = aws_sdk_docdb::Client::new(&config);
    let output = client.describe_db_clusters().max_records(20).send().await;
    println!("{output:?}");
}
EOF

say "resolving and fetching dependencies (not timed)"
cargo fetch --quiet --manifest-path "$OURS/Cargo.toml"
[ -f "$AWS/Cargo.lock" ] || cargo generate-lockfile --quiet --manifest-path "$AWS/Cargo.toml"
cargo fetch --quiet --manifest-path "$AWS/Cargo.toml"

# Package metadata: version and source directory of a package.
package_field() { # manifest package field
    cargo metadata --format-version 1 --manifest-path "$1" 2>/dev/null | python3 -c '
import json, os, sys
name, field = sys.argv[1], sys.argv[2]
for p in json.load(sys.stdin)["packages"]:
    if p["name"] == name:
        print(p["version"] if field == "version" else os.path.dirname(p["manifest_path"]))
        break' "$2" "$3"
}
AWS_VERSION=$(package_field "$AWS/Cargo.toml" aws-sdk-docdb version)
AWS_SRC=$(package_field "$AWS/Cargo.toml" aws-sdk-docdb dir)

# ---------------------------------------------------------------------------------------------
# Wall time of one command, in seconds.
wall() {
    local start end
    start=$(date +%s.%N)
    if ! "$@" >"$FP/last-build.log" 2>&1; then
        cat "$FP/last-build.log" >&2
        return 1
    fi
    end=$(date +%s.%N)
    python3 -c "print(f'{$end - $start:.1f}')"
}

# Mean wall time of building `package` alone (dependencies already built), over RUNS runs.
crate_alone() { # manifest target package label
    local manifest=$1 target=$2 package=$3 label=$4
    if command -v hyperfine >/dev/null; then
        hyperfine --runs "$RUNS" --style basic --export-json "$FP/$label.json" \
            --prepare "cargo clean --quiet -p $package --manifest-path $manifest --target-dir $target" \
            "cargo build --quiet -j $JOBS -p $package --manifest-path $manifest --target-dir $target" >&2
        python3 -c "import json; r = json.load(open('$FP/$label.json'))['results'][0]; print(f\"{r['mean']:.1f} ± {r['stddev'] or 0:.1f}\")"
    else
        cargo clean --quiet -p "$package" --manifest-path "$manifest" --target-dir "$target"
        wall cargo build -j "$JOBS" -p "$package" --manifest-path "$manifest" --target-dir "$target"
    fi
}

say "clean build of tencent-postgres with its dependencies"
rm -rf "$FP/target-ours"
OURS_FULL=$(wall cargo build -j "$JOBS" -p tencent-postgres --manifest-path "$OURS/Cargo.toml" --target-dir "$FP/target-ours")
say "clean build of aws-sdk-docdb $AWS_VERSION with its dependencies"
rm -rf "$FP/target-aws"
AWS_FULL=$(wall cargo build -j "$JOBS" -p aws-sdk-docdb --manifest-path "$AWS/Cargo.toml" --target-dir "$FP/target-aws")
say "tencent-postgres alone ($RUNS runs)"
OURS_ALONE=$(crate_alone "$OURS/Cargo.toml" "$FP/target-ours" tencent-postgres ours)
say "aws-sdk-docdb alone ($RUNS runs)"
AWS_ALONE=$(crate_alone "$AWS/Cargo.toml" "$FP/target-aws" aws-sdk-docdb aws)

# ---------------------------------------------------------------------------------------------
# Lines of every .rs file under a directory, and operations.
rs_lines() { find "$1" -name '*.rs' -print0 | xargs -0 cat | wc -l; }
OURS_DIR=$OURS/crates/tencent-postgres
OURS_OPS=$(grep -c '^impl Operation for' "$OURS_DIR/src/operations.rs")
OURS_LINES=$(rs_lines "$OURS_DIR")
OURS_DATA=$(wc -l < "$OURS_DIR/tests/examples.json")
AWS_OPS=$(find "$AWS_SRC/src/operation" -mindepth 1 -maxdepth 1 -type d | wc -l)
AWS_LINES=$(rs_lines "$AWS_SRC/src")

# Distinct crates (name and version) a one-call program depends on: normal dependencies, and
# normal plus build dependencies (what a build compiles).
tree_count() { # manifest package edges
    cargo tree --quiet -p "$2" -e "$3" --prefix none --manifest-path "$1" \
        | sed -e 's/ (\*)$//' -e 's/ (proc-macro)$//' -e 's/ (\/.*)$//' | sort -u | wc -l
}
OURS_TREE=$(tree_count "$OURS/Cargo.toml" one-call-postgres normal)
OURS_TREE_BUILD=$(tree_count "$OURS/Cargo.toml" one-call-postgres normal,build)
AWS_TREE=$(tree_count "$AWS/Cargo.toml" one-call-docdb normal)
AWS_TREE_BUILD=$(tree_count "$AWS/Cargo.toml" one-call-docdb normal,build)

ratio() { python3 -c "print(f'{float(\"$1\".split()[0]) / float(\"$2\".split()[0]):.2f}')"; }

cat <<EOF

Footprint, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, -j $JOBS, $(rustc --version)
Load average (1, 5, 15 min) before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg). Other builds
running on this machine slow both sides; compare ratios from one run.

| | tencent-postgres (full coverage) | aws-sdk-docdb $AWS_VERSION | ratio |
|---|---|---|---|
| operations | $OURS_OPS | $AWS_OPS | |
| clean build with dependencies, s | $OURS_FULL | $AWS_FULL | $(ratio "$OURS_FULL" "$AWS_FULL") |
| crate alone, s (mean of $RUNS) | $OURS_ALONE | $AWS_ALONE | $(ratio "$OURS_ALONE" "$AWS_ALONE") |
| generated .rs lines (src + tests) | $OURS_LINES | $AWS_LINES (src) | |
| lines per operation | $((OURS_LINES / OURS_OPS)) | $((AWS_LINES / AWS_OPS)) | |
| one-call program: crates (normal deps) | $OURS_TREE | $AWS_TREE | |
| one-call program: crates (normal + build deps) | $OURS_TREE_BUILD | $AWS_TREE_BUILD | |

Generated test data besides the .rs lines: tests/examples.json, $OURS_DATA lines.
Target (issue 6): crate alone <= 1/3 of aws-sdk-docdb's, <= 150 generated lines per operation.
EOF
