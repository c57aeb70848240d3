#!/usr/bin/env bash
# The one command that installs what the tests need and runs the whole suite:
#   bash tests/run.sh [pytest args...]
# Works on a fresh Debian machine as root with only package registries reachable.
# Idempotent: installs are skipped or no-ops when already done. Install chatter goes to a log.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON="${PYTHON:-python}"
LOG="${TRIALSITE_SETUP_LOG:-${TMPDIR:-/tmp}/trialsite-test-setup.log}"
: >"$LOG"

quietly() {
    # Run a setup step with its output in $LOG; on failure show the log's tail and stop.
    if ! "$@" >>"$LOG" 2>&1; then
        echo "tests/run.sh: setup step failed: $*" >&2
        tail -n 60 "$LOG" >&2
        exit 1
    fi
}

# The browser and HTML-validation gates need Debian's Chromium + ChromeDriver and a Java runtime.
# A browser downloaded by a tool (`playwright install`) cannot work here: only registries are reachable.
apt_packages=()
if [[ ! -x /usr/bin/chromium || ! -x /usr/bin/chromedriver ]]; then
    apt_packages+=(chromium chromium-driver fonts-liberation)
fi
if ! command -v java >/dev/null 2>&1; then
    apt_packages+=(default-jre-headless)
fi
# install.sh installs the search indexer (Pagefind) with npm (Debian's nodejs and npm).
if ! command -v npm >/dev/null 2>&1; then
    apt_packages+=(nodejs npm)
fi
if ((${#apt_packages[@]})); then
    sudo=()
    if [[ "$(id -u)" -ne 0 ]]; then sudo=(sudo); fi
    echo "tests/run.sh: installing ${apt_packages[*]} with apt-get"
    quietly "${sudo[@]}" apt-get update
    quietly "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${apt_packages[@]}"
fi

# After apt: install.sh needs npm for the search indexer.
echo "tests/run.sh: installing the locked test, lint and bench dependencies (log: $LOG)"
# Fails, naming the fix, when uv.lock no longer matches pyproject.toml.
quietly env PYTHON="$PYTHON" bash install.sh test lint bench

# Lint before the tests: seconds, where the suite takes many minutes. Either one's report fails the run.
echo "tests/run.sh: ruff check on trialsite/, tests/ and bench/, mypy on trialsite/"
"$PYTHON" -m ruff check --quiet trialsite tests bench || { echo "tests/run.sh: ruff check reported problems" >&2; exit 1; }
"$PYTHON" -m mypy trialsite || { echo "tests/run.sh: mypy reported problems" >&2; exit 1; }

status=0
"$PYTHON" -m pytest -q "$@" || status=$?
if ((status == 5)); then
    # pytest's "no tests ran": a suite that finds nothing to run has not passed.
    echo "tests/run.sh: pytest collected no tests" >&2
    exit 1
fi
exit "$status"
