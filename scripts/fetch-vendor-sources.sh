#!/usr/bin/env bash
# Fetches the pinned vendor packages the spec importers read, and unpacks them (no install, no
# code from them is run) into one directory:
#
#   <dest>/tccli-intl-en/                                   tccli/services/<svc>/<version>/api.json ...
#   <dest>/tencentcloud-sdk-python-intl-en/                 tencentcloud/<svc>/<version>/errorcodes.py
#   <dest>/huaweicloudsdkgaussdbfornosql/                   huaweicloudsdkgaussdbfornosql/v3/...
#   <dest>/huawei-cloud-api-definitions-GaussDBforNoSQL/    src/<Operation>.json (Swagger 2.0)
#   <dest>/MANIFEST                                         package==version per line
#
# Usage: scripts/fetch-vendor-sources.sh [DEST]     (default: target/vendor-sources)
# Then:  cargo xtask import tencent --service mongodb --source DEST ...
#
# Versions and hashes: scripts/vendor-sources.txt (PyPI, checked with --require-hashes) and its
# `# crate:` line (crates.io, checked by cargo against the registry index checksum).
# `cargo xtask update-sources` runs this with VENDOR_SOURCES=<a new list> to fetch new versions
# into a temporary directory before anything in the tree changes.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
dest="${1:-$root/target/vendor-sources}"
list="${VENDOR_SOURCES:-$here/vendor-sources.txt}"
# The Swagger crate: `# crate: NAME==VERSION` in the list (pip reads the line as a comment).
crate_line="$(sed -n 's/^# crate: *//p' "$list" | head -n1)"
SWAGGER_CRATE="${crate_line%%==*}"
SWAGGER_VERSION="${crate_line#*==}"
if [ -z "$crate_line" ] || [ "$SWAGGER_CRATE" = "$crate_line" ]; then
    echo "error: $list has no '# crate: NAME==VERSION' line" >&2
    exit 1
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/cloudcall-vendor.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# A throwaway venv: pip from it, never the system site-packages.
python3 -m venv "$work/venv"
if ! "$work/venv/bin/python" -m pip download --quiet --no-deps --require-hashes \
    --only-binary=:all: --dest "$work/wheels" -r "$list" 2> "$work/pip.log"; then
    if grep -q "DO NOT MATCH THE HASHES" "$work/pip.log"; then
        echo "error: a vendor package failed its hash check: the file PyPI served is not the one" >&2
        echo "pinned in $list (a re-uploaded or tampered file, or a wrong hash in the list)." >&2
        echo "Nothing was unpacked. pip says:" >&2
        sed -n '/DO NOT MATCH/,$p' "$work/pip.log" | sed 's/^/  /' >&2
    else
        cat "$work/pip.log" >&2
        echo "error: pip could not download the vendor packages in $list (no network?)" >&2
    fi
    exit 1
fi

mkdir -p "$work/out"
: > "$work/out/MANIFEST"
for wheel in "$work"/wheels/*.whl; do
    # Wheel file names: <dist>-<version>-<tags>.whl, with `-` in the dist name turned into `_`.
    base="$(basename "$wheel")"
    dist="${base%%-*}"
    rest="${base#*-}"
    version="${rest%%-*}"
    name="$(grep -io "^${dist//_/[-_]}==" "$list" | head -n1)"
    name="${name%==}"
    if [ -z "$name" ]; then
        echo "error: downloaded $base, which $list does not name" >&2
        exit 1
    fi
    "$work/venv/bin/python" -m zipfile -e "$wheel" "$work/out/$name"
    echo "$name==$version" >> "$work/out/MANIFEST"
done

# The Swagger crate, through cargo (checksum verified against the crates.io index).
mkdir -p "$work/crate/src"
cat > "$work/crate/Cargo.toml" <<TOML
[package]
name = "fetch-swagger"
version = "0.0.0"
edition = "2021"
publish = false
[dependencies]
$SWAGGER_CRATE = { version = "=$SWAGGER_VERSION", default-features = false }
[workspace]
TOML
: > "$work/crate/src/lib.rs"
(cd "$work/crate" && cargo vendor --quiet --versioned-dirs "$work/vendored" > /dev/null)
cp -r "$work/vendored/$SWAGGER_CRATE-$SWAGGER_VERSION" "$work/out/$SWAGGER_CRATE"
echo "$SWAGGER_CRATE==$SWAGGER_VERSION" >> "$work/out/MANIFEST"

sort -o "$work/out/MANIFEST" "$work/out/MANIFEST"
rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
mv "$work/out" "$dest"
echo "vendor sources in $dest:"
sed 's/^/  /' "$dest/MANIFEST"
