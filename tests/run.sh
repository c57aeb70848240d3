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

echo "tests/run.sh: installing test dependencies (log: $LOG)"
quietly "$PYTHON" -m pip install --disable-pip-version-check --no-input -q -e '.[test]'

# The browser and HTML-validation gates need Debian's Chromium + ChromeDriver and a Java runtime.
# A browser downloaded by a tool (`playwright install`) cannot work here: only registries are reachable.
apt_packages=()
if [[ ! -x /usr/bin/chromium || ! -x /usr/bin/chromedriver ]]; then
    apt_packages+=(chromium chromium-driver fonts-liberation)
fi
if ! command -v java >/dev/null 2>&1; then
    apt_packages+=(default-jre-headless)
fi
if ((${#apt_packages[@]})); then
    sudo=()
    if [[ "$(id -u)" -ne 0 ]]; then sudo=(sudo); fi
    echo "tests/run.sh: installing ${apt_packages[*]} with apt-get"
    quietly "${sudo[@]}" apt-get update
    quietly "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${apt_packages[@]}"
fi

exec "$PYTHON" -m pytest -q "$@"
