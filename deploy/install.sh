#!/usr/bin/env bash
# The project's one install line: deploy/Dockerfile, the README's set-up lines and .ci/run call it.
#
#   deploy/install.sh [--editable] VENV [EXTRAS]
#
# Creates the virtual environment VENV if it does not exist (with $PYTHON, default python3) and
# installs this project into it: `pip install .` (what the image ships: migrations and PWA files
# inside the wheel), or `pip install -e '.[EXTRAS]'` for development.
# With the `dev` extras it also installs the tests' one npm package (axe-core, pinned by
# tests/web/axe/package-lock.json) with the machine's npm.
set -euo pipefail

usage="usage: deploy/install.sh [--editable] VENV [EXTRAS]"
editable=()
if [[ "${1:-}" == "--editable" ]]; then
    editable=(--editable)
    shift
fi
venv="${1:?$usage}"
extras="${2:-}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

target="$root"
if [[ -n "$extras" ]]; then
    target="$root[$extras]"
fi

if [[ ! -x "$venv/bin/python" ]]; then
    "${PYTHON:-python3}" -m venv "$venv"
fi
# ${a[@]+…}: an empty array under `set -u` is an error in bash 3 (macOS).
"$venv/bin/python" -m pip install --disable-pip-version-check ${editable[@]+"${editable[@]}"} "$target"

if [[ ",$extras," == *",dev,"* ]]; then
    if ! command -v npm >/dev/null; then
        echo "deploy/install.sh: npm is missing; the PWA accessibility tests need it (apt-get install nodejs npm)" >&2
        exit 1
    fi
    npm ci --prefix "$root/tests/web/axe" --no-audit --no-fund --loglevel=error
fi
