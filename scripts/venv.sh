#!/usr/bin/env bash
# Create or update the project's virtual environment (.venv) from the exact pins.
# Idempotent: when requirements.txt, requirements-render.txt and pyproject.toml are unchanged since the last install it
# does nothing (it compares their hash with the one stored in .venv/.vira-pins).
set -euo pipefail
cd "$(dirname "$0")/.."

want=$(cat requirements.txt requirements-render.txt pyproject.toml | sha256sum | cut -d' ' -f1)
stamp=.venv/.vira-pins
if [ -x .venv/bin/python ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "venv: .venv matches requirements.txt, nothing to install"
    exit 0
fi

if [ ! -x .venv/bin/python ]; then
    py=${PYTHON:-}
    if [ -z "$py" ]; then
        for candidate in python3.11 python3; do
            command -v "$candidate" >/dev/null && { py=$candidate; break; }
        done
    fi
    [ -n "$py" ] || { echo "venv: no python3 found; install Python 3.11" >&2; exit 1; }
    version=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    [ "$version" = "3.11" ] || echo "venv: warning: the pins were tested with Python 3.11, $py is $version"
    echo "venv: creating .venv with $py ($version)"
    "$py" -m venv .venv
fi

# pip, quietly; this machine's pip configuration names local package folders that may be missing,
# and pip warns about each of them: drop those lines, keep everything else.
pip_quiet() {
    set +e +o pipefail
    .venv/bin/python -m pip --quiet --disable-pip-version-check "$@" 2>&1 \
        | grep -v 'is ignored: it is neither a file nor a directory'
    local rc=${PIPESTATUS[0]}
    set -e -o pipefail
    return "$rc"
}

echo "venv: installing the pinned packages from requirements.txt (first time: about 3 minutes, 6 GB)"
pip_quiet install -r requirements.txt
echo "venv: installing the HTML build's own extensions from requirements-render.txt"
pip_quiet install --no-deps -r requirements-render.txt
echo "venv: installing vira itself (editable)"
pip_quiet install --no-deps -e .
echo "$want" > "$stamp"
echo "venv: ready ($(du -sh .venv | cut -f1))"
