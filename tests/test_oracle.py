"""`check` is the oracle of `build`: content it accepts builds into a whole site, and content it
refuses, `build` refuses with the same `file:line: field: message` problems and exit code 1.

Generated catalogues (`oracle_content.py`) are checked, then built by the command line and
previewed by `serve`'s builder. The suite runs a short, derandomized campaign; set
TRIALSITE_HYPOTHESIS_EXAMPLES (e.g. 1000) for a long one.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from oracle_content import catalogues
from site_checks import data_problems, page_problems

from trialsite.cli import EXIT_INVALID, EXIT_OK, main
from trialsite.content import TRIALS_DIR, load_content
from trialsite.render.background_index import BackgroundIndexer
from trialsite.serve import Preview, Sources

EXAMPLES = int(os.environ.get("TRIALSITE_HYPOTHESIS_EXAMPLES", "20"))
BASE_URL = "https://example.org/sub/"
CAMPAIGN = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same examples in every run: CI stays stable
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def write_catalogue(root: Path, files: dict[str, str]) -> list[Path]:
    (root / "site.toml").write_text(
        f'title = "Oracle"\ndescription = "Generated trials."\nbase_url = "{BASE_URL}"\n', "utf-8"
    )
    trials = root / "content" / TRIALS_DIR
    trials.mkdir(parents=True, exist_ok=True)
    paths = [trials / f"{name}.yaml" for name in files]
    for path, text in zip(paths, files.values(), strict=True):
        path.write_text(text, "utf-8")
    return paths


def checked(root: Path) -> list[str]:
    problems = [str(problem) for problem in load_content(root / "content").problems]
    event("check refused" if problems else "check accepted")
    return problems


def run(root: Path, *argv: str) -> tuple[int, str]:
    """The command line, in this process: its exit code and what it printed to stderr."""
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        code = main(root, list(argv))
    return code, stderr.getvalue()


@CAMPAIGN
@given(catalogues())
def test_build_publishes_what_check_accepts_and_refuses_what_it_refuses(files):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_catalogue(root, files)
        problems = checked(root)
        code, stderr = run(root, "build", "--content", str(root / "content"), "--out", str(root / "site"))
        if problems:
            assert code == EXIT_INVALID, stderr
            assert all(problem in stderr for problem in problems), (problems, stderr)
            return
        assert code == EXIT_OK, stderr
        site = root / "site"
        assert page_problems(site, BASE_URL) + data_problems(site, BASE_URL, list(files)) == []


def get(preview: Preview, path: str) -> str:
    statuses: list[str] = []
    preview.app({"PATH_INFO": path}, lambda status, headers: statuses.append(status))
    return statuses[0]


@CAMPAIGN
@given(catalogues())
def test_the_preview_shows_what_check_accepts_and_no_error_page(files):
    """An edit to a previewed catalogue (the live builder's incremental path), then every page."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_catalogue(root, dict([next(iter(files.items()))]))  # a catalogue of one, then the edit
        preview = Preview(Sources(root / "content", root / "seeds", root / "site.toml"), root / "site", None,
                          log=lambda line: None)
        try:
            preview.rebuild()
            touched = write_catalogue(root, files)
            problems = checked(root)
            preview.rebuild(touched)
            assert sorted(preview.problems) == sorted(problems)
            if problems:
                return
            pages = sorted(path.relative_to(root / "site").as_posix() for path in (root / "site").rglob("*.html"))
            served = {page: get(preview, "/sub/" + page) for page in pages if not page.startswith("pagefind/")}
            assert {page: status for page, status in served.items() if status != "200 OK"} == {}
        finally:
            preview.stop()
            BackgroundIndexer.stop_all()
