#!/usr/bin/env bash
# Creates (or reuses) the conformance virtual environment: <repo>/.venv-conformance, made with the
# standard library's venv (no system site-packages), holding exactly the pins of requirements.txt.
#
# Idempotent: an existing venv is reused when its stamp (hash of requirements.txt and the Python
# version) matches and the pinned SDKs import; otherwise it is rebuilt from scratch.
# If PyPI (or $PIP_INDEX_URL) cannot be reached, it says so and exits 3. It never "passes" by
# skipping the install.
#
# Environment: PYTHON (default python3), CONFORMANCE_VENV (default <repo>/.venv-conformance).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="${CONFORMANCE_VENV:-$repo/.venv-conformance}"
requirements="$here/requirements.txt"
python="${PYTHON:-python3}"
stamp_file="$venv/.conformance-stamp"

if ! command -v "$python" >/dev/null 2>&1; then
    echo "setup-venv: '$python' not found; install Python 3.8+ or set PYTHON" >&2
    exit 2
fi

py_version="$("$python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"
req_hash="$("$python" -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$requirements")"
stamp="requirements=$req_hash python=$py_version"

imports_ok() {
    "$venv/bin/python" - <<'PY' >/dev/null 2>&1
import tencentcloud.common.abstract_client
import tencentcloud.mongodb, tencentcloud.cdb, tencentcloud.postgres
import huaweicloudsdkcore.signer.signer
import huaweicloudsdkgaussdbfornosql
PY
}

if [[ -x "$venv/bin/python" && -f "$stamp_file" && "$(cat "$stamp_file")" == "$stamp" ]] && imports_ok; then
    echo "setup-venv: reusing $venv ($stamp)"
    exit 0
fi

index_url="${PIP_INDEX_URL:-https://pypi.org/simple/}"
if ! "$python" - "$index_url" <<'PY'
import sys, urllib.request
url = sys.argv[1].rstrip("/") + "/pip/"
try:
    urllib.request.urlopen(url, timeout=15).read(1)
except Exception as e:
    print("setup-venv: cannot reach the Python package index at %s: %s" % (sys.argv[1], e), file=sys.stderr)
    sys.exit(1)
PY
then
    echo "setup-venv: the conformance checks need the official SDKs from PyPI; nothing was installed" >&2
    exit 3
fi

echo "setup-venv: creating $venv with Python $py_version"
rm -rf "$venv"
"$python" -m venv "$venv"
if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    --timeout 60 --retries 2 --requirement "$requirements"; then
    rm -rf "$venv"
    echo "setup-venv: pip could not install the pinned packages from $index_url (see above); nothing usable was left behind" >&2
    exit 3
fi
if ! imports_ok; then
    echo "setup-venv: the pinned SDKs were installed but do not import; see: $venv/bin/python -c 'import huaweicloudsdkcore'" >&2
    exit 4
fi
echo "$stamp" > "$stamp_file"
echo "setup-venv: installed $(grep -c '==' "$requirements") pinned packages into $venv"
