"""Shared fixtures: the project's real seeds and drug vocabulary, and small file helpers."""

from __future__ import annotations

import gzip
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import pytest

from trialsite.content import drug_vocabulary
from trialsite.extract import extract
from trialsite.extract.drugs import DrugIndex
from trialsite.model import Trial
from trialsite.render.background_index import BackgroundIndexer
from trialsite.seeds import read_seed
from trialsite.sitefolder import SCRATCH_PREFIX

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
RENDER_CONTENT = FIXTURES / "render" / "content"


@pytest.fixture(scope="session")
def drug_index() -> DrugIndex:
    return DrugIndex.from_vocabulary(drug_vocabulary(ROOT / "content"))


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
def new_catalogue(tmp_path: Path) -> Path:
    """A catalogue as a user starts one: empty seeds/ and content/, the drug vocabulary beside."""
    (tmp_path / "seeds").mkdir()
    (tmp_path / "content").mkdir()
    shutil.copy(ROOT / "content" / "drugs.yaml", tmp_path / "content" / "drugs.yaml")
    return tmp_path


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A project root with site.toml and a copy of the render fixtures' content."""
    (tmp_path / "site.toml").write_text(
        'title = "Test Catalogue"\ndescription = "Trials for testing."\nbase_url = "/"\n', encoding="utf-8"
    )
    shutil.copytree(RENDER_CONTENT, tmp_path / "content")
    return tmp_path


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


def generate_trials(count: int, folder: Path, seed: int) -> Path:
    """`count` of the benchmark's synthetic trials in `folder`/content/trials/; `folder`."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import generate
    finally:
        sys.path.remove(str(ROOT / "bench"))
    generate.generate(count, folder, seed=seed, jobs=1)
    return folder


def read_export(site: Path, name: str) -> str:
    """An open-data export's text, "trials.json" or "trials.csv", from the gzipped file the site publishes."""
    return gzip.decompress((site / f"{name}.gz").read_bytes()).decode("utf-8")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(project: Path, base_path: str, timeout: float = 60):
    """`python build.py serve` on a scratch project, on a free loopback port, until the block
    ends; yields the port and the process once the home page answers."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port), "--base-url", base_path,
         "--content", str(project / "content"), "--seeds", str(project / "seeds"), "--out", str(project / "site")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{base_path}", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail(f"serve did not start:\n{process.communicate()[0]}")
    try:
        yield port, process
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(autouse=True)
def no_background_index_outlives_its_test():
    """A preview's search index runs on a thread of its own: one a test started must not run
    into the next test (and pick up its settings)."""
    yield
    BackgroundIndexer.stop_all()


def fake_indexer(folder: Path, script: str) -> str:
    """A stand-in for the Pagefind binary (PAGEFIND_BINARY_PATH) that runs `script`."""
    path = folder / "pagefind"
    path.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    path.chmod(0o755)
    return str(path)


def scratch_folders(folder: Path) -> list[str]:
    """The scratch folders (`SiteFolder.new_scratch`) left in `folder`."""
    return sorted(path.name for path in folder.iterdir() if path.name.startswith(SCRATCH_PREFIX))


def running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"  # a zombie has ended


def wait_for(condition: Callable[[], object], timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
