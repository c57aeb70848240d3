"""Shared fixtures: the project's real seeds and drug vocabulary, and small file helpers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from trialsite.content import load_vocabulary
from trialsite.extract import extract
from trialsite.extract.drugs import DrugIndex
from trialsite.model import Trial
from trialsite.seeds import read_seed

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def drug_index() -> DrugIndex:
    return DrugIndex.from_vocabulary(load_vocabulary(ROOT / "content"))


@pytest.fixture(scope="session")
def extract_file(drug_index):
    def run(path: Path) -> Trial:
        return extract(read_seed(path), drug_index)

    return run


@pytest.fixture(scope="session")
def seed_trial(extract_file):
    """Extract one of the project's seeds by its number prefix, e.g. seed_trial('003')."""

    def run(number: str) -> Trial:
        (path,) = SEEDS.glob(f"{number}_*.txt")
        return extract_file(path)

    return run


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A scratch copy of the project's seeds and drug vocabulary, with an empty content dir."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    (tmp_path / "content").mkdir()
    shutil.copy(ROOT / "content" / "drugs.yaml", tmp_path / "content" / "drugs.yaml")
    return tmp_path


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (Debian's, driven by Playwright) for every browser test: Playwright's
    sync API allows one running instance per thread. Never `playwright install`: it downloads a
    browser build, which cannot work here."""
    import os

    from quality._site import CHROMIUM, CHROMIUM_ARGS, require

    require(Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK), f"Chromium is not installed at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # depends on the machine
        require(False, f"playwright is not importable ({exc})")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
