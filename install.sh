#!/usr/bin/env bash
# Installs trialsite, and exactly the versions uv.lock pins (checked against their hashes), into
# the `python` on PATH, so `python build.py` and anything run with that interpreter find them:
#   bash install.sh                   what building the site needs
#   bash install.sh test lint bench   plus those extras (see pyproject.toml)
# uv reads the lock (it resolves for every platform and Python at once: one lock for every
# machine); it is the one tool installed without the lock, at the version pinned here.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# The interpreter itself, not a name: uv would look the name up by its own rules (and pyenv's
# `python` is a shim script).
PYTHON="$("${PYTHON:-python}" -c 'import sys; print(sys.executable)')"
UV_VERSION=0.13.9

if [[ "$("$PYTHON" -m uv --version 2>/dev/null)" != "uv $UV_VERSION "* ]]; then
    "$PYTHON" -m pip install --disable-pip-version-check --no-input --quiet "uv==$UV_VERSION"
fi
uv=("$PYTHON" -m uv --quiet)
extras=()
for extra in "$@"; do extras+=(--extra "$extra"); done
requirements="$(mktemp)"
trap 'rm -f "$requirements"' EXIT
# --locked: a lock that no longer matches pyproject.toml is refused, never quietly re-resolved.
if ! "${uv[@]}" export --locked --offline --no-emit-project --format requirements-txt \
    ${extras[@]+"${extras[@]}"} -o "$requirements"; then
    echo "install.sh: uv.lock does not match pyproject.toml; run 'python -m uv lock' and commit uv.lock" >&2
    exit 1
fi
"${uv[@]}" pip install --python "$PYTHON" --require-hashes -r "$requirements"
"${uv[@]}" pip install --python "$PYTHON" --no-deps --editable .
# The search indexer: Pagefind from npm, exactly as package-lock.json pins it (1.6.0 writes the same
# index byte for byte for the same pages; PyPI's pagefind[bin] has only 1.5.2, the fallback
# trialsite uses where there is no npm).
if command -v npm >/dev/null 2>&1; then
    npm ci --no-audit --no-fund --silent
else
    echo "install.sh: no npm here: search uses PyPI's Pagefind 1.5.2, whose index is not byte-identical between builds" >&2
fi
# pyenv reaches console scripts through shims made by `pyenv rehash`: without it, a fresh pyenv
# install has no `trialsite` command on PATH.
if command -v pyenv >/dev/null 2>&1; then pyenv rehash || true; fi
