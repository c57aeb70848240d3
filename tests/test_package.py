"""trialsite as a user installs it: a wheel, installed (not editable) into a fresh virtual
environment, starts and builds a catalogue in a folder outside this checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT

SEED = FIXTURES / "seeds" / "export_randomized.txt"  # a randomised trial of one phase, two drugs


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    result = subprocess.run([str(arg) for arg in args], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{args}: {result.stdout}{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Built from a copy of what the wheel is made of, so no stale build/ of the checkout leaks in."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "trialsite", source / "trialsite", ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("dist")
    # No build isolation and no index: the locked setuptools of the test environment, offline.
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
        "-w",
        out,
        source,
        cwd=out,
    )
    return next(out.glob("trialsite-*.whl"))


@pytest.fixture(scope="module")
def venv(tmp_path_factory, wheel) -> Path:
    """A fresh environment with the wheel installed; its dependencies come from the test
    environment (--system-site-packages), so nothing is downloaded."""
    home = tmp_path_factory.mktemp("venv")
    run(sys.executable, "-m", "venv", "--system-site-packages", home, cwd=home)
    run(
        home / "bin" / "python",
        "-m",
        "pip",
        "install",
        "--no-deps",
        "--no-index",
        "--ignore-installed",
        wheel,
        cwd=home,
    )
    return home


def test_the_wheel_holds_the_templates_static_files_and_schemas(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in (
        "trialsite/templates/base.html",
        "trialsite/templates/partials/footer.html",
        "trialsite/templates/static/site.css",
        "trialsite/schemas/trial.schema.json",
        "trialsite/schemas/drugs.schema.json",
        "trialsite/scaffold/github/workflows/pages.yml",
        "trialsite/scaffold/gitignore",
    ):
        assert name in names, name


def test_the_installed_package_is_the_wheel_not_this_checkout(venv, tmp_path):
    found = run(venv / "bin" / "python", "-c", "import trialsite.cli; print(trialsite.cli.__file__)", cwd=tmp_path)
    assert Path(found.stdout.strip()).is_relative_to(venv)


def test_a_new_catalogue_outside_the_checkout_builds_a_site_with_its_indexes(venv, tmp_path):
    trialsite = venv / "bin" / "trialsite"
    run(trialsite, "new", "cat", cwd=tmp_path)
    catalogue = tmp_path / "cat"
    shutil.copy(SEED, catalogue / "seeds")
    run(trialsite, "extract", cwd=catalogue)
    run(trialsite, "build", cwd=catalogue)
    site = catalogue / "site"
    (trial,) = (catalogue / "content" / "trials").glob("*.yaml")
    assert (site / "trials" / trial.stem / "index.html").is_file()
    drugs = (site / "drugs" / "index.html").read_text("utf-8")
    assert "pembrolizumab" in drugs.lower()
    assert (site / "drugs" / "pembrolizumab" / "index.html").is_file()
    assert (site / "phases" / "index.html").is_file()
    assert (site / "static" / "site.css").read_bytes() == (
        ROOT / "trialsite" / "templates" / "static" / "site.css"
    ).read_bytes()
