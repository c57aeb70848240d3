"""The checks a commit meets before it is made: pre-commit's config is valid and runs, offline,
the linters tests/run.sh runs."""

from __future__ import annotations

import subprocess
import sys

import yaml

from conftest import ROOT

CONFIG = ROOT / ".pre-commit-config.yaml"


def test_pre_commit_config_is_valid():
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-config", str(CONFIG)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_pre_commit_runs_ruff_on_the_code_and_mypy_on_the_package_with_the_locked_tools():
    hooks = [hook for repo in yaml.safe_load(CONFIG.read_text("utf-8"))["repos"] for hook in repo["hooks"]]
    entries = {hook["entry"] for hook in hooks}
    assert {"python -m ruff check trialsite tests bench", "python -m mypy trialsite"} <= entries
    assert {hook["language"] for hook in hooks} == {"system"}  # nothing fetched: works offline
    run_sh = (ROOT / "tests" / "run.sh").read_text("utf-8")
    assert "-m ruff check --quiet trialsite tests bench" in run_sh and "-m mypy trialsite" in run_sh
